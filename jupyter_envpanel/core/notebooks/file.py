"""A notebook file read for its record of what it ran with (the comparison is core/service/notebooks.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..base.errors import InvalidArgument
from ..base.safe_read import UnreadableFile, read_json_object
from .record import BadRecord, RanWith, read_record


def read_notebook(path: Path) -> dict[str, Any]:
    """Return a notebook file's JSON object; a clear one-line error for anything else."""
    try:
        return read_json_object(path, "notebook", constants="null")
    except FileNotFoundError:
        raise InvalidArgument(f"{path.name}: no such notebook") from None
    except UnreadableFile as err:
        raise InvalidArgument(f"not a readable notebook: {err}") from None
    except OSError as err:
        raise InvalidArgument(f"{path.name}: cannot read ({err.strerror or err})") from None


def notebook_record(nb: dict[str, Any], path: Path) -> RanWith | None:
    """Return a notebook's checked record (None without one); BadRecord naming the file."""
    try:
        return read_record(nb.get("metadata"))
    except BadRecord as err:
        raise BadRecord(f"{path.name}: {err}") from None
