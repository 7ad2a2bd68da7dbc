"""A notebook file's record of what it ran with, compared with an environment (service-level)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..base.errors import EnvNotFound, InvalidArgument
from ..base.model import Environment
from ..base.safe_read import UnreadableFile, read_json_object
from .record import BadRecord, compare, read_record, record

if TYPE_CHECKING:
    from ..service.facade import EnvService


def ran_with(service: EnvService, env: Environment) -> dict:
    """Return the record a notebook running in this environment stores when it is saved."""
    return record(env, service.inventory(env), service.channel_context())


def read_notebook(path: Path) -> dict:
    """Return a notebook file's JSON object; a clear one-line error for anything else."""
    try:
        return read_json_object(path, "notebook", constants="null")
    except FileNotFoundError:
        raise InvalidArgument(f"{path.name}: no such notebook") from None
    except UnreadableFile as err:
        raise InvalidArgument(f"not a readable notebook: {err}") from None
    except OSError as err:
        raise InvalidArgument(f"{path.name}: cannot read ({err.strerror or err})") from None


def notebook_record(nb: dict, path: Path) -> dict | None:
    """Return a notebook's checked record (None without one); BadRecord naming the file."""
    try:
        return read_record(nb.get("metadata"))
    except BadRecord as err:
        raise BadRecord(f"{path.name}: {err}") from None


def _kernel_env(service: EnvService, nb: dict) -> Environment | None:
    """Return the environment of the kernel a notebook asks for, when it is one of ours."""
    spec = (nb.get("metadata") or {}).get("kernelspec") if isinstance(nb.get("metadata"), dict) else None
    name = spec.get("name") if isinstance(spec, dict) else None
    kernel = service.offered_kernels().get(name) if isinstance(name, str) else None
    return kernel.env if kernel is not None else None


def notebook_report(service: EnvService, path: Path, env_ref: str = "", label: str = "") -> dict:
    """Return `{path, recorded, environment, current, differences}` for a notebook file."""
    nb = read_notebook(path)
    recorded = notebook_record(nb, path)
    env: Environment | None = None
    if env_ref:
        env = service.find(env_ref, allow_any_prefix=not label)
    else:
        env = _kernel_env(service, nb)
        if env is None and recorded and recorded.get("environment"):
            try:
                env = service.find(recorded["environment"])
            except EnvNotFound:
                env = None
    differences = compare(recorded, service.inventory(env)) if recorded and env else []
    return {
        "path": label or str(path),
        "recorded": recorded,
        "environment": env.ref() if env else None,
        "current": ran_with(service, env) if env else None,
        "differences": [d.to_json() | {"text": d.text} for d in differences],
        "count": len(differences),
    }
