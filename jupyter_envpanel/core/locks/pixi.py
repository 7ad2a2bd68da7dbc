"""pixi.lock: the packages one environment locks for one platform, as py-rattler reads the file.

The lock is stale when the manifest beside it (pixi.toml, else pyproject.toml's `[tool.pixi]`) asks
for an entry the locked packages no longer satisfy, judged conservatively (locks.pixistale).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..base.budget import current
from ..base.distname import canonical_name
from ..base.errors import EnvFileError, excerpt
from ..requirements.target import Target
from .model import Lock, Locked
from .pixistale import stale_reason
from .yamllock import Place, entries_of, list_key, lock_platform, places_by_url, read_lock


def conda_locked(pkg: Any, path: Path, place: Place) -> Locked:
    """Return a Locked of one py-rattler conda package (binary, or source: presence only)."""
    record = pkg.package_record
    if record is None:  # a source package whose metadata pixi has not evaluated yet
        loose = f"conda source package ({excerpt(pkg.location, 80)}): built locally, presence only"
        return Locked(pkg.name, "", "conda", str(path), *place, url=pkg.location, loose=loose)
    sha = record.sha256.hex() if record.sha256 else ""
    binary = hasattr(pkg, "repo_data_record")
    loose = (
        "" if binary else f"conda source package ({excerpt(pkg.location, 80)}): built locally, presence only"
    )
    return Locked(
        record.name.normalized,
        str(record.version),
        "conda",
        str(path),
        *place,
        build=str(record.build),
        sha256=sha,
        url=pkg.location,
        loose=loose,
    )


def pip_locked(pkg: Any, path: Path, place: Place) -> Locked:
    """Return a Locked of one py-rattler PyPI package; a local path is presence only."""
    location = str(pkg.location)
    if "://" not in location.split("#", 1)[0]:  # built from the project's tree: maybe `<dynamic>`
        loose = f"local path package ({excerpt(location, 80)}): presence only"
        return Locked(canonical_name(pkg.name), "", "pip", str(path), *place, url=location, loose=loose)
    return Locked(canonical_name(pkg.name), str(pkg.version), "pip", str(path), *place, url=location)


def locked(pkg: Any, path: Path, place: Place) -> Locked:
    """Return a Locked of one py-rattler package, conda or PyPI; a control character is an error."""
    item = conda_locked(pkg, path, place) if hasattr(pkg, "package_record") else pip_locked(pkg, path, place)
    if not (item.name + item.version + item.build + item.url).isprintable():
        raise EnvFileError(path, f"the entry of {excerpt(item.name, 40)} holds a control character", *place)
    return item


def place_of(places: dict[str, Place], subdir: str, location: str) -> Place:
    """Return where a lock writes a package: by platform and URL (older formats), else by URL."""
    return places.get(f"{subdir} {location}") or places.get(location) or (1, 1)


def read_pixi_lock(path: Path, target: Target) -> Lock:
    """Read the packages pixi.lock locks for the target's environment and platform."""
    path = Path(path)
    text, lock = read_lock(path)
    name = target.environment or "default"
    env = lock.environment(name)
    base = Lock(str(path), "pixi", environment=name, platform=target.subdir)
    if env is None:
        return replace(base, unjudged=f"{path.name} has no environment {name!r}")
    platform = lock_platform(env, target.subdir)
    if platform is None:
        return replace(base, unjudged=f"{path.name} has nothing for {target.subdir} (environment {name!r})")
    packages = env.packages(platform) or []
    current().add_entries(path, len(packages))
    places = places_by_url(entries_of(path, text, list_key(text), {str(p.location) for p in packages}))
    found = [locked(p, path, place_of(places, target.subdir, str(p.location))) for p in packages]
    stale, warnings = stale_reason(path, text, target, packages)
    return replace(base, packages=tuple(found), stale=stale, warnings=warnings)
