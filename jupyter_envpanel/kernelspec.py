"""A KernelSpecManager that offers every environment's kernels without writing to disk.

Lookups on the event loop read a ready table (dict reads, no lock a disk read holds). A kernel's own
kernel.json is checked as jupyter_client reads it at every lookup, but in a thread the lookup waits
for at most `lookup_wait` seconds: an edited one is read again, a stuck disk costs the freshness
only. The table is rebuilt in a thread when the listing or a kernels directory changed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeAlias

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_core.paths import jupyter_path
from traitlets import Any as AnyTrait
from traitlets import Float

from .core.base.host import Host
from .core.base.kernel_json import read_kernel_json
from .core.base.model import Environment, Listing
from .core.base.prefix import mtime_ns, racy
from .core.base.safe_read import UnreadableFile
from .core.kernels.registry import ipython_dir
from .core.kernels.table import KernelEntry, KernelTable, build_table, reread
from .core.service import EnvService, ServiceOptions

_KERNEL_FIELDS = ("argv", "display_name", "language", "env", "metadata", "interrupt_mode")
#: Stands for "not proven current": a cached spec with it is checked again at the next lookup.
_AGAIN = object()
#: Jupyter's own kernelspecs: name -> (resource dir, kernel.json), and the stamp they were read at.
_Native: TypeAlias = "dict[str, tuple[str, dict[str, Any]]]"
_Stamp: TypeAlias = "tuple[tuple[str, str, int | None], ...]"
#: A lookup's last check of a kernel: its table entry, stamp, spec and KernelSpec object.
_Cached: TypeAlias = "tuple[KernelEntry, object, dict[str, Any], KernelSpec]"
#: A disk check for the checking thread: the work, set when done, and the list its result goes in.
_Job: TypeAlias = "tuple[Callable[[], tuple[Any, object]], threading.Event, list[tuple[Any, object]]]"


class EnvPanelKernelSpecManager(KernelSpecManager):
    """Native kernelspecs plus one per kernel found in each environment (ours win on a clash)."""

    service = AnyTrait(None, allow_none=True, help="The EnvService shared with the extension's handlers.")
    startup_wait = Float(
        10.0, config=True, help="Seconds a lookup waits for the first kernel table after start (once)."
    )
    refresh_timeout = Float(
        20.0, config=True, help="Seconds /api/kernelspecs waits for a rebuild, then answers the last table."
    )
    lookup_wait = Float(
        0.5,
        config=True,
        help="Seconds a kernel lookup waits for a check of its kernel.json, else the table answers.",
    )

    def __init__(self, **kwargs: Any) -> None:
        """Start with no table; the first one is built in a thread."""
        super().__init__(**kwargs)
        self._table: KernelTable | None = None
        # (listing, native specs) the table was built from
        self._built_from: tuple[Listing[Environment] | None, _Native | None] = (None, None)
        self._ready = threading.Event()
        self._build_lock = threading.Lock()
        self._pending = threading.Lock()
        self._native: tuple[_Native, _Stamp] = ({}, ())
        self._specs: dict[str, _Cached] = {}
        self._checking = threading.Event()  # set while no check of a kernel.json is under way
        self._checking.set()
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._checker: threading.Thread | None = None
        self._models: tuple[KernelTable | None, str, dict[str, dict[str, Any]]] = (None, "", {})

    def _kernel_dirs_default(self) -> list[str]:
        """Return jupyter_client's kernel folders (Jupyter's, then IPython's) without importing IPython.

        jupyter_client imports IPython (~0.1 s, and it makes ~/.ipython) to learn one folder name.
        """
        dirs = jupyter_path("kernels")
        if importlib.util.find_spec("IPython") is not None:  # jupyter_client adds it only then
            folder = ipython_dir(Host.current())
            if folder is not None:
                dirs.append(os.path.join(folder, "kernels"))
        return dirs

    def _service(self) -> EnvService:
        """Return the shared service, creating a default one rooted at the server's root."""
        if self.service is None:
            root = getattr(self.parent, "root_dir", None) or os.getcwd()
            self.service = EnvService(Host.current(root=root), ServiceOptions(watch=True, keep_facts=True))
        return self.service

    # --- building: threads only ---------------------------------------------------------

    def _native_specs(self) -> _Native:
        """Return Jupyter's own kernelspecs, read safely, re-read only when a file or folder changed."""
        found = super().find_kernel_specs()  # listdir only: names and folders, so adding one shows
        reading = time.time_ns()
        stamp = tuple(
            (name, d, mtime_ns(os.path.join(d, "kernel.json"))) for name, d in sorted(found.items())
        )
        if stamp == self._native[1]:
            return self._native[0]
        specs: _Native = {}
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
        if specs == self._native[0]:  # read again (racily clean) and the same: keep the object
            specs = self._native[0]
        unsure = any(racy(m, reading) for _, _, m in stamp)
        self._native = (specs, () if unsure else stamp)  # racily clean: read again next time
        return specs

    def refresh_table(self, listing: Listing[Environment] | None = None) -> KernelTable:
        """Rebuild the table when the listing or the kernel directories changed (blocking).

        `listing`: one the caller just checked (the same request need not check it twice).
        """
        with self._build_lock:
            service = self._service()
            started = time.time_ns()  # what is read from here on is current as of this time
            listing = listing or service.listing()
            native = self._native_specs()
            if self._table is None or self._built_from[0] is not listing or self._built_from[1] is not native:
                offered = service.offered_kernels_for(listing)
                self._table = build_table(offered, native, started)
                self._built_from = (listing, native)
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

    def find_kernel_specs(self) -> dict[str, str]:
        """Return kernel names -> resource dirs, from the table."""
        return self._current().resource_dirs()

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """Return a KernelSpec from the table (its kernel.json read again if edited since the build).

        An unknown name starts a background refresh.
        """
        entry = self._current().lookup(kernel_name)
        if entry is None:  # maybe created (or written again) since: a rebuild, waited for briefly
            rebuilt = self._off_loop(lambda: (self.refresh_table().lookup(kernel_name), None))
            entry = rebuilt[0] if rebuilt is not None else None
            if entry is None:
                self.refresh_soon()
                raise NoSuchKernel(kernel_name)
        cached = self._specs.get(kernel_name)
        known = cached if cached is not None and cached[0] is entry else None  # this table's
        watched = entry.source or entry.watch
        checked = self._off_loop(lambda: self._checked_spec(entry, known)) if watched else None
        if checked is not None:
            spec, stamp = checked
        elif known is not None:  # the disk is slow: what the last check of this entry knew
            spec, stamp = known[2], known[1]
        else:
            spec, stamp = entry.spec, (_AGAIN if entry.source else None)
        if cached is not None and cached[2] == spec and cached[3].resource_dir == entry.resource_dir:
            kernel_spec = cached[3]  # the same spec (checked again, or a new table): the same object
        else:
            fields = {k: spec[k] for k in _KERNEL_FIELDS if k in spec}
            kernel_spec = KernelSpec(resource_dir=entry.resource_dir, **fields)
        self._specs[kernel_name] = (entry, stamp, spec, kernel_spec)  # once per table entry and edit
        return kernel_spec

    def _off_loop(self, work: Callable[[], tuple[Any, object]]) -> tuple[Any, object] | None:
        """Run a disk check in the checking thread, waiting at most lookup_wait; None when not done."""
        if not self._checking.is_set():
            return None  # an earlier check is stuck on the disk: do not wait behind it
        if self._checker is None:
            self._checker = threading.Thread(
                target=self._check_forever, name="envpanel-kernel-check", daemon=True
            )
            self._checker.start()
        done: threading.Event = threading.Event()
        result: list[tuple[Any, object]] = []
        self._checking.clear()
        self._jobs.put((work, done, result))
        return result[0] if done.wait(self.lookup_wait) and result else None

    def _check_forever(self) -> None:
        """Run the lookups' disk checks one at a time (a daemon: a hung disk never holds up exit)."""
        while True:
            work, done, result = self._jobs.get()
            try:
                result.append(work())
            except Exception:  # the table answers; the next refresh decides
                self.log.exception("jupyter-envpanel: checking a kernel.json failed")
            finally:
                self._checking.set()
                done.set()

    def _checked_spec(self, entry: KernelEntry, cached: _Cached | None) -> tuple[dict[str, Any], object]:
        """Return an entry's spec and stamp after one stat of its kernel.json (threads only)."""
        if not entry.source:  # made without a kernel.json: one written since makes the table stale
            if mtime_ns(entry.watch) is None:
                return entry.spec, None
            fresh = self.refresh_table().lookup(entry.name)
            return (fresh.spec, _AGAIN) if fresh is not None else (entry.spec, _AGAIN)
        seen = mtime_ns(entry.source)
        if cached is not None and seen is not None and cached[1] == seen:
            return cached[2], seen
        return self._current_spec(entry, seen)

    def _current_spec(self, entry: KernelEntry, seen: int | None) -> tuple[dict[str, Any], object]:
        """Return an entry's spec and the mtime proving it current, its kernel.json read again if edited."""
        if not entry.source or (seen is not None and seen == entry.stamp):
            return entry.spec, seen
        if seen is None:  # gone, or not readable: the table answers until the refresh decides
            self.refresh_soon()
            return entry.spec, _AGAIN
        try:
            fresh = reread(entry, self._service().options)
        except (OSError, UnreadableFile) as err:  # broken by the edit: the last good spec
            self.log.warning("jupyter-envpanel: kernelspec %s kept as last read: %s", entry.name, err)
            self.refresh_soon()
            return entry.spec, _AGAIN
        if fresh.spec != entry.spec:
            self.refresh_soon()  # the table (and /api/kernelspecs) follow in the background
        return fresh.spec, _AGAIN if fresh.stamp is None else fresh.stamp

    def get_kernel_spec_fresh(self, kernel_name: str) -> KernelSpec:
        """Return a KernelSpec; on a miss, rebuild the table first (blocking: threads only)."""
        if self._table is None or self._table.lookup(kernel_name) is None:
            self.refresh_table()
        return self.get_kernel_spec(kernel_name)

    def all_specs(self) -> dict[str, dict[str, Any]]:
        """Return `{name: {resource_dir, spec}}` for every kernel, refreshed first (blocking)."""
        table = self.refresh_table()
        return {
            name: {"resource_dir": entry.resource_dir, "spec": dict(entry.spec)}
            for name, entry in table.entries.items()
        }

    # async where jupyter_client's is sync: jupyter_server awaits it (ensure_async)
    async def get_all_specs(self) -> dict[str, dict[str, Any]]:  # type: ignore[override]
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
        models = self._models
        if models[0] is not table or models[1] != base_url:  # made once per table
            models = (table, base_url, {name: entry.model(base_url) for name, entry in table.entries.items()})
            self._models = models
        return dict(models[2])
