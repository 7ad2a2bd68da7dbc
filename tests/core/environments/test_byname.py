"""A name resolved where it can only be is the listing's environment: same name, same facts, same errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.factory import PYKERNEL, write_kernel

from jupyter_envpanel.core.base.errors import EnvNotFound
from jupyter_envpanel.core.environments.byname import resolve_name
from jupyter_envpanel.core.service import EnvService, ServiceOptions


def fields(env) -> dict:
    """Return everything an Environment carries, the fields `==` skips included."""
    return {
        "json": env.to_json(),
        "value": env,
        "stem": env.kernel_stem,
        "env_vars": env.env_vars,
        "kernel_files": [(k.dir_name, k.resource_dir, k.spec) for k in env.kernel_files],
        "kernels": env.kernels,
        "hint": env.kernel_hint,
    }


def same_as_listing(world, names=(), **environ) -> list:
    """Check every listed name (and names) found on a fresh service equals the listing's answer.

    Return the names the direct resolve answered (the others went to the listing).
    """
    host = world.host(**environ)
    listed = EnvService(host)
    listing = listed.listing()
    direct = []
    for name in [e.name for e in listing.environments] + list(names):
        fresh = EnvService(host)
        try:
            want = fields(listed.find(name))
        except EnvNotFound as err:
            with pytest.raises(EnvNotFound) as info:
                fresh.find(name)
            assert str(info.value) == str(err)
            continue
        assert fields(fresh.find(name)) == want, name
        if resolve_name(EnvService(host).listings.discovery, name) is not None:
            direct.append(name)
    return direct


def two_roots(world) -> None:
    """Two installations with clashing env names, a prefix-only env and a kernel, as conda lays them."""
    r1, r2 = world.home / "miniconda3", world.home / "micromamba"
    world.conda_env(r1)
    world.conda_env(r2)
    ml = world.conda_env(r1 / "envs" / "ml", ipykernel=True, state_vars={"MODE": "fast"})
    write_kernel(ml, "python3", PYKERNEL)
    world.conda_env(r2 / "envs" / "ml")
    world.conda_env(r2 / "envs" / "only-here")
    world.conda_env(world.base / "x" / "ml")
    world.conda_env(world.base / "proj" / "solo")
    world.environments_txt(r1 / "envs" / "ml", world.base / "x" / "ml", world.base / "proj" / "solo")
    world.server_env()


def test_every_name_of_two_installations_resolves_directly_as_listed(world):
    two_roots(world)
    direct = same_as_listing(world, names=["nope", "x-nope", "micromamba-nope"])
    # the disambiguated names too: a context-name is resolved from the folders that name can be in
    assert {"base", "ml", "micromamba-ml", "x-ml", "solo", "only-here"} <= set(direct)
    assert "micromamba-base" not in direct  # `base` after a dash: any env with condabin/ may be base


def test_find_by_name_reads_no_listing(world):
    two_roots(world)
    service = EnvService(world.host())
    assert service.find("micromamba-ml").prefix == str(world.home / "micromamba" / "envs" / "ml")
    assert service.listings._cached[1] is None  # the listing was never built
    listed = {e.name: e for e in EnvService(world.host()).listing().environments}
    assert service.show("ml")["kernels"] == listed["ml"].to_json()["kernels"] != []


def test_counter_names_and_symlinks_go_to_the_listing(world):
    root = world.home / "miniconda3"
    world.conda_env(root)
    for holder in ("a", "b", "c"):
        world.conda_env(world.base / holder / "envs" / "ml")
    world.conda_env(world.base / "d" / "ml")
    world.environments_txt(*(world.base / h / "envs" / "ml" for h in "abc"), world.base / "d" / "ml")
    world.server_env()
    assert resolve_name(EnvService(world.host()).listings.discovery, "envs-ml-2") is None
    direct = same_as_listing(world, names=["envs-ml-3"])
    assert "ml" in direct and "d-ml" in direct
    # a second path to one env: the listing keeps the first and names it; only it can tell which
    (root / "envs").mkdir()
    os.symlink(world.base / "d" / "ml", root / "envs" / "alias")
    assert resolve_name(EnvService(world.host()).listings.discovery, "alias") is None
    assert "alias" not in same_as_listing(world, names=["alias"])


def test_a_symlink_listed_in_environments_txt_goes_to_the_listing(world):
    world.conda_env(world.home / "miniconda3")
    target = world.conda_env(world.base / "real" / "ml")
    (world.base / "links").mkdir()
    os.symlink(target, world.base / "links" / "ml")
    world.environments_txt(world.base / "links" / "ml", target)
    world.server_env()
    assert resolve_name(EnvService(world.host()).listings.discovery, "ml") is None
    same_as_listing(world, names=["ml", "real-ml"])


def test_configured_envs_dirs_keep_their_order_and_names(world):
    world.conda_env(world.home / "miniconda3")
    team = world.base / "team" / "envs"
    lab = world.base / "lab" / "envs"
    for folder in (team, lab):
        world.conda_env(folder / "ml")
        world.conda_env(folder / "a-ml")
    world.conda_env(world.home / "miniconda3" / "envs" / "a-ml")
    (world.home / ".condarc").write_text(f"envs_dirs:\n  - {lab}\n")
    world.server_env()
    direct = same_as_listing(world, names=["team-a-ml", "lab-a-ml", "lab-ml"], CONDA_ENVS_PATH=str(team))
    assert {"ml", "a-ml", "lab-ml", "team-a-ml"} <= set(direct)


def test_base_is_the_first_root_unless_an_env_may_come_before_it(world):
    world.conda_env(world.home / "miniconda3" / "envs" / "early")  # a root with envs but no conda-meta
    world.conda_env(world.home / "miniforge3")
    world.server_env()
    assert resolve_name(EnvService(world.host()).listings.discovery, "base") is None
    same_as_listing(world, names=["base"])
    (world.home / "miniconda3" / "envs" / "early" / "condabin").mkdir()  # now `early` is a base
    same_as_listing(world, names=["base"])


def test_hidden_unclean_and_other_tools_names_answer_as_the_listing(world):
    root = world.home / "miniconda3"
    world.conda_env(root)
    world.conda_env(root / "envs" / "secret")
    world.conda_env(root / "envs" / "with space")
    world.venv(world.home / ".virtualenvs" / "wrapped")
    world.server_env()
    assert resolve_name(EnvService(world.host()).listings.discovery, "with space") is None
    direct = same_as_listing(world, names=["wrapped", "with_space", "server"])
    assert "server" in direct  # the server's own prefix comes first of all
    host = world.host()
    with pytest.raises(EnvNotFound):
        EnvService(host, ServiceOptions(hide="secret")).find("secret")
    listed = EnvService(host, ServiceOptions(hide="secret"))
    listed.listing()
    with pytest.raises(EnvNotFound):
        listed.find("secret")


def test_registered_kernels_and_shared_dirs_are_shown_as_listed(world):
    root = world.home / "miniconda3"
    world.conda_env(root)
    env = world.conda_env(root / "envs" / "team", ipykernel=True)
    write_kernel(env, "ir", {"argv": ["R"], "display_name": "R", "language": "R"})
    shared = world.base / "shared" / "envs"
    world.conda_env(shared / "common")
    world.server_env()
    host = world.host()
    options = ServiceOptions(shared_dirs=[str(shared), str(root)])
    EnvService(host, options).register("team")
    listed = EnvService(host, options)
    listed.listing()
    for name in ("team", "common"):
        fresh = EnvService(host, options)
        assert fields(fresh.find(name)) == fields(listed.find(name))
        assert fresh.find(name).shared
    fresh = EnvService(host, options)
    assert all(k.registered for k in fresh.find("team").kernels)
    assert fresh.listings._cached[1] is None  # `team` lies where conda names it: read directly


def test_check_and_drift_by_name_answer_as_with_a_listing(world):

    two_roots(world)
    (world.root / "environment.yml").write_text("dependencies:\n  - python>=3.10\n  - numpy\n")
    notebook = world.root / "nb.ipynb"
    notebook.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    host = world.host()
    listed = EnvService(host)
    listed.listing()
    for name in ("ml", "micromamba-ml", "x-ml"):
        fresh = EnvService(host)
        assert (
            fresh.drift(fresh.find(name), Path("environment.yml")).to_json()
            == listed.drift(listed.find(name), Path("environment.yml")).to_json()
        )
        assert EnvService(host).notebook_report(notebook, name) == listed.notebook_report(notebook, name)
