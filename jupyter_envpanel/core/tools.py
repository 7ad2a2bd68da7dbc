"""Where Python tools other than conda keep their environments, read from disk without running them.

Each source is a folder (moved by the tool's own variables) whose subfolders are environments:
pyenv's `versions/`, virtualenvwrapper's and pipenv's `WORKON_HOME`, poetry's and hatch's data
folders, uv's managed Pythons, pixi's global envs; plus in-project `.venv`s in the server root and
the Pythons on PATH. A tool that is not installed costs one failed `stat` (its folder is missing).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Dict, Iterable, List

from .host import Host

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
PROJECT_MARKERS = ("pyproject.toml", "uv.lock", "poetry.lock", "Pipfile", "requirements.txt")
MAX_PROJECT_FOLDERS = 500


def _data_home(host: Host) -> Path:
    """Return XDG_DATA_HOME (default ~/.local/share)."""
    xdg = host.getenv("XDG_DATA_HOME")
    return host.expand(xdg) if xdg else host.home / ".local" / "share"


def _cache_home(host: Host) -> Path:
    """Return XDG_CACHE_HOME (default ~/.cache)."""
    xdg = host.getenv("XDG_CACHE_HOME")
    return host.expand(xdg) if xdg else host.home / ".cache"


def _var(host: Host, key: str) -> List[Path]:
    """Return the folder a variable names, as a one-item list (empty when unset)."""
    value = host.getenv(key)
    return [host.expand(value)] if value else []


def tool_folders(host: Host) -> Dict[str, List[Path]]:
    """Return, per tool, the folders holding its environments (documented defaults and variables)."""
    mac = sys.platform == "darwin"
    pyenv_root = _var(host, "PYENV_ROOT") or [host.home / ".pyenv"]
    workon = _var(host, "WORKON_HOME")
    poetry_cache = _var(host, "POETRY_CACHE_DIR") or [
        host.home / "Library" / "Caches" / "pypoetry" if mac else _cache_home(host) / "pypoetry"
    ]
    hatch_data = _var(host, "HATCH_DATA_DIR") or [
        host.home / "Library" / "Application Support" / "hatch" if mac else _data_home(host) / "hatch"
    ]
    return {
        "pyenv": [root / "versions" for root in pyenv_root],
        "virtualenvwrapper": workon or [host.home / ".virtualenvs"],
        "pipenv": workon or [_data_home(host) / "virtualenvs"],
        "poetry": _var(host, "POETRY_VIRTUALENVS_PATH") or [poetry_cache[0] / "virtualenvs"],
        "hatch": [hatch_data[0] / "env" / "virtual"],
        "uv": _var(host, "UV_PYTHON_INSTALL_DIR") or [_data_home(host) / "uv" / "python"],
        "pixi": [(_var(host, "PIXI_HOME") or [host.home / ".pixi"])[0] / "envs"],
    }


def _subdirs(folder: Path) -> List[Path]:
    """Return the subfolders of a folder (sorted, hidden ones skipped), or none when unreadable."""
    try:
        with os.scandir(folder) as entries:
            return sorted(Path(e.path) for e in entries if not e.name.startswith(".") and _is_dir(e))
    except OSError:
        return []


def _is_dir(entry: os.DirEntry) -> bool:
    """Return whether a scandir entry is a directory (following symlinks), never raising."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def pyenv_prefixes(versions: Path) -> List[Path]:
    """Return pyenv's installs (`versions/*`) and pyenv-virtualenv envs (`versions/*/envs/*`)."""
    found = []
    for install in _subdirs(versions):
        found.append(install)
        if (install / "envs").is_dir():
            found.extend(_subdirs(install / "envs"))
    return found


def hatch_prefixes(virtual: Path) -> List[Path]:
    """Return hatch's envs: `virtual/<project>/<id>/<env>` (and the older `virtual/<id>/<env>`)."""
    found = []
    for first in _subdirs(virtual):
        for second in _subdirs(first):
            if (second / "pyvenv.cfg").is_file():
                found.append(second)
                continue
            found.extend(third for third in _subdirs(second) if (third / "pyvenv.cfg").is_file())
    return found


def project_venvs(root: Path) -> List[Path]:
    """Return `.venv` folders next to a project file in the root's direct subfolders (bounded)."""
    found = []
    for folder in _subdirs(root)[:MAX_PROJECT_FOLDERS]:
        venv = folder / ".venv"
        if (venv / "pyvenv.cfg").is_file() and any((folder / m).is_file() for m in PROJECT_MARKERS):
            found.append(venv)
    return found


def system_pythons(host: Host) -> Dict[str, Path]:
    """Return {real interpreter path: prefix} for the Pythons on PATH and in the usual folders."""
    folders = [p for p in (host.getenv("PATH") or "").split(os.pathsep) if p and "shims" not in p]
    found: Dict[str, Path] = {}
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
