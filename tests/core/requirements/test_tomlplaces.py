"""The place of each array item of a TOML text, by key path, whatever the TOML spelling."""

from __future__ import annotations

import sys

import pytest

from jupyter_envpanel.core.requirements.tomlplaces import array_places

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

TEXT = '''\
title = """a "quoted" line with [brackets] and # no comment""""
other = 'C:\\x'  # a literal string and a comment with "quotes" [x]

[project]
dependencies = [  # a comment
    "numpy>=2", 'rich',
    # "not an item"
    """multi
line""",
]
"quoted.key".sub = ["q", "r"]
inline = { deps = ["a", { nested = ["b"] }], date = 1979-05-27 07:32:00 }

[[tool.many]]
items = [[1, 2], ["x"]]
'''


def test_each_item_is_placed_at_its_first_character_by_key_path():
    tomllib.loads(TEXT)  # the scanner walks text tomllib has parsed
    places = array_places(TEXT)
    assert places[("project", "dependencies")] == [(6, 5), (6, 17), (8, 5)]
    assert places[("project", "quoted.key", "sub")] == [(11, 21), (11, 26)]
    assert places[("project", "inline", "deps")] == [(12, 20), (12, 25)]
    assert places[("project", "inline", "deps", "[]", "nested")] == [(12, 37)]
    assert places[("tool", "many", "items")] == [(15, 10), (15, 18)]
    assert places[("tool", "many", "items", "[]")] == [(15, 11), (15, 14), (15, 19)]


@pytest.mark.parametrize("text", ["a = [1, 2", 'a = ["open', "= 3", "[table\n"])
def test_text_that_is_not_toml_gives_what_was_found_and_never_raises(text):
    assert isinstance(array_places(text), dict)
