"""Runs actions: argv steps without a shell, one job per environment, cancellable process groups.

Each job gets a thread that runs its steps in order (the next only after the previous exited 0),
each step in a session of its own (`start_new_session`), with stdin closed and stderr merged into
stdout. The thread reads the output as it comes: the bytes go to the job's log file whole, the
cleaned text to a capped ring buffer (`Output`). Cancel sends SIGTERM to the step's process group,
then SIGKILL to what is left after a grace period, so a tool that never exits is always stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import IO

from .model import Action, Job, JobNotFound, JobRunning
from .output import Output
from .store import INTERRUPTED, JobStore

CHUNK = 64 * 1024


class _Live:
    """A running (or recently run) job's mutable side: output, process, cancel flag."""

    def __init__(self, job: Job, cap: int) -> None:
        self.job = job
        self.output = Output(cap)
        self.process: subprocess.Popen[bytes] | None = None
        self.cancelled = False
        self.done = threading.Event()


class Runner:
    """Starts, reads, cancels and remembers jobs; every method is safe to call from any thread."""

    def __init__(
        self,
        store: JobStore,
        environ: Mapping[str, str],
        grace: float = 5.0,
        cap: int = 1 << 20,
        on_end: Callable[[Job], None] | None = None,
    ) -> None:
        """Load earlier jobs (running ones become interrupted); nothing runs yet."""
        self.store = store
        self.environ = dict(environ)
        self.grace = grace
        self.cap = cap
        self.on_end = on_end
        self._lock = threading.Lock()
        self._jobs: dict[str, _Live] = {}
        self._stopping = False
        earlier, self.warnings = store.recover()
        for job in earlier:
            live = _Live(job, 0)
            live.done.set()
            self._jobs[job.id] = live

    def start(self, action: Action) -> Job:
        """Start an action as a job; raise JobRunning when one runs for the same environment."""
        with self._lock:
            busy = (j.job for j in self._jobs.values() if not j.done.is_set())
            running = next((job for job in busy if job.action.key == action.key), None)
            if running is not None:
                raise JobRunning(running)
            job = Job(id=uuid.uuid4().hex[:12], action=action, started=time.time())
            live = _Live(job, self.cap)
            self._jobs[job.id] = live
        try:
            self.store.save(job)
        except OSError:
            with self._lock:
                del self._jobs[job.id]
            raise
        threading.Thread(target=self._run, args=(live,), name=f"envpanel-job-{job.id}", daemon=True).start()
        return job

    def jobs(self) -> list[Job]:
        """Return every job known, oldest first, as it is now."""
        with self._lock:
            lives = list(self._jobs.values())
        return sorted((self._snapshot(live) for live in lives), key=lambda j: j.started)

    def get(self, job_id: str) -> Job:
        """Return one job as it is now."""
        return self._snapshot(self._live(job_id))

    def read(self, job_id: str, offset: int, limit: int = 1 << 20) -> tuple[Job, str, int, int, bool]:
        """Return the job, its output from offset, where that output starts, the next offset, truncated."""
        live = self._live(job_id)
        job = self._snapshot(live)
        text, start, end, truncated = live.output.read(offset, limit)
        if live.output.size == 0 and job.output_size:  # an earlier server's job: its log file has it
            truncated = offset < job.output_size
            start = end = job.output_size
        return job, text, start, end, truncated

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Return the job once it has ended (or as it is when timeout passes)."""
        live = self._live(job_id)
        live.done.wait(timeout)
        return self._snapshot(live)

    def cancel(self, job_id: str) -> Job:
        """Stop a running job: SIGTERM to its process group now, SIGKILL to what is left after grace."""
        live = self._live(job_id)
        with self._lock:
            ended = live.done.is_set()
            live.cancelled = live.cancelled or not ended
            process = None if ended else live.process
        if process is not None:
            _signal_group(process.pid, signal.SIGTERM)
            timer = threading.Timer(self.grace, _signal_group, (process.pid, signal.SIGKILL))
            timer.daemon = True
            timer.start()
        return self._snapshot(live)

    def stop(self) -> None:
        """SIGTERM every running job's process group: the server is stopping (its jobs end interrupted)."""
        with self._lock:
            self._stopping = True
            running = [
                j.process for j in self._jobs.values() if j.process is not None and not j.done.is_set()
            ]
        for process in running:
            _signal_group(process.pid, signal.SIGTERM)

    def _live(self, job_id: str) -> _Live:
        """Return a job's live side; JobNotFound for an unknown id."""
        with self._lock:
            live = self._jobs.get(job_id)
        if live is None:
            raise JobNotFound(job_id)
        return live

    def _snapshot(self, live: _Live) -> Job:
        """Return the job with the progress and output size it has now."""
        with self._lock:
            job = live.job
        if job.finished and live.output.size == 0:
            return job
        return replace(job, progress=live.output.progress, output_size=live.output.size)

    def _run(self, live: _Live) -> None:
        """Run the steps in order (the job's thread); record how it ended."""
        job = live.job
        exit_code: int | None = 0
        note = ""
        try:
            with open(self.store.log_path(job.id), "ab") as log:
                for index, argv in enumerate(job.action.steps):
                    with self._lock:
                        if live.cancelled:
                            break
                        live.job = replace(live.job, step=index)
                    if index:
                        self.store.save(self._snapshot(live))
                    exit_code = self._step(live, argv, log)
                    if exit_code != 0:
                        break
        except OSError as err:  # the tool cannot start (not found, not executable), or the log is unwritable
            exit_code = None
            name = os.path.basename(str(err.filename or ""))
            note = f"cannot run: {err.strerror or type(err).__name__}" + (f" ({name})" if name else "")
        self._end(live, exit_code, note)

    def _step(self, live: _Live, argv: tuple[str, ...], log: IO[bytes]) -> int:
        """Run one step to its end, feeding its output; return its exit code."""
        process = subprocess.Popen(
            argv,
            cwd=live.job.action.cwd,
            env=self.environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with self._lock:
            live.process = process
            cancelled = live.cancelled
        if cancelled:  # cancelled while it was starting
            _signal_group(process.pid, signal.SIGKILL)
        assert process.stdout is not None  # PIPE was asked for
        fd = process.stdout.fileno()
        while True:
            data = os.read(fd, CHUNK)
            if not data:
                break
            log.write(data)
            live.output.feed(data)
        live.output.feed(b"", final=True)
        log.flush()
        process.stdout.close()
        return process.wait()

    def _end(self, live: _Live, exit_code: int | None, note: str) -> None:
        """Record the job's end: succeeded, failed (exit code, first error line) or cancelled.

        The job reads as ended only once `on_end` returned (the listing is fresh by then).
        """
        output = live.output
        with self._lock:
            job = live.job
            live.process = None
            cancelled = live.cancelled
            stopping = self._stopping
        if stopping and not cancelled:
            state, note = "interrupted", INTERRUPTED
        elif cancelled:
            state, note = "cancelled", note or "cancelled by the user"
        elif exit_code == 0:
            state = "succeeded"
        else:
            state = "failed"
            if exit_code is not None and exit_code < 0:
                note = note or f"the tool was stopped by signal {-exit_code}"
        error = (output.first_error() or output.last() or note) if state == "failed" else ""
        ended = job.ended_as(
            state,
            time.time(),
            exit_code=exit_code,
            error_line=error,
            note=note,
            progress=output.progress,
            output_size=output.size,
        )
        try:
            self.store.save(ended)
        except OSError:
            pass  # the job stays right in memory; a record that could not be written is only missed later
        try:
            if self.on_end is not None:
                self.on_end(ended)
        finally:
            with self._lock:
                live.job = ended
            live.done.set()


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send a signal to a process group; a group that is gone already is fine."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
