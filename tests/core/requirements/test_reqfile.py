"""pip requirements files: nested `-r` files, cycles and bad lines, each refusal located and explained."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.reqfile import parse_requirements_file


def test_files_that_include_each_other_are_refused_as_a_bad_request(world):
    (world.root / "a.txt").write_text("rich\n-r b.txt\n")
    (world.root / "b.txt").write_text("-r a.txt\n")
    with pytest.raises(EnvFileError) as info:
        parse_requirements_file(world.root / "a.txt")
    assert info.value.detail == "requirements files include each other (a -r cycle)"
    assert info.value.status == 400  # the files are wrong, not a spec in them


def test_a_line_that_is_no_requirement_says_why_and_where(world):
    path = world.root / "requirements.txt"
    path.write_text("rich\n  bad>>1\n")
    with pytest.raises(EnvFileError) as info:
        parse_requirements_file(path)
    err = info.value
    assert err.detail.startswith("invalid pip requirement") and "bad>>1" in err.detail
    assert (err.path, err.line, err.column) == (str(path), 2, 3)
