"""The project's environment: a folder's nearest definition matched against the listing (a read only).

An in-project environment that lies outside the places searched (a `.venv` in a subfolder) is
described for the answer, and said to be unlisted; listing it is a separate, asked-for change
(`adopt`, a POST), so a GET never changes what later requests see.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..base.commands import CreateCommand
from ..base.errors import EnvFileError
from ..base.model import Environment
from ..base.paths import Root
from ..project.create import create_commands
from ..project.definition import (
    Definition,
    NoProject,
    Project,
    find_definition,
    looked_for,
    looks_like_environment,
    match_environment,
)
from .drift import Drifts
from .listing import Listings

#: The hint for a definition whose prefix holds an environment the listing does not show.
UNLISTED = "this prefix holds an environment that is not listed: add it to EnvPanelApp.extra_env_dirs"


class Projects:
    """Project answers from the listing and drift facades (plain inputs down, a Project up)."""

    def __init__(self, root: Root, home: Path, listings: Listings, drifts: Drifts) -> None:
        """Remember the root, HOME (for `prefix: ~/...`) and the facades the answer reads."""
        self.root = root
        self.home = home
        self.listings = listings
        self.drifts = drifts

    @property
    def env_file_names(self) -> Sequence[str]:
        """Return the names that count as an environment file."""
        return self.root.env_file_names

    def definition(self, start: Path, stop: Path, confined: bool) -> Definition | None:
        """Return the nearest definition from start up to stop (confined: refuse links out of the root)."""
        confine = self.root.path if confined else None
        return find_definition(start, stop, self.env_file_names, self.home, confine)

    def project(self, start: Path, stop: Path, confined: bool) -> Project:
        """Return the project environment of start's folder, looking up to stop.

        `confined` (the server's use): files are reported relative to the root, and environment
        files may include (`-r`) only files inside it. Commands are written to run from the root.
        """
        names = looked_for(self.env_file_names)
        asked = self.root.relative(start)
        definition = self.definition(start, stop, confined)
        if definition is None:
            return Project(asked, names)
        env, listed = self._environment(definition)
        create: tuple[CreateCommand, ...] = ()
        hint = needs = ""
        if env is None and _holds_environment(definition):
            hint = UNLISTED
        elif env is None:
            create, hint, needs = create_commands(definition, self.listings.tools(), self.root.path)
        drift, drift_error = self._drift(definition, env, confined)
        return Project(
            path=asked,
            looked_for=names,
            file=self.root.relative(definition.file),
            folder=self.root.relative(definition.folder),
            source=definition.file.name,
            tool=definition.tool,
            name=definition.name,
            prefix=str(definition.prefix) if definition.prefix else None,
            environment=env,
            listed=listed,
            drift=drift,
            drift_error=drift_error,
            create=create,
            hint=hint,
            needs=needs,
            warnings=definition.warnings,
        )

    def adopt(self, start: Path, stop: Path) -> bool:
        """List the in-project environment of start's project when the usual places miss it (a change)."""
        definition = self.definition(start, stop, confined=True)
        if definition is None:
            names = ", ".join(looked_for(self.env_file_names))
            raise NoProject(f"no {names} from this folder up to the root")
        if definition.tool == "conda" or not _holds_environment(definition) or definition.prefix is None:
            return False
        if match_environment(definition, self.listings.listing().environments) is not None:
            return False
        return self.listings.adopt(definition.prefix)

    def _environment(self, definition: Definition) -> tuple[Environment | None, bool]:
        """Return the environment the definition names and whether the listing shows it.

        Only `.venv` and `.pixi/envs/default` inside the project are described when unlisted; a
        `prefix:` elsewhere is matched against the listing only (a file never widens what is read).
        """
        env = match_environment(definition, self.listings.listing().environments)
        if env is not None:
            return env, True
        if definition.tool != "conda" and _holds_environment(definition) and definition.prefix is not None:
            return self.listings.describe(definition.prefix), False
        return None, False

    def _drift(
        self, definition: Definition, env: Environment | None, confined: bool
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """Return the drift summary of the environment against its file (environment.yml, requirements)."""
        if env is None:
            return None, None
        file = compared_file(definition)
        if file is None:
            return None, None
        label = self.root.relative(file) if confined else ""
        try:
            report = self.drifts.drift(env, file, label)
        except EnvFileError as err:
            where = self.root.relative(Path(err.path))
            located = EnvFileError(where, err.detail, err.line, err.column, err.status)
            return None, located.to_json()
        return {
            "file": self.root.relative(file),
            "in_sync": report.in_sync,
            "summary": report.summary,
            "drift_count": report.drift_count,
            "lock": report.lock.to_json() if report.lock else None,
        }, None


#: The lock a project's tool keeps next to its definition, by tool, in the order they are looked for.
PROJECT_LOCKS = {"pixi": ("pixi.lock",), "venv": ("uv.lock", "poetry.lock", "Pipfile.lock")}


def compared_file(definition: Definition) -> Path | None:
    """Return what the project card compares with: the lock beside the definition, else the definition.

    environment.yml for conda; pixi.lock (else pixi.toml / pyproject.toml) for pixi; uv.lock,
    poetry.lock or Pipfile.lock for a venv, else its requirements file, else pyproject.toml.
    """
    if definition.tool == "conda":
        return definition.file
    for name in PROJECT_LOCKS.get(definition.tool, ()):
        lock = definition.folder / name
        if lock.is_file():
            return lock
    if definition.tool == "venv" and definition.requirements is not None and not definition.editable:
        return definition.requirements
    manifest = definition.file.name == "pixi.toml" or definition.file.name == "pyproject.toml"
    if manifest and (definition.tool == "pixi" or definition.editable):
        return definition.file  # what the project asks for, when it has no lock
    return None


def _holds_environment(definition: Definition) -> bool:
    """Return whether the definition's prefix holds an environment (listed or not)."""
    return definition.prefix is not None and looks_like_environment(definition.prefix)
