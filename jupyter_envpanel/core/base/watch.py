"""Know that none of a set of paths changed without a stat per path: inotify, on Linux's local disks.

A cache keyed by the mtimes of thousands of paths costs thousands of stats per check. A `Watch`
holds inotify watches on the folders that hold those paths and answers `quiet()`: no event since
the last call could have moved one of their mtimes (or made one appear or vanish). It says more
than it must (then the caller checks the mtimes as before), never less:

- a folder: an entry created, deleted or renamed in it, or the folder itself touched, moved, deleted;
- a file: any event naming it in its folder (written, touched, replaced, deleted); a symlink also
  watches what it points to;
- a missing path: its nearest existing ancestor, for the next name on the way down.

Where inotify cannot see every change (another system, another kernel: NFS, SMB, FUSE, ...), or
cannot be had (not Linux, out of watches), `Unwatchable` is raised and the caller keeps its stats.
"""

from __future__ import annotations

import ctypes
import os
import stat
import struct
import threading
from collections.abc import Iterable
from pathlib import Path

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW, IN_IGNORED = 0x400, 0x800, 0x4000, 0x8000
#: Everything that can move a watched mtime, asked of every watched folder.
MASK = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
MASK |= IN_DELETE_SELF | IN_MOVE_SELF
#: Events on a folder's entries that move the folder's own mtime.
ENTRY_CHANGES = IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
#: The watch itself is gone or events were lost: nothing can be said any more.
LOST = IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW | IN_IGNORED
#: statfs f_type of filesystems whose every change this kernel makes (and so reports).
LOCAL_FILESYSTEMS = {
    0xEF53,  # ext2/3/4
    0x58465342,  # xfs
    0x9123683E,  # btrfs
    0x01021994,  # tmpfs
    0x794C7630,  # overlayfs
    0x2FC12FC1,  # zfs
    0xF2F52010,  # f2fs
    0x858458F6,  # ramfs
    0x52654973,  # reiserfs
    0x3153464A,  # jfs
}
_EVENT = struct.Struct("iIII")


class Unwatchable(Exception):
    """These paths cannot be watched here; check their mtimes instead."""


def _libc() -> ctypes.CDLL:
    """Return the C library with inotify, or raise Unwatchable."""
    import ctypes.util  # runs ldconfig: paid by a server that watches, never by the CLI

    name = ctypes.util.find_library("c") if os.uname().sysname == "Linux" else None
    if not name:
        raise Unwatchable("inotify is Linux's")
    libc = ctypes.CDLL(name, use_errno=True)
    if not hasattr(libc, "inotify_init1") or not hasattr(libc, "statfs"):
        raise Unwatchable("no inotify in this C library")
    return libc


class Watch:
    """Inotify watches on the folders that hold a set of paths."""

    def __init__(self, paths: Iterable[str | Path]) -> None:
        """Watch every path (raise Unwatchable when one cannot be)."""
        self._libc = _libc()
        self._lock = threading.Lock()
        fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise Unwatchable(os.strerror(ctypes.get_errno()))
        self._fd: int | None = fd
        self._rules: dict[int, tuple[bool, set[str]]] = {}  # wd -> (folder itself watched, entry names)
        self._folders: dict[str, int] = {}
        self._devices: dict[int, bool] = {}
        try:
            for path in dict.fromkeys(str(p) for p in paths):
                self._watch_path(path)
        except BaseException:
            self.close()
            raise

    def _watch_path(self, path: str) -> None:
        """Add the watches that see every change of one path's mtime."""
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            mode = None
        if mode is not None and stat.S_ISLNK(mode):  # replaced, or what it points to changed
            self._add(os.path.dirname(path) or ".", os.path.basename(path))
            try:
                mode = os.stat(path).st_mode
            except OSError:
                return  # a dangling link: its folder sees it fixed
            if not stat.S_ISDIR(mode):
                self._add_target(path)
                return
        if mode is None:  # missing: the nearest existing ancestor, for the next name down
            self._add_ancestor(path)
        elif stat.S_ISDIR(mode):
            self._add(path, None)
        else:
            self._add(os.path.dirname(path) or ".", os.path.basename(path))

    def _add_ancestor(self, path: str) -> None:
        """Watch the nearest existing ancestor of a missing path, for the next name down."""
        child = path
        while True:
            parent = os.path.dirname(child)
            if parent == child:
                raise Unwatchable(f"nothing of {path} exists")
            if os.path.isdir(parent):
                self._add(parent, os.path.basename(child))
                return
            child = parent

    def _add(self, folder: str, name: str | None) -> None:
        """Watch a folder, for itself (name None) or for one entry's name."""
        wd = self._folders.get(folder)
        if wd is None:
            wd = self._add_watch(folder)
            self._folders[folder] = wd
        whole, names = self._rules.setdefault(wd, (False, set()))
        if name is None:
            self._rules[wd] = (True, names)
        else:
            names.add(name)

    def _add_target(self, path: str) -> None:
        """Watch a file a symlink points to (its own events: written, touched, gone)."""
        wd = self._add_watch(path)
        self._rules[wd] = (True, self._rules.get(wd, (True, set()))[1])

    def _add_watch(self, path: str) -> int:
        """Return the watch descriptor of one path (its filesystem must be local)."""
        wd: int = self._libc.inotify_add_watch(self._fd, os.fsencode(path), MASK)
        if wd < 0:
            raise Unwatchable(f"{path}: {os.strerror(ctypes.get_errno())}")
        if wd not in self._rules:  # a new inode: on a filesystem whose changes this kernel makes?
            self._check_local(path)
        return wd

    def _check_local(self, path: str) -> None:
        """Raise Unwatchable unless path lies on a filesystem whose changes this kernel makes."""
        device = os.stat(path).st_dev
        local = self._devices.get(device)
        if local is None:
            buf = ctypes.create_string_buffer(256)
            if self._libc.statfs(os.fsencode(path), buf) != 0:
                raise Unwatchable(f"statfs {path}: {os.strerror(ctypes.get_errno())}")
            kind = struct.unpack_from("l", buf.raw)[0] & 0xFFFFFFFF  # f_type, the first field
            local = self._devices[device] = kind in LOCAL_FILESYSTEMS
        if not local:
            raise Unwatchable(f"{path} is on a filesystem other systems may change")

    def quiet(self) -> bool:
        """Return whether no event since the last call can have moved a watched mtime."""
        with self._lock:
            if self._fd is None:
                return False
            quiet = True
            while True:
                try:
                    data = os.read(self._fd, 65536)
                except BlockingIOError:
                    return quiet
                for wd, mask, name in _events(data):
                    if mask & LOST:
                        self._close()
                        return False
                    whole, names = self._rules.get(wd, (True, set()))
                    if name in names or (whole and (not name or mask & ENTRY_CHANGES)):
                        quiet = False

    def _close(self) -> None:
        """Close the inotify descriptor (lock held); the watch answers False from now on."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @property
    def alive(self) -> bool:
        """Return whether the watches still stand (no watched folder vanished, no event was lost)."""
        return self._fd is not None

    def close(self) -> None:
        """Stop watching."""
        with self._lock:
            self._close()


def _events(data: bytes) -> Iterable[tuple[int, int, str]]:
    """Yield (wd, mask, entry name) of each inotify event in a read."""
    offset = 0
    while offset + _EVENT.size <= len(data):
        wd, mask, _, size = _EVENT.unpack_from(data, offset)
        raw = data[offset + _EVENT.size : offset + _EVENT.size + size]
        yield wd, mask, os.fsdecode(raw.rstrip(b"\0"))
        offset += _EVENT.size + size
