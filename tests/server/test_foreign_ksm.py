"""With `manage_kernelspecs = False` the server keeps Jupyter's own kernel spec manager: routes still work."""

from __future__ import annotations

import json

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from support.server import get_json, make_envs

from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager


@pytest.fixture
def jp_server_config():
    """The extension on, its kernel spec manager off."""
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_envpanel": True}},
        "EnvPanelApp": {"manage_kernelspecs": False},
    }


async def test_routes_work_with_jupyters_own_kernel_spec_manager(
    server_world, jp_fetch, jp_serverapp, jp_data_dir
):
    make_envs(server_world)
    ksm = jp_serverapp.kernel_spec_manager
    assert type(ksm) is KernelSpecManager and not isinstance(ksm, EnvPanelKernelSpecManager)
    ml = server_world.home / "miniconda3" / "envs" / "ml"
    folder = jp_data_dir / "kernels" / "ml-by-hand"
    folder.mkdir(parents=True)
    spec = {"argv": [str(ml / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"]}
    (folder / "kernel.json").write_text(json.dumps({**spec, "display_name": "ML", "language": "python"}))
    code, listing = await get_json(jp_fetch, "environments")
    assert code == 200 and "ml" in {e["name"] for e in listing["environments"]}
    specs = json.loads((await jp_fetch("api", "kernelspecs")).body)["kernelspecs"]
    assert "ml-by-hand" in specs and "conda-env-ml-py" not in specs  # Jupyter's own list, untouched
    code, answer = await get_json(jp_fetch, "kernels", "ml-by-hand", "environment")
    assert code == 200 and answer["environment"]["name"] == "ml" and answer["display_name"] == "ML"
    assert answer["prefix"] == str(ml)
