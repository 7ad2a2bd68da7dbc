"""core/base/model.py: the shapes of an environment, as discovery finds it and as the listing shows it."""

from __future__ import annotations

import dataclasses

from jupyter_envpanel.core.base.model import Discovered, Environment


def test_a_listed_environment_keeps_every_field_discovery_found():
    """Environment.of copies each field of Discovered by name (no introspection per environment)."""
    values: dict[str, object] = {}
    for number, item in enumerate(dataclasses.fields(Discovered)):
        kind = str(item.type)
        if "bool" in kind:
            values[item.name] = True
        elif "tuple" in kind:
            values[item.name] = (f"value {number}",)
        elif "int" in kind:
            values[item.name] = number + 1
        else:
            values[item.name] = f"value {number}"
    found = Discovered(**values)
    env = Environment.of(found, label="a label")
    assert {name: getattr(env, name) for name in values} == values
    assert env.label == "a label"
