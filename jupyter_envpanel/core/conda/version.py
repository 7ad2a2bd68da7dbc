"""conda's version order and version-spec language, judged as conda judges them.

The rules follow conda's `models/version.py` (read, not copied). A version is an optional epoch
(`1!`), a release and an optional local part (`+...`), split at `.`, `_` (and `-` when there is
no `_`) into components, each a run of numbers and strings (`*` is a string, `dev` sorts before
all, `post` after all, strings before numbers; missing parts count as 0). In a spec, `,` (and)
binds tighter than `|` (or), parentheses group; a term is a `^...$` regex over the version
string, an operator (`==`, `!=`, `<`, `<=`, `>`, `>=`, `=` starts-with, `~=` compatible release)
and a version, `*`, a glob (`1.*.0`, a regex), a trailing `*` (starts-with) or a plain version.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest
from typing import TypeAlias

_TOKENS = re.compile(r"\s*(\^[^$]*[$]|[()|,]|[^()|,]+)")
_RELATION = re.compile(r"^(=|==|!=|<=|>=|<|>|~=)(?![=<>!~])(\S+)$")
_OPERATOR_START = "=<>!~"
_CHARS = re.compile(r"^[*.+!_0-9a-z]+$")
_RUNS = re.compile(r"([0-9]+|[*]+|[^0-9*]+)")

Matcher = Callable[[str], bool]
Part = int | float | str
Components = tuple[tuple[Part, ...], ...]


class InvalidVersionSpec(ValueError):
    """A version spec conda itself rejects."""


def _components(parts: list[str], text: str) -> Components:
    """Split each dot-separated part into runs: numbers, `post` (infinite), `DEV`, strings."""
    out = []
    for part in parts:
        runs = _RUNS.findall(part)
        if not runs:
            raise InvalidVersionSpec(f"invalid version {text!r}: empty version component")
        values: list[Part] = []
        for run in runs:
            values.append(
                int(run) if run.isdigit() else math.inf if run == "post" else "DEV" if run == "dev" else run
            )
        out.append(tuple(values) if part[0].isdigit() else (0, *values))  # numbers and strings kept in phase
    return tuple(out)


def _same(t1: Components, t2: Components) -> bool:
    """Return whether two component lists are equal (missing parts count as 0: 1.1 == 1.1.0)."""
    return all(
        c1 == c2
        for v1, v2 in zip_longest(t1, t2, fillvalue=())
        for c1, c2 in zip_longest(v1, v2, fillvalue=0)
    )


@dataclass(frozen=True, eq=False)
class Version:
    """A conda version, ordered as conda's VersionOrder orders it."""

    text: str
    release: Components  # the epoch first
    local: Components

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return _same(self.release, other.release) and _same(self.local, other.local)

    def __lt__(self, other: Version) -> bool:
        for t1, t2 in ((self.release, other.release), (self.local, other.local)):
            for v1, v2 in zip_longest(t1, t2, fillvalue=()):
                for c1, c2 in zip_longest(v1, v2, fillvalue=0):
                    if c1 == c2:
                        continue
                    if isinstance(c1, str):  # strings sort before numbers
                        return c1 < c2 if isinstance(c2, str) else True
                    if isinstance(c2, str):
                        return False
                    return c1 < c2
        return False

    def __gt__(self, other: Version) -> bool:
        return other < self

    def __le__(self, other: Version) -> bool:
        return not other < self

    def __ge__(self, other: Version) -> bool:
        return not self < other


@lru_cache(maxsize=8192)
def parse_version(text: str) -> Version:
    """Return a conda version (case-insensitive); raise InvalidVersionSpec where conda does."""
    version = text.strip().lower()
    if not version:
        raise InvalidVersionSpec("empty version string")
    if not _CHARS.match(version) and "-" in version and "_" not in version:
        version = version.replace("-", "_")  # dashes count as underscores when there are none
    if not _CHARS.match(version):
        raise InvalidVersionSpec(f"invalid version {text[:80]!r}: invalid character(s)")
    *epoch, rest = version.split("!")
    if len(epoch) > 1 or (epoch and not epoch[0].isdigit()):
        raise InvalidVersionSpec(f"invalid version {text[:80]!r}: the epoch must be one integer")
    release, *local = rest.split("+")
    if len(local) > 1 or not release:
        raise InvalidVersionSpec(f"invalid version {text[:80]!r}: one local part after a version")
    if release.endswith("_"):  # openssl-like `1.0.1_`: the underscore stays in the last part
        parts = release[:-1].replace("_", ".").split(".")
        parts[-1] += "_"
    else:
        parts = release.replace("_", ".").split(".")
    local_parts = local[0].replace("_", ".").split(".") if local else []
    return Version(version, _components([*(epoch or ["0"]), *parts], text), _components(local_parts, text))


def starts_with(version: Version, prefix: Version) -> bool:
    """Return conda's `VersionOrder.startswith`: equal up to prefix's last component, then a prefix."""
    if prefix.local:
        if not _same(version.release, prefix.release):
            return False
        t1, t2 = version.local, prefix.local
    else:
        t1, t2 = version.release, prefix.release
    last = len(t2) - 1
    if not _same(t1[:last], t2[:last]):
        return False
    v1 = t1[last] if len(t1) > last else ()
    v2 = t2[last]
    inner = len(v2) - 1
    if not _same((v1[:inner],), (v2[:inner],)):
        return False
    c1 = v1[inner] if len(v1) > inner else 0
    c2 = v2[inner]
    if isinstance(c2, str):
        return isinstance(c1, str) and c1.startswith(c2)
    return c1 == c2


def _compatible(version: Version, base: Version, text: str) -> bool:
    """Return conda's `~=`: at least base, and starting with base minus its last part."""
    head = ".".join(text.split(".")[:-1])
    return version >= base and bool(head) and starts_with(version, parse_version(head))


_OPERATORS = {
    "==": lambda v, b, t: v == b,
    "!=": lambda v, b, t: v != b,
    "<=": lambda v, b, t: v <= b,
    ">=": lambda v, b, t: v >= b,
    "<": lambda v, b, t: v < b,
    ">": lambda v, b, t: v > b,
    "=": lambda v, b, t: starts_with(v, b),
    "!=startswith": lambda v, b, t: not starts_with(v, b),
    "~=": _compatible,
}


@dataclass(frozen=True)
class VersionSpec:
    """A parsed conda version spec; `matches(version_string)` is conda's verdict."""

    text: str
    matcher: Matcher

    def matches(self, version: str) -> bool:
        """Return whether an installed version satisfies the spec."""
        return self.matcher(version)


def _leaf(term: str) -> Matcher:
    """Return the matcher of one term (no `,`, `|` or parentheses)."""
    term = term.strip()
    if not term:
        raise InvalidVersionSpec("empty version spec")
    if term[0] == "^" or term[-1] == "$":
        if term[0] != "^" or term[-1] != "$":
            raise InvalidVersionSpec(f"regex specs must start with '^' and end with '$': {term!r}")
        try:
            regex = re.compile(term)
        except re.error as err:
            raise InvalidVersionSpec(f"invalid regex {term!r}: {err}") from None
        return lambda v: bool(regex.match(v))
    if term[0] in _OPERATOR_START:
        found = _RELATION.match(term)
        if found is None:
            raise InvalidVersionSpec(f"invalid operator in {term!r}")
        operator, text = found.groups()
        if text.endswith(".*"):
            if operator == "~=":
                raise InvalidVersionSpec(f"invalid operator with '.*': {term!r}")
            text = text[:-2]
            operator = "!=startswith" if operator == "!=" else operator
        base = parse_version(text)
        func = _OPERATORS[operator]
        return lambda v: _safe(lambda: func(parse_version(v), base, text))
    if term == "*":
        return lambda v: True
    if "*" in term.rstrip("*"):
        pattern = term.replace(".", r"\.").replace("+", r"\+").replace("*", r".*")
        regex = re.compile(rf"^(?:{pattern})$")
        return lambda v: bool(regex.match(v))
    if term.endswith("*"):
        base = parse_version(term.rstrip("*").rstrip("."))
        return lambda v: _safe(lambda: starts_with(parse_version(v), base))
    if "@" in term:
        return lambda v: v == term
    base = parse_version(term)
    return lambda v: _safe(lambda: parse_version(v) == base)


def _safe(check: Callable[[], bool]) -> bool:
    """Return a comparison's result; an installed version conda cannot read matches nothing."""
    try:
        return check()
    except InvalidVersionSpec:
        return False


#: A term, or `(op, *children)` with op `|` or `,`.
Tree: TypeAlias = "str | tuple[Tree, ...]"


def _treeify(text: str) -> Tree:
    """Parse `,`, `|` and parentheses into a tree of ('|' | ',', children...) and terms."""
    output: list[Tree] = []
    stack: list[str] = []

    def reduce(stop: str) -> None:
        while stack and stack[-1] not in stop:
            if len(output) < 2:
                raise InvalidVersionSpec(f"cannot join a single expression in {text!r}")
            op = stack.pop()
            right, left = output.pop(), output.pop()
            right = right[1:] if isinstance(right, tuple) and right[0] == op else (right,)
            left = left[1:] if isinstance(left, tuple) and left[0] == op else (left,)
            output.append((op, *left, *right))

    for token in _TOKENS.findall(f"({text})"):
        token = token.strip()
        if token == "|":
            reduce("(")
            stack.append("|")
        elif token == ",":
            reduce("|(")
            stack.append(",")
        elif token == "(":
            stack.append("(")
        elif token == ")":
            reduce("(")
            if not stack:
                raise InvalidVersionSpec(f"unbalanced parentheses in {text!r}")
            stack.pop()
        elif token:
            output.append(token)
    if stack or len(output) != 1:
        raise InvalidVersionSpec(f"cannot parse version spec {text!r}")
    return output[0]


def _compile(tree: Tree) -> Matcher:
    """Return the matcher of a tree."""
    if isinstance(tree, str):
        return _leaf(tree)
    children = [_compile(child) for child in tree[1:]]
    if tree[0] == "|":
        return lambda v: any(m(v) for m in children)
    return lambda v: all(m(v) for m in children)


def version_spec(text: str) -> VersionSpec:
    """Parse a conda version spec; raise InvalidVersionSpec where conda does."""
    text = text.strip()
    if not text:
        raise InvalidVersionSpec("empty version spec")
    tree: Tree = _treeify(text) if re.match(r".*[()|,^$]", text) else text
    return VersionSpec(text, _compile(tree))
