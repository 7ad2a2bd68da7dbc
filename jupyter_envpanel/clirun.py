"""`jupyter envpanel run ACTION [PATH|ENV]`: show the command the server would run, ask, run it, stream it.

The same actions as `POST /envpanel/api/jobs`, built the same way (from the project's definition,
its drift, the tools found), run by the same runner: no shell, output cleaned of control
characters. The exit code is the tool's; a full log is kept (and named) when the tool fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .clitext import EXIT_BAD, EXIT_CANCELLED
from .core.base.errors import InvalidArgument
from .settings import service_from_config

if TYPE_CHECKING:  # the parser is built for every command; the jobs chain is imported by `run` only
    from .core.jobs.model import Job
    from .core.service.jobs import Jobs


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]  # argparse's own
    """Add `run` to the CLI's subcommands."""
    run = sub.add_parser(
        "run", help="create / update the project's environment or install ipykernel, after asking"
    )
    run.add_argument("action", choices=("create", "update", "install-kernel"))
    run.add_argument(
        "target", nargs="?", default="", help="a folder or notebook (create, update), an env (install-kernel)"
    )
    run.add_argument("--tool", default="", help="create: the tool to use, one of those `project` offers")
    run.add_argument("--yes", action="store_true", help="run without asking")


def _root_and_path(target: str) -> tuple[Path, str]:
    """Return where commands run (the current folder, or the target's when outside it) and the path there."""
    cwd = Path(os.path.realpath(os.getcwd()))
    where = Path(os.path.realpath(target or "."))
    if not where.exists():
        raise InvalidArgument(f"{target}: no such file or folder")
    if where == cwd or cwd in where.parents:
        return cwd, os.path.relpath(where, cwd)
    folder = where if where.is_dir() else where.parent
    return folder, os.path.relpath(where, folder)


def _confirm(command: str, yes: bool) -> bool:
    """Return whether to run: --yes, or the user's `y` at the prompt (never without a terminal)."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise InvalidArgument("not asking without a terminal: add --yes to run it")
    answer = input("Run it? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _stream(jobs: Jobs, job: Job) -> Job:
    """Print the job's output as it comes until it ends; Ctrl-C cancels it (the whole process group)."""
    offset = 0
    while True:
        try:
            current, text, _, offset, _ = jobs.runner.read(job.id, offset)
            if text:
                sys.stdout.write(text)
                sys.stdout.flush()
            if current.finished:
                return current
            time.sleep(0.1)
        except KeyboardInterrupt:
            print("\ncancelling ...", file=sys.stderr)
            jobs.runner.cancel(job.id)


def cmd_run(args: argparse.Namespace) -> int:
    """Show the command, ask (unless --yes), run it and stream its output; exit with the tool's code."""
    from .core.service.jobs import jobs_for

    if args.action == "install-kernel":
        if not args.target:
            raise InvalidArgument("install-kernel needs an environment: a name from `list` or a prefix")
        root, path, environment = Path(os.getcwd()), "", args.target
    else:
        root, path = _root_and_path(args.target)
        environment = ""
    import shutil  # `run` only: the parser is built for every command
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="envpanel-run-"))
    try:
        jobs = jobs_for(service_from_config(root), folder)
        action = jobs.actions.build(args.action, path, environment, args.tool)
        print(f"in {root}:\n  {action.command}")
        if not _confirm(action.command, args.yes):
            print("not run", file=sys.stderr)
            return 1
        job = _stream(jobs, jobs.start_action(action))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if job.state == "succeeded":
        shutil.rmtree(folder, ignore_errors=True)
        return 0
    log = jobs.runner.store.log_path(job.id)
    reason = job.error_line or job.note or job.state
    print(f"jupyter envpanel run: {job.state}: {reason} (full log: {log})", file=sys.stderr)
    if job.state == "cancelled":
        return EXIT_CANCELLED
    if job.exit_code is None:
        return EXIT_BAD
    return job.exit_code if job.exit_code > 0 else 128 - job.exit_code  # -9: killed by SIGKILL -> 137
