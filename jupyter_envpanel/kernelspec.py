"""A KernelSpecManager that offers every environment's kernels without writing to disk."""

from __future__ import annotations

import asyncio
import os
from typing import Dict, Optional

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from traitlets import Any

from .core.host import Host
from .core.kernels import OfferedKernel, legacy_names
from .core.service import EnvService

#: Names older nb_conda_kernels releases gave the base environment's kernels.
LEGACY_PREFIXES = (("conda-root-", "conda-base-"),)


class EnvPanelKernelSpecManager(KernelSpecManager):
    """Native kernelspecs plus one per kernel found in each environment (ours win on a clash)."""

    service = Any(None, allow_none=True, help="The EnvService shared with the extension's handlers.")

    def _service(self) -> EnvService:
        """Return the shared service, creating a default one rooted at the server's root."""
        if self.service is None:
            root = getattr(self.parent, "root_dir", None) or os.getcwd()
            self.service = EnvService(Host.current(root=root))
        return self.service

    def _offered(self, revalidate: bool = False) -> Dict[str, OfferedKernel]:
        """Return our kernels by name; sync callers (on the event loop) trust the cache."""
        return self._service().offered_kernels(revalidate)

    def find_kernel_specs(self) -> Dict[str, str]:
        """Return kernel names -> resource dirs, native first, ours replacing same-named ones."""
        specs = super().find_kernel_specs()
        for name, kernel in self._offered().items():
            specs[name] = kernel.resource_dir or ""
        return specs

    def _ours(self, kernel_name: str) -> Optional[OfferedKernel]:
        """Return our kernel of that name (also under nb_conda_kernels' other names for it)."""
        found = self._lookup(kernel_name, self._offered())
        if found is None and kernel_name.startswith("conda-"):  # ours all start so; maybe a new env
            found = self._lookup(kernel_name, self._offered(revalidate=True))
        return found

    @staticmethod
    def _lookup(kernel_name: str, offered: Dict[str, OfferedKernel]) -> Optional[OfferedKernel]:
        """Return the kernel of that name or of one of its legacy names."""
        if kernel_name in offered:
            return offered[kernel_name]
        for old, new in LEGACY_PREFIXES:
            if kernel_name.startswith(old):
                return offered.get(new + kernel_name[len(old) :])
        for kernel in offered.values():
            if kernel_name in legacy_names(kernel):
                return kernel
        return None

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """Return a KernelSpec, ours first, else the native one."""
        kernel = self._ours(kernel_name)
        if kernel is None:
            return super().get_kernel_spec(kernel_name)
        return KernelSpec(resource_dir=kernel.resource_dir or "", **_spec_fields(kernel.spec))

    def all_specs(self) -> Dict[str, dict]:
        """Return `{name: {resource_dir, spec}}` for every kernel (blocking; reads disk)."""
        out: Dict[str, dict] = {}
        offered = self._offered(revalidate=True)
        for name, resource_dir in super().find_kernel_specs().items():
            if name in offered:
                continue
            try:
                spec = super().get_kernel_spec(name)
            except (NoSuchKernel, OSError, ValueError, KeyError):
                self.log.warning("jupyter-envpanel: broken kernelspec %s in %s", name, resource_dir)
                continue
            out[name] = {"resource_dir": resource_dir, "spec": spec.to_dict()}
        for name, kernel in offered.items():
            spec = KernelSpec(resource_dir=kernel.resource_dir or "", **_spec_fields(kernel.spec))
            out[name] = {"resource_dir": kernel.resource_dir or "", "spec": spec.to_dict()}
        return out

    async def get_all_specs(self) -> Dict[str, dict]:  # type: ignore[override]
        """Return every kernelspec, read in a thread (jupyter_server awaits this call)."""
        return await asyncio.to_thread(self.all_specs)


def _spec_fields(spec: dict) -> dict:
    """Return the kernel.json fields KernelSpec accepts."""
    keys = ("argv", "display_name", "language", "env", "metadata", "interrupt_mode")
    return {k: spec[k] for k in keys if k in spec}
