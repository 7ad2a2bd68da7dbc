"""The one place that reads files from a user's disk: regular files only, size caps, safe parsing.

Every file the extension reads may be hostile: a FIFO that never answers, `/dev/zero`, a 2 GB
file, JSON nested 100,000 deep, a field of the wrong type. Readers here open without blocking,
refuse anything that is not a regular file, stop at a size cap per kind of file, and turn every
parse failure into `UnreadableFile` naming the file, so a broken file costs only its own entry.
`FileNotFoundError` passes through unchanged: a missing file is normal for most callers.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import EnvPanelError

KiB, MiB = 1 << 10, 1 << 20

#: Size cap per kind of file (documented in docs/configuration.md, "Limits").
CAPS: dict[str, int] = {
    "kernel.json": 1 * MiB,
    "conda record": 64 * MiB,
    "conda history": 64 * MiB,
    "conda state": 1 * MiB,
    "condarc": 1 * MiB,
    "environment file": 1 * MiB,
    "requirements file": 1 * MiB,
    "environments.txt": 16 * MiB,
    "pyvenv.cfg": 64 * KiB,
    "dist-info METADATA": 16 * MiB,
    "dist-info INSTALLER": 4 * KiB,
    "project file": 4 * MiB,
    "notebook": 64 * MiB,
    "logo": 4 * MiB,
    "jupyter config": 1 * MiB,
    "tool settings": 1 * MiB,
    "job record": 1 * MiB,
    "patchlevel.h": 64 * KiB,
    "listing cache": 32 * MiB,
}


def human_size(size: int) -> str:
    """Return a byte count as people write it: `1 MiB`, `64 KiB`, `1200014 bytes`."""
    for unit, scale in (("MiB", MiB), ("KiB", KiB)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


#: Deepest nesting accepted in a JSON or YAML document (real files use fewer than 10 levels).
MAX_DEPTH = 64
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS |= getattr(os, "O_NOCTTY", 0)
_KIND_NAMES = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


class UnreadableFile(EnvPanelError):
    """A file exists but cannot be used: not a regular file, too large, undecodable or malformed."""

    status = 400

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def read_bytes(path: str | Path, kind: str) -> bytes:
    """Return a regular file's bytes, at most the cap of its kind; never blocks on FIFOs or devices."""
    return read_stamped(path, kind)[0]


def read_stamped(path: str | Path, kind: str) -> tuple[bytes, int]:
    """Return a regular file's bytes (as `read_bytes`) and its mtime in ns, taken before reading."""
    cap = CAPS[kind]
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        raise
    except OSError as err:
        raise UnreadableFile(path, f"cannot open: {err.strerror or err}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = _KIND_NAMES.get(stat.S_IFMT(info.st_mode), "an unknown kind of file")
            raise UnreadableFile(path, f"is {what}, not a regular file; not read")
        if info.st_size > cap:
            raise UnreadableFile(path, f"{kind} is {info.st_size} bytes; the limit is {human_size(cap)}")
        chunks, total = [], 0
        want = min(info.st_size + 1, cap + 1)  # one read for a regular file; more if it grew
        while True:
            chunk = os.read(fd, max(min(want, cap + 1 - total), 1))
            want = 64 * KiB
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:
                raise UnreadableFile(path, f"{kind} is larger than the limit of {human_size(cap)}")
        return b"".join(chunks), info.st_mtime_ns
    except OSError as err:
        raise UnreadableFile(path, f"cannot read: {err.strerror or err}") from None
    finally:
        os.close(fd)


def read_text(path: str | Path, kind: str, errors: str = "strict") -> str:
    """Return a regular file's text (UTF-8, a BOM dropped); undecodable bytes are UnreadableFile."""
    data = read_bytes(path, kind)
    nul = data.find(b"\x00")
    if nul >= 0:
        raise UnreadableFile(path, f"contains NUL bytes: not a text file (byte {nul})")
    try:
        return data.decode("utf-8-sig", errors=errors)
    except UnicodeDecodeError as err:
        raise UnreadableFile(path, f"not UTF-8 text (byte {err.start})") from None


def check_depth(value: Any, path: str | Path, limit: int = MAX_DEPTH) -> Any:
    """Return value unchanged, or raise UnreadableFile when lists / dicts nest deeper than limit."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            raise UnreadableFile(path, f"nested deeper than {limit} levels; not read")
        stack.extend((child, depth + 1) for child in children)
    return value


class _NotJson(ValueError):
    """`NaN`, `Infinity` or `-Infinity`: Python reads them, JSON has no such values."""


def _reject_constant(name: str) -> Any:
    """Refuse a non-JSON constant (so no answer ever carries one)."""
    raise _NotJson(f"{name} is not a JSON value")


def _null_constant(name: str) -> Any:
    """Read a non-JSON constant as null (notebooks: nbformat may have written one in an output)."""
    return None


def parse_json(
    data: bytes | str, path: str | Path, depth_check: bool = True, constants: str = "reject"
) -> Any:
    """Parse JSON text, mapping syntax errors and excessive nesting to UnreadableFile.

    Without `depth_check`, only nesting past the parser's own recursion limit is refused: for
    files whose deep values are never used (conda records: only top-level fields are read).
    `NaN` and `Infinity` are not JSON: refused, or read as null with `constants="null"`.
    """
    hook = _null_constant if constants == "null" else _reject_constant
    try:
        value = json.loads(data, parse_constant=hook)
    except RecursionError:
        raise UnreadableFile(path, f"nested deeper than {MAX_DEPTH} levels; not read") from None
    except UnicodeDecodeError as err:
        raise UnreadableFile(path, f"not UTF-8 text (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise UnreadableFile(
            path, f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        ) from None
    except ValueError as err:
        raise UnreadableFile(path, f"invalid JSON: {err}") from None
    if depth_check and _may_nest(data):
        check_depth(value, path)
    return value


def _may_nest(data: bytes | str) -> bool:
    """Return whether text holds more `[` and `{` than MAX_DEPTH (else it cannot nest deeper: no walk)."""
    if isinstance(data, bytes):
        return data.count(b"[") + data.count(b"{") > MAX_DEPTH
    return data.count("[") + data.count("{") > MAX_DEPTH


def read_json(path: str | Path, kind: str, depth_check: bool = True, constants: str = "reject") -> Any:
    """Return a regular file's JSON value (size-capped, depth-checked; `constants`: see parse_json)."""
    return parse_json(read_bytes(path, kind), path, depth_check, constants)


def read_json_stamped(path: str | Path, kind: str) -> tuple[dict[str, Any], int]:
    """Return a JSON file that must hold an object, and its mtime in ns taken before reading."""
    data, mtime = read_stamped(path, kind)
    return _object(parse_json(data, path), path, kind), mtime


def read_json_object(
    path: str | Path, kind: str, depth_check: bool = True, constants: str = "reject"
) -> dict[str, Any]:
    """Return a JSON file that must hold an object; anything else is UnreadableFile."""
    return _object(read_json(path, kind, depth_check, constants), path, kind)


def _object(value: Any, path: str | Path, kind: str) -> dict[str, Any]:
    """Return value when it is a JSON object; anything else is UnreadableFile."""
    if not isinstance(value, dict):
        raise UnreadableFile(path, f"{kind} must hold a JSON object, not {type(value).__name__}")
    return value
