"""What one request may spend on a project's files, and its cancellation: every request's work is bounded.

A definition read for one request (an environment file, the requirements files it includes, and
theirs) may open at most `files` files, read `bytes` bytes and hold `entries` entries in all,
`depth` includes deep: a repository that fans out (`-r b.txt` 2,000 times in a.txt, and again in
b.txt) is refused at the budget, with the file that crossed it, instead of being followed. The
budget rides with the request (a context variable the route's worker thread sets); work that
loops over files or entries calls `checkpoint()`, so a request abandoned by its time limit stops
at the next file instead of running on. Without a request (the CLI, the Python API), each
definition read gets a budget of its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import EnvFileError, EnvPanelError

MiB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The budget of one request (documented in docs/configuration.md, "Limits")."""

    files: int = 100
    bytes: int = 16 * MiB
    entries: int = 10_000
    depth: int = 16


LIMITS = Limits()


class Cancelled(EnvPanelError):
    """The request was abandoned (its time limit passed): its work stops at the next checkpoint."""

    status = 503


class Budget:
    """Counters of one request against its limits, and a flag that cancels its work."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        """Start with nothing spent."""
        self.limits = limits
        self.files = self.bytes = self.entries = 0
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Ask the work of this request to stop at its next checkpoint."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Return whether the request was abandoned."""
        return self._cancelled.is_set()

    def check(self) -> None:
        """Raise Cancelled when the request was abandoned."""
        if self._cancelled.is_set():
            raise Cancelled("this request took longer than its time limit and was stopped")

    def open_file(self, path: str | object, line: int | None = None, depth: int = 0) -> None:
        """Count one definition file about to be opened (by `path` at `line`, for an include)."""
        self.check()
        self.files += 1
        limits = self.limits
        if depth > limits.depth:
            raise _over(path, f"includes nest more than {limits.depth} deep", line)
        if self.files > limits.files:
            raise _over(path, f"opens more than {limits.files} files (with its includes)", line)

    def read(self, path: str | object, size: int) -> None:
        """Count the bytes of a definition file read; refuse past the budget."""
        self.check()
        self.bytes += size
        if self.bytes > self.limits.bytes:
            raise _over(path, f"reads more than {self.limits.bytes // MiB} MiB (with its includes)")

    def add_entries(self, path: str | object, count: int, line: int | None = None) -> None:
        """Count entries read from a file; refuse past the budget, at the line that crossed it."""
        self.check()
        self.entries += count
        if self.entries > self.limits.entries:
            raise _over(path, f"holds more than {self.limits.entries} entries (with its includes)", line)


def _over(path: object, what: str, line: int | None = None) -> EnvFileError:
    """Return the error for a definition past the budget of one request."""
    return EnvFileError(str(path), f"{what}: past the budget of one request; not read further", line)


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("envpanel_budget", default=None)


def current() -> Budget:
    """Return the budget of the request under way, or a new one for a call outside a request."""
    return _CURRENT.get() or Budget()


def checkpoint() -> None:
    """Stop here (Cancelled) when the request under way was abandoned; free outside a request."""
    budget = _CURRENT.get()
    if budget is not None:
        budget.check()


@contextlib.contextmanager
def spending(budget: Budget) -> Iterator[Budget]:
    """Run the block as the work of one request with this budget."""
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)
