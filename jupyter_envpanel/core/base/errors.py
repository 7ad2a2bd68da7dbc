"""Typed errors of the core; the edge maps each to one HTTP status or exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def excerpt(text: str, limit: int = 24) -> str:
    """Return a short, single-line, quoted excerpt of text for an error message (never more)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = "".join(c if c.isprintable() else "?" for c in line)
    return repr(line if len(line) <= limit else line[:limit] + "…")


class EnvPanelError(Exception):
    """Base class of every error the core raises on bad input."""

    status = 400


class InvalidArgument(EnvPanelError):
    """A caller passed something malformed (a bad query parameter, an empty name)."""

    status = 400


class OutsideRoot(EnvPanelError):
    """A path from a request resolves outside the server's root directory."""

    status = 403


class EnvNotFound(EnvPanelError):
    """No discovered environment has this name or prefix."""

    status = 404

    def __init__(self, ref: str) -> None:
        super().__init__(f"unknown environment: {ref!r} (see `jupyter envpanel list`)")
        self.ref = ref


class KernelNotFound(EnvPanelError):
    """No kernelspec has this name."""

    status = 404

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown kernel: {name!r}")
        self.name = name


class NotOurs(EnvPanelError):
    """A kernelspec exists but was not written by jupyter-envpanel, so it is left alone."""

    status = 409


class EnvFileError(EnvPanelError):
    """An environment file cannot be read or parsed; carries file, line and column (1-based)."""

    status = 422

    def __init__(
        self,
        path: Path | str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        status: int = 422,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.detail = message
        self.status = status
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")

    def to_json(self) -> dict[str, Any]:
        """Return the error as the JSON body the API answers with."""
        return {
            "message": str(self),
            "file": self.path,
            "line": self.line,
            "column": self.column,
        }


class FileNotFound(EnvFileError):
    """An environment file that was asked for does not exist."""

    def __init__(self, path: Path | str, message: str = "no such file") -> None:
        super().__init__(path, message, status=404)
