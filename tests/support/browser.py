"""The browser tests' world and page helpers: a notebook in env alpha, the panel opened, an idle kernel."""

from __future__ import annotations

import time
from pathlib import Path

from support import RESULTS
from support.factory import CONDA_FORGE, PYKERNEL, World, write_kernel
from support.labserver import notebook

#: Where the browser tests leave screenshots (ignored; the README's come from scripts/screenshots.sh).
SHOTS = RESULTS
CODE = "import os\nprint('PREFIX=' + os.environ['CONDA_PREFIX'])"


def make_world(base: Path) -> World:
    """Return a world: envs alpha and beta (numpy 1 and 2), gamma with an R kernel, demo.ipynb in alpha."""
    world = World(base)
    world.home.mkdir(parents=True)
    world.root.mkdir()
    root = world.home / "miniconda3"
    world.conda_env(root, python="3.12.1")
    for name, numpy in (("alpha", "1.24.4"), ("beta", "2.1.0")):
        prefix = world.conda_env(
            root / "envs" / name,
            packages=[("numpy", numpy, "py311h0_0", CONDA_FORGE), "seaborn=0.13.2"],
            requested=["python=3.11", "numpy", "seaborn"],
            ipykernel=True,
            runnable=True,
            activate={"10-env.sh": f'export ENV_LABEL="{name}"\n'},
        )
        write_kernel(prefix, "python3", PYKERNEL)
    gamma = world.conda_env(root / "envs" / "gamma", ipykernel=True, runnable=True)
    write_kernel(gamma, "python3", PYKERNEL)
    write_kernel(
        gamma,
        "ir",
        {
            "argv": ["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"],
            "display_name": "R",
            "language": "R",
        },
    )
    (world.root / "environment.yml").write_text(
        "name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy>=2\n  - scipy\n"
    )
    notebook(world.root / "demo.ipynb", "conda-env-alpha-py", "Python [conda env:alpha]", CODE)
    return world


def show_panel(page) -> None:
    """Open the Environments panel unless the layout restorer already reopened it."""
    page.wait_for_selector('.jp-SideBar [data-id="jp-envpanel"]', timeout=60_000)
    page.wait_for_timeout(500)  # the restorer may reopen the panel from the last session
    if not page.locator("#jp-envpanel").is_visible():
        page.click('.jp-SideBar [data-id="jp-envpanel"]')


def open_notebook(chrome, lab):
    """Open demo.ipynb with the panel shown and its kernel idle; return the page."""
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    page.goto(lab.page_url("lab/tree/demo.ipynb"))
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
    page.wait_for_selector("#jp-envpanel-status", timeout=60_000)
    show_panel(page)
    page.wait_for_selector("#jp-envpanel [data-env-name]", timeout=30_000)
    wait_kernel_idle(lab, "demo.ipynb")
    return page


def wait_kernel_idle(lab, path: str, seconds: float = 60) -> None:
    """Wait until the notebook's kernel has started and is idle (a starting kernel takes focus)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = [
            s["kernel"]["execution_state"] for s in lab.api("GET", "/api/sessions") if s["path"] == path
        ]
        if states == ["idle"]:
            time.sleep(0.3)  # the page hears the status a moment later
            return
        time.sleep(0.2)
    raise AssertionError(f"the kernel of {path} did not become idle within {seconds} s")


def run_cell(page) -> str:
    """Run the notebook's first cell (it prints its environment's prefix); return its output."""
    page.click(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor")
    page.keyboard.press("Shift+Enter")
    output = page.wait_for_selector(
        ".jp-NotebookPanel .jp-OutputArea-output:has-text('PREFIX=')", timeout=60_000
    )
    return output.inner_text()
