"""Markers and requires-python compared by meaning, as uv's simplified lock writes them."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.locks.markergrid import grid, same_pythons, truth


def same(a: str, b: str, requires_python: str = "") -> bool:
    points = grid([a, b], requires_python)
    return truth(a, points) == truth(b, points)


@pytest.mark.parametrize(
    ("a", "b", "requires_python"),
    [
        ("python_version >= '3.12'", "python_full_version >= '3.12'", ""),
        ("python_version < '3.8'", "python_version < '3.7'", ">=3.10"),  # both false there
        ("python_version < '3.8'", "", "<3.8"),  # true wherever allowed
        ("sys_platform == 'linux' and extra == 'x'", "extra == 'x' and sys_platform == 'linux'", ""),
        ("'linux' in sys_platform", "'linux' in sys_platform", ""),
    ],
)
def test_markers_equal_in_meaning_are_the_same(a, b, requires_python):
    assert same(a, b, requires_python)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("python_version >= '3.12'", "python_version > '3.12'"),
        ("python_full_version >= '3.12.1'", "python_version >= '3.12'"),
        ("sys_platform == 'linux'", "sys_platform == 'win32'"),
        ("extra == 'x'", ""),
        ("platform_machine == 'x86_64'", "platform_machine != 'x86_64'"),
    ],
)
def test_markers_that_differ_somewhere_are_told_apart(a, b):
    assert not same(a, b)


def test_requires_python_by_the_pythons_it_admits():
    assert same_pythons(">=3.8,>=3.9", ">=3.9")
    assert same_pythons(">= 3.10", ">=3.10.0")
    assert not same_pythons(">=3.9", ">=3.10")
    assert not same_pythons(">=3.9,<3.13", ">=3.9")
    assert not same_pythons("not a specifier", ">=3.9")
