"""Create commands of a missing project environment: which tools they call, and from where."""

from __future__ import annotations

from pathlib import Path

from jupyter_envpanel.core.service import EnvService


def executable(path: Path) -> None:
    """Write an executable file (a tool is found by its file, never run)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)


def test_a_venv_is_made_by_the_python_on_path_not_one_found_elsewhere(world):
    """A conda base's or ~/.local/bin's python3 is not taken: off PATH, the command says `python3`."""
    root = world.conda_env(world.home / "miniconda3")
    executable(root / "bin" / "python3")
    executable(world.home / ".local" / "bin" / "python3")
    (world.root / "requirements.txt").write_text("numpy\n")
    world.server_env()
    [create] = EnvService(world.host()).project(world.root).create
    assert create.tool == "venv" and create.steps[0] == ("python3", "-m", "venv", ".venv")


def test_a_project_two_levels_above_the_root_is_created_from_its_absolute_path(world):
    """From a root nested in `srv/`, `../../proj/environment.yml` is no clearer than the absolute path."""
    world.root_name = "srv/root"
    world.root.mkdir(parents=True)
    project = world.base / "proj"
    project.mkdir()
    (project / "environment.yml").write_text("name: demo\ndependencies: [python]\n")
    executable(world.base / "bin" / "micromamba")
    world.server_env()
    [create] = EnvService(world.host()).project(project, stop=world.base).create
    assert create.steps[0] == ("micromamba", "create", "-f", str(project / "environment.yml"))


def test_without_a_conda_tool_the_answer_names_conda_as_the_tool_needed(world):
    """The panel links the tool to install by this name: `conda`, lower case as in every other answer."""
    (world.root / "environment.yml").write_text("name: demo\ndependencies: [python]\n")
    world.server_env()
    project = EnvService(world.host()).project(world.root)
    assert project.create == () and project.to_json()["needs"] == "conda"


def test_a_requirements_project_offers_uv_first_then_venv_each_named_by_its_tool(world):
    executable(world.base / "bin" / "uv")
    executable(world.base / "bin" / "python3")
    (world.root / "requirements.txt").write_text("numpy\n")
    world.server_env()
    create = EnvService(world.host()).project(world.root).to_json()["create"]
    assert [c["tool"] for c in create] == ["uv", "venv"]
    assert create[0]["argv"][0] == ["uv", "venv", ".venv"]


def test_a_venv_is_made_by_python3_when_python_is_on_path_too(world):
    """`python` may be Python 2 on older systems: `python3` is taken whenever both are there."""
    executable(world.base / "bin" / "python")
    executable(world.base / "bin" / "python3")
    (world.root / "requirements.txt").write_text("numpy\n")
    world.server_env()
    [create] = EnvService(world.host()).project(world.root).create
    assert create.steps[0] == ("python3", "-m", "venv", ".venv")


def test_a_mamba_in_an_installations_bin_off_path_is_called_by_its_absolute_path(world):
    """miniforge keeps mamba in `<root>/bin` (not `condabin`): found there, and the command says where."""
    root = world.conda_env(world.home / "miniforge3")
    executable(root / "bin" / "mamba")
    (world.root / "environment.yml").write_text("name: demo\ndependencies: [python]\n")
    world.server_env()
    [create] = EnvService(world.host()).project(world.root).create
    assert create.tool == "mamba" and create.steps[0] == (
        str(root / "bin" / "mamba"),
        "env",
        "create",
        "-f",
        "environment.yml",
    )
