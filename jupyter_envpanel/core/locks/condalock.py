"""conda-lock.yml and `@EXPLICIT` spec files: the packages they install here, as py-rattler reads them.

conda-lock.yml (format v1): py-rattler reads the packages; the file's entries add what py-rattler
drops, each entry's `category` (`conda-lock install` installs `main` and `dev` unless told otherwise)
and its line. An explicit file (`conda list --explicit`, `conda-lock render`) is one URL a line,
read by py-rattler's explicit-environment parser; `# pip NAME @ URL` lines are conda-lock's own and
`conda-lock install` installs them with pip.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from ..base.budget import current
from ..base.distname import canonical_name
from ..base.errors import EnvFileError, excerpt
from ..requirements.target import Target
from .model import Lock, Locked
from .pixi import locked, place_of
from .yamllock import entries_of, lock_platform, parse_lock, places_by_url, read_counted

#: The categories `conda-lock install` installs without `--no-dev` or `--extras`.
DEFAULT_CATEGORIES = frozenset({"main", "dev"})
_ARCHIVES = (".conda", ".tar.bz2")
_VERSION = re.compile(r"^version:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def read_conda_lock(path: Path, target: Target) -> Lock:
    """Read the packages `conda-lock install` installs from conda-lock.yml on the target's platform."""
    path = Path(path)
    text = read_counted(path)
    version = _VERSION.search(text)
    if version is None or version.group(1) != "1":
        line, column = 1, 1
        if version:
            line = text.count("\n", 0, version.start()) + 1
            column = version.start(1) - version.start() + 1
        found = excerpt(version.group(1) if version else "none")
        raise EnvFileError(
            path, f"not a conda-lock file of format version 1 (version: {found})", line, column
        )
    env = parse_lock(path, text).default_environment()
    base = Lock(str(path), "conda-lock", platform=target.subdir)
    platform = lock_platform(env, target.subdir) if env is not None else None
    if platform is None:
        return replace(base, unjudged=f"{path.name} has nothing for {target.subdir}")
    packages = env.packages(platform) or []
    current().add_entries(path, len(packages))
    entries = entries_of(path, text, "package", {f"{target.subdir} {p.location}" for p in packages})
    categories: dict[str, set[str]] = {}  # v1 repeats an entry once per category it is in
    for _, _, fields in entries:
        key = f"{fields.get('platform', '')} {next((fields[k] for k in ('url', 'path') if k in fields), '')}"
        categories.setdefault(key, set()).add(fields.get("category", "main"))
    places = places_by_url(entries)
    out: dict[tuple[str, str], Locked] = {}
    for pkg in packages:
        wanted = categories.get(f"{target.subdir} {pkg.location}", {"main"}) & DEFAULT_CATEGORIES
        if wanted and not pkg.name.startswith("__"):
            item = locked(pkg, path, place_of(places, target.subdir, str(pkg.location)))
            out.setdefault((item.source, item.name), item)
    return replace(base, packages=tuple(out.values()))


def _archive_parts(url: str, name: str) -> tuple[str, str]:
    """Return (version, build) of a conda archive URL (`NAME-VERSION-BUILD.conda`), as conda names it."""
    file_name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    stem = next((file_name[: -len(ext)] for ext in _ARCHIVES if file_name.endswith(ext)), file_name)
    version, _, build = stem[len(name) + 1 :].rpartition("-")
    return version, build


def _pip_line(path: Path, line: str, number: int, column: int) -> Locked:
    """Return the Locked of a conda-lock `# pip NAME @ URL` (or `NAME == VERSION`) line."""
    try:
        req = Requirement(line.split(" --hash", 1)[0])
    except InvalidRequirement as err:
        raise EnvFileError(path, f"invalid `# pip` requirement: {err}", number, column) from None
    version = next((s.version for s in req.specifier if s.operator in ("==", "===")), "")
    if req.url:
        file_name = unquote(urlsplit(req.url).path.rsplit("/", 1)[-1])
        try:
            version = str(parse_wheel_filename(file_name)[1])
        except InvalidWheelFilename:
            try:
                version = str(parse_sdist_filename(file_name)[1])
            except InvalidSdistFilename:
                version = ""
    loose = "" if version else f"`# pip {excerpt(line, 80)}` names no version: presence only"
    name = canonical_name(req.name)
    return Locked(name, version, "pip", str(path), number, column, url=req.url or "", loose=loose)


def _platform_of(spec: Any, urls: list[str]) -> str:
    """Return the platform an explicit file is for: its `# platform:` line, else its URLs' subdir."""
    if spec.platform is not None:
        return str(spec.platform)
    subdirs = {urlsplit(u).path.rstrip("/").rsplit("/", 2)[-2] for u in urls if u.count("/") > 3}
    subdirs.discard("noarch")
    return subdirs.pop() if len(subdirs) == 1 else ""


def read_explicit(path: Path, target: Target) -> Lock:
    """Read an `@EXPLICIT` spec file: each URL line a conda package, `# pip` lines PyPI ones."""
    from rattler import MatchSpec
    from rattler.explicit_environment import ExplicitEnvironmentSpec

    path = Path(path)
    text = read_counted(path)
    lines: dict[str, tuple[int, int]] = {}  # each line by its text, URL lines by their URL alone too
    for number, raw in enumerate(text.splitlines(), start=1):
        place = (number, len(raw) - len(raw.lstrip()) + 1)
        if not raw.replace("\t", " ").isprintable():
            raise EnvFileError(path, "holds a control character: not an explicit spec file", *place)
        lines.setdefault(raw.strip(), place)
        lines.setdefault(raw.strip().split("#", 1)[0], place)
    try:
        spec = ExplicitEnvironmentSpec.from_str(text)
    except Exception as err:  # py-rattler's ParseExplicitEnvironmentSpecError
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise EnvFileError(path, f"not an explicit spec file: {excerpt(detail, 160)}") from None
    urls = [entry.url for entry in spec.packages]
    current().add_entries(path, len(urls))
    base = Lock(str(path), "explicit", platform=target.subdir)
    platform = _platform_of(spec, urls)
    if platform and platform != target.subdir:
        return replace(base, unjudged=f"{path.name} is for {platform}, not {target.subdir}")
    out: list[Locked] = []
    for url in urls:
        number, column = lines.get(url) or lines.get(url.split("#", 1)[0]) or (1, 1)
        try:
            match = MatchSpec.from_url(url)
        except Exception as err:  # py-rattler's InvalidMatchSpecError: not a conda archive URL
            raise EnvFileError(
                path, f"not a conda package URL: {excerpt(str(err), 160)}", number, column
            ) from None
        name = match.name.normalized
        version, build = _archive_parts(url, name)
        if not (version + build).isprintable():  # percent-encoded in the URL
            raise EnvFileError(path, "holds a control character: not an explicit spec file", number, column)
        sha = match.sha256.hex() if match.sha256 else ""
        out.append(
            Locked(name, version, "conda", str(path), number, column, build, sha, url.split("#", 1)[0])
        )
    for stripped, (number, column) in lines.items():
        if stripped.startswith("# pip "):
            out.append(_pip_line(path, stripped[len("# pip ") :], number, column + len("# pip ")))
    return replace(base, packages=tuple(out))
