"""Names tell the truth: nb_conda_kernels' for conda envs, their own for venvs, pixi envs, interpreters."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.factory import envs_of

from jupyter_envpanel.core.base.model import Environment
from jupyter_envpanel.core.environments.labels import env_label
from jupyter_envpanel.core.kernels.offer import KernelOptions
from jupyter_envpanel.core.service import EnvService, ServiceOptions


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
    names = kernels(EnvService(world.host(), ServiceOptions(kernels=options)).listing())
    assert names["conda-env-ml-py"] == "ml (conda; conda env:ml; python3; Python 3 (ipykernel))"
    assert names["conda-env-.venv-py"] == ".venv (venv; venv: root/.venv; python3; Python 3 (ipykernel))"
    broken = KernelOptions(name_format="{nope}")
    assert (
        kernels(EnvService(world.host(), ServiceOptions(kernels=broken)).listing())["conda-env-ml-py"]
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


def env(kind: str, prefix: str, **facts) -> Environment:
    return Environment(name=facts.pop("name", Path(prefix).name), prefix=prefix, kind=kind, **facts)


@pytest.mark.parametrize(
    "environment, label",
    [
        (env("system", "/usr"), "/usr/bin/python3"),  # no version known: python3, as Debian names it
        (env("system", "/opt/homebrew", python_version="3.13.1"), "/opt/homebrew/bin/python3"),
        (env("system", "/opt/py", executable="/opt/py/bin/python3.12"), "/opt/py/bin/python3.12"),
        (env("system", "/opt/python/3.10"), "python (3.10)"),
        (env("pixi", "/w/proj/.pixi/envs/default", project="proj"), "pixi: proj"),
        (env("pixi", "/home/u/.pixi/envs/ruff"), "pixi: global ruff"),
        (env("poetry", "/c/pypoetry/virtualenvs/app-Xy12-py3.11", project="app"), "poetry: app"),
        (env("poetry", "/c/pypoetry/virtualenvs/app-Xy12-py3.11"), "poetry: app-Xy12-py3.11"),
        (env("pipenv", "/h/.local/share/virtualenvs/site-AbC1", project="site"), "pipenv: site"),
        (env("hatch", "/h/.local/share/hatch/env/virtual/app/x/test", name="app:test"), "hatch: app:test"),
        (env("uv", "/w/proj/.venv", is_venv=True), "uv: proj/.venv"),
        (env("uv", "/h/.local/share/uv/python/cpython-3.12.1", python_version="3.12.1"), "uv python 3.12.1"),
        # no version known (a folder uv did not name): its folder, never "uv python None"
        (env("uv", "/h/.local/share/uv/python/cpython-3.12-x"), "uv python cpython-3.12-x"),
        (env("pyenv", "/h/.pyenv/versions/tools", is_venv=True), "pyenv-virtualenv: tools"),
        (env("virtualenvwrapper", "/h/.virtualenvs/web"), "virtualenvwrapper: web"),
        (env("venv", "/w/proj/.venv"), "venv: proj/.venv"),
        (env("conda", "/o/envs/ml"), "conda env:ml"),
        (env("a-kind-from-a-later-version", "/x/y"), "y"),  # an unknown kind is named by its name
    ],
    ids=lambda value: value.kind if isinstance(value, Environment) else value,
)
def test_every_kind_has_its_label(environment, label):
    assert env_label(environment) == label
