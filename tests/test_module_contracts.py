"""Details of paths, kernel specs and the registry a mutation run showed untested."""

from __future__ import annotations

import dataclasses
import importlib.machinery
import json
import os
import sys
import tempfile
import types
from pathlib import Path

import pytest
from factory import write_kernel
from hostile import PYKERNEL, healthy

from jupyter_envpanel.core.base.errors import FileNotFound
from jupyter_envpanel.core.base.model import KernelFile
from jupyter_envpanel.core.base.paths import nearest_envfile
from jupyter_envpanel.core.kernels import offer as kernels
from jupyter_envpanel.core.kernels import registry
from jupyter_envpanel.core.service import EnvService


def test_env_file_search_from_outside_stop_never_climbs_above_it(world):
    (world.base / "environment.yml").write_text("dependencies: []\n")
    elsewhere = world.base / "elsewhere" / "deep"
    elsewhere.mkdir(parents=True)
    world.root.mkdir(exist_ok=True)
    with pytest.raises(FileNotFound) as info:
        nearest_envfile(elsewhere, ["environment.yml"], stop=world.root)
    assert info.value.path == str(elsewhere)  # without a root to confine to, the path as given
    (world.root / "binder").mkdir()
    (world.root / "binder" / "environment.yml").write_text("dependencies: []\n")
    assert (
        nearest_envfile(elsewhere, ["environment.yml"], stop=world.root)
        == world.root / "binder" / "environment.yml"
    )


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


def test_registered_kernel_json_is_indented_like_jupyters_own(world, monkeypatch):
    healthy(world)
    monkeypatch.setattr(tempfile, "tempdir", str(world.base / "no-such-tmp"))  # a full or missing /tmp
    service = EnvService(world.host())
    names = service.register("good")
    folder = registry.user_kernels_dir(world.host()) / names[0]
    text = (folder / "kernel.json").read_text("utf-8")
    assert text == json.dumps(json.loads(text), indent=1)  # one key per line, like `kernelspec install`
    assert sorted(p.name for p in folder.iterdir()) == ["kernel.json", "logo-32x32.png", "logo-64x64.png"]


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


@pytest.mark.parametrize(
    "environ",
    [{}, {"XDG_DATA_HOME": "{base}/xdg"}, {"JUPYTER_DATA_DIR": "{base}/data"}, {"JUPYTER_DATA_DIR": ""}],
)
def test_kernels_are_registered_where_jupyter_looks(world, monkeypatch, environ):
    from jupyter_core.paths import jupyter_data_dir

    environ = {k: v.format(base=world.base) for k, v in environ.items()}
    monkeypatch.setenv("HOME", str(world.home))
    for key in ("XDG_DATA_HOME", "JUPYTER_DATA_DIR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    assert registry.user_kernels_dir(world.host(**environ)) == Path(jupyter_data_dir()) / "kernels"


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


def test_env_config_vars_changed_in_place_are_seen_without_a_refresh(world):
    world.conda_env(world.home / "miniconda3", python="3.12.1")
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "vars", state_vars={"A": "1"})
    service = EnvService(world.host())
    env = {e.name: e for e in service.listing().environments}["vars"]
    assert dict(env.env_vars) == {"A": "1"}
    state = prefix / "conda-meta" / "state"
    folder_time = (prefix / "conda-meta").stat().st_mtime_ns
    with open(state, "w") as out:  # as conda writes it: the same file, rewritten
        out.write(json.dumps({"env_vars": {"A": "2"}}))
    os.utime(state, ns=(folder_time + 10**9, folder_time + 10**9))  # a later time even on a coarse clock
    os.utime(prefix / "conda-meta", ns=(folder_time, folder_time))  # the folder's time did not move
    env = {e.name: e for e in service.listing().environments}["vars"]
    assert dict(env.env_vars) == {"A": "2"}


def test_a_listed_environment_keeps_every_field_discovery_found():
    """Environment.of copies each field of Discovered by name (no introspection per environment)."""
    from jupyter_envpanel.core.base.model import Discovered, Environment

    values = {}
    for number, item in enumerate(dataclasses.fields(Discovered)):
        kind = str(item.type)
        if "bool" in kind:
            values[item.name] = True
        elif "tuple" in kind:
            values[item.name] = (f"value {number}",)
        elif "int" in kind:
            values[item.name] = number + 1
        else:
            values[item.name] = f"value {number}"
    found = Discovered(**values)
    env = Environment.of(found, label="a label")
    assert {name: getattr(env, name) for name in values} == values
    assert env.label == "a label"


def test_env_config_vars_set_after_a_listing_are_seen_without_a_refresh(world):
    """A conda-meta/state made later moves conda-meta's mtime: the next listing reads it."""
    world.conda_env(world.home / "miniconda3", python="3.12.1")
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "later")
    service = EnvService(world.host())
    env = {e.name: e for e in service.listing().environments}["later"]
    assert env.env_vars == ()
    folder_time = (prefix / "conda-meta").stat().st_mtime_ns
    (prefix / "conda-meta" / "state").write_text(json.dumps({"env_vars": {"B": "1"}}))
    os.utime(prefix / "conda-meta", ns=(folder_time + 10**9, folder_time + 10**9))  # even on a coarse clock
    env = {e.name: e for e in service.listing().environments}["later"]
    assert dict(env.env_vars) == {"B": "1"}
