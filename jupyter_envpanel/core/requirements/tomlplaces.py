"""Where a TOML document's keys, tables and array items are written (tomllib keeps no positions).

The document is parsed by tomllib first, so this scanner only walks text already known to be
valid TOML, in one pass that skips strings and comments: it records each table header and `key =`
line by its full key path (`("project", "name")`), and the line and column of each direct item of
every array by the array's key path, so a reader pairs the i-th parsed item with its place. Lines
are counted as tomllib counts them (at each newline). Keys inside an inline table are not written on
a line of their own: a reader places them at the inline table's key. The `[[package]]` tables of a
machine-written lock (uv.lock, poetry.lock: one key a line) are found line by line, several times
faster than the scanner on locks of thousands of packages.
"""

from __future__ import annotations

import bisect
import re
import sys
from typing import NamedTuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

Place = tuple[int, int]
Places = dict[tuple[str, ...], list[Place]]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")
_PACKAGE_TABLE = re.compile(r"^\s*\[\[\s*package\s*\]\]\s*(?:#.*)?$")
_TABLE = re.compile(r"^\s*\[")
_NAME = re.compile(r"""^(\s*name\s*=\s*)["']([^"']*)["']""")


class _Written(NamedTuple):
    """A table header or `key =` line: its full key path, where it starts, where its own parts start."""

    path: tuple[str, ...]
    line: int
    column: int  # of the header's first `[`, or of the key's first character
    columns: tuple[int, ...]  # of each part written here: the last len(columns) parts of path


class _Scanner:
    """One pass over valid TOML text, recording headers, `key =` lines and array items by key path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.places: Places = {}
        self.written: list[_Written] = []

    def where(self, offset: int) -> Place:
        """Return the 1-based line and column of an offset."""
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def skip(self, newlines: bool) -> None:
        """Skip blanks and comments (and newlines when inside an array)."""
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t\r" or (newlines and char == "\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                return

    def string(self) -> str:
        """Read a string literal at pos; return its raw text (quotes included)."""
        text, start = self.text, self.pos
        quote = text[start]
        if text.startswith(quote * 3, start):
            end = text.find(quote * 3, start + 3)
            while quote == '"' and _escaped(text, end):
                end = text.find(quote * 3, end + 1)
            end += 3
            for _ in range(2):  # up to two quotes may end the content: `"""a""""`
                if end < len(text) and text[end] == quote:
                    end += 1
            self.pos = end
        else:
            end = start + 1
            while text[end] != quote:
                end += 2 if quote == '"' and text[end] == "\\" else 1
            self.pos = end + 1
        return text[start : self.pos]

    def key(self) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """Read a dotted key (bare or quoted parts); return its parts and the column of each."""
        parts: list[str] = []
        columns: list[int] = []
        while True:
            self.skip(False)
            columns.append(self.where(self.pos)[1])
            if self.text[self.pos] in "\"'":
                raw = self.string()
                parts.append(str(tomllib.loads(f"k = {raw}")["k"]))
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if match is None:
                    raise ValueError(f"no key at {self.where(self.pos)}")
                parts.append(match.group())
                self.pos = match.end()
            self.skip(False)
            if self.pos < len(self.text) and self.text[self.pos] == ".":
                self.pos += 1
                continue
            return tuple(parts), tuple(columns)

    def value(self, path: tuple[str, ...]) -> None:
        """Read one value at pos, recording array items under path."""
        self.skip(False)
        char = self.text[self.pos]
        if char in "\"'":
            self.string()
        elif char == "[":
            self.pos += 1
            items = self.places.setdefault(path, [])
            while True:
                self.skip(True)
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                items.append(self.where(self.pos))
                self.value((*path, "[]"))
                self.skip(True)
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == "{":
            self.pos += 1
            while True:
                self.skip(True)
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                key = self.key()[0]
                self.pos += 1  # "="
                self.value((*path, *key))
                self.skip(True)
                if self.text[self.pos] == ",":
                    self.pos += 1
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if match is None else match.start()

    def document(self) -> _Scanner:
        """Walk the whole document (an array of tables is named as a table: the first element wins)."""
        table: tuple[str, ...] = ()
        while True:
            self.skip(True)
            if self.pos >= len(self.text):
                return self
            line, column = self.where(self.pos)
            if self.text[self.pos] == "[":
                double = self.text.startswith("[[", self.pos)
                self.pos += 2 if double else 1
                table, columns = self.key()
                self.written.append(_Written(table, line, column, columns))
                self.pos += 2 if double else 1
                continue
            key, columns = self.key()
            self.written.append(_Written((*table, *key), line, column, columns))
            self.pos += 1  # "="
            self.value((*table, *key))


def _escaped(text: str, index: int) -> bool:
    """Return whether the character at index follows an odd run of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _scan(text: str) -> _Scanner:
    """Return a scanner that walked the text: what was found before it lost its way in invalid TOML."""
    scanner = _Scanner(text)
    try:
        return scanner.document()
    except (IndexError, ValueError, RecursionError, tomllib.TOMLDecodeError):
        return scanner


def array_places(text: str) -> Places:
    """Return, for each array of a valid TOML text, the (line, column) of each direct item.

    Keys are the array's key path; an item of an array of arrays is under the path plus "[]".
    Text that is not valid TOML gives what was found before the scanner lost its way.
    """
    return _scan(text).places


def key_places(text: str) -> dict[tuple[str, ...], Place]:
    """Return where each table header and `key =` line is first written, by its full key path.

    A header is placed at its `[`, a `key =` line at the key's first character; the tables a dotted
    header or key only implies, and the keys of inline tables, are not placed.
    """
    places: dict[tuple[str, ...], Place] = {}
    for written in _scan(text).written:
        places.setdefault(written.path, (written.line, written.column))
    return places


def table_key_places(text: str, table: tuple[str, ...]) -> dict[str, Place]:
    """Return where each key of one table is first written, at that key's own part.

    A key is written by a `key =` line (dotted or not) in the table, or by a header that extends
    the table (`[packages.numpy]` writes the key `numpy` of `packages`, placed at `numpy`).
    """
    places: dict[str, Place] = {}
    depth = len(table)
    for written in _scan(text).written:
        part = depth - (len(written.path) - len(written.columns))  # the table's key among those written
        if len(written.path) > depth and written.path[:depth] == table and part >= 0:
            places.setdefault(written.path[depth], (written.line, written.columns[part]))
    return places


def package_places(text: str) -> list[tuple[str, int, int]]:
    """Return (name, line, column) of each `[[package]]` table's `name = "..."`, in file order.

    uv.lock and poetry.lock write one `[[package]]` table per package; tomllib keeps no positions,
    so a reader pairs the i-th parsed table with the i-th place found here.
    """
    places: list[tuple[str, int, int]] = []
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _PACKAGE_TABLE.match(line):
            inside = True
            places.append(("", number, 1))
            continue
        if _TABLE.match(line):
            inside = False
            continue
        match = _NAME.match(line) if inside else None
        if match and places and not places[-1][0]:
            places[-1] = (match.group(2), number, len(match.group(1)) + 1)
    return places
