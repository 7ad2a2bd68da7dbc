"""A KernelSpecManager that offers every environment's kernels without writing to disk.

Lookups on the event loop read a ready table (dict reads, no disk, no lock a disk read holds);
the table is rebuilt in a thread when the listing or a kernels directory changed.
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Dict, Optional, Tuple

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from traitlets import Any, Float

from .core.discovery import mtime_ns
from .core.host import Host
from .core.kernelfiles import read_kernel_json
from .core.kerneltable import KernelTable, build_table
from .core.safe_read import UnreadableFile
from .core.service import EnvService

_KERNEL_FIELDS = ("argv", "display_name", "language", "env", "metadata", "interrupt_mode")


class EnvPanelKernelSpecManager(KernelSpecManager):
    """Native kernelspecs plus one per kernel found in each environment (ours win on a clash)."""

    service = Any(None, allow_none=True, help="The EnvService shared with the extension's handlers.")
    startup_wait = Float(
        10.0, config=True, help="Seconds a lookup waits for the first kernel table after start (once)."
    )
    refresh_timeout = Float(
        20.0, config=True, help="Seconds /api/kernelspecs waits for a rebuild, then answers the last table."
    )

    def __init__(self, **kwargs) -> None:
        """Start with no table; the first one is built in a thread."""
        super().__init__(**kwargs)
        self._table: Optional[KernelTable] = None
        self._built_from: Tuple = (None, ())  # (listing, native stamp) the table was built from
        self._ready = threading.Event()
        self._build_lock = threading.Lock()
        self._pending = threading.Lock()
        self._native: Tuple[Dict[str, Tuple[str, dict]], Tuple] = ({}, ())
        self._specs: Dict[str, Tuple[object, KernelSpec]] = {}

    def _service(self) -> EnvService:
        """Return the shared service, creating a default one rooted at the server's root."""
        if self.service is None:
            root = getattr(self.parent, "root_dir", None) or os.getcwd()
            self.service = EnvService(Host.current(root=root))
        return self.service

    # --- building: threads only ---------------------------------------------------------

    def _native_specs(self) -> Tuple[Dict[str, Tuple[str, dict]], Tuple]:
        """Return Jupyter's own kernelspecs, read safely, re-read only when a file or folder changed."""
        found = super().find_kernel_specs()  # listdir only: names and folders, so adding one shows
        stamp = tuple(
            (name, d, mtime_ns(os.path.join(d, "kernel.json"))) for name, d in sorted(found.items())
        )
        if stamp == self._native[1]:
            return self._native[0], stamp
        specs: Dict[str, Tuple[str, dict]] = {}
        for name, resource_dir in sorted(found.items()):
            path = os.path.join(resource_dir, "kernel.json")
            try:
                if not os.path.exists(path):  # ipykernel's built-in python3: no file to read
                    spec = super().get_kernel_spec(name).to_dict()
                else:
                    spec = read_kernel_json(path)
            except (OSError, UnreadableFile, NoSuchKernel, ValueError, KeyError) as err:
                self.log.warning("jupyter-envpanel: kernelspec %s not offered: %s", name, err)
                continue
            specs[name] = (resource_dir, spec)
        self._native = (specs, stamp)
        return specs, stamp

    def refresh_table(self) -> KernelTable:
        """Rebuild the table when the listing or the kernel directories changed (blocking)."""
        with self._build_lock:
            service = self._service()
            listing = service.listing()
            native, stamp = self._native_specs()
            if self._table is None or self._built_from[0] is not listing or self._built_from[1] != stamp:
                self._table = build_table(service.offered_kernels_for(listing), native)
                self._built_from = (listing, stamp)
            self._ready.set()
            return self._table

    def refresh_soon(self) -> None:
        """Rebuild the table in a background thread, unless a rebuild is already pending."""
        if not self._pending.acquire(blocking=False):
            return

        def run() -> None:
            try:
                self.refresh_table()
            except Exception:  # the next refresh tries again; the old table stays
                self.log.exception("jupyter-envpanel: kernel table refresh failed")
            finally:
                self._pending.release()

        threading.Thread(target=run, name="envpanel-kernel-table", daemon=True).start()

    # --- reading: safe on the event loop ------------------------------------------------

    def _current(self) -> KernelTable:
        """Return the ready table; before the first one exists, wait for it once, bounded."""
        table = self._table
        if table is None:
            self.refresh_soon()
            self._ready.wait(self.startup_wait)
            table = self._table or KernelTable()
        return table

    def find_kernel_specs(self) -> Dict[str, str]:
        """Return kernel names -> resource dirs, from the table."""
        return self._current().resource_dirs()

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """Return a KernelSpec from the table; an unknown name starts a background refresh."""
        entry = self._current().lookup(kernel_name)
        if entry is None:
            self.refresh_soon()  # maybe an environment created since: the next lookup knows
            raise NoSuchKernel(kernel_name)
        cached = self._specs.get(kernel_name)
        if cached is not None and cached[0] is entry:
            return cached[1]
        fields = {k: entry.spec[k] for k in _KERNEL_FIELDS if k in entry.spec}
        spec = KernelSpec(resource_dir=entry.resource_dir, **fields)
        self._specs[kernel_name] = (entry, spec)  # built once per table entry, then a dict read
        return spec

    def get_kernel_spec_fresh(self, kernel_name: str) -> KernelSpec:
        """Return a KernelSpec; on a miss, rebuild the table first (blocking: threads only)."""
        if self._table is None or self._table.lookup(kernel_name) is None:
            self.refresh_table()
        return self.get_kernel_spec(kernel_name)

    def all_specs(self) -> Dict[str, dict]:
        """Return `{name: {resource_dir, spec}}` for every kernel, refreshed first (blocking)."""
        table = self.refresh_table()
        return {
            name: {"resource_dir": entry.resource_dir, "spec": dict(entry.spec)}
            for name, entry in table.entries.items()
        }

    async def get_all_specs(self) -> Dict[str, dict]:  # type: ignore[override]
        """Return every kernelspec as its REST model, refreshed in a thread (else the last table).

        Whole models (name, spec, resources) let jupyter_server answer `/api/kernelspecs` without
        listing each kernel's folder on its event loop.
        """
        task = asyncio.ensure_future(asyncio.to_thread(self.refresh_table))
        try:
            table = await asyncio.wait_for(asyncio.shield(task), self.refresh_timeout)
        except asyncio.TimeoutError:
            self.log.warning("jupyter-envpanel: kernel table refresh is slow; answering the last one")
            table = self._table or KernelTable()
        base_url = getattr(self.parent, "base_url", "/") or "/"
        return {name: entry.model(base_url) for name, entry in table.entries.items()}
