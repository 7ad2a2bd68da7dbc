"""Whether pixi.lock still satisfies its manifest for one environment and platform, judged conservatively.

pixi re-locks when an entry its manifest asks for (the environment's features, the targets of the
platform) is no longer satisfied by the locked packages (`pixi install --locked` fails). Judged
here: a conda entry's version, build string and build number (core/conda/spec semantics) and a
PyPI entry's PEP 440 version, against the package the lock holds of that name; an entry the lock
holds nothing of is missing. What cannot be judged (a git, path or URL entry, a marker, a channel,
an archive's digest, a PyPI name only a conda package's purl provides) is never called stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..base.budget import checkpoint
from ..base.distname import canonical_name
from ..base.errors import EnvFileError, excerpt
from ..base.paths import check_beside
from ..requirements.specs import CondaSpec, PipSpec, check_conda, check_pip, marker_false, parse_conda
from ..requirements.target import Target
from .dispatch import is_pixi_pyproject

__all__ = ["stale_reason"]

#: The fields of a conda entry judged against a locked record; the others are said, not judged.
JUDGED = ("version", "build", "build_number")
#: Reasons said in the stale text at most (then "and N more").
SHOWN = 3


@dataclass(frozen=True)
class _Record:
    """What a staleness check reads of one locked conda record (core/conda/spec's Installed)."""

    version: str
    build: str
    build_number: int
    channel: str = ""
    channel_url: str = ""

    def field(self, key: str) -> object:
        """Return a judged field by conda's name."""
        return getattr(self, key) if key in JUDGED else ""


def manifest_of(lock: Path) -> Path | None:
    """Return the manifest pixi reads beside a lock: pixi.toml, else a pyproject.toml with [tool.pixi].

    A pyproject.toml that cannot be read is returned: reading it again says why.
    """
    toml = lock.parent / "pixi.toml"
    if toml.exists() or toml.is_symlink():
        return toml
    pyproject = lock.parent / "pyproject.toml"
    if not (pyproject.exists() or pyproject.is_symlink()):
        return None
    try:
        return pyproject if is_pixi_pyproject(check_beside(pyproject)) else None
    except EnvFileError:  # not a regular file, too large, unreadable
        return pyproject


def _index(packages: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the locked packages by name: conda records (None: a source package) and PyPI versions."""
    conda: dict[str, Any] = {}
    pypi: dict[str, Any] = {}
    for pkg in packages:
        if hasattr(pkg, "package_record"):
            record = pkg.package_record
            built = record is not None and hasattr(pkg, "repo_data_record")
            key = record.name.normalized if record is not None else str(pkg.name).lower()
            conda[key] = record if built else None
        else:
            location = str(pkg.location).split("#", 1)[0]
            pypi[canonical_name(pkg.name)] = str(pkg.version) if "://" in location else None
    return conda, pypi


def _judged_spec(spec: CondaSpec) -> tuple[CondaSpec | None, list[str]]:
    """Return the spec with its judged fields only (None: nothing to judge), and the fields left out."""
    fields = spec.parsed.fields
    left = sorted(k for k in fields if k not in ("name", *JUDGED))
    kept = [f"{k}='{fields[k]}'" for k in JUDGED if k in fields]
    if not kept:
        return None, left
    if not left:  # nothing to leave out: the entry as the manifest reader parsed it
        return spec, left
    try:
        return parse_conda(f"{spec.name}[{', '.join(kept)}]"), left
    except ValueError:
        return None, sorted(fields)


def _conda(spec: CondaSpec, conda: dict[str, Any], lock: str) -> tuple[str, str]:
    """Return (why stale, why not judged) of one conda entry against the lock."""
    if spec.name.startswith("__"):
        return "", "a virtual package"
    if spec.name not in conda:
        return f"{lock} locks no {spec.name}", ""
    record = conda[spec.name]
    if record is None:
        return "", "built from source by pixi"
    judged, left = _judged_spec(spec)
    note = f"{', '.join(left)} not judged" if left else ""
    if judged is None:
        return "", note
    locked = _Record(str(record.version), str(record.build), int(record.build_number))
    status, _ = check_conda(judged, locked)
    if status == "ok":
        return "", note
    build = f" ({locked.build}, build number {locked.build_number})" if judged.parsed.get("build") else ""
    if judged.parsed.get("build_number"):
        build = f" (build number {locked.build_number})" if not build else build
    return f"{lock} locks {spec.name} {locked.version}{build}", ""


def _pip(spec: PipSpec, conda: dict[str, Any], pypi: dict[str, Any], text: str, lock: str) -> tuple[str, str]:
    """Return (why stale, why not judged) of one PyPI entry against the lock (a conda package may hold it)."""
    if spec.skip or spec.name is None:
        return "", spec.skip or "names no package"
    name = spec.name
    if name in pypi:
        version = pypi[name]
        if version is None:
            return "", "locked from a local path"
    elif name in conda and conda[name] is not None:
        version = str(conda[name].version)
    elif name in conda or _purl(text, name):
        return "", "provided by a conda package"
    else:
        return f"{lock} locks no {name}", ""
    status, _ = check_pip(spec, version)
    if status == "ok":
        return "", ""
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except InvalidVersion:
        return "", f"locked version {excerpt(version, 40)} is not a PEP 440 version"
    return f"{lock} locks {name} {version}", ""


def _purl(text: str, name: str) -> bool:
    """Return whether a lock's text names a PyPI package in a purl (a conda package provides it)."""
    pattern = r"[-_.]+".join(re.escape(part) for part in name.split("-"))
    return re.search(rf"pkg:pypi/{pattern}(?![\w.-])", text, re.IGNORECASE) is not None


def _said(text: str) -> str:
    """Return text with every character that is not printable shown as `?`."""
    return "".join(c if c.isprintable() else "?" for c in text)


def stale_reason(path: Path, text: str, target: Target, packages: list[Any]) -> tuple[str, tuple[str, ...]]:
    """Return (stale, warnings): which manifest entries the locked packages no longer satisfy."""
    manifest = manifest_of(path)
    if manifest is None:
        return "", (f"no pixi.toml or [tool.pixi] beside {path.name}: staleness not judged",)
    from ..requirements.pixitoml import read_pixi_manifest

    try:
        wanted = read_pixi_manifest(check_beside(manifest), target)
    except EnvFileError as err:
        return "", (f"{_said(str(err))}; staleness of {path.name} not judged",)
    except RecursionError:
        return "", (f"{manifest.name}: nested too deeply; staleness of {path.name} not judged",)
    conda, pypi = _index(packages)
    reasons: list[str] = []
    unjudged: list[str] = []
    for index, req in enumerate(wanted.requirements):
        if index % 256 == 0:
            checkpoint()
        spec = req.spec
        if isinstance(spec, CondaSpec):
            why, note = _conda(spec, conda, path.name)
        elif marker_false(spec, target.python_version):
            continue
        elif spec.requirement is not None and spec.requirement.marker is not None:
            why, note = "", "a marker"
        else:
            why, note = _pip(spec, conda, pypi, text, path.name)
        raw = excerpt(spec.raw, 80)[1:-1]
        if why:
            reasons.append(f"{manifest.name} asks for {raw} (line {req.line}), {why}")
        elif note:
            unjudged.append(f"{excerpt(spec.name or spec.raw, 40)[1:-1]} ({note})")
    warnings = tuple(f"{_said(w)} (staleness of {path.name})" for w in wanted.warnings)
    if unjudged:
        listed = ", ".join(unjudged[:SHOWN]) + (
            f" and {len(unjudged) - SHOWN} more" if len(unjudged) > SHOWN else ""
        )
        warnings += (f"{manifest.name}: staleness of {path.name} not fully judged: {_said(listed)}",)
    if not reasons:
        return "", warnings
    more = f"; and {len(reasons) - SHOWN} more" if len(reasons) > SHOWN else ""
    said = _said("; ".join(reasons[:SHOWN]) + more)
    return f"{path.name} is out of date with {manifest.name}: {said}; run `pixi lock`", warnings
