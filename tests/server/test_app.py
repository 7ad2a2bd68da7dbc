"""The extension app: its tables built at start, off the loop, unasked; whose kernel spec manager serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from support.factory import UNDER_TEST
from support.hostile import healthy
from support.server import make_envs

from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager


def settled(names=("envpanel-warmup", "envpanel-package-index"), limit: float = 60.0) -> bool:
    """Wait (bounded) until the warm-up threads are done; return whether they are."""
    deadline = time.monotonic() + limit
    while any(t.name in names for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def envs(server_world):
    """Write the environments before the server starts."""
    make_envs(server_world)
    return server_world


async def test_tables_are_ready_before_the_first_request(envs, jp_serverapp):
    app = jp_serverapp.extension_manager.extension_points["jupyter_envpanel"].app
    service = app.settings["envpanel_service"]
    ksm = jp_serverapp.kernel_spec_manager
    assert isinstance(ksm, EnvPanelKernelSpecManager) and ksm.service is service
    assert settled()
    listing = service.listing(revalidate=False)
    assert {"base", "ml"} <= {e.name for e in listing.environments}
    assert ksm._table is not None and "conda-env-ml-py" in ksm._table.entries
    assert service.installed._index is None  # the package index waits for the server to have started
    await jp_serverapp.extension_manager.start_all_extensions()  # what the server runs once started
    assert settled()
    assert service.installed._index is not None
    assert {e.prefix for e in listing.environments} <= set(service.installed._index._items)


def _serve(world, config: dict) -> dict:
    """Start a real server with this config; return {kernelspecs, manager class, log}."""
    base = Path(tempfile.mkdtemp(prefix="envpanel-ksm-"))
    (base / "config").mkdir()
    (base / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
    code = (
        "import json, sys\n"
        "from jupyter_server.serverapp import ServerApp\n"
        "app = ServerApp()\n"
        "app.initialize(argv=['--allow-root', '--port=0', '--ServerApp.open_browser=False'])\n"
        "print(json.dumps({'class': type(app.kernel_spec_manager).__name__,"
        " 'specs': sorted(app.kernel_spec_manager.find_kernel_specs())}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDA", "JUPYTER"))}
    env.update(
        HOME=str(world.home),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=world.root, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["log"] = out.stderr
    return data


@pytest.mark.parametrize(
    "configured, ours",
    [
        (None, True),
        ("jupyter_client.kernelspec.KernelSpecManager", True),
        ("jupyter_client.kernelspec.KernelSpecManager:manage_kernelspecs=False", False),
    ],
)
def test_kernel_spec_manager_composition(world, configured, ours):
    healthy(world)
    server: dict = {"jpserver_extensions": {"jupyter_envpanel": True}}
    config: dict = {"ServerApp": server}
    if configured:
        dotted, _, option = configured.partition(":")
        server["kernel_spec_manager_class"] = dotted
        if option:
            config["EnvPanelApp"] = {"manage_kernelspecs": False}
    data = _serve(world, config)
    assert (data["class"] == "EnvPanelKernelSpecManager") == ours
    assert ("conda-env-good-py" in data["specs"]) == ours


def test_a_foreign_kernel_spec_manager_is_left_alone_with_a_warning(world, tmp_path, monkeypatch):
    healthy(world)
    package = tmp_path / "site" / "teamksm"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from jupyter_client.kernelspec import KernelSpecManager\n\n"
        "class TeamKSM(KernelSpecManager):\n    pass\n"
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path / "site"), UNDER_TEST]))
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":  # mutmut's tracing run: a child cannot report to it
        monkeypatch.delenv("MUTANT_UNDER_TEST")
    data = _serve(
        world,
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyter_envpanel": True},
                "kernel_spec_manager_class": "teamksm.TeamKSM",
            }
        },
    )
    assert data["class"] == "TeamKSM" and "conda-env-good-py" not in data["specs"]
    assert "kernel_spec_manager_class is teamksm.TeamKSM; env kernels not added" in data["log"]


def test_a_gateway_keeps_its_own_kernel_spec_manager(world):
    healthy(world)
    data = _serve(
        world,
        {
            "ServerApp": {"jpserver_extensions": {"jupyter_envpanel": True}},
            "GatewayClient": {"url": "http://127.0.0.1:9"},
        },
    )
    assert data["class"] != "EnvPanelKernelSpecManager"
