"""The kernel table: every kernelspec Jupyter is offered, built once per change, read by name.

Built off the event loop (a listing, the native specs read through safe_read), then swapped in
whole; lookups are dict reads with no filesystem access and no spec building.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple

from .kernels import OfferedKernel, legacy_names

#: Names older nb_conda_kernels releases gave the base environment's kernels.
LEGACY_PREFIXES = (("conda-root-", "conda-base-"),)


def spec_dict(spec: Mapping) -> dict:
    """Return a kernel.json as jupyter_client's `KernelSpec.to_dict()` shapes it."""
    return {
        "argv": list(spec["argv"]),
        "env": dict(spec.get("env") or {}),
        "display_name": spec.get("display_name") or "",
        "language": spec.get("language") or "",
        "interrupt_mode": spec.get("interrupt_mode") or "signal",
        "metadata": dict(spec.get("metadata") or {}),
    }


@dataclass(frozen=True)
class KernelEntry:
    """One offered kernelspec: its name, resource folder and spec (ours or a native one)."""

    name: str
    resource_dir: str
    spec: dict = field(compare=False)
    ours: bool = False


@dataclass(frozen=True)
class KernelTable:
    """Every kernelspec by name, plus the old names that still resolve to ours."""

    entries: Dict[str, KernelEntry] = field(default_factory=dict)
    aliases: Dict[str, str] = field(default_factory=dict)

    def lookup(self, name: str) -> Optional[KernelEntry]:
        """Return the entry for a name or one of its legacy names (dict reads only)."""
        entry = self.entries.get(name)
        if entry is not None:
            return entry
        alias = self.aliases.get(name)
        if alias is not None:
            return self.entries.get(alias)
        for old, new in LEGACY_PREFIXES:
            if name.startswith(old):
                found = self.entries.get(new + name[len(old) :])
                return found if found is not None and found.ours else None
        return None

    def resource_dirs(self) -> Dict[str, str]:
        """Return `{name: resource_dir}`, what `find_kernel_specs` answers."""
        return {name: entry.resource_dir for name, entry in self.entries.items()}


def build_table(
    offered: Mapping[str, OfferedKernel], native: Mapping[str, Tuple[str, Mapping]]
) -> KernelTable:
    """Return the table: native specs, then ours (an env kernel replaces a same-named native one)."""
    entries: Dict[str, KernelEntry] = {}
    for name, (resource_dir, spec) in sorted(native.items()):
        entries[name] = KernelEntry(name, resource_dir, spec_dict(spec))
    aliases: Dict[str, str] = {}
    for name, kernel in offered.items():
        entries[name] = KernelEntry(name, kernel.resource_dir or "", spec_dict(kernel.spec), ours=True)
        for legacy in legacy_names(kernel):
            aliases.setdefault(legacy, name)
    return KernelTable(entries, {k: v for k, v in aliases.items() if k not in entries})
