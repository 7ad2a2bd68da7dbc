"""jupyter-envpanel: which environment a notebook runs in, its drift, and one-click switching."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.base.errors import EnvFileError, EnvNotFound, EnvPanelError
from .core.base.model import Environment

if TYPE_CHECKING:
    from .core.drift.report import DriftReport
    from .core.project.definition import Project
    from .core.service import EnvService

__version__ = "0.2.0"
__all__ = [
    "DriftReport",
    "EnvFileError",
    "EnvNotFound",
    "EnvPanelError",
    "Environment",
    "Project",
    "check_drift",
    "find_environments",
    "project_environment",
    "refresh",
]
#: One service per current directory, kept for the life of the process (validated by mtimes).
_SERVICES: dict[tuple[str, str], EnvService] = {}
_LOCK = threading.Lock()


def __getattr__(name: str) -> Any:
    """Import the drift and project types when first used (a listing never needs them)."""
    if name == "DriftReport":
        from .core.drift.report import DriftReport

        return DriftReport
    if name == "Project":
        from .core.project.definition import Project

        return Project
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _service() -> EnvService:
    """Return this process's service for the current directory, with the server's settings."""
    key = (os.getcwd(), os.environ.get("HOME", ""))
    with _LOCK:
        service = _SERVICES.get(key)
        if service is None:
            from .settings import service_from_config

            service = _SERVICES[key] = service_from_config()
        return service


def refresh() -> None:
    """Forget every cached fact and re-read the settings: the next call reads the disk afresh."""
    with _LOCK:
        _SERVICES.clear()


def find_environments(refresh: bool = False) -> list[Environment]:
    """Return every environment the CLI and the server would list (`refresh`: forget caches first).

    Repeated calls reuse one service: they only stat the folders they watch, so a new or changed
    environment is seen at once, and an unchanged listing costs about a millisecond.
    """
    service = _service()
    if refresh:
        service.refresh()
    return list(service.listing().environments)


def check_drift(env: str | None = None, file: str | Path | None = None) -> DriftReport:
    """Compare an environment (name or prefix; default: active) with an environment file."""
    service = _service()
    target = service.find(env, allow_any_prefix=True) if env else service.active()
    path = Path(file) if file else service.nearest_envfile(Path.cwd())
    return service.drift(target, path)


def project_environment(path: str | Path | None = None) -> Project:
    """Return the project environment of a folder or notebook (default: the current directory)."""
    start = Path(os.path.realpath(Path(path) if path else Path.cwd()))
    return _service().project(start, stop=Path(start.anchor))


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Tell jupyter_server where the extension app lives."""
    from .app import EnvPanelApp

    return [{"module": "jupyter_envpanel.app", "app": EnvPanelApp}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt labextension lives."""
    return [{"src": "labextension", "dest": "jupyter-envpanel"}]
