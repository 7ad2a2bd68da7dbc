"""Our conversion of `[tool.poetry]` entries against poetry-core's own, by the versions each accepts.

Each constraint (a string or a table) is converted by us and by poetry-core's
`Factory.create_dependency(name, constraint)`; the two must accept the same versions on a grid of
versions (pre-, post-, dev- and local releases, epochs), and their markers must hold for the same
Pythons and platforms. Not string equality: `>=1.2,<2.0` and `>=1.2,<2` are the same requirement.
"""

from __future__ import annotations

import itertools

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement

from jupyter_envpanel.core.requirements.poetryspec import entry_lines

try:  # poetry-core comes with poetry, which the dev environment has (pyproject.toml's test extra)
    from poetry.core.constraints.version import Version as PoetryVersion
    from poetry.core.factory import Factory
except ImportError:  # pragma: no cover - depends on the machine
    Factory = None

NO_POETRY_CORE = "poetry-core is not installed here (`pip install poetry-core`)"
pytestmark = pytest.mark.skipif(Factory is None, reason=NO_POETRY_CORE)

VERSIONS = [
    *("0", "0.0.1", "0.0.3", "0.0.4", "0.1", "0.1.0", "0.2.2", "0.2.3", "0.2.9", "0.3.0rc1", "0.3.0"),
    *("1.0", "1.0rc1", "1.1", "1.2.dev0", "1.2a1", "1.2", "1.2+local", "1.2.0", "1.2.3", "1.2.3.post1"),
    *("1.2.9", "1.3.0.dev0", "1.3", "1.9.9", "1.9.9.post2", "2.0.0a1", "2.0", "2.0.1", "2.1", "2.5"),
    *("3.0", "3.0.post1", "10.0", "1!1.0"),
]
STRINGS = [
    *("*", "x", "^1.2", "^1.2.3", "^1", "^0.2.3", "^0.0.3", "^0.0", "^0", "^1.2a1", "^2.0.0,<2.5"),
    *("~1.2", "~1.2.3", "~1", "~=1.2", "~=1.2.3", "~=1", "1.2.*", "1.*", "!=1.2.*", "==1.2.*"),
    *("1.2", "==1.2", "=1.2", "1.2.3", "v1.2", "!=1.2", ">=1,<2", ">=1 <2", ">= 1.2, < 2.0", ">1.2"),
    *("<2.0", "<=1.2", ">=1.2a1", ">=0.2.3,<0.3.0", "1.2.*,!=1.2.3", "1!1.0"),
]
TABLES = [
    {"version": "^1.2", "extras": ["fast"]},
    {"version": "~1.2", "python": "^3.9"},
    {"version": "*", "python": "~3.8 || >=3.10"},
    {"version": ">=1", "platform": "linux"},
    {"version": "1.2", "markers": 'sys_platform == "win32"'},
    {"version": "^1", "python": ">=3.8.1,<3.12", "platform": "linux || darwin"},
    {"version": "^1", "python": "3.9.*"},
    {"version": "^1", "python": "!=3.10.*"},
    {"version": "^1", "python": "3.9"},
    {"version": "^1", "markers": "python_version >= '3.9'", "python": "<3.12"},
    {"version": "^1", "allow-prereleases": True},
    {"version": "^1", "platform": "!=win32"},
]
#: Where poetry-core's range arithmetic and its own PEP 508 output differ, we follow PEP 508 (what
#: pip and the installed metadata say): `1.2.*,!=1.2.3` becomes `<1.2.3 || >1.2.3` inside poetry,
#: and PEP 440's `>1.2.3` excludes 1.2.3.post1, while `!=1.2.3` (poetry's to_pep_508) accepts it.
KNOWN = {("1.2.*,!=1.2.3", "1.2.3.post1")}
PYTHONS = ["3.7.0", "3.8.0", "3.8.1", "3.8.10", "3.9.0", "3.9.7", "3.10.4", "3.11.9", "3.12.0", "3.13.1"]
PLATFORMS = ["linux", "darwin", "win32"]


def theirs(value):
    """Return poetry-core's (accepts(version), marker or None) for one constraint."""
    dependency = Factory.create_dependency("demo", value)
    marker = dependency.marker
    return (
        lambda v: dependency.constraint.allows(PoetryVersion.parse(v)),
        None if marker.is_any() else Marker(str(marker)),
        dependency.to_pep_508(),
    )


def ours(value):
    """Return our (accepts(version), marker or None) for one constraint."""
    [line] = entry_lines("demo", value)
    assert not line.skip, line
    requirement = Requirement(line.text)
    return (lambda v: requirement.specifier.contains(v, prereleases=True)), requirement.marker, line.text


def disagreements(value) -> list[str]:
    """Return each version, or Python and platform, the two conversions judge differently."""
    mine, their = ours(value), theirs(value)
    out = [
        f"{value!r} on {v}: ours {mine[2]}, poetry {their[2]}"
        for v in VERSIONS
        if mine[0](v) != their[0](v) and (str(value), v) not in KNOWN
    ]
    for python, platform in itertools.product(PYTHONS, PLATFORMS):
        env = {"python_version": ".".join(python.split(".")[:2]), "python_full_version": python}
        env |= {"sys_platform": platform}
        ok = [m is None or m.evaluate(env) for m in (mine[1], their[1])]
        if ok[0] != ok[1]:
            out.append(f"{value!r} on python {python} {platform}: ours {mine[2]}, poetry {their[2]}")
    return out


def test_our_conversion_accepts_the_same_versions_as_poetry_core():
    cases = [*STRINGS, *TABLES]
    found = [d for value in cases for d in disagreements(value)]
    checks = len(cases) * (len(VERSIONS) + len(PYTHONS) * len(PLATFORMS))
    agree = checks - len(found) - len(KNOWN)
    print(f"\n{agree} of {checks} agree ({len(cases)} constraints, {len(KNOWN)} known difference)")
    assert found == []
    for value, version in KNOWN:  # still a difference of poetry's arithmetic, not of our reading
        assert ours(value)[0](version) != theirs(value)[0](version)


def test_poetry_core_pep_508_form_parses_to_the_same_specifier_where_it_is_pep_508():
    for value in [*STRINGS, *TABLES]:
        their = Requirement(Factory.create_dependency("demo", value).to_pep_508())
        mine = Requirement(ours(value)[2])
        differ = [
            v for v in VERSIONS if their.specifier.contains(v, True) != mine.specifier.contains(v, True)
        ]
        assert differ == [], (value, str(their), str(mine))


@pytest.mark.parametrize(
    ("constraint", "inside", "between"),
    [
        ("^1 || ^3", ("1.2", "3.0"), "2.1"),
        ("<1.0 || >=2.0", ("0.2.3", "2.5"), "1.2"),
        ("1.2 || 1.4", ("1.2",), "1.3"),
    ],
)
def test_alternatives_that_are_no_single_range_are_skipped_where_poetry_allows_a_union(
    constraint, inside, between
):
    [line] = entry_lines("demo", constraint)
    assert "alternatives" in line.skip and line.text == "demo"
    accepts = theirs(constraint)[0]
    assert all(accepts(v) for v in inside) and not accepts(between)  # no one PEP 440 range says it
