"""Kernelspecs for environments: nb_conda_kernels-compatible names, activation, (un)register."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

from .activation import activation_env, wrap_argv
from .errors import EnvPanelError, KernelNotFound, NotOurs
from .host import Host
from .labels import env_label
from .model import Environment, KernelFile, KernelRef

MARK = "jupyter-envpanel"
NATIVE_KERNEL = "python3"
DEFAULT_NAME_FORMAT = "{language} [{label}]"
_SHORT = {"python2": "py", "python3": "py", "ir": "r"}
_LOGO = re.compile(r"^logo-.*\.(png|svg)$")


@dataclass(frozen=True)
class KernelOptions:
    """How environments become kernels (set from the server's traitlets or CLI defaults)."""

    name_format: str = DEFAULT_NAME_FORMAT
    exclude: Optional[str] = None
    kinds: Sequence[str] = ("conda", "pixi", "venv", "system")
    offer_server_env: bool = False


@dataclass(frozen=True)
class OfferedKernel:
    """A complete kernelspec offered for an environment."""

    name: str
    env: Environment
    spec: dict = field(compare=False)
    resource_dir: Optional[str] = None


def clean_kernel_name(name: str) -> str:
    """Replace characters Jupyter does not allow in kernel names, as nb_conda_kernels does."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-zA-Z0-9._\-]", "_", name)


def kernel_name(env: Environment, dir_name: str) -> str:
    """Return `conda-env-<env>-<kernel>` (`conda-base-<kernel>` for base)."""
    short = _SHORT.get(dir_name, dir_name)
    middle = "base" if env.name == "base" else f"env-{env.name}"
    return clean_kernel_name(f"conda-{middle}-{short}")


def ipykernel_resources() -> Optional[str]:
    """Return ipykernel's logo folder (for synthesized Python kernels), without importing it."""
    spec = importlib.util.find_spec("ipykernel")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "resources"
    return str(folder) if folder.is_dir() else None


def _kernel_files(env: Environment) -> List[KernelFile]:
    """Return the env's kernel.json files, plus a synthesized Python one when only ipykernel is."""
    files = list(env.kernel_files)
    has_python = any(str(k.spec.get("language", "")).lower() == "python" for k in files)
    if env.has_ipykernel and not has_python:
        python = str(Path(env.prefix) / ("python.exe" if os.name == "nt" else "bin/python"))
        spec = {
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "metadata": {"debugger": True},
        }
        files.append(KernelFile(NATIVE_KERNEL, ipykernel_resources() or "", spec))
    return files


def _display_name(options: KernelOptions, env: Environment, kfile: KernelFile) -> str:
    """Return the display name from `name_format` (fields: see docs/configuration.md)."""
    original = str(kfile.spec.get("display_name") or kfile.dir_name)
    language = "Python" if original.startswith("Python") else original
    values = {
        "language": language,
        "environment": env.name,
        "kernel": kfile.dir_name,
        "kind": env.kind,
        "label": env.label or env_label(env),
    }
    try:
        name = options.name_format.format(display_name=original, **values)
    except (KeyError, IndexError, ValueError):
        name = DEFAULT_NAME_FORMAT.format(**values)
    return name + (" *" if env.is_server else "")


def _resolve_argv(env: Environment, argv: List[str]) -> List[str]:
    """Point a bare `python` / `R` at the env's own executable."""
    if argv and not os.path.isabs(argv[0]):
        candidate = Path(env.prefix) / "bin" / argv[0]
        if candidate.exists():
            return [str(candidate), *argv[1:]]
    return list(argv)


def build_spec(env: Environment, kfile: KernelFile, options: KernelOptions) -> dict:
    """Return a complete kernel.json for one kernel of an environment, activated."""
    spec = dict(kfile.spec)
    spec["argv"] = wrap_argv(env, _resolve_argv(env, [str(a) for a in spec.get("argv", [])]))
    spec["display_name"] = _display_name(options, env, kfile)
    spec["language"] = spec.get("language") or "python"
    spec["env"] = {**activation_env(env), **(spec.get("env") or {})}
    metadata = dict(spec.get("metadata") or {})
    metadata.update(
        conda_env_name=env.name,
        conda_env_path=env.prefix,
        envpanel={"name": env.name, "prefix": env.prefix, "kind": env.kind},
    )
    spec["metadata"] = metadata
    return spec


def offered(env: Environment, options: KernelOptions) -> List[OfferedKernel]:
    """Return the kernels offered for one environment (none if filtered out)."""
    if env.kind not in options.kinds:
        return []
    if options.exclude and re.search(options.exclude, env.prefix):
        return []
    if env.is_server and not options.offer_server_env:
        return []
    out: Dict[str, OfferedKernel] = {}
    for kfile in _kernel_files(env):
        name = kernel_name(env, kfile.dir_name)
        stem, count = name, 2
        while name in out:
            name, count = f"{stem}-{count}", count + 1
        out[name] = OfferedKernel(name, env, build_spec(env, kfile, options), kfile.resource_dir or None)
    return list(out.values())


def legacy_names(kernel: OfferedKernel) -> List[str]:
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
    holder = Path(env.prefix).parent.parent.name
    return [clean_kernel_name(f"conda-env-{holder}-{env.name}-") + kernel.name[len(stem) :]]


def kernel_refs(env: Environment, options: KernelOptions, registered: Iterable[str]) -> tuple:
    """Return the KernelRefs a listing shows for an environment."""
    names = set(registered)
    if env.is_server and not options.offer_server_env:
        native = "Python 3 (ipykernel)"
        return (KernelRef(NATIVE_KERNEL, native, "python", NATIVE_KERNEL in names),)
    return tuple(
        KernelRef(k.name, k.spec["display_name"], k.spec["language"], k.name in names, k.resource_dir)
        for k in offered(env, options)
    )


def with_kernel_refs(env: Environment, options: KernelOptions, registered: Iterable[str]) -> Environment:
    """Return a copy of env with its kernel list filled in."""
    return replace(env, kernels=kernel_refs(env, options, registered))


def user_kernels_dir(host: Host) -> Path:
    """Return the user's Jupyter kernels directory (what `jupyter --data-dir` says)."""
    if host.getenv("JUPYTER_DATA_DIR"):
        return host.expand(host.getenv("JUPYTER_DATA_DIR") or "") / "kernels"
    if sys.platform == "darwin":
        return host.home / "Library" / "Jupyter" / "kernels"
    if os.name == "nt":  # pragma: no cover
        return Path(host.getenv("APPDATA") or host.home) / "jupyter" / "kernels"
    xdg = host.getenv("XDG_DATA_HOME")
    return (host.expand(xdg) if xdg else host.home / ".local" / "share") / "jupyter" / "kernels"


def read_spec(folder: Path) -> Optional[dict]:
    """Return a kernel.json as a dict, or None when missing or broken."""
    try:
        data = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_ours(spec: Optional[dict]) -> bool:
    """Return whether a kernelspec was written by jupyter-envpanel."""
    meta = (spec or {}).get("metadata") or {}
    return isinstance(meta.get("envpanel"), dict) and meta["envpanel"].get("registered_by") == MARK


def registered_names(host: Host) -> List[str]:
    """Return the names of kernelspecs jupyter-envpanel registered in the user's directory."""
    base = user_kernels_dir(host)
    try:
        folders = sorted(p for p in base.iterdir() if p.is_dir())
    except OSError:
        return []
    return [p.name for p in folders if is_ours(read_spec(p))]


def register(kernels: Sequence[OfferedKernel], host: Host) -> List[str]:
    """Write each kernel as a normal kernelspec in the user's directory; return their names."""
    if not kernels:
        raise EnvPanelError("this environment has no kernel to register (install ipykernel in it)")
    base = user_kernels_dir(host)
    for kernel in kernels:
        existing = read_spec(base / kernel.name)
        if (base / kernel.name).exists() and not is_ours(existing):
            raise NotOurs(f"{base / kernel.name} exists and was not written by jupyter-envpanel")
    written = []
    for kernel in kernels:
        folder = base / kernel.name
        folder.mkdir(parents=True, exist_ok=True)
        spec = json.loads(json.dumps(kernel.spec))
        spec["metadata"]["envpanel"]["registered_by"] = MARK
        if kernel.resource_dir and os.path.isdir(kernel.resource_dir):
            for item in os.listdir(kernel.resource_dir):
                if _LOGO.match(item):
                    shutil.copyfile(os.path.join(kernel.resource_dir, item), folder / item)
        tmp = folder / "kernel.json.tmp"
        tmp.write_text(json.dumps(spec, indent=1), encoding="utf-8")
        tmp.replace(folder / "kernel.json")
        written.append(kernel.name)
    return written


def unregister(names: Sequence[str], host: Host) -> List[str]:
    """Remove kernelspecs jupyter-envpanel wrote; refuse (409) any other."""
    base = user_kernels_dir(host)
    present = [n for n in names if (base / n).is_dir()]
    if not present:
        raise KernelNotFound(", ".join(names) or "(none)")
    for name in present:
        if not is_ours(read_spec(base / name)):
            raise NotOurs(f"{base / name} was not written by jupyter-envpanel; remove it yourself")
    for name in present:
        shutil.rmtree(base / name)
    return present
