"""EnvPanelApp settings from Jupyter's config files, so the CLI and the Python API agree with the server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .core.base.host import Host
from .core.base.model import KINDS
from .core.base.safe_read import UnreadableFile, read_json_object
from .core.environments.tools import SOURCES
from .core.kernels.offer import DEFAULT_NAME_FORMAT, KernelOptions
from .core.service.facade import DEFAULT_ENV_FILES, EnvService

BASENAME = "jupyter_server_config"
SECTION = "EnvPanelApp"


def _files(folder: Path) -> list[Path]:
    """Return a config folder's main server config files in the order the server reads them."""
    return [folder / f"{BASENAME}.json", folder / f"{BASENAME}.py"]


def _section_of(path: Path) -> dict[str, Any]:
    """Return the EnvPanelApp section of one config file (JSON read directly, Python via traitlets)."""
    if path.suffix == ".json":
        data = read_json_object(path, "jupyter config")
        section = data.get(SECTION)
        return dict(section) if isinstance(section, dict) else {}
    from traitlets.config.loader import PyFileConfigLoader  # only when a .py config exists

    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    return dict(config.get(SECTION, {}))


def drop_in_section(paths: list[str]) -> dict[str, Any]:
    """Merge the EnvPanelApp settings of `jupyter_server_config.d/*.json` drop-ins (lowest first).

    The server itself reads only `jpserver_extensions` from those files; EnvPanelApp applies its
    own section from them (an admin's one file for all users), below the main config files.
    """
    merged: dict[str, Any] = {}
    for folder in reversed(paths):
        for path in sorted((Path(folder) / f"{BASENAME}.d").glob("*.json")):
            try:
                merged.update(_section_of(path))
            except (OSError, UnreadableFile) as err:
                print(f"jupyter envpanel: ignoring {path}: {err}", file=sys.stderr)
    return merged


def load_section(paths: list[str] | None = None) -> dict[str, Any]:
    """Merge the EnvPanelApp settings of the server's config files (lowest priority first).

    Drop-ins rank below every main config file, as the server applies them (`EnvPanelApp`'s
    own drop-in step sets only what no main file set). A broken file is skipped with a note on
    stderr, as the server does.
    """
    if paths is None:
        from jupyter_core.paths import jupyter_config_path

        paths = jupyter_config_path()
    merged: dict[str, Any] = drop_in_section(paths)
    for folder in reversed(paths):
        for path in _files(Path(folder)):
            if not path.is_file():
                continue
            try:
                merged.update(_section_of(path))
            except (OSError, UnreadableFile) as err:
                print(f"jupyter envpanel: ignoring {path}: {err}", file=sys.stderr)
            except Exception as err:  # a user's Python config file may raise anything
                print(f"jupyter envpanel: ignoring {path}: {type(err).__name__}: {err}", file=sys.stderr)
    return merged


def service_from_config(root: Path | None = None, section: dict[str, Any] | None = None) -> EnvService:
    """Return a service with the EnvPanelApp settings the server would use."""
    section = load_section() if section is None else section
    options = KernelOptions(
        name_format=section.get("name_format", DEFAULT_NAME_FORMAT),
        exclude=section.get("exclude", None),
        kinds=tuple(section.get("kinds", KINDS)),
        offer_server_env=bool(section.get("offer_server_env", False)),
    )
    return EnvService(
        Host.current(root=root),
        extra_dirs=list(section.get("extra_env_dirs", [])),
        options=options,
        env_file_names=list(section.get("env_file_names", DEFAULT_ENV_FILES)),
        sources=tuple(section.get("sources", SOURCES)),
        hide=section.get("hide") or None,
        shared_dirs=list(section.get("shared_env_dirs", [])),
    )
