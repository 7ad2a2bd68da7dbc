"""Error messages quote bad input short, on one line, printable; each error carries its HTTP status."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError, FileNotFound, excerpt
from jupyter_envpanel.core.requirements.envfile import parse_envfile


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("", "''"),
        ("   \n  ", "''"),
        ("numpy>=", "'numpy>='"),
        ("  first line\nsecond line", "'first line'"),
        ("a\x00b\x1bc", "'a?b?c'"),
        ("x" * 24, "'" + "x" * 24 + "'"),
        ("x" * 25, "'" + "x" * 24 + "…'"),
        ("y" * 400, "'" + "y" * 24 + "…'"),
    ],
    ids=["empty", "blank", "short", "first line only", "control characters", "at limit", "over", "long"],
)
def test_excerpt_is_short_single_line_and_printable(text, quoted):
    assert excerpt(text) == quoted


def test_excerpt_limit_can_be_chosen():
    assert excerpt("abcdef", limit=3) == "'abc…'"


def test_a_missing_environment_file_is_a_404_naming_the_file(tmp_path):
    missing = tmp_path / "environment.yml"
    with pytest.raises(FileNotFound) as info:
        parse_envfile(missing)
    assert info.value.status == 404
    assert str(info.value) == f"{missing}: no such file"
    assert info.value.to_json() == {
        "message": f"{missing}: no such file",
        "file": str(missing),
        "line": None,
        "column": None,
    }


def test_an_error_names_file_line_and_column():
    err = EnvFileError("env.yml", "bad spec", line=3, column=5)
    assert (str(err), err.status) == ("env.yml:3:5: bad spec", 422)
    assert str(EnvFileError("env.yml", "bad", line=3)) == "env.yml:3: bad"
