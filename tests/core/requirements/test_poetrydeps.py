"""A classic poetry pyproject.toml: [tool.poetry] dependencies and groups, each entry at its key."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.pyproject import read_pyproject
from jupyter_envpanel.core.requirements.target import Target

TARGET = Target("3.12.1", "linux-64")

CLASSIC = """\
[tool.poetry]
name = "demo"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.9"
numpy = "^1.2"
rich = { version = "~13.7", extras = ["jupyter"], python = ">=3.8" }
tomli = [
  { version = "^2.0", python = "<3.11" },
  { version = "*", python = ">=3.11", platform = "linux || darwin" },
]
mylib = { path = "../mylib", develop = true }
plot = { version = "1.0", optional = true }
either = "^1 || ^3"

[tool.poetry.group.dev]
include-groups = ["lint"]

[tool.poetry.group.dev.dependencies]
pytest = ">=8 <9"

[tool.poetry.group.lint.dependencies]
ruff = "0.6.*"

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
sphinx = "*"

[tool.poetry.dev-dependencies]
black = "23.1"
"""


LINUX_OR_DARWIN = '(sys_platform == "linux" or sys_platform == "darwin")'
DEPS = "[tool.poetry.dependencies]\n"
CYCLE = '[tool.poetry.group.a]\ninclude-groups = ["b"]\n[tool.poetry.group.b]\ninclude-groups = ["a"]\n'


def entries(envfile):
    return [(r.spec.raw, r.spec.skip, r.line, r.column) for r in envfile.requirements]


def write(world, text):
    path = world.root / "pyproject.toml"
    path.write_text(text)
    return path


def test_a_classic_poetry_project_is_read_as_poetry_installs_it_each_entry_at_its_key(world):
    envfile = read_pyproject(write(world, CLASSIC), TARGET)
    assert envfile.warnings == ()
    assert entries(envfile) == [
        ("numpy>=1.2,<2.0", None, 7, 1),
        ('rich[jupyter]>=13.7,<13.8; python_version >= "3.8"', None, 8, 1),
        ('tomli>=2.0,<3.0; python_version < "3.11"', None, 10, 3),  # each table of a list at its item
        (f'tomli; python_version >= "3.11" and {LINUX_OR_DARWIN}', None, 11, 3),
        ("mylib", "editable install ('../mylib') cannot be checked offline", 13, 1),
        ("either", "version alternatives '^1 || ^3' have no single PEP 440 form: not judged", 15, 1),
        ("pytest>=8,<9", None, 21, 1),  # dev, then the lint group it includes
        ("ruff==0.6.*", None, 24, 1),
        ("black==23.1", None, 33, 1),  # legacy dev-dependencies; docs is optional: not installed
    ]


def test_with_project_dependencies_poetry_only_adds_constraints_and_sources(world):
    text = """\
[project]
name = "demo"
dependencies = ["numpy>=1", "mylib", "rich"]

[tool.poetry.dependencies]
numpy = "^1.2"
mylib = { path = "../mylib" }
rich = { version = "^13", python = "<3.10" }
tqdm = "^4"
"""
    envfile = read_pyproject(write(world, text), TARGET)
    got = {r.name: (r.spec.raw, r.spec.skip, r.line) for r in envfile.requirements}
    assert got["numpy"][0] in ("numpy<2.0,>=1,>=1.2", "numpy>=1,>=1.2,<2.0", "numpy<2.0,>=1.2,>=1")
    assert got["numpy"][2] == 3 and got["mylib"][1].startswith("path dependency ('../mylib')")
    assert got["rich"][:2] == ("rich", None) and "tqdm" not in got
    assert any("rich adds a constraint with markers" in w for w in envfile.warnings)
    assert any("tqdm is not in [project] dependencies: poetry ignores it" in w for w in envfile.warnings)


def test_dynamic_project_dependencies_set_by_poetry_are_read_from_tool_poetry(world):
    text = '[project]\nname = "demo"\ndynamic = ["dependencies"]\n\n' + DEPS + 'numpy = "~1.26"\n'
    envfile = read_pyproject(write(world, text), TARGET)
    assert entries(envfile) == [("numpy>=1.26,<1.27", None, 6, 1)] and envfile.warnings == ()


def test_a_group_also_in_dependency_groups_is_that_list(world):
    text = CLASSIC + '\n[dependency-groups]\ndev = ["pytest==8.1"]\n'
    raws = [r.spec.raw for r in read_pyproject(write(world, text), TARGET).requirements]
    assert "pytest==8.1" in raws and "pytest>=8,<9" not in raws and "black==23.1" not in raws


@pytest.mark.parametrize(
    ("tail", "message", "line", "column"),
    [
        ('[tool.poetry]\ndependencies = "numpy"\n', "`tool.poetry.dependencies` must be a table", 2, 1),
        (DEPS + "numpy = 5\n", "numpy: must be a version string or a table, got int", 2, 1),
        (DEPS + "numpy = { version = 2 }\n", "numpy: `version` must be a string", 2, 1),
        (DEPS + 'x = { extras = "a" }\n', "x: `extras` must be a list of extra names", 2, 1),
        (DEPS + 'x = { markers = "os ==" }\n', "x: invalid markers", 2, 1),
        (DEPS + 'x = ">=1 <=>2"\n', "x: invalid poetry version constraint", 2, 1),
        (DEPS + 'x = "\\u0007"\n', "x: version constraint '?' holds a control", 2, 1),
        (DEPS + '"x;y" = "1"\n', "x;y: invalid package name", 2, 1),
        (DEPS + 'x = { python = "\\u001b[31m" }\n', "no control character", 2, 1),
        (DEPS + 'x = { platform = "lin ux" }\n', "x: invalid platform", 2, 1),
        ('[tool.poetry.group.a]\ninclude-groups = ["b"]\n', "`a` includes `b`, which is not a group", 2, 1),
        (CYCLE, "a -> b -> a", 1, 1),
        ("[tool.poetry.group]\ndev = 1\n", "`tool.poetry.group.dev` must be a table", 2, 1),
    ],
)
def test_hostile_values_are_clear_errors_at_their_place(world, tail, message, line, column):
    path = write(world, tail)
    with pytest.raises(EnvFileError) as caught:
        read_pyproject(path, TARGET)
    err = caught.value
    assert message in str(err) and err.path == str(path), str(err)
    assert (err.line, err.column) == (line, column), str(err)


def test_a_huge_constraint_is_refused_without_running_poetrys_patterns_on_it(world):
    path = write(world, '[tool.poetry.dependencies]\nx = "' + "1" * 3_000_000 + '"\n')
    with pytest.raises(EnvFileError) as caught:
        read_pyproject(path, TARGET)
    assert "x: version constraint is 3000000 characters long; not read" in str(caught.value)
    assert (caught.value.line, caught.value.column) == (2, 1)


def test_a_ten_megabyte_file_and_deep_nesting_are_refused_naming_the_file(world):
    path = write(world, '[tool.poetry.dependencies]\nx = "' + "1" * 10_000_000 + '"\n')
    with pytest.raises(EnvFileError) as caught:
        read_pyproject(path, TARGET)
    assert caught.value.path == str(path)
    path = write(world, "[tool.poetry.dependencies]\nx = " + "{a = " * 200 + "1" + "}" * 200 + "\n")
    with pytest.raises(EnvFileError) as caught:
        read_pyproject(path, TARGET)
    assert caught.value.path == str(path) and "nest" in str(caught.value)
