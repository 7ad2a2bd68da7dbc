"""YAML definitions (environment.yml, pixi.lock, conda-lock.yml) composed through safe_read, nodes placed.

Composing builds nodes only (no objects); a syntax error becomes EnvFileError at the place a user
fixes: the bracket or quote opened and never closed, else the parser's mark.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..base.errors import EnvFileError
from ..base.safe_parse import compose_yaml
from ..base.safe_read import UnreadableFile


def where(node: yaml.Node) -> tuple[int, int]:
    """Return the 1-based line and column where a YAML node starts."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def mapping_get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    """Return the value node of a key in a mapping node."""
    pairs: list[tuple[yaml.Node, yaml.Node]] = node.value
    for key_node, value_node in pairs:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _unclosed_flow(text: str) -> yaml.Mark | None:
    """Return where the innermost `[` or `{` that is never closed was opened, if one is."""
    openers: list[yaml.Mark] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                openers.append(token.start_mark)
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and openers:
                openers.pop()
    except yaml.YAMLError:
        pass
    return openers[-1] if openers else None


def compose(path: Path, text: str) -> yaml.Node | None:
    """Compose YAML safely into nodes (no objects built), mapping syntax errors to locations."""
    try:
        return compose_yaml(text, path)
    except UnreadableFile as err:
        raise EnvFileError(path, err.reason) from None
    except yaml.MarkedYAMLError as err:
        opener = _unclosed_flow(text)
        mark = err.problem_mark or err.context_mark
        if opener is not None and (mark is None or opener.line <= mark.line):
            bracket = text[opener.index] if opener.index < len(text) else "["
            raise EnvFileError(
                path,
                f"invalid YAML: {bracket!r} opened here is never closed",
                opener.line + 1,
                opener.column + 1,
            ) from None
        if err.context == "while scanning a quoted scalar" and err.context_mark is not None:
            mark = err.context_mark  # where the quote that never closes was opened
            raise EnvFileError(
                path, "invalid YAML: quote opened here is never closed", mark.line + 1, mark.column + 1
            ) from None
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise EnvFileError(path, f"invalid YAML: {err.problem or err.context}", line, col) from None
    except yaml.YAMLError as err:
        raise EnvFileError(path, f"invalid YAML: {type(err).__name__}") from None
