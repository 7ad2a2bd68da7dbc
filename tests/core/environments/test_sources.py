"""Sources: the folders and files where environments are looked for, and what they yield."""

from __future__ import annotations

import os
import sys

import pytest
from support.factory import envs_of

from jupyter_envpanel.core.environments.discovery import Discovery
from jupyter_envpanel.core.service import EnvService

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


def listing_of(world, **environ):
    """Return the world's listing as discovery makes it."""
    return Discovery(world.host(**environ)).list()


@pytest.mark.parametrize(
    "separator",
    [os.pathsep, ",", ", ", f",{os.pathsep}"],
    ids=["pathsep", "comma", "comma-space", "comma-pathsep"],
)
def test_conda_envs_path_lists_several_folders(world, separator):
    """CONDA_ENVS_PATH splits on the path separator and, as conda does, on commas."""
    first, second = world.base / "envs-a", world.base / "envs-b"
    world.conda_env(first / "one")
    world.conda_env(second / "two")
    envs = envs_of(listing_of(world, CONDA_ENVS_PATH=f"{first}{separator}{second}"))
    assert envs["one"].named and envs["two"].named


def test_comments_and_blank_lines_of_environments_txt_are_not_prefixes(world):
    """Only the prefix lines of environments.txt are environments; nothing else is warned about."""
    env = world.conda_env(world.base / "proj" / "env")
    (world.home / ".conda").mkdir()
    (world.home / ".conda" / "environments.txt").write_text(f"# written by conda\n\n{env}\n  \n#{env}\n")
    listing = listing_of(world)
    assert [e.prefix for e in listing.environments if e.kind == "conda"] == [str(env)]
    assert listing.warnings == ()


def test_an_environments_txt_with_nul_bytes_is_a_warning_not_a_crash(world):
    """A corrupt environments.txt is reported; the rest of the listing goes on."""
    world.conda_env(world.home / "miniconda3")
    (world.home / ".conda").mkdir()
    (world.home / ".conda" / "environments.txt").write_bytes(b"/opt/env\x00\x00\n")
    listing = listing_of(world)
    assert "base" in envs_of(listing)
    assert any("environments.txt" in w and "NUL" in w for w in listing.warnings)


def test_a_pixi_project_env_in_the_server_root_comes_from_the_pixi_source(world):
    """`<root>/.pixi/envs/default` is a pixi env named after the project, found by pixi."""
    world.conda_env(world.root / ".pixi" / "envs" / "default", python=None)
    env = envs_of(listing_of(world))["root-default"]
    assert (env.kind, env.source, env.project) == ("pixi", "pixi", "root")


XDG_LAYOUTS = [
    ("pipenv", ("virtualenvs", "webapp-kmsDziFu"), "webapp"),
    ("hatch", ("hatch", "env", "virtual", "lib1", "wycxEar1", "lib1"), "lib1"),
    ("uv", ("uv", "python", "cpython-3.13.0-linux-x86_64-gnu"), "cpython-3.13.0"),
]


@pytest.mark.parametrize("kind, parts, name", XDG_LAYOUTS, ids=[k for k, _, _ in XDG_LAYOUTS])
def test_xdg_data_home_moves_the_tools_data_folders(world, kind, parts, name):
    """With XDG_DATA_HOME set, pipenv, hatch and uv keep their environments there, not in ~/.local."""
    data = world.base / "xdg-data"
    prefix = data.joinpath(*parts)
    if kind == "uv":
        (prefix / "bin").mkdir(parents=True)
        (prefix / "bin" / "python3").write_text("#!/bin/sh\n")
        (prefix / "bin" / "python3").chmod(0o755)
    else:
        world.venv(prefix)
    env = envs_of(listing_of(world, XDG_DATA_HOME=str(data)))[name]
    assert env.kind == kind and env.prefix == str(prefix)


MAC_LAYOUTS = [
    ("poetry", ("Library", "Caches", "pypoetry", "virtualenvs", f"api-_dnqLNgR-py{PY}"), "api"),
    (
        "hatch",
        ("Library", "Application Support", "hatch", "env", "virtual", "lib1", "wycxEar1", "lib1"),
        "lib1",
    ),
]


@pytest.mark.parametrize("kind, parts, name", MAC_LAYOUTS, ids=[k for k, _, _ in MAC_LAYOUTS])
def test_on_macos_poetry_and_hatch_keep_envs_under_library(world, monkeypatch, kind, parts, name):
    """On macOS poetry and hatch use ~/Library (platformdirs), and their envs are labelled so."""
    monkeypatch.setattr(sys, "platform", "darwin")
    prefix = world.venv(world.home.joinpath(*parts))
    env = envs_of(listing_of(world))[name]
    assert env.kind == kind and env.prefix == str(prefix)


@pytest.mark.parametrize(
    "folder, listed",
    [(".pyenv/shims", False), ("shims", False), (".local/bin", True)],
    ids=["pyenv-shims", "bare-shims", "local-bin"],
)
def test_pythons_on_path_skip_shim_folders(world, folder, listed):
    """A shim (pyenv, asdf) is not a Python installation: its folder on PATH is not searched."""
    bin_dir = world.home / folder
    bin_dir.mkdir(parents=True)
    (bin_dir / "python3").write_text("#!/bin/sh\n")
    (bin_dir / "python3").chmod(0o755)
    listing = listing_of(world, PATH=str(bin_dir))
    systems = [e.executable for e in listing.environments if e.kind == "system" and not e.is_server]
    assert systems == ([str(bin_dir / "python3")] if listed else [])


def test_an_environments_txt_that_lists_nothing_is_named_among_the_places_searched(world):
    """An empty listing names where it looked, environments.txt included."""
    (world.home / ".conda").mkdir()
    env_txt = world.home / ".conda" / "environments.txt"
    env_txt.write_text("# no environments yet\n")
    listing = listing_of(world)
    assert listing.environments == ()
    assert str(env_txt) in listing.searched


def test_a_line_of_environments_txt_that_is_not_utf8_costs_only_itself(world):
    """A prefix written in Latin-1 is not found, and the UTF-8 prefixes after it still are."""
    env = world.conda_env(world.base / "proj" / "env")
    (world.home / ".conda").mkdir()
    (world.home / ".conda" / "environments.txt").write_bytes(b"/opt/caf\xe9/env\n" + f"{env}\n".encode())
    listing = listing_of(world)
    assert [e.prefix for e in listing.environments if e.kind == "conda"] == [str(env)]
    assert not any("not UTF-8" in w for w in listing.warnings)


@pytest.mark.parametrize(
    "where, environ",
    [
        ("miniconda3", {}),
        ("miniforge3", {}),
        ("mambaforge", {}),
        ("anaconda3", {}),
        ("micromamba", {}),
        (".local/share/mamba", {}),
        ("elsewhere/conda", {"CONDA_EXE": "{root}/bin/conda"}),
        ("elsewhere/root", {"CONDA_ROOT": "{root}"}),
        ("elsewhere/mamba", {"MAMBA_ROOT_PREFIX": "{root}"}),
        ("elsewhere/active", {"CONDA_PREFIX": "{root}/envs/ml"}),
        ("elsewhere/stacked", {"CONDA_PREFIX_1": "{root}"}),
    ],
)
def test_each_installation_root_readme_names_is_searched(world, where, environ):
    root = world.home / where
    world.conda_env(root)
    world.conda_env(root / "envs" / "ml")
    env = {k: v.format(root=root) for k, v in environ.items()}
    envs = envs_of(EnvService(world.host(**env)).listing())
    assert envs["base"].prefix == str(root) and envs["ml"].named


@pytest.mark.parametrize("variable", ["CONDA_ENVS_PATH", "CONDA_ENVS_DIRS"])
def test_envs_dirs_variables(world, variable):
    world.conda_env(world.base / "team" / "shared")
    envs = envs_of(EnvService(world.host(**{variable: str(world.base / "team")})).listing())
    assert envs["shared"].named


@pytest.mark.parametrize(
    "rc", [".condarc", ".config/conda/.condarc", ".config/conda/condarc", ".conda/condarc", "ROOT/.condarc"]
)
def test_every_condarc_file_readme_names_is_read(world, rc):
    root = world.home / "miniconda3"
    world.conda_env(root)
    path = root / ".condarc" if rc.startswith("ROOT") else world.home / rc
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"envs_dirs:\n  - {world.base / 'rc-envs'}\n")
    world.conda_env(world.base / "rc-envs" / "from-rc")
    assert "from-rc" in envs_of(EnvService(world.host()).listing())


def test_home_conda_envs_and_environments_txt(world):
    world.conda_env(world.home / ".conda" / "envs" / "mine")
    elsewhere = world.conda_env(world.base / "projects" / "p1")
    world.environments_txt(elsewhere)
    envs = envs_of(EnvService(world.host()).listing())
    assert envs["mine"].named and not envs["p1"].named


def test_a_venv_in_a_root_subfolder_is_not_listed_when_no_source_names_it(world):
    """Without UV_PROJECT_ENVIRONMENT, only `.venv` / `venv` count in the root and its subfolders."""
    world.venv(world.root / "scratch-env")
    listing = listing_of(world)
    assert [e.prefix for e in listing.environments if not e.is_server] == []


def test_a_venv_kept_in_pixis_global_envs_folder_says_pixi_found_it(world):
    """Every entry of pixi's global envs folder (`$PIXI_HOME/envs`) has `pixi` as its source."""
    pixi_home = world.base / "pixi-home"
    world.venv(pixi_home / "envs" / "tool")
    env = envs_of(listing_of(world, PIXI_HOME=str(pixi_home)))["tool"]
    assert (env.prefix, env.source) == (str(pixi_home / "envs" / "tool"), "pixi")


def test_a_folder_of_extra_env_dirs_lists_its_envs_and_warns_about_what_is_not_one(world):
    """extra_env_dirs naming a folder of environments: each is from `extra`; a stray folder is a warning."""
    team = world.base / "team-envs"
    world.conda_env(team / "analysis")
    (team / "notes").mkdir()
    listing = Discovery(world.host(), extra_dirs=[str(team)]).list()
    assert envs_of(listing)["analysis"].source == "extra"
    assert f"{team / 'notes'} is not an environment (no conda-meta/history, no pyvenv.cfg), skipped" in (
        listing.warnings
    )
