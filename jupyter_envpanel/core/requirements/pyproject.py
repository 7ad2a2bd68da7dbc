"""pyproject.toml as a manifest: PEP 621 dependencies and the default PEP 735 dependency groups.

What a project installs by default (`uv sync`, `pip install -e . --group dev`): `[project]
dependencies`, and the default groups of `[dependency-groups]` (`dev`, unless `[tool.uv]
default-groups` says otherwise) with their `{include-group = "..."}`, and uv's legacy `[tool.uv]
dev-dependencies` (part of `dev`). Optional dependencies (extras) are not installed by default:
not read. Each entry remembers the file, line and column of its string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..base.budget import current
from ..base.distname import canonical_name
from ..base.errors import EnvFileError
from .envfile import EnvFile
from .poetrydeps import poetry_requirements
from .reqfile import Requirement, read_text
from .specs import parse_pip
from .target import Target
from .tomlfile import parse_text
from .tomlplaces import Place, Places, array_places, key_places

__all__ = ["DependencyList", "Manifest", "load_manifest", "parse_located", "read_pyproject"]

#: How deep `{include-group = ...}` may nest, and how many requirements one group may expand to.
MAX_INCLUDES, MAX_GROUP_ITEMS = 64, 10_000


@dataclass(frozen=True)
class DependencyList:
    """One list of requirement strings of a pyproject.toml, with the place of each."""

    key: tuple[str, ...]  # where it is: ("project", "dependencies"), ("dependency-groups", "dev")
    items: tuple[tuple[str, int, int], ...]  # (requirement, line, column)


@dataclass(frozen=True)
class Manifest:
    """The parts of a pyproject.toml that say what a project installs."""

    path: Path
    data: dict[str, Any]
    text: str

    @cached_property
    def places(self) -> Places:
        """Return where each array item is written (scanned on first use)."""
        return array_places(self.text)

    @cached_property
    def keys(self) -> dict[tuple[str, ...], Place]:
        """Return where each key and table header is written (scanned on first use)."""
        return key_places(self.text)

    def key_place(self, key: tuple[str, ...]) -> Place:
        """Return where a key is written: its line, else the first key under it, else its table's."""
        for depth in range(len(key), 0, -1):
            found = self.keys.get(key[:depth]) or min(
                (p for k, p in self.keys.items() if k[:depth] == key[:depth]), default=None
            )
            if found:
                return found
        return (1, 1)

    def table(self, *keys: str) -> dict[str, Any]:
        """Return a nested table, {} when absent; a value of another type is an error."""
        value: Any = self.data
        for depth, key in enumerate(keys):
            value = value.get(key, {})
            if not isinstance(value, dict):
                where = ".".join(keys[: depth + 1])
                raise EnvFileError(
                    self.path, f"`{where}` must be a table, got {_kind(value)}", *self.place(())
                )
        return value  # type: ignore[no-any-return]

    def place(self, key: tuple[str, ...], index: int = -1) -> tuple[int, int]:
        """Return where an array (or its index-th item) is written; (1, 1) when not found."""
        items = self.places.get(key, [])
        if 0 <= index < len(items):
            return items[index]
        return (1, 1)

    def strings(self, key: tuple[str, ...], value: Any) -> DependencyList:
        """Return a list of requirement strings with their places; other types are errors."""
        if not isinstance(value, list):
            raise EnvFileError(self.path, f"`{'.'.join(key)}` must be a list, got {_kind(value)}", 1, 1)
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise EnvFileError(
                    self.path,
                    f"`{'.'.join(key)}` items must be strings, got {_kind(item)}",
                    *self.place(key, index),
                )
            items.append((item, *self.place(key, index)))
        return DependencyList(key, tuple(items))

    def dependencies(self) -> DependencyList:
        """Return `[project] dependencies`."""
        return self.strings(("project", "dependencies"), self.table("project").get("dependencies", []))

    def optional(self) -> dict[str, DependencyList]:
        """Return `[project.optional-dependencies]` by extra name."""
        extras = self.table("project", "optional-dependencies")
        return {
            name: self.strings(("project", "optional-dependencies", name), v) for name, v in extras.items()
        }

    def groups(self) -> dict[str, DependencyList]:
        """Return every dependency group (includes followed, legacy dev-dependencies in `dev`), by name."""
        tables = self.table("dependency-groups")
        by_name: dict[str, str] = {canonical_name(name): name for name in tables}
        done: dict[str, DependencyList] = {}
        out: dict[str, DependencyList] = {
            canonical_name(name): self._group(name, tables, by_name, (), done) for name in tables
        }
        legacy = self.table("tool", "uv").get("dev-dependencies")
        if legacy is not None:
            old = self.strings(("tool", "uv", "dev-dependencies"), legacy)
            dev = out.get("dev", DependencyList(old.key, ()))
            out["dev"] = DependencyList(dev.key, dev.items + old.items)
        return out

    def _group(
        self,
        name: str,
        tables: dict[str, Any],
        by_name: dict[str, str],
        chain: tuple[str, ...],
        done: dict[str, DependencyList],
    ) -> DependencyList:
        """Return one group's requirements, its `{include-group = ...}` expanded (cycles refused)."""
        if name in done:
            return done[name]
        key = ("dependency-groups", name)
        value = tables[name]
        if not isinstance(value, list):
            raise EnvFileError(
                self.path, f"dependency group `{name}` must be a list, got {_kind(value)}", 1, 1
            )
        items: list[tuple[str, int, int]] = []
        for index, item in enumerate(value):
            line, column = self.place(key, index)
            if isinstance(item, str):
                items.append((item, line, column))
                continue
            include = item.get("include-group") if isinstance(item, dict) else None
            if not isinstance(include, str) or len(item) != 1:
                detail = f'dependency group `{name}` items must be strings or {{include-group = "..."}}'
                raise EnvFileError(self.path, f"{detail}, got {_kind(item)}", line, column)
            target = by_name.get(canonical_name(include))
            if target is None:
                raise EnvFileError(
                    self.path,
                    f"dependency group `{name}` includes `{include}`, which is not a group",
                    line,
                    column,
                )
            if target in chain or target == name:
                cycle = " -> ".join((*chain, name, target))
                raise EnvFileError(self.path, f"dependency groups include each other: {cycle}", line, column)
            if len(chain) >= MAX_INCLUDES:
                detail = f"dependency groups include each other more than {MAX_INCLUDES} deep; not read"
                raise EnvFileError(self.path, detail, line, column)
            items.extend(self._group(target, tables, by_name, (*chain, name), done).items)
            if len(items) > MAX_GROUP_ITEMS:
                detail = f"dependency group `{name}` holds more than {MAX_GROUP_ITEMS} requirements; not read"
                raise EnvFileError(self.path, detail, line, column)
        done[name] = DependencyList(key, tuple(items))
        return done[name]

    def default_groups_setting(self) -> str | tuple[str, ...]:
        """Return `[tool.uv] default-groups` as uv compares it: "all", or the sorted normalised names."""
        chosen = self.table("tool", "uv").get("default-groups", ["dev"])
        if chosen == "all":
            return "all"
        if not isinstance(chosen, list) or not all(isinstance(g, str) for g in chosen):
            raise EnvFileError(self.path, '`tool.uv.default-groups` must be a list of names or "all"', 1, 1)
        return tuple(sorted({canonical_name(g) for g in chosen}))

    def default_groups(self) -> list[str]:
        """Return the groups installed by default: `[tool.uv] default-groups`, else `dev` (normalised)."""
        groups = self.groups()
        chosen = self.default_groups_setting()
        return sorted(groups) if chosen == "all" else [g for g in chosen if g in groups]


def _kind(value: Any) -> str:
    """Name a TOML value's type, for an error message."""
    names = {
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), f"a {type(value).__name__}")


def load_manifest(path: Path) -> Manifest:
    """Read and parse a pyproject.toml; every problem raises EnvFileError with where it is."""
    budget = current()
    budget.open_file(path)
    text = read_text(path, "project file")
    budget.read(path, len(text))
    return Manifest(path, parse_located(path, text), text)


def parse_located(path: Path, text: str, unused: re.Pattern[str] | None = None) -> dict[str, Any]:
    """Parse TOML text; a broken file raises EnvFileError at the parser's line and column."""
    return parse_text(path, text, "", unused)


def read_pyproject(path: Path, target: Target) -> EnvFile:
    """Return what a pyproject.toml installs by default: dependencies and the default groups.

    Markers are kept on each entry and judged by drift for the environment (`target`).
    """
    manifest = load_manifest(Path(path))
    project = manifest.table("project")
    warnings: list[str] = []
    dynamic = project.get("dynamic", [])
    main = not project.get("dependencies")  # poetry reads [tool.poetry.dependencies] then
    poetry, enrich = poetry_requirements(manifest, main)
    has_poetry_main = bool(manifest.table("tool", "poetry").get("dependencies"))
    if isinstance(dynamic, list) and "dependencies" in dynamic and not has_poetry_main:
        warnings.append(
            f"{manifest.path.name}: [project] dependencies are dynamic (set by the build backend): not judged"
        )
    lists = [manifest.dependencies()]
    groups = manifest.groups()
    lists += [groups[name] for name in manifest.default_groups()]
    budget = current()
    requirements = []
    for dependency_list in lists:
        for text, line, column in dependency_list.items:
            budget.add_entries(manifest.path, 1, line)
            try:
                spec = parse_pip(text)
            except ValueError as err:
                raise EnvFileError(manifest.path, str(err), line, column) from None
            if dependency_list.key == ("project", "dependencies") and spec.name in enrich:
                spec, warning = enrich.pop(spec.name)(spec)
                warnings += [warning] if warning else []
            requirements.append(Requirement(spec, "pip", str(manifest.path), line, column))
    requirements += poetry
    warnings += [
        f"{manifest.path.name}: [tool.poetry.dependencies] {name} is not in [project] dependencies:"
        " poetry ignores it"
        for name in enrich
    ]
    name = project.get("name")
    return EnvFile(
        str(manifest.path),
        name if isinstance(name, str) else None,
        (),
        tuple(requirements),
        tuple(warnings),
    )
