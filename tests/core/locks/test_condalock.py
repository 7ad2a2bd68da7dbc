"""conda-lock.yml and `@EXPLICIT` files: what `conda-lock install` / `conda create --file` install here."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest
from rattler import LockFile
from support.factory import write_dist

from jupyter_envpanel.core.base.budget import Budget, Limits, spending
from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.drift.lockdrift import check_lock
from jupyter_envpanel.core.locks.condalock import read_conda_lock, read_explicit
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.target import Target

DATA = Path(__file__).parents[2] / "data" / "locks"
LINUX = Target("3.12.1", "linux-64")
FORGE = "https://conda.anaconda.org/conda-forge"


def write(world, text: str, name: str) -> Path:
    path = world.root / name
    path.write_text(text)
    return path


def test_conda_lock_install_takes_main_and_dev_not_other_categories():
    lock = read_conda_lock(DATA / "conda-lock.yml", LINUX)
    assert (lock.tool, lock.platform, lock.unjudged) == ("conda-lock", "linux-64", "")
    got = {(p.source, p.name, p.version, p.build) for p in lock.packages}
    assert got == {
        ("conda", "python", "3.12.1", "hab00c5b_1_cpython"),
        ("conda", "tzdata", "2024a", "h0c530f3_0"),
        ("conda", "pytest", "8.0.0", "pyhd8ed1ab_0"),  # dev (and docs): installed by default
        ("pip", "requests", "2.31.0", ""),
    }  # sphinx is in `docs` only: `conda-lock install` takes it with `-e docs`
    lines = (DATA / "conda-lock.yml").read_text().splitlines()
    for item in lock.packages:
        block = "\n".join(lines[item.line - 1 : item.line + 4])
        assert lines[item.line - 1] == f"- name: {item.name}" and "platform: linux-64" in block, item
    python = next(p for p in lock.packages if p.name == "python")
    assert python.sha256 == "8a2fa8ac4d1d3e7b6b2d9c1b0a8f7e6d5c4b3a291807f6e5d4c3b2a1f0e9d8c7"
    assert python.url == f"{FORGE}/linux-64/python-3.12.1-hab00c5b_1_cpython.conda"


def test_another_platform_and_a_platform_the_lock_lacks():
    mac = read_conda_lock(DATA / "conda-lock.yml", Target("3.12", "osx-arm64"))
    assert {(p.name, p.build, p.line) for p in mac.packages} == {
        ("python", "hdf0ec26_1_cpython", 39),
        ("tzdata", "h0c530f3_0", 62),
    }
    win = read_conda_lock(DATA / "conda-lock.yml", Target("3.12", "win-64"))
    assert win.unjudged == "conda-lock.yml has nothing for win-64" and win.packages == ()


ENTRY = """- name: {name}
  version: '{version}'
  manager: {manager}
  platform: {platform}
  dependencies: {{}}
  url: {url}
  hash:
    md5: {md5}
    sha256: {sha}
  category: {category}
  optional: {optional}
"""


def test_agrees_with_py_rattler_and_conda_locks_categories_for_generated_locks(world):
    """Each package is read as py-rattler reads it, and kept exactly when in `main` or `dev`."""
    rng = random.Random(29)
    agreed, listed = 0, []
    for round_ in range(10):
        platforms = rng.sample(["linux-64", "osx-arm64", "win-64"], rng.randint(1, 3))
        entries, wanted = [], {p: set() for p in platforms}
        for platform in platforms:
            for name in rng.sample(["numpy", "scipy", "zlib", "pytest", "sphinx", "rich", "attrs"], 5):
                manager = rng.choice(["conda", "conda", "pip"])
                version = f"{rng.randint(0, 9)}.{rng.randint(0, 20)}"
                build = f"h{rng.randrange(16**7):07x}_0"
                url = (
                    f"{FORGE}/{platform}/{name}-{version}-{build}.conda"
                    if manager == "conda"
                    else f"https://files.example.org/{name}-{version}-py3-none-any.whl"
                )
                sha = hashlib.sha256(url.encode()).hexdigest()
                categories = rng.sample(["main", "dev", "docs", "test"], rng.randint(1, 2))
                for category in categories:
                    entries.append(
                        ENTRY.format(
                            name=name,
                            version=version,
                            manager=manager,
                            platform=platform,
                            url=url,
                            md5=sha[:32],
                            sha=sha,
                            category=category,
                            optional=str(category != "main").lower(),
                        )
                    )
                if {"main", "dev"} & set(categories):
                    wanted[platform].add(url)
        header = "version: 1\nmetadata:\n  content_hash: {}\n"
        header += "  channels:\n  - url: conda-forge\n    used_env_vars: []\n"
        header += "  platforms:\n" + "".join(f"  - {p}\n" for p in platforms) + "  sources: []\npackage:\n"
        path = write(world, header + "".join(entries), f"round{round_}.yml")
        env = LockFile.from_path(path).default_environment()
        for platform in env.platforms():
            ours = {p.url: p for p in read_conda_lock(path, Target("3.12", platform.name)).packages}
            records = env.conda_repodata_records_for_platform(platform) or []
            theirs = {
                r.url: (r.name.normalized, str(r.version), str(r.build), r.sha256.hex()) for r in records
            }
            for pkg in env.pypi_packages_for_platform(platform) or []:
                theirs[pkg.location] = (pkg.name, str(pkg.version), "", "")
            for url, fields in theirs.items():
                mine = ours.get(url)
                same = (mine is not None) == (url in wanted[platform.name]) and (
                    mine is None or (mine.name, mine.version, mine.build, mine.sha256) == fields
                )
                agreed += same
                listed += [] if same else [f"{path.name} {platform.name} {url}: {mine}"]
            listed += [f"{path.name} {platform.name}: only ours: {u}" for u in set(ours) - set(theirs)]
    print(f"conda-lock readings agreeing with py-rattler and conda-lock's categories: {agreed} packages")
    assert listed == [] and agreed > 100


@pytest.mark.parametrize(
    "text,line,column,needle",
    [
        ("version: 2\npackage: []\n", 1, 10, "not a conda-lock file of format version 1"),
        ("metadata: {}\n", 1, 1, "not a conda-lock file of format version 1 (version: 'none')"),
        ("version: 1\npackage: {a: 1}\n", 2, 10, "`package` must be a list"),
        ("version: 1\npackage:\n- numpy\n", 3, 3, "must be a mapping"),
        ("version: 1\npackage:\n- name: numpy\n  url: [a]\n", 4, 8, "`url` must be a string"),
        ("version: 1\npackage:\n- name: numpy\n  category: [a]\n", 4, 13, "`category` must be a string"),
    ],
)
def test_wrong_types_are_located(world, text, line, column, needle):
    with pytest.raises(EnvFileError) as err:
        read_conda_lock(write(world, text, "conda-lock.yml"), LINUX)
    assert (err.value.line, err.value.column) == (line, column) and needle in err.value.detail


def test_what_py_rattler_refuses_and_hostile_files(world):
    text = (DATA / "conda-lock.yml").read_text().replace("md5: 0bab699354cbd66959550eb9b9866620", "md5: xyz")
    with pytest.raises(EnvFileError, match="py-rattler cannot read it"):
        read_conda_lock(write(world, text, "conda-lock.yml"), LINUX)
    fifo = world.root / "fifo.yml"
    os.mkfifo(fifo)
    with pytest.raises(EnvFileError, match="is a FIFO"):
        read_conda_lock(fifo, LINUX)
    with pytest.raises(EnvFileError, match="the limit is 4 MiB"):
        read_conda_lock(write(world, "version: 1\n" + "#" * (5 << 20), "big.yml"), LINUX)
    with pytest.raises(EnvFileError, match="nested deeper"):
        read_conda_lock(write(world, "version: 1\na: " + "[" * 100 + "]" * 100, "deep.yml"), LINUX)


MD5 = "0bab699354cbd66959550eb9b9866620"
SHA = "7e8f6ff8c8a2f4c22a5bd8e03fa1e0c0d1be7f2d14a5e7c1f4e4b4c5f2b7a0d1"
EXPLICIT = f"""# This file may be used to create an environment using:
# $ conda create --name <env> --file <this file>
# platform: linux-64
# created-by: conda 24.1.2
@EXPLICIT
{FORGE}/linux-64/_libgcc_mutex-0.1-conda_forge.tar.bz2#{MD5}
{FORGE}/linux-64/python-3.12.1-hab00c5b_1_cpython.conda#sha256:{SHA}
{FORGE}/noarch/ca-certificates-2024.2.2-hbcca054_0.conda
  {FORGE}/noarch/python-tzdata-2024.1-pyhd8ed1ab_0.conda
"""


def test_an_explicit_file_names_each_archive_with_its_hash_and_line(world):
    lock = read_explicit(write(world, EXPLICIT, "spec-file.txt"), LINUX)
    assert (lock.tool, lock.unjudged) == ("explicit", "")
    got = [(p.name, p.version, p.build, p.sha256, p.line, p.column) for p in lock.packages]
    assert got == [
        ("_libgcc_mutex", "0.1", "conda_forge", "", 6, 1),
        ("python", "3.12.1", "hab00c5b_1_cpython", SHA, 7, 1),
        ("ca-certificates", "2024.2.2", "hbcca054_0", "", 8, 1),
        ("python-tzdata", "2024.1", "pyhd8ed1ab_0", "", 9, 3),
    ]
    assert lock.packages[1].url == f"{FORGE}/linux-64/python-3.12.1-hab00c5b_1_cpython.conda"


def test_an_explicit_file_for_another_platform_is_said_not_judged(world):
    mac = read_explicit(write(world, EXPLICIT.replace("linux-64", "osx-arm64"), "mac.txt"), LINUX)
    assert mac.unjudged == "mac.txt is for osx-arm64, not linux-64" and mac.packages == ()
    unlabelled = EXPLICIT.replace("# platform: linux-64\n", "").replace("/linux-64/", "/win-64/")
    win = read_explicit(write(world, unlabelled, "win.txt"), LINUX)
    assert win.unjudged == "win.txt is for win-64, not linux-64"  # no `# platform:` line: its URLs say


def test_conda_lock_rendered_pip_lines_are_pypi_packages(world):
    wheel = "https://files.pythonhosted.org/packages/70/8e/requests-2.31.0-py3-none-any.whl"
    text = EXPLICIT + f"# pip requests @ {wheel}#sha256={SHA}\n# pip Rich == 13.7.0 --hash=sha256:{SHA}\n"
    lock = read_explicit(write(world, text, "conda-linux-64.lock"), LINUX)
    pip = [(p.source, p.name, p.version, p.line, p.column) for p in lock.packages if p.source == "pip"]
    assert pip == [("pip", "requests", "2.31.0", 10, 7), ("pip", "rich", "13.7.0", 11, 7)]


@pytest.mark.parametrize(
    "text,line,needle",
    [
        (f"{FORGE}/linux-64/a-1-0.conda\n", None, "the @EXPLICIT tag is missing"),
        ("@EXPLICIT\nnot a url\n", None, "failed to parse url"),
        (f"@EXPLICIT\n{FORGE}/linux-64/notes.txt\n", 2, "not a conda package URL"),
        ("@EXPLICIT\n# platform: bogus\n", None, "'bogus' is not a valid subdir"),
        ("@EXPLICIT\n# pip [nope\n", 2, "invalid `# pip` requirement"),
        (f"@EXPLICIT\n{FORGE}/linux-64/a-1-h\x1b_0.conda\n", 2, "holds a control character"),
        (f"@EXPLICIT\n{FORGE}/linux-64/a-1-h%1B_0.conda\n", 2, "holds a control character"),
    ],
)
def test_a_bad_explicit_file_is_said(world, text, line, needle):
    with pytest.raises(EnvFileError) as err:
        read_explicit(write(world, text, "spec.txt"), LINUX)
    assert err.value.line == line and needle in err.value.detail, err.value


def drift(world, lock, packages, pip=()):
    """Return (in sync, the verdicts that are not ok) of a real prefix against a lock."""
    prefix = world.conda_env(world.base / f"env{len(list(world.base.iterdir()))}", packages, python=None)
    for name, version in pip:
        write_dist(prefix / "lib" / "python3.12" / "site-packages", name, version)
    report = check_lock({"name": "env"}, lock, read_inventory(prefix, "conda", "3.12.1"))
    return report.in_sync, sorted((r.name, r.status) for r in report.requirements if r.status != "ok")


def test_a_prefix_against_conda_lock_yml_with_an_extra_category_installed(world):
    lock = read_conda_lock(DATA / "conda-lock.yml", LINUX)
    installed = [
        ("python", "3.12.1", "hab00c5b_1_cpython"),
        ("tzdata", "2024a", "h0c530f3_0"),
        ("pytest", "8.0.0", "pyhd8ed1ab_0"),
    ]
    assert drift(world, lock, installed, [("requests", "2.31.0")]) == (True, [])
    sphinx = ("sphinx", "7.2.6", "pyhd8ed1ab_0")  # `docs` only: conda-lock install leaves it out
    assert drift(world, lock, [*installed, sphinx], [("requests", "2.31.0")]) == (
        False,
        [("sphinx", "extra")],
    )
    assert drift(world, lock, installed[:2], [("requests", "2.32.0")]) == (
        False,
        [("pytest", "missing"), ("requests", "mismatch")],
    )


def test_a_prefix_against_an_explicit_file(world):
    lock = read_explicit(write(world, EXPLICIT, "spec-file.txt"), LINUX)
    installed = [(p.name, p.version, p.build) for p in lock.packages]
    assert drift(world, lock, installed) == (True, [])
    other = [("python", "3.12.2", "hab00c5b_0_cpython"), *installed[::2]]
    assert drift(world, lock, other) == (False, [("python", "mismatch"), ("python-tzdata", "missing")])


def test_conda_lock_and_explicit_files_count_against_the_requests_budget(world):
    explicit = write(world, EXPLICIT, "spec-file.txt")
    with spending(Budget(Limits(entries=3))), pytest.raises(EnvFileError, match="more than 3 entries"):
        read_explicit(explicit, LINUX)  # four archives
    with spending(Budget(Limits(entries=3))), pytest.raises(EnvFileError, match="more than 3 entries"):
        read_conda_lock(DATA / "conda-lock.yml", LINUX)  # five linux-64 packages before categories
