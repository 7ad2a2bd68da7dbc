"""pixi.toml / pyproject.toml [tool.pixi]: what one environment asks for on this platform, located."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_envpanel.core.base.budget import Budget, Limits, spending
from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.drift.report import check
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.pixitoml import read_pixi_manifest, selector_matches
from jupyter_envpanel.core.requirements.target import Target

LINUX = Target("3.12.1", "linux-64")

MANIFEST = """\
[workspace]
name = "demo"
channels = ["conda-forge", { channel = "bioconda", priority = 1 }]
platforms = ["linux-64", "osx-arm64", "win-64"]

[dependencies]
python = "3.12.*"
numpy = ">=1.26,<2"
scipy = { version = "1.11.4", build = "py312*", channel = "conda-forge" }
"ruamel.yaml" = "*"
mylib = { path = "./mylib" }

[target.linux-64.dependencies]
numpy = "1.26.4"

[target.unix.dependencies]
libcxx = "*"

[target.win.dependencies]
pywin32 = "*"

[pypi-dependencies]
requests = ">=2.31"
Rich = { version = "==13.7.0", extras = ["jupyter"] }
local = { path = "./local", editable = true }
anything = "*"

[feature.test.dependencies]
pytest = ">=8"

[feature.test.pypi-dependencies]
hypothesis = "*"

[feature.cuda]
channels = ["nvidia"]
dependencies = { cudatoolkit = "12.*" }

[environments]
test = ["test"]
cuda = { features = ["cuda"], no-default-feature = true }
"""


def write(world, text: str, name: str = "pixi.toml") -> Path:
    path = world.root / name
    path.write_text(text)
    return path


def entries(env) -> list[tuple[str, str, int, int]]:
    return [(r.source, r.spec.raw, r.line, r.column) for r in env.requirements]


def test_the_default_environment_on_linux(world):
    env = read_pixi_manifest(write(world, MANIFEST), LINUX)
    assert (env.name, env.channels) == ("default", ("conda-forge", "bioconda"))
    assert entries(env) == [
        ("conda", "python 3.12.*", 7, 1),
        ("conda", "numpy ==1.26.4", 14, 1),  # the linux-64 target replaces `numpy = ">=1.26,<2"`
        ("conda", 'conda-forge::scipy[version="==1.11.4", build="py312*"]', 9, 1),
        ("conda", "ruamel.yaml *", 10, 1),
        ("pip", "requests>=2.31", 23, 1),
        ("pip", "Rich[jupyter]==13.7.0", 24, 1),
        ("pip", "local './local'", 25, 1),
        ("pip", "anything", 26, 1),
        ("conda", "libcxx *", 17, 1),
    ]
    local = env.requirements[6].spec
    assert (local.name, local.skip) == ("local", "editable install cannot be checked offline")
    assert env.warnings == ("pixi.toml: mylib: a path (source) dependency is built by pixi; not checked",)


def test_named_environments_take_their_features(world):
    path = write(world, MANIFEST)
    test = read_pixi_manifest(path, Target("3.12", "win-64", "test"))
    names = [r.name for r in test.requirements]
    assert names == ["python", "numpy", "scipy", "ruamel.yaml", "requests", "rich", "local", "anything"] + [
        "pywin32",
        "pytest",
        "hypothesis",
    ]
    cuda = read_pixi_manifest(path, Target("3.12", "linux-64", "cuda"))
    assert entries(cuda) == [("conda", "cudatoolkit 12.*", 36, 1)]  # no default feature
    assert cuda.channels == ("conda-forge", "bioconda", "nvidia")


def test_the_default_environment_takes_the_features_it_lists(world):
    text = MANIFEST.replace("test = [", 'default = { features = ["test"] }\ntest = [')
    env = read_pixi_manifest(write(world, text), LINUX)
    assert [r.name for r in env.requirements][-2:] == ["pytest", "hypothesis"]


@pytest.mark.parametrize(
    "selector,subdir,applies",
    [
        ("linux-64", "linux-64", True),
        ("linux", "linux-aarch64", True),
        ("unix", "osx-arm64", True),
        ("unix", "win-64", False),
        ("osx", "linux-64", False),
        ("win", "win-64", True),
        ("osx-64", "osx-arm64", False),
        ("macos", "osx-arm64", True),
        ("linux-*", "linux-aarch64", True),
        ("linux-*", "osx-64", False),
    ],
)
def test_target_selectors(selector, subdir, applies):
    assert selector_matches(selector, subdir) is applies


def test_matching_targets_apply_in_file_order_as_pixi_merges_them(world):
    """pixi extends the default target with each matching one in manifest order: the last one wins."""
    text = '[dependencies]\nzlib = "*"\n[target.linux-64.dependencies]\nzlib = "1.3.1"\n'
    text += '[target.unix.dependencies]\nzlib = "1.2.*"\n[target.osx.dependencies]\nzlib = "1.3.*"\n'
    assert entries(read_pixi_manifest(write(world, text), LINUX)) == [("conda", "zlib 1.2.*", 6, 1)]
    mac = read_pixi_manifest(write(world, text), Target("3.12", "osx-arm64"))
    assert entries(mac) == [("conda", "zlib 1.3.*", 8, 1)]


def test_pyproject_tool_pixi_with_project_dependencies_extras_and_groups(world):
    text = """\
[project]
name = "demo"
dependencies = [
    "requests>=2.31",
    'tomli; python_version < "3.11"',
]

[project.optional-dependencies]
plot = ["matplotlib>=3.8"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]

[tool.pixi.project]
channels = ["conda-forge"]
platforms = ["linux-64"]

[tool.pixi.dependencies]
python = "3.12.*"

[tool.pixi.environments]
default = { features = ["plot", "dev"], solve-group = "default" }
"""
    env = read_pixi_manifest(write(world, text, "pyproject.toml"), LINUX)
    assert env.channels == ("conda-forge",)
    assert entries(env) == [
        ("conda", "python 3.12.*", 20, 1),
        ("pip", "requests>=2.31", 4, 5),
        ("pip", 'tomli; python_version < "3.11"', 5, 5),
        ("pip", "matplotlib>=3.8", 9, 9),
        ("pip", "pytest>=8", 12, 8),
    ]
    assert env.warnings == (
        "pyproject.toml:12: an include-group in dependency-groups.dev is not a string: not checked",
    )


def test_a_pyproject_array_item_is_placed_where_it_is_written_not_where_its_text_first_appears(world):
    text = """\
[project]
name = "demo"
dependencies = [  # "rich" (a comment)
    "richer",
    {include-group = "x"},
    \"\"\"rich\"\"\",
]

[tool.pixi.project]
channels = ["conda-forge"]
platforms = ["linux-64"]
"""
    env = read_pixi_manifest(write(world, text, "pyproject.toml"), LINUX)
    assert entries(env) == [("pip", "richer", 4, 5), ("pip", "rich", 6, 5)]
    assert env.warnings == (
        "pyproject.toml:5: an include-group in project.dependencies is not a string: not checked",
    )


def test_pixis_version_strings_are_judged_as_pixi_reads_them(world):
    """`numpy = "1.26"` is `==1.26` to pixi (py-rattler), not conda's fuzzy `numpy 1.26` (1.26.*)."""
    prefix = world.conda_env(world.base / "env", packages=["numpy=1.26.4", "scipy=1.11.4"])
    text = '[workspace]\nchannels = []\n[dependencies]\nnumpy = "1.26"\nscipy = "1.11.*"\npandas = "*"\n'
    env = read_pixi_manifest(write(world, text), LINUX)
    report = check({"name": "env", "prefix": str(prefix)}, env, read_inventory(prefix, "conda", "3.11.7"))
    got = [(r.name, r.status, r.line) for r in report.requirements]
    assert got == [("numpy", "mismatch", 4), ("scipy", "ok", 5), ("pandas", "missing", 6)]


@pytest.mark.parametrize(
    "text,line,column,needle",
    [
        ('dependencies = ["numpy"]\n[workspace]\nchannels = []\n', 1, 1, "`dependencies` must be a table"),
        ("[dependencies]\nnumpy = 3\n", 2, 1, "`numpy` must be a version string or a table, got int"),
        ('[dependencies]\nnumpy = { version = ["1"] }\n', 2, 1, "`version` must be a version string"),
        ('[dependencies]\nnumpy = ">=>1"\n', 2, 1, "invalid spec for `numpy`"),
        ("[pypi-dependencies]\nrich = { version = 13 }\n", 2, 1, "`version` must be a string"),
        ('[pypi-dependencies]\nrich = "=>13"\n', 2, 1, "invalid pip requirement"),
        ('[pypi-dependencies]\nrich = { extras = "x" }\n', 2, 1, "extras` must be a list of strings"),
        ('[workspace]\nchannels = "conda-forge"\n', 2, 1, "`channels` must be a list"),
        ("[environments]\ndefault = 3\n", 2, 1, "`environments.default` must be a table"),
        ('[environments]\ndefault = ["gpu"]\n', 2, 1, "uses feature 'gpu', not defined"),
        ("[target]\nlinux-64 = 1\n", 2, 1, "`target.linux-64` must be a table"),
        ("[dependencies\nnumpy = 1\n", 1, 14, "invalid TOML"),
        ('[dependencies]\n"nu\\u001bmpy" = { version = "1" }\n', 2, 1, "invalid package name"),
        (
            '[dependencies]\nnumpy = { channel = "\\u001b[31mforge" }\n',
            2,
            1,
            "string of printable characters",
        ),
        ('[dependencies]\nnumpy = { build = "py\\u0007_0" }\n', 2, 1, "`build` must be a string"),
        ('[dependencies]\nnumpy = "1.2\\u001b"\n', 2, 1, "invalid spec for `numpy`"),
        ('[pypi-dependencies]\nrich = "==1\\u001b"\n', 2, 1, "invalid pip requirement"),
    ],
)
def test_wrong_types_are_located(world, text, line, column, needle):
    with pytest.raises(EnvFileError) as err:
        read_pixi_manifest(write(world, text), LINUX)
    assert (err.value.line, err.value.column) == (line, column) and needle in err.value.detail, err.value


def test_an_environment_the_manifest_lacks_is_an_error_that_lists_what_it_defines(world):
    with pytest.raises(EnvFileError) as err:
        read_pixi_manifest(write(world, MANIFEST), Target("3.12", "linux-64", "gpu"))
    assert err.value.detail == "no environment 'gpu' in pixi.toml (it defines: default, cuda, test)"


def test_hostile_files(world):
    fifo = world.root / "pixi.toml.fifo"
    os.mkfifo(fifo)
    cases = [
        (write(world, "a = " + "[" * 200 + "]" * 200 + "\n", "deep.toml"), "nested"),
        (write(world, "#" * (5 << 20), "big.toml"), "the limit is 4 MiB"),
        (fifo, "is a FIFO"),
        (write(world, '[project]\nname = "x"\n', "pyproject.toml"), "no [tool.pixi] table"),
        (write(world, '[tool]\npixi = "x"\n', "pyproject.toml"), "no [tool.pixi] table"),
    ]
    for path, needle in cases:
        with pytest.raises(EnvFileError) as err:
            read_pixi_manifest(path, LINUX)
        assert needle in err.value.detail, err.value


def test_a_manifest_counts_against_the_requests_budget(world):
    path = write(world, MANIFEST)
    with spending(Budget(Limits(entries=5))), pytest.raises(EnvFileError, match="more than 5 entries"):
        read_pixi_manifest(path, LINUX)
