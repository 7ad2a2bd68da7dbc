"""Notebooks on disk: an environment with a record worth keeping, and a saved notebook that carries one."""

from __future__ import annotations

import json
from pathlib import Path

from support.factory import CONDA_FORGE


def make_ml(world, requested=20) -> Path:
    """Write env `ml`: numpy, `requested - 1` more requested packages, a dependency and a pip package."""
    names = [f"lib{i:02d}" for i in range(requested - 1)]
    return world.conda_env(
        world.home / "miniconda3" / "envs" / "ml",
        python="3.11.7",
        packages=[("numpy", "1.26.4", "py311h0_0", CONDA_FORGE)]
        + [(n, "2.0.1", "pyhd8ed1ab_0", CONDA_FORGE) for n in names]
        + [("libblas", "3.9.0", "20_linux64_openblas", CONDA_FORGE)],
        requested=["numpy", *names],
        pip=[("rich", "13.7.1", True)],
    )


def saved_notebook(path: Path, ran: object, kernel: str = "conda-env-ml-py") -> Path:
    """Write a notebook that asks for `kernel` and carries `ran` as its ran_with record (None: no record)."""
    nb = {
        "cells": [],
        "metadata": {"kernelspec": {"name": kernel, "display_name": "x", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    if ran is not None:
        nb["metadata"]["envpanel"] = {"ran_with": ran}
    path.write_text(json.dumps(nb))
    return path
