"""uv.lock read as `uv sync` installs it by default: the set of packages one environment must hold.

From the workspace's root project (or every `[manifest] members` of a workspace without one), the
graph is walked along `dependencies` whose marker is true for the environment's Python, the extras a
dependency asks for, and the default dependency groups (`dev`, unless `[tool.uv] default-groups`
says otherwise). The project itself is an editable install (presence only) or, when virtual, not
installed. `uv sync` removes every other package, except pip, setuptools and wheel (unless the venv
was made by `uv venv` without `--seed`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ..base.budget import current
from ..base.distname import canonical_name
from ..base.errors import EnvFileError, excerpt
from ..base.paths import check_beside
from ..base.safe_read import UnreadableFile
from ..base.safe_read import read_text as safe_read_text
from ..requirements.pyproject import Manifest, load_manifest, parse_located
from ..requirements.reqfile import read_text
from ..requirements.specs import marker_environment
from ..requirements.target import Target
from .model import Lock, Locked
from .uvgraph import Graph, root_projects, walk, workspace_groups
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


def _locked(graph: Graph, index: int) -> Locked | None:
    """Return what one package of the lock installs, or None for a virtual project (nothing installed)."""
    package = graph.packages[index]
    source = package.get("source", {})
    _, line, column = graph.places[index]
    name, version = canonical_name(package["name"]), package.get("version", "")
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


def _sibling_manifest(path: Path, warnings: list[str]) -> Manifest | None:
    """Return the pyproject.toml beside the lock, or None (said in warnings when unreadable)."""
    try:
        return load_manifest(check_beside(path.parent / "pyproject.toml"))
    except EnvFileError as err:
        reason = err.detail if (path.parent / "pyproject.toml").exists() else "no such file"
        warnings.append(f"pyproject.toml not read ({reason}): whether uv.lock is stale is not judged")
        return None


#: The archives uv.lock lists per package (never judged: an installed package keeps no archive):
#: left unparsed, as empty arrays, which halves the parse of a large lock.
ARTIFACTS = re.compile(r"^(wheels = )\[\n(?:[ \t]*\{[^\n]*\},?[ \t]*\n)*\]$", re.MULTILINE)


def read_uv_lock(path: Path, target: Target, prefix: Path | None = None) -> Lock:
    """Return the packages `uv sync` installs from a uv.lock into the target environment by default.

    `prefix`: the environment judged, to learn which packages uv leaves alone there (see `sync_keeps`).
    """
    path = Path(path)
    text = read_text(path, "project file")
    budget = current()
    budget.open_file(path)
    budget.read(path, len(text))
    data = parse_located(path, text, ARTIFACTS)
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
    graph = Graph(path, text, packages)
    warnings: list[str] = []
    manifest = _sibling_manifest(path, warnings)
    env = marker_environment(target.python_version)
    unjudged = _python_unjudged(path, data, target) or _platform_unjudged(path, data, env)
    roots = root_projects(graph, data)
    starts: list[tuple[int, str]] = []
    if not any(
        graph.packages[i].get("source", {}).get(k) == "." for i in roots for k in ("editable", "virtual")
    ):
        chosen = manifest.default_groups_setting() if manifest is not None else ("dev",)
        starts = workspace_groups(graph, data, chosen, env)
    reached = walk(graph, roots, env, starts) if not unjudged else set()
    locked = [entry for index in sorted(reached) if (entry := _locked(graph, index)) is not None]
    stale = ""
    if manifest is not None:
        try:
            stale = stale_reason(path, data, manifest)
        except EnvFileError as err:  # uv would refuse the project too: said, the lock still judged
            where = f"{Path(err.path).name}:{err.line}" if err.line else Path(err.path).name
            warnings.append(f"{where}: {err.detail}: whether uv.lock is stale is not judged")
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
    said = "".join(c if c.isprintable() else "?" for c in wanted[:80])
    return f"uv.lock is for Python {said}; this environment has Python {target.python_version}"


def _platform_unjudged(path: Path, data: dict[str, Any], env: dict[str, str]) -> str:
    """Say so when none of the environments the lock supports (`[tool.uv] environments`) is this one."""
    supported = data.get("supported-markers")
    if not isinstance(supported, list) or not supported:
        return ""
    try:
        if any(Marker(str(text)).evaluate(env) for text in supported):
            return ""
    except (InvalidMarker, TypeError) as err:
        raise EnvFileError(path, f"invalid supported-markers: {excerpt(str(err), 80)}", 1, 1) from None
    said = "".join(c if c.isprintable() else "?" for c in ", ".join(f"`{m}`" for m in supported)[:300])
    return f"uv.lock supports only {said}: not this environment (uv sync refuses it)"
