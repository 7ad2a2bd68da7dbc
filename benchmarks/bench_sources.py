"""What the sources beyond conda cost: missing tools, and a home with tens of each tool's envs.

Prints the cold listing (a new service) of the 200-conda-env world (bench_core's) with only the
conda sources, with every source while no other tool is installed (what a missing tool costs, and
the filesystem calls each source makes), and with 20 environments of each tool added.
Usage: python benchmarks/bench_sources.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from support.factory import interpreter_at, venv_at  # noqa: E402
from worldgen import make_world  # noqa: E402

from jupyter_envpanel.core.base.host import Host  # noqa: E402
from jupyter_envpanel.core.environments.tools import SOURCES  # noqa: E402
from jupyter_envpanel.core.service import EnvService, ServiceOptions  # noqa: E402

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


def cold(host: Host, sources, repeat: int) -> float:
    """Return the median ms of a cold listing (a new service each time)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        EnvService(host, ServiceOptions(sources=sources)).listing()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def fs_calls(host: Host, sources) -> int:
    """Return how many stat/listdir/scandir/open calls one cold listing makes."""
    counted = {"n": 0}
    originals = {name: getattr(os, name) for name in ("stat", "listdir", "scandir", "open")}

    def counting(func):
        def wrapper(*args, **kwargs):
            counted["n"] += 1
            return func(*args, **kwargs)

        return wrapper

    for name, func in originals.items():
        setattr(os, name, counting(func))
    try:
        EnvService(host, ServiceOptions(sources=sources)).listing()
    finally:
        for name, func in originals.items():
            setattr(os, name, func)
    return counted["n"]


def add_tools(world, count: int = 20) -> None:
    """Add `count` environments of each tool, laid out as the tools lay them out."""
    home = world.home
    for i in range(count):
        venv_at(world, home / ".virtualenvs" / f"wrapped{i}")
        venv_at(world, home / ".local" / "share" / "virtualenvs" / f"web{i}-abcdefgh")
        venv_at(world, home / ".cache" / "pypoetry" / "virtualenvs" / f"api{i}-abcdefgh-py{PY}")
        venv_at(
            world,
            home / ".local" / "share" / "hatch" / "env" / "virtual" / f"lib{i}" / "abcd1234" / f"lib{i}",
        )
        interpreter_at(home / ".pyenv" / "versions" / f"3.12.{i}")
        interpreter_at(home / ".local" / "share" / "uv" / "python" / f"cpython-3.13.{i}-linux-x86_64-gnu")
        world.conda_env(home / ".pixi" / "envs" / f"tool{i}", python=None)
        folder = world.root / f"svc{i}"
        folder.mkdir()
        (folder / "uv.lock").write_text("")
        venv_at(world, folder / ".venv", uv=True)


def main() -> None:
    """Measure the three cases on one world."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    world = make_world(Path(tempfile.mkdtemp(prefix="envpanel-sources-")))
    host = world.host()
    conda_only = ["conda", "pixi", "project-venvs"]
    print(
        f"cold listing, 200 conda envs, conda sources only    {cold(host, conda_only, args.repeat):8.2f} ms"
    )
    print(f"cold listing, every source, no other tool installed {cold(host, SOURCES, args.repeat):8.2f} ms")
    extra = fs_calls(host, SOURCES) - fs_calls(host, conda_only)
    print(f"filesystem calls the other sources add when their tools are missing: {extra}")
    add_tools(world)
    count = len(EnvService(host).listing().environments)
    print(
        f"cold listing, + 20 envs of each tool ({count} in all)   {cold(host, SOURCES, args.repeat):8.2f} ms"
    )


if __name__ == "__main__":
    main()
