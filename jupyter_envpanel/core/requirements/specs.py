"""Spec semantics: conda entries (core/condaspec.py) and PEP 440 for `pip:` entries (packaging)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..base.distname import canonical_name
from ..base.errors import excerpt
from ..conda.spec import CondaSpec, check_conda, parse_conda

if TYPE_CHECKING:  # packaging is imported when a pip entry is read: conda-only files never pay for it
    from packaging.requirements import Requirement

__all__ = ["CondaSpec", "PipSpec", "check_conda", "check_pip", "parse_conda", "parse_pip"]

Verdict = tuple[str, str]  # (status, reason)

_URLISH = re.compile(r"^(\w+\+)?(https?|file|ftp|git|hg|svn|bzr|ssh)://|^\.{0,2}/|^\.$|^~")
#: File names pip installs from as archives (pip's own list).
ARCHIVES = (
    ".whl",
    ".zip",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.bz2",
    ".tbz",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
)
_OPTION_REASONS = {
    "-e": "editable install (-e) cannot be checked offline",
    "--editable": "editable install (-e) cannot be checked offline",
    "-c": "constraints file (-c) constrains, it does not require",
    "--constraint": "constraints file (-c) constrains, it does not require",
}


def _first_line(err: Exception) -> str:
    """Return the first line of an error message (parsers add multi-line pointers)."""
    text = str(err).strip()
    line = text.splitlines()[0] if text else type(err).__name__
    return line if len(line) <= 120 else line[:120] + "…"


@dataclass(frozen=True)
class PipSpec:
    """A parsed pip entry; `skip` says why it cannot be checked offline, if so."""

    raw: str
    name: str | None
    requirement: Requirement | None
    skip: str | None = None


#: Options pip takes after a requirement on its line (`--hash`, `--config-settings`, ...).
_PER_REQUIREMENT_OPTIONS = re.compile(r"\s+--[a-z][a-z-]*(?=[=\s]|$)")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def looks_like_path(text: str) -> bool:
    """Return whether pip takes a line that is no PEP 508 requirement for a path (`sub/pkg`, `..`)."""
    head = text.split(";", 1)[0].split("[", 1)[0].strip()
    rest = _DRIVE.sub("", head)
    pathish = "/" in head or "\\" in head or head.startswith(".")
    return pathish and ":" not in rest and not any(c.isspace() for c in head)


def parse_pip(raw: str) -> PipSpec:
    """Parse a pip requirement line; option, editable and URL lines become skips."""
    text = raw.strip()
    if not text:
        raise ValueError("empty requirement")
    if text.startswith("-"):
        option = text.split(None, 1)[0].split("=", 1)[0]
        reason = _OPTION_REASONS.get(option, f"pip option line ({option}), not a requirement")
        return PipSpec(text, None, None, reason)
    if _URLISH.match(text):
        return PipSpec(text, None, None, "URL or local path requirement cannot be checked offline")
    requirement = _PER_REQUIREMENT_OPTIONS.split(text, 1)[0]  # `pkg==1 --hash=sha256:...`: pip's options
    archive = requirement.split(";", 1)[0].strip().lower().endswith(ARCHIVES)
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(requirement)
        if archive and not req.url:  # pip installs `pkg-1.0-py3-none-any.whl` as a file
            return PipSpec(text, None, None, "local archive requirement cannot be checked offline")
    except InvalidRequirement as err:
        if looks_like_path(text):  # pip reads it as a path: `submodules/pkg`, `..`, `pkg-1.0.whl`
            return PipSpec(text, None, None, "local path requirement cannot be checked offline")
        raise ValueError(f"invalid pip requirement {excerpt(text)}: {_first_line(err)}") from None
    name = canonical_name(req.name)
    if req.url:
        return PipSpec(text, name, req, f"direct reference ({req.url}) cannot be checked offline")
    return PipSpec(text, name, req)


def marker_environment(python_version: str | None) -> dict[str, str]:
    """Return PEP 508 marker variables for the *environment's* python, not the server's."""
    import platform

    from packaging.markers import default_environment

    env = {key: str(value) for key, value in default_environment().items()}  # every one is a string
    if python_version:
        parts = python_version.split(".")
        env["python_version"] = ".".join(parts[:2])
        env["python_full_version"] = python_version
        env["implementation_version"] = python_version
    env.setdefault("platform_machine", platform.machine())
    return env


def marker_false(spec: PipSpec, python_version: str | None) -> str | None:
    """Return a skip reason when the requirement's marker is false for this environment."""
    req = spec.requirement
    if req is None or req.marker is None:
        return None
    env = marker_environment(python_version)
    if req.marker.evaluate(env):
        return None
    return f"marker `{req.marker}` is false here (python {env['python_full_version']})"


def check_pip(spec: PipSpec, installed: str) -> Verdict:
    """Judge an installed version against a PEP 440 specifier: ok or mismatch."""
    req = spec.requirement
    if req is None or not str(req.specifier):
        return "ok", ""
    from packaging.specifiers import InvalidSpecifier
    from packaging.version import InvalidVersion, Version

    specifier = req.specifier
    try:
        version = Version(installed)
    except InvalidVersion:
        return "mismatch", f"installed version {installed!r} is not a PEP 440 version"
    try:
        if specifier.contains(version, prereleases=True):
            return "ok", ""
    except InvalidSpecifier as err:  # pragma: no cover - parse already validated
        return "mismatch", str(err)
    return "mismatch", f"{installed} does not satisfy {specifier}"
