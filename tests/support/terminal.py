"""Type into a real interactive bash on a pseudo-terminal, as "Open in Terminal" does; read the screen.

JupyterLab's terminal writes what the extension sends straight to the shell's pseudo-terminal
(terminado), so a real bash on a pty with readline is what decides whether a typed command runs
before the user presses Enter. The screen is rendered by pyte, a VT100 emulator.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pyte

PROMPT = "PROMPT$ "
COLUMNS = 1000  # wide enough that no command wraps


class Bash:
    """An interactive bash (no rc files) on a pty, with its screen."""

    def __init__(self, cwd: Path) -> None:
        """Start bash and wait for its first prompt."""
        self.master, slave = pty.openpty()
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(cwd),
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "PS1": PROMPT,
            "INPUTRC": "/dev/null",
            "COLUMNS": str(COLUMNS),
            "LINES": "40",
        }
        self.proc = subprocess.Popen(
            ["bash", "--norc", "--noprofile", "-i"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = pyte.Screen(COLUMNS, 40)
        self.stream = pyte.ByteStream(self.screen)
        self.wait_for(lambda: self.lines() and self.lines()[-1] == PROMPT.rstrip())

    def pump(self, seconds: float) -> bool:
        """Feed what bash writes to the screen for a while; return whether anything came."""
        deadline = time.monotonic() + seconds
        fed = False
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.master], [], [], max(left, 0))
            if not ready:
                return fed
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return fed
            if not data:
                return fed
            self.stream.feed(data)
            fed = True

    def wait_for(self, condition, timeout: float = 10.0) -> bool:
        """Pump until condition() holds (True) or the timeout passes (False); checked after new output."""
        deadline = time.monotonic() + timeout
        if condition():
            return True
        while time.monotonic() < deadline:
            if self.pump(0.02) and condition():
                return True
        return bool(condition())

    def lines(self) -> list[str]:
        """Return the screen's non-empty lines, right-stripped."""
        return [line.rstrip() for line in self.screen.display if line.strip()]

    def type(self, text: str) -> None:
        """Write text to the terminal as keystrokes (UTF-8), without Enter."""
        os.write(self.master, text.encode("utf-8", "surrogateescape"))

    def clear_line(self) -> None:
        """Erase the typed line (Ctrl-U, readline's unix-line-discard) and wait for the bare prompt."""
        os.write(self.master, b"\x15")
        self.wait_for(lambda: self.lines()[-1:] == [PROMPT.rstrip()])

    def close(self) -> None:
        """End bash and close the pty."""
        self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self.master)


def typed_line(bash: Bash, command: str, settle: float = 0.03) -> list[str]:
    """Type a command without Enter and return the screen lines once bash has echoed it whole.

    bash handles typed bytes in order: once the whole command is echoed, whatever a control
    character in it set off (a carriage return running the line) has happened already.
    """
    bash.type(command)
    expected = (PROMPT + command).rstrip()
    bash.wait_for(lambda: bash.lines()[-1:] == [expected], timeout=5)
    bash.pump(settle)
    return bash.lines()
