"""The lock's own tool brings an environment back to its lock; another env gets a note, not a command."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.model import Discovered
from jupyter_envpanel.core.drift.lockfixes import lock_fixes
from jupyter_envpanel.core.locks.model import Lock

TOOLS = {t: t for t in ("uv", "pixi", "poetry", "pipenv", "conda-lock", "conda")}


def env_at(prefix, kind="venv"):
    """Return a discovered environment at prefix."""
    return Discovered(name="e", prefix=str(prefix), kind=kind)


def argvs(fixes):
    """Return the argument vectors of (commands, notes)."""
    return [f.argv for f in fixes[0]]


def test_in_sync_and_fresh_needs_no_command(tmp_path):
    lock = Lock(str(tmp_path / "uv.lock"), "uv")
    assert lock_fixes(env_at(tmp_path / ".venv"), lock, "proj", TOOLS, []) == ((), ())


def test_uv_and_pixi_sync_their_own_project_environment_only(tmp_path):
    lock = Lock(str(tmp_path / "uv.lock"), "uv")
    assert argvs(lock_fixes(env_at(tmp_path / ".venv"), lock, "proj", TOOLS, ["x"])) == [
        ("uv", "sync", "--project", "proj")
    ]
    commands, notes = lock_fixes(env_at(tmp_path / "other"), lock, "proj", TOOLS, ["x"])
    assert commands == () and "installs into the project's .venv" in notes[0].reason
    (tmp_path / "pixi.toml").write_text("")
    pixi = Lock(str(tmp_path / "pixi.lock"), "pixi", environment="cuda")
    cuda = env_at(tmp_path / ".pixi" / "envs" / "cuda", "pixi")
    assert argvs(lock_fixes(cuda, pixi, "", TOOLS, ["x"])) == [
        ("pixi", "install", "--manifest-path", "pixi.toml", "--environment", "cuda")
    ]
    default = Lock(str(tmp_path / "pixi.lock"), "pixi", environment="default")
    assert lock_fixes(cuda, default, "", TOOLS, ["x"])[1][0].reason.startswith("`pixi install` installs")


def test_poetry_pipenv_relock_first_when_stale_and_pipenv_cleans(tmp_path):
    env = env_at(tmp_path / ".venv")
    poetry = Lock(str(tmp_path / "poetry.lock"), "poetry", stale="poetry.lock is out of date")
    assert argvs(lock_fixes(env, poetry, "-p", TOOLS, [])) == [
        ("poetry", "lock", "--directory", "./-p"),
        ("poetry", "sync", "--directory", "./-p"),
    ]
    pipenv = Lock(str(tmp_path / "Pipfile.lock"), "pipenv")
    assert argvs(lock_fixes(env, pipenv, "a b", TOOLS, ["x"])) == [
        ("env", "PIPENV_PIPFILE=a b/Pipfile", "pipenv", "sync"),
        ("env", "PIPENV_PIPFILE=a b/Pipfile", "pipenv", "clean"),
    ]


def test_conda_lock_and_explicit_install_into_the_prefix(tmp_path):
    env = env_at(tmp_path / "envs" / "ml", "conda")
    conda_lock = Lock(str(tmp_path / "conda-lock.yml"), "conda-lock")
    assert argvs(lock_fixes(env, conda_lock, "", TOOLS, ["x"])) == [
        ("conda-lock", "install", "--prefix", env.prefix, "conda-lock.yml")
    ]
    explicit = Lock(str(tmp_path / "spec.txt"), "explicit")
    assert argvs(lock_fixes(env, explicit, "locks", TOOLS, ["x"])) == [
        ("conda", "install", "--prefix", env.prefix, "--file", "locks/spec.txt")
    ]


@pytest.mark.parametrize("tool", ["uv", "pixi", "poetry", "pipenv", "conda-lock", "explicit"])
def test_a_tool_this_machine_lacks_is_a_note_naming_it(tmp_path, tool):
    lock = Lock(str(tmp_path / "x.lock"), tool)
    commands, notes = lock_fixes(env_at(tmp_path / "p"), lock, "", {}, ["numpy==1"])
    assert commands == () and notes[0].needs == ("conda" if tool == "explicit" else tool)
    assert notes[0].entries == ("numpy==1",)


def test_a_path_with_a_control_character_gets_no_command(tmp_path):
    lock = Lock(str(tmp_path / "uv.lock"), "uv")
    commands, notes = lock_fixes(env_at(tmp_path / ".venv"), lock, "pro\x15j", TOOLS, ["x"])
    assert commands == () and "U+0015" in notes[0].reason
