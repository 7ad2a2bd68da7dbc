"""conda-lock's own writer and installer rendering against the conda-lock.yml and explicit readers.

Generated locks (platforms, conda and pip packages, categories, a virtual package) are written by
conda-lock itself; for each platform, conda-lock renders what `conda-lock install` installs (its
default categories, as an explicit file with `# pip` lines). The conda-lock.yml reader must take
exactly those packages, the explicit reader must read conda-lock's rendering the same way, and a
platform the lock lacks must be said where conda-lock refuses it.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from jupyter_envpanel.core.locks.condalock import read_conda_lock, read_explicit
from jupyter_envpanel.core.locks.model import Lock
from jupyter_envpanel.core.requirements.target import Target

FORGE = "https://conda.anaconda.org/conda-forge"
#: Run by conda-lock's own interpreter: write each lock with conda-lock, render each platform.
CONDA_LOCK_SCRIPT = """
import json, pathlib, sys
from conda_lock.conda_lock import DEFAULT_INSTALL_OPT_DEV, render_lockfile_for_platform
from conda_lock.lockfile import parse_conda_lock_file, write_conda_lock_file
from conda_lock.lockfile.v1.models import HashModel, LockMeta
from conda_lock.lockfile.v2prelim.models import LockedDependency, Lockfile
from conda_lock.models.channel import Channel

for spec in json.loads(sys.stdin.read()):
    packages = [
        LockedDependency(
            name=p["name"], version=p["version"], manager=p["manager"], platform=p["platform"],
            dependencies={}, url=p["url"], hash=HashModel(md5=p["md5"], sha256=p["sha256"]),
            categories=set(p["categories"]),
        )
        for p in spec["packages"]
    ]
    meta = LockMeta(
        content_hash={p: "0" * 64 for p in spec["platforms"]}, channels=[Channel.from_string("conda-forge")],
        platforms=spec["platforms"], sources=["environment.yml"],
    )
    path = pathlib.Path(spec["path"])
    write_conda_lock_file(Lockfile(package=packages, metadata=meta), path, metadata_choices=set())
    for platform in spec["platforms"]:
        lines = render_lockfile_for_platform(
            lockfile=parse_conda_lock_file(path), include_dev_dependencies=DEFAULT_INSTALL_OPT_DEV,
            extras=set(), kind="explicit", platform=platform, suppress_warning_for_pip_and_explicit=True,
        )
        path.with_suffix(f".{platform}.txt").write_text("\\n".join(lines) + "\\n")
"""


def conda_lock_python() -> str | None:
    """Return the interpreter of the `conda-lock` on PATH (its script's shebang), or None."""
    script = shutil.which("conda-lock")
    if script is None:
        return None
    first = Path(script).read_bytes()[:400].split(b"\n", 1)[0].decode(errors="replace")
    return first[2:].strip() if first.startswith("#!") and " " not in first[2:].strip() else None


PYTHON = conda_lock_python()
pytestmark = pytest.mark.skipif(
    PYTHON is None,
    reason="conda-lock is not on PATH (pip install conda-lock): its own verdicts are not compared",
)


def generate(rng: random.Random, path: Path) -> dict:
    """Return a random lock description: platforms, and packages of either manager in 1-2 categories."""
    platforms = rng.sample(["linux-64", "osx-arm64", "win-64", "linux-aarch64"], rng.randint(1, 3))
    packages = []
    for platform in platforms:
        names = rng.sample(["numpy", "scipy", "zlib", "pytest", "sphinx", "rich", "attrs", "idna"], 6)
        for name in names + (["__glibc"] if rng.random() < 0.3 else []):
            manager = "conda" if name.startswith("__") or rng.random() < 0.7 else "pip"
            version = f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 3)}"
            build = f"h{rng.randrange(16**7):07x}_{rng.randint(0, 2)}"
            subdir = rng.choice([platform, "noarch"])
            url = (
                f"{FORGE}/{subdir}/{name}-{version}-{build}.{rng.choice(['conda', 'tar.bz2'])}"
                if manager == "conda"
                else f"https://files.example.org/{name}-{version}-py3-none-any.whl"
            )
            digest = hashlib.sha256(url.encode()).hexdigest()
            categories = rng.sample(["main", "dev", "docs", "test"], rng.randint(1, 2))
            packages.append(
                dict(name=name, version=version, manager=manager, platform=platform, url=url)
                | dict(md5=digest[:32] if manager == "conda" else None, sha256=digest, categories=categories)
            )
    return {"path": str(path), "platforms": platforms, "packages": packages}


def facts(lock: Lock) -> set[tuple[str, str, str, str, str]]:
    """Return what both readers say of each package: source, name, version, build, URL."""
    return {(p.source, p.name, p.version, p.build, p.url.split("#", 1)[0]) for p in lock.packages}


def test_the_readers_agree_with_conda_locks_own_rendering(tmp_path):
    rng = random.Random(29)
    specs = [generate(rng, tmp_path / f"lock{i}.yml") for i in range(12)]
    assert PYTHON is not None
    done = subprocess.run(
        [PYTHON, "-c", CONDA_LOCK_SCRIPT],
        input=json.dumps(specs),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    agreed, listed, refused = 0, [], 0
    for spec in specs:
        path = Path(spec["path"])
        for platform in ["linux-64", "osx-arm64", "win-64", "linux-aarch64"]:
            ours = read_conda_lock(path, Target("3.12", platform))
            if platform not in spec["platforms"]:  # conda-lock install refuses: no solution for it
                refused += 1
                if ours.unjudged != f"{path.name} has nothing for {platform}":
                    listed.append(f"{path.name} {platform}: judged a platform the lock lacks")
                continue
            theirs = read_explicit(path.with_suffix(f".{platform}.txt"), Target("3.12", platform))
            mine, rendered = facts(ours), facts(theirs)
            agreed += len(mine & rendered)
            listed += [f"{path.name} {platform}: only ours: {f}" for f in sorted(mine - rendered)]
            listed += [f"{path.name} {platform}: only conda-lock's: {f}" for f in sorted(rendered - mine)]
    print(f"what conda-lock install installs, by conda-lock and by us: {agreed} agree, {len(listed)} differ")
    assert listed == [] and agreed > 80 and refused > 0
