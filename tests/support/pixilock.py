"""pixi.lock files written by py-rattler itself, for tests: environments -> platforms -> packages."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rattler import BuildString, LockChannel, LockFile, LockPlatform, PackageRecord, RepoDataRecord

CHANNEL = "https://conda.anaconda.org/conda-forge/"

#: One package as a test writes it: ("conda", name, version, build) or ("pypi", name, version, url).
Pkg = tuple[str, str, str, str]


def conda_url(subdir: str, name: str, version: str, build: str) -> str:
    """Return the archive URL conda-forge would serve a package at."""
    return f"{CHANNEL}{subdir}/{name}-{version}-{build}.conda"


def record(subdir: str, name: str, version: str, build: str) -> RepoDataRecord:
    """Return a repodata record with digests derived from the archive name."""
    fn = f"{name}-{version}-{build}.conda"
    digest = hashlib.sha256(f"{subdir}/{fn}".encode()).digest()
    package = PackageRecord(
        name, version, BuildString(build), 0, subdir, sha256=digest, md5=digest[:16], depends=["python >=3.9"]
    )
    return RepoDataRecord(package, fn, conda_url(subdir, name, version, build), CHANNEL)


def write_lock(path: Path, envs: dict[str, dict[str, list[Pkg]]]) -> Path:
    """Write a pixi.lock with py-rattler itself: environments -> platforms -> packages."""
    subdirs = sorted({subdir for platforms in envs.values() for subdir in platforms})
    lock = LockFile([LockPlatform(s) for s in subdirs])
    for env, platforms in envs.items():
        lock.set_channels(env, [LockChannel(CHANNEL)])
        for subdir, packages in platforms.items():
            for kind, name, version, extra in packages:
                if kind == "conda":
                    lock.add_conda_package(env, LockPlatform(subdir), record(subdir, name, version, extra))
                else:
                    lock.add_pypi_package(env, LockPlatform(subdir), name, version, extra)
    lock.to_path(path)
    return path
