"""YAML lock files py-rattler parses (pixi.lock, conda-lock.yml): read once, parsed, each entry placed.

The file is read once through the safe reader (regular file, size cap, UTF-8); py-rattler parses
that same text (never the path again, which could have changed meanwhile). py-rattler keeps no
places and its errors none either, so each `packages:` entry's line is found in the text: by a
scan of the block style both tools write (milliseconds for thousands of entries), else, and for
every file py-rattler refuses, by composing the YAML safely (slower), which also locates a wrong
type at its line and column.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..base.budget import current
from ..base.errors import EnvFileError, excerpt
from ..requirements.reqfile import read_text
from ..requirements.yamlfile import compose, mapping_get, where

Place = tuple[int, int]
#: One entry of a lock's package list: its line and column, and its scalar fields as written.
Entry = tuple[int, int, dict[str, str]]
#: The keys a lock entry names its archive or distribution with (pixi.lock v6+, v4-5, conda-lock).
URL_KEYS = ("conda", "pypi", "url", "path")
_SCALARS = frozenset(
    (*URL_KEYS, "name", "version", "build", "sha256", "md5", "manager", "platform", "category")
)
_FIELD = re.compile(r"^(- |  )([A-Za-z_][\w-]*):(?:[ \t]+(.*?))?[ \t]*$")


def read_counted(path: Path) -> str:
    """Return a definition file's text, counted against the request's budget (files, bytes)."""
    budget = current()
    budget.open_file(path)
    text = read_text(path, "project file")
    budget.read(path, len(text))
    return text


def read_lock(path: Path) -> tuple[str, Any]:
    """Return a YAML lock's text and py-rattler's `LockFile` of it; a bad file is EnvFileError."""
    text = read_counted(path)
    return text, parse_lock(path, text)


def parse_lock(path: Path, text: str) -> Any:
    """Return py-rattler's `LockFile` of a lock's text (it parses only from a path: a private copy)."""
    from rattler import LockFile

    with _private_copy(text) as copy:
        try:
            return LockFile.from_path(copy)
        except Exception as err:  # py-rattler raises its own classes (ParseCondaLockError, ...)
            reason = excerpt(str(err), 160)
    for key in ("packages", "package"):
        composed_entries(path, text, key)  # raises a located error when the file has one
    raise EnvFileError(path, f"py-rattler cannot read it: {reason}")


@contextlib.contextmanager
def _private_copy(text: str) -> Iterator[Path]:
    """Yield a path to a copy of text no other process can swap: in memory on Linux, else a temp file."""
    data = text.encode("utf-8")
    if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
        fd = os.memfd_create("envpanel-lock", os.MFD_CLOEXEC)
        try:
            with open(fd, "wb", closefd=False) as out:
                out.write(data)
            yield Path(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
        return
    fd, name = tempfile.mkstemp(suffix=".lock", prefix="envpanel-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        yield Path(name)
    finally:
        os.unlink(name)


def list_key(text: str) -> str:
    """Return the key of a lock's package list: `packages` (pixi.lock v4+), `package` (older, conda-lock)."""
    return "package" if re.search(r"^package:", text, re.MULTILINE) else "packages"


def _scalar_text(raw: str) -> str | None:
    """Return a block-style scalar's text (plain or quoted), None when only a YAML parser can tell."""
    if raw[:1] == "'" and raw.endswith("'") and len(raw) > 1:
        return raw[1:-1].replace("''", "'")
    if raw[:1] == '"' and raw.endswith('"') and len(raw) > 1 and "\\" not in raw:
        return raw[1:-1]
    if raw[:1] in ("'", '"', "[", "{", "&", "*", "!", "|", ">"):
        return None
    return raw.split(" #", 1)[0].rstrip()


def scanned_entries(text: str, key: str) -> list[Entry] | None:
    """Return the entries of the top-level `key:` list as pixi and conda-lock write them, or None.

    None (compose instead) when an entry or a field of it is written in a way only a parser can
    read: flow style, anchors, escapes, an indented list.
    """
    entries: list[Entry] = []
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line[:1] not in ("", " ", "-", "#"):
            inside = line.rstrip() == f"{key}:"
            continue
        match = _FIELD.match(line) if inside else None
        if match is None:
            if inside and line.startswith("-"):
                return None
            continue
        if match.group(1) == "- ":
            entries.append((number, 3, {}))
        value = _scalar_text(match.group(3) or "")
        if not entries or (value is None and match.group(2) in _SCALARS):
            return None
        entries[-1][2].setdefault(match.group(2), value or "")
    return entries


def composed_entries(path: Path, text: str, key: str) -> list[Entry]:
    """Return the entries of the top-level `key:` list by composing the YAML; wrong types are located."""
    import yaml

    root = compose(path, text)
    if root is None:
        raise EnvFileError(path, "file is empty", 1, 1)
    if not isinstance(root, yaml.MappingNode):
        raise EnvFileError(path, "top level must be a mapping", *where(root))
    node = mapping_get(root, key)
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise EnvFileError(path, f"`{key}` must be a list", *where(node))
    entries: list[Entry] = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            raise EnvFileError(path, f"each entry of `{key}` must be a mapping", *where(item))
        fields: dict[str, str] = {}
        for field, value in item.value:
            name = str(getattr(field, "value", ""))
            if name in _SCALARS and not isinstance(value, yaml.ScalarNode):
                raise EnvFileError(path, f"`{name}` must be a string, not a list or mapping", *where(value))
            if isinstance(value, yaml.ScalarNode):
                fields.setdefault(name, str(value.value))
        entries.append((*where(item), fields))
    return entries


def entries_of(path: Path, text: str, key: str, wanted: set[str]) -> list[Entry]:
    """Return the entries of `key:`, scanned when the scan finds every wanted URL, else composed."""
    scanned = scanned_entries(text, key)
    if scanned is not None and wanted <= set(places_by_url(scanned)):
        return scanned
    return composed_entries(path, text, key)


def places_by_url(entries: list[Entry]) -> dict[str, Place]:
    """Return the place of each entry by its URL or path, and by "platform URL" when it names one."""
    places: dict[str, Place] = {}
    for line, column, fields in entries:
        url = next((fields[k] for k in URL_KEYS if k in fields), "")
        places.setdefault(url, (line, column))
        if "platform" in fields:
            places.setdefault(f"{fields['platform']} {url}", (line, column))
    return places


def lock_platform(env: Any, subdir: str) -> Any:
    """Return the lock's own platform object named subdir, or None (a standalone one panics)."""
    return next((p for p in env.platforms() if p.name == subdir), None)
