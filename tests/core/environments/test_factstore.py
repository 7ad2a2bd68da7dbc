"""What a listing read is kept between processes: reused only while unchanged, never trusted blindly."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from support.factory import OLD_NS, PYKERNEL, age, envs_of, write_dist, write_kernel, write_record

from jupyter_envpanel.core.environments import discovery as module
from jupyter_envpanel.core.environments import factstore
from jupyter_envpanel.core.environments.discovery import Discovery
from jupyter_envpanel.core.service import EnvService, ServiceOptions


def touch(path: Path, step: int = 1) -> None:
    """Move a path's mtime (still old, so not racy), as a rewrite in place would."""
    ns = OLD_NS + step * 10**9
    os.utime(path, ns=(ns, ns))


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Record the prefixes whose facts are read from disk (not taken from a cache)."""
    seen: list[str] = []
    real = module.read_facts

    def counting(prefix, *args, **kwargs):
        seen.append(Path(prefix).name)
        return real(prefix, *args, **kwargs)

    monkeypatch.setattr(module, "read_facts", counting)
    return seen


def make(world) -> Path:
    """Write base and two named environments, `a` with a kernel; return the root."""
    root = world.home / "miniconda3"
    world.conda_env(root)
    world.conda_env(root / "envs" / "a", packages=["numpy=1.26.4"], ipykernel=True)
    write_kernel(root / "envs" / "a", "python3", PYKERNEL)
    world.conda_env(root / "envs" / "b", state_vars={"MODE": "one"})
    age(world)
    return root


def fresh(world, keep: bool = True, **environ: str) -> Discovery:
    """Return a new Discovery, as a new process would make it."""
    host = world.host(**environ)
    return Discovery(host, store=factstore.store_path(host) if keep else None)


def test_a_second_process_reuses_what_the_first_read_and_shows_the_same(world, reads):
    make(world)
    first = fresh(world).list()
    assert sorted(reads) == ["a", "b", "miniconda3"]
    store = world.home / ".cache" / "jupyter-envpanel" / factstore.FILE_NAME
    assert store.is_file() and store.stat().st_mode & 0o777 == 0o600
    assert store.parent.stat().st_mode & 0o777 == 0o700
    reads.clear()
    second = fresh(world).list()
    assert reads == []
    assert second == first
    for old, new in zip(first.environments, second.environments, strict=True):
        assert new.kernel_files == old.kernel_files and new.env_vars == old.env_vars
        assert [k.spec for k in new.kernel_files] == [k.spec for k in old.kernel_files]


def test_what_changed_since_is_read_again_and_only_that(world, reads):
    root = make(world)
    fresh(world).list()
    write_record(root / "envs" / "a", "pandas=2.2.2")
    touch(root / "envs" / "a" / "conda-meta")
    spec = root / "envs" / "b" / "conda-meta" / "state"
    spec.write_text(json.dumps({"env_vars": {"MODE": "two"}}))  # in place: conda-meta's mtime stays
    touch(spec)
    kernel = root / "envs" / "a" / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    kernel.write_text(json.dumps({**PYKERNEL, "display_name": "Edited"}))
    touch(kernel, 2)
    reads.clear()
    envs = envs_of(fresh(world).list())
    assert sorted(reads) == ["a", "b"]
    assert envs["a"].package_count == 4  # python, numpy, ipykernel, pandas
    assert envs["a"].kernel_files[0].spec["display_name"] == "Edited"
    assert envs["b"].env_vars == (("MODE", "two"),)


def test_conda_env_config_vars_rewritten_in_place_are_seen_by_the_same_process(world):
    root = make(world)
    discovery = Discovery(world.host())
    assert envs_of(discovery.list())["b"].env_vars == (("MODE", "one"),)
    state = root / "envs" / "b" / "conda-meta" / "state"
    state.write_text(json.dumps({"env_vars": {"MODE": "two"}}))
    touch(state)
    assert envs_of(discovery.list())["b"].env_vars == (("MODE", "two"),)


def test_a_prefix_that_became_another_kind_is_read_again(world, reads):
    root = make(world)
    fresh(world).list()
    (root / "envs" / "b" / "conda-meta" / "history").unlink()
    world.venv(root / "envs" / "b")  # now a venv (pyvenv.cfg), no longer conda
    reads.clear()
    envs = envs_of(fresh(world).list())
    assert "b" in reads and envs["b"].kind != "conda"


@pytest.mark.parametrize("keep", [False, True], ids=["one process", "kept"])
def test_two_pythons_of_one_prefix_each_get_their_own_facts(world, keep):
    """/usr/bin/python3.11 and python3.12 (deadsnakes, Fedora) are two environments of one prefix."""
    usr = world.base / "usr"
    (usr / "bin").mkdir(parents=True)
    for minor, dists, patch in (("3.11", ["a"], "3.11.9"), ("3.12", ["a", "b", "ipykernel"], "3.12.4")):
        exe = usr / "bin" / f"python{minor}"
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
        for dist in dists:
            write_dist(usr / "lib" / f"python{minor}" / "site-packages", dist, "1.0")
        header = usr / "include" / f"python{minor}" / "patchlevel.h"
        header.parent.mkdir(parents=True)
        header.write_text(f'#define PY_VERSION "{patch}"\n')
    age(world)
    fresh(world, keep, PATH=str(usr / "bin")).list()
    listing = fresh(world, keep, PATH=str(usr / "bin")).list()
    got = {
        os.path.basename(e.executable): (e.python_version, e.package_count, e.has_ipykernel)
        for e in listing.environments
        if e.kind == "system"
    }
    assert got == {"python3.11": ("3.11.9", 1, False), "python3.12": ("3.12.4", 3, True)}


def test_an_env_replaced_with_the_same_mtimes_is_read_again(world, reads):
    """A reproducible image or an archive extracted with its mtimes sets every mtime back; not ctimes."""
    root = make(world)
    fresh(world).list()
    shutil.rmtree(root / "envs" / "a")
    world.conda_env(root / "envs" / "a", python="3.12.4", packages=["numpy=2.0.0", "pandas=2.2.2"])
    write_kernel(root / "envs" / "a", "python3", {**PYKERNEL, "display_name": "New"})
    for folder, dirs, files in os.walk(root / "envs" / "a"):  # the one mtime the image gave the old ones
        for path in [folder, *(os.path.join(folder, f) for f in files + dirs)]:
            os.utime(path, ns=(OLD_NS, OLD_NS))
    reads.clear()
    env = envs_of(fresh(world).list())["a"]
    assert reads == ["a"]
    assert (env.python_version, env.package_count) == ("3.12.4", 3)
    assert env.kernel_files[0].spec["display_name"] == "New"


def test_two_envs_swapped_with_their_mtimes_get_their_own_facts(world, reads):
    """`mv a c; mv b a; mv c b`: each path now holds what the other did, every mtime as it was."""
    envs = world.home / "miniconda3" / "envs"
    world.conda_env(world.home / "miniconda3")
    world.conda_env(envs / "a", python="3.11.7", packages=["numpy=1.26.4", "scipy=1.13.0"])
    world.conda_env(envs / "b", python="3.12.4")
    age(world)
    fresh(world).list()
    os.rename(envs / "a", envs / "c")
    os.rename(envs / "b", envs / "a")
    os.rename(envs / "c", envs / "b")
    reads.clear()
    got = envs_of(fresh(world).list())
    assert sorted(reads) == ["a", "b"]
    assert (got["a"].python_version, got["a"].package_count) == ("3.12.4", 1)
    assert (got["b"].python_version, got["b"].package_count) == ("3.11.7", 3)


def test_racily_clean_facts_are_not_kept(world, reads):
    root = world.home / "miniconda3"
    world.conda_env(root)  # just written: its mtimes are within the timestamp granularity of the scan
    fresh(world).list()
    reads.clear()
    fresh(world).list()
    assert reads == ["miniconda3"]


def test_a_change_in_the_second_of_a_read_is_seen_where_mtimes_are_whole_seconds(world, reads, monkeypatch):
    """ext3, HFS+ or FAT keep whole seconds: a record added in the second of a read leaves the mtime as is."""
    root = make(world)
    meta = root / "envs" / "a" / "conda-meta"
    second = 2 * 10**18  # as such a filesystem records any moment of that second
    monkeypatch.setattr(time, "time_ns", lambda: second + 500_000_000)  # read half a second later
    os.utime(meta, ns=(second, second))
    before = envs_of(fresh(world).list())["a"].package_count
    write_record(root / "envs" / "a", "pandas=2.2.2")
    os.utime(meta, ns=(second, second))
    reads.clear()
    after = envs_of(fresh(world).list())["a"]
    assert "a" in reads and after.package_count == before + 1


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[]",
        b'{"version": 999, "entries": []}',
        b'{"version": 1, "entries": {}}',
        b'{"version": 1, "entries": [["relative", "conda", null, false, [], []]]}',
        b"[" * 100_000,
    ],
    ids=["syntax", "a list", "another version", "entries not a list", "wrong shape", "deep"],
)
def test_a_broken_store_is_ignored_and_rewritten(world, reads, content):
    make(world)
    store = factstore.store_path(world.host())
    store.parent.mkdir(parents=True)
    store.write_bytes(content)
    envs = envs_of(fresh(world).list())
    assert sorted(reads) == ["a", "b", "miniconda3"] and envs["a"].package_count == 3
    assert json.loads(store.read_text())["version"] == factstore.VERSION


def _kernel_of_a(entries: dict) -> list:
    """Return env `a`'s kept kernel: [dir_name, resource_dir, spec, resources, mtime]."""
    return entries[next(p for p in entries if p.endswith("/a"))][6][3][0]


def _up(entries: dict) -> None:
    """Name env `a`'s kernel `..`: a folder a listing never reads a kernel from."""
    kernel = _kernel_of_a(entries)
    kernel[:2] = ["..", os.path.join(os.path.dirname(kernel[1]), "..")]


def _tampered(world, change) -> None:
    """Keep the facts, then let change() edit the kept JSON (entries by prefix)."""
    fresh(world).list()
    store = factstore.store_path(world.host())
    data = json.loads(store.read_text())
    change({entry[0]: entry for entry in data["entries"]})
    store.write_text(json.dumps(data))


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e[next(p for p in e if p.endswith("/a"))][6][3][0][2].update(argv=[]),
        lambda e: e[next(p for p in e if p.endswith("/a"))][6][3][0].__setitem__(1, "/etc/kernel"),
        lambda e: e[next(p for p in e if p.endswith("/a"))][6].__setitem__(1, "many"),
        lambda e: e[next(p for p in e if p.endswith("/a"))][4].append("old"),
        lambda e: e[next(p for p in e if p.endswith("/b"))][6][8].append(["LD_PRELOAD=x", "y"]),
        lambda e: e[next(p for p in e if p.endswith("/a"))][6][3][0].__setitem__(0, "other"),
        _up,
        lambda e: _kernel_of_a(e).__setitem__(3, ["logo-/../../../etc/x"]),
        lambda e: e[next(p for p in e if p.endswith("/a"))][5].pop(),
    ],
    ids=[
        "a kernel without argv",
        "a kernel folder elsewhere",
        "a count as text",
        "a stamp as text",
        "a variable with an invalid name",
        "a kernel named unlike its folder",
        "a kernel named ..",
        "a linked file with a separator",
        "ctimes fewer than the stamps",
    ],
)
def test_a_tampered_entry_drops_the_whole_store(world, reads, change):
    make(world)
    _tampered(world, change)
    reads.clear()
    envs = envs_of(fresh(world).list())
    assert sorted(reads) == ["a", "b", "miniconda3"]
    assert envs["a"].kernel_files[0].spec["argv"] and envs["a"].package_count == 3


@pytest.mark.parametrize("writable", ["folder", "file"])
def test_a_store_others_could_write_is_neither_read_nor_written(world, reads, writable):
    """A folder or file another user could change (a shared XDG_CACHE_HOME) could run their command."""
    make(world)
    _tampered(world, lambda e: _kernel_of_a(e)[2].update(argv=["/tmp/theirs", "{connection_file}"]))
    store = factstore.store_path(world.host())
    os.chmod(store.parent if writable == "folder" else store, 0o777 if writable == "folder" else 0o666)
    reads.clear()
    envs = envs_of(fresh(world).list())
    assert sorted(reads) == ["a", "b", "miniconda3"]
    assert envs["a"].kernel_files[0].spec["argv"][0] != "/tmp/theirs"
    assert ("/tmp/theirs" in store.read_text()) == (writable == "folder")  # nothing written there


def test_a_cache_folder_linked_to_a_private_folder_of_the_user_is_used(world, reads):
    make(world)
    elsewhere = world.base / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (world.home / ".cache").mkdir()
    (world.home / ".cache" / "jupyter-envpanel").symlink_to(elsewhere)
    fresh(world).list()
    reads.clear()
    fresh(world).list()
    assert reads == [] and (elsewhere / factstore.FILE_NAME).is_file()


def test_a_store_that_is_not_a_regular_file_is_not_read(world, reads):
    make(world)
    store = factstore.store_path(world.host())
    store.parent.mkdir(parents=True)
    os.mkfifo(store)  # opened without blocking, refused: not a regular file
    assert "a" in envs_of(fresh(world).list()) and sorted(reads) == ["a", "b", "miniconda3"]


def test_an_unwritable_cache_folder_costs_only_the_keeping(world, reads):
    make(world)
    (world.home / ".cache").write_text("a file where the folder would be")
    assert envs_of(fresh(world).list())["a"].package_count == 3
    reads.clear()
    fresh(world).list()
    assert sorted(reads) == ["a", "b", "miniconda3"]


def test_xdg_cache_home_is_where_it_is_kept(world):
    make(world)
    elsewhere = world.base / "xdg"
    fresh(world, XDG_CACHE_HOME=str(elsewhere)).list()
    assert (elsewhere / "jupyter-envpanel" / factstore.FILE_NAME).is_file()
    assert not (world.home / ".cache").exists()


def test_off_by_default_in_the_core_and_forgotten_on_refresh(world, reads):
    make(world)
    EnvService(world.host()).listing()
    assert not (world.home / ".cache").exists()
    service = EnvService(world.host(), ServiceOptions(keep_facts=True))
    service.listing()
    reads.clear()
    again = EnvService(world.host(), ServiceOptions(keep_facts=True))
    again.refresh()  # POST /envpanel/api/refresh: read the disk again, kept facts included
    again.listing()
    assert sorted(reads) == ["a", "b", "miniconda3"]


def test_a_kernels_logos_are_kept_and_one_added_since_is_seen(world, reads):
    root = make(world)
    folder = root / "envs" / "a" / "share" / "jupyter" / "kernels" / "python3"
    (folder / "kernel.js").write_text("// a kernel's own front-end code")
    (folder / "notes.txt").write_text("not linked by a kernelspec model")
    age(world)
    first = envs_of(fresh(world).list())["a"].kernel_files[0]
    assert "kernel.js" in first.resources and "notes.txt" not in first.resources
    reads.clear()
    assert envs_of(fresh(world).list())["a"].kernel_files[0].resources == first.resources
    assert reads == []
    (folder / "logo-svg.svg").write_text("<svg/>")  # the folder's mtime moves; kernel.json's does not
    touch(folder)
    now = envs_of(fresh(world).list())["a"].kernel_files[0].resources
    assert now == tuple(sorted((*first.resources, "logo-svg.svg")))
    assert reads == ["a"]
