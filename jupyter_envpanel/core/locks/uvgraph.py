"""uv.lock's package graph, walked as `uv sync` walks it for one environment.

A dependency names a package by name (and version and source when the lock holds several of one
name); a walk follows `dependencies` whose marker is true, the extras a dependency asks for, and a
project's default groups (`[package.dev-dependencies]`, chosen as the lock records them).
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ..base.distname import canonical_name
from ..base.errors import EnvFileError, excerpt
from ..requirements.tomlplaces import package_places

#: A package name as PEP 508 allows it (what uv writes; anything else is not a uv.lock's).
_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")


def _said(name: str) -> str:
    """Return a name as a message shows it: as written when valid, else a quoted excerpt."""
    return name if _NAME.fullmatch(name) else excerpt(name, 60)


__all__ = ["Graph", "lock_default_groups", "root_projects", "walk", "workspace_groups"]


class Graph:
    """The `[[package]]` tables of a uv.lock, looked up as uv resolves a dependency to a package."""

    def __init__(self, path: Path, text: str, packages: list[Any]) -> None:
        self.path = path
        places = package_places(text)
        self.places = places if len(places) == len(packages) else [("", 1, 1)] * len(packages)
        self.packages: list[dict[str, Any]] = []
        self.by_name: dict[str, list[int]] = {}
        for index, package in enumerate(packages):
            if not isinstance(package, dict) or not isinstance(package.get("name"), str):
                raise self.error(index, "a [[package]] needs a `name` string")
            if not _NAME.fullmatch(package["name"]):
                raise self.error(index, f"invalid package name {excerpt(package['name'], 60)}")
            version = package.get("version", "")
            if not isinstance(version, str) or not version.isprintable():
                raise self.error(index, f"`version` of {package['name']} must be a printable string")
            if not isinstance(package.get("source", {}), dict):
                raise self.error(index, f"`source` of {package['name']} must be a table")
            self.packages.append(package)
            self.by_name.setdefault(canonical_name(package["name"]), []).append(index)

    def error(self, index: int, detail: str) -> EnvFileError:
        """Return an error located at the index-th package."""
        _, line, column = self.places[index] if index < len(self.places) else ("", 1, 1)
        return EnvFileError(self.path, detail, line, column)

    def find(self, owner: int, dependency: Any) -> int:
        """Return the package a dependency entry names (by name, then version and source)."""
        if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
            raise self.error(owner, f"a dependency of {self.packages[owner]['name']} needs a `name` string")
        candidates = self.by_name.get(canonical_name(dependency["name"]), [])
        for key in ("version", "source"):
            if key in dependency and len(candidates) > 1:
                candidates = [i for i in candidates if self.packages[i].get(key) == dependency[key]]
        if len(candidates) != 1:
            what = "is not a package" if not candidates else "names more than one package"
            owner_name = self.packages[owner]["name"]
            raise self.error(
                owner, f"dependency {_said(dependency['name'])} of {owner_name} {what} of the lock"
            )
        return candidates[0]

    def entries(self, owner: int, table: str, key: str | None) -> list[Any]:
        """Return the dependency entries of a package: `dependencies`, or one extra / group of a table."""
        package = self.packages[owner]
        value = package.get(table, [] if key is None else {})
        if key is not None:
            if not isinstance(value, dict):
                raise self.error(owner, f"`{table}` of {package['name']} must be a table")
            value = value.get(key, [])
        if not isinstance(value, list):
            raise self.error(owner, f"`{table}` of {package['name']} must be a list")
        return value


def _marker_true(graph: Graph, owner: int, dependency: dict[str, Any], env: dict[str, str]) -> bool:
    """Return whether a dependency's marker is true for the environment (no marker: true)."""
    if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
        raise graph.error(owner, f"a dependency of {graph.packages[owner]['name']} needs a `name` string")
    text = dependency.get("marker")
    if text is None:
        return True
    try:
        return Marker(str(text)).evaluate(env)
    except (InvalidMarker, TypeError) as err:
        raise graph.error(
            owner, f"invalid marker {str(text)[:80]!r} on {_said(dependency['name'])}: {err}"
        ) from None


def root_projects(graph: Graph, data: dict[str, Any]) -> list[int]:
    """Return the project at the lock's folder, or every workspace member when there is none."""
    here = [
        index
        for index, package in enumerate(graph.packages)
        if package.get("source", {}).get("editable") == "." or package.get("source", {}).get("virtual") == "."
    ]
    if here:
        return here
    manifest = data.get("manifest", {})
    members = manifest.get("members", []) if isinstance(manifest, dict) else []
    if not isinstance(members, list):
        raise EnvFileError(graph.path, "`manifest.members` must be a list", 1, 1)
    names = [canonical_name(m) for m in members if isinstance(m, str)]
    return [i for name in names for i in graph.by_name.get(name, [])]


def walk(graph: Graph, roots: list[int], env: dict[str, str], starts: list[tuple[int, str]]) -> set[int]:
    """Return the packages reached from the roots (their default groups too) for this environment."""
    seen: set[tuple[int, str]] = set()
    queue: deque[tuple[int, str]] = deque([*((root, "") for root in roots), *starts])
    for root in roots:
        for group in lock_default_groups(graph, root):
            for dependency in graph.entries(root, "dev-dependencies", group):
                if _marker_true(graph, root, dependency, env):
                    _enqueue(graph, root, dependency, queue)
    while queue:
        index, extra = queue.popleft()
        if (index, extra) in seen:
            continue
        seen.add((index, extra))
        entries = (
            graph.entries(index, "optional-dependencies", extra)
            if extra
            else graph.entries(index, "dependencies", None)
        )
        for dependency in entries:
            if _marker_true(graph, index, dependency, env):
                _enqueue(graph, index, dependency, queue)
    return {index for index, _ in seen}


def workspace_groups(
    graph: Graph, data: dict[str, Any], chosen: str | tuple[str, ...], env: dict[str, str]
) -> list[tuple[int, str]]:
    """Return the packages (and extras) the default groups of a workspace root without a project ask for.

    uv locks such a root's `[dependency-groups]` as requirements under `[manifest.dependency-groups]`.
    """
    manifest = data.get("manifest", {})
    tables = manifest.get("dependency-groups", {}) if isinstance(manifest, dict) else {}
    if not isinstance(tables, dict):
        raise EnvFileError(graph.path, "`manifest.dependency-groups` must be a table", 1, 1)
    starts: list[tuple[int, str]] = []
    for group, entries in tables.items():
        if chosen != "all" and canonical_name(group) not in chosen:
            continue
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise EnvFileError(
                    graph.path, f"an entry of group {_said(group)} needs a `name` string", 1, 1
                )
            try:
                if "marker" in entry and not Marker(str(entry["marker"])).evaluate(env):
                    continue
                wanted = SpecifierSet(str(entry.get("specifier", "")))
            except (InvalidMarker, InvalidSpecifier) as err:
                raise EnvFileError(
                    graph.path, f"group {_said(group)}, {_said(entry['name'])}: {err}", 1, 1
                ) from None
            found = [
                i
                for i in graph.by_name.get(canonical_name(entry["name"]), [])
                if wanted.contains(str(graph.packages[i].get("version", "0")), prereleases=True)
            ]
            if not found:
                raise EnvFileError(
                    graph.path,
                    f"group {_said(group)} asks for {_said(entry['name'])}, not a package of the lock",
                    1,
                    1,
                )
            extras = entry.get("extras", [])
            starts += [(found[0], "")] + [
                (found[0], canonical_name(str(e))) for e in extras if isinstance(extras, list)
            ]
    return starts


def lock_default_groups(graph: Graph, index: int) -> list[str]:
    """Return the groups `uv sync` installs for a project by default, as the lock records them.

    uv writes a project's `[tool.uv] default-groups` into its `[[package]]` unless it is `["dev"]`.
    """
    package = graph.packages[index]
    chosen = package.get("default-groups", ["dev"])
    groups = package.get("dev-dependencies", {})
    groups = groups if isinstance(groups, dict) else {}
    if chosen == "all":
        return sorted(groups)
    if not isinstance(chosen, list):
        raise graph.error(index, f'`default-groups` of {package["name"]} must be a list or "all"')
    wanted = {canonical_name(str(g)) for g in chosen}
    return [name for name in groups if canonical_name(name) in wanted]


def _enqueue(graph: Graph, owner: int, dependency: dict[str, Any], queue: deque[tuple[int, str]]) -> None:
    """Queue a dependency's package and each extra it asks for."""
    found = graph.find(owner, dependency)
    queue.append((found, ""))
    extras = dependency.get("extra", [])
    if not isinstance(extras, list):
        raise graph.error(owner, f"`extra` of dependency {_said(dependency['name'])} must be a list")
    queue.extend((found, canonical_name(str(extra))) for extra in extras)
