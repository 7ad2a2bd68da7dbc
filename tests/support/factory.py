"""Fixture factory: writes real environment prefixes the way conda, pip and venv do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PkgSpec = str | tuple  # "name=version" or (name, version, build, channel[, subdir, build_number])

#: Where the jupyter_envpanel under test lies: a child Python gets it on PYTHONPATH, so it runs the
#: same code as the test (a checkout or mutmut's mutants/, not whichever copy is installed).
UNDER_TEST = str(Path(__import__("jupyter_envpanel").__file__).resolve().parents[1])


def can_drop_to_nobody() -> bool:
    """Return whether a child Python may run as nobody (always, when not root)."""
    if os.geteuid() != 0:
        return True
    probe = subprocess.run(
        [sys.executable, "-c", "import os; os.setgid(65534); os.setuid(65534)"], capture_output=True
    )
    return probe.returncode == 0


#: The start of a child that runs as nobody: the whole package and what it reads with are imported
#: first (the venv may be private to root), then `drop_to_nobody()` when running as root.
AS_NOBODY = r"""
import importlib, json, os, pkgutil, sys
from pathlib import Path

import jupyter_envpanel
for info in pkgutil.walk_packages(jupyter_envpanel.__path__, "jupyter_envpanel."):
    if ".core." in info.name or info.name.endswith(".core"):
        importlib.import_module(info.name)
import encodings.utf_8_sig, encodings.idna, packaging.requirements, rattler, yaml  # noqa: F401


def drop_to_nobody():
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
"""


def child_environ() -> dict[str, str]:
    """Return this process's environment for a child Python that must import the code under test."""
    env = {**os.environ, "PYTHONPATH": UNDER_TEST}
    if env.get("MUTANT_UNDER_TEST") == "stats":  # mutmut's tracing run: a child cannot report to it
        del env["MUTANT_UNDER_TEST"]
    return env


def child_json(code: str, *args: str) -> dict[str, Any]:
    """Run Python code in a child that drops to an unprivileged user; return the JSON it prints."""
    child = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=child_environ()
    )
    assert child.returncode == 0, child.stderr
    out: dict[str, Any] = json.loads(child.stdout)
    assert out["uid"] != 0  # the child really ran as another user
    return out


CONDA_FORGE = "https://conda.anaconda.org/conda-forge"
MAIN = "https://repo.anaconda.com/pkgs/main"
#: The kernel.json `ipykernel install` writes (a bare `python`: the kernel's own prefix runs it).
PYKERNEL = {
    "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
}
#: This Python's X.Y, as in lib/pythonX.Y.
PY = f"{sys.version_info[0]}.{sys.version_info[1]}"


def _pkg_tuple(spec: PkgSpec) -> tuple[str, str, str, str, str, int]:
    """Normalise a package description to (name, version, build, channel, subdir, number)."""
    if isinstance(spec, str):
        name, _, version = spec.partition("=")
        spec = (name, version or "1.0")
    name, version, *rest = spec
    build = rest[0] if len(rest) > 0 else "h1234567_0"
    channel = rest[1] if len(rest) > 1 else CONDA_FORGE
    subdir = rest[2] if len(rest) > 2 else "linux-64"
    number = (
        rest[3]
        if len(rest) > 3
        else int(build.rsplit("_", 1)[-1])
        if build.rsplit("_", 1)[-1].isdigit()
        else 0
    )
    return name, version, build, channel, subdir, number


def write_record(prefix: Path, spec: PkgSpec, files: Sequence[str] = ()) -> Path:
    """Write one conda-meta record with the fields conda and py-rattler both accept."""
    name, version, build, channel, subdir, number = _pkg_tuple(spec)
    fn = f"{name}-{version}-{build}.conda"
    record = {
        "name": name,
        "version": version,
        "build": build,
        "build_number": number,
        "fn": fn,
        "url": f"{channel}/{subdir}/{fn}",
        "channel": f"{channel}/{subdir}",
        "subdir": subdir,
        "depends": [],
        "files": list(files),
        "paths_data": {"paths": [{"_path": f, "path_type": "hardlink"} for f in files], "paths_version": 1},
    }
    meta = prefix / "conda-meta"
    meta.mkdir(parents=True, exist_ok=True)
    path = meta / f"{name}-{version}-{build}.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def write_dist(site: Path, name: str, version: str, installer: str = "pip", requested: bool = False) -> Path:
    """Write a `*.dist-info` as pip does (METADATA, INSTALLER, optional REQUESTED)."""
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (folder / "INSTALLER").write_text(installer + "\n")
    if requested:
        (folder / "REQUESTED").write_text("")
    return folder


def write_kernel(prefix: Path, dir_name: str, spec: dict) -> Path:
    """Write `share/jupyter/kernels/<dir_name>/kernel.json`."""
    folder = prefix / "share" / "jupyter" / "kernels" / dir_name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    for size in ("32x32", "64x64"):  # ipykernel and IRkernel ship logos beside kernel.json
        (folder / f"logo-{size}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + size.encode())
    return folder


RECORDER = """#!{python}
import json, os, sys
with open(os.environ["ARGV_LOG"], "a") as log:
    log.write(json.dumps([sys.argv[0], *sys.argv[1:]]) + "\\n")
"""


def recorder(path: Path) -> None:
    """Write an executable that records the argv it was called with (in $ARGV_LOG) and does nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RECORDER.format(python=sys.executable))
    path.chmod(0o755)


@dataclass
class World:
    """A temporary HOME, a server root, and helpers that write environments into them."""

    base: Path
    root_name: str = "root"

    @property
    def home(self) -> Path:
        """Return the fake HOME."""
        return self.base / "home"

    @property
    def root(self) -> Path:
        """Return the server's root directory."""
        return self.base / self.root_name

    def conda_env(
        self,
        prefix: Path,
        packages: Iterable[PkgSpec] = (),
        python: str | None = "3.11.7",
        requested: Sequence[str] = (),
        removed: Sequence[str] = (),
        pip: Iterable[tuple[str, str, bool]] = (),
        python_dists: Iterable[tuple[str, str]] = (),
        ipykernel: bool = False,
        runnable: bool = False,
        state_vars: dict[str, str] | None = None,
        activate: dict[str, str] | None = None,
        history: bool = True,
    ) -> Path:
        """Write a conda prefix: records, history, dist-infos, kernels, activation files."""
        prefix.mkdir(parents=True, exist_ok=True)
        (prefix / "conda-meta").mkdir(exist_ok=True)
        site = prefix / "lib" / f"python{'.'.join((python or '3.11').split('.')[:2])}" / "site-packages"
        if python:
            write_record(prefix, ("python", python, "hb806964_0_cpython"))
            site.mkdir(parents=True, exist_ok=True)
        for spec in packages:
            write_record(prefix, spec)
        for name, version in python_dists:  # conda packages that ship a dist-info
            dist = write_dist(site, name, version, installer="conda")
            write_record(prefix, (name, version, "py311h0_0"), files=[f"{dist.relative_to(prefix)}/METADATA"])
        if ipykernel:
            dist = write_dist(site, "ipykernel", "6.29.5", installer="conda")
            write_record(
                prefix,
                ("ipykernel", "6.29.5", "pyh3099207_0"),
                files=[f"{dist.relative_to(prefix)}/METADATA"],
            )
        for name, version, is_requested in pip:
            write_dist(site, name, version, requested=is_requested)
        if history:
            lines = ["==> 2024-01-01 00:00:00 <==", "# cmd: conda create -n env", "# conda version: 24.1.0"]
            lines.append(f"# update specs: {list(requested)!r}")
            if removed:
                lines.append(f"# remove specs: {list(removed)!r}")
            (prefix / "conda-meta" / "history").write_text("\n".join(lines) + "\n")
        if state_vars is not None:
            (prefix / "conda-meta" / "state").write_text(json.dumps({"env_vars": state_vars}))
        for script_name, body in (activate or {}).items():
            folder = prefix / "etc" / "conda" / "activate.d"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / script_name).write_text(body)
        if runnable:
            self.make_runnable(prefix)
        return prefix

    def make_runnable(self, prefix: Path) -> None:
        """Make `<prefix>/bin/python` an interpreter that has ipykernel (this test's python)."""
        bin_dir = prefix / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        target = bin_dir / "python"
        if not target.exists():
            # An exec wrapper, not a symlink: a venv's interpreter finds its site-packages only when
            # invoked through its own path.
            target.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
            target.chmod(0o755)

    def venv(self, prefix: Path, dists: Iterable[tuple[str, str, bool]] = (), real: bool = False) -> Path:
        """Write a venv: `pyvenv.cfg` and site-packages (a real `python -m venv` if real)."""
        version = ".".join(str(p) for p in sys.version_info[:3])
        if real:
            subprocess.run(
                [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(prefix)],
                check=True,
            )
        else:
            prefix.mkdir(parents=True, exist_ok=True)
            (prefix / "pyvenv.cfg").write_text(
                f"home = /usr/bin\ninclude-system-site-packages = false\nversion = {version}\n"
            )
        site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
        site.mkdir(parents=True, exist_ok=True)
        for name, dist_version, requested in dists:
            write_dist(site, name, dist_version, requested=requested)
        return prefix

    def environments_txt(self, *prefixes: Path) -> None:
        """Append prefixes to ~/.conda/environments.txt as conda does."""
        path = self.home / ".conda" / "environments.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as fh:
            for prefix in prefixes:
                fh.write(f"{prefix}\n")

    def host(self, **environ: str):
        """Return a Host for this world (no system roots: tests never read the real machine)."""
        from jupyter_envpanel.core.base.host import Host

        env = {"HOME": str(self.home), "PATH": str(self.base / "bin")}  # no Python of this machine's
        env.update(environ)
        return Host(
            home=self.home,
            environ=env,
            root=self.root,
            sys_prefix=self.base / "server",
            system_roots=(),
            system_bins=(),
        )

    def server_env(self) -> Path:
        """Write the server's own prefix as a plain venv."""
        return self.venv(self.base / "server")


#: An mtime from 2001: no scan of a world aged to it is "racily clean", so what is read is cached.
OLD_NS = 10**18


def age(world: World) -> None:
    """Give every file and folder of the world an old mtime (OLD_NS)."""
    for folder, dirs, files in os.walk(world.base):
        for path in [folder, *(os.path.join(folder, f) for f in files + dirs)]:
            os.utime(path, ns=(OLD_NS, OLD_NS), follow_symlinks=False)


def envs_of(listing) -> dict[str, object]:
    """Return a listing's environments by name."""
    return {e.name: e for e in listing.environments}


def names(listing) -> list[str]:
    """Return the names of a listing, in order."""
    return [e.name for e in listing.environments]


def venv_at(world: World, prefix: Path, uv: bool = False) -> Path:
    """Write a venv as `python -m venv` (or uv) lays it out."""
    world.venv(prefix)
    if uv:
        with (prefix / "pyvenv.cfg").open("a") as fh:
            fh.write("uv = 0.13.9\n")
    return prefix


def interpreter_at(prefix: Path, name: str = "python3") -> Path:
    """Write a Python installation: bin/<name> and lib/pythonX.Y/site-packages."""
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    exe = prefix / "bin" / name
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    (prefix / "lib" / f"python{PY}" / "site-packages").mkdir(parents=True, exist_ok=True)
    return exe
