"""Activate an environment for a kernel without a conda executable: variables and scripts."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Dict, List, Tuple

from .model import Environment

#: Runs the env's activate.d scripts, then replaces itself with the kernel ($0 is the prefix).
ACTIVATE_SCRIPT = 'for f in "$0"/etc/conda/activate.d/*.sh; do [ -r "$f" ] && . "$f"; done; exec "$@"'


def bin_dirs(prefix: Path) -> List[str]:
    """Return the directories conda puts first on PATH for a prefix (POSIX or Windows)."""
    if os.name == "nt":  # pragma: no cover - the project is tested on POSIX
        names = ["", "Library/mingw-w64/bin", "Library/usr/bin", "Library/bin", "Scripts", "bin"]
        return [str(prefix / n) for n in names]
    return [str(prefix / "bin")]


def state_env_vars(prefix: Path) -> Tuple[Dict[str, str], List[str]]:
    """Return `conda env config vars` (conda-meta/state `env_vars`) and any warnings."""
    path = prefix / "conda-meta" / "state"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, ValueError) as err:
        return {}, [f"cannot read {path}: {err}"]
    env_vars = data.get("env_vars") if isinstance(data, dict) else None
    if not isinstance(env_vars, dict):
        return {}, []
    return {str(k): str(v) for k, v in env_vars.items()}, []


def activate_scripts(prefix: Path) -> List[Path]:
    """Return the env's `etc/conda/activate.d/*.sh` scripts in the order conda runs them."""
    folder = prefix / "etc" / "conda" / "activate.d"
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".sh" and p.is_file())
    except OSError:
        return []


def activation_env(env: Environment) -> Dict[str, str]:
    """Return the variables an activated env has; `${PATH}` is filled in by jupyter_client."""
    prefix = Path(env.prefix)
    variables = {"PATH": os.pathsep.join(bin_dirs(prefix) + ["${PATH}"])}
    if env.kind == "venv":
        variables["VIRTUAL_ENV"] = env.prefix
    elif env.kind in ("conda", "pixi"):
        variables["CONDA_PREFIX"] = env.prefix
        variables["CONDA_DEFAULT_ENV"] = env.name if env.named else env.prefix
        variables["CONDA_PROMPT_MODIFIER"] = f"({variables['CONDA_DEFAULT_ENV']}) "
        variables.update(state_env_vars(prefix)[0])
    return variables


def wrap_argv(env: Environment, argv: List[str]) -> List[str]:
    """Wrap a kernel command so activate.d scripts run first; unchanged when there are none."""
    if env.kind not in ("conda", "pixi") or not activate_scripts(Path(env.prefix)):
        return list(argv)
    shell = shutil.which("bash") or "/bin/sh"
    return [shell, "-c", ACTIVATE_SCRIPT, env.prefix, *argv]
