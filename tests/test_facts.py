"""What a listing reads of one prefix from file names: site-packages, package count, warnings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from factory import can_drop_to_nobody, child_environ, envs_of, write_dist

from jupyter_envpanel.core.discovery import Discovery


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

from jupyter_envpanel.core.facts import read_facts

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
        child = subprocess.run(
            [sys.executable, "-c", UNLISTABLE_CHILD, str(prefix)],
            capture_output=True,
            text=True,
            timeout=120,
            env=child_environ(),
        )
        assert child.returncode == 0, child.stderr
        out = json.loads(child.stdout)
        assert out["uid"] != 0
        assert out["warnings"] == [f"cannot read {meta}: Permission denied"]
    finally:
        if meta.is_dir():
            meta.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
