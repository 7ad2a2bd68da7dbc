"""`[tool.poetry]` dependency tables of pyproject.toml: what poetry installs by default, each at its key.

A classic poetry project declares what it installs in `[tool.poetry.dependencies]`, its groups in
`[tool.poetry.group.<name>.dependencies]` (each counts unless `optional = true`, with the groups it
`include-groups`) and the legacy `[tool.poetry.dev-dependencies]` (group `dev`). With `[project]
dependencies`, poetry 2 takes `[tool.poetry.dependencies]` only as more constraints or a source for
those: a name only there is ignored. Entries convert to pip lines in poetryspec.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..base.budget import current
from ..base.distname import canonical_name
from ..base.errors import EnvFileError
from .poetryspec import SOURCES, entry_lines
from .reqfile import Requirement
from .specs import PipSpec, parse_pip


class Manifest(Protocol):
    """What is read here of a parsed pyproject.toml (pyproject.Manifest): its tables and places."""

    @property
    def path(self) -> Path:
        """Return the file's path."""

    @property
    def data(self) -> dict[str, Any]:
        """Return the parsed tables."""

    @property
    def places(self) -> dict[tuple[str, ...], list[tuple[int, int]]]:
        """Return where each array item is written."""

    def key_place(self, key: tuple[str, ...]) -> tuple[int, int]:
        """Return where a key is written."""


__all__ = ["poetry_entries", "poetry_requirements"]


class Misplaced(ValueError):
    """A wrong value in poetry's tables, with the key path where it is written."""

    def __init__(self, key: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.key = key


Entry = tuple[tuple[str, ...], str, Any]  # (key path of the table, package name, its value)


def _table(data: dict[str, Any], key: tuple[str, ...]) -> dict[str, Any]:
    """Return a nested table ({} when absent); another type is Misplaced at its key."""
    value: Any = data
    for depth, part in enumerate(key):
        value = value.get(part, {})
        if not isinstance(value, dict):
            raise Misplaced(key[: depth + 1], f"`{'.'.join(key[: depth + 1])}` must be a table")
    return value  # type: ignore[no-any-return]


def poetry_entries(data: dict[str, Any]) -> list[Entry]:
    """Return the entries poetry installs by default from `[tool.poetry]`: main, then the groups.

    A group counts unless `optional = true`, with the groups it includes (`include-groups`); a group
    `[dependency-groups]` also names is that list's (`[tool.poetry.group]` only adds constraints).
    """
    tool: tuple[str, ...] = ("tool", "poetry")
    out: list[Entry] = []
    out += [(tool + ("dependencies",), n, v) for n, v in _table(data, tool + ("dependencies",)).items()]
    groups = _table(data, tool + ("group",))
    pep735 = {_canonical(name) for name in _table(data, ("dependency-groups",))}
    by_name = {_canonical(name): name for name in groups}
    chosen: list[str] = []
    for name in groups:
        config = _table(data, tool + ("group", name))
        if config.get("optional", False) is not True:
            _include(data, name, by_name, chosen, ())
    legacy = (
        "dev" not in by_name or _table(data, tool + ("group", by_name["dev"])).get("optional") is not True
    )
    for name in chosen:
        if _canonical(name) not in pep735:
            key = tool + ("group", name, "dependencies")
            out += [(key, n, v) for n, v in _table(data, key).items()]
    if legacy and "dev" not in pep735:
        key = tool + ("dev-dependencies",)
        out += [(key, n, v) for n, v in _table(data, key).items()]
    return out


def _canonical(name: str) -> str:
    """Return a group name as poetry compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _include(
    data: dict[str, Any], name: str, by_name: dict[str, str], chosen: list[str], chain: tuple[str, ...]
) -> None:
    """Add a group and the groups it includes (once each; a cycle or an unknown group is Misplaced)."""
    key = ("tool", "poetry", "group", name)
    if name in chain:
        raise Misplaced(key, f"poetry groups include each other: {' -> '.join((*chain, name))}")
    if name in chosen:
        return
    if len(chain) >= 64:
        raise Misplaced(key, "poetry groups include each other more than 64 deep; not read")
    chosen.append(name)
    includes = _table(data, key).get("include-groups", [])
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise Misplaced(key + ("include-groups",), "`include-groups` must be a list of group names")
    for include in includes:
        target = by_name.get(_canonical(include))
        if target is None:
            raise Misplaced(
                key + ("include-groups",), f"group `{name}` includes `{include}`, which is not a group"
            )
        _include(data, target, by_name, chosen, (*chain, name))


Enricher = Callable[[PipSpec], tuple[PipSpec, str]]


def poetry_requirements(manifest: Manifest, main: bool) -> tuple[list[Requirement], dict[str, Enricher]]:
    """Return the requirements of `[tool.poetry]` poetry installs by default, each at its key.

    With `[project] dependencies`, poetry takes `[tool.poetry.dependencies]` only as more
    constraints (or a source) on those: returned as an enricher for each such name.
    """
    budget = current()
    try:
        entries = poetry_entries(manifest.data)
    except Misplaced as err:
        raise EnvFileError(manifest.path, str(err), *manifest.key_place(err.key)) from None
    requirements: list[Requirement] = []
    enrich: dict[str, Enricher] = {}
    for key, name, value in entries:
        if name.lower() == "python":  # the Python the project runs on (as requires-python): not a package
            continue
        line, column = manifest.key_place((*key, name))
        budget.add_entries(manifest.path, 1, line)
        try:
            lines = entry_lines(name, value)
            specs = [PipSpec(t, canonical_name(name), None, s) if s else parse_pip(t) for t, s in lines]
        except ValueError as err:
            raise EnvFileError(manifest.path, f"{name}: {err}", line, column) from None
        if key[-1] == "dependencies" and len(key) == 3 and not main:
            enrich[canonical_name(name)] = functools.partial(_enriched, manifest.path.name, value, specs)
            continue
        places = manifest.places.get((*key, name), []) if isinstance(value, list) else []
        for index, spec in enumerate(specs):
            at = places[index] if index < len(places) else (line, column)
            requirements.append(Requirement(spec, "pip", str(manifest.path), *at))
    return requirements, enrich


def _enriched(file: str, value: Any, specs: list[PipSpec], spec: PipSpec) -> tuple[PipSpec, str]:
    """Return a `[project]` requirement with the constraint `[tool.poetry.dependencies]` adds, or why not."""
    where = f"{file}: [tool.poetry.dependencies] {spec.name}"
    if not specs:  # `optional = true`: no constraint for what the project asks
        return spec, ""
    if isinstance(value, dict) and any(key in value for key in SOURCES):
        return PipSpec(spec.raw, spec.name, None, specs[0].skip), ""  # poetry installs it from there
    extra = specs[0].requirement if len(specs) == 1 else None
    if spec.requirement is None or extra is None or extra.marker is not None:
        return spec, f"{where} adds a constraint with markers or alternatives: not judged"
    requirement = copy.copy(spec.requirement)
    requirement.specifier = requirement.specifier & extra.specifier
    return parse_pip(str(requirement)), ""
