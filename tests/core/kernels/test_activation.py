"""Activation without conda: the variables each kind of environment gets, conda env config vars."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from jupyter_envpanel.core.base.model import Environment
from jupyter_envpanel.core.kernels.activation import activation_env, wrap_argv
from jupyter_envpanel.core.service import EnvService


@pytest.mark.parametrize(
    "kind,is_venv,virtual_env",
    [
        ("venv", True, True),
        ("uv", True, True),
        ("poetry", True, True),
        ("pipenv", True, True),
        ("hatch", True, True),
        ("virtualenvwrapper", True, True),
        ("pyenv", True, True),  # a pyenv-virtualenv
        ("pyenv", False, False),  # a pyenv Python is no virtual environment
        ("uv", False, False),  # nor a uv-managed Python
        ("system", False, False),
        ("conda", False, False),
        ("pixi", False, False),
    ],
)
def test_every_kind_of_virtual_environment_gets_virtual_env(kind, is_venv, virtual_env):
    env = Environment(name="e", prefix="/w/proj/.venv", kind=kind, is_venv=is_venv)
    variables = activation_env(env)
    assert variables.get("VIRTUAL_ENV") == ("/w/proj/.venv" if virtual_env else None)
    assert ("CONDA_PREFIX" in variables) == (kind in ("conda", "pixi"))


def test_env_config_vars_changed_in_place_are_seen_without_a_refresh(world):
    world.conda_env(world.home / "miniconda3", python="3.12.1")
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "vars", state_vars={"A": "1"})
    service = EnvService(world.host())
    env = {e.name: e for e in service.listing().environments}["vars"]
    assert dict(env.env_vars) == {"A": "1"}
    state = prefix / "conda-meta" / "state"
    folder_time = (prefix / "conda-meta").stat().st_mtime_ns
    with open(state, "w") as out:  # as conda writes it: the same file, rewritten
        out.write(json.dumps({"env_vars": {"A": "2"}}))
    os.utime(state, ns=(folder_time + 10**9, folder_time + 10**9))  # a later time even on a coarse clock
    os.utime(prefix / "conda-meta", ns=(folder_time, folder_time))  # the folder's time did not move
    env = {e.name: e for e in service.listing().environments}["vars"]
    assert dict(env.env_vars) == {"A": "2"}


def test_env_config_vars_set_after_a_listing_are_seen_without_a_refresh(world):
    """A conda-meta/state made later moves conda-meta's mtime: the next listing reads it."""
    world.conda_env(world.home / "miniconda3", python="3.12.1")
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "later")
    service = EnvService(world.host())
    env = {e.name: e for e in service.listing().environments}["later"]
    assert env.env_vars == ()
    folder_time = (prefix / "conda-meta").stat().st_mtime_ns
    (prefix / "conda-meta" / "state").write_text(json.dumps({"env_vars": {"B": "1"}}))
    os.utime(prefix / "conda-meta", ns=(folder_time + 10**9, folder_time + 10**9))  # even on a coarse clock
    env = {e.name: e for e in service.listing().environments}["later"]
    assert dict(env.env_vars) == {"B": "1"}


def test_activate_d_scripts_run_before_the_kernel_even_without_bash_on_path(world, monkeypatch, tmp_path):
    """No bash on the server's PATH: the wrapped kernel command still runs the scripts, with /bin/sh."""
    prefix = world.conda_env(world.home / "envs" / "act", activate={"set.sh": "export FROM_SCRIPT=yes\n"})
    env = Environment(name="act", prefix=str(prefix), kind="conda")
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no bash in it
    argv = wrap_argv(env, [sys.executable, "-c", "import os; print(os.environ['FROM_SCRIPT'])"])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "yes\n"), done.stderr
