"""Finding an environment by name or prefix: what a request that names none gets."""

from __future__ import annotations

import pytest

from jupyter_envpanel.core.base.errors import InvalidArgument
from jupyter_envpanel.core.service import EnvService


@pytest.mark.parametrize("ref", ["", "ml\x00", "./ml\x00"], ids=["empty", "nul-name", "nul-path"])
@pytest.mark.parametrize("allow_any_prefix", [False, True], ids=["listed", "any-prefix"])
def test_an_empty_or_nul_environment_reference_is_a_bad_request(world, ref, allow_any_prefix):
    """No name, or one no folder can have, is a 400 that says a name or prefix is required (not a 404)."""
    world.conda_env(world.home / "miniconda3" / "envs" / "ml")
    world.server_env()
    service = EnvService(world.host())
    with pytest.raises(InvalidArgument, match="^an environment name or prefix is required$") as info:
        service.find(ref, allow_any_prefix=allow_any_prefix)
    assert info.value.status == 400
