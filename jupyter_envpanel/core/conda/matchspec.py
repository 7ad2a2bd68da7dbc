"""conda's MatchSpec strings, parsed into fields as conda parses them (`models/match_spec.py`).

Every form conda accepts is accepted: `name`, `name 1.2 build`, `name=1.2=build`, operators,
`channel[/subdir]::name`, a `[key=value ...]` section (comma or space separated, values maybe
quoted; brackets override what the rest of the string says, except the name), a legacy
`(target=...,optional)` section (ignored, as conda ignores it), `# comments`, ` if condition`
suffixes (ignored), and package file URLs. Only what conda rejects raises `InvalidMatchSpec`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from .channels import ChannelContext, parse_channel_value

FIELDS = (
    "channel",
    "subdir",
    "name",
    "version",
    "build",
    "build_number",
    "track_features",
    "features",
    "url",
    "md5",
    "sha256",
    "license",
    "license_family",
    "fn",
    "when",
    "extras",
    "flags",
)
PACKAGE_EXTENSIONS = (".conda", ".tar.bz2")
_BRACKETS = re.compile(r".*(?:(\[.*\]))")
_PARENS = re.compile(r".*(?:(\(.*\)))")
_KEY_VALUE = re.compile(r"""([a-zA-Z0-9_-]+?)=(["']?)([^'"]*?)(\2)(?:[, ]|$)""")
# `[version<2]`: conda's bracket parser reads only `key=value` and drops this constraint silently;
# we judge it (a documented deviation: the file says `<2`, so 3.0 installed is drift).
_KEY_RELATION = re.compile(r"""(?:^|[, ])(version|build_number)\s*(<=|>=|<|>|!=|~=)\s*(["']?)([^'",\s]+)\3""")
_NAME_REST = re.compile(r"([^ =<>!~]+)?([><!=~ ].+)?")
_VERSION_BUILD = re.compile(r"((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^-=,|<>~]+?))?$")
_NAME_RULE = re.compile(r"^(([a-z0-9])|([a-z0-9_](?!_)))[._-]?([a-z0-9]+(\.|-|_|$))*$")
_VIRTUAL_NAME_RULE = re.compile(r"^__[a-z0-9][._-]?([a-z0-9]+(\.|-|_|$))*$")


class InvalidMatchSpec(ValueError):
    """A spec string conda itself rejects."""


@dataclass(frozen=True)
class ParsedSpec:
    """The fields of a MatchSpec; values are strings as conda keeps them before compiling."""

    raw: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Return the package name (lower case), `*` when the spec names none."""
        return self.fields.get("name", "*").lower()

    def get(self, key: str) -> str | None:
        """Return one field, or None."""
        return self.fields.get(key)


def _sanitize_version(version: str, build: str | None) -> str:
    """Apply conda's `=` rules: `=1.2` is `1.2*`; `==1.2` without a build is `1.2`."""
    if version in ("==", "="):
        return version
    if not version.startswith("="):
        return version
    bare = version.lstrip("=")
    if version.startswith("==") and build is None:
        return bare
    if not any(c in bare for c in "=,|"):
        if build is None and not bare.endswith("*"):
            return bare + "*"
        return bare
    return version


def _check_name(name: str, raw: str) -> None:
    """Refuse a package name conda refuses (CEP 26 rules; globs are not checked)."""
    if "*" in name:
        return
    lower = name.lower()
    bad = re.findall(r"[^a-z0-9._-]", lower)
    if bad:
        raise InvalidMatchSpec(f"package name contains invalid characters ({''.join(dict.fromkeys(bad))})")
    if not (_NAME_RULE.match(lower) or _VIRTUAL_NAME_RULE.match(lower)):
        raise InvalidMatchSpec(f"invalid package name {name[:40]!r}")


def _split_version_build(text: str) -> tuple[str | None, str | None]:
    """Split `version[ build]` (or `version=build`) as conda does; spaces leave the version."""
    found = _VERSION_BUILD.search(text)
    if found:
        version, build = found.groups()
        build = build and build.strip()
    else:
        version, build = text, None
    return (version.replace(" ", "") if version else version), build


def _parse_package_url(text: str, ctx: ChannelContext) -> dict[str, str]:
    """Return the fields of a package file URL or path (`.../subdir/name-version-build.conda`).

    As conda: the channel and subdir are the URL's channel (a subdir anywhere in the path), and
    the file name is percent-decoded before it is split into name, version (`1%21164` is the
    version `1!164`) and build.
    """
    url = text if "://" in text else "file://" + os.path.abspath(os.path.expanduser(text))
    channel = parse_channel_value(url, ctx)
    filename = url.rpartition("/")[2]
    if not channel.platform:  # not in a channel: only the file is known (decoded for a local one)
        return {"name": "*", "fn": unquote(filename) if url.startswith("file:") else filename, "url": url}
    filename = unquote(filename)
    stem = filename
    for ext in PACKAGE_EXTENSIONS:
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
    name, version, build = (stem.rsplit("-", 2) + ["", ""])[:3]
    return {
        "channel": channel.canonical_name(ctx),
        "subdir": channel.platform,
        "name": name,
        "version": version,
        "build": build,
        "fn": filename,
        "url": url,  # a path is compared as conda does, as its file:// URL
    }


def _spec_channel(value: str, ctx: ChannelContext) -> tuple[str | None, str | None]:
    """Return (channel, subdir) of a spec's channel part, as conda keeps them."""
    if not value:
        return None, None
    channel = parse_channel_value(value, ctx)
    if "://" in value and channel.location not in ctx.alias_locations:
        return channel.base_url or channel.canonical_name(ctx), channel.platform
    return channel.canonical_name(ctx), channel.platform


def parse_matchspec(raw: str, ctx: ChannelContext) -> ParsedSpec:
    """Parse a MatchSpec string into its fields; raise InvalidMatchSpec where conda does."""
    text = raw
    if text.endswith("@"):
        return ParsedSpec(raw, {"name": "*", "track_features": text[:-1]})
    text = text.split("#", 1)[0]
    text = text.split(" if ", 1)[0]  # conda ignores conditions when matching
    if text.strip().endswith(PACKAGE_EXTENSIONS):
        return ParsedSpec(raw, _parse_package_url(text.strip(), ctx))
    brackets: dict[str, str] = {}
    found = _BRACKETS.match(text)
    if found:
        section = found.group(1)
        text = text.replace(section, "")
        for match in _KEY_VALUE.finditer(section[1:-1]):
            key, _, value, _ = match.groups()
            if not key or not value:
                raise InvalidMatchSpec("key-value mismatch in brackets")
            brackets[key] = _sanitize_version(value, None) if key == "version" else value
        for match in _KEY_RELATION.finditer(section[1:-1]):
            key, operator, _, value = match.groups()
            brackets.setdefault(key, operator + value)
    found = _PARENS.match(text)
    if found:
        text = text.replace(found.group(1), "")  # (target=..., optional): parsed, never matched
    parts = text.rsplit(":", 2)
    channel_str = parts[0] if len(parts) == 3 else None
    text = parts[-1]
    channel, subdir = _spec_channel(channel_str or "", ctx)
    if "channel" in brackets:
        b_channel, b_subdir = _spec_channel(brackets.pop("channel"), ctx)
        channel, subdir = b_channel or channel, b_subdir or subdir
    if "subdir" in brackets:
        subdir = brackets.pop("subdir")
    found = _NAME_REST.match(text)
    name, rest = found.groups() if found else (None, None)
    if name is None:
        raise InvalidMatchSpec("no package name found")
    _check_name(name, raw)
    rest = rest and rest.strip()
    version = build = None
    if rest:
        if "[" in rest:
            raise InvalidMatchSpec("multiple brackets sections not allowed")
        version, build = _split_version_build(rest)
        version = _sanitize_version(version, build) if version else version
    fields: dict[str, str] = {"name": name}
    for key, value in (("channel", channel), ("subdir", subdir), ("version", version), ("build", build)):
        if value is not None:
            fields[key] = value
    brackets.pop("name", None)  # conda: the name outside the brackets wins
    fields.update(brackets)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise InvalidMatchSpec(f"cannot match on field(s): {', '.join(sorted(unknown))}")
    return ParsedSpec(raw, fields)
