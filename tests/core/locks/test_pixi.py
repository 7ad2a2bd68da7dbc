"""pixi.lock: the packages of one environment and platform, as py-rattler reads them, with their lines."""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name
from rattler import LockFile
from support.factory import write_dist
from support.pixilock import Pkg, conda_url, write_lock

from jupyter_envpanel.core.base.budget import Budget, Limits, spending
from jupyter_envpanel.core.base.errors import EnvFileError, FileNotFound
from jupyter_envpanel.core.drift.lockdrift import check_lock
from jupyter_envpanel.core.locks.pixi import read_pixi_lock
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.target import Target

DATA = Path(__file__).parents[2] / "data" / "locks"
LINUX = Target("3.12.1", "linux-64")

WHEEL = "https://files.pythonhosted.org/packages/ab/cd/Requests_Toolbelt-1.0.0-py2.py3-none-any.whl"


@pytest.fixture
def two_envs(world) -> Path:
    """A pixi.lock with a default and a cuda environment, for linux-64 and osx-arm64."""
    return write_lock(
        world.root / "pixi.lock",
        {
            "default": {
                "linux-64": [
                    ("conda", "python", "3.12.1", "hab00c5b_1_cpython"),
                    ("conda", "numpy", "2.1.0", "py312h58c1407_0"),
                    ("pypi", "Requests_Toolbelt", "1.0.0", WHEEL),
                ],
                "osx-arm64": [("conda", "numpy", "2.1.0", "py312h801f5e3_0")],
            },
            "cuda": {"linux-64": [("conda", "cudatoolkit", "12.0.0", "h7428d3b_1")]},
        },
    )


def test_reads_the_default_environment_for_this_platform_with_builds_digests_and_lines(two_envs):
    lock = read_pixi_lock(two_envs, LINUX)
    assert (lock.tool, lock.environment, lock.platform, lock.unjudged, lock.stale) == (
        "pixi",
        "default",
        "linux-64",
        "",
        "",
    )
    got = {(p.source, p.name, p.version, p.build) for p in lock.packages}
    assert got == {
        ("conda", "python", "3.12.1", "hab00c5b_1_cpython"),
        ("conda", "numpy", "2.1.0", "py312h58c1407_0"),
        ("pip", "requests-toolbelt", "1.0.0", ""),
    }
    lines = two_envs.read_text().splitlines()
    for item in lock.packages:
        assert item.file == str(two_envs)
        entry = lines[item.line - 1]
        assert entry[: item.column - 1] == "- " and item.url in entry, (item, entry)
        assert lines.index(entry) > lines.index("packages:")  # the package's own entry, not a reference
    numpy = next(p for p in lock.packages if p.name == "numpy")
    url = conda_url("linux-64", "numpy", "2.1.0", "py312h58c1407_0")
    assert numpy.url == url
    assert numpy.sha256 == hashlib.sha256(b"linux-64/numpy-2.1.0-py312h58c1407_0.conda").hexdigest()
    assert numpy.spec == "numpy=2.1.0=py312h58c1407_0"


def test_a_named_environment_and_another_platform(two_envs):
    cuda = read_pixi_lock(two_envs, Target("3.12", "linux-64", "cuda"))
    assert [(p.name, p.build) for p in cuda.packages] == [("cudatoolkit", "h7428d3b_1")]
    mac = read_pixi_lock(two_envs, Target("3.12", "osx-arm64"))
    assert [(p.name, p.build) for p in mac.packages] == [("numpy", "py312h801f5e3_0")]


@pytest.mark.parametrize(
    "target,said",
    [
        (Target("3.12", "linux-64", "gpu"), "pixi.lock has no environment 'gpu'"),
        (Target("3.12", "win-64"), "pixi.lock has nothing for win-64 (environment 'default')"),
        (Target("3.12", "osx-arm64", "cuda"), "pixi.lock has nothing for osx-arm64 (environment 'cuda')"),
        (Target("3.12", "linux-riscv64"), "pixi.lock has nothing for linux-riscv64"),
    ],
)
def test_a_missing_environment_or_platform_is_said_not_judged(two_envs, target, said):
    lock = read_pixi_lock(two_envs, target)
    assert lock.unjudged.startswith(said) and lock.packages == ()


def test_an_older_format_with_a_local_path_package_that_is_judged_by_presence(world):
    lock = read_pixi_lock(DATA / "pixi-v5.lock", LINUX)
    by_name = {p.name: p for p in lock.packages}
    assert set(by_name) == {"numpy", "tzdata", "requests", "local-pkg"}
    assert (by_name["tzdata"].version, by_name["tzdata"].build) == ("2024a", "h0c530f3_0")
    assert by_name["requests"].version == "2.32.3" and not by_name["requests"].loose
    assert by_name["local-pkg"].loose.startswith("local path package ('./local_pkg')")
    assert (by_name["numpy"].line, by_name["numpy"].column) == (16, 3)  # `- kind: conda` of linux-64's numpy
    assert (by_name["local-pkg"].line, by_name["requests"].line) == (37, 43)


def test_agrees_with_py_rattlers_own_records_for_generated_locks(world):
    rng = random.Random(29)
    agreed = disagreements = 0
    listed: list[str] = []
    for round_ in range(12):
        envs: dict[str, dict[str, list[Pkg]]] = {}
        for env in ["default", *rng.sample(["test", "cuda", "docs"], rng.randint(0, 2))]:
            envs[env] = {}
            for subdir in rng.sample(["linux-64", "osx-arm64", "win-64", "linux-aarch64"], rng.randint(1, 3)):
                names = rng.sample(
                    ["numpy", "scipy", "python", "zlib", "libgcc-ng", "pandas"], rng.randint(1, 5)
                )
                pkgs: list[Pkg] = [
                    (
                        "conda",
                        n,
                        f"{rng.randint(0, 9)}.{rng.randint(0, 30)}",
                        f"h{rng.randrange(16**7):07x}_0",
                    )
                    for n in names
                ]
                for n in rng.sample(["rich", "Typing_Extensions", "attrs"], rng.randint(0, 2)):
                    version = f"{rng.randint(1, 9)}.{rng.randint(0, 9)}.0"
                    pkgs.append(("pypi", n, version, f"https://example.org/{n}-{version}-py3-none-any.whl"))
                envs[env][subdir] = pkgs
        path = write_lock(world.root / f"round{round_}.lock", envs)
        theirs = LockFile.from_path(path)
        for env in envs:
            rattler_env = theirs.environment(env)
            for platform in rattler_env.platforms():
                ours = {p.url: p for p in read_pixi_lock(path, Target("3.12", platform.name, env)).packages}
                expected = [
                    (r.url, r.name.normalized, str(r.version), str(r.build), r.sha256.hex())
                    for r in rattler_env.conda_repodata_records_for_platform(platform) or []
                ] + [
                    (p.location, p.name, str(p.version), "", "")
                    for p in rattler_env.pypi_packages_for_platform(platform) or []
                ]
                for url, name, version, build, sha in expected:
                    mine = ours.pop(url, None)
                    same = mine is not None and (mine.name, mine.version, mine.build, mine.sha256) == (
                        canonicalize_name(name),
                        version,
                        build,
                        sha,
                    )
                    agreed += same
                    if not same:
                        disagreements += 1
                        listed.append(f"{path.name} {env} {platform.name}: {name} {mine}")
                disagreements += len(ours)
                listed += [f"{path.name} {env} {platform.name}: only ours: {u}" for u in ours]
    print(f"pixi.lock readings agreeing with py-rattler's records: {agreed} packages, {disagreements} differ")
    assert listed == [] and agreed > 200


def write(world, text: str, name: str = "pixi.lock") -> Path:
    path = world.root / name
    path.write_text(text)
    return path


HEAD = "version: 6\nenvironments:\n  default:\n    channels: []\n    packages:\n      linux-64:\n"
REF = "      - conda: https://c.org/linux-64/a-1-h0_0.conda\n"


@pytest.mark.parametrize(
    "text,line,column,needle",
    [
        (
            HEAD + REF + "packages:\n- conda: https://c.org/linux-64/a-1-h0_0.conda\n  sha256: [1]\n",
            10,
            11,
            "`sha256`",
        ),
        (HEAD + REF + "packages:\n- https://c.org/linux-64/a-1-h0_0.conda\n", 9, 3, "must be a mapping"),
        (HEAD + REF + "packages: {a: 1}\n", 8, 11, "`packages` must be a list"),
        ("- a\n- b\n", 1, 1, "top level must be a mapping"),
        ("version: 6\nenvironments: [\n", 2, 15, "never closed"),
    ],
)
def test_wrong_types_are_located(world, text, line, column, needle):
    with pytest.raises(EnvFileError) as err:
        read_pixi_lock(write(world, text), LINUX)
    assert (err.value.line, err.value.column) == (line, column) and needle in err.value.detail


def test_a_control_character_py_rattler_keeps_is_refused_at_its_entry(world):
    text = (
        (DATA / "pixi-v5.lock").read_text().replace("build: py312h58c1407_0", 'build: "py312h58c1407\\e_0"')
    )
    with pytest.raises(EnvFileError) as err:
        read_pixi_lock(write(world, text), LINUX)
    assert (err.value.line, err.value.detail) == (16, "the entry of 'numpy' holds a control character")


def test_what_py_rattler_refuses_is_said_with_its_reason(world):
    text = HEAD + REF + "packages:\n- conda: https://c.org/linux-64/a-1-h0_0.conda\n  sha256: abc\n"
    with pytest.raises(EnvFileError) as err:
        read_pixi_lock(write(world, text), LINUX)
    assert err.value.status == 422 and err.value.detail.startswith("py-rattler cannot read it: ")
    with pytest.raises(EnvFileError, match="py-rattler cannot read it"):
        read_pixi_lock(write(world, "version: 99\n"), LINUX)


def test_hostile_files_are_refused_before_any_parser_sees_them(world):
    huge = write(world, "version: 6\n" + "#" * (5 << 20))
    deep = write(world, "a: " + "[" * 200 + "]" * 200 + "\n", "deep.lock")
    fifo = world.root / "fifo.lock"
    os.mkfifo(fifo)
    nul = write(world, "version: 6\n\x00\n", "nul.lock")
    for path, status, needle in [
        (huge, 400, "the limit is 4 MiB"),
        (deep, 422, "nested deeper than 64 levels"),
        (fifo, 400, "is a FIFO, not a regular file"),
        (world.root, 400, "directory"),
        (nul, 400, "NUL bytes"),
    ]:
        with pytest.raises(EnvFileError) as err:
            read_pixi_lock(path, LINUX)
        assert (err.value.status, needle in err.value.detail) == (status, True), err.value
    with pytest.raises(FileNotFound):
        read_pixi_lock(world.root / "absent.lock", LINUX)


def test_a_prefix_against_the_lock_in_sync_other_build_missing_and_extra(world):
    """The judge's verdicts on a real prefix against what this reader read."""
    path = write_lock(
        world.root / "pixi.lock",
        {
            "default": {
                "linux-64": [
                    ("conda", "python", "3.12.1", "hb806964_0_cpython"),
                    ("conda", "numpy", "2.1.0", "py312h58c1407_0"),
                    ("pypi", "Requests_Toolbelt", "1.0.0", WHEEL),
                ]
            }
        },
    )
    lock = read_pixi_lock(path, LINUX)

    def drift(packages, pip=(), numpy_sha256=""):
        prefix = world.conda_env(
            world.base / f"env{len(list(world.base.iterdir()))}", packages, python="3.12.1"
        )
        for record in (prefix / "conda-meta").glob("numpy-*.json") if numpy_sha256 else ():
            record.write_text(json.dumps({**json.loads(record.read_text()), "sha256": numpy_sha256}))
        for name, version in pip:
            write_dist(prefix / "lib" / "python3.12" / "site-packages", name, version, installer="uv-pixi")
        report = check_lock({"name": "env"}, lock, read_inventory(prefix, "conda", "3.12.1"))
        return report.in_sync, sorted(
            (r.name, r.status, r.line) for r in report.requirements if r.status != "ok"
        )

    numpy = ("numpy", "2.1.0", "py312h58c1407_0")
    line = next(p.line for p in lock.packages if p.name == "numpy")
    assert drift([numpy], [("requests-toolbelt", "1.0.0")]) == (True, [])
    assert drift([("numpy", "2.1.0", "py312h58c1407_1")], [("requests-toolbelt", "1.0.0")]) == (
        False,
        [("numpy", "mismatch", line)],
    )
    locked_sha = next(p.sha256 for p in lock.packages if p.name == "numpy")
    assert drift([numpy], [("requests-toolbelt", "1.0.0")], locked_sha.upper()) == (True, [])
    assert drift([numpy], [("requests-toolbelt", "1.0.0")], "ab" * 32) == (
        False,
        [("numpy", "mismatch", line)],
    )
    toolbelt_line = next(p.line for p in lock.packages if p.source == "pip")
    assert drift([numpy]) == (False, [("requests-toolbelt", "missing", toolbelt_line)])
    assert drift([numpy, ("zlib", "1.3.1", "h0_0")], [("requests-toolbelt", "1.0.0")]) == (
        False,
        [("zlib", "extra", 0)],
    )


def test_a_lock_counts_against_the_requests_budget(two_envs):
    with (
        spending(Budget(Limits(entries=2))) as budget,
        pytest.raises(EnvFileError, match="more than 2 entries"),
    ):
        read_pixi_lock(two_envs, LINUX)  # 3 packages for linux-64
    assert (budget.files, budget.bytes) == (1, len(two_envs.read_text()))
    with spending(Budget(Limits(files=1))) as budget:
        read_pixi_lock(two_envs, LINUX)
        with pytest.raises(EnvFileError, match="opens more than 1 files"):
            read_pixi_lock(two_envs, LINUX)


SOURCE_LOCK = """\
version: 6
environments:
  default:
    channels:
    - url: https://conda.anaconda.org/conda-forge/
    packages:
      linux-64:
      - conda: ./mypkg
packages:
- conda: ./mypkg
  name: mypkg
  version: 0.1.0
  build: hbf21a9e_0
  subdir: linux-64
  depends:
  - python
  input:
    hash: 8e8c0d8bd2b0f4a7b4f7e6b5a4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5
    globs:
    - pixi.toml
"""


def test_a_conda_package_pixi_builds_from_source_is_judged_by_presence(world):
    [item] = read_pixi_lock(write(world, SOURCE_LOCK), LINUX).packages
    assert (item.name, item.line, item.url) == ("mypkg", 10, "./mypkg")
    assert item.loose == "conda source package ('./mypkg'): built locally, presence only"
