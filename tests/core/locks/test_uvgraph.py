"""uv.lock's package graph walked as `uv sync` walks it: cycles, extras of extras, ambiguous names."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.locks.uvgraph import Graph, walk
from jupyter_envpanel.core.requirements.specs import marker_environment

ENV = marker_environment("3.12.1")


def graph(*packages: dict) -> Graph:
    text = "".join(f'[[package]]\nname = "{p["name"]}"\n' for p in packages)
    return Graph(Path("uv.lock"), text, list(packages))


def names(g: Graph, reached: set[int]) -> set[str]:
    return {g.packages[i]["name"] for i in reached}


def test_a_cycle_ends_and_extras_asked_by_an_extra_are_followed():
    g = graph(
        {"name": "a", "dependencies": [{"name": "b", "extra": ["x"]}]},
        {
            "name": "b",
            "dependencies": [{"name": "a"}],
            "optional-dependencies": {"x": [{"name": "c", "extra": ["y"]}]},
        },
        {"name": "c", "optional-dependencies": {"y": [{"name": "d"}], "z": [{"name": "e"}]}},
        {"name": "d"},
        {"name": "e"},
    )
    assert names(g, walk(g, [0], ENV, [])) == {"a", "b", "c", "d"}


def test_a_name_locked_twice_is_told_apart_by_version_or_refused_at_its_place():
    g = graph(
        {"name": "a", "dependencies": [{"name": "b", "version": "2.0"}]},
        {"name": "b", "version": "1.0"},
        {"name": "b", "version": "2.0"},
    )
    assert walk(g, [0], ENV, []) == {0, 2}
    g = graph(
        {"name": "a", "dependencies": [{"name": "b"}]},
        {"name": "b", "version": "1"},
        {"name": "b", "version": "2"},
    )
    with pytest.raises(EnvFileError) as info:
        walk(g, [0], ENV, [])
    assert info.value.detail == "dependency b of a names more than one package of the lock"
    assert (info.value.line, info.value.column) == (2, 8)
