"""Shared fixtures: a temporary world of environments under a fake HOME."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from factory import World  # noqa: E402

ISOLATED_VARS = (
    "CONDA_EXE", "CONDA_ROOT", "CONDA_PREFIX", "CONDA_PREFIX_1", "CONDA_DEFAULT_ENV", "MAMBA_ROOT_PREFIX",
    "MAMBA_EXE", "CONDA_ENVS_PATH", "CONDA_ENVS_DIRS", "CONDARC", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR",
    "JUPYTER_PATH", "JUPYTER_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "VIRTUAL_ENV",
)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """Return an empty world; HOME and the conda variables of this process point into it."""
    w = World(tmp_path)
    w.home.mkdir()
    w.root.mkdir()
    for var in ISOLATED_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(w.home))
    monkeypatch.chdir(w.root)
    return w


@pytest.fixture
def fake_server_prefix(world: World, monkeypatch: pytest.MonkeyPatch):
    """Keep the real sys.prefix; tests that need it use world.host() instead."""
    return Path(os.path.realpath(sys.prefix))
