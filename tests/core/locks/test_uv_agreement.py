"""Our reading of uv projects agrees with uv's own verdicts, on generated projects, offline.

Given generated projects (pinned and ranged versions, markers true and false for this Python,
extras a dependency asks for, default and other dependency groups, an editable project, a virtual
one, a path and an editable path dependency), locked and synced by the real uv from a wheelhouse of
tiny wheels written here, when the environment is perturbed (a package uninstalled, another version
installed, a package added, pip added) then uv's `uv sync --check` exit code must equal our
`check_lock(...).in_sync`; and when pyproject.toml is edited, `uv lock --check` must equal our
`Lock.stale`. Every disagreement is listed; the figures are printed (run with `-s`).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.pyindex import write_wheel

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from jupyter_envpanel.core.drift.lockdrift import check_lock
from jupyter_envpanel.core.locks.uv import read_uv_lock
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.target import Target, current_subdir

UV = shutil.which("uv")
pytestmark = pytest.mark.skipif(UV is None, reason="uv is not installed here (`pip install uv`)")

PY = platform.python_version()
MINOR = f"{sys.version_info[0]}.{sys.version_info[1]}"
TRUE, FALSE = f"python_version >= '{MINOR}'", f"python_version < '{MINOR}'"

#: name -> versions (and each version's requirements, extras) of the wheelhouse.
WHEELS = {
    "alpha": {"1.0": [], "2.0": []},
    "beta": {"1.0": ["gamma>=1", "delta; extra == 'fast'"]},
    "gamma": {"1.0": [], "1.5": []},
    "delta": {"3.0": []},
    "eps": {"1.0": []},
    "zeta": {"1.0": []},
    "kappa": {"1.0": []},
    "omega": {"1.0": []},
    "pip": {"24.0": []},
    "sigma": {"1.0": [f"tau; {FALSE}", f"upsilon; {TRUE}"]},
    "tau": {"1.0": []},
    "upsilon": {"1.0": []},
}

#: An in-tree PEP 517 backend, so that uv builds the projects offline (no setuptools, no hatchling).
#: It reads the project from project.json, written beside pyproject.toml (no TOML parser in 3.10).
BACKEND = """
import base64, hashlib, json, os, re, zipfile

def _build(folder, editable):
    with open("project.json", encoding="utf-8") as f:
        project = json.load(f)
    lines = ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {project['version']}"]
    lines += [f"Requires-Dist: {r}" for r in project.get("dependencies", [])]
    for extra, reqs in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f"Requires-Dist: {r}; extra == '{extra}'" for r in reqs]
    dist = f"{re.sub(r'[-.]+', '_', project['name'])}-{project['version']}"
    files = {f"{dist}.dist-info/METADATA": "\\n".join(lines) + "\\n",
             f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
    if editable:
        files[f"_{dist}.pth"] = os.path.abspath(".") + "\\n"
    name = f"{dist}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(os.path.join(folder, name), "w") as z:
        for path, content in files.items():
            z.writestr(path, content)
            digest = base64.urlsafe_b64encode(hashlib.sha256(content.encode()).digest()).rstrip(b"=")
            record.append(f"{path},sha256={digest.decode()},{len(content)}")
        z.writestr(f"{dist}.dist-info/RECORD", "\\n".join(record + [f"{dist}.dist-info/RECORD,,"]) + "\\n")
    return name

def get_requires_for_build_wheel(config=None): return []
def get_requires_for_build_editable(config=None): return []
def build_wheel(folder, config=None, metadata=None): return _build(folder, False)
def build_editable(folder, config=None, metadata=None): return _build(folder, True)
"""
BUILD = '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
LIBP = f'[project]\nname = "libp"\nversion = "0.2.0"\ndependencies = ["kappa"]\n\n{BUILD}'


def project(text: str, build: bool = True) -> str:
    """Return a pyproject.toml, with the in-tree build backend unless the project is virtual."""
    return text + (f"\n{BUILD}" if build else "")


PROJECTS: dict[str, dict[str, str]] = {
    "editable": {
        "pyproject.toml": project(f"""[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.8"
dependencies = ["alpha==1.0", "beta[fast]", "eps; {TRUE}", "zeta; {FALSE}", "libp"]

[project.optional-dependencies]
plot = ["omega"]

[dependency-groups]
dev = ["gamma==1.5", {{include-group = "lint"}}]
lint = ["kappa"]
docs = ["omega"]

[tool.uv.sources]
libp = {{ path = "libp" }}
"""),
        "libp/pyproject.toml": LIBP,
    },
    "virtual": {
        "pyproject.toml": project(
            f"""[project]
name = "notebooks"
version = "1.0"
requires-python = ">=3.8"
dependencies = ["alpha>=2", "gamma<1.5; {TRUE}", "eps; {FALSE}", "sigma"]

[dependency-groups]
docs = ["zeta"]

[tool.uv]
dev-dependencies = ["kappa"]
default-groups = ["docs"]
""",
            build=False,
        ),
    },
    "editable-path": {
        "pyproject.toml": project(f"""[project]
name = "app"
version = "2.0"
requires-python = ">=3.8"
dependencies = ["libp", "beta"]

[dependency-groups]
a = ["delta"]
b = ["omega; {TRUE}"]

[tool.uv]
default-groups = "all"

[tool.uv.sources]
libp = {{ path = "libp", editable = true }}
"""),
        "libp/pyproject.toml": LIBP,
    },
    "workspace": {
        "pyproject.toml": project("""[project]
name = "ws-root"
version = "1.0"
requires-python = ">=3.8"
dependencies = ["member", "alpha==1.0"]

[dependency-groups]
dev = ["kappa"]

[tool.uv.sources]
member = { workspace = true }

[tool.uv.workspace]
members = ["packages/*"]
"""),
        "packages/member/pyproject.toml": project("""[project]
name = "member"
version = "0.5"
requires-python = ">=3.8"
dependencies = ["zeta", "gamma==1.0"]

[dependency-groups]
dev = ["delta"]
"""),
    },
    "workspace without a root project": {
        "pyproject.toml": """[tool.uv.workspace]
members = ["packages/*"]

[dependency-groups]
dev = ["kappa"]
""",
        "packages/m1/pyproject.toml": project("""[project]
name = "m1"
version = "1.0"
requires-python = ">=3.8"
dependencies = ["alpha", "m2"]

[tool.uv.sources]
m2 = { workspace = true }
"""),
        "packages/m2/pyproject.toml": project(f"""[project]
name = "m2"
version = "1.0"
requires-python = ">=3.8"
dependencies = ["eps; {TRUE}"]

[dependency-groups]
dev = ["delta"]
"""),
    },
}

#: What is done to a synced environment: (label, `uv pip` arguments).
PERTURBATIONS = [
    ("as synced", []),
    ("alpha uninstalled", ["uninstall", "alpha"]),
    ("alpha 2.0 installed", ["install", "alpha==2.0"]),
    ("alpha 1.0 installed", ["install", "alpha==1.0"]),
    ("gamma 1.0 installed", ["install", "gamma==1.0"]),
    ("omega added", ["install", "omega"]),
    ("zeta added", ["install", "zeta"]),
    ("kappa uninstalled", ["uninstall", "kappa"]),
    ("libp uninstalled", ["uninstall", "libp"]),
    ("the project uninstalled", ["uninstall", "demo", "app", "ws-root"]),
    ("a workspace member uninstalled", ["uninstall", "member", "m1"]),
    ("pip added", ["install", "pip"]),
    ("delta uninstalled", ["uninstall", "delta"]),
    ("tau added (a dependency whose marker is false)", ["install", "tau"]),
    ("upsilon uninstalled (a dependency whose marker is true)", ["uninstall", "upsilon"]),
]

#: Edits of pyproject.toml (or of the path dependency's): (label, file, old, new).
EDITS = [
    ("nothing", "pyproject.toml", "", ""),
    ("a comment", "pyproject.toml", "[project]\n", "[project]  # the project\n"),
    ("a pin changed", "pyproject.toml", '"alpha==1.0"', '"alpha>=1.0"'),
    ("a pin written as 1.0.0", "pyproject.toml", '"alpha==1.0"', '"alpha == 1.0.0"'),
    ("a range changed", "pyproject.toml", '"alpha>=2"', '"alpha>=2,<3"'),
    ("a dependency added", "pyproject.toml", '"libp"]', '"libp", "omega"]'),
    ("a dependency removed", "pyproject.toml", '"beta[fast]", ', ""),
    ("an extra dropped", "pyproject.toml", '"beta[fast]"', '"beta"'),
    ("a marker added", "pyproject.toml", '"alpha==1.0"', f'"alpha==1.0; {TRUE}"'),
    (
        "a marker respelled",
        "pyproject.toml",
        f'"eps; {TRUE}"',
        f"\"eps; python_full_version >= '{MINOR}.0'\"",
    ),
    ("dependencies reordered", "pyproject.toml", '"alpha==1.0", "beta[fast]"', '"beta[fast]", "alpha==1.0"'),
    ("a name respelled", "pyproject.toml", '"beta[fast]"', '"Beta[FAST]"'),
    ("a group entry added", "pyproject.toml", 'lint = ["kappa"]', 'lint = ["kappa", "zeta"]'),
    ("a group added", "pyproject.toml", "[dependency-groups]\n", '[dependency-groups]\nnew = ["zeta"]\n'),
    (
        "a legacy dev entry added",
        "pyproject.toml",
        'dev-dependencies = ["kappa"]',
        'dev-dependencies = ["kappa", "zeta"]',
    ),
    ("default groups changed", "pyproject.toml", 'default-groups = ["docs"]', "default-groups = []"),
    ("an extra added", "pyproject.toml", 'plot = ["omega"]', 'plot = ["omega"]\nmore = ["zeta"]'),
    ("requires-python changed", "pyproject.toml", 'requires-python = ">=3.8"', 'requires-python = ">=3.9"'),
    ("the version changed", "pyproject.toml", 'version = "0.1.0"', 'version = "0.1.1"'),
    ("a source made editable", "pyproject.toml", '{ path = "libp" }', '{ path = "libp", editable = true }'),
    ("the path dependency's requirement changed", "libp/pyproject.toml", '["kappa"]', '["kappa", "zeta"]'),
    ("a source removed", "pyproject.toml", '[tool.uv.sources]\nlibp = { path = "libp" }\n', ""),
    ("a group entry's marker added", "pyproject.toml", 'lint = ["kappa"]', f'lint = ["kappa; {TRUE}"]'),
    ("an extra's requirement changed", "pyproject.toml", 'plot = ["omega"]', 'plot = ["omega>=1"]'),
    (
        "requires-python respelled",
        "pyproject.toml",
        'requires-python = ">=3.8"',
        'requires-python = ">= 3.8.0"',
    ),
    ("default groups respelled", "pyproject.toml", 'default-groups = ["docs"]', 'default-groups = ["Docs"]'),
    ("a member's version changed", "packages/member/pyproject.toml", 'version = "0.5"', 'version = "0.6"'),
    ("a member's pin changed", "packages/member/pyproject.toml", '"gamma==1.0"', '"gamma>=1.0"'),
    (
        "a member's group changed",
        "packages/member/pyproject.toml",
        'dev = ["delta"]',
        'dev = ["delta", "eps"]',
    ),
    (
        "the root's group changed",
        "pyproject.toml",
        'dev = ["kappa"]\n\n[tool.uv.sources]',
        'dev = ["eps"]\n\n[tool.uv.sources]',
    ),
    ("a member's dependency added", "packages/m2/pyproject.toml", '"eps;', '"zeta", "eps;'),
    (
        "a member's marker respelled",
        "packages/m2/pyproject.toml",
        f"{TRUE}",
        f"python_full_version >= '{MINOR}.0'",
    ),
    (
        "the root's workspace group changed",
        "pyproject.toml",
        'members = ["packages/*"]\n\n[dependency-groups]\ndev = ["kappa"]',
        'members = ["packages/*"]\n\n[dependency-groups]\ndev = ["kappa", "eps"]',
    ),
]


def write_uv_wheel(folder: Path, name: str, version: str, requires: list[str]) -> None:
    """Write a tiny wheel (a package, METADATA with its extras, WHEEL, RECORD) into the wheelhouse."""
    extras = sorted({r.split("extra == '")[1].rstrip("'") for r in requires if "extra ==" in r})
    write_wheel(folder, name, version, requires, extras, files={f"{name}/__init__.py": b""})


class Uv:
    """The real uv, offline, from the wheelhouse only, with its own cache and no user configuration."""

    def __init__(self, tmp: Path) -> None:
        self.wheels = tmp / "wheels"
        self.wheels.mkdir()
        for name, versions in WHEELS.items():
            for version, requires in versions.items():
                write_uv_wheel(self.wheels, name, version, requires)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "CONDA"))}
        self.env.update(UV_PYTHON_DOWNLOADS="never", UV_CACHE_DIR=str(tmp / "cache"), UV_NO_CONFIG="1")

    def run(self, *args: str, cwd: Path, offline: bool = True) -> subprocess.CompletedProcess[str]:
        """Run uv and return the finished process."""
        index = ["--offline", "--no-index", "--find-links", str(self.wheels)] if offline else []
        return subprocess.run(
            [str(UV), *args, *index], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=120
        )

    def ok(self, *args: str, cwd: Path) -> None:
        """Run uv; it must succeed."""
        done = self.run(*args, cwd=cwd)
        assert done.returncode == 0, f"uv {' '.join(args)}: {done.stderr}"


@pytest.fixture(scope="module")
def uv(tmp_path_factory):
    return Uv(tmp_path_factory.mktemp("uv"))


def make_project(root: Path, kind: str, uv: Uv, venv: str) -> Path:
    """Write, lock and sync one generated project; return its folder."""
    for relative, text in PROJECTS[kind].items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
        (root / relative).with_name("backend.py").write_text(BACKEND, encoding="utf-8")
        table = tomllib.loads(text).get("project", {})
        (root / relative).with_name("project.json").write_text(json.dumps(table), encoding="utf-8")
    if venv == "uv venv":
        uv.ok("venv", "--python", sys.executable, ".venv", cwd=root)
    else:  # as `python -m venv` makes it (pyvenv.cfg without uv's key), pip added from the wheelhouse
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / ".venv")], check=True)
        uv.ok("pip", "install", "--python", str(root / ".venv" / "bin" / "python"), "pip", cwd=root)
    uv.ok("lock", cwd=root)
    uv.ok("sync", cwd=root)
    return root


def our_in_sync(root: Path) -> bool:
    """Return our verdict: is the project's .venv exactly what uv.lock installs?"""
    venv = root / ".venv"
    lock = read_uv_lock(root / "uv.lock", Target(PY, current_subdir()), prefix=venv)
    assert not lock.stale, lock.stale
    inventory = read_inventory(venv, "venv", PY)
    return check_lock({"name": ".venv", "prefix": str(venv), "kind": "venv"}, lock, inventory).in_sync


CASES = [(kind, venv) for kind in PROJECTS for venv in ("uv venv", "python -m venv")]


@pytest.mark.parametrize(("kind", "venv"), CASES)
def test_uv_sync_check_and_uv_lock_check_agree_with_ours(uv, tmp_path, kind, venv):
    root = make_project(tmp_path / "project", kind, uv, venv)
    python = str(root / ".venv" / "bin" / "python")
    agreements, disagreements = 0, []
    for label, args in PERTURBATIONS:
        if args:
            uv.run("pip", args[0], "--python", python, *args[1:], cwd=root)
        theirs = uv.run("sync", "--check", cwd=root).returncode == 0
        ours = our_in_sync(root)
        if ours == theirs:
            agreements += 1
        else:
            disagreements.append(f"{kind}, {venv}, {label}: uv in sync {theirs}, ours {ours}")
        uv.ok("sync", cwd=root)
    if venv == "uv venv":  # the lock does not depend on the venv: judged once per project
        for label, name, old, new in EDITS:
            path = root / name
            original = path.read_text(encoding="utf-8") if path.is_file() else ""
            if not original or (old and old not in original):
                continue
            path.write_text(original.replace(old, new, 1), encoding="utf-8")
            theirs = uv.run("lock", "--check", cwd=root).returncode == 0
            stale = read_uv_lock(root / "uv.lock", Target(PY, current_subdir())).stale
            if theirs == (not stale):
                agreements += 1
            else:
                disagreements.append(f"{kind}, edit {label!r}: uv fresh {theirs}, ours {stale!r}")
            path.write_text(original, encoding="utf-8")
    print(f"\nuv agreement ({kind}, {venv}): {agreements}/{agreements + len(disagreements)}")
    assert disagreements == []
