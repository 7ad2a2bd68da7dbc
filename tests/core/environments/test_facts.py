"""What a listing reads of one prefix from file names: site-packages, package count, warnings."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from support.factory import can_drop_to_nobody, child_environ, child_json, envs_of, write_dist

from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.environments.discovery import Discovery


def test_a_debian_system_python_counts_its_dist_packages(world):
    """/usr/lib/python3/dist-packages (Debian, Ubuntu) is a system Python's package folder."""
    usr = world.base / "usr"
    (usr / "bin").mkdir(parents=True)
    (usr / "bin" / "python3").write_text("#!/bin/sh\n")
    (usr / "bin" / "python3").chmod(0o755)
    dist_packages = usr / "lib" / "python3" / "dist-packages"
    write_dist(dist_packages, "ipykernel", "6.29.5", installer="debian")
    write_dist(dist_packages, "requests", "2.31.0", installer="debian")
    env = envs_of(Discovery(world.host(PATH=str(usr / "bin"))).list())["python3"]
    assert (env.kind, env.package_count, env.has_ipykernel) == ("system", 2, True)


UNLISTABLE_CHILD = r"""
import json, os, sys
from pathlib import Path

from jupyter_envpanel.core.environments.facts import read_facts

if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
facts = read_facts(Path(sys.argv[1]), "conda", None)
print(json.dumps({"uid": os.geteuid(), "warnings": list(facts.warnings)}))
"""


@pytest.mark.skipif(not can_drop_to_nobody(), reason="running as root without the right to drop privileges")
def test_a_conda_meta_this_user_cannot_list_is_a_plain_warning(world):
    """conda-meta/ that cannot be listed: the warning names it and says why, without errno noise."""
    base = Path(tempfile.mkdtemp(prefix="envpanel-facts-"))
    meta = base / "envs" / "locked" / "conda-meta"
    try:
        prefix = world.conda_env(base / "envs" / "locked")
        for path in (base, *base.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        meta.chmod(0o311)  # searchable, not listable: conda-meta/history is still found
        out = child_json(UNLISTABLE_CHILD, str(prefix))
        assert out["warnings"] == [f"cannot read {meta}: Permission denied"]
    finally:
        if meta.is_dir():
            meta.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def python_install(prefix: Path, major_minor: str, header_version: str | None) -> Path:
    """Write a Python installation: bin/pythonX.Y, its stdlib folder, and its patchlevel.h if given."""
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    exe = prefix / "bin" / f"python{major_minor}"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    (prefix / "lib" / f"python{major_minor}" / "site-packages").mkdir(parents=True)
    if header_version:
        write_header(prefix, major_minor, header_version)
    return exe


def write_header(prefix: Path, major_minor: str, version: str) -> Path:
    """Write `include/pythonX.Y/patchlevel.h` as CPython ships it."""
    header = prefix / "include" / f"python{major_minor}" / "patchlevel.h"
    header.parent.mkdir(parents=True, exist_ok=True)
    header.write_text(f'#define PY_MINOR_VERSION 11\n#define PY_VERSION              "{version}"\n')
    return header


def test_a_system_pythons_full_version_comes_from_its_patchlevel_h(world):
    """`/usr/bin/python3.11` says 3.11; its own `patchlevel.h` says 3.11.2, and an update is seen."""
    usr = world.base / "usr"
    python_install(usr, "3.11", "3.11.2")
    discovery = Discovery(world.host(PATH=str(usr / "bin")))
    assert envs_of(discovery.list())["python3.11"].python_version == "3.11.2"
    header = write_header(usr, "3.11", "3.11.9")  # apt upgraded the interpreter
    os.utime(header, ns=(header.stat().st_mtime_ns + 10**9,) * 2)
    assert envs_of(discovery.list())["python3.11"].python_version == "3.11.9"


@pytest.mark.parametrize(
    "header",
    ["fifo", "another-python", "no-version"],
    ids=["fifo", "another-pythons-header", "no-version-line"],
)
def test_a_patchlevel_h_that_stops_telling_leaves_the_short_version(world, header):
    """It said 3.11.2; then a FIFO, another Python's header, no PY_VERSION: `3.11`, no hang, no guess."""
    usr = world.base / "usr"
    path = write_header(usr, "3.11", "3.11.2")
    python_install(usr, "3.11", None)
    discovery = Discovery(world.host(PATH=str(usr / "bin")))
    assert envs_of(discovery.list())["python3.11"].python_version == "3.11.2"
    path.unlink()
    if header == "fifo":
        os.mkfifo(path)
    else:
        path.write_text('#define PY_VERSION "3.10.4"\n' if header == "another-python" else "/* empty */\n")
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    write_header(world.base / "other", "3.11", "3.11.2")  # a Python elsewhere says nothing about this one
    env = envs_of(discovery.list())["python3.11"]
    assert (env.python_version, env.warnings) == ("3.11", ())


def test_a_venv_whose_cfg_says_only_major_minor_gets_its_base_pythons_full_version(world):
    """uv writes `version_info = 3.12` for a venv made through a minor-version link: `home` tells the rest."""
    installs = world.base / "uv-python"
    real = installs / "cpython-3.12.4-linux-x86_64-gnu"
    python_install(real, "3.12", None)  # no headers: the installation's folder name tells
    link = installs / "cpython-3.12-linux-x86_64-gnu"
    link.symlink_to(real)
    venv = world.root / ".venv"
    (venv / "lib" / "python3.12" / "site-packages").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = {link}/bin\nuv = 0.13.9\nversion_info = 3.12\n")
    python_install(world.base / "headers", "3.13", "3.13.1")
    other = world.root / "venv"  # and a venv of a Python whose headers say it
    (other / "lib" / "python3.13" / "site-packages").mkdir(parents=True)
    (other / "pyvenv.cfg").write_text(f"home = {world.base / 'headers' / 'bin'}\nversion = 3.13\n")
    envs = envs_of(Discovery(world.host()).list())
    assert (envs[".venv"].python_version, envs["venv"].python_version) == ("3.12.4", "3.13.1")


def test_the_full_version_of_this_machines_system_pythons_is_what_they_say(tmp_path):
    """The real `/usr/bin/python3.X` with its headers: the listing's version is the interpreter's own."""
    host = Host(tmp_path, {"PATH": ""}, tmp_path, tmp_path / "none", system_roots=())
    found = Discovery(host, sources=["system"]).list().environments
    checked = 0
    for env in found:
        major_minor = ".".join((env.python_version or "").split(".")[:2])
        if (
            not env.executable
            or not Path(env.prefix, "include", f"python{major_minor}", "patchlevel.h").is_file()
        ):
            continue
        said = subprocess.run(
            [env.executable, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            env=child_environ(),
        )
        assert env.python_version == said.stdout.strip(), env.executable
        checked += 1
    if not checked:
        pytest.skip("no Python in /usr/bin or /usr/local/bin with its headers (python3-dev) on this machine")
