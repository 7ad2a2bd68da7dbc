"""Find environments on disk: classify candidates, read cheap facts, name them, cache by mtime."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from .host import Host
from .kernelfiles import read_kernel_json
from .model import CONDA_KINDS, Environment, KernelFile, Listing
from .safe_read import UnreadableFile, read_text
from .sources import Candidate, Search, search


@dataclass(frozen=True)
class Facts:
    """What a listing needs from one prefix, read from file names only."""

    python_version: Optional[str]
    package_count: int
    has_ipykernel: bool
    kernel_files: Tuple[KernelFile, ...]
    warnings: Tuple[str, ...]


# conda-meta/<name>-<version>-<build>.json: version and build never contain a dash.
_PYTHON_RECORD = re.compile(r"\npython-(\d[^-\n]*)-[^-\n]+\.json\n")
_IPYKERNEL_RECORD = re.compile(r"\nipykernel-[^-\n]+-[^-\n]+\.json\n")


def _identity(path: Path) -> object:
    """Return what makes two paths the same directory: (device, inode), one stat, not a realpath walk."""
    try:
        st = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (st.st_dev, st.st_ino)


def mtime_ns(path: Optional[Path]) -> Optional[int]:
    """Return a path's mtime in ns, or None when it is None, missing or unreadable."""
    if path is None:
        return None
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def site_packages(prefix: Path, python_version: Optional[str]) -> Optional[Path]:
    """Return the env's own site-packages (for its python version, not the server's)."""
    if python_version:
        major_minor = ".".join(python_version.split(".")[:2])
        for suffix in ("", "t"):
            path = prefix / "lib" / f"python{major_minor}{suffix}" / "site-packages"
            if path.is_dir():
                return path
    if (prefix / "Lib" / "site-packages").is_dir():
        return prefix / "Lib" / "site-packages"
    found = sorted((prefix / "lib").glob("python3*/site-packages"))
    return found[-1] if found else None


def venv_python_version(prefix: Path) -> Optional[str]:
    """Return the python version recorded in a venv's `pyvenv.cfg`."""
    try:
        text = read_text(prefix / "pyvenv.cfg", "pyvenv.cfg", errors="replace")
    except (OSError, UnreadableFile):
        return None
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    raw = values.get("version_info") or values.get("version")
    if not raw:
        return None
    match = re.match(r"\d+(\.\d+){0,2}", raw)
    return match.group(0) if match else None


def read_kernel_files(prefix: Path, warnings: List[str]) -> Tuple[KernelFile, ...]:
    """Return every parsed `share/jupyter/kernels/*/kernel.json`; broken ones become warnings."""
    base = os.path.join(prefix, "share", "jupyter", "kernels")
    try:
        entries = sorted(os.scandir(base), key=lambda e: e.name)
    except OSError:
        return ()
    found = []
    for entry in entries:
        spec_path = os.path.join(entry.path, "kernel.json")
        try:
            spec = read_kernel_json(spec_path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except UnreadableFile as err:
            warnings.append(f"kernel not offered: {err}")
            continue
        except OSError as err:
            warnings.append(f"kernel not offered: cannot read {spec_path}: {err.strerror or err}")
            continue
        found.append(KernelFile(entry.name.lower(), entry.path, spec))
    return tuple(found)


def read_facts(prefix: Path, kind: str, server_python: Optional[str]) -> Facts:
    """Read python version, package count and kernels of a prefix from file names."""
    warnings: List[str] = []
    version: Optional[str] = None
    count = 0
    ipykernel = False
    if kind in CONDA_KINDS:
        meta = os.path.join(prefix, "conda-meta")
        try:
            names = os.listdir(meta)
        except OSError as err:
            names = []
            warnings.append(f"cannot read {meta}: {err.strerror or err}")
        # One joined string scanned in C: a listing touches 80,000 file names.
        blob = "\n" + "\n".join(names) + "\n"
        count = blob.count(".json\n")
        match = _PYTHON_RECORD.search(blob)
        version = match.group(1) if match else None
        ipykernel = _IPYKERNEL_RECORD.search(blob) is not None
    else:
        version = venv_python_version(prefix) if kind == "venv" else server_python
        sp = site_packages(prefix, version)
        try:
            names = os.listdir(sp) if sp else []
        except OSError:
            names = []
        dists = [n for n in names if n.endswith(".dist-info")]
        count = len(dists)
        ipykernel = any(n.split("-", 1)[0].lower() == "ipykernel" for n in dists)
    kernels = read_kernel_files(prefix, warnings)
    return Facts(version, count, ipykernel, kernels, tuple(warnings))


@dataclass
class _Found:
    """A candidate that turned out to be an environment, before naming."""

    prefix: Path
    kind: str
    named: bool
    is_base: bool
    is_server: bool
    base_name: str
    context: str
    source: str


def classify(cand: Candidate, found: Search, host: Host) -> Tuple[Optional[_Found], str]:
    """Decide whether a candidate is an environment; return it or a warning (maybe empty)."""
    path = cand.path
    is_server = cand.source == "server"
    parent = path.parent
    has_history = os.path.isfile(os.path.join(path, "conda-meta", "history"))  # one stat on the hot path
    if not has_history and not path.is_dir():
        if cand.source == "environments.txt":
            return None, f"{path} is listed in ~/.conda/environments.txt but does not exist"
        if cand.source == "extra":
            return None, f"configured environment directory {path} does not exist"
        return None, ""
    has_meta = has_history or (path / "conda-meta").is_dir()
    if has_meta and parent.name == "envs" and parent.parent.name == ".pixi":
        project = parent.parent.parent.name
        return _Found(
            path, "pixi", True, False, is_server, f"{project}-{path.name}", project, cand.source
        ), ""
    if has_history:
        is_base = path in found.roots or (path / "condabin").is_dir()
        named = is_base or parent in found.envs_dirs or _is_root_envs_dir(parent)
        name = "base" if is_base else path.name
        context = path.name if is_base else (parent.parent.name if named else parent.name)
        return _Found(path, "conda", named, is_base, is_server, name, context, cand.source), ""
    if (path / "pyvenv.cfg").is_file():
        return _Found(path, "venv", False, False, is_server, path.name, parent.name, cand.source), ""
    if is_server:
        return _Found(path, "system", False, False, True, "system", path.name, cand.source), ""
    if has_meta:
        return None, f"{path} has conda-meta/ but no conda-meta/history: not a conda environment, skipped"
    if cand.source in ("root", "envs_dirs", "environments.txt", "extra"):
        return None, f"{path} is not an environment (no conda-meta/history, no pyvenv.cfg), skipped"
    return None, ""


def _is_root_envs_dir(folder: Path) -> bool:
    """Return whether folder is the `envs/` of a conda installation no variable pointed at."""
    root = folder.parent
    return folder.name == "envs" and (
        (root / "condabin").is_dir() or (root / "conda-meta" / "history").is_file()
    )


def assign_names(found: Sequence[_Found]) -> List[str]:
    """Give every environment a unique name; clashes get their context, then a counter."""
    taken: Dict[str, int] = {}
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

    def __init__(self, host: Host, extra_dirs: Sequence[str] = ()) -> None:
        """Remember where to look; nothing is read until `list()`."""
        self.host = host
        self.extra_dirs = tuple(extra_dirs)
        self._lock = threading.Lock()
        self._listing: Optional[Listing] = None
        self._stamp: Tuple = ()
        self._watched: List[Path] = []
        self._facts: Dict[Path, Tuple[Tuple, Facts]] = {}

    def forget(self) -> None:
        """Drop every cached fact so the next listing reads the disk again."""
        with self._lock:
            self._listing = None
            self._facts.clear()

    def _stamp_of(self, paths: Sequence[Path]) -> Tuple:
        """Return the mtimes of paths, the key that invalidates the cache."""
        return tuple(mtime_ns(p) for p in paths)

    def list(self, revalidate: bool = True) -> Listing:
        """Return every environment, from cache when no watched mtime changed (or not checked)."""
        with self._lock:
            if self._listing is not None and (not revalidate or self._stamp_of(self._watched) == self._stamp):
                return self._listing
            listing, watched, stamp = self._scan()
            self._watched, self._stamp, self._listing = watched, stamp, listing
            return listing

    def _facts_for(self, env: _Found) -> Tuple[Facts, List[Path], Tuple]:
        """Return a prefix's facts, watched paths and their mtimes (taken before reading)."""
        prefix = str(env.prefix)  # strings, not pathlib: this runs for every env of every listing
        watch = [prefix + "/conda-meta", prefix + "/share/jupyter/kernels"]
        if env.kind in ("venv", "system"):
            watch.append(prefix + "/pyvenv.cfg")
            watch.append(prefix + "/lib")
        key = self._stamp_of(watch)
        cached = self._facts.get(prefix)
        if cached and cached[0] == key:
            return cached[1], watch, key
        facts = read_facts(env.prefix, env.kind, self.host.sys_python_version)
        self._facts[prefix] = (key, facts)
        return facts, watch, key

    def _scan(self) -> Tuple[Listing, List[Path], Tuple]:
        """Walk every source, dedupe by real path, classify, name and read facts."""
        found_sources = search(self.host, self.extra_dirs)
        warnings = list(found_sources.warnings)
        watched = list(found_sources.watched)
        stamp = list(self._stamp_of(watched))
        seen: Dict[object, _Found] = {}
        for cand in found_sources.candidates:
            real = _identity(cand.path)
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
            result.append(_environment(env, name, facts))
        result.sort(key=lambda e: (not e.is_server, not e.is_base, e.name.casefold()))
        listing = Listing(tuple(result), tuple(dict.fromkeys(warnings)), tuple(found_sources.searched()))
        return listing, watched, tuple(stamp)

    def describe(self, path: Path) -> Optional[Environment]:
        """Classify one prefix that the listing does not hold (a CLI argument), or None."""
        places = search(self.host, self.extra_dirs, enumerate_envs=False)
        found, _ = classify(Candidate(path, "cli"), places, self.host)
        if found is None:
            return None
        found.is_server = _identity(path) == _identity(self.host.sys_prefix)
        facts = read_facts(found.prefix, found.kind, self.host.sys_python_version)
        return _environment(found, found.base_name, facts)


def _environment(env: _Found, name: str, facts: Facts) -> Environment:
    """Build the Environment value from a classified prefix, its name and its facts."""
    return Environment(
        name=name,
        prefix=str(env.prefix),
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
    )
