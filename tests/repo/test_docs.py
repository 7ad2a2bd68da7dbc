"""Docs that cannot go stale, and a Binder folder that repo2docker accepts."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO

from jupyter_envpanel.cli import COMMANDS
from jupyter_envpanel.core.requirements.envfile import parse_envfile

spec = importlib.util.spec_from_file_location("gen_docs", REPO / "scripts" / "gen_docs.py")
gen_docs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_docs)


@pytest.mark.parametrize("rel", sorted(gen_docs.OUTPUTS))
def test_generated_docs_are_current(rel):
    assert (REPO / rel).read_text() == gen_docs.OUTPUTS[rel](), (
        f"run: python scripts/gen_docs.py ({rel} is stale)"
    )


def test_configuration_reference_lists_every_trait():
    from jupyter_envpanel.app import EnvPanelApp
    from jupyter_envpanel.settings import EnvPanelSettings

    text = (REPO / "docs" / "configuration.md").read_text()
    settings = EnvPanelSettings.class_traits(config=True)
    assert len(settings) > 10
    configurable = EnvPanelApp.class_traits(config=True)  # what Jupyter's config can set
    for name in settings:
        assert f"`EnvPanelApp.{name}`" in text
        assert configurable[name] is settings[name], name


def test_readme_documents_every_cli_command_and_both_quickstart_commands():
    readme = (REPO / "README.md").read_text()
    for command in COMMANDS:
        assert f"jupyter envpanel {command}" in readme or f"/  {command} ENV" in readme, command
    assert "bash scripts/start.sh" in readme and "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
    images = re.findall(r"\]\((docs/[^)]+\.png)\)", readme)
    assert "docs/panel-light.png" in images
    for image in images:  # every screenshot the README shows is a real PNG in the repository
        assert (REPO / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image


@pytest.mark.parametrize(
    "rel",
    [
        "binder/environment.yml",
        "binder/demo-envs/demo-drifted.yml",
        "demo/environment.yml",
        "environment.yml",
    ],
)
def test_demo_environment_files_parse_with_valid_specs(rel):
    env = parse_envfile(REPO / rel)  # raises EnvFileError, with line and column, on any invalid spec
    assert env.requirements and all(r.name or r.spec.skip for r in env.requirements)


def test_demo_notebook_is_valid_json_with_a_kernelspec():
    nb = json.loads((REPO / "demo" / "envpanel-demo.ipynb").read_text())
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"]


def test_postbuild_is_valid_bash():
    subprocess.run(["bash", "-n", str(REPO / "binder" / "postBuild")], check=True)
    assert (REPO / "binder" / "postBuild").stat().st_mode & 0o111


def test_repo2docker_detects_the_binder_environment_and_postbuild(tmp_path):
    exe = shutil.which("repo2docker") or shutil.which("repo2docker", path=str(Path(sys.executable).parent))
    assert exe, "jupyter-repo2docker is a test dependency: pip install -e '.[test]'"
    checkout = tmp_path / "repo"
    shutil.copytree(
        REPO,
        checkout,
        ignore=shutil.ignore_patterns(
            "node_modules", ".git", ".venv", ".venvs", "test-results", "lib", "*.png", "envs", "dist"
        ),
    )
    out = subprocess.run(
        [exe, "--no-build", "--debug", "--no-run", str(checkout)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in log
    assert "./binder/postBuild" in log
