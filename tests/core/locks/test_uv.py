"""uv.lock read as `uv sync` installs it: the graph from the project, markers, extras, groups, sources."""

from __future__ import annotations

import os

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.locks.uv import SEED_PACKAGES, read_uv_lock, sync_keeps
from jupyter_envpanel.core.requirements.target import Target

PY312 = Target("3.12.1", "linux-64")

#: A lock as uv 0.13 writes it (trimmed: no hashes), with one of each kind of source.
LOCK = """\
version = 1
revision = 3
requires-python = ">=3.10"

[[package]]
name = "alpha"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "beta"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "gamma", marker = "python_full_version >= '3.12'" },
]

[package.optional-dependencies]
fast = [
    { name = "delta" },
]

[[package]]
name = "delta"
version = "3.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "demo"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "alpha" },
    { name = "beta", extra = ["fast"] },
    { name = "libp" },
    { name = "tool" },
]

[package.optional-dependencies]
plot = [
    { name = "omega" },
]

[package.dev-dependencies]
dev = [
    { name = "kappa" },
]
docs = [
    { name = "sphinx" },
]

[[package]]
name = "gamma"
version = "1.5"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "kappa"
version = "0.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "libp"
version = "0.2.0"
source = { directory = "libp" }

[[package]]
name = "omega"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "sphinx"
version = "8.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "tool"
version = "0.9"
source = { git = "https://github.com/o/tool?rev=abc#abc123" }
"""


def lock_at(world, text=LOCK, name="uv.lock"):
    path = world.root / name
    path.write_text(text)
    return path


def test_the_set_is_what_uv_sync_installs_each_with_its_place(world):
    lock = read_uv_lock(lock_at(world), PY312)
    got = {p.name: (p.version, p.line, p.column, p.loose) for p in lock.packages}
    assert got == {
        "alpha": ("1.0", 6, 8, ""),
        "beta": ("2.0", 11, 8, ""),
        "delta": ("3.0", 24, 8, ""),  # asked by `beta[fast]`
        "demo": ("0.1.0", 29, 8, "editable install of the project"),
        "gamma": ("1.5", 53, 8, ""),  # its marker is true for Python 3.12
        "kappa": ("0.3", 58, 8, ""),  # the dev group is installed by default
        "libp": ("0.2.0", 63, 8, "built from the local directory libp"),
        "tool": ("0.9", 78, 8, "installed from git https://github.com/o/tool?rev=abc#abc123"),
    }  # not omega (an extra nobody asks for), not sphinx (a group not installed by default)
    assert (lock.tool, lock.stale, lock.unjudged, lock.keep) == ("uv", "", "", SEED_PACKAGES)
    assert {p.source for p in lock.packages} == {"pip"}
    assert next(p for p in lock.packages if p.name == "alpha").url == "https://pypi.org/simple"


def test_markers_are_evaluated_for_the_environments_python_not_the_servers(world):
    names = {p.name for p in read_uv_lock(lock_at(world), Target("3.11.4", "linux-64")).packages}
    assert "gamma" not in names and "beta" in names


def test_a_python_outside_requires_python_is_said_not_judged(world):
    lock = read_uv_lock(lock_at(world), Target("3.9.1", "linux-64"))
    assert lock.unjudged == "uv.lock is for Python >=3.10; this environment has Python 3.9.1"
    assert lock.packages == ()


@pytest.mark.parametrize(
    ("setting", "present", "absent"),
    [
        ('default-groups = ["docs"]', {"sphinx"}, {"kappa"}),
        ("default-groups = []", set(), {"kappa", "sphinx"}),
        ('default-groups = "all"', {"kappa", "sphinx"}, set()),
    ],
)
def test_the_default_groups_are_the_ones_the_lock_records(world, setting, present, absent):
    text = LOCK.replace('source = { editable = "." }\n', f'source = {{ editable = "." }}\n{setting}\n')
    names = {p.name for p in read_uv_lock(lock_at(world, text), PY312).packages}
    assert present <= names and not absent & names


def test_a_virtual_project_is_not_installed_but_its_dependencies_are(world):
    text = LOCK.replace('source = { editable = "." }', 'source = { virtual = "." }')
    names = {p.name for p in read_uv_lock(lock_at(world, text), PY312).packages}
    assert "demo" not in names and {"alpha", "kappa"} <= names


def test_a_workspace_without_a_root_project_installs_every_member(world):
    text = LOCK.replace('source = { editable = "." }', 'source = { editable = "packages/demo" }')
    text = text.replace("version = 1\n", 'version = 1\n\n[manifest]\nmembers = ["demo", "omega"]\n', 1)
    lock = read_uv_lock(lock_at(world, text), PY312)
    names = {p.name: p.loose for p in lock.packages}
    assert names["demo"] == "editable install of packages/demo" and "omega" in names


def test_two_versions_of_one_name_are_told_apart_by_the_version_a_dependency_names(world):
    text = LOCK.replace('{ name = "alpha" },', '{ name = "alpha", version = "1.0" },')
    text += (
        '\n[[package]]\nname = "alpha"\nversion = "2.0"\nsource = { registry = "https://pypi.org/simple" }\n'
    )
    alphas = [p for p in read_uv_lock(lock_at(world, text), PY312).packages if p.name == "alpha"]
    assert [(p.version, p.line) for p in alphas] == [("1.0", 6)]


def test_uv_sync_leaves_seed_packages_alone_except_in_a_venv_uv_made_without_seed(world):
    made_by_python, made_by_uv, seeded = (world.root / n for n in ("a", "b", "c"))
    for prefix, cfg in (
        (made_by_python, "home = /usr/bin\nversion = 3.12.1\n"),
        (made_by_uv, "home = /usr/bin\nuv = 0.13.9\nversion_info = 3.12.1\n"),
        (seeded, "home = /usr/bin\nuv = 0.13.9\nseed = true\n"),
    ):
        prefix.mkdir()
        (prefix / "pyvenv.cfg").write_text(cfg)
    assert sync_keeps(made_by_python) == SEED_PACKAGES == {"pip", "setuptools", "wheel"}
    assert sync_keeps(made_by_uv) == frozenset()
    assert sync_keeps(seeded) == SEED_PACKAGES
    assert read_uv_lock(lock_at(world), PY312, prefix=made_by_uv).keep == frozenset()


def test_an_unknown_lock_version_is_a_clear_error(world):
    with pytest.raises(EnvFileError) as info:
        read_uv_lock(lock_at(world, LOCK.replace("version = 1\n", "version = 2\n", 1)), PY312)
    assert info.value.detail == "uv.lock version '2' is unknown here (known: 1): update jupyter-envpanel"


@pytest.mark.parametrize(
    ("old", "new", "detail", "line"),
    [
        ('name = "kappa"\n', "", "a [[package]] needs a `name` string", 57),
        ('version = "1.5"', "version = 1.5", "`version` of gamma must be a printable string", 53),
        ('version = "1.5"', 'version = "1.5\\u001b[2J"', "`version` of gamma must be a printable string", 53),
        (
            '[[package]]\nname = "gamma"',
            '[[package]]\nname = "gam\\nma"',
            "invalid package name 'gam'",
            53,
        ),
        (
            '{ name = "alpha" },',
            '{ name = "al\\u001bpha" },',
            "dependency 'al?pha' of demo is not a package",
            29,
        ),
        (
            '{ name = "alpha" },',
            '{ name = "nothere" },',
            "dependency nothere of demo is not a package of the lock",
            29,
        ),
        ('{ name = "alpha" },', '"alpha",', "a dependency of demo needs a `name` string", 29),
        ('extra = ["fast"]', 'extra = "fast"', "`extra` of dependency beta must be a list", 29),
        ("marker = \"python_full_version >= '3.12'\"", 'marker = "python >>> 3"', "invalid marker", 11),
        ('source = { directory = "libp" }', 'source = "libp"', "`source` of libp must be a table", 63),
        (
            "[package.dev-dependencies]\ndev = [",
            "[package.dev-dependencies]\ndev = 3\nx = [",
            "must be a list",
            29,
        ),
    ],
)
def test_wrong_types_are_clear_errors_at_the_package(world, old, new, detail, line):
    assert old in LOCK
    with pytest.raises(EnvFileError) as info:
        read_uv_lock(lock_at(world, LOCK.replace(old, new, 1)), PY312)
    assert detail in info.value.detail
    assert info.value.line == line


def test_bad_toml_a_fifo_and_a_huge_lock_are_refused(world):
    with pytest.raises(EnvFileError) as info:
        read_uv_lock(lock_at(world, "version = 1\n[[package]\n"), PY312)
    assert info.value.detail.startswith("invalid TOML") and info.value.line == 2
    fifo = world.root / "fifo.lock"
    os.mkfifo(fifo)
    with pytest.raises(EnvFileError) as info:
        read_uv_lock(fifo, PY312)
    assert info.value.status == 400
    with pytest.raises(EnvFileError) as info:
        read_uv_lock(lock_at(world, "# " + "x" * (5 << 20), "big.lock"), PY312)
    assert info.value.status == 400


def test_a_lock_out_of_date_with_pyproject_says_what_changed_as_uv_would(world):
    metadata = '\n[package.metadata]\nrequires-dist = [{ name = "alpha", specifier = "==1.0" }]\n'
    lock_at(
        world, LOCK.replace('source = { editable = "." }\n', 'source = { editable = "." }\n' + metadata, 1)
    )
    (world.root / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["alpha>=1.0"]\n'
    )
    lock = read_uv_lock(world.root / "uv.lock", PY312)
    assert lock.stale == (
        "uv.lock is out of date with pyproject.toml: demo: alpha changed"
        " ('alpha==1.0' in uv.lock, 'alpha>=1.0' in pyproject.toml); run `uv lock`"
    )


def test_an_unreadable_pyproject_leaves_staleness_unjudged_and_says_so(world):
    (world.root / "pyproject.toml").write_text("[project\n")
    lock = read_uv_lock(lock_at(world), PY312)
    assert lock.stale == "" and len(lock.packages) == 8
    assert lock.warnings[0].startswith("pyproject.toml not read (invalid TOML")


def test_a_missing_or_broken_pyproject_leaves_staleness_unjudged_and_the_lock_judged(world):
    lock = read_uv_lock(lock_at(world), PY312)
    assert lock.warnings == (
        "pyproject.toml not read (no such file): whether uv.lock is stale is not judged",
    )
    (world.root / "pyproject.toml").write_text('[project]\nname = "demo"\ndependencies = ["bad>>1"]\n')
    lock = read_uv_lock(world.root / "uv.lock", PY312)
    assert len(lock.packages) == 8 and lock.stale == ""
    assert lock.warnings[0].startswith("pyproject.toml: invalid requirement")


def test_a_lock_for_other_environments_only_is_said_not_judged(world):
    supported = "supported-markers = [\"sys_platform == 'nowhere'\", \"os_name == 'none'\"]\n"
    lock = read_uv_lock(lock_at(world, LOCK.replace("version = 1\n", "version = 1\n" + supported, 1)), PY312)
    assert lock.unjudged == (
        "uv.lock supports only `sys_platform == 'nowhere'`, `os_name == 'none'`: not this environment"
        " (uv sync refuses it)"
    )
    assert lock.packages == ()
    here = "supported-markers = [\"sys_platform == 'nowhere'\", \"python_version >= '3'\"]\n"
    lock = read_uv_lock(lock_at(world, LOCK.replace("version = 1\n", "version = 1\n" + here, 1)), PY312)
    assert lock.unjudged == "" and len(lock.packages) == 8


def test_a_pyproject_linked_out_of_the_locks_folder_is_not_read(world):
    """A cloned repository's `pyproject.toml -> ~/elsewhere`: said, never read (staleness not judged)."""
    metadata = '\n[package.metadata]\nrequires-dist = [{ name = "alpha", specifier = "==1.0" }]\n'
    path = lock_at(
        world, LOCK.replace('source = { editable = "." }\n', 'source = { editable = "." }\n' + metadata, 1)
    )
    outside = world.base / "elsewhere" / "pyproject.toml"
    outside.parent.mkdir()
    outside.write_text('[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["alpha>=1.0"]\n')
    (world.root / "pyproject.toml").symlink_to(outside)
    lock = read_uv_lock(path, PY312)
    assert lock.stale == ""
    assert "a link out of the lock's folder: not followed" in lock.warnings[0]
