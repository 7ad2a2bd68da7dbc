"""Pipfile.lock as `pipenv sync` installs it, its staleness as `pipenv verify` says.

PIPFILE and LOCK were written by pipenv 2026.10.3 (`pipenv lock` against a local index); the
lock's `_meta.hash.sha256` is pipenv's own hash of PIPFILE.
"""

from __future__ import annotations

import json
import os

import pytest

from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.base.safe_parse import parse_toml
from jupyter_envpanel.core.locks.pipenv import pipfile_hash, read_pipfile_lock
from jupyter_envpanel.core.requirements.target import Target

PIPFILE = """\
[[source]]
url = "http://127.0.0.1:34183/simple/"
verify_ssl = false
name = "local"

[packages]
alpha = ">=1.0"
Gamma = {version = "*", extras = ["fast"]}
winonly = {version = "*", markers = "sys_platform == 'win32'"}

[dev-packages]
devtool = "*"
"""
PIPENV_HASH = "189d2bafcdb9328decc696444c2a1cbf5bd6824511d060f64c66fbcebd111ca5"
SOURCES = [{"name": "local", "url": "http://127.0.0.1:34183/simple/", "verify_ssl": False}]
LOCK = {
    "_meta": {"hash": {"sha256": PIPENV_HASH}, "pipfile-spec": 6, "requires": {}, "sources": SOURCES},
    "default": {
        "alpha": {"hashes": ["sha256:1db4"], "index": "local", "version": "==1.1"},
        "beta": {"hashes": ["sha256:d5cb"], "version": "==2.0"},
        "delta": {"hashes": ["sha256:9710"], "version": "==0.5"},
        "gamma": {"extras": ["fast"], "hashes": ["sha256:aca0"], "version": "==1.0"},
        "winonly": {"markers": "sys_platform == 'win32'", "version": "*"},
    },
    "develop": {"devtool": {"hashes": ["sha256:50ad"], "index": "local", "version": "==3.0"}},
}
HERE = Target("3.11.4", "linux-64")


def project(world, lock=LOCK, pipfile: str | None = PIPFILE):
    """Write Pipfile.lock (indented as pipenv writes it) and the Pipfile; return the lock's path."""
    if pipfile is not None:
        (world.root / "Pipfile").write_text(pipfile)
    path = world.root / "Pipfile.lock"
    path.write_text(lock if isinstance(lock, str) else json.dumps(lock, indent=4, sort_keys=True) + "\n")
    return path


def versions(lock) -> dict[str, str]:
    """Return {name: version} of a Lock's packages."""
    return {p.name: p.version for p in lock.packages}


def test_the_set_is_the_default_section_with_true_markers(world):
    path = project(world)
    lock = read_pipfile_lock(path, HERE)
    assert versions(lock) == {"alpha": "1.1", "beta": "2.0", "delta": "0.5", "gamma": "1.0"}
    assert lock.tool == "pipenv" and lock.stale == "" and lock.warnings == ()
    assert {p.url for p in lock.packages} == {"http://127.0.0.1:34183/simple/"}
    lines = path.read_text().splitlines()
    for locked in lock.packages:
        assert lines[locked.line - 1] == f'        "{locked.name}": {{' and locked.column == 9


def test_pipenv_clean_keeps_its_own_tools_and_the_other_sections(world):
    lock = read_pipfile_lock(project(world), HERE)
    assert lock.keep == {"devtool", "pip", "setuptools", "wheel", "distribute", "pkg-resources"}


def test_a_windows_only_entry_counts_on_windows_and_is_not_pinned(world):
    lock = read_pipfile_lock(project(world), HERE)
    assert "winonly" not in versions(lock)
    windows = {**LOCK, "default": {"w": {"markers": "python_version >= '3'", "version": "*"}}}
    (only,) = read_pipfile_lock(project(world, windows), HERE).packages
    assert (only.version, only.loose) == ("", "not pinned (*)")


def test_the_hash_is_pipenvs_and_ignores_name_spelling_but_not_versions(world):
    assert pipfile_hash(parse_toml(PIPFILE, "Pipfile")) == PIPENV_HASH
    path = project(world, pipfile=PIPFILE.replace("Gamma =", "gamma ="))
    assert read_pipfile_lock(path, HERE).stale == ""  # pipenv hashes PEP 503 names
    project(world, pipfile=PIPFILE.replace('">=1.0"', '">=1.1"'))
    assert read_pipfile_lock(path, HERE).stale.startswith("Pipfile.lock is out of date with Pipfile")
    project(world, pipfile=PIPFILE + '\n[scripts]\nhello = "echo hi"\n')
    assert read_pipfile_lock(path, HERE).stale == ""  # scripts are not hashed
    project(world, pipfile=PIPFILE + '\n[docs]\nSphinx = "*"\n')
    assert read_pipfile_lock(path, HERE).stale != ""  # a category of packages is


def test_a_pipfile_without_source_hashes_pipenvs_default_source(world):
    no_source = "[packages]" + PIPFILE.split("[packages]", 1)[1]
    with_pypi = '[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\nverify_ssl = true\n\n'
    assert pipfile_hash(parse_toml(no_source, "Pipfile")) == pipfile_hash(
        parse_toml(with_pypi + no_source, "Pipfile")
    )


def test_a_lock_for_another_python_says_so(world):
    meta = {**LOCK["_meta"], "requires": {"python_version": "3.12"}}
    lock = read_pipfile_lock(project(world, {**LOCK, "_meta": meta}, pipfile=None), HERE)
    assert lock.warnings[1:] == (
        "Pipfile.lock requires python_version 3.12; the environment has Python 3.11.4",
    )
    assert (
        read_pipfile_lock(project(world, {**LOCK, "_meta": meta}), Target("3.12.1", "linux-64")).warnings
        == ()
    )


def test_without_a_pipfile_staleness_is_not_judged_and_said(world):
    lock = read_pipfile_lock(project(world, pipfile=None), HERE)
    assert lock.stale == "" and lock.warnings == ("Pipfile not found beside the lock",)


def test_editable_paths_and_git_checkouts_are_judged_by_presence(world):
    default = {
        "proj": {"editable": True, "path": "."},
        "lib": {"git": "https://example.org/lib.git", "ref": "abc123"},
        "pinned": {"git": "https://example.org/p.git", "ref": "d1", "version": "==2.0"},
    }
    lock = {p.name: p for p in read_pipfile_lock(project(world, {**LOCK, "default": default}), HERE).packages}
    assert (lock["proj"].loose, lock["proj"].url) == ("editable install of .", ".")
    assert lock["lib"].loose == "installed from git+https://example.org/lib.git@abc123"
    assert (lock["pinned"].version, lock["pinned"].loose) == ("2.0", "")


@pytest.mark.parametrize(
    ("default", "detail"),
    [
        ({"a": {"version": ["==1"]}}, "a: version must be a string, got list"),
        ({"a": "==1"}, "a: must be an object, got str"),
        ({"a": {"markers": 3, "version": "==1"}}, "a: markers must be a string, got int"),
        ({"a": {"path": 3}}, "a: path must be a string, got int"),
    ],
)
def test_wrong_types_in_an_entry_are_refused_at_its_line(world, default, detail):
    path = project(world, {**LOCK, "default": default})
    with pytest.raises(EnvFileError) as info:
        read_pipfile_lock(path, HERE)
    assert (info.value.detail, info.value.line, info.value.column, info.value.status) == (detail, 17, 9, 422)


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("[1, 2]", "Pipfile.lock must hold a JSON object, not list"),
        ('{"default": []}', "default must be an object, got list"),
        ('{"default": {"a": }}', "invalid JSON at line 1, column 19: Expecting value"),
        ('{"a": ' * 100 + "1" + "}" * 100, "nested deeper than 64 levels; not read"),
        ('{"a": NaN}', "invalid JSON: NaN is not a JSON value"),
    ],
)
def test_a_lock_that_is_no_pipenv_lock_is_refused_saying_why(world, text, detail):
    with pytest.raises(EnvFileError) as info:
        read_pipfile_lock(project(world, text), HERE)
    assert info.value.detail == detail


def test_a_fifo_is_refused_without_blocking(world):
    fifo = world.root / "Pipfile.lock"
    os.mkfifo(fifo)
    with pytest.raises(EnvFileError) as info:
        read_pipfile_lock(fifo, HERE)
    assert "FIFO" in info.value.detail and info.value.status == 400


def test_a_pipfile_linked_out_of_the_locks_folder_is_not_read(world):
    """A cloned repository's `Pipfile -> ~/elsewhere`: said, never read (staleness not judged)."""
    path = project(world, pipfile=None)
    outside = world.base / "elsewhere" / "Pipfile"
    outside.parent.mkdir()
    outside.write_text(PIPFILE + '\nextra-one = "*"\n')  # read, its hash would differ: stale
    (world.root / "Pipfile").symlink_to(outside)
    lock = read_pipfile_lock(path, HERE)
    assert lock.stale == ""
    assert any("a link out of the lock's folder: not followed" in w for w in lock.warnings), lock.warnings
