"""Kernelspecs for environments: nb_conda_kernels-compatible names, display names, activation."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base.model import KINDS, Discovered, Environment, KernelFile, KernelRef
from ..base.names import clean_kernel_name
from ..environments.labels import env_label
from .activation import activation_env, wrap_argv

NATIVE_KERNEL = "python3"
DEFAULT_NAME_FORMAT = "{language} [{label}]"
_SHORT = {"python2": "py", "python3": "py", "ir": "r"}


@dataclass(frozen=True)
class KernelOptions:
    """How environments become kernels (set from the server's traitlets or CLI defaults)."""

    name_format: str = DEFAULT_NAME_FORMAT
    exclude: str | None = None
    kinds: Sequence[str] = KINDS
    offer_server_env: bool = False


@dataclass(frozen=True)
class OfferedKernel:
    """A complete kernelspec offered for an environment."""

    name: str
    env: Environment
    spec: dict[str, Any] = field(compare=False)
    resource_dir: str | None = None
    #: The kernel.json it is built from, or would be (one made for ipykernel has none yet).
    kernel_json: str = ""
    #: Its folder's files the REST model links to, as the listing read them (None: list them).
    resources: tuple[str, ...] | None = None
    #: The kernel.json's mtime when the listing read it (None: not known; stat it).
    kernel_mtime: int | None = None


def kernel_stems(envs: Sequence[Discovered]) -> dict[str, str]:
    """Return the cleaned env part of kernel names by prefix, unique across a listing.

    Cleaning can make two names one (`with space` and `with_space`). Then the env whose name was
    already clean keeps it, and each env whose name needed cleaning gets a suffix made from its
    prefix (`with_space-3f2a9c`): deterministic, and no other env's kernel names change.
    """
    stems = {env.prefix: clean_kernel_name(env.name) for env in envs}
    owners: dict[str, list[Discovered]] = {}
    for env in envs:
        owners.setdefault(stems[env.prefix], []).append(env)
    for stem, group in owners.items():
        if len(group) < 2:
            continue
        for env in group:
            if env.name != stem:
                import hashlib  # only for two environments of one name

                digest = hashlib.sha1(env.prefix.encode("utf-8", "surrogateescape")).hexdigest()[:6]
                stems[env.prefix] = f"{stem}-{digest}"
    return stems


def kernel_name(env: Discovered, dir_name: str, stem: str = "") -> str:
    """Return `conda-env-<stem>-<kernel>` (`conda-base-<kernel>` for base); the stem defaults to the name."""
    short = _SHORT.get(dir_name, dir_name)
    stem = stem or env.name
    middle = "base" if env.name == "base" else f"env-{stem}"
    return clean_kernel_name(f"conda-{middle}-{short}")


def ipykernel_resources() -> str | None:
    """Return ipykernel's logo folder (for synthesized Python kernels), without importing it."""
    spec = importlib.util.find_spec("ipykernel")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "resources"
    return str(folder) if folder.is_dir() else None


def _kernel_files(env: Discovered) -> list[KernelFile]:
    """Return the env's kernel.json files, plus a synthesized Python one when only ipykernel is."""
    files = list(env.kernel_files)
    has_python = any(str(k.spec.get("language", "")).lower() == "python" for k in files)
    if env.has_ipykernel and not has_python:
        python = env.executable or str(Path(env.prefix) / ("python.exe" if os.name == "nt" else "bin/python"))
        spec = {
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "metadata": {"debugger": True},
        }
        files.append(KernelFile(NATIVE_KERNEL, ipykernel_resources() or "", spec))
    return files


def _display_name(options: KernelOptions, env: Discovered, kfile: KernelFile, label: str = "") -> str:
    """Return the display name from `name_format` (fields: see docs/configuration.md)."""
    original = str(kfile.spec.get("display_name") or kfile.dir_name)
    language = "Python" if original.startswith("Python") else original
    values = {
        "language": language,
        "environment": env.name,
        "kernel": kfile.dir_name,
        "kind": env.kind,
        "label": label or env_label(env),
    }
    try:
        name = options.name_format.format(display_name=original, **values)
    except (KeyError, IndexError, ValueError):
        name = DEFAULT_NAME_FORMAT.format(**values)
    return name + (" *" if env.is_server else "")


def _resolve_argv(env: Environment, argv: list[str]) -> list[str]:
    """Point a bare `python` / `R` at the env's own executable."""
    if argv and not os.path.isabs(argv[0]):
        candidate = os.path.join(env.prefix, "bin", argv[0])
        if os.path.exists(candidate):
            return [candidate, *argv[1:]]
    return list(argv)


def build_spec(env: Environment, kfile: KernelFile, options: KernelOptions) -> dict[str, Any]:
    """Return a complete kernel.json for one kernel of an environment, activated."""
    spec = dict(kfile.spec)
    spec["argv"] = wrap_argv(env, _resolve_argv(env, [str(a) for a in spec.get("argv", [])]))
    spec["display_name"] = _display_name(options, env, kfile, env.label)
    spec["language"] = spec.get("language") or "python"
    spec["env"] = {**activation_env(env), **(spec.get("env") or {})}  # the kernel.json's own env wins
    metadata = dict(spec.get("metadata") or {})
    metadata.update(
        conda_env_name=env.name,
        conda_env_path=env.prefix,
        envpanel={"name": env.name, "prefix": env.prefix, "kind": env.kind},
    )
    spec["metadata"] = metadata
    return spec


def _named_files(env: Discovered, options: KernelOptions, stem: str = "") -> list[tuple[str, KernelFile]]:
    """Return each kernel offered for one environment as (kernel name, kernel file); none if filtered out."""
    if env.kind not in options.kinds:
        return []
    if options.exclude and re.search(options.exclude, env.prefix):
        return []
    if env.is_server and not options.offer_server_env:
        return []
    out: dict[str, KernelFile] = {}
    for kfile in _kernel_files(env):
        name = kernel_name(env, kfile.dir_name, stem)
        first, count = name, 2
        while name in out:
            name, count = f"{first}-{count}", count + 1
        out[name] = kfile
    return list(out.items())


def offered(env: Environment, options: KernelOptions) -> list[OfferedKernel]:
    """Return the kernels offered for one environment, their specs complete (none if filtered out)."""
    own = os.path.join(env.prefix, "share", "jupyter", "kernels")
    kernels = []
    for name, kfile in _named_files(env, options, env.kernel_stem):
        on_disk = kfile.resource_dir.startswith(own + os.sep)  # else: made for ipykernel, none yet
        folder = kfile.resource_dir if on_disk else os.path.join(own, kfile.dir_name)
        path = os.path.join(folder, "kernel.json")
        spec = build_spec(env, kfile, options)
        kernel = OfferedKernel(
            name, env, spec, kfile.resource_dir or None, path, kfile.resources, kfile.mtime
        )
        kernels.append(kernel)
    return kernels


def legacy_names(kernel: OfferedKernel) -> list[str]:
    """Return names nb_conda_kernels gave this kernel when its env's envs/ was not base's own.

    nb_conda_kernels prefixes such envs with the folder holding `envs/` (`~/.conda/envs/foo` ->
    `conda-env-.conda-foo-py`); notebooks saved with those names still find the kernel.
    """
    env = kernel.env
    if not env.named or env.is_base:
        return []
    stem = clean_kernel_name(f"conda-env-{env.name}-")
    if not kernel.name.startswith(stem):
        return []
    holder = os.path.basename(os.path.dirname(os.path.dirname(env.prefix)))  # strings: per kernel per table
    return [clean_kernel_name(f"conda-env-{holder}-{env.name}-") + kernel.name[len(stem) :]]


def kernel_refs(
    env: Discovered, options: KernelOptions, registered: Iterable[str], stem: str = "", label: str = ""
) -> tuple[KernelRef, ...]:
    """Return the KernelRefs a listing shows for what discovery found, named by its stem and label."""
    if not env.kernel_files and not env.has_ipykernel and not env.is_server:
        return ()  # nothing to offer (half the environments of a listing, often)
    names = set(registered)
    if env.is_server and not options.offer_server_env:
        native = "Python 3 (ipykernel)"
        return (KernelRef(NATIVE_KERNEL, native, "python", NATIVE_KERNEL in names),)
    # what build_spec would say of each, without building the spec (argv, activation): once per table
    return tuple(
        KernelRef(
            name,
            _display_name(options, env, kfile, label),
            kfile.spec.get("language") or "python",
            name in names,
            kfile.resource_dir or None,
        )
        for name, kfile in _named_files(env, options, stem)
    )


#: The argv[0] names jupyter_client replaces with the server's `sys.executable`.
_MAJOR, _MINOR = sys.version_info[:2]
_JUPYTER_CLIENT_PYTHONS = frozenset({"python", f"python{_MAJOR}", f"python{_MAJOR}.{_MINOR}"})


def prefix_from_argv(argv: list[str], server_python: str | None = None) -> str | None:
    """Guess the prefix of a kernel command: skip known wrappers, then `<prefix>/bin/exe`.

    A bare `python`, `python3` or `python3.X` (the server's version) runs as the server's own
    interpreter, as jupyter_client starts it (`sys.executable`), whatever is on PATH.
    """
    if len(argv) > 3 and os.path.basename(argv[0]) in ("bash", "sh") and argv[1] == "-c":
        return argv[3]
    if "nb_conda_kernels.runner" in argv:
        index = argv.index("nb_conda_kernels.runner")
        return argv[index + 2] if len(argv) > index + 2 else None
    exe = argv[0]
    if server_python and exe in _JUPYTER_CLIENT_PYTHONS:
        exe = server_python
    if not os.path.isabs(exe):
        import shutil  # a kernelspec whose argv names a bare command

        exe = shutil.which(exe) or ""
    if not exe:
        return None
    parent = Path(exe).parent
    return str(parent.parent if parent.name in ("bin", "Scripts") else parent)
