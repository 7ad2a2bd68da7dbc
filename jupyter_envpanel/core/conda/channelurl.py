"""Channel URLs taken apart as conda takes them apart (`common/url.py`: token, platform, file name).

A channel URL may carry credentials (`user:pass@`), a token (`/t/<token>`), a platform subdir
anywhere in its path (`/linux-64`) and a file name at its end (a package, or a `.json` index or
notice file); Windows-style `file:` URLs (backslashes) are written with forward slashes first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

SUBDIRS = frozenset(
    {
        "noarch",
        "linux-32",
        "linux-64",
        "linux-aarch64",
        "linux-armv6l",
        "linux-armv7l",
        "linux-ppc64",
        "linux-ppc64le",
        "linux-riscv64",
        "linux-s390x",
        "osx-64",
        "osx-arm64",
        "win-32",
        "win-64",
        "win-arm64",
        "emscripten-wasm32",
        "wasi-wasm32",
        "zos-z",
        "freebsd-64",
    }
)
#: The endings conda takes as a file name at the end of a channel URL (packages, repodata, notices).
FILE_EXTENSIONS = (".conda", ".tar.bz2", ".json", ".json.zst")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9.+-]*://")
_TOKEN = re.compile(r"/t/[a-zA-Z0-9-_]+(?=/|$)")
_BACKSLASH = re.compile(r"\\(?! )")


def backout(url: str) -> str:
    """Return a `file:` URL with its backslashes (not those escaping a space) as slashes."""
    return _BACKSLASH.sub("/", url).replace(":////", "://") if url.startswith("file:") else url


def split_auth_token(url: str) -> tuple[str, str]:
    """Return (scheme, host[:port]/path) of a URL without token and auth (conda's split_scheme_auth_token)."""
    scheme, _, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    rest = netloc.rpartition("@")[2] + slash + path  # the host follows the last `@` of user:pass@
    return scheme.lower(), _TOKEN.sub("", rest).rstrip("/")


def split_url(url: str, subdirs: Iterable[str] = SUBDIRS) -> tuple[str, str, str | None]:
    """Return (scheme, location-with-path, platform) of a channel URL, as conda splits it.

    The first path segment that is a known subdir is the platform (removed wherever it is); then a
    last segment with a file ending is the file name (removed).
    """
    scheme, rest = split_auth_token(url)
    parts = rest.split("/")
    known = {s.lower() for s in subdirs}
    platform = None
    for i, part in enumerate(parts[1:], start=1):
        if part.lower() in known:
            platform = part
            del parts[i]
            break
    if len(parts) > 1 and parts[-1].endswith(FILE_EXTENSIONS):
        parts.pop()
    return scheme, "/".join(parts).rstrip("/"), platform


def join(*parts: str | None) -> str:
    """Join URL path pieces with single slashes; a leading slash (a file location) is kept."""
    joined = "/".join(p.strip("/") for p in parts if p and p.strip("/"))
    first = next((p for p in parts if p), "")
    return "/" + joined if first.startswith("/") else joined


def token_prefix(tokens: Sequence[str], prefix: Sequence[str]) -> bool:
    """Return whether tokens start with prefix, token by token."""
    return all(t == p for t, p in zip(tokens, prefix, strict=False))  # conda's: the shorter decides


def decode(name: str | None) -> str | None:
    """Return a channel name with its percent-encoding undone (conda decodes names, not locations)."""
    return unquote(name) if name else name
