"""Pipfile, read as pipenv reads it: its `[packages]` become requirements as pipenv writes pip lines."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.markers import default_environment as _marker_names

from ..base.distname import canonical_name
from ..base.errors import EnvFileError
from .envfile import EnvFile
from .reqfile import Requirement
from .specs import PipSpec, parse_pip
from .target import Target
from .tomlfile import read_toml
from .tomlplaces import table_key_places

_OPERATOR = re.compile(r"^(===|==|~=|!=|<=|>=|<|>)")
#: The version control systems a Pipfile or Pipfile.lock entry can name (pipenv's VCS_LIST).
VCS = ("git", "svn", "hg", "bzr")


def _pip_line(name: str, value: Any) -> tuple[str, str]:
    """Return (pip line, skip reason) of a Pipfile entry, as pipenv writes it for pip."""
    if isinstance(value, str):
        if value == "*":
            return name, ""
        return (f"{name}{value}" if _OPERATOR.match(value) else f"{name}=={value}"), ""
    if not isinstance(value, dict):
        raise ValueError(f"must be a version string or a table, got {type(value).__name__}")
    vcs = next((key for key in VCS if key in value), None)
    if vcs or "path" in value or "file" in value:
        where = value.get(vcs) if vcs else value.get("path", value.get("file"))
        kind = (
            "editable install"
            if value.get("editable")
            else f"{vcs} checkout"
            if vcs
            else "path or URL install"
        )
        return name, f"{kind} ({where}) cannot be checked offline"
    extras = value.get("extras", [])
    if not isinstance(extras, list) or not all(isinstance(e, str) for e in extras):
        raise ValueError("extras must be a list of strings")
    version = value.get("version", "*")
    if not isinstance(version, str):
        raise ValueError(f"version must be a string, got {type(version).__name__}")
    line = name + (f"[{','.join(extras)}]" if extras else "")
    if version and version != "*":
        line += version if _OPERATOR.match(version) else f"=={version}"
    markers = _markers(value)
    return (f"{line}; {markers}" if markers else line), ""


def _markers(value: dict[str, Any]) -> str:
    """Return an entry's markers as pipenv joins them (`markers` and keys named for marker variables)."""
    found: set[str] = set()
    raw = value.get("markers")
    if raw is not None and not isinstance(raw, str):
        raise ValueError(f"markers must be a string, got {type(raw).__name__}")
    if raw and "extra" not in raw:
        found.add(str(Marker(raw)))
    for key in sorted(set(value) & set(_marker_names())):
        if key != "os_name":  # pipenv drops an `os_name = ...` key (pipenv's translate_markers)
            found.add(str(Marker(f"{key} {value[key]}")))
    return " and ".join(sorted(found))


def read_pipfile(path: Path, target: Target) -> EnvFile:
    """Read a Pipfile's `[packages]` (what `pipenv install` installs by default) as requirements."""
    text, data = read_toml(path, "Pipfile")
    packages = data.get("packages", {})
    if not isinstance(packages, dict):
        raise EnvFileError(path, f"[packages] must be a table, got {type(packages).__name__}")
    places = table_key_places(text, ("packages",))
    requirements: list[Requirement] = []
    for name, value in packages.items():
        line, column = places.get(name, (1, 1))
        try:
            raw, skip = _pip_line(name, value)
            spec = PipSpec(raw, canonical_name(name), None, skip) if skip else parse_pip(raw)
        except (ValueError, InvalidMarker) as err:
            raise EnvFileError(path, f"{name}: {err}", line, column) from None
        requirements.append(Requirement(spec, "pip", str(path), line, column))
    return EnvFile(str(path), None, (), tuple(requirements))
