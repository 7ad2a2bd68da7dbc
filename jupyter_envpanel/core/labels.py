"""What an environment is, in words: the `{label}` of kernel display names and of the panel."""

from __future__ import annotations

from pathlib import Path

from .model import Environment

#: `{label}` of each kind of environment: nb_conda_kernels' for conda, the truth for the others.
LABELS = {
    "conda": "conda env:{name}",
    "pixi": "pixi: {project}",
    "venv": "venv: {parent}/{folder}",
    "system": "{interpreter}",
}


def _interpreter(env: Environment) -> str:
    """Name a plain Python installation by what it is: `pyenv 3.11.7`, `/usr/bin/python3`, ..."""
    prefix = Path(env.prefix)
    if prefix.parent.name == "versions" and prefix.parent.parent.name.endswith("pyenv"):
        return f"pyenv {prefix.name}"
    major = (env.python_version or "3").split(".")[0]
    if str(prefix) in ("/usr", "/usr/local", "/opt/homebrew"):
        return f"{prefix}/bin/python{major}"
    return f"python {env.python_version} ({prefix.name})" if env.python_version else f"python ({prefix.name})"


def env_label(env: Environment) -> str:
    """Return what an environment is, in words, for display names and the panel."""
    prefix = Path(env.prefix)
    project = prefix.parent.parent.parent.name
    values = {
        "name": env.name,
        "project": project if prefix.name == "default" else f"{project}:{prefix.name}",
        "parent": prefix.parent.name,
        "folder": prefix.name,
        "interpreter": _interpreter(env) if env.kind == "system" else env.name,
    }
    return LABELS.get(env.kind, "{name}").format(**values)
