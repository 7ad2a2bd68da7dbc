"""Conda channels, named and compared the way conda canonicalises them (`models/channel.py`).

A channel is a location plus a name (`conda.anaconda.org` + `conda-forge`). Its canonical name
is the bare name when the location is the `channel_alias` (or a custom channel's), the
multichannel it belongs to (`defaults` for `pkgs/main` and `pkgs/r`), else the full URL.
A spec's bare channel name matches a package from any location with that name, so a mirror
(`https://mirror.example.com/conda-forge`) satisfies `conda-forge::`, as for conda.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .channelurl import SCHEME as _SCHEME
from .channelurl import SUBDIRS, backout, decode, split_auth_token, split_url
from .channelurl import join as _join
from .channelurl import token_prefix as _token_prefix

DEFAULT_ALIAS = "https://conda.anaconda.org"
DEFAULT_CHANNELS = ("https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r")
UNKNOWN = "<unknown>"


@dataclass(frozen=True)
class Channel:
    """A channel as conda models it: scheme, location (host[:port][/path]), name, platform."""

    scheme: str | None = None
    location: str | None = None
    name: str | None = None
    platform: str | None = None
    multi: bool = False  # a multichannel (`defaults`): a name for several channels

    @property
    def base_url(self) -> str | None:
        """Return `scheme://location/name` (None for a multichannel or the unknown channel)."""
        if self.multi or self.name == UNKNOWN or not self.scheme:
            return None
        return f"{self.scheme}://{_join(self.location, self.name)}"

    def canonical_name(self, ctx: ChannelContext) -> str:
        """Return conda's canonical name: a multichannel, the bare name, or the full URL."""
        if self.multi or self.name == UNKNOWN:
            return self.name or UNKNOWN
        for multiname, members in ctx.multichannels.items():
            if any(self.name == member.name for member in members):
                return multiname
        for custom in ctx.custom_channels:
            if self.name and _token_prefix(self.name.split("/"), custom.split("/")):
                return self.name
        if self.location in ctx.alias_locations:
            return self.name or ""
        joined = _join(self.location, self.name)
        return f"{self.scheme}://{joined}" if self.scheme else joined.lstrip("/")


@dataclass(frozen=True)
class ChannelContext:
    """The condarc settings that name channels (defaults as conda's when nothing is set)."""

    alias: Channel = field(default_factory=lambda: _alias(DEFAULT_ALIAS))
    migrated_aliases: tuple[str, ...] = ()
    migrated_custom: tuple[tuple[str, str], ...] = ()  # (name, old location), longest name first
    custom_channels: Mapping[str, Channel] = field(default_factory=dict)
    multichannels: Mapping[str, tuple[Channel, ...]] = field(default_factory=dict)
    known_subdirs: frozenset[str] = SUBDIRS
    #: The home `~/channel` expands to (conda's path_to_url expands it); "" leaves it as written.
    home: str = ""
    #: What the context was built from, as text: equal settings, equal key (for caches).
    key: str = ""

    @property
    def alias_locations(self) -> tuple[str | None, ...]:
        """Return the locations whose channels are named by their path alone."""
        return (self.alias.location, *self.migrated_aliases)


def _split_alias(url: str) -> tuple[str, str]:
    """Return a channel_alias's scheme and location: its whole host[:port]/path, as in conda's context."""
    return split_auth_token(url if _SCHEME.match(url) else f"https://{url}")


def _alias(url: str) -> Channel:
    """Return a channel_alias as a channel (no name)."""
    scheme, location = _split_alias(url)
    return Channel(scheme, location, "")


def _simple(url: str, alias: Channel | None = None, name: str | None = None) -> Channel:
    """Return a channel from a URL, named by its path under the alias (conda's make_simple_channel)."""
    scheme, rest, _ = split_url(url) if _SCHEME.match(url) else ("", url, None)
    if name and scheme:
        return Channel(scheme, rest, name.strip("/"))
    if not scheme and alias is not None:
        return Channel(alias.scheme, alias.location, (name or url).strip("/"))
    if alias is not None and alias.location and rest.startswith(alias.location):
        return Channel(scheme, alias.location, rest[len(alias.location) :].strip("/"))
    host, _, path = rest.partition("/")
    return Channel(scheme or "https", host, path.strip("/"))


def channel_context(
    channel_alias: str | None = None,
    default_channels: Sequence[str] | None = None,
    custom_channels: Mapping[str, str] | None = None,
    custom_multichannels: Mapping[str, Sequence[str]] | None = None,
    migrated_channel_aliases: Sequence[str] = (),
    migrated_custom_channels: Mapping[str, str] | None = None,
    home: str = "",
) -> ChannelContext:
    """Build the context from condarc values, with conda's defaults where a value is not set."""
    alias = _alias(channel_alias or DEFAULT_ALIAS)
    defaults = tuple(_simple(url, alias) for url in (default_channels or DEFAULT_CHANNELS))
    custom: dict[str, Channel] = {ch.name or "": ch for ch in defaults}
    for name, location in (custom_channels or {}).items():
        custom[name] = _simple(location, name=name)  # the channel is <location>/<name>
    migrated = tuple(_split_alias(m)[1] for m in migrated_channel_aliases)
    moved = sorted((migrated_custom_channels or {}).items(), key=lambda kv: -len(kv[0]))
    partial = ChannelContext(
        alias, migrated, tuple((n, _split_alias(url)[1]) for n, url in moved), custom, home=home
    )
    multi: dict[str, tuple[Channel, ...]] = {"defaults": defaults}
    for name, members in (custom_multichannels or {}).items():
        multi[name] = tuple(_parse_channel_value(m, partial) for m in members)
    key = repr(
        (
            channel_alias,
            default_channels,
            sorted((custom_channels or {}).items()),
            sorted((k, tuple(v)) for k, v in (custom_multichannels or {}).items()),
            tuple(migrated_channel_aliases),
            moved,
            home,
        )
    )
    return replace(partial, multichannels=multi, key=key)


def _from_url(url: str, ctx: ChannelContext) -> Channel:
    """Return the channel of a URL, named through the configured custom channels and alias."""
    scheme, test, platform = split_url(url, ctx.known_subdirs)
    channel = _locate(scheme, test, ctx)
    return replace(channel, name=decode(channel.name), platform=platform)


def _locate(scheme: str, test: str, ctx: ChannelContext) -> Channel:
    """Return the location and name of `host[:port]/path`, in conda's order of settings."""
    host, _, path = test.partition("/")
    if not path.strip("/"):
        return Channel(scheme or "https", host, "")
    tokens = test.split("/")
    for name, old in ctx.migrated_custom:  # a custom channel that moved: named, and served, as now
        base = _join(old, name)
        if _token_prefix(tokens, base.split("/")):
            moved = _parse_channel_value(_join(name, test.replace(base, "", 1)), ctx)
            return Channel(moved.scheme, moved.location, moved.name)
    for location in ctx.migrated_aliases:
        if location and test.startswith(location):
            return Channel(ctx.alias.scheme, ctx.alias.location, test[len(location) :].strip("/"))
    for _, custom in sorted(ctx.custom_channels.items(), key=lambda kv: -len(kv[0])):
        base = _join(custom.location, custom.name)
        if _token_prefix(tokens, base.split("/")):
            return Channel(scheme, custom.location, _join(custom.name, test.replace(base, "", 1)))
    alias_at = ctx.alias.location
    if alias_at and _token_prefix(tokens, alias_at.split("/")):
        return Channel(scheme, alias_at, test.replace(alias_at, "", 1).strip("/") or None)
    if scheme == "file" or not host:
        location, _, name = ("/" + test.lstrip("/")).rpartition("/")
        return Channel("file", location or "/", name)
    first, _, remainder = path.strip("/").partition("/")
    if first == "conda":  # Anaconda Enterprise layout: /conda/<channel>
        return Channel(scheme, f"{host}/conda", remainder or None)
    return Channel(scheme or "https", host, path.strip("/"))


_PARSED: dict[tuple[str, str], Channel] = {}


def parse_channel_value(value: str, ctx: ChannelContext) -> Channel:
    """Return the channel a spec's or a record's channel value names (cached per context)."""
    key = (value, ctx.key)
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) > 8192:
            _PARSED.clear()
        found = _PARSED[key] = _parse_channel_value(value, ctx)
    return found


def _parse_channel_value(value: str, ctx: ChannelContext) -> Channel:
    """Return the channel a spec's or a record's channel value names (conda's Channel.from_value)."""
    value = (value or "").strip()
    if value in ("", UNKNOWN, "None:///<unknown>", "None"):
        return Channel(name=UNKNOWN)
    if _SCHEME.match(value):
        return _from_url(backout(value), ctx)
    if value.startswith(("/", "./", "../", "~")):
        if ctx.home and (value == "~" or value.startswith("~/")):
            value = ctx.home.rstrip("/") + value[1:]
        return _from_url("file://" + value, ctx)
    stripped, platform = value, None
    head, _, last = value.rpartition("/")
    if head and last in ctx.known_subdirs:
        stripped, platform = head, last
    if stripped in ctx.multichannels:
        return Channel(name=stripped, platform=platform, multi=True)
    probe = stripped
    while True:
        if probe in ctx.custom_channels:
            custom = ctx.custom_channels[probe]
            return Channel(custom.scheme, custom.location, stripped, platform)
        shorter = probe.rsplit("/", 1)[0]
        if shorter == probe:
            break
        probe = shorter
    return Channel(ctx.alias.scheme, ctx.alias.location, stripped, platform)


_NAMES: dict[tuple[str, str], str] = {}


def channel_name(raw: str, ctx: ChannelContext | None = None) -> str:
    """Return conda's canonical name of a channel value: `conda-forge`, `defaults`, or a URL."""
    ctx = ctx or DEFAULT_CONTEXT
    key = (raw, ctx.key)
    name = _NAMES.get(key)
    if name is None:
        if len(_NAMES) > 8192:
            _NAMES.clear()
        name = _NAMES[key] = parse_channel_value(raw, ctx).canonical_name(ctx)
    return name


def channel_matches(wanted: str, installed: str, ctx: ChannelContext | None = None) -> bool:
    """Return whether a record's channel satisfies a spec's channel value (conda's ChannelMatch)."""
    ctx = ctx or DEFAULT_CONTEXT
    record = parse_channel_value(installed, ctx)
    if wanted.startswith("^") and wanted.endswith("$"):
        return re.match(wanted, record.canonical_name(ctx)) is not None
    if "*" in wanted:
        pattern = wanted.replace("*", ".*")
        return re.match(rf"^(?:{pattern})$", record.canonical_name(ctx)) is not None
    spec = parse_channel_value(wanted, ctx)
    if spec.location and spec.location not in ctx.alias_locations:  # a URL, or a custom channel's
        return spec.base_url == record.base_url
    return spec.name in (record.name, record.canonical_name(ctx))


def split_subdir(channel: str) -> tuple[str, str | None]:
    """Split a trailing platform subdir off a channel name or URL."""
    stripped = channel.rstrip("/")
    head, _, last = stripped.rpartition("/")
    if head and last in SUBDIRS:
        return head, last
    return stripped, None


def channel_list(ctx: ChannelContext, names: list[str]) -> list[str]:
    """Return canonical names for a list of channel values (an environment file's `channels:`)."""
    return [channel_name(n, ctx) for n in names]


DEFAULT_CONTEXT = channel_context()
