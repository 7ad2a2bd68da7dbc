"""The listing: every environment as the panel, the CLI and the kernel table see it, built once per change.

Discovery (core/environments) answers what is on disk; this facade applies the settings (hidden,
shared), names each environment's kernels uniquely and builds each `Environment` once, with its
kernels and, without one, how to get one. It also finds one environment by name or prefix.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..base.errors import EnvNotFound, InvalidArgument
from ..base.host import Host
from ..base.model import Discovered, Environment, Listing
from ..base.prefix import mtime_ns
from ..drift.fixes import install_hint
from ..environments import factstore
from ..environments.discovery import Discovery
from ..environments.labels import env_label
from ..environments.listwatch import ListingWatch
from ..environments.sources import find_roots
from ..environments.tools import SOURCES
from ..kernels import offer as kern
from ..kernels import registry
from ..project.create import find_tools

DEFAULT_ENV_FILES = ("environment.yml", "environment.yaml")


@dataclass(frozen=True)
class ServiceOptions:
    """The settings the core needs, as plain values (the edge reads them from `EnvPanelApp`)."""

    extra_dirs: Sequence[str] = ()
    kernels: kern.KernelOptions = field(default_factory=kern.KernelOptions)
    env_file_names: Sequence[str] = DEFAULT_ENV_FILES
    sources: Sequence[str] = SOURCES
    #: A regex; environments whose prefix matches it are not listed at all.
    hide: str | None = None
    #: Installations an admin keeps for everyone: searched like extra dirs, marked `shared`.
    shared_dirs: Sequence[str] = ()
    #: A long-lived service (the server's) watches what its listing was built from (inotify).
    watch: bool = False
    #: Keep what a listing read of each environment between processes (core/environments/factstore.py).
    keep_facts: bool = False


class Listings:
    """Environments with their kernels, cached until something they were read from changes."""

    def __init__(self, host: Host, options: ServiceOptions) -> None:
        """Remember the host and settings; nothing is read until asked."""
        self.host = host
        self.options = options.kernels
        self.hide = re.compile(options.hide) if options.hide else None
        self.shared_dirs = tuple(str(host.expand(d)) for d in options.shared_dirs)
        store = factstore.store_path(host) if options.keep_facts else None
        self.discovery = Discovery(host, (*options.extra_dirs, *self.shared_dirs), options.sources, store)
        self.watch = ListingWatch(self.discovery, options.watch)
        self._lock = threading.Lock()
        #: (discovery's listing, the listing built from it, the user kernels folder's mtime then)
        self._cached: tuple[Listing[Discovered] | None, Listing[Environment] | None, int | None]
        self._cached = (None, None, None)
        self._digest: tuple[Listing[Environment], str, str] | None = None

    def refresh(self) -> None:
        """Forget every cached listing."""
        self.discovery.forget()
        self.watch.forget()
        with self._lock:
            self._cached = (None, None, None)

    def listing(self, revalidate: bool = True) -> Listing[Environment]:
        """Return every environment with its kernels (`revalidate=False`: no stat, for the event loop)."""
        with self._lock:
            if not revalidate and self._cached[1] is not None:
                return self._cached[1]
        raw = self.watch.listing()
        stamp = mtime_ns(registry.user_kernels_dir(self.host))
        with self._lock:
            if self._cached[0] is raw and self._cached[2] == stamp and self._cached[1]:
                return self._cached[1]
        registered = registry.registered_names(self.host)
        shown = [e for e in raw.environments if not (self.hide and self.hide.search(e.prefix))]
        stems = kern.kernel_stems(shown)
        tools = self.tools()
        envs = tuple(self.listed(e, registered, tools, stems.get(e.prefix, "")) for e in shown)
        listing = Listing(envs, raw.warnings, raw.searched)
        with self._lock:
            self._cached = (raw, listing, stamp)
        return listing

    def listed(
        self, found: Discovered, registered: Sequence[str], tools: Mapping[str, str], stem: str = ""
    ) -> Environment:
        """Build the listing's Environment of what discovery found, once: label, kernels, settings."""
        prefix = found.prefix
        shared = bool(self.shared_dirs) and any(
            prefix == d or prefix.startswith(d.rstrip(os.sep) + os.sep) for d in self.shared_dirs
        )
        label = env_label(found)
        refs = kern.kernel_refs(found, self.options, registered, stem, label)
        return Environment.of(
            found,
            kernels=refs,
            kernel_hint="" if refs or found.has_ipykernel else install_hint(found, tools),
            shared=shared,
            label=label,
            kernel_stem=stem,
        )

    def listing_json(self) -> tuple[Listing[Environment], str, str]:
        """Return the listing, its digest (the REST ETag) and its JSON text, each made once per listing.

        A rescan that finds the same environments (a file created in the root, say) keeps the digest.
        """
        listing = self.listing()
        with self._lock:
            if self._digest is not None and self._digest[0] is listing:
                return self._digest
        text = json.dumps(listing.to_json(), sort_keys=True, allow_nan=False)
        import hashlib  # the server's ETag; a CLI listing never needs it

        digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]
        with self._lock:
            self._digest = (listing, digest, text)
        return listing, digest, text

    def adopt(self, prefix: Path) -> bool:
        """List an in-project environment the usual places miss (asked for: a POST); False when listed."""
        with self._lock:
            if str(prefix) in self.discovery.extra_dirs:
                return False
            self.discovery.extra_dirs = (*self.discovery.extra_dirs, str(prefix))
        self.discovery.forget()
        return True

    def describe(self, prefix: Path) -> Environment | None:
        """Return one prefix as the listing would show it, without adding it to the listing (a read)."""
        found = self.discovery.describe(prefix)
        return self.listed(found, registry.registered_names(self.host), self.tools()) if found else None

    def find(self, ref: str, allow_any_prefix: bool = False) -> Environment:
        """Return the environment with this name or prefix (only discovered ones, by default)."""
        if not ref or "\x00" in ref:
            raise InvalidArgument("an environment name or prefix is required")
        is_path = os.sep in ref or ref.startswith(("~", "."))
        if is_path and allow_any_prefix:  # the CLI and the API: read that prefix only, not every env
            env = self.describe(Path(os.path.realpath(self.host.expand_user(ref))))
            if env is not None:
                return env
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
        """Return the environment the listing would name so (core/environments/byname.py), or None."""
        from ..environments.byname import resolve_name

        found = resolve_name(self.discovery, name)
        if found is None or (self.hide and self.hide.search(found.prefix)):
            return None
        return self.listed(found, registry.registered_names(self.host), self.tools(), name)

    def active(self) -> Environment:
        """Return the active environment: `CONDA_PREFIX`, else the server's own prefix."""
        prefix = self.host.getenv("CONDA_PREFIX") or str(self.host.sys_prefix)
        return self.find(str(Path(prefix).absolute()), allow_any_prefix=True)

    def tools(self) -> dict[str, str]:
        """Return the package tools this machine has, and how to call each (a few stats, never run)."""
        return find_tools(self.host, find_roots(self.host))
