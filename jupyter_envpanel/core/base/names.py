"""Kernel names as Jupyter allows them, cleaned as nb_conda_kernels cleans them (notebooks rely on it)."""

from __future__ import annotations

import re
import unicodedata

_UNCLEAN = re.compile(r"[^a-zA-Z0-9._\-]")
_RUNS = re.compile(r"(\d+)")


def clean_kernel_name(name: str) -> str:
    """Replace characters Jupyter does not allow in kernel names, as nb_conda_kernels does."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _UNCLEAN.sub("_", name)


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Return a sort key that orders numbers as numbers: `3.6.15` before `3.10.13`, `env2` before `env10`."""
    return tuple((0, int(run)) if run.isdigit() else (1, run.casefold()) for run in _RUNS.split(name) if run)
