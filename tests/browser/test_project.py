"""What a user does with a project: its environment card, a switch that asks and can be undone,
drift that counts like the CLI, a panel that keeps its notebook, live updates, the palette picker."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from support import RESULTS
from support.factory import CONDA_FORGE, PYKERNEL, World, child_environ, write_kernel
from support.jupyterchild import command
from support.labserver import notebook, run_lab

pytestmark = pytest.mark.browser
SLEEP = "import time\ntime.sleep(120)"
SETTINGS = "/lab/api/settings/jupyter-envpanel:plugin"


def make_world(base: Path) -> World:
    """A conda installation (with a `conda` executable) and four project folders."""
    world = World(base)
    world.home.mkdir(parents=True)
    world.root.mkdir()
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    (root / "bin").mkdir(exist_ok=True)
    (root / "bin" / "conda").write_text("#!/bin/sh\necho 'not a real conda' >&2\nexit 1\n")
    (root / "bin" / "conda").chmod(0o755)
    for name in ("demo", "alpha", "beta"):
        prefix = world.conda_env(
            root / "envs" / name,
            packages=[("numpy", "1.24.4", "py311h0_0", CONDA_FORGE), "seaborn=0.13.2"],
            requested=["python=3.11", "numpy", "seaborn"],
            ipykernel=True,
            runnable=True,
        )
        write_kernel(prefix, "python3", PYKERNEL)
    demo = world.root / "demo"
    demo.mkdir()
    (demo / "environment.yml").write_text(
        "name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy>=2\n  - scipy\n"
    )
    for stem, env in (("in-demo", "demo"), ("in-alpha", "alpha"), ("busy", "alpha"), ("picker", "alpha")):
        code = SLEEP if stem == "busy" else "print('hello')"
        notebook(demo / f"{stem}.ipynb", f"conda-env-{env}-py", f"Python [conda env:{env}]", code)
    (world.root / "newproj").mkdir()
    (world.root / "newproj" / "environment.yml").write_text("name: newenv\ndependencies:\n  - python\n")
    notebook(world.root / "newproj" / "nb.ipynb", "conda-env-alpha-py", "alpha", "print(1)")
    (world.root / "loose").mkdir()
    notebook(world.root / "loose" / "nb.ipynb", "conda-env-alpha-py", "alpha", "print(1)")
    return world


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("project-lab")
    world = make_world(base)
    with run_lab(world.home, world.root, base / "jupyter") as server:
        server.world = world
        yield server


def open_page(chrome, lab, path: str):
    """Open a notebook in a fresh workspace with the Environments panel shown."""
    page = chrome.new_page(viewport={"width": 1400, "height": 1000})
    workspace = path.replace("/", "-").replace(".", "-")
    page.goto(lab.page_url(f"lab/workspaces/{workspace}/tree/{path}"))
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    page.wait_for_selector('.jp-SideBar [data-id="jp-envpanel"]', timeout=60_000)
    if not page.locator("#jp-envpanel").is_visible():
        page.click('.jp-SideBar [data-id="jp-envpanel"]')
    page.wait_for_selector("#jp-envpanel [data-env-name]", timeout=30_000)
    return page


def kernel_of(lab, path: str) -> str:
    """Return the kernel name of the notebook's session, as the server sees it."""
    names = [s["kernel"]["name"] for s in lab.api("GET", "/api/sessions") if s["path"] == path]
    return names[0] if names else ""


def wait_for_kernel(lab, path: str, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while kernel_of(lab, path) != name:
        assert time.monotonic() < deadline, f"{path} runs {kernel_of(lab, path)!r}, not {name!r}"
        time.sleep(0.3)


def card(page, state: str):
    return page.wait_for_selector(f'#jp-envpanel [data-project-state="{state}"]', timeout=60_000)


def test_project_card_in_each_state(lab, chrome):
    # active: the notebook runs in the project's environment; its drift is counted on the card
    page = open_page(chrome, lab, "demo/in-demo.ipynb")
    text = card(page, "active").inner_text()
    assert "This project's environment: demo (environment.yml)" in text and "Active" in text
    assert page.get_attribute("[data-project-drift]", "data-project-drift") == "2"
    first = page.locator("#jp-envpanel [data-env-name]").first
    assert first.get_attribute("data-env-name") == "demo" and first.get_attribute("data-project") == ""
    assert page.locator('[data-env-name="demo"] [data-action="switch"]').count() == 0  # active: no Switch
    RESULTS.mkdir(exist_ok=True)
    page.locator('#jp-envpanel [aria-label="Project"]').screenshot(path=str(RESULTS / "project-card.png"))
    page.close()

    # exists: the notebook runs elsewhere; the panel and the status bar say so; one click switches
    page = open_page(chrome, lab, "demo/in-alpha.ipynb")
    text = card(page, "exists").inner_text()
    assert "This notebook runs in alpha, not in demo." in text
    # the list starts with the project's environment, then the one the notebook runs in
    page.wait_for_selector('#jp-envpanel [data-env-name="alpha"].jp-mod-active')
    order = page.locator("#jp-envpanel [data-env-name]").evaluate_all(
        "els => els.map(e => e.dataset.envName)"
    )
    assert order[:2] == ["demo", "alpha"] and order.index("base") > 1
    page.wait_for_function("document.querySelector('#jp-envpanel-status').dataset.projectMismatch === 'demo'")
    assert "project: demo" in page.inner_text("#jp-envpanel-status")
    page.click('[data-action="switch-project"]')
    card(page, "active")
    wait_for_kernel(lab, "demo/in-alpha.ipynb", "conda-env-demo-py")
    page.close()

    # missing: the command that creates it, for the conda found in the installation
    page = open_page(chrome, lab, "newproj/nb.ipynb")
    command = card(page, "missing").inner_text()
    conda = lab.world.home / "miniconda3" / "bin" / "conda"
    assert f"{conda} env create -f newproj/environment.yml" in command
    page.close()

    # none: no definition up to the root is a neutral note, not an error
    page = open_page(chrome, lab, "loose/nb.ipynb")
    assert "No project environment file here" in card(page, "none").inner_text()
    assert page.locator('#jp-envpanel [aria-label="Project"] .jp-EnvPanel-error').count() == 0
    page.close()


def test_busy_kernel_asks_before_switch_and_undo_restores_the_previous_kernel(lab, chrome):
    path = "demo/busy.ipynb"
    page = open_page(chrome, lab, path)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    wait_for_kernel(lab, path, "conda-env-alpha-py")
    run_busy(page, lab, path)  # time.sleep(120): the kernel is busy

    # Switch asks first, and Cancel keeps the running kernel
    page.click('[data-env-name="beta"] [data-action="switch"]')
    dialog = page.wait_for_selector(".jp-Dialog", timeout=10_000)
    assert "Switch from alpha to beta?" in dialog.inner_text()
    assert "The kernel is busy: the running cell will be interrupted." in dialog.inner_text()
    page.click(".jp-Dialog .jp-mod-reject")
    page.wait_for_selector(".jp-Dialog", state="detached")
    assert kernel_of(lab, path) == "conda-env-alpha-py"

    # Switch, confirmed: the kernel is beta's and a notification offers Undo
    page.click('[data-env-name="beta"] [data-action="switch"]')
    page.click(".jp-Dialog .jp-mod-accept")
    wait_for_kernel(lab, path, "conda-env-beta-py")
    toast = page.wait_for_selector(".Toastify__toast:has-text('from alpha to beta')", timeout=15_000)
    assert page.locator(".jp-EnvPanel-notice").count() == 0  # no custom banner any more
    toast.query_selector("button:has-text('Undo')").click()
    wait_for_kernel(lab, path, "conda-env-alpha-py")
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)

    # "Don't ask again" turns the setting off: the next switch of a busy kernel does not ask
    try:
        run_busy(page, lab, path)
        page.click('[data-env-name="beta"] [data-action="switch"]')
        page.click(".jp-Dialog .jp-Dialog-checkbox input")
        page.click(".jp-Dialog .jp-mod-accept")
        wait_for_kernel(lab, path, "conda-env-beta-py")
        settings = lab.api("GET", SETTINGS)["settings"]
        assert settings["confirmSwitch"] is False
        page.wait_for_selector('[data-active-env="beta"]', timeout=60_000)
        run_busy(page, lab, path)
        page.click('[data-env-name="alpha"] [data-action="switch"]')
        wait_for_kernel(lab, path, "conda-env-alpha-py")
        assert page.locator(".jp-Dialog").count() == 0
    finally:
        lab.api("PUT", SETTINGS, {"raw": "{}"})
    page.close()


def run_busy(page, lab, path: str) -> None:
    """Run the notebook's `time.sleep` cell and wait until the server says its kernel is busy."""
    page.click(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor")
    page.keyboard.press("Control+Enter")
    deadline = time.monotonic() + 60
    while True:
        states = [
            s["kernel"]["execution_state"] for s in lab.api("GET", "/api/sessions") if s["path"] == path
        ]
        if states == ["busy"]:
            return
        assert time.monotonic() < deadline, states
        time.sleep(0.3)


def cli(lab, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in child_environ().items() if not k.startswith(("CONDA", "MAMBA", "JUPYTER"))}
    env["HOME"] = str(lab.world.home)
    return subprocess.run(
        command("jupyter_envpanel", *args, config=lab.world.base / "jupyter-env-config"),
        cwd=lab.world.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_drift_count_in_the_panel_equals_the_cli(lab, chrome):
    page = open_page(chrome, lab, "newproj/nb.ipynb")  # runs in alpha; drift vs newproj/environment.yml
    page.wait_for_selector('[data-active-env="alpha"] [data-drift-count]', timeout=60_000)
    out = cli(lab, "drift", "alpha", "--file", "newproj/environment.yml", "--json")
    report = json.loads(out.stdout)
    cli_count = report["summary"]["missing"] + report["summary"]["mismatch"]
    assert out.returncode == (1 if cli_count else 0) and report["drift_count"] == cli_count
    assert page.get_attribute("[data-active-env] [data-drift-count]", "data-drift-count") == str(cli_count)
    page.wait_for_function(
        f"document.querySelector('#jp-envpanel-status').dataset.driftCount === '{cli_count}'"
    )
    page.close()

    page = open_page(chrome, lab, "demo/in-demo.ipynb")
    card(page, "active")
    out = cli(lab, "project", "demo", "--json")
    project = json.loads(out.stdout)
    assert out.returncode == 1 and project["drift"]["drift_count"] == 2  # numpy>=2 mismatch, scipy missing
    shown = page.get_attribute("[data-project-drift]", "data-project-drift")
    badge = page.get_attribute("[data-active-env] [data-drift-count]", "data-drift-count")
    assert shown == badge == str(project["drift"]["drift_count"])
    assert page.get_attribute(".jp-EnvPanel-unrequested", "data-unrequested-count") == str(
        project["drift"]["summary"]["unrequested"]
    )
    assert "installed by hand, not in the file" in page.inner_text(".jp-EnvPanel-unrequested summary")
    page.close()


def test_a_drift_entry_opens_the_file_and_the_panel_keeps_its_drift(lab, chrome):
    page = open_page(chrome, lab, "demo/picker.ipynb")
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    page.wait_for_selector('[data-drift-status="missing"]', timeout=60_000)
    page.click('[data-drift-status="missing"]')
    page.wait_for_function(
        "(document.querySelector('.jp-FileEditor .cm-content') || {innerText: ''})"
        ".innerText.includes('scipy')",
        timeout=30_000,
    )
    page.wait_for_timeout(1000)
    assert page.locator(".jp-FileEditor").is_visible()
    assert page.locator('[data-active-env="alpha"]').is_visible()
    assert page.locator('[data-drift-status="missing"]').is_visible()
    assert "Open a notebook or console" not in page.inner_text("#jp-envpanel")
    page.close()


def test_a_new_environment_on_disk_appears_without_a_click(lab, chrome):
    page = open_page(chrome, lab, "demo/in-demo.ipynb")
    envs = lab.world.home / "miniconda3" / "envs"
    lab.world.conda_env(envs / "delta", ipykernel=True)
    page.wait_for_selector('#jp-envpanel [data-env-name="delta"]', timeout=30_000)
    shutil.rmtree(envs / "delta")
    page.wait_for_selector('#jp-envpanel [data-env-name="delta"]', state="detached", timeout=30_000)
    page.close()


def test_palette_picker_is_searchable_with_the_current_env_preselected_and_the_project_first(lab, chrome):
    path = "demo/picker.ipynb"
    page = open_page(chrome, lab, path)
    page.wait_for_selector('[data-active-env="alpha"]', timeout=60_000)
    card(page, "exists")
    page.click(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Shift+C")
    page.keyboard.type("Switch Kernel to Environment")
    page.wait_for_selector(".lm-CommandPalette-item.lm-mod-active:has-text('Switch Kernel to Environment')")
    page.keyboard.press("Enter")
    picker = page.wait_for_selector(".jp-EnvPanel-picker", timeout=10_000)
    items = picker.query_selector_all("[data-kernel]")
    assert items[0].get_attribute("data-env-name") == "demo" and "project" in items[0].inner_text()
    selected = picker.query_selector('[aria-selected="true"]')
    assert (
        selected.get_attribute("data-kernel") == "conda-env-alpha-py" and "current" in selected.inner_text()
    )
    assert "Python 3.11.7" in selected.inner_text() and "/envs/alpha" in selected.inner_text()
    page.keyboard.type("bet")
    page.wait_for_function("document.querySelectorAll('.jp-EnvPanel-picker [data-kernel]').length === 1")
    page.keyboard.press("Enter")
    wait_for_kernel(lab, path, "conda-env-beta-py")
    page.wait_for_selector('[data-active-env="beta"]', timeout=60_000)
    page.close()
