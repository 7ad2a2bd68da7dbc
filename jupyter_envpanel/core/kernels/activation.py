"""Activate an environment for a kernel without a conda executable: variables and scripts."""

from __future__ import annotations

import os
from pathlib import Path

from ..base.kernel_json import template_literal
from ..base.model import CONDA_KINDS, Environment

#: Runs the env's activate.d scripts, then replaces itself with the kernel ($0 is the prefix).
ACTIVATE_SCRIPT = 'for f in "$0"/etc/conda/activate.d/*.sh; do [ -r "$f" ] && . "$f"; done; exec "$@"'


def bin_dirs(prefix: str) -> list[str]:
    """Return the directories conda puts first on PATH for a prefix (POSIX or Windows)."""
    if os.name == "nt":  # pragma: no cover - the project is tested on POSIX
        names = ["", "Library/mingw-w64/bin", "Library/usr/bin", "Library/bin", "Scripts", "bin"]
        return [str(Path(prefix) / n) for n in names]
    return [os.path.join(prefix, "bin")]  # strings: once per kernel per table


def activate_scripts(prefix: str) -> list[str]:
    """Return the env's `etc/conda/activate.d/*.sh` scripts in the order conda runs them."""
    folder = os.path.join(prefix, "etc", "conda", "activate.d")
    try:
        with os.scandir(folder) as entries:
            return sorted(e.path for e in entries if _is_script(e.name) and _is_file(e))
    except OSError:
        return []


def _is_script(name: str) -> bool:
    """Return whether a file name has the `.sh` suffix (as `Path.suffix` tells it)."""
    return Path(name).suffix == ".sh"


def _is_file(entry: os.DirEntry[str]) -> bool:
    """Return whether a scandir entry is a regular file (following symlinks), never raising."""
    try:
        return entry.is_file()
    except OSError:
        return False


def activation_env(env: Environment) -> dict[str, str]:
    """Return the variables an activated env has, as kernelspec `env` values.

    jupyter_client expands `$NAME` / `${NAME}` in those values like `string.Template`: `${PATH}`
    is meant to be expanded; every other value is escaped so it reaches the kernel verbatim.
    """
    bins = [template_literal(b) for b in bin_dirs(env.prefix)]
    variables = {"PATH": os.pathsep.join(bins + ["${PATH}"])}
    literal: dict[str, str] = {}
    if env.kind in CONDA_KINDS:
        literal["CONDA_PREFIX"] = env.prefix
        literal["CONDA_DEFAULT_ENV"] = env.name if env.named else env.prefix
        literal["CONDA_PROMPT_MODIFIER"] = f"({literal['CONDA_DEFAULT_ENV']}) "
        literal.update(dict(env.env_vars))
    elif env.is_venv:
        literal["VIRTUAL_ENV"] = env.prefix
    variables.update({key: template_literal(value) for key, value in literal.items()})
    return variables


def wrap_argv(env: Environment, argv: list[str]) -> list[str]:
    """Wrap a kernel command so activate.d scripts run first; unchanged when there are none."""
    if env.kind not in CONDA_KINDS or not activate_scripts(env.prefix):
        return list(argv)
    import shutil  # only for an environment with activate.d scripts

    shell = shutil.which("bash") or "/bin/sh"
    return [shell, "-c", ACTIVATE_SCRIPT, env.prefix, *argv]
