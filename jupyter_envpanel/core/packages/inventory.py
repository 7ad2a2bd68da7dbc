"""What is installed in a prefix: conda records, pip distributions, and what the user asked for."""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base.budget import checkpoint
from ..base.distname import canonical_name
from ..base.prefix import Stamp, mtime_ns, site_packages, venv_python_version
from ..base.safe_read import UnreadableFile, read_json_object, read_text
from ..conda.channels import channel_name

#: Packages that venv / virtualenv seed with a REQUESTED marker the user never asked for.
SEEDED = frozenset({"pip", "setuptools", "wheel"})
_HISTORY_SPECS = re.compile(r"^#\s*(update|install|create|remove|uninstall)\s+specs:\s*(.*)$")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
_SPEC_NAME = re.compile(r"^\s*(?:[^\s:]+::)?([A-Za-z0-9_.\-]+)")
#: A distribution's metadata folder in site-packages: its name and version are in the folder's name.
DIST_DIR = re.compile(r"^(?P<name>.+?)-(?P<version>[^-]+?)(?:-py\d[\d.]*)?\.(?:dist|egg)-info$")


@dataclass(frozen=True)
class Package:
    """One installed package, from a conda record or a pip distribution."""

    name: str
    version: str
    source: str  # "conda" or "pip": where the record comes from
    build: str = ""
    build_number: int = 0
    channel: str = ""
    channel_url: str = ""
    subdir: str = ""
    installer: str = ""
    requested: bool = False
    location: str = field(default="", compare=False)  # the dist-info folder, for pip packages
    #: Other record fields a MatchSpec may ask for (md5, sha256, url, fn, license, features ...).
    extra: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def field(self, key: str) -> object:
        """Return a record field by conda's name (`version`, `build_number`, `md5`, ...)."""
        if key in ("version", "build", "build_number", "subdir"):
            return getattr(self, key)
        return dict(self.extra).get(key, "")

    def to_json(self) -> dict[str, Any]:
        """Return the package as the `show` JSON lists it."""
        return {
            "name": self.name,
            "version": self.version,
            "build": self.build,
            "build_number": self.build_number,
            "channel": self.channel,
            "subdir": self.subdir,
            "installer": self.installer,
            "source": self.source,
            "requested": self.requested,
        }


@dataclass(frozen=True)
class Inventory:
    """Everything installed in one prefix, by normalised name."""

    prefix: str
    python_version: str | None
    conda: dict[str, Package] = field(default_factory=dict)
    pip: dict[str, Package] = field(default_factory=dict)
    requested_conda: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()

    def packages(self) -> list[Package]:
        """Return conda packages, then pip-only distributions, sorted by name."""
        conda = sorted(self.conda.values(), key=lambda p: p.name)
        pip_only = [p for p in self.pip.values() if p.installer != "conda"]
        return conda + sorted(pip_only, key=lambda p: p.name)


def spec_name(spec: str) -> str | None:
    """Return the package name of a conda spec string as history records it."""
    match = _SPEC_NAME.match(spec)
    return match.group(1).lower() if match else None


def history_specs(text: str) -> list[str]:
    """Return the specs of a history line's list (`['numpy', "scipy>=1"]`), in one linear pass, any length.

    conda writes a Python list literal; its strings are read without evaluating anything, and a line
    that holds no quoted string (an older conda's bare `numpy, scipy`) is split at commas.
    """
    found = [m.group(1) if m.group(1) is not None else m.group(2) for m in _QUOTED.finditer(text)]
    if found or "'" in text or '"' in text:
        return [s.replace("\\'", "'").replace('\\"', '"') for s in found]
    return [s.strip(" []") for s in text.split(",") if s.strip(" []")]


def read_history_requests(path: Path) -> frozenset[str]:
    """Return names the user asked for: `# update specs` minus later `# remove specs`."""
    try:
        text = read_text(path, "conda history", errors="replace")
    except (OSError, UnreadableFile):
        return frozenset()
    requested: dict[str, bool] = {}
    for line in text.splitlines():
        match = _HISTORY_SPECS.match(line.strip())
        if not match:
            continue
        for spec in history_specs(match.group(2)):
            name = spec_name(spec)
            if name:
                requested[name] = match.group(1) not in ("remove", "uninstall")
    return frozenset(name for name, wanted in requested.items() if wanted)


def _record_channel(record: dict[str, Any]) -> tuple[str, str]:
    """Return (display name, channel URL) of a conda record, from `channel` or `url`."""
    raw = str(record.get("channel") or "")
    if not raw:
        url = str(record.get("url") or "")
        raw = url.rsplit("/", 2)[0] if url.count("/") >= 2 else url
    return channel_name(raw), raw


_RECORD_STRINGS = ("build", "channel", "url", "subdir", "fn", "md5", "sha256", "license", "license_family")
_RECORD_EXTRA = ("url", "fn", "md5", "sha256", "license", "license_family", "features", "track_features")


def _read_record(path: Path) -> tuple[Package, list[str]]:
    """Parse one conda-meta record; a field of the wrong type makes the record unreadable."""
    return package_from_record(read_json_object(path, "conda record", depth_check=False), path)


def package_from_record(record: dict[str, Any], path: str | Path = "record") -> tuple[Package, list[str]]:
    """Return the package a conda record describes and its files; raise UnreadableFile on a bad field."""
    name, version = record.get("name"), record.get("version")
    if not isinstance(name, str) or not name or not isinstance(version, str) or not version:
        raise UnreadableFile(path, "`name` and `version` must be non-empty strings")
    for key in _RECORD_STRINGS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise UnreadableFile(path, f"`{key}` must be a string, not {type(record[key]).__name__}")
    number = record.get("build_number", 0)
    if number is None:
        number = 0
    if isinstance(number, bool) or not isinstance(number, int):
        raise UnreadableFile(path, f"`build_number` must be an integer, not {str(number)[:20]!r}")
    files = record.get("files") or []
    if not isinstance(files, list) or not set(map(type, files)) <= {str}:  # in C: records list many
        raise UnreadableFile(path, "`files` must be a list of strings")
    for key in ("features", "track_features"):
        value = record.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            record[key] = ",".join(value)
        elif value is not None and not isinstance(value, str):
            raise UnreadableFile(path, f"`{key}` must be a string or a list of strings")
    channel, url = _record_channel(record)
    extra = tuple((key, record[key]) for key in _RECORD_EXTRA if record.get(key))
    package = Package(
        name=name,
        version=version,
        source="conda",
        build=record.get("build") or "",
        build_number=number,
        channel=channel,
        channel_url=url,
        subdir=record.get("subdir") or "",
        installer="conda",
        extra=extra,
    )
    return package, files


def read_conda_records(prefix: Path, warnings: list[str]) -> tuple[dict[str, Package], set[str]]:
    """Parse every conda-meta record; return packages by name and the dist-info dirs they own."""
    packages: dict[str, Package] = {}
    owned: set[str] = set()
    meta = prefix / "conda-meta"
    try:
        names = sorted(n for n in os.listdir(meta) if n.endswith(".json"))
    except OSError:
        return packages, owned
    for fname in names:
        checkpoint()  # an abandoned request stops here, not after 50,000 records
        path = meta / fname
        try:
            package, files = _read_record(path)
        except (OSError, UnreadableFile) as err:
            warnings.append(f"corrupt conda record, package skipped: {err}")
            continue
        packages[package.name.lower()] = package
        for file in files:
            if ".dist-info/" in file or ".egg-info/" in file:
                owned.add(file.split("-info/", 1)[0].rsplit("/", 1)[-1] + "-info")
    return packages, owned


def read_distributions(site: Path | None, conda_owned: set[str]) -> dict[str, Package]:
    """Return pip-visible distributions of a site-packages folder by canonical name."""
    dists: dict[str, Package] = {}
    if site is None:
        return dists
    try:
        entries = os.listdir(site)
    except OSError:
        return dists
    for entry in sorted(entries):
        match = DIST_DIR.match(entry)
        if not match:
            continue
        folder = site / entry
        installer = "conda" if entry in conda_owned else _read_installer(folder)
        requested = installer != "conda" and (folder / "REQUESTED").exists()
        name = canonical_name(match.group("name"))
        dists[name] = Package(
            name=name,
            version=match.group("version"),
            source="pip",
            installer=installer,
            requested=requested,
            location=str(folder),
        )
    return dists


def read_requires_dist(pkg: Package) -> list[str]:
    """Return the `Requires-Dist` lines of a distribution's METADATA (read only when asked)."""
    if not pkg.location:
        return []
    try:
        text = read_text(Path(pkg.location) / "METADATA", "dist-info METADATA", errors="replace")
    except (OSError, UnreadableFile):
        return []
    head = text.split("\n\n", 1)[0]  # headers end at the first blank line
    return [
        line[len("Requires-Dist:") :].strip()
        for line in head.splitlines()
        if line.startswith("Requires-Dist:")
    ]


def _read_installer(folder: Path) -> str:
    """Return the INSTALLER of a dist-info (pip, uv, conda, ...), empty when unknown."""
    try:
        return read_text(folder / "INSTALLER", "dist-info INSTALLER", errors="replace").strip().lower()[:40]
    except (OSError, UnreadableFile):
        return ""


def read_inventory(prefix: Path, kind: str, python_version: str | None) -> Inventory:
    """Read what is installed in a prefix (parses records: call only when asked for)."""
    warnings: list[str] = []
    conda, owned = read_conda_records(prefix, warnings)
    requested = read_history_requests(prefix / "conda-meta" / "history")
    if "python" in conda:
        python_version = conda["python"].version
    elif (prefix / "pyvenv.cfg").is_file():
        python_version = venv_python_version(prefix) or python_version
    conda = {key: _with_requested(pkg, key in requested) for key, pkg in conda.items()}
    pip = read_distributions(site_packages(prefix, python_version), owned)
    if not prefix.is_dir():
        warnings.append(f"{prefix} no longer exists")
    return Inventory(str(prefix), python_version, conda, pip, requested, tuple(warnings))


def _with_requested(pkg: Package, requested: bool) -> Package:
    """Return the package marked as asked for (or not) by the user."""
    if pkg.requested == requested:
        return pkg
    return Package(**{**pkg.__dict__, "requested": requested})


class InventoryCache:
    """Caches inventories by the mtimes of conda-meta and site-packages."""

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._items: dict[str, tuple[Stamp, Inventory]] = {}  # by prefix

    def get(self, prefix: Path, kind: str, python_version: str | None) -> Inventory:
        """Return the inventory of a prefix, re-reading it only when an mtime changed."""
        sp = site_packages(prefix, python_version)
        key = tuple(mtime_ns(p) for p in (prefix / "conda-meta", prefix / "conda-meta" / "history", sp))
        with self._lock:
            cached = self._items.get(str(prefix))
            if cached and cached[0] == key:
                return cached[1]
        inventory = read_inventory(prefix, kind, python_version)
        with self._lock:
            self._items[str(prefix)] = (key, inventory)
        return inventory

    def forget(self) -> None:
        """Drop every cached inventory."""
        with self._lock:
            self._items.clear()
