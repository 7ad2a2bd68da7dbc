"""An edited kernel.json is seen without Refresh: by the listing, the kernel table, a started kernel."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from support.factory import PYKERNEL, write_kernel
from support.hostile import healthy
from support.kernels import run_in_kernel

from jupyter_envpanel.core.base.prefix import RACY_NS
from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager

OLD = 10**18  # 2001: no scan of these files is "racily clean"
NAME = "conda-env-good-py"
EDITED = {**PYKERNEL, "display_name": "Analysis", "env": {"TEAM_SETTING": "edited"}}


def age(world) -> None:
    """Give every file and folder of the world an old mtime (as long after their writing)."""
    for folder, _, files in os.walk(world.base):
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            os.utime(path, ns=(OLD, OLD))


def kernel_json(prefix: Path) -> Path:
    """Return the python3 kernel.json of an environment."""
    return prefix / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"


def edit_in_place(path: Path, spec: dict, mtime: int) -> None:
    """Rewrite a kernel.json in place (its folder's time does not move), with this mtime."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(json.dumps(spec))
    os.utime(path, ns=(mtime, mtime))


def offered(service: EnvService) -> tuple:
    """Return the good env's kernel as the listing shows it and the spec a start would use."""
    env = {e.name: e for e in service.listing().environments}["good"]
    return env.kernels[0].display_name, service.offered_kernels()[NAME].spec


def settle_background_refresh() -> None:
    """Wait for kernel table rebuilds started by lookups."""
    for thread in threading.enumerate():
        if thread.name == "envpanel-kernel-table":
            thread.join(10)


def test_a_kernel_json_edited_in_place_is_seen_by_the_next_listing(world):
    good = healthy(world)
    age(world)
    service = EnvService(world.host())
    display, spec = offered(service)
    assert display == "Python [conda env:good]" and "TEAM_SETTING" not in spec["env"]
    listing = service.listing()
    assert service.listing() is listing  # nothing changed: served from the cache

    edit_in_place(kernel_json(good), EDITED, OLD + 10**9)  # kernels/ and python3/ keep their times

    display, spec = offered(service)
    assert display == "Analysis [conda env:good]" and spec["env"]["TEAM_SETTING"] == "edited"
    assert service.listing() is service.listing()  # and cached again


def test_a_kernel_json_replaced_by_rename_is_seen_by_the_next_listing(world):
    good = healthy(world)
    age(world)
    service = EnvService(world.host())
    assert offered(service)[0] == "Python [conda env:good]"
    temporary = kernel_json(good).with_name("kernel.json.tmp")  # an editor's atomic save
    temporary.write_text(json.dumps(EDITED), encoding="utf-8")
    os.utime(temporary, ns=(OLD + 10**9, OLD + 10**9))
    os.replace(temporary, kernel_json(good))
    display, spec = offered(service)
    assert display == "Analysis [conda env:good]" and spec["env"]["TEAM_SETTING"] == "edited"


def test_an_edit_within_the_clock_tick_of_the_read_is_still_seen(world):
    """A kernel.json read just after it was written is racily clean: read again, not trusted."""
    good = healthy(world)
    age(world)
    service = EnvService(world.host())
    now = time.time_ns()
    os.utime(kernel_json(good), ns=(now, now))  # written just now, as far as the listing can tell
    assert offered(service)[0] == "Python [conda env:good]"
    edit_in_place(kernel_json(good), EDITED, now)  # a coarse clock: the same mtime after the edit
    display, spec = offered(service)
    assert display == "Analysis [conda env:good]" and spec["env"]["TEAM_SETTING"] == "edited"
    time.sleep(2 * RACY_NS / 1e9)
    listing = service.listing()  # read once more after the window, then trusted
    assert service.listing() is listing
    assert offered(service)[0] == "Analysis [conda env:good]"


def test_a_kernel_json_written_later_or_repaired_is_offered_at_the_next_listing(world):
    good = healthy(world)
    late = good / "share" / "jupyter" / "kernels" / "ir"
    late.mkdir()  # a kernel folder whose kernel.json is written afterwards
    broken = good / "share" / "jupyter" / "kernels" / "julia"
    broken.mkdir()
    (broken / "kernel.json").write_text("{not json")
    age(world)
    service = EnvService(world.host())
    env = {e.name: e for e in service.listing().environments}["good"]
    assert [k.dir_name for k in env.kernel_files] == ["python3"]
    assert any("julia" in w for w in env.warnings)
    (late / "kernel.json").write_text(json.dumps({"argv": ["R"], "display_name": "R", "language": "R"}))
    julia = {"argv": ["julia"], "display_name": "Julia", "language": "julia"}
    edit_in_place(broken / "kernel.json", julia, OLD + 10**9)
    os.utime(late, ns=(OLD, OLD))  # only the files changed: every folder keeps its time
    os.utime(late / "kernel.json", ns=(OLD + 10**9, OLD + 10**9))
    env = {e.name: e for e in service.listing().environments}["good"]
    assert [k.dir_name for k in env.kernel_files] == ["ir", "julia", "python3"]
    assert not any("julia" in w for w in env.warnings)


def test_a_lookup_after_an_edit_gets_the_edited_spec_before_any_table_refresh(world, caplog):
    good = healthy(world)
    age(world)
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    manager.refresh_table()
    first = manager.get_kernel_spec(NAME)
    assert manager.get_kernel_spec(NAME) is first and "TEAM_SETTING" not in first.env
    table = manager._table

    edit_in_place(kernel_json(good), EDITED, OLD + 10**9)
    spec = manager.get_kernel_spec(NAME)  # what a kernel start reads, on the event loop
    assert spec.env["TEAM_SETTING"] == "edited" and spec.display_name == "Analysis [conda env:good]"
    assert spec.env["CONDA_PREFIX"] == str(good) and spec.metadata["conda_env_name"] == "good"
    assert manager.get_kernel_spec(NAME) is spec  # read once per edit
    settle_background_refresh()  # the lookup started a rebuild: the table follows
    assert manager._table is not table
    assert manager._table.entries[NAME].spec["display_name"] == "Analysis [conda env:good]"

    edit_in_place(kernel_json(good), {"argv": "not a list"}, OLD + 2 * 10**9)
    with caplog.at_level(logging.WARNING):
        kept = manager.get_kernel_spec(NAME)  # broken by the edit: the last good spec
    assert kept.env["TEAM_SETTING"] == "edited"
    assert any("kept as last read" in r.getMessage() for r in caplog.records)
    settle_background_refresh()  # then the refresh drops it: the kernel made for ipykernel is offered
    assert "TEAM_SETTING" not in manager.get_kernel_spec(NAME).env


def test_a_lookup_on_a_stuck_disk_answers_from_the_table_within_lookup_wait(world, monkeypatch):
    """The check of a kernel.json runs in a thread: a hung file system delays a lookup, never stops it."""
    import jupyter_envpanel.kernelspec as kernelspec

    good = healthy(world)
    age(world)
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()), lookup_wait=0.2)
    manager.refresh_table()
    first = manager.get_kernel_spec(NAME)
    edit_in_place(kernel_json(good), EDITED, OLD + 10**9)
    release = threading.Event()
    stat = kernelspec.mtime_ns

    stats = []

    def hung_stat(path):
        """Stat as a file system that stopped answering does: only once released."""
        stats.append(path)
        release.wait(30)
        return stat(path)

    monkeypatch.setattr(kernelspec, "mtime_ns", hung_stat)
    assert manager.get_kernel_spec(NAME) is first  # answered while the stat still hangs: the table's
    assert manager.get_kernel_spec(NAME) is first  # the first check is still stuck: no second one
    assert len(stats) == 1 and not release.is_set()

    release.set()  # the disk answers again: the next lookup reads the edit
    for _ in range(100):
        if manager._checking.is_set():
            break
        time.sleep(0.01)
    assert manager.get_kernel_spec(NAME).env["TEAM_SETTING"] == "edited"
    settle_background_refresh()


def test_a_lookup_rereads_a_kernel_json_the_table_read_within_a_clock_tick(world):
    good = healthy(world)
    age(world)
    now = time.time_ns()
    os.utime(kernel_json(good), ns=(now, now))
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    manager.refresh_table()
    assert "TEAM_SETTING" not in manager.get_kernel_spec(NAME).env
    edit_in_place(kernel_json(good), EDITED, now)  # the same mtime: only the racy rule sees it
    assert manager.get_kernel_spec(NAME).env["TEAM_SETTING"] == "edited"
    settle_background_refresh()


def test_a_native_kernelspec_edited_within_the_clock_tick_of_the_read_is_served_as_edited(
    world, tmp_path, monkeypatch
):
    healthy(world)
    spec_file = tmp_path / "jupyter" / "kernels" / "team" / "kernel.json"
    spec_file.parent.mkdir(parents=True)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    now = time.time_ns()
    edit_in_place(spec_file, {"argv": ["x"], "display_name": "Team v1"}, now)
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    assert manager.refresh_table().entries["team"].spec["display_name"] == "Team v1"
    edit_in_place(spec_file, {"argv": ["x"], "display_name": "Team v2"}, now)  # the same mtime
    assert manager.refresh_table().entries["team"].spec["display_name"] == "Team v2"
    assert manager.get_kernel_spec("team").display_name == "Team v2"


async def test_kernelspecs_api_serves_an_edited_display_name_without_refresh(server_world, jp_fetch):
    good = healthy(server_world)
    response = await jp_fetch("api", "kernelspecs")
    assert json.loads(response.body)["kernelspecs"][NAME]["spec"]["display_name"] == "Python [conda env:good]"
    later = kernel_json(good).stat().st_mtime_ns + 10**9  # a new mtime even on a coarse clock
    edit_in_place(kernel_json(good), EDITED, later)
    response = await jp_fetch("api", "kernelspecs", NAME)  # one spec: jupyter_server asks the lookup
    assert json.loads(response.body)["spec"]["display_name"] == "Analysis [conda env:good]"
    response = await jp_fetch("api", "kernelspecs")
    spec = json.loads(response.body)["kernelspecs"][NAME]["spec"]
    assert spec["display_name"] == "Analysis [conda env:good]" and spec["env"]["TEAM_SETTING"] == "edited"
    write_kernel(good, "python3", PYKERNEL)  # edited back: its mtime moves again
    response = await jp_fetch("api", "kernelspecs")
    spec = json.loads(response.body)["kernelspecs"][NAME]["spec"]
    assert spec["display_name"] == "Python [conda env:good]" and "TEAM_SETTING" not in spec["env"]


async def test_a_kernel_started_after_an_edit_runs_with_the_edited_env(server_world, jp_fetch, jp_serverapp):
    good = healthy(server_world)
    await jp_fetch("api", "kernelspecs")  # JupyterLab lists the kernels when it loads
    later = kernel_json(good).stat().st_mtime_ns + 10**9
    edit_in_place(kernel_json(good), {**PYKERNEL, "env": {"TEAM_SETTING": "edited"}}, later)
    code = "import os\nprint('TEAM=' + os.environ.get('TEAM_SETTING', ''))\n"
    seen = await run_in_kernel(jp_fetch, jp_serverapp, NAME, code, list_first=False)  # no listing between
    assert seen == {"TEAM": "edited"}


def test_a_kernel_json_deleted_and_written_again_is_seen_at_the_next_lookup(world, tmp_path, monkeypatch):
    """Deleted, then written anew (another inode, maybe the same mtime): the next lookup has the new spec.

    While it was gone, ours fell back to a spec made for ipykernel and the native one left the table;
    neither may hide the file written since (a kernel start reads the lookup).
    """
    good = healthy(world)
    data = tmp_path / "data"
    native = data / "kernels" / "native" / "kernel.json"
    native.parent.mkdir(parents=True)
    native.write_text(json.dumps({**PYKERNEL, "display_name": "Native"}))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(data))
    monkeypatch.setenv("JUPYTER_PATH", str(data))
    ksm = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    ksm.refresh_table()
    for name, path in (("native", native), (NAME, kernel_json(good))):
        before = ksm.get_kernel_spec(name)
        mtime = path.stat().st_mtime_ns
        path.unlink()
        ksm.refresh_table()  # something (the panel's poll) rebuilt the table while the file was gone
        path.write_text(json.dumps({**PYKERNEL, "display_name": "Rewritten", "env": {"MARK": "new"}}))
        os.utime(path, ns=(mtime, mtime))  # a copy that keeps its time: only the file's presence moved
        after = ksm.get_kernel_spec(name)
        assert after.env.get("MARK") == "new" and before.env.get("MARK") is None, name
    settle_background_refresh()
