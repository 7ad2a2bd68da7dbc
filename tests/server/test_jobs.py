"""Jobs through a real Jupyter server: preview, start, follow, cancel; the listing follows on its own."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.factory import CONDA_FORGE
from support.server import expect_error, get_json
from support.tools import argv_log, fake_tool, group_members, offline_uv, set_mode, wheel
from tornado.httpclient import HTTPClientError

from jupyter_envpanel.core.jobs.model import Action, Job
from jupyter_envpanel.core.jobs.store import JobStore

HOSTILE_NAME = '-it\'s my "env"'  # a leading dash, quotes, spaces: the name the environment.yml gives


@pytest.fixture
def jp_server_config(request):
    """Enable the extension; actions on unless a test passes False; a short grace for cancel."""
    allow = getattr(request, "param", True)
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_envpanel": True}},
        "EnvPanelApp": {"allow_actions": allow, "job_grace": 0.5},
    }


@pytest.fixture
def tools(server_world, monkeypatch, tmp_path):
    """Fake conda (a miniconda3 root) and pixi (~/.pixi/bin), real uv offline; before the server starts."""
    root = server_world.home / "miniconda3"
    server_world.conda_env(root, python="3.12.1")
    fake_tool(root / "condabin" / "conda")
    fake_tool(server_world.home / ".pixi" / "bin" / "pixi")
    wheels = tmp_path / "wheelhouse"
    wheel(wheels, "tinypkg", "1.0")
    monkeypatch.setenv("ARGV_LOG", str(tmp_path / "argv.log"))
    monkeypatch.setenv("FAKE_MODE", str(tmp_path / "mode"))
    for key, value in offline_uv(wheels, tmp_path / "uv-cache").items():
        monkeypatch.setenv(key, value)
    uv = shutil.which("uv") or shutil.which("uv", path=os.path.dirname(sys.executable))
    if uv is not None:
        monkeypatch.setenv("PATH", f"{os.path.dirname(uv)}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


async def post_job(jp_fetch, **body):
    """POST /jobs; return the status and the job."""
    response = await jp_fetch("envpanel", "api", "jobs", method="POST", body=json.dumps(body))
    return response.code, json.loads(response.body)


async def finished(jp_fetch, job_id, timeout=30.0):
    """Follow a job as the panel does (output from the last offset) until it ends; return it, its output."""
    offset, output = 0, ""
    for _ in range(int(timeout / 0.05)):
        _, job = await get_json(jp_fetch, "jobs", job_id, offset=str(offset))
        assert job["offset"] == offset and job["next_offset"] == offset + len(job["output"])
        output += job["output"]
        offset = job["next_offset"]
        if job["state"] != "running":
            return job, output
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} still running: {output[-500:]!r}")


async def test_create_a_missing_conda_environment_and_it_appears_with_its_kernel(
    tools, server_world, jp_fetch
):
    folder = server_world.root / "my proj"
    folder.mkdir()
    (folder / "environment.yml").write_text(
        f"name: {json.dumps(HOSTILE_NAME)}\ndependencies:\n  - python=3.11\n  - ipykernel\n"
    )
    code, preview = await get_json(
        jp_fetch, "jobs", "preview", action="create", path="my proj/analysis.ipynb"
    )
    assert preview["argv"][0][1:] == ["env", "create", "-f", "my proj/environment.yml"]
    assert preview["command"].endswith("env create -f 'my proj/environment.yml'")
    assert (preview["allowed"], preview["environment"], preview["tool"]) == (True, HOSTILE_NAME, "conda")
    assert argv_log(tools / "argv.log") == []  # a preview runs nothing

    code, job = await post_job(jp_fetch, action="create", path="my proj/analysis.ipynb")
    assert code == 201 and job["state"] == "running" and job["argv"] == preview["argv"]
    job, output = await finished(jp_fetch, job["id"])
    assert (job["state"], job["exit_code"], job["error_line"], job["progress"]) == (
        "succeeded",
        0,
        "",
        100.0,
    ), output
    assert "Solving environment [####      ] 45%\n" in output and job["elapsed"] > 0
    assert [argv[1:] for argv in argv_log(tools / "argv.log")] == [preview["argv"][0][1:]]

    # no click: the listing, the project and the kernels follow
    _, project = await get_json(jp_fetch, "project", path="my proj")
    assert project["exists"] and project["environment"]["name"] == HOSTILE_NAME and project["kernel"], (
        json.dumps(project)
    )
    kernel = project["kernel"]["name"]
    for _ in range(100):  # the kernel table is rebuilt in the background once the job ended
        specs = json.loads((await jp_fetch("api", "kernelspecs")).body)["kernelspecs"]
        if kernel in specs:
            break
        await asyncio.sleep(0.05)
    assert kernel in specs
    _, listed = await get_json(jp_fetch, "jobs")
    assert [j["id"] for j in listed["jobs"]] == [job["id"]] and listed["allowed"] is True

    body = await expect_error(jp_fetch, 409, "jobs", "preview", action="create", path="my proj")
    assert "exists already" in body["message"]


async def test_update_runs_the_drift_fix_and_install_kernel_gives_the_env_a_kernel(
    tools, server_world, jp_fetch
):
    base = server_world.home / "miniconda3"
    server_world.conda_env(
        base / "envs" / "demo", packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE)], requested=["numpy"]
    )
    (server_world.root / "environment.yml").write_text(
        "name: demo\ndependencies:\n  - numpy>=1.26\n  - scipy\n"
    )
    prefix = str(base / "envs" / "demo")
    code, job = await post_job(jp_fetch, action="update", path="")
    assert job["argv"][0][1:] == ["install", "--prefix", prefix, "numpy>=1.26", "scipy"]
    job, output = await finished(jp_fetch, job["id"])
    assert job["state"] == "succeeded", output
    _, project = await get_json(jp_fetch, "project")
    assert project["drift"]["in_sync"] is True and project["drift"]["drift_count"] == 0
    await expect_error(jp_fetch, 409, "jobs", "preview", action="update")  # nothing left to update

    code, job = await post_job(jp_fetch, action="install-kernel", environment="demo")
    assert code == 201 and job["argv"][0][1:] == ["install", "--prefix", prefix, "ipykernel"]
    job, _ = await finished(jp_fetch, job["id"])
    _, env = await get_json(jp_fetch, "environments", "demo")
    assert job["state"] == "succeeded" and [k["name"] for k in env["kernels"]] == ["conda-env-demo-py"]
    body = await expect_error(jp_fetch, 409, "jobs", "preview", action="install-kernel", environment="demo")
    assert "ipykernel already" in body["message"]


async def test_a_failed_job_says_its_exit_code_and_first_error_and_nothing_is_presented_as_ready(
    tools, server_world, jp_fetch
):
    (server_world.root / "environment.yml").write_text("name: broken\ndependencies:\n  - python\n")
    set_mode(tools / "mode", "exit 1")
    code, job = await post_job(jp_fetch, action="create")
    job, output = await finished(jp_fetch, job["id"])
    assert (job["state"], job["exit_code"]) == ("failed", 1)
    assert job["error_line"].startswith("CondaHTTPError: HTTP 000 CONNECTION FAILED")
    assert "\x1b" not in output
    _, project = await get_json(jp_fetch, "project")
    assert project["exists"] is False and project["create"]  # still to be created, and offered again


async def test_cancel_a_tool_that_never_exits_a_second_start_is_409_then_create_again(
    tools, server_world, jp_fetch
):
    (server_world.root / "environment.yml").write_text("name: slow\ndependencies:\n  - python\n")
    set_mode(tools / "mode", "hang")
    code, job = await post_job(jp_fetch, action="create")
    pgid_file = Path(f"{tools / 'mode'}.pgid")
    for _ in range(600):
        if pgid_file.exists():
            break
        await asyncio.sleep(0.05)
    with pytest.raises(HTTPClientError) as conflict:
        await post_job(jp_fetch, action="create")
    body = json.loads(conflict.value.response.body)
    assert conflict.value.code == 409 and body["job"]["id"] == job["id"] and body["job"]["state"] == "running"
    _, running = await get_json(jp_fetch, "jobs", job["id"])
    assert running["progress"] == 45.0 and running["state"] == "running"

    response = await jp_fetch("envpanel", "api", "jobs", job["id"], method="DELETE")
    assert response.code == 202
    job, _ = await finished(jp_fetch, job["id"])
    assert job["state"] == "cancelled" and group_members(int(pgid_file.read_text())) == []
    response = await jp_fetch("envpanel", "api", "jobs", job["id"], method="DELETE")
    assert response.code == 200 and json.loads(response.body)["state"] == "cancelled"

    set_mode(tools / "mode", "")
    code, again = await post_job(jp_fetch, action="create")
    again, _ = await finished(jp_fetch, again["id"])
    assert again["state"] == "succeeded"


async def test_uv_creates_a_project_venv_offline_from_a_local_wheelhouse(tools, server_world, jp_fetch):
    if shutil.which("uv") is None:
        pytest.skip("uv is not installed on this machine (pip install uv)")
    folder = server_world.root / "-uv proj"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "uvproj"\nversion = "0.1"\nrequires-python = ">=3.8"\ndependencies = ["tinypkg"]\n'
    )
    code, job = await post_job(jp_fetch, action="create", path="-uv proj")
    assert job["tool"] == "uv" and job["argv"][0][1:] == ["sync", "--directory", "./-uv proj"]
    job, output = await finished(jp_fetch, job["id"])
    assert job["state"] == "succeeded", output
    site = next((folder / ".venv" / "lib").glob("python*/site-packages"))
    assert (site / "tinypkg" / "__init__.py").is_file()
    _, project = await get_json(jp_fetch, "project", path="-uv proj")
    assert project["exists"] and project["listed"]  # a create lists the in-project venv it made
    _, listing = await get_json(jp_fetch, "environments")
    assert str(folder / ".venv") in {e["prefix"] for e in listing["environments"]}
    # the card now compares the venv with the uv.lock uv wrote; a stray package is drift, and
    # update runs the lock's own fix (uv sync) until it is exactly the lock again
    assert project["drift"]["file"] == "-uv proj/uv.lock" and project["drift"]["in_sync"]
    wheel(tools / "wheelhouse", "stray", "1.0")  # installed as a user would: uv pip install
    python = str(folder / ".venv" / "bin" / "python")
    subprocess.run([shutil.which("uv"), "pip", "install", "--python", python, "stray"], check=True)
    _, project = await get_json(jp_fetch, "project", path="-uv proj")
    assert project["drift"]["summary"]["extra"] == 1 and project["drift"]["drift_count"] == 1
    code, job = await post_job(jp_fetch, action="update", path="-uv proj")
    assert job["tool"] == "uv" and job["argv"][0][1:] == ["sync", "--project", "./-uv proj"]
    job, output = await finished(jp_fetch, job["id"])
    assert job["state"] == "succeeded", output
    _, project = await get_json(jp_fetch, "project", path="-uv proj")
    assert not list(site.glob("stray-*")), output
    assert project["drift"]["in_sync"], project["drift"]


@pytest.mark.parametrize("jp_server_config", [False], indirect=True)
async def test_with_actions_off_nothing_runs_and_the_preview_says_why(tools, server_world, jp_fetch):
    (server_world.root / "environment.yml").write_text("name: off\ndependencies:\n  - python\n")
    _, preview = await get_json(jp_fetch, "jobs", "preview", action="create")
    assert preview["allowed"] is False and "allow_actions" in preview["message"] and preview["command"]
    with pytest.raises(HTTPClientError) as refused:
        await post_job(jp_fetch, action="create")
    assert refused.value.code == 403 and "allow_actions" in json.loads(refused.value.response.body)["message"]
    assert argv_log(tools / "argv.log") == []
    _, listed = await get_json(jp_fetch, "jobs")
    assert listed == {"jobs": [], "allowed": False}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"not json", 400),
        (b"[]", 400),
        (json.dumps({"action": "rm", "path": ""}).encode(), 400),
        (json.dumps({"action": "create", "argv": ["sh", "-c", "x"]}).encode(), 400),
        (json.dumps({"action": "create", "path": 7}).encode(), 400),
        (json.dumps({"action": "create", "path": "../outside"}).encode(), 403),
        (json.dumps({"action": "create", "path": "/etc"}).encode(), 403),
        (json.dumps({"action": "install-kernel", "environment": "nope"}).encode(), 404),
        (json.dumps({"action": "install-kernel"}).encode(), 400),
        (json.dumps({"action": "create", "path": "empty"}).encode(), 404),
        (json.dumps({"action": "create", "path": "proj", "tool": "bash"}).encode(), 400),
    ],
)
async def test_bad_requests_get_a_message_never_a_run(tools, server_world, jp_fetch, body, code):
    (server_world.root / "empty").mkdir()
    (server_world.root / "proj").mkdir()
    (server_world.root / "proj" / "environment.yml").write_text("name: x\ndependencies:\n  - python\n")
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch("envpanel", "api", "jobs", method="POST", body=body)
    assert failed.value.code == code and json.loads(failed.value.response.body)["message"]
    assert argv_log(tools / "argv.log") == []


async def test_unknown_jobs_and_bad_offsets(tools, jp_fetch):
    await expect_error(jp_fetch, 404, "jobs", "0123456789ab")
    await expect_error(jp_fetch, 404, "jobs", "0123456789ab", method="DELETE")
    await expect_error(jp_fetch, 400, "jobs", "0123456789ab", offset="-1")


@pytest.fixture
def earlier_job(jp_runtime_dir):
    """A job an earlier server recorded as running (it stopped while the job ran)."""
    action = Action("create", "ml", "conda:ml", "conda", (("conda", "env", "create"),), "/srv")
    JobStore(jp_runtime_dir / "envpanel-jobs").save(Job("0123456789ab", action, started=1.0))


async def test_a_job_running_when_the_server_stopped_is_interrupted_never_succeeded(earlier_job, jp_fetch):
    _, listed = await get_json(jp_fetch, "jobs")
    [job] = listed["jobs"]
    assert (job["id"], job["state"], job["exit_code"]) == ("0123456789ab", "interrupted", None)
    assert "server stopped" in job["note"]
