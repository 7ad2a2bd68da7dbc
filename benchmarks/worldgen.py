"""Generate a large world of environments for the benchmarks (real files, as conda writes them)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.factory import CONDA_FORGE, World, write_dist, write_kernel, write_record  # noqa: E402

N_ENVS, N_RECORDS, N_SPECS = 200, 400, 60
PYKERNEL = {
    "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
}


def package_names(count: int) -> list:
    """Return stable fake package names."""
    return [f"pkg{i:03d}" for i in range(count)]


def make_world(base: Path, envs: int = N_ENVS, records: int = N_RECORDS) -> World:
    """Write `envs` conda envs of `records` packages each (20 files a record) under a fake HOME."""
    rng = random.Random(42)
    world = World(base)
    world.home.mkdir(parents=True, exist_ok=True)
    world.root.mkdir(exist_ok=True)
    world.server_env()
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    names = package_names(records - 1)
    for e in range(envs):
        prefix = root / "envs" / f"env{e:03d}"
        world.conda_env(prefix, python="3.11.7", requested=["python=3.11", *names[:10]])
        site = prefix / "lib" / "python3.11" / "site-packages"
        for i, name in enumerate(names):
            version = f"{1 + i % 3}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
            files = [f"lib/python3.11/site-packages/{name}/mod{j}.py" for j in range(20)]
            if e == 0 and i < 100:  # the drift env also has pip metadata for a hundred packages
                dist = write_dist(site, name, version, installer="conda")
                files.append(f"{dist.relative_to(prefix)}/METADATA")
            write_record(prefix, (name, version, "py311h1234567_0", CONDA_FORGE), files=files)
    return world


def make_envfile(path: Path, specs: int = N_SPECS) -> Path:
    """Write a `specs`-entry environment.yml mixing conda ranges, builds, channels and pip lines."""
    names = package_names(specs)
    lines = ["name: bench", "channels: [conda-forge]", "dependencies:", "  - python=3.11"]
    for i, name in enumerate(names[: specs - 11]):
        form = ["{n}>=1.0", "{n}=1", "conda-forge::{n}", "{n} >=1.0,<4|==9.9", "{n}=*=py311*"][i % 5]
        lines.append(f"  - {form.format(n=name)}")
    lines.append("  - pip:")
    lines.extend(f"    - {name}>=0.1; python_version >= '3.8'" for name in names[specs - 11 : specs - 1])
    path.write_text("\n".join(lines) + "\n")
    return path


def make_kernel_world(base: Path, n: int) -> World:
    """Write (once: a `done` file marks it) n conda envs of 50-300 records, half with a kernelspec.

    The server's root holds an environment.yml (`python>=3.10`, `pkg001>=1`) for drift and compare.
    """
    world = World(base)
    if (base / "done").exists():
        return world
    rng = random.Random(n)
    world.home.mkdir(parents=True, exist_ok=True)
    world.root.mkdir(exist_ok=True)
    world.server_env()
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    for e in range(n):
        prefix = world.conda_env(root / "envs" / f"env{e:04d}", ipykernel=e % 2 == 0)
        for i in range(rng.randint(50, 300)):
            write_record(prefix, (f"pkg{i:03d}", f"1.{i % 7}.0", "py_0", CONDA_FORGE))
        if e % 2 == 0:
            write_kernel(prefix, "python3", PYKERNEL)
    (world.root / "environment.yml").write_text("dependencies:\n  - python>=3.10\n  - pkg001>=1\n")
    (base / "done").write_text("")
    return world
