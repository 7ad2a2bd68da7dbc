"""Where the items of a TOML document's arrays are written (tomllib keeps no positions).

The document is parsed by tomllib first, so this scanner only walks text already known to be
valid TOML: it records the line and column of each direct item of every array, keyed by the array's
key path (`("project", "dependencies")`), so a reader pairs the i-th parsed item with its place.
"""

from __future__ import annotations

import bisect
import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

Places = dict[tuple[str, ...], list[tuple[int, int]]]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class _Scanner:
    """One pass over valid TOML text, recording the place of each array item by key path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.places: Places = {}

    def where(self, offset: int) -> tuple[int, int]:
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

    def key(self) -> tuple[str, ...]:
        """Read a dotted key (bare or quoted parts)."""
        parts: list[str] = []
        while True:
            self.skip(False)
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
            return tuple(parts)

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
                key = self.key()
                self.pos += 1  # "="
                self.value((*path, *key))
                self.skip(True)
                if self.text[self.pos] == ",":
                    self.pos += 1
        else:
            match = _SCALAR_END.search(self.text, self.pos)
            self.pos = len(self.text) if match is None else match.start()

    def document(self) -> Places:
        """Walk the whole document."""
        table: tuple[str, ...] = ()
        while True:
            self.skip(True)
            if self.pos >= len(self.text):
                return self.places
            if self.text[self.pos] == "[":
                double = self.text.startswith("[[", self.pos)
                self.pos += 2 if double else 1
                table = self.key()
                self.pos += 2 if double else 1
                continue
            key = self.key()
            self.pos += 1  # "="
            self.value((*table, *key))


def _escaped(text: str, index: int) -> bool:
    """Return whether the character at index follows an odd run of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def array_places(text: str) -> Places:
    """Return, for each array of a valid TOML text, the (line, column) of each direct item.

    Keys are the array's key path; an item of an array of arrays is under the path plus "[]".
    Text that is not valid TOML gives what was found before the scanner lost its way.
    """
    scanner = _Scanner(text)
    try:
        return scanner.document()
    except (IndexError, ValueError, tomllib.TOMLDecodeError):
        return scanner.places
