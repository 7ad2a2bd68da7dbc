"""Package tools for job tests: fakes of conda / mamba / micromamba / pixi, local wheels, process checks.

A fake is a small Python script that behaves like the real tool where a job can see it: it records
its argv (in `$ARGV_LOG`, when set), prints progress as the real ones do (`45%`), writes the prefix
the real one would (conda-meta records and history, `environments.txt`, pixi's `.pixi/envs/default`)
and exits. The file `$FAKE_MODE` (read at each call, so a test changes it between jobs) may say
`exit N` (fail after printing an error), `hang` (never exit, ignoring SIGTERM, with a child in its
process group; its group id goes to `$FAKE_MODE.pgid`) or `flood MB` (print that much first).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from support.pyindex import write_wheel

SUPPORT = Path(__file__).resolve().parents[1]

FAKE = r'''#!{python}
import json, os, re, signal, subprocess, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from support.factory import write_dist, write_kernel, write_record, PYKERNEL

TOOL = os.path.basename(sys.argv[0])
args = sys.argv[1:]
if os.environ.get("ARGV_LOG"):
    with open(os.environ["ARGV_LOG"], "a") as log:
        log.write(json.dumps([TOOL, *args]) + "\n")


def value(*flags):
    """Return an option's value (`-n X`, `--name=X`), or None."""
    for i, arg in enumerate(args):
        for flag in flags:
            if arg == flag and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(flag + "="):
                return arg[len(flag) + 1 :]
    return None


def progress(what):
    print(f"{{what}}: ...working... ", flush=True)
    for pct in (0, 45, 100):
        print(f"\r{{what}} [{{'#' * (pct // 10):<10}}] {{pct}}%", end="", flush=True)
    print("\ndone", flush=True)


def packages(prefix, specs):
    prefix = Path(prefix)
    for spec in specs:
        name = re.split(r"[<>=!~ ]", spec.split("::")[-1], maxsplit=1)[0]
        version = (re.findall(r"[\d.]+", spec[len(name):]) or ["1.0"])[0].rstrip(".") or "1.0"
        write_record(prefix, (name, version, "h0_0"))
        if name == "ipykernel":
            write_kernel(prefix, "python3", PYKERNEL)


def history(prefix, specs):
    meta = os.path.join(prefix, "conda-meta")
    os.makedirs(meta, exist_ok=True)
    with open(os.path.join(meta, "history"), "a") as fh:
        fh.write("==> 2024-01-01 00:00:00 <==\n# cmd: " + " ".join([TOOL, *args]) + "\n")
        fh.write(f"# conda version: 24.1.0\n# update specs: {{specs!r}}\n")


def envfile_specs(path):
    import yaml

    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return data.get("name"), [s for s in data.get("dependencies", []) if isinstance(s, str)]


MODE_FILE = os.environ.get("FAKE_MODE", "")
mode = open(MODE_FILE).read().split() if MODE_FILE and os.path.exists(MODE_FILE) else []
if mode[:1] == ["flood"]:
    line = ("x" * 99 + "\n").encode()
    for _ in range(int(mode[1]) * 10486):
        sys.stdout.buffer.write(line)
    sys.stdout.flush()
if mode[:1] == ["hang"]:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    deaf = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(3600)"
    child = subprocess.Popen([sys.executable, "-c", deaf])
    print("Solving environment: 45%", flush=True)
    with open(MODE_FILE + ".pgid", "w") as fh:
        fh.write(str(os.getpgid(0)))
    time.sleep(3600)
if mode[:1] == ["exit"]:
    print("Collecting package metadata: 45%", flush=True)
    error = "CondaHTTPError: HTTP 000 CONNECTION FAILED for url <https://conda.anaconda.org>"
    print(f"\x1b[31m{{error}}\x1b[0m", flush=True)
    print("An unexpected error has occurred.", flush=True)
    sys.exit(int(mode[1]))

root = os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[0])))
if TOOL == "pixi":
    manifest = value("--manifest-path") or "pixi.toml"
    project = os.path.dirname(os.path.abspath(manifest))
    prefix = Path(project, ".pixi", "envs", "default")
    progress("installing")
    if args[:1] == ["install"]:
        os.makedirs(prefix, exist_ok=True)
        write_record(prefix, ("python", "3.12.1", "h0_0_cpython"))
        history(prefix, ["python"])
    elif args[:1] == ["add"]:
        packages(prefix, [a for a in args[1:] if not a.startswith("-")])
    sys.exit(0)

file = value("-f", "--file")
prefix = value("-p", "--prefix")
if args[:2] == ["env", "create"] or args[:1] == ["create"]:
    named, specs = envfile_specs(file)
    name = value("-n", "--name") or named
    prefix = Path(prefix or os.path.join(root, "envs", name))
    if os.path.exists(prefix):
        print(f"CondaValueError: prefix already exists: {{prefix}}")
        sys.exit(1)
    progress("Solving environment")
    os.makedirs(os.path.join(prefix, "conda-meta"))
    write_record(prefix, ("python", "3.11.7", "hb806964_0_cpython"))
    packages(prefix, [s for s in specs if not s.startswith("python")])
    history(prefix, specs)
    home = os.path.expanduser("~/.conda")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, "environments.txt"), "a") as fh:
        fh.write(f"{{prefix}}\n")
elif args[:1] == ["install"]:
    prefix = Path(prefix)
    specs = [a for a in args[1:] if not a.startswith("-") and a != prefix]
    progress("Solving environment")
    packages(prefix, specs)
    history(prefix, specs)
else:
    print(f"{{TOOL}}: unknown command {{args!r}}")
    sys.exit(2)
print("Executing transaction: done", flush=True)
'''


def fake_tool(path: Path) -> Path:
    """Write a fake conda / mamba / micromamba / pixi (by the file's name) at path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FAKE.format(python=sys.executable, tests=str(SUPPORT)))
    path.chmod(0o755)
    return path


def set_mode(mode_file: Path, mode: str) -> None:
    """Tell the fakes how to behave from their next call on ("" for normally)."""
    mode_file.write_text(mode)
    Path(f"{mode_file}.pgid").unlink(missing_ok=True)


def argv_log(path: Path) -> list[list[str]]:
    """Return every argv a fake recorded, in order."""
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def wheel(folder: Path, name: str, version: str, kernel: bool = False) -> Path:
    """Write a tiny pure-Python wheel (with ipykernel's kernelspec data when kernel) into folder."""
    files = {f"{name}/__init__.py": f"VERSION = {version!r}\n".encode()}
    if kernel:
        spec = {"argv": ["python", "-m", name, "-f", "{connection_file}"], "language": "python"}
        spec["display_name"] = "Python 3 (ipykernel)"
        files[f"{name}-{version}.data/data/share/jupyter/kernels/python3/kernel.json"] = json.dumps(
            spec
        ).encode()
    return write_wheel(folder, name, version, files=files)


def offline_uv(wheelhouse: Path, cache: Path) -> dict[str, str]:
    """Return the environment that makes uv work offline from a local wheelhouse, with this Python."""
    return {
        "UV_OFFLINE": "1",
        "UV_FIND_LINKS": str(wheelhouse),
        "UV_INDEX_URL": (wheelhouse / "no-index").as_uri(),  # never asked: offline
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_PYTHON": sys.executable,
        "UV_CACHE_DIR": str(cache),
        "UV_NO_CONFIG": "1",
        "UV_NO_PROGRESS": "1",
    }


def group_members(pgid: int) -> list[int]:
    """Return the live (not zombie) processes of a process group (Linux /proc)."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry))
    return alive
