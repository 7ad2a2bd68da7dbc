"""Where a TOML text writes its keys, tables and array items, by key path, whatever the TOML spelling."""

from __future__ import annotations

import sys

import pytest

from jupyter_envpanel.core.requirements.tomlplaces import (
    array_places,
    key_places,
    package_places,
    table_key_places,
)

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


PIXI = """\
# a comment [not.a.table]
[workspace]
name = "demo"

[feature.test.dependencies]
pytest = ">=8"
  "ruamel.yaml" = "*"
'a.b' = "1"
"esc\\u0041ped" = "2"
dotted.key = 3

[[tool.array]]
item = 1
"""


def test_places_of_headers_and_keys_by_their_full_path():
    places = key_places(PIXI)
    assert places[("workspace",)] == (2, 1)
    assert places[("workspace", "name")] == (3, 1)
    assert places[("feature", "test", "dependencies")] == (5, 1)
    assert places[("feature", "test", "dependencies", "pytest")] == (6, 1)
    assert places[("feature", "test", "dependencies", "ruamel.yaml")] == (7, 3)
    assert places[("feature", "test", "dependencies", "a.b")] == (8, 1)
    assert places[("feature", "test", "dependencies", "escAped")] == (9, 1)
    assert places[("feature", "test", "dependencies", "dotted", "key")] == (10, 1)
    assert ("not", "a", "table") not in places


PIPFILE = """\
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
    assert table_key_places(PIPFILE, ("packages",)) == {
        "plain": (2, 1),
        "quoted.name": (3, 3),
        "literal": (4, 1),
        "dotted": (5, 1),
        "sub": (10, 13),
    }
    assert table_key_places(PIPFILE, ("dev-packages",)) == {"plain": (8, 1)}


def test_a_dotted_header_is_a_table_of_its_own():
    text = '[tool.poetry]\nname = "p"\n[tool.poetry.group.docs]\nname = "no"\n'
    assert table_key_places(text, ("tool", "poetry")) == {"name": (2, 1), "group": (3, 14)}


def test_a_quoted_key_is_read_as_toml_reads_it_and_placed_at_its_quote():
    text = """\
[dependencies]
"a.b]=#" = "1"
"nu\\u006dpy" = "2"
'C:\\x' = "3"
[dependencies."dotted.name"]
version = "4"
[ "quoted" . 'parts' ]
"""
    assert tomllib.loads(text)
    assert table_key_places(text, ("dependencies",)) == {
        "a.b]=#": (2, 1),
        "numpy": (3, 1),
        "C:\\x": (4, 1),
        "dotted.name": (5, 15),
    }
    places = key_places(text)
    assert places[("dependencies", "dotted.name", "version")] == (6, 1)
    assert places[("quoted", "parts")] == (7, 1)
    assert table_key_places(text, ("quoted",)) == {"parts": (7, 14)}


def test_a_dotted_key_is_placed_at_its_start_and_at_each_of_its_parts_in_its_table():
    text = '[tool]\npoetry . name = "p"\n  a."b.c".d = 1\n'
    places = key_places(text)
    assert places[("tool", "poetry", "name")] == (2, 1)
    assert places[("tool", "a", "b.c", "d")] == (3, 3)
    assert ("tool", "poetry") not in places  # only implied by the dotted key: a reader takes the nearest
    assert table_key_places(text, ("tool",)) == {"poetry": (2, 1), "a": (3, 3)}
    assert table_key_places(text, ("tool", "poetry")) == {"name": (2, 10)}
    assert table_key_places(text, ("tool", "a", "b.c")) == {"d": (3, 11)}


def test_the_keys_of_an_inline_table_are_not_placed_but_its_key_is():
    text = '[dependencies]\nnumpy = { version = ">=2", build = "py*" }\nrich = [{ a = 1 }]\n'
    places = key_places(text)
    assert places[("dependencies", "numpy")] == (2, 1)
    assert ("dependencies", "numpy", "version") not in places
    assert table_key_places(text, ("dependencies", "numpy")) == {}
    assert array_places(text)[("dependencies", "rich")] == [(3, 9)]


def test_an_array_of_tables_names_its_keys_under_its_path_the_first_element_winning():
    text = """\
[tool.pixi.dependencies]
numpy = "*"

[[tool.uv.index]]
name = "pytorch"
url = "https://download.pytorch.org/whl"

[[tool.uv.index]]
name = "other"
extra = 1
"""
    places = key_places(text)
    assert ("tool", "pixi", "dependencies", "name") not in places  # not the table above the array
    assert places[("tool", "uv", "index")] == (4, 1)
    assert places[("tool", "uv", "index", "name")] == (5, 1)
    assert places[("tool", "uv", "index", "extra")] == (10, 1)
    assert table_key_places(text, ("tool", "pixi", "dependencies")) == {"numpy": (2, 1)}
    assert table_key_places(text, ("tool", "uv")) == {"index": (4, 11)}


def test_the_same_key_in_two_tables_is_placed_in_each():
    text = '[packages]\nrequests = "*"\n\n[dev-packages]\nrequests = "==2.31"\n'
    assert key_places(text)[("packages", "requests")] == (2, 1)
    assert key_places(text)[("dev-packages", "requests")] == (5, 1)
    assert table_key_places(text, ("packages",)) == {"requests": (2, 1)}
    assert table_key_places(text, ("dev-packages",)) == {"requests": (5, 1)}


def test_comments_and_multi_line_strings_hide_what_looks_like_keys_and_headers():
    text = '''\
[project]  # [not.a.table]
# fake = 1
description = """
[fake]
fake = 2
"""
notes = \'\'\'
x = 3\'\'\'
name = "p"  # after the strings, still in [project]
'''
    assert tomllib.loads(text)
    assert key_places(text) == {
        ("project",): (1, 1),
        ("project", "description"): (3, 1),
        ("project", "notes"): (7, 1),
        ("project", "name"): (9, 1),
    }
    assert table_key_places(text, ("project",))["name"] == (9, 1)


def test_lines_are_counted_at_each_newline_as_tomllib_counts_them():
    text = '[a]\r\nb = 1 # \u2028 a line separator in a comment\r\n[c]\r\n  d = "\u2028"\r\ne = 2\r\n'
    assert tomllib.loads(text)
    assert key_places(text) == {
        ("a",): (1, 1),
        ("a", "b"): (2, 1),
        ("c",): (3, 1),
        ("c", "d"): (4, 3),
        ("c", "e"): (5, 1),
    }


@pytest.mark.parametrize("text", ["a = [1, 2", 'a = ["open', "= 3", "[table\n", "[a]\nb = 1\n[c"])
def test_keys_of_text_that_is_not_toml_are_what_was_found_and_never_raise(text):
    assert isinstance(key_places(text), dict)
    assert isinstance(table_key_places(text, ("a",)), dict)


def test_each_package_table_of_a_lock_is_placed_at_its_name_in_file_order():
    text = """\
version = 1

[[package]]
name = "numpy"
version = "2.0"

[package.optional-dependencies]
name = ["not", "a", "package"]

[[package]]
version = "1"

[[ package ]]  # spaced
  name = 'rich'
"""
    assert package_places(text) == [("numpy", 4, 8), ("", 10, 1), ("rich", 14, 10)]
