"""Drift against a lock: each locked package exactly (version, build, digest), then what is extra."""

from __future__ import annotations

import json

from support.factory import write_dist

from jupyter_envpanel.core.drift.lockdrift import check_lock, same_pip_version
from jupyter_envpanel.core.locks.model import Lock, Locked
from jupyter_envpanel.core.packages.inventory import read_inventory


def conda(name, version, build="h1234567_0", line=1, sha256=""):
    """Return a locked conda package."""
    return Locked(name, version, "conda", "pixi.lock", line, 3, build=build, sha256=sha256)


def pip(name, version, line=1, loose=""):
    """Return a locked PyPI package."""
    return Locked(name, version, "pip", "uv.lock", line, 1, loose=loose)


def test_a_conda_prefix_exactly_as_locked_is_in_sync(world):
    prefix = world.conda_env(world.base / "env", ["numpy=1.26.4", "zlib=1.3.1"], requested=["numpy"])
    lock = Lock(
        "pixi.lock", "pixi", "default", "linux-64",
        (conda("python", "3.11.7", "hb806964_0_cpython"), conda("numpy", "1.26.4"), conda("zlib", "1.3.1")),
    )  # fmt: skip
    report = check_lock("env", lock, read_inventory(prefix, "conda", "3.11.7"))
    assert report.in_sync and report.drift_count == 0
    assert report.summary == dict(ok=3, missing=0, mismatch=0, skipped=0, extra=0, unrequested=0)
    assert report.to_json()["lock"] == {
        "tool": "pixi", "environment": "default", "platform": "linux-64", "packages": 3, "stale": "",
        "unjudged": "",
    }  # fmt: skip


def test_version_build_digest_missing_and_extra_are_each_drift(world):
    prefix = world.conda_env(
        world.base / "env",
        ["numpy=1.26.4", ("scipy", "1.13.0", "py311h0_1"), "zlib=1.3.1", "extra-tool=2.0"],
    )
    record = prefix / "conda-meta" / "zlib-1.3.1-h1234567_0.json"
    data = json.loads(record.read_text())
    record.write_text(json.dumps({**data, "sha256": "aa" * 32}))
    lock = Lock(
        "pixi.lock", "pixi", "default", "linux-64",
        (
            conda("python", "3.11.7", "hb806964_0_cpython", line=2),
            conda("numpy", "2.0.0", line=3),
            conda("scipy", "1.13.0", "py311h0_0", line=4),
            conda("zlib", "1.3.1", sha256="BB" * 32, line=5),
            conda("pandas", "2.2.2", line=6),
        ),
    )  # fmt: skip
    report = check_lock("env", lock, read_inventory(prefix, "conda", "3.11.7"), "pixi.lock")
    verdicts = {r.name: (r.status, r.line, r.reason) for r in report.requirements}
    assert verdicts == {
        "python": ("ok", 2, ""),
        "numpy": ("mismatch", 3, "version 1.26.4, locked 2.0.0"),
        "scipy": ("mismatch", 4, "build py311h0_1, locked py311h0_0"),
        "zlib": ("mismatch", 5, "sha256 differs from the locked archive's"),
        "pandas": ("missing", 6, "not installed"),
        "extra-tool": ("extra", 0, "installed, not in pixi.lock"),
    }
    assert report.drift_count == 5 and not report.in_sync
    assert report.summary["extra"] == 1 and report.unrequested == ()


def test_a_venv_against_a_pip_lock_compares_pep440_versions_and_keeps_what_the_tool_keeps(world):
    prefix = world.venv(
        world.base / ".venv", [("requests", "2.32.0", True), ("idna", "3.7", False), ("pip", "24.0", False)]
    )
    site = next(prefix.glob("lib/python*/site-packages"))
    write_dist(site, "my-project", "0.1.0")
    locked = (pip("requests", "2.32"), pip("IDNA", "3.7.0"), pip("my_project", "", loose="editable"))
    lock = Lock("uv.lock", "uv", packages=locked, keep=frozenset({"pip"}))
    report = check_lock("proj", lock, read_inventory(prefix, "venv", "3.11.7"))
    assert [(r.name, r.status, r.reason) for r in report.requirements] == [
        ("requests", "ok", ""),
        ("IDNA", "ok", ""),
        ("my_project", "ok", "editable"),
    ]
    assert report.in_sync


def test_a_pip_lock_in_a_conda_env_judges_only_what_pip_installed(world):
    prefix = world.conda_env(
        world.base / "env", ["openssl=3.3"], python_dists=[("numpy", "1.26.4")], pip=[("rich", "13.7", True)]
    )
    lock = Lock("poetry.lock", "poetry", packages=(pip("numpy", "1.26.4"),))
    report = check_lock("env", lock, read_inventory(prefix, "conda", "3.11.7"))
    assert [(r.name, r.status) for r in report.requirements] == [("numpy", "ok"), ("rich", "extra")]


def test_a_stale_lock_is_never_in_sync_and_an_unjudged_lock_judges_nothing(world):
    prefix = world.conda_env(world.base / "env", ["numpy=1.26.4"])
    inv = read_inventory(prefix, "conda", "3.11.7")
    stale = Lock("uv.lock", "uv", stale="uv.lock is out of date with pyproject.toml")
    assert not check_lock("env", stale, inv).in_sync
    nothing = "pixi.lock holds nothing for linux-64"
    other = Lock("pixi.lock", "pixi", unjudged=nothing, packages=(conda("x", "1"),))
    report = check_lock("env", other, inv)
    assert report.requirements == () and report.in_sync
    assert report.warnings[0] == "pixi.lock holds nothing for linux-64"


def test_pep440_equality():
    assert same_pip_version("1.0", "1.0.0") and same_pip_version("1.0.post0", "1.0post0")
    assert not same_pip_version("1.0", "1.0.1")
    assert same_pip_version("not-a-version", "not-a-version")
    assert not same_pip_version("not-a-version", "1.0")


def test_pixi_leaves_alone_the_pypi_packages_it_did_not_install(world):
    prefix = world.conda_env(world.base / "env", ["numpy=1.26.4"])
    site = next(prefix.glob("lib/python*/site-packages"))
    write_dist(site, "rich", "13.7.1", installer="uv-pixi")
    write_dist(site, "tqdm", "4.66.0", installer="pip")
    python = conda("python", "3.11.7", "hb806964_0_cpython")
    lock = Lock("pixi.lock", "pixi", "default", "linux-64", (python,))
    report = check_lock("env", lock, read_inventory(prefix, "conda", "3.11.7"))
    assert [(r.name, r.status) for r in report.requirements if r.status != "ok"] == [
        ("numpy", "extra"),
        ("rich", "extra"),
    ]
