"""Conda channel names and URLs, compared the way conda canonicalises them."""

from __future__ import annotations

from typing import Optional, Tuple
from urllib.parse import urlsplit

SUBDIRS = frozenset(
    {
        "noarch",
        "linux-64",
        "linux-32",
        "linux-aarch64",
        "linux-armv6l",
        "linux-armv7l",
        "linux-ppc64le",
        "linux-ppc64",
        "linux-s390x",
        "linux-riscv64",
        "osx-64",
        "osx-arm64",
        "win-64",
        "win-32",
        "win-arm64",
        "emscripten-wasm32",
        "wasi-wasm32",
        "zos-z",
    }
)
#: Hosts whose channels conda names by their path alone (channel_alias and defaults hosts).
NAMED_HOSTS = frozenset({"conda.anaconda.org", "repo.anaconda.com", "repo.continuum.io"})
#: What `defaults` means on Unix and Windows (conda's DEFAULT_CHANNELS).
DEFAULTS = frozenset({"pkgs/main", "pkgs/r", "pkgs/msys2"})


def split_subdir(channel: str) -> Tuple[str, Optional[str]]:
    """Split a trailing platform subdir off a channel name or URL."""
    stripped = channel.rstrip("/")
    head, _, last = stripped.rpartition("/")
    if head and last in SUBDIRS:
        return head, last
    return stripped, None


def channel_name(raw: str) -> str:
    """Return conda's canonical name of a channel: `conda-forge`, `pkgs/main`, or a URL."""
    raw, _ = split_subdir(raw.strip())
    if "://" not in raw:
        return raw
    parts = urlsplit(raw)
    path = parts.path.strip("/")
    if path.startswith("t/") and path.count("/") >= 2:  # anaconda.org token: t/<token>/<channel>
        path = path.split("/", 2)[2]
    if parts.hostname in NAMED_HOSTS:
        return path
    if parts.scheme == "file":
        return f"file://{parts.path.rstrip('/')}"
    return f"{parts.scheme}://{parts.netloc}/{path}".rstrip("/")


def parse_spec_channel(spec: str) -> Tuple[Optional[str], Optional[str], str]:
    """Split `channel[/subdir]::rest` into (canonical channel, subdir, rest)."""
    head, sep, rest = spec.rpartition("::")
    if not sep:
        return None, None, spec
    channel, subdir = split_subdir(head.strip())
    if not channel:
        return None, subdir, rest
    return channel_name(channel), subdir, rest


def channel_matches(wanted: str, installed: str) -> bool:
    """Return whether an installed package's channel satisfies a spec's channel."""
    if wanted == installed:
        return True
    if wanted == "defaults":
        return installed in DEFAULTS or installed == "defaults"
    if installed == "defaults":
        return wanted in DEFAULTS
    return False
