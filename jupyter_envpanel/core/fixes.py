"""The commands that bring an environment in line with its file: shown and copied, never run.

Each command is for the tool that owns the environment (conda / mamba / micromamba for conda
envs, pixi for pixi envs, the env's own pip, or `uv pip` for uv venvs), takes the environment
by its prefix, and is quoted for a POSIX shell (`shlex.quote`), so a prefix with spaces,
quotes or `$` reaches the tool verbatim.
"""

from __future__ import annotations

import functools
import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

from .model import CONDA_KINDS, Environment

#: Statuses a command can fix.
FIXABLE = ("missing", "mismatch")


@dataclass(frozen=True)
class FixCommand:
    """One command: the tool, its argv, the shell line, and the entries it fixes."""

    tool: str
    argv: Tuple[str, ...]
    entries: Tuple[str, ...]

    @property
    def command(self) -> str:
        """Return the command as one line for a POSIX shell."""
        return shlex.join(self.argv)

    def to_json(self) -> dict:
        """Return the fix object of the REST API."""
        entries = list(self.entries)
        return {"tool": self.tool, "argv": list(self.argv), "command": self.command, "entries": entries}


def conda_tool(prefix: Path) -> str:
    """Return the tool that manages a conda prefix: `mamba`, `conda` or `micromamba`."""
    return _root_tool(str(prefix.parent.parent if prefix.parent.name == "envs" else prefix))


@functools.lru_cache(maxsize=64)
def _root_tool(root: str) -> str:
    """Return the tool an installation root was made by (a few stats, once per root)."""
    for name in ("mamba", "conda"):
        for folder in ("condabin", "bin"):
            if os.path.isfile(os.path.join(root, folder, name)):
                return name
    has_base = os.path.isfile(os.path.join(root, "conda-meta", "history"))
    if os.path.isdir(os.path.join(root, "pkgs")) and not has_base:
        return "micromamba"  # a micromamba root prefix holds envs/ and pkgs/, no base env
    return "conda"


def python_of(env: Environment) -> str:
    """Return the interpreter of an environment (its own, never the server's)."""
    return env.executable or str(Path(env.prefix) / ("python.exe" if os.name == "nt" else "bin/python"))


def pixi_manifest(env: Environment) -> Path:
    """Return the manifest of a pixi project env (`<project>/.pixi/envs/<env>`)."""
    project = Path(env.prefix).parent.parent.parent
    pixi_toml = project / "pixi.toml"
    return pixi_toml if pixi_toml.is_file() else project / "pyproject.toml"


def conda_install(env: Environment, specs: Sequence[str], channels: Iterable[str] = ()) -> FixCommand:
    """Return the install command for conda specs, by the tool that owns the env."""
    if env.kind == "pixi":
        if env.project:  # a project's env (discovery tells it from pixi's global envs)
            argv = ["pixi", "add", "--manifest-path", str(pixi_manifest(env)), *specs]
            return FixCommand("pixi", tuple(argv), tuple(specs))
        return FixCommand("pixi", ("pixi", "global", "add", "--environment", env.name, *specs), tuple(specs))
    tool = conda_tool(Path(env.prefix))
    argv = [tool, "install", "--prefix", env.prefix]
    for channel in channels:
        argv += ["-c", channel]
    return FixCommand(tool, tuple(argv + list(specs)), tuple(specs))


def pip_install(env: Environment, specs: Sequence[str]) -> FixCommand:
    """Return the install command for pip requirements, by the env's own installer."""
    if env.kind == "pixi" and env.project:
        argv = ["pixi", "add", "--pypi", "--manifest-path", str(pixi_manifest(env)), *specs]
        return FixCommand("pixi", tuple(argv), tuple(specs))
    if env.kind == "uv":
        argv = ["uv", "pip", "install", "--python", python_of(env), *specs]
        return FixCommand("uv", tuple(argv), tuple(specs))
    return FixCommand("pip", (python_of(env), "-m", "pip", "install", *specs), tuple(specs))


def fix_commands(
    env: Environment, requirements: Iterable, channels: Sequence[str] = ()
) -> Tuple[FixCommand, ...]:
    """Return the commands for every missing or mismatched entry: conda entries, then pip ones."""
    conda: List[str] = []
    pip: List[str] = []
    for item in requirements:
        if item.status in FIXABLE:
            (pip if item.source == "pip" else conda).append(item.spec)
    commands = []
    if conda:
        if env.kind in CONDA_KINDS:
            commands.append(conda_install(env, conda, channels))
        else:  # a conda entry for a venv: pip is what can install into it
            commands.append(pip_install(env, [s.split("::")[-1].replace(" ", "") for s in conda]))
    if pip:
        commands.append(pip_install(env, pip))
    return tuple(commands)


def install_hint(env: Environment) -> str:
    """Return the command that gives an environment a Python kernel (installs ipykernel in it)."""
    if env.kind in CONDA_KINDS:
        return conda_install(env, ["ipykernel"]).command
    return pip_install(env, ["ipykernel"]).command
