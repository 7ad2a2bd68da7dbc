"""Our poetry.lock and Pipfile.lock readers against the real tools' own verdicts, on generated projects.

Projects (versions, markers, groups, extras, package mode) are locked by the real `poetry lock` and
`pipenv lock` against a PEP 503 index served on 127.0.0.1 from tiny wheels (no network), then
their manifests are edited: `poetry check --lock` and `pipenv verify` exit codes against our
`stale`. A venv synced by `poetry sync`, then perturbed: `poetry sync --dry-run` (nothing to do?)
against `check_lock(...).in_sync`. Each test counts agreements and lists every disagreement.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support.factory import write_dist
from support.pyindex import serve_index, write_wheel

from jupyter_envpanel.core.base.prefix import site_packages, venv_python_version
from jupyter_envpanel.core.drift.lockdrift import check_lock
from jupyter_envpanel.core.packages.inventory import read_inventory
from jupyter_envpanel.core.requirements.locks import Target, current_subdir
from jupyter_envpanel.core.requirements.pipfile import read_pipfile_lock
from jupyter_envpanel.core.requirements.poetrylock import read_poetry_lock

BIN = Path(sys.executable).parent
POETRY = shutil.which("poetry", path=str(BIN)) or shutil.which("poetry")
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


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """Serve the wheels on 127.0.0.1; yield (index URL, wheel folder, the tools' environment)."""
    base = tmp_path_factory.mktemp("index")
    for name, version, requires in WHEELS:
        write_wheel(base / "wheels", name, version, requires, EXTRAS.get(name, ()))
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


def run(command: list[str], cwd: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a tool in a project folder; return its result (output kept for the failure message)."""
    return subprocess.run(command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=180)


def edited(text: str, anchor: str, new: str) -> str | None:
    """Return the text with its first `anchor` replaced, None when the anchor is not there."""
    return text.replace(anchor, new, 1) if anchor in text else None


# ---- poetry -------------------------------------------------------------------------------------


def poetry_project(rng: random.Random, number: int, url: str, legacy: bool, package_mode: bool) -> str:
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
            + '\nopt = {version = "*", optional = true}\n\n[tool.poetry.extras]\nextra1 = ["opt"]\n\n'
            '[tool.poetry.group.dev.dependencies]\ndevtool = ">=3.0"\n\n' + docs + "\n" + source
        )
    items = [
        f'"{n}{m}{v}"' if m == "[fast]" else f'"{n}{v}; {m}"' if m else f'"{n}{v}"'
        for n, v, m in ((n, "" if v == "*" else v, m) for n, v, m in deps)
    ]
    return (
        f'[project]\nname = "proj{number}"\nversion = "0.1.0"\nrequires-python = ">=3.9"\n'
        f'dependencies = [{", ".join(items)}]\n\n[project.optional-dependencies]\nextra1 = ["opt"]\n\n'
        f'[dependency-groups]\ndev = ["devtool>=3.0"]\n\n[tool.poetry]\n{mode}\n{docs}\n{source}\n'
        '[build-system]\nrequires = ["poetry-core>=2.0.0,<3.0.0"]\n'
        'build-backend = "poetry.core.masonry.api"\n'
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
    "the docs group made non-optional": lambda t: edited(t, "optional = true", "optional = false"),
    "an extra added": lambda t: (
        edited(t, 'extra1 = ["opt"]', 'extra1 = ["opt"]\nextra2 = ["docsy"]') if "[project" in t else None
    ),
}


@pytest.mark.skipif(POETRY is None, reason="poetry is not installed (the dev environment has it)")
def test_stale_agrees_with_poetry_check_lock(index, tmp_path):
    url, _, environ = index
    rng = random.Random(29)
    agree, disagree, stale = 0, [], 0
    kinds = [(False, True), (False, False), (True, False)]  # (legacy, package mode)
    for number, (legacy, package_mode) in enumerate(kinds):
        folder = tmp_path / f"poetry{number}"
        (folder / f"proj{number}").mkdir(parents=True)
        (folder / f"proj{number}" / "__init__.py").write_text("")
        original = poetry_project(rng, number, url, legacy, package_mode)
        (folder / "pyproject.toml").write_text(original)
        locked = run([POETRY, "lock"], folder, environ)
        assert locked.returncode == 0, locked.stdout + locked.stderr
        for label, edit in POETRY_EDITS.items():
            text = edit(original)
            if text is None:
                continue
            (folder / "pyproject.toml").write_text(text)
            tool = run([POETRY, "check", "--lock"], folder, environ)
            ours = read_poetry_lock(folder / "poetry.lock", Target(None, current_subdir())).stale
            stale += tool.returncode != 0
            if (tool.returncode != 0) == bool(ours):
                agree += 1
            else:
                disagree.append(
                    f"poetry{number} {label}: poetry rc {tool.returncode} {tool.stderr!r}, ours {ours!r}"
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


@pytest.mark.skipif(POETRY is None, reason="poetry is not installed (the dev environment has it)")
def test_in_sync_agrees_with_poetry_sync_dry_run(index, tmp_path):
    url, wheels, environ = index
    folder = tmp_path / "synced"
    (folder / "proj7").mkdir(parents=True)
    (folder / "proj7" / "__init__.py").write_text("")
    text = poetry_project(random.Random(7), 7, url, legacy=False, package_mode=True)
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

    perturbations: dict[str, Callable[[], None]] = {
        "as synced": lambda: None,
        "a locked package at another version": lambda: pip(
            "install", "--no-index", "-f", str(wheels), "--no-deps", "alpha==1.0"
        ),
        "a locked package removed": lambda: pip("uninstall", "-y", "devtool"),
        "an unlocked package added": lambda: pip(
            "install", "--no-index", "-f", str(wheels), "--no-deps", "delta==0.6"
        ),
        "an optional group's package added": lambda: pip("install", "--no-index", "-f", str(wheels), "docsy"),
        "an extra's package added": lambda: pip("install", "--no-index", "-f", str(wheels), "opt"),
        "setuptools added": lambda: write_dist(site, "setuptools", "80.0") and None,
        "pip upgraded in place": lambda: write_dist(site, "pip", "99.0") and None,
    }
    agree, disagree, drifted = 0, [], 0
    for label, perturb in perturbations.items():
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
        for extra in site.glob("*-*.dist-info"):
            if extra.name.startswith(("setuptools-80.0", "pip-99.0")):
                shutil.rmtree(extra)
        restored = run([POETRY, "sync"], folder, environ)
        assert restored.returncode == 0, restored.stdout + restored.stderr
    total = agree + len(disagree)
    print(f"\npoetry sync --dry-run vs check_lock().in_sync: {agree}/{total} agree ({drifted} drifted)")
    assert disagree == [] and 0 < drifted < total


# ---- pipenv -------------------------------------------------------------------------------------


def pipfile(rng: random.Random, url: str) -> str:
    """Return a generated Pipfile: versions, extras, markers, a dev package."""
    forms = [
        'alpha = ">=1.0"',
        f'beta = "{rng.choice(["==1.0", "2.0", "*"])}"',
        'gamma = {version = "*", extras = ["fast"]}',
        'oldpy = {version = "*", markers = "python_version < \'3.10\'"}',
        'winonly = {version = "*", sys_platform = "== \'win32\'"}',
        'two_words = "*"',
    ]
    packages = rng.sample(forms, 4)
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
    "the source changed": lambda t: edited(t, "verify_ssl = false", "verify_ssl = true"),
}


@pytest.mark.skipif(PIPENV is None, reason="pipenv is not installed (the dev environment has it)")
def test_stale_agrees_with_pipenv_verify(index, tmp_path):
    url, _, environ = index
    rng = random.Random(29)
    agree, disagree, stale = 0, [], 0
    for number in range(2):
        folder = tmp_path / f"pipenv{number}"
        folder.mkdir()
        original = pipfile(rng, url)
        (folder / "Pipfile").write_text(original)
        locked = run([PIPENV, "lock", "--python", sys.executable], folder, environ)
        assert locked.returncode == 0, locked.stdout + locked.stderr
        for label, edit in PIPENV_EDITS.items():
            text = edit(original)
            if text is None:
                continue
            (folder / "Pipfile").write_text(text)
            tool = run([PIPENV, "verify"], folder, environ)
            ours = read_pipfile_lock(folder / "Pipfile.lock", Target(None, current_subdir())).stale
            stale += tool.returncode != 0
            if (tool.returncode != 0) == bool(ours):
                agree += 1
            else:
                disagree.append(
                    f"pipenv{number} {label}: pipenv rc {tool.returncode} {tool.stderr!r}, ours {ours!r}"
                )
    total = agree + len(disagree)
    print(f"\npipenv verify vs read_pipfile_lock().stale: {agree}/{total} agree ({stale} stale)")
    assert disagree == [] and total >= 20 and 0 < stale < total
