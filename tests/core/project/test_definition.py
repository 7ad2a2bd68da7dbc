"""The project's environment: which file defines it, what it names, whether it exists, how to create it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import run
from support.factory import CONDA_FORGE

from jupyter_envpanel.core.service import EnvService

RECORDER = """#!{python}
import json, os, shutil, sys
with open({log!r}, "a") as log:
    log.write(json.dumps(sys.argv) + "\\n")
if sys.argv[1:3] == ["-m", "venv"]:  # a fake python makes a venv whose pip records too
    os.makedirs(os.path.join(sys.argv[3], "bin"))
    shutil.copy(sys.argv[0], os.path.join(sys.argv[3], "bin", "pip"))
"""


def service(world, **environ) -> EnvService:
    world.server_env()
    return EnvService(world.host(**environ))


def conda_root(world) -> Path:
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    return root


def fake_tool(folder: Path, name: str, log: Path) -> Path:
    """Write an executable that records its argv (JSON, one line a call) instead of doing anything."""
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(RECORDER.format(python=sys.executable, log=str(log)))
    tool.chmod(0o755)
    return tool


def run_commands(commands, cwd: Path, path: str) -> list:
    """Run each create command through bash (as a user pastes it) with fake tools; return the argv seen."""
    log = cwd / "argv.log"
    if log.exists():
        log.unlink()
    for command in commands:
        subprocess.run(["bash", "-n", "-c", command.command], check=True)
        subprocess.run(["bash", "-c", command.command], cwd=cwd, env={"PATH": path}, check=True)
    return [json.loads(line) for line in log.read_text().splitlines()]


# --- which file, which environment ---------------------------------------------------------


def test_environment_yml_names_a_conda_env_that_exists_with_its_kernel_and_drift(world):
    root = conda_root(world)
    world.conda_env(
        root / "envs" / "demo",
        packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE), "seaborn=0.13.2"],
        requested=["numpy", "seaborn"],
        ipykernel=True,
    )
    (world.root / "environment.yml").write_text("name: demo\ndependencies:\n  - numpy>=1.26\n  - scipy\n")
    (world.root / "nb").mkdir()
    found = service(world).project(world.root / "nb" / "analysis.ipynb")
    data = found.to_json()
    assert data["found"] and data["file"] == "environment.yml" and data["folder"] == "."
    assert data["tool"] == "conda" and data["name"] == "demo" and data["exists"]
    assert data["environment"]["prefix"] == str(root / "envs" / "demo")
    assert data["kernel"]["name"] == "conda-env-demo-py"
    assert data["drift"]["summary"]["missing"] == 1 and data["drift"]["summary"]["mismatch"] == 1
    assert data["drift"]["drift_count"] == 2 and data["drift"]["summary"]["unrequested"] == 1
    assert data["create"] == [] and data["path"] == "nb/analysis.ipynb"


def test_prefix_wins_over_name_and_tilde_expands_against_home(world):
    root = conda_root(world)
    world.conda_env(root / "envs" / "demo")
    elsewhere = world.conda_env(world.home / "work" / "envs-here" / "proj-env")
    world.environments_txt(elsewhere)
    (world.root / "environment.yml").write_text(
        "name: demo\nprefix: ~/work/envs-here/proj-env\ndependencies: [python]\n"
    )
    found = service(world).project(world.root)
    assert found.exists and found.environment.prefix == str(elsewhere)
    assert found.name == "proj-env" and found.prefix == str(elsewhere)


def test_a_prefix_outside_the_listing_is_not_adopted(world):
    conda_root(world)
    elsewhere = world.conda_env(world.base / "elsewhere" / "env")
    (world.root / "environment.yml").write_text(f"prefix: {elsewhere}\ndependencies: [python]\n")
    svc = service(world)
    found = svc.project(world.root)
    assert not found.exists and found.create == () and "extra_env_dirs" in found.hint
    assert str(elsewhere) not in {e.prefix for e in svc.listing().environments}


def test_nearest_definition_wins_from_nested_folders(world):
    conda_root(world)
    (world.root / "environment.yml").write_text("name: outer\ndependencies: [python]\n")
    deep = world.root / "a" / "b" / "c"
    deep.mkdir(parents=True)
    svc = service(world)
    assert svc.project(deep).file == "environment.yml"
    (world.root / "a" / "pixi.toml").write_text('[workspace]\nname = "inner"\n')
    found = svc.project(deep)
    assert (found.file, found.tool, found.name) == ("a/pixi.toml", "pixi", "inner")
    (world.root / "a" / "b" / "environment.yaml").write_text("name: nearest\ndependencies: [python]\n")
    assert svc.project(deep / "x.ipynb").file == "a/b/environment.yaml"


def test_environment_yml_wins_over_pixi_and_venv_in_the_same_folder(world):
    conda_root(world)
    (world.root / "pyproject.toml").write_text('[tool.pixi.workspace]\nname = "p"\n')
    (world.root / "requirements.txt").write_text("numpy\n")
    (world.root / "environment.yml").write_text("name: demo\ndependencies: [python]\n")
    assert service(world).project(world.root).source == "environment.yml"


@pytest.mark.parametrize(
    "files, source, name",
    [
        ({"pixi.toml": '[project]\nname = "myproj"\n'}, "pixi.toml", "myproj"),
        ({"pixi.toml": "[workspace\nbroken"}, "pixi.toml", "myproj"),  # name from the folder
        (
            {"pyproject.toml": '[project]\nname = "lib"\n[tool.pixi.workspace]\nchannels = []\n'},
            "pyproject.toml",
            "lib",
        ),
        (  # the pixi workspace's name wins over the Python package's
            {"pyproject.toml": '[project]\nname = "lib"\n[tool.pixi.workspace]\nname = "myproj"\n'},
            "pyproject.toml",
            "myproj",
        ),
    ],
)
def test_pixi_projects_name_their_default_env_and_nested_ones_are_listed(world, files, source, name):
    project = world.root / "myproj"
    project.mkdir()
    for file, text in files.items():
        (project / file).write_text(text)
    svc = service(world)
    missing = svc.project(project)
    assert (missing.source, missing.tool, missing.name, missing.exists) == (source, "pixi", name, False)
    assert missing.prefix == str(project / ".pixi" / "envs" / "default")
    world.conda_env(project / ".pixi" / "envs" / "default", ipykernel=True)
    found = svc.project(project / "nb.ipynb")
    assert found.exists and found.environment.kind == "pixi" and not found.listed
    assert found.kernel["display_name"] == "Python [pixi: myproj]"
    listed = {e.prefix for e in svc.listing().environments}
    assert found.environment.prefix not in listed  # a read changes nothing later requests see
    assert svc.projects.adopt(project / "nb.ipynb", world.root) is True  # asked for: now listed
    assert found.environment.prefix in {e.prefix for e in svc.listing().environments}  # Switch works
    assert svc.project(project).listed and svc.projects.adopt(project, world.root) is False
    if "broken" in files[source]:
        assert any("invalid TOML" in w for w in found.warnings)


@pytest.mark.parametrize("file", ["pyproject.toml", "uv.lock", "requirements-dev.txt"])
def test_venv_projects_use_their_in_project_venv(world, file):
    project = world.root / "proj"
    project.mkdir()
    (project / file).write_text('[project]\nname = "proj"\n' if file == "pyproject.toml" else "numpy>=2\n")
    svc = service(world)
    assert (svc.project(project).tool, svc.project(project).exists) == ("venv", False)
    world.venv(project / ".venv", dists=[("numpy", "1.26.4", True), ("ipykernel", "6.29.5", False)])
    found = svc.project(project)
    kind = "uv" if file == "uv.lock" else "venv"  # a uv project's .venv is labelled by its tool
    assert found.exists and found.name == "proj/.venv" and found.environment.kind == kind
    assert found.kernel["display_name"] == f"Python [{kind}: proj/.venv]"
    if file.endswith(".txt"):  # drift against the requirements file
        assert found.drift["file"] == "proj/requirements-dev.txt" and found.drift["drift_count"] == 1
    elif file == "pyproject.toml":  # against what [project] asks for: nothing, so in sync
        assert found.drift["file"] == "proj/pyproject.toml" and found.drift["in_sync"]
        assert found.drift["lock"] is None and found.drift["summary"]["unrequested"] == 1
    else:  # this uv.lock is not TOML: the card says where, the environment is still described
        assert found.drift is None and found.drift_error["file"] == "proj/uv.lock"
        assert found.drift_error["line"] == 1


def test_requirements_txt_defines_a_venv_project_before_its_variants(world):
    """`requirements.txt` is the definition when `requirements-dev.txt` lies beside it."""
    project = world.root / "proj"
    project.mkdir()
    (project / "requirements-dev.txt").write_text("pytest\n")
    (project / "requirements.txt").write_text("numpy\n")
    found = service(world).project(project)
    assert (found.file, found.tool) == ("proj/requirements.txt", "venv")


def test_no_definition_is_a_neutral_answer(world):
    (world.root / "empty").mkdir()
    found = service(world).project(world.root / "empty")
    assert not found.found and found.to_json()["file"] is None
    assert "requirements*.txt" in found.looked_for


def test_hostile_definition_files_cost_only_their_own_facts(world):
    conda_root(world)
    os.mkfifo(world.root / "environment.yml")
    svc = service(world)
    assert not svc.project(world.root).found  # a FIFO is not a file: never opened, never blocks
    (world.root / "environment.yml").unlink()
    (world.root / "environment.yml").write_text("name: [unclosed\ndependencies:\n  - numpy\n")
    found = svc.project(world.root)
    assert found.name == "root" and any("invalid YAML at line" in w for w in found.warnings)
    assert found.create == () or found.create[0].steps[0][-2:] == ("-n", "root")
    (world.root / "environment.yml").write_text("name: demo\n" + "x: " + "[" * 200 + "]" * 200 + "\n")
    assert any("nested deeper" in w for w in svc.project(world.root).warnings)


# --- create commands -----------------------------------------------------------------------


def test_create_commands_for_the_conda_tools_found_quoted_for_hostile_prefixes(world):
    root = conda_root(world)
    log = world.root / "argv.log"
    conda = fake_tool(root / "condabin", "conda", log)  # found in an installation root, not on PATH
    on_path = world.base / "path-bin"
    fake_tool(on_path, "mamba", log)
    fake_tool(on_path, "micromamba", log)
    prefix = str(world.base / "my env's $HOME `x`" / "demo")
    folder = world.root / "my project"
    folder.mkdir()
    (folder / "environment.yml").write_text(
        f"name: demo\nprefix: {json.dumps(prefix)}\ndependencies: [python]\n"
    )
    found = service(world, PATH=str(on_path)).project(folder)
    assert [c.tool for c in found.create] == ["conda", "mamba", "micromamba"]
    assert not found.exists and found.hint == ""
    calls = run_commands(found.create, world.root, f"{on_path}:/usr/bin:/bin")
    file = "my project/environment.yml"
    assert calls == [
        [str(conda), "env", "create", "-f", file, "-p", prefix],
        [str(on_path / "mamba"), "env", "create", "-f", file, "-p", prefix],  # called by name, found on PATH
        [str(on_path / "micromamba"), "create", "-f", file, "-p", prefix],
    ]
    assert found.create[1].steps[0][0] == "mamba"


def test_create_command_names_an_unnamed_file_after_its_folder_and_hints_without_tools(world):
    (world.root / "environment.yml").write_text("dependencies: [python]\n")
    found = service(world, PATH="/nonexistent").project(world.root)
    assert found.create == () and "no conda, mamba or micromamba" in found.hint
    log = world.root / "argv.log"
    fake_tool(world.home / ".local" / "bin", "micromamba", log)
    found = service(world, PATH="/nonexistent").project(world.root)
    calls = run_commands(found.create, world.root, "/usr/bin:/bin")
    assert calls == [
        [str(world.home / ".local/bin/micromamba"), "create", "-f", "environment.yml", "-n", "root"]
    ]


def test_create_commands_for_pixi_uv_and_venv_projects(world):
    log = world.root / "argv.log"
    bins = world.base / "bin with space"
    fake_tool(bins, "uv", log)
    fake_tool(bins, "python3", log)
    fake_tool(world.home / ".pixi" / "bin", "pixi", log)
    pixi_dir, uv_dir, req_dir = (world.root / n for n in ("pix i", "u'v", "re$q"))
    for folder in (pixi_dir, uv_dir, req_dir):
        folder.mkdir()
    (pixi_dir / "pixi.toml").write_text('[workspace]\nname = "p"\n')
    (uv_dir / "pyproject.toml").write_text('[project]\nname = "u"\n')
    (req_dir / "requirements.txt").write_text("numpy\n")
    path = f"{bins}:/usr/bin:/bin"
    svc = service(world, PATH=str(bins))
    pixi = str(world.home / ".pixi/bin/pixi")
    assert run_commands(svc.project(pixi_dir).create, world.root, path) == [
        [pixi, "install", "--manifest-path", "pix i/pixi.toml"]
    ]
    uv = svc.project(uv_dir)
    assert [c.tool for c in uv.create] == ["uv", "venv"]
    assert run_commands(uv.create, world.root, path) == [
        [str(bins / "uv"), "sync", "--directory", "u'v"],
        [str(bins / "python3"), "-m", "venv", "u'v/.venv"],
        ["u'v/.venv/bin/pip", "install", "-e", "u'v"],
    ]
    assert run_commands(svc.project(req_dir).create, world.root, path) == [
        [str(bins / "uv"), "venv", "re$q/.venv"],
        [str(bins / "uv"), "pip", "install", "--python", "re$q/.venv", "-r", "re$q/requirements.txt"],
        [str(bins / "python3"), "-m", "venv", "re$q/.venv"],
        ["re$q/.venv/bin/pip", "install", "-r", "re$q/requirements.txt"],
    ]


# --- CLI and Python API --------------------------------------------------------------------


def test_cli_project_json_text_and_exit_codes(world):
    root = conda_root(world)
    world.conda_env(root / "envs" / "demo", packages=["numpy=1.26.4"], requested=["numpy"])
    (world.root / "environment.yml").write_text("name: demo\ndependencies:\n  - numpy>=1.26\n")
    (world.root / "sub").mkdir()
    out = run(world, "project", "--json", cwd=world.root / "sub")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["exists"] and data["drift"]["drift_count"] == 0 and data["name"] == "demo"
    (world.root / "environment.yml").write_text("name: demo\ndependencies:\n  - numpy>=2\n")
    out = run(world, "project")
    assert out.returncode == 1 and "drift: 1 (0 missing, 1 mismatch)" in out.stdout
    (world.root / "environment.yml").write_text("name: nothere\ndependencies:\n  - numpy\n")
    fake_tool(root / "bin", "conda", world.root / "log")
    out = run(world, "project")
    assert out.returncode == 1 and f"{root / 'bin' / 'conda'} env create -f environment.yml" in out.stdout
    (world.root / "environment.yml").unlink()
    out = run(world, "project", str(world.root / "sub"))
    assert out.returncode == 2 and "no environment.yml" in out.stderr and len(out.stderr.splitlines()) == 1
    assert run(world, "project", "does/not/exist").returncode == 2


def test_python_api_project_environment(world):
    import jupyter_envpanel as ep

    root = conda_root(world)
    world.conda_env(root / "envs" / "demo")
    (world.root / "environment.yml").write_text("name: demo\ndependencies: [python]\n")
    found = ep.project_environment()
    assert found.exists and found.environment.name == "demo" and found.to_json()["file"] == "environment.yml"


def test_name_base_is_the_base_environment(world):
    """`name: base` in environment.yml means the installation's base, not an env folder named base."""
    root = conda_root(world)
    (world.root / "environment.yml").write_text("name: base\ndependencies:\n  - python\n")
    data = service(world).project(world.root).to_json()
    assert (data["exists"], data["environment"]["prefix"]) == (True, str(root))


def test_a_name_two_installations_share_is_the_env_listed_under_that_name(world):
    """Two installs with `envs/demo`: the project's env is the one the listing calls `demo`."""
    conda_root(world)
    first = world.conda_env(world.home / "miniconda3" / "envs" / "demo")
    world.conda_env(world.home / "micromamba", python=None)
    second = world.conda_env(world.home / "micromamba" / "envs" / "demo")
    (world.root / "environment.yml").write_text("name: demo\ndependencies:\n  - python\n")
    svc = service(world, MAMBA_ROOT_PREFIX=str(world.home / "micromamba"))
    listed = {e.name: e.prefix for e in svc.listing().environments if e.prefix in (str(first), str(second))}
    assert len(listed) == 2 and "demo" in listed
    assert svc.project(world.root).to_json()["environment"]["prefix"] == listed["demo"]


def test_a_named_environment_file_keeps_the_warning_about_its_nul_prefix(world):
    """`name:` is used when `prefix:` holds a NUL, and the answer says the prefix was ignored."""
    (world.root / "environment.yml").write_text('name: demo\nprefix: "/opt/a\\0b"\ndependencies: [python]\n')
    found = service(world).project(world.root)
    assert (found.name, found.prefix) == ("demo", None)
    assert found.warnings == ("environment.yml: `prefix:` holds a NUL character; ignored",)


def test_an_environment_file_with_neither_name_nor_prefix_is_named_after_its_folder_without_warning(world):
    """Leaving both out is normal (`conda env create -n` names it): nothing for the user to fix."""
    (world.root / "environment.yml").write_text("dependencies: [python]\n")
    found = service(world).project(world.root)
    assert found.name == "root" and found.warnings == ()
