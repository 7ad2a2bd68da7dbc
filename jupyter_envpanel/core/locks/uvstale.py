"""Whether a uv.lock still satisfies its pyproject.toml, judged as `uv lock --check` judges it.

uv records each local project's requirements in the lock (`[package.metadata] requires-dist`,
`requires-dev`, `provides-extras`) and re-locks when the project's own no longer equal them. Equal
means as uv compares them: names normalised, versions by PEP 440, markers by meaning (uv simplifies
them against `requires-python`, so `python_version < '3.8'` and `false` are the same under
`>=3.10`), sources from `[tool.uv.sources]` by kind and path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ..base.distname import canonical_name
from ..base.errors import EnvFileError, excerpt
from ..base.paths import inside
from ..requirements.pyproject import Manifest, load_manifest
from .markergrid import grid, same_pythons, truth

__all__ = ["stale_reason"]

#: Local projects of a workspace compared at most (each is one more pyproject.toml read).
MAX_MEMBERS = 64
_LOCAL_KINDS = ("editable", "virtual", "directory")
#: (name, extras, specifier, source, marker, as written): a requirement as uv compares it.
Entry = tuple[str, frozenset[str], frozenset[tuple[str, Any]], tuple[str, str], str, str]


def _spec_key(text: str) -> frozenset[tuple[str, Any]]:
    """Return a specifier set as uv compares it: operators with versions equal by PEP 440."""
    out: set[tuple[str, Any]] = set()
    for spec in SpecifierSet(text):
        try:
            version: Any = Version(spec.version) if not spec.version.endswith("*") else spec.version
        except InvalidVersion:
            version = spec.version
        out.add((spec.operator, version))
    return frozenset(out)


def _relative(path: str, base: Path, root: Path) -> str:
    """Return a local source's path relative to the lock's folder, normalised."""
    return Path(os.path.normpath(os.path.relpath(base / path, root))).as_posix()


def _lock_source(entry: dict[str, Any]) -> tuple[str, str]:
    """Return the kind of source of a lock requirement, with its path for local kinds."""
    for kind in (*_LOCAL_KINDS, "path"):
        if kind in entry:
            return kind, Path(os.path.normpath(str(entry[kind]))).as_posix()
    for kind in ("git", "url", "index"):
        if kind in entry:
            return kind, ""
    return "registry", ""


def _manifest_source(source: Any, manifest: Manifest, root: Path) -> tuple[str, str]:
    """Return the kind of source a `[tool.uv.sources]` entry lowers to, as the lock writes it."""
    if not isinstance(source, dict):
        return "any", ""  # several sources with markers: not compared
    if "path" in source:
        target = manifest.path.parent / str(source["path"])
        relative = _relative(str(source["path"]), manifest.path.parent, root)
        if not target.is_dir():
            return "path", relative
        if source.get("editable") is True:
            return "editable", relative
        return ("virtual", relative) if source.get("package") is False else ("directory", relative)
    if source.get("workspace") is True:
        return "any", ""  # a member: editable unless said otherwise, at the member's path
    for kind in ("git", "url", "index"):
        if kind in source:
            return kind, ""
    return "registry", ""


def _lock_entries(entries: Any) -> list[Entry]:
    """Return a lock's `requires-dist` (or one group) as comparable tuples (marker kept as text)."""
    out: list[Entry] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        listed = entry.get("extras")
        extras = frozenset(canonical_name(str(e)) for e in (listed if isinstance(listed, list) else []))
        out.append(
            (
                canonical_name(entry["name"]),
                extras,
                _spec_key(str(entry.get("specifier", ""))),
                _lock_source(entry),
                str(entry.get("marker", "")),
                _display(entry),
            )
        )
    return out


def _display(entry: dict[str, Any]) -> str:
    """Return a lock requirement as a PEP 508 line, for a message (`alpha[x]==1.0; marker`)."""
    extras = entry.get("extras") or []
    text = str(entry["name"]) + (
        f"[{','.join(map(str, extras))}]" if isinstance(extras, list) and extras else ""
    )
    text += str(entry.get("specifier", ""))
    source = next((f" @ {k} {entry[k]}" for k in (*_LOCAL_KINDS, "path", "git", "url") if k in entry), "")
    return text + source + (f"; {entry['marker']}" if entry.get("marker") else "")


def _manifest_entries(texts: list[tuple[str, str]], manifest: Manifest, root: Path) -> list[Entry]:
    """Return requirement strings (each with the extra it belongs to, or "") as comparable tuples."""
    sources = manifest.table("tool", "uv").get("sources", {})
    sources = sources if isinstance(sources, dict) else {}
    by_name = {canonical_name(k): v for k, v in sources.items()}
    out: list[Entry] = []
    for text, extra in texts:
        try:
            req = Requirement(text)
        except InvalidRequirement as err:
            raise EnvFileError(manifest.path, f"invalid requirement {text[:80]!r}: {err}") from None
        name = canonical_name(req.name)
        marker = str(req.marker) if req.marker else ""
        if extra:
            marker = f"({marker}) and extra == '{extra}'" if marker else f"extra == '{extra}'"
        source = _manifest_source(by_name[name], manifest, root) if name in by_name else ("registry", "")
        if req.url:
            source = ("url", "")
        extras = frozenset(canonical_name(e) for e in req.extras)
        out.append((name, extras, _spec_key(str(req.specifier)), source, marker, text))
    return out


def _differs(lock: list[Entry], wanted: list[Entry], requires_python: str) -> list[str]:
    """Return, per name, how the manifest's requirements differ from the lock's (empty when equal)."""
    out = []
    by_name: dict[str, tuple[list[Entry], list[Entry]]] = {}
    for side, entries in enumerate((lock, wanted)):
        for entry in entries:
            by_name.setdefault(entry[0], ([], []))[side].append(entry)
    for name in sorted(by_name):
        ours, theirs = by_name[name]
        if any(e[3][0] == "any" for e in theirs):
            ours = [(*e[:3], ("any", ""), *e[4:]) for e in ours]
        if {e[:5] for e in ours} == {e[:5] for e in theirs}:
            continue  # the same, markers written alike too: no need to evaluate them
        points = grid([e[4] for e in ours + theirs], requires_python)
        keyed = {(*e[:4], truth(e[4], points)) for e in ours}
        if keyed == {(*e[:4], truth(e[4], points)) for e in theirs}:
            continue
        if not ours:
            out.append(f"{name} added")
        elif not theirs:
            out.append(f"{name} removed")
        else:
            was, now = " | ".join(e[5] for e in ours), " | ".join(e[5] for e in theirs)
            out.append(
                f"{name} changed ({excerpt(was, 80)} in uv.lock, {excerpt(now, 80)} in pyproject.toml)"
            )
    return out


def _compare(package: dict[str, Any], manifest: Manifest, root: Path, requires_python: str) -> list[str]:
    """Return what changed between one local project's lock metadata and its pyproject.toml."""
    project = manifest.table("project")
    dynamic = project.get("dynamic", [])
    dynamic = dynamic if isinstance(dynamic, list) else []
    metadata = package.get("metadata", {})
    metadata = metadata if isinstance(metadata, dict) else {}
    changes: list[str] = []
    version = project.get("version")
    if isinstance(version, str) and "version" not in dynamic and isinstance(package.get("version"), str):
        try:
            if Version(version) != Version(package["version"]):
                changes.append(f"version {package['version']} -> {version}")
        except InvalidVersion:
            changes.append(f"version {package['version']} -> {version[:40]}")
    if project and "dependencies" not in dynamic and "optional-dependencies" not in dynamic:
        texts = [(text, "") for text, _, _ in manifest.dependencies().items]
        for extra, items in manifest.optional().items():
            texts += [(text, canonical_name(extra)) for text, _, _ in items.items]
        changes += _differs(
            _lock_entries(metadata.get("requires-dist")),
            _manifest_entries(texts, manifest, root),
            requires_python,
        )
        if "provides-extras" in metadata:
            provided = metadata.get("provides-extras")
            extras = {canonical_name(str(e)) for e in (provided if isinstance(provided, list) else [])}
            if extras != {canonical_name(e) for e in manifest.optional()}:
                changes.append("extras changed")
    locked_groups = package.get("default-groups", ["dev"])
    if locked_groups != "all":
        listed = locked_groups if isinstance(locked_groups, list) else []
        locked_groups = tuple(sorted({canonical_name(str(g)) for g in listed}))
    if locked_groups != manifest.default_groups_setting():
        changes.append("default groups changed")
    return changes + _compare_groups(metadata.get("requires-dev", {}), manifest, root, requires_python)


def _compare_groups(requires_dev: Any, manifest: Manifest, root: Path, requires_python: str) -> list[str]:
    """Return what changed between the groups a lock records and a pyproject.toml's groups."""
    requires_dev = requires_dev if isinstance(requires_dev, dict) else {}
    groups = manifest.groups()
    changes = []
    for group in sorted({canonical_name(g) for g in requires_dev} | set(groups)):
        locked: Any = next((v for k, v in requires_dev.items() if canonical_name(k) == group), [])
        texts = [(text, "") for text, _, _ in groups[group].items] if group in groups else []
        found = _differs(_lock_entries(locked), _manifest_entries(texts, manifest, root), requires_python)
        changes += [f"{change} in group {group}" for change in found]
    return changes


def stale_reason(path: Path, data: dict[str, Any], manifest: Manifest) -> str:
    """Return why the lock no longer satisfies its projects, said as uv would say it, or "" when fresh."""
    root = path.parent
    requires_python = data.get("requires-python")
    requires_python = requires_python if isinstance(requires_python, str) else ""
    project = manifest.table("project")
    members = data.get("manifest", {}).get("members") if isinstance(data.get("manifest"), dict) else None
    member_names = {canonical_name(str(m)) for m in members} if isinstance(members, list) else set()
    reasons = []
    pythons = []  # each member's requires-python: the lock's is their intersection
    if members and not project:  # a workspace root without a project: its groups are the lock's own
        locked_groups = data.get("manifest", {}).get("dependency-groups", {})
        changes = _compare_groups(locked_groups, manifest, root, requires_python)
        reasons += [f"the workspace: {', '.join(changes)}"] if changes else []
    checked = 0
    for package in data.get("package", []):
        source = package.get("source", {}) if isinstance(package, dict) else {}
        local = next((source[k] for k in _LOCAL_KINDS if isinstance(source, dict) and k in source), None)
        if not isinstance(local, str) or checked >= MAX_MEMBERS or not inside(root / local, root):
            continue
        checked += 1
        try:
            other = manifest if local == "." else load_manifest(root / local / "pyproject.toml")
        except EnvFileError:
            continue  # a path dependency uv builds: its metadata is not read here
        if local != "." and not other.table("project"):
            continue
        try:
            changes = _compare(package, other, root, requires_python)
        except (InvalidSpecifier, TypeError, ValueError) as err:  # not what uv writes
            detail = f"the metadata of {package.get('name')} is not what uv writes ({excerpt(str(err), 60)})"
            raise EnvFileError(path, detail) from None
        if changes:
            reasons.append(f"{package.get('name')}: {', '.join(changes)}")
        wanted = other.table("project").get("requires-python")
        if isinstance(wanted, str) and (
            local == "." or canonical_name(str(package.get("name"))) in member_names
        ):
            pythons.append(wanted)
    if pythons and not same_pythons(",".join(pythons), requires_python):
        reasons.insert(0, f"requires-python {requires_python or 'unset'} -> {' and '.join(pythons)}")
    if not reasons:
        return ""
    said = "".join(c if c.isprintable() else "?" for c in "; ".join(reasons))
    return f"uv.lock is out of date with pyproject.toml: {said}; run `uv lock`"
