"""Drift against a lock file: is the environment exactly what was locked (version, build, missing, extra)."""

from __future__ import annotations

from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..base.budget import checkpoint
from ..base.distname import canonical_name
from ..base.model import EnvRef
from ..locks.model import Lock, Locked
from ..packages.inventory import Inventory, Package
from .report import DriftReport, RequirementStatus

#: What pixi writes in the INSTALLER of the PyPI packages it installs (it removes only those).
PIXI_INSTALLER = "uv-pixi"


def same_pip_version(locked: str, installed: str) -> bool:
    """Return whether two PyPI versions are equal as PEP 440 compares them (`1.0` == `1.0.0`)."""
    try:
        return Version(locked) == Version(installed)
    except InvalidVersion:
        return locked == installed


def _conda_verdict(item: Locked, pkg: Package) -> tuple[str, str]:
    """Return (status, reason) of an installed conda record against its locked entry."""
    if item.loose:
        return "ok", item.loose
    differs = []
    if pkg.version != item.version:
        differs.append(f"version {pkg.version}, locked {item.version}")
    if item.build and pkg.build != item.build:
        differs.append(f"build {pkg.build}, locked {item.build}")
    digest = str(pkg.field("sha256") or "")
    if not differs and item.sha256 and digest and digest.lower() != item.sha256.lower():
        differs.append("sha256 differs from the locked archive's")
    return ("mismatch", "; ".join(differs)) if differs else ("ok", "")


def _pip_verdict(item: Locked, pkg: Package) -> tuple[str, str]:
    """Return (status, reason) of an installed distribution against its locked entry."""
    if item.loose:
        return "ok", item.loose
    if not item.version or same_pip_version(item.version, pkg.version):
        return "ok", ""
    return "mismatch", f"version {pkg.version}, locked {item.version}"


def _installed(item: Locked, inv: Inventory) -> Package | None:
    """Return the installed package a locked entry names, None when it is not installed."""
    if item.source == "conda":
        return inv.conda.get(item.name)
    return inv.pip.get(canonical_name(item.name))


def judge_locked(item: Locked, inv: Inventory, file_label: str, lock_path: str = "") -> RequirementStatus:
    """Return the verdict on one locked package (named by file_label when written in the lock)."""
    pkg = _installed(item, inv)
    if pkg is None:
        status, installed, reason = "missing", None, "not installed"
    else:
        verdict = _conda_verdict(item, pkg) if item.source == "conda" else _pip_verdict(item, pkg)
        status, installed, reason = verdict[0], pkg.version, verdict[1]
    file = item.file if item.file != lock_path else file_label  # the project itself: its pyproject.toml
    return RequirementStatus(
        item.spec, item.source, item.name, file, item.line, item.column, status, installed, reason
    )


def extras(lock: Lock, inv: Inventory) -> list[Package]:
    """Return what is installed but not locked (and not left alone by the tool), conda first."""
    conda_names = {p.name for p in lock.packages if p.source == "conda"}
    pip_names = {canonical_name(p.name) for p in lock.packages if p.source == "pip"}
    keep = {canonical_name(n) for n in lock.keep}
    conda_canonical = {canonical_name(n) for n in conda_names}
    out: list[Package] = []
    if conda_names or lock.tool in ("pixi", "conda-lock", "explicit"):
        out += [p for n, p in sorted(inv.conda.items()) if n not in conda_names and n not in keep]
    for key, pkg in sorted(inv.pip.items()):
        if pkg.installer == "conda" or key in pip_names or key in keep:
            continue  # a conda package's own metadata is judged as the conda record
        if lock.tool == "pixi" and pkg.installer != PIXI_INSTALLER:
            continue  # pixi leaves alone the PyPI packages it did not install itself
        if key in conda_canonical:
            continue
        out.append(pkg)
    return out


def check_lock(env_ref: EnvRef, lock: Lock, inv: Inventory, file_label: str = "") -> DriftReport:
    """Compare an inventory with a lock: each locked package, then each installed one not locked."""
    label = file_label or lock.path
    name = Path(lock.path).name
    statuses: list[RequirementStatus] = []
    if not lock.unjudged:
        for item in lock.packages:
            checkpoint()
            statuses.append(judge_locked(item, inv, label, lock.path))
        for pkg in extras(lock, inv):
            spec = f"{pkg.name}=={pkg.version}" if pkg.source == "pip" else f"{pkg.name}={pkg.version}"
            reason = f"installed, not in {name}"
            statuses.append(
                RequirementStatus(spec, pkg.source, pkg.name, label, 0, 0, "extra", pkg.version, reason)
            )
    warnings = tuple(filter(None, (lock.unjudged,))) + lock.warnings + inv.warnings
    return DriftReport(
        environment=env_ref,
        file=label,
        requirements=tuple(statuses),
        unrequested=(),
        warnings=warnings,
        lock=lock,
    )
