"""The Jupyter server extension: settings as traitlets, the shared service, the kernel specs."""

from __future__ import annotations

import os
import re
import threading

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Enum, Float, Int, List, TraitError, Unicode, validate

from .core.base.host import Host
from .core.base.model import KINDS
from .core.environments.tools import SOURCES
from .core.kernels.offer import DEFAULT_NAME_FORMAT, KernelOptions
from .core.service.facade import DEFAULT_ENV_FILES, EnvService
from .handlers import default_handlers
from .kernelspec import EnvPanelKernelSpecManager
from .pool import DiskPool

#: Kernel spec managers ours may replace: Jupyter's default and nb_conda_kernels' (same names).
REPLACEABLE = (
    "jupyter_client.kernelspec.KernelSpecManager",
    "nb_conda_kernels.CondaKernelSpecManager",
    "nb_conda_kernels.manager.CondaKernelSpecManager",
)


OURS = f"{EnvPanelKernelSpecManager.__module__}.{EnvPanelKernelSpecManager.__name__}"


def _install_kernel_spec_manager(serverapp) -> None:
    """Make ours the server's kernel spec manager, in its config too.

    Extensions linked after this one re-apply the server's whole config, which would otherwise
    put a configured manager (nb_conda_kernels') back.
    """
    serverapp.config.ServerApp.kernel_spec_manager_class = OURS
    serverapp.kernel_spec_manager_class = EnvPanelKernelSpecManager


class EnvPanelApp(ExtensionApp):
    """jupyter-envpanel: environments, drift and kernels for JupyterLab."""

    name = "jupyter_envpanel"

    extra_env_dirs = List(
        Unicode(),
        default_value=[],
        config=True,
        help="Extra directories to search: a prefix, or a folder whose subfolders are environments.",
    )
    sources = List(
        Enum(list(SOURCES)),
        default_value=list(SOURCES),
        config=True,
        help="Where to look for environments (drop one to switch it off): " + ", ".join(SOURCES) + ".",
    )
    shared_env_dirs = List(
        Unicode(),
        default_value=[],
        config=True,
        help=(
            "Installations an admin keeps for every user (TLJH's /opt/tljh/user/envs, a volume): "
            "searched like extra_env_dirs and marked 'shared' in the panel."
        ),
    )
    hide = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Regex; environments whose prefix matches it are not listed at all (nor their kernels).",
    )
    exclude = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Regex; environments whose prefix matches it get no kernels (as nb_conda_kernels' env_filter).",
    )
    kinds = List(
        Enum(list(KINDS)),
        default_value=list(KINDS),
        config=True,
        help="Kinds of environment whose kernels are offered: " + ", ".join(KINDS) + ".",
    )
    name_format = Unicode(
        DEFAULT_NAME_FORMAT,
        config=True,
        help=(
            "Kernel display name, for every kind of environment. Fields: {language}; {label}, what the"
            " environment is (`conda env:NAME` as nb_conda_kernels names it, `venv: PARENT/FOLDER`,"
            " `pixi: PROJECT`, `pyenv 3.11.7` or `/usr/bin/python3` for a plain interpreter);"
            " {environment}, its name in the listing; {kind}; {kernel}, the kernelspec's folder;"
            " {display_name}, the kernelspec's own."
        ),
    )
    env_file_names = List(
        Unicode(),
        default_value=list(DEFAULT_ENV_FILES),
        config=True,
        help="File names that count as an environment file when looking upwards from a notebook.",
    )
    offer_server_env = Bool(
        False,
        config=True,
        help="Also offer the server's own environment as conda-env-<name>-* (it already has python3).",
    )
    request_timeout = Float(
        30.0,
        config=True,
        help="Seconds a route waits for disk work before answering 503 (a read is stuck).",
    )
    disk_workers = Int(
        8, config=True, help="Threads the routes use for disk work at most (a bounded pool of their own)."
    )
    manage_kernelspecs = Bool(
        True,
        config=True,
        help="Install EnvPanelKernelSpecManager so environment kernels are listed with no manual step.",
    )

    @validate("exclude", "hide")
    def _valid_regex(self, proposal):
        """Refuse a pattern that is not a valid regex, at startup."""
        value = proposal["value"]
        if value is not None:
            try:
                re.compile(value)
            except re.error as err:
                raise TraitError(
                    f"EnvPanelApp.{proposal['trait'].name} is not a valid regex: {err}"
                ) from None
        return value

    def _apply_drop_ins(self) -> None:
        """Apply EnvPanelApp settings of `jupyter_server_config.d/*.json` not set in the main config."""
        from jupyter_core.paths import jupyter_config_path

        from .settings import drop_in_section

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

    def _link_jupyter_server_extension(self, serverapp) -> None:
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
        options = KernelOptions(
            name_format=self.name_format,
            exclude=self.exclude,
            kinds=tuple(self.kinds),
            offer_server_env=self.offer_server_env,
        )
        service = EnvService(
            Host.current(root=self.serverapp.root_dir),
            extra_dirs=self.extra_env_dirs,
            options=options,
            env_file_names=self.env_file_names,
            sources=self.sources,
            hide=self.hide,
            shared_dirs=self.shared_env_dirs,
            watch=True,
        )
        ksm = self.serverapp.kernel_spec_manager
        ours = isinstance(ksm, EnvPanelKernelSpecManager)
        if ours:
            ksm.service = service
        self.settings["envpanel_service"] = service
        self.settings["envpanel_pool"] = DiskPool(self.disk_workers, self.request_timeout)
        self._warmup = threading.Thread(
            target=self._warm_up, args=(service, ksm if ours else None), name="envpanel-warmup", daemon=True
        )
        self._warmup.start()

    def _warm_up(self, service: EnvService, ksm: EnvPanelKernelSpecManager | None) -> None:
        """Build the listing and the kernel table once, off the loop, while the server starts.

        The first /api/kernelspecs and environments request answer from them (one that comes
        sooner waits for the part it needs). The package index follows once the server has started.
        """
        try:
            listing = service.listing()
            if ksm is not None:
                ksm.refresh_table(listing)
        except Exception:  # the first request builds what is missing, and reports what is wrong
            self.log.exception("jupyter-envpanel: warming up at start failed")

    async def _start_jupyter_server_extension(self, serverapp) -> None:
        """Index every environment's packages once the server has started (the first search is later)."""
        await super()._start_jupyter_server_extension(serverapp)
        service = self.settings["envpanel_service"]

        def index() -> None:
            self._warmup.join()  # one thread of disk work at a time
            try:
                service.warm_packages()
            except Exception:  # the first search builds what is missing
                self.log.exception("jupyter-envpanel: indexing packages at start failed")

        threading.Thread(target=index, name="envpanel-package-index", daemon=True).start()

    def initialize_handlers(self) -> None:
        """Register the REST routes."""
        self.handlers.extend(default_handlers)
