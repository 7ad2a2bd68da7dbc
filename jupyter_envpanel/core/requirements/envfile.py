"""Parse environment.yml into typed requirements that remember their file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..base.budget import Budget, current
from ..base.errors import EnvFileError, FileNotFound
from .reqfile import Requirement, include_target, parse_requirements_file, read_text
from .specs import parse_conda, parse_pip
from .yamlfile import compose, mapping_get, where

__all__ = ["EnvFile", "Requirement", "parse_envfile", "parse_requirements_file", "prescan"]

MAX_BYTES = 1 << 20  # 1 MiB
STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class EnvFile:
    """A parsed environment.yml."""

    path: str
    name: str | None
    channels: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    #: What conda would ignore in the file, said (an earlier `pip:` list, other keys in an item).
    warnings: tuple[str, ...] = ()


def _string_items(path: Path, node: yaml.Node, what: str) -> list[yaml.ScalarNode]:
    """Return the items of a YAML sequence, each required to be a string."""
    if not isinstance(node, yaml.SequenceNode):
        line, col = where(node)
        raise EnvFileError(path, f"{what} must be a list", line, col)
    return list(node.value)


def _describe(node: yaml.Node) -> str:
    """Name what a YAML node holds, for an error message."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if not node.value.strip():
        return "empty"
    return {"int": "a number", "float": "a number", "bool": "a boolean", "null": "null"}.get(
        node.tag.rsplit(":", 1)[-1], f"a {node.tag.rsplit(':', 1)[-1]}"
    )


def _scalar(path: Path, node: yaml.Node, what: str) -> str:
    """Return the text of a string node or raise an error located at the node.

    conda reads YAML 1.2, where `yes`, `no`, `on`, `off` are strings (YAML 1.1's booleans).
    """
    if isinstance(node, yaml.ScalarNode) and node.value.strip():
        text: str = node.value
        if node.tag == STR_TAG or (node.tag == BOOL_TAG and text.lower() not in ("true", "false")):
            return text
    line, col = where(node)
    raise EnvFileError(path, f"{what} must be a string, got {_describe(node)}", line, col)


def _parse_entry(path: Path, node: yaml.Node, source: str) -> Requirement:
    """Parse one dependency string, locating a bad spec at its line and column."""
    text = _scalar(path, node, f"a {source} dependency")
    line, col = where(node)
    try:
        spec = parse_conda(text) if source == "conda" else parse_pip(text)
    except ValueError as err:
        raise EnvFileError(path, str(err), line, col) from None
    return Requirement(spec, source, str(path), line, col)


def prescan(path: Path, text: str, budget: Budget) -> None:
    """Refuse a file with more lines and items than the entries budget allows, before YAML parses it."""
    limit = 2 * budget.limits.entries  # room for names, channels, comments and blank lines
    if text.count("\n") + text.count(",") > limit:
        raise EnvFileError(
            path, f"holds more than {limit} lines and items: past the budget of one request; not read"
        )


def _parse_pip_section(path: Path, node: yaml.Node, root: Path | None, budget: Budget) -> list[Requirement]:
    """Parse the `pip:` list, following `-r file` relative to the environment file."""
    out: list[Requirement] = []
    for item in _string_items(path, node, "pip"):
        text = _scalar(path, item, "a pip dependency")
        target = include_target(text.strip())
        if target:
            line, col = where(item)
            try:
                out.extend(
                    parse_requirements_file(path.parent / target, (str(path.resolve()),), root, budget)
                )
            except FileNotFound as err:
                raise EnvFileError(path, f"-r {target}: {err.detail} ({err.path})", line, col) from None
            except EnvFileError as err:
                if err.status != 403:
                    raise
                raise EnvFileError(path, f"-r {target}: {err.detail}", line, col, status=403) from None
            continue
        budget.add_entries(path, 1, where(item)[0])
        out.append(_parse_entry(path, item, "pip"))
    return out


def parse_envfile(path: Path | str, text: str | None = None, confine: Path | None = None) -> EnvFile:
    """Parse an environment file; every problem raises EnvFileError with file, line, column.

    With `confine`, files it includes (`-r`) must resolve inside that folder (the server's root).
    """
    path = Path(path)
    budget = current()
    text = read_text(path) if text is None else text
    budget.open_file(path)
    budget.read(path, len(text))
    prescan(path, text, budget)
    root = compose(path, text)
    if root is None:
        raise EnvFileError(path, "file is empty", 1, 1)
    if not isinstance(root, yaml.MappingNode):
        line, col = where(root)
        raise EnvFileError(path, "top level must be a mapping with `dependencies:`", line, col)
    _check_mappings(path, root)
    name_node = mapping_get(root, "name")
    name = name_node.value if isinstance(name_node, yaml.ScalarNode) else None
    channels: list[str] = []
    channels_node = mapping_get(root, "channels")
    if channels_node is not None and not (
        isinstance(channels_node, yaml.ScalarNode) and channels_node.value == ""
    ):
        channels = [_scalar(path, n, "a channel") for n in _string_items(path, channels_node, "channels")]
    deps_node = mapping_get(root, "dependencies")
    requirements: list[Requirement] = []
    if deps_node is None or (isinstance(deps_node, yaml.ScalarNode) and deps_node.value in ("", "null", "~")):
        deps = []
    else:
        deps = _string_items(path, deps_node, "dependencies")
    warnings: list[str] = []
    pip_items = [item for item in deps if isinstance(item, yaml.MappingNode) and mapping_get(item, "pip")]
    for item in deps:
        if isinstance(item, yaml.MappingNode):
            line = where(item)[0]
            others = [str(k.value)[:40] for k, _ in item.value if getattr(k, "value", None) != "pip"]
            if others:
                warnings.append(
                    f"{path.name}:{line}: `{'`, `'.join(others)}` in dependencies: ignored, as by conda"
                )
            pip = mapping_get(item, "pip")
            if item in pip_items[:-1]:
                last = where(pip_items[-1])[0]
                note = f"conda uses only the last `pip:` list (line {last}); this one is not checked"
                warnings.append(f"{path.name}:{line}: {note}")
            elif pip is not None:  # the last `pip:` list
                requirements.extend(_parse_pip_section(path, pip, confine, budget))
            continue
        budget.add_entries(path, 1, where(item)[0])
        requirements.append(_parse_entry(path, item, "conda"))
    return EnvFile(str(path), name, tuple(channels), tuple(requirements), tuple(warnings))


def _check_mappings(path: Path, root: yaml.MappingNode) -> None:
    """Apply `<<` merge keys as conda's YAML reader does, and refuse duplicate keys as it does."""
    loader = yaml.SafeLoader("")
    stack: list[yaml.Node] = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            try:
                loader.flatten_mapping(node)
            except yaml.MarkedYAMLError as err:
                mark = err.problem_mark or node.start_mark
                raise EnvFileError(
                    path, f"invalid YAML: {err.problem}", mark.line + 1, mark.column + 1
                ) from None
            keys: dict[str, int] = {}  # the line each key is first at
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value in keys:
                    first = keys[key.value]
                    line, col = where(key)
                    raise EnvFileError(
                        path,
                        f"duplicate key `{str(key.value)[:40]}` (first at line {first}); conda refuses it",
                        line,
                        col,
                    )
                if isinstance(key, yaml.ScalarNode):
                    keys[key.value] = where(key)[0]
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
