"""poetry's dependency entries converted to PEP 508 requirements as poetry-core converts them.

A classic poetry project declares what it installs in `[tool.poetry.dependencies]`, its groups in
`[tool.poetry.group.<name>.dependencies]` and the legacy `[tool.poetry.dev-dependencies]` (group
`dev`). Each entry becomes a pip requirement: `^1.2` is `>=1.2,<2.0`, `~1.2` is `>=1.2,<1.3`,
`1.2` is `==1.2`, `1.2.*` is `==1.2.*` (poetry-core's parse_constraint); a table's `python` and
`platform` become markers. `git`, `path`, `file` and `url` entries are skipped with the reason;
`optional = true` entries (installed only by an extra) are not expected.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from packaging.markers import InvalidMarker, Marker
from packaging.version import InvalidVersion, Version

from ..base.errors import excerpt

__all__ = ["MAX_CONSTRAINT", "SOURCES", "Alternatives", "convert_constraint", "entry_lines", "python_marker"]

#: The longest version constraint read (poetry's regular expressions are not run on more).
MAX_CONSTRAINT = 1_000
SOURCES = ("git", "path", "file", "url")
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_OR = re.compile(r"\s*\|\|?\s*")
# poetry-core's split of one alternative into its clauses (a comma or a space between two)
_AND = re.compile(r"(?<!^)(?<![\^~=>< ,]) *(?<!-)[, ](?!-) *(?!,|$)")
_ANY = re.compile(r"(?i)^v?[xX*](\.[xX*])*$")
_V = r"v?(?P<version>[0-9!.+_a-zA-Z-]+?)"
_TILDE = re.compile(rf"^~(?!=)\s*{_V}$")
_TILDE_PEP440 = re.compile(rf"^~=\s*{_V}$")
_CARET = re.compile(rf"^\^\s*{_V}$")
_X = re.compile(r"^(?P<op>!=|==)?\s*v?(?P<version>\d+(?:\.\d+)?(?:\.\d+)?)(?:\.\*)+$")
_BASIC = re.compile(rf"^(?P<op><>|!=|>=?|<=?|==?)?\s*{_V}(?P<wildcard>\.\*)?$")
_PLATFORM = re.compile(r"^(?P<op>!=|==?=?)?\s*(?P<value>[A-Za-z0-9_.-]+)\s*$")

Clause = tuple[str, str]  # (PEP 440 operator, version): ("<", "2.0"), ("==", "1.2.*")


class Alternatives(ValueError):
    """A constraint of several alternatives (`^1 || ^3`): no single PEP 440 specifier says it."""


def _version(text: str, constraint: str) -> Version:
    """Parse a version as poetry-core does (`dev` is 0.0.dev0); a bad one is a ValueError."""
    try:
        return Version("0.0.dev0" if text == "dev" else text)
    except InvalidVersion:
        raise ValueError(f"invalid poetry version constraint {excerpt(constraint, 60)}") from None


def _bump(version: Version, index: int) -> str:
    """Return the release after `version` at one index (0 major, 1 minor, 2 patch), poetry's precision."""
    release = list(version.release) + [0] * (index + 1 - len(version.release))
    release[index] += 1
    release[index + 1 :] = [0] * (len(release) - index - 1)
    epoch = f"{version.epoch}!" if version.epoch else ""
    return epoch + ".".join(str(part) for part in release)


def _clause(text: str, constraint: str) -> list[Clause]:
    """Convert one clause (`^1.2`, `~1`, `>=1`, `1.2.*`, `1.2`) to PEP 440 (operator, version) pairs."""
    if _ANY.match(text):
        return []
    if match := _TILDE.match(text):
        version = _version(match["version"], constraint)
        index = 0 if len(version.release) == 1 else 1
        return [(">=", str(version)), ("<", _bump(version, index))]
    if match := _TILDE_PEP440.match(text):
        version = _version(match["version"], constraint)
        index = max(len(version.release) - 2, 0)
        return [(">=", str(version)), ("<", _bump(version, index))]
    if match := _CARET.match(text):
        version = _version(match["version"], constraint)
        release = version.release
        index = 0 if release[0] > 0 or len(release) < 2 else 1 if release[1] > 0 or len(release) < 3 else 2
        return [(">=", str(version)), ("<", _bump(version, index))]
    if match := _X.match(text):
        return [("!=" if match["op"] == "!=" else "==", f"{match['version']}.*")]
    if match := _BASIC.match(text):
        op, version = match["op"] or "==", _version(match["version"], constraint)
        if op in ("<", "<=", ">", ">="):
            return [(op, str(version))]
        if match["wildcard"]:
            return [("!=" if op == "!=" else "==", f"{version}.*")]
        return [("!=" if op == "!=" else "==", str(version))]
    raise ValueError(f"invalid poetry version constraint {excerpt(constraint, 60)}")


def convert_constraint(constraint: str) -> list[list[Clause]]:
    """Return a poetry version constraint's alternatives (`||`), each a list of PEP 440 clauses."""
    if len(constraint) > MAX_CONSTRAINT:
        raise ValueError(f"version constraint is {len(constraint)} characters long; not read")
    if not constraint.isprintable():
        raise ValueError(f"version constraint {excerpt(constraint, 60)} holds a control character")
    if constraint == "*":
        return [[]]
    alternatives = []
    for alternative in _OR.split(constraint.strip()):
        alternative = alternative.rstrip(",").rstrip()
        alternatives.append([c for part in _AND.split(alternative) for c in _clause(part, constraint)])
    return alternatives


def specifier(constraint: str) -> str:
    """Return a poetry version constraint as one PEP 440 specifier set (`>=1.2,<2.0`, "" for any)."""
    alternatives = convert_constraint(constraint)
    distinct = {tuple(a) for a in alternatives}
    if len(distinct) > 1:
        raise Alternatives(f"version alternatives {excerpt(constraint, 60)} have no single PEP 440 form")
    return ",".join(op + version for op, version in alternatives[0])


def python_marker(constraint: str) -> str:
    """Return a `python = "..."` constraint as poetry writes its marker (`python_version >= "3.8"`)."""
    ors = []
    for alternative in convert_constraint(constraint):
        ands = []
        for op, version in alternative:
            full = version.endswith(".*") or len(Version(version.rstrip(".*")).release) >= 3
            ands.append(f'{"python_full_version" if full else "python_version"} {op} "{version}"')
        if not ands:
            return ""
        ors.append(" and ".join(ands))
    return " or ".join(f"({o})" if len(ors) > 1 and " and " in o else o for o in ors)


def platform_marker(constraint: str) -> str:
    """Return a `platform = "..."` constraint as a `sys_platform` marker (`linux || darwin`)."""
    if constraint.strip() == "*":
        return ""
    ors = []
    for alternative in _OR.split(constraint.strip()):
        ands = []
        for part in re.split(r"\s*,\s*", alternative):
            match = _PLATFORM.match(part)
            if match is None:
                raise ValueError(f"invalid platform {excerpt(constraint, 60)}")
            ands.append(f'sys_platform {"!=" if match["op"] == "!=" else "=="} "{match["value"]}"')
        ors.append(" and ".join(ands))
    return " or ".join(f"({o})" if len(ors) > 1 and " and " in o else o for o in ors)


class Line(NamedTuple):
    """One entry as a pip requirement line, or the reason it is skipped."""

    text: str
    skip: str


def _string(value: dict[str, Any], key: str) -> str | None:
    """Return a table's string field, None when absent; another type is a ValueError."""
    found = value.get(key)
    if found is not None and not isinstance(found, str):
        raise ValueError(f"`{key}` must be a string, got {type(found).__name__}")
    return found


def _line(name: str, value: Any) -> Line | None:
    """Return one constraint (a string or a table) as a pip line; None when only an extra installs it."""
    if isinstance(value, str):
        return Line(name + specifier(value), "")
    if not isinstance(value, dict):
        raise ValueError(f"must be a version string or a table, got {type(value).__name__}")
    if value.get("optional") is True:
        return None
    source = next((key for key in SOURCES if key in value), None)
    if source:
        kind = "editable install" if value.get("develop") is True else f"{source} dependency"
        where = value[source] if isinstance(value[source], str) else "?"
        return Line(name, f"{kind} ({excerpt(where, 80)}) cannot be checked offline")
    extras = value.get("extras", [])
    if not isinstance(extras, list) or not all(isinstance(e, str) and _NAME.match(e) for e in extras):
        raise ValueError("`extras` must be a list of extra names")
    version = _string(value, "version") or "*"
    markers = [_string(value, "markers"), _string(value, "python"), _string(value, "platform")]
    if not all(m is None or m.isprintable() for m in markers):
        raise ValueError("`markers`, `python` and `platform` must hold no control character")
    parts = []
    if markers[0]:
        try:
            parts.append(str(Marker(markers[0])))
        except InvalidMarker as err:
            raise ValueError(
                f"invalid markers {excerpt(markers[0], 60)}: {str(err).splitlines()[0]}"
            ) from None
    if markers[1]:
        parts.append(python_marker(markers[1]))
    if markers[2]:
        parts.append(platform_marker(markers[2]))
    parts = [p for p in parts if p]
    marker = " and ".join(f"({p})" if len(parts) > 1 and " or " in p else p for p in parts)
    head = name + (f"[{','.join(extras)}]" if extras else "") + specifier(version)
    return Line(f"{head}; {marker}" if marker else head, "")


def entry_lines(name: str, value: Any) -> list[Line]:
    """Return the pip lines of one `name = ...` entry (a list of constraint tables gives several)."""
    if not _NAME.match(name):
        raise ValueError(f"invalid package name {excerpt(name, 60)}")
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        try:
            line = _line(name, item)
        except Alternatives as err:
            line = Line(name, f"{err}: not judged")
        if line is not None:
            out.append(line)
    return out
