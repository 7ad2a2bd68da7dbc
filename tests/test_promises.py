"""One test per promise of the README: sources, settings, the Python API, kernel spec managers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support.factory import CONDA_FORGE, PYKERNEL, UNDER_TEST, envs_of, write_kernel
from support.hostile import healthy

from jupyter_envpanel.core.service import EnvService
from jupyter_envpanel.settings import service_from_config

# --- discovery: the conda rows of README's table (the other tools: tests/test_tools.py) ------------


@pytest.mark.parametrize(
    "where, environ",
    [
        ("miniconda3", {}),
        ("miniforge3", {}),
        ("mambaforge", {}),
        ("anaconda3", {}),
        ("micromamba", {}),
        (".local/share/mamba", {}),
        ("elsewhere/conda", {"CONDA_EXE": "{root}/bin/conda"}),
        ("elsewhere/root", {"CONDA_ROOT": "{root}"}),
        ("elsewhere/mamba", {"MAMBA_ROOT_PREFIX": "{root}"}),
        ("elsewhere/active", {"CONDA_PREFIX": "{root}/envs/ml"}),
        ("elsewhere/stacked", {"CONDA_PREFIX_1": "{root}"}),
    ],
)
def test_each_installation_root_readme_names_is_searched(world, where, environ):
    root = world.home / where
    world.conda_env(root)
    world.conda_env(root / "envs" / "ml")
    env = {k: v.format(root=root) for k, v in environ.items()}
    envs = envs_of(EnvService(world.host(**env)).listing())
    assert envs["base"].prefix == str(root) and envs["ml"].named


@pytest.mark.parametrize("variable", ["CONDA_ENVS_PATH", "CONDA_ENVS_DIRS"])
def test_envs_dirs_variables(world, variable):
    world.conda_env(world.base / "team" / "shared")
    envs = envs_of(EnvService(world.host(**{variable: str(world.base / "team")})).listing())
    assert envs["shared"].named


@pytest.mark.parametrize(
    "rc", [".condarc", ".config/conda/.condarc", ".config/conda/condarc", ".conda/condarc", "ROOT/.condarc"]
)
def test_every_condarc_file_readme_names_is_read(world, rc):
    root = world.home / "miniconda3"
    world.conda_env(root)
    path = root / ".condarc" if rc.startswith("ROOT") else world.home / rc
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"envs_dirs:\n  - {world.base / 'rc-envs'}\n")
    world.conda_env(world.base / "rc-envs" / "from-rc")
    assert "from-rc" in envs_of(EnvService(world.host()).listing())


def test_home_conda_envs_and_environments_txt(world):
    world.conda_env(world.home / ".conda" / "envs" / "mine")
    elsewhere = world.conda_env(world.base / "projects" / "p1")
    world.environments_txt(elsewhere)
    envs = envs_of(EnvService(world.host()).listing())
    assert envs["mine"].named and not envs["p1"].named


# --- every EnvPanelApp setting, as the CLI and the Python API read it ------------------------------


def _config(world, section: dict) -> None:
    """Write the server's config file in the user's Jupyter config dir."""
    folder = world.base / "jupyter-config"
    folder.mkdir(exist_ok=True)
    (folder / "jupyter_server_config.json").write_text(json.dumps({"EnvPanelApp": section}))


def _cli(world, *args):
    """Run the CLI with the world's HOME and config dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDA", "JUPYTER"))}
    env.update(HOME=str(world.home), JUPYTER_CONFIG_DIR=str(world.base / "jupyter-config"))
    return subprocess.run(
        [sys.executable, "-m", "jupyter_envpanel", *args],
        cwd=world.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _envs(world, section):
    """Return the listing the CLI prints with these settings, by name."""
    _config(world, section)
    out = _cli(world, "list", "--json")
    assert out.returncode == 0, out.stderr
    return {e["name"]: e for e in json.loads(out.stdout)["environments"]}


def test_every_setting_changes_what_the_cli_lists(world):
    healthy(world)
    extra = world.conda_env(world.base / "team" / "extra", ipykernel=True)
    assert "extra" not in _envs(world, {})
    assert "extra" in _envs(world, {"extra_env_dirs": [str(extra.parent)]})
    assert _envs(world, {"exclude": "good"})["good"]["kernels"] == []  # listed, no kernel
    assert _envs(world, {"kinds": ["venv"]})["good"]["kernels"] == []
    named = _envs(world, {"name_format": "{environment} ({kind})"})["good"]["kernels"][0]["display_name"]
    assert named == "good (conda)"
    server = [e for e in _envs(world, {"offer_server_env": True}).values() if e["is_server"]][0]
    assert server["kernels"][0]["name"] != "python3"  # offered as an environment kernel too
    assert "good" not in _envs(world, {"sources": ["pyenv"]})
    assert "good" not in _envs(world, {"hide": "/envs/go+d$"})  # not listed at all
    shared = _envs(world, {"shared_env_dirs": [str(extra.parent)]})
    assert shared["extra"]["shared"] is True and shared["good"]["shared"] is False


def test_env_file_names_setting_is_used_to_find_the_file(world):
    healthy(world)
    (world.root / "conda.yml").write_text("dependencies:\n  - python\n")
    _config(world, {"env_file_names": ["conda.yml"]})
    out = _cli(world, "drift", "good", "--json")
    assert out.returncode in (0, 1), out.stderr
    assert json.loads(out.stdout)["file"].endswith("conda.yml")


# --- the Python API, pinned on a fixture world ------------------------------------------------------


def test_python_api_pinned_results(world):
    import jupyter_envpanel as ep

    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    world.conda_env(
        root / "envs" / "ml",
        packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE)],
        requested=["numpy", "scipy"],
    )
    (world.root / "environment.yml").write_text(
        "dependencies:\n  - python=3.11\n  - numpy>=1.26\n  - pandas\n"
    )
    ep.refresh()
    found = {e.name: (e.kind, e.python_version, e.package_count) for e in ep.find_environments()}
    assert found["base"] == ("conda", "3.12.1", 1) and found["ml"] == ("conda", "3.11.7", 2)
    report = ep.check_drift("ml")
    assert report.summary == {"ok": 1, "missing": 1, "mismatch": 1, "skipped": 0, "unrequested": 0}
    assert [(r.name, r.status) for r in report.requirements] == [
        ("python", "ok"),
        ("numpy", "mismatch"),
        ("pandas", "missing"),
    ]
    assert report.to_json()["environment"]["name"] == "ml"
    assert ep.project_environment(world.root).file == "environment.yml"


# --- the kernel spec manager composition rules (README "How this composes ...") ------------------------


def _serve(world, config: dict) -> dict:
    """Start a real server with this config; return {kernelspecs, manager class, log}."""
    base = Path(tempfile.mkdtemp(prefix="envpanel-ksm-"))
    (base / "config").mkdir()
    (base / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
    code = (
        "import json, sys\n"
        "from jupyter_server.serverapp import ServerApp\n"
        "app = ServerApp()\n"
        "app.initialize(argv=['--allow-root', '--port=0', '--ServerApp.open_browser=False'])\n"
        "print(json.dumps({'class': type(app.kernel_spec_manager).__name__,"
        " 'specs': sorted(app.kernel_spec_manager.find_kernel_specs())}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDA", "JUPYTER"))}
    env.update(
        HOME=str(world.home),
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_DATA_DIR=str(base / "data"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=world.root, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    data = json.loads(out.stdout.strip().splitlines()[-1])
    data["log"] = out.stderr
    return data


@pytest.mark.parametrize(
    "configured, ours",
    [
        (None, True),
        ("jupyter_client.kernelspec.KernelSpecManager", True),
        ("jupyter_client.kernelspec.KernelSpecManager:manage_kernelspecs=False", False),
    ],
)
def test_kernel_spec_manager_composition(world, configured, ours):
    healthy(world)
    server: dict = {"jpserver_extensions": {"jupyter_envpanel": True}}
    config: dict = {"ServerApp": server}
    if configured:
        dotted, _, option = configured.partition(":")
        server["kernel_spec_manager_class"] = dotted
        if option:
            config["EnvPanelApp"] = {"manage_kernelspecs": False}
    data = _serve(world, config)
    assert (data["class"] == "EnvPanelKernelSpecManager") == ours
    assert ("conda-env-good-py" in data["specs"]) == ours


def test_a_foreign_kernel_spec_manager_is_left_alone_with_a_warning(world, tmp_path, monkeypatch):
    healthy(world)
    package = tmp_path / "site" / "teamksm"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from jupyter_client.kernelspec import KernelSpecManager\n\n"
        "class TeamKSM(KernelSpecManager):\n    pass\n"
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path / "site"), UNDER_TEST]))
    if os.environ.get("MUTANT_UNDER_TEST") == "stats":  # mutmut's tracing run: a child cannot report to it
        monkeypatch.delenv("MUTANT_UNDER_TEST")
    data = _serve(
        world,
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyter_envpanel": True},
                "kernel_spec_manager_class": "teamksm.TeamKSM",
            }
        },
    )
    assert data["class"] == "TeamKSM" and "conda-env-good-py" not in data["specs"]
    assert "kernel_spec_manager_class is teamksm.TeamKSM; env kernels not added" in data["log"]


def test_a_gateway_keeps_its_own_kernel_spec_manager(world):
    healthy(world)
    data = _serve(
        world,
        {
            "ServerApp": {"jpserver_extensions": {"jupyter_envpanel": True}},
            "GatewayClient": {"url": "http://127.0.0.1:9"},
        },
    )
    assert data["class"] != "EnvPanelKernelSpecManager"


def test_service_from_config_reads_the_same_settings(world):
    healthy(world)
    service = service_from_config(section={"exclude": "good", "sources": ["conda"]})
    assert service.options.exclude == "good" and service.listings.discovery.sources == ("conda",)
    write_kernel(world.home / "miniconda3" / "envs" / "good", "extra", PYKERNEL)
