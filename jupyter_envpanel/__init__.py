"""jupyter-envpanel: which environment a notebook runs in, its drift, and one-click switching."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Union

from .core.drift import DriftReport
from .core.errors import EnvFileError, EnvNotFound, EnvPanelError
from .core.model import Environment
from .core.project import Project
from .core.service import EnvService

__version__ = "0.1.0"
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
]


def _service() -> EnvService:
    """Return a service for this process, with the server's settings (cwd plays the root)."""
    from .settings import service_from_config

    return service_from_config()


def find_environments() -> List[Environment]:
    """Return every environment the CLI and the server would list."""
    return list(_service().listing().environments)


def check_drift(env: Optional[str] = None, file: Optional[Union[str, Path]] = None) -> DriftReport:
    """Compare an environment (name or prefix; default: active) with an environment file."""
    service = _service()
    target = service.find(env, allow_any_prefix=True) if env else service.active()
    path = Path(file) if file else service.nearest_envfile(Path.cwd())
    return service.drift(target, path)


def project_environment(path: Optional[Union[str, Path]] = None) -> Project:
    """Return the project environment of a folder or notebook (default: the current directory)."""
    start = Path(os.path.realpath(Path(path) if path else Path.cwd()))
    return _service().project(start, stop=Path(start.anchor))


def _jupyter_server_extension_points() -> list:
    """Tell jupyter_server where the extension app lives."""
    from .app import EnvPanelApp

    return [{"module": "jupyter_envpanel.app", "app": EnvPanelApp}]


def _jupyter_labextension_paths() -> list:
    """Tell JupyterLab where the prebuilt labextension lives."""
    return [{"src": "labextension", "dest": "jupyter-envpanel"}]
