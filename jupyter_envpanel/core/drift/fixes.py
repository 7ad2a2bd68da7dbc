"""The commands that bring an environment in line with its file: shown and copied, never run.

Each command is for the tool that owns the environment (conda / mamba / micromamba for conda
envs, pixi for pixi envs, the env's own pip, or `uv pip` for uv venvs), takes the environment
by its prefix, and is quoted for a POSIX shell. A command is offered only for a tool this machine
has (on PATH, else by its absolute path); otherwise, and for text no command may hold (control
characters, see core/commands.py), the entries get a `Note` that says why and what is needed.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.commands import FixCommand, Note, option, unsafe_char
from ..base.model import CONDA_KINDS, Discovered

if TYPE_CHECKING:  # the report's chain (packaging, yaml) is not imported by a listing's install hints
    from .report import RequirementStatus

#: Statuses a command can fix.
FIXABLE = ("missing", "mismatch")
CONDA_TOOLS = ("conda", "mamba", "micromamba")
#: What to say when a tool is needed and this machine has none.
NEEDED = {
    "conda": "conda, mamba or micromamba is needed to install these, and none was found on this machine"
    " (https://conda-forge.org/download/)",
    "pixi": "pixi is needed to install these, and it was not found on this machine (https://pixi.sh)",
    "uv": "uv made this environment and has no pip in it; uv was not found on this machine"
    " (https://docs.astral.sh/uv/)",
    "pip": "pip is not installed in this environment (install it with `python -m ensurepip` in it)",
}
Fixes = tuple[tuple[FixCommand, ...], tuple[Note, ...]]


def root_of_prefix(prefix: Path) -> Path:
    """Return the installation root a conda prefix belongs to (`<root>/envs/NAME` or the root)."""
    return prefix.parent.parent if prefix.parent.name == "envs" else prefix


def conda_tool(prefix: Path) -> str:
    """Return the tool that manages a conda prefix: `mamba`, `conda` or `micromamba`."""
    return _root_tool(str(root_of_prefix(prefix)))[0]


@functools.lru_cache(maxsize=64)
def _root_tool(root: str) -> tuple[str, str]:
    """Return the tool an installation root was made by and its executable there, if it has one."""
    for name in ("mamba", "conda"):
        for folder in ("condabin", "bin"):
            path = os.path.join(root, folder, name)
            if os.path.isfile(path):
                return name, path
    has_base = os.path.isfile(os.path.join(root, "conda-meta", "history"))
    if os.path.isdir(os.path.join(root, "pkgs")) and not has_base:
        return "micromamba", ""  # a micromamba root prefix holds envs/ and pkgs/, no base env
    return "conda", ""


def conda_executable(prefix: str | Path, tools: Mapping[str, str]) -> tuple[str, str] | None:
    """Return (tool, how to call it) for a conda prefix: its root's own tool first, else any found."""
    text = os.fspath(prefix)  # strings: a listing asks this for every conda env without a kernel
    parent = os.path.dirname(text)
    tool, own = _root_tool(os.path.dirname(parent) if os.path.basename(parent) == "envs" else text)
    if tool in tools:
        return tool, tools[tool]
    if own and os.access(own, os.X_OK):
        return tool, own
    return next(((t, tools[t]) for t in CONDA_TOOLS if t in tools), None)


def python_of(env: Discovered) -> str:
    """Return the interpreter of an environment (its own, never the server's)."""
    return env.executable or os.path.join(env.prefix, "python.exe" if os.name == "nt" else "bin/python")


def pixi_manifest(env: Discovered) -> Path:
    """Return the manifest of a pixi project env (`<project>/.pixi/envs/<env>`)."""
    project = Path(env.prefix).parent.parent.parent
    pixi_toml = project / "pixi.toml"
    return pixi_toml if pixi_toml.is_file() else project / "pyproject.toml"


def _needed(tool: str, specs: Sequence[str]) -> Note:
    """Return the note for entries whose tool this machine lacks."""
    return Note(tuple(specs), NEEDED[tool], tool)


def conda_install(
    env: Discovered, specs: Sequence[str], tools: Mapping[str, str], channels: Iterable[str] = ()
) -> FixCommand | Note:
    """Return the install command for conda specs by the tool that owns the env, or why there is none."""
    specs = tuple(specs)
    if env.kind == "pixi":
        if "pixi" not in tools:
            return _needed("pixi", specs)
        pixi = tools["pixi"]
        if env.project:  # a project's env (discovery tells it from pixi's global envs)
            argv = (pixi, "add", *option("--manifest-path", str(pixi_manifest(env))), *specs)
            return FixCommand("pixi", argv, specs)
        return FixCommand("pixi", (pixi, "global", "add", *option("--environment", env.name), *specs), specs)
    found = conda_executable(env.prefix, tools)
    if found is None:
        return _needed("conda", specs)
    tool, exe = found
    install: list[str] = [exe, "install", *option("--prefix", env.prefix)]
    for channel in channels:
        install += option("-c", channel, "--channel")
    return FixCommand(tool, (*install, *specs), specs)


def pip_install(
    env: Discovered, specs: Sequence[str], tools: Mapping[str, str], has_pip: bool = True
) -> FixCommand | Note:
    """Return the install command for pip requirements by the env's own installer, or why there is none."""
    specs = tuple(specs)
    if env.kind == "pixi" and env.project:
        if "pixi" not in tools:
            return _needed("pixi", specs)
        argv = (tools["pixi"], "add", "--pypi", *option("--manifest-path", str(pixi_manifest(env))), *specs)
        return FixCommand("pixi", argv, specs)
    if "uv" in tools and (env.kind == "uv" or not has_pip):
        argv = (tools["uv"], "pip", "install", *option("--python", python_of(env)), *specs)
        return FixCommand("uv", argv, specs)
    if not has_pip:
        return _needed("uv" if env.kind == "uv" else "pip", specs)
    return FixCommand("pip", (python_of(env), "-m", "pip", "install", *specs), specs)


def command_spec(spec: str, source: str) -> str:
    """Return an entry as a tool takes it: a conda entry without its `# comment` and ` if ` condition."""
    if source == "pip":
        return spec.strip()
    return spec.split("#", 1)[0].split(" if ", 1)[0].strip()


def fix_commands(
    env: Discovered,
    requirements: Iterable[RequirementStatus],
    tools: Mapping[str, str],
    channels: Sequence[str] = (),
    has_pip: bool = True,
) -> Fixes:
    """Return the commands for every missing or mismatched entry (conda, then pip) and the notes."""
    conda: list[str] = []
    pip: list[str] = []
    unsafe: list[str] = []
    for item in requirements:
        if item.status not in FIXABLE:
            continue
        spec = command_spec(item.spec, item.source)
        if unsafe_char(item.spec) is not None or spec.startswith("-"):
            unsafe.append(item.spec)
        else:
            (pip if item.source == "pip" else conda).append(spec)
    notes: list[Note] = []
    if unsafe:
        reason = "these entries hold control characters (or start with `-`); no command is offered for them"
        notes.append(Note(tuple(unsafe), reason))
    where = unsafe_char(env.prefix) or unsafe_char(python_of(env))
    if where is not None and (conda or pip):
        reason = f"the environment's path holds a control character ({where}); no command is offered for it"
        return (), (*notes, Note(tuple(conda + pip), reason))
    bad_channel = next((unsafe_char(c) for c in channels if unsafe_char(c)), None)
    # a conda env without pip gets pip from its conda tool first, so that the pip command can run
    needs_pip = (
        bool(pip) and not has_pip and env.kind in CONDA_KINDS and not (env.kind == "pixi" and env.project)
    )
    # a venv that carries conda records (the demo's): its own pip installs into it, never conda
    hybrid = env.kind in CONDA_KINDS and has_pip and os.path.isfile(os.path.join(env.prefix, "pyvenv.cfg"))
    results: list[FixCommand | Note] = []
    as_pip: list[str] = []
    if conda and bad_channel is not None:
        reason = f"the file's channels hold a control character ({bad_channel}); no command is offered"
        results.append(Note(tuple(conda), reason))
    elif env.kind in CONDA_KINDS and not hybrid and (conda or needs_pip):
        found = conda_install(env, [*conda, *(["pip"] if needs_pip else [])], tools, channels)
        if isinstance(found, FixCommand):
            results.append(FixCommand(found.tool, found.argv, tuple(conda)))
            has_pip = True if needs_pip else has_pip
        elif conda:
            results.append(Note(tuple(conda), found.reason, found.needs))
    elif conda:  # a conda entry for a venv: pip is what can install into it, in the one pip command
        as_pip = _as_pip(conda)
    if as_pip or pip:
        results.append(pip_install(env, [*as_pip, *pip], tools, has_pip))
    commands = tuple(r for r in results if isinstance(r, FixCommand))
    return commands, (*notes, *(r for r in results if isinstance(r, Note)))


def _as_pip(specs: Sequence[str]) -> list[str]:
    """Return conda entries as pip takes them: no `channel::`, no spaces (`numpy >=1.26` -> `numpy>=1.26`)."""
    return [s.split("::")[-1].replace(" ", "") for s in specs]


def install_hint(env: Discovered, tools: Mapping[str, str]) -> str:
    """Return the command that gives an environment a Python kernel (installs ipykernel), or ""."""
    if unsafe_char(env.prefix) or unsafe_char(python_of(env)):
        return ""
    if env.kind in CONDA_KINDS:
        found = conda_install(env, ["ipykernel"], tools)
    else:
        found = pip_install(env, ["ipykernel"], tools)
    return found.command if isinstance(found, FixCommand) else ""
