"""What an environment is, in words: the `{label}` of kernel display names and of the panel."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from string import Formatter

from ..base.model import Discovered

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


def _folder(prefix: str) -> str:
    """Return a prefix's folder name (strings: labels are made for every env of every listing)."""
    return os.path.basename(prefix)


def _parent(prefix: str) -> str:
    """Return the name of the folder holding a prefix."""
    return os.path.basename(os.path.dirname(prefix))


def _interpreter(env: Discovered) -> str:
    """Name a plain Python installation by what it is: `/usr/bin/python3.12`, `python 3.12 (x)`."""
    if env.executable:
        return env.executable
    prefix = env.prefix
    major = (env.python_version or "3").split(".")[0]
    if prefix in ("/usr", "/usr/local", "/opt/homebrew"):
        return f"{prefix}/bin/python{major}"
    folder = _folder(prefix)
    return f"python {env.python_version} ({folder})" if env.python_version else f"python ({folder})"


def _pixi(env: Discovered) -> str:
    """Name a pixi env: `project` (default env), `project:env`, or `global name`."""
    folder = _folder(env.prefix)
    if not env.project:
        return f"global {folder}"
    return env.project if folder == "default" else f"{env.project}:{folder}"


def _uv_python(env: Discovered) -> str:
    """Name a uv-managed Python by its version, or by its folder when no version is known."""
    return f"uv python {env.python_version or _folder(env.prefix)}"


#: What each `{field}` of LABELS is, made only when the kind's label uses it.
FIELDS: dict[str, Callable[[Discovered], str]] = {
    "name": lambda env: env.name,
    "project": lambda env: env.project or env.name,
    "pixi": _pixi,
    "parent": lambda env: _parent(env.prefix),
    "folder": lambda env: _folder(env.prefix),
    "uv": lambda env: f"uv: {_parent(env.prefix)}/{_folder(env.prefix)}" if env.is_venv else _uv_python(env),
    "pyenv": lambda env: (
        f"pyenv-virtualenv: {_folder(env.prefix)}" if env.is_venv else f"pyenv {_folder(env.prefix)}"
    ),
    "interpreter": _interpreter,
}


def env_label(env: Discovered) -> str:
    """Return what an environment is, in words, for display names and the panel."""
    template = LABELS.get(env.kind, "{name}")
    values = {field: FIELDS[field](env) for field in _fields(template)}
    return template.format(**values).strip()


@cache
def _fields(template: str) -> tuple[str, ...]:
    """Return the `{field}` names a label template uses."""
    return tuple(field for _, field, _, _ in Formatter().parse(template) if field)
