"""Commands that create a project's missing environment, for the tools found on this machine.

Tools are found by looking for executables (on `PATH`, through `CONDA_EXE` / `MAMBA_EXE`, in the
discovered installation roots and the usual user folders), never by running them. A tool found
only outside `PATH` is called by its absolute path. Every argument is quoted for a POSIX shell.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from .host import Host
from .project import CreateCommand, Definition

CONDA_TOOLS = ("conda", "mamba", "micromamba")
TOOLS = (*CONDA_TOOLS, "pixi", "uv", "python3", "python")
#: Folders under HOME where installers put these tools when they are not on PATH.
USER_BINS = (".pixi/bin", ".local/bin", ".cargo/bin", "micromamba/bin", ".local/share/mamba/bin")


def _executable(path: Path) -> bool:
    """Return whether a path is an executable regular file."""
    return path.is_file() and os.access(path, os.X_OK)


def _places(tool: str, host: Host, roots: Iterable[Path]) -> List[Path]:
    """Return where a tool may live outside PATH, most specific first."""
    places: List[Path] = []
    for var in ("CONDA_EXE", "MAMBA_EXE"):
        value = host.getenv(var)
        if value and Path(value).name == tool:
            places.append(host.expand(value))
    for root in roots:
        places += [root / "condabin" / tool, root / "bin" / tool]
    places += [host.home / rel / tool for rel in USER_BINS]
    return places


def find_tools(host: Host, roots: Sequence[Path]) -> Dict[str, str]:
    """Return tool -> how to call it: its bare name when on PATH, else its absolute path."""
    path_dirs = [Path(p) for p in (host.getenv("PATH") or "").split(os.pathsep) if p]
    found: Dict[str, str] = {}
    for tool in TOOLS:
        if any(_executable(d / tool) for d in path_dirs):
            found[tool] = tool
            continue
        if tool.startswith("python"):
            continue
        for place in _places(tool, host, roots):
            if _executable(place):
                found[tool] = str(place)
                break
    return found


def _rel(path: Path, base: Path) -> str:
    """Return path relative to base (where the command runs), or absolute when that is clearer."""
    try:
        rel = os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith(".." + os.sep + "..") else rel


def create_commands(
    definition: Definition, tools: Dict[str, str], base: Path
) -> Tuple[Tuple[CreateCommand, ...], str]:
    """Return the commands that create the definition's environment, run from base, and a hint."""
    if definition.tool == "conda":
        return _conda(definition, tools, base)
    if definition.tool == "pixi":
        exe = tools.get("pixi")
        if not exe:
            return (), "pixi is not installed on this machine (https://pixi.sh)"
        step: Tuple[str, ...] = (exe, "install")
        if definition.folder != base:
            step += ("--manifest-path", _rel(definition.file, base))
        return (CreateCommand("pixi", (step,)),), ""
    return _venv(definition, tools, base), ""


def _conda(
    definition: Definition, tools: Dict[str, str], base: Path
) -> Tuple[Tuple[CreateCommand, ...], str]:
    """Return `conda|mamba env create -f FILE` and `micromamba create -f FILE` for the tools found."""
    file = _rel(definition.file, base)
    target: Tuple[str, ...] = ()
    if definition.prefix is not None:
        target = ("-p", str(definition.prefix))
    elif not definition.named_in_file:
        target = ("-n", definition.name)
    out = []
    for tool in CONDA_TOOLS:
        exe = tools.get(tool)
        if exe:
            verb: Tuple[str, ...] = ("create",) if tool == "micromamba" else ("env", "create")
            out.append(CreateCommand(tool, ((exe, *verb, "-f", file, *target),)))
    hint = (
        ""
        if out
        else "no conda, mamba or micromamba found on this machine (https://conda-forge.org/download/)"
    )
    return tuple(out), hint


def _venv(definition: Definition, tools: Dict[str, str], base: Path) -> Tuple[CreateCommand, ...]:
    """Return `uv sync` (or `uv venv` + `uv pip install`) and `python -m venv` + `pip install`."""
    venv = _rel(definition.prefix or definition.folder / ".venv", base)
    folder = _rel(definition.folder, base)
    reqs: Optional[str] = _rel(definition.requirements, base) if definition.requirements else None
    install: Tuple[Tuple[str, ...], ...] = ()
    if definition.editable:
        install = (("install", "-e", folder),)
    elif reqs:
        install = (("install", "-r", reqs),)
    out: List[CreateCommand] = []
    uv = tools.get("uv")
    if uv and definition.editable:
        step: Tuple[str, ...] = (uv, "sync")
        out.append(CreateCommand("uv", (step + (("--directory", folder) if folder != "." else ()),)))
    elif uv:
        pip_steps = ((uv, "pip", args[0], "--python", venv, *args[1:]) for args in install)
        out.append(CreateCommand("uv", ((uv, "venv", venv), *pip_steps)))
    python = tools.get("python3") or tools.get("python") or "python3"
    pip = os.path.join(venv, "bin", "pip")
    out.append(CreateCommand("venv", ((python, "-m", "venv", venv), *((pip, *args) for args in install))))
    return tuple(out)
