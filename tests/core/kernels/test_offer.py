"""Kernelspecs offered for environments: names, display names, argv -> prefix, ipykernel's logos."""

from __future__ import annotations

import dataclasses
import importlib.machinery
import os
import sys
import types

import pytest
from support.factory import PYKERNEL, write_kernel
from support.hostile import healthy

from jupyter_envpanel.core.base.model import KernelFile
from jupyter_envpanel.core.kernels import offer as kernels
from jupyter_envpanel.core.kernels.offer import prefix_from_argv
from jupyter_envpanel.core.service import EnvService


def test_ipykernel_logos_only_when_ipykernel_and_its_resources_exist(tmp_path, monkeypatch):
    assert kernels.ipykernel_resources() is not None
    monkeypatch.setitem(sys.modules, "ipykernel", None)  # not importable in the server's Python
    assert kernels.ipykernel_resources() is None
    fake = types.ModuleType("ipykernel")
    fake.__spec__ = importlib.machinery.ModuleSpec("ipykernel", None, is_package=True)
    fake.__spec__.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setitem(sys.modules, "ipykernel", fake)  # an ipykernel without its resources folder
    assert kernels.ipykernel_resources() is None
    (tmp_path / "resources").mkdir()
    assert kernels.ipykernel_resources() == str(tmp_path / "resources")


def test_only_environments_in_an_envs_folder_get_nb_conda_kernels_old_names(world):
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1", ipykernel=True)
    world.conda_env(world.home / ".conda" / "envs" / "foo", ipykernel=True)
    loose = world.conda_env(world.base / "projects" / "loose", ipykernel=True)
    world.environments_txt(loose)
    envs = {e.name: e for e in EnvService(world.host()).listing().environments}
    assert not envs["loose"].named and envs["foo"].named and envs["base"].is_base
    old = {
        name: [n for k in kernels.offered(e, kernels.KernelOptions()) for n in kernels.legacy_names(k)]
        for name, e in envs.items()
    }
    assert old == {"base": [], "foo": ["conda-env-.conda-foo-py"], "loose": []}


def test_a_display_name_without_a_label_uses_the_kind_label(world):
    good = healthy(world)
    env = {e.name: e for e in EnvService(world.host()).listing().environments}["good"]
    kfile = next(k for k in kernels._kernel_files(env) if k.dir_name == "python3")
    options = kernels.KernelOptions()
    unlabelled = dataclasses.replace(env, label="")
    assert kernels._display_name(options, unlabelled, kfile) == kernels._display_name(options, env, kfile)
    assert kernels._display_name(options, env, kfile) == "Python [conda env:good]" and good.is_dir()


def test_a_kernels_own_fields_survive_and_activation_is_added(world):
    world.conda_env(world.home / "miniconda3", python="3.12.1")
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "r")
    (prefix / "bin").mkdir(exist_ok=True)
    (prefix / "bin" / "R").write_text("#!/bin/sh\n")
    own = {
        "argv": ["R", "--slave", "{connection_file}"],
        "display_name": "R 4.3",
        "language": "R",
        "env": {"R_LIBS": "/team/lib", "CONDA_PREFIX": "/mine"},
        "metadata": {"team": 1},
        "interrupt_mode": "message",
    }
    write_kernel(prefix, "ir", own)
    env = {e.name: e for e in EnvService(world.host()).listing().environments}["r"]
    files = {k.dir_name: k for k in kernels._kernel_files(env)}
    options = kernels.KernelOptions()
    spec = kernels.build_spec(env, files["ir"], options)
    assert spec["argv"] == [str(prefix / "bin" / "R"), "--slave", "{connection_file}"]
    assert spec["language"] == "R" and spec["interrupt_mode"] == "message"
    assert spec["display_name"] == "R 4.3 [conda env:r]"
    assert spec["env"]["R_LIBS"] == "/team/lib" and spec["env"]["CONDA_PREFIX"] == "/mine"  # its own wins
    assert spec["env"]["CONDA_DEFAULT_ENV"] == "r" and spec["env"]["PATH"] == f"{prefix / 'bin'}:${{PATH}}"
    assert spec["metadata"] == {
        "team": 1,
        "conda_env_name": "r",
        "conda_env_path": str(prefix),
        "envpanel": {"name": "r", "prefix": str(prefix), "kind": "conda"},
    }
    bare = kernels.build_spec(env, KernelFile("bare", "", {"display_name": "Bare"}), options)  # no argv
    assert (
        bare["argv"] == [] and bare["language"] == "python" and bare["display_name"] == "Bare [conda env:r]"
    )
    assert kernels._resolve_argv(env, []) == []
    assert kernels._resolve_argv(env, ["/usr/bin/R", "R"]) == ["/usr/bin/R", "R"]  # absolute: as given
    assert kernels._resolve_argv(env, ["/usr/bin/R"]) == ["/usr/bin/R"]


def test_the_servers_own_environment_is_marked_with_a_star(world):
    healthy(world)
    env = {e.name: e for e in EnvService(world.host()).listing().environments}["good"]
    kfile = kernels._kernel_files(env)[0]
    server = dataclasses.replace(env, is_server=True)
    assert kernels._display_name(kernels.KernelOptions(), server, kfile) == "Python [conda env:good] *"
    assert kernels._display_name(kernels.KernelOptions(), env, kfile) == "Python [conda env:good]"


def test_kernel_names_keep_case_and_clashing_names_get_a_prefix_digest(world):
    import hashlib

    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    for name in ("MyEnv", "with space", "with_space", os.fsdecode(b"caf\xe9 env"), "caf__env"):
        world.conda_env(root / "envs" / name, ipykernel=True)
    listing = EnvService(world.host()).listing()
    by_name = {e.name: e for e in listing.environments}
    names = {e.name: [k.name for k in e.kernels] for e in listing.environments}

    def digest(name: str) -> str:
        return hashlib.sha1(by_name[name].prefix.encode("utf-8", "surrogateescape")).hexdigest()[:6]

    assert names["MyEnv"] == ["conda-env-MyEnv-py"]
    assert names["with_space"] == ["conda-env-with_space-py"]  # already clean: keeps its name
    assert names["with space"] == [f"conda-env-with_space-{digest('with space')}-py"]
    assert names["caf__env"] == ["conda-env-caf__env-py"]
    undecodable = os.fsdecode(b"caf\xe9 env")  # a folder name that is not UTF-8
    assert names[undecodable] == [f"conda-env-caf__env-{digest(undecodable)}-py"]
    assert len(digest("with space")) == 6


def test_a_kernel_made_from_ipykernel_alone(world, monkeypatch):
    world.conda_env(world.home / "miniconda3", python="3.12.1")
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "bare", ipykernel=True)
    env = {e.name: e for e in EnvService(world.host()).listing().environments}["bare"]
    [made] = kernels._kernel_files(env)
    python = env.executable or str(prefix / "bin" / "python")
    assert made.dir_name == "python3" and made.resource_dir == kernels.ipykernel_resources()
    assert made.spec == {
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": True},
    }
    monkeypatch.setitem(sys.modules, "ipykernel", None)  # the server has no ipykernel: no logos
    assert kernels._kernel_files(env)[0].resource_dir == ""


def test_exclude_and_kinds_options_drop_an_environments_kernels(world):
    healthy(world)
    env = {e.name: e for e in EnvService(world.host()).listing().environments}["good"]
    offered = kernels.offered
    assert [k.name for k in offered(env, kernels.KernelOptions())] == ["conda-env-good-py"]
    assert offered(env, kernels.KernelOptions(exclude="envs/go+d$")) == []
    assert len(offered(env, kernels.KernelOptions(exclude="envs/other"))) == 1
    assert offered(env, kernels.KernelOptions(kinds=("venv",))) == []


def test_kernel_refs_and_hints_per_environment(world):
    healthy(world)
    root = world.home / "miniconda3"
    multi = world.conda_env(root / "envs" / "multi", ipykernel=True)
    for folder in ("python3", "py", "python2"):  # all three shorten to `py`
        write_kernel(multi, folder, {**PYKERNEL, "display_name": f"P {folder}"})
    world.conda_env(root / "envs" / "nokernel")
    envs = {e.name: e for e in EnvService(world.host()).listing().environments}
    options = kernels.KernelOptions()
    names = [k.name for k in kernels.offered(envs["multi"], options)]
    assert names == ["conda-env-multi-py", "conda-env-multi-py-2", "conda-env-multi-py-3"]
    [ref] = kernels.kernel_refs(envs["good"], options, ["conda-env-good-py"])
    good = root / "envs" / "good"
    assert ref == kernels.KernelRef(
        "conda-env-good-py",
        "Python [conda env:good]",
        "python",
        True,
        str(good / "share/jupyter/kernels/python3"),
    )
    server = dataclasses.replace(envs["good"], is_server=True)
    native = kernels.KernelRef("python3", "Python 3 (ipykernel)", "python", False)
    assert kernels.kernel_refs(server, options, []) == (native,)
    assert kernels.kernel_refs(server, options, ["python3"]) == (
        dataclasses.replace(native, registered=True),
    )
    assert kernels.offered(server, options) == []
    assert len(kernels.offered(server, dataclasses.replace(options, offer_server_env=True))) == 1

    assert envs["good"].kernel_hint == ""  # it has a kernel
    assert envs["nokernel"].kernel_hint == "" and not envs["nokernel"].kernels  # no conda here to say how
    excluded = kernels.kernel_refs(envs["good"], dataclasses.replace(options, exclude="good"), [])
    assert excluded == ()


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
