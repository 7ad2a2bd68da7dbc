"""The commands that make an environment exactly its lock file again: the lock's own tool, never run.

`uv sync`, `pixi install`, `poetry sync`, `pipenv sync`, `conda-lock install`, or conda's
`install --file` for an `@EXPLICIT` file. uv, pixi and poetry install into the project's own
environment: when the environment compared is another one, a note says so instead of a command
that would change a different environment. The lock's folder is given as the command should name
it (relative to where the command runs); a path that starts with `-` is passed as `./-name`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..base.commands import FixCommand, Note, option, path_arg, unsafe_char
from ..base.model import Discovered
from ..locks.model import Lock
from .fixes import Fixes, conda_executable

#: What to say when the lock's tool is not on this machine.
NEEDED = {
    "uv": "uv is needed to sync with uv.lock, and it was not found on this machine (https://docs.astral.sh/uv/)",
    "pixi": "pixi is needed to install from pixi.lock, and it was not found on this machine (https://pixi.sh)",
    "poetry": "poetry is needed to sync with poetry.lock, and it was not found on this machine"
    " (https://python-poetry.org)",
    "pipenv": "pipenv is needed to sync with Pipfile.lock, and it was not found on this machine (https://pipenv.pypa.io)",
    "conda-lock": "conda-lock is needed to install conda-lock.yml, and it was not found on this machine"
    " (https://conda.github.io/conda-lock/)",
    "conda": "conda, mamba or micromamba is needed to install this @EXPLICIT file, and none was found"
    " on this machine",
}


def _same(a: str | Path, b: str | Path) -> bool:
    """Return whether two paths name the same folder (after symlinks)."""
    return os.path.realpath(a) == os.path.realpath(b)


def _elsewhere(tool: str, place: str, entries: tuple[str, ...]) -> Note:
    """Return the note for a lock whose tool would install into another environment."""
    return Note(entries, f"`{tool}` installs into {place}, not into this environment; no command is offered")


def lock_fixes(
    env: Discovered, lock: Lock, folder: str, tools: Mapping[str, str], entries: Iterable[str]
) -> Fixes:
    """Return the command that brings env back to its lock (`folder`: the lock's, as commands name it)."""
    drifted = tuple(entries)
    if not drifted and not lock.stale:
        return (), ()
    where = next((unsafe_char(t) for t in (env.prefix, folder, lock.path) if unsafe_char(t)), None)
    if where is not None:
        return (), (Note(drifted, f"a path holds a control character ({where}); no command is offered"),)
    tool = "conda" if lock.tool == "explicit" else lock.tool
    exe = tools.get(tool, "")
    if tool == "conda":
        found = conda_executable(env.prefix, tools)
        tool, exe = found if found is not None else ("conda", "")
    if not exe:
        need = "conda" if lock.tool == "explicit" else lock.tool
        return (), (Note(drifted, NEEDED[need], need),)
    lock_dir = Path(lock.path).parent
    at = path_arg(folder or ".")
    file = path_arg(os.path.join(folder, Path(lock.path).name) if folder else Path(lock.path).name)
    if lock.tool == "uv":
        if not _same(env.prefix, lock_dir / ".venv"):
            return (), (_elsewhere("uv sync", "the project's .venv", drifted),)
        return (FixCommand("uv", (exe, "sync", *option("--project", at)), drifted),), ()
    if lock.tool == "pixi":
        name = lock.environment or "default"
        if not _same(env.prefix, lock_dir / ".pixi" / "envs" / name):
            return (), (_elsewhere("pixi install", f"the project's .pixi/envs/{name}", drifted),)
        manifest = "pixi.toml" if (lock_dir / "pixi.toml").is_file() else "pyproject.toml"
        argv = (exe, "install", *option("--manifest-path", path_arg(os.path.join(folder, manifest))))
        argv += option("--environment", name) if name != "default" else ()
        return (FixCommand("pixi", argv, drifted),), ()
    if lock.tool == "poetry":
        steps = [(exe, "lock", *option("--directory", at))] if lock.stale else []
        steps.append((exe, "sync", *option("--directory", at)))
        return tuple(FixCommand("poetry", s, drifted) for s in steps), ()
    if lock.tool == "pipenv":  # sync installs the lock; clean removes what it does not hold
        pipfile = path_arg(os.path.join(folder, "Pipfile") if folder else "Pipfile")
        at_pipfile = ("env", f"PIPENV_PIPFILE={pipfile}", exe)
        steps = [(*at_pipfile, "lock")] if lock.stale else []
        steps += [(*at_pipfile, "sync"), (*at_pipfile, "clean")]
        return tuple(FixCommand("pipenv", s, drifted) for s in steps), ()
    if lock.tool == "conda-lock":
        argv = (exe, "install", *option("--prefix", env.prefix), file)
        return (FixCommand("conda-lock", argv, drifted),), ()
    argv = (exe, "install", *option("--prefix", env.prefix), *option("--file", file))
    return (FixCommand(tool, argv, drifted),), ()
