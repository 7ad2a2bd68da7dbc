"""Tools' own settings files: poetry's and hatch's config.toml move their environments, read safely."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from support.factory import envs_of

from jupyter_envpanel.core.environments.discovery import Discovery
from jupyter_envpanel.core.environments.sources import search

PY = f"{sys.version_info[0]}.{sys.version_info[1]}"
POETRY_CONFIG = ".config/pypoetry/config.toml"
HATCH_CONFIG = ".config/hatch/config.toml"


def listing_of(world, **environ):
    """Return the world's listing, by name."""
    return Discovery(world.host(**environ)).list()


def write(path: Path, text: str) -> Path:
    """Write a settings file, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def poetry_env(world, folder: Path, project: str) -> Path:
    """Write a poetry env as poetry names it: `<project>-<hash>-pyX.Y`."""
    return world.venv(folder / f"{project}-abcdefgh-py{PY}")


def hatch_env(world, virtual: Path, project: str) -> Path:
    """Write a hatch env as hatch nests it: `<virtual>/<project>/<id>/<project>`."""
    return world.venv(virtual / project / "wycxEar1" / project)


POETRY_PRECEDENCE = [
    # (config.toml, variables, where poetry keeps its envs, relative to the test's base folder)
    ('[virtualenvs]\npath = "~/from-file"\n', {}, "home/from-file"),
    ('cache-dir = "{base}/file-cache"\n', {}, "file-cache/virtualenvs"),
    # the file's virtualenvs.path beats the cache-dir variable; a placeholder takes the variable's
    ('[virtualenvs]\npath = "{base}/explicit"\n', {"POETRY_CACHE_DIR": "{base}/var-cache"}, "explicit"),
    (
        'cache-dir = "{base}/file-cache"\n[virtualenvs]\npath = "{{cache-dir}}/by-project"\n',
        {"POETRY_CACHE_DIR": "{base}/var-cache"},
        "var-cache/by-project",
    ),
    ('virtualenvs.path = "{{data-dir}}/envs"\n', {"POETRY_HOME": "{base}/poetry-home"}, "poetry-home/envs"),
    ('[virtualenvs]\npath = "{base}/moved"\n', {"POETRY_CONFIG_DIR": "{base}/poetry-config"}, "moved"),
    ('data-dir = "{base}/file-data"\nvirtualenvs.path = "{{data-dir}}/envs"\n', {}, "file-data/envs"),
]


@pytest.mark.parametrize(
    "config, variables, where",
    POETRY_PRECEDENCE,
    ids=[
        "path-tilde",
        "cache-dir",
        "path-beats-cache-var",
        "placeholder",
        "data-dir",
        "config-dir",
        "data-dir-setting",
    ],
)
def test_poetry_keeps_its_envs_where_its_precedence_says(world, config, variables, where):
    """A variable beats config.toml, which beats the default; `{cache-dir}` as poetry resolves it."""
    env = {k: v.format(base=world.base) for k, v in variables.items()}
    config_dir = (
        Path(env["POETRY_CONFIG_DIR"]) if "POETRY_CONFIG_DIR" in env else world.home / ".config/pypoetry"
    )
    write(config_dir / "config.toml", config.format(base=world.base))
    poetry_env(world, world.base / where, "moved")
    poetry_env(world, world.home / ".cache" / "pypoetry" / "virtualenvs", "default-place")
    envs = envs_of(listing_of(world, **env))
    assert {n: (e.kind, e.prefix.startswith(str(world.base / where))) for n, e in envs.items()} == {
        "moved": ("poetry", True)
    }


HATCH_PRECEDENCE = [
    # (config.toml, variables, where hatch keeps its envs, relative to the base folder)
    ('[dirs]\ndata = "{base}/written-data"\n', {"XDG_DATA_HOME": "{base}/xdg"}, "written-data/env/virtual"),
    ('[dirs]\ndata = "$HOME/data"\n', {}, "home/data/env/virtual"),  # hatch expands variables and ~
    (
        '[dirs]\ndata = "{base}/written-data"\n[dirs.env]\nvirtual = "{base}/virtual"\n',
        {"HATCH_DATA_DIR": "{base}/var-data"},
        "virtual",
    ),
]


@pytest.mark.parametrize(
    "config, variables, where", HATCH_PRECEDENCE, ids=["dirs-data", "expanded", "dirs-env"]
)
def test_hatch_keeps_its_envs_where_its_precedence_says(world, config, variables, where):
    """HATCH_DATA_DIR beats `[dirs] data` (hatch writes it on first run); `[dirs.env] virtual` moves envs."""
    env = {k: v.format(base=world.base) for k, v in variables.items()}
    write(world.home / HATCH_CONFIG, config.format(base=world.base))
    hatch_env(world, world.base / where, "lib1")
    envs = envs_of(listing_of(world, **env))
    assert {n: (e.kind, e.prefix) for n, e in envs.items()} == {
        "lib1": ("hatch", str(world.base / where / "lib1" / "wycxEar1" / "lib1"))
    }


def test_hatch_config_named_by_hatch_config_is_read(world):
    """`HATCH_CONFIG` names the settings file: the default one is not read."""
    write(world.home / HATCH_CONFIG, f'[dirs]\ndata = "{world.base}/ignored"\n')
    named = write(world.base / "elsewhere.toml", f'[dirs]\ndata = "{world.base}/named"\n')
    hatch_env(world, world.base / "named" / "env" / "virtual", "lib1")
    hatch_env(world, world.base / "ignored" / "env" / "virtual", "lib2")
    envs = envs_of(listing_of(world, HATCH_CONFIG=str(named)))
    assert {n: e.kind for n, e in envs.items()} == {"lib1": "hatch"}


@pytest.mark.parametrize("tool", ["poetry", "hatch"])
def test_settings_files_are_read_from_xdg_config_home_when_it_is_set(world, tool):
    """With XDG_CONFIG_HOME set, poetry's and hatch's config.toml are read there, not from ~/.config."""
    xdg = world.base / "xdg-config"
    if tool == "poetry":
        write(xdg / "pypoetry" / "config.toml", f'[virtualenvs]\npath = "{world.base}/moved"\n')
        env = poetry_env(world, world.base / "moved", "api")
    else:
        write(xdg / "hatch" / "config.toml", f'[dirs]\ndata = "{world.base}/moved"\n')
        env = hatch_env(world, world.base / "moved" / "env" / "virtual", "api")
    envs = envs_of(listing_of(world, XDG_CONFIG_HOME=str(xdg)))
    assert {n: (e.kind, e.prefix) for n, e in envs.items()} == {"api": (tool, str(env))}


@pytest.mark.parametrize(
    "config_file, table",
    [("pyproject.toml", "tool.hatch.envs"), ("hatch.toml", "envs")],
    ids=["pyproject", "hatch-toml"],
)
def test_a_venv_two_hatch_envs_claim_is_the_default_env(world, config_file, table):
    """`default` and `ci` both have `path = ".venv"`: hatch's default env is the one listed."""
    write(world.root / "pyproject.toml", '[project]\nname = "proj"\nversion = "1"\n')
    with (world.root / config_file).open("a") as fh:
        fh.write(f'\n[{table}.ci]\npath = ".venv"\n[{table}.default]\npath = ".venv"\n')
    world.venv(world.root / ".venv")
    envs = envs_of(listing_of(world))
    assert {n: e.kind for n, e in envs.items()} == {"proj": "hatch"}


def test_a_pyproject_that_cannot_place_a_hatch_env_is_not_parsed(world):
    """A hatchling project's pyproject.toml names hatch but sets no `envs`: it is never parsed."""
    from jupyter_envpanel.core.environments.toolconfig import may_hold_hatch_envs, read_toml

    head = '[build-system]\nrequires = ["hatchling"]\nexclude = ["demo/envs"]\n'
    broken = head + "[tool.hatch.version\n"  # invalid TOML: a parse would say so
    found = read_toml(write(world.root / "a" / "pyproject.toml", broken), "x", may_hold_hatch_envs)
    assert found == ({}, ())
    for table in ("[tool.hatch.envs.default", "[ tool . hatch . 'envs' ]\n[x", "[tool.hatch]\nenvs = {"):
        path = write(world.root / "b" / "pyproject.toml", head + table + "\n")
        data, warnings = read_toml(path, "x", may_hold_hatch_envs)
        assert data == {} and "invalid TOML" in warnings[0], table  # it may set envs: parsed


def test_a_hatch_env_path_set_with_a_dotted_key_is_found(world):
    """`tool.hatch.envs.default.path = ".venv"` places the env as the table form does."""
    write(world.root / "pyproject.toml", '[project]\nname = "proj"\nversion = "1"\n')
    with (world.root / "pyproject.toml").open("a") as fh:
        fh.write('[tool]\nhatch.envs.default.path = ".venv"\n')
    world.venv(world.root / ".venv")
    assert {n: e.kind for n, e in envs_of(listing_of(world)).items()} == {"proj": "hatch"}


HOSTILE = {
    "fifo": (lambda p: os.mkfifo(p), "FIFO"),
    "directory": (lambda p: p.mkdir(), "directory"),
    "symlink-loop": (lambda p: p.symlink_to(p.name), "cannot open"),  # even `stat` fails on it
    "dev-zero": (lambda p: p.symlink_to("/dev/zero"), "character device"),
    "too-large": (lambda p: p.write_text("# " + "x" * (1 << 20) + "\n"), "limit"),
    "not-toml": (lambda p: p.write_text("[virtualenvs\npath = 1\n"), "invalid TOML"),
    "nul-bytes": (lambda p: p.write_bytes(b'cache-dir = "/x"\x00\n'), "NUL"),
    "deep": (lambda p: p.write_text("x = " + "[" * 100 + "]" * 100 + "\n"), "nested"),
    "deeper-than-the-parser": (
        lambda p: p.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n"),
        "nested",
    ),
    "table-is-a-string": (lambda p: p.write_text('virtualenvs = "x"\ndirs = "y"\n'), "must be a table"),
    "path-is-a-number": (lambda p: p.write_text("[virtualenvs]\npath = 3\n[dirs]\ndata = 3\n"), "must be"),
}


@pytest.mark.parametrize("tool", ["poetry", "hatch"])
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_settings_file_is_a_warning_and_the_defaults_still_count(world, tool, case):
    """A settings file that is a FIFO, a device, a symlink loop, huge, broken or mistyped: one warning."""
    make, says = HOSTILE[case]
    config = world.home / (POETRY_CONFIG if tool == "poetry" else HATCH_CONFIG)
    config.parent.mkdir(parents=True)
    make(config)
    poetry_env(world, world.home / ".cache" / "pypoetry" / "virtualenvs", "api")
    hatch_env(world, world.home / ".local" / "share" / "hatch" / "env" / "virtual", "lib1")
    listing = listing_of(world)
    assert {n: e.kind for n, e in envs_of(listing).items()} == {"api": "poetry", "lib1": "hatch"}
    assert [w for w in listing.warnings if str(config) in w and says in w], listing.warnings


def test_a_settings_file_is_parsed_once_per_change_and_an_edit_is_seen(world, monkeypatch):
    """Listings stat config.toml; it is parsed again only when it changed, and the change is listed."""
    from jupyter_envpanel.core.environments import toolconfig

    parsed = []
    parse = toolconfig._parse
    monkeypatch.setattr(toolconfig, "_parse", lambda path, *args: parsed.append(path) or parse(path, *args))
    config = write(world.home / POETRY_CONFIG, f'[virtualenvs]\npath = "{world.base}/first"\n')
    os.utime(config, ns=(10**18, 10**18))  # written long ago: a file changed just now is read again
    poetry_env(world, world.base / "first", "one")
    poetry_env(world, world.base / "second", "two")
    discovery = Discovery(world.host())
    assert set(envs_of(discovery.list())) == {"one"}
    search(world.host())
    assert parsed.count(config) == 1
    config.write_text(f'[virtualenvs]\npath = "{world.base}/second"  # edited in place\n')
    os.utime(config, ns=(10**18 + 10**9,) * 2)
    assert set(envs_of(discovery.list())) == {"two"}  # no Refresh needed
    assert parsed.count(config) == 2
