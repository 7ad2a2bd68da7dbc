"""Kernel contract details a mutation run found untested: argv -> prefix, register/unregister rules."""

from __future__ import annotations

import json
import os
import sys

import pytest
from support.factory import PYKERNEL, write_kernel

from jupyter_envpanel.core.base.errors import EnvPanelError
from jupyter_envpanel.core.kernels.offer import prefix_from_argv
from jupyter_envpanel.core.kernels.registry import user_kernels_dir
from jupyter_envpanel.core.service import EnvService

ARGV_CASES = [
    (["/envs/x/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "/envs/x"),
    (
        ["/usr/bin/bash", "-c", 'source activate.d; exec "$@"', "/envs/act", "/envs/act/bin/python"],
        "/envs/act",
    ),
    (["sh", "-c", 'exec "$@"', "/envs/sh", "python"], "/envs/sh"),
    (["/envs/code/bin/python", "-c", "print(1)", "arg"], "/envs/code"),  # `-c` of a python is no wrapper
    (
        [
            "/opt/conda/bin/python",
            "-m",
            "nb_conda_kernels.runner",
            "/opt/conda",
            "/opt/conda/envs/nb",
            "python",
        ],
        "/opt/conda/envs/nb",
    ),
    (["/envs/win/Scripts/python.exe", "-m", "ipykernel_launcher"], "/envs/win"),
    (["/opt/tool/python", "-m", "ipykernel_launcher"], "/opt/tool"),  # not in bin/: its own folder
]


@pytest.mark.parametrize("argv,prefix", ARGV_CASES, ids=[c[1] for c in ARGV_CASES])
def test_prefix_from_argv(argv, prefix):
    assert prefix_from_argv(argv) == prefix


def test_prefix_from_argv_finds_a_bare_command_on_path(tmp_path, monkeypatch):
    exe = tmp_path / "env" / "bin" / "mykernel"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(exe.parent))
    assert prefix_from_argv(["mykernel", "-f", "x"]) == str(tmp_path / "env")
    assert prefix_from_argv(["not-on-path-anywhere", "-f", "x"]) is None
    assert prefix_from_argv(["bash", "-c", "x"]) != "x"  # three items: no wrapper, no IndexError


def test_a_bare_python_maps_to_the_server_interpreter_as_jupyter_client_runs_it(tmp_path, monkeypatch):
    # Given a native kernelspec whose argv[0] is a bare `python` and no python on PATH
    monkeypatch.setenv("PATH", str(tmp_path))
    server = str(tmp_path / "venv" / "bin" / "python")
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"

    # Then it runs in the server's environment, as jupyter_client starts it (sys.executable)
    for name in ("python", "python3", version):
        assert prefix_from_argv([name, "-m", "ipykernel_launcher"], server) == str(tmp_path / "venv")
    assert prefix_from_argv(["python2.7", "-m", "x"], server) is None  # not a name jupyter_client replaces
    assert prefix_from_argv(["python", "-m", "x"]) is None  # no server interpreter given: PATH only


def test_register_errors_say_what_and_where(world):
    world.conda_env(world.home / "miniconda3" / "envs" / "plain")
    ml = world.conda_env(world.home / "miniconda3" / "envs" / "ml", ipykernel=True)
    write_kernel(ml, "python3", PYKERNEL)
    data = world.base / "fresh" / "nested" / "data"  # no part of it exists yet
    host = world.host(JUPYTER_DATA_DIR=str(data))
    service = EnvService(host)
    with pytest.raises(
        EnvPanelError, match=r"^this environment has no kernel to register \(install ipykernel"
    ):
        service.register("plain")
    assert service.register("ml") == ["conda-env-ml-py"]  # parents created
    written = data / "kernels" / "conda-env-ml-py" / "kernel.json"
    assert json.loads(written.read_text())["metadata"]["envpanel"]["registered_by"] == "jupyter-envpanel"
    assert not [n for n in os.listdir(written.parent) if n.endswith(".tmp")]  # no temporary left
    written.write_text(json.dumps(PYKERNEL))  # now someone else's
    with pytest.raises(EnvPanelError, match="conda-env-ml-py exists and was not written by jupyter-envpanel"):
        service.register("ml")
    with pytest.raises(
        EnvPanelError, match="conda-env-ml-py was not written by jupyter-envpanel; remove it yourself"
    ):
        service.unregister("ml")
    assert written.exists()


def test_unregister_never_touches_a_system_wide_spec(world):
    ml = world.conda_env(world.home / "miniconda3" / "envs" / "ml", ipykernel=True)
    write_kernel(ml, "python3", PYKERNEL)
    host = world.host(JUPYTER_DATA_DIR=str(world.base / "data"))
    service = EnvService(host)
    system = world.base / "system" / "kernels"
    (system / "conda-env-ml-py").mkdir(parents=True)
    (system / "conda-env-ml-py" / "kernel.json").write_text(json.dumps(PYKERNEL))
    with pytest.raises(EnvPanelError, match="conda-env-ml-py is installed system-wide"):
        service.unregister("ml", [system])
    assert (system / "conda-env-ml-py" / "kernel.json").exists()
    assert service.unregister("ml", [world.base / "elsewhere"]) == []  # nothing anywhere: a success
    service.register("ml")
    assert service.unregister("ml", [system]) == ["conda-env-ml-py"]  # ours in the user's dir goes
    assert not (user_kernels_dir(host) / "conda-env-ml-py").exists()
    assert (system / "conda-env-ml-py" / "kernel.json").exists()
    # the user's own directory given as a "system" dir is not a system-wide install
    assert service.unregister("ml", [user_kernels_dir(host)]) == []


@pytest.mark.parametrize(
    "argv,prefix",
    [
        (["sh", "-c", 'exec "$@"', "/envs/four"], "/envs/four"),  # a wrapper with nothing after the prefix
        (["/opt/conda/bin/python", "-m", "nb_conda_kernels.runner", "/opt/conda", "/envs/nb"], "/envs/nb"),
        (["/opt/conda/bin/python", "-m", "nb_conda_kernels.runner", "/opt/conda"], None),  # cut short
    ],
)
def test_prefix_from_argv_edges(argv, prefix):
    assert prefix_from_argv(argv) == prefix


def test_resolve_in_root_says_why(world):
    from jupyter_envpanel.core.base.errors import InvalidArgument, OutsideRoot
    from jupyter_envpanel.core.base.paths import resolve_in_root

    for bad in ("", "a\x00b"):
        with pytest.raises(InvalidArgument, match="^a file path relative to the server root is required$"):
            resolve_in_root(world.root, bad)
    for absolute in ("/etc/passwd", "~/x"):
        with pytest.raises(
            OutsideRoot, match="^paths are relative to the server root; an absolute path is not accepted$"
        ):
            resolve_in_root(world.root, absolute)
    with pytest.raises(OutsideRoot, match="^the path resolves outside the server root$"):
        resolve_in_root(world.root, "../x")
    assert resolve_in_root(world.root, ".") == world.root.resolve()


def test_a_bare_kernel_command_runs_the_environments_own_program(world):
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "jl")
    (prefix / "bin").mkdir(exist_ok=True)
    (prefix / "bin" / "julia").write_text("#!/bin/sh\n")
    (prefix / "bin" / "julia").chmod(0o755)
    write_kernel(
        prefix, "julia-1.10", {"argv": ["julia", "-i", "{connection_file}"], "display_name": "Julia 1.10"}
    )
    write_kernel(
        prefix, "nolang", {"argv": ["/usr/bin/true", "{connection_file}"], "display_name": "No language"}
    )
    service = EnvService(world.host())
    kernels = service.offered_kernels()
    julia = kernels["conda-env-jl-julia-1.10"].spec
    assert julia["argv"][0] == str(prefix / "bin" / "julia") and julia["argv"][1:] == [
        "-i",
        "{connection_file}",
    ]
    assert (
        kernels["conda-env-jl-nolang"].spec["language"] == "python"
    )  # a spec without one, as jupyter_client
