"""The one settings object (`EnvPanelApp` in Jupyter's config files), read by the server, the CLI and the API.

`EnvPanelSettings` holds every setting as a traitlet, once; the server's `EnvPanelApp` is one, and
the CLI and the Python API make one from the same config files (`settings_from_config`). The
service is built from it in one place (`build_service`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from traitlets import Bool, Bunch, Enum, Float, HasTraits, Int, List, TraitError, Unicode, validate

from .core.base.host import Host
from .core.base.model import KINDS
from .core.base.safe_read import UnreadableFile, read_json_object
from .core.environments.tools import SOURCES
from .core.kernels.offer import DEFAULT_NAME_FORMAT, KernelOptions
from .core.service import DEFAULT_ENV_FILES, EnvService, ServiceOptions

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


class EnvPanelSettings(HasTraits):
    """Every setting of jupyter-envpanel, once (set as `c.EnvPanelApp.NAME` in Jupyter's config).

    Plain traits, not a `Configurable`: the server's `EnvPanelApp` (a Configurable) applies
    Jupyter's config to them, and the CLI sets them itself, without importing traitlets' config
    machinery (logging, sockets, pickle: ~10 ms of every CLI command).
    """

    extra_env_dirs = List(
        Unicode(),
        default_value=[],
        config=True,
        help="Extra directories to search: a prefix, or a folder whose subfolders are environments.",
    )
    sources = List(
        Enum(list(SOURCES)),
        default_value=list(SOURCES),
        config=True,
        help="Where to look for environments (drop one to switch it off): " + ", ".join(SOURCES) + ".",
    )
    shared_env_dirs = List(
        Unicode(),
        default_value=[],
        config=True,
        help=(
            "Installations an admin keeps for every user (TLJH's /opt/tljh/user/envs, a volume): "
            "searched like extra_env_dirs and marked 'shared' in the panel."
        ),
    )
    hide = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Regex; environments whose prefix matches it are not listed at all (nor their kernels).",
    )
    exclude = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Regex; environments whose prefix matches it get no kernels (as nb_conda_kernels' env_filter).",
    )
    kinds = List(
        Enum(list(KINDS)),
        default_value=list(KINDS),
        config=True,
        help="Kinds of environment whose kernels are offered: " + ", ".join(KINDS) + ".",
    )
    name_format = Unicode(
        DEFAULT_NAME_FORMAT,
        config=True,
        help=(
            "Kernel display name, for every kind of environment. Fields: {language}; {label}, what the"
            " environment is (`conda env:NAME` as nb_conda_kernels names it, `venv: PARENT/FOLDER`,"
            " `pixi: PROJECT`, `pyenv 3.11.7` or `/usr/bin/python3` for a plain interpreter);"
            " {environment}, its name in the listing; {kind}; {kernel}, the kernelspec's folder;"
            " {display_name}, the kernelspec's own."
        ),
    )
    env_file_names = List(
        Unicode(),
        default_value=list(DEFAULT_ENV_FILES),
        config=True,
        help="File names that count as an environment file when looking upwards from a notebook.",
    )
    offer_server_env = Bool(
        False,
        config=True,
        help="Also offer the server's own environment as conda-env-<name>-* (it already has python3).",
    )
    request_timeout = Float(
        30.0,
        config=True,
        help="Seconds a route waits for disk work before answering 503 (a read is stuck).",
    )
    disk_workers = Int(
        8, config=True, help="Threads the routes use for disk work at most (a bounded pool of their own)."
    )
    allow_actions = Bool(
        True,
        config=True,
        help=(
            "Let users run package tools from the panel and `POST /envpanel/api/jobs`: create a project's"
            " environment, update it to match its file, install ipykernel. Off (e.g. on a shared hub),"
            " the panel shows the commands to copy, and starting a job answers 403."
        ),
    )
    job_grace = Float(
        5.0,
        config=True,
        help="Seconds a cancelled job's tool gets to stop after SIGTERM before its process group is killed.",
    )
    listing_cache = Bool(
        True,
        config=True,
        help=(
            "Keep what a listing read of each environment (Python, package count, kernels) in"
            " ~/.cache/jupyter-envpanel between processes, reused only while every file it was read from"
            " keeps its mtime: a CLI command or a starting server skips re-reading unchanged environments."
        ),
    )
    manage_kernelspecs = Bool(
        True,
        config=True,
        help="Install EnvPanelKernelSpecManager so environment kernels are listed with no manual step.",
    )

    @validate("exclude", "hide")
    def _valid_regex(self, proposal: Bunch) -> str | None:
        """Refuse a pattern that is not a valid regex, at startup."""
        value: str | None = proposal["value"]  # a Unicode(allow_none=True) trait's value
        if value is not None:
            try:
                re.compile(value)
            except re.error as err:
                raise TraitError(
                    f"EnvPanelApp.{proposal['trait'].name} is not a valid regex: {err}"
                ) from None
        return value

    def service_options(self, watch: bool = False) -> ServiceOptions:
        """Return the settings the core needs, as plain values."""
        kernels = KernelOptions(
            name_format=self.name_format,
            exclude=self.exclude,
            kinds=tuple(self.kinds),
            offer_server_env=self.offer_server_env,
        )
        return ServiceOptions(
            extra_dirs=tuple(self.extra_env_dirs),
            kernels=kernels,
            env_file_names=tuple(self.env_file_names),
            sources=tuple(self.sources),
            hide=self.hide,
            shared_dirs=tuple(self.shared_env_dirs),
            watch=watch,
            keep_facts=self.listing_cache,
        )


def build_service(
    settings: EnvPanelSettings, root: Path | str | None = None, watch: bool = False
) -> EnvService:
    """Return the service for these settings, rooted at root (default: the current directory)."""
    return EnvService(Host.current(root=root), settings.service_options(watch))


def settings_from_config(section: dict[str, Any] | None = None) -> EnvPanelSettings:
    """Return the settings the server would use, from Jupyter's config files (or a given section).

    A value of the wrong type is skipped with a note on stderr, as the server skips it with a warning.
    """
    section = load_section() if section is None else section
    settings = EnvPanelSettings()
    for key, value in section.items():
        if not settings.has_trait(key) or not settings.trait_metadata(key, "config"):
            continue
        try:
            settings.set_trait(key, value)
        except TraitError as err:
            print(f"jupyter envpanel: ignoring EnvPanelApp.{key}: {err}", file=sys.stderr)
    return settings


def service_from_config(root: Path | None = None, section: dict[str, Any] | None = None) -> EnvService:
    """Return a service with the EnvPanelApp settings the server would use (the CLI's, the API's)."""
    return build_service(settings_from_config(section), root)
