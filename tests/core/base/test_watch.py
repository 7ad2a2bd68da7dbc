"""The watch says "changed" whenever a watched mtime moved (never less), on real folders with inotify."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from support.factory import PYKERNEL, write_dist, write_kernel

from jupyter_envpanel.core.base.watch import Unwatchable, Watch
from jupyter_envpanel.core.service import EnvService, ServiceOptions

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


def mtimes(paths) -> list:
    """Return each path's mtime (None when missing), what a stat check compares."""
    out = []
    for path in paths:
        try:
            out.append(os.stat(path).st_mtime_ns)
        except OSError:
            out.append(None)
    return out


@pytest.fixture
def tree(tmp_path: Path) -> dict:
    """A prefix as discovery watches it: folders, a file rewritten in place, missing paths, a link."""
    prefix = tmp_path / "env"
    (prefix / "conda-meta").mkdir(parents=True)
    (prefix / "conda-meta" / "history").write_text("==> 2024 <==\n")
    (prefix / "conda-meta" / "state").write_text("{}")
    kernel = write_kernel(prefix, "python3", PYKERNEL) / "kernel.json"
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "condarc"
    target.write_text("channels: []\n")
    os.symlink(target, tmp_path / ".condarc")
    return {
        "meta": prefix / "conda-meta",
        "state": prefix / "conda-meta" / "state",
        "kernel": kernel,
        "missing": prefix / "lib" / "python3.11" / "site-packages",
        "link": tmp_path / ".condarc",
        "target": target,
    }


def watched(tree: dict) -> list:
    return [tree[k] for k in ("meta", "state", "kernel", "missing", "link")]


CHANGES = {
    "record added": lambda t: (t["meta"] / "numpy-1.26.4-py311h0_0.json").write_text("{}"),
    "record removed": lambda t: (t["meta"] / "history").unlink(),
    "record renamed": lambda t: (t["meta"] / "history").rename(t["meta"] / "history.bak"),
    "folder touched": lambda t: os.utime(t["meta"]),
    "state rewritten in place": lambda t: t["state"].write_text('{"env_vars": {"A": "1"}}'),
    "state touched": lambda t: os.utime(t["state"]),
    "kernel.json edited in place": lambda t: t["kernel"].write_text(json.dumps({**PYKERNEL, "x": 1})),
    "kernel.json replaced by a rename": lambda t: (
        (t["kernel"].parent / "tmp").write_text("{}"),
        (t["kernel"].parent / "tmp").rename(t["kernel"]),
    ),
    "kernel.json deleted": lambda t: t["kernel"].unlink(),
    "missing path created": lambda t: t["missing"].mkdir(parents=True),
    "missing path's parent created": lambda t: (t["missing"].parent.parent).mkdir(),
    "symlink target edited": lambda t: t["target"].write_text("channels: [conda-forge]\n"),
    "symlink retargeted": lambda t: (t["link"].unlink(), os.symlink(t["state"], t["link"])),
    "watched folder deleted": lambda t: [p.unlink() for p in t["meta"].iterdir()] and t["meta"].rmdir(),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_change_a_stat_would_see_ends_the_quiet(tree, change):
    watch = Watch(watched(tree))
    assert watch.quiet()
    before = mtimes(watched(tree))
    time.sleep(0.01)  # so an mtime can move at all on a coarse clock
    CHANGES[change](tree)
    assert not watch.quiet(), change
    # the watch is a shortcut for this comparison: it may say more, never less
    assert mtimes(watched(tree)) != before or change in ("missing path's parent created",)


def append(path: Path, text: str) -> None:
    """Append to a file, as conda appends to conda-meta/history."""
    with path.open("a") as fh:
        fh.write(text)


NOISE = {
    "history appended (conda-meta's mtime stays)": lambda t: append(t["meta"] / "history", "x\n"),
    "another file beside the kernel.json edited": lambda t: (
        t["kernel"].parent / "logo-32x32.png"
    ).write_bytes(b"x"),
}


@pytest.mark.parametrize("change", sorted(NOISE))
def test_changes_no_watched_mtime_sees_keep_the_quiet(tree, change):
    watch = Watch(watched(tree))
    before = mtimes(watched(tree))
    NOISE[change](tree)
    assert mtimes(watched(tree)) == before
    assert watch.quiet()


def test_a_watch_whose_folder_vanished_stays_changed(tree):
    watch = Watch(watched(tree))
    CHANGES["watched folder deleted"](tree)
    assert not watch.quiet()
    assert not watch.alive and not watch.quiet()


def test_a_filesystem_other_systems_change_cannot_be_watched():
    with pytest.raises(Unwatchable, match="filesystem"):
        Watch(["/proc/self"])  # procfs: as with NFS, this kernel does not make every change


def armed(service: EnvService) -> bool:
    """Wait (bounded) for the background thread to arm the service's watch; return whether it did."""
    for _ in range(500):
        service.listing()
        if service.listings.watch._watch is not None:
            return True
        time.sleep(0.01)
    return False


def test_a_watched_listing_sees_every_change_a_checked_one_sees(world):
    root = world.home / "miniconda3"
    world.conda_env(root)
    ml = world.conda_env(root / "envs" / "ml", ipykernel=True)
    kernel = write_kernel(ml, "python3", PYKERNEL) / "kernel.json"
    venv = world.venv(world.root / ".venv")
    world.server_env()
    host = world.host()
    service = EnvService(host, ServiceOptions(watch=True))
    assert armed(service)
    first = service.listing()
    assert service.listing() is first  # quiet: the cached listing, no mtime checked

    def same_as_a_fresh_service() -> None:
        for _ in range(3):  # a change made within the clock's granularity is read once more later
            time.sleep(0.06)
            got = service.listing()
        want = EnvService(host).listing()
        assert [e.to_json() for e in got.environments] == [e.to_json() for e in want.environments]
        assert [e.env_vars for e in got.environments] == [e.env_vars for e in want.environments]

    world.conda_env(root / "envs" / "new")
    same_as_a_fresh_service()
    kernel.write_text(json.dumps({**PYKERNEL, "display_name": "Edited"}))
    same_as_a_fresh_service()
    (ml / "conda-meta" / "state").write_text(json.dumps({"env_vars": {"MODE": "fast"}}))
    same_as_a_fresh_service()
    write_dist(
        venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages",
        "rich",
        "13.7.1",
    )
    same_as_a_fresh_service()
    assert armed(service)  # and it watches again after each change
    assert {e.name for e in service.listing().environments} >= {"new", "ml", "base"}


def test_refresh_and_adopted_prefixes_are_watched_anew(world):
    root = world.home / "miniconda3"
    world.conda_env(root)
    world.server_env()
    outside = world.conda_env(world.base / "outside" / "proj")
    service = EnvService(world.host(), ServiceOptions(watch=True))
    assert armed(service)
    service.listings.adopt(outside)
    assert "proj" in {e.name for e in service.listing().environments}
    assert armed(service)
    (outside / "conda-meta" / "numpy-1.26.4-py311h0_0.json").write_text("{}")
    time.sleep(0.06)
    service.listing()
    time.sleep(0.06)
    counts = {e.name: e.package_count for e in service.listing().environments}
    assert counts["proj"] == 2  # python and numpy
    service.refresh()
    assert service.listings.watch._watch is None and armed(service)


def test_a_symlink_named_relative_to_the_working_folder_is_watched(tree, monkeypatch):
    """A bare name (no folder part) is the link in the current folder: its folder is `.`."""
    monkeypatch.chdir(tree["link"].parent)
    watch = Watch([tree["link"].name])
    assert watch.quiet()
    CHANGES["symlink retargeted"](tree)
    assert not watch.quiet()


def test_a_set_with_one_path_on_a_filesystem_other_systems_change_cannot_be_watched(tree):
    """A local path watched first does not vouch for a procfs path after it (as with NFS)."""
    with pytest.raises(Unwatchable, match="filesystem"):
        Watch([tree["meta"], "/proc/self"])


def test_a_held_watch_is_armed_only_when_released(world):
    """A server's warm-up holds the arming (its first answers go first); released, the watch is armed."""
    world.conda_env(world.home / "miniconda3")
    world.server_env()
    service = EnvService(world.host(), ServiceOptions(watch=True))
    with service.watch_held():
        for _ in range(100):  # as armed() asks, which arms an unheld watch within a few checks
            service.listing()
            time.sleep(0.01)
        assert service.listings.watch._watch is None
    assert armed(service)
