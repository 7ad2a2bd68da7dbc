"""Actions built from discovery and run for real: pixi, micromamba, uv and pip, the listing after each."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pip
import pytest
from support.tools import argv_log, fake_tool, offline_uv, set_mode, wheel

from jupyter_envpanel.core.base.errors import InvalidArgument
from jupyter_envpanel.core.jobs.model import ActionsOff, NotApplicable
from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.core.service.jobs import Jobs, jobs_for

UV = shutil.which("uv") or shutil.which("uv", path=os.path.dirname(sys.executable))
needs_uv = pytest.mark.skipif(UV is None, reason="uv is not installed on this machine (pip install uv)")


def jobs_in(world, allowed: bool = True, **environ: str) -> tuple[EnvService, Jobs]:
    """Return a service of the world and its jobs (records beside the root); tools on the world's PATH."""
    world.server_env()
    bin_dir = world.base / "bin"
    bin_dir.mkdir(exist_ok=True)
    path = os.pathsep.join([str(bin_dir), *([os.path.dirname(UV)] if UV else [])])
    environ = {"ARGV_LOG": str(world.base / "argv.log"), "FAKE_MODE": str(world.base / "mode"), **environ}
    service = EnvService(world.host(PATH=path, **environ))
    return service, jobs_for(service, world.base / "jobs", allowed=allowed, grace=0.5)


def names(service: EnvService) -> set[str]:
    return {e.name for e in service.listing().environments}


def test_pixi_creates_the_project_env_and_then_it_is_in_sync(world):
    fake_tool(world.base / "bin" / "pixi")
    project = world.root / "-px"
    project.mkdir()
    (project / "pixi.toml").write_text('[workspace]\nname = "px"\n')
    service, jobs = jobs_in(world)
    preview = jobs.preview("create", "-px")
    assert preview["argv"] == [["pixi", "install", "--manifest-path", "./-px/pixi.toml"]]
    job = jobs.runner.wait(jobs.start("create", "-px").id, 30)
    assert job.state == "succeeded" and job.progress == 100.0
    assert service.project(project).exists  # listed at once: the create adopted it
    with pytest.raises(NotApplicable, match="nothing to update"):  # pixi.toml asks for nothing more
        jobs.preview("update", "-px")


def test_the_tool_asked_for_is_used_and_only_one_offered(world):
    root = world.conda_env(world.home / "micromamba")
    for tool in ("conda", "micromamba"):
        fake_tool(world.base / "bin" / tool)
    (world.root / "environment.yml").write_text("name: mm\ndependencies:\n  - python\n")
    service, jobs = jobs_in(world, MAMBA_ROOT_PREFIX=str(root))
    assert jobs.preview("create")["tool"] == "conda"
    job = jobs.runner.wait(jobs.start("create", tool="micromamba").id, 30)
    assert job.state == "succeeded" and argv_log(world.base / "argv.log") == [
        ["micromamba", "create", "-f", "environment.yml"]
    ]
    with pytest.raises(InvalidArgument, match="one of: conda, micromamba"):
        jobs.preview("create", tool="sh")


@needs_uv
def test_uv_makes_a_venv_from_requirements_offline_and_a_half_made_one_is_shown_drifted(world, tmp_path):
    wheels = tmp_path / "wheelhouse"
    wheel(wheels, "tinypkg", "1.0")
    sub = world.root / "it's here"
    sub.mkdir()
    (sub / "requirements.txt").write_text("tinypkg\n")
    service, jobs = jobs_in(world, **offline_uv(wheels, tmp_path / "cache"))
    action = jobs.actions.build("create", "it's here")
    assert action.steps[0][1:] == ("venv", "it's here/.venv")
    assert action.steps[1][1:] == (
        "pip",
        "install",
        "--python",
        "it's here/.venv",
        "-r",
        "it's here/requirements.txt",
    )
    job = jobs.runner.wait(jobs.start("create", "it's here").id, 60)
    assert job.state == "succeeded", jobs.runner.read(job.id, 0)[1]
    assert service.project(sub).exists and str(sub / ".venv") in {
        e.prefix for e in service.listing().environments
    }

    broken = world.root / "broken"
    broken.mkdir()
    (broken / "requirements.txt").write_text("no-such-package-here\n")
    job = jobs.runner.wait(jobs.start("create", "broken").id, 60)
    assert (job.state, job.exit_code, job.step) == ("failed", 1, 1)
    assert job.error_line.startswith("error:")  # uv's first error line; the output names the package
    assert "no-such-package-here" in jobs.runner.read(job.id, 0)[1]
    # the first step made the venv: it is shown as what it is, short of its requirement, never in sync
    project = service.project(broken)
    assert project.exists and project.drift == {
        "file": "broken/requirements.txt",
        "in_sync": False,
        "summary": {"ok": 0, "missing": 1, "mismatch": 0, "skipped": 0, "unrequested": 0},
        "drift_count": 1,
        "lock": None,
    }
    assert jobs.preview("update", "broken")["argv"][0][-1] == "no-such-package-here"


def copy_pip(venv: Path) -> None:
    """Put pip into a venv, as `python -m venv` would (copied from this Python: offline, fast)."""
    site = next((venv / "lib").glob("python*/site-packages"))
    source = Path(pip.__file__).parent
    shutil.copytree(source, site / "pip")
    for dist in source.parent.glob(f"pip-{pip.__version__}.dist-info"):
        shutil.copytree(dist, site / dist.name)


def test_pip_installs_ipykernel_from_a_local_wheel_and_the_kernel_is_offered(world, tmp_path):
    """The wheel is a tiny one named ipykernel that ships ipykernel's kernelspec (no index, no network)."""
    wheels = tmp_path / "wheelhouse"
    wheel(wheels, "ipykernel", "6.29.5", kernel=True)
    venv = world.venv(world.root / ".venv", real=True)
    copy_pip(venv)
    pip_env = {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    service, jobs = jobs_in(world, **pip_env)
    env = next(e for e in service.listing().environments if e.prefix == str(venv))
    assert not env.kernels
    preview = jobs.preview("install-kernel", environment=env.name)
    assert preview["argv"][0][1:] == ["-m", "pip", "install", "ipykernel"] and preview["tool"] == "pip"
    job = jobs.runner.wait(jobs.start("install-kernel", environment=env.name).id, 120)
    assert job.state == "succeeded", jobs.runner.read(job.id, 0)[1]
    env = next(e for e in service.listing().environments if e.prefix == str(venv))
    assert env.has_ipykernel and [k.language for k in env.kernels] == ["python"]
    with pytest.raises(NotApplicable, match="ipykernel already"):
        jobs.preview("install-kernel", environment=env.name)


def test_no_command_for_a_path_with_a_control_character_and_none_run_with_actions_off(world):
    fake_tool(world.base / "bin" / "conda")
    sub = world.root / "bad\x1b[2Jname"
    sub.mkdir()
    (sub / "environment.yml").write_text("name: x\ndependencies:\n  - python\n")
    (world.root / "environment.yml").write_text("name: fine\ndependencies:\n  - python\n")
    service, jobs = jobs_in(world, allowed=False)
    with pytest.raises(NotApplicable, match="control character"):
        jobs.preview("create", "bad\x1b[2Jname")
    preview = jobs.preview("create")
    assert preview["allowed"] is False and "allow_actions" in preview["message"]
    with pytest.raises(ActionsOff):
        jobs.start("create")
    assert argv_log(world.base / "argv.log") == [] and jobs.runner.jobs() == []


def test_a_failed_create_leaves_the_project_to_create(world):
    fake_tool(world.base / "bin" / "conda")
    (world.root / "environment.yml").write_text("name: later\ndependencies:\n  - python\n")
    service, jobs = jobs_in(world)
    set_mode(world.base / "mode", "exit 1")
    job = jobs.runner.wait(jobs.start("create").id, 30)
    assert (job.state, job.exit_code) == ("failed", 1) and job.error_line.startswith("CondaHTTPError")
    assert "later" not in names(service) and not service.project(world.root).exists
