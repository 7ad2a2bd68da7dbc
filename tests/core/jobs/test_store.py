"""Job records in the runtime folder: written whole, read back, running ones interrupted at start."""

from __future__ import annotations

import json
import os
import stat

from jupyter_envpanel.core.jobs.model import Action, Job
from jupyter_envpanel.core.jobs.store import JobStore


def job(job_id: str, state: str = "succeeded", started: float = 1.0) -> Job:
    action = Action("update", "ml", "/envs/ml", "conda", (("conda", "install", "numpy"),), "/root")
    return Job(job_id, action, state, 0 if state == "succeeded" else None, started=started)


def test_records_read_back_oldest_first_in_a_folder_only_the_user_reads(tmp_path):
    store = JobStore(tmp_path / "jobs")
    store.save(job("bbbbbbbbbbbb", started=2.0))
    store.save(job("aaaaaaaaaaaa", started=1.0))
    jobs, warnings = store.load()
    assert [j.id for j in jobs] == ["aaaaaaaaaaaa", "bbbbbbbbbbbb"] and warnings == []
    assert stat.S_IMODE(os.stat(tmp_path / "jobs").st_mode) == 0o700


def test_a_job_recorded_as_running_is_interrupted_at_start_never_succeeded(tmp_path):
    store = JobStore(tmp_path)
    store.save(job("aaaaaaaaaaaa", "running"))
    [recovered], _ = store.recover()
    assert recovered.state == "interrupted" and recovered.ended is not None and recovered.exit_code is None
    assert "server stopped" in recovered.note
    assert json.loads((tmp_path / "aaaaaaaaaaaa.json").read_text())["state"] == "interrupted"


def test_broken_records_cost_only_themselves_and_other_files_are_ignored(tmp_path):
    store = JobStore(tmp_path)
    store.save(job("aaaaaaaaaaaa"))
    (tmp_path / "bbbbbbbbbbbb.json").write_text("[1, 2]")
    (tmp_path / "cccccccccccc.json").write_text('{"id": "cccccccccccc"}')
    os.mkfifo(tmp_path / "dddddddddddd.json")  # never opened for a blocking read
    (tmp_path / "notes.json").write_text("{}")
    jobs, warnings = store.load()
    assert [j.id for j in jobs] == ["aaaaaaaaaaaa"] and len(warnings) == 3


def test_only_the_newest_jobs_are_kept_with_their_logs(tmp_path):
    store = JobStore(tmp_path, keep=2)
    for i, job_id in enumerate(("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc")):
        store.save(job(job_id, started=float(i)))
        store.log_path(job_id).write_text("output\n")
    kept, _ = store.recover()
    assert [j.id for j in kept] == ["bbbbbbbbbbbb", "cccccccccccc"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bbbbbbbbbbbb.json",
        "bbbbbbbbbbbb.log",
        "cccccccccccc.json",
        "cccccccccccc.log",
    ]
