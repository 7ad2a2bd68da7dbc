"""Jobs: actions built from discovery, run by the runner; after a job, the listing is read afresh.

`allowed` is the admin's switch: off, an action is still built and shown (to copy), never run.
After a job ends, every cache is forgotten so the new environment and its kernel appear without a
click; after a successful create, an in-project environment the usual places miss is listed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.errors import EnvPanelError
from ..jobs.model import Action, ActionsOff, Job
from ..jobs.runner import Runner
from ..jobs.store import JobStore
from .actions import Actions
from .listing import Listings
from .packages import Packages
from .project import Projects

if TYPE_CHECKING:
    from .facade import EnvService

OFF = "actions are turned off on this server (EnvPanelApp.allow_actions): copy the command instead"


class Jobs:
    """Start, read and cancel jobs; plain inputs (an action name, a path, an environment) down."""

    def __init__(
        self,
        actions: Actions,
        listings: Listings,
        packages: Packages,
        projects: Projects,
        folder: Path,
        environ: dict[str, str],
        allowed: bool = True,
        grace: float = 5.0,
        cap: int = 1 << 20,
        changed: Callable[[], None] | None = None,
    ) -> None:
        """Load earlier jobs from folder (running ones become interrupted); nothing runs yet.

        `changed` is called after a job, once the caches are forgotten (the server rebuilds its
        kernel table there, so the new kernel is offered at once).
        """
        self.changed = changed
        self.actions = actions
        self.listings = listings
        self.packages = packages
        self.projects = projects
        self.allowed = allowed
        self.runner = Runner(JobStore(folder), environ, grace, cap, on_end=self._after)

    def preview(self, action: str, path: str = "", environment: str = "", tool: str = "") -> dict[str, Any]:
        """Return the exact command an action would run, and whether this server runs it."""
        built = self.actions.build(action, path, environment, tool)
        return {**built.to_json(), "allowed": self.allowed, "message": "" if self.allowed else OFF}

    def start(self, action: str, path: str = "", environment: str = "", tool: str = "") -> Job:
        """Build the action from discovery and start it; ActionsOff when the admin turned actions off."""
        if not self.allowed:
            raise ActionsOff()
        return self.runner.start(self.actions.build(action, path, environment, tool))

    def start_action(self, action: Action) -> Job:
        """Start an action built earlier (the CLI shows it, asks, then starts it)."""
        if not self.allowed:
            raise ActionsOff()
        return self.runner.start(action)

    def _after(self, job: Job) -> None:
        """Forget the caches after any job; list an in-project environment a create made."""
        self.listings.refresh()
        self.packages.refresh()
        if job.action.action == "create" and job.state == "succeeded" and job.action.target:
            try:
                start = self.actions.root.resolve(job.action.target)
                self.projects.adopt(start, self.actions.top)
            except (OSError, EnvPanelError):  # the folder changed meanwhile: the listing says what is there
                pass
        if self.changed is not None:
            self.changed()


def jobs_for(
    service: EnvService,
    folder: Path,
    allowed: bool = True,
    grace: float = 5.0,
    changed: Callable[[], None] | None = None,
) -> Jobs:
    """Return the jobs facade over an EnvService's facades, keeping records in folder."""
    s = service
    actions = Actions(s.root, s.projects, s.drifts, s.listings, s.installed)
    environ = dict(s.host.environ)
    return Jobs(
        actions, s.listings, s.installed, s.projects, folder, environ, allowed, grace, changed=changed
    )
