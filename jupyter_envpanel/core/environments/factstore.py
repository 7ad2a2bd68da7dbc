"""What a listing read of each prefix, kept between processes in the user's cache folder.

A fresh process (a CLI command, a server starting) reuses a prefix's facts only when every path
they were read from still has the mtime it had when they were read, and the ctime it had when they
were kept (a copy or an extraction can set mtimes back, not ctimes); otherwise it reads the prefix
again. The file is read as hostile as any other: a regular file, size-capped, every entry
type-checked and every kernelspec checked again; on any doubt the whole file is ignored.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from ..base.host import Host
from ..base.kernel_json import check_spec, split_env
from ..base.model import KernelFile
from ..base.prefix import Stamp
from ..base.safe_read import UnreadableFile, check_depth, parse_json, read_bytes
from .facts import Facts, resource_names

#: Bumped whenever the shape of an entry or of `Facts` changes: an older file is then ignored.
VERSION = 2
FILE_NAME = f"facts-v{VERSION}.json"
#: A new file, never through a link someone left at its name.
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
_WRITE_FLAGS |= getattr(os, "O_CLOEXEC", 0)


class Kept(NamedTuple):
    """One prefix's facts, with what they were read as (kind, python hint, venv) and their stamp."""

    kind: str
    python_hint: str | None
    venv: bool
    stamp: Stamp
    facts: Facts
    #: The same paths' ctimes when the facts were kept (moved by any change, never set back by a tool).
    changed: Stamp = ()


def store_path(host: Host) -> Path:
    """Return the file of this user: `$XDG_CACHE_HOME/jupyter-envpanel/` (default `~/.cache`)."""
    cache = host.getenv("XDG_CACHE_HOME")
    base = Path(cache) if cache and os.path.isabs(cache) else host.home / ".cache"
    return base / "jupyter-envpanel" / FILE_NAME


def _private(path: Path) -> bool:
    """Return whether only this user can change a path: owned by them, not writable by group or others."""
    if not hasattr(os, "getuid"):  # Windows: a profile folder's ACLs already keep it the user's
        return True
    info = os.stat(path)  # a link's target: what is read and written
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def load(path: Path) -> dict[str, Kept]:
    """Return the kept facts by prefix; an absent, unreadable, doubtful or not private file gives none."""
    try:
        # another user who could write the folder or the file could make our kernels run their command
        if not (_private(path.parent) and _private(path)):
            return {}
        value = parse_json(read_bytes(path, "listing cache"), path, depth_check=False)
        if not isinstance(value, dict) or value.get("version") != VERSION:
            return {}
        entries = value["entries"]
        if not isinstance(entries, list):
            return {}
        return dict(_entry(item, path) for item in entries)
    except (OSError, UnreadableFile, KeyError, TypeError, ValueError, RecursionError):
        return {}


def save(path: Path, kept: Mapping[str, Kept]) -> None:
    """Write the kept facts (a new file renamed over the old); a failure only means nothing is kept."""
    text = json.dumps(
        {"version": VERSION, "entries": [_as_json(prefix, entry) for prefix, entry in kept.items()]},
        separators=(",", ":"),
        allow_nan=False,
    )
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # one per writer
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(path.parent):  # made by someone else first: what we write there is not read
            return
        fd = os.open(temp, _WRITE_FLAGS, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _as_json(prefix: str, entry: Kept) -> list[Any]:
    """Return one entry as JSON values (facts field by field: tuples become lists)."""
    facts = entry.facts
    kernels = [[k.dir_name, k.resource_dir, k.spec, k.resources, k.mtime] for k in facts.kernel_files]
    body = [
        facts.python_version,
        facts.package_count,
        facts.has_ipykernel,
        kernels,
        list(facts.warnings),
        facts.site,
        list(facts.kernel_paths),
        facts.version_file,
        [list(pair) for pair in facts.env_vars],
        facts.state_file,
    ]
    return [prefix, entry.kind, entry.python_hint, entry.venv, list(entry.stamp), list(entry.changed), body]


def _entry(item: Any, path: Path) -> tuple[str, Kept]:
    """Return one checked entry; anything of the wrong shape raises TypeError or ValueError."""
    prefix, kind, hint, venv, stamp, changed, body = item
    version, count, ipykernel, kernels, warnings, site, kernel_paths, version_file, env_vars, state = body
    _check(isinstance(prefix, str) and os.path.isabs(prefix) and isinstance(kind, str))
    _check(_opt_str(hint) and isinstance(venv, bool) and isinstance(ipykernel, bool))
    _check(isinstance(stamp, list) and all(m is None or type(m) is int for m in stamp))
    _check(isinstance(changed, list) and len(changed) == len(stamp))
    _check(all(m is None or type(m) is int for m in changed))
    _check(_opt_str(version) and type(count) is int and count >= 0)
    _check(_opt_str(site) and _opt_str(version_file) and _opt_str(state))
    _check(_strings(warnings) and _strings(kernel_paths) and isinstance(kernels, list))
    _check(isinstance(env_vars, list) and all(_strings(p) and len(p) == 2 for p in env_vars))
    _check(not split_env(dict(env_vars))[1])  # as conda-meta/state's are checked when read
    files = []
    for dir_name, resource_dir, spec, resources, mtime in kernels:
        _check(isinstance(dir_name, str) and isinstance(resource_dir, str) and isinstance(spec, dict))
        folder, name = os.path.split(resource_dir)  # <prefix>/share/jupyter/kernels/<name>, as read
        _check(folder == os.path.join(prefix, "share", "jupyter", "kernels") and dir_name == name.lower())
        _check(_file_name(name) and (resources is None or _strings(resources)))
        # a folder's own files, as its listing named them: no `..`, no separator
        _check(resources is None or all(map(_file_name, resources)))
        _check(resources is None or resource_names(resources) == tuple(resources))
        _check(mtime is None or type(mtime) is int)
        spec = check_spec(check_depth(spec, path), resource_dir)
        listed = None if resources is None else tuple(resources)
        files.append(KernelFile(dir_name, resource_dir, spec, listed, mtime))
    facts = Facts(
        version,
        count,
        ipykernel,
        tuple(files),
        tuple(warnings),
        site,
        tuple(kernel_paths),
        version_file,
        tuple((name, value) for name, value in env_vars),
        state,
    )
    return prefix, Kept(kind, hint, venv, tuple(stamp), facts, tuple(changed))


def _check(ok: bool) -> None:
    """Raise ValueError unless ok: an entry of the wrong shape drops the whole file."""
    if not ok:
        raise ValueError("not an entry of the listing cache")


def _file_name(name: str) -> bool:
    """Return whether name is one a folder's listing can hold: not empty, `.`, `..`, nor with a separator."""
    return name not in ("", ".", "..") and "/" not in name and os.sep not in name and "\0" not in name


def _opt_str(value: object) -> bool:
    """Return whether value is a string or None."""
    return value is None or isinstance(value, str)


def _strings(value: object) -> bool:
    """Return whether value is a list of strings."""
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
