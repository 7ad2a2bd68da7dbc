"""TOML and YAML from a user's disk, parsed safely: depth checked, every error with its line and column.

The parsers are imported when such a file is read, never by a plain listing (core/base/safe_read.py
reads the bytes: regular files only, size caps).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import excerpt
from .safe_read import MAX_DEPTH, UnreadableFile, check_depth, read_text

if TYPE_CHECKING:
    import yaml


class BadToml(ValueError):
    """A TOML file that does not parse; the message is the parser's (with line and column)."""


def parse_toml(text: str, path: str | Path) -> dict[str, Any]:
    """Parse TOML (depth checked); a broken file raises BadToml, deep nesting RecursionError too.

    The parser is imported here, when a TOML file is read, not by a plain listing.
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise BadToml(str(err)) from None
    check_depth(data, path)
    return data


def compose_yaml(text: str, path: str | Path) -> yaml.Node | None:
    """Compose YAML into nodes with the safe loader; excessive nesting is UnreadableFile.

    `yaml.MarkedYAMLError` propagates so callers can report its line and column.
    """
    import yaml  # imported when a YAML file is read, not by a plain listing

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise UnreadableFile(path, f"nested deeper than {MAX_DEPTH} levels; not read") from None
    _check_node_depth(node, path)
    return node


def _check_node_depth(node: yaml.Node | None, path: str | Path) -> None:
    """Raise UnreadableFile when YAML collections nest deeper than MAX_DEPTH."""
    import yaml

    stack: list[tuple[yaml.Node | None, int]] = [(node, 1)]
    seen: set[int] = set()
    while stack:
        item, depth = stack.pop()
        if id(item) in seen:  # an alias: its node was checked where it was defined
            continue
        seen.add(id(item))
        if isinstance(item, yaml.SequenceNode):
            children = list(item.value)
        elif isinstance(item, yaml.MappingNode):
            children = [v for pair in item.value for v in pair]
        else:
            continue
        if depth > MAX_DEPTH:
            raise UnreadableFile(path, f"nested deeper than {MAX_DEPTH} levels; not read")
        stack.extend((child, depth + 1) for child in children)


def _located_loader() -> type[yaml.SafeLoader]:
    """Return a safe loader whose bad tagged values (`!!int abc`) fail with their line and column."""
    import yaml

    class Loader(yaml.SafeLoader):
        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, TypeError, OverflowError):
                problem = f"not a valid {node.tag.rsplit(':', 1)[-1]}: {excerpt(str(node.value))}"
                raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    return Loader


def load_yaml(path: str | Path, kind: str) -> Any:
    """Return a small YAML file's value (safe loader, size cap, depth check); errors are UnreadableFile."""
    text = read_text(path, kind)  # a missing file raises before yaml is imported
    import yaml

    try:
        node = compose_yaml(text, path)
        if node is None:
            return None
        return _located_loader()(text).construct_document(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise UnreadableFile(path, f"invalid YAML{where}: {err.problem or err.context}") from None
    except (yaml.YAMLError, RecursionError) as err:
        raise UnreadableFile(path, f"invalid YAML: {type(err).__name__}") from None
