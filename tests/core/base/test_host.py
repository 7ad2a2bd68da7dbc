"""The host seam: which home, environment and root the core sees, and how it expands paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_envpanel.core.base.errors import EnvNotFound
from jupyter_envpanel.core.base.host import Host


def test_current_describes_this_process_with_home_from_the_environment(tmp_path, monkeypatch):
    """HOME decides the home folder; the environment is a copy; a root is resolved through links."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ENVPANEL_PROBE", "1")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    host = Host.current(root=tmp_path / "link")
    assert (host.home, host.root) == (tmp_path / "home", tmp_path / "real")
    assert host.environ["ENVPANEL_PROBE"] == "1" and host.environ is not os.environ
    monkeypatch.setenv("ENVPANEL_PROBE", "2")
    assert host.environ["ENVPANEL_PROBE"] == "1"  # a snapshot: later changes are not seen


def test_current_without_root_is_the_working_folder_and_without_home_the_users(tmp_path, monkeypatch):
    """No root: the current folder (resolved); no HOME: the user's home from the password file."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path / "link")
    monkeypatch.delenv("HOME")
    host = Host.current()
    assert (host.root, host.home) == (tmp_path / "real", Path.home())


@pytest.mark.parametrize(
    "typed, expanded",
    [("~", "/h/ana"), ("~/envs", "/h/ana/envs"), ("~bob/envs", "~bob/envs"), ("$HOME/envs", "$HOME/envs")],
)
def test_expand_user_expands_a_leading_tilde_only(typed, expanded):
    """A path a user typed: `~` and `~/...` are this host's home; nothing else is touched."""
    host = Host(home=Path("/h/ana"), environ={"HOME": "/elsewhere"})
    assert host.expand_user(typed) == Path(expanded)


@pytest.mark.parametrize(
    "configured, expanded",
    [
        ("~/envs", "/h/ana/envs"),
        ("~", "/h/ana"),
        ("$ENVS/ml", "/data/envs/ml"),
        ("${ENVS}/ml", "/data/envs/ml"),
        ("$MISSING/ml", "$MISSING/ml"),
        ("/abs/~/x", "/abs/~/x"),
    ],
)
def test_expand_does_tilde_and_variables_as_conda_does(configured, expanded):
    """condarc paths: a leading `~` is the home, `$VAR` / `${VAR}` from the host, unknown kept."""
    host = Host(home=Path("/h/ana"), environ={"ENVS": "/data/envs"})
    assert host.expand(configured) == Path(expanded)


def test_an_unknown_environment_says_where_to_look():
    """The error names the environment asked for and the command that lists the real ones."""
    err = EnvNotFound("ml")
    assert (str(err), err.ref, err.status) == (
        "unknown environment: 'ml' (see `jupyter envpanel list`)",
        "ml",
        404,
    )
