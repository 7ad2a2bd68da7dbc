"""Names tell the truth: nb_conda_kernels' for conda envs, their own for venvs, pixi envs, interpreters."""

from __future__ import annotations

import pytest
from factory import envs_of

from jupyter_envpanel.core.kernels import KernelOptions
from jupyter_envpanel.core.labels import env_label
from jupyter_envpanel.core.model import Environment
from jupyter_envpanel.core.service import EnvService


def make_world(world):
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1", ipykernel=True)
    world.conda_env(root / "envs" / "ml", ipykernel=True)
    world.venv(world.root / ".venv", dists=[("ipykernel", "6.29.5", False)])
    world.conda_env(world.root / ".pixi" / "envs" / "default", ipykernel=True)
    world.conda_env(world.root / ".pixi" / "envs" / "cuda", ipykernel=True)
    world.server_env()


def kernels(listing) -> dict:
    return {k.name: k.display_name for e in listing.environments for k in e.kernels}


def test_display_names_per_kind_and_unchanged_kernel_names(world):
    make_world(world)
    listing = EnvService(world.host()).listing()
    assert kernels(listing) == {
        "conda-base-py": "Python [conda env:base]",
        "conda-env-ml-py": "Python [conda env:ml]",
        "conda-env-.venv-py": "Python [venv: root/.venv]",
        "conda-env-root-default-py": "Python [pixi: root]",
        "conda-env-root-cuda-py": "Python [pixi: root:cuda]",
        "python3": "Python 3 (ipykernel)",  # the server's own, native kernel
    }
    envs = envs_of(listing)
    assert envs["ml"].to_json()["label"] == "conda env:ml"
    assert envs[".venv"].to_json()["label"] == "venv: root/.venv"


def test_name_format_applies_to_every_kind(world):
    make_world(world)
    options = KernelOptions(name_format="{environment} ({kind}; {label}; {kernel}; {display_name})")
    names = kernels(EnvService(world.host(), options=options).listing())
    assert names["conda-env-ml-py"] == "ml (conda; conda env:ml; python3; Python 3 (ipykernel))"
    assert names["conda-env-.venv-py"] == ".venv (venv; venv: root/.venv; python3; Python 3 (ipykernel))"
    broken = KernelOptions(name_format="{nope}")
    assert (
        kernels(EnvService(world.host(), options=broken).listing())["conda-env-ml-py"]
        == "Python [conda env:ml]"
    )


@pytest.mark.parametrize(
    "prefix, kind, version, label",
    [
        ("/root/.pyenv/versions/3.11.7", "pyenv", "3.11.7", "pyenv 3.11.7"),
        ("/usr", "system", "3.11.2", "/usr/bin/python3"),
        ("/usr/local", "system", "3.12.1", "/usr/local/bin/python3"),
        ("/opt/python/3.10", "system", "3.10.13", "python 3.10.13 (3.10)"),
    ],
)
def test_the_servers_interpreter_is_labelled_by_what_it_is(prefix, kind, version, label):
    env = Environment(name="system", prefix=prefix, kind=kind, is_server=True, python_version=version)
    assert env_label(env) == label
