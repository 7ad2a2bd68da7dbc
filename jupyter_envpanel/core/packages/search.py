"""Find a package across environments: names and versions from file names, cached by mtimes.

A conda record is `conda-meta/<name>-<version>-<build>.json` and a pip distribution is
`site-packages/<name>-<version>.dist-info`: both name and version are in the file name, so an
index of every environment costs one `listdir` per folder and no record is parsed.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..base.budget import checkpoint
from ..base.model import Environment
from ..base.prefix import mtime_ns, site_packages
from .inventory import DIST_DIR

#: Whitespace but the newline that joins names (normalise() strips it; one at a time then).
_SPACE = re.compile(r"[^\S\n]")
#: normalised name -> (name, version, "conda" or "pip")
Names = dict[str, tuple[str, str, str]]
#: At most this many matches in one answer (a one-letter query would match everything).
MAX_MATCHES = 2000


def normalise(name: str) -> str:
    """Return a name as PEP 503 and conda compare them: lower case, `_` and `.` as `-`."""
    return name.strip().lower().replace("_", "-").replace(".", "-")


@dataclass(frozen=True)
class PackageHit:
    """One installed package that matched a query, in one environment."""

    environment: str
    prefix: str
    name: str
    version: str
    source: str

    def to_json(self) -> dict[str, Any]:
        """Return the match object of the REST API."""
        return {
            "environment": self.environment,
            "prefix": self.prefix,
            "name": self.name,
            "version": self.version,
            "source": self.source,
        }


def _listdir(path: Path | None) -> list[str]:
    """Return a folder's names, none when it is missing or unreadable."""
    if path is None:
        return []
    try:
        return os.listdir(path)
    except OSError:
        return []


def read_names(prefix: Path, python_version: str | None, site: Path | None = None) -> Names:
    """Return normalised name -> (name, version, source) from the file names of one prefix.

    `site`: its site-packages, when the caller found it already.
    """
    found = conda_names(_listdir(prefix / "conda-meta"))
    for entry in _listdir(site or site_packages(prefix, python_version)):
        match = DIST_DIR.match(entry)
        if match:
            key = normalise(match.group("name"))
            shown = match.group("name").replace("_", "-")  # a wheel's `python_dateutil` is `python-dateutil`
            found.setdefault(key, (shown, match.group("version"), "pip"))
    return found


def conda_names(entries: list[str]) -> Names:
    """Return normalised name -> (name, version, "conda") of `conda-meta` file names.

    `<name>-<version>-<build>.json`, split at the last two dashes; the names are normalised joined,
    in one string operation (an index of 1,000 environments reads 175,000 of them).
    """
    parts = [e[:-5].rsplit("-", 2) for e in entries if e.endswith(".json")]
    found = [p for p in parts if len(p) == 3 and p[0] and p[1] and p[2]]
    names = "\n".join(p[0] for p in found)
    if not found:
        return {}
    if _SPACE.search(names) or names.count("\n") != len(found) - 1:  # what strip() takes, a newline
        return {normalise(name): (name, version, "conda") for name, version, _ in found}
    keys = names.lower().replace("_", "-").replace(".", "-").split("\n")
    return dict(zip(keys, [(name, version, "conda") for name, version, _ in found], strict=True))


class _Indexed(NamedTuple):
    """One prefix's names, with what they were read from."""

    mtimes: tuple[int | None, int | None]  # conda-meta, site-packages
    names: Names
    python_version: str | None
    site: Path | None  # the site-packages found for it


class PackageIndex:
    """Per-environment package names, re-read only when `conda-meta` or site-packages changed."""

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._items: dict[str, _Indexed] = {}  # by prefix

    def names(self, env: Environment) -> Names:
        """Return the packages of one environment by normalised name (two stats when unchanged)."""
        prefix = Path(env.prefix)
        meta = mtime_ns(prefix / "conda-meta")
        with self._lock:
            cached = self._items.get(env.prefix)
        same_records = (
            cached is not None and cached.mtimes[0] == meta and cached.python_version == env.python_version
        )
        # where site-packages is follows the python version, which follows the records
        known_site = cached.site if cached is not None and same_records else None
        site = known_site if known_site is not None else site_packages(prefix, env.python_version)
        key = (meta, mtime_ns(site) if site else None)
        if cached and cached.mtimes == key and cached.python_version == env.python_version:
            return cached.names
        names = read_names(prefix, env.python_version, site)
        with self._lock:
            self._items[env.prefix] = _Indexed(key, names, env.python_version, site)
        return names

    def search(self, envs: Iterable[Environment], query: str) -> tuple[list[PackageHit], bool]:
        """Return installed packages whose name contains the query (exact names first), and truncated."""
        wanted = normalise(query)
        if not wanted:
            return [], False
        exact: list[PackageHit] = []
        partial: list[PackageHit] = []
        for env in envs:
            checkpoint()
            names = self.names(env)
            hit = names.get(wanted)
            if hit is not None:
                exact.append(PackageHit(env.name, env.prefix, *hit))
            if len(partial) <= MAX_MATCHES:
                partial.extend(
                    PackageHit(env.name, env.prefix, *value)
                    for key, value in names.items()
                    if wanted in key and key != wanted
                )
        hits = exact + sorted(partial, key=lambda h: (normalise(h.name), h.environment))
        return hits[:MAX_MATCHES], len(hits) > MAX_MATCHES

    def forget(self) -> None:
        """Drop every cached index."""
        with self._lock:
            self._items.clear()
