"""Read and check `kernel.json` files: a spec with a field of the wrong type is a broken file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .safe_read import UnreadableFile, read_json_object, read_json_stamped

#: What jupyter_client accepts in a kernelspec, and the type each field must have.
_STRING_FIELDS = ("display_name", "language", "kernel_protocol_version")
INTERRUPT_MODES = ("signal", "message")
#: Names a process environment variable may have (POSIX portable names).
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _fail(path: str | Path, reason: str) -> UnreadableFile:
    """Return the error for a kernel.json whose content is unusable."""
    return UnreadableFile(path, f"broken kernelspec: {reason}")


def check_env_vars(env: object, path: str | Path) -> dict[str, str]:
    """Return a kernelspec's `env` if it maps valid variable names to strings without NUL."""
    if not isinstance(env, dict):
        raise _fail(path, f"`env` must be a mapping, not {type(env).__name__}")
    for key, value in env.items():
        if not isinstance(key, str) or not ENV_NAME.match(key):
            raise _fail(path, f"`env` has an invalid variable name {str(key)[:40]!r}")
        if not isinstance(value, str) or "\x00" in value:
            raise _fail(path, f"`env` value of {key} must be a string without NUL")
    return env


def check_spec(spec: dict[str, Any], path: str | Path) -> dict[str, Any]:
    """Return spec unchanged when every field has the type jupyter_client expects; else raise."""
    argv = spec.get("argv")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise _fail(path, "`argv` must be a non-empty list of strings")
    if any("\x00" in a for a in argv):
        raise _fail(path, "`argv` contains a NUL character")
    for key in _STRING_FIELDS:
        if key in spec and not isinstance(spec[key], str):
            raise _fail(path, f"`{key}` must be a string, not {type(spec[key]).__name__}")
    if "env" in spec:
        check_env_vars(spec["env"], path)
    if "metadata" in spec and not isinstance(spec["metadata"], dict):
        raise _fail(path, f"`metadata` must be a mapping, not {type(spec['metadata']).__name__}")
    if "interrupt_mode" in spec and spec["interrupt_mode"] not in INTERRUPT_MODES:
        raise _fail(path, f"`interrupt_mode` must be one of {', '.join(INTERRUPT_MODES)}")
    return spec


def read_kernel_json(path: str | Path) -> dict[str, Any]:
    """Return a checked kernel.json (regular file, size cap, depth limit, field types)."""
    return check_spec(read_json_object(path, "kernel.json"), path)


def read_kernel_json_stamped(path: str) -> tuple[dict[str, Any], int]:
    """Return a checked kernel.json, as `read_kernel_json`, and its mtime in ns taken before reading."""
    spec, mtime = read_json_stamped(path, "kernel.json")
    return check_spec(spec, path), mtime


def split_env(env: dict[str, object]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Split variables into the usable ones and the names of those skipped (bad name or NUL)."""
    good: dict[str, str] = {}
    skipped = []
    for key, value in env.items():
        if isinstance(key, str) and ENV_NAME.match(key) and isinstance(value, str) and "\x00" not in value:
            good[key] = value
        else:
            skipped.append(str(key)[:40])
    return good, tuple(skipped)


def template_literal(value: str) -> str:
    """Escape a value for a kernelspec `env`, which jupyter_client expands like string.Template."""
    return value.replace("$", "$$")
