"""pip requirements files (`-r` from environment.yml, a venv project's requirements*.txt): typed entries.

Each entry remembers its file, line and column. Nested `-r` files are followed relative to the file
that names them, within the request's budget (core/budget.py), confined to the server's root when
asked, and never in a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..base.budget import Budget, current
from ..base.errors import EnvFileError, FileNotFound
from ..base.paths import inside
from ..base.safe_read import UnreadableFile
from ..base.safe_read import read_text as safe_read_text
from .specs import CondaSpec, PipSpec, parse_pip


@dataclass(frozen=True)
class Requirement:
    """One entry of an environment file (conda or pip), with where it was written."""

    spec: CondaSpec | PipSpec
    source: str  # "conda" or "pip"
    file: str
    line: int
    column: int

    @property
    def name(self) -> str | None:
        """Return the normalised package name, None for lines that name no package."""
        return self.spec.name


def read_text(path: Path, kind: str = "environment file") -> str:
    """Read a text file under the size limit, mapping every failure to EnvFileError."""
    try:
        return safe_read_text(path, kind)
    except FileNotFoundError:
        raise FileNotFound(path) from None
    except IsADirectoryError:
        raise EnvFileError(path, "is a directory, not an environment file", status=400) from None
    except PermissionError:
        raise EnvFileError(path, "permission denied", status=403) from None
    except UnreadableFile as err:
        raise EnvFileError(path, err.reason, status=400) from None
    except OSError as err:
        raise EnvFileError(path, f"cannot read: {err.strerror or err}", status=400) from None


def confined(path: Path, root: Path | None) -> None:
    """Refuse (403) a file that resolves outside root, when a root confines reading."""
    if root is not None and not inside(path, root):
        raise EnvFileError(path, "resolves outside the server root; not read", status=403)


def parse_requirements_file(
    path: Path,
    seen: tuple[str, ...] = (),
    root: Path | None = None,
    budget: Budget | None = None,
    counted: bool = False,
) -> list[Requirement]:
    """Parse a pip requirements file (`-r` from environment.yml), following nested `-r` within a budget.

    `counted`: the including file has counted this open already (and located it at its `-r` line).
    """
    budget = budget or current()
    if not counted:
        budget.open_file(path, depth=len(seen))
    confined(path, root)
    real = str(path.resolve())
    if real in seen:
        raise EnvFileError(path, "requirements files include each other (a -r cycle)", status=400)
    text = read_text(path, "requirements file")
    budget.read(path, len(text))
    out: list[Requirement] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        budget.add_entries(path, 1, number)
        column = len(raw) - len(raw.lstrip()) + 1
        nested = include_target(line)
        if nested:
            budget.open_file(path, number, depth=len(seen) + 1)
            out.extend(parse_requirements_file(path.parent / nested, seen + (real,), root, budget, True))
            continue
        try:
            spec = parse_pip(line)
        except ValueError as err:
            raise EnvFileError(path, str(err), number, column) from None
        out.append(Requirement(spec, "pip", str(path), number, column))
    return out


def include_target(line: str) -> str | None:
    """Return the file of a `-r FILE` / `--requirement=FILE` line, else None."""
    for flag in ("-r", "--requirement"):
        if line.startswith(flag + " ") or line.startswith(flag + "="):
            return line[len(flag) + 1 :].strip()
        if flag == "-r" and line.startswith("-r") and len(line) > 2 and line[2] not in "-":
            return line[2:].strip()
    return None
