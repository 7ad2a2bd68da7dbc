"""Where environments may live: the places README lists, read without any conda executable."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..base.host import Host
from ..base.safe_read import UnreadableFile, read_text
from ..conda.condarc import CondaSettings, merge
from .toolconfig import ToolSettings, tool_settings
from .tools import (
    SOURCES,
    hatch_prefixes,
    in_project_envs,
    project_venvs,
    pyenv_prefixes,
    system_pythons,
    uv_pythons,
)

#: Installation homes searched even when no variable points at them (relative to HOME).
USUAL_HOMES = (
    "miniconda3",
    "miniforge3",
    "mambaforge",
    "anaconda3",
    "micromamba",
    ".local/share/mamba",
)
#: Folder names of project virtual environments looked for in the server's root.
VENV_NAMES = (".venv", "venv")
#: Condarc files relative to HOME, read after `$CONDARC`.
HOME_CONDARCS = (".condarc", ".config/conda/.condarc", ".config/conda/condarc", ".conda/condarc")


@dataclass(frozen=True)
class Candidate:
    """A directory that may be an environment, and which source named it."""

    path: str | Path  # a folder of environments gives strings: this is made for every env of a listing
    source: str
    executable: str = ""  # the interpreter, for a plain Python installation found on PATH


@dataclass
class Search:
    """Everything the sources yield: candidates, known roots / envs dirs, paths to watch."""

    candidates: list[Candidate] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)
    envs_dirs: list[Path] = field(default_factory=list)
    watched: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: False: learn the places (roots, envs dirs) without enumerating the environments in them.
    enumerate: bool = True
    #: What the condarc files say (envs_dirs, channel naming).
    settings: CondaSettings = field(default_factory=CondaSettings)
    #: Where each Python tool keeps its environments (classification looks there).
    tool_dirs: dict[str, list[Path]] = field(default_factory=dict)
    #: What the tools' variables and settings files say (core/toolconfig.py).
    tools: ToolSettings = field(default_factory=ToolSettings)
    _strings: tuple[tuple[int, int], frozenset[str], frozenset[str]] | None = field(default=None, repr=False)
    _tool_strings: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def strings(self) -> tuple[frozenset[str], frozenset[str]]:
        """Return the roots and envs directories as strings, for lookups per candidate (made once)."""
        key = (len(self.roots), len(self.envs_dirs))
        if self._strings is None or self._strings[0] != key:
            roots = frozenset(str(p) for p in self.roots)
            self._strings = (key, roots, frozenset(str(p) for p in self.envs_dirs))
        return self._strings[1], self._strings[2]

    def dirs_of(self, tool: str) -> tuple[str, ...]:
        """Return where a tool keeps its environments, as strings (made once, looked up per candidate)."""
        folders = self.tool_dirs.get(tool, ())
        cached = self._tool_strings.get(tool)
        if cached is None or cached[0] != len(folders):
            cached = self._tool_strings[tool] = (len(folders), tuple(str(f) for f in folders))
        return cached[1]

    def searched(self) -> list[str]:
        """Return the places looked in that exist, for an empty listing to name."""
        places = [str(p) for p in self.envs_dirs + self.roots if p.is_dir()]
        places += [str(p) for p in self.watched if p.name == "environments.txt" and p.is_file()]
        return list(dict.fromkeys(places))

    def add_dir_of_envs(self, folder: Path, source: str) -> None:
        """Offer every subdirectory of an envs directory as a candidate."""
        self.watched.append(folder)
        if not self.enumerate:
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            return
        except OSError as err:
            self.warnings.append(f"cannot read {folder}: {err.strerror or err}")
            return
        for entry in entries:
            if entry.name.startswith(".") or not _is_dir(entry):
                continue
            self.candidates.append(Candidate(entry.path, source))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Return whether a scandir entry is a directory (following symlinks), never raising."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _split_paths(value: str) -> list[str]:
    """Split a `CONDA_ENVS_PATH`-style value on the path separator (conda also accepts `,`)."""
    parts: list[str] = []
    for chunk in value.split(os.pathsep):
        parts.extend(p.strip() for p in chunk.split(","))
    return [p for p in parts if p]


def root_of(prefix: Path) -> Path | None:
    """Return the installation root a prefix belongs to, if its shape tells."""
    if prefix.parent.name == "envs":
        return prefix.parent.parent
    if (prefix / "condabin").is_dir() or (prefix / "envs").is_dir():
        return prefix
    return None


def find_roots(host: Host) -> list[Path]:
    """Return installation roots from the conda / mamba variables and the usual homes."""
    found: list[Path] = []
    exe = host.getenv("CONDA_EXE")
    if exe:
        found.append(Path(exe).parent.parent)  # <root>/bin/conda or <root>/condabin/conda
    for key in ("CONDA_ROOT", "MAMBA_ROOT_PREFIX"):
        if host.getenv(key):
            found.append(host.expand(host.getenv(key) or ""))
    for key in ("CONDA_PREFIX", "CONDA_PREFIX_1"):
        value = host.getenv(key)
        root = root_of(host.expand(value)) if value else None
        if root is not None:
            found.append(root)
    server_root = root_of(host.sys_prefix)  # the installation the server itself runs from
    if server_root is not None:
        found.append(server_root)
    found.extend(host.home / name for name in USUAL_HOMES)
    found.extend(Path(p) for p in host.system_roots)
    unique: list[Path] = []
    for root in found:
        if root not in unique:
            unique.append(root)
    return unique


def condarc_files(host: Host, roots: Iterable[Path]) -> list[Path]:
    """Return the condarc files conda would read, in its order ($CONDARC first)."""
    files = []
    if host.getenv("CONDARC"):
        files.append(host.expand(host.getenv("CONDARC") or ""))
    files.extend(host.home / rel for rel in HOME_CONDARCS)
    files.extend(root / ".condarc" for root in roots)
    return files


def read_environments_txt(path: Path, warnings: list[str]) -> list[Path]:
    """Return the prefixes listed in `~/.conda/environments.txt`."""
    try:
        text = read_text(path, "environments.txt", errors="replace")
    except FileNotFoundError:
        return []
    except UnreadableFile as err:
        warnings.append(str(err))
        return []
    except OSError as err:
        warnings.append(f"cannot read {path}: {err.strerror or err}")
        return []
    lines = (line.strip() for line in text.splitlines())
    return [Path(line) for line in lines if line and not line.startswith("#") and "\x00" not in line]


def search(
    host: Host, extra_dirs: Sequence[str] = (), enumerate_envs: bool = True, sources: Sequence[str] = SOURCES
) -> Search:
    """Collect candidates from every enabled source README lists, in its order.

    `enumerate_envs=False` only learns the places (to classify one given prefix): no folder of
    environments is listed and environments.txt is not read, so the cost does not grow with N.
    """
    out = Search(enumerate=enumerate_envs)
    out.candidates.append(Candidate(host.sys_prefix, "server"))
    out.tools = tool_settings(host)
    out.tool_dirs = out.tools.folders
    out.watched.extend(out.tools.files)
    out.warnings.extend(out.tools.warnings)
    if "conda" in sources:
        _conda_sources(out, host)
    if "pixi" in sources:
        out.add_dir_of_envs(host.root / ".pixi" / "envs", "pixi")
        for folder in out.tool_dirs["pixi"]:
            out.add_dir_of_envs(folder, "pixi")
    out.watched.append(host.root)
    if "project-venvs" in sources:
        out.candidates.extend(Candidate(host.root / name, "root-venv") for name in VENV_NAMES)
        if enumerate_envs:
            out.candidates.extend(Candidate(p, "project-venv") for p in project_venvs(host.root))
    _tool_sources(out, host, sources)
    for extra in extra_dirs:
        folder = host.expand(extra)
        if (folder / "conda-meta").is_dir() or (folder / "pyvenv.cfg").is_file():
            out.candidates.append(Candidate(folder, "extra"))
        else:
            out.add_dir_of_envs(folder, "extra")
            out.envs_dirs.append(folder)
    return out


def _conda_sources(out: Search, host: Host) -> None:
    """Add conda's places: installation roots, envs dirs, condarc's envs_dirs, environments.txt."""
    installs = [p for p in pyenv_prefixes_of(out) if p.parent in out.tool_dirs.get("pyenv", [])]
    out.roots = find_roots(host) + [p for p in installs if (p / "conda-meta").is_dir()]
    for root in out.roots:
        out.watched.append(root)
        if (root / "conda-meta").is_dir():
            out.candidates.append(Candidate(root, "root"))
        out.envs_dirs.append(root / "envs")
        out.add_dir_of_envs(root / "envs", "root")
    configured: list[Path] = [host.home / ".conda" / "envs"]
    for key in ("CONDA_ENVS_PATH", "CONDA_ENVS_DIRS"):
        configured.extend(host.expand(p) for p in _split_paths(host.getenv(key) or ""))
    rc_files = condarc_files(host, out.roots)
    out.watched.extend(rc_files)
    out.settings = merge(rc_files, host.expand, out.warnings)
    configured.extend(folder for folder, _ in out.settings.envs_dirs)
    for folder in configured:
        if folder not in out.envs_dirs:
            out.envs_dirs.append(folder)
            out.add_dir_of_envs(folder, "envs_dirs")
    env_txt = host.home / ".conda" / "environments.txt"
    out.watched.append(env_txt)
    for prefix in read_environments_txt(env_txt, out.warnings) if out.enumerate else ():
        out.candidates.append(Candidate(prefix, "environments.txt"))


def pyenv_prefixes_of(out: Search) -> list[Path]:
    """Return pyenv's installs (conda installs inside pyenv are conda roots)."""
    return [p for folder in out.tool_dirs.get("pyenv", []) for p in pyenv_prefixes(folder)]


def _in_project_sources(out: Search, host: Host, sources: Sequence[str]) -> None:
    """Add the envs tools' settings put in each project: `UV_PROJECT_ENVIRONMENT`, hatch's relative dirs."""
    uv_env = out.tools.uv_project_env if "uv" in sources else ""
    if os.path.isabs(uv_env):
        out.candidates.append(Candidate(Path(uv_env), "uv"))
    uv_names = [uv_env] if uv_env and not os.path.isabs(uv_env) else []
    hatch_dirs = out.tools.hatch_in_project if "hatch" in sources else []
    if out.enumerate and uv_names:
        out.candidates.extend(Candidate(p, "uv") for p in in_project_envs(host.root, uv_names, ()))
    if out.enumerate and hatch_dirs:
        out.candidates.extend(Candidate(p, "hatch") for p in in_project_envs(host.root, (), hatch_dirs))


def _tool_sources(out: Search, host: Host, sources: Sequence[str]) -> None:
    """Add the folders of pyenv, virtualenvwrapper, pipenv, poetry, hatch, uv, and PATH's Pythons."""
    folders = out.tool_dirs
    for tool in ("virtualenvwrapper", "pipenv", "poetry"):
        if tool in sources:
            for folder in folders[tool]:
                out.add_dir_of_envs(folder, tool)
    if "uv" in sources:
        out.watched.extend(folders["uv"])
        if out.enumerate:
            out.candidates.extend(Candidate(p, "uv") for f in folders["uv"] for p in uv_pythons(f))
    _in_project_sources(out, host, sources)
    if "pyenv" in sources:
        out.watched.extend(folders["pyenv"])
        if out.enumerate:
            out.candidates.extend(Candidate(p, "pyenv") for p in pyenv_prefixes_of(out))
    if "hatch" in sources:
        out.watched.extend(folders["hatch"])
        if out.enumerate:
            out.candidates.extend(Candidate(p, "hatch") for f in folders["hatch"] for p in hatch_prefixes(f))
    if "system" in sources and out.enumerate:
        for executable, prefix in system_pythons(host).items():
            out.candidates.append(Candidate(prefix, "system", executable))
