"""Which reader a definition file needs, by its name (and, for `.txt`, its `@EXPLICIT` first line).

Kinds: "envfile" (environment.yml), "requirements" (a pip requirements file), "manifest"
(pyproject.toml, pixi.toml, Pipfile: what the project asks for, read by `requirements`) and "lock"
(uv.lock, pixi.lock, poetry.lock, Pipfile.lock, conda-lock.yml, an `@EXPLICIT` file: exactly what
was locked, read by this group). It sits here, above both, so `requirements` never imports `locks`.
Readers are imported when a file of their kind is read, never by a listing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ..base.safe_parse import BadToml, parse_toml
from ..base.safe_read import UnreadableFile
from ..requirements.reqfile import read_text

if TYPE_CHECKING:  # kind_of() is all a drift against environment.yml needs from here
    from ..requirements.envfile import EnvFile
    from ..requirements.target import Target
    from .model import Lock

#: Lock files by name: (module, relative to this package; reader).
LOCKS = {
    "uv.lock": (".uv", "read_uv_lock"),
    "pixi.lock": (".pixi", "read_pixi_lock"),
    "poetry.lock": (".poetry", "read_poetry_lock"),
    "Pipfile.lock": (".pipenv", "read_pipfile_lock"),
    "conda-lock.yml": (".condalock", "read_conda_lock"),
}
#: Manifests by name: (module, relative to this package; reader); pyproject.toml with a [tool.pixi]
#: table is pixi's.
MANIFESTS = {
    "pixi.toml": ("..requirements.pixitoml", "read_pixi_manifest"),
    "Pipfile": ("..requirements.pipfile", "read_pipfile"),
    "pyproject.toml": ("..requirements.pyproject", "read_pyproject"),
}
#: The lock files the nearest-definition search looks for after the environment files, in order.
LOCK_NAMES = ("pixi.lock", "uv.lock", "poetry.lock", "Pipfile.lock", "conda-lock.yml")
EXPLICIT = "@EXPLICIT"


def _reader(module: str, name: str) -> Callable[[Path, Target], object]:
    """Return a reader function of `locks` or `requirements`, imported now."""
    found = getattr(importlib.import_module(module, __package__), name)
    return cast("Callable[[Path, Target], object]", found)


def is_explicit(path: Path) -> bool:
    """Return whether a text file is an `@EXPLICIT` spec file (`conda list --explicit`)."""
    for line in read_text(path, "requirements file").splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            return text == EXPLICIT
    return False


def kind_of(path: Path) -> str:
    """Return "lock", "manifest", "requirements" or "envfile" for a definition file."""
    name = path.name
    if name in LOCKS or name.endswith(".conda-lock.yml"):
        return "lock"
    if name in MANIFESTS:
        return "manifest"
    if path.suffix == ".txt":
        return "lock" if is_explicit(path) else "requirements"
    return "envfile"


def read_lock(path: Path, target: Target, prefix: Path | None = None) -> Lock:
    """Read a lock file (kind "lock") for the target (`prefix`: the environment judged, if any)."""
    name = path.name
    if name == "uv.lock":  # what uv leaves alone depends on how the venv was made
        from .uv import read_uv_lock

        return read_uv_lock(path, target, prefix)
    if name.endswith(".conda-lock.yml"):
        name = "conda-lock.yml"
    module, reader = LOCKS.get(name, (".condalock", "read_explicit"))
    return cast("Lock", _reader(module, reader)(path, target))


def is_pixi_pyproject(path: Path) -> bool:
    """Return whether a pyproject.toml has a [tool.pixi] table (a bad file is the PEP 621 reader's to say)."""
    try:
        data = parse_toml(read_text(path, "project file"), path)
    except (BadToml, UnreadableFile, RecursionError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("pixi"), dict)


def read_manifest(path: Path, target: Target) -> EnvFile:
    """Read a manifest (kind "manifest") for the target: what the project asks for."""
    module, reader = MANIFESTS[path.name]
    if path.name == "pyproject.toml" and is_pixi_pyproject(path):
        module, reader = MANIFESTS["pixi.toml"]
    return cast("EnvFile", _reader(module, reader)(path, target))
