"""A Pipfile's `[packages]` as pipenv turns them into pip lines (Pipfile.lock: tests/core/locks/)."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.pipfile import read_pipfile
from jupyter_envpanel.core.requirements.target import Target

HERE = Target("3.11.4", "linux-64")

MANIFEST = """\
[packages]
star = "*"
exact = "==1.0"
bare = "1.0"
lower = ">=1"
"Quoted_Name" = {version = "<2", extras = ["a", "b"], markers = "python_version >= '3.8'"}
linux = {version = "*", sys_platform = "== 'linux'"}
local = {path = ".", editable = true}
repo = {git = "https://example.org/r.git", ref = "main"}

[packages.sub]
version = "~=3.1"

[dev-packages]
devtool = "*"
"""


def test_pipfile_packages_become_pip_requirements_as_pipenv_writes_them(world):
    path = world.root / "Pipfile"
    path.write_text(MANIFEST)
    env = read_pipfile(path, HERE)
    got = {r.name: (r.spec.raw, r.spec.skip, r.line, r.column) for r in env.requirements}
    assert got == {
        "star": ("star", None, 2, 1),
        "exact": ("exact==1.0", None, 3, 1),
        "bare": ("bare==1.0", None, 4, 1),
        "lower": ("lower>=1", None, 5, 1),
        "quoted-name": ('Quoted_Name[a,b]<2; python_version >= "3.8"', None, 6, 1),
        "linux": ('linux; sys_platform == "linux"', None, 7, 1),
        "local": ("local", "editable install (.) cannot be checked offline", 8, 1),
        "repo": ("repo", "git checkout (https://example.org/r.git) cannot be checked offline", 9, 1),
        "sub": ("sub~=3.1", None, 11, 11),
    }  # not devtool: pipenv installs dev-packages only with --dev
    assert all(r.source == "pip" and r.file == str(path) for r in env.requirements)


@pytest.mark.parametrize(
    ("entry", "detail"),
    [
        ("a = 3", "a: must be a version string or a table, got int"),
        ('a = {version = ["1"]}', "a: version must be a string, got list"),
        ('a = {extras = "x"}', "a: extras must be a list of strings"),
        ('a = ">>1"', "a: invalid pip requirement"),
        ('a = {markers = "nonsense"}', "a: Expected a marker variable"),
    ],
)
def test_a_bad_pipfile_entry_is_refused_at_its_line(world, entry, detail):
    path = world.root / "Pipfile"
    path.write_text(f"[packages]\nok = '*'\n{entry}\n")
    with pytest.raises(EnvFileError) as info:
        read_pipfile(path, HERE)
    assert info.value.detail.startswith(detail) and (info.value.line, info.value.column) == (3, 1)


def test_a_broken_pipfile_says_where(world):
    path = world.root / "Pipfile"
    path.write_text("[packages]\na = \n")
    with pytest.raises(EnvFileError) as info:
        read_pipfile(path, HERE)
    assert info.value.detail.startswith("invalid TOML in Pipfile") and info.value.line == 2
