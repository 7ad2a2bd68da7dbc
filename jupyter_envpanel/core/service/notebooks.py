"""What a notebook ran with: the record an environment gives a saved notebook, and the comparison with now."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..base.errors import EnvNotFound, InvalidArgument
from ..base.model import Environment
from ..notebooks.file import notebook_record, read_notebook
from ..notebooks.record import RanWith, compare, compare_lock, record
from .kernels import Kernels
from .listing import Listings
from .packages import Packages


class Notebooks:
    """Records and their comparison (plain inputs: an environment, a notebook path; dicts out)."""

    def __init__(self, listings: Listings, kernels: Kernels, packages: Packages) -> None:
        """Remember the facades a notebook's answer reads."""
        self.listings = listings
        self.kernels = kernels
        self.packages = packages

    def ran_with(self, env: Environment) -> RanWith:
        """Return the record a notebook running in this environment stores when it is saved."""
        return record(env, self.packages.inventory(env), self.packages.channel_context())

    def _kernel_env(self, nb: dict[str, Any]) -> Environment | None:
        """Return the environment of the kernel a notebook asks for, when it is one of ours."""
        meta = nb.get("metadata")
        spec = meta.get("kernelspec") if isinstance(meta, dict) else None
        name = spec.get("name") if isinstance(spec, dict) else None
        kernel = self.kernels.offered_kernels().get(name) if isinstance(name, str) else None
        return kernel.env if kernel is not None else None

    def lock_report(
        self, path: Path, lock_path: Path, label: str = "", lock_label: str = ""
    ) -> dict[str, Any]:
        """Return a notebook's record compared with a lock file: what the lock pins otherwise, or lacks."""
        from ..locks.dispatch import kind_of, read_lock
        from ..requirements.target import Target, current_subdir

        recorded = notebook_record(read_notebook(path), path)
        if kind_of(lock_path) != "lock":
            raise InvalidArgument(f"{lock_label or lock_path} is not a lock file (uv.lock, pixi.lock, ...)")
        lock = read_lock(lock_path, Target((recorded or {}).get("python") or None, current_subdir()))
        differences = compare_lock(recorded, lock) if recorded and not lock.unjudged else []
        return {
            "path": label or str(path),
            "recorded": recorded,
            "environment": None,
            "current": None,
            "lock": {"file": lock_label or str(lock_path), **lock.to_json()},
            "differences": [d.to_json() | {"text": d.text} for d in differences],
            "count": len(differences),
        }

    def report(self, path: Path, env_ref: str = "", label: str = "") -> dict[str, Any]:
        """Return `{path, recorded, environment, current, differences, count}` for a notebook file.

        Compared with `env_ref` (the kernel running now), else the notebook's kernel's environment,
        else the environment the record names.
        """
        nb = read_notebook(path)
        recorded = notebook_record(nb, path)
        env: Environment | None = None
        if env_ref:
            env = self.listings.find(env_ref, allow_any_prefix=not label)
        else:
            env = self._kernel_env(nb)
            if env is None and recorded and recorded.get("environment"):
                try:
                    env = self.listings.find(recorded["environment"])
                except EnvNotFound:
                    env = None
        differences = compare(recorded, self.packages.inventory(env)) if recorded and env else []
        return {
            "path": label or str(path),
            "recorded": recorded,
            "environment": env.ref() if env else None,
            "current": self.ran_with(env) if env else None,
            "lock": None,
            "differences": [d.to_json() | {"text": d.text} for d in differences],
            "count": len(differences),
        }
