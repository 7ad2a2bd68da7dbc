"""Where Python tools keep their environments, read from their own settings as each tool reads them.

Nothing is run: poetry's and hatch's `config.toml`, a project's hatch environments (`path = ...`),
and the variables of poetry, hatch, uv, pipenv, pyenv, virtualenvwrapper and pixi. Each tool's
own precedence holds (README, "Where each tool's own settings put its environments"): a variable
beats the settings file, which beats the platform default. Settings files go through safe_read
(regular files, 1 MiB, depth limit); a broken file or a value of the wrong type is a warning
naming the file and the key, and the tool's defaults still count. A parsed file is kept until its
mtime, size or inode changes, so a listing reads each settings file once per change.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base.host import Host
from ..base.prefix import racy
from ..base.safe_parse import BadToml, parse_toml
from ..base.safe_read import UnreadableFile, read_text

_PLACEHOLDER = re.compile(r"{(.+?)}")
_CACHE_MAX = 512
#: `envs` where TOML can have it as a key: `[tool.hatch.envs.x]`, `envs.x.path =`, `{envs = ...}`
#: (a key written with escapes, `"\u0065nvs"`, is not seen: as `hatch` itself is not, before).
_ENVS_KEY = re.compile(r"""(?:^|[\[.{,\s])["']?envs["']?\s*[.=\]]""", re.MULTILINE)
#: (path, wanted) -> (stat key, tables, warnings): a settings file is parsed again only when it changed.
_PARSED: dict[tuple[str, object], tuple[tuple[int, ...], dict[str, Any], tuple[str, ...]]] = {}


@dataclass
class ToolSettings:
    """Where each tool keeps its environments, and what was read to learn it."""

    #: Per tool, the folders that hold its environments (absolute).
    folders: dict[str, list[Path]] = field(default_factory=dict)
    #: Settings files looked for (missing ones too): a change, or a new file, means a new scan.
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: hatch's `[dirs.env] virtual` when relative: a folder of environments inside each project.
    hatch_in_project: list[str] = field(default_factory=list)
    #: `UV_PROJECT_ENVIRONMENT`: one environment (absolute), or one per project (relative).
    uv_project_env: str = ""


def read_toml(
    path: Path, what: str, wanted: Callable[[str], bool] | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Return a TOML file's tables and the warnings reading it gave; a missing file is `{}`.

    With `wanted`, a file whose text it refuses is `{}` without being parsed (a project's
    pyproject.toml is parsed only when it may hold hatch environments).
    """
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return {}, ()
    except OSError:
        st = None  # unreadable: the read below says why
    key = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev) if st else ()
    cached = _PARSED.get((str(path), wanted))
    if key and cached and cached[0] == key:
        return cached[1], cached[2]
    data, warnings = _parse(path, what, wanted)
    # a file changed within the clock's granularity may change again unseen ("racily clean"): not kept
    if key and not racy(key[0], time.time_ns()):
        if len(_PARSED) >= _CACHE_MAX:
            _PARSED.clear()
        _PARSED[(str(path), wanted)] = (key, data, warnings)
    return data, warnings


def _parse(
    path: Path, what: str, wanted: Callable[[str], bool] | None = None
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Parse a settings file; every problem is one warning naming the file."""
    try:
        text = read_text(path, "tool settings")
        if wanted is not None and not wanted(text):
            return {}, ()
        return parse_toml(text, path), ()
    except FileNotFoundError:
        return {}, ()
    except UnreadableFile as err:
        return {}, (f"{err}; {what} ignored",)
    except BadToml as err:
        return {}, (f"{path}: invalid TOML: {err}; {what} ignored",)
    except RecursionError:
        return {}, (f"{path}: nested too deeply; {what} ignored",)
    except OSError as err:
        return {}, (f"cannot read {path}: {err.strerror or err}; {what} ignored",)


def setting(data: dict[str, Any], keys: Sequence[str], path: Path, warnings: list[str]) -> str | None:
    """Return the string at `keys` (nested tables), None when unset; a wrong type is a warning."""
    value: Any = data
    for depth, key in enumerate(keys):
        if not isinstance(value, dict):
            where = ".".join(keys[:depth])
            warnings.append(f"{path}: `{where}` must be a table, not {type(value).__name__}; ignored")
            return None
        if key not in value:
            return None
        value = value[key]
    if isinstance(value, str) and value.strip():
        return value
    warnings.append(f"{path}: `{'.'.join(keys)}` must be a non-empty string; ignored")
    return None


def _xdg(host: Host, var: str, default: str) -> Path:
    """Return an XDG base folder (`$XDG_DATA_HOME`, ...), or its default under HOME."""
    value = host.getenv(var)
    return host.expand(value) if value else host.home / default


def _app_dir(host: Host, kind: str, app: str) -> Path:
    """Return platformdirs' user config / data / cache folder of an app (what poetry and hatch use)."""
    if sys.platform == "darwin":
        return host.home / "Library" / ("Caches" if kind == "cache" else "Application Support") / app
    var, default = {
        "config": ("XDG_CONFIG_HOME", ".config"),
        "data": ("XDG_DATA_HOME", ".local/share"),
        "cache": ("XDG_CACHE_HOME", ".cache"),
    }[kind]
    return _xdg(host, var, default) / app


def _var(host: Host, key: str) -> Path | None:
    """Return the folder a variable names (`~` and `$VARS` expanded), None when unset."""
    value = host.getenv(key)
    return host.expand(value) if value else None


def _absolute(host: Host, path: Path) -> Path:
    """Return a path as a tool run in the server's root would see it."""
    return path if path.is_absolute() else host.root / path


def _poetry(host: Host, out: ToolSettings) -> None:
    """poetry: `POETRY_VIRTUALENVS_PATH` > config.toml `virtualenvs.path` > `{cache-dir}/virtualenvs`."""
    config_dir = host.getenv("POETRY_CONFIG_DIR")
    path = (Path(config_dir) if config_dir else _app_dir(host, "config", "pypoetry")) / "config.toml"
    out.files.append(path)
    data, warnings = read_toml(path, "its poetry settings are")
    out.warnings.extend(warnings)
    home = host.getenv("POETRY_HOME")
    values = {
        "cache-dir": host.getenv("POETRY_CACHE_DIR")
        or setting(data, ("cache-dir",), path, out.warnings)
        or str(_app_dir(host, "cache", "pypoetry")),
        "data-dir": host.getenv("POETRY_DATA_DIR")
        or setting(data, ("data-dir",), path, out.warnings)
        or (str(host.expand_user(home)) if home else str(_app_dir(host, "data", "pypoetry"))),
    }
    raw = (
        host.getenv("POETRY_VIRTUALENVS_PATH")
        or setting(data, ("virtualenvs", "path"), path, out.warnings)
        or "{cache-dir}/virtualenvs"
    )
    out.folders["poetry"] = [_absolute(host, host.expand(_resolve(raw, values)))]


def _resolve(value: str, values: dict[str, str], depth: int = 0) -> str:
    """Replace poetry's `{cache-dir}` / `{data-dir}` placeholders; unknown ones stay, as poetry keeps them."""
    if depth > 8:
        return value

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return _resolve(values[key], values, depth + 1) if key in values else match.group(0)

    return _PLACEHOLDER.sub(replace, value)


def _hatch(host: Host, out: ToolSettings) -> None:
    """hatch: `HATCH_DATA_DIR` > config.toml `[dirs] data` > default; `[dirs.env] virtual` moves envs."""
    config = host.getenv("HATCH_CONFIG")
    path = _absolute(host, Path(config)) if config else _app_dir(host, "config", "hatch") / "config.toml"
    out.files.append(path)
    data, warnings = read_toml(path, "its hatch settings are")
    out.warnings.extend(warnings)
    data_dir = _var(host, "HATCH_DATA_DIR")
    if data_dir is None:
        written = setting(data, ("dirs", "data"), path, out.warnings)  # hatch writes it on first run
        data_dir = host.expand(written) if written else _app_dir(host, "data", "hatch")
    folders = [_absolute(host, data_dir) / "env" / "virtual"]
    virtual = setting(data, ("dirs", "env", "virtual"), path, out.warnings)
    if virtual:
        moved = host.expand(virtual)
        if moved.is_absolute():
            folders.insert(0, moved)
        else:  # hatch resolves it against each project's folder
            out.hatch_in_project.append(os.path.normpath(moved))
    out.folders["hatch"] = folders


#: The last answer: (host, platform, its settings files' stat keys, settings); a listing asks per scan.
_LAST: tuple[Host, str, tuple[tuple[int, ...] | None, ...], ToolSettings] | None = None


def _stat_key(path: Path) -> tuple[int, ...] | None:
    """Return what tells a file changed (mtime, size, inode, device), None when it cannot be stat'd."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_dev)


def tool_settings(host: Host) -> ToolSettings:
    """Return where each tool keeps its environments: variables, settings files, platform defaults.

    The answer (not to be changed by callers) is reused for the same host while its settings
    files are unchanged: a scan then costs a `stat` per settings file.
    """
    global _LAST
    last = _LAST
    if last is not None and last[0] is host and last[1] == sys.platform:
        if tuple(_stat_key(p) for p in last[3].files) == last[2]:
            return last[3]
    out = _tool_settings(host)
    keys = tuple(_stat_key(p) for p in out.files)
    if not any(k is not None and racy(k[0], time.time_ns()) for k in keys):
        _LAST = (host, sys.platform, keys, out)
    return out


def _tool_settings(host: Host) -> ToolSettings:
    """Compute where each tool keeps its environments."""
    out = ToolSettings()
    data_home = _xdg(host, "XDG_DATA_HOME", ".local/share")
    pyenv_root = _var(host, "PYENV_ROOT") or host.home / ".pyenv"
    workon = _var(host, "WORKON_HOME")
    out.folders["pyenv"] = [pyenv_root / "versions"]
    out.folders["virtualenvwrapper"] = [workon or host.home / ".virtualenvs"]
    out.folders["pipenv"] = [workon or data_home / "virtualenvs"]
    _poetry(host, out)
    _hatch(host, out)
    out.folders["uv"] = [_var(host, "UV_PYTHON_INSTALL_DIR") or data_home / "uv" / "python"]
    out.uv_project_env = host.getenv("UV_PROJECT_ENVIRONMENT") or ""  # uv expands nothing in it
    out.folders["pixi"] = [(_var(host, "PIXI_HOME") or host.home / ".pixi") / "envs"]
    return out


def hatch_project(project: Path, venv: Path | None = None) -> tuple[str, str]:
    """Return (its `[project] name` or "", the hatch environment whose `path` is venv) of a folder.

    With venv, ("", "") unless an environment of `[tool.hatch.envs.*]` (pyproject.toml) or
    `[envs.*]` (hatch.toml) has it as its `path` (relative to the project, as hatch resolves it).
    """
    env = _hatch_env_at(project, venv) if venv is not None else ""
    if venv is not None and not env:
        return "", ""
    pyproject, _ = read_toml(project / "pyproject.toml", "")
    meta = pyproject.get("project")
    name = meta.get("name") if isinstance(meta, dict) else None
    return (name.strip() if isinstance(name, str) else ""), env


def may_hold_hatch_envs(text: str) -> bool:
    """Return whether a pyproject.toml may set `tool.hatch.envs` (most hatchling projects do not)."""
    return "hatch" in text and _ENVS_KEY.search(text) is not None


def _hatch_env_at(project: Path, venv: Path) -> str:
    """Return the project's hatch environment whose `path` is venv, or ""."""
    pyproject, _ = read_toml(project / "pyproject.toml", "", may_hold_hatch_envs)
    hatch_toml, _ = read_toml(project / "hatch.toml", "")
    envs: dict[str, Any] = {}
    for table in (_table(pyproject, ("tool", "hatch", "envs")), _table(hatch_toml, ("envs",))):
        envs.update(table)
    target = os.path.realpath(venv)
    for env in sorted(envs, key=lambda e: (e != "default", e)):
        conf = envs[env]
        raw = conf.get("path") if isinstance(conf, dict) else None
        if isinstance(raw, str) and raw.strip() and os.path.realpath(os.path.join(project, raw)) == target:
            return str(env)
    return ""


def _table(data: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    """Return the nested table at keys, or an empty one."""
    value: Any = data
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}
