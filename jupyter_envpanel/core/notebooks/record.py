"""What a notebook ran with: a small, stable record in its metadata, and the comparison with now.

The record (`metadata.envpanel.ran_with`) names the environment, its kind and Python, lists the
packages the user asked for as one string each (`conda-forge::numpy=1.26.4=py311h0_0`,
`pip:rich==13.7.1`), and a digest of the full package set. Same environment, same bytes: no
time, no host, no absolute path.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Any, TypedDict, cast

from ..base.budget import LIMITS
from ..base.distname import canonical_name
from ..base.errors import EnvPanelError
from ..base.model import Environment
from ..conda.channels import UNKNOWN, ChannelContext, channel_name
from ..drift.export import Entries, environment_yml, requested
from ..drift.lockdrift import same_pip_version
from ..locks.model import Lock
from ..packages.inventory import Inventory, Package

FORMAT = 1
_ENTRY = re.compile(
    r"^(?:(?P<pip>pip):(?P<pname>[^=\s]+)==(?P<pver>\S+)|(?:(?P<chan>[^:\s]+)::)?(?P<name>[^=\s:]+)=(?P<ver>[^=\s]+)(?:=(?P<build>\S+))?)$"
)  # noqa: E501
#: The most packages a record holds: what is written is what can be read back (an export's limit too).
MAX_ENTRIES = LIMITS.entries


class RanWith(TypedDict, total=False):
    """A `ran_with` record: as written, every key but `omitted`; as read, the keys it has, checked."""

    format: int
    environment: str
    kind: str
    python: str
    packages: list[str]  # one record string each (see parse_entry)
    digest: str
    package_count: int
    omitted: int  # names or versions no record string can hold


class BadRecord(EnvPanelError):
    """A notebook's record is not one jupyter-envpanel wrote (wrong types, too big)."""


def _entry(pkg: Package, ctx: ChannelContext) -> str:
    """Return one package as a record string."""
    if pkg.source != "conda":
        return f"pip:{pkg.name}=={pkg.version}"
    channel = channel_name(pkg.channel_url or pkg.channel, ctx) if (pkg.channel_url or pkg.channel) else ""
    prefix = f"{channel}::" if channel and channel != UNKNOWN and "/" not in channel else ""
    return (
        f"{prefix}{pkg.name}={pkg.version}={pkg.build}" if pkg.build else f"{prefix}{pkg.name}={pkg.version}"
    )


def digest(inv: Inventory) -> str:
    """Return a digest of every installed package (name, version, build), order-free."""
    items = sorted(f"{p.source}:{p.name}={p.version}={p.build}" for p in inv.packages())
    return "sha256:" + hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()[:32]


def _reads_back(entry: str) -> bool:
    """Return whether a record string is one `parse_entry` accepts (a hostile name or version is not)."""
    try:
        parse_entry(entry)
    except BadRecord:
        return False
    return True


def record(env: Environment, inv: Inventory, ctx: ChannelContext) -> RanWith:
    """Return the `ran_with` record of an environment (only entries a record can hold and read back)."""
    entries = [_entry(p, ctx) for p in requested(inv) if p.name != "python"]
    packages = [e for e in entries if _reads_back(e)]
    if len(packages) > MAX_ENTRIES:
        raise BadRecord(f"{len(packages)} packages were asked for; a record holds at most {MAX_ENTRIES}")
    ran: RanWith = {
        "format": FORMAT,
        "environment": env.name,
        "kind": env.kind,
        "python": inv.python_version or env.python_version or "",
        "packages": packages,
        "digest": digest(inv),
        "package_count": len(inv.packages()),
    }
    if len(packages) < len(entries):
        ran["omitted"] = len(entries) - len(packages)  # names or versions no record string can hold
    return ran


def parse_entry(text: str) -> tuple[str, str, str, str]:
    """Return (name, version, build, source) of a record string; BadRecord when it is not one."""
    match = _ENTRY.match(text) if isinstance(text, str) and len(text) < 500 else None
    if match is None:
        raise BadRecord(f"not a package entry: {str(text)[:40]!r}")
    if match.group("pip"):
        return match.group("pname").lower(), match.group("pver"), "", "pip"
    return match.group("name").lower(), match.group("ver"), match.group("build") or "", "conda"


def read_record(metadata: object) -> RanWith | None:
    """Return a notebook's checked `ran_with` record, None when it has none; BadRecord when broken."""
    if not isinstance(metadata, dict) or "envpanel" not in metadata:
        return None
    section = metadata["envpanel"]
    if not isinstance(section, dict):
        raise BadRecord("metadata.envpanel is not an object")
    ran = section.get("ran_with")
    if ran is None:
        return None
    if not isinstance(ran, dict):
        raise BadRecord("metadata.envpanel.ran_with is not an object")
    for key in ("environment", "kind", "python", "digest"):
        if not isinstance(ran.get(key, ""), str):
            raise BadRecord(f"metadata.envpanel.ran_with.{key} is not a string")
    for key in ("format", "package_count", "omitted"):
        value = ran.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRecord(f"metadata.envpanel.ran_with.{key} is not a whole number")
    packages = ran.get("packages", [])
    if not isinstance(packages, list) or len(packages) > MAX_ENTRIES:
        raise BadRecord("metadata.envpanel.ran_with.packages is not a list of package entries")
    for item in packages:
        parse_entry(item)
    return cast(RanWith, ran)  # every key it declares was checked above (others pass unread)


@dataclass(frozen=True)
class Difference:
    """One way the current environment differs from what the notebook ran with."""

    name: str
    recorded: str | None
    current: str | None
    what: str  # "changed", "missing", "python"
    #: The lock file compared with ("uv.lock"), "" when compared with an environment now.
    against: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return the difference object of the REST API."""
        return {"name": self.name, "recorded": self.recorded, "current": self.current, "what": self.what}

    @property
    def text(self) -> str:
        """Return the difference in words."""
        where = f" in {self.against}" if self.against else ""
        if self.what == "python":
            return f"Python {self.recorded} → {self.current}{where}"
        if self.what == "missing":
            return f"{self.name} {self.recorded}: " + (f"not{where}" if where else "missing now")
        now = f"{self.against} has" if self.against else "now"
        return f"{self.name}: ran with {self.recorded}, {now} {self.current}"


def compare(ran: RanWith, inv: Inventory) -> list[Difference]:
    """Return how an inventory differs from a record (versions; builds only where both are known)."""
    out: list[Difference] = []
    now_python = inv.python_version or ""
    if ran.get("python") and now_python and ran["python"] != now_python:
        out.append(Difference("python", ran["python"], now_python, "python"))
    current: dict[str, Package] = {**{k: p for k, p in inv.pip.items()}, **inv.conda}
    for item in ran.get("packages", []):
        name, version, build, source = parse_entry(item)
        pkg = current.get(name) or current.get(name.replace("_", "-"))
        was = f"{version}={build}" if build else version
        if pkg is None:
            out.append(Difference(name, was, None, "missing"))
        elif pkg.version != version or (build and pkg.build and pkg.build != build):
            now = f"{pkg.version}={pkg.build}" if build and pkg.build else pkg.version
            out.append(Difference(name, was, now, "changed"))
    return out


def same_version(locked: str, recorded: str, source: str) -> bool:
    """Return whether a locked and a recorded version are the same (PEP 440 equality for pip's)."""
    return same_pip_version(locked, recorded) if source == "pip" else locked == recorded


def compare_lock(ran: RanWith, lock: Lock) -> list[Difference]:
    """Return how a lock differs from a record: each recorded package the lock pins otherwise, or lacks."""
    against = os.path.basename(lock.path)
    by_name = {p.name.lower() if p.source == "conda" else canonical_name(p.name): p for p in lock.packages}
    out: list[Difference] = []
    python = by_name.get("python")
    if ran.get("python") and python is not None and python.version != ran["python"]:
        out.append(Difference("python", ran["python"], python.version, "python", against))
    for item in ran.get("packages", []):
        name, version, build, source = parse_entry(item)
        locked = by_name.get(name) or by_name.get(canonical_name(name))
        was = f"{version}={build}" if build else version
        if locked is None:
            out.append(Difference(name, was, None, "missing", against))
        elif locked.loose:
            continue  # an editable or path install: the lock pins no version
        elif not same_version(locked.version, version, source) or (build and locked.build not in ("", build)):
            now = f"{locked.version}={locked.build}" if build and locked.build else locked.version
            out.append(Difference(name, was, now, "changed", against))
    return out


def export_record(ran: RanWith) -> str:
    """Return an environment.yml that recreates what a notebook ran with (`name=version=build`)."""
    conda, pip, channels = [], [], []
    if ran.get("python"):
        conda.append(f"python={ran['python']}")
    for entry in ran.get("packages", []):
        name, version, build, source = parse_entry(entry)
        if source == "pip":
            pip.append(f"{name}=={version}")
            continue
        found = _ENTRY.match(entry)  # parse_entry matched it: the channel is what precedes the name
        channel = (found.group("chan") if found else None) or ""
        if channel and channel != UNKNOWN and channel not in channels:  # no channel to name
            channels.append(channel)
        conda.append(f"{name}={version}={build}" if build else f"{name}={version}")
    kept = Entries(tuple(e for e in conda if _valid(e, "conda")), tuple(e for e in pip if _valid(e, "pip")))
    omitted = len(conda) + len(pip) - len(kept.conda) - len(kept.pip)
    digest = ran.get("digest")
    header = "written by jupyter-envpanel from what the notebook ran with" + (
        f" ({digest})" if digest else ""
    )
    entries = Entries(kept.conda, kept.pip, omitted)
    return environment_yml(header, ran.get("environment") or "notebook", channels, entries)


def _valid(entry: str, source: str) -> bool:
    """Return whether our own parser reads an entry (a record string can hold what no spec can)."""
    from ..requirements.specs import parse_conda, parse_pip

    try:
        if source == "conda":
            return parse_conda(entry) is not None
        return parse_pip(entry).skip is None  # an option line (`-rf==0`) is no requirement
    except ValueError:
        return False
