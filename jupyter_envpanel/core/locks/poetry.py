"""poetry.lock read as `poetry sync` installs it: default groups, markers for the environment, no extras.

A lock-version 2.1 lock gives each package its groups and markers (one string, or a table per
group); poetry installs a package when one of its groups is active (main and every group not
`optional = true` in pyproject.toml) and that group's marker is true for the environment. Packages
only an extra asks for are not installed unless asked. In package mode the project itself is
installed editable. The lock is stale when pyproject.toml's content-hash, computed as poetry
computes it, differs from `[metadata] content-hash`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.version import InvalidVersion, Version

from ..base.distname import canonical_name
from ..base.errors import EnvFileError
from ..requirements.specs import marker_environment
from ..requirements.target import Target
from ..requirements.tomlfile import read_sibling, read_toml, table
from ..requirements.tomlplaces import package_places, table_key_places
from .model import Lock, Locked

STALE = "poetry.lock is out of date with pyproject.toml"
#: Installed packages `poetry sync` never removes (pip: poetry preserves it in every environment).
PRESERVED = frozenset({"pip"})
_LEGACY_KEYS = ("dependencies", "source", "extras", "dev-dependencies")
_PROJECT_KEYS = ("requires-python", "dependencies", "optional-dependencies")
_GENERATOR = re.compile(r"Poetry ([^ ]+)")
#: A package's `files` array as poetry writes it (one inline table a line): not read, so not parsed.
_FILES = re.compile(r"^(files = )\[\n(?:[ \t]*\{[^\n]*\},?[ \t]*\n)*\]$", re.MULTILINE)


def content_hash(pyproject: dict[str, Any], with_dependency_groups: bool = True) -> str:
    """Return poetry's content-hash of pyproject.toml's tables (poetry's Locker._get_content_hash)."""
    project = table(pyproject, "project")
    groups = table(pyproject, "dependency-groups") if with_dependency_groups else {}
    tool_poetry = table(table(pyproject, "tool"), "poetry")
    relevant_project = {key: project[key] for key in _PROJECT_KEYS if project.get(key) is not None}
    relevant_poetry: dict[str, Any] = {}
    for key in (*_LEGACY_KEYS, "group"):
        value = tool_poetry.get(key)
        if value is None and (key not in _LEGACY_KEYS or relevant_project or groups):
            continue
        relevant_poetry[key] = value
    relevant: dict[str, Any] = {}
    if relevant_project:
        relevant["project"] = relevant_project
    if groups:
        relevant["dependency-groups"] = groups
    if relevant:
        relevant["tool"] = {"poetry": relevant_poetry}
    else:
        relevant = relevant_poetry
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def _stale(text: str, metadata: dict[str, Any], pyproject: dict[str, Any]) -> tuple[str, str]:
    """Return (stale, warning): poetry's freshness check of the lock against pyproject.toml."""
    locked = metadata.get("content-hash")
    if not isinstance(locked, str):
        return f"{STALE}: poetry.lock has no content-hash", ""
    try:
        fresh = content_hash(pyproject) == locked
        generator = _GENERATOR.search(text.split("\n", 1)[0])
        if not fresh and generator:  # before poetry 2.3.0 the hash left [dependency-groups] out
            try:
                if Version(generator.group(1)) < Version("2.3.0"):
                    fresh = content_hash(pyproject, with_dependency_groups=False) == locked
            except InvalidVersion:
                pass
    except (TypeError, ValueError) as err:  # a TOML date or time: JSON has none, poetry fails too
        return "", f"pyproject.toml: content-hash not recomputed ({err}); staleness not judged"
    return ("" if fresh else f"{STALE} (pyproject.toml changed since poetry.lock was generated)"), ""


def _optional_groups(pyproject: dict[str, Any]) -> set[str]:
    """Return the groups pyproject.toml marks `optional = true` (poetry sync leaves them out)."""
    groups = table(table(table(pyproject, "tool"), "poetry"), "group")
    return {
        canonical_name(name)
        for name, spec in groups.items()
        if isinstance(spec, dict) and spec.get("optional") is True
    }


def _string(path: Path, value: Any, what: str, line: int, column: int) -> str:
    """Return a string field or raise a located error."""
    if isinstance(value, str) and value:
        return value
    raise EnvFileError(path, f"{what} must be a non-empty string, got {type(value).__name__}", line, column)


class _Markers:
    """Marker verdicts for one environment, each marker text evaluated once (locks repeat them)."""

    def __init__(self, python_version: str | None) -> None:
        self.env = {**marker_environment(python_version), "extra": ""}  # no extra is asked for
        self.verdicts: dict[str, bool] = {}

    def holds(self, marker: str) -> bool:
        """Return whether a marker is true here (InvalidMarker and the like propagate)."""
        if marker not in self.verdicts:
            self.verdicts[marker] = Marker(marker).evaluate(self.env)
        return self.verdicts[marker]


def _marker_true(
    path: Path, entry: dict[str, Any], groups: set[str], env: _Markers, where: tuple[int, int]
) -> tuple[bool, str]:
    """Return whether an active group's marker holds for the environment, and a warning if unreadable."""
    raw = entry.get("markers", "*")
    markers: list[Any]
    if isinstance(raw, str):
        markers = [raw]
    elif isinstance(raw, dict):
        markers = [raw.get(group, "*") for group in groups]
    else:
        raise EnvFileError(path, f"markers must be a string or a table, got {type(raw).__name__}", *where)
    for marker in markers:
        if not isinstance(marker, str):
            raise EnvFileError(path, f"a marker must be a string, got {type(marker).__name__}", *where)
        if marker.strip() in ("", "*"):
            return True, ""
        try:
            if env.holds(marker):
                return True, ""
        except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName) as err:
            return True, f"{path.name}:{where[0]}: marker {marker!r} not understood ({err}); taken as true"
    return False, ""


def _source(entry: dict[str, Any]) -> tuple[str, str]:
    """Return (url, loose reason) of a package's `[package.source]`."""
    source = entry.get("source")
    if not isinstance(source, dict):
        return "", ""
    kind, url = source.get("type"), source.get("url")
    url = url if isinstance(url, str) else ""
    if kind == "directory" and entry.get("develop") is True:
        return url, f"editable install of {url}"
    if kind == "git":
        reference = source.get("resolved_reference") or source.get("reference")
        return (f"git+{url}@{reference}" if isinstance(reference, str) else f"git+{url}"), ""
    return url, ""


def _root(manifest: Path, text: str, pyproject: dict[str, Any]) -> Locked | None:
    """Return the project itself, installed editable by `poetry sync` in package mode."""
    tool_poetry = table(table(pyproject, "tool"), "poetry")
    if tool_poetry.get("package-mode") is False:
        return None
    project = table(pyproject, "project")
    header, name = (
        (("project",), project.get("name"))
        if "name" in project
        else (("tool", "poetry"), tool_poetry.get("name"))
    )
    if not isinstance(name, str) or not name:
        return None
    version = project.get("version") if header == ("project",) else tool_poetry.get("version")
    line, column = table_key_places(text, header).get("name", (1, 1))
    return Locked(
        name=canonical_name(name),
        version=version if isinstance(version, str) else "",
        source="pip",
        file=str(manifest),
        line=line,
        column=column,
        loose="editable install of the project",
    )


def read_poetry_lock(path: Path, target: Target) -> Lock:
    """Read poetry.lock into the packages `poetry sync` installs into the target environment."""
    text, data = read_toml(path, "poetry.lock", unused=_FILES)
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        raise EnvFileError(path, "has no [metadata] table; poetry cannot read it (run `poetry lock`)")
    manifest = path.parent / "pyproject.toml"
    manifest_text, pyproject, warning = read_sibling(manifest, "pyproject.toml")
    warnings = [warning] if warning else []
    stale = ""
    if pyproject is not None:
        stale, warning = _stale(text, metadata, pyproject)
        warnings += [warning] if warning else []
    version = str(metadata.get("lock-version", ""))
    try:
        parsed = Version(version)
    except InvalidVersion:
        raise EnvFileError(path, f"lock-version {version!r} is not a version poetry reads") from None
    if parsed.major not in (1, 2):  # what poetry reads: >=1,<3
        raise EnvFileError(path, f"lock-version {version} is not read (poetry reads 1.x and 2.x)")
    base = Lock(path=str(path), tool="poetry", keep=PRESERVED, stale=stale, warnings=tuple(warnings))
    if parsed < Version("2.1"):
        return replace(
            base,
            unjudged=f"lock-version {version} has no groups per package: poetry "
            "re-resolves it to install; not judged (`poetry lock` rewrites it)",
        )
    entries = data.get("package", [])
    if not isinstance(entries, list):
        raise EnvFileError(path, "package must be an array of [[package]] tables")
    places = package_places(text)
    by_name = {canonical_name(n): (line, column) for n, line, column in reversed(places)}
    optional = _optional_groups(pyproject or {})
    env = _Markers(target.python_version)
    packages: list[Locked] = []
    for index, entry in enumerate(entries):
        line, column = places[index][1:] if index < len(places) else (1, 1)
        if not isinstance(entry, dict):
            raise EnvFileError(
                path, f"a [[package]] must be a table, got {type(entry).__name__}", line, column
            )
        name = canonical_name(_string(path, entry.get("name"), "name", line, column))
        if index >= len(places) or canonical_name(places[index][0]) != name:  # the text scan lost count
            line, column = by_name.get(name, (line, column))
        groups = entry.get("groups")
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise EnvFileError(path, f"{name}: groups must be a list of strings", line, column)
        active = {g for g in groups if canonical_name(g) not in optional}
        if not active:
            continue
        wanted, warning = _marker_true(path, entry, active, env, (line, column))
        warnings += [warning] if warning else []
        if not wanted:
            continue
        url, loose = _source(entry)
        packages.append(
            Locked(
                name=name,
                version=_string(path, entry.get("version"), f"{name}: version", line, column),
                source="pip",
                file=str(path),
                line=line,
                column=column,
                url=url,
                loose=loose,
            )
        )
    root = _root(manifest, manifest_text, pyproject) if pyproject is not None else None
    keep = PRESERVED | ({root.name} if root else _project_name(pyproject))
    if root and root.name not in {p.name for p in packages}:
        packages.append(root)
    return replace(base, packages=tuple(packages), keep=keep, warnings=tuple(warnings))


def _project_name(pyproject: dict[str, Any] | None) -> set[str]:
    """Return the project's name (poetry sync never removes it, even outside package mode)."""
    project, tool_poetry = table(pyproject, "project"), table(table(pyproject, "tool"), "poetry")
    name = project.get("name", tool_poetry.get("name"))
    return {canonical_name(name)} if isinstance(name, str) and name else set()
