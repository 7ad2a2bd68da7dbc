"""pixi.toml and pyproject.toml `[tool.pixi]`: what one pixi environment asks for, on this platform.

An environment is the default feature plus the features `[environments]` lists for it (the
`default` environment: the default feature, plus the features `[environments] default` lists).
Each feature gives `[dependencies]` (conda MatchSpecs, read with py-rattler's MatchSpec rules),
`[pypi-dependencies]` and the `[target.<selector>.*]` tables that match this platform, which extend
it in file order (a later entry of the same name replaces an earlier one), as pixi merges them.
Each entry keeps the line and column of its key (requirements.pixientry).
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from ..base.budget import current
from ..base.distname import canonical_name
from ..base.errors import EnvFileError
from .envfile import EnvFile
from .pixientry import Manifest, conda_spec, located, pypi_spec
from .reqfile import Requirement, read_text
from .specs import parse_pip
from .target import Target
from .tomlfile import parse_text


def selector_matches(selector: str, subdir: str) -> bool:
    """Return whether a `[target.<selector>]` applies to a platform: pixi's platforms, families, globs."""
    family = subdir.split("-", 1)[0]
    if selector == "unix":
        return family != "win"
    if "*" in selector or "?" in selector:  # a platform glob (`linux-*`)
        return fnmatch.fnmatchcase(subdir, selector)
    return selector in (subdir, family) or (selector == "macos" and family == "osx")


def _feature(m: Manifest, table: dict[str, Any], keys: tuple[str, ...], subdir: str) -> list[Requirement]:
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
                    spec: Any = conda_spec(m, name, value, entry_keys)
                    if spec is None:
                        continue
                else:
                    try:
                        spec = pypi_spec(m, name, value, entry_keys)
                    except ValueError as err:
                        raise m.fail(entry_keys, str(err)) from None
                out[(source, name.lower() if source == "conda" else canonical_name(name))] = located(
                    m, spec, source, entry_keys
                )
    return list(out.values())


def _features_of(m: Manifest, root: dict[str, Any], name: str) -> tuple[bool, list[str]]:
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


def _project_pip(m: Manifest, data: Any, keys: tuple[str, ...]) -> list[Requirement]:
    """Return the PEP 508 strings of a pyproject array (`[project] dependencies`, an extra, a group)."""
    out: list[Requirement] = []
    line, column = m.where(keys, absolute=True)
    if data is None:
        return out
    if not isinstance(data, list):
        raise EnvFileError(m.path, f"`{'.'.join(keys)}` must be a list", line, column)
    places = m.arrays.get(keys, [])
    for index, item in enumerate(data):
        line, column = places[index] if index < len(places) else m.where(keys, absolute=True)
        if not isinstance(item, str):  # `{include-group = ...}` in a dependency group
            what = "an include-group" if isinstance(item, dict) and "include-group" in item else "an entry"
            m.warnings.append(
                f"{m.path.name}:{line}: {what} in {'.'.join(keys)} is not a string: not checked"
            )
            continue
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
    data = parse_text(path, text)
    pyproject = path.name == "pyproject.toml"
    prefix = ("tool", "pixi") if pyproject else ()
    m = Manifest(path, text, prefix)
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


def _pyproject_feature(m: Manifest, data: dict[str, Any], feature: str, out: list[Requirement]) -> bool:
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


def _channels(m: Manifest, value: Any, keys: tuple[str, ...]) -> list[str]:
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
