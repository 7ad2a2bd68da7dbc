"""Drifts: a definition of any kind (environment file, manifest, lock) against an env, and its fix."""

from __future__ import annotations

import json

import pytest
from support.cli import run
from support.factory import write_dist
from support.notebooks import saved_notebook
from support.server import expect_error, get_json

from jupyter_envpanel.core.base.errors import FileNotFound
from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.core.service.drift import target_of

PYPROJECT = """\
[project]
name = "proj"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["numpy>=1.26", "rich"]
"""

#: The uv.lock uv writes for PYPROJECT (trimmed of hashes).
UV_LOCK = """\
version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "proj"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "numpy" },
    { name = "rich" },
]

[package.metadata]
requires-dist = [
    { name = "numpy", specifier = ">=1.26" },
    { name = "rich" },
]

[[package]]
name = "rich"
version = "13.7.1"
source = { registry = "https://pypi.org/simple" }
"""


def uv_project(world, dists=(("numpy", "1.26.4"), ("rich", "13.7.1"), ("proj", "0.1.0")), folder=None):
    """Write a uv project (pyproject.toml, uv.lock) and its .venv with the given distributions."""
    folder = folder or world.root / "proj"
    folder.mkdir(exist_ok=True)
    (folder / "pyproject.toml").write_text(PYPROJECT)
    (folder / "uv.lock").write_text(UV_LOCK)
    (folder / "nb").mkdir()
    world.venv(folder / ".venv", [(name, version, False) for name, version in dists])
    return folder


def test_a_venv_against_its_uv_lock_then_missing_other_and_extra(world):
    folder = uv_project(world)
    svc = EnvService(world.host())
    env = svc.find(str(folder / ".venv"), allow_any_prefix=True)
    report = svc.drift(env, folder / "uv.lock")
    assert report.in_sync and report.lock.tool == "uv" and report.drift_count == 0
    site = next((folder / ".venv").glob("lib/python*/site-packages"))
    for dist in site.glob("rich-*.dist-info"):
        for item in dist.iterdir():
            item.unlink()
        dist.rmdir()
    write_dist(site, "numpy", "2.0.0")
    for old in site.glob("numpy-1.26.4.dist-info"):
        for item in old.iterdir():
            item.unlink()
        old.rmdir()
    write_dist(site, "tqdm", "4.66.0")
    report = EnvService(world.host()).drift(env, folder / "uv.lock", "proj/uv.lock")
    verdicts = {r.name: (r.status, r.line) for r in report.requirements if r.status != "ok"}
    assert verdicts == {"numpy": ("mismatch", 6), "rich": ("missing", 26), "tqdm": ("extra", 0)}
    assert report.drift_count == 3 and report.to_json()["summary"]["extra"] == 1
    tools = svc.tools()
    if "uv" in tools:  # the lock's own tool, for the project's .venv
        assert [f.argv for f in report.fixes] == [(tools["uv"], "sync", "--project", "proj")]
    else:
        assert report.notes[0].needs == "uv"


def test_a_lock_out_of_date_with_its_manifest_is_not_in_sync(world):
    folder = uv_project(world)
    (folder / "pyproject.toml").write_text(PYPROJECT.replace('"rich"', '"rich>=14"'))
    svc = EnvService(world.host())
    report = svc.drift(svc.find(str(folder / ".venv"), allow_any_prefix=True), folder / "uv.lock")
    assert report.drift_count == 0 and not report.in_sync
    assert report.lock.stale.startswith("uv.lock is out of date with pyproject.toml")


def test_the_project_card_compares_with_the_lock_and_the_drift_section_finds_it(world):
    folder = uv_project(world, dists=(("numpy", "1.26.4"), ("proj", "0.1.0")))
    svc = EnvService(world.host())
    found = svc.project(folder / "nb", confined=True)
    assert found.drift["file"] == "proj/uv.lock" and found.drift["drift_count"] == 1
    assert found.drift["lock"]["tool"] == "uv" and found.drift["summary"]["missing"] == 1
    report = svc.drifts.drift_in_root(found.environment, "", "proj/nb/a.ipynb")
    assert report.file == "proj/uv.lock"
    assert [r.name for r in report.requirements if r.status != "ok"] == ["rich"]
    (folder / "environment.yml").write_text("name: proj\ndependencies:\n  - numpy\n")
    assert svc.drifts.drift_in_root(found.environment, "", "proj/nb/a.ipynb").file == "proj/environment.yml"
    (folder / "environment.yml").unlink()
    (folder / "uv.lock").unlink()
    with pytest.raises(FileNotFound):
        svc.drifts.drift_in_root(found.environment, "", "proj/nb/a.ipynb")


def test_a_pixi_env_is_read_for_its_own_lock_environment(world):
    prefix = world.conda_env(world.root / "p" / ".pixi" / "envs" / "cuda")
    env = EnvService(world.host()).find(str(prefix), allow_any_prefix=True)
    target = target_of(env)
    assert (target.environment, target.python_version) == ("cuda", "3.11.7")
    other = EnvService(world.host()).find(str(world.conda_env(world.base / "x")), True)
    assert target_of(other).environment == ""


EXPLICIT = """\
# This file may be used to create an environment using:
# $ conda create --name <env> --file <this file>
# platform: linux-64
@EXPLICIT
https://conda.anaconda.org/conda-forge/linux-64/python-3.11.7-hb806964_0_cpython.conda
https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311h0_0.conda
"""


def test_cli_drift_and_check_against_an_explicit_file(world):
    numpy = ("numpy", "1.26.4", "py311h0_0")
    prefix = world.conda_env(world.root / "envs" / "ml", [numpy], requested=["numpy"])
    spec = world.root / "spec.txt"
    spec.write_text(EXPLICIT)
    out = run(world, "drift", str(prefix), "--file", str(spec), "--json")
    report = json.loads(out.stdout)
    assert out.returncode == 0 and report["in_sync"] and report["lock"]["tool"] == "explicit"
    svc = EnvService(world.host())
    nb = saved_notebook(world.root / "a.ipynb", svc.ran_with(svc.find(str(prefix), allow_any_prefix=True)))
    assert run(world, "check", str(nb), "--file", str(spec)).returncode == 0
    spec.write_text(EXPLICIT.replace("numpy-1.26.4-py311h0_0", "numpy-2.0.0-py311h0_0"))
    out = run(world, "drift", str(prefix), "--file", str(spec))
    assert out.returncode == 1 and "1 mismatch, 0 extra" in out.stdout
    out = run(world, "check", str(nb), "--file", str(spec), "--json")
    assert out.returncode == 1
    assert [d["text"] for d in json.loads(out.stdout)["differences"]] == [
        "numpy: ran with 1.26.4=py311h0_0, spec.txt has 2.0.0=py311h0_0"
    ]
    out = run(world, "check", str(nb), "ml", "--file", str(spec))
    assert out.returncode == 2 and "either ENV or --file" in out.stderr


async def test_rest_drift_and_notebook_against_a_lock(server_world, jp_fetch):
    folder = uv_project(server_world, folder=server_world.root)
    code, listing = await get_json(jp_fetch, "environments")
    name = next(e["name"] for e in listing["environments"] if e["prefix"] == str(folder / ".venv"))
    code, report = await get_json(jp_fetch, "environments", name, "drift", file="uv.lock")
    assert code == 200 and report["in_sync"] and report["lock"]["tool"] == "uv"
    assert report["file"] == "uv.lock" and report["requirements"][0]["file"] == "uv.lock"
    (folder / "uv.lock").write_text(UV_LOCK.replace('version = "1.26.4"', 'version = ["1.26.4"]'))
    error = await expect_error(jp_fetch, 422, "environments", name, "drift", file="uv.lock")
    assert error["file"] == "uv.lock" and error["line"] == 6  # the package whose version is wrong
    ran = {"environment": "x", "python": "3.11.7", "packages": []}
    nb = saved_notebook(server_world.root / "a.ipynb", ran)
    (folder / "uv.lock").write_text(UV_LOCK)
    code, answer = await get_json(jp_fetch, "notebook", path=nb.name, lock="uv.lock")
    assert code == 200 and answer["lock"]["file"] == "uv.lock" and answer["count"] == 0
    error = await expect_error(jp_fetch, 400, "notebook", path=nb.name, lock="uv.lock", env="x")
    assert "not both" in error["message"]
    error = await expect_error(jp_fetch, 400, "notebook", path=nb.name, lock="pyproject.toml")
    assert "not a lock file" in error["message"]
