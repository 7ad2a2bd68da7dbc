"""Every Python environment a user has, labelled by the tool that made it (layouts as the tools make them)."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.factory import PY, envs_of, interpreter_at, recorder, venv_at, write_dist

from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.environments.discovery import Discovery
from jupyter_envpanel.core.project.create import create_commands, find_tools
from jupyter_envpanel.core.project.definition import Definition
from jupyter_envpanel.core.service import EnvService, ServiceOptions


def host_of(world, bins=(), **environ) -> Host:
    """Return the world's host, with extra variables and folders of system Pythons."""
    host = world.host(**environ)
    return Host(host.home, host.environ, host.root, host.sys_prefix, system_roots=(), system_bins=tuple(bins))


def listing(world, bins=(), sources=None, **environ):
    """Return the environments of the world (labelled, as the panel shows them), by name."""
    options = ServiceOptions(sources=sources) if sources is not None else None
    return envs_of(EnvService(host_of(world, bins, **environ), options).listing())


def test_each_tools_folder_is_found_and_labelled_by_its_tool(world):
    home = world.home
    venv_at(world, home / ".virtualenvs" / "wrapped")
    venv_at(world, home / ".local" / "share" / "virtualenvs" / "webapp-kmsDziFu")
    venv_at(world, home / ".cache" / "pypoetry" / "virtualenvs" / f"api-_dnqLNgR-py{PY}")
    venv_at(world, home / ".local" / "share" / "hatch" / "env" / "virtual" / "lib1" / "wycxEar1" / "lib1")
    venv_at(world, home / ".local" / "share" / "hatch" / "env" / "virtual" / "lib1" / "wycxEar1" / "test")
    interpreter_at(home / ".pyenv" / "versions" / "3.12.1")
    venv_at(world, home / ".pyenv" / "versions" / "3.12.1" / "envs" / "tools")
    (home / ".pyenv" / "versions" / "tools").symlink_to(
        home / ".pyenv" / "versions" / "3.12.1" / "envs" / "tools"
    )
    interpreter_at(home / ".local" / "share" / "uv" / "python" / "cpython-3.13.0-linux-x86_64-gnu")
    world.conda_env(home / ".pixi" / "envs" / "ripgrep", python=None, packages=["ripgrep=14.1.0"])
    (world.root / "svc").mkdir()
    (world.root / "svc" / "uv.lock").write_text("")
    venv_at(world, world.root / "svc" / ".venv", uv=True)

    envs = listing(world)

    kinds = {name: (env.kind, env.label) for name, env in envs.items() if name != "server"}
    assert kinds == {
        "wrapped": ("virtualenvwrapper", "virtualenvwrapper: wrapped"),
        "webapp": ("pipenv", "pipenv: webapp"),
        "api": ("poetry", "poetry: api"),
        "lib1": ("hatch", "hatch: lib1"),
        "lib1:test": ("hatch", "hatch: lib1:test"),
        "3.12.1": ("pyenv", "pyenv 3.12.1"),
        "tools": ("pyenv", "pyenv-virtualenv: tools"),  # listed once, though linked from versions/
        "cpython-3.13.0": ("uv", "uv python 3.13.0"),
        "ripgrep": ("pixi", "pixi: global ripgrep"),
        ".venv": ("uv", "uv: svc/.venv"),
    } | {
        k: v
        for k, v in kinds.items()
        if k
        not in {
            "wrapped",
            "webapp",
            "api",
            "lib1",
            "lib1:test",
            "3.12.1",
            "tools",
            "cpython-3.13.0",
            "ripgrep",
            ".venv",
        }
    }
    assert envs["3.12.1"].python_version == "3.12.1" and envs["cpython-3.13.0"].python_version == "3.13.0"
    assert envs["api"].project == "api" and envs["webapp"].source == "pipenv"


def test_the_variables_that_move_each_tools_folder_are_honoured(world, tmp_path):
    places = {
        "WORKON_HOME": tmp_path / "workon",
        "PYENV_ROOT": tmp_path / "pyenv",
        "POETRY_VIRTUALENVS_PATH": tmp_path / "poetry",
        "HATCH_DATA_DIR": tmp_path / "hatch",
        "UV_PYTHON_INSTALL_DIR": tmp_path / "uvpy",
        "PIXI_HOME": tmp_path / "pixi",
    }
    venv_at(world, places["WORKON_HOME"] / "w1")
    interpreter_at(places["PYENV_ROOT"] / "versions" / "3.11.9")
    venv_at(world, places["POETRY_VIRTUALENVS_PATH"] / f"p1-abcdefgh-py{PY}")
    venv_at(world, places["HATCH_DATA_DIR"] / "env" / "virtual" / "h1" / "abcd1234" / "h1")
    interpreter_at(places["UV_PYTHON_INSTALL_DIR"] / "pypy-3.10.14-linux-x86_64-gnu")
    world.conda_env(places["PIXI_HOME"] / "envs" / "tool", python=None)
    envs = listing(world, **{k: str(v) for k, v in places.items()})
    assert {n: e.kind for n, e in envs.items() if n != "server"}.items() >= {
        "w1": "virtualenvwrapper",
        "3.11.9": "pyenv",
        "p1": "poetry",
        "h1": "hatch",
        "pypy-3.10.14": "uv",
        "tool": "pixi",
    }.items()


def test_hatchs_older_layout_without_a_project_folder_is_found(world):
    """Older hatch kept `virtual/<id>/<env>`: the env lies one level higher than today's layout."""
    virtual = world.home / ".local" / "share" / "hatch" / "env" / "virtual"
    venv_at(world, virtual / "oldlib" / "oldlib")
    venv_at(world, virtual / "oldlib" / "test")
    envs = listing(world)
    assert {n: (e.kind, e.prefix) for n, e in envs.items() if e.kind == "hatch"} == {
        "oldlib": ("hatch", str(virtual / "oldlib" / "oldlib")),
        "oldlib:test": ("hatch", str(virtual / "oldlib" / "test")),
    }


def test_every_hatch_env_kept_flat_in_its_folder_is_found(world):
    """`[dirs.env] virtual` set to a folder of its own: hatch keeps `<folder>/<env>`, each one listed."""
    flat = world.base / "hatch-envs"
    config = world.home / ".config" / "hatch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[dirs.env]\nvirtual = "{flat}"\n')
    venv_at(world, flat / "lib1")
    venv_at(world, flat / "lib2")
    envs = listing(world)
    assert {n: (e.kind, e.prefix) for n, e in envs.items() if e.kind == "hatch"} == {
        "lib1": ("hatch", str(flat / "lib1")),
        "lib2": ("hatch", str(flat / "lib2")),
    }


def test_only_a_venv_beside_a_project_file_in_a_root_folder_is_listed(world):
    """`svc/.venv` next to uv.lock is a project's env; `scratch/.venv` alone and a bare `lib/` are not."""
    (world.root / "svc").mkdir()
    (world.root / "svc" / "uv.lock").write_text("")
    venv_at(world, world.root / "svc" / ".venv")
    venv_at(world, world.root / "scratch" / ".venv")  # no project file beside it
    (world.root / "lib").mkdir()
    (world.root / "lib" / "pyproject.toml").write_text("[project]\nname = 'lib'\n")  # no .venv
    service = EnvService(host_of(world))
    found = service.listing()
    in_root = sorted(e.prefix for e in found.environments if e.prefix.startswith(str(world.root)))
    assert in_root == [str(world.root / "svc" / ".venv")]
    assert not [w for w in found.warnings if str(world.root) in w]


def test_a_specific_tool_wins_over_the_generic_venv(world):
    # poetry configured to keep its envs in ~/.virtualenvs: poetry, not virtualenvwrapper
    venv_at(world, world.home / ".virtualenvs" / f"api-abcdefgh-py{PY}")
    # pipenv with WORKON_HOME=~/.virtualenvs: its .project names a folder with a Pipfile
    project = world.base / "webapp"
    project.mkdir()
    (project / "Pipfile").write_text("[packages]\n")
    pipenv = venv_at(world, world.home / ".virtualenvs" / "webapp-kmsDziFu")
    (pipenv / ".project").write_text(str(project))
    # a conda install inside pyenv is a conda installation, with its own envs
    miniforge = world.home / ".pyenv" / "versions" / "miniforge3-24.3.0"
    world.conda_env(miniforge)
    world.conda_env(miniforge / "envs" / "ml")
    home = str(world.home)
    envs = listing(world, POETRY_VIRTUALENVS_PATH=f"{home}/.virtualenvs", WORKON_HOME=f"{home}/.virtualenvs")
    assert envs["api"].kind == "poetry"
    assert envs["webapp"].kind == "pipenv" and envs["webapp"].project == "webapp"
    assert envs["base"].kind == "conda" and envs["base"].is_base and envs["ml"].kind == "conda"
    assert envs["ml"].named


def test_pythons_on_path_are_listed_once_by_real_path(world):
    usr = world.base / "usr"
    exe = interpreter_at(usr, f"python{PY}")
    (usr / "bin" / "python3").symlink_to(exe.name)  # python3 -> python3.X, as Debian ships it
    other = world.base / "opt" / "bin"
    other.mkdir(parents=True)
    (other / "python3").symlink_to(exe)
    write_dist(usr / "lib" / f"python{PY}" / "site-packages", "ipykernel", "6.29.5")
    envs = listing(world, bins=[str(usr / "bin")], PATH=f"{other}{os.pathsep}{usr / 'bin'}")
    systems = [e for e in envs.values() if e.kind == "system" and not e.is_server]
    assert len(systems) == 1
    env = systems[0]
    assert env.executable == str(exe) and env.label == str(exe) and env.python_version == PY
    assert env.has_ipykernel


def test_every_source_can_be_switched_off(world):
    venv_at(world, world.home / ".virtualenvs" / "wrapped")
    world.conda_env(world.home / "miniconda3")
    interpreter_at(world.home / ".pyenv" / "versions" / "3.12.1")
    everything = listing(world)
    assert {"wrapped", "base", "3.12.1"} <= set(everything)
    only = listing(world, sources=["pyenv"])
    assert "3.12.1" in only and "wrapped" not in only and "base" not in only


def test_an_interpreter_without_ipykernel_says_how_to_get_a_kernel(world):
    interpreter_at(world.home / ".pyenv" / "versions" / "3.12.1")
    conda = world.conda_env(world.home / "miniconda3" / "envs" / "with space")
    assert envs_of(EnvService(host_of(world)).listing())["with space"].kernel_hint == ""  # no conda here
    recorder(world.home / "miniconda3" / "condabin" / "conda")  # its installation's own, not on PATH
    service = EnvService(host_of(world))
    envs = envs_of(service.listing())
    pyenv = envs["3.12.1"]
    assert pyenv.kernels == ()
    assert pyenv.kernel_hint == f"{world.home}/.pyenv/versions/3.12.1/bin/python3 -m pip install ipykernel"
    tool = world.home / "miniconda3" / "condabin" / "conda"
    assert envs["with space"].kernel_hint == f"{tool} install --prefix '{conda}' ipykernel"
    subprocess.run(["bash", "-n", "-c", envs["with space"].kernel_hint], check=True)
    # the panel groups plain interpreters without a kernel apart from environments
    assert pyenv.to_json()["interpreter"] is True and envs["with space"].to_json()["interpreter"] is False


REAL_TOOLS = ["virtualenv", "uv", "poetry", "pipenv", "hatch"]
#: Variables that would move the tools' folders away from the test's HOME.
REAL_TOOL_VARS = (
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "WORKON_HOME",
    "VIRTUAL_ENV",
    "PIPENV_VENV_IN_PROJECT",
    "PIPENV_CUSTOM_VENV_NAME",
    "POETRY_CONFIG_DIR",
    "POETRY_CACHE_DIR",
    "POETRY_DATA_DIR",
    "POETRY_HOME",
    "POETRY_VIRTUALENVS_PATH",
    "POETRY_VIRTUALENVS_IN_PROJECT",
    "HATCH_CONFIG",
    "HATCH_DATA_DIR",
    "HATCH_ENV",
    "UV_PROJECT_ENVIRONMENT",
    "UV_PYTHON_INSTALL_DIR",
    "PYENV_ROOT",
)


@pytest.fixture
def real_home(tmp_path, monkeypatch):
    """A HOME where real tools create their environments, with this interpreter."""
    home = tmp_path / "home"
    home.mkdir()
    for var in REAL_TOOL_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PIPENV_YES", "1")
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return home


def _tool(name: str) -> str:
    """Return a tool installed with the test dependencies."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.skip(f"{name} is a test dependency; install it with `pip install -e '.[test]'`")
    return found


def test_environments_made_by_the_real_tools_get_their_kind(real_home, tmp_path):
    python = os.path.realpath(sys.executable)
    base = Path(sys.base_prefix) / "bin" / f"python{PY}"
    python = str(base) if base.exists() else python
    projects = {name: tmp_path / f"proj-{name}" for name in REAL_TOOLS}
    for folder in projects.values():
        folder.mkdir()
    run = lambda cmd, cwd: subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, timeout=180)  # noqa: E731
    run([_tool("virtualenv"), "-q", str(real_home / ".virtualenvs" / "wrapped")], tmp_path)
    (projects["poetry"] / "pyproject.toml").write_text(
        '[tool.poetry]\nname = "proj-poetry"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n'
        'package-mode = false\n[tool.poetry.dependencies]\npython = ">=3.10"\n'
    )
    run([_tool("poetry"), "env", "use", python], projects["poetry"])
    run([_tool("pipenv"), "--python", python], projects["pipenv"])
    (projects["hatch"] / "pyproject.toml").write_text(
        '[project]\nname = "proj-hatch"\nversion = "0.1"\n[tool.hatch.envs.default]\nskip-install = true\n'
    )
    run([_tool("hatch"), "env", "create"], projects["hatch"])
    root = tmp_path / "root"
    root.mkdir()
    shutil.move(str(projects["uv"]), root / "svc")
    (root / "svc" / "pyproject.toml").write_text('[project]\nname = "svc"\nversion = "0.1"\n')
    run([_tool("uv"), "venv", "--python", python], root / "svc")

    host = Host.current(root=root)
    sources = ["virtualenvwrapper", "pipenv", "poetry", "hatch", "project-venvs"]
    found = Discovery(host, sources=sources).list().environments
    own = os.path.realpath(sys.prefix)  # the venv running this test (.venv or .venvs/py3.X) aside
    found = [e for e in found if os.path.realpath(e.prefix) != own]
    kinds = {(Path(e.prefix).parent.name if e.prefix.endswith(".venv") else e.name, e.kind) for e in found}
    assert kinds == {
        ("wrapped", "virtualenvwrapper"),
        ("proj-poetry", "poetry"),
        ("proj-pipenv", "pipenv"),
        ("proj-hatch", "hatch"),
        ("svc", "uv"),
    }


def _base_python() -> str:
    """Return the interpreter this test's venv was made from (the tools make their envs with it)."""
    base = Path(sys.base_prefix) / "bin" / f"python{PY}"
    return str(base) if base.exists() else os.path.realpath(sys.executable)


def _run(cmd, cwd: Path, env: dict[str, str]) -> str:
    """Run a real tool with the test's environment plus env; return its stdout (its output on failure)."""
    environ = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=environ, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, f"{cmd[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout.strip()


def _real_listing(root: Path, sources, env: dict[str, str]) -> dict[str, object]:
    """Return what the panel lists (labelled) for the tools' environments, this test's own venv aside."""
    environ = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    host = Host(Path(environ["HOME"]), environ, root, system_roots=(), system_bins=())
    own = os.path.realpath(sys.prefix)
    found = EnvService(host, ServiceOptions(sources=sources)).listing().environments
    return {e.name: e for e in found if os.path.realpath(e.prefix) != own}


def _project(root: Path, pyproject: str) -> Path:
    """Write a project `svc` in the server root."""
    folder = root / "svc"
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(pyproject)
    return folder


POETRY_PROJECT = (
    '[project]\nname = "proj-poetry"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
    "[tool.poetry]\npackage-mode = false\n"
)
POETRY_LAYOUTS = [
    # (the setting written with `poetry config`, its value, variables, where poetry puts the env)
    ("virtualenvs.path", "{tmp}/poetry-envs", {}, "{tmp}/poetry-envs"),
    (
        "cache-dir",
        "{tmp}/poetry-cache",
        {"POETRY_CONFIG_DIR": "{tmp}/poetry-config"},
        "{tmp}/poetry-cache/virtualenvs",
    ),
    (
        "virtualenvs.path",
        "{cache-dir}/by-project",
        {"POETRY_CACHE_DIR": "{tmp}/cache-from-variable"},  # the variable beats the file's cache-dir
        "{tmp}/cache-from-variable/by-project",
    ),
]


@pytest.mark.parametrize(
    "key, value, variables, where", POETRY_LAYOUTS, ids=["virtualenvs-path", "cache-dir", "placeholder"]
)
def test_poetry_envs_are_found_where_its_config_toml_puts_them(
    real_home, tmp_path, key, value, variables, where
):
    """`poetry config` writes config.toml; poetry makes the env there, and the listing finds it there."""
    env = {k: v.format(tmp=tmp_path) for k, v in variables.items()}
    root = tmp_path / "root"
    project = _project(root, POETRY_PROJECT)
    poetry = _tool("poetry")
    _run([poetry, "config", key, value.replace("{tmp}", str(tmp_path))], project, env)
    _run([poetry, "env", "use", _base_python()], project, env)
    made = Path(_run([poetry, "env", "info", "--path"], project, env))
    assert made.parent == Path(where.format(tmp=tmp_path))  # the real tool honoured its settings
    envs = _real_listing(root, ["poetry"], env)
    assert {(e.prefix, e.kind, e.project, e.label) for e in envs.values()} == {
        (str(made), "poetry", "proj-poetry", "poetry: proj-poetry")
    }


HATCH_PROJECT = (
    '[project]\nname = "proj-hatch"\nversion = "0.1"\n[tool.hatch.envs.default]\nskip-install = true\n'
)
HATCH_LAYOUTS = {
    # config.toml named by HATCH_CONFIG, with an absolute `[dirs.env] virtual`
    "dirs-env-absolute": (
        {"dirs.env.virtual": "{tmp}/hatch-envs"},
        {"HATCH_CONFIG": "{tmp}/hatch/config.toml"},
        "",
    ),
    # hatch resolves a relative `[dirs.env] virtual` against the project: `<project>/.hatchenvs/<env>`
    "dirs-env-relative": ({"dirs.env.virtual": ".hatchenvs"}, {}, ""),
    # hatch's first run wrote `[dirs] data` under the XDG_DATA_HOME of that day; it is unset now
    "dirs-data-written": ({}, {"XDG_DATA_HOME": "{tmp}/first-run-data"}, ""),
    # the project's own `path = ".venv"`
    "path-dot-venv": ({}, {}, 'path = ".venv"\n'),
}


@pytest.mark.parametrize("case", list(HATCH_LAYOUTS))
def test_hatch_envs_are_found_where_its_config_puts_them(real_home, tmp_path, case):
    """`hatch config set` / a project's env `path`: hatch makes the env there, labelled hatch when found."""
    settings, first_run, env_table = HATCH_LAYOUTS[case]
    env = {k: v.format(tmp=tmp_path) for k, v in first_run.items()}
    hatch = _tool("hatch")
    root = tmp_path / "root"
    project = _project(root, HATCH_PROJECT + env_table)
    if "HATCH_CONFIG" in env:  # hatch refuses a config file named by the variable that does not exist
        Path(env["HATCH_CONFIG"]).parent.mkdir(parents=True)
        Path(env["HATCH_CONFIG"]).write_text("")
    _run([hatch, "config", "find"], project, env)  # the first run writes config.toml
    for key, value in settings.items():
        _run([hatch, "config", "set", key, value.format(tmp=tmp_path)], project, env)
    env.pop("XDG_DATA_HOME", None)  # from now on hatch, and the listing, see the default again
    _run([hatch, "env", "create"], project, env)
    made = Path(_run([hatch, "env", "find"], project, env))
    assert (made / "pyvenv.cfg").is_file()
    envs = _real_listing(root, ["hatch", "project-venvs"], env)
    assert {(e.prefix, e.kind, e.label) for e in envs.values()} == {(str(made), "hatch", "hatch: proj-hatch")}
    described = Discovery(Host(real_home, {**os.environ, **env}, root), sources=["hatch"]).describe(made)
    assert described is not None and described.kind == "hatch"  # `jupyter envpanel show PREFIX` agrees


@pytest.mark.parametrize("value", ["{tmp}/uv-project-env", ".uvenv"], ids=["absolute", "relative"])
def test_uv_project_environment_is_found_where_the_variable_puts_it(real_home, tmp_path, value):
    """`UV_PROJECT_ENVIRONMENT`: an absolute path, or a folder of each project (uv expands nothing in it)."""
    env = {"UV_PROJECT_ENVIRONMENT": value.format(tmp=tmp_path), "UV_OFFLINE": "1", "UV_NO_CONFIG": "1"}
    root = tmp_path / "root"
    project = _project(root, '[project]\nname = "svc"\nversion = "0.1"\nrequires-python = ">=3.10"\n')
    _run([_tool("uv"), "sync", "--python", _base_python()], project, env)
    made = Path(value.format(tmp=tmp_path)) if value.startswith("{") else project / value
    assert (made / "pyvenv.cfg").is_file() and not (project / ".venv").exists()
    envs = _real_listing(root, ["uv", "project-venvs"], env)
    assert {(e.prefix, e.kind) for e in envs.values()} == {(str(made), "uv")}


def _uv_platform() -> str:
    """Return the platform part of uv's install keys on this machine (`linux-x86_64-gnu`)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the uv-managed Python layout is written for Linux")
    machine = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine())
    return f"linux-{machine}-{'gnu' if platform.libc_ver()[0] == 'glibc' else 'musl'}"


def uv_managed_python(install_dir: Path, bin_dir: Path) -> tuple[Path, Path]:
    """Lay out this test's Python as uv 0.8+ installs a managed one (uv cannot download Pythons here).

    `cpython-X.Y.Z-<platform>/` (its interpreter copied, its stdlib and headers linked), the
    minor-version link `cpython-X.Y-<platform>` -> that folder (absolute, as uv writes it), and
    `~/.local/bin/pythonX.Y` -> the link's interpreter, as `uv python install` makes them.
    """
    full, key = platform.python_version(), _uv_platform()
    real = install_dir / f"cpython-{full}-{key}"
    (real / "bin").mkdir(parents=True)
    exe = real / "bin" / f"python{PY}"
    shutil.copy2(os.path.realpath(_base_python()), exe)
    for name in ("python3", "python"):
        (real / "bin" / name).symlink_to(exe.name)
    (real / "lib").symlink_to(Path(sys.base_prefix) / "lib")
    (real / "include").mkdir()
    headers = Path(sys.base_prefix) / "include" / f"python{PY}"
    if headers.is_dir():
        (real / "include" / f"python{PY}").symlink_to(headers)
    link = install_dir / f"cpython-{PY}-{key}"
    link.symlink_to(real)
    bin_dir.mkdir(parents=True, exist_ok=True)
    (bin_dir / f"python{PY}").symlink_to(link / "bin" / f"python{PY}")
    ran = subprocess.run([exe, "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True)
    if ran.returncode != 0 or ran.stdout.strip() != str(real):
        pytest.skip(f"this Python does not run from a copy of its interpreter: {ran.stderr.strip()[:200]}")
    return real, link


def test_a_uv_managed_python_is_listed_once_with_its_full_version(real_home, tmp_path):
    """uv 0.8+'s minor-version link and `~/.local/bin` link are one installation, and a `uv venv`
    made through the link (pyvenv.cfg says only `X.Y`) gets the full version too."""
    install_dir, local_bin = tmp_path / "uv-python", real_home / ".local" / "bin"
    real, link = uv_managed_python(install_dir, local_bin)
    full = platform.python_version()
    root = tmp_path / "root"
    project = _project(root, '[project]\nname = "svc"\nversion = "0.1"\n')
    env = {"UV_PYTHON_INSTALL_DIR": str(install_dir), "UV_OFFLINE": "1", "UV_NO_CONFIG": "1"}
    env["PATH"] = str(local_bin)
    _run([_tool("uv"), "venv", "--managed-python", "--python", PY], project, env)
    cfg = (project / ".venv" / "pyvenv.cfg").read_text()
    assert f"version_info = {PY}\n" in cfg and str(link) in cfg  # what uv writes through the link
    envs = _real_listing(root, ["uv", "project-venvs", "system"], env)
    pythons = [e for e in envs.values() if not e.is_venv]
    assert [(e.prefix, e.kind, e.python_version, e.label) for e in pythons] == [
        (str(real), "uv", full, f"uv python {full}")
    ]
    venvs = [e for e in envs.values() if e.is_venv]
    assert [(e.prefix, e.kind, e.python_version) for e in venvs] == [(str(project / ".venv"), "uv", full)]


@pytest.mark.parametrize(
    "var, tool", [("CONDA_EXE", "conda"), ("MAMBA_EXE", "mamba")], ids=["conda", "mamba"]
)
def test_a_conda_tool_named_by_its_variable_is_called_by_its_absolute_path(world, var, tool):
    """`CONDA_EXE` / `MAMBA_EXE` point at a tool off PATH: the create command calls that file."""
    exe = world.base / "opt" / "forge" / "bin" / tool
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    assert find_tools(host_of(world, **{var: str(exe)}), []) == {tool: str(exe)}


VENV_CASES = [
    ({}, "python3 -m venv proj/.venv && proj/.venv/bin/pip install -r proj/requirements.txt"),
    (
        {"python": "python"},
        "python -m venv proj/.venv && proj/.venv/bin/pip install -r proj/requirements.txt",
    ),
]


@pytest.mark.parametrize("tools, command", VENV_CASES, ids=["no-python-found", "python-only"])
def test_create_commands_run_from_the_base_folder_with_the_python_found(world, tools, command):
    """Paths are relative to the folder the command runs in (not the server's cwd)."""
    base = world.base / "repo"
    folder = base / "proj"
    definition = Definition(
        folder, folder / "requirements.txt", "venv", "proj", requirements=folder / "requirements.txt"
    )
    commands, hint, needs = create_commands(definition, tools, base)
    assert [c.command for c in commands] == [command] and hint == needs == ""
