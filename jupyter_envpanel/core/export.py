"""Write an environment down as code: an environment.yml of what the user asked for, pinned.

The file names the environment, the channels its requested conda packages came from, the
packages the user asked for (conda `history` specs, pip's `REQUESTED` marker) pinned to their
installed versions (`name=version`, a `pip:` list with `name==version`), and the environment's
Python. It is stable (same environment, same bytes) and compares with zero drift against the
environment it came from.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import List

from .channels import UNKNOWN, ChannelContext, channel_name
from .drift import SEEDED, yaml_lines
from .errors import EnvPanelError
from .inventory import Inventory, Package
from .model import Environment

HEADER = "# written by jupyter-envpanel from the environment {name!r}: what you asked for, pinned\n"


class FileExists(EnvPanelError):
    """The file to create exists already: it is never overwritten."""

    status = 409


def requested(inv: Inventory) -> List[Package]:
    """Return the packages the user asked for, plus the environment's Python, by name."""
    conda = [inv.conda[k] for k in sorted(inv.requested_conda) if k in inv.conda]
    if "python" in inv.conda and "python" not in inv.requested_conda:
        conda.insert(0, inv.conda["python"])
    pip = [
        p for k, p in sorted(inv.pip.items()) if p.requested and p.installer != "conda" and k not in SEEDED
    ]
    return conda + pip


def _channels(packages: List[Package], ctx: ChannelContext) -> List[str]:
    """Return the channels of the conda packages, most used first (`defaults` for pkgs/main)."""
    names = Counter(channel_name(p.channel_url or p.channel, ctx) for p in packages if p.source == "conda")
    names.pop("", None)
    names.pop(UNKNOWN, None)  # a local build or a record without its channel: no channel to list
    return [name for name, _ in sorted(names.items(), key=lambda item: (-item[1], item[0]))]


def export_text(env: Environment, inv: Inventory, ctx: ChannelContext) -> str:
    """Return the environment.yml text for an environment."""
    packages = requested(inv)
    lines = [HEADER.format(name=env.name).rstrip("\n"), f"name: {_yaml_scalar(env.name)}"]
    channels = _channels(packages, ctx)
    if channels:
        lines += ["channels:", *(f"  - {_yaml_scalar(c)}" for c in channels)]
    body = yaml_lines(packages)
    lines += ["dependencies:", *body] if body else ["dependencies: []"]
    return "\n".join(lines) + "\n"


def _yaml_scalar(text: str) -> str:
    """Return a YAML scalar that reads back as the same string."""
    import json

    import yaml

    plain = text and text[0].isalnum() and all(c.isalnum() or c in "-_./:" for c in text)
    # `1.10`, `yes`, `null` are plain too, but YAML reads them back as a number, a bool, nothing
    return text if plain and yaml.safe_load(text) == text else json.dumps(text)


def write_new(path: Path, text: str) -> None:
    """Create a file with the text; an existing file (or link) is never touched (409)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except FileExistsError:
        raise FileExists(f"{path.name} exists already in this folder; it was not changed") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
