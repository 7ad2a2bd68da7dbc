"""Fix-drift commands: the right tool per kind, quoted so a shell passes every argument verbatim."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.factory import PY, child_environ, interpreter_at, recorder, write_dist

from jupyter_envpanel.core.service import EnvService

WEIRD = "we ird $HOME 'q' \"d\" `x`"
YML = (
    "channels:\n  - conda-forge\n  - defaults\n"
    "dependencies:\n"
    "  - numpy>=1.26\n"
    "  - conda-forge::pytorch\n"
    "  - python=3.11\n"
    "  - pip:\n"
    "    - \"requests[socks]>=2; python_version >= '3'\"\n"
    "    - rich\n"
)


def run_and_record(command: str, tmp_path: Path, fake_bin: Path) -> list:
    """Check the line parses, then run it with fake tools first on PATH; return what they received."""
    subprocess.run(["bash", "-n", "-c", command], check=True)
    log = tmp_path / "argv.log"
    log.unlink(missing_ok=True)
    env = {"PATH": f"{fake_bin}:/usr/bin:/bin", "ARGV_LOG": str(log), "HOME": str(tmp_path)}
    subprocess.run(["bash", "-c", command], check=True, env=env, timeout=30)
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture
def fake_bin(tmp_path):
    folder = tmp_path / "fake-bin"
    for tool in ("conda", "mamba", "micromamba", "pixi", "uv"):
        recorder(folder / tool)
    return folder


def snapshot(prefix: Path) -> dict:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(prefix.rglob("*"))}


def fixes_for(world, prefix: Path, yml: str = YML, path: str = ""):
    """Return the env and the fix commands; `path`: the PATH the tools are looked for on."""
    (world.root / "environment.yml").write_text(yml)
    service = EnvService(world.host(**({"PATH": path} if path else {})))
    env = service.find(str(prefix), allow_any_prefix=True)
    before = snapshot(prefix)
    report = service.drift(env, world.root / "environment.yml")
    assert snapshot(prefix) == before  # computing a fix changes nothing
    return env, report.fixes


def notes_for(world, prefix: Path, yml: str = YML, path: str = ""):
    """Return the fix commands and the notes of a drift report."""
    (world.root / "environment.yml").write_text(yml)
    service = EnvService(world.host(**({"PATH": path} if path else {})))
    report = service.drift(service.find(str(prefix), allow_any_prefix=True), world.root / "environment.yml")
    return report.fixes, report.notes


PIP = [("pip", "24.0", False)]


def conda_root(world, tool: str) -> Path:
    root = world.base / WEIRD / tool
    if tool == "micromamba":
        (root / "pkgs").mkdir(parents=True)
    else:
        world.conda_env(root)
        recorder(root / ("condabin" if tool == "conda" else "bin") / tool)
    return root


@pytest.mark.parametrize("tool", ["conda", "mamba", "micromamba"])
def test_conda_env_fixes_by_its_own_tool(world, tmp_path, fake_bin, tool):
    prefix = world.conda_env(conda_root(world, tool) / "envs" / "ml", python="3.12.1", pip=PIP)
    recorder(prefix / "bin" / "python")
    env, fixes = fixes_for(world, prefix, path=str(fake_bin))
    conda, pip = fixes
    assert conda.tool == tool and pip.tool == "pip"
    assert conda.argv == (
        tool, "install", "--prefix", str(prefix), "-c", "conda-forge", "-c", "defaults",
        "numpy>=1.26", "conda-forge::pytorch", "python=3.11",
    )  # fmt: skip
    assert conda.entries == ("numpy>=1.26", "conda-forge::pytorch", "python=3.11")
    assert run_and_record(conda.command, tmp_path, fake_bin) == [[str(fake_bin / tool), *conda.argv[1:]]]
    requests = "requests[socks]>=2; python_version >= '3'"
    assert pip.argv == (str(prefix / "bin" / "python"), "-m", "pip", "install", requests, "rich")
    assert run_and_record(pip.command, tmp_path, fake_bin) == [list(pip.argv)]


def test_pixi_project_env_fixes_through_its_manifest(world, tmp_path, fake_bin):
    project = world.base / WEIRD / "proj"
    prefix = world.conda_env(project / ".pixi" / "envs" / "default", python="3.12.1")
    (project / "pixi.toml").write_text('[project]\nname = "proj"\nchannels = ["conda-forge"]\n')
    env, (conda, pip) = fixes_for(world, prefix, path=str(fake_bin))
    assert env.kind == "pixi"
    manifest = str(project / "pixi.toml")
    assert conda.argv == (
        "pixi",
        "add",
        "--manifest-path",
        manifest,
        "numpy>=1.26",
        "conda-forge::pytorch",
        "python=3.11",
    )
    assert pip.argv[:5] == ("pixi", "add", "--pypi", "--manifest-path", manifest)
    assert (conda.tool, pip.tool) == ("pixi", "pixi")  # pixi's manifest owns the pypi entries too
    for fix in (conda, pip):
        assert run_and_record(fix.command, tmp_path, fake_bin) == [[str(fake_bin / "pixi"), *fix.argv[1:]]]


@pytest.mark.parametrize("uv", [False, True])
def test_venv_fixes_by_pip_or_uv(world, tmp_path, fake_bin, uv):
    prefix = world.venv(world.base / WEIRD / "proj" / ".venv", dists=PIP)
    if uv:
        cfg = prefix / "pyvenv.cfg"
        cfg.write_text(cfg.read_text() + "uv = 0.4.18\n")
    recorder(prefix / "bin" / "python")
    yml = "dependencies:\n  - pip:\n    - \"rich>=13; sys_platform == 'linux'\"\n    - httpx[http2]\n"
    env, (fix,) = fixes_for(world, prefix, yml, path=str(fake_bin))
    python = str(prefix / "bin" / "python")
    specs = ("rich>=13; sys_platform == 'linux'", "httpx[http2]")
    if uv:
        assert env.kind == "uv" and fix.argv == ("uv", "pip", "install", "--python", python, *specs)
        assert run_and_record(fix.command, tmp_path, fake_bin) == [[str(fake_bin / "uv"), *fix.argv[1:]]]
    else:
        assert env.kind == "venv" and fix.argv == (python, "-m", "pip", "install", *specs)
        assert run_and_record(fix.command, tmp_path, fake_bin) == [list(fix.argv)]


def test_nothing_to_fix_gives_no_command_and_ok_entries_are_left_out(world, fake_bin):
    prefix = world.conda_env(world.home / "miniconda3", python="3.11.7", pip=[("rich", "13.7.1", True)])
    write_dist(prefix / "lib" / "python3.11" / "site-packages", "numpy", "1.26.4")
    _, fixes = fixes_for(world, prefix, "dependencies:\n  - python=3.11\n  - pip:\n    - rich\n    - -e .\n")
    assert fixes == ()
    yml = "dependencies:\n  - python=3.11\n  - scipy\n"
    _, (fix,) = fixes_for(world, prefix, yml, path=str(fake_bin))
    assert fix.entries == ("scipy",)


def test_cli_prints_the_commands_and_runs_nothing(world, tmp_path, fake_bin):
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "ml")
    recorder(world.home / "miniconda3" / "condabin" / "conda")
    (world.root / "environment.yml").write_text("dependencies:\n  - numpy>=1.26\n")
    env = {k: v for k, v in child_environ().items() if not k.startswith(("CONDA", "MAMBA"))}
    env.update(HOME=str(world.home), ARGV_LOG=str(tmp_path / "never.log"))
    run = subprocess.run(
        [sys.executable, "-m", "jupyter_envpanel", "drift", "ml", "--fix-command"],
        cwd=world.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    conda = world.home / "miniconda3" / "condabin" / "conda"  # not on PATH: called by its absolute path
    assert run.returncode == 1 and run.stdout == f"{conda} install --prefix {prefix} 'numpy>=1.26'\n"
    table = subprocess.run(
        [sys.executable, "-m", "jupyter_envpanel", "drift", "ml"],
        cwd=world.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert f"  {conda} install --prefix {prefix} 'numpy>=1.26'" in table.stdout.splitlines()
    assert not (tmp_path / "never.log").exists()


@pytest.mark.parametrize("pixi_home", [None, "pixi home"], ids=["default ~/.pixi", "PIXI_HOME"])
def test_pixi_global_env_fixes_by_pixi_global(world, tmp_path, fake_bin, pixi_home):
    """A pixi global env (under PIXI_HOME/envs) is fixed with `pixi global add`, never a project manifest."""
    home = world.base / pixi_home if pixi_home else world.home / ".pixi"
    prefix = world.conda_env(home / "envs" / "tools", python="3.12.1")
    (world.root / "environment.yml").write_text("dependencies:\n  - numpy>=1.26\n  - python=3.11\n")
    service = EnvService(world.host(PATH=str(fake_bin), **({"PIXI_HOME": str(home)} if pixi_home else {})))
    env = service.find(str(prefix), allow_any_prefix=True)
    (fix,) = service.drift(env, world.root / "environment.yml").fixes
    assert env.kind == "pixi" and fix.tool == "pixi"
    assert fix.argv == ("pixi", "global", "add", "--environment", "tools", "numpy>=1.26", "python=3.11")
    assert run_and_record(fix.command, tmp_path, fake_bin) == [[str(fake_bin / "pixi"), *fix.argv[1:]]]


def test_a_conda_tool_off_path_is_called_by_the_installations_own_path(world, fake_bin):
    root = world.home / "miniforge3"
    world.conda_env(root)
    recorder(root / "bin" / "mamba")
    prefix = world.conda_env(root / "envs" / "ml", pip=PIP)
    (conda, _), notes = notes_for(world, prefix)
    assert conda.tool == "mamba" and conda.argv[0] == str(root / "bin" / "mamba") and notes == ()


def test_an_installation_in_an_unusual_place_is_fixed_by_its_own_tool(world, tmp_path):
    """No variable or usual home names the installation: its own mamba is still what installs."""
    root = world.base / "opt" / "forge"
    world.conda_env(root)
    recorder(root / "bin" / "mamba")
    prefix = world.conda_env(root / "envs" / "ml", pip=PIP)
    (conda, _), notes = notes_for(world, prefix, path=str(tmp_path / "nothing"))
    assert (conda.tool, conda.argv[0]) == ("mamba", str(root / "bin" / "mamba")) and notes == ()


def test_an_installations_tool_that_cannot_run_gives_way_to_one_on_path(world, tmp_path):
    """A `bin/mamba` without the execute bit is never offered: conda found on PATH installs instead."""
    root = world.home / "miniforge3"
    world.conda_env(root)
    recorder(root / "bin" / "mamba")
    (root / "bin" / "mamba").chmod(0o644)
    prefix = world.conda_env(root / "envs" / "ml", pip=PIP)
    recorder(tmp_path / "only" / "conda")
    (conda, _), notes = notes_for(world, prefix, path=str(tmp_path / "only"))
    assert (conda.tool, conda.argv[0]) == ("conda", "conda") and notes == ()


@pytest.mark.parametrize("on_path", ["conda", "micromamba"])
def test_a_micromamba_root_is_fixed_by_whichever_conda_tool_is_found(world, tmp_path, on_path):
    root = world.home / "micromamba"
    (root / "pkgs").mkdir(parents=True)
    prefix = world.conda_env(root / "envs" / "ml", pip=PIP)
    bin_dir = tmp_path / "only"
    recorder(bin_dir / on_path)
    (conda, _), notes = notes_for(world, prefix, path=str(bin_dir))
    assert (conda.tool, conda.argv[0]) == (on_path, on_path) and notes == ()


def test_no_tool_on_this_machine_gives_a_note_that_names_what_is_needed(world, tmp_path):
    """No command the machine cannot run: conda entries say conda is needed, pip entries still work."""
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "ml", pip=PIP)
    fixes, notes = notes_for(world, prefix)
    assert [f.tool for f in fixes] == ["pip"]
    [note] = notes
    assert note.needs == "conda" and note.entries == ("numpy>=1.26", "conda-forge::pytorch")
    assert "conda, mamba or micromamba is needed" in note.reason and "conda-forge.org" in note.reason
    project = world.base / "proj"
    pixi_env = world.conda_env(project / ".pixi" / "envs" / "default")
    (project / "pixi.toml").write_text('[project]\nname = "proj"\n')
    fixes, notes = notes_for(world, pixi_env)
    assert fixes == () and {n.needs for n in notes} == {"pixi"}


def test_a_conda_env_without_pip_gets_pip_from_conda_first(world, fake_bin):
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "ml")  # python, no pip
    conda, pip = fixes_for(world, prefix, path=str(fake_bin))[1]
    assert conda.argv[-1] == "pip" and conda.entries == ("numpy>=1.26", "conda-forge::pytorch")
    assert pip.argv[1:4] == ("-m", "pip", "install")
    only_pip = "dependencies:\n  - pip:\n    - rich\n"
    conda, pip = fixes_for(world, prefix, only_pip, path=str(fake_bin))[1]
    assert conda.argv[-1] == "pip" and conda.entries == () and pip.entries == ("rich",)


def test_a_venv_without_pip_is_fixed_by_uv_or_told_why(world, fake_bin, tmp_path):
    prefix = world.venv(world.base / "proj" / ".venv")  # `uv venv` and `venv --without-pip` have no pip
    yml = "dependencies:\n  - pip:\n    - rich\n"
    (fix,), notes = notes_for(world, prefix, yml, path=str(fake_bin))
    assert fix.tool == "uv" and fix.argv[:4] == ("uv", "pip", "install", "--python") and notes == ()
    fixes, (note,) = notes_for(world, prefix, yml, path=str(tmp_path / "nothing"))
    assert fixes == () and note.needs == "pip" and "ensurepip" in note.reason


def test_a_conda_layout_venv_is_fixed_by_its_own_pip_in_one_command(world, tmp_path, fake_bin):
    """The demo's environments are venvs with conda records: their own pip, never conda (even when found)."""
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "demo", pip=PIP)
    (prefix / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n")
    python = str(prefix / "bin" / "python")
    for path in (str(tmp_path / "no-tools"), str(fake_bin)):  # no conda here, then conda on PATH
        (fix,), notes = notes_for(world, prefix, path=path)
        assert fix.tool == "pip" and notes == ()
        assert fix.argv == (python, "-m", "pip", "install", "numpy>=1.26", "pytorch", REQUESTS, "rich")


REQUESTS = "requests[socks]>=2; python_version >= '3'"


def test_a_conda_entry_with_a_spaced_version_is_installed_with_that_version(world, tmp_path, fake_bin):
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "ml")
    (fix,) = fixes_for(world, prefix, "dependencies:\n  - scipy >=1.11\n", path=str(fake_bin))[1]
    assert fix.entries == ("scipy >=1.11",) and fix.argv[-1] == "scipy >=1.11"
    assert run_and_record(fix.command, tmp_path, fake_bin)[0][-1] == "scipy >=1.11"


def test_a_base_installation_is_fixed_by_its_own_tool_not_another_on_path(world, tmp_path):
    root = world.home / "miniforge3"
    world.conda_env(root)
    recorder(root / "bin" / "mamba")
    recorder(tmp_path / "only" / "conda")
    (fix,), notes = notes_for(world, root, "dependencies:\n  - scipy\n", path=str(tmp_path / "only"))
    assert (fix.tool, fix.argv[0]) == ("mamba", str(root / "bin" / "mamba")) and notes == ()


def test_a_channel_named_like_an_option_is_passed_as_the_long_option(world, tmp_path, fake_bin):
    prefix = world.conda_env(world.home / "miniconda3" / "envs" / "ml")
    yml = "channels:\n  - -weird\ndependencies:\n  - scipy\n"
    (fix,) = fixes_for(world, prefix, yml, path=str(fake_bin))[1]
    assert fix.argv == ("conda", "install", "--prefix", str(prefix), "--channel=-weird", "scipy")
    assert run_and_record(fix.command, tmp_path, fake_bin)[0][1:] == list(fix.argv[1:])


def test_a_python_on_path_whose_interpreter_file_holds_a_control_character_gets_a_note_not_a_command(world):
    """The prefix is clean but the interpreter the pip command would run is not: no command is offered."""
    prefix = world.base / "opt" / "py"
    real = interpreter_at(prefix, "py\x1bthon")
    (prefix / "bin" / "python3").symlink_to(real.name)  # PATH names python3; its file holds ESC
    write_dist(prefix / "lib" / f"python{PY}" / "site-packages", "pip", "24.0")
    (world.root / "requirements.txt").write_text("requests\n")
    service = EnvService(world.host(PATH=str(prefix / "bin")))
    (env,) = [e for e in service.listing().environments if e.kind == "system"]
    assert env.prefix == str(prefix) and env.executable == str(real)
    report = service.drift(env, world.root / "requirements.txt")
    assert report.fixes == ()
    (note,) = report.notes
    assert note.entries == ("requests",)
    assert note.reason == (
        "the environment's path holds a control character (U+001B); no command is offered for it"
    )
