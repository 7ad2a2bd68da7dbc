"""Spec semantics: conda MatchSpec (py-rattler, channels ours) and PEP 440 (packaging)."""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from typing import Optional, Tuple

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from rattler import MatchSpec, PackageRecord, VersionSpec
from rattler import Version as CondaVersion
from rattler.package.build_string import BuildString

from .channels import channel_matches, parse_spec_channel
from .errors import excerpt
from .inventory import Package

Verdict = Tuple[str, str]  # (status, reason)

_URLISH = re.compile(r"^(\w+\+)?(https?|file|ftp|git|hg|svn|bzr|ssh)://|^\.{0,2}/|^\.$|^~")
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
class CondaSpec:
    """A parsed conda dependency entry."""

    raw: str
    name: str
    match: MatchSpec
    channel: Optional[str]
    subdir: Optional[str]


@dataclass(frozen=True)
class PipSpec:
    """A parsed pip entry; `skip` says why it cannot be checked offline, if so."""

    raw: str
    name: Optional[str]
    requirement: Optional[Requirement]
    skip: Optional[str] = None


def parse_conda(raw: str) -> CondaSpec:
    """Parse a conda spec with conda's grammar; raise ValueError with conda's complaint."""
    text = raw.strip()
    if not text:
        raise ValueError("empty package spec")
    try:
        match = MatchSpec(text)
    except Exception as err:  # py-rattler raises its own exception types
        raise ValueError(f"invalid conda spec {excerpt(text)}: {_first_line(err)}") from None
    channel, subdir, rest = parse_spec_channel(text)
    if channel is None and match.channel is not None:
        channel = match.channel.name
    subdir = subdir or match.subdir
    name_match = re.match(r"\s*([A-Za-z0-9_.\-]+)", rest)
    if not name_match:
        raise ValueError(f"invalid conda spec {excerpt(text)}: no package name")
    return CondaSpec(text, name_match.group(1).lower(), match, channel, subdir)


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
    try:
        req = Requirement(text)
    except InvalidRequirement as err:
        raise ValueError(f"invalid pip requirement {excerpt(text)}: {_first_line(err)}") from None
    name = canonicalize_name(req.name)
    if req.url:
        return PipSpec(text, name, req, f"direct reference ({req.url}) cannot be checked offline")
    return PipSpec(text, name, req)


def marker_environment(python_version: Optional[str]) -> dict:
    """Return PEP 508 marker variables for the *environment's* python, not the server's."""
    env = default_environment()
    if python_version:
        parts = python_version.split(".")
        env["python_version"] = ".".join(parts[:2])
        env["python_full_version"] = python_version
        env["implementation_version"] = python_version
    env.setdefault("platform_machine", platform.machine())
    return env


def _record(pkg: Package) -> PackageRecord:
    """Return a py-rattler record for an installed package, for MatchSpec.matches."""
    return PackageRecord(
        pkg.name.lower(), pkg.version, BuildString(pkg.build), pkg.build_number, pkg.subdir or "noarch"
    )


def _version_ok(spec: MatchSpec, version: str) -> bool:
    """Return whether a version alone satisfies a MatchSpec's version part."""
    if spec.version is None:
        return True
    return VersionSpec(str(spec.version)).matches(CondaVersion(version))


def check_conda(spec: CondaSpec, pkg: Package, by_pip: bool = False) -> Verdict:
    """Judge an installed package against a conda spec: ok or mismatch, with a reason."""
    try:
        if not _version_ok(spec.match, pkg.version):
            return "mismatch", f"{pkg.version} does not satisfy {spec.match.version}"
        if by_pip:
            if spec.channel or spec.match.build or spec.subdir:
                return "ok", f"{pkg.version} installed by pip; build and channel not checked"
            return "ok", ""
        full_match = spec.match.matches(_record(pkg))
    except Exception as err:  # an installed version or build conda cannot read
        return "mismatch", f"cannot compare installed {pkg.version!r} ({pkg.build!r}): {err}"
    if not full_match:
        number = f" (build number {pkg.build_number})" if spec.match.build_number else ""
        want = spec.match.build or ""
        if spec.match.build_number:
            want = f"{want} build_number {spec.match.build_number}".strip()
        return "mismatch", f"build {pkg.build}{number} does not match {want}"
    if spec.channel and not channel_matches(spec.channel, pkg.channel):
        got = pkg.channel or "an unknown channel"
        return "mismatch", f"installed from {got}, spec asks for {spec.channel}"
    if spec.subdir and pkg.subdir and spec.subdir != pkg.subdir:
        return "mismatch", f"installed for {pkg.subdir}, spec asks for {spec.subdir}"
    return "ok", ""


def marker_false(spec: PipSpec, python_version: Optional[str]) -> Optional[str]:
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
    specifier: SpecifierSet = req.specifier if req else SpecifierSet()
    if not str(specifier):
        return "ok", ""
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
