"""The Jupyter server extension: the shared service, the kernel spec manager, the routes."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from jupyter_server.extension.application import ExtensionApp
from traitlets import TraitError

from .core.service import EnvService
from .handlers import default_handlers
from .jobhandlers import job_handlers
from .kernelspec import EnvPanelKernelSpecManager
from .pool import DiskPool
from .settings import EnvPanelSettings, build_service

if TYPE_CHECKING:
    from jupyter_server.serverapp import ServerApp

    from .core.service.jobs import Jobs

#: Kernel spec managers ours may replace: Jupyter's default and nb_conda_kernels' (same names).
REPLACEABLE = (
    "jupyter_client.kernelspec.KernelSpecManager",
    "nb_conda_kernels.CondaKernelSpecManager",
    "nb_conda_kernels.manager.CondaKernelSpecManager",
)


OURS = f"{EnvPanelKernelSpecManager.__module__}.{EnvPanelKernelSpecManager.__name__}"


def _install_kernel_spec_manager(serverapp: ServerApp) -> None:
    """Make ours the server's kernel spec manager, in its config too.

    Extensions linked after this one re-apply the server's whole config, which would otherwise
    put a configured manager (nb_conda_kernels') back.
    """
    serverapp.config.ServerApp.kernel_spec_manager_class = OURS
    serverapp.kernel_spec_manager_class = EnvPanelKernelSpecManager


class EnvPanelApp(ExtensionApp, EnvPanelSettings):
    """jupyter-envpanel: environments, drift and kernels for JupyterLab (settings: EnvPanelSettings)."""

    name = "jupyter_envpanel"

    def _apply_drop_ins(self) -> None:
        """Apply EnvPanelApp settings of `jupyter_server_config.d/*.json` not set in the main config."""
        from jupyter_core.paths import jupyter_config_path

        from .settings import drop_in_section

        assert self.serverapp is not None  # linked to the server before this runs
        configured = set(self.serverapp.config.get(type(self).__name__, {}))
        for key, value in drop_in_section(jupyter_config_path()).items():
            if key in configured or not self.has_trait(key) or not self.trait_metadata(key, "config"):
                continue
            try:
                setattr(self, key, value)
            except TraitError as err:
                self.log.warning(
                    "jupyter-envpanel: ignoring EnvPanelApp.%s from a drop-in file: %s", key, err
                )

    def _link_jupyter_server_extension(self, serverapp: ServerApp) -> None:
        """Install our kernel spec manager before the server creates its own (from config only)."""
        super()._link_jupyter_server_extension(serverapp)
        self._apply_drop_ins()
        if not self.manage_kernelspecs:
            return
        configured = serverapp.config.get("ServerApp", {}).get("kernel_spec_manager_class")
        if configured is None:
            gateway = serverapp.config.get("GatewayClient", {}).get("url") or os.environ.get(
                "JUPYTER_GATEWAY_URL"
            )
            if not gateway:
                _install_kernel_spec_manager(serverapp)
            return
        dotted = (
            configured if isinstance(configured, str) else f"{configured.__module__}.{configured.__name__}"
        )
        if dotted in REPLACEABLE:
            _install_kernel_spec_manager(serverapp)
        elif dotted != OURS:
            self.log.warning(
                "jupyter-envpanel: kernel_spec_manager_class is %s; env kernels not added", dotted
            )

    def initialize_settings(self) -> None:
        """Create the service shared by the handlers and the kernel spec manager."""
        assert self.serverapp is not None  # linked to the server before this runs
        service = build_service(self, self.serverapp.root_dir, watch=True)
        ksm = self.serverapp.kernel_spec_manager
        ours = ksm if isinstance(ksm, EnvPanelKernelSpecManager) else None
        if ours is not None:
            ours.service = service
        self.settings["envpanel_service"] = service
        self.settings["envpanel_pool"] = DiskPool(self.disk_workers, self.request_timeout)
        self.settings["envpanel_jobs"] = self._jobs(service, ours)
        self._warmup = threading.Thread(
            target=self._warm_up, args=(service, ours), name="envpanel-warmup", daemon=True
        )
        self._warmup.start()

    def _jobs(self, service: EnvService, ksm: EnvPanelKernelSpecManager | None) -> Jobs:
        """Return the jobs of this server: records in the runtime dir, earlier running ones interrupted."""
        from .core.service.jobs import jobs_for

        assert self.serverapp is not None  # linked to the server before this runs
        folder = Path(self.serverapp.runtime_dir) / "envpanel-jobs"
        changed = ksm.refresh_soon if ksm is not None else None  # the new kernel is offered at once
        jobs = jobs_for(service, folder, self.allow_actions, self.job_grace, changed=changed)
        for warning in jobs.runner.warnings:
            self.log.warning("jupyter-envpanel: %s", warning)
        return jobs

    def _warm_up(self, service: EnvService, ksm: EnvPanelKernelSpecManager | None) -> None:
        """Build the listing and the kernel table once, off the loop, while the server starts.

        The first /api/kernelspecs and environments request answer from them (one that comes
        sooner waits for the part it needs). The package index follows once the server has started.
        """
        started = time.perf_counter()
        # the listing's thousands of watches are armed once the first answers are ready (one GIL)
        try:
            with service.watch_held():
                listing = service.listing()
                listed = time.perf_counter()
                if ksm is not None:
                    ksm.refresh_table(listing)
        except Exception:  # the first request builds what is missing, and reports what is wrong
            self.log.exception("jupyter-envpanel: warming up at start failed")
            return
        done = time.perf_counter()
        self.log.debug(
            "jupyter-envpanel: %d environments listed in %.0f ms, kernel table in %.0f ms",
            len(listing.environments),
            (listed - started) * 1000,
            (done - listed) * 1000,
        )

    async def _start_jupyter_server_extension(self, serverapp: ServerApp) -> None:
        """Index every environment's packages once the server has started (the first search is later)."""
        # jupyter_server leaves this hook unannotated
        await super()._start_jupyter_server_extension(serverapp)  # type: ignore[no-untyped-call]
        service = self.settings["envpanel_service"]

        def index() -> None:
            self._warmup.join()  # one thread of disk work at a time
            try:
                service.warm_packages()
            except Exception:  # the first search builds what is missing
                self.log.exception("jupyter-envpanel: indexing packages at start failed")

        threading.Thread(target=index, name="envpanel-package-index", daemon=True).start()

    async def stop_extension(self) -> None:
        """Stop the tools of running jobs (SIGTERM to each process group); they read interrupted."""
        jobs = self.settings.get("envpanel_jobs")
        if jobs is not None:
            jobs.runner.stop()

    def initialize_handlers(self) -> None:
        """Register the REST routes."""
        self.handlers.extend(default_handlers + job_handlers)
