"""One facade over the core, with caching; the server and the CLI both call it."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..base import paths
from ..base.errors import EnvNotFound, InvalidArgument
from ..base.host import Host
from ..base.model import CONDA_KINDS, Environment, Listing
from ..base.prefix import mtime_ns
from ..base.watch import ListingWatch
from ..drift.fixes import install_hint
from ..environments.discovery import Discovery
from ..environments.labels import env_label
from ..environments.tools import SOURCES
from ..kernels import offer as kern
from ..kernels import registry
from ..kernels.activation import state_env_vars
from ..project.create import find_tools
from .kernels import KernelFacade

if TYPE_CHECKING:  # the drift chain (py-rattler, packaging, yaml) is imported when drift is asked for
    from ..conda.channels import ChannelContext
    from ..drift.report import DriftReport
    from ..packages.inventory import Inventory, InventoryCache
    from ..packages.search import PackageIndex
    from ..project.definition import Project

DEFAULT_ENV_FILES = ("environment.yml", "environment.yaml")


class EnvService(KernelFacade):
    """Environments, packages, drift and kernels, cached by mtimes."""

    def __init__(
        self,
        host: Host,
        extra_dirs: Sequence[str] = (),
        options: kern.KernelOptions | None = None,
        env_file_names: Sequence[str] = DEFAULT_ENV_FILES,
        sources: Sequence[str] = SOURCES,
        hide: str | None = None,
        shared_dirs: Sequence[str] = (),
        watch: bool = False,
    ) -> None:
        """Remember the host and settings; nothing is read until asked.

        `watch`: a long-lived service (the server's) watches what its listing was built from
        (core/watch.py) instead of checking every mtime at every request.

        `hide`: a regex; environments whose prefix matches it are not listed at all. `shared_dirs`:
        installations an admin keeps for everyone (searched like extra dirs, marked `shared`).
        """
        self.host = host
        self.hide = re.compile(hide) if hide else None
        self.shared_dirs = tuple(str(host.expand(d)) for d in shared_dirs)
        extra_dirs = (*extra_dirs, *self.shared_dirs)
        self.options = options or kern.KernelOptions()
        self.env_file_names = tuple(env_file_names)
        self.discovery = Discovery(host, extra_dirs, sources)
        self._inventories: InventoryCache | None = None
        self._lock = threading.Lock()
        self._cached: tuple[Listing | None, Listing | None, int | None] = (None, None, None)
        self._digest: tuple[Listing | None, str, str] = (None, "", "")
        self._channels: tuple[tuple, ChannelContext] | None = None
        self._packages: PackageIndex | None = None  # made on the first package search
        self._watch = ListingWatch(self.discovery, watch)

    def refresh(self) -> None:
        """Forget every cache."""
        self.discovery.forget()
        self._watch.forget()
        if self._inventories is not None:
            self._inventories.forget()
        if self._packages is not None:
            self._packages.forget()
        with self._lock:
            self._cached = (None, None, None)

    def listing(self, revalidate: bool = True) -> Listing:
        """Return every environment with its kernels (cached until an mtime changes).

        `revalidate=False` trusts the cache without a stat, for callers on the event loop.
        """
        with self._lock:
            if not revalidate and self._cached[1] is not None:
                return self._cached[1]
        raw = self._watch.listing()
        stamp = mtime_ns(registry.user_kernels_dir(self.host))
        with self._lock:
            if self._cached[0] is raw and self._cached[2] == stamp and self._cached[1]:
                return self._cached[1]
        registered = registry.registered_names(self.host)
        shown = [e for e in raw.environments if not (self.hide and self.hide.search(e.prefix))]
        stems = kern.kernel_stems(shown)
        tools = self.tools()
        envs = tuple(self._labelled(e, registered, tools, stems.get(e.prefix, "")) for e in shown)
        listing = Listing(envs, raw.warnings, raw.searched)
        with self._lock:
            self._cached = (raw, listing, stamp)
        return listing

    def _labelled(
        self, env: Environment, registered: Sequence[str], tools: Mapping[str, str], stem: str = ""
    ) -> Environment:
        """Return env with its label, kernel name stem, env config vars and kernel list filled in."""
        env_vars, warnings = state_env_vars(Path(env.prefix)) if env.kind in CONDA_KINDS else ({}, [])
        shared = any(
            env.prefix == d or env.prefix.startswith(d.rstrip(os.sep) + os.sep) for d in self.shared_dirs
        )
        env = replace(
            env,
            shared=shared,
            label=env_label(env),
            kernel_stem=stem,
            env_vars=tuple(env_vars.items()),
            warnings=env.warnings + tuple(warnings),
        )
        return kern.with_kernel_refs(env, self.options, registered, lambda e: install_hint(e, tools))

    def versioned_listing(self) -> tuple[Listing, str]:
        """Return the listing and a digest of its content (the REST ETag), computed once per listing.

        A rescan that finds the same environments (a file created in the root, say) keeps the digest.
        """
        listing, digest, _ = self.listing_json()
        return listing, digest

    def listing_json(self) -> tuple[Listing, str, str]:
        """Return the listing, its digest and its JSON text, each made once per listing."""
        listing = self.listing()
        with self._lock:
            if self._digest[0] is listing:
                return self._digest
        text = json.dumps(listing.to_json(), sort_keys=True)
        digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]
        with self._lock:
            self._digest = (listing, digest, text)
        return listing, digest, text

    def adopt(self, prefix: Path) -> None:
        """List an in-project environment the usual places miss (found by the project resolver)."""
        with self._lock:
            if str(prefix) in self.discovery.extra_dirs:
                return
            self.discovery.extra_dirs = (*self.discovery.extra_dirs, str(prefix))
        self.discovery.forget()

    @property
    def inventories(self) -> InventoryCache:
        """Return the inventory cache (created, with its imports, when packages are first asked for)."""
        if self._inventories is None:
            from ..packages.inventory import InventoryCache

            self._inventories = InventoryCache()
        return self._inventories

    def export(self, env: Environment) -> str:
        """Return an environment.yml for an environment: what the user asked for, pinned."""
        from ..drift.export import export_text

        return export_text(env, self.inventory(env), self.channel_context())

    def packages(self, query: str) -> dict:
        """Return `{query, matches, truncated}`: installed packages named like the query, per env."""
        hits, truncated = self._package_index().search(self.listing().environments, query)
        return {"query": query, "matches": [h.to_json() for h in hits], "truncated": truncated}

    def warm_packages(self) -> None:
        """Read every environment's package names now, so the first search finds them ready."""
        index = self._package_index()
        for env in self.listing().environments:
            index.names(env)

    def _package_index(self) -> PackageIndex:
        """Return the package index (made, with its imports, on first use)."""
        from ..packages.search import PackageIndex

        with self._lock:
            if self._packages is None:
                self._packages = PackageIndex()
            return self._packages

    def project(self, start: Path, stop: Path | None = None, confined: bool = False) -> Project:
        """Return the project environment of a folder (nearest definition up to stop, default: root)."""
        from .project import resolve_project

        return resolve_project(self, start, stop or Path(os.path.realpath(self.host.root)), confined)

    def find(self, ref: str, allow_any_prefix: bool = False) -> Environment:
        """Return the environment with this name or prefix (only discovered ones, by default)."""
        if not ref or "\x00" in ref:
            raise InvalidArgument("an environment name or prefix is required")
        is_path = os.sep in ref or ref.startswith(("~", "."))
        if is_path and allow_any_prefix:  # the CLI and the API: read that prefix only, not every env
            env = self.discovery.describe(Path(os.path.realpath(self.host.expand_user(ref))))
            if env is not None:
                return self._labelled(env, [], self.tools())
        if not is_path and self._cached[1] is None:  # no listing yet: read where that name can be
            env = self._by_name(ref)
            if env is not None:
                return env
        envs = self.listing().environments
        for env in envs:
            if env.name == ref:
                return env
        if is_path:
            real = os.path.realpath(self.host.expand_user(ref))
            for env in envs:
                if os.path.realpath(env.prefix) == real:
                    return env
        raise EnvNotFound(ref)

    def _by_name(self, name: str) -> Environment | None:
        """Return the environment the listing would name so, labelled as the listing labels it, or None.

        None when the few folders that name can be in do not prove it (core/byname.py): the listing decides.
        """
        from ..environments.byname import resolve_name

        env = resolve_name(self.discovery, name)
        if env is None or (self.hide and self.hide.search(env.prefix)):
            return None
        return self._labelled(env, registry.registered_names(self.host), self.tools(), name)

    def active(self) -> Environment:
        """Return the active environment: `CONDA_PREFIX`, else the server's own prefix."""
        prefix = self.host.getenv("CONDA_PREFIX") or str(self.host.sys_prefix)
        return self.find(str(Path(prefix).absolute()), allow_any_prefix=True)

    def tools(self) -> dict[str, str]:
        """Return the package tools this machine has, and how to call each (a few stats, never run)."""
        from ..environments.sources import find_roots

        return find_tools(self.host, find_roots(self.host))

    def channel_context(self) -> ChannelContext:
        """Return how the condarc files name channels (channel_alias, custom channels, defaults)."""
        from ..conda.condarc import merge
        from ..environments.sources import condarc_files, find_roots

        files = condarc_files(self.host, find_roots(self.host))
        stamp = tuple(mtime_ns(f) for f in files)
        cached = self._channels
        if cached is not None and cached[0] == stamp:
            return cached[1]
        context = merge(files, self.host.expand, []).channels()
        self._channels = (stamp, context)
        return context

    def inventory(self, env: Environment) -> Inventory:
        """Return what is installed in an environment (parses records, cached by mtime)."""
        return self.inventories.get(Path(env.prefix), env.kind, env.python_version)

    def show(self, ref: str, allow_any_prefix: bool = False) -> dict:
        """Return one environment with its packages, as `show --json` prints it."""
        env = self.find(ref, allow_any_prefix)
        inv = self.inventory(env)
        data = env.to_json()
        data["packages"] = [p.to_json() for p in inv.packages()]
        data["warnings"] = list(env.warnings) + list(inv.warnings)
        return data

    def drift(self, env: Environment, path: Path, label: str = "") -> DriftReport:
        """Compare an environment with an environment file.

        With a label (the server's use), included files must lie inside the root and every
        file is reported relative to it.
        """
        confine = Path(self.host.root) if label else None
        if path.suffix == ".txt":  # a pip requirements file (a venv project's definition)
            from ..requirements.envfile import EnvFile
            from ..requirements.reqfile import parse_requirements_file

            reqs = parse_requirements_file(path, root=confine)
            envfile = EnvFile(str(path), None, (), tuple(reqs))
        else:
            from ..requirements.envfile import parse_envfile

            envfile = parse_envfile(path, confine=confine)
        inv = self.inventory(env)
        from ..drift.report import check, extras_wanted
        from ..packages.inventory import read_requires_dist

        requires = {n: read_requires_dist(inv.pip[n]) for n in extras_wanted(envfile) if n in inv.pip}
        report = check(env.ref(), envfile, inv, label or str(path), requires, self.channel_context())
        from ..drift.fixes import fix_commands

        has_pip = "pip" in inv.pip or "pip" in inv.conda
        fixes, notes = fix_commands(env, report.requirements, self.tools(), envfile.channels, has_pip)
        report = replace(report, fixes=fixes, notes=notes)
        if not label:
            return report
        items = tuple(replace(r, file=self.relative(Path(r.file))) for r in report.requirements)
        return replace(report, requirements=items)

    def resolve_in_root(self, rel: str) -> Path:
        """Resolve a request path inside the root; absolute, `..` or symlinks out -> 403."""
        return paths.resolve_in_root(self.host.root, rel)

    def relative(self, path: Path) -> str:
        """Return a path relative to the root, for labels in reports."""
        return paths.relative(self.host.root, path)

    def nearest_envfile(self, start: Path, stop: Path | None = None, confined: bool = False) -> Path:
        """Return the nearest environment file from start upwards (to stop), then binder/."""
        confine = Path(self.host.root) if confined else None
        return paths.nearest_envfile(start, self.env_file_names, stop, confine)
