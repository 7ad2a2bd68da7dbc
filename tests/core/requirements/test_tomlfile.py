"""TOML definitions: read through safe_read, errors located (the places of keys: test_tomlplaces)."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.tomlfile import read_sibling, read_toml


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
