"""pixi.toml and pyproject.toml `[tool.pixi]`: what one pixi environment asks for, on this platform.

An environment is the default feature plus the features `[environments]` lists for it (the
`default` environment: the default feature, plus the features `[environments] default` lists).
Each feature gives `[dependencies]` (conda MatchSpecs, read with py-rattler's MatchSpec rules),
`[pypi-dependencies]` and the `[target.<selector>.*]` tables that match this platform, which
replace the feature's entry of the same name. Each entry keeps the line and column of its key.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from ..base.budget import current
from ..base.errors import EnvFileError, excerpt
from ..base.safe_read import BadToml, UnreadableFile, parse_toml
from .envfile import EnvFile
from .locks import Target
from .reqfile import Requirement, read_text
from .specs import PipSpec, parse_conda, parse_pip

Place = tuple[int, int]
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^(\s*)((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*="""
)
_PART = re.compile(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)""")
#: Table keys of a conda dependency pixi takes, by conda's MatchSpec field name.
_CONDA_FIELDS = {"build": "build", "build-number": "build_number", "file-name": "fn", "subdir": "subdir"}
_CONDA_FIELDS |= {"md5": "md5", "sha256": "sha256", "license": "license"}
_SOURCE_KEYS = ("path", "git", "url")


def _quotable(text: str) -> bool:
    """Return whether a table value can be written inside a MatchSpec's quotes (printable, no quote)."""
    return text.isprintable() and '"' not in text


def _key_path(text: str) -> tuple[str, ...]:
    """Return the parts of a dotted TOML key (`a."b.c".d` -> a, b.c, d), escapes read as TOML reads them."""
    parts = []
    for match in _PART.finditer(text):
        part = next(g for g in match.groups() if g is not None)
        if match.group(1) is not None and "\\" in part:
            try:
                part = next(iter(parse_toml(f"{match.group(0)} = 0", "key")))
            except BadToml:
                pass
        parts.append(part)
    return tuple(parts)


def key_places(text: str) -> dict[tuple[str, ...], Place]:
    """Return (line, column) of each table header and `key =` line, by full key path (first wins)."""
    places: dict[tuple[str, ...], Place] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _key_path(header.group(1))
            places.setdefault(table, (number, line.index("[") + 1))
            continue
        key = _KEY.match(line)
        if key:
            places.setdefault(table + _key_path(key.group(2)), (number, len(key.group(1)) + 1))
    return places


class _Manifest:
    """One manifest's tables, places and collected entries."""

    def __init__(self, path: Path, text: str, prefix: tuple[str, ...]) -> None:
        self.path, self.text, self.prefix = path, text, prefix
        self.places = key_places(text)
        self.warnings: list[str] = []

    def where(self, keys: tuple[str, ...], absolute: bool = False) -> Place:
        """Return the place of a key path, or of its nearest written parent (inline tables)."""
        full = keys if absolute else self.prefix + keys
        for end in range(len(full), 0, -1):
            if full[:end] in self.places:
                return self.places[full[:end]]
        return 1, 1

    def fail(self, keys: tuple[str, ...], detail: str) -> EnvFileError:
        """Return an error located at a key path."""
        return EnvFileError(self.path, detail, *self.where(keys))

    def table(self, value: Any, keys: tuple[str, ...]) -> dict[str, Any]:
        """Return a table value (absent: empty); anything else is an error at its key."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(keys, f"`{'.'.join(keys)}` must be a table, got {type(value).__name__}")
        return value

    def strings(self, value: Any, keys: tuple[str, ...]) -> list[str]:
        """Return a list of strings (absent: empty); anything else is an error at its key."""
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(keys, f"`{'.'.join(keys)}` must be a list of strings")
        return list(value)


def _conda_spec(m: _Manifest, name: str, value: Any, keys: tuple[str, ...]) -> str | None:
    """Return the MatchSpec string of a `[dependencies]` entry (None: a source dependency, said)."""
    from rattler import MatchSpec, NamelessMatchSpec, PackageName

    if isinstance(value, dict):
        try:
            PackageName(name)
        except Exception as err:  # py-rattler's InvalidPackageNameError
            raise m.fail(keys, f"invalid package name: {excerpt(str(err), 160)}") from None
        source = next((k for k in _SOURCE_KEYS if k in value), None)
        if source:
            m.warnings.append(
                f"{m.path.name}: {name}: a {source} (source) dependency is built by pixi; not checked"
            )
            return None
        fields = [f'version="{_version(m, value.get("version", "*"), keys)}"']
        for key, field in _CONDA_FIELDS.items():
            if key in value:
                text = str(value[key])
                if (
                    not isinstance(value[key], (str, int))
                    or isinstance(value[key], bool)
                    or not _quotable(text)
                ):
                    raise m.fail(keys, f"`{name}`: `{key}` must be a string")
                fields.append(f'{field}="{text}"')
        channel = value.get("channel")
        if channel is not None and (not isinstance(channel, str) or not channel.isprintable()):
            raise m.fail(keys, f"`{name}`: `channel` must be a string of printable characters")
        return f"{channel + '::' if channel else ''}{name}[{', '.join(fields)}]"
    if not isinstance(value, str):
        raise m.fail(keys, f"`{name}` must be a version string or a table, got {type(value).__name__}")
    if not value.isprintable():  # py-rattler would take a control character as a build string
        raise m.fail(keys, f"invalid spec for `{name}`: {excerpt(value, 80)} holds a control character")
    try:
        return str(MatchSpec.from_nameless(NamelessMatchSpec(value), name))
    except Exception as err:  # py-rattler's InvalidMatchSpecError / PackageNameMatcherParseError
        raise m.fail(keys, f"invalid spec for `{name}`: {excerpt(str(err), 160)}") from None


def _version(m: _Manifest, value: Any, keys: tuple[str, ...]) -> str:
    """Return a version spec as pixi reads it (`1.8` means `==1.8`), checked by py-rattler."""
    from rattler import NamelessMatchSpec

    if not isinstance(value, str) or not _quotable(value):
        raise m.fail(keys, f"`{keys[-1]}`: `version` must be a version string")
    try:
        return str(NamelessMatchSpec(value).version or "*")
    except Exception as err:  # py-rattler's InvalidMatchSpecError
        raise m.fail(keys, f"invalid version for `{keys[-1]}`: {excerpt(str(err), 160)}") from None


def _pypi_spec(m: _Manifest, name: str, value: Any, keys: tuple[str, ...]) -> PipSpec:
    """Return the spec of a `[pypi-dependencies]` entry; path, git and URL entries are skips."""
    canonical = canonicalize_name(name)
    if isinstance(value, str):
        return parse_pip(name + ("" if value.strip() in ("", "*") else value))
    if not isinstance(value, dict):
        raise m.fail(keys, f"`{name}` must be a version string or a table, got {type(value).__name__}")
    source = next((k for k in _SOURCE_KEYS if k in value), None)
    if source:
        kind = "editable install" if value.get("editable") else f"{source} dependency"
        return PipSpec(
            f"{name} {excerpt(str(value[source]), 80)}", canonical, None, f"{kind} cannot be checked offline"
        )
    version = value.get("version", "*")
    extras = m.strings(value.get("extras"), keys + ("extras",))
    if not isinstance(version, str):
        raise m.fail(keys, f"`{name}`: `version` must be a string")
    text = (
        name + (f"[{','.join(extras)}]" if extras else "") + ("" if version.strip() in ("", "*") else version)
    )
    return parse_pip(text)


def _parse(m: _Manifest, spec: Any, source: str, keys: tuple[str, ...]) -> Requirement:
    """Return a Requirement located at its key; a bad spec is an error there."""
    line, column = m.where(keys)
    try:
        parsed = parse_conda(spec) if source == "conda" else spec
    except ValueError as err:
        raise EnvFileError(m.path, str(err), line, column) from None
    return Requirement(parsed, source, str(m.path), line, column)


def selector_matches(selector: str, subdir: str) -> bool:
    """Return whether a `[target.<selector>]` applies to a platform: pixi's platforms, families, globs."""
    family = subdir.split("-", 1)[0]
    if selector == "unix":
        return family != "win"
    if "*" in selector or "?" in selector:  # a platform glob (`linux-*`)
        return fnmatch.fnmatchcase(subdir, selector)
    return selector in (subdir, family) or (selector == "macos" and family == "osx")


def _feature(m: _Manifest, table: dict[str, Any], keys: tuple[str, ...], subdir: str) -> list[Requirement]:
    """Return a feature's entries for this platform: matching targets extend it in file order, as pixi."""
    out: dict[tuple[str, str], Requirement] = {}
    scopes: list[tuple[dict[str, Any], tuple[str, ...]]] = [(table, keys)]
    targets = m.table(table.get("target"), keys + ("target",))
    for selector, value in targets.items():
        if selector_matches(selector, subdir):
            scopes.append((m.table(value, keys + ("target", selector)), keys + ("target", selector)))
    for scope, where in scopes:
        for key, source in (("dependencies", "conda"), ("pypi-dependencies", "pip")):
            for name, value in m.table(scope.get(key), where + (key,)).items():
                entry_keys = where + (key, name)
                if source == "conda":
                    spec: Any = _conda_spec(m, name, value, entry_keys)
                    if spec is None:
                        continue
                else:
                    try:
                        spec = _pypi_spec(m, name, value, entry_keys)
                    except ValueError as err:
                        raise m.fail(entry_keys, str(err)) from None
                out[(source, name.lower() if source == "conda" else canonicalize_name(name))] = _parse(
                    m, spec, source, entry_keys
                )
    return list(out.values())


def _features_of(m: _Manifest, root: dict[str, Any], name: str) -> tuple[bool, list[str]]:
    """Return (with the default feature, the named features) of an environment."""
    envs = m.table(root.get("environments"), ("environments",))
    if name not in envs:
        if name == "default":
            return True, []
        defined = ", ".join(["default", *sorted(k for k in envs if k != "default")])
        raise EnvFileError(
            m.path, f"no environment {name!r} in {m.path.name} (it defines: {defined})", status=422
        )
    value = envs[name]
    if isinstance(value, list):
        return True, m.strings(value, ("environments", name))
    table = m.table(value, ("environments", name))
    return not table.get("no-default-feature", False), m.strings(
        table.get("features"), ("environments", name)
    )


def _project_pip(m: _Manifest, data: Any, keys: tuple[str, ...]) -> list[Requirement]:
    """Return the PEP 508 strings of a pyproject array (`[project] dependencies`, an extra, a group)."""
    out: list[Requirement] = []
    line, column = m.where(keys, absolute=True)
    offset = sum(len(x) + 1 for x in m.text.splitlines()[: line - 1])
    if data is None:
        return out
    if not isinstance(data, list):
        raise EnvFileError(m.path, f"`{'.'.join(keys)}` must be a list", line, column)
    for item in data:
        if not isinstance(item, str):  # `{include-group = ...}` in a dependency group
            what = "an include-group" if isinstance(item, dict) and "include-group" in item else "an entry"
            m.warnings.append(
                f"{m.path.name}:{line}: {what} in {'.'.join(keys)} is not a string: not checked"
            )
            continue
        found = m.text.find(item, offset)
        if found >= 0:
            found -= m.text[found - 1 : found] in ("'", '"')  # the string's opening quote
            line = m.text.count("\n", 0, found) + 1
            column = found - m.text.rfind("\n", 0, found)
        try:
            out.append(Requirement(parse_pip(item), "pip", str(m.path), line, column))
        except ValueError as err:
            raise EnvFileError(m.path, str(err), line, column) from None
    return out


def read_pixi_manifest(path: Path, target: Target) -> EnvFile:
    """Read what a pixi environment asks for from pixi.toml or pyproject.toml `[tool.pixi]`."""
    path = Path(path)
    budget = current()
    budget.open_file(path)
    text = read_text(path, "project file")
    budget.read(path, len(text))
    try:
        data = parse_toml(text, path)
    except BadToml as err:
        where = _AT.search(str(err))
        line, column = (int(where.group(1)), int(where.group(2))) if where else (None, None)
        raise EnvFileError(path, f"invalid TOML: {_AT.sub('', str(err)).strip()}", line, column) from None
    except UnreadableFile as err:
        raise EnvFileError(path, err.reason) from None
    except RecursionError:
        raise EnvFileError(path, "nested too deeply; not read") from None
    pyproject = path.name == "pyproject.toml"
    prefix = ("tool", "pixi") if pyproject else ()
    m = _Manifest(path, text, prefix)
    root = data.get("tool", {}).get("pixi") if pyproject and isinstance(data.get("tool"), dict) else data
    if not isinstance(root, dict):
        raise EnvFileError(path, "no [tool.pixi] table: not a pixi manifest", 1, 1)
    workspace_key = "workspace" if "workspace" in root else "project"
    workspace = m.table(root.get(workspace_key), (workspace_key,))
    channels = _channels(m, workspace.get("channels"), (workspace_key, "channels"))
    name = target.environment or "default"
    with_default, features = _features_of(m, root, name)
    project = _plain_table(data, "project")
    requirements: list[Requirement] = []
    if with_default:
        requirements += _feature(m, root, (), target.subdir)
        if pyproject:
            requirements += _project_pip(m, project.get("dependencies"), ("project", "dependencies"))
    defined = m.table(root.get("feature"), ("feature",))
    for feature in features:
        if feature in defined:
            table = m.table(defined[feature], ("feature", feature))
            requirements += _feature(m, table, ("feature", feature), target.subdir)
            channels += [
                c for c in _channels(m, table.get("channels"), ("feature", feature)) if c not in channels
            ]
        elif not _pyproject_feature(m, data, feature, requirements):
            raise m.fail(
                ("environments", name), f"environment {name!r} uses feature {feature!r}, not defined"
            )
    budget.add_entries(path, len(requirements))
    return EnvFile(str(path), name, tuple(channels), tuple(requirements), tuple(m.warnings))


def _pyproject_feature(m: _Manifest, data: dict[str, Any], feature: str, out: list[Requirement]) -> bool:
    """Add the entries of a pyproject extra or dependency group pixi reads as a feature; False if none."""
    if m.path.name != "pyproject.toml":
        return False
    project = _plain_table(data, "project")
    for keys, table in (
        (("project", "optional-dependencies"), project.get("optional-dependencies")),
        (("dependency-groups",), data.get("dependency-groups")),
    ):
        if isinstance(table, dict) and feature in table:
            out += _project_pip(m, table[feature], keys + (feature,))
            return True
    return False


def _channels(m: _Manifest, value: Any, keys: tuple[str, ...]) -> list[str]:
    """Return channel names; an entry may be a string or a table `{channel = ..., priority = ...}`."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise m.fail(keys, "`channels` must be a list")
    out = []
    for item in value:
        name = item.get("channel") if isinstance(item, dict) else item
        if not isinstance(name, str):
            raise m.fail(keys, "each channel must be a string or a table with `channel`")
        out.append(name)
    return out


def _plain_table(data: dict[str, Any], key: str) -> dict[str, Any]:
    """Return `data[key]` when it is a table, else an empty one (pixi's own tables are checked)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}
