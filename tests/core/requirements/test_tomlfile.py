"""TOML definitions: read through safe_read, errors located, the places of keys found in the text."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.tomlfile import key_places, read_sibling, read_toml

TEXT = """\
[packages]
plain = "*"
  "quoted.name" = {version = "1"}
'literal' = "2"
dotted.version = "3"

[dev-packages]
plain = "4"

[packages . sub]
version = "5"

[[source]]
name = "x"
"""


def test_keys_are_placed_in_their_own_table_only():
    assert key_places(TEXT, "packages") == {
        "plain": (2, 1),
        "quoted.name": (3, 3),
        "literal": (4, 1),
        "dotted": (5, 1),
        "sub": (10, 13),
    }
    assert key_places(TEXT, "dev-packages") == {"plain": (8, 1)}


def test_a_dotted_header_is_a_table_of_its_own():
    text = '[tool.poetry]\nname = "p"\n[tool.poetry.group.docs]\nname = "no"\n'
    assert key_places(text, "tool.poetry") == {"name": (2, 1), "group": (3, 14)}


def test_broken_toml_is_located_and_a_missing_sibling_is_a_warning(world):
    path = world.root / "pyproject.toml"
    path.write_text("[project]\nname = \n")
    with pytest.raises(EnvFileError) as info:
        read_toml(path, "pyproject.toml")
    assert (info.value.line, info.value.column, info.value.status) == (2, 8, 422)
    assert read_sibling(path, "pyproject.toml")[1:] == (None, str(info.value))
    assert read_sibling(world.root / "nothing.toml", "x") == (
        "",
        None,
        "nothing.toml not found beside the lock",
    )
