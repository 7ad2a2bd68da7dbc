"""The panel escapes the characters the Python side escapes: labextension/src/visible.ts's UNSAFE is
base.commands.UNSAFE (the TypeScript class is read from its source and compared on every code point).
"""

from __future__ import annotations

import re

from support import REPO

from jupyter_envpanel.core.base.commands import UNSAFE

SOURCE = REPO / "labextension" / "src" / "visible.ts"
#: The declaration of the panel's rule (a lint comment may sit before the literal): one character
#: class, global, no other flag.
DECLARATION = re.compile(r"^export const UNSAFE =\s*(?://[^\n]*\n\s*)?/(\[[^\]\n]*\])/g;$", re.MULTILINE)
#: Every code point Python can hold in a string (lone surrogates included).
EVERY = "".join(map(chr, range(0x110000)))


def panel_class() -> str:
    """Return the panel's character class as written (`\\uNNNN` reads the same in Python and TypeScript)."""
    found = DECLARATION.findall(SOURCE.read_text(encoding="utf-8"))
    assert len(found) == 1, f"{SOURCE.name} declares UNSAFE once, as a /[...]/g literal"
    return found[0]


def escaped_by(character_class: str) -> set[str]:
    """Return every character a character class matches."""
    return set(re.findall(character_class, EVERY))


def test_the_panel_and_the_python_side_escape_the_same_characters():
    assert escaped_by(panel_class()) == escaped_by(UNSAFE.pattern)


def test_one_character_more_or_less_is_a_difference():
    written = panel_class()
    assert "\\ufeff" in written
    assert escaped_by(written.replace("\\ufeff", "")) != escaped_by(UNSAFE.pattern)
    assert escaped_by(written.replace("\\ufeff", "\\ufeff\\u200b")) != escaped_by(UNSAFE.pattern)
