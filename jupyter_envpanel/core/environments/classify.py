"""Decide what a candidate folder is, and which tool made it, with a documented priority.

1. `conda-meta/history`: conda (a root is `base`); under `.pixi/envs/` or pixi's global envs: pixi.
2. `pyvenv.cfg` (a virtual environment), by the most specific evidence first: pipenv (a `.project`
   naming a folder with a Pipfile), poetry's folder, pipenv's folder, hatch (its folders, or a
   project's hatch environment whose `path` is this folder), pyenv
   (pyenv-virtualenv), uv (`uv = ...` in pyvenv.cfg, or a project with `uv.lock`), poetry or pipenv
   (a project with `poetry.lock` / `Pipfile`), virtualenvwrapper (`WORKON_HOME`), else venv.
3. An interpreter without either: pyenv (under `versions/`), uv (a uv-managed Python), system.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..base.host import Host
from ..base.safe_read import UnreadableFile, read_text
from .sources import VENV_NAMES, Candidate, Search
from .toolconfig import hatch_project
from .tools import interpreter_of

_POETRY_NAME = re.compile(r"^(?P<project>.+)-[A-Za-z0-9_-]{8}-py\d+\.\d+$")
_PIPENV_NAME = re.compile(r"^(?P<project>.+)-[A-Za-z0-9_-]{8}$")
_UV_PYTHON = re.compile(r"^(?P<impl>[a-z]+)-(?P<version>\d+\.\d+\.\d+[a-z0-9+]*)")


@dataclass
class Found:
    """A candidate that turned out to be an environment, before naming."""

    prefix: str
    kind: str
    named: bool
    is_base: bool
    is_server: bool
    base_name: str
    context: str
    source: str
    executable: str = ""
    project: str = ""
    python_hint: str | None = None
    venv: bool = False


def _under(text: str, folders: Sequence[str]) -> bool:
    """Return whether a path lies inside one of the folders (`folder in path.parents`, as strings)."""
    if not folders:
        return False
    return any(text.startswith(_inside(folder)) and text != folder for folder in folders)


def _inside(folder: str) -> str:
    """Return the prefix every path inside a folder starts with."""
    return folder if folder.endswith(os.sep) else folder + os.sep


def _pyvenv_has_uv(path: Path) -> bool:
    """Return whether uv made this venv (its pyvenv.cfg has a `uv = ...` line)."""
    try:
        text = read_text(path / "pyvenv.cfg", "pyvenv.cfg", errors="replace")
    except (OSError, UnreadableFile):
        return False
    return any(line.split("=", 1)[0].strip() == "uv" for line in text.splitlines() if "=" in line)


def _pipenv_project(path: Path) -> str:
    """Return the project folder a pipenv env's `.project` file names, if it holds a Pipfile."""
    try:
        target = read_text(path / ".project", "pyvenv.cfg", errors="replace").strip()
    except (OSError, UnreadableFile):
        return ""
    return Path(target).name if target and os.path.isfile(os.path.join(target, "Pipfile")) else ""


def _hatch_project_dir(path: Path, flat: list[Path], in_project: list[str]) -> Path | None:
    """Return the project of an env in hatch's flat layout (`<project>/<dir>/<env>`), or None."""
    if path.parent in flat:
        return path.parent.parent
    parent = str(path.parent)
    for rel in in_project:
        if parent.endswith(os.sep + rel):
            return Path(parent[: -len(rel) - 1])
    return None


def venv_tool(path: Path, found: Search) -> tuple[str, str, str]:
    """Return (kind, name, project) of a virtual environment, most specific tool first."""
    folders = found.tool_dirs
    name = path.name
    text = str(path)
    pipenv_project = _pipenv_project(path)  # a `.project` naming a folder with a Pipfile: sure evidence
    if pipenv_project:
        return "pipenv", pipenv_project, pipenv_project
    if _under(text, found.dirs_of("poetry")):
        match = _POETRY_NAME.match(name)
        project = match.group("project") if match else name
        return "poetry", project, project
    if _under(text, found.dirs_of("pipenv")) and not _under(text, found.dirs_of("virtualenvwrapper")):
        match = _PIPENV_NAME.match(name)
        project = match.group("project") if match else name
        return "pipenv", project, project
    hatch = [f for f in folders.get("hatch", []) if f not in folders.get("virtualenvwrapper", [])]
    if _under(text, [str(f) for f in hatch]) and path.parent not in hatch:
        project = path.parent.parent.name if path.parent.parent not in hatch else path.parent.name
        return "hatch", project if name == project else f"{project}:{name}", project
    project_dir = _hatch_project_dir(path, hatch, found.tools.hatch_in_project)
    if project_dir is not None:  # hatch's flat layout: `<project>/<dir>/<env>`, or `~/.virtualenvs/<env>`
        project = hatch_project(project_dir)[0] or (project_dir.name if path.parent not in hatch else "")
        return "hatch", name if name == project or not project else f"{project}:{name}", project
    if name in VENV_NAMES:  # a project's `[tool.hatch.envs.<env>] path = ".venv"`
        meta, env = hatch_project(path.parent, path)
        project = meta or path.parent.name
        if env:
            return "hatch", project if env == "default" else f"{project}:{env}", project
    if _under(text, found.dirs_of("pyenv")):
        return "pyenv", name, ""
    project_dir = path.parent if name == ".venv" else None
    if _pyvenv_has_uv(path) or (project_dir and (project_dir / "uv.lock").is_file()):
        return "uv", name, project_dir.name if project_dir else ""
    if project_dir and (project_dir / "poetry.lock").is_file():
        return "poetry", project_dir.name, project_dir.name
    if project_dir and (project_dir / "Pipfile").is_file():
        return "pipenv", project_dir.name, project_dir.name
    if _under(text, found.dirs_of("virtualenvwrapper")):
        return "virtualenvwrapper", name, ""
    return "venv", name, ""


def interpreter_kind(path: Path, cand: Candidate, found: Search, host: Host) -> Found | None:
    """Return a plain Python installation (pyenv, uv-managed, system), or None."""
    is_server = cand.source == "server"
    executable = cand.executable or interpreter_of(path)
    if is_server and not executable:
        executable = host.sys_executable
    if not executable:
        return None
    text = str(path)
    if _under(text, found.dirs_of("pyenv")):
        return Found(
            text,
            "pyenv",
            False,
            False,
            is_server,
            path.name,
            "pyenv",
            cand.source,
            executable,
            python_hint=path.name if path.name[:1].isdigit() else None,
        )
    if _under(text, found.dirs_of("uv")):
        # an alias (uv's minor-version link) names the installation it points at
        match = _UV_PYTHON.match(path.name) or _UV_PYTHON.match(os.path.basename(os.path.realpath(path)))
        version = match.group("version") if match else None
        short = f"{match.group('impl')}-{version}" if match else path.name
        return Found(
            text, "uv", False, False, is_server, short, "uv", cand.source, executable, python_hint=version
        )
    name = Path(executable).name
    version = name[len("python") :] if re.match(r"^python\d+\.\d+$", name) else None
    return Found(
        text,
        "system",
        False,
        False,
        is_server,
        name if not is_server else "system",
        path.name,
        cand.source,
        executable,
        python_hint=version,
    )


def classify(cand: Candidate, found: Search, host: Host) -> tuple[Found | None, str]:
    """Decide whether a candidate is an environment; return it or a warning (maybe empty)."""
    # strings, not pathlib, on the conda path: this runs for every candidate of every listing
    text = os.fspath(cand.path)
    is_server = cand.source == "server"
    meta = os.path.join(text, "conda-meta")
    has_history = os.path.isfile(os.path.join(meta, "history"))  # one stat
    if not has_history and not os.path.isdir(text):
        if cand.source == "environments.txt":
            return None, f"{text} is listed in ~/.conda/environments.txt but does not exist"
        if cand.source == "extra":
            return None, f"configured environment directory {text} does not exist"
        return None, ""
    has_meta = has_history or os.path.isdir(meta)
    folder = os.path.basename(text)
    if has_meta and _under(text, found.dirs_of("pixi")):
        return Found(text, "pixi", True, False, is_server, folder, "pixi-global", "pixi"), ""
    parent_text = os.path.dirname(text)
    parent_name, holder = os.path.basename(parent_text), os.path.dirname(parent_text)
    if has_meta and parent_name == "envs" and os.path.basename(holder) == ".pixi":
        project = os.path.basename(os.path.dirname(holder))
        name = f"{project}-{folder}"
        return Found(text, "pixi", True, False, is_server, name, project, cand.source, project=project), ""
    if has_history:
        roots, envs_dirs = found.strings()
        is_base = text in roots or os.path.isdir(os.path.join(text, "condabin"))
        named = is_base or parent_text in envs_dirs or _is_root_envs_dir(parent_text)
        name = "base" if is_base else folder
        context = folder if is_base else (os.path.basename(holder) if named else parent_name)
        return Found(text, "conda", named, is_base, is_server, name, context, cand.source), ""
    path = Path(text)
    if os.path.isfile(os.path.join(text, "pyvenv.cfg")):
        kind, name, project = venv_tool(path, found)
        return Found(
            text,
            kind,
            False,
            False,
            is_server,
            name,
            path.parent.name,
            cand.source,
            project=project,
            venv=True,
        ), ""
    interpreter = interpreter_kind(path, cand, found, host)
    if interpreter is not None and (is_server or cand.source in ("pyenv", "uv", "system")):
        return interpreter, ""
    for inside in (path, path / "conda-meta"):
        if inside.is_dir() and not os.access(inside, os.R_OK | os.X_OK):
            return None, f"{inside} is not readable by this user (permission denied), skipped"
    if has_meta:
        return None, f"{path} has conda-meta/ but no conda-meta/history: not a conda environment, skipped"
    if cand.source in ("root", "envs_dirs", "environments.txt", "extra"):
        return None, f"{path} is not an environment (no conda-meta/history, no pyvenv.cfg), skipped"
    return None, ""


def _is_root_envs_dir(folder: str) -> bool:
    """Return whether folder is the `envs/` of a conda installation no variable pointed at."""
    root = os.path.dirname(folder)
    return os.path.basename(folder) == "envs" and (
        os.path.isdir(os.path.join(root, "condabin"))
        or os.path.isfile(os.path.join(root, "conda-meta", "history"))
    )
