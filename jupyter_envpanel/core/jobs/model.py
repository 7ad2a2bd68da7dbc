"""What a job is: the action the server built (argv steps) and the job's state, as frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..base.commands import check_args, steps_line
from ..base.errors import EnvPanelError

ACTIONS = ("create", "update", "install-kernel")
STATES = ("running", "succeeded", "failed", "cancelled", "interrupted")


class JobNotFound(EnvPanelError):
    """No job has this id."""

    status = 404

    def __init__(self, job_id: str) -> None:
        super().__init__(f"unknown job: {job_id[:40]!r}")


class NotApplicable(EnvPanelError):
    """The action does not apply now (the environment exists, is in sync, has a kernel, no tool)."""

    status = 409


class ActionsOff(EnvPanelError):
    """An admin turned actions off (`EnvPanelApp.allow_actions = False`)."""

    status = 403

    def __init__(self) -> None:
        super().__init__(
            "running package tools from jupyter-envpanel is turned off on this server"
            " (EnvPanelApp.allow_actions); copy the command and run it in a terminal"
        )


class JobRunning(EnvPanelError):
    """A job runs for this environment already; carries that job."""

    status = 409

    def __init__(self, job: Job) -> None:
        super().__init__(f"a job ({job.action}) is running for {job.action.environment!r} already")
        self.job = job


@dataclass(frozen=True)
class Action:
    """What to run: argv steps (each after the previous succeeded), for which environment, from where."""

    action: str
    environment: str  # what the user calls it: a name, or a root-relative folder
    key: str  # one job per key: the environment's prefix (or its tool and name before it exists)
    tool: str
    steps: tuple[tuple[str, ...], ...]
    cwd: str  # where the steps run (the server root)
    target: str = ""  # the definition file (root-relative) or the environment, as asked

    def __post_init__(self) -> None:
        """Refuse to exist with no step, an empty one, or a character no command may hold."""
        if not self.steps or not all(self.steps):
            raise ValueError("an action needs at least one non-empty step")
        for step in self.steps:
            check_args(step)

    @property
    def command(self) -> str:
        """Return the steps as one line for a POSIX shell (`&&` between steps), quoted safely."""
        return steps_line(self.steps)

    def to_json(self) -> dict[str, Any]:
        """Return `{action, environment, target, tool, argv, command}`."""
        return {
            "action": self.action,
            "environment": self.environment,
            "target": self.target,
            "tool": self.tool,
            "argv": [list(s) for s in self.steps],
            "command": self.command,
        }


@dataclass(frozen=True)
class Job:
    """One run of an action: its state, exit code, first error line, times and output size."""

    id: str
    action: Action
    state: str = "running"
    exit_code: int | None = None
    error_line: str = ""
    started: float = 0.0  # seconds since the epoch
    ended: float | None = None
    step: int = 0  # the step running (or that ended the job), 0-based
    progress: float | None = None  # percent the tool printed last; None: indeterminate
    output_size: int = 0  # characters of output so far (offsets count these)
    note: str = field(default="", compare=False)  # why it ended this way, in words

    @property
    def finished(self) -> bool:
        """Return whether the job has ended, one way or another."""
        return self.state != "running"

    def elapsed(self, now: float) -> float:
        """Return seconds from start to end (or to now while running)."""
        return max(0.0, (self.ended if self.ended is not None else now) - self.started)

    def ended_as(self, state: str, now: float, **changes: Any) -> Job:
        """Return this job ended in state at now."""
        return replace(self, state=state, ended=now, **changes)

    def to_json(self, now: float) -> dict[str, Any]:
        """Return the job object of the REST API."""
        return {
            "id": self.id,
            **self.action.to_json(),
            "state": self.state,
            "exit_code": self.exit_code,
            "error_line": self.error_line,
            "note": self.note,
            "started": self.started,
            "ended": self.ended,
            "elapsed": round(self.elapsed(now), 3),
            "step": self.step,
            "steps": len(self.action.steps),
            "progress": self.progress,
            "output_size": self.output_size,
        }

    def to_record(self) -> dict[str, Any]:
        """Return what the store writes (the job object without the derived fields)."""
        return {
            "id": self.id,
            "action": self.action.action,
            "environment": self.action.environment,
            "key": self.action.key,
            "tool": self.action.tool,
            "argv": [list(s) for s in self.action.steps],
            "cwd": self.action.cwd,
            "target": self.action.target,
            "state": self.state,
            "exit_code": self.exit_code,
            "error_line": self.error_line,
            "note": self.note,
            "started": self.started,
            "ended": self.ended,
            "step": self.step,
            "progress": self.progress,
            "output_size": self.output_size,
        }

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Job:
        """Return a job from its record; raise ValueError (or TypeError) when it is malformed."""
        steps = tuple(tuple(str(a) for a in step) for step in data["argv"])
        action = Action(
            action=str(data["action"]),
            environment=str(data["environment"]),
            key=str(data["key"]),
            tool=str(data["tool"]),
            steps=steps,
            cwd=str(data["cwd"]),
            target=str(data.get("target", "")),
        )
        state = str(data["state"])
        if state not in STATES or action.action not in ACTIONS:
            raise ValueError(f"unknown state or action: {state!r}, {action.action!r}")
        exit_code = data.get("exit_code")
        progress = data.get("progress")
        ended = data.get("ended")
        return cls(
            id=str(data["id"]),
            action=action,
            state=state,
            exit_code=int(exit_code) if exit_code is not None else None,
            error_line=str(data.get("error_line", "")),
            note=str(data.get("note", "")),
            started=float(data["started"]),
            ended=float(ended) if ended is not None else None,
            step=int(data.get("step", 0)),
            progress=float(progress) if progress is not None else None,
            output_size=int(data.get("output_size", 0)),
        )
