"""The one YAML writer: every scalar reads back as the same string, every comment stays one comment line.

A scalar is written plain only when no YAML reader can take it for anything else: it starts with
a letter or `_`, holds only letters, digits and `_.+-=<>!*,|~/`, and is not one of YAML 1.1's
booleans or nulls (`yes`, `on`, `n`, `null` ...). Numbers, dates, octal and hex (`1e3`, `0o17`,
`2024-01-01`) all start with a digit, so they are quoted, as is everything else: double quotes
with escapes for quotes, backslashes, line breaks, tabs, control characters, lone surrogates and the BOM,
printable Unicode (astral characters included) written as itself. PyYAML (YAML 1.1) and
ruamel.yaml (YAML 1.2, which conda uses) read the result back as the same string.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.+\-=<>!*,|~/]*")
#: Plain words YAML 1.1 (and 1.2's core schema) reads as booleans or null.
_WORDS = frozenset(
    w
    for base in ("y", "yes", "n", "no", "true", "false", "on", "off", "null")
    for w in (base, base.capitalize(), base.upper())
)
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0"}
#: What YAML may hold as itself inside double quotes: printable, and not a line break or the BOM
#: (code point ranges, compared directly: the same class as a regex takes ~4 ms to compile).
_LITERAL = (
    (0x20, 0x7E),
    (0xA0, 0x2027),
    (0x202A, 0xD7FF),
    (0xE000, 0xFEFE),
    (0xFF00, 0xFFFD),
    (0x10000, 0x10FFFF),
)


def _literal(char: str) -> bool:
    """Return whether YAML may hold this character as itself inside double quotes."""
    code = ord(char)
    return any(low <= code <= high for low, high in _LITERAL)


def _escape(char: str) -> str:
    """Return one character as YAML writes it inside double quotes."""
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _literal(char):
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def scalar(text: str) -> str:
    """Return a YAML scalar that every YAML reader reads back as exactly this string."""
    if _PLAIN.fullmatch(text) and text not in _WORDS:
        return text
    return '"' + "".join(_escape(c) for c in text) + '"'


def comment(text: str) -> str:
    """Return text as one YAML comment line: line breaks and control characters shown, never kept."""
    safe = "".join(c if _literal(c) else _escape(c) for c in text)
    return "# " + safe


def item(indent: str, text: str) -> str:
    """Return one block sequence item: `  - scalar`."""
    return f"{indent}- {scalar(text)}"
