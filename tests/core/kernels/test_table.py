"""The kernel table and the instant CLI: lookups without the disk, imports only what is needed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from jupyter_client.kernelspec import NoSuchKernel
from support.factory import PYKERNEL, UNDER_TEST, envs_of, write_dist, write_kernel, write_record
from support.hostile import envs_root, healthy

from jupyter_envpanel.core.base.prefix import COARSE_RACY_NS, RACY_NS
from jupyter_envpanel.core.kernels.offer import KernelOptions
from jupyter_envpanel.core.kernels.table import build_table, reread
from jupyter_envpanel.core.service import EnvService, ServiceOptions
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager


def test_only_the_ipykernel_package_itself_gives_a_kernel(world):
    root = envs_root(world)
    world.conda_env(root, python="3.12.1")
    conda = world.conda_env(root / "envs" / "lookalike-conda")
    write_record(conda, ("ipykernel-dep", "1.0", "0"))
    write_record(conda, ("ipykernel_helper", "2.0", "py_0"))
    venv = world.venv(
        world.root / ".venv", dists=[("ipykernel_helper", "1.0", True), ("ipykernel-dep", "1", True)]
    )
    real = world.conda_env(root / "envs" / "real", ipykernel=True)
    envs = envs_of(EnvService(world.host()).listing())
    assert envs["lookalike-conda"].kernels == () and not envs["lookalike-conda"].has_ipykernel
    assert not envs[".venv"].has_ipykernel
    assert [k.name for k in envs["real"].kernels] == ["conda-env-real-py"]
    write_dist(
        venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages",
        "ipykernel",
        "6.29.5",
    )
    assert envs_of(EnvService(world.host()).listing())[".venv"].has_ipykernel
    assert real.is_dir()


def test_lookups_read_the_table_not_the_disk(world, tmp_path, monkeypatch):
    good = healthy(world)
    write_kernel(good, "ir", {"argv": ["R", "{connection_file}"], "display_name": "R", "language": "R"})
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "no-kernels"))
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    manager.refresh_table()

    # When every environment disappears from the disk
    shutil.rmtree(world.home)

    # Then lookups still answer from the table (a kernel.json gone is not read), until the next refresh
    assert {"conda-env-good-py", "conda-env-good-r"} <= set(manager.find_kernel_specs())
    spec = manager.get_kernel_spec("conda-env-good-py")
    assert spec.metadata["conda_env_name"] == "good" and spec.env["CONDA_PREFIX"] == str(good)
    with pytest.raises(NoSuchKernel):
        manager.get_kernel_spec("conda-env-unknown-py")  # a miss: NoSuchKernel now, refresh behind
    manager.refresh_table()
    assert "conda-env-good-py" not in manager.find_kernel_specs()


def test_legacy_and_current_names_resolve_through_the_table(world):
    healthy(world)
    world.conda_env(world.home / ".conda" / "envs" / "foo", ipykernel=True)
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    manager.refresh_table()
    assert manager.get_kernel_spec("conda-env-.conda-foo-py").metadata["conda_env_name"] == "foo"
    assert manager.get_kernel_spec("conda-env-miniconda3-good-py").metadata["conda_env_name"] == "good"


@pytest.mark.parametrize("command", [["list", "--json"], ["kernels", "--json"], ["show", "good", "--json"]])
def test_cli_listing_commands_never_import_the_drift_chain(world, command):
    healthy(world)
    code = (
        "import sys\n"
        "from jupyter_envpanel.cli import main\n"
        f"code = main({command!r})\n"
        "loaded = [m for m in ('rattler', 'yaml', 'packaging.specifiers',"
        " 'jupyter_envpanel.core.drift.report')"
        " if m in sys.modules]\n"
        "print('LOADED=' + ','.join(loaded), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=world.root,
        capture_output=True,
        text=True,
        timeout=60,
        env={"HOME": str(world.home), "PATH": "/usr/bin:/bin", "PYTHONPATH": UNDER_TEST},
    )
    assert out.returncode == 0, out.stderr
    loaded = out.stderr.strip().splitlines()[-1]
    assert loaded == "LOADED=", loaded


def test_python_api_reuses_one_service_and_still_sees_changes(world):
    import jupyter_envpanel as ep

    healthy(world)
    ep.refresh()
    first = ep.find_environments()
    assert ep.find_environments()[0] is first[0]  # warm: the same objects, nothing re-read
    world.conda_env(envs_root(world) / "envs" / "late")
    assert "late" in {e.name for e in ep.find_environments()}  # mtimes checked on every call
    report = ep.check_drift("good", _envfile(world))
    assert report.summary["missing"] == 1
    ep.refresh()
    assert {e.name for e in ep.find_environments()} >= {"good", "late"}


def _envfile(world):
    path = world.root / "environment.yml"
    path.write_text("dependencies:\n  - python>=3\n  - scipy\n")
    return path


def test_kernels_json_is_what_the_server_offers(world):
    healthy(world)
    data_dir = world.base / "data"
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_envpanel", "kernels", "--json"],
        cwd=world.root,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "HOME": str(world.home),
            "PATH": "/usr/bin:/bin",
            "JUPYTER_DATA_DIR": str(data_dir),
            "PYTHONPATH": UNDER_TEST,
        },
    )
    names = {k["name"]: k for k in json.loads(out.stdout)["kernels"]}
    assert names["conda-env-good-py"]["environment"]["name"] == "good"
    assert names["conda-env-good-py"]["display_name"] == "Python [conda env:good]"
    assert PYKERNEL["language"] == names["conda-env-good-py"]["language"]


def test_a_native_kernels_model_has_its_name_and_links_its_logos(world):
    """A kernelspec not made by an environment is served under its name, with its logos linked."""
    spec = {"argv": ["R"], "display_name": "R", "language": "R"}
    folder = write_kernel(world.base / "data", "ir", spec)
    table = build_table({}, {"ir": (str(folder), spec)})
    model = table.lookup("ir").model("/base/")
    assert model["name"] == "ir"
    assert model["resources"] == {
        "logo-32x32": "/base/kernelspecs/ir/logo-32x32.png",
        "logo-64x64": "/base/kernelspecs/ir/logo-64x64.png",
    }


def test_a_native_kernels_model_links_its_kernel_js_and_kernel_css(world):
    """A kernel's kernel.js and kernel.css are linked in its model, as jupyter_server links them."""
    spec = {"argv": ["R"], "display_name": "R", "language": "R"}
    folder = write_kernel(world.base / "data", "ir", spec)
    (folder / "kernel.js").write_text("define([], function () { return {}; });\n")
    (folder / "kernel.css").write_text(".ir { color: blue; }\n")
    model = build_table({}, {"ir": (str(folder), spec)}).lookup("ir").model("/base/")
    assert model["resources"]["kernel.js"] == "/base/kernelspecs/ir/kernel.js"
    assert model["resources"]["kernel.css"] == "/base/kernelspecs/ir/kernel.css"


@pytest.mark.parametrize(
    "before, trusted",
    [
        (RACY_NS + 1, True),
        (RACY_NS, False),
        (-1, False),
        # whole seconds: a filesystem that keeps no finer (ext3, HFS+; FAT: 2 s) may not move them again
        (500_000_000, False),
        (1_500_000_000, False),
        (COARSE_RACY_NS + 500_000_000, True),
    ],
    ids=["older", "at the edge", "after", "0.5 s, whole", "1.5 s, whole", "2.5 s, whole"],
)
def test_a_kernel_json_is_trusted_only_when_written_before_the_build(world, before, trusted):
    """The table proves a kernel.json older than its build current; one as new may change unseen."""
    spec = {"argv": ["R"], "display_name": "R", "language": "R"}
    folder = write_kernel(world.base / "data", "ir", spec)
    built = 2 * 10**18 + 500_000_000  # reading began half a second into a second
    mtime = built - before
    os.utime(folder / "kernel.json", ns=(mtime, mtime))
    entry = build_table({}, {"ir": (str(folder), spec)}, read_at=built).lookup("ir")
    assert entry.source == str(folder / "kernel.json")
    assert entry.stamp == (mtime if trusted else None)


def test_an_old_base_kernel_name_resolves_only_to_a_kernel_of_ours(world):
    """`conda-root-x` is an old name of our `conda-base-x`, never of a native kernelspec so named."""
    spec = {"argv": ["R"], "display_name": "R", "language": "R"}
    folder = write_kernel(world.base / "data", "conda-base-r", spec)
    table = build_table({}, {"conda-base-r": (str(folder), spec)})
    assert table.lookup("conda-base-r") is not None
    assert table.lookup("conda-root-r") is None


@pytest.mark.parametrize("age, trusted", [(RACY_NS, False), (RACY_NS + 1, True)], ids=["edge", "older"])
def test_a_kernel_json_reread_at_the_edge_of_the_racy_window_is_not_trusted(world, monkeypatch, age, trusted):
    """An mtime exactly RACY_NS before the read may still change unseen: as discovery, not trusted."""
    spec = {"argv": ["R"], "display_name": "R", "language": "R"}
    folder = write_kernel(world.base / "data", "ir", spec)
    entry = build_table({}, {"ir": (str(folder), spec)}).lookup("ir")
    now = 2 * 10**18  # a frozen clock: the boundary is exact, whatever the machine's speed
    os.utime(folder / "kernel.json", ns=(now - age, now - age))
    monkeypatch.setattr(time, "time_ns", lambda: now)
    fresh = reread(entry, KernelOptions())
    assert fresh.spec == entry.spec
    assert fresh.stamp == (now - age if trusted else None)


@pytest.mark.parametrize(
    "options",
    [
        KernelOptions(),
        KernelOptions(
            name_format="{kernel} in {environment} ({kind}, {display_name})", offer_server_env=True
        ),
        KernelOptions(name_format="{nope}", exclude="skipped"),
    ],
    ids=["default", "custom-format", "bad-format"],
)
def test_the_listing_shows_each_kernel_as_the_table_builds_it(world, options):
    root = envs_root(world)
    world.conda_env(root, python="3.12.1", ipykernel=True)
    r_env = world.conda_env(root / "envs" / "stats")
    write_kernel(r_env, "ir", {"argv": ["R", "--slave"], "display_name": "R 4.3", "language": "R"})
    write_kernel(r_env, "bare", {"argv": ["bare"], "display_name": ""})  # no language: python
    twice = world.conda_env(root / "envs" / "twice", ipykernel=True)
    write_kernel(twice, "python3", PYKERNEL)
    write_kernel(twice, "Python3", {**PYKERNEL, "display_name": "Python 3 again"})
    world.conda_env(root / "envs" / "skipped", ipykernel=True)
    world.server_env()
    service = EnvService(world.host(), ServiceOptions(kernels=options))
    listing = service.listing()
    built = service.offered_kernels_for(listing)
    shown = [
        (k.name, k.display_name, k.language, k.resource_dir) for e in listing.environments for k in e.kernels
    ]
    if not options.offer_server_env:
        shown = [k for k in shown if k[0] != "python3"]  # the server's own, native
    assert shown == [
        (k.name, k.spec["display_name"], k.spec["language"], k.resource_dir) for k in built.values()
    ]
    assert len(shown) >= 5
