"""The service: the facades per concern, composed once; the server, the CLI and the Python API call it.

Each facade owns its cache and takes plain inputs (an environment, a path, a name): listing,
packages, drift, kernels, project, notebooks. None calls back up into this composition; the
methods here only pass a request on to the facade that answers it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.host import Host
from ..base.model import Environment, Listing
from ..base.paths import Root
from .kernels import Kernels
from .listing import DEFAULT_ENV_FILES, Listings, ServiceOptions
from .packages import Packages

if TYPE_CHECKING:
    from ..conda.channels import ChannelContext
    from ..drift.report import DriftReport
    from ..kernels.offer import KernelOptions, OfferedKernel
    from ..notebooks.record import RanWith
    from ..packages.inventory import Inventory
    from ..project.definition import Project
    from .drift import Drifts
    from .notebooks import Notebooks
    from .project import Projects

__all__ = ["DEFAULT_ENV_FILES", "EnvService", "ServiceOptions"]


class EnvService:
    """Environments, packages, drift, kernels, projects and notebooks, each cached by what it read."""

    def __init__(self, host: Host, options: ServiceOptions | None = None) -> None:
        """Compose the facades; nothing is read until asked."""
        options = options or ServiceOptions()
        self.host = host
        self.root = Root(host.root, options.env_file_names)
        self.listings = Listings(host, options)
        self.installed = Packages(host)
        self.kernels = Kernels(host, self.listings)

    # Composed when first used: a listing (`list`, `/api/kernelspecs`) never imports their chains.

    @cached_property
    def drifts(self) -> Drifts:
        """Return the drift facade."""
        from .drift import Drifts

        return Drifts(self.root, self.installed, self.listings.tools)

    @cached_property
    def projects(self) -> Projects:
        """Return the project facade."""
        from .project import Projects

        return Projects(self.root, self.host.home, self.listings, self.drifts)

    @cached_property
    def notebooks(self) -> Notebooks:
        """Return the notebook facade."""
        from .notebooks import Notebooks

        return Notebooks(self.listings, self.kernels, self.installed)

    @property
    def options(self) -> KernelOptions:
        """Return how environments become kernels."""
        return self.listings.options

    @property
    def env_file_names(self) -> Sequence[str]:
        """Return the names that count as an environment file."""
        return self.root.env_file_names

    def refresh(self) -> None:
        """Forget every cache."""
        self.listings.refresh()
        self.installed.refresh()

    # --- environments ---------------------------------------------------------------

    def listing(self, revalidate: bool = True) -> Listing[Environment]:
        """Return every environment with its kernels (see Listings.listing)."""
        return self.listings.listing(revalidate)

    @contextlib.contextmanager
    def watch_held(self) -> Iterator[None]:
        """Arm no inotify watch while the block runs (a server's warm-up: its first answers go first)."""
        self.listings.watch.hold()
        try:
            yield
        finally:
            self.listings.watch.release()

    def listing_json(self) -> tuple[Listing[Environment], str, str]:
        """Return the listing, its digest and its JSON text, each made once per listing."""
        return self.listings.listing_json()

    def versioned_listing(self) -> tuple[Listing[Environment], str]:
        """Return the listing and its digest (the REST ETag)."""
        listing, digest, _ = self.listings.listing_json()
        return listing, digest

    def find(self, ref: str, allow_any_prefix: bool = False) -> Environment:
        """Return the environment with this name or prefix."""
        return self.listings.find(ref, allow_any_prefix)

    def active(self) -> Environment:
        """Return the active environment: `CONDA_PREFIX`, else the server's own prefix."""
        return self.listings.active()

    def tools(self) -> dict[str, str]:
        """Return the package tools this machine has, and how to call each."""
        return self.listings.tools()

    # --- packages -------------------------------------------------------------------

    def inventory(self, env: Environment) -> Inventory:
        """Return what is installed in an environment."""
        return self.installed.inventory(env)

    def channel_context(self) -> ChannelContext:
        """Return how the condarc files name channels."""
        return self.installed.channel_context()

    def show(self, ref: str, allow_any_prefix: bool = False) -> dict[str, Any]:
        """Return one environment with its packages, as `show --json` prints it."""
        return self.installed.show(self.find(ref, allow_any_prefix))

    def packages(self, query: str) -> dict[str, Any]:
        """Return `{query, matches, truncated}`: installed packages named like the query, per env."""
        return self.installed.search(self.listing().environments, query)

    def warm_packages(self) -> None:
        """Read every environment's package names now, so the first search finds them ready."""
        self.installed.warm(self.listing().environments)

    def export(self, env: Environment) -> str:
        """Return an environment.yml for an environment: what the user asked for, pinned."""
        return self.installed.export(env)

    # --- drift, project, notebooks ----------------------------------------------------

    def drift(self, env: Environment, path: Path, label: str = "") -> DriftReport:
        """Compare an environment with an environment file (see Drifts.drift)."""
        return self.drifts.drift(env, path, label)

    def project(self, start: Path, stop: Path | None = None, confined: bool = False) -> Project:
        """Return the project environment of a folder (nearest definition up to stop, default: root)."""
        return self.projects.project(start, stop or Path(os.path.realpath(self.host.root)), confined)

    def notebook_report(self, path: Path, env_ref: str = "", label: str = "") -> dict[str, Any]:
        """Return what a notebook ran with, compared with an environment now."""
        return self.notebooks.report(path, env_ref, label)

    def notebook_lock_report(
        self, path: Path, lock: Path, label: str = "", lock_label: str = ""
    ) -> dict[str, Any]:
        """Return what a notebook ran with, compared with a lock file."""
        return self.notebooks.lock_report(path, lock, label, lock_label)

    def ran_with(self, env: Environment) -> RanWith:
        """Return the record a notebook running in this environment stores when it is saved."""
        return self.notebooks.ran_with(env)

    # --- root paths -----------------------------------------------------------------

    def resolve_in_root(self, rel: str) -> Path:
        """Resolve a request path inside the root; absolute, `..` or symlinks out -> 403."""
        return self.root.resolve(rel)

    def relative(self, path: Path) -> str:
        """Return a path relative to the root, for labels in reports."""
        return self.root.relative(path)

    def nearest_envfile(self, start: Path, stop: Path | None = None, confined: bool = False) -> Path:
        """Return the nearest environment file or lock file from start upwards (to stop), then binder/."""
        return self.drifts.nearest_definition(start, stop, confined)

    # --- kernels --------------------------------------------------------------------

    def offered_kernels(self) -> dict[str, OfferedKernel]:
        """Return every kernel offered for every environment, by kernel name."""
        return self.kernels.offered_kernels()

    def offered_kernels_for(self, listing: Listing[Environment]) -> dict[str, OfferedKernel]:
        """Return every kernel offered for the environments of a listing, by kernel name."""
        return self.kernels.offered_kernels_for(listing)

    def register(self, ref: str) -> list[str]:
        """Write persistent kernelspecs for an environment; return their names."""
        return self.kernels.register(ref)

    def unregister(self, ref: str, system_dirs: Sequence[Path] = ()) -> list[str]:
        """Remove the persistent kernelspecs jupyter-envpanel wrote for an environment."""
        return self.kernels.unregister(ref, system_dirs)

    def environment_of_spec(self, spec: dict[str, Any]) -> tuple[Environment | None, str | None]:
        """Return the environment a kernelspec runs in, and that prefix."""
        return self.kernels.environment_of_spec(spec)
