"""Hostile environments: each class of broken or malicious file a user's disk can hold.

Every case writes, next to a healthy env `good` (ipykernel + kernelspec), one broken thing, and
names the text a warning about it must contain. The tests run each case at three levels (core,
REST, CLI) and expect: nothing else lost, no 5xx, no traceback, no hang.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from support.factory import PYKERNEL, World, write_kernel

DEEP_JSON = "[" * 100_000 + "]" * 100_000


@dataclass(frozen=True)
class Case:
    """A hostile thing to write, and what the warning about it says."""

    write: Callable[[World, Path], Path | None]  # (world, Jupyter data dir)
    warning: str  # a warning containing this must name the file (on the env or the listing)
    env: str | None = "broken"  # the env the warning is on (None: a listing-level warning)
    in_show: bool = False  # the file is read only when packages are asked for (show, drift)


def envs_root(world: World) -> Path:
    """Return the installation root every case uses."""
    return world.home / "miniconda3"


def healthy(world: World) -> Path:
    """Write the installation root and the healthy env `good` with a kernelspec."""
    root = envs_root(world)
    world.conda_env(root, python="3.12.1")
    good = world.conda_env(root / "envs" / "good", ipykernel=True, runnable=True)
    write_kernel(good, "python3", PYKERNEL)
    return good


def _broken(world: World) -> Path:
    """Write the env that receives the hostile file."""
    return world.conda_env(envs_root(world) / "envs" / "broken", ipykernel=True, runnable=True)


def _kernel(raw: str) -> Callable[[World, Path], Path]:
    """Return a case writer: a kernel.json with this raw content in `broken`."""

    def write(world: World, _: Path) -> Path:
        prefix = _broken(world)
        folder = prefix / "share" / "jupyter" / "kernels" / "python3"
        folder.mkdir(parents=True)
        (folder / "kernel.json").write_text(raw)
        return prefix

    return write


def _spec(**fields) -> str:
    """Return a kernel.json text: the ipykernel spec with fields replaced."""
    return json.dumps({**PYKERNEL, **fields})


def _special(kind: str, rel: str) -> Callable[[World, Path], Path]:
    """Return a case writer: a FIFO or a link to /dev/zero at `rel` inside `broken`."""

    def write(world: World, _: Path) -> Path:
        prefix = _broken(world)
        path = prefix / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero")
        return prefix

    return write


def _state(raw: str) -> Callable[[World, Path], Path]:
    """Return a case writer: conda-meta/state with this raw content."""

    def write(world: World, _: Path) -> Path:
        prefix = _broken(world)
        (prefix / "conda-meta" / "state").write_text(raw)
        return prefix

    return write


def _record(**fields) -> Callable[[World, Path], Path]:
    """Return a case writer: a numpy record with fields replaced."""

    def write(world: World, _: Path) -> Path:
        prefix = _broken(world)
        record = {"name": "numpy", "version": "1.26.4", "build": "py_0", "build_number": 0, "files": []}
        record.update(fields)
        (prefix / "conda-meta" / "numpy-1.26.4-py_0.json").write_text(json.dumps(record))
        return prefix

    return write


def _root_venvs_zero(world: World, _: Path) -> None:
    """Make `<root>/.venv/pyvenv.cfg` and `<root>/venv` links to /dev/zero."""
    (world.root / ".venv").mkdir()
    (world.root / ".venv" / "pyvenv.cfg").symlink_to("/dev/zero")
    (world.root / "venv").symlink_to("/dev/zero")


def _condarc_deep(world: World, _: Path) -> None:
    """Write a ~/.condarc nested 10,000 deep."""
    (world.home / ".condarc").write_text("envs_dirs: " + "[" * 10_000 + "]" * 10_000 + "\n")


def _user_kernel_deep(world: World, data_dir: Path) -> None:
    """Write a user kernelspec nested 100,000 deep (in the Jupyter data dir's kernels/)."""
    folder = data_dir / "kernels" / "deep"
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(DEEP_JSON)


def _environments_txt(world: World, _: Path) -> None:
    """Write an environments.txt of 100,000 lines naming folders that do not exist."""
    path = world.home / ".conda" / "environments.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"/nonexistent/env-{i}\n" for i in range(100_000)))


CASES: dict[str, Case] = {
    "kernel env is a list": Case(_kernel(_spec(env=["A=1"])), "`env` must be a mapping"),
    "kernel metadata is a string": Case(_kernel(_spec(metadata="x")), "`metadata` must be a mapping"),
    "kernel language is a number": Case(_kernel(_spec(language=5)), "`language` must be a string"),
    "kernel interrupt_mode unknown": Case(_kernel(_spec(interrupt_mode="x")), "`interrupt_mode`"),
    "kernel env has NUL": Case(_kernel(_spec(env={"A": "x\u0000y"})), "without NUL"),
    "kernel json nested 100k": Case(_kernel(DEEP_JSON), "nested deeper"),
    "kernel json is a FIFO": Case(_special("fifo", "share/jupyter/kernels/python3/kernel.json"), "FIFO"),
    "kernel json is /dev/zero": Case(
        _special("zero", "share/jupyter/kernels/python3/kernel.json"), "character device"
    ),
    "state nested 100k": Case(_state('{"env_vars": ' + DEEP_JSON + "}"), "nested deeper"),
    "state is a FIFO": Case(_special("fifo", "conda-meta/state"), "FIFO"),
    "state is /dev/zero": Case(_special("zero", "conda-meta/state"), "character device"),
    "state env_vars bad names": Case(_state(json.dumps({"env_vars": {"A=B": "1", "OK": "x\u0000"}})), "A=B"),
    "record build_number abc": Case(_record(build_number="abc"), "build_number", in_show=True),
    "record files not strings": Case(_record(files=[1, {"a": 2}]), "`files`", in_show=True),
    "record is a FIFO": Case(_special("fifo", "conda-meta/zlib-1.3-h0_0.json"), "FIFO", in_show=True),
    "root venv is /dev/zero": Case(_root_venvs_zero, "", env=None),
    "condarc nested 10k": Case(_condarc_deep, "nested deeper", env=None),
    "user kernelspec nested 100k": Case(_user_kernel_deep, "", env=None),
    "environments.txt 100k lines": Case(_environments_txt, "environments.txt", env=None),
}
