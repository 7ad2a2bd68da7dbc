"""Write the demo's two environments as conda-layout fixtures, so the tour works without conda.

`demo-in-sync` matches demo/environment.yml; `demo-drifted` has an older numpy, no pandas, no rich,
and seaborn installed by hand. They are fixtures, not real conda installs: conda-meta records and
history written the way conda writes them, and a `bin/python` that runs the interpreter executing
this script (the project's .venv), so their kernels start for real. On Binder, binder/postBuild
creates real conda environments with the same names instead.

Usage: python scripts/demo_envs.py DEST   (idempotent; rewrites an env only when it is stale)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

CHANNEL = "https://conda.anaconda.org/conda-forge"
SUBDIR = "linux-64"
PYTHON = ".".join(str(p) for p in sys.version_info[:3])
ENVS = {
    "demo-in-sync": {
        "conda": [("numpy", "1.26.4"), ("pandas", "2.2.3"), ("ipykernel", "6.29.5"), ("pip", "24.2")],
        "pip": [("rich", "13.9.4")],
        "requested": ["python", "numpy>=1.26", "pandas>=2", "ipykernel", "pip"],
    },
    "demo-drifted": {
        "conda": [("numpy", "1.24.4"), ("ipykernel", "6.29.5"), ("pip", "24.2"), ("seaborn", "0.13.2")],
        "pip": [],
        "requested": ["python", "numpy=1.24", "ipykernel", "pip", "seaborn"],
    },
}
MARK = "# demo fixture written by scripts/demo_envs.py (no conda was run)"


def write_record(prefix: Path, name: str, version: str, build: str) -> None:
    """Write one conda-meta record with the fields conda itself writes."""
    fn = f"{name}-{version}-{build}.conda"
    record = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": 0,
        "fn": fn,
        "url": f"{CHANNEL}/{SUBDIR}/{fn}",
        "channel": f"{CHANNEL}/{SUBDIR}",
        "subdir": SUBDIR,
        "depends": [],
        "files": [],
        "paths_data": {"paths": [], "paths_version": 1},
    }
    (prefix / "conda-meta" / f"{name}-{version}-{build}.json").write_text(json.dumps(record, indent=1))


def write_env(prefix: Path, spec: dict) -> None:
    """Write one fixture environment from scratch."""
    if prefix.exists():
        shutil.rmtree(prefix)
    (prefix / "conda-meta").mkdir(parents=True)
    write_record(prefix, "python", PYTHON, "h0_0_cpython")
    for name, version in spec["conda"]:
        write_record(prefix, name, version, "py_0")
    site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    site.mkdir(parents=True)
    for name, version in spec["pip"]:
        dist = site / f"{name}-{version}.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (dist / "INSTALLER").write_text("pip\n")
        (dist / "REQUESTED").write_text("")
    history = [
        "==> 2024-05-01 10:00:00 <==",
        MARK,
        f"# cmd: conda create -n {prefix.name}",
        f"# update specs: {spec['requested']!r}",
    ]
    (prefix / "conda-meta" / "history").write_text("\n".join(history) + "\n")
    (prefix / "bin").mkdir()
    python = prefix / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)


def main(dest: str) -> int:
    """Write both environments under dest unless they are already current."""
    folder = Path(dest).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in ENVS.items():
        prefix = folder / name
        stamp = json.dumps([MARK, sys.executable, PYTHON, spec], sort_keys=True)
        marker = prefix / "conda-meta" / ".demo-fixture"
        if marker.is_file() and marker.read_text() == stamp:
            continue
        write_env(prefix, spec)
        marker.write_text(stamp)
        print(f"demo environment (fixture): {prefix}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/demo_envs.py DEST")
    sys.exit(main(sys.argv[1]))
