"""Commands are text a terminal cannot misread: typed into a real bash on a pty, nothing runs early.

Every text a cloned repository controls (entries and their comments, channels, folder and
environment names) is tried with each of the 65 control characters (C0, DEL, C1). Every command
the product then offers (fix commands, create commands, the install-ipykernel hint) is typed into
an interactive bash in a pseudo-terminal without Enter, as "Open in Terminal" types it; nothing
may run and the line on screen must be the command shown. Text that cannot be a command gets a
note that says why.
"""

from __future__ import annotations

import json
import os
import shlex
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from support.factory import World, recorder
from support.terminal import PROMPT, Bash, typed_line

from jupyter_envpanel.core.base.commands import (
    CreateCommand,
    FixCommand,
    UnsafeText,
    option,
    path_arg,
    shell_line,
    unsafe_char,
    visible,
)
from jupyter_envpanel.core.service import EnvService

CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]


def yaml_escape(char: str) -> str:
    """Return a YAML double-quoted escape for a character (YAML files cannot hold most raw)."""
    return f"\\x{ord(char):02x}"


def conda_world(base: Path) -> tuple[World, Path]:
    """Return a world with fake tools on PATH and a conda installation whose env `ml` has pip."""
    world = World(base)
    world.home.mkdir(parents=True)
    world.root.mkdir()
    for tool in ("conda", "mamba", "micromamba", "pixi", "uv", "python3"):
        recorder(world.base / "bin" / tool)
    root = world.home / "miniconda3"
    world.conda_env(root)
    recorder(root / "condabin" / "conda")
    env = world.conda_env(root / "envs" / "ml", pip=[("pip", "24.0", False)])
    return world, env


def commands_for(char: str, base: Path) -> tuple[list[str], list[dict], Path]:
    """Return every command offered in worlds where one control character sits in each hostile place."""
    world, ml = conda_world(base)
    esc = yaml_escape(char)
    canary = world.base / "CANARY"
    payload = f"{esc}touch {canary}{esc}\\r"
    (world.root / "entries.yml").write_text(
        "channels:\n  - conda-forge\ndependencies:\n"
        f'  - "numpy # {payload}#"\n'
        f'  - "scipy if {payload}"\n'
        f'  - "pandas 1.0 {esc}"\n'
        f'  - "conda-forge{esc}::sympy"\n'
        "  - zlib\n"
        "  - pip:\n    - rich\n"
    )
    (world.root / "channels.yml").write_text(
        f'channels:\n  - "chan{esc}nel"\ndependencies:\n  - zlib\n  - pip:\n    - rich\n'
    )
    folders = []
    if char not in "\x00/":
        bad_env = world.conda_env(world.home / "miniconda3" / "envs" / f"x{char}y")
        folders.append(bad_env)
        for name, text in (("environment.yml", "name: demo\ndependencies:\n  - zlib\n"),):
            project = world.root / f"p{char}q"
            project.mkdir()
            (project / name).write_text(text)
        venv_project = world.root / f"r{char}s"
        venv_project.mkdir()
        (venv_project / "requirements.txt").write_text("rich\n")
        (venv_project / "pyproject.toml").write_text("[tool.x]\n")
        world.venv(venv_project / ".venv")  # listed (a project's .venv), no ipykernel: a hint
    named = world.root / "named"
    named.mkdir()
    text = f'name: "d{esc}e"\nprefix: "/tmp/envs/d{esc}e"\ndependencies: []\n'
    (named / "environment.yml").write_text(text)
    service = EnvService(world.host(PATH=str(world.base / "bin")))
    found: list[str] = []
    notes: list[dict] = []
    for env in [ml, *folders]:
        for yml in ("entries.yml", "channels.yml"):
            report = service.drift(service.find(str(env), allow_any_prefix=True), world.root / yml).to_json()
            found += [fix["command"] for fix in report["fix_commands"]]
            notes += report["fix_notes"]
    for folder in [p for p in world.root.iterdir() if p.is_dir()]:
        project = service.project(folder).to_json()
        found += [c["command"] for c in project["create"]]
        if project["found"] and not project["exists"] and not project["create"]:
            notes.append({"entries": [], "reason": project["hint"]})
    found += [e["kernel_hint"] for e in service.listing().to_json()["environments"] if e["kernel_hint"]]
    return found, notes, canary


def type_all(commands: list[str], cwd: Path, canary: Path) -> list[str]:
    """Type each command into one bash without Enter; return what went wrong (nothing, when it holds)."""
    problems = []
    bash = Bash(cwd)
    try:
        for command in commands:
            lines = typed_line(bash, command)
            if lines[-1] != (PROMPT + command).rstrip():
                problems.append(f"screen shows {lines[-3:]!r} for {command!r}")
            if sum(line.startswith(PROMPT.strip()) for line in lines) != 1:
                problems.append(f"a new prompt appeared (the line ran) for {command!r}")
            if canary.exists():
                problems.append(f"the command ran before Enter: {command!r}")
            bash.clear_line()
    finally:
        bash.close()
    return problems


def check_char(char: str, base: Path) -> tuple[str, list[str], int, int]:
    """Return (char, problems, commands typed, notes) for one control character."""
    base.mkdir()
    commands, notes, canary = commands_for(char, base)
    problems = [f"{command!r} holds {unsafe_char(command)}" for command in commands if unsafe_char(command)]
    problems += type_all(commands, base, canary)
    if len(notes) < (2 if char == "\x00" else 3):  # a folder name cannot hold NUL
        problems.append(f"hostile entries got {len(notes)} notes, expected an explanation for each place")
    return char, problems, len(commands), len(notes)


def test_no_control_character_reaches_a_command_and_nothing_runs_before_enter(tmp_path):
    """All 65 control characters, in every place a repository controls: commands typed, never run."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: check_char(CONTROLS[i], tmp_path / f"c{i}"), range(len(CONTROLS))))
    assert len(results) == 65
    failures = {f"U+{ord(char):04X}": problems for char, problems, _, _ in results if problems}
    assert failures == {}
    # every world still offered the commands for its safe entries (the filter is not "offer nothing")
    assert all(typed >= 4 for _, _, typed, _ in results)


def test_hostile_entries_get_notes_that_say_why(tmp_path):
    """The panel and CLI show why an entry has no command: the note names the control character."""
    _, notes, _ = commands_for("\x15", tmp_path)
    reasons = " | ".join(n["reason"] for n in notes)
    assert "control character" in reasons
    shown = [e for n in notes for e in n["entries"]]
    assert any("\\x15" in e for e in shown) and not any(unsafe_char(e) for e in shown)


def test_a_folder_named_like_an_option_is_never_read_as_one(tmp_path):
    """`-rf/environment.yml` is passed as `./-rf/...`, a name as `--name=-rf`: no tool sees an option."""
    world, _ = conda_world(tmp_path)
    project = world.root / "-rf"
    project.mkdir()
    (project / "environment.yml").write_text("dependencies:\n  - zlib\n")
    service = EnvService(world.host(PATH=str(world.base / "bin")))
    create = service.project(project).to_json()["create"]
    conda = next(c for c in create if c["tool"] == "conda")
    assert conda["argv"] == [["conda", "env", "create", "-f", "./-rf/environment.yml", "--name=-rf"]]
    for command in create:
        for step in command["argv"]:
            assert not any(arg.startswith("-") and arg[1:2] not in "-fnpr" for arg in step[1:] if "rf" in arg)


def test_command_values_and_paths_that_start_with_a_dash():
    assert option("-c", "conda-forge", "--channel") == ("-c", "conda-forge")
    assert option("-c", "-x", "--channel") == ("--channel=-x",)
    assert option("--prefix", "-p") == ("--prefix=-p",)
    assert path_arg("-rf/environment.yml") == "./-rf/environment.yml"
    assert path_arg("/abs/-rf") == "/abs/-rf"


@pytest.mark.parametrize("char", CONTROLS + ["\u2028", "\u202e", "\u2066", "\ufeff"])
def test_a_command_cannot_be_made_with_an_unsafe_character(char):
    with pytest.raises(UnsafeText, match="control character"):
        FixCommand("conda", ("conda", "install", f"numpy{char}"), ())
    with pytest.raises(UnsafeText):
        CreateCommand("uv", (("uv", "venv", f".v{char}env"),))
    with pytest.raises(UnsafeText):
        shell_line(["echo", char])
    assert unsafe_char(f"a{char}") == f"U+{ord(char):04X}"
    assert unsafe_char(visible(f"a{char}b")) is None


def test_printable_unicode_and_shell_characters_are_quoted_not_refused():
    weird = "ml $HOME 'q' \"d\" `x` ü 🐍 ;|&"
    line = shell_line(["conda", "install", "--prefix", weird])
    assert shlex.split(line) == ["conda", "install", "--prefix", weird]
    assert json.loads(json.dumps(visible("a\x1b[31mb"))) == "a\\x1b[31mb"
    assert os.sep not in visible("x")
