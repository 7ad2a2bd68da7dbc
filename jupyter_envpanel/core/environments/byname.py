"""Find one environment by the name a listing gives it, reading only where that name can be.

A conda environment's name is its folder's name inside an envs directory, or listed in
`~/.conda/environments.txt`; `base` is an installation root. Names are given in the listing's
order, and a clash takes the context (`miniconda3-foo`) or a counter (`foo-2`): an environment
whose name is X, or whose name ends X after a dash, is the only one that can take X from another
(`assign_names`). So only those folders are read, plus the server's prefix and the roots, and the
name is given as the listing would give it: the cost does not grow with the number of environments.

Whatever this cannot prove the listing would answer the same way is left to the listing (None): a
counter name (`foo-2`), a name a kernel name must clean (`my env`), `base` after a dash, a symlink in
an envs directory or environments.txt (the listing keeps one of two paths to the same folder), a
name no conda place holds (the other tools' environments come later in the listing).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..base.model import Discovered
from ..base.names import clean_kernel_name
from .classify import Found, classify
from .discovery import Discovery, assign_names, discovered, folder_identity
from .facts import read_facts
from .sources import Candidate, Search, read_environments_txt, search

_COUNTER = re.compile(r"-\d+$")


class Unsure(Exception):
    """The folders read cannot prove the listing's answer; ask the listing."""


def _wanted(name: str) -> set[str]:
    """Return the names whose environments can take `name`: itself and what follows each dash."""
    return {name} | {name[i + 1 :] for i, char in enumerate(name) if char == "-"}


def _entries(folder: Path, wanted: set[str] | None) -> list[Path]:
    """Return an envs directory's subfolders named in wanted (None: all), sorted as the listing adds them.

    One scandir of the folder: a symlink among its entries may be a second path to an environment
    listed under another name, which only the listing's de-duplication can settle.
    """
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError:
        return []  # missing or unreadable: the listing adds nothing from it either (it warns)
    if any(entry.is_symlink() for entry in entries):
        raise Unsure(f"a symlink in {folder}")
    return [
        Path(e.path)
        for e in sorted(entries, key=lambda e: e.name)
        if (wanted is None or e.name in wanted) and e.is_dir()
    ]


def _base_root(places: Search) -> list[Candidate]:
    """Return the first conda root, when no environment that could be `base` (condabin/) comes before it."""
    for root in places.roots:
        if (root / "conda-meta" / "history").is_file():
            return [Candidate(root, "root")]
        if _entries(root / "envs", None):
            raise Unsure(f"{root / 'envs'} comes before any conda root")
    raise Unsure("no conda root")


def _candidates(discovery: Discovery, places: Search, name: str) -> list[Candidate]:
    """Return, in the listing's order, every candidate that could be named `name` (and the server, roots)."""
    host = discovery.host
    wanted = _wanted(name)
    found = [Candidate(host.sys_prefix, "server")]
    root_envs = [root / "envs" for root in places.roots]
    extra = {host.expand(d) for d in discovery.extra_dirs}
    configured = [d for d in places.envs_dirs if d not in root_envs and d not in extra]
    scanned = tuple(str(d) + os.sep for d in root_envs + configured)
    if name == "base":
        return found + _base_root(places)
    for root in places.roots:
        if (root / "conda-meta").is_dir():
            found.append(Candidate(root, "root"))
        found.extend(Candidate(p, "root") for p in _entries(root / "envs", wanted))
    for folder in configured:
        found.extend(Candidate(p, "envs_dirs") for p in _entries(folder, wanted))
    for prefix in read_environments_txt(host.home / ".conda" / "environments.txt", []):
        text = str(prefix)
        if not text.startswith(scanned) and os.path.islink(text):
            raise Unsure(f"environments.txt lists a symlink, {text}")
        if prefix.name in wanted:
            found.append(Candidate(prefix, "environments.txt"))
    return found


def _classified(discovery: Discovery, places: Search, candidates: list[Candidate]) -> list[Found]:
    """Classify candidates and drop second paths to one folder, as the listing's scan does."""
    seen: dict[object, Found] = {}
    for cand in candidates:
        real = folder_identity(cand.path)
        if real in seen:
            seen[real].is_server |= cand.source == "server"
            continue
        env, _ = classify(cand, places, discovery.host)
        if env is not None:
            seen[real] = env
    return list(seen.values())


def resolve_name(discovery: Discovery, name: str) -> Discovered | None:
    """Return the environment the listing names `name`, read from where it can be; None: ask the listing."""
    if "conda" not in discovery.sources or not name or os.sep in name or name.startswith("."):
        return None
    if _COUNTER.search(name) or clean_kernel_name(name) != name:
        return None
    if name != "base" and "base" in _wanted(name):
        return None
    host = discovery.host
    places = search(host, discovery.extra_dirs, enumerate_envs=False, sources=discovery.sources)
    try:
        candidates = _candidates(discovery, places, name)
    except Unsure:
        return None
    found = _classified(discovery, places, candidates)
    for env, given in zip(found, assign_names(found), strict=True):
        if given == name:
            hint = env.python_hint or (host.sys_python_version if env.is_server else None)
            return discovered(env, name, read_facts(env.prefix, env.kind, hint, env.venv))
    return None
