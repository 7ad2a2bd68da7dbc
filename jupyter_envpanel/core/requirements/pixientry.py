"""One entry of a pixi manifest: where its key is written, and the spec pixi reads from its value.

An entry is placed by its full key path (requirements.tomlplaces). A conda entry's string is read
with py-rattler's MatchSpec rules (`"1.8"` is `==1.8`); a table's fields become a bracketed
MatchSpec; a PyPI entry becomes a PEP 508 requirement.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from ..base.distname import canonical_name
from ..base.errors import EnvFileError, excerpt
from .reqfile import Requirement
from .specs import PipSpec, parse_conda, parse_pip
from .tomlplaces import Place, Places, array_places, key_places

#: Table keys of a conda dependency pixi takes, by conda's MatchSpec field name.
_CONDA_FIELDS = {"build": "build", "build-number": "build_number", "file-name": "fn", "subdir": "subdir"}
_CONDA_FIELDS |= {"md5": "md5", "sha256": "sha256", "license": "license"}
_SOURCE_KEYS = ("path", "git", "url")


def _quotable(text: str) -> bool:
    """Return whether a table value can be written inside a MatchSpec's quotes (printable, no quote)."""
    return text.isprintable() and '"' not in text


class Manifest:
    """One manifest's tables, places and collected entries."""

    def __init__(self, path: Path, text: str, prefix: tuple[str, ...]) -> None:
        self.path, self.text, self.prefix = path, text, prefix
        self.places = key_places(text)
        self.warnings: list[str] = []

    @cached_property
    def arrays(self) -> Places:
        """Return where each array item is written, by the array's full key path (scanned on first use)."""
        return array_places(self.text)

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


def conda_spec(m: Manifest, name: str, value: Any, keys: tuple[str, ...]) -> str | None:
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


def _version(m: Manifest, value: Any, keys: tuple[str, ...]) -> str:
    """Return a version spec as pixi reads it (`1.8` means `==1.8`), checked by py-rattler."""
    from rattler import NamelessMatchSpec

    if not isinstance(value, str) or not _quotable(value):
        raise m.fail(keys, f"`{keys[-1]}`: `version` must be a version string")
    try:
        return str(NamelessMatchSpec(value).version or "*")
    except Exception as err:  # py-rattler's InvalidMatchSpecError
        raise m.fail(keys, f"invalid version for `{keys[-1]}`: {excerpt(str(err), 160)}") from None


def pypi_spec(m: Manifest, name: str, value: Any, keys: tuple[str, ...]) -> PipSpec:
    """Return the spec of a `[pypi-dependencies]` entry; path, git and URL entries are skips."""
    canonical = canonical_name(name)
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


def located(m: Manifest, spec: Any, source: str, keys: tuple[str, ...]) -> Requirement:
    """Return a Requirement located at its key; a bad spec is an error there."""
    line, column = m.where(keys)
    try:
        parsed = parse_conda(spec) if source == "conda" else spec
    except ValueError as err:
        raise EnvFileError(m.path, str(err), line, column) from None
    return Requirement(parsed, source, str(m.path), line, column)
