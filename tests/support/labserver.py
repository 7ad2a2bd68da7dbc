"""Start a real `jupyter lab` on a fixture HOME and drive it in Debian's headless Chromium."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from support.jupyterchild import command

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """Return Debian's Chromium, if installed."""
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium") or "",
        shutil.which("chromium-browser") or "",
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A running JupyterLab server."""

    def __init__(self, url: str, token: str, process: subprocess.Popen, log: Path) -> None:
        self.url, self.token, self.process, self.log = url, token, process, log

    def api(self, method: str, path: str, body: dict | None = None):
        """Call the server's REST API with the token; return the decoded JSON (or None)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def page_url(self, path: str = "lab") -> str:
        """Return a URL that logs in with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.url}/{path}{sep}token={self.token}"


@contextmanager
def run_lab(
    home: Path,
    root: Path,
    jupyter_dirs: Path,
    timeout: float = 90,
    app: str = "jupyterlab",
    args: Sequence[str] = (),
) -> Iterator[Lab]:
    """Start `jupyter lab` (or `jupyter notebook`: app="notebook") with HOME and Jupyter's dirs isolated.

    The server reads no config but the test's (in `jupyter_dirs/config`) and what the installed
    packages ship (support.jupyterchild). `args` go to the server after the ones here
    (scripts/start.sh's, say).
    """
    port, token = free_port(), secrets.token_hex(16)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("CONDA", "MAMBA", "JUPYTER", "VIRTUAL_ENV", "PYENV", "POETRY", "HATCH", "UV_", "PIXI")
        )
        and k not in ("WORKON_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
    }
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(jupyter_dirs / "config"),
        JUPYTER_DATA_DIR=str(jupyter_dirs / "data"),
        JUPYTER_RUNTIME_DIR=str(jupyter_dirs / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(jupyter_dirs / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(jupyter_dirs / "lab-workspaces"),
    )
    log = jupyter_dirs / "lab.log"
    jupyter_dirs.mkdir(parents=True, exist_ok=True)
    news = (
        jupyter_dirs
        / "lab-settings"
        / "@jupyterlab"
        / "apputils-extension"
        / "notification.jupyterlab-settings"
    )
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    cmd = command(
        app,
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *args,
        config=jupyter_dirs / "env-config",
    )
    with log.open("w") as out:
        process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    lab = Lab(f"http://127.0.0.1:{port}", token, process, log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                lab.api("GET", "/api/status")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield lab
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def browser() -> Iterator[object]:
    """Launch Debian's Chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError(
            "Chromium is not installed: run `apt-get install -y chromium` (scripts/setup.sh does)"
        )
    with sync_playwright() as pw:
        chrome = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield chrome
        finally:
            chrome.close()


def notebook(path: Path, kernel: str, display: str, source: str) -> None:
    """Write a one-cell notebook that asks for a kernel by name."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c1",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        ],
        "metadata": {"kernelspec": {"name": kernel, "display_name": display, "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))
