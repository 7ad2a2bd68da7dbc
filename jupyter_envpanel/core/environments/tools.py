"""The environments in each Python tool's folders, listed from disk without running the tools.

Where the folders are (the tools' variables and settings files) is core/toolconfig.py's; here
their layouts are walked: pyenv's `versions/`, hatch's nested folders, uv's managed Pythons (its
minor-version links skipped), in-project `.venv`s in the server root, and the Pythons on PATH.
A tool that is not installed costs a failed `stat` per place it may use (its folder, its settings).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..base.host import Host

#: Every source of environments, in the order they are searched (EnvPanelApp.sources).
SOURCES = (
    "conda",
    "pixi",
    "pyenv",
    "virtualenvwrapper",
    "pipenv",
    "poetry",
    "hatch",
    "uv",
    "project-venvs",
    "system",
)
#: Interpreter names looked for in each folder of PATH (no directory listing).
PYTHON_NAMES = ("python3",) + tuple(f"python3.{minor}" for minor in range(8, 15))
#: Files that make a folder of the server root a project whose `.venv` is listed.
PROJECT_MARKERS = ("pyproject.toml", "uv.lock", "poetry.lock", "Pipfile", "requirements.txt", "hatch.toml")
MAX_PROJECT_FOLDERS = 500


def _subdirs(folder: Path) -> list[Path]:
    """Return the subfolders of a folder (sorted, hidden ones skipped), or none when unreadable."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries if not e.name.startswith(".") and _is_dir(e))
    except OSError:
        return []


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Return whether a scandir entry is a directory (following symlinks), never raising."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def pyenv_prefixes(versions: Path) -> list[Path]:
    """Return pyenv's installs (`versions/*`) and pyenv-virtualenv envs (`versions/*/envs/*`)."""
    found = []
    for install in _subdirs(versions):
        found.append(install)
        if (install / "envs").is_dir():
            found.extend(_subdirs(install / "envs"))
    return found


def hatch_prefixes(virtual: Path) -> list[Path]:
    """Return hatch's envs: `virtual/<project>/<id>/<env>`, the older `virtual/<id>/<env>`, or flat.

    hatch keeps `virtual/<env>` (flat) when the folder is `~/.virtualenvs` or inside a project.
    """
    found = []
    for first in _subdirs(virtual):
        if (first / "pyvenv.cfg").is_file():
            found.append(first)
            continue
        for second in _subdirs(first):
            if (second / "pyvenv.cfg").is_file():
                found.append(second)
                continue
            found.extend(third for third in _subdirs(second) if (third / "pyvenv.cfg").is_file())
    return found


def uv_pythons(folder: Path) -> list[Path]:
    """Return uv's managed Pythons, skipping its minor-version links (`cpython-3.12-...` -> a sibling)."""
    found = []
    for path in _subdirs(folder):
        if path.is_symlink() and os.path.dirname(os.path.realpath(path)) == os.path.realpath(folder):
            continue  # uv 0.8+: an alias of a sibling installation, listed under its own name
        found.append(path)
    return found


def in_project_envs(root: Path, venv_names: Sequence[str], env_dirs: Sequence[str]) -> list[Path]:
    """Return the envs a tool's settings put inside each project (the root and its direct subfolders).

    `venv_names`: one env per project (`UV_PROJECT_ENVIRONMENT`); `env_dirs`: a folder of envs per
    project (hatch's relative `[dirs.env] virtual`). Costs nothing when neither is set.
    """
    if not venv_names and not env_dirs:
        return []
    found: list[Path] = []
    for folder in [root, *_subdirs(root)[:MAX_PROJECT_FOLDERS]]:
        found.extend(folder / n for n in venv_names if (folder / n / "pyvenv.cfg").is_file())
        for rel in env_dirs:
            found.extend(p for p in _subdirs(folder / rel) if (p / "pyvenv.cfg").is_file())
    return found


def project_venvs(root: Path) -> list[Path]:
    """Return `.venv` folders next to a project file in the root's direct subfolders (bounded)."""
    found = []
    for folder in _subdirs(root)[:MAX_PROJECT_FOLDERS]:
        venv = folder / ".venv"
        if (venv / "pyvenv.cfg").is_file() and any((folder / m).is_file() for m in PROJECT_MARKERS):
            found.append(venv)
    return found


def system_pythons(host: Host) -> dict[str, Path]:
    """Return {real interpreter path: prefix} for the Pythons on PATH and in the usual folders."""
    folders = [p for p in (host.getenv("PATH") or "").split(os.pathsep) if p and "shims" not in p]
    found: dict[str, Path] = {}
    for folder in dict.fromkeys([*folders, *host.system_bins]):
        for name in PYTHON_NAMES:
            path = os.path.join(folder, name)
            if not os.path.isfile(path) or not os.access(path, os.X_OK):
                continue
            real = os.path.realpath(path)
            if real not in found:
                found[real] = Path(real).parent.parent
    return found


def interpreter_of(prefix: Path, candidates: Iterable[str] = ("python3", "python")) -> str:
    """Return the interpreter of an install (`<prefix>/bin/python3`), or "" when there is none."""
    for name in candidates:
        path = prefix / "bin" / name
        if path.is_file():
            return str(path)
    return ""
