"""What lies where in a prefix, and when it changed: site-packages, pyvenv.cfg, file times.

These few facts are read by the listing, the package inventory and the kernel table alike; each
read is one `stat` or one small capped file (core/base/safe_read.py).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .safe_read import UnreadableFile, read_text

#: How close to a scan an mtime must be for the scan not to be trusted (timestamps are coarse).
RACY_NS = 50_000_000
#: The same for an mtime of whole seconds: a filesystem that keeps no finer (ext3, HFS+; FAT: 2 s).
COARSE_RACY_NS = 2_000_000_000


def racy(mtime: int | None, since: int) -> bool:
    """Return whether an mtime is too close to a read at `since` (ns) to prove a later write moves it."""
    if mtime is None or mtime < since - COARSE_RACY_NS:
        return False
    return mtime >= since - (COARSE_RACY_NS if mtime % 1_000_000_000 == 0 else RACY_NS)


#: The mtimes of the paths a cached value was read from (None: missing), the key that invalidates it.
Stamp = tuple[int | None, ...]


def mtime_ns(path: str | Path | None) -> int | None:
    """Return a path's mtime in ns, or None when it is None, missing or unreadable."""
    if path is None:
        return None
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def site_packages(prefix: Path, python_version: str | None) -> Path | None:
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
    if found:
        return found[-1]
    debian = prefix / "lib" / "python3" / "dist-packages"  # Debian's and Ubuntu's system Python
    return debian if debian.is_dir() else None


def pyvenv_cfg(prefix: Path) -> dict[str, str]:
    """Return the `key = value` lines of a venv's `pyvenv.cfg` (keys lower-cased), or none."""
    try:
        text = read_text(prefix / "pyvenv.cfg", "pyvenv.cfg", errors="replace")
    except (OSError, UnreadableFile):
        return {}
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values


def cfg_version(values: dict[str, str]) -> str | None:
    """Return the python version a `pyvenv.cfg` records (uv writes only `3.12` for a managed Python)."""
    raw = values.get("version_info") or values.get("version")
    match = re.match(r"\d+(\.\d+){0,2}", raw) if raw else None
    return match.group(0) if match else None


def venv_python_version(prefix: Path) -> str | None:
    """Return the python version recorded in a venv's `pyvenv.cfg`."""
    return cfg_version(pyvenv_cfg(prefix))
