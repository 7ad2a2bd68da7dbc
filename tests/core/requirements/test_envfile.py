"""environment.yml parsing: entries keep their lines; every bad input is located."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError, FileNotFound
from jupyter_envpanel.core.requirements.envfile import parse_envfile


def write(world, text: str, name: str = "environment.yml"):
    path = world.root / name
    path.write_text(text)
    return path


def test_parses_name_channels_dependencies_and_pip_with_lines(world):
    path = write(
        world,
        "name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy>=1.26\n"
        "  - pip\n  - pip:\n    - rich==13.7.0\n",
    )
    env = parse_envfile(path)
    assert env.name == "demo" and env.channels == ("conda-forge",)
    got = [(r.source, r.name, r.line, r.column) for r in env.requirements]
    assert got == [
        ("conda", "python", 5, 5),
        ("conda", "numpy", 6, 5),
        ("conda", "pip", 7, 5),
        ("pip", "rich", 9, 7),
    ]


@pytest.mark.parametrize(
    "text,line,column,needle",
    [
        ("dependencies:\n  - numpy\n  - [unclosed\n", 3, 5, "'[' opened here is never closed"),
        ("dependencies: numpy\n", 1, 15, "dependencies must be a list"),
        ("dependencies:\n  - numpy\n  - 3.11\n", 3, 5, "must be a string"),
        (
            "name: x\nchannels: []\nname: y\ndependencies: []\n",
            3,
            1,
            "duplicate key `name` (first at line 1)",
        ),
        ("dependencies:\n  - pip: [a]\n    pip: [b]\n", 3, 5, "duplicate key `pip` (first at line 2)"),
        ("dependencies:\n  - numpy>=>1\n", 2, 5, "invalid conda spec"),
        ("dependencies:\n  - pip:\n    - 'requests>>2'\n", 3, 7, "invalid pip requirement"),
        ("dependencies:\n  - pip:\n    - 5\n", 3, 7, "must be a string"),
        ("dependencies:\n  - pip: rich\n", 2, 10, "pip must be a list"),
        ("- just\n- a list\n", 1, 1, "top level must be a mapping"),
        ("channels: conda-forge\ndependencies: []\n", 1, 11, "channels must be a list"),
        ("", 1, 1, "file is empty"),
        ("dependencies:\n  - \n", 2, 4, "empty"),
        ("channels:\n  - 5\ndependencies: []\n", 2, 5, "a channel must be a string, got a number"),
        ("name: a: b\ndependencies: []\n", 1, 8, "mapping values are not allowed here"),
        ("name: a: b\ndependencies: [numpy\n", 1, 8, "mapping values are not allowed here"),  # first error
        ('dependencies:\n  - "numpy\n', 2, 5, "quote opened here is never closed"),
    ],
)
def test_bad_input_says_what_and_where(world, text, line, column, needle):
    path = write(world, text)
    with pytest.raises(EnvFileError) as info:
        parse_envfile(path)
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert needle in str(err) and str(path) in str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize("text", ["", "# dependencies to come\n\n"], ids=["no-bytes", "only-comments"])
def test_an_environment_file_with_no_yaml_in_it_says_the_file_is_empty(world, text):
    path = write(world, text)
    with pytest.raises(EnvFileError) as info:
        parse_envfile(path)
    assert str(info.value) == f"{path}:1:1: file is empty"


def test_missing_file_is_not_found(world):
    with pytest.raises(FileNotFound) as info:
        parse_envfile(world.root / "nope.yml")
    assert info.value.status == 404


def test_file_over_one_mib_is_refused_without_parsing(world):
    path = write(world, "dependencies:\n" + "  - numpy\n" * 120_000)
    with pytest.raises(EnvFileError, match="1 MiB"):
        parse_envfile(path)


def test_directory_and_binary_files_are_errors(world):
    (world.root / "dir.yml").mkdir()
    with pytest.raises(EnvFileError, match="directory"):
        parse_envfile(world.root / "dir.yml")
    (world.root / "bin.yml").write_bytes(b"\xff\xfe\x00dependencies")
    with pytest.raises(EnvFileError, match="not a text file"):
        parse_envfile(world.root / "bin.yml")
    (world.root / "latin1.yml").write_bytes(b"dependencies:\n  - caf\xe9\n")
    with pytest.raises(EnvFileError, match="UTF-8"):
        parse_envfile(world.root / "latin1.yml")


def test_yaml_tags_are_not_constructed(world):
    path = write(world, "dependencies:\n  - !!python/object/apply:os.system ['echo hi']\n")
    with pytest.raises(EnvFileError, match="must be a string"):
        parse_envfile(path)


def test_missing_requirements_file_points_at_the_pip_line(world):
    path = write(world, "dependencies:\n  - pip:\n    - -r missing.txt\n")
    with pytest.raises(EnvFileError) as info:
        parse_envfile(path)
    assert (info.value.line, info.value.column) == (3, 7) and "missing.txt" in str(info.value)


def test_requirements_cycle_is_an_error(world):
    (world.root / "a.txt").write_text("-r b.txt\n")
    (world.root / "b.txt").write_text("-r a.txt\n")
    path = write(world, "dependencies:\n  - pip:\n    - -r a.txt\n")
    with pytest.raises(EnvFileError, match="cycle"):
        parse_envfile(path)


def test_bad_line_in_requirements_file_is_located_in_that_file(world):
    (world.root / "req.txt").write_text("rich\n  bad>>1\n")
    path = write(world, "dependencies:\n  - pip:\n    - -r req.txt\n")
    with pytest.raises(EnvFileError) as info:
        parse_envfile(path)
    assert info.value.path.endswith("req.txt") and (info.value.line, info.value.column) == (2, 3)


@pytest.mark.parametrize(
    "item,got",
    [
        ("5", "a number"),
        ("3.11", "a number"),
        ("true", "a boolean"),
        ("~", "null"),
        ("2024-01-01", "a timestamp"),
        ("!local numpy", "a !local"),  # a local tag has no `:` to split at
    ],
    ids=["int", "float", "bool", "null", "date", "local-tag"],
)
def test_a_non_string_dependency_is_named_by_its_yaml_type(world, item, got):
    path = write(world, f"dependencies:\n  - numpy\n  - {item}\n")
    with pytest.raises(EnvFileError) as info:
        parse_envfile(path)
    assert info.value.detail == f"a conda dependency must be a string, got {got}"
    assert (info.value.line, info.value.column) == (3, 5)


def test_missing_file_error_names_the_file(world):
    path = world.root / "nope.yml"
    with pytest.raises(FileNotFound) as info:
        parse_envfile(path)
    assert info.value.path == str(path) and str(path) in str(info.value)


def test_requirements_after_a_nested_include_are_still_read(world):
    write(world, "numpy==1.26.4\n", "base.txt")
    write(world, "-r base.txt\nrich==13.7.0\n# a comment\n\nhttpx>=0.27\n", "requirements.txt")
    path = write(world, "dependencies:\n  - python=3.11\n  - pip:\n    - -r requirements.txt\n")
    env = parse_envfile(path)
    got = [(r.source, r.name, r.line, r.file.rsplit("/", 1)[-1]) for r in env.requirements]
    assert got == [
        ("conda", "python", 2, "environment.yml"),
        ("pip", "numpy", 1, "base.txt"),
        ("pip", "rich", 2, "requirements.txt"),
        ("pip", "httpx", 5, "requirements.txt"),
    ]


def test_a_compact_dash_r_includes_its_file(world):
    """pip reads `-rbase.txt` (no space) as `-r base.txt`: so does the drift check, in a yml and a file."""
    write(world, "numpy==1.26.4\n", "base.txt")
    write(world, "-rbase.txt\nrich==13.7.0\n", "requirements.txt")
    path = write(world, "dependencies:\n  - pip:\n    - -rrequirements.txt\n")
    got = [(r.name, r.file.rsplit("/", 1)[-1]) for r in parse_envfile(path).requirements]
    assert got == [("numpy", "base.txt"), ("rich", "requirements.txt")]


def test_what_conda_ignores_is_read_as_conda_reads_it_and_said(world):
    """Two `pip:` lists (conda keeps the last), other keys beside `pip:`, `<<` merge keys, YAML 1.1 words."""
    path = write(
        world,
        "common: &common\n  channels: [conda-forge, on]\n<<: *common\nname: yes\n"
        "dependencies:\n  - numpy\n  - pip: [rich]\n  - {scipy: 1}\n  - pip: [tqdm]\n",
    )
    env = parse_envfile(path)
    assert env.channels == ("conda-forge", "on") and env.name == "yes"
    assert [(r.source, r.name) for r in env.requirements] == [("conda", "numpy"), ("pip", "tqdm")]
    assert any("`scipy` in dependencies: ignored" in w for w in env.warnings)
    assert any(":7: conda uses only the last `pip:` list (line 9)" in w for w in env.warnings)


@pytest.mark.parametrize("line", ["submodules/diff-gaussian-rasterization", "..", "pkg-1.0-py3-none-any.whl"])
def test_a_pip_line_pip_reads_as_a_path_is_skipped_with_a_reason(world, line):
    env = parse_envfile(write(world, f"dependencies:\n  - pip:\n    - {line}\n    - rich\n"))
    path, rich = env.requirements
    assert path.spec.skip and "cannot be checked offline" in path.spec.skip and rich.name == "rich"


def test_a_file_past_the_entries_budget_is_refused_naming_the_file(world):
    path = write(world, "dependencies: [" + "p, " * 25_000 + "p]\n")
    with pytest.raises(EnvFileError, match="past the budget") as info:
        parse_envfile(path)
    assert info.value.path == str(path) and str(info.value).startswith(str(path))
