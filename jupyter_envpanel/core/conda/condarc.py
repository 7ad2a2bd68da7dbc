"""condarc files: the settings jupyter-envpanel needs from them (envs dirs, channel naming).

Read without conda, through safe_read (regular files, 1 MiB, depth limit). A broken file, or a
key of the wrong type, is a warning naming the file; the other files and keys still count.
Priority as conda's: `$CONDARC` first, then the user's files, then installation roots'; the first
file that sets a scalar or a list wins, mappings are merged key by key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base.safe_parse import load_yaml
from ..base.safe_read import UnreadableFile
from .channels import ChannelContext, channel_context

#: Keys read, and the type each must have ("str", "list" of str, "map" of str, "multimap").
KEYS = {
    "envs_dirs": "list",
    "channel_alias": "str",
    "default_channels": "list",
    "custom_channels": "map",
    "custom_multichannels": "multimap",
    "migrated_channel_aliases": "list",
    "migrated_custom_channels": "map",
}


def _valid(kind: str, value: Any) -> bool:
    """Return whether a condarc value has the type its key needs."""
    if kind == "str":
        return isinstance(value, str) and bool(value.strip())
    if kind == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "map":
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
    return isinstance(value, dict) and all(isinstance(k, str) and _valid("list", v) for k, v in value.items())


def read_condarc(path: Path, warnings: list[str]) -> dict[str, Any]:
    """Return the keys this module knows from one condarc file; problems become warnings."""
    try:
        data = load_yaml(path, "condarc")
    except FileNotFoundError:
        return {}
    except UnreadableFile as err:
        warnings.append(f"{err}; this condarc is ignored")
        return {}
    except OSError as err:
        warnings.append(f"cannot read {path}: {err.strerror or err}")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        warnings.append(f"{path}: not a mapping of settings; ignored")
        return {}
    found: dict[str, Any] = {}
    for key, kind in KEYS.items():
        if key not in data or data[key] is None:
            continue
        if _valid(kind, data[key]):
            found[key] = data[key]
        else:
            warnings.append(f"{path}: `{key}` has the wrong type; ignored")
    return found


@dataclass(frozen=True)
class CondaSettings:
    """What the condarc files say, merged by priority."""

    envs_dirs: tuple[tuple[Path, str], ...] = ()  # (folder, the condarc that names it)
    values: dict[str, Any] = field(default_factory=dict)
    home: str = ""  # what `~` expands to (channels given as `~/folder`)

    def channels(self) -> ChannelContext:
        """Return the channel naming these settings define (conda's defaults where unset)."""
        v = self.values
        return channel_context(
            channel_alias=v.get("channel_alias"),
            default_channels=v.get("default_channels"),
            custom_channels=v.get("custom_channels"),
            custom_multichannels=v.get("custom_multichannels"),
            migrated_channel_aliases=v.get("migrated_channel_aliases", ()),
            migrated_custom_channels=v.get("migrated_custom_channels"),
            home=self.home,
        )


def merge(files: Sequence[Path], expand: Callable[[str], Path], warnings: list[str]) -> CondaSettings:
    """Read condarc files in priority order (highest first) and merge them as conda does.

    `expand` turns an envs_dirs entry into a path (`~`, `$VARS`).
    """
    values: dict[str, Any] = {}
    dirs: list[tuple[Path, str]] = []
    for path in files:
        found = read_condarc(path, warnings)
        for entry in found.pop("envs_dirs", []):
            dirs.append((expand(entry), str(path)))
        for key, value in found.items():
            if isinstance(value, dict):
                values[key] = {**value, **values.get(key, {})}  # higher priority keeps its keys
            else:
                values.setdefault(key, value)
    return CondaSettings(tuple(dirs), values, str(expand("~")))


def settings_for(
    files: Sequence[Path], expand: Callable[[str], Path], warnings: list[str] | None = None
) -> CondaSettings:
    """Return merged settings, collecting warnings in a throwaway list when none is given."""
    return merge(files, expand, warnings if warnings is not None else [])
