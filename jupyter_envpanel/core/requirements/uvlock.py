"""uv.lock read as `uv sync` installs it by default: the set of packages one environment must hold.

From the workspace's root project (or every `[manifest] members` of a workspace without one), the
graph is walked along `dependencies` whose marker is true for the environment's Python, the extras a
dependency asks for, and the default dependency groups (`dev`, unless `[tool.uv] default-groups`
says otherwise). The project itself is an editable install (presence only) or, when virtual, not
installed. `uv sync` removes every other package, except pip, setuptools and wheel in a venv it did
not create itself (`python -m venv`, `uv venv --seed`).
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from ..base.budget import current
from ..base.errors import EnvFileError
from ..base.safe_read import UnreadableFile
from ..base.safe_read import read_text as safe_read_text
from .locks import Lock, Locked, Target, toml_package_places
from .pyproject import Manifest, load_manifest, parse_located
from .reqfile import read_text
from .specs import marker_environment
from .uvstale import stale_reason

__all__ = ["SEED_PACKAGES", "read_uv_lock", "sync_keeps"]

#: The lock versions this reader knows (uv writes `version = 1`, with a `revision` it may bump).
KNOWN_VERSIONS = (1,)
#: What `uv sync` leaves installed in a venv it did not create without seeds.
SEED_PACKAGES = frozenset({"pip", "setuptools", "wheel"})


def sync_keeps(prefix: Path | None) -> frozenset[str]:
    """Return what `uv sync` leaves alone in a prefix: nothing in a venv `uv venv` made without --seed."""
    if prefix is None:
        return SEED_PACKAGES
    try:
        text = safe_read_text(prefix / "pyvenv.cfg", "pyvenv.cfg", errors="replace")
    except (OSError, UnreadableFile):
        return SEED_PACKAGES
    keys = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            keys[key.strip().lower()] = value.strip().lower()
    made_by_uv = "uv" in keys
    return SEED_PACKAGES if not made_by_uv or keys.get("seed") == "true" else frozenset()


class _Graph:
    """The `[[package]]` tables of a uv.lock, looked up as uv resolves a dependency to a package."""

    def __init__(self, path: Path, text: str, packages: list[Any]) -> None:
        self.path = path
        places = toml_package_places(text)
        self.places = places if len(places) == len(packages) else [("", 1, 1)] * len(packages)
        self.packages: list[dict[str, Any]] = []
        self.by_name: dict[str, list[int]] = {}
        for index, package in enumerate(packages):
            if not isinstance(package, dict) or not isinstance(package.get("name"), str):
                raise self.error(index, "a [[package]] needs a `name` string")
            for key in ("version",):
                if key in package and not isinstance(package[key], str):
                    raise self.error(index, f"`{key}` of {package['name']} must be a string")
            if not isinstance(package.get("source", {}), dict):
                raise self.error(index, f"`source` of {package['name']} must be a table")
            self.packages.append(package)
            self.by_name.setdefault(canonicalize_name(package["name"]), []).append(index)

    def error(self, index: int, detail: str) -> EnvFileError:
        """Return an error located at the index-th package."""
        _, line, column = self.places[index] if index < len(self.places) else ("", 1, 1)
        return EnvFileError(self.path, detail, line, column)

    def find(self, owner: int, dependency: Any) -> int:
        """Return the package a dependency entry names (by name, then version and source)."""
        if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
            raise self.error(owner, f"a dependency of {self.packages[owner]['name']} needs a `name` string")
        candidates = self.by_name.get(canonicalize_name(dependency["name"]), [])
        for key in ("version", "source"):
            if key in dependency and len(candidates) > 1:
                candidates = [i for i in candidates if self.packages[i].get(key) == dependency[key]]
        if len(candidates) != 1:
            what = "is not a package" if not candidates else "names more than one package"
            raise self.error(
                owner, f"dependency {dependency['name']} of {self.packages[owner]['name']} {what} of the lock"
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


def _marker_true(graph: _Graph, owner: int, dependency: dict[str, Any], env: dict[str, str]) -> bool:
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
            owner, f"invalid marker {str(text)[:80]!r} on {dependency['name']}: {err}"
        ) from None


def _roots(graph: _Graph, data: dict[str, Any]) -> list[int]:
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
    names = [canonicalize_name(m) for m in members if isinstance(m, str)]
    return [i for name in names for i in graph.by_name.get(name, [])]


def _locked(graph: _Graph, index: int) -> Locked | None:
    """Return what one package of the lock installs, or None for a virtual project (nothing installed)."""
    package = graph.packages[index]
    source = package.get("source", {})
    _, line, column = graph.places[index]
    name, version = canonicalize_name(package["name"]), package.get("version", "")
    loose, url = "", ""
    if "virtual" in source:
        return None
    if source.get("editable") == ".":
        loose = "editable install of the project"
    elif "editable" in source:
        loose = f"editable install of {source['editable']}"
    elif "directory" in source:
        loose = f"built from the local directory {source['directory']}"
    elif "path" in source:
        loose = f"installed from the local file {source['path']}"
    elif "git" in source:
        loose, url = f"installed from git {str(source['git'])[:200]}", str(source["git"])
    elif not version:
        loose = "the lock names no version (dynamic)"
    for key in ("registry", "url"):
        if key in source:
            url = str(source[key])
    loose = "".join(c if c.isprintable() else "?" for c in loose)  # it reaches terminals and the panel
    return Locked(name, version, "pip", str(graph.path), line, column, url=url, loose=loose)


def _walk(graph: _Graph, roots: list[int], env: dict[str, str], starts: list[tuple[int, str]]) -> set[int]:
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


def _workspace_groups(
    graph: _Graph, data: dict[str, Any], chosen: str | tuple[str, ...], env: dict[str, str]
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
        if chosen != "all" and canonicalize_name(group) not in chosen:
            continue
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise EnvFileError(graph.path, f"an entry of group {group} needs a `name` string", 1, 1)
            try:
                if "marker" in entry and not Marker(str(entry["marker"])).evaluate(env):
                    continue
                wanted = SpecifierSet(str(entry.get("specifier", "")))
            except (InvalidMarker, InvalidSpecifier) as err:
                raise EnvFileError(graph.path, f"group {group}, {entry['name']}: {err}", 1, 1) from None
            found = [
                i
                for i in graph.by_name.get(canonicalize_name(entry["name"]), [])
                if wanted.contains(str(graph.packages[i].get("version", "0")), prereleases=True)
            ]
            if not found:
                raise EnvFileError(
                    graph.path, f"group {group} asks for {entry['name']}, not a package of the lock", 1, 1
                )
            extras = entry.get("extras", [])
            starts += [(found[0], "")] + [
                (found[0], canonicalize_name(str(e))) for e in extras if isinstance(extras, list)
            ]
    return starts


def lock_default_groups(graph: _Graph, index: int) -> list[str]:
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
    wanted = {canonicalize_name(str(g)) for g in chosen}
    return [name for name in groups if canonicalize_name(name) in wanted]


def _enqueue(graph: _Graph, owner: int, dependency: dict[str, Any], queue: deque[tuple[int, str]]) -> None:
    """Queue a dependency's package and each extra it asks for."""
    found = graph.find(owner, dependency)
    queue.append((found, ""))
    extras = dependency.get("extra", [])
    if not isinstance(extras, list):
        raise graph.error(owner, f"`extra` of dependency {dependency['name']} must be a list")
    queue.extend((found, canonicalize_name(str(extra))) for extra in extras)


def _sibling_manifest(path: Path, warnings: list[str]) -> Manifest | None:
    """Return the pyproject.toml beside the lock, or None (said in warnings when unreadable)."""
    try:
        return load_manifest(path.parent / "pyproject.toml")
    except EnvFileError as err:
        if (path.parent / "pyproject.toml").exists():
            warnings.append(f"pyproject.toml not read ({err.detail}): whether uv.lock is stale is not judged")
        return None


def read_uv_lock(path: Path, target: Target, prefix: Path | None = None) -> Lock:
    """Return the packages `uv sync` installs from a uv.lock into the target environment by default.

    `prefix`: the environment judged, to learn which packages uv leaves alone there (see `sync_keeps`).
    """
    path = Path(path)
    text = read_text(path, "project file")
    budget = current()
    budget.open_file(path)
    budget.read(path, len(text))
    data = parse_located(path, text)
    version = data.get("version")
    if version not in KNOWN_VERSIONS:
        raise EnvFileError(
            path,
            f"uv.lock version {str(version)[:20]!r} is unknown here (known: 1): update jupyter-envpanel",
            1,
            1,
        )
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise EnvFileError(path, "`package` must be an array of tables", 1, 1)
    graph = _Graph(path, text, packages)
    warnings: list[str] = []
    manifest = _sibling_manifest(path, warnings)
    unjudged = _python_unjudged(path, data, target)
    env = marker_environment(target.python_version)
    roots = _roots(graph, data)
    starts: list[tuple[int, str]] = []
    if not any(
        graph.packages[i].get("source", {}).get(k) == "." for i in roots for k in ("editable", "virtual")
    ):
        chosen = manifest.default_groups_setting() if manifest is not None else ("dev",)
        starts = _workspace_groups(graph, data, chosen, env)
    reached = _walk(graph, roots, env, starts) if not unjudged else set()
    locked = [entry for index in sorted(reached) if (entry := _locked(graph, index)) is not None]
    stale = stale_reason(path, data, manifest) if manifest is not None else ""
    return Lock(
        str(path),
        "uv",
        packages=tuple(locked),
        keep=sync_keeps(prefix),
        stale=stale,
        unjudged=unjudged,
        warnings=tuple(warnings),
    )


def _python_unjudged(path: Path, data: dict[str, Any], target: Target) -> str:
    """Say so when the environment's Python is outside the lock's `requires-python`."""
    wanted = data.get("requires-python")
    if not isinstance(wanted, str) or not target.python_version:
        return ""
    try:
        if SpecifierSet(wanted).contains(target.python_version, prereleases=True):
            return ""
    except InvalidSpecifier:
        raise EnvFileError(path, f"invalid requires-python {wanted[:80]!r}", 1, 1) from None
    return f"uv.lock is for Python {wanted}; this environment has Python {target.python_version}"
