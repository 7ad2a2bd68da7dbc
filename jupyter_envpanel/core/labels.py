"""What an environment is, in words: the `{label}` of kernel display names and of the panel."""

from __future__ import annotations

from pathlib import Path

from .model import Environment

#: `{label}` of each kind of environment: nb_conda_kernels' for conda, the truth for the others.
LABELS = {
    "conda": "conda env:{name}",
    "pixi": "pixi: {pixi}",
    "poetry": "poetry: {project}",
    "pipenv": "pipenv: {project}",
    "hatch": "hatch: {name}",
    "uv": "{uv}",
    "virtualenvwrapper": "virtualenvwrapper: {folder}",
    "venv": "venv: {parent}/{folder}",
    "pyenv": "{pyenv}",
    "system": "{interpreter}",
}


def _interpreter(env: Environment) -> str:
    """Name a plain Python installation by what it is: `/usr/bin/python3.12`, `python 3.12 (x)`."""
    if env.executable:
        return env.executable
    prefix = Path(env.prefix)
    major = (env.python_version or "3").split(".")[0]
    if str(prefix) in ("/usr", "/usr/local", "/opt/homebrew"):
        return f"{prefix}/bin/python{major}"
    return f"python {env.python_version} ({prefix.name})" if env.python_version else f"python ({prefix.name})"


def _pixi(env: Environment) -> str:
    """Name a pixi env: `project` (default env), `project:env`, or `global name`."""
    prefix = Path(env.prefix)
    if not env.project:
        return f"global {prefix.name}"
    return env.project if prefix.name == "default" else f"{env.project}:{prefix.name}"


def _uv_python(env: Environment) -> str:
    """Name a uv-managed Python by its version, or by its folder when no version is known."""
    return f"uv python {env.python_version or Path(env.prefix).name}"


def env_label(env: Environment) -> str:
    """Return what an environment is, in words, for display names and the panel."""
    prefix = Path(env.prefix)
    values = {
        "name": env.name,
        "project": env.project or env.name,
        "pixi": _pixi(env),
        "parent": prefix.parent.name,
        "folder": prefix.name,
        "uv": f"uv: {prefix.parent.name}/{prefix.name}" if env.is_venv else _uv_python(env),
        "pyenv": f"pyenv-virtualenv: {prefix.name}" if env.is_venv else f"pyenv {prefix.name}",
        "interpreter": _interpreter(env),
    }
    return LABELS.get(env.kind, "{name}").format(**values).strip()
