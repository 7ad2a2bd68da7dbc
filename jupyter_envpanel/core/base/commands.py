"""Commands a user may run: argument vectors, quoted once for a POSIX shell, free of control characters.

A command is typed into a terminal by "Open in Terminal", copied, or printed by the CLI. Any text in
it may come from a cloned repository (an entry, a comment, a folder name), so a command can never
hold a character a terminal or a line editor acts on: C0 controls (Ctrl-U, carriage return, escape
sequences ...), DEL, C1 controls, the Unicode line and paragraph separators, and the bidirectional
controls that make the line on screen differ from the line that runs. Text that holds one gets an
explanation instead of a command (`Note`). An argument that starts with `-` is never read as an
option: values go as `--flag=VALUE`, paths as `./-name`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: What no command may hold: C0, DEL, C1, U+2028/U+2029, and the bidirectional controls.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class UnsafeText(ValueError):
    """Text that may not reach a command, with the first offending character named."""


def unsafe_char(text: str) -> str | None:
    """Return the first character no command may hold, as `U+000D`, or None when there is none."""
    found = UNSAFE.search(text)
    return f"U+{ord(found.group(0)):04X}" if found else None


def visible(text: str, limit: int = 80) -> str:
    """Return text with every unsafe character shown as an escape (backslash-x15), for explanations."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    shown = UNSAFE.sub(escape, text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def check_args(args: Iterable[str]) -> None:
    """Raise UnsafeText when an argument holds a character no command may hold."""
    for arg in args:
        char = unsafe_char(arg)
        if char is not None:
            raise UnsafeText(f"{visible(arg, 40)!r} holds the control character {char}")


def option(flag: str, value: str, long: str = "") -> tuple[str, ...]:
    """Return `(flag, value)`, or `("--long=value",)` when the value would read as an option."""
    return (f"{long or flag}={value}",) if value.startswith("-") else (flag, value)


def path_arg(path: str) -> str:
    """Return a relative path that no tool reads as an option (`-rf/x` -> `./-rf/x`)."""
    return f"./{path}" if path.startswith("-") else path


def shell_line(argv: Sequence[str]) -> str:
    """Return one argument vector as a line for a POSIX shell (`shlex.quote`d, checked)."""
    check_args(argv)
    return shlex.join(argv)


def steps_line(steps: Iterable[Sequence[str]]) -> str:
    """Return argument vectors run one after the other as one line for a POSIX shell (`&&`)."""
    return " && ".join(shell_line(step) for step in steps)


@dataclass(frozen=True)
class FixCommand:
    """One command that fixes drift: the tool, its argv, and the entries it fixes; never run."""

    tool: str
    argv: tuple[str, ...]
    entries: tuple[str, ...]

    def __post_init__(self) -> None:
        """Refuse to exist with a character no command may hold."""
        check_args(self.argv)

    @property
    def command(self) -> str:
        """Return the command as one line for a POSIX shell."""
        return shell_line(self.argv)

    def to_json(self) -> dict[str, Any]:
        """Return the fix object of the REST API."""
        entries = list(self.entries)
        return {"tool": self.tool, "argv": list(self.argv), "command": self.command, "entries": entries}


@dataclass(frozen=True)
class CreateCommand:
    """A shell command (one or more steps joined by `&&`) that creates an environment."""

    tool: str
    steps: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        """Refuse to exist with a character no command may hold."""
        for step in self.steps:
            check_args(step)

    @property
    def command(self) -> str:
        """Return the steps as one line for a POSIX shell, every argument quoted safely."""
        return steps_line(self.steps)

    def to_json(self) -> dict[str, Any]:
        """Return `{tool, command, argv}`."""
        return {"tool": self.tool, "command": self.command, "argv": [list(s) for s in self.steps]}


@dataclass(frozen=True)
class Note:
    """Why some entries get no command: a tool this machine lacks, or text no command may hold."""

    entries: tuple[str, ...]
    reason: str
    #: The tool that would be needed, when that is the reason ("conda", "pixi", "uv", "pip").
    needs: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return the note object of the REST API (entries shown with escapes, never raw)."""
        return {"entries": [visible(e) for e in self.entries], "reason": self.reason, "needs": self.needs}
