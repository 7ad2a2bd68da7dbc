"""Discovery: every source README lists, names, kinds, dedupe, warnings, cache."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from support.factory import envs_of, names, write_dist, write_kernel, write_record

from jupyter_envpanel.core.base.errors import EnvPanelError
from jupyter_envpanel.core.environments.discovery import Discovery
from jupyter_envpanel.core.kernels.registry import MARK, unregister
from jupyter_envpanel.core.kernels.table import build_table
from jupyter_envpanel.core.service import EnvService


def listing_of(world, **environ):
    return Discovery(world.host(**environ)).list()


def test_given_miniconda_root_when_listing_then_base_and_named_envs(world):
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    world.conda_env(root / "envs" / "ml", python="3.11.7")
    world.conda_env(root / "envs" / "r-env", python=None, packages=["r-base=4.3.1"])
    envs = envs_of(listing_of(world))
    assert envs["base"].kind == "conda" and envs["base"].named and envs["base"].python_version == "3.12.1"
    assert envs["ml"].named and envs["ml"].python_version == "3.11.7" and envs["ml"].package_count == 1
    assert envs["r-env"].python_version is None and envs["r-env"].package_count == 1


def test_conda_exe_and_mamba_root_prefix_find_roots_outside_usual_homes(world):
    conda_root = world.base / "opt" / "myconda"
    mamba_root = world.base / "mm"
    world.conda_env(conda_root)
    world.conda_env(conda_root / "envs" / "a")
    world.conda_env(mamba_root / "envs" / "b")  # micromamba root without its own base env
    listing = listing_of(
        world, CONDA_EXE=str(conda_root / "bin" / "conda"), MAMBA_ROOT_PREFIX=str(mamba_root)
    )
    envs = envs_of(listing)
    assert {"base", "a", "b"} <= set(envs)
    assert envs["b"].named


def test_conda_root_and_conda_prefix_variables(world):
    r1 = world.base / "r1"
    world.conda_env(r1)
    world.conda_env(r1 / "envs" / "one")
    r2 = world.base / "r2"
    world.conda_env(r2 / "envs" / "two")
    envs = envs_of(listing_of(world, CONDA_ROOT=str(r1), CONDA_PREFIX=str(r2 / "envs" / "two")))
    assert {"base", "one", "two"} <= set(envs)


def test_envs_dirs_from_condarc_and_conda_envs_path(world):
    rc_dir = world.base / "rc-envs"
    path_dir = world.base / "path-envs"
    world.conda_env(rc_dir / "from-rc")
    world.conda_env(path_dir / "from-var")
    (world.home / ".condarc").write_text(f"envs_dirs:\n  - {rc_dir}\n")
    envs = envs_of(listing_of(world, CONDA_ENVS_PATH=str(path_dir)))
    assert envs["from-rc"].named and envs["from-var"].named


def test_condarc_from_condarc_variable_and_xdg_location(world):
    a, b = world.base / "a-envs", world.base / "b-envs"
    world.conda_env(a / "x")
    world.conda_env(b / "y")
    custom = world.base / "custom.rc"
    custom.write_text(f"envs_dirs: [{a}]\n")
    (world.home / ".config" / "conda").mkdir(parents=True)
    (world.home / ".config" / "conda" / ".condarc").write_text(f"envs_dirs: ['{b}']\n")
    listing = listing_of(world, CONDARC=str(custom))
    assert {"x", "y"} <= set(envs_of(listing))
    assert str(a) in listing.searched and str(b) in listing.searched


def test_environments_txt_prefix_envs_deleted_space_and_duplicates(world):
    spaced = world.conda_env(world.base / "my projects" / "env one")
    plain = world.conda_env(world.base / "proj" / "env")
    deleted = world.base / "gone"
    world.environments_txt(spaced, plain, deleted, plain)
    listing = listing_of(world)
    envs = envs_of(listing)
    assert envs["env one"].prefix == str(spaced) and not envs["env one"].named
    assert envs["env"].prefix == str(plain)
    assert names(listing).count("env") == 1
    assert any("gone" in w and "does not exist" in w for w in listing.warnings)


def test_symlinked_duplicate_appears_once(world):
    real = world.conda_env(world.home / ".conda" / "envs" / "real")
    link = world.base / "link"
    link.symlink_to(real)
    world.environments_txt(link)
    listing = listing_of(world)
    assert [e.name for e in listing.environments if e.kind == "conda"] == ["real"]


def test_folder_without_history_is_skipped_with_warning(world):
    root = world.home / "miniforge3"
    world.conda_env(root)
    (root / "envs" / "half").mkdir(parents=True)
    (root / "envs" / ".conda_envs_dir_test").write_text("")
    listing = listing_of(world)
    assert "half" not in names(listing)
    assert any("half" in w and "not an environment" in w for w in listing.warnings)


def test_pixi_and_venv_in_server_root(world):
    pixi = world.root / ".pixi" / "envs" / "default"
    world.conda_env(pixi, history=False)
    world.venv(world.root / ".venv", dists=[("requests", "2.32.3", True)])
    envs = envs_of(listing_of(world))
    assert envs["root-default"].kind == "pixi"
    assert envs[".venv"].kind == "venv" and envs[".venv"].package_count == 1
    assert envs[".venv"].python_version.count(".") == 2


def test_server_prefix_is_marked(world):
    world.server_env()
    envs = [e for e in listing_of(world).environments if e.is_server]
    assert len(envs) == 1 and envs[0].kind == "venv"
    assert listing_of(world).environments[0].is_server  # listed first


def test_clashing_names_are_disambiguated(world):
    r1 = world.home / "miniconda3"
    r2 = world.home / "micromamba"
    world.conda_env(r1)
    world.conda_env(r2)
    world.conda_env(r1 / "envs" / "ml")
    world.conda_env(r2 / "envs" / "ml")
    world.conda_env(world.base / "x" / "ml")
    world.environments_txt(world.base / "x" / "ml")
    got = names(listing_of(world))
    assert len(got) == len(set(got))
    assert {"base", "micromamba-base", "ml", "micromamba-ml", "x-ml"} <= set(got)


def test_unreadable_and_missing_sources_are_not_errors(world):
    (world.home / ".condarc").write_text("envs_dirs: [unclosed\n")
    (world.home / ".conda").mkdir()
    (world.home / ".conda" / "environments.txt").write_text("\n# comment\n/nonexistent/env\n")
    listing = listing_of(world, CONDA_EXE="/nonexistent/bin/conda", CONDA_ENVS_PATH="/nope")
    assert any(".condarc" in w and "invalid YAML at line 2" in w for w in listing.warnings)


def test_unreadable_envs_dir_warns(world):
    if os.geteuid() == 0:
        # root reads everything; check the warning path with a file where a directory is expected
        (world.home / ".conda").mkdir()
        (world.home / ".conda" / "envs").write_text("not a dir")
        listing = listing_of(world)
        assert any("envs" in w for w in listing.warnings)
    else:
        folder = world.home / ".conda" / "envs"
        folder.mkdir(parents=True)
        folder.chmod(0)
        try:
            assert any("cannot read" in w for w in listing_of(world).warnings)
        finally:
            folder.chmod(0o755)


def test_cache_reuses_listing_until_an_mtime_changes(world):
    root = world.home / "miniconda3"
    world.conda_env(root)
    discovery = Discovery(world.host())
    first = discovery.list()
    assert discovery.list() is first
    time.sleep(0.01)
    world.conda_env(root / "envs" / "new")
    second = discovery.list()
    assert second is not first and "new" in names(second)
    time.sleep(0.01)
    write_record(root / "envs" / "new", "numpy=1.26.4")
    assert envs_of(discovery.list())["new"].package_count == 2


def test_listing_does_not_parse_records(world):
    prefix = world.conda_env(world.home / ".conda" / "envs" / "corrupt", packages=["numpy=1.26.4"])
    (prefix / "conda-meta" / "numpy-1.26.4-h1234567_0.json").write_text("{not json")
    env = envs_of(listing_of(world))["corrupt"]
    assert env.package_count == 2 and env.warnings == ()


def test_installation_known_only_from_environments_txt(world):
    root = world.base / "elsewhere" / "miniforge"
    world.conda_env(root)
    (root / "condabin").mkdir()
    world.conda_env(root / "envs" / "tools")
    world.environments_txt(root, root / "envs" / "tools")
    envs = envs_of(listing_of(world))
    assert envs["base"].is_base and envs["base"].named
    assert envs["tools"].named


def test_the_servers_own_installation_is_searched(world):
    from dataclasses import replace

    root = world.base / "srv" / "conda"
    world.conda_env(root)
    server = world.conda_env(root / "envs" / "notebook", ipykernel=True)
    world.conda_env(root / "envs" / "demo")
    host = replace(world.host(), sys_prefix=server)
    envs = envs_of(Discovery(host).list())
    assert envs["notebook"].is_server and envs["notebook"].named
    assert {"base", "demo"} <= set(envs)


def test_a_site_packages_made_after_a_listing_is_seen(world):
    """A venv whose lib/ appears later (its packages installed) is read again, not served from cache."""
    prefix = world.venv(world.home / ".virtualenvs" / "app")
    shutil.rmtree(prefix / "lib")
    for folder, _, files in os.walk(world.base):  # old enough that no scan is "racily clean"
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.utime(path, ns=(10**18, 10**18))
    discovery = Discovery(world.host())
    assert envs_of(discovery.list())["app"].package_count == 0
    write_dist(
        prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages",
        "ipykernel",
        "6.29.5",
    )
    env = envs_of(discovery.list())["app"]
    assert env.package_count == 1 and env.has_ipykernel


def test_pip_install_and_uninstall_in_a_venv_are_seen_by_the_next_listing(world):
    """pip changes only site-packages (not lib/ or pyvenv.cfg): the cache must still see it."""
    prefix = world.venv(world.home / ".virtualenvs" / "app", dists=[("requests", "2.32.3", True)])
    for folder, _, files in os.walk(world.base):  # old enough that no scan is "racily clean"
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.utime(path, ns=(10**18, 10**18))
    discovery = Discovery(world.host())
    assert envs_of(discovery.list())["app"].package_count == 1
    site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    write_dist(site, "ipykernel", "6.29.5")
    env = envs_of(discovery.list())["app"]
    assert (env.package_count, env.has_ipykernel) == (2, True)
    shutil.rmtree(site / "ipykernel-6.29.5.dist-info")
    env = envs_of(discovery.list())["app"]
    assert (env.package_count, env.has_ipykernel) == (1, False)


def test_a_broken_kernel_json_does_not_hide_the_kernels_after_it(world):
    """Each kernel folder is read on its own: a broken one is a warning, the next is still offered."""
    prefix = world.conda_env(world.home / ".conda" / "envs" / "ml", ipykernel=True)
    broken = prefix / "share" / "jupyter" / "kernels" / "a-broken"
    broken.mkdir(parents=True)
    (broken / "kernel.json").write_text("{not json")
    write_kernel(prefix, "b-good", {"argv": ["python", "-m", "ipykernel_launcher"], "display_name": "Good"})
    env = envs_of(listing_of(world))["ml"]
    assert [k.dir_name for k in env.kernel_files] == ["b-good"]
    assert any("a-broken" in w and "kernel not offered" in w for w in env.warnings)


def test_a_prefix_given_with_a_tilde_is_found_under_home(world):
    """`~/work/venv` (as a user types it) names the venv in HOME, not a folder called `~`."""
    prefix = world.venv(world.home / "work" / "venv")
    env = EnvService(world.host()).find("~/work/venv", allow_any_prefix=True)
    assert os.path.realpath(env.prefix) == os.path.realpath(prefix) and env.kind == "venv"


SPECS = [
    ({"argv": ["R"]}, {"display_name": "", "language": "", "interrupt_mode": "signal"}),
    (
        {"argv": ["R"], "display_name": "R", "language": "R", "interrupt_mode": "message"},
        {"display_name": "R", "language": "R", "interrupt_mode": "message"},
    ),
]


@pytest.mark.parametrize("spec, fields", SPECS, ids=["defaults", "given"])
def test_the_kernel_table_shapes_specs_as_jupyter_client(spec, fields):
    """A native kernelspec is served with jupyter_client's fields and defaults."""
    entry = build_table({}, {"ir": ("/k/ir", spec)}).lookup("ir")
    assert entry.spec == {"argv": ["R"], "env": {}, "metadata": {}, **fields}


def test_unregistering_a_symlinked_kernel_folder_is_a_clear_error(world):
    """A kernelspec folder that is a symlink cannot be removed: an EnvPanelError, the target kept."""
    target = world.base / "dotfiles" / "py"
    target.mkdir(parents=True)
    spec = {"argv": ["python"], "metadata": {"envpanel": {"registered_by": MARK}}}
    (target / "kernel.json").write_text(json.dumps(spec))
    kernels = world.base / "data" / "kernels"
    kernels.mkdir(parents=True)
    (kernels / "py").symlink_to(target)
    with pytest.raises(EnvPanelError, match="could not remove"):
        unregister(["py"], world.host(JUPYTER_DATA_DIR=str(world.base / "data")))
    assert (target / "kernel.json").is_file()


def test_two_pythons_of_one_prefix_on_path_are_two_environments(world):
    """/usr/bin/python3.11 and /usr/bin/python3.12 share the prefix /usr but are listed apart."""
    bin_dir = world.base / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python3.11", "python3.12"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    listing = listing_of(world, PATH=str(bin_dir))
    systems = sorted(e.executable for e in listing.environments if e.kind == "system")
    assert systems == [str(bin_dir / "python3.11"), str(bin_dir / "python3.12")]


def test_a_new_environment_does_not_make_the_unchanged_ones_read_again(world, monkeypatch):
    """A rescan reads the facts of what changed only; unchanged venvs come from the cache."""
    from jupyter_envpanel.core.environments import discovery as module

    for name in ("a", "b"):
        world.venv(world.home / ".virtualenvs" / name, dists=[("requests", "2.32.3", True)])
    for folder, _, files in os.walk(world.base):  # old enough that no scan is "racily clean"
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.utime(path, ns=(10**18, 10**18))
    read = []
    real_read_facts = module.read_facts

    def counting_read_facts(prefix, *args):
        read.append(Path(prefix).name)
        return real_read_facts(prefix, *args)

    monkeypatch.setattr(module, "read_facts", counting_read_facts)
    discovery = Discovery(world.host())
    assert {"a", "b"} <= set(names(discovery.list()))
    assert sorted(read) == ["a", "b"]
    read.clear()
    world.venv(world.home / ".virtualenvs" / "c")
    envs = envs_of(discovery.list())
    assert read == ["c"]
    assert envs["a"].package_count == envs["b"].package_count == 1


def test_a_server_prefix_with_only_a_versioned_interpreter_is_listed_with_the_servers_executable(world):
    """A server whose prefix has no bin/python3 (only python3.12) is listed, run by sys.executable."""
    from dataclasses import replace

    server = world.base / "server"
    (server / "bin").mkdir(parents=True)
    (server / "bin" / "python3.12").write_text("#!/bin/sh\n")
    host = replace(world.host(), sys_executable=str(server / "bin" / "python3.12"))
    (env,) = [e for e in Discovery(host).list().environments if e.is_server]
    assert (env.name, env.kind, env.prefix) == ("system", "system", str(server))
    assert env.executable == str(server / "bin" / "python3.12") and env.python_version == "3.12"


def installed_python(prefix: Path, name: str) -> Path:
    """Write a Python installation: `bin/<name>`, and `bin/python3` linking to it."""
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / name).write_text("#!/bin/sh\n")
    (prefix / "bin" / name).chmod(0o755)
    (prefix / "bin" / "python3").symlink_to(name)
    (prefix / "lib" / "python3.12" / "site-packages").mkdir(parents=True)
    return prefix / "bin" / name


@pytest.mark.parametrize("tool", ["uv", "pyenv"])
def test_a_tools_python_linked_from_path_is_listed_once_as_the_tools(world, tool):
    """`~/.local/bin/python3.12` -> uv's (or pyenv's) installation: one environment, the tool's."""
    folder = {
        "uv": ".local/share/uv/python/cpython-3.12.4-linux-x86_64-gnu",
        "pyenv": ".pyenv/versions/3.12.4",
    }
    install = world.home / folder[tool]
    exe = installed_python(install, "python3.12")
    local_bin = world.home / ".local" / "bin"
    local_bin.mkdir(parents=True)
    (local_bin / "python3.12").symlink_to(exe)
    listing = listing_of(world, PATH=str(local_bin))
    found = [(e.prefix, e.kind, e.python_version) for e in listing.environments if not e.is_server]
    assert found == [(str(install), tool, "3.12.4")]


def test_a_uv_minor_version_link_to_an_installation_elsewhere_tells_its_full_version(world):
    """`cpython-3.12-...` linking outside uv's folder: one installation, named and versioned by its target."""
    target = world.base / "elsewhere" / "cpython-3.12.4-linux-x86_64-gnu"
    installed_python(target, "python3.12")
    link = world.home / ".local" / "share" / "uv" / "python" / "cpython-3.12-linux-x86_64-gnu"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    envs = [e for e in listing_of(world).environments if not e.is_server]
    assert [(e.name, e.kind, e.python_version) for e in envs] == [("cpython-3.12.4", "uv", "3.12.4")]


def test_an_activated_conda_environment_on_path_is_not_listed_again_as_a_system_python(world):
    """`conda activate` puts `<prefix>/bin` on PATH: its python3 is the conda env, listed once."""
    base = world.conda_env(world.home / "miniconda3")
    ml = world.conda_env(base / "envs" / "ml")
    for prefix in (base, ml):
        installed_python(prefix, "python3.11")
    listing = listing_of(world, PATH=os.pathsep.join([str(ml / "bin"), str(base / "bin")]))
    assert sorted((e.name, e.kind) for e in listing.environments if not e.is_server) == [
        ("base", "conda"),
        ("ml", "conda"),
    ]


def test_a_venv_whose_pyvenv_cfg_is_rewritten_shows_its_new_python_at_the_next_listing(world):
    """`python -m venv --upgrade` rewrites only pyvenv.cfg (same lib/pythonX.Y): the cache must see it."""
    prefix = world.venv(world.home / ".virtualenvs" / "app")
    for folder, _, files in os.walk(world.base):  # old enough that no scan is "racily clean"
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.utime(path, ns=(10**18, 10**18))
    discovery = Discovery(world.host())
    old = ".".join(str(p) for p in sys.version_info[:3])
    assert envs_of(discovery.list())["app"].python_version == old
    new = f"{sys.version_info[0]}.{sys.version_info[1]}.99"
    (prefix / "pyvenv.cfg").write_text(f"home = /usr/bin\nversion = {new}\n")
    os.utime(prefix / "pyvenv.cfg", ns=(2 * 10**18, 2 * 10**18))
    assert envs_of(discovery.list())["app"].python_version == new


def test_environments_are_listed_with_numbers_ordered_as_numbers(world):
    """`py3.6` before `py3.10`, `env2` before `env10` (the panel orders them so too)."""
    for name in ("py3.10", "py3.6", "env10", "env2", "Env1"):
        world.conda_env(world.home / "miniconda3" / "envs" / name)
    names = [e.name for e in Discovery(world.host()).list().environments]
    assert names == ["Env1", "env2", "env10", "py3.6", "py3.10"]


def test_a_conda_environment_given_by_path_outside_every_known_place_reads_its_conda_meta(world):
    """A prefix found only by its path still tells its python, its records and its activation variables."""
    prefix = world.conda_env(
        world.base / "elsewhere" / "proj-env",
        python="3.12.1",
        packages=["numpy=1.26.4", "r-base=4.3.1"],
        state_vars={"PROJ_DATA": "/data"},
    )
    env = EnvService(world.host()).find(str(prefix), allow_any_prefix=True)
    assert env.kind == "conda"
    assert env.python_version == "3.12.1" and env.package_count == 3
    assert env.env_vars == (("PROJ_DATA", "/data"),)
