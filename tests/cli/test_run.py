"""`jupyter envpanel run`: the command shown first, run after --yes, its output streamed, its exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from support.cli import run
from support.tools import argv_log, fake_tool, set_mode


def conda_world(world):
    """A miniconda3 root, a fake conda, an env `plain` without a kernel, a project asking for `-new env`."""
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    world.conda_env(root / "envs" / "plain")
    fake_tool(root / "condabin" / "conda")
    (world.root / "environment.yml").write_text(
        'name: "-new env"\ndependencies:\n  - python\n  - ipykernel\n'
    )
    return root


def test_create_shows_the_command_runs_it_and_streams_its_output(world, tmp_path):
    root = conda_world(world)
    log = tmp_path / "argv.log"
    out = run(world, "run", "create", "--yes", ARGV_LOG=str(log))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:2] == [f"in {world.root}:", f"  {root}/condabin/conda env create -f environment.yml"]
    assert "Solving environment [####      ] 45%" in lines and "\x1b" not in out.stdout
    assert argv_log(log) == [["conda", "env", "create", "-f", "environment.yml"]]
    listed = json.loads(run(world, "list", "--json").stdout)
    assert "-new env" in {e["name"] for e in listed["environments"]}


def test_without_a_terminal_nothing_runs_unless_yes_is_given(world, tmp_path):
    conda_world(world)
    log = tmp_path / "argv.log"
    out = run(world, "run", "create", ARGV_LOG=str(log))
    assert out.returncode == 2 and "add --yes" in out.stderr and argv_log(log) == []
    assert "env create -f environment.yml" in out.stdout  # the command is shown all the same


def test_a_failing_tool_gives_its_exit_code_its_first_error_and_the_full_log(world, tmp_path):
    conda_world(world)
    set_mode(tmp_path / "mode", "exit 3")
    out = run(world, "run", "install-kernel", "plain", "--yes", FAKE_MODE=str(tmp_path / "mode"))
    assert out.returncode == 3
    message = out.stderr.strip()
    assert (
        message.startswith("jupyter envpanel run: failed: CondaHTTPError: HTTP 000")
        and "full log: " in message
    )
    log = Path(message.split("full log: ")[1].rstrip(")"))
    assert b"\x1b[31mCondaHTTPError" in log.read_bytes()  # the log keeps the tool's bytes
    shutil.rmtree(log.parent)


def test_an_action_that_does_not_apply_is_one_line_and_exit_2(world):
    conda_world(world)
    out = run(world, "run", "update", "--yes")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "does not exist yet" in out.stderr
    out = run(world, "run", "install-kernel", "--yes")
    assert out.returncode == 2 and "needs an environment" in out.stderr
