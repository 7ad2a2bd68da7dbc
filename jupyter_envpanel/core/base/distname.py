"""Python distribution names as PyPI compares them (PEP 503), without importing packaging.

`packaging.utils` imports `packaging.tags`, and with it subprocess, platform and sysconfig: a
drift against a conda-only environment.yml would pay ~5 ms for names alone.
"""

from __future__ import annotations


def canonical_name(name: str) -> str:
    """Return a name as PyPI compares names: lower case, each run of `-`, `_` and `.` one `-`."""
    value = name.lower().replace("_", "-").replace(".", "-")
    while "--" in value:
        value = value.replace("--", "-")
    return value
