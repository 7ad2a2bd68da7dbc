"""The kernel table: every kernelspec Jupyter is offered, built once per change, read by name.

Built off the event loop (a listing, the native specs read through safe_read), then swapped in
whole; lookups are dict reads, plus one stat of the kernel's kernel.json to see an edit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..base.kernel_json import read_kernel_json
from ..base.model import Environment, KernelFile
from ..base.prefix import mtime_ns, racy
from ..environments.facts import resource_names
from .offer import KernelOptions, OfferedKernel, build_spec, legacy_names

#: Names older nb_conda_kernels releases gave the base environment's kernels.
LEGACY_PREFIXES = (("conda-root-", "conda-base-"),)


def spec_dict(spec: Mapping[str, Any]) -> dict[str, Any]:
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
    spec: dict[str, Any] = field(compare=False)
    ours: bool = False
    #: Files the REST model links to (`kernel.js`, `kernel.css`, `logo-*`), listed at build time.
    resources: tuple[str, ...] = ()
    #: The kernel.json the spec was read from; "" when there is none (a spec made for ipykernel).
    source: str = ""
    #: Its mtime when that proves the spec current (not racily clean); None: read it again.
    stamp: int | None = None
    #: The environment of one of ours, to build its spec again from an edited kernel.json.
    env: Environment | None = field(default=None, compare=False, repr=False)
    #: Where a kernel.json would replace a spec made without one (written later: the table is stale).
    watch: str = ""

    def model(self, base_url: str) -> dict[str, Any]:
        """Return the `/api/kernelspecs` model (what jupyter_server would build on its loop)."""
        links = {}
        for fname in self.resources:
            key = fname if fname in ("kernel.js", "kernel.css") else os.path.splitext(fname)[0]
            links[key] = f"{base_url.rstrip('/')}/kernelspecs/{self.name}/{fname}"
        return {"name": self.name, "spec": self.spec, "resources": links}


@dataclass(frozen=True)
class KernelTable:
    """Every kernelspec by name, plus the old names that still resolve to ours."""

    entries: dict[str, KernelEntry] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def lookup(self, name: str) -> KernelEntry | None:
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

    def resource_dirs(self) -> dict[str, str]:
        """Return `{name: resource_dir}`, what `find_kernel_specs` answers."""
        return {name: entry.resource_dir for name, entry in self.entries.items()}


def resource_files(resource_dir: str) -> tuple[str, ...]:
    """Return the files of a kernel's folder the REST model links to (one listdir)."""
    try:
        return resource_names(os.listdir(resource_dir) if resource_dir else [])
    except OSError:
        return ()


def _entry(
    name: str,
    folder: str,
    spec: Mapping[str, Any],
    read_at: int,
    env: Environment | None,
    kernel_json: str = "",
    resources: tuple[str, ...] | None = None,
    read_mtime: int | None = None,
) -> KernelEntry:
    """Return one table entry, its kernel.json's mtime from the read (else a stat; trusted only when older).

    A lookup stats the kernel.json and reads it again when its mtime is not this one.
    """
    path = kernel_json or (os.path.join(folder, "kernel.json") if folder else "")
    stamp = read_mtime if read_mtime is not None else (mtime_ns(path) if path else None)
    source = path if stamp is not None else ""  # no file: a spec made for ipykernel, or gone since
    trusted = None if stamp is None or racy(stamp, read_at) else stamp
    resources = resource_files(folder) if resources is None else resources  # a listing's, when it listed them
    watch = path if not source else ""
    return KernelEntry(name, folder, spec_dict(spec), env is not None, resources, source, trusted, env, watch)


def build_table(
    offered: Mapping[str, OfferedKernel],
    native: Mapping[str, tuple[str, Mapping[str, Any]]],
    read_at: int = 0,
) -> KernelTable:
    """Return the table: native specs, then ours (an env kernel replaces a same-named native one).

    `read_at`: when reading began; a kernel.json changed about then may differ from its spec (checked again).
    """
    entries: dict[str, KernelEntry] = {}
    for name, (resource_dir, spec) in sorted(native.items()):
        entries[name] = _entry(name, resource_dir, spec, read_at, None)
    aliases: dict[str, str] = {}
    for name, kernel in offered.items():
        folder = kernel.resource_dir or ""
        entries[name] = _entry(
            name,
            folder,
            kernel.spec,
            read_at,
            kernel.env,
            kernel.kernel_json,
            kernel.resources,
            kernel.kernel_mtime,
        )
        for legacy in legacy_names(kernel):
            aliases.setdefault(legacy, name)
    return KernelTable(entries, {k: v for k, v in aliases.items() if k not in entries})


def reread(entry: KernelEntry, options: KernelOptions) -> KernelEntry:
    """Return the entry with its spec read again from its kernel.json (OSError, UnreadableFile pass)."""
    reading = time.time_ns()
    stamp = mtime_ns(entry.source)  # before reading: a later edit moves it
    spec = read_kernel_json(entry.source)
    if entry.env is not None:  # ours: activated and named as the table builds it
        kfile = KernelFile(os.path.basename(entry.resource_dir).lower(), entry.resource_dir, spec)
        spec = build_spec(entry.env, kfile, options)
    trusted = None if racy(stamp, reading) else stamp
    return replace(entry, spec=spec_dict(spec), stamp=trusted)
