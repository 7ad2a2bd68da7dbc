"""Jobs kept as small JSON records (and their full logs) in a runtime folder of the user's.

A record is written when a job starts, moves to its next step and ends, atomically (a temporary
file renamed over it). At start-up, a job the records say is running was cut off by the server
that ran it: it is marked interrupted, never succeeded. Only the newest `keep` jobs are kept.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from ..base.safe_read import UnreadableFile, read_json_object
from .model import Job

ID = re.compile(r"^[0-9a-f]{12}$")
INTERRUPTED = "the server stopped while this job ran; its tool may have been cut off part-way"


class JobStore:
    """The records and logs of jobs in one folder (created private to the user when first used)."""

    def __init__(self, folder: Path, keep: int = 50) -> None:
        """Remember the folder and how many jobs to keep."""
        self.folder = folder
        self.keep = keep

    def ensure(self) -> None:
        """Create the folder, readable by the user only."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def log_path(self, job_id: str) -> Path:
        """Return where a job's full output goes."""
        return self.folder / f"{job_id}.log"

    def save(self, job: Job) -> None:
        """Write a job's record atomically."""
        import json

        self.ensure()
        fd, tmp = tempfile.mkstemp(prefix=f".{job.id}.", suffix=".json", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(job.to_record(), fh, allow_nan=False)
            os.replace(tmp, self.folder / f"{job.id}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self) -> tuple[list[Job], list[str]]:
        """Return every readable job (oldest first) and a warning per record that could not be read."""
        jobs: list[Job] = []
        warnings: list[str] = []
        try:
            names = sorted(os.listdir(self.folder))
        except FileNotFoundError:
            return [], []
        for name in names:
            stem, dot, ext = name.partition(".")
            if ext != "json" or not ID.match(stem):
                continue
            try:
                jobs.append(Job.from_record(read_json_object(self.folder / name, "job record")))
            except (OSError, UnreadableFile, KeyError, ValueError, TypeError) as err:
                warnings.append(f"job record {name}: {err}")
        jobs.sort(key=lambda j: j.started)
        return jobs, warnings

    def recover(self) -> tuple[list[Job], list[str]]:
        """Return the jobs of earlier servers, those recorded as running marked interrupted (and saved)."""
        jobs, warnings = self.load()
        now = time.time()
        out: list[Job] = []
        for job in jobs:
            if job.state == "running":
                job = job.ended_as("interrupted", now, note=INTERRUPTED)
                self.save(job)
            out.append(job)
        for old in out[: max(0, len(out) - self.keep)]:
            self.forget(old.id)
        return out[-self.keep :] if self.keep else [], warnings

    def forget(self, job_id: str) -> None:
        """Delete a job's record and log."""
        for path in (self.folder / f"{job_id}.json", self.log_path(job_id)):
            path.unlink(missing_ok=True)
