"""Find environments on disk: classify candidates, read cheap facts, name them, cache by mtime."""

from __future__ import annotations

import builtins
import os
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..base.host import Host
from ..base.model import CONDA_KINDS, Discovered, Listing
from ..base.names import natural_key
from ..base.prefix import Stamp, mtime_ns, racy
from . import factstore
from .classify import Found, classify
from .facts import Facts, read_facts
from .sources import Candidate, search
from .tools import SOURCES

__all__ = ["Discovery", "assign_names", "discovered", "folder_identity"]


def folder_identity(path: str | Path) -> object:
    """Return what makes two paths the same directory: (device, inode), one stat, not a realpath walk."""
    try:
        st = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (st.st_dev, st.st_ino)


def assign_names(found: Sequence[Found]) -> list[str]:
    """Give every environment a unique name; clashes get their context, then a counter."""
    taken: dict[str, int] = {}
    names = []
    for env in found:
        name = env.base_name
        if name in taken and env.context:
            name = f"{env.context}-{env.base_name}"
        if name in taken:
            stem = name
            count = 2
            while f"{stem}-{count}" in taken:
                count += 1
            name = f"{stem}-{count}"
        taken[name] = 1
        names.append(name)
    return names


class Discovery:
    """Finds environments; repeated calls stat the watched paths and reuse what did not change."""

    def __init__(
        self,
        host: Host,
        extra_dirs: Sequence[str] = (),
        sources: Sequence[str] = SOURCES,
        store: Path | None = None,
    ) -> None:
        """Remember where to look (and the file facts are kept in between processes); nothing is read yet."""
        self.host = host
        self.extra_dirs = tuple(extra_dirs)
        self.sources = tuple(sources)
        self._lock = threading.Lock()
        self._listing: Listing[Discovered] | None = None
        self._stamp: Stamp = ()
        self._racy = False
        self._watched: list[str | Path] = []
        self._facts: dict[str, tuple[Stamp, Facts]] = {}  # by _slot(): a prefix, and its interpreter
        #: core/environments/factstore.py: the file, what it held (None: not read yet), whether to write it
        self._store = store
        self._kept: dict[str, factstore.Kept] | None = None
        self._dirty = False

    def forget(self) -> None:
        """Drop every cached fact, the kept ones too, so the next listing reads the disk again."""
        with self._lock:
            self._listing = None
            self._facts.clear()
            self._kept = {}

    def _stamp_of(self, paths: Sequence[str | Path]) -> Stamp:
        """Return the mtimes of paths, the key that invalidates the cache."""
        return tuple(mtime_ns(p) for p in paths)

    def list(self, revalidate: bool = True) -> Listing[Discovered]:
        """Return every environment, from cache when no watched mtime changed (or not checked)."""
        with self._lock:
            if self._listing is not None and (not revalidate or self._still_valid()):
                return self._listing
            started = time.time_ns()
            listing, watched, stamp = self._scan()
            if stamp == self._stamp and self._listing is not None and _same(listing, self._listing):
                # a racy re-check found nothing new: keep the object callers compare by (files read
                # later may differ)
                listing = self._listing
            self._watched, self._stamp, self._listing = watched, stamp, listing
            # A folder changed within the filesystem's timestamp granularity of the scan may change
            # again without its mtime moving ("racily clean", as git says): check it once more later.
            self._racy = any(racy(m, started) for m in stamp)
            return listing

    @property
    def racy(self) -> bool:
        """Return whether the last scan was racy: a watched mtime within the timestamp granularity of it."""
        return self._racy

    @property
    def watched(self) -> Sequence[str | Path]:
        """Return the paths whose mtimes key the last scan's listing."""
        return self._watched

    def _still_valid(self) -> bool:
        """Return whether no watched mtime changed (and the last scan was not racy)."""
        return not self._racy and self._stamp_of(self._watched) == self._stamp

    def _facts_for(self, env: Found) -> tuple[Facts, builtins.list[str | Path], Stamp]:
        """Return a prefix's facts, watched paths and their mtimes (taken before reading)."""
        prefix = env.prefix  # strings, not pathlib: this runs for every env of every listing
        base = _base_paths(env)
        slot = _slot(env)
        cached = self._facts.get(slot)
        changed: Stamp | None = None  # a kept entry's: its paths' ctimes, which no tool sets back
        if cached is None and self._kept:  # what an earlier process read, if read as this one would
            kept = self._kept.pop(prefix, None)
            if kept is not None and kept[:3] == (env.kind, self._python_hint(env), env.venv):
                cached, changed = (kept.stamp, kept.facts), kept.changed
        if cached is None and env.kind in CONDA_KINDS:  # first read: the reads' own opens give the mtimes
            return self._first_facts(env, base)
        # What the last read found: site-packages (pip changes only it), conda-meta/state (conda rewrites
        # it in place: its folder's mtime stays), each kernel.json (edited in place)
        found = list(cached[1].read_paths) if cached else []
        watch = base + found
        key, absent, ctimes = _stamps(watch)
        if cached and cached[0] == key and changed in (None, ctimes):
            self._facts[slot] = cached
            return cached[1], watch, key
        self._dirty = True
        reading = time.time_ns()
        # what the stamps found missing is not looked for again: were it made since, its stamp moves
        facts = read_facts(prefix, env.kind, self._python_hint(env), env.venv, absent)
        if list(facts.read_paths) != found:  # first read, a new Python, a kernel folder added: stamped after
            watch = base + list(facts.read_paths)
            key = key[: len(base)] + self._stamp_of(watch[len(base) :])
        # racily clean facts (a path changed while, or just before, it was read) are read again
        if not any(racy(m, reading) for m in key):
            self._facts[slot] = (key, facts)
        return facts, watch, key

    def _first_facts(
        self, env: Found, base: builtins.list[str | Path]
    ) -> tuple[Facts, builtins.list[str | Path], Stamp]:
        """Read a conda prefix not read before: each mtime comes from the open that reads it (no stats)."""
        self._dirty = True
        reading = time.time_ns()
        seen: dict[str, int | None] = {}
        facts = read_facts(env.prefix, env.kind, self._python_hint(env), env.venv, stamps=seen)
        watch = base + list(facts.read_paths)
        # a path the reads did not open (unreadable, not a folder) is stat'ed like any other
        key = tuple(seen[p] if p in seen else mtime_ns(p) for p in (os.fspath(w) for w in watch))
        if not any(racy(m, reading) for m in key):
            self._facts[_slot(env)] = (key, facts)
        return facts, watch, key

    def _scan(self) -> tuple[Listing[Discovered], builtins.list[str | Path], Stamp]:
        """Walk every source, dedupe by real path, classify, name and read facts."""
        if self._store is not None and self._kept is None:
            self._kept = factstore.load(self._store)
        found_sources = search(self.host, self.extra_dirs, sources=self.sources)
        warnings = list(found_sources.warnings)
        watched: builtins.list[str | Path] = list(found_sources.watched)
        stamp = list(self._stamp_of(watched))
        seen: dict[object, Found] = {}
        server_exe = os.path.realpath(self.host.sys_executable)
        for cand in found_sources.candidates:
            real = folder_identity(cand.path)
            if cand.executable and cand.executable != server_exe:  # /usr has python3.11 and python3.12
                if real in seen and seen[real].kind != "system":  # uv's or pyenv's, linked from PATH
                    continue
                real = (real, cand.executable)
            if real in seen:
                seen[real].is_server |= cand.source == "server"
                continue
            env, warning = classify(cand, found_sources, self.host)
            if warning:
                warnings.append(warning)
            if env is not None:
                seen[real] = env
        envs = list(seen.values())
        result = []
        for env, name in zip(envs, assign_names(envs), strict=True):
            facts, watch, key = self._facts_for(env)
            watched.extend(watch)
            stamp.extend(key)
            result.append(discovered(env, name, facts))
        result.sort(key=lambda e: (not e.is_server, not e.is_base, natural_key(e.name)))
        if self._dirty and self._store is not None:
            self._keep(self._store, envs)
        listing = Listing(tuple(result), tuple(dict.fromkeys(warnings)), tuple(found_sources.searched()))
        return listing, watched, tuple(stamp)

    def _keep(self, store: Path, envs: Sequence[Found]) -> None:
        """Write the facts of this scan's environments for the next process (racy ones are not cached)."""
        kept = {}
        # two interpreters of one prefix (/usr's python3.11 and python3.12): the file has one entry a prefix
        shared = {prefix for prefix, count in Counter(env.prefix for env in envs).items() if count > 1}
        for env in envs:
            cached = self._facts.get(_slot(env))
            if cached is None or env.prefix in shared:
                continue
            # with the ctimes, which a copy, an extraction or `touch -d` cannot set back as mtimes can
            mtimes, _, ctimes = _stamps(_base_paths(env) + list(cached[1].read_paths))
            if mtimes == cached[0]:  # else: changed since it was read, read again next time
                kept[env.prefix] = factstore.Kept(env.kind, self._python_hint(env), env.venv, *cached, ctimes)
        factstore.save(store, kept)
        self._dirty = False

    def describe(self, path: Path) -> Discovered | None:
        """Classify one prefix that the listing does not hold (a CLI argument), or None."""
        places = search(self.host, self.extra_dirs, enumerate_envs=False, sources=self.sources)
        found, _ = classify(Candidate(path, "cli"), places, self.host)
        if found is None:
            return None
        found.is_server = folder_identity(path) == folder_identity(self.host.sys_prefix)
        facts = read_facts(found.prefix, found.kind, self._python_hint(found), found.venv)
        return discovered(found, found.base_name, facts)

    def _python_hint(self, env: Found) -> str | None:
        """Return the python version classification learnt, or the server's own for its prefix."""
        return env.python_hint or (self.host.sys_python_version if env.is_server else None)


def _slot(env: Found) -> str:
    """Return where a prefix's facts are cached: one slot per interpreter when it has several (/usr)."""
    return f"{env.prefix}\0{env.executable}" if env.executable else env.prefix


def _base_paths(env: Found) -> builtins.list[str | Path]:
    """Return the paths watched for every prefix of env's kind, before what reading it found."""
    prefix = env.prefix
    if env.kind in CONDA_KINDS:  # conda-meta/state, when there is one, is among what was read
        return [prefix + "/conda-meta", prefix + "/share/jupyter/kernels"]
    return [
        *(prefix + "/conda-meta", prefix + "/conda-meta/state", prefix + "/share/jupyter/kernels"),
        *(prefix + "/pyvenv.cfg", prefix + "/lib"),
    ]


def _stamps(paths: Sequence[str | Path]) -> tuple[Stamp, builtins.list[str | Path], Stamp]:
    """Return the mtimes of paths (None: missing or unreadable), the missing paths, and the ctimes."""
    stamp: builtins.list[int | None] = []
    absent: builtins.list[str | Path] = []
    ctimes: builtins.list[int | None] = []
    for path in paths:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            stamp.append(None)
            ctimes.append(None)
            absent.append(path)
            continue
        except OSError:
            stamp.append(None)
            ctimes.append(None)
            continue
        stamp.append(info.st_mtime_ns)
        ctimes.append(info.st_ctime_ns)
    return tuple(stamp), absent, tuple(ctimes)


def _same(new: Listing[Discovered], old: Listing[Discovered]) -> bool:
    """Return whether two scans found the same, kernel.json contents and env vars too (`==` skips them)."""
    return new == old and all(
        a.kernel_files == b.kernel_files
        and [(k.spec, k.resources) for k in a.kernel_files] == [(k.spec, k.resources) for k in b.kernel_files]
        and a.env_vars == b.env_vars
        for a, b in zip(new.environments, old.environments, strict=True)
    )


def discovered(env: Found, name: str, facts: Facts) -> Discovered:
    """Build the Discovered value from a classified prefix, its name and its facts."""
    return Discovered.of_fields(
        name=name,
        prefix=env.prefix,
        kind=env.kind,
        named=env.named,
        is_server=env.is_server,
        is_base=env.is_base,
        python_version=facts.python_version,
        package_count=facts.package_count,
        has_ipykernel=facts.has_ipykernel,
        warnings=facts.warnings,
        source=env.source,
        kernel_files=facts.kernel_files,
        executable=env.executable,
        project=env.project,
        is_venv=env.venv,
        env_vars=facts.env_vars,
    )
