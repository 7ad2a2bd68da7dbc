"""Write an environment down as code: an environment.yml of what the user asked for, pinned.

The file names the environment, the channels its requested conda packages came from, the
packages the user asked for (conda `history` specs, pip's `REQUESTED` marker) pinned to their
installed versions (`name=version`, a `pip:` list with `name==version`), and the environment's
Python. It is stable (same environment, same bytes) and round-trips by construction: every entry
is parsed back with our own parser and judged against the package it came from before it is
written (one that would not read back as itself is left out, and a comment says how many), every
scalar and comment goes through the one YAML writer (core/yamltext.py), and a file our reader
would refuse (size, entries) is not written at all.
"""

from __future__ import annotations

import errno
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..base.budget import Budget
from ..base.distname import canonical_name
from ..base.errors import EnvFileError, EnvPanelError
from ..base.model import Environment
from ..base.safe_read import CAPS
from ..base.yamltext import comment, item, scalar
from ..conda.channels import UNKNOWN, ChannelContext, channel_name
from ..packages.inventory import SEEDED, Inventory, Package

HEADER = "written by jupyter-envpanel from the environment {name!r}: what you asked for, pinned"


class FileExists(EnvPanelError):
    """The file to create exists already: it is never overwritten."""

    status = 409


class CannotWrite(EnvPanelError):
    """The file could not be written: 403 for a read-only file system or no permission, else 400."""

    def __init__(self, path: Path, err: OSError) -> None:
        super().__init__(f"cannot write {path.name} here: {err.strerror or err}")
        self.status = 403 if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else 400


class ExportTooLarge(EnvPanelError):
    """The file would be larger than jupyter-envpanel itself reads: it is not written."""

    status = 422


@dataclass(frozen=True)
class Entries:
    """Pinned dependency entries that read back as themselves, and how many could not."""

    conda: tuple[str, ...]
    pip: tuple[str, ...]
    omitted: int = 0


def from_pypi(pkg: Package) -> bool:
    """Return whether a conda record stands for a package from PyPI (conda's `pypi` channel, `pypi_0`)."""
    return pkg.source == "conda" and pkg.name != "python" and (pkg.channel == "pypi" or pkg.build == "pypi_0")


def requested(inv: Inventory) -> list[Package]:
    """Return the packages the user asked for, plus the environment's Python, by name.

    A record from PyPI is listed as pip's (`pip:` in an export), as `conda env export` lists it.
    """
    conda = [inv.conda[k] for k in sorted(inv.requested_conda) if k in inv.conda]
    if "python" in inv.conda and "python" not in inv.requested_conda:
        conda.insert(0, inv.conda["python"])
    pip = [
        p for k, p in sorted(inv.pip.items()) if p.requested and p.installer != "conda" and k not in SEEDED
    ]
    pypi = [replace(p, source="pip") for p in conda if from_pypi(p) and canonical_name(p.name) not in inv.pip]
    return [p for p in conda if not from_pypi(p)] + sorted(
        [*pip, *pypi], key=lambda p: canonical_name(p.name)
    )


def reads_back(entry: str, pkg: Package) -> bool:
    """Return whether an entry, parsed by our own parser, names this package and judges it ok."""
    from ..requirements.specs import check_conda, check_pip, parse_conda, parse_pip

    try:
        if pkg.source == "conda":
            spec = parse_conda(entry)
            return spec.name == pkg.name.lower() and check_conda(spec, pkg)[0] == "ok"
        pip = parse_pip(entry)
    except ValueError:
        return False
    return (
        pip.skip is None and pip.name == canonical_name(pkg.name) and check_pip(pip, pkg.version)[0] == "ok"
    )


def pinned(packages: Iterable[Package]) -> Entries:
    """Return `name=version` (conda) and `name==version` (pip) entries that read back as themselves."""
    conda: list[str] = []
    pip: list[str] = []
    omitted = 0
    for pkg in packages:
        entry = f"{pkg.name}={pkg.version}" if pkg.source == "conda" else f"{pkg.name}=={pkg.version}"
        if reads_back(entry, pkg):
            (conda if pkg.source == "conda" else pip).append(entry)
        else:
            omitted += 1
    return Entries(tuple(conda), tuple(pip), omitted)


def dependency_lines(entries: Entries, omitted: bool = False) -> list[str]:
    """Return entries as environment.yml dependency lines (conda items, a `pip:` list; `omitted`: say so)."""
    lines = [item("  ", e) for e in entries.conda]
    lines += ["  - pip:", *(item("    ", e) for e in entries.pip)] if entries.pip else []
    if omitted and entries.omitted:
        lines.append("  " + comment(_omitted(entries.omitted)))
    return lines


def _omitted(count: int) -> str:
    """Return the comment that says how many packages could not be written as specs."""
    return f"left out: {count} packages whose name or version is no valid spec"


def environment_yml(header: str, name: str, channels: Sequence[str], entries: Entries) -> str:
    """Return an environment.yml's text; refuse (ExportTooLarge) what our own reader would refuse."""
    lines = [comment(header), f"name: {scalar(name)}"]
    if entries.omitted:
        lines.append(comment(_omitted(entries.omitted)))
    if channels:
        lines += ["channels:", *(item("  ", c) for c in channels)]
    body = dependency_lines(entries)
    lines += ["dependencies:", *body] if body else ["dependencies: []"]
    text = "\n".join(lines) + "\n"
    fits(text, len(entries.conda) + len(entries.pip))
    return text


def fits(text: str, count: int) -> None:
    """Raise ExportTooLarge unless jupyter-envpanel's own reader accepts a file this size."""
    from ..requirements.envfile import prescan

    size, cap = len(text.encode("utf-8")), CAPS["environment file"]
    budget = Budget()
    why = ""
    if size > cap:
        why = f"{size} bytes; an environment file may hold {cap // (1 << 20)} MiB"
    elif count > budget.limits.entries:
        why = f"{count} entries; an environment file may hold {budget.limits.entries}"
    else:
        try:
            prescan(Path("environment.yml"), text, budget)
        except EnvFileError as err:
            why = err.detail
    if why:
        raise ExportTooLarge(f"the environment.yml would be {why} (what jupyter-envpanel reads); not written")


def _channels(packages: list[Package], ctx: ChannelContext) -> list[str]:
    """Return the channels of the conda packages, most used first (`defaults` for pkgs/main)."""
    names = Counter(channel_name(p.channel_url or p.channel, ctx) for p in packages if p.source == "conda")
    names.pop("", None)
    names.pop(UNKNOWN, None)  # a local build or a record without its channel: no channel to list
    return [name for name, _ in sorted(names.items(), key=lambda item: (-item[1], item[0]))]


def export_text(env: Environment, inv: Inventory, ctx: ChannelContext) -> str:
    """Return the environment.yml text for an environment."""
    packages = requested(inv)
    return environment_yml(HEADER.format(name=env.name), env.name, _channels(packages, ctx), pinned(packages))


def write_new(path: Path, text: str, mode: int = 0o644) -> None:
    """Create a file with the text; an existing file (or link) is never touched (409)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise FileExists(f"{path.name} exists already in this folder; it was not changed") from None
    except OSError as err:
        raise CannotWrite(path, err) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as err:
        path.unlink(missing_ok=True)  # never a half-written file
        raise CannotWrite(path, err) from None
