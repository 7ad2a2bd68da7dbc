"""Running actions: real processes, no shell, one job per environment, capped output, cancel that works."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from support.tools import fake_tool, group_members, set_mode

from jupyter_envpanel.core.jobs.model import Action, JobRunning
from jupyter_envpanel.core.jobs.runner import Runner
from jupyter_envpanel.core.jobs.store import JobStore

PRINT_ARGV = "import json, os, sys; print(json.dumps([os.getcwd(), *sys.argv[1:]]))"


def step(*code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", *code)


def action(tmp_path: Path, *steps: tuple[str, ...], key: str = "/envs/ml") -> Action:
    return Action("update", "ml", key, "fake", steps, str(tmp_path))


@pytest.fixture
def runner(tmp_path):
    environ = {**os.environ, "FAKE_MODE": str(tmp_path / "mode")}
    made = Runner(JobStore(tmp_path / "jobs"), environ, grace=0.5, cap=64 * 1024)
    yield made
    for job in made.jobs():  # nothing a test started outlives it
        if not job.finished:
            made.cancel(job.id)
            made.wait(job.id, 10)


def test_arguments_reach_the_tool_as_they_are_no_shell_between(runner, tmp_path):
    hostile = ["my env", "it's", '"q"', "-rf", "$(touch pwned)", "a;b", "*"]
    job = runner.wait(runner.start(action(tmp_path, step(PRINT_ARGV, *hostile))).id, 30)
    assert (job.state, job.exit_code, job.error_line) == ("succeeded", 0, "")
    text = runner.read(job.id, 0)[1]
    assert json.loads(text) == [str(tmp_path), *hostile]
    assert not (tmp_path / "pwned").exists()


def test_steps_run_in_order_and_a_failing_step_stops_the_rest(runner, tmp_path):
    first = step("print('step one 50%')")
    failing = step(
        "import sys; print('Resolving: 45%'); print('ERROR: no matching distribution'); sys.exit(3)"
    )
    never = step("open('ran', 'w')")
    job = runner.wait(runner.start(action(tmp_path, first, failing, never)).id, 30)
    assert (job.state, job.exit_code, job.step) == ("failed", 3, 1)
    assert job.error_line == "ERROR: no matching distribution" and job.progress == 45.0
    assert not (tmp_path / "ran").exists()
    assert runner.read(job.id, 0)[1] == "step one 50%\nResolving: 45%\nERROR: no matching distribution\n"


def test_a_failure_with_no_error_word_names_the_last_line_and_a_missing_tool_says_so(runner, tmp_path):
    quiet = runner.wait(runner.start(action(tmp_path, step("print('bye'); raise SystemExit(1)"))).id, 30)
    assert (quiet.state, quiet.error_line) == ("failed", "bye")
    gone = runner.start(action(tmp_path, (str(tmp_path / "no-such-tool"), "install"), key="/envs/other"))
    gone = runner.wait(gone.id, 30)
    assert (gone.state, gone.exit_code) == ("failed", None)
    assert gone.error_line == "cannot run: No such file or directory (no-such-tool)"


def test_one_job_per_environment_and_the_conflict_names_the_running_job(runner, tmp_path):
    tool = fake_tool(tmp_path / "bin" / "conda")
    set_mode(tmp_path / "mode", "hang")
    running = runner.start(action(tmp_path, (str(tool), "install", "--prefix", "/envs/ml", "numpy")))
    with pytest.raises(JobRunning) as conflict:
        runner.start(action(tmp_path, step("pass")))
    assert conflict.value.job.id == running.id and conflict.value.status == 409
    other = runner.wait(runner.start(action(tmp_path, step("pass"), key="/envs/other")).id, 30)
    assert other.state == "succeeded"
    runner.cancel(running.id)
    assert runner.wait(running.id, 10).state == "cancelled"
    again = runner.wait(runner.start(action(tmp_path, step("pass"))).id, 30)
    assert again.state == "succeeded"


def test_a_tool_that_never_exits_is_cancelled_with_its_whole_process_group(runner, tmp_path):
    """The fake ignores SIGTERM and has a child that does too: SIGKILL after the grace period ends both."""
    hang = tmp_path / "mode.pgid"
    tool = fake_tool(tmp_path / "bin" / "mamba")
    set_mode(tmp_path / "mode", "hang")
    job = runner.start(action(tmp_path, (str(tool), "install", "--prefix", "/envs/ml", "numpy")))
    deadline = time.monotonic() + 30
    while not hang.exists() or runner.get(job.id).progress is None:
        assert time.monotonic() < deadline, runner.read(job.id, 0)
        time.sleep(0.05)
    pgid = int(hang.read_text())
    assert len(group_members(pgid)) == 2
    assert runner.get(job.id).state == "running" and runner.get(job.id).progress == 45.0
    runner.cancel(job.id)
    ended = runner.wait(job.id, 30)
    assert (ended.state, ended.exit_code, ended.error_line) == ("cancelled", -9, "")
    assert group_members(pgid) == []
    assert runner.cancel(job.id) == ended  # cancelling an ended job changes nothing


def test_a_flood_of_output_stays_capped_in_memory_and_whole_in_the_log(runner, tmp_path):
    tool = fake_tool(tmp_path / "bin" / "conda")
    set_mode(tmp_path / "mode", "flood 100")
    job = runner.wait(
        runner.start(action(tmp_path, (str(tool), "install", "--prefix", str(tmp_path / "p")))).id, 60
    )
    _, text, start, end, truncated = runner.read(job.id, 0)
    assert job.state == "succeeded" and truncated and len(text) == 64 * 1024 == end - start
    assert text.endswith("Executing transaction: done\n")
    assert runner.store.log_path(job.id).stat().st_size > 100 * 1000 * 1000


def test_a_new_server_finds_the_jobs_of_the_last_and_the_running_one_interrupted(runner, tmp_path):
    done = runner.wait(runner.start(action(tmp_path, step("print('ok')"), key="/envs/a")).id, 30)
    tool = fake_tool(tmp_path / "bin" / "conda")
    set_mode(tmp_path / "mode", "hang")
    running = runner.start(action(tmp_path, (str(tool), "install", "--prefix", "/envs/b")))
    later = Runner(JobStore(tmp_path / "jobs"), {})
    states = {job.id: job.state for job in later.jobs()}
    assert states == {done.id: "succeeded", running.id: "interrupted"}
    job, text, start, end, truncated = later.read(done.id, 0)  # its output is in its log file only
    assert (text, end, truncated) == ("", 3, True)


def test_the_end_is_reported_once_with_the_finished_job(tmp_path):
    seen = []
    runner = Runner(JobStore(tmp_path / "jobs"), dict(os.environ), on_end=seen.append)
    job = runner.wait(runner.start(action(tmp_path, step("pass"))).id, 30)
    assert seen == [job] and job.state == "succeeded"


def test_a_stopping_server_stops_its_tools_and_their_jobs_read_interrupted(runner, tmp_path):
    job = runner.start(action(tmp_path, step("import time; print('working', flush=True); time.sleep(60)")))
    while not runner.read(job.id, 0)[1]:
        time.sleep(0.02)
    runner.stop()
    ended = runner.wait(job.id, 30)
    assert (ended.state, ended.exit_code) == ("interrupted", -15) and "server stopped" in ended.note
