"""A real ipykernel started through the server runs inside its environment, activated."""

from __future__ import annotations

import json

from support.factory import PYKERNEL, write_kernel
from support.kernels import run_in_kernel

# conda's activate.d scripts are written for bash (conda sources them from the user's bash)
BASHISM = 'if [[ -n "$BASH_VERSION" ]]; then export FROM_BASH="bash $CONDA_PROMPT_MODIFIER"; fi\n'


async def test_kernel_sees_activated_environment(server_world, jp_fetch, jp_serverapp):
    prefix = server_world.conda_env(
        server_world.home / "miniconda3" / "envs" / "ml",
        ipykernel=True,
        runnable=True,
        state_vars={"FROM_STATE": "state-value"},
        activate={"10-demo.sh": 'export FROM_ACTIVATE="activated:$CONDA_PREFIX"\n', "20-bash.sh": BASHISM},
    )
    write_kernel(prefix, "python3", PYKERNEL)
    seen = await run_in_kernel(jp_fetch, jp_serverapp, "conda-env-ml-py")
    assert seen == {
        "PREFIX": str(prefix),
        "PATH0": str(prefix / "bin"),
        "ACTIVATE": f"activated:{prefix}",
        "STATE": "state-value",
        "DEFAULT": "ml",
        "PROMPT": "(ml) ",
        "BASH": "bash (ml) ",
    }


async def test_env_without_scripts_has_no_wrapper_and_still_runs(server_world, jp_fetch, jp_serverapp):
    prefix = server_world.conda_env(server_world.base / "projects" / "p1", ipykernel=True, runnable=True)
    server_world.environments_txt(prefix)
    response = await jp_fetch("api", "kernelspecs")
    spec = json.loads(response.body)["kernelspecs"]["conda-env-p1-py"]["spec"]
    assert spec["argv"][0] == str(prefix / "bin" / "python")  # synthesized from ipykernel, no wrapper
    seen = await run_in_kernel(jp_fetch, jp_serverapp, "conda-env-p1-py")
    assert seen["PREFIX"] == str(prefix) and seen["PATH0"] == str(prefix / "bin")
    assert seen["DEFAULT"] == str(prefix)  # prefix-only envs: conda sets the path, not a name
