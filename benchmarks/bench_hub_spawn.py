"""Budget: spawning a user's server under JupyterHub with 200 shared environments, with the extension
vs without it (disabled), adds no more than 10 %.

A real hub on loopback (tests/support/hub.py: the hub venv, a Unix user, LocalProcessSpawner); each
round spawns the user's server, times POST /hub/api/users/NAME/server until the hub says it is
ready, then asks the server for /api/kernelspecs (what the launcher does first) and stops it.
Root only (it creates a Unix user). Usage: python benchmarks/bench_hub_spawn.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support import hub  # noqa: E402
from support.factory import World  # noqa: E402
from support.hub import Hub  # noqa: E402
from support.labserver import free_port  # noqa: E402

USER = hub.USERS[0]
ENABLED = hub.VENV / "etc" / "jupyter" / "jupyter_server_config.d" / "jupyter_envpanel.json"


def set_extension(on: bool) -> None:
    """Enable or disable the server extension for every user (the drop-in file)."""
    ENABLED.write_text(json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_envpanel": on}}}))
    ENABLED.chmod(0o644)


def one_spawn(client: Hub) -> tuple:
    """Return (seconds to ready, seconds for the first /api/kernelspecs) of one spawn."""
    start = time.perf_counter()
    client.call("POST", f"/hub/api/users/{USER}/server")
    while True:
        code, model = client.call("GET", f"/hub/api/users/{USER}")
        if code == 200 and (model.get("servers", {}).get("", {}) or {}).get("ready"):
            break
        time.sleep(0.05)
    ready = time.perf_counter() - start
    token = client.call("POST", f"/hub/api/users/{USER}/tokens", body={"note": "bench"})[1]["token"]
    start = time.perf_counter()
    code, specs = client.user_api(USER, "GET", "api/kernelspecs", token=token)
    first = time.perf_counter() - start
    count = len(specs["kernelspecs"]) if code == 200 else -1
    client.call("DELETE", f"/hub/api/users/{USER}/server")
    while client.call("GET", f"/hub/api/users/{USER}")[1].get("servers"):
        time.sleep(0.1)
    return ready, first, count


def main() -> None:
    """Build the shared world, start the hub, spawn alternately with and without the extension."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if hub.why_not():
        raise SystemExit(f"cannot run: {hub.why_not()}")
    hub.ensure_venv()
    base = hub.BASE / "bench"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    user = hub.make_user(USER)
    shared_root = base / "shared" / "conda"
    world = World(base / "shared")
    world.conda_env(shared_root, python="3.12.1")
    for i in range(200):
        packages = [(f"pkg{j:03d}", "1.0", "h0_0") for j in range(50)]
        world.conda_env(shared_root / "envs" / f"team{i:03d}", packages=packages, ipykernel=i % 2 == 0)
    subprocess.run(["chmod", "-R", "a+rX,go-w", str(hub.BASE)], check=True)
    port, token = free_port(), secrets.token_hex(24)
    config = hub.hub_config(base, port, token, shared_root / "envs")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(base), "LANG": "C.UTF-8"}
    with (base / "hub.log").open("w") as log:
        command = [str(hub.VENV / "bin" / "jupyterhub"), "-f", str(config)]
        process = subprocess.Popen(command, cwd=base, env=env, stdout=log, stderr=log)
    client = Hub(f"http://127.0.0.1:{port}", token)
    try:
        while client.call("GET", "/hub/api/")[0] != 200:
            time.sleep(0.2)
        client.call("POST", f"/hub/api/users/{USER}")
        results = {True: [], False: []}
        for _ in range(args.repeat):
            for on in (True, False):
                set_extension(on)
                results[on].append(one_spawn(client))
        print(f"world: 200 shared envs x 50 records (100 with ipykernel), user {user.pw_name}")
        for on in (False, True):
            ready = [r[0] * 1000 for r in results[on]]
            first = [r[1] * 1000 for r in results[on]]
            label = "with the extension   " if on else "without the extension"
            print(
                f"{label} spawn to ready median {statistics.median(ready):7.0f} ms (min {min(ready):.0f}, "
                f"max {max(ready):.0f}); first /api/kernelspecs {statistics.median(first):6.1f} ms, "
                f"{results[on][0][2]} kernels"
            )
        off, on = (statistics.median([r[0] for r in results[x]]) for x in (False, True))
        print(f"spawn overhead: {100 * (on - off) / off:+.1f} % (budget +10 %)")
        low_off, low_on = (min(r[0] for r in results[x]) for x in (False, True))
        print(f"spawn overhead, fastest to fastest: {100 * (low_on - low_off) / low_off:+.1f} %")
    finally:
        set_extension(True)
        process.terminate()
        process.wait(timeout=30)
        hub.remove_user(USER)


if __name__ == "__main__":
    main()
