"""Pipfile.lock, read as `pipenv sync` installs it.

The `default` section (pipenv installs `develop` only with --dev), each package's markers evaluated
for the environment. The lock is stale when the Pipfile's hash, computed as pipenv computes it
(PEP 503 names, sorted JSON), differs from `_meta.hash.sha256`: the check `pipenv verify` makes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

from ..base.distname import canonical_name
from ..base.errors import EnvFileError
from ..base.safe_read import UnreadableFile, parse_json
from ..requirements.pipfile import VCS
from ..requirements.reqfile import read_text
from ..requirements.specs import marker_environment
from ..requirements.target import Target
from ..requirements.tomlfile import read_sibling, table
from .model import Lock, Locked

STALE = "Pipfile.lock is out of date with Pipfile"
#: What `pipenv clean` (and `pipenv sync --clean`) never uninstalls: pipenv's BAD_PACKAGES.
PRESERVED = frozenset({"distribute", "pip", "pkg-resources", "setuptools", "wheel"})
#: The Pipfile's tables that are not package categories (pipenv's PIPFILE_SECTIONS).
_NOT_CATEGORIES = frozenset(
    {"source", "packages", "dev-packages", "requires", "scripts", "pipfile", "pipenv"}
)
_DEFAULT_SOURCE = [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}]
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[{}\[\]]')


def pipfile_hash(pipfile: dict[str, Any]) -> str:
    """Return pipenv's hash of a Pipfile's tables (pipenv's Pipfile.calculate_hash)."""

    def normalized(section: Any) -> dict[str, Any]:
        if not isinstance(section, dict):
            raise TypeError(f"a package category must be a table, not {type(section).__name__}")
        return {canonical_name(key): value for key, value in section.items()}

    data: dict[str, Any] = {
        "_meta": {"sources": pipfile.get("source", _DEFAULT_SOURCE), "requires": pipfile.get("requires", {})},
        "default": normalized(pipfile.get("packages", {})),
        "develop": normalized(pipfile.get("dev-packages", {})),
    }
    for category, values in pipfile.items():
        if category not in _NOT_CATEGORIES and category not in ("default", "develop"):
            data[category] = normalized(values)
    content = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def json_key_places(text: str, section: str) -> dict[str, tuple[int, int]]:
    """Return (line, column) of each key of the object `section` of a JSON document's top object."""
    places: dict[str, tuple[int, int]] = {}
    depth, current, line, counted = 0, "", 1, 0
    for token in _TOKEN.finditer(text):
        char = token.group(0)
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif token.group(1) is not None:  # a key
            key = json.loads(char[: char.rindex('"') + 1])
            if depth == 1:
                current = key
            elif depth == 2 and current == section:
                line += text.count("\n", counted, token.start())
                counted = token.start()
                column = token.start() - text.rfind("\n", 0, token.start())
                places.setdefault(key, (line, column))
    return places


def _stale(lock: dict[str, Any], manifest: Path) -> tuple[str, str]:
    """Return (stale, warning): pipenv verify's comparison of the lock's hash with the Pipfile's."""
    _, pipfile, warning = read_sibling(manifest, "Pipfile")
    if pipfile is None:
        return "", warning
    meta = lock.get("_meta")
    locked = table(meta, "hash").get("sha256") if isinstance(meta, dict) else None
    try:
        fresh = pipfile_hash(pipfile) == locked
    except (TypeError, ValueError) as err:  # a TOML date or a category that is no table: pipenv fails too
        return "", f"Pipfile: hash not recomputed ({err}); staleness not judged"
    return ("" if fresh else f"{STALE} (its hash differs from the Pipfile's)"), ""


def _marker_true(marker: Any, env: dict[str, str], where: str) -> tuple[bool, str]:
    """Return whether a lock entry's marker holds for the environment, and a warning if unreadable."""
    if marker is None or marker == "":
        return True, ""
    if not isinstance(marker, str):
        raise ValueError(f"markers must be a string, got {type(marker).__name__}")
    try:
        return Marker(marker).evaluate(env), ""
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName) as err:
        return True, f"{where}: marker {marker!r} not understood ({err}); taken as true"


def _indexes(lock: dict[str, Any]) -> dict[str, str]:
    """Return the URL of each source of `_meta.sources` by name ("" names the first)."""
    sources = table(lock, "_meta").get("sources")
    found: dict[str, str] = {}
    for source in sources if isinstance(sources, list) else []:
        if isinstance(source, dict) and isinstance(source.get("url"), str):
            found.setdefault("", source["url"])
            found.setdefault(str(source.get("name")), source["url"])
    return found


def _locked(path: Path, name: str, entry: Any, place: tuple[int, int], indexes: dict[str, str]) -> Locked:
    """Return one `default` entry of Pipfile.lock as a Locked package."""
    if not isinstance(entry, dict):
        raise ValueError(f"must be an object, got {type(entry).__name__}")
    version, url, loose = entry.get("version"), indexes.get(str(entry.get("index", "")), ""), ""
    vcs = next((key for key in VCS if key in entry), None)
    location = entry.get(vcs) if vcs else entry.get("file", entry.get("path"))
    if location is not None and not isinstance(location, str):
        raise ValueError(f"{vcs or 'path'} must be a string, got {type(location).__name__}")
    if location is not None:
        ref = entry.get("ref")
        url = (f"{vcs}+{location}" if vcs else location) + (f"@{ref}" if vcs and isinstance(ref, str) else "")
    if entry.get("editable") is True:
        loose = f"editable install of {location or name}"
    if isinstance(version, str) and version.startswith("==") and not loose:
        version = version[2:]
    elif version is not None and not isinstance(version, str):
        raise ValueError(f"version must be a string, got {type(version).__name__}")
    else:
        loose = loose or (f"installed from {url}" if location else f"not pinned ({version or 'no version'})")
        version = ""
    return Locked(canonical_name(name), version, "pip", str(path), *place, url=url, loose=loose)


def _python_warning(lock: dict[str, Any], target: Target) -> str:
    """Return pipenv's warning when the lock requires another Python than the environment's, or ""."""
    wanted = table(table(lock, "_meta"), "requires").get("python_version")
    have = target.python_version
    if not isinstance(wanted, str) or not have or have == wanted or have.startswith(wanted + "."):
        return ""
    return f"Pipfile.lock requires python_version {wanted}; the environment has Python {have}"


def read_pipfile_lock(path: Path, target: Target) -> Lock:
    """Read Pipfile.lock into the packages `pipenv sync` installs into the target environment."""
    text = read_text(path, "project file")
    try:
        data = parse_json(text, path)
    except UnreadableFile as err:
        raise EnvFileError(path, err.reason) from None
    if not isinstance(data, dict):
        raise EnvFileError(path, f"Pipfile.lock must hold a JSON object, not {type(data).__name__}", 1, 1)
    default = data.get("default", {})
    if not isinstance(default, dict):
        raise EnvFileError(path, f"default must be an object, got {type(default).__name__}", 1, 1)
    stale, warning = _stale(data, path.parent / "Pipfile")
    warnings = [warning for warning in (warning, _python_warning(data, target)) if warning]
    places, indexes = json_key_places(text, "default"), _indexes(data)
    env = {**marker_environment(target.python_version), "extra": ""}
    packages: list[Locked] = []
    for name, entry in default.items():
        place = places.get(name, (1, 1))
        try:
            wanted, warning = _marker_true(
                entry.get("markers") if isinstance(entry, dict) else None, env, name
            )
            warnings += [warning] if warning else []
            if wanted:
                packages.append(_locked(path, name, entry, place, indexes))
        except ValueError as err:
            raise EnvFileError(path, f"{name}: {err}", *place) from None
    # `pipenv clean` keeps pipenv's own tools and every package of any section of the lock.
    sections = [v for k, v in data.items() if k not in ("_meta", "default") and isinstance(v, dict)]
    keep = PRESERVED | {canonical_name(name) for section in sections for name in section}
    return Lock(
        path=str(path),
        tool="pipenv",
        packages=tuple(packages),
        keep=frozenset(keep),
        stale=stale,
        warnings=tuple(warnings),
    )
