"""core/base/model.py: the shapes of an environment, as discovery finds it and as the listing shows it."""

from __future__ import annotations

import dataclasses

import pytest

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
    assert env == Environment(**values, label="a label")  # the same value the constructor makes
    assert hash(env) == hash(Environment(**values, label="a label"))


def test_a_listed_environment_is_frozen_and_takes_only_the_listings_fields():
    """Environment.of refuses a field it does not add, resets those of an Environment given, stays frozen."""
    found = Discovered(name="ml", prefix="/envs/ml", kind="conda")
    env = Environment.of(found, label="conda env:ml", kernel_hint="conda install ipykernel")
    again = Environment.of(env, shared=True)
    assert (again.label, again.kernel_hint, again.shared) == ("", "", True)
    with pytest.raises(TypeError, match="prefix"):
        Environment.of(found, prefix="/elsewhere")
    with pytest.raises(dataclasses.FrozenInstanceError):
        env.name = "other"  # type: ignore[misc]


def test_discovery_builds_its_values_from_every_field():
    """Discovered.of_fields makes what the constructor makes, and refuses a missing or unknown field."""
    given = ("name", "prefix", "kind")
    values = {f.name: f.default for f in dataclasses.fields(Discovered) if f.name not in given}
    found = Discovered.of_fields(name="ml", prefix="/envs/ml", kind="conda", **values)
    assert found == Discovered(name="ml", prefix="/envs/ml", kind="conda")
    assert found.__dict__ == Discovered(name="ml", prefix="/envs/ml", kind="conda").__dict__
    with pytest.raises(TypeError, match="kind"):
        Discovered.of_fields(name="ml", prefix="/envs/ml", **values)
    with pytest.raises(TypeError, match="colour"):
        Discovered.of_fields(name="ml", prefix="/envs/ml", kind="conda", colour="red", **values)
