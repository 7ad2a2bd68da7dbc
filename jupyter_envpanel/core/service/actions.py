"""Actions built from what the server discovered, never from a client's text: create, update, ipykernel.

A request names only the action and where (a root-relative path, or an environment from the
listing); every argument of the command comes from the project's definition, the drift report
and the tools found on this machine, as the Project card and the Drift section show them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..base.commands import CreateCommand, FixCommand, UnsafeText, unsafe_char
from ..base.errors import EnvFileError, InvalidArgument
from ..base.model import CONDA_KINDS, Environment
from ..base.paths import Root
from ..drift.fixes import conda_install, pip_install, python_of
from ..jobs.model import ACTIONS, Action, NotApplicable
from ..project.create import create_commands
from ..project.definition import NoProject, Project, looked_for
from .drift import Drifts
from .listing import Listings
from .packages import Packages
from .project import Projects, compared_file


class Actions:
    """Builds the argv steps of an action from the project, drift and listing facades."""

    def __init__(
        self, root: Root, projects: Projects, drifts: Drifts, listings: Listings, packages: Packages
    ) -> None:
        """Remember the facades the commands are read from."""
        self.root = root
        self.projects = projects
        self.drifts = drifts
        self.listings = listings
        self.packages = packages

    @property
    def top(self) -> Path:
        """Return the root with its links resolved (where the commands run from)."""
        return Path(os.path.realpath(self.root.path))

    def build(self, action: str, path: str = "", environment: str = "", tool: str = "") -> Action:
        """Return the action asked for: `create`/`update` of path's project, `install-kernel` into an env."""
        if action not in ACTIONS:
            raise InvalidArgument(f"unknown action {action[:40]!r}: one of {', '.join(ACTIONS)}")
        if action == "install-kernel":
            if not environment:
                raise InvalidArgument("install-kernel needs an environment (a name from the listing)")
            return self.install_kernel(environment)
        if environment:
            raise InvalidArgument(f"{action} takes the project's path, not an environment")
        start = self.root.resolve(path or ".")
        project = self.projects.project(start, self.top, confined=True)
        if not project.found:
            names = ", ".join(looked_for(self.root.env_file_names))
            raise NoProject(f"no {names} from this folder up to the root")
        if action == "create":
            return self.create(project, tool)
        return self.update(start, project, tool)

    def create(self, project: Project, tool: str) -> Action:
        """Return the command the Project card shows to create the project's missing environment."""
        name = project.name or ""
        if project.exists:
            raise NotApplicable(f"the environment {name!r} ({project.file}) exists already; update it")
        if not project.create:
            raise NotApplicable(project.hint or f"no command can create {name!r} on this machine")
        chosen = _choose(project.create, tool)
        return Action(
            action="create",
            environment=name,
            key=project.prefix or f"conda:{name}",
            tool=chosen.tool,
            steps=chosen.steps,
            cwd=str(self.top),
            target=project.file or "",
        )

    def update(self, start: Path, project: Project, tool: str) -> Action:
        """Return the fix commands of the drift the Project card shows (its lock, else its definition).

        A project the card compares with nothing gets the create command that also syncs (pixi, uv).
        """
        env = project.environment
        definition = self.projects.definition(start, self.top, confined=True)
        if env is None or definition is None:
            raise NotApplicable(f"the environment {project.name!r} does not exist yet; create it")
        file = compared_file(definition)
        if file is None:
            sync = [c for c in create_commands(definition, self.listings.tools(), self.top)[0] if _syncs(c)]
            if not sync:
                raise NotApplicable(f"no command updates {project.name!r} to match {project.file} here")
            chosen = _choose(sync, tool)
            return self._action("update", env, chosen.tool, chosen.steps, project.file or "")
        label = self.root.relative(file)
        try:
            report = self.drifts.drift(env, file, label)
        except EnvFileError as err:  # name the file the error is in (maybe a -r include), root-relative
            where = self.root.relative(Path(err.path))
            raise EnvFileError(where, err.detail, err.line, err.column, err.status) from None
        if not report.fixes:
            reasons = "; ".join(n.reason for n in report.notes)
            if reasons:
                raise NotApplicable(f"no command updates {env.name!r}: {reasons}")
            raise NotApplicable(f"{env.name!r} matches {label} already; nothing to update")
        tools = _tool_names(report.fixes)
        return self._action("update", env, tools, tuple(f.argv for f in report.fixes), label)

    def install_kernel(self, ref: str) -> Action:
        """Return the command that installs ipykernel into an environment that has no Python kernel."""
        env = self.listings.find(ref)
        if env.has_ipykernel or any(k.language.lower() == "python" for k in env.kernels):
            raise NotApplicable(f"{env.name!r} has ipykernel already")
        where = unsafe_char(env.prefix) or unsafe_char(python_of(env))
        if where is not None:
            raise NotApplicable(f"the environment's path holds a control character ({where}); no command")
        tools = self.listings.tools()
        if env.kind in CONDA_KINDS:
            found = conda_install(env, ["ipykernel"], tools)
        else:
            inv = self.packages.inventory(env)
            found = pip_install(env, ["ipykernel"], tools, "pip" in inv.pip or "pip" in inv.conda)
        if not isinstance(found, FixCommand):
            raise NotApplicable(found.reason)
        return self._action("install-kernel", env, found.tool, (found.argv,), env.name)

    def _action(
        self, action: str, env: Environment, tool: str, steps: tuple[tuple[str, ...], ...], target: str
    ) -> Action:
        """Return an action on an existing environment (one job per prefix)."""
        try:
            return Action(action, env.name, os.path.realpath(env.prefix), tool, steps, str(self.top), target)
        except UnsafeText as err:
            raise NotApplicable(f"no command: {err}") from None


def _choose(commands: Sequence[CreateCommand], tool: str) -> CreateCommand:
    """Return the command for the tool asked for (a name the server offered), else the first."""
    if not tool:
        return commands[0]
    for command in commands:
        if command.tool == tool:
            return command
    offered = ", ".join(c.tool for c in commands)
    raise InvalidArgument(f"tool {tool[:40]!r} is not offered here; one of: {offered}")


def _syncs(command: CreateCommand) -> bool:
    """Return whether a create command also brings an existing environment in line (pixi install, uv sync)."""
    return command.tool == "pixi" or (command.tool == "uv" and command.steps[0][1:2] == ("sync",))


def _tool_names(fixes: Sequence[FixCommand]) -> str:
    """Return the tools of the fix commands, in order, once each (`conda+pip`)."""
    return "+".join(dict.fromkeys(f.tool for f in fixes))
