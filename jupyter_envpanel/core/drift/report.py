"""Drift: requirements x inventory -> DriftReport, a pure function."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..base.budget import checkpoint
from ..base.commands import FixCommand, Note
from ..base.distname import canonical_name
from ..base.model import EnvRef
from ..conda.channels import DEFAULT_CONTEXT, ChannelContext
from ..packages.inventory import SEEDED, Inventory, Package
from ..requirements.envfile import EnvFile, Requirement
from ..requirements.specs import CondaSpec, PipSpec, check_conda, check_pip, marker_environment, marker_false
from .export import dependency_lines, pinned

if TYPE_CHECKING:  # a drift against a lock file only
    from ..locks.model import Lock

STATUSES = ("ok", "missing", "mismatch", "skipped")
#: Against a lock file, an installed package the lock does not hold is drift too: "extra".
LOCK_STATUSES = (*STATUSES, "extra")
#: The statuses the drift count adds up.
DRIFTED = ("missing", "mismatch", "extra")


@dataclass(frozen=True)
class RequirementStatus:
    """The verdict on one entry of the environment file."""

    spec: str
    source: str
    name: str | None
    file: str
    line: int
    column: int
    status: str
    installed: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        """Return the requirement object of the REST API."""
        return {
            "spec": self.spec,
            "source": self.source,
            "name": self.name,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "status": self.status,
            "installed": self.installed,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class DriftReport:
    """How an environment compares with an environment file."""

    environment: EnvRef
    file: str
    requirements: tuple[RequirementStatus, ...]
    unrequested: tuple[Package, ...]
    warnings: tuple[str, ...] = ()
    #: The commands that fix the missing and mismatched entries (see fixes.py), never run.
    fixes: tuple[FixCommand, ...] = ()
    #: Entries that get no command, and why (a tool this machine lacks, text no command may hold).
    notes: tuple[Note, ...] = ()
    #: The lock file compared with (None: a manifest, environment.yml or a requirements file).
    lock: Lock | None = None

    @property
    def summary(self) -> dict[str, int]:
        """Return the count of each status, plus unrequested."""
        counts = {status: 0 for status in (LOCK_STATUSES if self.lock else STATUSES)}
        for item in self.requirements:
            counts[item.status] += 1
        counts["unrequested"] = len(self.unrequested)
        return counts

    @property
    def drift_count(self) -> int:
        """Return the drift count shown everywhere: missing + mismatch (+ extra against a lock)."""
        return sum(1 for r in self.requirements if r.status in DRIFTED)

    @property
    def in_sync(self) -> bool:
        """Return True when nothing is missing, mismatched or extra, and a lock is not stale."""
        fresh = self.lock is None or not self.lock.stale
        return fresh and all(r.status in ("ok", "skipped") for r in self.requirements)

    def drifted(self, strict: bool = False) -> bool:
        """Return whether this counts as drift (`strict`: unrequested packages count too)."""
        return not self.in_sync or (strict and bool(self.unrequested))

    def to_json(self) -> dict[str, Any]:
        """Return the drift report of the REST API."""
        return {
            "environment": self.environment,
            "file": self.file,
            "in_sync": self.in_sync,
            "requirements": [r.to_json() for r in self.requirements],
            "unrequested": [
                {"name": p.name, "version": p.version, "source": p.source} for p in self.unrequested
            ],
            "summary": self.summary,
            "drift_count": self.drift_count,
            "unrequested_yaml": "\n".join(dependency_lines(pinned(self.unrequested), omitted=True)),
            "warnings": list(self.warnings),
            "fix_commands": [f.to_json() for f in self.fixes],
            "fix_notes": [n.to_json() for n in self.notes],
            "lock": self.lock.to_json() if self.lock else None,
        }


def _python_package(inventory: Inventory) -> Package | None:
    """Return the interpreter as a package, for envs whose python has no conda record."""
    if not inventory.python_version:
        return None
    return Package("python", inventory.python_version, "pip", installer="python")


def _judge_conda(
    spec: CondaSpec, inv: Inventory, has_conda: bool, ctx: ChannelContext
) -> tuple[str, str | None, str]:
    """Judge a conda entry: against conda records, or against distributions in a venv."""
    pkg = inv.conda.get(spec.name)
    if pkg is not None:
        return _ordered(check_conda(spec, pkg, ctx=ctx), pkg)
    by_pip = inv.pip.get(canonical_name(spec.name))
    if spec.name == "python" and by_pip is None:
        by_pip = _python_package(inv)
    if by_pip is None:
        return "missing", None, "not installed"
    if not has_conda or by_pip.installer == "python":  # a venv: its distributions are its packages
        return _ordered(check_conda(spec, by_pip, by_pip=True, ctx=ctx), by_pip)
    # in a conda env, pip's package counts as `conda compare` counts it: a record from pypi
    record = replace(
        by_pip, source="conda", build="pypi_0", channel="pypi", channel_url="pypi", subdir="pypi"
    )
    status, reason = check_conda(spec, record, ctx=ctx)
    return status, by_pip.version, "; ".join(filter(None, ["installed by pip, not conda", reason]))


def _ordered(verdict: tuple[str, str], pkg: Package) -> tuple[str, str | None, str]:
    """Return (status, installed version, reason)."""
    return verdict[0], pkg.version, verdict[1]


def _missing_extras(spec: PipSpec, inv: Inventory, requires: Mapping[str, list[str]]) -> list[str]:
    """Return `extra: dependency` for each dependency an asked-for extra needs that is not installed."""
    from packaging.requirements import InvalidRequirement
    from packaging.requirements import Requirement as PipRequirement

    env = marker_environment(inv.python_version)
    missing = []
    for line in requires.get(spec.name or "", []):
        try:
            dep = PipRequirement(line)
        except InvalidRequirement:
            continue
        for extra in sorted(spec.requirement.extras if spec.requirement else ()):
            if dep.marker is None or not dep.marker.evaluate({**env, "extra": extra}):
                continue
            if dep.marker.evaluate({**env, "extra": ""}):
                continue  # not specific to the extra
            name = canonical_name(dep.name)
            if name not in inv.pip and _conda_by_canonical(inv, name) is None:
                missing.append(f"[{extra}] needs {dep.name}")
    return sorted(set(missing))


def _judge_pip(
    spec: PipSpec, inv: Inventory, requires: Mapping[str, list[str]]
) -> tuple[str, str | None, str]:
    """Judge a pip entry with PEP 440 against the env's distributions (conda's as fallback)."""
    if spec.skip:
        return "skipped", None, spec.skip
    reason = marker_false(spec, inv.python_version)
    if reason:
        return "skipped", None, reason
    pkg = inv.pip.get(spec.name or "") or _conda_by_canonical(inv, spec.name or "")
    if pkg is None:
        return "missing", None, "not installed"
    status, why = check_pip(spec, pkg.version)
    if status == "ok" and spec.requirement is not None and spec.requirement.extras:
        missing = _missing_extras(spec, inv, requires)
        if missing:
            return "mismatch", pkg.version, "extra " + "; ".join(missing) + ", not installed"
    return status, pkg.version, why


def _conda_by_canonical(inv: Inventory, name: str) -> Package | None:
    """Return a conda package whose canonical PyPI-style name equals name."""
    for pkg in inv.conda.values():
        if canonical_name(pkg.name) == name:
            return pkg
    return None


def judge(
    req: Requirement, inv: Inventory, requires: Mapping[str, list[str]], ctx: ChannelContext = DEFAULT_CONTEXT
) -> RequirementStatus:
    """Return the verdict on one requirement (channels named as the condarc files say)."""
    if isinstance(req.spec, CondaSpec):
        status, installed, reason = _judge_conda(req.spec, inv, bool(inv.conda), ctx)
    else:
        status, installed, reason = _judge_pip(req.spec, inv, requires)
    return RequirementStatus(
        req.spec.raw, req.source, req.name, req.file, req.line, req.column, status, installed, reason
    )


def unrequested(inv: Inventory, listed: Iterable[str]) -> list[Package]:
    """Return what the user installed by hand (history specs, REQUESTED) that the file omits."""
    names = {canonical_name(n) for n in listed}
    out: list[Package] = []
    for key in sorted(inv.requested_conda):
        pkg = inv.conda.get(key)
        if pkg is not None and canonical_name(key) not in names:
            out.append(pkg)
    for key, pkg in sorted(inv.pip.items()):
        if pkg.requested and key not in names and key not in SEEDED:
            out.append(pkg)
    return out


def extras_wanted(envfile: EnvFile) -> list[str]:
    """Return the names of pip entries that ask for extras (their metadata is needed)."""
    return [
        r.spec.name
        for r in envfile.requirements
        if isinstance(r.spec, PipSpec)
        and r.spec.name is not None  # set with the requirement: only an unreadable entry has neither
        and r.spec.requirement is not None
        and r.spec.requirement.extras
    ]


def check(
    env_ref: EnvRef,
    envfile: EnvFile,
    inv: Inventory,
    file_label: str = "",
    requires: Mapping[str, list[str]] | None = None,
    ctx: ChannelContext = DEFAULT_CONTEXT,
) -> DriftReport:
    """Compare an inventory with a parsed environment file (`requires`: Requires-Dist by name)."""
    statuses = []
    for req in envfile.requirements:
        checkpoint()
        statuses.append(judge(req, inv, requires or {}, ctx))
    listed = [r.name for r in envfile.requirements if r.name]
    return DriftReport(
        environment=env_ref,
        file=file_label or envfile.path,
        requirements=tuple(statuses),
        unrequested=tuple(unrequested(inv, listed)),
        warnings=envfile.warnings + inv.warnings,
    )
