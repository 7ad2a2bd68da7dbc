"""The demo is real: its environments are venvs whose packages import at the versions the panel
lists, their conda records agree with site-packages, and the notebook runs in every kernel it uses."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient
from support import REPO

from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager
from jupyter_envpanel.settings import service_from_config

SCRIPT = REPO / "scripts" / "demo_envs.py"
spec = importlib.util.spec_from_file_location("demo_envs", SCRIPT)
demo_envs = sys.modules["demo_envs"] = importlib.util.module_from_spec(spec)  # dataclasses look it up
spec.loader.exec_module(demo_envs)
WHEELS = demo_envs.default_wheels()  # the user's cache, read before a test moves HOME

# The first run downloads the wheels (about 60 MB) and installs two environments.
pytestmark = pytest.mark.timeout(900)


def make_demo_envs(dest: Path, drop_in: Path, **env: str) -> subprocess.CompletedProcess:
    """Run scripts/demo_envs.py as scripts/start.sh does; return what it printed."""
    args = [sys.executable, str(SCRIPT), str(dest), "--wheels", str(WHEELS), "--drop-in", str(drop_in)]
    out = subprocess.run(args, capture_output=True, text=True, env={**os.environ, **env}, timeout=840)
    assert out.returncode == 0, out.stdout + out.stderr
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Given the demo environments made by the script, and its config drop-in."""
    base = tmp_path_factory.mktemp("demo")
    config = base / "jupyter-config"
    drop_in = config / "jupyter_server_config.d" / "jupyter-envpanel-demo.json"
    make_demo_envs(base / "envs", drop_in)
    # Also as the user's main config file: it outranks a drop-in that start.sh left in this venv
    (config / "jupyter_server_config.json").write_text(drop_in.read_text())
    return base / "envs", config


@pytest.fixture
def demo(built, world, tmp_path, monkeypatch):
    """Given the demo folder, and the server's config pointing at the demo environments."""
    envs, config = built
    folder = tmp_path / "demo"
    shutil.copytree(REPO / "demo", folder, ignore=shutil.ignore_patterns("envs", ".ipynb_checkpoints"))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(config))
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    return folder, envs


def run_in(prefix: Path, code: str) -> str:
    """Run Python code with an environment's own interpreter; return what it printed."""
    python = prefix / "bin" / "python"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout


IMPORTED = """
import importlib.metadata as md, json, sys
import numpy
print(json.dumps({"prefix": sys.prefix, "numpy": numpy.__version__,
                  "dists": {d.metadata["Name"]: d.version for d in md.distributions()}}))
"""


@pytest.mark.parametrize("name", ["demo", "demo-drifted"])
def test_packages_the_panel_lists_are_the_ones_that_import(demo, name):
    folder, envs = demo
    service = service_from_config(root=folder)  # what the server and the CLI read: the drop-in
    env = service.find(name)

    # When the environment's own Python runs
    seen = json.loads(run_in(Path(env.prefix), IMPORTED))

    # Then it runs in the environment, and every package listed is installed at its listed version
    assert seen["prefix"] == str(envs / name) == env.prefix and env.kind == "conda" and env.named
    listed = {p["name"]: p["version"] for p in service.show(name)["packages"] if p["name"] != "python"}
    installed = {demo_envs.normalise(k): v for k, v in seen["dists"].items()}
    assert listed == installed
    assert seen["numpy"] == listed["numpy"] == {"demo": "2.2.6", "demo-drifted": "2.1.3"}[name]
    assert demo_envs.check(Path(env.prefix)) == []


def test_project_environment_is_demo_in_sync_and_demo_drifted_drifts_honestly(demo):
    folder, envs = demo
    service = service_from_config(root=folder)
    project = service.project(folder).to_json()
    assert project["exists"] and project["environment"]["prefix"] == str(envs / "demo")
    assert project["kernel"]["name"] == "conda-env-demo-py"
    assert project["drift"]["in_sync"] and project["drift"]["summary"]["unrequested"] == 0

    report = service.drift(service.find("demo-drifted"), folder / "environment.yml").to_json()
    statuses = {r["name"]: r["status"] for r in report["requirements"]}
    assert statuses == {
        "python": "ok",
        "numpy": "mismatch",
        "pandas": "missing",
        "ipykernel": "ok",
        "pip": "ok",
        "rich": "missing",
    }
    assert [u["name"] for u in report["unrequested"]] == ["tqdm"]


def test_second_run_reinstalls_nothing_and_a_rebuild_needs_no_network(built, tmp_path):
    envs, config = built
    drop_in = config / "jupyter_server_config.d" / "jupyter-envpanel-demo.json"
    history = {p: p.stat().st_mtime_ns for p in envs.glob("*/conda-meta/history")}

    # When the script runs again: nothing is printed, nothing rewritten
    again = make_demo_envs(envs, drop_in)
    assert again.stdout == "" and {p: p.stat().st_mtime_ns for p in history} == history
    assert json.loads(drop_in.read_text()) == {"EnvPanelApp": {"extra_env_dirs": [str(envs)]}}

    # When one environment is gone and no package index can be reached: it is rebuilt from the cache
    shutil.rmtree(envs / "demo-drifted")
    offline = {"PIP_INDEX_URL": "http://127.0.0.1:9/simple", "PIP_EXTRA_INDEX_URL": "", "PIP_FIND_LINKS": ""}
    out = make_demo_envs(envs, drop_in, **offline)
    assert "demo-drifted" in out.stdout and "downloading" not in out.stdout
    assert "demo environment demo:" not in out.stdout  # the other one is left alone
    assert demo_envs.check(envs / "demo-drifted") == []


def test_check_reports_records_that_disagree_with_site_packages(built, tmp_path):
    envs, _ = built
    copy = tmp_path / "env"
    shutil.copytree(envs / "demo-drifted", copy, symlinks=True)
    site = demo_envs.site_packages(copy)
    tqdm = next(site.glob("tqdm-*.dist-info"))
    assert demo_envs.check(copy) == []

    # When a conda-owned distribution is replaced behind conda's back
    tqdm.rename(site / "tqdm-9.9.9.dist-info")

    # Then the check names both sides of the disagreement
    problems = demo_envs.check(copy)
    assert any("tqdm-9.9.9.dist-info says INSTALLER conda but no record owns it" in p for p in problems)
    assert any(f"a record owns {tqdm.name}, which is not installed" in p for p in problems)


@pytest.mark.parametrize("env", ["demo", "demo-drifted"])
def test_demo_notebook_runs_in_its_own_kernel_and_after_the_switch_it_asks_for(demo, env):
    folder, envs = demo
    manager = EnvPanelKernelSpecManager(service=service_from_config(root=folder))
    with open(folder / "envpanel-demo.ipynb", encoding="utf-8") as fh:
        nb = nbformat.read(fh, as_version=4)
    assert nb.metadata.kernelspec.name == "conda-env-demo-py"  # it opens in the project's environment

    # When every cell runs in that environment's kernel
    km = KernelManager(kernel_name=f"conda-env-{env}-py", kernel_spec_manager=manager)
    km.start_kernel(cwd=str(folder))
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        client = NotebookClient(nb, km=km, timeout=120)
        client.kc = kc
        client.execute()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

    # Then no cell fails, the kernel runs in the env, activated, with its packages, and the CLI answers
    text = outputs(nb)
    assert f"sys.prefix        = {envs / env}" in text
    assert f"CONDA_PREFIX      = {envs / env}" in text and f"CONDA_DEFAULT_ENV = {env}" in text
    numpy, pandas = {"demo": ("2.2.6", "2.2.3"), "demo-drifted": ("2.1.3", "not installed here")}[env]
    assert f"numpy             = {numpy}" in text and f"pandas            = {pandas}" in text
    assert "demo-drifted" in text and "conda-env-demo-py" in text  # `jupyter envpanel list`
    assert f"exists: demo ({envs / 'demo'}), kernel: conda-env-demo-py" in text  # `... project`
    assert "2.1.3 does not satisfy >=2.2" in text and "pandas>=2" in text  # `... drift demo-drifted`


def outputs(nb) -> str:
    """Return the text of every output, failing on an error output."""
    texts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{out.get('ename')}: {out.get('evalue')}"
            texts.append(out.get("text", "") or str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)
