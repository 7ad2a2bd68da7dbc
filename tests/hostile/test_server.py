"""The server under hostile conditions: clashing names, `$` in variables, races, stuck reads, load."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import threading
import time

import pytest
from support.factory import PYKERNEL, write_kernel
from support.hostile import envs_root, healthy
from support.kernels import run_in_kernel

from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.pool import DiskPool, PoolBusy

CODE_VARS = ("SECRET", "WITH_HOME", "WITH_BRACES", "CONDA_PREFIX")


async def _env_of_kernel(jp_fetch, jp_serverapp, name: str) -> dict:
    """Run a cell printing a few variables in a real kernel; return them."""
    code = "import os\n" + "".join(f"print('{v}=' + os.environ.get('{v}', '<unset>'))\n" for v in CODE_VARS)
    return await run_in_kernel(jp_fetch, jp_serverapp, name, code)


async def test_envs_whose_names_clean_to_the_same_kernel_name_both_start(
    server_world, jp_fetch, jp_serverapp
):
    # Given two envs that nb_conda_kernels' cleaning would give one kernel name
    root = envs_root(server_world)
    server_world.conda_env(root, python="3.12.1")
    spaced = server_world.conda_env(root / "envs" / "with space", ipykernel=True, runnable=True)
    plain = server_world.conda_env(root / "envs" / "with_space", ipykernel=True, runnable=True)

    # When the kernels are listed
    response = await jp_fetch("api", "kernelspecs")
    specs = json.loads(response.body)["kernelspecs"]
    ours = {n: s for n, s in specs.items() if n.startswith("conda-env-with")}

    # Then each env has its own name: the already-clean one keeps the plain name
    assert len(ours) == 2 and "conda-env-with_space-py" in ours
    by_prefix = {s["spec"]["metadata"]["conda_env_path"]: n for n, s in ours.items()}
    assert by_prefix[str(plain)] == "conda-env-with_space-py"
    assert by_prefix[str(spaced)].startswith("conda-env-with_space-") and by_prefix[str(spaced)] != (
        "conda-env-with_space-py"
    )
    # and both start, each in its own environment
    for prefix, name in by_prefix.items():
        seen = await _env_of_kernel(jp_fetch, jp_serverapp, name)
        assert seen["CONDA_PREFIX"] == prefix


async def test_env_config_vars_reach_the_kernel_verbatim(server_world, jp_fetch, jp_serverapp):
    root = envs_root(server_world)
    server_world.conda_env(root, python="3.12.1")
    server_world.conda_env(root / "envs" / "vars", ipykernel=True, runnable=True)
    (root / "envs" / "vars" / "conda-meta" / "state").write_text(
        json.dumps(
            {
                "env_vars": {
                    "SECRET": "pa$$word",
                    "WITH_HOME": "$HOME/x",
                    "WITH_BRACES": "${PATH}",
                    "A=B": "1",
                    "NUL": "a\u0000b",
                }
            }
        )
    )
    seen = await _env_of_kernel(jp_fetch, jp_serverapp, "conda-env-vars-py")
    assert (
        seen["SECRET"] == "pa$$word" and seen["WITH_HOME"] == "$HOME/x" and seen["WITH_BRACES"] == "${PATH}"
    )
    response = await jp_fetch("envpanel", "api", "environments", "vars")
    warnings = json.loads(response.body)["warnings"]
    assert any("'A=B' skipped" in w for w in warnings) and any("'NUL' skipped" in w for w in warnings)
    # a session on that env starts (no 500 from an invalid variable)
    body = json.dumps({"path": "n.ipynb", "type": "notebook", "kernel": {"name": "conda-env-vars-py"}})
    response = await jp_fetch("api", "sessions", method="POST", body=body)
    session = json.loads(response.body)
    assert response.code == 201
    await jp_fetch("api", "sessions", session["id"], method="DELETE")


async def test_concurrent_register_and_unregister_never_answer_a_spurious_error(server_world, jp_fetch):
    healthy(server_world)
    await jp_fetch("envpanel", "api", "environments")

    async def call(method):
        return await jp_fetch(
            "envpanel",
            "api",
            "environments",
            "good",
            "kernel",
            method=method,
            body=b"" if method == "POST" else None,
            raise_error=False,
        )

    answers = await asyncio.gather(*(call("POST" if i % 2 else "DELETE") for i in range(24)))
    assert sorted({a.code for a in answers}) <= [201, 204], [(a.code, a.body[:200]) for a in answers]
    for _ in range(3):  # re-register: a success, idempotent
        assert (await call("POST")).code == 201


async def test_unregister_refuses_a_spec_copied_from_the_kernelspec_api(server_world, jp_fetch, jp_data_dir):
    healthy(server_world)
    await jp_fetch("api", "kernelspecs")  # the user sees the list first
    response = await jp_fetch("api", "kernelspecs", "conda-env-good-py")
    copied = json.loads(response.body)["spec"]
    folder = jp_data_dir / "kernels" / "conda-env-good-py"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(copied))  # ours in content, not written by us
    response = await jp_fetch(
        "envpanel", "api", "environments", "good", "kernel", method="DELETE", raise_error=False
    )
    assert response.code == 409 and folder.is_dir()


async def test_fifos_in_an_environment_never_freeze_the_server(server_world, jp_fetch):
    good = healthy(server_world)
    broken = server_world.conda_env(envs_root(server_world) / "envs" / "broken", ipykernel=True)
    kernels = broken / "share" / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    os.mkfifo(kernels / "kernel.json")
    os.mkfifo(broken / "conda-meta" / "state")
    os.mkfifo(good / "conda-meta" / "history.fifo.json")

    async def status_times():
        times = []
        for _ in range(20):
            start = time.monotonic()
            await jp_fetch("api", "status")
            times.append(time.monotonic() - start)
            await asyncio.sleep(0.02)
        return times

    listing, kernelspecs, shown, times = await asyncio.gather(
        jp_fetch("envpanel", "api", "refresh", method="POST", body=b""),
        jp_fetch("api", "kernelspecs"),
        jp_fetch("envpanel", "api", "environments", "good"),
        status_times(),
    )
    assert listing.code == kernelspecs.code == shown.code == 200
    assert max(times) < 1.0, times  # liveness: the loop kept answering
    envs = {e["name"]: e for e in json.loads(listing.body)["environments"]}
    assert any("FIFO" in w for w in envs["broken"]["warnings"])


@pytest.fixture
def jp_server_config():
    """A short route time limit, so a stuck read answers 503 quickly in these tests."""
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_envpanel": True}},
        "EnvPanelApp": {"request_timeout": 3.0, "disk_workers": 2},
    }


async def test_a_stuck_read_answers_503_and_other_routes_keep_working(server_world, jp_fetch, jp_serverapp):
    healthy(server_world)
    await jp_fetch("envpanel", "api", "environments")
    service: EnvService = jp_serverapp.web_app.settings["envpanel_service"]
    release = threading.Event()
    real_show = service.show

    def stuck_show(ref, *args):  # a disk that never answers for this one environment
        if ref == "good":
            release.wait(30)
        return real_show(ref, *args)

    service.show = stuck_show
    try:
        stuck = await asyncio.gather(
            *(jp_fetch("envpanel", "api", "environments", "good", raise_error=False) for _ in range(3))
        )
        assert [r.code for r in stuck] == [503] * 3
        body = json.loads(stuck[0].body)
        assert list(body) == ["message"] and body["message"].startswith("the disk is not answering (")
        assert body["message"].endswith("); try again later")
        # the abandoned reads do not take the pool: other routes answer
        response = await jp_fetch("envpanel", "api", "environments")
        assert response.code == 200
        assert (await jp_fetch("api", "status")).code == 200
    finally:
        release.set()
        service.show = real_show


async def test_disk_pool_bounds_threads_and_time():
    pool = DiskPool(workers=1, timeout=0.2, max_abandoned=2)
    release = threading.Event()
    for _ in range(2):
        with pytest.raises(PoolBusy):
            await pool.run(release.wait, 5)
    assert pool.abandoned == 2
    with pytest.raises(PoolBusy, match="still stuck"):
        await pool.run(lambda: 1)
    release.set()
    for _ in range(50):
        if pool.abandoned == 0:
            break
        await asyncio.sleep(0.02)
    assert await pool.run(lambda: 42) == 42


async def test_load_with_env_churn_never_gets_a_5xx(server_world, jp_fetch):
    """20 clients x 15 requests over every route while envs appear and vanish; stops by itself."""
    root = healthy(server_world).parent
    (server_world.root / "environment.yml").write_text("dependencies:\n  - python\n  - numpy\n")
    stop = threading.Event()

    def churn():
        i = 0
        while not stop.is_set():
            prefix = server_world.conda_env(root / f"churn{i % 4}", ipykernel=True)
            write_kernel(prefix, "python3", PYKERNEL)
            time.sleep(0.01)
            shutil.rmtree(prefix, ignore_errors=True)
            i += 1

    routes = [
        (("envpanel", "api", "environments"), None),
        (("envpanel", "api", "environments", "good"), None),
        (("envpanel", "api", "environments", "churn1"), None),
        (("envpanel", "api", "environments", "good", "drift"), {"path": "."}),
        (("envpanel", "api", "kernels", "conda-env-churn2-py", "environment"), None),
        (("envpanel", "api", "project"), {"path": "."}),
        (("api", "kernelspecs"), None),
        (("api", "kernelspecs", "conda-env-churn3-py"), None),
    ]
    codes, status_times = [], []

    async def client(n):
        for i in range(15):
            parts, params = routes[(n + i) % len(routes)]
            response = await jp_fetch(*parts, params=params, raise_error=False)
            codes.append(response.code)

    async def watch_status():
        while not stop.is_set():
            start = time.monotonic()
            await jp_fetch("api", "status")
            status_times.append(time.monotonic() - start)
            await asyncio.sleep(0.05)

    worker = threading.Thread(target=churn, daemon=True)
    worker.start()
    watcher = asyncio.ensure_future(watch_status())
    try:
        await asyncio.wait_for(asyncio.gather(*(client(n) for n in range(20))), 240)
    finally:
        stop.set()
        worker.join(10)
        await watcher
    assert len(codes) == 300 and max(codes) < 500, sorted(set(codes))
    assert status_times and max(status_times) < 1.0, max(status_times)
