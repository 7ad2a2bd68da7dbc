"""The project's own tooling: the scripts' venv is listed once, as the server's environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support import REPO
from support.factory import envs_of

from jupyter_envpanel.core.environments.discovery import Discovery


def test_venv_in_the_root_that_runs_the_server_is_listed_once_as_the_server(world):
    # Given the server runs from `<root>/.venv` (what scripts/start.sh does)
    venv = world.venv(world.root / ".venv")
    host = world.host()
    host = type(host)(home=host.home, environ=host.environ, root=host.root, sys_prefix=venv, system_roots=())

    # When the environments are listed
    listing = Discovery(host).list()

    # Then .venv appears once, marked as the server's environment
    matching = [e for e in listing.environments if os.path.samefile(e.prefix, venv)]
    assert len(matching) == 1
    assert matching[0].is_server and matching[0].kind == "venv"
    assert len(envs_of(listing)) == len(listing.environments)


async def test_server_environment_reached_through_a_root_venv_link_is_listed_once(server_world, jp_fetch):
    # Given `<root>/.venv` is the very prefix the server runs from
    (server_world.root / ".venv").symlink_to(sys.prefix, target_is_directory=True)

    # When the panel asks for the listing
    response = await jp_fetch("envpanel", "api", "environments")
    envs = json.loads(response.body)["environments"]

    # Then that prefix is one entry, the server's
    same = [e for e in envs if os.path.realpath(e["prefix"]) == os.path.realpath(sys.prefix)]
    assert len(same) == 1 and same[0]["is_server"]


def test_every_script_is_valid_bash_and_executable():
    for script in sorted((REPO / "scripts").glob("*.sh")):
        subprocess.run(["bash", "-n", str(script)], check=True)
        assert script.stat().st_mode & 0o111, f"{script.name} is not executable"


def test_ci_runs_the_readme_test_command_which_runs_every_declared_python():
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
    test_sh = (REPO / "scripts" / "test.sh").read_text()
    assert "scripts/setup.sh --test" in test_sh and "scripts/pythons.sh" in test_sh
    pythons = (REPO / "scripts" / "pythons.sh").read_text()
    requires = (REPO / "pyproject.toml").read_text().split('requires-python = ">=', 1)[1].split('"')[0]
    assert f"VERSIONS=({requires} " in pythons, "the oldest declared Python is tested"


def test_nothing_in_the_repository_points_at_a_design_file_it_does_not_ship():
    skip = {"node_modules", ".venv", ".venvs", ".git", "test-results", "labextension", "lib"}
    offenders = []
    for folder, dirs, names in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in names:
            path = Path(folder) / name
            if path.suffix not in {".md", ".py", ".ts", ".sh", ".yml", ".yaml"} or name == "test_setup.py":
                continue
            text = path.read_text(errors="replace")
            if "DESIGN.md" in text or "../shared" in text:
                offenders.append(str(path.relative_to(REPO)))
    for path in (REPO / "labextension" / "src").rglob("*.ts"):
        if "DESIGN.md" in path.read_text():
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_cli_from_a_fresh_shell_maps_the_native_python3_kernel_to_the_venv(world):
    # Given a shell where the venv is not on PATH (not activated)
    isolated = ("CONDA", "MAMBA", "JUPYTER", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(isolated)}
    env.update(HOME=str(world.home), PATH="/usr/bin:/bin")

    # When `jupyter envpanel kernels` runs from the venv
    out = subprocess.run(
        [sys.executable, "-m", "jupyter_envpanel", "kernels", "--json"],
        env=env,
        cwd=world.root,
        capture_output=True,
        text=True,
        timeout=60,
    )

    # Then the python3 kernel runs where jupyter_client starts it: this venv, not `?`
    kernels = {k["name"]: k for k in json.loads(out.stdout)["kernels"]}
    assert kernels["python3"]["environment"]["prefix"] == sys.prefix


def test_start_sh_opens_the_demo_notebook_with_the_demo_set_up_for_server_and_cli():
    text = (REPO / "scripts" / "start.sh").read_text()
    assert "--LabApp.default_url=/lab/tree/demo/envpanel-demo.ipynb" in text  # ServerApp's is overridden
    assert "scripts/demo_envs.py demo/envs --drop-in" in text
    assert ".venv/etc/jupyter/jupyter_server_config.d/" in text  # read by the server and the CLI
    assert "CONDA_ENVS_PATH" not in text  # found from any shell, not only inside start.sh
    assert '"notebook>=7.4,<8"' in (REPO / "scripts" / "setup.sh").read_text()  # Notebook 7 at /tree


def test_the_drop_in_start_sh_leaves_in_the_venv_reaches_no_server_or_cli_of_the_tests(world):
    from support.jupyterchild import command, packaged_config

    # Given the folders a Jupyter process started from this venv reads besides the user's:
    # the venv's (where start.sh writes its demo drop-in) and the machine's
    venv = Path(sys.prefix) / "etc" / "jupyter"
    machine = {"/usr/local/etc/jupyter", "/etc/jupyter", "/usr/local/share/jupyter", "/usr/share/jupyter"}
    user_config = world.base / "user-config"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(world.home), JUPYTER_CONFIG_DIR=str(user_config))

    # When a test's server or CLI (support.jupyterchild) says where it reads config and kernels
    packaged = world.base / "env-config"
    argv = command("jupyter", "--paths", "--json", config=packaged)
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, cwd=world.root)
    assert out.returncode == 0, out.stderr
    paths = json.loads(out.stdout)

    # Then from the test's own config folder and a copy of what the installed packages ship
    assert str(user_config) in paths["config"] and str(packaged) in paths["config"]
    assert str(venv) not in paths["config"]
    assert not machine & {*paths["config"], *paths["data"]}
    copied = {p.relative_to(packaged).as_posix() for p in packaged.rglob("*") if p.is_file()}
    assert copied == {relative for relative, _ in packaged_config()}
    # (the extensions stay enabled as installed: this one and JupyterLab's)
    enabled = {f"jupyter_server_config.d/{name}.json" for name in ("jupyter_envpanel", "jupyterlab")}
    assert enabled <= copied
    assert not any("envpanel-demo" in name for name in copied)
