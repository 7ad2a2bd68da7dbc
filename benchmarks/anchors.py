"""The tools we measure ourselves against, set up outside the repository (no code of theirs is kept).

- conda, run from its git source (conda is not on PyPI): a checkout and a venv with its pure-Python
  dependencies, as docs/testing.md's "conda's own model tests" recipe makes them.
- nb_conda_kernels, from its git source (not on PyPI either); it runs `conda info --json` through
  `CONDA_EXE`, which points at a small `conda` script that runs conda from source.
- mamba-gator, from PyPI (its dependencies, jupyter_server and jupyterlab, are ours already).

Everything lives under a cache folder (default `~/.cache/envpanel-bench`, or `$ENVPANEL_BENCH_CACHE`).
Each anchor that cannot be set up says why (`Anchors.missing`); the benchmark prints that and goes
on without it, never silently.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

CACHE = Path(os.environ.get("ENVPANEL_BENCH_CACHE") or Path.home() / ".cache" / "envpanel-bench")
CONDA_TAG = "26.7.1"
NBCK_TAG = "2.5.2"
GATOR_VERSION = "6.1.1"
#: conda's runtime dependencies (its pyproject.toml) but menuinst: enough for env list, info, compare.
CONDA_DEPS = (
    "archspec boltons charset-normalizer conda-package-handling distro frozendict msgpack packaging "
    "platformdirs pluggy pycosat requests<3 ruamel.yaml<0.19 setuptools tqdm truststore backports.zstd"
).split()
#: Where a conda checkout and its venv may already be (docs/testing.md's recipe puts them in /tmp).
CONDA_PLACES = (
    (os.environ.get("ENVPANEL_BENCH_CONDA_SRC", ""), os.environ.get("ENVPANEL_BENCH_CONDA_PYTHON", "")),
    ("/tmp/conda-src", "/tmp/conda-venv/bin/python"),
    (str(CACHE / "conda-src"), str(CACHE / "conda-venv" / "bin" / "python")),
)


@dataclass
class Anchors:
    """What could be set up: a `conda` command, nb_conda_kernels' and gator's import paths."""

    conda: str | None = None  # a script that runs conda from source
    conda_version: str = ""
    nbck_path: str | None = None  # a folder to put on PYTHONPATH for `import nb_conda_kernels`
    gator_path: str | None = None  # a folder to put on PYTHONPATH for `import mamba_gator`
    missing: dict[str, str] = field(default_factory=dict)

    def report(self) -> list[str]:
        """Return one line per anchor: what it is, or why it is not measured."""
        lines = []
        for name, value in (
            ("conda", f"{self.conda} ({self.conda_version})" if self.conda else None),
            ("nb_conda_kernels", self.nbck_path),
            ("mamba-gator", self.gator_path),
        ):
            lines.append(
                f"anchor {name}: {value}" if value else f"anchor {name}: NOT SET UP: {self.missing[name]}"
            )
        return lines


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a setup command, capturing its output."""
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


def _clone(url: str, tag: str, dest: Path) -> str | None:
    """Clone a tag into dest; return why not, or None."""
    if shutil.which("git") is None:
        return "git is not installed"
    dest.parent.mkdir(parents=True, exist_ok=True)
    done = _run(["git", "clone", "--quiet", "--depth", "1", "--branch", tag, url, str(dest)], timeout=300)
    if done.returncode != 0:
        shutil.rmtree(dest, ignore_errors=True)
        return f"`git clone {url}` failed ({done.stderr.strip().splitlines()[-1:] or ['no output']})"
    return None


def setup_conda(anchors: Anchors) -> None:
    """Find (or clone) a conda checkout and a venv that runs it; write the `conda` script.

    The package is copied into the cache with the `_version.py` that `pip install` would write (gator
    parses conda's version; a bare checkout says 0.0.0.dev0+placeholder), so no checkout is changed.
    """
    src = python = ""
    for place_src, place_python in CONDA_PLACES:
        if place_src and (Path(place_src) / "conda" / "__init__.py").is_file():
            src, python = place_src, place_python
            break
    if not src:
        src, python = CONDA_PLACES[-1]
        why = _clone("https://github.com/conda/conda", CONDA_TAG, Path(src))
        if why:
            anchors.missing["conda"] = (
                f"no conda source at {', '.join(p for p, _ in CONDA_PLACES if p)} and {why}; "
                f"put a checkout of conda/conda (tag {CONDA_TAG}) at {src}"
            )
            return
    if not Path(python).is_file():
        venv = Path(python).parent.parent
        made = _run([sys.executable, "-m", "venv", str(venv)])
        pip = (
            _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *CONDA_DEPS])
            if not made.returncode
            else made
        )
        if pip.returncode != 0:
            anchors.missing["conda"] = (
                f"could not make a venv for conda at {venv}: {pip.stderr.strip()[-300:]}"
            )
            return
    version = _run(["git", "-C", src, "describe", "--tags"]).stdout.strip() or CONDA_TAG
    own = CACHE / f"conda-{version}"
    if not (own / "conda" / "_version.py").is_file():
        shutil.rmtree(own, ignore_errors=True)
        shutil.copytree(Path(src) / "conda", own / "conda", ignore=shutil.ignore_patterns("__pycache__"))
        (own / "conda" / "_version.py").write_text(f'__version__ = "{version}"\n')
    script = CACHE / "bin" / "conda"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{own}" exec "{python}" -m conda "$@"\n')
    script.chmod(0o755)
    done = _run([str(script), "--version"], timeout=120)
    if done.returncode != 0:
        anchors.missing["conda"] = f"conda from {src} does not run: {done.stderr.strip()[-300:]}"
        return
    anchors.conda = str(script)
    anchors.conda_version = f"{done.stdout.strip()}, source {src}"


def setup_nbck(anchors: Anchors) -> None:
    """Find (or clone) nb_conda_kernels' source and the one dependency we lack (psutil)."""
    if anchors.conda is None:
        anchors.missing["nb_conda_kernels"] = "it needs conda, which could not be set up"
        return
    src = Path(os.environ.get("ENVPANEL_BENCH_NBCK_SRC") or CACHE / "src" / "nb_conda_kernels")
    if not (src / "nb_conda_kernels" / "manager.py").is_file():
        why = _clone("https://github.com/anaconda/nb_conda_kernels", NBCK_TAG, src)
        if why:
            anchors.missing["nb_conda_kernels"] = (
                f"no source at {src} and {why}; put its source (tag {NBCK_TAG}) there, or name it with"
                " ENVPANEL_BENCH_NBCK_SRC"
            )
            return
    deps = CACHE / "site" / "nbck-deps"
    probe = _run([sys.executable, "-c", "import psutil"])
    if probe.returncode != 0 and not (deps / "psutil").is_dir():
        done = _run([sys.executable, "-m", "pip", "install", "-q", "--target", str(deps), "psutil"])
        if done.returncode != 0:
            anchors.missing["nb_conda_kernels"] = f"cannot install psutil: {done.stderr.strip()[-300:]}"
            return
    path = os.pathsep.join([str(src), str(deps)])
    probe = _run(
        [sys.executable, "-c", "import nb_conda_kernels.manager"], env={**os.environ, "PYTHONPATH": path}
    )
    if probe.returncode != 0:
        anchors.missing["nb_conda_kernels"] = f"does not import: {probe.stderr.strip()[-300:]}"
        return
    anchors.nbck_path = path


def setup_gator(anchors: Anchors) -> None:
    """Install mamba-gator from PyPI into the cache (without its dependencies, which we have)."""
    if anchors.conda is None:
        anchors.missing["mamba-gator"] = "it needs conda, which could not be set up"
        return
    target = CACHE / "site" / f"gator-{GATOR_VERSION}"
    if not (target / "mamba_gator").is_dir():
        done = _run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
            + [f"mamba-gator=={GATOR_VERSION}"]
        )
        if done.returncode != 0:
            shutil.rmtree(target, ignore_errors=True)
            anchors.missing["mamba-gator"] = f"pip could not install it: {done.stderr.strip()[-300:]}"
            return
    probe = _run(
        [sys.executable, "-c", "import mamba_gator.handlers"], env={**os.environ, "PYTHONPATH": str(target)}
    )
    if probe.returncode != 0:
        anchors.missing["mamba-gator"] = f"does not import: {probe.stderr.strip()[-300:]}"
        return
    anchors.gator_path = str(target)


def set_up() -> Anchors:
    """Set up every anchor that can be; say why for the others."""
    anchors = Anchors()
    setup_conda(anchors)
    setup_nbck(anchors)
    setup_gator(anchors)
    return anchors
