"""Drift: an environment against a definition file, with the commands that fix it; exports written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..base.errors import EnvFileError, InvalidArgument
from ..base.model import Environment
from ..base.paths import Root, nearest_envfile
from .packages import Packages

if TYPE_CHECKING:
    from ..drift.report import DriftReport
    from ..requirements.target import Target


def target_of(env: Environment) -> Target:
    """Return what a lock or manifest is read for: env's Python, this platform, its pixi environment."""
    from ..requirements.target import Target, current_subdir

    prefix = Path(env.prefix)
    named = prefix.parent.name == "envs" and prefix.parent.parent.name == ".pixi"
    return Target(env.python_version, current_subdir(), prefix.name if named else "")


class Drifts:
    """Compare environments with definitions; plain inputs (an environment, a path), a report out."""

    def __init__(self, root: Root, packages: Packages, tools: Callable[[], dict[str, str]]) -> None:
        """Remember where files are confined and reported from, the inventories, how to find tools."""
        self.root = root
        self.packages = packages
        self.tools = tools

    def drift(self, env: Environment, path: Path, label: str = "") -> DriftReport:
        """Compare an environment with a definition: environment.yml, requirements, a manifest or a lock.

        With a label (the server's use), included files must lie inside the root and every
        file is reported relative to it.
        """
        from ..locks.dispatch import kind_of

        kind = kind_of(path)
        if kind == "lock":
            return self._drift_lock(env, path, label)
        from ..drift.fixes import fix_commands
        from ..drift.report import check, extras_wanted
        from ..packages.inventory import read_requires_dist
        from ..requirements.envfile import EnvFile, parse_envfile
        from ..requirements.reqfile import parse_requirements_file

        confine = self.root.path if label else None
        if kind == "requirements":
            envfile = EnvFile(str(path), None, (), tuple(parse_requirements_file(path, root=confine)))
        elif kind == "manifest":
            from ..locks.dispatch import read_manifest

            envfile = read_manifest(path, target_of(env))
        else:
            envfile = parse_envfile(path, confine=confine)
        inv = self.packages.inventory(env)
        requires = {n: read_requires_dist(inv.pip[n]) for n in extras_wanted(envfile) if n in inv.pip}
        report = check(env.ref(), envfile, inv, label or str(path), requires, self.packages.channel_context())
        has_pip = "pip" in inv.pip or "pip" in inv.conda
        fixes, notes = fix_commands(env, report.requirements, self.tools(), envfile.channels, has_pip)
        items = report.requirements
        if label:
            items = tuple(replace(r, file=self.root.relative(Path(r.file))) for r in items)
        return replace(report, requirements=items, fixes=fixes, notes=notes)

    def _drift_lock(self, env: Environment, path: Path, label: str) -> DriftReport:
        """Compare an environment with a lock file: exactly what was locked, and the lock's own fix."""
        from ..drift.lockdrift import check_lock
        from ..drift.lockfixes import lock_fixes
        from ..locks.dispatch import read_lock

        lock = read_lock(path, target_of(env), Path(env.prefix))
        report = check_lock(env.ref(), lock, self.packages.inventory(env), label or str(path))
        drifted = [r.spec for r in report.requirements if r.status in ("missing", "mismatch", "extra")]
        folder = str(Path(label).parent) if label else str(path.parent)
        fixes, notes = lock_fixes(env, lock, "" if folder == "." else folder, self.tools(), drifted)
        items = report.requirements
        if label:  # an entry written in another file (the project's pyproject.toml): root-relative
            items = tuple(
                replace(r, file=self.root.relative(Path(r.file))) if Path(r.file).is_absolute() else r
                for r in items
            )
        return replace(report, requirements=items, fixes=fixes, notes=notes)

    def nearest_definition(self, start: Path, stop: Path | None = None, confined: bool = False) -> Path:
        """Return the nearest environment file or lock file from start upwards (to stop), then binder/.

        In each folder the environment files come first, then pixi.lock, uv.lock, poetry.lock,
        Pipfile.lock and conda-lock.yml.
        """
        from ..locks.dispatch import LOCK_NAMES

        names = (*self.root.env_file_names, *LOCK_NAMES)
        return nearest_envfile(start, names, stop, self.root.path if confined else None)

    def drift_in_root(self, env: Environment, file: str, near: str) -> DriftReport:
        """Compare with `file` (root-relative), or the nearest environment file to `near` (a request's)."""
        if file and near:
            raise InvalidArgument("give either ?file= or ?path=, not both")
        if file:
            target = self.root.resolve(file)
        else:
            start = self.root.resolve(near or ".")
            target = self.nearest_definition(start, self.root.resolve("."), confined=True)
        try:
            return self.drift(env, target, self.root.relative(target))
        except EnvFileError as err:  # name the file the error is in (maybe a -r include), root-relative
            where = self.root.relative(Path(err.path))
            raise EnvFileError(where, err.detail, err.line, err.column, err.status) from None

    def export_into(self, env: Environment, near: str) -> dict[str, Any]:
        """Write an environment.yml of env next to `near` (root-relative), never over a file."""
        from ..drift.export import write_new

        target = self.root.resolve(near or ".")
        folder = target if target.is_dir() else target.parent
        self.root.resolve(self.root.relative(folder))  # the folder itself lies in the root
        text = self.packages.export(env)
        write_new(folder / "environment.yml", text)
        return {"file": self.root.relative(folder / "environment.yml"), "text": text}
