"""Lock files read into one shape: the exact packages an environment must hold, each with its place.

Every lock reader (uv.lock, pixi.lock, poetry.lock, Pipfile.lock, conda-lock.yml, `@EXPLICIT`
files) returns a `Lock` for one `requirements.target.Target`: the environment's Python (markers
are evaluated for it, never for the server's), this machine's conda platform, and the lock's
environment to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Locked:
    """One package a lock pins, with where the lock writes it."""

    name: str  # conda: the record's name; pip: the canonical (PEP 503) name
    version: str
    source: str  # "conda" or "pip", as Requirement.source
    file: str
    line: int
    column: int
    build: str = ""  # conda: the build string, when the lock names one
    sha256: str = ""  # conda: the archive's digest, when the lock names one
    url: str = ""  # where the lock says the package comes from
    #: Why the version cannot be judged exactly (an editable or path install of the project), or "".
    loose: str = ""

    @property
    def spec(self) -> str:
        """Return the entry as a report shows it (`numpy==2.1.0`, `numpy=2.1.0=py312_0`)."""
        if self.source == "conda":
            return f"{self.name}={self.version}={self.build}" if self.build else f"{self.name}={self.version}"
        return f"{self.name}=={self.version}" if self.version else self.name


@dataclass(frozen=True)
class Lock:
    """The packages one environment of a lock file pins for one platform."""

    path: str
    tool: str  # "uv", "pixi", "poetry", "pipenv", "conda-lock" or "explicit"
    environment: str = ""  # the lock environment read ("default", "cuda"), "" when the lock has one
    platform: str = ""  # the conda platform read, "" for a lock that is not per platform
    packages: tuple[Locked, ...] = ()
    #: Installed packages the tool leaves alone when they are not in the lock (pip in a venv ...).
    keep: frozenset[str] = frozenset()
    #: The lock no longer satisfies its manifest, said as the tool says it, or "".
    stale: str = ""
    #: The lock holds nothing for this platform or environment: said, not judged as drift ("" otherwise).
    unjudged: str = ""
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Return the `lock` object of a drift report."""
        return {
            "tool": self.tool,
            "environment": self.environment,
            "platform": self.platform,
            "packages": len(self.packages),
            "stale": self.stale,
            "unjudged": self.unjudged,
        }
