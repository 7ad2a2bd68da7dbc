"""Make the demo's conda environments for real, without conda: venvs filled from PyPI wheels.

`demo` is what demo/environment.yml asks for (the demo project's environment: in sync);
`demo-drifted` has numpy 2.1 where the file asks for >=2.2, no pandas, no rich, and tqdm installed by
hand afterwards. Each is a real virtual environment of the Python running this script, so a kernel
started in it has it as `sys.prefix` and its packages import. Like a conda environment with some pip
packages in it, it carries `conda-meta/`: for every distribution a "conda" step installed, a record
with the files it installed (channel `pypi`, build `pypi_0`, which is how conda lists packages from
PyPI), and a `history` with what was asked for; what a "pip" step installed (rich) stays pip's, as
`pip install` in a conda environment leaves it. The records agree with site-packages (`check`).

Wheels are downloaded once into a cache (default `~/.cache/jupyter-envpanel/demo-wheels`) and
always installed from there with `--no-index`, so a second run, or one without network after a first,
downloads nothing. Idempotent: an environment is rebuilt only when its recipe or Python changed.
On Binder, binder/postBuild makes the same two environments with conda from conda-forge.

Usage: python scripts/demo_envs.py DEST [--wheels DIR] [--drop-in FILE] [--workspaces DIR]
  --drop-in FILE    also write a Jupyter config drop-in (jupyter_server_config.d/*.json) that adds
                    DEST to EnvPanelApp.extra_env_dirs, so the server and the CLI both find the demo
  --workspaces DIR  and, when JupyterLab's workspaces folder DIR has no default layout yet, make it
                    demo/.jupyterlab-workspace.json: the demo notebook and the Environments panel
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

RECIPE_VERSION = 2  # bump when the layout written below changes: every demo env is rebuilt
MARK = ".demo-env"  # in conda-meta/: the recipe this environment was made from
OLD_MARK = ".demo-fixture"  # the fixtures earlier versions of this script wrote
WORKSPACE = Path(__file__).resolve().parent.parent / "demo" / ".jupyterlab-workspace.json"
CHANNEL = "pypi"
BUILD = "pypi_0"


@dataclass(frozen=True)
class Step:
    """One install into an environment, as its user would have run it."""

    tool: str  # "conda" (records written for what it installed) or "pip" (left as pip's)
    wheels: tuple[str, ...]  # pinned requirements installed from PyPI wheels
    specs: tuple[str, ...] = ()  # what the user asked conda for, as conda history records it


# Versions with wheels for CPython 3.10 to 3.13 (numpy 2.1 and 2.2, pandas 2.2.3) or pure Python.
ENVS: dict[str, tuple[Step, ...]] = {
    "demo": (
        Step(
            "conda",
            ("numpy==2.2.6", "pandas==2.2.3", "ipykernel==6.29.5"),
            ("python>=3.10", "numpy>=2.2", "pandas>=2", "ipykernel", "pip"),
        ),
        Step("pip", ("rich==13.9.4",)),
    ),
    "demo-drifted": (
        Step("conda", ("numpy==2.1.3", "ipykernel==6.29.5"), ("python", "numpy=2.1", "ipykernel", "pip")),
        Step("conda", ("tqdm==4.67.1",), ("tqdm",)),  # installed by hand later: not in the file
    ),
}


def default_wheels() -> Path:
    """Return the wheel cache shared by every checkout of this user."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "jupyter-envpanel" / "demo-wheels"


def subdir() -> str:
    """Return conda's name for this platform (linux-64, osx-arm64, win-64, ...)."""
    system = {"linux": "linux", "darwin": "osx", "win32": "win"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    arch = {"x86_64": "64", "amd64": "64", "arm64": "arm64" if system == "osx" else "aarch64"}.get(machine)
    return f"{system}-{arch or machine}"


def site_packages(prefix: Path) -> Path:
    """Return the environment's site-packages (the Python running this script made it)."""
    if sys.platform == "win32":
        return prefix / "Lib" / "site-packages"
    return prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"


def python_of(prefix: Path) -> Path:
    """Return the environment's interpreter."""
    return prefix / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def normalise(name: str) -> str:
    """Return a distribution name as conda names PyPI packages: lower case, `-` for `_` and `.`."""
    return name.lower().replace("_", "-").replace(".", "-")


def dist_infos(site: Path) -> dict[str, tuple[str, str]]:
    """Return dist-info folder -> (conda name, version) of every installed distribution."""
    found = {}
    for entry in sorted(os.listdir(site)):
        if entry.endswith(".dist-info") and "-" in entry:
            name, version = entry[: -len(".dist-info")].rsplit("-", 1)
            found[entry] = (normalise(name), version)
    return found


def installer_of(folder: Path) -> str:
    """Return a dist-info's INSTALLER, empty when it has none."""
    try:
        return (folder / "INSTALLER").read_text().strip()
    except OSError:
        return ""


def pip_install(prefix: Path, wheels: Path, requirements: tuple[str, ...]) -> None:
    """Install pinned requirements from the wheel cache, downloading what it lacks first."""
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    pip = [str(python_of(prefix)), "-m", "pip"]
    offline = [*pip, "install", "-q", "--no-index", "--find-links", str(wheels), "--only-binary=:all:"]
    if subprocess.run([*offline, *requirements], env=env, capture_output=True).returncode == 0:
        return
    print(f"  downloading wheels for {' '.join(requirements)} into {wheels}", flush=True)
    download = [*pip, "download", "-q", "--only-binary=:all:", "--dest", str(wheels), *requirements]
    if subprocess.run(download, env=env).returncode != 0:
        sys.exit(
            f"scripts/demo_envs.py: cannot download {' '.join(requirements)} from PyPI; after one run "
            f"with network the wheels are cached in {wheels} and no network is needed"
        )
    subprocess.run([*offline, *requirements], env=env, check=True)


def record_paths(site: Path, prefix: Path, dist_info: str) -> list[dict]:
    """Return conda's `paths_data` entries for the files a distribution's RECORD lists."""
    paths = []
    with open(site / dist_info / "RECORD", newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if not row or not row[0]:
                continue
            path = os.path.relpath(os.path.normpath(site / row[0]), prefix).replace(os.sep, "/")
            entry = {"_path": path, "path_type": "hardlink"}
            digest = row[1] if len(row) > 1 else ""
            if digest.startswith("sha256="):
                raw = base64.urlsafe_b64decode(digest[7:] + "=" * (-len(digest[7:]) % 4))
                entry["sha256"] = raw.hex()
            if len(row) > 2 and row[2].isdigit():
                entry["size_in_bytes"] = int(row[2])
            paths.append(entry)
    return sorted(paths, key=lambda p: p["_path"])


def write_record(prefix: Path, name: str, version: str, build: str, channel: str, paths: list[dict]) -> str:
    """Write one conda-meta record with the fields conda itself writes; return its history line."""
    record = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": 0,
        "channel": channel,
        "subdir": subdir() if channel else "",
        "depends": [],
        "files": [p["_path"] for p in paths],
        "paths_data": {"paths": paths, "paths_version": 1},
    }
    (prefix / "conda-meta" / f"{name}-{version}-{build}.json").write_text(json.dumps(record, indent=1))
    return f"+{channel}::{name}-{version}-{build}" if channel else f"+{name}-{version}-{build}"


def python_record(prefix: Path) -> str:
    """Record the interpreter the venv runs (not a PyPI package: no channel)."""
    version = platform.python_version()
    folder = python_of(prefix).parent
    names = sorted(p.name for p in folder.iterdir() if p.name.startswith("python"))
    paths = [{"_path": f"{folder.name}/{n}", "path_type": "softlink"} for n in names]
    paths.append({"_path": "pyvenv.cfg", "path_type": "hardlink"})
    return write_record(prefix, "python", version, "venv_0", "", paths)


def conda_step(prefix: Path, step: Step, before: dict[str, tuple[str, str]], first: bool) -> list[str]:
    """Turn what a step installed into conda packages: records, INSTALLER conda; return history."""
    site = site_packages(prefix)
    lines = [python_record(prefix)] if first else []
    for dist_info, (name, version) in dist_infos(site).items():
        if dist_info in before:
            continue
        folder = site / dist_info
        (folder / "INSTALLER").write_text("conda\n")
        (folder / "REQUESTED").unlink(missing_ok=True)
        paths = [p for p in record_paths(site, prefix, dist_info) if not p["_path"].endswith("/REQUESTED")]
        for entry in paths:
            if entry["_path"].endswith(f"{dist_info}/INSTALLER"):  # rewritten above
                entry.update(sha256=hashlib.sha256(b"conda\n").hexdigest(), size_in_bytes=6)
        lines.append(write_record(prefix, name, version, BUILD, CHANNEL, paths))
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    return [
        f"==> {stamp} <==",
        f"# cmd: scripts/demo_envs.py: pip install --no-index {' '.join(step.wheels)}",
        "# (PyPI wheels recorded as conda packages; no conda was run)",
        *lines,
        f"# update specs: {list(step.specs)!r}",
    ]


def build(prefix: Path, steps: tuple[Step, ...], wheels: Path) -> None:
    """Make one environment from scratch: venv, then each step in order."""
    if prefix.exists():
        shutil.rmtree(prefix)
    subprocess.run([sys.executable, "-m", "venv", str(prefix)], check=True)
    (prefix / "conda-meta").mkdir()
    history: list[str] = []
    for index, step in enumerate(steps):
        before = dist_infos(site_packages(prefix)) if index else {}
        pip_install(prefix, wheels, step.wheels)
        if step.tool == "conda":
            history += conda_step(prefix, step, before, first=not history)
    (prefix / "conda-meta" / "history").write_text("\n".join(history) + "\n")


def check(prefix: Path) -> list[str]:
    """Return every way the conda records and site-packages disagree (none when they agree)."""
    site = site_packages(prefix)
    installed = dist_infos(site) if site.is_dir() else {}
    owned: dict[str, tuple[str, str]] = {}
    problems = []
    for path in sorted((prefix / "conda-meta").glob("*.json")):
        record = json.loads(path.read_text())
        for file in record.get("files", []):
            if file.endswith(".dist-info/METADATA"):
                owned[file.split("/")[-2]] = (record["name"], record["version"])
            elif not (prefix / file).exists() and not os.path.islink(prefix / file):
                problems.append(f"{path.name} lists {file}, which is not installed")
    for dist_info, (name, version) in installed.items():
        conda = installer_of(site / dist_info) == "conda"
        if conda and owned.get(dist_info) != (name, version):
            problems.append(f"{dist_info} says INSTALLER conda but no record owns it")
        if not conda and dist_info in owned:
            problems.append(f"{dist_info} is owned by a record but INSTALLER says pip")
    problems += [f"a record owns {d}, which is not installed" for d in owned if d not in installed]
    return problems


def recipe(steps: tuple[Step, ...]) -> str:
    """Return what an environment is made from: this script's layout, the Python, the steps."""
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    return json.dumps([RECIPE_VERSION, base, platform.python_version(), [asdict(s) for s in steps]])


def write_drop_in(path: Path, dest: Path) -> None:
    """Write a config drop-in that adds DEST to EnvPanelApp.extra_env_dirs (unless it already does)."""
    text = json.dumps({"EnvPanelApp": {"extra_env_dirs": [str(dest)]}}, indent=2) + "\n"
    if path.is_file() and path.read_text() == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"demo environments added to EnvPanelApp.extra_env_dirs in {path}")


def seed_workspace(folder: Path) -> None:
    """Make the demo's first screen JupyterLab's default layout in folder, unless it has one already."""
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, WorkspacesManager, slugify

    if (folder / f"{slugify('default')}{WORKSPACE_EXTENSION}").is_file():
        return  # the user's own layout since: keep it
    WorkspacesManager(str(folder)).save("default", WORKSPACE.read_text())
    print(f"JupyterLab's first screen: the demo notebook and the Environments panel ({folder})")


def main(argv: list[str]) -> int:
    """Make every demo environment under DEST that is missing or stale."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--wheels", type=Path, default=default_wheels())
    parser.add_argument("--drop-in", type=Path)
    parser.add_argument("--workspaces", type=Path)
    args = parser.parse_args(argv)
    dest = args.dest.resolve()
    dest.mkdir(parents=True, exist_ok=True)
    args.wheels.mkdir(parents=True, exist_ok=True)
    for old in dest.iterdir():  # environments earlier versions of this script made, no longer in ENVS
        if old.name not in ENVS and any((old / "conda-meta" / m).is_file() for m in (MARK, OLD_MARK)):
            shutil.rmtree(old)
            print(f"removed the old demo environment {old}")
    for name, steps in ENVS.items():
        prefix = dest / name
        mark = prefix / "conda-meta" / MARK
        if mark.is_file() and mark.read_text() == recipe(steps) and not check(prefix):
            continue
        print(f"demo environment {name}: {prefix} (Python {platform.python_version()})", flush=True)
        build(prefix, steps, args.wheels)
        problems = check(prefix)
        if problems:
            sys.exit(f"scripts/demo_envs.py: {prefix}: " + "; ".join(problems))
        mark.write_text(recipe(steps))
    if args.drop_in:
        write_drop_in(args.drop_in.resolve(), dest)
    if args.workspaces:
        seed_workspace(args.workspaces.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
