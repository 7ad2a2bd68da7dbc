"""pyproject.toml as a manifest: dependencies and the default groups, each entry at its line and column."""

from __future__ import annotations

import os

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.pyproject import read_pyproject
from jupyter_envpanel.core.requirements.target import Target

TARGET = Target("3.12.1", "linux-64")

PROJECT = """\
[project]
name = "demo"
dependencies = [
    "numpy>=2",  # a comment with "quotes"
    'rich; python_version < "3.9"',
]

[project.optional-dependencies]
plot = ["matplotlib"]

[dependency-groups]
dev = ["pytest", {include-group = "lint"}]
lint = ["ruff==0.6"]
docs = ["sphinx"]
"""


def entries(envfile):
    return [(r.spec.raw, r.line, r.column) for r in envfile.requirements]


def test_dependencies_and_the_dev_group_with_its_includes_are_read_at_their_places(world):
    path = world.root / "pyproject.toml"
    path.write_text(PROJECT)
    envfile = read_pyproject(path, TARGET)
    assert envfile.name == "demo" and envfile.warnings == ()
    assert entries(envfile) == [
        ("numpy>=2", 4, 5),
        ('rich; python_version < "3.9"', 5, 5),
        ("pytest", 12, 8),
        ("ruff==0.6", 13, 9),  # included from lint, placed where lint writes it
    ]
    assert {r.source for r in envfile.requirements} == {"pip"}
    assert all(r.file == str(path) for r in envfile.requirements)


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ('default-groups = ["docs"]', ["numpy>=2", 'rich; python_version < "3.9"', "sphinx"]),
        ("default-groups = []", ["numpy>=2", 'rich; python_version < "3.9"']),
        (
            'default-groups = "all"',
            ["numpy>=2", 'rich; python_version < "3.9"', "pytest", "ruff==0.6", "sphinx", "ruff==0.6"],
        ),
        (
            'dev-dependencies = ["mypy"]',
            ["numpy>=2", 'rich; python_version < "3.9"', "pytest", "ruff==0.6", "mypy"],
        ),
    ],
)
def test_tool_uv_chooses_the_default_groups_and_legacy_dev_dependencies_join_dev(world, setting, expected):
    path = world.root / "pyproject.toml"
    path.write_text(PROJECT + f"\n[tool.uv]\n{setting}\n")
    assert [raw for raw, _, _ in entries(read_pyproject(path, TARGET))] == expected


def test_extras_are_not_installed_by_default_so_not_read(world):
    path = world.root / "pyproject.toml"
    path.write_text(PROJECT)
    assert "matplotlib" not in {r.name for r in read_pyproject(path, TARGET).requirements}


def test_dynamic_dependencies_are_said_not_judged(world):
    path = world.root / "pyproject.toml"
    path.write_text('[project]\nname = "x"\ndynamic = ["dependencies", "version"]\n')
    envfile = read_pyproject(path, TARGET)
    assert envfile.requirements == ()
    assert envfile.warnings == (
        "pyproject.toml: [project] dependencies are dynamic (set by the build backend): not judged",
    )


def test_groups_that_include_each_other_are_refused_where_the_cycle_closes(world):
    path = world.root / "pyproject.toml"
    path.write_text(
        '[dependency-groups]\ndev = [{include-group = "a"}]\na = ["x", {include-group = "Dev"}]\n'
    )
    with pytest.raises(EnvFileError) as info:
        read_pyproject(path, TARGET)
    assert info.value.detail == "dependency groups include each other: dev -> a -> dev"
    assert (info.value.line, info.value.column) == (3, 11)


@pytest.mark.parametrize(
    ("text", "detail", "where"),
    [
        (
            '[project]\ndependencies = "numpy"\n',
            "`project.dependencies` must be a list, got a string",
            (1, 1),
        ),
        (
            "[project]\ndependencies = [\n  1,\n]\n",
            "`project.dependencies` items must be strings, got a number",
            (3, 3),
        ),
        ('[project]\ndependencies = ["numpy>>2"]\n', "invalid pip requirement", (2, 17)),
        ('project = "x"\n', "`project` must be a table, got a string", (1, 1)),
        (
            '[dependency-groups]\ndev = [{include-group = "nope"}]\n',
            "includes `nope`, which is not a group",
            (2, 8),
        ),
        ('[dependency-groups]\ndev = [{other = "x"}]\n', "items must be strings or {include-group", (2, 8)),
        (
            '[dependency-groups]\ndev = "pytest"\n',
            "dependency group `dev` must be a list, got a string",
            (1, 1),
        ),
        (
            "[tool.uv]\ndefault-groups = 3\n",
            '`tool.uv.default-groups` must be a list of names or "all"',
            (1, 1),
        ),
        ("[project]\nname = \n", "invalid TOML: Invalid value", (2, 8)),
    ],
)
def test_wrong_types_and_bad_toml_are_clear_errors_with_their_place(world, text, detail, where):
    path = world.root / "pyproject.toml"
    path.write_text(text)
    with pytest.raises(EnvFileError) as info:
        read_pyproject(path, TARGET)
    assert detail in info.value.detail
    assert (info.value.line, info.value.column) == where
    assert info.value.status == 422


def test_deep_nesting_a_fifo_and_a_huge_file_are_refused_without_reading_them(world):
    deep = world.root / "deep.toml"
    deep.write_text("x = " + "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(EnvFileError) as info:
        read_pyproject(deep, TARGET)
    assert "nested" in info.value.detail
    fifo = world.root / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(EnvFileError) as info:
        read_pyproject(fifo, TARGET)
    assert info.value.status == 400 and "FIFO" in info.value.detail
    huge = world.root / "huge.toml"
    huge.write_text("# " + "x" * (5 << 20) + "\n")
    with pytest.raises(EnvFileError) as info:
        read_pyproject(huge, TARGET)
    assert info.value.status == 400 and "limit" in info.value.detail


def test_groups_that_nest_too_deep_or_fan_out_too_wide_are_refused_quickly(world):
    path = world.root / "pyproject.toml"
    chain = "".join(f'g{i} = [{{include-group = "g{i + 1}"}}]\n' for i in range(2000))
    path.write_text(f'[dependency-groups]\ndev = [{{include-group = "g0"}}]\n{chain}g2000 = ["x"]\n')
    with pytest.raises(EnvFileError) as info:
        read_pyproject(path, TARGET)
    assert info.value.detail == "dependency groups include each other more than 64 deep; not read"
    doubling = "".join(
        f'g{i} = [{{include-group = "g{i + 1}"}}, {{include-group = "g{i + 1}"}}]\n' for i in range(40)
    )
    path.write_text(f'[dependency-groups]\ndev = [{{include-group = "g0"}}]\n{doubling}g40 = ["x"]\n')
    with pytest.raises(EnvFileError) as info:
        read_pyproject(path, TARGET)
    assert info.value.detail.endswith("holds more than 10000 requirements; not read")
