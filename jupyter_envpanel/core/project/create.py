"""Commands that create a project's missing environment, for the tools found on this machine.

Tools are found by looking for executables (on `PATH`, through `CONDA_EXE` / `MAMBA_EXE`, in the
discovered installation roots and the usual user folders), never by running them. A tool found
only outside `PATH` is called by its absolute path. Every argument is quoted for a POSIX shell;
a name or path that holds a control character gets no command (core/commands.py), and one that
starts with `-` is passed so that no tool reads it as an option.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.commands import CreateCommand, option, path_arg, unsafe_char
from ..base.host import Host

if TYPE_CHECKING:  # find_tools() (every listing) needs no definition
    from .definition import Definition

CONDA_TOOLS = ("conda", "mamba", "micromamba")
TOOLS = (*CONDA_TOOLS, "pixi", "uv", "poetry", "pipenv", "conda-lock", "python3", "python")
#: Folders under HOME where installers put these tools when they are not on PATH.
USER_BINS = (".pixi/bin", ".local/bin", ".cargo/bin", "micromamba/bin", ".local/share/mamba/bin")


def _executable(path: Path) -> bool:
    """Return whether a path is an executable regular file."""
    return path.is_file() and os.access(path, os.X_OK)


def _places(tool: str, host: Host, roots: Iterable[Path]) -> list[Path]:
    """Return where a tool may live outside PATH, most specific first."""
    places: list[Path] = []
    for var in ("CONDA_EXE", "MAMBA_EXE"):
        value = host.getenv(var)
        if value and Path(value).name == tool:
            places.append(host.expand(value))
    for root in roots:
        places += [root / "condabin" / tool, root / "bin" / tool]
    places += [host.home / rel / tool for rel in USER_BINS]
    return places


def find_tools(host: Host, roots: Sequence[Path]) -> dict[str, str]:
    """Return tool -> how to call it: its bare name when on PATH, else its absolute path."""
    path_dirs = [Path(p) for p in (host.getenv("PATH") or "").split(os.pathsep) if p]
    found: dict[str, str] = {}
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


#: Why no create command is offered, by the tool the project needs.
NEEDED = {
    "conda": "no conda, mamba or micromamba was found on this machine to create it"
    " (https://conda-forge.org/download/)",
    "pixi": "pixi was not found on this machine to create it (https://pixi.sh)",
}
Created = tuple[tuple[CreateCommand, ...], str, str]


def create_commands(definition: Definition, tools: dict[str, str], base: Path) -> Created:
    """Return the commands that create the definition's environment (run from base), a hint, the tool needed.

    With no command, the hint says why: the tool the project needs is missing (its name is the third
    value), or a path or name in the definition holds a control character.
    """
    texts = [str(definition.file), definition.name, str(definition.prefix or "")]
    bad = next((unsafe_char(t) for t in texts if unsafe_char(t)), None)
    if bad is not None:
        return (), f"the project's path or environment name holds a control character ({bad}); no command", ""
    if definition.tool == "conda":
        return _conda(definition, tools, base)
    if definition.tool == "pixi":
        exe = tools.get("pixi")
        if not exe:
            return (), NEEDED["pixi"], "pixi"
        step: tuple[str, ...] = (exe, "install")
        if definition.folder != base:
            step += option("--manifest-path", path_arg(_rel(definition.file, base)))
        return (CreateCommand("pixi", (step,)),), "", ""
    return _venv(definition, tools, base), "", ""


def _conda(definition: Definition, tools: dict[str, str], base: Path) -> Created:
    """Return `conda|mamba env create -f FILE` and `micromamba create -f FILE` for the tools found."""
    file = path_arg(_rel(definition.file, base))
    target: tuple[str, ...] = ()
    if definition.prefix is not None:
        target = option("-p", str(definition.prefix), "--prefix")
    elif not definition.named_in_file:
        target = option("-n", definition.name, "--name")
    out = []
    for tool in CONDA_TOOLS:
        exe = tools.get(tool)
        if exe:
            verb: tuple[str, ...] = ("create",) if tool == "micromamba" else ("env", "create")
            out.append(CreateCommand(tool, ((exe, *verb, "-f", file, *target),)))
    if not out:
        return (), NEEDED["conda"], "conda"
    return tuple(out), "", ""


def _venv(definition: Definition, tools: dict[str, str], base: Path) -> tuple[CreateCommand, ...]:
    """Return `uv sync` (or `uv venv` + `uv pip install`) and `python -m venv` + `pip install`."""
    venv = path_arg(_rel(definition.prefix or definition.folder / ".venv", base))
    folder = path_arg(_rel(definition.folder, base))
    reqs: str | None = path_arg(_rel(definition.requirements, base)) if definition.requirements else None
    install: tuple[tuple[str, ...], ...] = ()
    if definition.editable:
        install = (("install", "-e", folder),)
    elif reqs:
        install = (("install", "-r", reqs),)
    out: list[CreateCommand] = []
    uv = tools.get("uv")
    if uv and definition.editable:
        step: tuple[str, ...] = (uv, "sync")
        out.append(CreateCommand("uv", (step + (option("--directory", folder) if folder != "." else ()),)))
    elif uv:
        pip_steps = ((uv, "pip", args[0], *option("--python", venv), *args[1:]) for args in install)
        out.append(CreateCommand("uv", ((uv, "venv", venv), *pip_steps)))
    python = tools.get("python3") or tools.get("python") or "python3"
    pip = os.path.join(venv, "bin", "pip")
    out.append(CreateCommand("venv", ((python, "-m", "venv", venv), *((pip, *args) for args in install))))
    return tuple(out)
