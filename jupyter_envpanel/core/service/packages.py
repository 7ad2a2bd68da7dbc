"""What is installed: each environment's inventory (parsed records), the package search, channel naming."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.host import Host
from ..base.model import Environment
from ..base.prefix import Stamp, mtime_ns

if TYPE_CHECKING:  # the drift chain (packaging, yaml) is imported when packages are first asked for
    from ..conda.channels import ChannelContext
    from ..packages.inventory import Inventory, InventoryCache
    from ..packages.search import PackageIndex


class Packages:
    """Inventories and package names per environment, each cached by the mtimes it was read from."""

    def __init__(self, host: Host) -> None:
        """Start empty; the caches (and their imports) are made on first use."""
        self.host = host
        self._lock = threading.Lock()
        self._inventories: InventoryCache | None = None
        self._index: PackageIndex | None = None
        self._channels: tuple[tuple[str, ...], Stamp, ChannelContext] | None = None

    def refresh(self) -> None:
        """Forget every cached inventory and package name."""
        with self._lock:
            for cache in (self._inventories, self._index):
                if cache is not None:
                    cache.forget()

    def inventory(self, env: Environment) -> Inventory:
        """Return what is installed in an environment (parses records, cached by mtime)."""
        with self._lock:
            if self._inventories is None:
                from ..packages.inventory import InventoryCache

                self._inventories = InventoryCache()
            cache = self._inventories
        return cache.get(Path(env.prefix), env.kind, env.python_version)

    def index(self) -> PackageIndex:
        """Return the package-name index (made, with its imports, on first use)."""
        with self._lock:
            if self._index is None:
                from ..packages.search import PackageIndex

                self._index = PackageIndex()
            return self._index

    def search(self, envs: tuple[Environment, ...], query: str) -> dict[str, Any]:
        """Return `{query, matches, truncated}`: installed packages named like the query, per env."""
        hits, truncated = self.index().search(envs, query)
        return {"query": query, "matches": [h.to_json() for h in hits], "truncated": truncated}

    def warm(self, envs: tuple[Environment, ...]) -> None:
        """Read every environment's package names now, so the first search finds them ready."""
        index = self.index()
        for env in envs:
            index.names(env)

    def channel_context(self) -> ChannelContext:
        """Return how the condarc files name channels (channel_alias, custom channels, defaults)."""
        from ..conda.condarc import merge
        from ..environments.sources import condarc_files, find_roots

        files = condarc_files(self.host, find_roots(self.host))
        names = tuple(str(f) for f in files)  # which files, and when each last changed
        stamp = tuple(mtime_ns(f) for f in files)
        cached = self._channels
        if cached is not None and cached[:2] == (names, stamp):
            return cached[2]
        context = merge(files, self.host.expand, []).channels()
        self._channels = (names, stamp, context)
        return context

    def show(self, env: Environment) -> dict[str, Any]:
        """Return one environment with its packages, as `show --json` prints it."""
        inv = self.inventory(env)
        data = env.to_json()
        data["packages"] = [p.to_json() for p in inv.packages()]
        data["warnings"] = list(env.warnings) + list(inv.warnings)
        return data

    def export(self, env: Environment) -> str:
        """Return an environment.yml for an environment: what the user asked for, pinned."""
        from ..drift.export import export_text

        return export_text(env, self.inventory(env), self.channel_context())
