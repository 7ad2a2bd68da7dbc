"""A job's output: cleaned for a screen, kept in a capped ring buffer with absolute offsets.

A tool's output reaches the panel and the CLI's terminal, so it may hold no control character a
terminal acts on: carriage returns (progress redrawn in place) become line ends, tabs stay, and
every other control (escape sequences, bidirectional controls) is dropped. Offsets count the
characters of the cleaned text since the job started; the buffer keeps the last `cap` of them.
"""

from __future__ import annotations

import codecs
import re
import threading
from collections import deque

#: What no screen may get: base.commands.UNSAFE but for tab and line feed (a test holds them equal).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: A percentage a tool prints for its progress (`45%`, `45.5 %`), not part of a longer number.
PERCENT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s?%")
#: A line that says what went wrong (the first one is the job's error line).
ERROR = re.compile(r"(?i)(errors?|failed|failure|critical|fatal|exception|traceback|denied)\b")
WORDS = ("error", "fail", "critical", "fatal", "exception", "traceback", "denied")
LINE_CAP = 300


#: Terminal escape sequences (colours, cursor moves, titles), dropped whole.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]")


def clean(text: str) -> str:
    """Return text fit for a screen: CR and CRLF as LF, tabs kept, escapes and other controls dropped."""
    text = ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return CONTROLS.sub("", text)


def _first_error(text: str) -> str:
    """Return the first whole line of text that says error, or "" (words found by `find`: fast)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (İ): the slow search
        match = ERROR.search(text)
        if match is None:
            return ""
        start, end = text.rfind("\n", 0, match.start()) + 1, text.find("\n", match.end())
        return text[start : len(text) if end < 0 else end].strip()[:LINE_CAP]
    position = 0
    while True:
        hits = [h for h in (lowered.find(word, position) for word in WORDS) if h >= 0]
        if not hits:
            return ""
        start = lowered.rfind("\n", 0, min(hits)) + 1
        end = lowered.find("\n", min(hits))
        end = len(text) if end < 0 else end
        if ERROR.search(text, start, end):
            return text[start:end].strip()[:LINE_CAP]
        position = end + 1


class Output:
    """The cleaned output of one job: a ring buffer of at most `cap` characters, absolute offsets."""

    def __init__(self, cap: int = 1 << 20) -> None:
        """Start empty; nothing was dropped yet."""
        self.cap = cap
        self._chunks: deque[str] = deque()
        self._start = 0  # the offset of the first character kept
        self._size = 0  # characters written in all
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending_cr = False
        self._partial = ""  # the last line so far (for the error line and progress)
        self._lock = threading.Lock()
        self.progress: float | None = None
        self.error_line = ""
        self.last_line = ""

    @property
    def size(self) -> int:
        """Return how many characters were written in all."""
        return self._size

    def feed(self, data: bytes, final: bool = False) -> None:
        """Decode, clean and keep a chunk of the tool's output; note progress and the error line."""
        text = self._decoder.decode(data, final)
        if self._pending_cr:  # a CR that ended the previous chunk, maybe half of a CRLF
            text = "\r" + text
            self._pending_cr = False
        if text.endswith("\r") and not final:
            text, self._pending_cr = text[:-1], True
        text = clean(text)
        if text:
            self._scan(text)
            self._append(text)

    def _scan(self, text: str) -> None:
        """Note the last percentage, the first line that says error, and the last line."""
        found = PERCENT.findall(text[-4096:])
        if found and float(found[-1]) <= 100:
            self.progress = float(found[-1])
        cut = text.rfind("\n")
        if cut < 0:
            self._partial = (self._partial + text)[-4 * LINE_CAP :]  # a line with no end is kept short
            return
        done, self._partial = self._partial + text[: cut + 1], text[cut + 1 :][-4 * LINE_CAP :]
        if not self.error_line:
            self.error_line = _first_error(done)
        last = next((s.strip() for s in reversed(done[-4096:].split("\n")) if s.strip()), "")
        if last:
            self.last_line = last[:LINE_CAP]

    def _append(self, text: str) -> None:
        """Keep text, dropping the oldest characters past the cap."""
        with self._lock:
            self._size += len(text)
            if len(text) >= self.cap:
                self._chunks.clear()
                self._chunks.append(text[-self.cap :])
                self._start = self._size - self.cap
                return
            self._chunks.append(text)
            kept = self._size - self._start
            while kept > self.cap:
                first = self._chunks[0]
                excess = kept - self.cap
                if len(first) <= excess:
                    self._chunks.popleft()
                    self._start += len(first)
                    kept -= len(first)
                else:
                    self._chunks[0] = first[excess:]
                    self._start += excess
                    kept -= excess

    def read(self, offset: int, limit: int = 1 << 20) -> tuple[str, int, int, bool]:
        """Return (text from offset, where it starts, the next offset, whether text before it was dropped)."""
        with self._lock:
            offset = max(0, offset)
            start = max(offset, self._start)
            truncated = offset < self._start
            if start >= self._size:
                return "", min(start, self._size), self._size, truncated
            parts: list[str] = []
            position = self._start
            wanted = 0
            for chunk in self._chunks:
                end = position + len(chunk)
                if end > start:
                    piece = chunk[max(0, start - position) :]
                    parts.append(piece)
                    wanted += len(piece)
                    if wanted >= limit:
                        break
                position = end
            text = "".join(parts)[:limit]
            return text, start, start + len(text), truncated

    def last(self) -> str:
        """Return the last non-empty line (for a failed job that printed no error line)."""
        return self._partial.strip()[-LINE_CAP:] or self.last_line

    def first_error(self) -> str:
        """Return the first line that says error, counting a last line with no end."""
        if not self.error_line and ERROR.search(self._partial):
            return self._partial.strip()[:LINE_CAP]
        return self.error_line
