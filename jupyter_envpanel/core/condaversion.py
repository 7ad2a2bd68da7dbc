"""conda's version-spec language, judged as conda judges it; version order from py-rattler.

The grammar and its rules follow conda's `models/version.py` (read, not copied): `,` (and) binds
tighter than `|` (or), parentheses group; a term is a `^...$` regex over the version string, an
operator (`==`, `!=`, `<`, `<=`, `>`, `>=`, `=` starts-with, `~=` compatible release) and a
version, `*`, a glob (`1.*.0`, a regex), a trailing `*` (starts-with) or a plain version (`==`).
py-rattler's `Version` gives conda's ordering and component split; starts-with is conda's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, List, Tuple, Union

from rattler import Version

_TOKENS = re.compile(r"\s*(\^[^$]*[$]|[()|,]|[^()|,]+)")
_RELATION = re.compile(r"^(=|==|!=|<=|>=|<|>|~=)(?![=<>!~])(\S+)$")
_OPERATOR_START = "=<>!~"

Matcher = Callable[[str], bool]


class InvalidVersionSpec(ValueError):
    """A version spec conda itself rejects."""


def parse_version(text: str) -> Version:
    """Return a conda version (case-insensitive); raise InvalidVersionSpec when conda would."""
    try:
        return Version(text.strip().lower())
    except Exception as err:  # py-rattler raises its own types
        raise InvalidVersionSpec(f"invalid version {text!r}: {str(err).splitlines()[0][:80]}") from None


def _components(version: Version) -> Tuple[List[list], List[list]]:
    """Return conda's component lists (epoch first; numbers, strings) of the release and local parts."""
    epoch = version.epoch or 0
    return [[epoch], *[list(s) for s in version.segments()]], [list(s) for s in version.local_segments()]


def _same(t1: list, t2: list) -> bool:
    """Compare component lists as conda does: missing parts count as 0 (1.1 == 1.1.0)."""
    for i in range(max(len(t1), len(t2))):
        v1 = t1[i] if i < len(t1) else []
        v2 = t2[i] if i < len(t2) else []
        for j in range(max(len(v1), len(v2))):
            c1 = v1[j] if j < len(v1) else 0
            c2 = v2[j] if j < len(v2) else 0
            if str(c1).lower() != str(c2).lower():
                return False
    return True


def starts_with(version: Version, prefix: Version) -> bool:
    """Return conda's `VersionOrder.startswith`: equal up to prefix's last component, then a prefix."""
    release, local = _components(version)
    p_release, p_local = _components(prefix)
    if p_local:
        if not _same(release, p_release):
            return False
        t1, t2 = local, p_local
    else:
        t1, t2 = release, p_release
    last = len(t2) - 1
    if not _same(t1[:last], t2[:last]):
        return False
    v1 = t1[last] if len(t1) > last else []
    v2 = t2[last]
    inner = len(v2) - 1
    if not _same([v1[:inner]], [v2[:inner]]):
        return False
    c1 = v1[inner] if len(v1) > inner else 0
    c2 = v2[inner]
    if isinstance(c2, str):
        return isinstance(c1, str) and c1.lower().startswith(c2.lower())
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


Tree = Union[str, Tuple]


def _treeify(text: str) -> Tree:
    """Parse `,`, `|` and parentheses into a tree of ('|' | ',', children...) and terms."""
    output: List[Tree] = []
    stack: List[str] = []

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
