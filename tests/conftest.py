"""Fixtures for every folder: a temporary world under a fake HOME, a server world, a clean tree.

Helpers are in tests/support/ (imported as `support.*`: tests/ is put on sys.path here, since
pytest imports the test modules with --import-mode=importlib and puts no folder on it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from support.factory import World  # noqa: E402

pytest_plugins = ["pytest_jupyter.jupyter_server"]

ISOLATED_VARS = (
    "CONDA_EXE",
    "CONDA_ROOT",
    "CONDA_PREFIX",
    "CONDA_PREFIX_1",
    "CONDA_DEFAULT_ENV",
    "MAMBA_ROOT_PREFIX",
    "MAMBA_EXE",
    "CONDA_ENVS_PATH",
    "CONDA_ENVS_DIRS",
    "CONDARC",
    "JUPYTER_DATA_DIR",
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_PATH",
    "JUPYTER_RUNTIME_DIR",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "VIRTUAL_ENV",
    "PYENV_ROOT",
    "WORKON_HOME",
    "POETRY_VIRTUALENVS_PATH",
    "POETRY_CACHE_DIR",
    "HATCH_DATA_DIR",
    "UV_PYTHON_INSTALL_DIR",
    "PIXI_HOME",
    "XDG_CACHE_HOME",
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
def jp_server_config() -> dict:
    """Enable the extension in servers started by pytest-jupyter."""
    return {"ServerApp": {"jpserver_extensions": {"jupyter_envpanel": True}}}


@pytest.fixture
def server_world(jp_environ, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """Return a world laid out where pytest-jupyter's server looks (HOME, root_dir)."""
    for var in ISOLATED_VARS:
        if not var.startswith("JUPYTER"):
            monkeypatch.delenv(var, raising=False)
    w = World(tmp_path, root_name="root_dir")
    w.home.mkdir(exist_ok=True)
    w.root.mkdir(exist_ok=True)
    return w


REPO = Path(__file__).resolve().parent.parent
_TREE = pytest.StashKey["Optional[str]"]()


def _git_status() -> str | None:
    """Return `git status --porcelain` of the checkout, or None when it is not a git checkout."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout if out.returncode == 0 else None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember the working tree's state: the suite must leave it as it found it."""
    if "MUTANT_UNDER_TEST" in os.environ or REPO.name == "mutants":  # mutmut's copy of the tree
        return
    session.config.stash[_TREE] = _git_status()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when the tests changed, added or removed a file of the checkout."""
    before = session.config.stash.get(_TREE, None)
    after = _git_status() if before is not None else None
    if before is None or after == before:
        return
    changed = sorted(set(after.splitlines()) ^ set(before.splitlines()))
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("the tests changed the working tree (git status --porcelain):", red=True)
        for line in changed:
            reporter.write_line(f"  {line}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under mutmut, run the fastest tests first: a mutant is killed by its first failing test."""
    if REPO.name != "mutants":
        return
    try:
        from mutmut.state import state
    except ImportError:
        return
    durations = state().duration_by_test
    if durations:
        items.sort(key=lambda item: durations.get(item.nodeid, float("inf")))
