"""The project's environment: the nearest definition from a folder up to the root, and what it names.

Rules, nearest folder first; within one folder, the first that applies wins:
1. `environment.yml` / `environment.yaml`: the conda environment its `name:` (or `prefix:`) names;
   a file with neither names the environment after its folder (as `conda env create -n` would);
2. `pixi.toml`, or `pyproject.toml` with a `[tool.pixi]` table: `<folder>/.pixi/envs/default`;
3. `pyproject.toml`, `uv.lock` or `requirements*.txt`: the in-project `<folder>/.venv`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base.commands import CreateCommand
from ..base.errors import EnvPanelError
from ..base.model import Environment
from ..base.safe_parse import BadToml, load_yaml, parse_toml
from ..base.safe_read import UnreadableFile, read_text

PIXI_FILES = ("pixi.toml",)
VENV_FILES = ("pyproject.toml", "uv.lock")
VENV_DIR = ".venv"


@dataclass(frozen=True)
class Definition:
    """A file that defines the project's environment, and the environment it names."""

    folder: Path
    file: Path
    tool: str  # "conda", "pixi" or "venv": who creates the environment
    name: str  # what the project calls its environment (shown to the user)
    prefix: Path | None = None  # where it must be (None: a conda env found by name)
    requirements: Path | None = None  # a requirements file to install into a venv
    editable: bool = False  # a pyproject.toml with a [project] table: `pip install -e` / `uv sync`
    named_in_file: bool = True  # False when an environment file has neither `name:` nor `prefix:`
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    """The answer of `project`: the definition, the environment, its kernel, drift and next steps."""

    path: str  # the folder or notebook asked about
    looked_for: tuple[str, ...]
    file: str | None = None
    folder: str | None = None
    source: str | None = None
    tool: str | None = None
    name: str | None = None
    prefix: str | None = None
    environment: Environment | None = None
    #: Whether the listing shows the environment (an in-project one outside the places searched
    #: is described, not listed, until it is adopted).
    listed: bool = False
    drift: dict[str, Any] | None = None  # the drift report's JSON
    drift_error: dict[str, Any] | None = None  # the error's JSON, when the drift could not be checked
    create: tuple[CreateCommand, ...] = ()
    hint: str = ""
    #: With no create command: the tool this machine would need ("conda", "pixi"), or "" for no tool.
    needs: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def found(self) -> bool:
        """Return whether a definition was found."""
        return self.file is not None

    @property
    def exists(self) -> bool:
        """Return whether the environment the definition names exists."""
        return self.environment is not None

    @property
    def kernel(self) -> dict[str, Any] | None:
        """Return the environment's kernel to switch to (its first Python kernel), if any."""
        kernels = self.environment.kernels if self.environment else ()
        python = [k for k in kernels if k.language.lower() == "python"]
        chosen = next(iter(python or kernels), None)
        return chosen.to_json() if chosen else None

    def to_json(self) -> dict[str, Any]:
        """Return the `project` JSON (REST and CLI)."""
        return {
            "path": self.path,
            "found": self.found,
            "file": self.file,
            "folder": self.folder,
            "source": self.source,
            "tool": self.tool,
            "name": self.name,
            "prefix": self.prefix,
            "exists": self.exists,
            "environment": self.environment.to_json() if self.environment else None,
            "listed": self.listed,
            "kernel": self.kernel,
            "drift": self.drift,
            "drift_error": self.drift_error,
            "create": [c.to_json() for c in self.create],
            "hint": self.hint,
            "needs": self.needs,
            "looked_for": list(self.looked_for),
            "warnings": list(self.warnings),
        }


def looked_for(env_file_names: Sequence[str]) -> tuple[str, ...]:
    """Return the file names the search looks for, in rule order."""
    return (*env_file_names, *PIXI_FILES, *VENV_FILES, "requirements*.txt")


def find_definition(
    start: Path,
    stop: Path,
    env_file_names: Sequence[str],
    home: Path | None = None,
    confine: Path | None = None,
) -> Definition | None:
    """Return the nearest definition from start's folder up to stop (inclusive), or None.

    `home` expands a `prefix:` that starts with `~`; nothing else in it is expanded. With
    `confine` (the server's root), a definition file that resolves outside it is refused (403).
    """
    folder = start if start.is_dir() else start.parent
    while True:
        if confine is not None:
            _refuse_outside(folder, env_file_names, confine)
        found = read_folder(folder, env_file_names, home)
        if found is not None:
            return found
        if folder == stop or folder == folder.parent or stop not in folder.parents:
            return None
        folder = folder.parent


def read_folder(folder: Path, env_file_names: Sequence[str], home: Path | None = None) -> Definition | None:
    """Return the definition one folder holds, by the rules' order, or None."""
    for name in env_file_names:
        if (folder / name).is_file():
            return _from_envfile(folder, folder / name, home)
    pixi = folder / "pixi.toml"
    if pixi.is_file():
        data, warnings = _read_toml(pixi)
        return _pixi(folder, pixi, _first_name(_table(data, "workspace"), _table(data, "project")), warnings)
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        data, warnings = _read_toml(pyproject)
        pixi_table = _table(_table(data, "tool"), "pixi")
        if pixi_table:
            tables = (_table(pixi_table, "workspace"), _table(pixi_table, "project"), _table(data, "project"))
            return _pixi(folder, pyproject, _first_name(*tables), warnings)
        return _venv(folder, pyproject, bool(_table(data, "project")), warnings)
    if (folder / "uv.lock").is_file():
        return _venv(folder, folder / "uv.lock", True, [])
    if _requirements_files(folder):
        return _venv(folder, _requirements_files(folder)[0], False, [])
    return None


def _refuse_outside(folder: Path, env_file_names: Sequence[str], confine: Path) -> None:
    """Raise 403 when a definition file of this folder is a link that leads out of the root."""
    from ..base.errors import EnvFileError
    from ..base.paths import inside, relative

    names = [*env_file_names, "pixi.toml", "pyproject.toml", "uv.lock"]
    for path in [folder / n for n in names] + _requirements_files(folder):
        if path.is_file() and not inside(path, confine):
            where = relative(confine, path)
            raise EnvFileError(where, "resolves outside the server root (a symlink?); not read", status=403)


def _requirements_files(folder: Path) -> list[Path]:
    """Return `requirements*.txt` files of a folder, `requirements.txt` first."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.startswith("requirements") and n.endswith(".txt"))
    except OSError:
        return []
    names.sort(key=lambda n: n != "requirements.txt")
    return [folder / n for n in names if (folder / n).is_file()]


def _from_envfile(folder: Path, path: Path, home: Path | None) -> Definition:
    """Return the conda environment an environment file names (`prefix:` wins over `name:`)."""
    warnings: list[str] = []
    try:
        data = load_yaml(path, "environment file")
    except (UnreadableFile, FileNotFoundError) as err:
        data, warnings = None, [str(err)]
    data = data if isinstance(data, dict) else {}
    prefix, name = data.get("prefix"), data.get("name")
    for key, value in (("prefix", prefix), ("name", name)):
        if isinstance(value, str) and "\x00" in value:  # no folder can be named so
            warnings.append(f"{path.name}: `{key}:` holds a NUL character; ignored")
    prefix = None if isinstance(prefix, str) and "\x00" in prefix else prefix
    name = None if isinstance(name, str) and "\x00" in name else name
    if isinstance(prefix, str) and prefix.strip():
        text = prefix.strip()
        if home is not None and (text == "~" or text.startswith("~/")):
            text = str(home) + text[1:]
        target = Path(text) if os.path.isabs(text) else folder / text
        return Definition(folder, path, "conda", target.name, prefix=target, warnings=tuple(warnings))
    if isinstance(name, str) and name.strip():
        return Definition(folder, path, "conda", name.strip(), warnings=tuple(warnings))
    if name is not None or prefix is not None:
        warnings.append(f"{path.name}: `name:` / `prefix:` must be a string; using the folder's name")
    name = folder.name or "env"
    return Definition(folder, path, "conda", name, named_in_file=False, warnings=tuple(warnings))


def _first_name(*tables: dict[str, Any]) -> str | None:
    """Return the first `name` among the tables that is a non-blank string."""
    names = (t.get("name") for t in tables)
    return next((n for n in names if isinstance(n, str) and n.strip()), None)


def _pixi(folder: Path, path: Path, name: Any, warnings: list[str]) -> Definition:
    """Return the definition of a pixi project: its default environment under `.pixi/envs/`."""
    label = name if isinstance(name, str) and name.strip() else folder.name
    prefix = folder / ".pixi" / "envs" / "default"
    return Definition(folder, path, "pixi", label, prefix=prefix, warnings=tuple(warnings))


def _venv(folder: Path, path: Path, editable: bool, warnings: list[str]) -> Definition:
    """Return the definition of a project whose environment is its in-project `.venv`."""
    requirements = next(iter(_requirements_files(folder)), None)
    name = f"{folder.name}/{VENV_DIR}" if folder.name else VENV_DIR
    return Definition(
        folder,
        path,
        "venv",
        name,
        folder / VENV_DIR,
        requirements=requirements,
        editable=editable,
        warnings=tuple(warnings),
    )


def _read_toml(path: Path) -> tuple[dict[str, Any], list[str]]:
    """Return a TOML file's tables; a broken file is a warning and an empty dict."""
    try:
        text = read_text(path, "project file")
        return parse_toml(text, path), []
    except FileNotFoundError:
        return {}, []
    except UnreadableFile as err:
        return {}, [str(err)]
    except BadToml as err:
        return {}, [f"{path.name}: invalid TOML: {err}"]
    except RecursionError:
        return {}, [f"{path.name}: nested too deeply; not read"]


def _table(data: Any, key: str) -> dict[str, Any]:
    """Return `data[key]` when both are tables, else an empty dict."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _identity(path: Path) -> object:
    """Return (device, inode) of a path, or None when it does not exist."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return None
    return (st.st_dev, st.st_ino)


def match_environment(definition: Definition, envs: Sequence[Environment]) -> Environment | None:
    """Return the discovered environment a definition names, or None when it is not there."""
    if definition.prefix is not None:
        target = _identity(definition.prefix)
        if target is None:
            return None
        for env in envs:
            if env.prefix == str(definition.prefix) or _identity(Path(env.prefix)) == target:
                return env
        return None
    if definition.name == "base":
        return next((e for e in envs if e.is_base), None)
    named = [
        e
        for e in envs
        if e.kind == "conda" and e.named and not e.is_base and Path(e.prefix).name == definition.name
    ]
    exact = [e for e in named if e.name == definition.name]
    return next(iter(exact or named), None)


def looks_like_environment(prefix: Path) -> bool:
    """Return whether a folder holds an environment the discovery would classify."""
    return (prefix / "conda-meta").is_dir() or (prefix / "pyvenv.cfg").is_file()


class NoProject(EnvPanelError):
    """No definition was found from a folder up to the root (the CLI answers exit 2)."""

    status = 404
