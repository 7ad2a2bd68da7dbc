"""What a manifest or a lock is read for: the environment's Python, the conda platform, an environment.

Manifests (pyproject.toml, pixi.toml, Pipfile) and lock files are both read for one `Target`:
markers are evaluated for the environment's Python, never for the server's.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

#: The conda platform of this machine, by (sys.platform, machine), as conda names its subdirs.
_SUBDIRS = {
    ("linux", "x86_64"): "linux-64",
    ("linux", "aarch64"): "linux-aarch64",
    ("linux", "ppc64le"): "linux-ppc64le",
    ("linux", "s390x"): "linux-s390x",
    ("darwin", "x86_64"): "osx-64",
    ("darwin", "arm64"): "osx-arm64",
    ("win32", "AMD64"): "win-64",
    ("win32", "ARM64"): "win-arm64",
}


def current_subdir() -> str:
    """Return this machine's conda platform (`linux-64`, `osx-arm64`, ...)."""
    import platform  # a lock or a manifest only: environment.yml never needs it

    return _SUBDIRS.get((sys.platform, platform.machine()), f"{sys.platform}-{platform.machine()}")


@dataclass(frozen=True)
class Target:
    """What a definition is read for: the environment's Python, the platform, the environment to read."""

    python_version: str | None  # the environment's Python: markers are evaluated for it
    subdir: str  # this machine's conda platform, e.g. linux-64
    environment: str = ""  # the environment to read ("": the one the tool installs by default)
