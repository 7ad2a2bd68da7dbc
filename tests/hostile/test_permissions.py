"""Permission denied, as an unprivileged user: as root (CI), in a child that drops to nobody."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from support.factory import (
    AS_NOBODY,
    CONDA_FORGE,
    PYKERNEL,
    World,
    can_drop_to_nobody,
    child_json,
    write_kernel,
)

NOBODY = 65534
CHILD = (
    AS_NOBODY
    + r"""
from jupyter_envpanel.core.base.errors import EnvPanelError
from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.service import EnvService

base = Path(sys.argv[1])
drop_to_nobody()
home = base / "home"
host = Host(home=home, environ={"HOME": str(home), "PATH": "/usr/bin:/bin"}, root=base / "root",
            sys_prefix=base / "server", system_roots=(), system_bins=())
service = EnvService(host)
listing = service.listing()
kernels = service.offered_kernels_for(listing).values()
envs = {}
for e in listing.environments:
    names = sorted(k.name for k in kernels if k.env.prefix == e.prefix)
    envs[e.name] = {"warnings": list(e.warnings), "kernels": names}
out = {"uid": os.geteuid(), "warnings": list(listing.warnings), "envs": envs}
ok = service.find("ok")
out["ok_drift"] = service.drift(ok, base / "root" / "readable.yml").summary
try:
    service.drift(ok, base / "root" / "environment.yml")
except EnvPanelError as err:
    out["locked_file"] = str(err)
try:
    out["locked_show"] = len(service.show("locked")["packages"])
except EnvPanelError as err:
    out["locked_show"] = str(err)
print(json.dumps(out))
"""
)


@pytest.fixture
def open_world():
    """A world every user may traverse (pytest's tmp dirs are private to root)."""
    base = Path(tempfile.mkdtemp(prefix="envpanel-perm-"))
    base.chmod(0o755)
    yield World(base)
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(not can_drop_to_nobody(), reason="running as root without the right to drop privileges")
def test_unreadable_places_cost_only_themselves(open_world):
    w = open_world
    root = w.home / "miniconda3"
    w.conda_env(root, python="3.12.1")
    ok = w.conda_env(
        root / "envs" / "ok", packages=[("numpy", "1.26.4", "py311h0_0", CONDA_FORGE)], ipykernel=True
    )
    write_kernel(ok, "python3", PYKERNEL)
    locked = w.conda_env(root / "envs" / "locked", packages=["scipy=1.11.4"], ipykernel=True)
    private_kernels = w.conda_env(root / "envs" / "private-kernels", ipykernel=True)
    write_kernel(private_kernels, "python3", PYKERNEL)
    w.root.mkdir()
    (w.root / "readable.yml").write_text("dependencies:\n  - numpy>=1.26\n")
    (w.root / "environment.yml").write_text("dependencies:\n  - numpy\n")
    (w.home / ".conda").mkdir()
    (w.home / ".conda" / "environments.txt").write_text(f"{ok}\n")
    for path in (w.base, *w.base.rglob("*")):
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o644)
    (locked / "conda-meta").chmod(0o700 if os.geteuid() == 0 else 0o000)
    (private_kernels / "share" / "jupyter" / "kernels").chmod(0o700 if os.geteuid() == 0 else 0o000)
    (w.root / "environment.yml").chmod(0o600 if os.geteuid() == 0 else 0o000)
    (w.home / ".conda" / "environments.txt").chmod(0o600 if os.geteuid() == 0 else 0o000)
    try:
        out = child_json(CHILD, str(w.base))
    finally:
        for path in (locked / "conda-meta", private_kernels / "share" / "jupyter" / "kernels"):
            path.chmod(0o755)
    envs = out["envs"]
    assert {"base", "ok", "private-kernels"} <= set(envs) and "locked" not in envs
    assert envs["ok"] == {"warnings": [], "kernels": ["conda-env-ok-py"]}
    # its own kernel.json is private: the kernel made from ipykernel is offered, and the user is told
    assert envs["private-kernels"]["kernels"] == ["conda-env-private-kernels-py"]
    assert ["not readable by this user" in w for w in envs["private-kernels"]["warnings"]] == [True]
    assert [w.split(": ", 1)[1] for w in out["warnings"] if "environments.txt" in w] == [
        "cannot open: Permission denied"
    ]
    locked_warning = f"{locked}/conda-meta is not readable by this user (permission denied), skipped"
    assert locked_warning in out["warnings"]
    assert out["locked_show"].startswith("unknown environment: 'locked'")
    assert out["ok_drift"]["ok"] == 1
    assert "environment.yml" in out["locked_file"] and "permission denied" in out["locked_file"].lower()


UNREGISTER_CHILD = (
    AS_NOBODY
    + r"""
from jupyter_envpanel.core.base.errors import EnvPanelError
from jupyter_envpanel.core.kernels import registry
from jupyter_envpanel.core.base.host import Host

home = Path(sys.argv[1])
drop_to_nobody()
host = Host(home=home, environ={"HOME": str(home), "PATH": "/usr/bin:/bin"}, root=home,
            sys_prefix=home / "server", system_roots=(), system_bins=())
out = {"uid": os.geteuid()}
for name in ("conda-env-free-py", "conda-env-stuck-py"):
    try:
        out[name] = registry.unregister([name], host)
    except EnvPanelError as err:
        out[name] = str(err)
print(json.dumps(out))
"""
)


@pytest.mark.skipif(not can_drop_to_nobody(), reason="running as root without the right to drop privileges")
def test_a_kernelspec_that_cannot_be_removed_is_an_error_not_a_success(open_world):
    home = open_world.home
    kernels = home / ".local" / "share" / "jupyter" / "kernels"
    spec = {
        "argv": ["python"],
        "language": "python",
        "metadata": {"envpanel": {"registered_by": "jupyter-envpanel"}},
    }
    for name in ("conda-env-free-py", "conda-env-stuck-py"):
        (kernels / name).mkdir(parents=True)
        (kernels / name / "kernel.json").write_text(json.dumps(spec))
    stuck = kernels / "conda-env-stuck-py" / "stuck"
    stuck.mkdir()
    (stuck / "file").write_text("x")
    for path in (open_world.base, *open_world.base.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
        if os.geteuid() == 0 and path != stuck and stuck not in path.parents:
            os.chown(path, NOBODY, NOBODY)  # the user's own home; `stuck` stays root's
    if os.geteuid() != 0:
        stuck.chmod(0o555)  # not root: a folder the user cannot change stands for a foreign one
    try:
        out = child_json(UNREGISTER_CHILD, str(home))
    finally:
        stuck.chmod(0o755)
    assert out["conda-env-free-py"] == ["conda-env-free-py"]
    assert not (kernels / "conda-env-free-py").exists()
    folder = kernels / "conda-env-stuck-py"
    assert out["conda-env-stuck-py"] == f"could not remove {folder} (permission denied?); remove it yourself"
    assert (folder / "stuck" / "file").exists()
