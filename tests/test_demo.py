"""The demo works where it is started: its notebook runs end to end in every kernel the tour uses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

from jupyter_envpanel.core.host import Host
from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager

REPO = Path(__file__).resolve().parent.parent


def _outputs(nb) -> str:
    """Return the text of every output, failing on an error output."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{out.get('ename')}: {out.get('evalue')}"
            texts.append(out.get("text", "") or str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


@pytest.fixture
def demo(world, tmp_path, monkeypatch):
    """Given the demo folder and its fixture environments, as scripts/start.sh lays them out."""
    envs = tmp_path / "envs"
    subprocess.run([sys.executable, str(REPO / "scripts" / "demo_envs.py"), str(envs)], check=True)
    folder = tmp_path / "demo"
    shutil.copytree(REPO / "demo", folder, ignore=shutil.ignore_patterns("envs", ".ipynb_checkpoints"))
    monkeypatch.setenv("CONDA_ENVS_PATH", str(envs))
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    return folder, envs


@pytest.mark.parametrize("env", [None, "demo-drifted", "demo-in-sync"])
def test_demo_notebook_runs_before_and_after_the_switches_it_asks_for(demo, env):
    folder, envs = demo
    service = EnvService(Host.current(root=folder))
    manager = EnvPanelKernelSpecManager(service=service)
    kernel = f"conda-env-{env}-py" if env else "python3"
    with open(folder / "envpanel-demo.ipynb", encoding="utf-8") as fh:
        nb = nbformat.read(fh, as_version=4)

    # When every cell runs in that environment's kernel
    km = KernelManager(kernel_name=kernel, kernel_spec_manager=manager)
    km.start_kernel(cwd=str(folder))
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        client = NotebookClient(nb, km=km, timeout=120)
        client.kc = kc
        client.execute()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    # Then no cell fails, the kernel runs activated in the env, and the CLI cells answer
    text = _outputs(nb)
    if env:
        assert f"CONDA_PREFIX      = {envs / env}" in text
        assert f"CONDA_DEFAULT_ENV = {env}" in text
    assert "demo-drifted" in text and "demo-in-sync" in text  # `jupyter envpanel list`
    assert "1.24.4 does not satisfy >=1.26" in text  # the drift cell
    assert "pandas>=2" in text and "missing" in text
