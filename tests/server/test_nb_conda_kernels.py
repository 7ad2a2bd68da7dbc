"""With nb_conda_kernels configured as the kernel spec manager, ours replaces it: nothing twice."""

from __future__ import annotations

import json

import pytest
from support.server import make_envs

from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager


@pytest.fixture
def nb_conda_kernels_importable(tmp_path, monkeypatch):
    """nb_conda_kernels is not on PyPI: a module at its import path lets traitlets resolve the setting."""
    package = tmp_path / "site" / "nb_conda_kernels"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from jupyter_client.kernelspec import KernelSpecManager\n\n\n"
        "class CondaKernelSpecManager(KernelSpecManager):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))


@pytest.fixture
def jp_server_config(nb_conda_kernels_importable):
    """Configure the server the way installing nb_conda_kernels does."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_envpanel": True},
            "kernel_spec_manager_class": "nb_conda_kernels.CondaKernelSpecManager",
        }
    }


async def test_nb_conda_kernels_manager_is_replaced_so_nothing_is_listed_twice(
    server_world, jp_fetch, jp_serverapp, jp_data_dir
):
    make_envs(server_world)
    assert isinstance(jp_serverapp.kernel_spec_manager, EnvPanelKernelSpecManager)
    # nb_conda_kernels with `kernelspec_path` also wrote its spec for ml where Jupyter looks
    written = jp_data_dir / "kernels" / "conda-env-ml-py"
    written.mkdir(parents=True)
    (written / "kernel.json").write_text(
        json.dumps({"argv": ["python"], "display_name": "Python [conda env:ml]", "language": "python"})
    )
    response = await jp_fetch("api", "kernelspecs")
    specs = json.loads(response.body)["kernelspecs"]
    shown = [s["spec"]["display_name"] for s in specs.values()]
    assert shown.count("Python [conda env:ml]") == 1  # one kernel per env kernel, not two
    assert specs["conda-env-ml-py"]["spec"]["metadata"]["envpanel"]["name"] == "ml"  # ours, activated
