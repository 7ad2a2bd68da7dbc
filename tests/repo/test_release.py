"""What a release uploads: `python -m build` makes an sdist and a wheel that pass `twine check`, and
the wheel alone, in a fresh venv with no Node, gives a working lab and server extension."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import zipfile

import pytest
from support import REPO

import jupyter_envpanel

# Builds in an isolated environment and installs JupyterLab into a new venv: a minute or more.
pytestmark = [pytest.mark.release, pytest.mark.timeout(1800)]
VERSION = jupyter_envpanel.__version__


def run(args: list, **kwargs) -> str:
    """Run a command; fail with its output when it fails; return stdout and stderr, uncoloured."""
    out = subprocess.run(args, capture_output=True, text=True, timeout=900, **kwargs)
    assert out.returncode == 0, f"{args[:4]} failed:\n{(out.stdout + out.stderr)[-4000:]}"
    return re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """Given the sdist and the wheel `python -m build` makes (the wheel is built from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)])
    return out


def test_build_makes_an_sdist_and_a_wheel_that_pass_twine_check(dist):
    sdist = dist / f"jupyter_envpanel-{VERSION}.tar.gz"
    wheel = dist / f"jupyter_envpanel-{VERSION}-py3-none-any.whl"
    assert sorted(p.name for p in dist.iterdir()) == sorted([sdist.name, wheel.name])

    checked = run([sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)])
    assert checked.count("PASSED") == 2, checked

    # The sdist is the source (with the built labextension), nothing a checkout makes when used
    with tarfile.open(sdist) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    assert "jupyter_envpanel/labextension/package.json" in names and "labextension/src/index.ts" in names
    made = (".venv", "demo/envs", "node_modules", "test-results", ".hypothesis", "mutants", "mutation.log")
    leftovers = [n for n in names if n.startswith(made)]
    assert leftovers == [] and not any("/node_modules/" in n for n in names)

    # The wheel carries the prebuilt labextension and the file that enables the server extension
    with zipfile.ZipFile(wheel) as whl:
        files = whl.namelist()
    data = f"jupyter_envpanel-{VERSION}.data/data"
    assert f"{data}/etc/jupyter/jupyter_server_config.d/jupyter_envpanel.json" in files
    assert f"{data}/share/jupyter/labextensions/jupyter-envpanel/package.json" in files
    assert f"{data}/share/jupyter/labextensions/jupyter-envpanel/install.json" in files
    assert any(f.startswith(f"{data}/share/jupyter/labextensions/jupyter-envpanel/static/") for f in files)


def test_wheel_installs_without_node_and_both_extensions_are_enabled_and_ok(dist, tmp_path):
    wheel = dist / f"jupyter_envpanel-{VERSION}-py3-none-any.whl"
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    tools = tmp_path / "bin"  # the only other folder on PATH: no node, npm or jlpm anywhere
    tools.mkdir()
    path = os.pathsep.join([str(venv / "bin"), str(tools)])
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONDA", "MAMBA", "JUPYTER", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(
        PATH=path,
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    folders = path.split(os.pathsep)
    assert not any(os.path.exists(os.path.join(d, n)) for d in folders for n in ("node", "npm", "jlpm"))

    # When the wheel is installed with pip, next to JupyterLab
    python = str(venv / "bin" / "python")
    run([python, "-m", "pip", "install", "-q", str(wheel), "jupyterlab>=4.5,<5"], env=env)

    # Then JupyterLab lists the prebuilt labextension from this venv, enabled and OK
    labext = run([str(venv / "bin" / "jupyter"), "labextension", "list"], env=env)
    assert re.search(rf"jupyter-envpanel v{re.escape(VERSION)} enabled\s+OK", labext), labext
    assert str(venv / "share" / "jupyter" / "labextensions") in labext

    # and the server extension is enabled by the file the wheel installed, and loads
    server = run([str(venv / "bin" / "jupyter"), "server", "extension", "list"], env=env)
    assert re.search(r"jupyter_envpanel\s+enabled", server), server
    assert re.search(rf"jupyter_envpanel\s+{re.escape(VERSION)}\s+OK", server), server
    assert str(venv / "etc" / "jupyter") in server

    # and the CLI the wheel installs runs as `jupyter envpanel`
    assert "kernels" in run([str(venv / "bin" / "jupyter"), "envpanel", "--help"], env=env)
