"""The REST API through pytest-jupyter's server: the standard environments and JSON calls."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from support.factory import CONDA_FORGE, PYKERNEL, write_kernel


def make_envs(world):
    """Write base, `ml` (numpy, seaborn, a Python and an R kernel, activation) and `plain` (no kernel)."""
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1", ipykernel=True)
    ml = world.conda_env(
        root / "envs" / "ml",
        packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE), "seaborn=0.13.2"],
        requested=["numpy", "seaborn"],
        ipykernel=True,
        runnable=True,
        state_vars={"FROM_STATE": "state-value"},
        activate={"10-demo.sh": 'export FROM_ACTIVATE="activated:$CONDA_PREFIX"\n'},
    )
    write_kernel(ml, "python3", PYKERNEL)
    write_kernel(
        ml,
        "ir",
        {
            "argv": ["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"],
            "display_name": "R",
            "language": "R",
        },
    )
    world.conda_env(root / "envs" / "plain", ipykernel=False)
    (world.root / "environment.yml").write_text("name: ml\ndependencies:\n  - python=3.11\n  - numpy>=1.26\n")
    return root


async def get_json(jp_fetch, *parts, **params):
    """GET /envpanel/api/<parts>?<params>; return the status and the decoded JSON."""
    response = await jp_fetch("envpanel", "api", *parts, params=params or None)
    return response.code, json.loads(response.body)


async def expect_error(jp_fetch, code, *parts, method="GET", **params):
    """Call a route that must fail with `code` and a JSON message; return the body."""
    with pytest.raises(HTTPClientError) as info:
        kwargs = {"method": method, "params": params or None}
        if method == "POST":
            kwargs["body"] = b"{}"
        await jp_fetch("envpanel", "api", *parts, **kwargs)
    assert info.value.code == code, info.value.response.body
    body = json.loads(info.value.response.body)
    assert body["message"]
    return body
