"""Paths from requests and environment files: confined to the server's root after symlinks."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .errors import EnvFileError, FileNotFound, InvalidArgument, OutsideRoot


def real_root(root: Path) -> Path:
    """Return the root with every symlink resolved."""
    return Path(os.path.realpath(root))


def inside(path: Path, root: Path) -> bool:
    """Return whether path, after following symlinks, is root or lies under it (a path relation)."""
    real, top = Path(os.path.realpath(path)), real_root(root)
    return real == top or top in real.parents


def check_beside(path: Path) -> Path:
    """Return a manifest read beside its lock; a symlink out of the lock's folder is EnvFileError.

    The lock was confined to the server's root; what lies beside it is read as part of it, so it
    may not lead elsewhere (`pyproject.toml -> ~/.config/...` in a cloned repository).
    """
    if os.path.islink(path) and not inside(path, path.parent):
        raise EnvFileError(path, "a link out of the lock's folder: not followed")
    return path


def resolve_in_root(root: Path, rel: str) -> Path:
    """Resolve a request path inside the root; absolute, `..` or symlinks out -> 403."""
    if not rel or "\x00" in rel:
        raise InvalidArgument("a file path relative to the server root is required")
    if os.path.isabs(rel) or rel.startswith("~"):
        raise OutsideRoot("paths are relative to the server root; an absolute path is not accepted")
    target = Path(os.path.realpath(real_root(root) / rel))
    if not inside(target, root):
        raise OutsideRoot("the path resolves outside the server root")
    return target


def relative(root: Path, path: Path) -> str:
    """Return a path relative to the root, for labels in reports (the path itself if outside).

    A link inside the root that points out is labelled where it lies, not where it points.
    """
    top = real_root(root)
    for candidate in (os.path.realpath(path), os.path.join(os.path.realpath(path.parent), path.name)):
        try:
            return str(Path(candidate).relative_to(top))
        except ValueError:
            continue
    return str(path)


def nearest_envfile(
    start: Path, names: Sequence[str], stop: Path | None = None, confine: Path | None = None
) -> Path:
    """Return the nearest environment file from start upwards (to stop), then stop's binder/.

    With `confine` (the server's root), a file found that resolves outside it after following
    symlinks is refused (403), never read.
    """
    folder = start if start.is_dir() else start.parent
    stop = stop or Path(folder.anchor)
    candidates: list[Path] = []
    while True:
        candidates.extend(folder / name for name in names)
        if stop not in folder.parents:  # at stop, at the top, or never under stop
            break
        folder = folder.parent
    candidates.extend(stop / "binder" / name for name in names)
    for path in candidates:
        if not path.is_file():
            continue
        if confine is not None and not inside(path, confine):
            where = relative(confine, path)
            raise EnvFileError(where, "resolves outside the server root (a symlink?); not read", status=403)
        return path
    looked = ", ".join(names)
    label = relative(confine, start) if confine is not None else str(start)
    raise FileNotFound(label, f"no {looked} in this folder or any parent up to the root")


class Root:
    """The server's root directory: where request paths resolve, and what reports are relative to."""

    def __init__(self, root: Path, env_file_names: Sequence[str]) -> None:
        """Remember the root and the names that count as an environment file."""
        self.path = Path(root)
        self.env_file_names = tuple(env_file_names)

    def resolve(self, rel: str) -> Path:
        """Resolve a request path inside the root; absolute, `..` or symlinks out -> 403."""
        return resolve_in_root(self.path, rel)

    def relative(self, path: Path) -> str:
        """Return a path relative to the root, for labels in reports."""
        return relative(self.path, path)

    def nearest_envfile(self, start: Path, stop: Path | None = None, confined: bool = False) -> Path:
        """Return the nearest environment file from start upwards (to stop), then binder/."""
        return nearest_envfile(start, self.env_file_names, stop, self.path if confined else None)
