"""Our poetry.lock and Pipfile.lock readers against the real tools' own verdicts, on generated projects.

Projects (versions, markers, groups, extras, package mode) are locked by the real `poetry lock` and
`pipenv lock` against a PEP 503 index served on 127.0.0.1 from tiny wheels (no network), then
their manifests are edited: `poetry check --lock` and `pipenv verify` exit codes against our
`stale`. A venv synced by `poetry sync`, then perturbed: `poetry sync --dry-run` (nothing to do?)
against `check_lock(...).in_sync`; one synced by `pipenv sync`: what `pipenv clean --dry-run` would
remove against what we call extra. Each test counts agreements and lists every disagreement.
"""

from __future__ import annotations

import importlib.metadata
import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from packaging.version import Version
from support.factory import write_dist
from support.pyindex import serve_index, wheel_of_installed, write_wheel

from jupyter_envpanel.core.base.prefix import site_packages, venv_python_version
from jupyter_envpanel.core.drift.lockdrift import check_lock
from jupyter_envpanel.core.locks.pipenv import read_pipfile_lock
from jupyter_envpanel.core.locks.poetry import read_poetry_lock
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.target import Target, current_subdir

BIN = Path(sys.executable).parent
POETRY = shutil.which("poetry", path=str(BIN)) or shutil.which("poetry")
try:  # the reader follows poetry 2.3+ (`poetry sync`, [dependency-groups] in the content-hash)
    OLD_POETRY = Version(importlib.metadata.version("poetry")) < Version("2.3")
except importlib.metadata.PackageNotFoundError:
    OLD_POETRY = False  # a poetry of its own (pipx): taken as current
NO_POETRY = "poetry 2.3 or later is not installed (the dev environment has it)"
PIPENV = shutil.which("pipenv", path=str(BIN)) or shutil.which("pipenv")
WHEELS = [
    ("alpha", "1.0", ()),
    ("alpha", "1.1", ("beta>=1",)),
    ("beta", "1.0", ()),
    ("beta", "2.0", ()),
    ("gamma", "1.0", ('delta; extra == "fast"',)),
    ("delta", "0.5", ()),
    ("delta", "0.6", ()),
    ("two-words", "1.0", ()),
    ("oldpy", "1.0", ()),
    ("newpy", "1.0", ()),
    ("winonly", "1.0", ()),
    ("devtool", "3.0", ()),
    ("devtool", "3.1", ()),
    ("opt", "1.0", ()),
    ("docsy", "1.0", ()),
]
EXTRAS = {"gamma": ("fast",)}
BACKEND = (
    '[build-system]\nrequires = ["poetry-core>=2.0.0,<3.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n'
)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Serve the wheels on 127.0.0.1; yield (index URL, wheel folder, the tools' environment)."""
    base = tmp_path_factory.mktemp("index")
    for name, version, requires in WHEELS:
        write_wheel(base / "wheels", name, version, requires, EXTRAS.get(name, ()))
    wheel_of_installed(base / "wheels", "poetry-core")  # the path dependency's build backend
    home = base / "home"
    home.mkdir()
    keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    environ = {key: value for key, value in os.environ.items() if key in keep}
    environ |= {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "NO_COLOR": "1",
        # nothing leaves this machine: every URL but 127.0.0.1 goes to a closed port
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
        "POETRY_CACHE_DIR": str(home / "poetry-cache"),
        "POETRY_CONFIG_DIR": str(home / "poetry-config"),
        "POETRY_DATA_DIR": str(home / "poetry-data"),
        "POETRY_VIRTUALENVS_IN_PROJECT": "true",
        "POETRY_VIRTUALENVS_CREATE": "true",
        "POETRY_NO_INTERACTION": "1",
        "POETRY_KEYRING_ENABLED": "false",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "PIPENV_VENV_IN_PROJECT": "1",
        "PIPENV_IGNORE_VIRTUALENVS": "1",
        "PIPENV_CACHE_DIR": str(home / "pipenv-cache"),
        "PIPENV_NOSPIN": "1",
        "PIPENV_YES": "1",
        "PIPENV_DONT_LOAD_ENV": "1",
        "WORKON_HOME": str(home / "virtualenvs"),
        "PIP_CACHE_DIR": str(home / "pip-cache"),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INPUT": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    with serve_index(base / "wheels", base / "served") as url:
        yield url, base / "wheels", environ


def run(command: list[str], cwd: Path, environ: dict[str, str]) -> CompletedProcess[str]:
    """Run a tool in a project folder; return its result (output kept for the failure message)."""
    return subprocess.run(command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=180)


def project_folder(folder: Path, package: str) -> Path:
    """Create a project folder with its package and a path dependency, libs/libx (built by poetry-core)."""
    for name, root in ((package, folder), ("libx", folder / "libs" / "libx")):
        (root / name).mkdir(parents=True)
        (root / name / "__init__.py").write_text("")
    (folder / "libs" / "libx" / "pyproject.toml").write_text(
        f'[project]\nname = "libx"\nversion = "0.3.0"\n\n{BACKEND}'
    )
    return folder


def edited(text: str, anchor: str, new: str) -> str | None:
    """Return the text with its first `anchor` replaced, None when the anchor is not there."""
    return text.replace(anchor, new, 1) if anchor in text else None


def in_parallel(
    command: list[str], folders: list[Path], environ: dict[str, str]
) -> list[CompletedProcess[str]]:
    """Run a tool in each folder, two at a time (the tools spend most of their time starting up)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda folder: run(command, folder, environ), folders))


def judge_edits(
    projects: list[Path],
    manifest: str,
    edits: dict[str, Callable[[str], str | None]],
    commands: tuple[list[str], list[str]],
    environ: dict[str, str],
    ours: Callable[[Path], str],
) -> tuple[int, list[str], int]:
    """Lock each project, edit copies of its manifest, and compare the tool's check with our `stale`.

    Return (agreements, disagreements, how many copies the tool found stale).
    """
    lock, check = commands
    for folder, done in zip(projects, in_parallel(lock, projects, environ), strict=True):
        assert done.returncode == 0, f"{folder.name}: {done.stdout}{done.stderr}"
    cases: list[tuple[str, Path]] = []
    for folder in projects:
        original = (folder / manifest).read_text()
        for label, edit in edits.items():
            text = edit(original)
            if text is not None:
                copy = folder.parent / "edits" / f"{folder.name}-{len(cases)}"
                shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".venv"))
                (copy / manifest).write_text(text)
                cases.append((f"{folder.name} {label}", copy))
    agree, disagree, stale = 0, [], 0
    for (label, copy), tool in zip(cases, in_parallel(check, [c for _, c in cases], environ), strict=True):
        verdict = ours(copy)
        stale += tool.returncode != 0
        if (tool.returncode != 0) == bool(verdict):
            agree += 1
        else:
            disagree.append(
                f"{label}: the tool's exit code {tool.returncode} {tool.stderr!r}, ours {verdict!r}"
            )
    return agree, disagree, stale


# ---- poetry -------------------------------------------------------------------------------------


def poetry_project(
    rng: random.Random, number: int, url: str, legacy: bool, package_mode: bool, path_dep: bool = False
) -> str:
    """Return a generated pyproject.toml (PEP 621 or legacy [tool.poetry] dependencies)."""
    deps = rng.sample(
        [
            ("alpha", ">=1.0", ""),
            ("beta", rng.choice([">=1.0", "<2"]), ""),
            ("gamma", "*", "[fast]"),
            ("oldpy", "*", "python_version < '3.10'"),
            ("newpy", "*", "python_version >= '3.10'"),
            ("winonly", "*", "sys_platform == 'win32'"),
            ("two-words", "*", ""),
        ],
        4,
    )
    mode = "" if package_mode else "package-mode = false\n"
    libx = 'libx = {path = "libs/libx", develop = true}\n' if path_dep else ""
    source = f'[[tool.poetry.source]]\nname = "local"\nurl = "{url}"\npriority = "primary"\n'
    docs = '[tool.poetry.group.docs]\noptional = true\n[tool.poetry.group.docs.dependencies]\ndocsy = "*"\n'
    if legacy:
        lines = [
            f'{n} = {{version = "{v}", extras = ["fast"]}}'
            if m == "[fast]"
            else f'{n} = {{version = "{v}", markers = "{m}"}}'
            if m
            else f'{n} = "{v}"'
            for n, v, m in deps
        ]
        return (
            f'[tool.poetry]\nname = "legacy{number}"\nversion = "0.1.0"\ndescription = "generated"\n'
            f'authors = ["Tester <t@example.org>"]\n{mode}\n[tool.poetry.dependencies]\npython = ">=3.9"\n'
            + "\n".join(lines)
            + f"\n{libx}"
            + 'opt = {version = "*", optional = true}\n\n[tool.poetry.extras]\nextra1 = ["opt"]\n\n'
            '[tool.poetry.group.dev.dependencies]\ndevtool = ">=3.0"\n\n' + docs + "\n" + source
        )
    items = [
        f'"{n}{m}{v}"' if m == "[fast]" else f'"{n}{v}; {m}"' if m else f'"{n}{v}"'
        for n, v, m in ((n, "" if v == "*" else v, m) for n, v, m in deps)
    ] + (['"libx"'] if path_dep else [])
    libx = f"[tool.poetry.dependencies]\n{libx}" if libx else ""
    return (
        f'[project]\nname = "proj{number}"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        f'dependencies = [{", ".join(items)}]\n\n[project.optional-dependencies]\nextra1 = ["opt"]\n\n'
        f'[dependency-groups]\ndev = ["devtool>=3.0"]\n\n[tool.poetry]\n{mode}\n{libx}{docs}\n{source}\n'
        + BACKEND
    )


POETRY_EDITS: dict[str, Callable[[str], str | None]] = {
    "unchanged": lambda t: t,
    "a comment": lambda t: t + "\n# a comment\n",
    "the version": lambda t: edited(t, 'version = "0.1.0"', 'version = "0.2.0"'),
    "a tool table": lambda t: t + "\n[tool.black]\nline-length = 100\n",
    "requires-python": lambda t: edited(t, '">=3.9"', '">=3.10"'),
    "a dependency added": lambda t: (
        edited(t, 'dependencies = ["', 'dependencies = ["delta>=0.5", "')
        or edited(t, 'python = ">=3.9"\n', 'python = ">=3.9"\ndelta = ">=0.5"\n')
    ),
    "a dev dependency": lambda t: (
        edited(t, '"devtool>=3.0"', '"devtool>=3.1"') or edited(t, '">=3.0"', '">=3.1"')
    ),
    "the path dependency made non-editable": lambda t: edited(t, "develop = true", "develop = false"),
    "the docs group made non-optional": lambda t: edited(t, "optional = true", "optional = false"),
    "an extra added": lambda t: (
        edited(t, 'extra1 = ["opt"]', 'extra1 = ["opt"]\nextra2 = ["docsy"]') if "[project" in t else None
    ),
}


@pytest.mark.skipif(POETRY is None or OLD_POETRY, reason=NO_POETRY)
def test_stale_agrees_with_poetry_check_lock(index, tmp_path):
    url, _, environ = index
    rng = random.Random(29)
    projects = []
    kinds = [(False, True, True), (False, False, False), (True, False, True)]  # legacy, package mode, path
    for number, (legacy, package_mode, path_dep) in enumerate(kinds):
        folder = project_folder(tmp_path / f"poetry{number}", f"proj{number}")
        (folder / "pyproject.toml").write_text(
            poetry_project(rng, number, url, legacy, package_mode, path_dep)
        )
        projects.append(folder)
    agree, disagree, stale = judge_edits(
        projects,
        "pyproject.toml",
        POETRY_EDITS,
        ([POETRY, "lock"], [POETRY, "check", "--lock"]),
        environ,
        lambda folder: read_poetry_lock(folder / "poetry.lock", Target(None, current_subdir())).stale,
    )
    total = agree + len(disagree)
    print(f"\npoetry check --lock vs read_poetry_lock().stale: {agree}/{total} agree ({stale} stale)")
    assert disagree == [] and total >= 20 and 0 < stale < total


def installed(prefix: Path) -> dict[str, str]:
    """Return what pip sees in a venv (name: version), for a failure message."""
    inv = read_inventory(prefix, "venv", venv_python_version(prefix))
    return {name: pkg.version for name, pkg in inv.pip.items()}


def nothing_to_do(output: str) -> bool:
    """Return whether `poetry sync --dry-run` plans no install, update or removal."""
    counts = re.search(r"(\d+) installs?, (\d+) updates?, (\d+) removals?", output)
    return counts is None or counts.groups() == ("0", "0", "0")


@pytest.mark.skipif(POETRY is None or OLD_POETRY, reason=NO_POETRY)
def test_in_sync_agrees_with_poetry_sync_dry_run(index, tmp_path):
    url, wheels, environ = index
    folder = project_folder(tmp_path / "synced", "proj7")
    text = poetry_project(random.Random(7), 7, url, legacy=False, package_mode=True, path_dep=True)
    (folder / "pyproject.toml").write_text(
        text.replace('dependencies = ["', 'dependencies = ["alpha>=1.0", "', 1)
    )
    for step in ([POETRY, "lock"], [POETRY, "sync"]):
        done = run(step, folder, environ)
        assert done.returncode == 0, done.stdout + done.stderr
    prefix = folder / ".venv"
    python = str(prefix / "bin" / "python")
    site = site_packages(prefix, venv_python_version(prefix))
    assert site is not None

    def pip(*args: str) -> None:
        done = run([python, "-m", "pip", *args], folder, environ)
        assert done.returncode == 0, done.stdout + done.stderr

    wheel = ("install", "--no-index", "-f", str(wheels))
    fake = site / "setuptools-80.0.dist-info"
    # label: (the perturbation, what undoes it: `poetry sync` when None)
    perturbations: dict[str, tuple[Callable[[], object], Callable[[], object] | None]] = {
        "as synced": (lambda: None, lambda: None),
        "a locked package at another version": (lambda: pip(*wheel, "--no-deps", "alpha==1.0"), None),
        "a locked package removed": (lambda: pip("uninstall", "-y", "devtool"), None),
        "the editable path dependency removed": (lambda: pip("uninstall", "-y", "libx"), None),
        "an unlocked package added": (lambda: pip(*wheel, "--no-deps", "delta==0.6"), None),
        "an optional group's package added": (lambda: pip(*wheel, "docsy"), None),
        "an extra's package added": (lambda: pip(*wheel, "opt"), None),
        "setuptools added": (lambda: write_dist(site, "setuptools", "80.0"), lambda: shutil.rmtree(fake)),
    }
    agree, disagree, drifted = 0, [], 0
    for label, (perturb, undo) in perturbations.items():
        perturb()
        lock = read_poetry_lock(folder / "poetry.lock", Target(venv_python_version(prefix), current_subdir()))
        inventory = read_inventory(prefix, "venv", venv_python_version(prefix))
        ours = check_lock({"name": "synced", "prefix": str(prefix), "kind": "venv"}, lock, inventory).in_sync
        dry = run([POETRY, "sync", "--dry-run"], folder, environ)
        assert dry.returncode == 0, dry.stdout + dry.stderr
        drifted += not ours
        if nothing_to_do(dry.stdout) == ours:
            agree += 1
        else:
            disagree.append(
                f"{label}: poetry {dry.stdout!r}, ours in_sync={ours}, installed {installed(prefix)}"
            )
        if undo is not None:
            undo()
        else:
            restored = run([POETRY, "sync"], folder, environ)
            assert restored.returncode == 0, restored.stdout + restored.stderr
    total = agree + len(disagree)
    print(f"\npoetry sync --dry-run vs check_lock().in_sync: {agree}/{total} agree ({drifted} drifted)")
    assert disagree == [] and 0 < drifted < total


# ---- pipenv -------------------------------------------------------------------------------------


def pipfile(rng: random.Random, url: str, path_dep: bool) -> str:
    """Return a generated Pipfile: versions, extras, markers, a dev package."""
    forms = [
        'alpha = ">=1.0"',
        f'beta = "{rng.choice(["==1.0", "2.0", "*"])}"',
        'gamma = {version = "*", extras = ["fast"]}',
        'oldpy = {version = "*", markers = "python_version < \'3.10\'"}',
        'winonly = {version = "*", sys_platform = "== \'win32\'"}',
        'two_words = "*"',
    ]
    packages = rng.sample(forms, 4) + (['libx = {path = "./libs/libx", editable = true}'] if path_dep else [])
    return (
        f'[[source]]\nurl = "{url}"\nverify_ssl = false\nname = "local"\n\n'
        "[packages]\n" + "\n".join(packages) + '\n\n[dev-packages]\ndevtool = "*"\n'
    )


PIPENV_EDITS: dict[str, Callable[[str], str | None]] = {
    "unchanged": lambda t: t,
    "a comment": lambda t: t + "\n# a comment\n",
    "a name's spelling": lambda t: edited(t, "two_words =", "Two-Words =") or edited(t, "alpha =", "ALPHA ="),
    "quotes": lambda t: edited(t, 'devtool = "*"', "devtool = '*'"),
    "scripts added": lambda t: t + '\n[scripts]\nhello = "echo hi"\n',
    "pipenv settings added": lambda t: t + "\n[pipenv]\nallow_prereleases = false\n",
    "a version changed": lambda t: (
        edited(t, 'alpha = ">=1.0"', 'alpha = ">=1.1"') or edited(t, 'version = "*"', 'version = ">=1"')
    ),
    "a package added": lambda t: edited(t, "[packages]\n", '[packages]\ndelta = "*"\n'),
    "a dev package changed": lambda t: edited(t, 'devtool = "*"', 'devtool = "==3.0"'),
    "requires added": lambda t: t + '\n[requires]\npython_version = "3.11"\n',
    "a category added": lambda t: t + '\n[docs]\ndocsy = "*"\n',
    "the path dependency made non-editable": lambda t: edited(t, ", editable = true}", "}"),
    "the source changed": lambda t: edited(t, "verify_ssl = false", "verify_ssl = true"),
}


@pytest.mark.skipif(PIPENV is None, reason="pipenv is not installed (the dev environment has it)")
def test_stale_agrees_with_pipenv_verify(index, tmp_path):
    url, _, environ = index
    rng = random.Random(29)
    projects = []
    for number in range(2):
        folder = project_folder(tmp_path / f"pipenv{number}", f"app{number}")
        (folder / "Pipfile").write_text(pipfile(rng, url, path_dep=number == 0))
        projects.append(folder)
    agree, disagree, stale = judge_edits(
        projects,
        "Pipfile",
        PIPENV_EDITS,
        ([PIPENV, "lock", "--python", sys.executable], [PIPENV, "verify"]),
        environ,
        lambda folder: read_pipfile_lock(folder / "Pipfile.lock", Target(None, current_subdir())).stale,
    )
    total = agree + len(disagree)
    print(f"\npipenv verify vs read_pipfile_lock().stale: {agree}/{total} agree ({stale} stale)")
    assert disagree == [] and total >= 20 and 0 < stale < total


@pytest.mark.skipif(PIPENV is None, reason="pipenv is not installed (the dev environment has it)")
def test_extras_agree_with_pipenv_clean_after_pipenv_sync(index, tmp_path):
    url, wheels, environ = index
    folder = project_folder(tmp_path / "pipsynced", "app")
    (folder / "Pipfile").write_text(pipfile(random.Random(3), url, path_dep=True))
    for step in ([PIPENV, "lock", "--python", sys.executable], [PIPENV, "sync"]):
        done = run(step, folder, environ)
        assert done.returncode == 0, done.stdout + done.stderr
    prefix = folder / ".venv"
    site = site_packages(prefix, venv_python_version(prefix))
    assert site is not None
    python = str(prefix / "bin" / "python")

    def pip_install(*names: str) -> None:
        done = run([python, "-m", "pip", "install", "--no-index", "-f", str(wheels), *names], folder, environ)
        assert done.returncode == 0, done.stdout + done.stderr

    # each step adds to the last: pipenv clean lists what it would uninstall, we list what is extra
    steps: dict[str, Callable[[], object]] = {
        "as synced": lambda: None,
        "an unlocked package added": lambda: pip_install("docsy"),
        "a develop package added": lambda: pip_install("devtool"),
        "wheel added": lambda: write_dist(site, "wheel", "0.45.0"),
        "another unlocked package added": lambda: pip_install("opt"),
    }
    agree, disagree = 0, []
    for label, step in steps.items():
        step()
        lock = read_pipfile_lock(
            folder / "Pipfile.lock", Target(venv_python_version(prefix), current_subdir())
        )
        inventory = read_inventory(prefix, "venv", venv_python_version(prefix))
        report = check_lock({"name": "app", "prefix": str(prefix), "kind": "venv"}, lock, inventory)
        ours = {r.name for r in report.requirements if r.status == "extra"}
        if label == "as synced":
            assert report.in_sync, [r for r in report.requirements if r.status != "ok"]
        clean = run([PIPENV, "clean", "--dry-run"], folder, environ)
        assert clean.returncode == 0, clean.stdout + clean.stderr
        theirs = set(clean.stdout.split())
        if theirs == ours:
            agree += 1
        else:
            disagree.append(
                f"{label}: pipenv clean would remove {sorted(theirs)}, we call {sorted(ours)} extra"
            )
    print(f"\npipenv clean --dry-run vs check_lock() extras: {agree}/{agree + len(disagree)} agree")
    assert disagree == [] and ours == {"docsy", "opt"}
