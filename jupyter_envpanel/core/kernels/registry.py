"""Persistent kernelspecs in the user's Jupyter data dir: register, unregister, and what is ours."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..base.errors import EnvPanelError, NotOurs
from ..base.host import Host
from ..base.kernel_json import read_kernel_json
from ..base.safe_read import UnreadableFile, read_bytes
from .offer import OfferedKernel

MARK = "jupyter-envpanel"
_LOGO = re.compile(r"^logo-[A-Za-z0-9_.-]*\.(png|svg)$")
#: Register and unregister of this process take turns (the folder is check-then-write) ...
_LOCK = threading.Lock()
#: ... and so do those of other processes (a second server, the CLI): a lock file in the kernels folder.
LOCK_FILE = ".jupyter-envpanel.lock"


@contextlib.contextmanager
def _locked(base: Path, create: bool = True) -> Iterator[None]:
    """Hold the registry lock of this process and, where the OS has one, of every process (flock)."""
    with _LOCK:
        try:
            if not create and not base.is_dir():  # nothing there to change: no folder made either
                yield
                return
            base.mkdir(parents=True, exist_ok=True)
            fd = os.open(base / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError:  # a folder we cannot write: the write itself will say so
            yield
            return
        try:
            try:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX)
            except ImportError:  # pragma: no cover - Windows: this process's lock only
                pass
            yield
        finally:
            os.close(fd)  # closing releases the flock


def user_kernels_dir(host: Host) -> Path:
    """Return the user's Jupyter kernels directory (what `jupyter --data-dir` says)."""
    data_dir = host.getenv("JUPYTER_DATA_DIR")
    if data_dir:
        return host.expand(data_dir) / "kernels"
    if sys.platform == "darwin":
        return host.home / "Library" / "Jupyter" / "kernels"
    if os.name == "nt":  # pragma: no cover
        return Path(host.getenv("APPDATA") or host.home) / "jupyter" / "kernels"
    xdg = host.getenv("XDG_DATA_HOME")
    return (host.expand(xdg) if xdg else host.home / ".local" / "share") / "jupyter" / "kernels"


def ipython_dir(host: Host) -> str | None:
    """Return the folder IPython's `get_ipython_dir` gives (IPython's rule, without importing IPython).

    `IPYTHONDIR`, else `~/.ipython` (home resolved), else a legacy `~/.config/ipython` when only it
    exists; None where IPython would make a new temporary folder (nothing writable), which holds
    no kernels. Unlike IPython, nothing is created.
    """
    home = os.path.realpath(str(host.home))
    folder = host.environ.get("IPYTHONDIR")  # set but empty means the working folder, to IPython
    if folder is None:
        folder = os.path.join(home, ".ipython")
        xdg = host.getenv("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        legacy = os.path.join(xdg, "ipython")
        if os.name == "posix" and _writable_dir(xdg) and _writable_dir(legacy):
            if not os.path.exists(folder) and not os.path.islink(legacy):
                folder = legacy
    folder = os.path.normpath(os.path.expanduser(folder))
    if os.path.exists(folder):
        return folder if _writable_dir(folder) else None
    return folder if _writable_dir(os.path.dirname(folder)) else None


def _writable_dir(path: str) -> bool:
    """Return whether path is a folder this user may write in (IPython's test)."""
    return os.path.isdir(path) and os.access(path, os.W_OK)


def read_spec(folder: Path) -> dict[str, Any] | None:
    """Return a checked kernel.json as a dict, or None when missing or broken."""
    try:
        return read_kernel_json(folder / "kernel.json")
    except (OSError, UnreadableFile):
        return None


def is_ours(spec: dict[str, Any] | None) -> bool:
    """Return whether a kernelspec was written by jupyter-envpanel."""
    meta = (spec or {}).get("metadata") or {}
    return isinstance(meta.get("envpanel"), dict) and meta["envpanel"].get("registered_by") == MARK


def _prefix_of(spec: dict[str, Any] | None) -> str | None:
    """Return the environment prefix a spec we wrote runs in, if it says."""
    meta = (spec or {}).get("metadata") or {}
    ours = meta.get("envpanel") if isinstance(meta, dict) else None
    prefix = ours.get("prefix") if isinstance(ours, dict) else None
    return prefix if isinstance(prefix, str) and prefix else None


def registered_names(host: Host) -> list[str]:
    """Return the names of kernelspecs jupyter-envpanel registered in the user's directory."""
    base = user_kernels_dir(host)
    try:
        folders = sorted(p for p in base.iterdir() if p.is_dir())
    except OSError:
        return []
    return [p.name for p in folders if is_ours(read_spec(p))]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a file through a uniquely named temporary file in the same folder, then rename."""
    import tempfile  # writes only: a listing never pays for it

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _copy_logos(resource_dir: str | None, folder: Path) -> None:
    """Copy an environment kernel's logos (regular files under the logo size cap only)."""
    if not resource_dir:
        return
    try:
        items = os.listdir(resource_dir)
    except OSError:
        return
    for item in items:
        if not _LOGO.match(item):
            continue
        try:
            data = read_bytes(os.path.join(resource_dir, item), "logo")
        except (OSError, UnreadableFile):
            continue  # a logo that is a device, a FIFO or too large is not copied
        _write_atomically(folder / item, data)


def register(kernels: Sequence[OfferedKernel], host: Host) -> list[str]:
    """Write each kernel as a normal kernelspec in the user's directory; return their names.

    Registering again is a success.
    """
    if not kernels:
        raise EnvPanelError("this environment has no kernel to register (install ipykernel in it)")
    base = user_kernels_dir(host)
    with _locked(base):
        for kernel in kernels:
            folder = base / kernel.name
            existing = read_spec(folder) if folder.exists() else None
            if folder.exists() and not is_ours(existing):
                raise NotOurs(f"{folder} exists and was not written by jupyter-envpanel")
            other = _prefix_of(existing)
            if other is not None and os.path.realpath(other) != os.path.realpath(kernel.env.prefix):
                raise NotOurs(
                    f"the kernel name {kernel.name} is registered for another environment ({other});"
                    " unregister that one first: two environments never share a kernel name"
                )
        for kernel in kernels:
            folder = base / kernel.name
            folder.mkdir(parents=True, exist_ok=True)
            spec = json.loads(json.dumps(kernel.spec))
            spec["metadata"]["envpanel"]["registered_by"] = MARK
            _copy_logos(kernel.resource_dir, folder)
            _write_atomically(folder / "kernel.json", json.dumps(spec, indent=1).encode("utf-8"))
    return [k.name for k in kernels]


def unregister(
    names: Sequence[str], host: Host, system_dirs: Iterable[Path] = (), prefix: str | None = None
) -> list[str]:
    """Remove kernelspecs jupyter-envpanel wrote; refuse (409) any other. Nothing there is a success.

    A spec of that name installed system-wide (`system_dirs`, e.g. by an administrator) is never
    touched: with none in the user's directory, that is a 409 saying where it is.
    """
    base = user_kernels_dir(host)
    with _locked(base, create=False):
        present = [n for n in names if (base / n).is_dir()]
        for name in present:
            spec = read_spec(base / name)
            if not is_ours(spec):
                raise NotOurs(f"{base / name} was not written by jupyter-envpanel; remove it yourself")
            other = _prefix_of(spec)
            if prefix and other and os.path.realpath(other) != os.path.realpath(prefix):
                raise NotOurs(f"{base / name} is registered for another environment ({other}); not removed")
        if not present:
            for folder in system_dirs:
                found = [folder / n for n in names if (folder / n / "kernel.json").exists()]
                if found and Path(folder) != base:
                    raise NotOurs(
                        f"{found[0]} is installed system-wide (by an administrator); "
                        "jupyter-envpanel only removes kernelspecs it wrote in your own directory"
                    )
        import shutil

        for name in present:
            shutil.rmtree(base / name, ignore_errors=True)  # another process may be removing it too
            if (base / name).exists():
                raise EnvPanelError(
                    f"could not remove {base / name} (permission denied?); remove it yourself"
                )
    return present
