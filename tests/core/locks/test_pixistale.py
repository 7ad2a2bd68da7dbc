"""pixi.lock staleness: an entry of the manifest beside the lock the locked packages no longer satisfy."""

from __future__ import annotations

import os

import pytest
from support.factory import write_dist
from support.pixilock import write_lock

from jupyter_envpanel.core.drift.lockdrift import check_lock
from jupyter_envpanel.core.locks.pixi import read_pixi_lock
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.target import Target

LINUX = Target("3.12.1", "linux-64")
WHEEL = "https://files.pythonhosted.org/packages/ab/cd/requests_toolbelt-1.0.0-py2.py3-none-any.whl"
HEAD = '[workspace]\nchannels = ["conda-forge"]\nplatforms = ["linux-64", "osx-arm64"]\n\n'
PACKAGES = [
    ("conda", "python", "3.12.1", "hab00c5b_1_cpython"),
    ("conda", "numpy", "1.26.4", "py312h8753938_0"),
    ("pypi", "requests-toolbelt", "1.0.0", WHEEL),
]


@pytest.fixture
def lock(world):
    """A pixi.lock for default and cuda on linux-64: python 3.12.1, numpy 1.26.4, requests-toolbelt 1.0.0."""
    cuda = [*PACKAGES, ("conda", "cudatoolkit", "11.8.0", "h6a678d5_0")]
    return write_lock(
        world.root / "pixi.lock", {"default": {"linux-64": PACKAGES}, "cuda": {"linux-64": cuda}}
    )


def manifest(world, body: str, name: str = "pixi.toml") -> None:
    """Write the manifest beside the lock."""
    (world.root / name).write_text(HEAD + body)


FRESH = '[dependencies]\npython = "3.12.*"\nnumpy = ">=1.26,<2"\n\n'
FRESH += '[pypi-dependencies]\nrequests-toolbelt = ">=1"\n'


def test_a_lock_that_satisfies_its_manifest_is_fresh(world, lock):
    manifest(world, FRESH)
    read = read_pixi_lock(lock, LINUX)
    assert (read.stale, read.warnings) == ("", ())
    assert len(read.packages) == 3


def test_a_newer_version_asked_for_is_stale_and_names_the_entry(world, lock):
    manifest(world, FRESH.replace('numpy = ">=1.26,<2"', 'numpy = ">=2"'))
    assert read_pixi_lock(lock, LINUX).stale == (
        "pixi.lock is out of date with pixi.toml: pixi.toml asks for numpy >=2 (line 7),"
        " pixi.lock locks numpy 1.26.4; run `pixi lock`"
    )


def test_a_pypi_version_and_pixis_bare_version_are_judged(world, lock):
    manifest(world, FRESH.replace('requests-toolbelt = ">=1"', 'requests-toolbelt = ">=1.1"'))
    stale = read_pixi_lock(lock, LINUX).stale
    assert (
        "pixi.toml asks for requests-toolbelt>=1.1 (line 10), pixi.lock locks requests-toolbelt 1.0.0"
        in stale
    )
    manifest(world, FRESH.replace('numpy = ">=1.26,<2"', 'numpy = "1.26"'))  # pixi: `==1.26`
    assert "asks for numpy ==1.26 (line 7), pixi.lock locks numpy 1.26.4" in read_pixi_lock(lock, LINUX).stale
    manifest(world, FRESH.replace('numpy = ">=1.26,<2"', 'numpy = "1.26.4"'))
    assert read_pixi_lock(lock, LINUX).stale == ""


def test_a_dependency_added_but_not_locked_is_stale(world, lock):
    manifest(world, FRESH + 'rich = ">=13"\n' + '\n[dependencies.scipy]\nversion = "*"\n')
    stale = read_pixi_lock(lock, LINUX).stale
    assert "pixi.toml asks for rich>=13 (line 11), pixi.lock locks no rich" in stale
    assert 'pixi.toml asks for scipy[version="*"] (line 13), pixi.lock locks no scipy' in stale


def test_entries_of_another_platform_or_environment_are_ignored(world, lock):
    other = (
        '[target.osx-arm64.dependencies]\nscipy = "*"\n\n'
        '[feature.cuda.dependencies]\ncudatoolkit = ">=12"\n\n'
        '[environments]\ncuda = ["cuda"]\n'
    )
    manifest(world, FRESH + other)
    assert read_pixi_lock(lock, LINUX).stale == ""
    assert read_pixi_lock(lock, Target("3.12.1", "osx-arm64")).unjudged  # nothing locked there
    cuda = read_pixi_lock(lock, Target("3.12.1", "linux-64", "cuda")).stale
    assert "pixi.toml asks for cudatoolkit >=12 (line 15), pixi.lock locks cudatoolkit 11.8.0" in cuda
    manifest(world, FRESH + '\n[target.linux-64.dependencies]\nnumpy = ">=2"\n')
    assert "asks for numpy >=2 (line 13)" in read_pixi_lock(lock, LINUX).stale


def test_a_pixi_pyproject_is_the_manifest_when_there_is_no_pixi_toml(world, lock):
    body = FRESH.replace("[dependencies]", "[tool.pixi.dependencies]").replace(
        "[pypi-dependencies]", "[tool.pixi.pypi-dependencies]"
    )
    text = '[project]\nname = "demo"\ndependencies = ["requests-toolbelt>=2"]\n\n' + HEAD.replace(
        "[workspace]", "[tool.pixi.workspace]"
    )
    (world.root / "pyproject.toml").write_text(text + body)
    assert read_pixi_lock(lock, LINUX).stale.startswith(
        "pixi.lock is out of date with pyproject.toml: pyproject.toml asks for requests-toolbelt>=2 (line 3),"
    )
    manifest(world, FRESH)  # pixi.toml comes first
    assert read_pixi_lock(lock, LINUX).stale == ""


def test_git_path_and_url_entries_are_not_judged_and_never_stale(world, lock):
    sources = (
        'demo = { path = ".", editable = true }\n'
        'flask = { git = "https://github.com/pallets/flask" }\n'
        'attrs = { url = "https://example.org/attrs-23.1.0-py3-none-any.whl" }\n'
        '\n[dependencies.mylib]\npath = "./mylib"\n'
    )
    manifest(world, FRESH + sources)
    read = read_pixi_lock(lock, LINUX)
    assert read.stale == ""
    said = " ".join(read.warnings)
    assert "staleness of pixi.lock not fully judged: demo (editable install" in said
    assert "mylib: a path (source) dependency is built by pixi" in said


def test_a_pypi_entry_a_conda_package_provides_is_judged_by_its_version_or_not_at_all(world):
    path = world.root / "pixi.lock"
    write_lock(path, {"default": {"linux-64": [("conda", "numpy", "1.26.4", "py312_0")]}})
    manifest(world, '[pypi-dependencies]\nnumpy = ">=2"\n')
    assert "asks for numpy>=2 (line 6), pixi.lock locks numpy 1.26.4" in read_pixi_lock(path, LINUX).stale
    manifest(world, '[pypi-dependencies]\nnumpy = ">=1.20"\n')
    assert read_pixi_lock(path, LINUX).stale == ""
    # A purl says a conda package of another name provides it: not judged, never stale.
    text = path.read_text().replace("  depends:", "  purls:\n  - pkg:pypi/torch@2.1.0\n  depends:", 1)
    path.write_text(text)
    manifest(world, '[pypi-dependencies]\ntorch = ">=3"\n')
    read = read_pixi_lock(path, LINUX)
    assert read.stale == "" and "torch (provided by a conda package)" in read.warnings[0]


@pytest.mark.parametrize(
    "content,needle",
    [
        ("[dependencies\nnumpy = '>=2'\n", "invalid TOML"),
        ("#" * (5 << 20), "the limit is 4 MiB"),
        (None, "is a FIFO, not a regular file"),
        ('[dependencies]\nnumpy = ">=2,<"\n', "invalid spec for `numpy`"),
        ("[environments]\ncuda = ['nope']\n", "feature 'nope', not defined"),
    ],
)
def test_a_hostile_manifest_leaves_drift_working_and_staleness_unjudged(world, lock, content, needle):
    toml = world.root / "pixi.toml"
    if content is None:
        os.mkfifo(toml)
    else:
        toml.write_text(content)
    read = read_pixi_lock(lock, Target("3.12.1", "linux-64", "cuda" if "cuda" in str(content) else ""))
    assert read.stale == "" and len(read.packages) >= 3
    assert needle in read.warnings[0] and "staleness of pixi.lock not judged" in read.warnings[0], (
        read.warnings
    )
    prefix = world.root / ".pixi" / "envs" / "default"
    world.conda_env(prefix, python="3.12.1", packages=[("numpy", "1.26.4", "py312h8753938_0", "conda-forge")])
    write_dist(
        prefix / "lib" / "python3.12" / "site-packages", "requests-toolbelt", "1.0.0", installer="uv-pixi"
    )
    report = check_lock("default", read, read_inventory(prefix, "conda", "3.12.1"), "pixi.lock")
    assert needle in " ".join(report.warnings)


def test_without_a_manifest_staleness_is_said_not_judged(world, lock):
    read = read_pixi_lock(lock, LINUX)
    assert read.stale == "" and read.warnings == (
        "no pixi.toml or [tool.pixi] beside pixi.lock: staleness not judged",
    )


def test_a_build_string_or_number_asked_for_is_judged_a_channel_or_digest_is_not(world, lock):
    manifest(world, FRESH.replace('numpy = ">=1.26,<2"', 'numpy = { version = ">=1.26", build = "py311*" }'))
    stale = read_pixi_lock(lock, LINUX).stale
    assert "pixi.lock locks numpy 1.26.4 (py312h8753938_0, build number 0)" in stale
    manifest(world, FRESH.replace('numpy = ">=1.26,<2"', 'numpy = { version = "*", build-number = ">=1" }'))
    assert "pixi.lock locks numpy 1.26.4 (build number 0)" in read_pixi_lock(lock, LINUX).stale
    wanted = 'numpy = { version = ">=1.26", build = "py312*", channel = "bioconda", md5 = "0" }'
    manifest(world, FRESH.replace('numpy = ">=1.26,<2"', wanted))
    read = read_pixi_lock(lock, LINUX)
    assert read.stale == "" and "numpy (channel, md5 not judged)" in read.warnings[0]


def test_a_hostile_pyproject_beside_the_lock_leaves_drift_working(world, lock):
    pyproject = world.root / "pyproject.toml"
    os.mkfifo(pyproject)
    read = read_pixi_lock(lock, LINUX)
    assert (read.stale, len(read.packages)) == ("", 3)
    assert "is a FIFO" in read.warnings[0] and "staleness of pixi.lock not judged" in read.warnings[0]
    pyproject.unlink()
    pyproject.write_text('[project]\nname = "demo"\ndependencies = ["rich"]\n')  # not pixi's
    assert read_pixi_lock(lock, LINUX).warnings == (
        "no pixi.toml or [tool.pixi] beside pixi.lock: staleness not judged",
    )


@pytest.mark.parametrize("name", ["pixi.toml", "pyproject.toml"])
def test_a_manifest_linked_out_of_the_locks_folder_is_not_read(world, lock, name):
    """A cloned repository's `pixi.toml -> ~/elsewhere`: said, never read (staleness not judged)."""
    outside = world.base / "elsewhere" / name
    outside.parent.mkdir()
    body = FRESH.replace('numpy = ">=1.26,<2"', 'numpy = ">=2"')  # read, it would make the lock stale
    if name == "pyproject.toml":
        body = body.replace("[dependencies]", "[tool.pixi.dependencies]").replace(
            "[pypi-", "[tool.pixi.pypi-"
        )
        outside.write_text(
            '[project]\nname = "x"\n' + HEAD.replace("[workspace]", "[tool.pixi.workspace]") + body
        )
    else:
        outside.write_text(HEAD + body)
    (world.root / name).symlink_to(outside)
    read = read_pixi_lock(lock, LINUX)
    assert read.stale == ""
    assert any("a link out of the lock's folder: not followed" in w for w in read.warnings), read.warnings
