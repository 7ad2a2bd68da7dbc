"""The CLI as a user runs it: `python -m jupyter_envpanel` in a child with the world's HOME."""

from __future__ import annotations

import subprocess

from support.factory import CONDA_FORGE, child_environ
from support.jupyterchild import command


def run(world, *args, cwd=None, **environ):
    """Run `python -m jupyter_envpanel ARGS` with the world's HOME (no conda or Jupyter variables).

    The child imports the code under test (a checkout, a worktree or mutmut's mutants/), not
    whichever copy is installed, and reads no config the machine holds (support.jupyterchild).
    """
    env = {k: v for k, v in child_environ().items() if not k.startswith(("CONDA", "MAMBA", "JUPYTER"))}
    env.update(HOME=str(world.home), **environ)
    return subprocess.run(
        command("jupyter_envpanel", *args, config=world.base / "jupyter-env-config"),
        cwd=cwd or world.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def make_world(world):
    """Write base and `ml` (numpy 1.24.4, seaborn) and an environment.yml in the root that asks for ml."""
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    world.conda_env(
        root / "envs" / "ml",
        packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE), "seaborn=0.13.2"],
        requested=["numpy", "seaborn"],
    )
    (world.root / "environment.yml").write_text("name: ml\ndependencies:\n  - python=3.11\n  - numpy>=1.26\n")
    return root
