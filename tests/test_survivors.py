"""One test per bug a mutation run left alive: paths, the event loop, kernel names and env, marks."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from support.cli import make_world, run
from support.factory import PYKERNEL, write_kernel
from support.kernels import run_in_kernel
from support.server import expect_error, get_json, make_envs

from jupyter_envpanel.core.base.errors import EnvFileError, OutsideRoot
from jupyter_envpanel.core.base.model import Environment
from jupyter_envpanel.core.base.paths import nearest_envfile, resolve_in_root
from jupyter_envpanel.core.kernels.activation import activation_env
from jupyter_envpanel.core.requirements.envfile import parse_envfile


async def test_a_sibling_folder_named_like_the_root_is_outside_it(server_world, jp_fetch):
    make_envs(server_world)
    evil = server_world.root.parent / f"{server_world.root.name}_evil"
    evil.mkdir()
    (evil / "x.yml").write_text("dependencies:\n  - secret-package\n")
    rel = f"../{server_world.root.name}_evil/x.yml"
    body = await expect_error(jp_fetch, 403, "environments", "ml", "drift", file=rel)
    assert "secret" not in json.dumps(body)
    await expect_error(jp_fetch, 403, "environments", "ml", "drift", path=f"../{evil.name}/n.ipynb")
    await expect_error(jp_fetch, 403, "project", path=f"../{evil.name}/n.ipynb")
    with pytest.raises(OutsideRoot):
        resolve_in_root(server_world.root, rel)


async def test_links_and_includes_into_a_sibling_named_like_the_root_are_outside_it(server_world, jp_fetch):
    make_envs(server_world)
    root = server_world.root
    evil = root.parent / f"{root.name}_evil"
    evil.mkdir()
    (evil / "x.yml").write_text("dependencies:\n  - secret-package\n")
    (evil / "req.txt").write_text("secret-requirement==1\n")
    (root / "nb").mkdir()
    (root / "nb" / "environment.yml").symlink_to(evil / "x.yml")
    for route, params in (
        (("environments", "ml", "drift"), {"path": "nb/n.ipynb"}),
        (("project",), {"path": "nb/n.ipynb"}),
    ):
        body = await expect_error(jp_fetch, 403, *route, **params)
        assert "secret" not in json.dumps(body)
    with pytest.raises(EnvFileError):
        nearest_envfile(root / "nb", ["environment.yml"], stop=root, confine=root)
    (root / "environment.yml").write_text(f"dependencies:\n  - pip:\n    - -r ../{evil.name}/req.txt\n")
    body = await expect_error(jp_fetch, 403, "environments", "ml", "drift", file="environment.yml")
    assert "secret" not in json.dumps(body)
    with pytest.raises(EnvFileError) as refused:
        parse_envfile(root / "environment.yml", confine=root)
    assert refused.value.status == 403


async def test_an_environment_file_only_above_the_root_is_never_found(server_world, jp_fetch):
    make_envs(server_world)
    (server_world.root / "environment.yml").unlink()
    (server_world.root.parent / "environment.yml").write_text("dependencies:\n  - above-the-root\n")
    (server_world.root / "sub").mkdir()
    body = await expect_error(jp_fetch, 404, "environments", "ml", "drift", path="sub/n.ipynb")
    assert "above-the-root" not in json.dumps(body) and str(server_world.root.parent) not in body["message"]
    code, project = await get_json(jp_fetch, "project", path="sub/n.ipynb")
    assert code == 200 and project.get("file") in (None, "") and "above-the-root" not in json.dumps(project)
    with pytest.raises(EnvFileError):
        nearest_envfile(server_world.root / "sub", ["environment.yml"], stop=server_world.root)


GATED = (
    "versioned_listing",
    "show",
    "find",
    "project",
    "environment_of_spec",
    "register",
    "unregister",
    "refresh",
    "packages",
    "export",
    "resolve_in_root",
)
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
REQUESTS = [
    ("GET", ("environments",), {}),
    ("GET", ("environments", "ml"), {}),
    ("GET", ("environments", "ml", "drift"), {"file": "environment.yml"}),
    ("GET", ("project",), {"path": "n.ipynb"}),
    ("GET", ("kernels", "conda-env-ml-py", "environment"), {}),
    ("POST", ("environments", "ml", "kernel"), {}),
    ("DELETE", ("environments", "ml", "kernel"), {}),
    ("POST", ("refresh",), {}),
    ("GET", ("packages",), {"q": "numpy"}),
    ("GET", ("notebook",), {"path": "n.ipynb"}),
    ("GET", ("environments", "ml", "record"), {}),
    ("POST", ("environments", "ml", "export"), {"path": "out"}),
]


@pytest.mark.parametrize(
    "method,parts,params", REQUESTS, ids=lambda v: "/".join(v) if isinstance(v, tuple) else None
)
async def test_route_disk_work_never_runs_on_the_event_loop(
    server_world, jp_fetch, jp_serverapp, monkeypatch, method, parts, params
):
    """Service calls wait until /api/status has answered: on the loop, that could never happen."""
    make_envs(server_world)
    (server_world.root / "n.ipynb").write_text(json.dumps(NOTEBOOK))
    (server_world.root / "out").mkdir()
    await jp_fetch("envpanel", "api", "environments")  # the extension is loaded and has listed once
    service = jp_serverapp.web_app.settings["envpanel_service"]
    status_answered = threading.Event()
    waited_on_loop: list = []
    loop_thread = threading.current_thread()

    def gated(name, original):
        def call(*args, **kwargs):
            if threading.current_thread() is loop_thread:
                waited_on_loop.append(name)
            elif not status_answered.wait(20):
                waited_on_loop.append(f"{name} (timed out)")
            return original(*args, **kwargs)

        return call

    for name in GATED:
        monkeypatch.setattr(service, name, gated(name, getattr(service, name)))
    body = b"" if method == "POST" else None
    request = asyncio.ensure_future(
        jp_fetch("envpanel", "api", *parts, method=method, body=body, params=params or None)
    )
    await asyncio.sleep(0.05)  # the route has started and is waiting in the pool
    status = await asyncio.wait_for(jp_fetch("api", "status"), 15)
    status_answered.set()
    response = await request
    assert status.code == 200 and response.code in (200, 201, 204)
    assert waited_on_loop == []


@pytest.mark.parametrize("folder,kernel", [("with space", "with_space"), ("café", "cafe")])
async def test_env_names_that_need_cleaning_give_kernels_that_start(
    server_world, jp_fetch, jp_serverapp, folder, kernel
):
    prefix = server_world.conda_env(
        server_world.home / "miniconda3" / "envs" / folder, ipykernel=True, runnable=True
    )
    write_kernel(prefix, "python3", PYKERNEL)
    response = await jp_fetch("api", "kernelspecs")
    specs = json.loads(response.body)["kernelspecs"]
    name = f"conda-env-{kernel}-py"
    assert name in specs and specs[name]["spec"]["display_name"] == f"Python [conda env:{folder}]"
    seen = await run_in_kernel(jp_fetch, jp_serverapp, name)
    assert seen["PREFIX"] == str(prefix) and seen["DEFAULT"] == folder


async def test_a_venv_kernel_runs_with_virtual_env_set(server_world, jp_fetch, jp_serverapp):
    prefix = server_world.venv(server_world.root / "proj" / ".venv", dists=[("ipykernel", "6.29.5", True)])
    (server_world.root / "proj" / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    server_world.make_runnable(prefix)
    code, data = await get_json(jp_fetch, "environments")
    env = next(e for e in data["environments"] if e["prefix"] == str(prefix))
    kernel = env["kernels"][0]["name"]
    code = (
        "import os\n"
        "print('VENV=' + os.environ.get('VIRTUAL_ENV', ''))\n"
        "print('CONDA=' + os.environ.get('CONDA_PREFIX', ''))\n"
    )
    seen = await run_in_kernel(jp_fetch, jp_serverapp, kernel, code)
    assert seen == {"VENV": str(prefix), "CONDA": ""}


@pytest.mark.parametrize(
    "kind,is_venv,virtual_env",
    [
        ("venv", True, True),
        ("uv", True, True),
        ("poetry", True, True),
        ("pipenv", True, True),
        ("hatch", True, True),
        ("virtualenvwrapper", True, True),
        ("pyenv", True, True),  # a pyenv-virtualenv
        ("pyenv", False, False),  # a pyenv Python is no virtual environment
        ("uv", False, False),  # nor a uv-managed Python
        ("system", False, False),
        ("conda", False, False),
        ("pixi", False, False),
    ],
)
def test_every_kind_of_virtual_environment_gets_virtual_env(kind, is_venv, virtual_env):
    env = Environment(name="e", prefix="/w/proj/.venv", kind=kind, is_venv=is_venv)
    variables = activation_env(env)
    assert variables.get("VIRTUAL_ENV") == ("/w/proj/.venv" if virtual_env else None)
    assert ("CONDA_PREFIX" in variables) == (kind in ("conda", "pixi"))


async def test_a_spec_copied_from_the_api_is_not_ours_to_delete(server_world, jp_fetch, jp_data_dir):
    make_envs(server_world)
    response = await jp_fetch("api", "kernelspecs")
    copied = json.loads(response.body)["kernelspecs"]["conda-env-ml-py"]["spec"]
    folder = jp_data_dir / "kernels" / "conda-env-ml-py"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(copied))
    await expect_error(jp_fetch, 409, "environments", "ml", "kernel", method="DELETE")
    assert json.loads((folder / "kernel.json").read_text()) == copied


def test_skipped_entries_are_not_drift(world):
    make_world(world)
    (world.root / "environment.yml").write_text(
        "name: ml\ndependencies:\n  - numpy\n  - pip:\n    - -e .\n    - git+https://example.invalid/x/y.git\n"
    )
    out = run(world, "drift", "ml", "--json")
    report = json.loads(out.stdout)
    assert report["summary"]["skipped"] == 2 and report["in_sync"], out.stdout
    assert report["drift_count"] == 0 and out.returncode == 0
    out = run(world, "drift", "ml")
    assert out.returncode == 0 and "in sync" in out.stdout
    out = run(world, "project", "--json")
    assert json.loads(out.stdout)["drift"]["drift_count"] == 0 and out.returncode == 0, out.stdout
    out = run(world, "project")
    assert out.returncode == 0 and "drift: 0 (0 missing, 0 mismatch)" in out.stdout, out.stdout


def test_env_file_search_messages_are_root_relative_and_say_what(world, tmp_path):
    from jupyter_envpanel.core.base.errors import FileNotFound

    (world.root / "a" / "b").mkdir(parents=True)
    notebook = world.root / "a" / "b" / "n.ipynb"
    notebook.write_text("{}")
    with pytest.raises(FileNotFound) as info:
        nearest_envfile(notebook, ["environment.yml", "environment.yaml"], world.root, confine=world.root)
    assert info.value.to_json()["file"] == "a/b/n.ipynb"
    assert str(info.value) == (
        "a/b/n.ipynb: no environment.yml, environment.yaml in this folder or any parent up to the root"
    )
    (world.root / "a" / "environment.yml").write_text("dependencies: []\n")
    assert nearest_envfile(notebook, ["environment.yml"], world.root) == world.root / "a" / "environment.yml"
    (tmp_path / "outside.yml").write_text("dependencies: [secret]\n")
    (world.root / "a" / "b" / "environment.yml").symlink_to(tmp_path / "outside.yml")
    with pytest.raises(EnvFileError) as info:
        nearest_envfile(notebook, ["environment.yml"], world.root, confine=world.root)
    assert info.value.status == 403 and info.value.to_json()["file"] == "a/b/environment.yml"
    assert str(info.value) == "a/b/environment.yml: resolves outside the server root (a symlink?); not read"


async def test_project_route_is_confined_and_defaults_to_the_root(server_world, jp_fetch, tmp_path):
    make_envs(server_world)
    code, project = await get_json(jp_fetch, "project")
    assert code == 200 and project["file"] == "environment.yml" and project["name"] == "ml"
    (tmp_path / "outside.yml").write_text("name: secret-env\ndependencies: [secret]\n")
    (server_world.root / "proj").mkdir()
    (server_world.root / "proj" / "environment.yml").symlink_to(tmp_path / "outside.yml")
    body = await expect_error(jp_fetch, 403, "project", path="proj/n.ipynb")
    assert "secret" not in json.dumps(body)


async def test_a_kernel_made_from_ipykernel_has_ipykernels_logos(server_world, jp_fetch):
    import importlib.util
    from pathlib import Path

    server_world.conda_env(server_world.home / "miniconda3" / "envs" / "bare", ipykernel=True)
    response = await jp_fetch("api", "kernelspecs")
    bare = json.loads(response.body)["kernelspecs"]["conda-env-bare-py"]
    assert set(bare["resources"]) >= {"logo-64x64", "logo-32x32"}
    logo = await jp_fetch("kernelspecs", "conda-env-bare-py", "logo-64x64.png")
    spec = importlib.util.find_spec("ipykernel")
    expected = Path(list(spec.submodule_search_locations)[0]) / "resources" / "logo-64x64.png"
    assert logo.body == expected.read_bytes()


async def test_kernel_environment_route_shape(server_world, jp_fetch):
    make_envs(server_world)
    code, answer = await get_json(jp_fetch, "kernels", "conda-env-ml-py", "environment")
    assert code == 200 and set(answer) == {"kernel", "display_name", "environment", "prefix", "message"}
    assert answer["kernel"] == "conda-env-ml-py" and answer["display_name"] == "Python [conda env:ml]"
    assert answer["environment"]["name"] == "ml" and answer["message"] == ""
    assert answer["prefix"].endswith("/envs/ml")
    body = await expect_error(jp_fetch, 404, "kernels", "no-such-kernel", "environment")
    assert body["message"] == "unknown kernel: 'no-such-kernel'"


async def test_foreign_kernel_maps_to_its_prefix_with_a_message(server_world, jp_fetch, jp_data_dir):
    make_envs(server_world)
    folder = jp_data_dir / "kernels" / "elsewhere"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(
        json.dumps({"argv": ["/opt/other/bin/python", "-m", "x"], "language": "python"})
    )
    code, answer = await get_json(jp_fetch, "kernels", "elsewhere", "environment")
    assert code == 200 and answer["environment"] is None and answer["prefix"] == "/opt/other"
    assert answer["display_name"] == "elsewhere"  # a spec without one is named by its kernel
    assert answer["message"] == "this kernel runs in an environment jupyter-envpanel did not find"
