"""Whether two markers, or two requires-python, mean the same: compared where they could differ.

uv simplifies what it locks (`python_version < '3.8'` is `false` under `requires-python >= 3.10`,
and `python_version >= '3.12'` is written `python_full_version >= '3.12'`), so a lock and its
manifest are compared by meaning: each marker is evaluated on a grid of environments built from the
values the markers name and the versions on both sides of each.
"""

from __future__ import annotations

import itertools
import re

from packaging.markers import InvalidMarker, Marker
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from ..requirements.specs import marker_environment

__all__ = ["around", "grid", "same_pythons", "truth"]

#: Environments a grid holds at most (markers naming many variables and values are rare).
MAX_POINTS = 1024
_CLAUSE = re.compile(
    r"""(\w+)\s*(?:[<>=!~]=?=?|not\s+in|in)\s*['"]([^'"]*)['"]|['"]([^'"]*)['"]\s*(?:not\s+)?in\s*(\w+)"""
)


def grid(markers: list[str], requires_python: str) -> list[dict[str, str]]:
    """Return marker environments that tell the given markers apart (values they name, and around)."""
    values: dict[str, set[str]] = {}
    for text in markers:
        for match in _CLAUSE.finditer(text):
            variable, value = (
                (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            )
            values.setdefault(variable, set()).add(value)
    pythons = {"3.12.0"}
    for variable in ("python_version", "python_full_version"):
        for value in values.pop(variable, ()):
            pythons.update(around(value))
    try:
        allowed = SpecifierSet(requires_python)
    except InvalidSpecifier:
        allowed = SpecifierSet()
    pythons = {p for p in pythons if allowed.contains(p, prereleases=True)} or {"3.12.0"}
    axes = [[("python_full_version", p) for p in sorted(pythons)]]
    axes += [[(var, value) for value in sorted(found | {"~other~"})] for var, found in sorted(values.items())]
    base = marker_environment(None)
    points = []
    for point in itertools.islice(itertools.product(*axes), MAX_POINTS):
        env = {**base, "extra": "", **dict(point)}
        env["python_version"] = ".".join(env["python_full_version"].split(".")[:2])
        points.append(env)
    return points


def around(value: str) -> set[str]:
    """Return full Python versions on both sides of a version a marker names."""
    parts = [int(p) for p in re.findall(r"\d+", value)[:3]] or [3, 12]
    major, minor, patch = (parts + [0, 0])[:3]
    return {
        f"{major}.{minor}.{patch}",
        f"{major}.{minor}.{patch + 1}",
        f"{major}.{max(minor - 1, 0)}.99",
        f"{major}.{minor + 1}.0",
    }


def truth(marker: str, points: list[dict[str, str]]) -> tuple[bool, ...]:
    """Return a marker's value at each point of a grid (no marker: true everywhere)."""
    if not marker:
        return (True,) * len(points)
    try:
        parsed = Marker(marker)
        return tuple(parsed.evaluate(env) for env in points)
    except (InvalidMarker, TypeError):
        return (False,) * len(points)


def same_pythons(wanted: str, locked: str) -> bool:
    """Return whether two requires-python admit the same Pythons (at the versions they name, and around)."""
    try:
        ours, theirs = SpecifierSet(wanted), SpecifierSet(locked)
    except InvalidSpecifier:
        return wanted == locked
    versions = {f"3.{minor}.{patch}" for minor in range(21) for patch in (0, 1, 99)}
    for spec in (*ours, *theirs):
        versions |= around(spec.version.rstrip(".*"))
    return all(ours.contains(v, prereleases=True) == theirs.contains(v, prereleases=True) for v in versions)
