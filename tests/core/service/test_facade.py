"""The service facade: drift confinement, env files, kernelspecs' environments, export, projects, the API."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.factory import CONDA_FORGE, write_dist

from jupyter_envpanel.core.base.errors import EnvFileError, KernelNotFound
from jupyter_envpanel.core.requirements.envfile import parse_envfile
from jupyter_envpanel.core.service import EnvService, ServiceOptions

UNLISTED_HINT = "this prefix holds an environment that is not listed: add it to EnvPanelApp.extra_env_dirs"


def make_ml(world, name: str = "ml") -> Path:
    return world.conda_env(
        world.home / "miniconda3" / "envs" / name,
        packages=[("numpy", "1.26.4", "py311h0_0", CONDA_FORGE)],
        requested=["numpy"],
        pip=[("rich", "13.7.1", True)],
    )


def service(world) -> EnvService:
    world.server_env()
    return EnvService(world.host())


def outside(world, name: str, text: str) -> Path:
    """Write a file beside the server root, not inside it."""
    folder = world.base / "elsewhere"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_unknown_kernel_error_names_the_kernel():
    err = KernelNotFound("conda-env-gone-py")
    assert err.name == "conda-env-gone-py" and err.status == 404
    assert str(err) == "unknown kernel: 'conda-env-gone-py'"


# --- drift and environment files ---------------------------------------------------------


def test_drift_with_a_label_refuses_requirements_that_include_files_outside_the_root(world):
    make_ml(world)
    secret = outside(world, "secret.txt", "secret-requirement==1\n")
    (world.root / "requirements.txt").write_text(f"rich==13.7.1\n-r {secret}\n")
    svc = service(world)
    env = svc.find("ml")
    local = svc.drift(env, world.root / "requirements.txt")  # the CLI: the user's own files
    assert "secret-requirement" in {r.name for r in local.requirements}
    with pytest.raises(EnvFileError) as info:
        svc.drift(env, world.root / "requirements.txt", label="requirements.txt")  # the server
    assert info.value.status == 403 and "secret-requirement" not in str(info.value)


def test_a_drift_report_of_a_requirements_file_names_that_file(world):
    """The CLI's report names the file by its path; the server's by its label under the root."""
    make_ml(world)
    reqs = world.root / "requirements.txt"
    reqs.write_text("rich==13.7.1\n")
    svc = service(world)
    env = svc.find("ml")
    assert svc.drift(env, reqs).file == str(reqs)
    assert svc.drift(env, reqs, label="requirements.txt").file == "requirements.txt"


def test_the_channel_context_is_read_once_until_a_condarc_changes(world):
    """Drift checks reuse the condarc settings while no condarc changed; a new one is read."""
    svc = service(world)
    first = svc.channel_context()
    assert svc.channel_context() is first
    (world.home / ".condarc").write_text("channel_alias: https://mirror.example.com\n")
    changed = svc.channel_context()
    assert changed.alias.location == "mirror.example.com"
    assert svc.channel_context() is changed


def test_the_channel_context_is_read_again_when_other_condarc_files_have_the_same_times(world):
    """A condarc set that changed by which files, not by their times, is read again."""
    first_rc, second_rc = world.home / ".condarc", world.home / ".config" / "conda" / ".condarc"
    first_rc.write_text("channel_alias: https://one.example.com\n")
    svc = service(world)
    assert svc.channel_context().alias.location == "one.example.com"
    stat = first_rc.stat()
    second_rc.parent.mkdir(parents=True)
    second_rc.write_text("channel_alias: https://two.example.com\n")
    first_rc.unlink()
    os.utime(second_rc, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same count, same times
    assert svc.channel_context().alias.location == "two.example.com"


def test_nearest_envfile_from_the_cli_follows_links_the_server_refuses(world):
    target = outside(world, "environment.yml", "name: shared\ndependencies: [python]\n")
    (world.root / "nb").mkdir()
    (world.root / "environment.yml").symlink_to(target)
    svc = service(world)
    assert svc.nearest_envfile(world.root / "nb") == world.root / "environment.yml"
    assert svc.nearest_envfile(world.root / "nb", world.root) == world.root / "environment.yml"
    with pytest.raises(EnvFileError) as info:
        svc.nearest_envfile(world.root / "nb", world.root, confined=True)
    assert info.value.status == 403 and info.value.path == "environment.yml"


# --- which environment a kernelspec runs in ----------------------------------------------


def _spec_cases(prefix: str) -> dict:
    python = f"{prefix}/bin/python"
    launcher = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
    return {
        "envpanel-prefix": (
            {"metadata": {"envpanel": {"prefix": prefix}}, "argv": ["/opt/x/bin/python"]},
            "ml",
        ),
        "nb-conda-kernels-path": ({"metadata": {"conda_env_path": prefix}}, "ml"),
        "envpanel-wins": (
            {"metadata": {"envpanel": {"prefix": prefix}, "conda_env_path": "/opt/x"}},
            "ml",
        ),
        "prefix-with-nul": (
            {"metadata": {"envpanel": {"prefix": "/x\x00y"}}, "argv": [python, *launcher]},
            "ml",
        ),
        "prefix-a-number": ({"metadata": {"envpanel": {"prefix": 42}}, "argv": [python, *launcher]}, "ml"),
        "prefix-a-list": ({"metadata": {"conda_env_path": [prefix]}, "argv": [python, *launcher]}, "ml"),
        "argv-only": ({"argv": [python, *launcher]}, "ml"),
        "unknown-prefix": ({"metadata": {"conda_env_path": "/opt/x"}}, None),
        "argv-a-string": ({"argv": f"{python} -m ipykernel_launcher"}, None),
    }


@pytest.mark.parametrize("case", sorted(_spec_cases("/p")))
def test_environment_of_a_kernelspec(world, case):
    prefix = str(make_ml(world))
    spec, expected = _spec_cases(prefix)[case]
    env, found = service(world).environment_of_spec(spec)
    assert (env.name if env else None) == expected
    assert found == (prefix if expected else ("/opt/x" if "conda_env_path" in str(spec) else None))


# --- export ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ml", "ml #2", "@scratch", "-dash", "a: b"])
def test_exported_file_names_the_environment_as_it_is_read_back(world, name):
    make_ml(world, name)
    svc = service(world)
    text = svc.export(svc.find(name))
    path = world.root / "environment.yml"
    path.write_text(text)
    assert parse_envfile(path).name == name


# --- projects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ('[project]\nname = "analysis"\n', "analysis"),
        ('[workspace]\nname = "analysis"\n[project]\nname = "old"\n', "analysis"),
        ("[project]\nchannels = []\n", "proj"),
        ('[workspace]\nname = 3\n[project]\nname = "old"\n', "old"),
        ("[workspace]\nname = 3\n", "proj"),
    ],
    ids=["project-table", "workspace-wins", "folder-name", "number-name-skipped", "number-name-folder"],
)
def test_pixi_toml_names_its_project(world, text, name):
    folder = world.root / "proj"
    folder.mkdir()
    (folder / "pixi.toml").write_text(text)
    found = service(world).project(folder)
    assert (found.tool, found.name) == ("pixi", name)


@pytest.mark.parametrize("file", ["pixi.toml", "pyproject.toml", "uv.lock", "environment.yml"])
def test_confined_project_refuses_a_definition_linked_outside_the_root(world, file):
    target = outside(world, file, '[project]\nname = "secret"\n' if file.endswith("toml") else "name: x\n")
    (world.root / "proj").mkdir()
    (world.root / "proj" / file).symlink_to(target)
    svc = service(world)
    with pytest.raises(EnvFileError) as info:
        svc.project(world.root / "proj", confined=True)
    err = info.value
    assert err.status == 403 and err.path == f"proj/{file}"
    assert err.detail == "resolves outside the server root (a symlink?); not read"
    assert svc.project(world.root / "proj").source == file  # the CLI reads the user's own link


def test_an_unlisted_prefix_hints_at_the_setting_that_lists_it(world):
    elsewhere = world.conda_env(world.base / "elsewhere" / "env")
    (world.root / "environment.yml").write_text(f"prefix: {elsewhere}\ndependencies: [python]\n")
    found = service(world).project(world.root)
    assert not found.exists and found.hint == UNLISTED_HINT


def test_confined_project_drift_refuses_includes_outside_the_root(world):
    make_ml(world)
    secret = outside(world, "secret.txt", "secret-requirement==1\n")
    (world.root / "environment.yml").write_text(
        f"name: ml\ndependencies:\n  - numpy\n  - pip:\n    - -r {secret}\n"
    )
    svc = service(world)
    local = svc.project(world.root)
    assert local.exists and local.drift["summary"]["missing"] == 1  # the CLI reads the include
    served = svc.project(world.root, confined=True)
    assert served.exists and served.drift is None
    error = served.drift_error
    assert error["file"] == "environment.yml" and (error["line"], error["column"]) == (5, 7)
    assert "resolves outside" in error["message"] and "secret-requirement" not in str(error)


# --- the listing cache and kernels of the server's own environment -----------------------


def test_a_listing_without_revalidation_answers_from_the_cache(world):
    """The event loop's cheap listing does not rescan; a revalidated one sees the new env."""
    make_ml(world)
    svc = service(world)
    assert not (world.home / ".local" / "share" / "jupyter" / "kernels").exists()  # no kernel registered yet
    first = svc.listing()
    make_ml(world, "late")
    assert svc.listing(revalidate=False) is first
    assert "late" in {e.name for e in svc.listing().environments}


def test_the_servers_own_environment_can_be_registered_though_the_panel_offers_it_as_python3(world):
    """`register` writes the server env's kernel as conda-env-server-py; `unregister` removes it."""
    make_ml(world)
    server = world.server_env()
    write_dist(next(server.glob("lib/python*/site-packages")), "ipykernel", "6.29.5", installer="pip")
    svc = EnvService(world.host())
    [shown] = svc.find("server").kernels
    assert shown.name == "python3"  # what the panel offers for it (offer_server_env is off)
    kernels = world.home / ".local" / "share" / "jupyter" / "kernels"
    assert svc.register("server") == ["conda-env-server-py"]
    spec = json.loads((kernels / "conda-env-server-py" / "kernel.json").read_text())
    assert spec["metadata"]["envpanel"]["prefix"] == str(server)
    assert svc.unregister("server") == ["conda-env-server-py"]
    assert not (kernels / "conda-env-server-py").exists()


def test_only_environments_inside_a_shared_dir_are_marked_shared(world):
    """An admin's shared dir marks the envs in it; a sibling folder whose name starts alike is not shared."""
    make_ml(world)
    world.conda_env(world.base / "team" / "common")
    world.conda_env(world.base / "team-old" / "legacy")
    world.server_env()
    options = ServiceOptions(
        extra_dirs=[str(world.base / "team-old")], shared_dirs=[str(world.base / "team")]
    )
    svc = EnvService(world.host(), options)
    shared = {e.name: e.shared for e in svc.listing().environments}
    assert shared["common"] is True
    assert shared["legacy"] is False and shared["ml"] is False


def test_python_api_pinned_results(world):
    import jupyter_envpanel as ep

    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    world.conda_env(
        root / "envs" / "ml",
        packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE)],
        requested=["numpy", "scipy"],
    )
    (world.root / "environment.yml").write_text(
        "dependencies:\n  - python=3.11\n  - numpy>=1.26\n  - pandas\n"
    )
    ep.refresh()
    found = {e.name: (e.kind, e.python_version, e.package_count) for e in ep.find_environments()}
    assert found["base"] == ("conda", "3.12.1", 1) and found["ml"] == ("conda", "3.11.7", 2)
    report = ep.check_drift("ml")
    assert report.summary == {"ok": 1, "missing": 1, "mismatch": 1, "skipped": 0, "unrequested": 0}
    assert [(r.name, r.status) for r in report.requirements] == [
        ("python", "ok"),
        ("numpy", "mismatch"),
        ("pandas", "missing"),
    ]
    assert report.to_json()["environment"]["name"] == "ml"
    assert ep.project_environment(world.root).file == "environment.yml"
