"""What a listing knows of one prefix, read from file names: python version, packages, kernels."""

from __future__ import annotations

import os
import re
from collections.abc import Container, MutableMapping
from pathlib import Path
from typing import NamedTuple

from ..base.kernel_json import read_kernel_json_stamped, split_env
from ..base.model import CONDA_KINDS, KernelFile
from ..base.prefix import cfg_version, pyvenv_cfg, site_packages
from ..base.safe_read import UnreadableFile, read_json_object, read_text


class Facts(NamedTuple):
    """What a listing needs from one prefix, read from file names only (a tuple: made per environment)."""

    python_version: str | None
    package_count: int
    has_ipykernel: bool
    kernel_files: tuple[KernelFile, ...]
    warnings: tuple[str, ...]
    #: The site-packages folder counted (not a conda env's): `pip install` changes only this folder.
    site: str | None = None
    #: Every `kernels/<name>/kernel.json` looked for (read, broken or missing): an edit moves only its mtime.
    kernel_paths: tuple[str, ...] = ()
    #: The interpreter's `patchlevel.h` looked for the full version (a Python update rewrites it).
    version_file: str | None = None
    #: `conda env config vars` of a conda prefix (conda-meta/state `env_vars`).
    env_vars: tuple[tuple[str, str], ...] = ()
    #: A conda prefix's conda-meta/state, when it has one (conda rewrites it in place).
    state_file: str | None = None

    @property
    def read_paths(self) -> tuple[str, ...]:
        """Return the paths found by reading, whose mtimes the cache must watch too."""
        extra = tuple(p for p in (self.site, self.version_file, self.state_file) if p)
        return extra + self.kernel_paths


# conda-meta/<name>-<version>-<build>.json: version and build never contain a dash.
_PYTHON_RECORD = re.compile(r"\npython-(\d[^-\n]*)-[^-\n]+\.json\n")
_IPYKERNEL_RECORD = re.compile(r"\nipykernel-[^-\n]+-[^-\n]+\.json\n")
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_PY_VERSION = re.compile(r'#define[ \t]+PY_VERSION[ \t]+"(\d+\.\d+\.\d+[a-z0-9+]*)"')


def full_version(base: Path, major_minor: str) -> tuple[str | None, str]:
    """Return the full version of the Python installed at base, and the file that tells it.

    The interpreter's own `include/pythonX.Y/patchlevel.h` (`PY_VERSION`), else a folder name
    that carries it (`cpython-3.12.4-linux-x86_64-gnu`, pyenv's `3.12.4`); nothing is run.
    """
    header = base / "include" / f"python{major_minor}" / "patchlevel.h"
    for path in (header, base / "include" / f"python{major_minor}t" / "patchlevel.h"):
        try:
            match = _PY_VERSION.search(read_text(path, "patchlevel.h", errors="replace"))
        except (OSError, UnreadableFile):
            continue
        if match and match.group(1).startswith(major_minor + "."):
            return match.group(1), str(path)
    name = os.path.basename(os.path.realpath(base))
    match = re.search(rf"(?:^|-)({re.escape(major_minor)}\.\d+[a-z0-9]*)(?=[-+]|$)", name)
    return (match.group(1) if match else None), str(header)


def read_kernel_files(
    prefix: str | Path,
    warnings: list[str],
    absent: Container[str | Path] = (),
    stamps: MutableMapping[str, int | None] | None = None,
) -> tuple[tuple[KernelFile, ...], tuple[str, ...]]:
    """Return every parsed `share/jupyter/kernels/*/kernel.json` (broken: warnings) and the paths tried.

    `absent`: paths a `stat` just found missing (not looked for again). `stamps`: filled with the
    mtimes of the folder and of each kernel.json read, taken from the reads themselves.
    """
    base = os.path.join(prefix, "share", "jupyter", "kernels")
    if base in absent:
        return (), ()
    try:
        names = sorted(_listdir(base, stamps))
    except PermissionError:
        warnings.append(f"kernels in {base} not offered: the folder is not readable by this user")
        return (), ()
    except OSError:
        return (), ()
    found: list[KernelFile] = []
    paths: list[str] = []
    for name in names:
        folder = os.path.join(base, name)
        spec_path = os.path.join(folder, "kernel.json")
        # both watched, even when missing or broken: a kernel.json may be written or fixed, a logo added
        paths += (folder, spec_path)
        try:  # the folder's files: kernel.json is among them, and the logos a kernelspec model links to
            inside: list[str] | None = _listdir(folder, stamps)
        except (FileNotFoundError, NotADirectoryError):
            if stamps is not None:
                stamps[spec_path] = None
            continue
        except OSError:  # listed at build time, if at all; its kernel.json may still be readable
            inside = None
        if inside is not None and "kernel.json" not in inside:
            if stamps is not None:
                stamps[spec_path] = None
            continue
        try:
            spec, mtime = read_kernel_json_stamped(spec_path)
            if stamps is not None:
                stamps[spec_path] = mtime
        except (FileNotFoundError, NotADirectoryError):
            if stamps is not None:
                stamps[spec_path] = None
            continue
        except UnreadableFile as err:
            warnings.append(f"kernel not offered: {err}")
            continue
        except OSError as err:
            warnings.append(f"kernel not offered: cannot read {spec_path}: {err.strerror or err}")
            continue
        listed = None if inside is None else resource_names(inside)
        found.append(KernelFile(name.lower(), folder, spec, listed, mtime))
    return tuple(found), tuple(paths)


def resource_names(names: list[str]) -> tuple[str, ...]:
    """Return the files of a kernel's folder its REST model links to: `kernel.js`, `kernel.css`, `logo-*`."""
    return tuple(sorted(n for n in names if n in ("kernel.js", "kernel.css") or n.startswith("logo-")))


def _listdir(path: str, stamps: MutableMapping[str, int | None] | None) -> list[str]:
    """Return a folder's names; with `stamps`, record its mtime from the same open, before reading it."""
    if stamps is None:
        return os.listdir(path)
    try:
        fd = os.open(path, _DIR_FLAGS)
    except FileNotFoundError:
        stamps[path] = None
        raise
    try:
        stamps[path] = os.fstat(fd).st_mtime_ns
        return os.listdir(fd)
    finally:
        os.close(fd)


def state_env_vars(prefix: str | Path) -> tuple[dict[str, str], list[str]]:
    """Return `conda env config vars` (conda-meta/state `env_vars`) and any warnings."""
    path = os.path.join(prefix, "conda-meta", "state")  # a string: read for every conda env of a listing
    try:
        data = read_json_object(path, "conda state")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnreadableFile) as err:
        return {}, [f"conda env config vars not applied: {err}"]
    env_vars = data.get("env_vars", {})
    if not isinstance(env_vars, dict):
        return {}, [f"{path}: `env_vars` is not a mapping; conda env config vars not applied"]
    good, skipped = split_env(env_vars)
    warnings = [f"{path}: variable {name!r} skipped (invalid name or value)" for name in skipped]
    return good, warnings


def read_facts(
    prefix: str | Path,
    kind: str,
    python_hint: str | None,
    venv: bool = False,
    absent: Container[str | Path] = (),
    stamps: MutableMapping[str, int | None] | None = None,
) -> Facts:
    """Read python version, package count and kernels of a prefix from file names.

    `python_hint`: the version classification learnt (a folder or executable name, the server's).
    `absent`: paths a `stat` just found missing (discovery's stamps): not looked for again.
    `stamps`: filled with the mtimes a conda prefix's reads saw (conda-meta, kernels), before reading.
    """
    if kind in CONDA_KINDS:
        return _conda_facts(os.fspath(prefix), absent, stamps)
    warnings: list[str] = []
    path = Path(prefix)
    cfg = pyvenv_cfg(path) if venv else {}
    version = cfg_version(cfg) or python_hint
    version_file: str | None = None
    if version and version.count(".") == 1:  # `3.12`: the installation's own files tell the rest
        home = Path(cfg["home"]) if cfg.get("home") else None
        base = (home.parent if home.name in ("bin", "Scripts") else home) if home else path
        full, version_file = full_version(base, version) if (home or not venv) else (None, None)
        version = full or version
    sp = site_packages(path, version)
    try:
        names = os.listdir(sp) if sp else []
    except OSError:
        names = []
    dists = [n for n in names if n.endswith(".dist-info")]
    ipykernel = any(n.split("-", 1)[0].lower() == "ipykernel" for n in dists)
    kernels, kernel_paths = read_kernel_files(path, warnings, absent)
    site = str(sp) if sp else None
    return Facts(version, len(dists), ipykernel, kernels, tuple(warnings), site, kernel_paths, version_file)


def _conda_facts(
    prefix: str, absent: Container[str | Path], stamps: MutableMapping[str, int | None] | None = None
) -> Facts:
    """Read a conda prefix's facts from the names in its conda-meta (one listdir), its kernels and state."""
    warnings: list[str] = []
    meta = os.path.join(prefix, "conda-meta")
    try:
        names = _listdir(meta, stamps)
        listed = True
    except OSError as err:
        names, listed = [], False
        warnings.append(f"cannot read {meta}: {err.strerror or err}")
    # One joined string scanned in C: a listing touches 80,000 file names.
    blob = "\n" + "\n".join(names) + "\n"
    match = _PYTHON_RECORD.search(blob)
    version = match.group(1) if match else None
    ipykernel = _IPYKERNEL_RECORD.search(blob) is not None
    kernels, kernel_paths = read_kernel_files(prefix, warnings, absent, stamps)
    env_vars: dict[str, str] = {}
    state = None
    if "state" in names or not listed:  # conda-meta's own listing says whether there is a state
        env_vars, state_warnings = state_env_vars(prefix)
        warnings.extend(state_warnings)
        state = meta + os.sep + "state"  # watched: `conda env config vars set` rewrites it in place
    count = blob.count(".json\n")
    pairs = tuple(env_vars.items())
    return Facts(version, count, ipykernel, kernels, tuple(warnings), None, kernel_paths, None, pairs, state)
