"""TOML definitions (poetry.lock, pyproject.toml, Pipfile) read through safe_read (places: tomlplaces).

A broken file raises EnvFileError at the parser's line and column; a sibling manifest that only
helps (a lock's pyproject.toml) is read leniently: a warning instead of an error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..base.errors import EnvFileError
from ..base.paths import check_beside
from ..base.safe_parse import BadToml, parse_toml
from ..base.safe_read import UnreadableFile
from .reqfile import read_text

_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path, kind: str, unused: re.Pattern[str] | None = None) -> tuple[str, dict[str, Any]]:
    """Return a TOML file's text and tables; any failure is EnvFileError at the parser's place."""
    text = read_text(path, "project file")
    return text, parse_text(path, text, kind, unused)


def parse_text(
    path: Path, text: str, kind: str = "", unused: re.Pattern[str] | None = None
) -> dict[str, Any]:
    """Parse TOML text (arrays `unused` matches left empty); a failure is EnvFileError at its place."""
    try:
        return parse_toml(unused.sub(_blank, text) if unused else text, path)
    except BadToml as err:
        message = str(err)
        where = _AT.search(message)
        line, column = (int(where.group(1)), int(where.group(2))) if where else (None, None)
        detail = _AT.sub("", message).strip()
        what = f"invalid TOML in {kind}" if kind else "invalid TOML"
        raise EnvFileError(path, f"{what}: {detail}", line, column) from None
    except UnreadableFile as err:
        raise EnvFileError(path, err.reason) from None
    except RecursionError:
        raise EnvFileError(path, "nested too deeply; not read") from None


def _blank(match: re.Match[str]) -> str:
    """Return an unused array as an empty one, keeping the lines (so errors elsewhere keep their place)."""
    return f"{match.group(1)}[]" + "\n" * match.group(0).count("\n")


def read_sibling(path: Path, kind: str) -> tuple[str, dict[str, Any] | None, str]:
    """Return (text, tables, warning) of a manifest beside a lock: None and a warning when unusable."""
    try:
        text, data = read_toml(check_beside(path), kind)
    except EnvFileError as err:
        if err.status == 404:
            return "", None, f"{path.name} not found beside the lock"
        return "", None, str(err)
    return text, data, ""


def table(data: Any, key: str) -> dict[str, Any]:
    """Return `data[key]` when both are tables, else an empty dict."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}
