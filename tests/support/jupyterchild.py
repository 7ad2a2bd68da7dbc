"""Jupyter children of the tests (a server, the CLI) read the test's config, not the machine's.

Started from the venv, `jupyter lab` and `jupyter envpanel` read config from `<venv>/etc/jupyter`,
`/usr/local/etc/jupyter` and `/etc/jupyter` besides JUPYTER_CONFIG_DIR, and kernels from
`/usr/local/share/jupyter` and `/usr/share/jupyter`. What a machine keeps there would reach every
test world: scripts/start.sh leaves a drop-in in the venv that adds demo/envs (`demo`,
`demo-drifted`) to every listing, an admin may configure anything in /etc/jupyter. A child started
with `command()` reads, as pytest-jupyter's in-process servers do, the test's own JUPYTER_* folders
and in place of the venv's config folder a copy of the config files the installed distributions
ship (which server extensions are enabled); no system folder.
"""

from __future__ import annotations

import functools
import importlib.metadata
import shutil
import sys
from pathlib import Path

#: Runs `python -m MODULE ARGS` after pointing jupyter_core's env and system folders elsewhere
#: (the lists are changed in place: jupyter_server imports them by name).
BOOT = """
import runpy, sys
import jupyter_core.paths as paths
paths.ENV_CONFIG_PATH[:] = [sys.argv.pop(1)]
paths.SYSTEM_CONFIG_PATH[:] = []
paths.SYSTEM_JUPYTER_PATH[:] = [p for p in paths.SYSTEM_JUPYTER_PATH if p in paths.ENV_JUPYTER_PATH]
del sys.argv[0]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


@functools.cache
def packaged_config() -> tuple[tuple[str, Path], ...]:
    """Return (path under etc/jupyter, file) for each config file an installed distribution ships."""
    etc = (Path(sys.prefix) / "etc" / "jupyter").resolve()
    found: dict[str, Path] = {}
    for dist in importlib.metadata.distributions():
        for entry in dist.files or ():
            if "etc/jupyter/" not in entry.as_posix():
                continue
            path = Path(str(dist.locate_file(entry))).resolve()
            if path.is_relative_to(etc) and path.is_file():
                found.setdefault(path.relative_to(etc).as_posix(), path)
    return tuple(sorted(found.items()))


def env_config(folder: Path) -> Path:
    """Fill `folder` with the installed distributions' config files (only those) and return it."""
    for relative, path in packaged_config():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / relative)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def command(module: str, *args: str, config: Path) -> list[str]:
    """Return the argv of `python -m MODULE ARGS` reading only the packaged config (put in `config`)."""
    return [sys.executable, "-c", BOOT, str(env_config(config)), module, *args]
