"""Frozen value objects shared by discovery, kernels and the service."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Generic, TypedDict, TypeVar

#: Who made the environment; a specific tool wins over the generic venv (core/classify.py).
KINDS = ("conda", "pixi", "poetry", "pipenv", "hatch", "uv", "virtualenvwrapper", "venv", "pyenv", "system")
#: Kinds whose prefix is a conda environment (conda-meta records, activation scripts).
CONDA_KINDS = ("conda", "pixi")


class EnvRef(TypedDict):
    """The short form of an environment used inside other objects (drift reports, notebook reports)."""

    name: str
    prefix: str
    kind: str


@dataclass(frozen=True)
class KernelFile:
    """A `kernel.json` found inside an environment, already parsed."""

    dir_name: str
    resource_dir: str
    spec: dict[str, Any] = field(compare=False, hash=False)
    #: The files of its folder a kernelspec model links to (`kernel.js`, `logo-*`); None: not listed.
    resources: tuple[str, ...] | None = field(default=None, compare=False, hash=False)
    #: The kernel.json's mtime in ns, taken by the open that read it; None: not known.
    mtime: int | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class KernelRef:
    """A kernel offered for an environment, as the listing shows it."""

    name: str
    display_name: str
    language: str
    registered: bool = False
    resource_dir: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the kernel object of the REST API."""
        return {
            "name": self.name,
            "display_name": self.display_name,
            "language": self.language,
            "registered": self.registered,
        }


@dataclass(frozen=True)
class Discovered:
    """What discovery found of one environment (a prefix on disk): read from file names, never parsed."""

    name: str
    prefix: str
    kind: str
    named: bool = False
    is_server: bool = False
    is_base: bool = False
    python_version: str | None = None
    package_count: int = 0
    has_ipykernel: bool = False
    warnings: tuple[str, ...] = ()
    source: str = ""
    kernel_files: tuple[KernelFile, ...] = field(default=(), compare=False, repr=False)
    #: The interpreter of a plain Python installation (pyenv, uv-managed, system); "" otherwise.
    executable: str = ""
    #: The project a tool made the environment for (poetry, pipenv, hatch, an in-project .venv).
    project: str = ""
    #: Whether the prefix is a virtual environment (it has a pyvenv.cfg).
    is_venv: bool = False
    #: `conda env config vars` (conda-meta/state), read with the other facts of a conda prefix.
    env_vars: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def of_fields(cls, **values: Any) -> Discovered:
        """Return the value of every field given by name (a listing's hot path: one dict, no setattr each)."""
        if values.keys() != _DISCOVERED_FIELDS:
            odd = sorted(values.keys() ^ _DISCOVERED_FIELDS)
            raise TypeError(f"every field of Discovered is needed, and only those: {odd}")
        found = object.__new__(cls)
        found.__dict__.update(values)
        return found

    def ref(self) -> EnvRef:
        """Return the short `{name, prefix}` form used inside other objects."""
        return {"name": self.name, "prefix": self.prefix, "kind": self.kind}


@dataclass(frozen=True)
class Environment(Discovered):
    """One environment as the listing shows it: what discovery found, named, labelled, with its kernels."""

    kernels: tuple[KernelRef, ...] = ()
    label: str = ""  # what it is, in words: "conda env:ml", "venv: proj/.venv", "pyenv 3.11.7"
    #: The env part of its kernel names, unique in a listing (see kernels.kernel_stems).
    kernel_stem: str = field(default="", compare=False, repr=False)
    #: With no kernel: the command that installs ipykernel in it (shown, copyable, never run).
    kernel_hint: str = ""
    #: Under one of the admin's shared installations (`EnvPanelApp.shared_env_dirs`).
    shared: bool = False

    @classmethod
    def of(cls, found: Discovered, **listed: Any) -> Environment:
        """Return the listing's environment for what discovery found, with the listing's own fields."""
        # a listing's hot path (once per environment): the fields copied as one dict, not 21 setattr
        if not listed.keys() <= _LISTED_DEFAULTS.keys():
            odd = sorted(listed.keys() - _LISTED_DEFAULTS.keys())
            raise TypeError(f"not a field the listing adds: {odd}")
        env = object.__new__(cls)
        values = env.__dict__
        values.update(found.__dict__)  # what discovery found (an Environment's own fields are reset below)
        values.update(_LISTED_DEFAULTS)
        values.update(listed)
        return env

    def to_json(self) -> dict[str, Any]:
        """Return the environment object of the REST API."""
        return {
            "name": self.name,
            "prefix": self.prefix,
            "kind": self.kind,
            "label": self.label or self.name,
            "source": self.source,
            "named": self.named,
            "is_server": self.is_server,
            "python_version": self.python_version,
            "package_count": self.package_count,
            "kernels": [k.to_json() for k in self.kernels],
            "kernel_hint": self.kernel_hint,
            "interpreter": bool(self.executable),
            "shared": self.shared,
            "warnings": list(self.warnings),
        }


_DISCOVERED_FIELDS = frozenset(f.name for f in fields(Discovered))
#: The defaults of the fields an Environment adds to what discovery found.
_LISTED_DEFAULTS = {f.name: f.default for f in fields(Environment) if f.name not in _DISCOVERED_FIELDS}

E = TypeVar("E", bound=Discovered)


@dataclass(frozen=True)
class Listing(Generic[E]):
    """Every environment found (discovery's or the listing's), plus warnings that belong to none."""

    environments: tuple[E, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    searched: tuple[str, ...] = ()

    def to_json(self: Listing[Environment]) -> dict[str, Any]:
        """Return the `list --json` object (of the listing's environments: discovery's have no JSON)."""
        return {
            "environments": [e.to_json() for e in self.environments],
            "warnings": list(self.warnings),
            "searched": list(self.searched),
        }
