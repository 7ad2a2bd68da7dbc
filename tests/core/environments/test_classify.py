"""Classification: what a folder is, which tool made it, its name and its python version."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from support.factory import can_drop_to_nobody, child_json, envs_of, write_dist

from jupyter_envpanel.core.base.model import Environment
from jupyter_envpanel.core.environments.classify import classify
from jupyter_envpanel.core.environments.discovery import Discovery
from jupyter_envpanel.core.environments.sources import Candidate, Search

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


def listing_of(world, **environ):
    """Return the world's environments by name, as discovery lists them."""
    return envs_of(Discovery(world.host(**environ)).list())


def venv_with_cfg(prefix, cfg: bytes):
    """Write a venv whose pyvenv.cfg holds exactly these bytes, with an empty site-packages."""
    (prefix / "lib" / f"python{PY}" / "site-packages").mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_bytes(cfg)
    return prefix


@pytest.mark.parametrize(
    "cfg, kind",
    [
        (b"home = /usr/bin\nuv = 0.5.1\n", "uv"),
        (b"home = /usr/bin\nprompt = caf\xe9\nuv = 0.5.1\n", "uv"),  # a Latin-1 prompt, not UTF-8
        (b"home = /usr/bin\nprompt = caf\xe9\n", "virtualenvwrapper"),
        (b"home = /usr/bin\nuvx = 1\n", "virtualenvwrapper"),
    ],
    ids=["uv-line", "uv-line-and-latin1-prompt", "latin1-prompt-no-uv", "not-a-uv-key"],
)
def test_a_uv_line_in_pyvenv_cfg_makes_a_uv_venv_whatever_else_it_holds(world, cfg, kind):
    """uv's `uv = X` line is found even when another line is not UTF-8."""
    venv_with_cfg(world.home / ".virtualenvs" / "app", cfg)
    assert listing_of(world)["app"].kind == kind


@pytest.mark.parametrize(
    "layout, kind",
    [("venv", "venv"), ("interpreter", None)],
    ids=["venv", "interpreter-not-offered-by-extra"],
)
def test_a_search_that_knows_no_tool_folders_still_classifies(world, layout, kind):
    """classify against an empty Search: a venv is a plain venv, no tool folder is assumed."""
    prefix = world.base / "somewhere" / "env"
    if layout == "venv":
        world.venv(prefix)
    else:
        (prefix / "bin").mkdir(parents=True)
        (prefix / "bin" / "python3").write_text("#!/bin/sh\n")
    found, warning = classify(Candidate(prefix, "cli"), Search(), world.host())
    assert (found.kind if found else None) == kind
    assert warning == ""


def test_a_pyenv_install_clashing_with_a_venv_name_is_prefixed_with_pyenv(world):
    """Two environments called 3.12.1: the pyenv one is named `pyenv-3.12.1`."""
    world.venv(world.home / ".virtualenvs" / "3.12.1")
    install = world.home / ".pyenv" / "versions" / "3.12.1"
    (install / "bin").mkdir(parents=True)
    (install / "bin" / "python3").write_text("#!/bin/sh\n")
    envs = listing_of(world)
    assert envs["3.12.1"].kind == "virtualenvwrapper"
    assert envs["pyenv-3.12.1"].kind == "pyenv" and envs["pyenv-3.12.1"].prefix == str(install)


def test_a_pixi_global_env_is_named(world):
    """pixi's global envs have a name pixi knows them by (named is True, not unknown)."""
    world.conda_env(world.home / ".pixi" / "envs" / "ripgrep", python=None, packages=["ripgrep=14.1.0"])
    env = listing_of(world)["ripgrep"]
    assert env.kind == "pixi" and env.named is True and env.source == "pixi"


def test_a_pixi_global_env_clashing_with_a_conda_env_is_named_pixi_global(world):
    """A conda env and a pixi global env both called ripgrep: the pixi one is `pixi-global-ripgrep`."""
    world.conda_env(world.home / "miniconda3", python=None)
    (world.home / "miniconda3" / "condabin").mkdir()
    world.conda_env(world.home / "miniconda3" / "envs" / "ripgrep", python=None)
    world.conda_env(world.home / ".pixi" / "envs" / "ripgrep", python=None, packages=["ripgrep=14.1.0"])
    envs = listing_of(world)
    assert envs["ripgrep"].kind == "conda"
    assert envs["pixi-global-ripgrep"].kind == "pixi"


@pytest.mark.parametrize(
    "cfg, expected",
    [
        (b"home = /usr/bin\nversion = 3.10.4\n", "3.10.4"),
        (b"home = /usr/bin\nimplementation = CPython\nversion_info = 3.12.7\nuv = 0.5.1\n", "3.12.7"),
        (b"home = /usr/bin\nversion_info = 3.12.7.final.0\nversion = 3.12.6\n", "3.12.7"),
        (b"home = /usr/bin\ninclude-system-site-packages = false\n", None),  # old virtualenv
    ],
    ids=["venv-version", "uv-version-info", "version-info-wins", "no-version"],
)
def test_a_venvs_python_version_comes_from_its_pyvenv_cfg(world, cfg, expected):
    """The version pyvenv.cfg records, never the server's own when it records none."""
    venv_with_cfg(world.home / ".virtualenvs" / "app", cfg)
    assert listing_of(world)["app"].python_version == expected


@pytest.mark.parametrize(
    "name, expected",
    [("3.11.9", "3.11.9"), ("pypy3.10-7.3.12", None), ("graalpy-24.1.0", None)],
    ids=["cpython", "pypy", "graalpy"],
)
def test_a_pyenv_installs_version_comes_from_its_folder_name_only(world, name, expected):
    """A pyenv install not named by a version does not borrow the server's python version."""
    install = world.home / ".pyenv" / "versions" / name
    (install / "bin").mkdir(parents=True)
    (install / "bin" / "python3").write_text("#!/bin/sh\n")
    assert listing_of(world)[name].python_version == expected


def test_packages_are_counted_in_the_site_packages_of_the_venvs_python(world):
    """A venv upgraded from 3.9 to 3.11 keeps a stale lib/python3.9: only 3.11's dists count."""
    prefix = venv_with_cfg(world.home / ".virtualenvs" / "app", b"home = /usr/bin\nversion = 3.11.4\n")
    current = prefix / "lib" / "python3.11" / "site-packages"
    stale = prefix / "lib" / "python3.9" / "site-packages"
    write_dist(current, "ipykernel", "6.29.5")
    write_dist(current, "requests", "2.32.3")
    write_dist(stale, "numpy", "1.21.0")
    env = listing_of(world)["app"]
    assert (env.python_version, env.package_count, env.has_ipykernel) == ("3.11.4", 2, True)


def test_envs_of_a_conda_install_no_variable_names_are_named_by_folder(world):
    """An env under `<install>/envs/` of an install found only through environments.txt is named."""
    install = world.conda_env(world.base / "opt" / "team-conda")  # conda-meta/history, no condabin
    env = world.conda_env(install / "envs" / "proj")
    world.environments_txt(env)
    found = listing_of(world)["proj"]
    assert (found.kind, found.named, found.is_base) == ("conda", True, False)


def test_a_project_venv_beside_a_pipfile_is_pipenvs(world):
    """`.venv` in a folder with a Pipfile (and no uv.lock or poetry.lock) was made by pipenv."""
    project = world.root / "webapp"
    project.mkdir()
    (project / "Pipfile").write_text("[packages]\n")
    world.venv(project / ".venv")
    env = listing_of(world)["webapp"]
    assert (env.kind, env.project) == ("pipenv", "webapp")


def test_a_uv_managed_python_is_found_by_the_uv_source(world):
    """A Python uv installed is a uv interpreter from the uv source, with its own executable."""
    install = world.home / ".local" / "share" / "uv" / "python" / "cpython-3.12.7-linux-x86_64-gnu"
    (install / "bin").mkdir(parents=True)
    (install / "bin" / "python3").write_text("#!/bin/sh\n")
    (install / "bin" / "python3").chmod(0o755)
    env = listing_of(world)["cpython-3.12.7"]
    assert (env.kind, env.source, env.python_version) == ("uv", "uv", "3.12.7")
    assert env.executable == str(install / "bin" / "python3")


def test_a_configured_directory_gone_before_it_is_classified_is_a_warning(world):
    """An extra directory removed between search and classification is named in a warning."""
    gone = world.base / "gone-env"
    found, warning = classify(Candidate(gone, "extra"), Search(), world.host())
    assert found is None
    assert warning == f"configured environment directory {gone} does not exist"


def test_a_configured_directory_that_holds_no_environment_is_a_warning(world):
    """An extra directory that exists but is neither a conda env nor a venv is named in a warning."""
    folder = world.base / "not-an-env"
    (folder / "data").mkdir(parents=True)
    found, warning = classify(Candidate(folder, "extra"), Search(), world.host())
    assert found is None
    assert warning == f"{folder} is not an environment (no conda-meta/history, no pyvenv.cfg), skipped"


def test_a_uv_project_venv_names_its_project(world):
    """`.venv` beside a `uv.lock` is uv's, and its project is the folder that holds it."""
    project = world.root / "api"
    project.mkdir()
    (project / "uv.lock").write_text("version = 1\n")
    prefix = world.venv(project / ".venv")
    [env] = [e for e in listing_of(world).values() if e.prefix == str(prefix)]
    assert (env.kind, env.project) == ("uv", "api")


def test_a_pipenv_venv_whose_project_file_is_not_utf8_is_still_recognised(world):
    """A `.project` holding bytes that are not UTF-8 names no project: the venv is pipenv's by folder."""
    prefix = world.venv(world.home / ".local" / "share" / "virtualenvs" / "webapp-kmsDziFu")
    (prefix / ".project").write_bytes(b"/home/u/caf\xe9\n")
    env = listing_of(world)["webapp"]
    assert (env.kind, env.project, env.prefix) == ("pipenv", "webapp", str(prefix))


CONDA_META_CHILD = r"""
import json, os, sys
from pathlib import Path

from jupyter_envpanel.core.environments.classify import classify
from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.environments.sources import Candidate, Search

if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
prefix = Path(sys.argv[1])
host = Host(home=prefix.parent, environ={}, root=prefix.parent, sys_prefix=prefix.parent / "server",
            system_roots=(), system_bins=())
found, warning = classify(Candidate(prefix, "envs_dirs"), Search(), host)
print(json.dumps({"uid": os.geteuid(), "found": found is not None, "warning": warning}))
"""


@pytest.mark.skipif(not can_drop_to_nobody(), reason="running as root without the right to drop privileges")
def test_a_conda_env_whose_conda_meta_this_user_cannot_read_is_skipped_as_permission_denied(world):
    """A private conda-meta/ is reported as not readable, not as "not a conda environment"."""
    base = Path(tempfile.mkdtemp(prefix="envpanel-classify-"))
    try:
        base.chmod(0o755)
        prefix = world.conda_env(base / "envs" / "locked")
        for path in (base, *base.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        (prefix / "conda-meta").chmod(0o700 if os.geteuid() == 0 else 0o000)
        found, warning = classify(Candidate(prefix, "envs_dirs"), Search(), world.host())
        if os.geteuid() == 0:  # root reads it; a user who cannot is run in a child that drops to nobody
            assert (found.kind, warning) == ("conda", "")
            out = child_json(CONDA_META_CHILD, str(prefix))
            found, warning = (object() if out["found"] else None), out["warning"]
        assert found is None
        assert warning == f"{prefix}/conda-meta is not readable by this user (permission denied), skipped"
    finally:
        if (base / "envs" / "locked" / "conda-meta").is_dir():
            (base / "envs" / "locked" / "conda-meta").chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("tool", ["uv", "pyenv", "system"])
def test_a_plain_python_is_not_named_in_the_rest_json(world, tool):
    """A uv, pyenv or system interpreter has `named: false` (a boolean, as openapi.yaml says)."""
    if tool == "uv":
        install = world.home / ".local" / "share" / "uv" / "python" / "cpython-3.12.7-linux-x86_64-gnu"
    elif tool == "pyenv":
        install = world.home / ".pyenv" / "versions" / "3.12.7"
    else:
        install = world.base / "usr"
    interpreter = install / "bin" / ("python3.12" if tool == "system" else "python3")
    interpreter.parent.mkdir(parents=True)
    interpreter.write_text("#!/bin/sh\n")
    interpreter.chmod(0o755)
    environ = {"PATH": str(install / "bin")} if tool == "system" else {}
    (env,) = [e for e in Discovery(world.host(**environ)).list().environments if e.kind == tool]
    assert Environment.of(env).to_json()["named"] is False


@pytest.mark.parametrize(
    "config_file, table",
    [("pyproject.toml", "tool.hatch.envs"), ("hatch.toml", "envs")],
    ids=["pyproject", "hatch-toml"],
)
def test_a_projects_hatch_env_at_dot_venv_is_hatchs(world, config_file, table):
    """`path = ".venv"` (pyproject.toml or hatch.toml): hatch made it, whatever else marks the venv."""
    (world.root / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "1"\n')
    with (world.root / config_file).open("a") as fh:
        fh.write(f'\n[{table}.default]\npath = ".venv"\n[{table}.test]\npath = "venv"\n')
    (world.root / "uv.lock").write_text("")  # hatch's installer may be uv: the path is the surer evidence
    world.venv(world.root / ".venv")
    world.venv(world.root / "venv")
    envs = listing_of(world)
    assert {(n, e.kind, e.project) for n, e in envs.items()} == {
        ("proj", "hatch", "proj"),
        ("proj:test", "hatch", "proj"),
    }


def test_hatch_envs_kept_flat_in_the_virtualenvs_folder_are_hatchs_unless_virtualenvwrapper_shares_it(world):
    """hatch keeps `~/.virtualenvs/<env>` flat if told; shared with virtualenvwrapper, the folder is its."""
    config = world.home / ".config" / "hatch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[dirs.env]\nvirtual = "~/.virtualenvs"\n')
    world.venv(world.home / ".virtualenvs" / "lib1")
    assert listing_of(world, WORKON_HOME=str(world.base / "workon"))["lib1"].kind == "hatch"
    assert listing_of(world)["lib1"].kind == "virtualenvwrapper"


def test_hatch_envs_kept_inside_a_project_are_named_by_the_project(world):
    """`[dirs.env] virtual = ".hatch"`: `<project>/.hatch/test` is `api:test`, of the project `api`."""
    config = world.home / ".config" / "hatch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[dirs.env]\nvirtual = ".hatch"\n')
    (world.root / "svc").mkdir(parents=True)
    (world.root / "svc" / "pyproject.toml").write_text('[project]\nname = "api"\nversion = "1"\n')
    world.venv(world.root / "svc" / ".hatch" / "test")
    env = listing_of(world)["api:test"]
    assert (env.kind, env.project) == ("hatch", "api")
