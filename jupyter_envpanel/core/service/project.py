"""Resolve a folder's project environment against the discovered environments (the `project` answer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..base.errors import EnvFileError
from ..environments.sources import find_roots
from ..project.create import create_commands, find_tools
from ..project.definition import (
    Definition,
    Project,
    find_definition,
    looked_for,
    looks_like_environment,
    match_environment,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..base.model import Environment
    from .facade import EnvService


#: The hint for a definition whose prefix holds an environment the listing does not show.
UNLISTED = "this prefix holds an environment that is not listed: add it to EnvPanelApp.extra_env_dirs"


def resolve_project(service: EnvService, start: Path, stop: Path, confined: bool) -> Project:
    """Return the project environment of start's folder, looking up to stop.

    `confined` (the server's use): files are reported relative to the root, and environment
    files may include (`-r`) only files inside it. Commands are written to run from the root.
    """
    names = looked_for(service.env_file_names)
    asked = service.relative(start)
    confine = Path(service.host.root) if confined else None
    definition = find_definition(start, stop, service.env_file_names, service.host.home, confine)
    if definition is None:
        return Project(asked, names)
    env = _environment(service, definition)
    base = Path(service.host.root)
    create: tuple = ()
    hint = needs = ""
    if env is None and _unlisted(definition):
        hint = UNLISTED
    elif env is None:
        tools = find_tools(service.host, find_roots(service.host))
        create, hint, needs = create_commands(definition, tools, base)
    drift, drift_error = _drift(service, definition, env, confined)
    return Project(
        path=asked,
        looked_for=names,
        file=service.relative(definition.file),
        folder=service.relative(definition.folder),
        source=definition.file.name,
        tool=definition.tool,
        name=definition.name,
        prefix=str(definition.prefix) if definition.prefix else None,
        environment=env,
        drift=drift,
        drift_error=drift_error,
        create=create,
        hint=hint,
        needs=needs,
        warnings=definition.warnings,
    )


def _environment(service: EnvService, definition: Definition) -> Environment | None:
    """Return the environment the definition names; an in-project one outside the search is adopted.

    Only `.venv` and `.pixi/envs/default` inside the project are adopted; a `prefix:` elsewhere is
    matched against the listing only (a file in the root never widens where the server reads).
    """
    env = match_environment(definition, service.listing().environments)
    if env is None and definition.tool != "conda" and _unlisted(definition):
        service.adopt(definition.prefix)
        env = match_environment(definition, service.listing().environments)
    return env


def _unlisted(definition: Definition) -> bool:
    """Return whether the definition's prefix holds an environment (listed or not)."""
    return definition.prefix is not None and looks_like_environment(definition.prefix)


def _drift(
    service: EnvService, definition: Definition, env: Environment | None, confined: bool
) -> tuple[dict | None, dict | None]:
    """Return the drift summary of the environment against its file (environment.yml, requirements)."""
    if env is None:
        return None, None
    if definition.tool == "conda":
        file = definition.file
    elif definition.tool == "venv" and definition.requirements is not None and not definition.editable:
        file = definition.requirements
    else:
        return None, None
    label = service.relative(file) if confined else ""
    try:
        report = service.drift(env, file, label)
    except EnvFileError as err:
        where = service.relative(Path(err.path))
        located = EnvFileError(where, err.detail, err.line, err.column, err.status)
        return None, located.to_json()
    return {
        "file": service.relative(file),
        "in_sync": report.in_sync,
        "summary": report.summary,
        "drift_count": report.drift_count,
    }, None
