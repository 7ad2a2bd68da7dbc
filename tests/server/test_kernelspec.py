"""The kernel spec manager: table reuse, waiting, background refresh, base URL, native specs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from jupyter_client.kernelspec import NoSuchKernel
from support.factory import PYKERNEL, write_kernel
from support.hostile import healthy
from traitlets import Unicode
from traitlets.config import LoggingConfigurable

from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager


class _Server(LoggingConfigurable):
    """Stands for the ServerApp a kernel spec manager belongs to."""

    base_url = Unicode("/user/alice/")


class _NoBase(LoggingConfigurable):
    """A parent whose base URL is empty."""

    base_url = Unicode("")


def test_kernelspec_models_link_resources_under_the_servers_base_url(world):
    healthy(world)
    service = EnvService(world.host())
    cases = [("/user/alice/", _Server()), ("/", LoggingConfigurable()), ("/", _NoBase())]
    for base, parent in cases:  # the second has no base_url, the third an empty one
        manager = EnvPanelKernelSpecManager(service=service, parent=parent)
        models = asyncio.run(manager.get_all_specs())
        links = models["conda-env-good-py"]["resources"]
        assert links["logo-64x64"] == f"{base}kernelspecs/conda-env-good-py/logo-64x64.png"
    models = asyncio.run(EnvPanelKernelSpecManager(service=service).get_all_specs())
    assert models["conda-env-good-py"]["resources"]["logo-64x64"].startswith("/kernelspecs/")


def test_a_slow_rebuild_answers_the_last_table_after_refresh_timeout(world, caplog):
    healthy(world)
    service = EnvService(world.host())
    manager = EnvPanelKernelSpecManager(service=service, refresh_timeout=0.3)
    manager.refresh_table()
    release = threading.Event()
    real = service.listing

    def stuck_listing(*args, **kwargs):  # a disk that hangs while the table is rebuilt
        release.wait(10)
        return real(*args, **kwargs)

    service.listing = stuck_listing
    timer = threading.Timer(2, release.set)
    timer.start()

    async def answer():  # asyncio.run itself waits for the stuck thread when it closes
        models = await manager.get_all_specs()
        stuck = not release.is_set()
        release.set()
        return models, stuck

    try:
        with caplog.at_level(logging.WARNING):
            models, answered_while_stuck = asyncio.run(answer())
    finally:
        release.set()
        timer.cancel()
    assert answered_while_stuck and "conda-env-good-py" in models
    said = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert said == ["jupyter-envpanel: kernel table refresh is slow; answering the last one"]


def test_lookups_wait_for_the_first_table_then_reuse_each_spec(world):
    good = healthy(world)
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    assert "conda-env-good-py" in manager.find_kernel_specs()  # no table yet: built, waited for
    first = manager.get_kernel_spec("conda-env-good-py")
    assert manager.get_kernel_spec("conda-env-good-py") is first  # built once per table entry
    write_kernel(good, "python3", {**PYKERNEL, "env": {"CHANGED": "1"}})
    manager.service.refresh()  # what Refresh in the panel does
    manager.refresh_table()
    assert manager.get_kernel_spec("conda-env-good-py").env["CHANGED"] == "1"  # a new entry, a new spec
    with pytest.raises(NoSuchKernel) as info:
        manager.get_kernel_spec("conda-env-nothing-py")
    assert info.value.name == "conda-env-nothing-py"


@contextlib.contextmanager
def stuck_disk(service: EnvService, seconds: float) -> Iterator[threading.Event]:
    """Make the service's listings hang (as on a stuck disk) until released, at the latest after `seconds`."""
    release = threading.Event()
    real = service.listing

    def stuck_listing(*args, **kwargs):
        release.wait(10)
        return real(*args, **kwargs)

    service.listing = stuck_listing
    timer = threading.Timer(seconds, release.set)
    timer.start()
    try:
        yield release
    finally:
        release.set()
        timer.cancel()


def test_a_second_refresh_request_never_waits_for_a_pending_one(world):
    healthy(world)
    service = EnvService(world.host())
    manager = EnvPanelKernelSpecManager(service=service)
    with stuck_disk(service, seconds=2) as release:
        manager.refresh_soon()  # the pending rebuild, stuck on the disk
        manager.refresh_soon()  # called on the event loop: must return at once
        returned_while_stuck = not release.is_set()
    assert returned_while_stuck


REFRESH_AT_EXIT = """
import threading
from collections.abc import Iterator
from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager

service = EnvService(Host.current(root="."))
service.listing = lambda *args, **kwargs: threading.Event().wait()  # a disk that never answers
EnvPanelKernelSpecManager(service=service).refresh_soon()
print("exiting")
"""


def test_a_stuck_background_refresh_never_keeps_the_server_from_exiting():
    child = subprocess.run(
        [sys.executable, "-c", REFRESH_AT_EXIT], capture_output=True, text=True, timeout=30
    )
    assert child.returncode == 0 and child.stdout == "exiting\n", child.stderr


def test_an_edited_native_kernelspec_is_served_as_edited(world, tmp_path, monkeypatch):
    healthy(world)
    folder = tmp_path / "jupyter" / "kernels" / "team"
    folder.mkdir(parents=True)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    (folder / "kernel.json").write_text(
        json.dumps({"argv": ["x"], "display_name": "Team v1", "language": "python"})
    )
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    assert manager.refresh_table().entries["team"].spec["display_name"] == "Team v1"
    (folder / "kernel.json").write_text(
        json.dumps({"argv": ["x"], "display_name": "Team v2", "language": "python"})
    )
    os.utime(folder / "kernel.json", ns=(1, 1))  # a new mtime even on a coarse clock
    assert manager.refresh_table().entries["team"].spec["display_name"] == "Team v2"


class _App(LoggingConfigurable):
    """Stands for a ServerApp with a root directory."""

    root_dir = Unicode()


def test_the_manager_uses_the_service_it_is_given_else_one_at_the_servers_root(world, monkeypatch):
    healthy(world)
    monkeypatch.chdir(world.base)  # not the root: the root must come from the server
    service = EnvService(world.host())
    assert EnvPanelKernelSpecManager(service=service)._service() is service
    world.root.mkdir(exist_ok=True)
    made = EnvPanelKernelSpecManager(parent=_App(root_dir=str(world.root)))._service()
    assert isinstance(made, EnvService) and str(made.host.root) == str(world.root)
    alone = EnvPanelKernelSpecManager()._service()  # no server around it: the working folder
    assert str(alone.host.root) == os.path.realpath(world.base)


def test_an_unchanged_disk_keeps_the_same_table(world):
    healthy(world)
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    first = manager.refresh_table()
    assert manager.refresh_table() is first  # nothing changed: no rebuild
    world.conda_env(world.home / "miniconda3" / "envs" / "new", ipykernel=True)
    manager.service.refresh()
    assert manager.refresh_table() is not first


def test_a_broken_native_kernelspec_is_skipped_with_a_warning_naming_it(world, tmp_path, monkeypatch, caplog):
    healthy(world)
    kernels_dir = tmp_path / "jupyter" / "kernels"
    for name, text in (
        ("aaa-broken", "{not json"),
        ("zzz-fine", json.dumps({"argv": ["x"], "display_name": "Z"})),
    ):
        (kernels_dir / name).mkdir(parents=True)
        (kernels_dir / name / "kernel.json").write_text(text)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    manager = EnvPanelKernelSpecManager(service=EnvService(world.host()))
    with caplog.at_level(logging.WARNING):
        entries = manager.refresh_table().entries
    assert "zzz-fine" in entries and "aaa-broken" not in entries and "conda-env-good-py" in entries
    warnings = [r.getMessage() for r in caplog.records if "not offered" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].startswith(
        "jupyter-envpanel: kernelspec aaa-broken not offered: "
    )
    assert "kernel.json" in warnings[0] and not warnings[0].endswith("None")


def test_lookups_read_the_table_and_start_no_disk_work(world):
    healthy(world)
    service = EnvService(world.host())
    manager = EnvPanelKernelSpecManager(service=service)
    assert (
        manager.get_kernel_spec_fresh("conda-env-good-py").metadata["conda_env_name"] == "good"
    )  # no table yet
    calls = []
    real = service.listing
    service.listing = lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs)
    for _ in range(3):
        manager.get_kernel_spec("conda-env-good-py")
        manager.find_kernel_specs()
    for thread in threading.enumerate():
        if thread.name == "envpanel-kernel-table":
            thread.join(10)
    assert calls == []


def test_the_first_lookup_waits_for_the_first_table_only_so_long(world):
    healthy(world)
    service = EnvService(world.host())
    manager = EnvPanelKernelSpecManager(service=service, startup_wait=0.3)
    with stuck_disk(service, seconds=3) as release:
        found = manager.find_kernel_specs()  # the disk hangs: an empty answer after startup_wait
        answered_while_stuck = not release.is_set()
    assert answered_while_stuck and found == {}


async def test_a_kernel_made_from_ipykernel_has_ipykernels_logos(server_world, jp_fetch):
    import importlib.util
    from pathlib import Path

    server_world.conda_env(server_world.home / "miniconda3" / "envs" / "bare", ipykernel=True)
    response = await jp_fetch("api", "kernelspecs")
    bare = json.loads(response.body)["kernelspecs"]["conda-env-bare-py"]
    assert set(bare["resources"]) >= {"logo-64x64", "logo-32x32"}
    logo = await jp_fetch("kernelspecs", "conda-env-bare-py", "logo-64x64.png")
    spec = importlib.util.find_spec("ipykernel")
    expected = Path(list(spec.submodule_search_locations)[0]) / "resources" / "logo-64x64.png"
    assert logo.body == expected.read_bytes()


_KERNEL_DIRS = """
import json, sys
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager
ours = EnvPanelKernelSpecManager().kernel_dirs
imported = "IPython" in sys.modules
from jupyter_client.kernelspec import KernelSpecManager
print(json.dumps([ours, imported, KernelSpecManager().kernel_dirs]))
"""


LAYOUTS = ["no ~/.ipython yet", "~/.ipython", "IPYTHONDIR", "legacy ~/.config/ipython"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_kernel_folders_are_jupyter_clients_without_importing_ipython(tmp_path, layout):
    """kernel_dirs is what jupyter_client's default gives (IPython's folder last), IPython never imported."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "XDG_"))}
    env["HOME"] = str(home)
    if layout == "~/.ipython":
        (home / ".ipython" / "kernels").mkdir(parents=True)
    elif layout == "IPYTHONDIR":
        env["IPYTHONDIR"] = str(tmp_path / "ipy")
    elif layout == "legacy ~/.config/ipython":
        (home / ".config" / "ipython").mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, "-c", _KERNEL_DIRS], env=env, capture_output=True, text=True, check=True
    )
    ours, imported, theirs = json.loads(done.stdout.strip().splitlines()[-1])
    assert ours == theirs
    assert ours[-1].endswith("kernels") and ours[-1] != ours[0]
    assert imported is False
