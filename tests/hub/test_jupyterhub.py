"""Many users: jupyter-envpanel under a real JupyterHub, shared and private environments."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from support import hub
from support.factory import PYKERNEL, World, write_kernel
from support.hub import Hub, kernel_process
from support.labserver import free_port

pytestmark = [pytest.mark.hub, pytest.mark.skipif(bool(hub.why_not()), reason=hub.why_not() or "-")]
ALICE, BOB = hub.USERS


@pytest.fixture(scope="module")
def jupyterhub(tmp_path_factory):
    hub.ensure_venv()
    base = Path(hub.BASE / "run")
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    users = {name: hub.make_user(name) for name in hub.USERS}
    # a shared installation, owned by root, read-only for the users: base and two envs
    shared = World(hub.BASE / "run" / "shared")
    shared_root = hub.BASE / "run" / "shared" / "conda"
    shared.conda_env(shared_root, python="3.12.1")
    for name in ("shared-a", "shared-b"):
        prefix = shared.conda_env(
            shared_root / "envs" / name,
            ipykernel=True,
            activate={"10-shared.sh": f'export SHARED_ACTIVATED="{name}"\n'},
        )
        write_kernel(prefix, "python3", PYKERNEL)
        hub.runnable(prefix)
    # an admin's kernelspec installed system-wide, with the name a Register of shared-b would use
    system = hub.VENV / "share" / "jupyter" / "kernels" / "conda-env-shared-b-py"
    system.mkdir(parents=True, exist_ok=True)
    (system / "kernel.json").write_text(json.dumps({**PYKERNEL, "display_name": "admin's shared-b"}))
    # each user's own environment, in their private home
    for name, entry in users.items():
        home = Path(entry.pw_dir)
        own = World(home / "w").conda_env(home / "miniconda3" / "envs" / f"{name}-own", ipykernel=True)
        hub.runnable(own)
        hub.chown_tree(home, entry)
    subprocess.run(["chmod", "-R", "a+rX,go-w", str(hub.BASE)], check=True)
    port, token = free_port(), secrets.token_hex(24)
    config = hub.hub_config(base, port, token, shared_root / "envs")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(base), "LANG": "C.UTF-8"}
    with (base / "hub.log").open("w") as log:
        process = subprocess.Popen(
            [str(hub.VENV / "bin" / "jupyterhub"), "-f", str(config)],
            cwd=base,
            env=env,
            stdout=log,
            stderr=log,
        )
    client = Hub(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + 90
        while client.call("GET", "/hub/api/")[0] != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("jupyterhub did not start:\n" + (base / "hub.log").read_text()[-4000:])
            time.sleep(0.3)
        for name in hub.USERS:
            client.start(name)
        client.users, client.shared_root, client.log = users, shared_root, base / "hub.log"
        yield client
    finally:
        for name in hub.USERS:
            client.call("DELETE", f"/hub/api/users/{name}/server")
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        for name in hub.USERS:
            hub.remove_user(name)
        shutil.rmtree(system, ignore_errors=True)


def test_each_user_lists_the_shared_envs_and_their_own_never_anothers(jupyterhub):
    for user, other in ((ALICE, BOB), (BOB, ALICE)):
        code, listing = jupyterhub.user_api(user, "GET", "envpanel/api/environments")
        assert code == 200, listing
        names = {e["name"] for e in listing["environments"]}
        assert {"shared-a", "shared-b", f"{user}-own"} <= names, listing["warnings"]
        assert f"{other}-own" not in names
        shared = {e["name"]: e["shared"] for e in listing["environments"]}
        assert shared["shared-a"] and shared["shared-b"] and not shared[f"{user}-own"]
        assert not any(other in e["prefix"] for e in listing["environments"])
        code, specs = jupyterhub.user_api(user, "GET", "api/kernelspecs")
        assert {"conda-env-shared-a-py", f"conda-env-{user}-own-py"} <= set(specs["kernelspecs"])
        assert f"conda-env-{other}-own-py" not in specs["kernelspecs"]


def test_one_users_token_does_not_open_anothers_server(jupyterhub):
    code, _ = jupyterhub.user_api(
        BOB, "GET", "envpanel/api/environments", token=jupyterhub.user_tokens[ALICE]
    )
    assert code in (403, 404, 302)


def test_a_shared_env_kernel_runs_as_the_user_activated_without_conda_on_path(jupyterhub):
    code, kernel = jupyterhub.call(
        "POST",
        f"/user/{ALICE}/api/kernels",
        jupyterhub.user_tokens[ALICE],
        body={"name": "conda-env-shared-a-py"},
    )
    assert code == 201, kernel
    try:
        seen = kernel_process(kernel["id"])
    finally:
        jupyterhub.user_api(ALICE, "DELETE", f"api/kernels/{kernel['id']}")
    shared_a = str(jupyterhub.shared_root / "envs" / "shared-a")
    assert seen["uid"] == jupyterhub.users[ALICE].pw_uid
    assert seen["env"]["CONDA_PREFIX"] == shared_a and seen["env"]["SHARED_ACTIVATED"] == "shared-a"
    assert seen["env"]["PATH"].split(":")[0] == f"{shared_a}/bin"
    assert "conda" not in seen["env"]["PATH"].replace(str(jupyterhub.shared_root), "")
    assert seen["env"]["HOME"] == jupyterhub.users[ALICE].pw_dir


def test_register_writes_the_users_own_dir_and_unregister_leaves_the_admins_spec(jupyterhub):
    alice = jupyterhub.users[ALICE]
    code, answer = jupyterhub.user_api(ALICE, "POST", "envpanel/api/environments/shared-a/kernel")
    assert code == 201 and answer["kernels"] == ["conda-env-shared-a-py"]
    written = (
        Path(alice.pw_dir)
        / ".local"
        / "share"
        / "jupyter"
        / "kernels"
        / "conda-env-shared-a-py"
        / "kernel.json"
    )
    assert written.stat().st_uid == alice.pw_uid
    code, _ = jupyterhub.user_api(ALICE, "DELETE", "envpanel/api/environments/shared-a/kernel")
    assert code == 204 and not written.exists()
    code, body = jupyterhub.user_api(ALICE, "DELETE", "envpanel/api/environments/shared-b/kernel")
    assert code == 409 and "installed system-wide" in body["message"]
    assert (hub.VENV / "share" / "jupyter" / "kernels" / "conda-env-shared-b-py" / "kernel.json").exists()
    code, body = jupyterhub.user_api(ALICE, "POST", "envpanel/api/environments/shared-b/kernel")
    assert code in (201, 409)  # the user's own copy may shadow the admin's: never the admin's file
    assert (
        json.loads((hub.VENV / "share/jupyter/kernels/conda-env-shared-b-py/kernel.json").read_text())[
            "display_name"
        ]
        == "admin's shared-b"
    )


def test_the_panel_works_under_the_users_base_url_with_switch(jupyterhub):
    from support.browser import CODE
    from support.labserver import browser

    alice = jupyterhub.users[ALICE]
    from support.labserver import notebook

    path = Path(alice.pw_dir) / "demo.ipynb"
    notebook(path, "conda-env-shared-a-py", "Python [conda env:shared-a]", CODE)
    hub.chown_tree(path, alice)
    requests: list = []
    with browser() as chrome:
        page = chrome.new_page(viewport={"width": 1400, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(jupyterhub.url + "/hub/login")
        page.fill("input[name=username]", ALICE)
        page.fill("input[name=password]", "envpanel-test-password")
        page.click("input[type=submit], button[type=submit]")
        page.goto(f"{jupyterhub.url}/user/{ALICE}/lab/tree/demo.ipynb")
        page.wait_for_selector(".jp-NotebookPanel", timeout=90_000)
        page.wait_for_selector('.jp-SideBar [data-id="jp-envpanel"]', timeout=60_000)
        if not page.locator("#jp-envpanel").is_visible():
            page.click('.jp-SideBar [data-id="jp-envpanel"]')
        page.wait_for_selector('[data-active-env="shared-a"]', timeout=90_000)
        assert page.locator('[data-env-name="shared-b"] .jp-EnvPanel-tag:text-is("shared")').count() == 1
        page.click(f'[data-env-name="{ALICE}-own"] [data-action="switch"]')
        if page.locator(".jp-Dialog .jp-mod-accept").count():
            page.click(".jp-Dialog .jp-mod-accept")
        page.wait_for_selector(f'[data-active-env="{ALICE}-own"]', timeout=90_000)
        page.close()
    code, sessions = jupyterhub.user_api(ALICE, "GET", "api/sessions")
    assert [s["kernel"]["name"] for s in sessions if s["path"] == "demo.ipynb"] == [
        f"conda-env-{ALICE}-own-py"
    ]
    ours = [u for u in requests if "/envpanel/" in u]
    assert ours and all(f"/user/{ALICE}/envpanel/" in u for u in ours)
