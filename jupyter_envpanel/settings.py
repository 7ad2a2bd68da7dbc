"""EnvPanelApp settings from Jupyter's config files, so the CLI and the Python API agree with the server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

from jupyter_core.paths import jupyter_config_path
from traitlets.config.loader import Config, ConfigFileNotFound, JSONFileConfigLoader, PyFileConfigLoader

from .core.host import Host
from .core.kernels import DEFAULT_NAME_FORMAT, KernelOptions
from .core.model import KINDS
from .core.service import DEFAULT_ENV_FILES, EnvService

BASENAME = "jupyter_server_config"


def _files(folder: Path) -> List[Path]:
    """Return a config folder's server config files in the order the server reads them."""
    drop_ins = sorted((folder / f"{BASENAME}.d").glob("*.json"))
    return [*drop_ins, folder / f"{BASENAME}.json", folder / f"{BASENAME}.py"]


def load_config(paths: Optional[List[str]] = None) -> Config:
    """Merge the server's config files (lowest priority first); a broken file is skipped with a note."""
    merged = Config()
    for folder in reversed(paths if paths is not None else jupyter_config_path()):
        for path in _files(Path(folder)):
            if not path.is_file():
                continue
            loader_class = JSONFileConfigLoader if path.suffix == ".json" else PyFileConfigLoader
            try:
                merged.merge(loader_class(path.name, path=str(path.parent)).load_config())
            except ConfigFileNotFound:
                continue
            except Exception as err:  # a user's config file may raise anything
                print(f"jupyter envpanel: ignoring {path}: {err}", file=sys.stderr)
    return merged


def service_from_config(root: Optional[Path] = None, config: Optional[Config] = None) -> EnvService:
    """Return a service with the EnvPanelApp settings the server would use."""
    section = (config if config is not None else load_config()).get("EnvPanelApp", Config())
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
    )
