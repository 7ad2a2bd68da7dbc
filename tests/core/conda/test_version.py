"""conda's version operators at their boundaries: each one on both sides of the version it names."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.conda.version import InvalidVersionSpec, parse_version, version_spec

CASES = [
    ("<1.26.4", "1.26.3", True),
    ("<1.26.4", "1.26.4", False),
    ("<1.26.4", "1.26.4rc1", True),  # a pre-release comes before its release
    ("<=1.26.4", "1.26.4", True),
    ("<=1.26.4", "1.26.5", False),
    (">1.26.4", "1.26.4", False),
    (">1.26.4", "1.26.5", True),
    (">=1.26.4", "1.26.4", True),
    (">=1.26.4", "1.26.3", False),
    ("==1.26.4", "1.26.4", True),
    ("==1.26.4", "1.26.4.0", True),  # conda pads with zeros
    ("==1.26.4", "1.26.40", False),
    ("!=1.26.4", "1.26.4", False),
    ("!=1.26.4", "1.26.5", True),
    ("=1.26", "1.26.4", True),  # `=` is "starts with" on version parts
    ("=1.26", "1.260", False),
    ("1.26.*", "1.26.0", True),
    ("1.26.*", "1.27", False),
    ("!=1.26.*", "1.26.9", False),
    ("!=1.26.*", "1.27.0", True),
    ("~=1.26.2", "1.26.2", True),
    ("~=1.26.2", "1.26.1", False),
    ("~=1.26.2", "1.27.0", False),
]


@pytest.mark.parametrize("spec,version,matches", CASES, ids=[f"{s} {v}" for s, v, _ in CASES])
def test_each_operator_on_both_sides_of_its_boundary(spec, version, matches):
    assert version_spec(spec).matches(version) is matches


# Epochs, letters and `!=` with a glob: where starts-with must look at every component.
PREFIX_CASES = [
    ("=1.26", "1!1.26.4", False),  # another epoch is another version line
    ("1.26.*", "1!1.26.0", False),
    ("=1!1.26", "1!1.26.4", True),
    ("1.0a*", "1.0a1", True),
    ("1.0a*", "1.0b1", False),  # a letter component starts-with, it does not match any letter
    ("=1.0a", "1.0.1", False),
    ("=1.0a", "1.0", False),
    ("!=1.26.*", "1.26", False),
    ("!=1.26.*,>=1.20", "1.25.2", True),
]


@pytest.mark.parametrize("spec,version,matches", PREFIX_CASES, ids=[f"{s} {v}" for s, v, _ in PREFIX_CASES])
def test_starts_with_compares_epoch_and_letters(spec, version, matches):
    assert version_spec(spec).matches(version) is matches


@pytest.mark.parametrize("text", ["(1.26", "()", "1.0)", "(1.0|)", ">=1.0,"])
def test_unbalanced_or_empty_spec_is_refused(text):
    """A spec conda cannot parse is an InvalidVersionSpec, never a crash nor a silent match."""
    with pytest.raises(InvalidVersionSpec):
        version_spec(text)


# (joining operator, a version inside, a version outside): 600 groups, each nested in the previous
NESTED_CASES = [("|", "", "1.300", "1.600"), (",", ">=", "1.599", "1.598")]


@pytest.mark.parametrize("op,relation,inside,outside", NESTED_CASES, ids=["or", "and"])
def test_deeply_nested_groups_are_flattened(op, relation, inside, outside):
    """Right-nested groups `a|(b|(c|...))` join into one level: machine-written specs of any depth work."""
    text = f"{relation}1.599"
    for i in range(598, 0, -1):
        text = f"{relation}1.{i}{op}({text})"
    spec = version_spec(text)
    assert spec.matches(inside) is True
    assert spec.matches(outside) is False


@pytest.mark.parametrize("text", ["^1.2", "1.2$", "^1.2.*"])
def test_a_half_regex_says_what_a_regex_spec_needs(text):
    """`^1.2` without `$` is refused, as by conda, with the rule in the message."""
    with pytest.raises(InvalidVersionSpec, match=r"regex specs must start with '\^' and end with '\$'"):
        version_spec(text)


@pytest.mark.parametrize(
    "spec,version,matches",
    [
        (">=1.0.1*.vc11", "1.0.1a.vc11", True),  # conda's test_match_1: `*` is a letter in a version
        (">=1.0.1*.vc11", "1.0.0", False),
        (">1.0.0*", "1.0.0", True),  # conda's test_ver_eval: `1.0.0*` sorts below `1.0.0`
        (">=2.*.*", "2.0.1", True),  # conda's ecosystem corpus: `.*` dropped, `2.*` remains
        (">=2.*.*", "1.26.4", False),
        (">=11G,<11G_", "11g", True),  # case-insensitive; `_` sorts below letters (openssl convention)
    ],
)
def test_a_star_inside_an_operators_version_is_a_version_component(spec, version, matches):
    assert version_spec(spec).matches(version) is matches


def test_an_empty_version_component_is_refused_naming_the_version():
    """`5.5..mw` (two dots in a row) is refused with the version and what is wrong with it."""
    with pytest.raises(InvalidVersionSpec) as info:
        parse_version("5.5..mw")
    assert str(info.value) == "invalid version '5.5..mw': empty version component"


def test_version_order_is_condas_own():
    """Strings before numbers, `dev` first, `post` last, missing parts 0, epochs, local parts."""
    ordered = ["1.1dev1", "1.1_", "1.1a1", "1.1.0dev1", "1.1.a1", "1.1.0rc1", "1.1", "1.1.post1", "1!0.1"]
    versions = [parse_version(v) for v in ordered]
    assert all(a < b for a, b in zip(versions, versions[1:], strict=False)), ordered
    assert parse_version("1.1") == parse_version("1.1.0") and parse_version("0.4.1.RC") == parse_version(
        "0.4.1.rc"
    )
    assert parse_version("1.2+abc") < parse_version("1.2+123")
    for bad in ("", "3.5&1", "5.5..mw", "a!1.0", "1!2!3", "1.2+", "+1.2", "1+2+3"):
        with pytest.raises(InvalidVersionSpec):
            parse_version(bad)
