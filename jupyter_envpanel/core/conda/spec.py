"""Judge an installed conda package against a MatchSpec, field by field, as `conda compare` does.

Each field of the spec is checked with conda's rule for it (version: conda's version specs;
build, license: globs and `^...$` regexes; build_number: a number or a relation; channel: conda's
ChannelMatch; subdir, md5, sha256, url, fn: exact; features: sets). A mismatch names the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ..base.errors import excerpt
from .channels import DEFAULT_CONTEXT, ChannelContext, channel_matches
from .matchspec import InvalidMatchSpec, ParsedSpec, parse_matchspec
from .version import InvalidVersionSpec, parse_version, version_spec

Verdict = tuple[str, str]  # (status, reason)
#: One field's matcher. A record field may hold any type: one the matcher cannot read fails (`_safe`).
FieldCheck = Callable[[Any], bool]
_RELATION = re.compile(r"^(=|==|!=|<=|>=|<|>|~=)(?![=<>!~])(\S+)$")


class Installed(Protocol):
    """What a check reads of an installed package (a conda record or a pip distribution)."""

    @property
    def version(self) -> str: ...

    @property
    def channel(self) -> str: ...

    @property
    def channel_url(self) -> str: ...

    def field(self, key: str) -> object:
        """Return a record field by conda's name (`version`, `build_number`, `md5`, ...)."""
        ...


@dataclass(frozen=True)
class CondaSpec:
    """A parsed conda dependency entry (fields as conda parses them with default settings)."""

    raw: str
    name: str
    parsed: ParsedSpec

    @property
    def channel(self) -> str | None:
        """Return the channel the spec asks for, if any."""
        return self.parsed.get("channel")


def parse_conda(raw: str, ctx: ChannelContext = DEFAULT_CONTEXT) -> CondaSpec:
    """Parse a conda spec with conda's grammar; raise ValueError only where conda does."""
    text = raw.strip()
    if not text:
        raise ValueError("empty package spec")
    try:
        parsed = parse_matchspec(text, ctx)
        _compile(parsed)  # version and build_number errors surface here, as in conda
    except (InvalidMatchSpec, InvalidVersionSpec, re.error) as err:
        raise ValueError(f"invalid conda spec {excerpt(text)}: {str(err)[:120]}") from None
    return CondaSpec(text, parsed.name, parsed)


def _glob(value: str, lower: bool = False) -> Callable[[str], bool]:
    """Return conda's GlobStrMatch: `^...$` regex, `*` glob, else equality."""
    value = value.lower() if lower else value
    if value.startswith("^") and value.endswith("$"):
        regex = re.compile(value)
        return lambda other: bool(regex.match(other.lower() if lower else other))
    if "*" in value:
        regex = re.compile(rf"^(?:{re.escape(value).replace(chr(92) + '*', '.*')})$")
        return lambda other: bool(regex.match(other.lower() if lower else other))
    return lambda other: (other.lower() if lower else other) == value


def _build_number(value: str) -> Callable[[int], bool]:
    """Return conda's BuildNumberMatch: an integer, `*`, a relation, a regex, else equality."""
    text = value.strip()
    try:
        number = int(text)
        return lambda other: other == number
    except ValueError:
        pass
    if text == "*":
        return lambda other: True
    if text.startswith(("=", "<", ">", "!")):
        found = _RELATION.match(text)
        if found is None:
            raise InvalidVersionSpec(f"invalid build number relation {text!r}")
        return _relation(found.group(1), found.group(2))
    if text[0] == "^" or text[-1] == "$":
        if text[0] != "^" or text[-1] != "$":
            raise InvalidVersionSpec("regex specs must start with '^' and end with '$'")
        regex = re.compile(text)
        return lambda other: bool(regex.match(str(other)))
    return lambda other: str(other) == text


def _relation(operator: str, text: str) -> Callable[[int], bool]:
    """Return a build-number relation compared the way conda orders versions."""
    spec = version_spec(f"{operator}{text}")
    return lambda other: spec.matches(str(other))


def _features(value: str) -> frozenset[str]:
    """Return conda's feature set of a value (comma or space separated)."""
    return frozenset(f for f in (p.strip() for p in value.replace(" ", ",").split(",")) if f)


def _same_features(wanted: frozenset[str]) -> FieldCheck:
    """Return a matcher of a feature set (order and separators do not count)."""
    return lambda other: _features(other) == wanted


def _exact(value: str) -> FieldCheck:
    """Return a matcher of one exact value."""
    return lambda other: bool(other == value)


@dataclass(frozen=True)
class _Compiled:
    """The matchers of one parsed spec."""

    checks: dict[str, FieldCheck]


def _compile(parsed: ParsedSpec) -> _Compiled:
    """Build each field's matcher (raises where conda raises)."""
    checks: dict[str, FieldCheck] = {}
    for key, value in parsed.fields.items():
        if key in ("name", "when", "channel"):
            continue
        if key == "version":
            checks[key] = version_spec(value).matches
        elif key == "build":
            checks[key] = _glob(value)
        elif key == "build_number":
            checks[key] = _build_number(value)
        elif key in ("license", "license_family"):
            checks[key] = _glob(value, lower=True)
        elif key in ("features", "track_features", "flags", "extras"):
            checks[key] = _same_features(_features(value))
        else:  # subdir, md5, sha256, url, fn: exact strings
            checks[key] = _exact(value)
    return _Compiled(checks)


_CACHE: dict[tuple[str, str], tuple[ParsedSpec, _Compiled]] = {}


def _for_context(spec: CondaSpec, ctx: ChannelContext) -> tuple[ParsedSpec, _Compiled]:
    """Return the spec parsed with a context's channel settings (cached)."""
    key = (spec.raw, ctx.key)
    found = _CACHE.get(key)
    if found is None:
        parsed = spec.parsed if ctx.key == DEFAULT_CONTEXT.key else parse_matchspec(spec.raw, ctx)
        found = _CACHE[key] = (parsed, _compile(parsed))
        if len(_CACHE) > 4096:
            _CACHE.clear()
    return found


def _describe(key: str, value: str, installed: object, pkg: Installed) -> str:
    """Return the reason for one field that does not match."""
    if key == "version":
        return f"{installed} does not satisfy {value}"
    if key == "build":
        return f"build {installed} does not match {value}"
    if key == "build_number":
        return f"build number {installed} does not match {value}"
    if key == "subdir":
        return f"installed for {installed or 'an unknown platform'}, spec asks for {value}"
    if not installed:
        return f"{key} of the installed package is unknown, spec asks for {value}"
    return f"{key} is {str(installed)[:60]}, spec asks for {value}"


def check_conda(
    spec: CondaSpec, pkg: Installed, by_pip: bool = False, ctx: ChannelContext = DEFAULT_CONTEXT
) -> Verdict:
    """Judge an installed package (conda record or pip distribution) against a conda spec."""
    parsed, compiled = _for_context(spec, ctx)
    if by_pip:  # a venv: only the version can be judged; conda orders the version
        check = compiled.checks.get("version")
        if check is not None and not _version_ok(check, pkg.version):
            return "mismatch", f"{pkg.version} does not satisfy {parsed.get('version')}"
        extra = set(compiled.checks) - {"version"} | ({"channel"} if parsed.get("channel") else set())
        if not extra:
            return "ok", ""
        return "ok", f"{pkg.version} installed by pip; {', '.join(sorted(extra))} not checked"
    for key, check in compiled.checks.items():
        installed = pkg.field(key)
        if not _safe(check, installed):
            return "mismatch", _describe(key, parsed.fields[key], installed, pkg)
    wanted = parsed.get("channel")
    if wanted and not channel_matches(wanted, pkg.channel_url or pkg.channel, ctx):
        got = pkg.channel or "an unknown channel"
        return "mismatch", f"installed from {got}, spec asks for {wanted}"
    return "ok", ""


def _version_ok(check: FieldCheck, version: str) -> bool:
    """Return whether a version matches; an unreadable one does not."""
    try:
        parse_version(version)
    except InvalidVersionSpec:
        return False
    return bool(check(version))


def _safe(check: FieldCheck, value: object) -> bool:
    """Apply a field matcher; a value it cannot read does not match."""
    try:
        return bool(check(value))
    except (TypeError, ValueError, InvalidVersionSpec):
        return False
