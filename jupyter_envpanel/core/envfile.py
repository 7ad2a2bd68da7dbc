"""Parse environment.yml into typed requirements that remember their file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple, Union

import yaml

from .budget import Budget, current
from .errors import EnvFileError, FileNotFound
from .paths import inside
from .safe_read import UnreadableFile, compose_yaml
from .safe_read import read_text as safe_read_text
from .specs import CondaSpec, PipSpec, parse_conda, parse_pip

MAX_BYTES = 1 << 20  # 1 MiB
STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Requirement:
    """One entry of an environment file (conda or pip), with where it was written."""

    spec: Union[CondaSpec, PipSpec]
    source: str  # "conda" or "pip"
    file: str
    line: int
    column: int

    @property
    def name(self) -> Optional[str]:
        """Return the normalised package name, None for lines that name no package."""
        return self.spec.name


@dataclass(frozen=True)
class EnvFile:
    """A parsed environment.yml."""

    path: str
    name: Optional[str]
    channels: Tuple[str, ...]
    requirements: Tuple[Requirement, ...]


def read_text(path: Path, kind: str = "environment file") -> str:
    """Read a text file under the size limit, mapping every failure to EnvFileError."""
    try:
        return safe_read_text(path, kind)
    except FileNotFoundError:
        raise FileNotFound(path) from None
    except IsADirectoryError:
        raise EnvFileError(path, "is a directory, not an environment file", status=400) from None
    except PermissionError:
        raise EnvFileError(path, "permission denied", status=403) from None
    except UnreadableFile as err:
        raise EnvFileError(path, err.reason, status=400) from None
    except OSError as err:
        raise EnvFileError(path, f"cannot read: {err.strerror or err}", status=400) from None


def _where(node: yaml.Node) -> Tuple[int, int]:
    """Return the 1-based line and column where a YAML node starts."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def _mapping_get(node: yaml.MappingNode, key: str) -> Optional[yaml.Node]:
    """Return the value node of a key in a mapping node."""
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _string_items(path: Path, node: yaml.Node, what: str) -> List[yaml.ScalarNode]:
    """Return the items of a YAML sequence, each required to be a string."""
    if not isinstance(node, yaml.SequenceNode):
        line, col = _where(node)
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
    """Return the text of a string node or raise an error located at the node."""
    if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG and node.value.strip():
        return node.value
    line, col = _where(node)
    raise EnvFileError(path, f"{what} must be a string, got {_describe(node)}", line, col)


def _unclosed_flow(text: str) -> Optional[yaml.Mark]:
    """Return where the innermost `[` or `{` that is never closed was opened, if one is."""
    openers: List[yaml.Mark] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                openers.append(token.start_mark)
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and openers:
                openers.pop()
    except yaml.YAMLError:
        pass
    return openers[-1] if openers else None


def _compose(path: Path, text: str) -> Optional[yaml.Node]:
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


def _parse_entry(path: Path, node: yaml.Node, source: str) -> Requirement:
    """Parse one dependency string, locating a bad spec at its line and column."""
    text = _scalar(path, node, f"a {source} dependency")
    line, col = _where(node)
    try:
        spec = parse_conda(text) if source == "conda" else parse_pip(text)
    except ValueError as err:
        raise EnvFileError(path, str(err), line, col) from None
    return Requirement(spec, source, str(path), line, col)


def _confined(path: Path, root: Optional[Path]) -> None:
    """Refuse (403) a file that resolves outside root, when a root confines reading."""
    if root is not None and not inside(path, root):
        raise EnvFileError(path, "resolves outside the server root; not read", status=403)


def parse_requirements_file(
    path: Path,
    seen: Tuple[str, ...] = (),
    root: Optional[Path] = None,
    budget: Optional[Budget] = None,
    counted: bool = False,
) -> List[Requirement]:
    """Parse a pip requirements file (`-r` from environment.yml), following nested `-r` within a budget.

    `counted`: the including file has counted this open already (and located it at its `-r` line).
    """
    budget = budget or current()
    if not counted:
        budget.open_file(path, depth=len(seen))
    _confined(path, root)
    real = str(path.resolve())
    if real in seen:
        raise EnvFileError(path, "requirements files include each other (a -r cycle)", status=400)
    text = read_text(path, "requirements file")
    budget.read(path, len(text))
    out: List[Requirement] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        budget.add_entries(path, 1, number)
        column = len(raw) - len(raw.lstrip()) + 1
        nested = _include_target(line)
        if nested:
            budget.open_file(path, number, depth=len(seen) + 1)
            out.extend(parse_requirements_file(path.parent / nested, seen + (real,), root, budget, True))
            continue
        try:
            spec = parse_pip(line)
        except ValueError as err:
            raise EnvFileError(path, str(err), number, column) from None
        out.append(Requirement(spec, "pip", str(path), number, column))
    return out


def _include_target(line: str) -> Optional[str]:
    """Return the file of a `-r FILE` / `--requirement=FILE` line, else None."""
    for flag in ("-r", "--requirement"):
        if line.startswith(flag + " ") or line.startswith(flag + "="):
            return line[len(flag) + 1 :].strip()
        if flag == "-r" and line.startswith("-r") and len(line) > 2 and line[2] not in "-":
            return line[2:].strip()
    return None


def prescan(path: Path, text: str, budget: Budget) -> None:
    """Refuse a file with more lines and items than the entries budget allows, before YAML parses it."""
    limit = 2 * budget.limits.entries  # room for names, channels, comments and blank lines
    if text.count("\n") + text.count(",") > limit:
        raise EnvFileError(
            path, f"holds more than {limit} lines and items: past the budget of one request; not read"
        )


def _parse_pip_section(
    path: Path, node: yaml.Node, root: Optional[Path], budget: Budget
) -> List[Requirement]:
    """Parse the `pip:` list, following `-r file` relative to the environment file."""
    out: List[Requirement] = []
    for item in _string_items(path, node, "pip"):
        text = _scalar(path, item, "a pip dependency")
        target = _include_target(text.strip())
        if target:
            line, col = _where(item)
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
        budget.add_entries(path, 1, _where(item)[0])
        out.append(_parse_entry(path, item, "pip"))
    return out


def parse_envfile(path: Path | str, text: Optional[str] = None, confine: Optional[Path] = None) -> EnvFile:
    """Parse an environment file; every problem raises EnvFileError with file, line, column.

    With `confine`, files it includes (`-r`) must resolve inside that folder (the server's root).
    """
    path = Path(path)
    budget = current()
    text = read_text(path) if text is None else text
    budget.open_file(path)
    budget.read(path, len(text))
    prescan(path, text, budget)
    root = _compose(path, text)
    if root is None:
        raise EnvFileError(path, "file is empty", 1, 1)
    if not isinstance(root, yaml.MappingNode):
        line, col = _where(root)
        raise EnvFileError(path, "top level must be a mapping with `dependencies:`", line, col)
    name_node = _mapping_get(root, "name")
    name = name_node.value if isinstance(name_node, yaml.ScalarNode) else None
    channels: List[str] = []
    channels_node = _mapping_get(root, "channels")
    if channels_node is not None and not (
        isinstance(channels_node, yaml.ScalarNode) and channels_node.value == ""
    ):
        channels = [_scalar(path, n, "a channel") for n in _string_items(path, channels_node, "channels")]
    deps_node = _mapping_get(root, "dependencies")
    requirements: List[Requirement] = []
    if deps_node is None or (isinstance(deps_node, yaml.ScalarNode) and deps_node.value in ("", "null", "~")):
        deps = []
    else:
        deps = _string_items(path, deps_node, "dependencies")
    pip_seen = False
    for item in deps:
        if isinstance(item, yaml.MappingNode):
            pip_node = _mapping_get(item, "pip")
            if pip_node is None or len(item.value) != 1:
                line, col = _where(item)
                raise EnvFileError(
                    path, "only a `pip:` list may appear as a mapping in dependencies", line, col
                )
            if pip_seen:
                line, col = _where(item)
                raise EnvFileError(path, "more than one `pip:` list in dependencies", line, col)
            pip_seen = True
            requirements.extend(_parse_pip_section(path, pip_node, confine, budget))
            continue
        budget.add_entries(path, 1, _where(item)[0])
        requirements.append(_parse_entry(path, item, "conda"))
    return EnvFile(str(path), name, tuple(channels), tuple(requirements))
