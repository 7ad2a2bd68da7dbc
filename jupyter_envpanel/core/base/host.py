"""The one seam to the outside world: environment variables, home, root, the server's prefix."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)")


@dataclass(frozen=True)
class Host:
    """What the core may know about the process it runs in; tests build their own."""

    home: Path
    environ: Mapping[str, str] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    sys_prefix: Path = field(default_factory=lambda: Path(sys.prefix))
    sys_python_version: str = field(default_factory=lambda: ".".join(str(p) for p in sys.version_info[:3]))
    sys_executable: str = field(default_factory=lambda: sys.executable)
    #: Installation roots outside HOME that are always looked at.
    system_roots: tuple[str, ...] = ("/opt/conda",)
    #: Folders whose Pythons are listed besides those on PATH (kind `system`).
    system_bins: tuple[str, ...] = ("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin")

    @classmethod
    def current(cls, root: Path | str | None = None) -> Host:
        """Describe this process: `HOME`, `os.environ`, `sys.prefix`, and root (default: cwd)."""
        return cls(
            home=Path.home(),  # HOME when set, else the password database's
            environ=dict(os.environ),
            root=Path(root).resolve() if root else Path.cwd().resolve(),
        )

    def getenv(self, key: str) -> str | None:
        """Return an environment variable, treating an empty value as unset."""
        value = self.environ.get(key)
        return value or None

    def expand_user(self, path: str) -> Path:
        """Expand a leading `~` only: a path a user typed (the shell already did the variables)."""
        return Path(str(self.home) + path[1:] if path == "~" or path.startswith("~/") else path)

    def expand(self, path: str) -> Path:
        """Expand `~` and `$VARS` in a path the way conda does, against this host."""
        if path.startswith("~"):
            path = str(self.home) + path[1:]

        def substitute(match: re.Match[str]) -> str:
            key = match.group(1) or match.group(2)
            return self.environ.get(key, match.group(0))

        return Path(_VAR.sub(substitute, path))
