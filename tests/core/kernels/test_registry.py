"""Kernelspecs registered in the user's Jupyter data dir: where, how written, what is ours to remove."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from support.factory import AS_NOBODY, PYKERNEL, World, can_drop_to_nobody, child_json, write_kernel
from support.hostile import healthy

from jupyter_envpanel.core.base.errors import EnvPanelError
from jupyter_envpanel.core.kernels import registry
from jupyter_envpanel.core.kernels.registry import user_kernels_dir
from jupyter_envpanel.core.service import EnvService


def test_registered_kernel_json_is_indented_like_jupyters_own(world, monkeypatch):
    healthy(world)
    monkeypatch.setattr(tempfile, "tempdir", str(world.base / "no-such-tmp"))  # a full or missing /tmp
    service = EnvService(world.host())
    names = service.register("good")
    folder = registry.user_kernels_dir(world.host()) / names[0]
    text = (folder / "kernel.json").read_text("utf-8")
    assert text == json.dumps(json.loads(text), indent=1)  # one key per line, like `kernelspec install`
    assert sorted(p.name for p in folder.iterdir()) == ["kernel.json", "logo-32x32.png", "logo-64x64.png"]


@pytest.mark.parametrize(
    "environ",
    [{}, {"XDG_DATA_HOME": "{base}/xdg"}, {"JUPYTER_DATA_DIR": "{base}/data"}, {"JUPYTER_DATA_DIR": ""}],
)
def test_kernels_are_registered_where_jupyter_looks(world, monkeypatch, environ):
    from jupyter_core.paths import jupyter_data_dir

    environ = {k: v.format(base=world.base) for k, v in environ.items()}
    monkeypatch.setenv("HOME", str(world.home))
    for key in ("XDG_DATA_HOME", "JUPYTER_DATA_DIR"):
        monkeypatch.delenv(key, raising=False)
    for key, value in environ.items():
        monkeypatch.setenv(key, value)
    assert registry.user_kernels_dir(world.host(**environ)) == Path(jupyter_data_dir()) / "kernels"


def test_register_errors_say_what_and_where(world):
    world.conda_env(world.home / "miniconda3" / "envs" / "plain")
    ml = world.conda_env(world.home / "miniconda3" / "envs" / "ml", ipykernel=True)
    write_kernel(ml, "python3", PYKERNEL)
    data = world.base / "fresh" / "nested" / "data"  # no part of it exists yet
    host = world.host(JUPYTER_DATA_DIR=str(data))
    service = EnvService(host)
    with pytest.raises(
        EnvPanelError, match=r"^this environment has no kernel to register \(install ipykernel"
    ):
        service.register("plain")
    assert service.register("ml") == ["conda-env-ml-py"]  # parents created
    written = data / "kernels" / "conda-env-ml-py" / "kernel.json"
    assert json.loads(written.read_text())["metadata"]["envpanel"]["registered_by"] == "jupyter-envpanel"
    assert not [n for n in os.listdir(written.parent) if n.endswith(".tmp")]  # no temporary left
    written.write_text(json.dumps(PYKERNEL))  # now someone else's
    with pytest.raises(EnvPanelError, match="conda-env-ml-py exists and was not written by jupyter-envpanel"):
        service.register("ml")
    with pytest.raises(
        EnvPanelError, match="conda-env-ml-py was not written by jupyter-envpanel; remove it yourself"
    ):
        service.unregister("ml")
    assert written.exists()


def test_unregister_never_touches_a_system_wide_spec(world):
    ml = world.conda_env(world.home / "miniconda3" / "envs" / "ml", ipykernel=True)
    write_kernel(ml, "python3", PYKERNEL)
    host = world.host(JUPYTER_DATA_DIR=str(world.base / "data"))
    service = EnvService(host)
    system = world.base / "system" / "kernels"
    (system / "conda-env-ml-py").mkdir(parents=True)
    (system / "conda-env-ml-py" / "kernel.json").write_text(json.dumps(PYKERNEL))
    with pytest.raises(EnvPanelError, match="conda-env-ml-py is installed system-wide"):
        service.unregister("ml", [system])
    assert (system / "conda-env-ml-py" / "kernel.json").exists()
    assert service.unregister("ml", [world.base / "elsewhere"]) == []  # nothing anywhere: a success
    service.register("ml")
    assert service.unregister("ml", [system]) == ["conda-env-ml-py"]  # ours in the user's dir goes
    assert not (user_kernels_dir(host) / "conda-env-ml-py").exists()
    assert (system / "conda-env-ml-py" / "kernel.json").exists()
    # the user's own directory given as a "system" dir is not a system-wide install
    assert service.unregister("ml", [user_kernels_dir(host)]) == []


REGISTER_AS_NOBODY = (
    AS_NOBODY
    + r"""
from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.service import EnvService

base = Path(sys.argv[1])
drop_to_nobody()
home = base / "home"
environ = {"HOME": str(home), "PATH": "/usr/bin:/bin", "JUPYTER_DATA_DIR": sys.argv[2]}
host = Host(home=home, environ=environ, root=base / "root", sys_prefix=base / "server", system_roots=(),
            system_bins=())
try:
    EnvService(host).register("good")
    out = {"uid": os.geteuid(), "error": None}
except OSError as err:
    out = {"uid": os.geteuid(), "error": err.strerror, "where": err.filename}
print(json.dumps(out))
"""
)


@pytest.mark.skipif(not can_drop_to_nobody(), reason="running as root without the right to drop privileges")
def test_registering_where_the_data_dir_cannot_be_made_says_permission_denied_there():
    """A data dir under a folder the user may not write: the error names that folder, not a missing one."""
    base = Path(tempfile.mkdtemp(prefix="envpanel-perm-"))
    try:
        world = World(base)
        healthy(world)
        world.root.mkdir()
        (base / "locked").mkdir()
        for path in (base, *base.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        data = base / "locked" / "jupyter"
        out = child_json(REGISTER_AS_NOBODY, str(base), str(data))
        assert (out["error"], out["where"]) == ("Permission denied", str(data))
        assert not data.exists()
    finally:
        shutil.rmtree(base, ignore_errors=True)
