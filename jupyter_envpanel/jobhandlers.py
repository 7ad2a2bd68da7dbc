"""REST handlers of jobs: start an action the server builds, follow its output, cancel it.

The request names the action and where (a root-relative path, or an environment); the argument
vector is built by the server from what it discovered. Reading a job is memory only; building and
starting one reads the disk, in the pool.
"""

from __future__ import annotations

import json
import time
from typing import Any, cast

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from .basehandler import EnvPanelHandler
from .core.base.errors import EnvPanelError, InvalidArgument
from .core.jobs.model import Job, JobRunning
from .core.service.jobs import Jobs

#: What a request may name, and nothing else.
FIELDS = ("action", "path", "environment", "tool")
MAX_FIELD = 4096
MAX_READ = 1 << 20


class _Running(web.HTTPError):
    """A job runs for this environment already (raised in the pool, answered 409 with that job)."""

    def __init__(self, job: Job) -> None:
        super().__init__(409)
        self.job = job


def _fields(raw: dict[str, Any]) -> dict[str, str]:
    """Return the request's fields as strings; anything else is bad input."""
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InvalidArgument(f"unknown field {unknown[0][:40]!r}; a job takes {', '.join(FIELDS)}")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or len(value) > MAX_FIELD or "\x00" in value:
            raise InvalidArgument(f"{key} must be a string of at most {MAX_FIELD} characters")
        out[key] = value
    if not out.get("action"):
        raise InvalidArgument("give an action: create, update or install-kernel")
    return out


class JobsBase(EnvPanelHandler):
    """Jobs handlers: the jobs facade, typed errors of memory-only calls mapped as the pool's are."""

    @property
    def jobs(self) -> Jobs:
        """Return the jobs facade the extension app created."""
        return cast("Jobs", self.settings["envpanel_jobs"])

    def now(self, job: Job) -> dict[str, Any]:
        """Return a job's JSON as of now."""
        return job.to_json(time.time())

    def memory(self, func: Any, *args: Any) -> Any:
        """Call a memory-only jobs method on the loop; a typed error becomes its 4xx answer."""
        try:
            return func(*args)
        except EnvPanelError as err:
            self._fail(err.status, {"message": str(err)})

    def _start(self, fields: dict[str, str]) -> Job:
        """Build the action from discovery and start it (blocking: reads the disk, forks)."""
        try:
            return self.jobs.start(**fields)
        except JobRunning as err:
            raise _Running(err.job) from None


class JobsHandler(JobsBase):
    """GET every job; POST starts one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Answer `{jobs, allowed}`, oldest first."""
        jobs = self.memory(self.jobs.runner.jobs)
        self.answer({"jobs": [self.now(j) for j in jobs], "allowed": self.jobs.allowed})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Start `{action, path | environment[, tool]}` -> 201 with the job; 409 with the running one."""
        try:
            raw = json.loads(self.request.body or b"{}")
        except ValueError:
            self._fail(400, {"message": "the body must be JSON: {action, path | environment}"})
        if not isinstance(raw, dict):
            self._fail(400, {"message": "the body must be a JSON object: {action, path | environment}"})
        fields = self.memory(_fields, raw)
        try:
            job = await self.run(self._start, fields)
        except _Running as err:
            self._fail(409, {"message": str(JobRunning(err.job)), "job": self.now(err.job)})
        self.answer(self.now(job), status=201)


class JobPreviewHandler(JobsBase):
    """GET the exact command an action would run, without running it (the confirmation dialog)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Answer the action with `allowed` and, when actions are off, why."""
        raw = {k: self.get_query_argument(k) for k in FIELDS if self.get_query_argument(k, "")}
        fields = self.memory(_fields, raw)
        self.answer(await self.run(self.jobs.preview, *(fields.get(k, "") for k in FIELDS)))


class JobHandler(JobsBase):
    """GET one job with its output from `?offset=`; DELETE cancels it."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        """Answer the job, its output from offset, the next offset, and whether text was dropped."""
        text = self.get_query_argument("offset", "0")
        if not text.isdigit() or len(text) > 18:
            self._fail(400, {"message": "offset must be a whole number of characters (0 or more)"})
        job, output, start, end, truncated = self.memory(self.jobs.runner.read, job_id, int(text), MAX_READ)
        read = {"output": output, "offset": start, "next_offset": end, "truncated": truncated}
        self.answer({**self.now(job), **read})

    @web.authenticated
    @authorized
    async def delete(self, job_id: str) -> None:
        """Cancel -> 202 while the tool is being stopped, 200 when the job had ended already."""
        was = self.memory(self.jobs.runner.get, job_id)
        job = self.memory(self.jobs.runner.cancel, job_id)  # signals only: no disk, no wait
        self.answer(self.now(job), status=200 if was.finished else 202)


JOB_ROUTES = [
    (r"jobs", JobsHandler),
    (r"jobs/preview", JobPreviewHandler),
    (r"jobs/(?P<job_id>[^/]+)", JobHandler),
]
job_handlers = [(url_path_join("/envpanel/api", pattern), handler) for pattern, handler in JOB_ROUTES]
