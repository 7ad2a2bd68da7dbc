"""A real JupyterHub on loopback for the tests: a hub venv users can read, Unix users, a shared root.

Everything lives under /opt/envpanel-hub-test (world-readable: the single-user servers run as
the test users, who cannot read /root). The hub venv is made from Debian's /usr/bin/python3 with
the package's dependencies plus JupyterHub and JupyterLab, once per dependency set; the
package itself is copied in on every run, so the servers always run the checkout's code.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from support import REPO

BASE = Path("/opt/envpanel-hub-test")
VENV = BASE / "venv"
CHP = BASE / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"
USERS = ("envpanel-alice", "envpanel-bob")


def why_not() -> str:
    """Return why a real hub cannot run here, or "" when it can."""
    if sys.platform != "linux" or os.geteuid() != 0:
        return "a real JupyterHub with Unix users needs root on Linux (useradd, setuid spawns)"
    for tool in ("useradd", "userdel", "npm"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not Path("/usr/bin/python3").exists():
        return "Debian's /usr/bin/python3 is needed for a venv the test users can read"
    return ""


def _dependencies() -> list[str]:
    """Return the package's runtime dependencies from pyproject.toml, plus the hub's own."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], "jupyterhub>=5,<7", "jupyterlab>=4.5,<5"]


def ensure_venv() -> None:
    """Make the hub venv and the proxy once per dependency set; copy the package in every time."""
    deps = _dependencies()
    stamp = VENV / f".envpanel-{hashlib.sha1(json.dumps(deps).encode()).hexdigest()[:12]}"
    BASE.mkdir(parents=True, exist_ok=True)
    BASE.chmod(0o755)
    if not stamp.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run(["/usr/bin/python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *deps], check=True, timeout=900)
        stamp.write_text("ok\n")
    if not CHP.exists():
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(BASE / "chp"), "configurable-http-proxy@4"],
            check=True,
            timeout=600,
        )
    site = next((VENV / "lib").glob("python3*/site-packages"))
    shutil.rmtree(site / "jupyter_envpanel", ignore_errors=True)
    shutil.copytree(
        REPO / "jupyter_envpanel", site / "jupyter_envpanel", ignore=shutil.ignore_patterns("__pycache__")
    )
    # as pip does at install time: users cannot write __pycache__ here, and would compile every spawn
    subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "compileall", "-q", str(site / "jupyter_envpanel")], check=True
    )
    config = VENV / "etc" / "jupyter" / "jupyter_server_config.d"
    config.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "jupyter-config" / "server-config" / "jupyter_envpanel.json", config)
    labext = VENV / "share" / "jupyter" / "labextensions" / "jupyter-envpanel"
    shutil.rmtree(labext, ignore_errors=True)
    built = REPO / "jupyter_envpanel" / "labextension"
    if built.is_dir():
        shutil.copytree(built, labext)
    subprocess.run(["chmod", "-R", "a+rX", str(BASE)], check=True)


def make_user(name: str) -> pwd.struct_passwd:
    """Create a Unix user with a private home (again: the same user, emptied)."""
    try:
        pwd.getpwnam(name)
        subprocess.run(["pkill", "-u", name], check=False)
        subprocess.run(["userdel", "-r", name], check=False, capture_output=True)
    except KeyError:
        pass
    subprocess.run(["useradd", "-m", "-s", "/bin/bash", name], check=True)
    entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, 0o700)
    return entry


def remove_user(name: str) -> None:
    """Stop the user's processes and remove the user with their home."""
    subprocess.run(["pkill", "-u", name], check=False)
    subprocess.run(["userdel", "-r", name], check=False, capture_output=True)


def chown_tree(path: Path, user: pwd.struct_passwd) -> None:
    """Give a folder and everything under it to a user."""
    subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(path)], check=True)


def runnable(prefix: Path) -> None:
    """Make `<prefix>/bin/python` the hub venv's interpreter (it has ipykernel; users can run it)."""
    python = prefix / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text(f'#!/bin/sh\nexec "{VENV / "bin" / "python"}" "$@"\n')
    python.chmod(0o755)


def hub_config(base: Path, port: int, token: str, shared_envs: Path) -> Path:
    """Write jupyterhub_config.py: loopback, password users, local processes, no conda on PATH."""
    config = base / "jupyterhub_config.py"
    config.write_text(
        f"""
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{port + 1}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(base / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{base / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(base / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "envpanel-test-password"
c.Authenticator.allowed_users = {set(USERS)!r}
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(VENV / "bin" / "jupyterhub-singleuser")!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["LANG"]
c.Spawner.environment = {{"PATH": "/usr/local/bin:/usr/bin:/bin"}}  # as under systemd: no conda
c.JupyterHub.services = [{{"name": "envpanel-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "envpanel-test",
    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "read:users"],
    "services": ["envpanel-test"],
}}]
"""
    )
    admin = VENV / "etc" / "jupyter" / "jupyter_server_config.d" / "envpanel-shared.json"
    admin.write_text(json.dumps({"EnvPanelApp": {"shared_env_dirs": [str(shared_envs)]}}, indent=1))
    admin.chmod(0o644)
    return config


class Hub:
    """Talk to the hub and to users' servers through the proxy, as a client would."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.user_tokens: dict = {}

    def call(self, method: str, path: str, token: str = "", body: object = None) -> tuple:
        data = json.dumps(body).encode() if body is not None else (b"" if method in ("POST", "PUT") else None)
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"token {token or self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                text = response.read()
                return response.status, json.loads(text) if text.strip() else None
        except urllib.error.HTTPError as err:
            text = err.read()
            try:
                return err.code, json.loads(text)
            except ValueError:
                return err.code, text.decode(errors="replace")
        except OSError as err:  # not listening yet
            return 0, str(err)

    def start(self, user: str) -> str:
        """Spawn a user's server and return a token of that user's own."""
        self.call("POST", f"/hub/api/users/{user}")
        self.call("POST", f"/hub/api/users/{user}/server")
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            code, model = self.call("GET", f"/hub/api/users/{user}")
            if code == 200 and (model.get("servers", {}).get("", {}) or {}).get("ready"):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"{user}'s server did not start: {model}")
        code, answer = self.call("POST", f"/hub/api/users/{user}/tokens", body={"note": "envpanel test"})
        assert code in (200, 201), answer
        self.user_tokens[user] = answer["token"]
        return answer["token"]

    def user_api(self, user: str, method: str, path: str, token: str = "") -> tuple:
        return self.call(method, f"/user/{user}/{path}", token or self.user_tokens[user])


def kernel_process(kernel_id: str) -> dict:
    """Return the uid and environment of the process running a kernel (by its connection file)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                if not any(f"kernel-{kernel_id}.json".encode() in part for part in cmdline):
                    continue
                if b"ipykernel_launcher" not in b" ".join(cmdline):
                    continue
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                uid = os.stat(f"/proc/{pid}").st_uid
            except OSError:
                continue
            env = dict(item.decode().split("=", 1) for item in environ if b"=" in item)
            return {"uid": uid, "env": env}
        time.sleep(0.3)
    raise AssertionError(f"no process runs kernel {kernel_id}")
