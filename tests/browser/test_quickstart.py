"""The Quickstart's first ten minutes, as scripts/start.sh lays them out: the URL it prints opens the
demo notebook in its project's environment with the Environments panel showing a green Project
card, and a Switch really moves the kernel: `import numpy` then prints the other environment's."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse

import pytest
from support import REPO, RESULTS
from support.labserver import run_lab

# The first run downloads the demo's wheels (about 60 MB) and installs two environments.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
SHOTS = RESULTS  # the README's screenshots come from scripts/screenshots.sh
NOTEBOOK = "demo/envpanel-demo.ipynb"


def start_sh_arguments() -> list:
    """Return the JupyterLab arguments of scripts/start.sh that decide what the browser opens."""
    text = (REPO / "scripts" / "start.sh").read_text()
    found = re.findall(r"--LabApp\.default_url=[^\s)\"]+", text)
    assert found == ["--LabApp.default_url=/lab/tree/demo/envpanel-demo.ipynb"], found
    return found


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """Given a checkout's demo folder, its environments and JupyterLab started as start.sh starts it."""
    base = tmp_path_factory.mktemp("quickstart")
    home, root, jupyter = base / "home", base / "jupyter-envpanel", base / "jupyter"
    home.mkdir()
    shutil.copytree(REPO / "demo", root / "demo", ignore=shutil.ignore_patterns("envs", ".ipynb_checkpoints"))
    drop_in = jupyter / "config" / "jupyter_server_config.d" / "jupyter-envpanel-demo.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "demo_envs.py"),
            str(root / "demo" / "envs"),
            "--drop-in",
            str(drop_in),
            "--workspaces",
            str(jupyter / "lab-workspaces"),  # run_lab's JUPYTERLAB_WORKSPACES_DIR
        ],
        check=True,
        timeout=840,
    )
    # Also as the user's main config file: it outranks a drop-in that start.sh left in this venv
    (jupyter / "config" / "jupyter_server_config.json").write_text(drop_in.read_text())
    with run_lab(home, root, jupyter, args=start_sh_arguments()) as server:
        server.envs = root / "demo" / "envs"
        server.runtime = jupyter / "runtime"
        yield server


def kernel_of(lab, path: str) -> str:
    """Return the kernel name of the notebook's session, as the server sees it."""
    names = [s["kernel"]["name"] for s in lab.api("GET", "/api/sessions") if s["path"] == path]
    return names[0] if names else ""


def wait_for_idle_kernel(lab, name: str, timeout: float = 90) -> None:
    """Wait until the demo notebook runs kernel `name` and it is idle."""
    deadline = time.monotonic() + timeout
    while True:
        sessions = [s["kernel"] for s in lab.api("GET", "/api/sessions") if s["path"] == NOTEBOOK]
        if [(k["name"], k["execution_state"]) for k in sessions] == [(name, "idle")]:
            time.sleep(0.5)  # the page hears the status a moment later
            return
        assert time.monotonic() < deadline, f"{NOTEBOOK} runs {sessions}, not an idle {name}"
        time.sleep(0.3)


def run_first_code_cell(page, line: str) -> str:
    """Run the notebook's first code cell; return its output once it has `line` and its last line."""
    page.click(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-editor >> nth=0")
    page.keyboard.press("Control+Enter")
    output = page.locator(".jp-NotebookPanel .jp-CodeCell >> nth=0 >> .jp-OutputArea-output").first
    deadline = time.monotonic() + 90
    while True:
        text = output.inner_text() if output.count() else ""
        lines = text.splitlines()
        if line in lines and any(printed.startswith("pandas ") for printed in lines):
            return text
        assert time.monotonic() < deadline, f"no line {line!r} in the cell's output: {text!r}"
        time.sleep(0.3)


def test_first_screen_is_the_demo_notebook_in_its_green_project_environment(lab, chrome):
    # Given the server start.sh starts: what it prints and its browser-open file lead to the demo
    printed = f"/lab/tree/{NOTEBOOK}?token="
    assert printed in lab.log.read_text()
    open_files = list(lab.runtime.glob("jpserver-*-open.html"))
    assert open_files and printed in open_files[0].read_text()

    # When the user opens the server's address
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    response = page.goto(f"{lab.url}/?token={lab.token}")

    # Then the demo notebook opens, in its project's environment, with the Environments panel shown
    assert urlparse(response.url).path == f"/lab/tree/{NOTEBOOK}"
    page.wait_for_selector(".jp-NotebookPanel", timeout=90_000)
    assert page.inner_text("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current") == "envpanel-demo.ipynb"
    card = page.wait_for_selector('#jp-envpanel [data-project-state="active"]', timeout=90_000)
    assert "This project's environment: demo (environment.yml)" in card.inner_text()
    assert page.get_attribute("[data-project-drift]", "data-project-drift") == "0"
    assert page.locator("#jp-envpanel").is_visible()  # no click needed
    wait_for_idle_kernel(lab, "conda-env-demo-py")
    page.wait_for_selector('[data-active-env="demo"]', timeout=60_000)

    # and the status bar is not in warning colours: the notebook runs in the project's environment
    page.wait_for_function(
        "document.querySelector('#jp-envpanel-status').textContent.includes('demo · in sync')"
    )
    assert not page.evaluate("document.querySelector('#jp-envpanel-status').dataset.projectMismatch")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "panel-light.png"))
    page.close()


def test_switch_moves_the_kernel_and_import_numpy_prints_the_other_environments(lab, chrome):
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    page.goto(lab.page_url(f"lab/tree/{NOTEBOOK}"))
    page.wait_for_selector('#jp-envpanel [data-env-name="demo-drifted"]', timeout=90_000)
    wait_for_idle_kernel(lab, "conda-env-demo-py")

    # Given the notebook runs in demo: the cell prints demo's prefix and numpy
    demo = run_first_code_cell(page, f"sys.prefix        = {lab.envs / 'demo'}")
    assert "numpy             = 2.2.6" in demo and "pandas            = 2.2.3" in demo

    # When the user switches to demo-drifted (confirming: a cell ran) and runs the cell again
    page.click('[data-env-name="demo-drifted"] [data-action="switch"]')
    page.click(".jp-Dialog .jp-mod-accept")
    wait_for_idle_kernel(lab, "conda-env-demo-drifted-py")
    page.wait_for_selector('[data-active-env="demo-drifted"]', timeout=60_000)
    drifted = run_first_code_cell(page, f"sys.prefix        = {lab.envs / 'demo-drifted'}")

    # Then the kernel runs in demo-drifted: its numpy imports, at the version the panel lists
    listed = {
        p["name"]: p["version"] for p in lab.api("GET", "/envpanel/api/environments/demo-drifted")["packages"]
    }
    assert f"numpy             = {listed['numpy']}" in drifted and listed["numpy"] == "2.1.3"
    assert "pandas            = not installed here" in drifted and "pandas" not in listed
    page.fill("#jp-envpanel .jp-EnvPanel-filter", "numpy")
    page.wait_for_selector('[data-env-name="demo-drifted"] [data-package-hits]', timeout=30_000)
    hits = page.get_attribute('[data-env-name="demo-drifted"] [data-package-hits]', "data-package-hits")
    assert hits == "numpy 2.1.3"
    page.locator("#jp-envpanel").screenshot(path=str(SHOTS / "package-filter.png"))
    page.fill("#jp-envpanel .jp-EnvPanel-filter", "")

    # and the panel says honestly how demo-drifted differs from the project's environment.yml
    page.wait_for_selector('#jp-envpanel [data-project-state="exists"]', timeout=60_000)
    assert "numpy>=2.2" in page.inner_text('[data-drift-status="mismatch"]')
    assert page.locator('[data-drift-status="missing"]').count() == 2  # pandas, rich
    page.close()
