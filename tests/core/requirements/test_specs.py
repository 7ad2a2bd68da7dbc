"""Spec parsing: pip markers judged for the environment's python, conda specs refused as conda does."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.requirements.specs import check_pip, marker_false, parse_conda, parse_pip

# (marker of a pip entry, the environment's python, applies there)
MARKER_CASES = [
    ("python_version == '3.11'", "3.11.7", True),  # python_version is major.minor only
    ("python_version == '3.11'", "3.12.1", False),
    ("python_version > '3.11'", "3.11.7", False),
    ("python_version <= '3.11'", "3.11.7", True),
    ("python_version < '3.10'", "3.9.18", True),
    ("python_full_version >= '3.11.5'", "3.11.7", True),
    ("python_full_version >= '3.11.8'", "3.11.7", False),
]


@pytest.mark.parametrize(
    "marker,python,applies", MARKER_CASES, ids=[f"{m} on {p}" for m, p, _ in MARKER_CASES]
)
def test_marker_judged_for_the_environments_python(marker, python, applies):
    """A pip entry whose marker is false for the env's python is skipped, with the reason."""
    reason = marker_false(parse_pip(f"tomli; {marker}"), python)
    if applies:
        assert reason is None
    else:
        assert reason is not None and f"(python {python})" in reason


# (conda spec conda refuses, what the error says)
INVALID_CASES = [
    ("numpy[version='']", "key-value mismatch in brackets"),
    ("numpy[build='']", "key-value mismatch in brackets"),
    ("numpy[foo=bar]", "cannot match on field(s): foo"),
    ("numpy[version='>=1', color=red]", "cannot match on field(s): color"),
    ("numpy[size=2, color=red]", "cannot match on field(s): color, size"),
    ("numpy[version='(1.26']", "cannot parse version spec"),
    ("numpy[version='()']", "cannot parse version spec"),
]


@pytest.mark.parametrize("spec,message", INVALID_CASES, ids=[s for s, _ in INVALID_CASES])
def test_invalid_conda_spec_is_refused_with_its_reason(spec, message):
    """A spec conda rejects is an error naming the entry and why, never a silent verdict."""
    with pytest.raises(ValueError, match="invalid conda spec") as err:
        parse_conda(spec)
    assert message in str(err.value)


def test_valid_bracket_fields_are_kept():
    """Known bracket fields parse into the spec's fields (name from outside the brackets)."""
    parsed = parse_conda("numpy[version='>=1.26', build=py311*, channel=conda-forge]").parsed
    expected = {"name": "numpy", "channel": "conda-forge", "version": ">=1.26", "build": "py311*"}
    assert parsed.fields == expected


@pytest.mark.parametrize("requirement", ["requests", "requests>=2", "requests==2.32.*"])
def test_a_satisfied_pip_entry_is_ok_with_no_reason(requirement):
    """An entry the installed version satisfies is ok and says nothing more (the panel shows no reason)."""
    assert check_pip(parse_pip(requirement), "2.32.3") == ("ok", "")


def test_an_unsatisfied_pip_entry_says_why():
    """A mismatch names the installed version and the specifier it fails."""
    assert check_pip(parse_pip("requests<2"), "2.32.3") == ("mismatch", "2.32.3 does not satisfy <2")


@pytest.mark.parametrize(
    "line, reason",
    [
        ("--editable=git+https://host/org/pkg#egg=pkg", "editable install (-e) cannot be checked offline"),
        ("--constraint=constraints.txt", "constraints file (-c) constrains, it does not require"),
    ],
    ids=["editable", "constraint"],
)
def test_an_option_written_with_an_equals_sign_is_skipped_with_its_own_reason(line, reason):
    spec = parse_pip(line)
    assert (spec.name, spec.skip) == (None, reason)


def test_a_wheel_file_with_a_marker_is_a_local_archive_not_a_package_name():
    spec = parse_pip("pkg-1.0-py3-none-any.whl;python_version>'3'")
    assert (spec.name, spec.skip) == (None, "local archive requirement cannot be checked offline")


@pytest.mark.parametrize(
    "line",
    [
        "pkg-1.0-py3-none-any.whl --hash=sha256:abcd",
        "pkg-1.0.tar.gz --hash sha256:abcd",
        "pkg-1.0-py3-none-any.whl; python_version > '3' --hash=sha256:abcd",
    ],
)
def test_a_local_archive_with_pip_options_is_skipped_not_read_as_a_package_name(line):
    """pip installs these lines as local files: no package named after the file is looked for."""
    spec = parse_pip(line)
    assert (spec.name, spec.skip) == (None, "local archive requirement cannot be checked offline")


@pytest.mark.parametrize("line", ["plugins/[team a]/pkg[dev]", "builds/[2024:01]/pkg[dev]"])
def test_a_path_whose_folder_names_hold_brackets_is_a_local_path_with_its_extras(line):
    """pip reads the last `[...]` as the extras of the folder before it: a path, whatever its folders hold."""
    spec = parse_pip(line)
    assert (spec.name, spec.skip) == (None, "local path requirement cannot be checked offline")
