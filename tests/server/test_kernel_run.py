"""A real ipykernel started through the server runs inside its environment, activated."""

from __future__ import annotations

import json

import pytest
from support.factory import PYKERNEL, write_kernel
from support.kernels import run_in_kernel
from support.server import get_json

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


@pytest.mark.parametrize("folder,kernel", [("with space", "with_space"), ("café", "cafe")])
async def test_env_names_that_need_cleaning_give_kernels_that_start(
    server_world, jp_fetch, jp_serverapp, folder, kernel
):
    prefix = server_world.conda_env(
        server_world.home / "miniconda3" / "envs" / folder, ipykernel=True, runnable=True
    )
    write_kernel(prefix, "python3", PYKERNEL)
    response = await jp_fetch("api", "kernelspecs")
    specs = json.loads(response.body)["kernelspecs"]
    name = f"conda-env-{kernel}-py"
    assert name in specs and specs[name]["spec"]["display_name"] == f"Python [conda env:{folder}]"
    seen = await run_in_kernel(jp_fetch, jp_serverapp, name)
    assert seen["PREFIX"] == str(prefix) and seen["DEFAULT"] == folder


async def test_a_venv_kernel_runs_with_virtual_env_set(server_world, jp_fetch, jp_serverapp):
    prefix = server_world.venv(server_world.root / "proj" / ".venv", dists=[("ipykernel", "6.29.5", True)])
    (server_world.root / "proj" / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0"\n')
    server_world.make_runnable(prefix)
    code, data = await get_json(jp_fetch, "environments")
    env = next(e for e in data["environments"] if e["prefix"] == str(prefix))
    kernel = env["kernels"][0]["name"]
    code = (
        "import os\n"
        "print('VENV=' + os.environ.get('VIRTUAL_ENV', ''))\n"
        "print('CONDA=' + os.environ.get('CONDA_PREFIX', ''))\n"
    )
    seen = await run_in_kernel(jp_fetch, jp_serverapp, kernel, code)
    assert seen == {"VENV": str(prefix), "CONDA": ""}
