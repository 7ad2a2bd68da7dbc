"""Kernels: what each listed environment offers, register / unregister, and whose a kernelspec is."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..base.host import Host
from ..base.model import Environment, Listing
from ..kernels import offer as kern
from ..kernels import registry
from .listing import Listings


class Kernels:
    """Kernels of the listed environments (plain inputs: a listing, a name, a spec)."""

    def __init__(self, host: Host, listings: Listings) -> None:
        """Remember the host (the user's kernels folder) and the listing the kernels come from."""
        self.host = host
        self.listings = listings
        self.options = listings.options

    def offered_kernels(self) -> dict[str, kern.OfferedKernel]:
        """Return every kernel offered for every environment, by kernel name."""
        return self.offered_kernels_for(self.listings.listing())

    def offered_kernels_for(self, listing: Listing[Environment]) -> dict[str, kern.OfferedKernel]:
        """Return every kernel offered for the environments of a listing, by kernel name."""
        out: dict[str, kern.OfferedKernel] = {}
        for env in listing.environments:
            for kernel in kern.offered(env, self.options):
                out.setdefault(kernel.name, kernel)
        return out

    def _own_kernels(self, ref: str) -> list[kern.OfferedKernel]:
        """Return every kernel of an environment, the server's own included."""
        env = self.listings.find(ref)
        return kern.offered(env, replace(self.options, offer_server_env=True))

    def register(self, ref: str) -> list[str]:
        """Write persistent kernelspecs for an environment; return their names (again: a success)."""
        return registry.register(self._own_kernels(ref), self.host)

    def unregister(self, ref: str, system_dirs: Sequence[Path] = ()) -> list[str]:
        """Remove the persistent kernelspecs jupyter-envpanel wrote for an environment."""
        kernels = self._own_kernels(ref)
        prefix = kernels[0].env.prefix if kernels else None
        return registry.unregister([k.name for k in kernels], self.host, system_dirs, prefix)

    def environment_of_spec(self, spec: dict[str, Any]) -> tuple[Environment | None, str | None]:
        """Return the environment a kernelspec runs in (metadata, else argv's prefix) and that prefix."""
        found = spec.get("metadata")
        meta: dict[str, Any] = found if isinstance(found, dict) else {}
        found = meta.get("envpanel")
        ours: dict[str, Any] = found if isinstance(found, dict) else {}
        prefix = ours.get("prefix") or meta.get("conda_env_path")
        prefix = prefix if isinstance(prefix, str) and "\x00" not in prefix else None
        raw = spec.get("argv")
        argv = [str(a) for a in raw] if isinstance(raw, list) else []  # a string is no argv
        if not prefix and argv:
            prefix = kern.prefix_from_argv(argv, self.host.sys_executable)
        if not prefix:
            return None, None
        real = os.path.realpath(prefix)
        for env in self.listings.listing().environments:
            if os.path.realpath(env.prefix) == real:
                return env, prefix
        return None, prefix
