"""pixi.lock: the packages one environment locks for one platform, as py-rattler reads the file.

The file is read once through the safe reader (regular file, size cap, UTF-8, nesting); py-rattler
parses that same text (never the path again, which could have changed); the composed YAML only
gives each package's line and column. Whether the lock still satisfies pixi.toml is pixi's own
solver logic: `Lock.stale` stays "" (not checked).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from ..base.errors import EnvFileError, excerpt
from .envfile import _compose, _mapping_get, _where
from .locks import Lock, Locked, Target
from .reqfile import read_text

if TYPE_CHECKING:
    import yaml

#: The keys a lock entry names its archive or distribution with (pixi.lock v6+, v4-5, conda-lock).
URL_KEYS = ("conda", "pypi", "url", "path")
_SCALARS = frozenset((*URL_KEYS, "name", "version", "build", "sha256", "md5", "manager", "platform"))


def read_lock_text(path: Path) -> tuple[str, yaml.Node]:
    """Return a YAML lock file's text and composed root mapping; a bad file is EnvFileError."""
    text = read_text(path, "project file")
    root = _compose(path, text)
    if root is None:
        raise EnvFileError(path, "file is empty", 1, 1)
    import yaml

    if not isinstance(root, yaml.MappingNode):
        line, col = _where(root)
        raise EnvFileError(path, "top level must be a mapping", line, col)
    return text, root


def rattler_lock(path: Path, text: str) -> Any:
    """Return py-rattler's `LockFile` of the text already read (it only parses from a path)."""
    from rattler import LockFile

    fd, name = tempfile.mkstemp(suffix=".lock", prefix="envpanel-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return LockFile.from_path(Path(name))
    except Exception as err:  # py-rattler raises its own classes (ParseCondaLockError, ...)
        raise EnvFileError(path, f"py-rattler cannot read it: {excerpt(str(err), 160)}") from None
    finally:
        os.unlink(name)


def entry_places(path: Path, root: yaml.Node, key: str) -> dict[str, tuple[int, int]]:
    """Return the (line, column) of each entry of the `key:` list by its URL or path.

    Each entry must be a mapping whose URL, version, name and hashes are strings: a wrong type is
    an error located at it (py-rattler's own errors carry no place).
    """
    import yaml

    node = _mapping_get(root, key)  # type: ignore[arg-type]
    places: dict[str, tuple[int, int]] = {}
    if node is None:
        return places
    if not isinstance(node, yaml.SequenceNode):
        raise EnvFileError(path, f"`{key}` must be a list", *_where(node))
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            raise EnvFileError(path, f"each entry of `{key}` must be a mapping", *_where(item))
        for field, value in item.value:
            name = getattr(field, "value", None)
            if name in _SCALARS and not isinstance(value, yaml.ScalarNode):
                raise EnvFileError(path, f"`{name}` must be a string, not a list or mapping", *_where(value))
        url = next((v.value for k, v in item.value if getattr(k, "value", None) in URL_KEYS), "")
        platform = _mapping_get(item, "platform")
        where = url if platform is None else f"{platform.value} {url}"
        places.setdefault(where, _where(item))
    return places


def lock_platform(env: Any, subdir: str) -> Any:
    """Return the lock's own platform object named subdir, or None (a standalone one panics)."""
    return next((p for p in env.platforms() if p.name == subdir), None)


def conda_locked(pkg: Any, path: Path, place: tuple[int, int]) -> Locked:
    """Return a Locked of one py-rattler conda package (binary, or source: presence only)."""
    record = pkg.package_record
    if record is None:  # a source package whose metadata pixi has not evaluated yet
        loose = f"conda source package ({excerpt(pkg.location, 80)}): built locally, presence only"
        return Locked(pkg.name, "", "conda", str(path), *place, url=pkg.location, loose=loose)
    sha = record.sha256.hex() if record.sha256 else ""
    loose = "" if hasattr(pkg, "repo_data_record") else f"conda source package ({excerpt(pkg.location, 80)})"
    return Locked(
        record.name.normalized,
        str(record.version),
        "conda",
        str(path),
        *place,
        build=str(record.build),
        sha256=sha,
        url=pkg.location,
        loose=loose,
    )


def pip_locked(pkg: Any, path: Path, place: tuple[int, int]) -> Locked:
    """Return a Locked of one py-rattler PyPI package; a local path is presence only."""
    location = str(pkg.location)
    local = "://" not in location.split("#", 1)[0]
    if local:  # built from the project's tree: its version may be dynamic (`<dynamic>`)
        loose = f"local path package ({excerpt(location, 80)}): presence only"
        return Locked(canonicalize_name(pkg.name), "", "pip", str(path), *place, url=location, loose=loose)
    return Locked(canonicalize_name(pkg.name), str(pkg.version), "pip", str(path), *place, url=location)


def read_pixi_lock(path: Path, target: Target) -> Lock:
    """Read the packages pixi.lock locks for the target's environment and platform."""
    path = Path(path)
    text, root = read_lock_text(path)
    places = entry_places(path, root, "packages") or entry_places(path, root, "package")
    lock = rattler_lock(path, text)
    name = target.environment or "default"
    env = lock.environment(name)
    base = Lock(str(path), "pixi", environment=name, platform=target.subdir)
    if env is None:
        return replace(base, unjudged=f"{path.name} has no environment {name!r}")
    platform = lock_platform(env, target.subdir)
    if platform is None:
        return replace(base, unjudged=f"{path.name} has nothing for {target.subdir} (environment {name!r})")
    fallback = _where(root)
    out: list[Locked] = []
    for pkg in env.packages(platform) or []:
        place = place_of(places, target.subdir, str(pkg.location)) or fallback
        if hasattr(pkg, "package_record"):
            out.append(conda_locked(pkg, path, place))
        else:
            out.append(pip_locked(pkg, path, place))
    return replace(base, packages=tuple(out))


def place_of(places: dict[str, tuple[int, int]], subdir: str, location: str) -> tuple[int, int] | None:
    """Return where the lock writes a package: by platform and URL (conda-lock format), else URL."""
    return places.get(f"{subdir} {location}") or places.get(location)
