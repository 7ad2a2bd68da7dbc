"""Paths from requests and environment files: confined to the root, searched upwards, errors that say why."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError, FileNotFound
from jupyter_envpanel.core.base.paths import nearest_envfile


def test_env_file_search_messages_are_root_relative_and_say_what(world, tmp_path):
    from jupyter_envpanel.core.base.errors import FileNotFound

    (world.root / "a" / "b").mkdir(parents=True)
    notebook = world.root / "a" / "b" / "n.ipynb"
    notebook.write_text("{}")
    with pytest.raises(FileNotFound) as info:
        nearest_envfile(notebook, ["environment.yml", "environment.yaml"], world.root, confine=world.root)
    assert info.value.to_json()["file"] == "a/b/n.ipynb"
    assert str(info.value) == (
        "a/b/n.ipynb: no environment.yml, environment.yaml in this folder or any parent up to the root"
    )
    (world.root / "a" / "environment.yml").write_text("dependencies: []\n")
    assert nearest_envfile(notebook, ["environment.yml"], world.root) == world.root / "a" / "environment.yml"
    (tmp_path / "outside.yml").write_text("dependencies: [secret]\n")
    (world.root / "a" / "b" / "environment.yml").symlink_to(tmp_path / "outside.yml")
    with pytest.raises(EnvFileError) as info:
        nearest_envfile(notebook, ["environment.yml"], world.root, confine=world.root)
    assert info.value.status == 403 and info.value.to_json()["file"] == "a/b/environment.yml"
    assert str(info.value) == "a/b/environment.yml: resolves outside the server root (a symlink?); not read"


def test_env_file_search_from_outside_stop_never_climbs_above_it(world):
    (world.base / "environment.yml").write_text("dependencies: []\n")
    elsewhere = world.base / "elsewhere" / "deep"
    elsewhere.mkdir(parents=True)
    world.root.mkdir(exist_ok=True)
    with pytest.raises(FileNotFound) as info:
        nearest_envfile(elsewhere, ["environment.yml"], stop=world.root)
    assert info.value.path == str(elsewhere)  # without a root to confine to, the path as given
    (world.root / "binder").mkdir()
    (world.root / "binder" / "environment.yml").write_text("dependencies: []\n")
    assert (
        nearest_envfile(elsewhere, ["environment.yml"], stop=world.root)
        == world.root / "binder" / "environment.yml"
    )


def test_resolve_in_root_says_why(world):
    from jupyter_envpanel.core.base.errors import InvalidArgument, OutsideRoot
    from jupyter_envpanel.core.base.paths import resolve_in_root

    for bad in ("", "a\x00b"):
        with pytest.raises(InvalidArgument, match="^a file path relative to the server root is required$"):
            resolve_in_root(world.root, bad)
    for absolute in ("/etc/passwd", "~/x"):
        with pytest.raises(
            OutsideRoot, match="^paths are relative to the server root; an absolute path is not accepted$"
        ):
            resolve_in_root(world.root, absolute)
    with pytest.raises(OutsideRoot, match="^the path resolves outside the server root$"):
        resolve_in_root(world.root, "../x")
    assert resolve_in_root(world.root, ".") == world.root.resolve()
