"""Write the README's screenshots (docs/*.png) from the demo, as a new user sees it after start.sh.

An explicit step, never a test run (tests write only to the ignored test-results/). It lays out the
Quickstart's world: a copy of demo/ in WORLD (default /tmp/jupyter-envpanel, a path that reads like
a checkout), its real environments made by scripts/demo_envs.py (the wheel cache start.sh fills),
and JupyterLab started with start.sh's arguments. Then it takes the tour in Debian's headless
Chromium: the first screen, Notebook 7, a run in `demo`, Switch to `demo-drifted`, the drift, the
package filter, what the notebook ran with, the dark theme. Every picture waits for the state it
shows and fails loudly when that state does not come.

Usage: python scripts/screenshots.py [--out docs] [--world /tmp/jupyter-envpanel]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from labserver import browser, run_lab  # noqa: E402

NOTEBOOK = "demo/envpanel-demo.ipynb"
MARK = ".envpanel-screenshots"  # in WORLD: this script made it, so it may replace its demo/ files
# Sizes for GitHub, which shows a picture at its own width up to the README's (about 830 px).
# A whole window is 1024 CSS px at 2 device px each: sharp, shown at about 0.8 of its size.
WINDOW = {"width": 1024, "height": 680}
# Notebook 7's toolbar needs 1200 px beside the panel, or the indicator goes into its "..." menu.
NOTEBOOK7 = {"width": 1200, "height": 720}
# A part of the panel is shown at its own size: at 1.5 device px per CSS px its text is a little
# larger than the README's, and it stays sharp on a high-density screen.
PART_SCALE = 1.5
SIDEBAR = 340  # the left sidebar's width in CSS px, dragged to it as a user would
THEMES = "/lab/api/settings/@jupyterlab/apputils-extension:themes"


def ours(world: Path) -> bool:
    """Whether WORLD is a demo world this script (or the Quickstart test before it) laid out."""
    if (world / MARK).is_file():
        return True
    envs = world / "demo" / "envs"
    return [p.name for p in world.iterdir()] == ["demo"] and any(envs.glob("*/conda-meta/.demo-env"))


def make_world(world: Path, jupyter: Path) -> None:
    """Copy demo/ into WORLD and make its environments, as start.sh does in a checkout."""
    if world.exists() and not ours(world):
        sys.exit(f"scripts/screenshots.py: {world} exists and was not made by this script; pass --world")
    world.mkdir(parents=True, exist_ok=True)
    (world / MARK).write_text("made by scripts/screenshots.py; safe to delete\n")
    demo = world / "demo"
    demo.mkdir(exist_ok=True)
    shutil.rmtree(demo / ".ipynb_checkpoints", ignore_errors=True)
    for name in ("environment.yml", "envpanel-demo.ipynb", ".jupyterlab-workspace.json"):
        shutil.copyfile(REPO / "demo" / name, demo / name)
    drop_in = jupyter / "config" / "jupyter_server_config.d" / "jupyter-envpanel-demo.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "demo_envs.py"),
            str(demo / "envs"),
            "--drop-in",
            str(drop_in),
            "--workspaces",
            str(jupyter / "lab-workspaces"),  # run_lab's JUPYTERLAB_WORKSPACES_DIR
        ],
        check=True,
    )
    # also the main config file: it outranks a drop-in that start.sh left in this checkout's .venv
    (jupyter / "config" / "jupyter_server_config.json").write_text(drop_in.read_text())


class Tour:
    """The running lab, the browser and where the pictures go."""

    def __init__(self, lab, chrome, world: Path, out: Path) -> None:
        self.lab, self.chrome, self.world, self.out = lab, chrome, world, out

    def page(self, path: str, viewport: dict = WINDOW, scale: float = 2):
        """Open a page of the server at `path`, logged in with the token."""
        page = self.chrome.new_page(viewport=viewport, device_scale_factor=scale)
        page.goto(self.lab.page_url(path))
        return page

    def kernel_idle(self, name: str, timeout: float = 120) -> None:
        """Wait until the demo notebook's one session runs kernel `name` and it is idle."""
        deadline = time.monotonic() + timeout
        while True:
            kernels = [s["kernel"] for s in self.lab.api("GET", "/api/sessions") if s["path"] == NOTEBOOK]
            if [(k["name"], k["execution_state"]) for k in kernels] == [(name, "idle")]:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{NOTEBOOK} runs {kernels}, not an idle {name}")
            time.sleep(0.3)

    def prefix(self, env: str) -> str:
        """Return a demo environment's prefix."""
        return str(self.world / "demo" / "envs" / env)

    def shoot(self, page, name: str, part: str = "") -> None:
        """Write OUT/NAME.png: the whole window, or the panel's section titled `part`."""
        page.mouse.move(1, page.viewport_size["height"] - 1)  # no hover highlight in the picture
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(800)  # the last re-render and the scrollbars fading
        path = self.out / f"{name}.png"
        where = page.locator(f'#jp-envpanel .jp-EnvPanel-section[aria-label="{part}"]') if part else page
        where.screenshot(path=str(path), animations="disabled", caret="hide")
        print(f"wrote {path}", flush=True)


def sidebar_width(page, width: int) -> None:
    """Give JupyterLab's left sidebar `width` CSS px by dragging its handle, as a user would."""
    handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first.bounding_box()
    now = page.locator("#jp-left-stack").bounding_box()["width"]
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + width - now, y, steps=5)
    page.mouse.up()
    page.wait_for_timeout(500)


def wait_text(page, selector: str, text: str, timeout: float = 90_000) -> None:
    """Wait until the element `selector` shows `text`."""
    page.wait_for_function(
        "([s, t]) => (document.querySelector(s)?.textContent || '').includes(t)",
        arg=[selector, text],
        timeout=timeout,
    )


def run_first_cell(page, prefix: str) -> None:
    """Run the demo's first code cell and wait for its output to print `sys.prefix` = `prefix`."""
    page.click(".jp-NotebookPanel .jp-CodeCell .jp-InputArea-editor >> nth=0")
    page.keyboard.press("Control+Enter")
    wait_text(page, ".jp-NotebookPanel .jp-CodeCell .jp-OutputArea-output", f"sys.prefix        = {prefix}")


def first_screen(tour: Tour) -> None:
    """panel-light.png: what start.sh opens, the demo notebook in its green project environment."""
    page = tour.page("lab")  # start.sh's default_url leads to the demo notebook
    page.wait_for_selector(".jp-NotebookPanel", timeout=90_000)
    page.wait_for_selector('#jp-envpanel [data-project-state="active"]', timeout=90_000)
    page.wait_for_selector('[data-active-env="demo"] [data-drift-count="0"]', timeout=90_000)
    wait_text(page, "#jp-envpanel-status", "env: demo · in sync")
    tour.kernel_idle("conda-env-demo-py")
    sidebar_width(page, SIDEBAR)
    tour.shoot(page, "panel-light")
    page.close()


def notebook7(tour: Tour) -> None:
    """notebook7.png: the same notebook in Notebook 7: the toolbar's indicator, the panel it opens."""
    page = tour.page(f"notebooks/{NOTEBOOK}", NOTEBOOK7)
    item = ".jp-NotebookPanel [data-envpanel-toolbar]"
    wait_text(page, item, "env: demo · in sync")
    page.click(item)
    page.wait_for_selector('#jp-envpanel [data-active-env="demo"] [data-drift-count="0"]', timeout=60_000)
    page.wait_for_selector('#jp-envpanel [data-project-state="active"]', timeout=60_000)
    wait_text(page, item, "env: demo · in sync")  # still in the toolbar, not in its "..." menu
    tour.kernel_idle("conda-env-demo-py")
    tour.shoot(page, "notebook7")
    page.close()


def switched(tour: Tour) -> None:
    """Run in demo, save, Switch to demo-drifted: the Project card, drift, ran-with, the filter."""
    page = tour.page(f"lab/tree/{NOTEBOOK}", {"width": 1024, "height": 1600}, PART_SCALE)
    page.wait_for_selector('[data-active-env="demo"] [data-drift-count="0"]', timeout=90_000)
    tour.kernel_idle("conda-env-demo-py")
    sidebar_width(page, SIDEBAR)
    run_first_cell(page, tour.prefix("demo"))
    tour.kernel_idle("conda-env-demo-py")
    page.keyboard.press("Control+s")  # the notebook records what it ran with: demo
    deadline = time.monotonic() + 30
    while '"environment": "demo"' not in (tour.world / NOTEBOOK).read_text():
        if time.monotonic() > deadline:
            raise RuntimeError(f"saving {NOTEBOOK} recorded no ran_with for demo")
        time.sleep(0.3)
    page.click('[data-env-name="demo-drifted"] [data-action="switch"]')
    page.click(".jp-Dialog .jp-mod-accept")  # a cell ran: Switch asks first
    tour.kernel_idle("conda-env-demo-drifted-py")
    page.wait_for_selector('[data-active-env="demo-drifted"] [data-drift-count="3"]', timeout=60_000)
    page.wait_for_selector('#jp-envpanel [data-project-state="exists"]', timeout=60_000)
    page.wait_for_selector(
        '#jp-envpanel [data-ran-with-env="demo"][data-compared-env="demo-drifted"]', timeout=60_000
    )
    page.wait_for_selector('#jp-envpanel [data-ran-with="numpy"]', timeout=60_000)
    page.wait_for_selector("#jp-envpanel .jp-EnvPanel-fixes [data-fix-command]", timeout=60_000)
    tour.shoot(page, "project-card", "Project")
    tour.shoot(page, "fix-drift", "Drift")
    tour.shoot(page, "ran-with", "Since this notebook ran")
    page.fill("#jp-envpanel .jp-EnvPanel-filter", "numpy")
    page.wait_for_selector('[data-env-name="demo-drifted"] [data-package-hits="numpy 2.1.3"]', timeout=30_000)
    page.wait_for_selector('[data-env-name="demo"] [data-package-hits="numpy 2.2.6"]', timeout=30_000)
    tour.shoot(page, "package-filter", "All environments")
    page.close()


def dark(tour: Tour) -> None:
    """panel-dark.png: JupyterLab Dark, the cell run again in demo-drifted, the panel on its drift."""
    tour.lab.api("PUT", THEMES, {"raw": '{"theme": "JupyterLab Dark"}'})
    try:
        page = tour.page(f"lab/tree/{NOTEBOOK}")
        page.wait_for_selector("body[data-jp-theme-light='false']", state="attached", timeout=60_000)
        page.wait_for_selector('[data-active-env="demo-drifted"] [data-drift-count="3"]', timeout=90_000)
        tour.kernel_idle("conda-env-demo-drifted-py")
        sidebar_width(page, SIDEBAR)
        run_first_cell(page, tour.prefix("demo-drifted"))
        tour.kernel_idle("conda-env-demo-drifted-py")
        page.evaluate(
            "document.querySelector('.jp-NotebookPanel .jp-CodeCell').scrollIntoView({block: 'start'})"
        )
        wait_text(page, "#jp-envpanel-status", "env: demo-drifted · 3 drift")
        tour.shoot(page, "panel-dark")
        page.close()
    finally:
        tour.lab.api("PUT", THEMES, {"raw": '{"theme": "JupyterLab Light"}'})


def main() -> None:
    """Lay out the demo world, start JupyterLab as start.sh does, and take every picture."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--world", type=Path, default=Path(tempfile.gettempdir()) / "jupyter-envpanel")
    args = parser.parse_args()
    world, out = args.world.resolve(), args.out.resolve()
    # PATH as on a plain machine: the pictures show the demo, not the Pythons this shell reaches
    # (a .venv made from pyenv's Python would bring that installation into the list)
    os.environ["PATH"] = os.pathsep.join(["/usr/local/bin", "/usr/bin", "/bin"])
    out.mkdir(parents=True, exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="envpanel-screenshots-"))
    try:
        home, jupyter = base / "home", base / "jupyter"
        home.mkdir()
        make_world(world, jupyter)
        start_sh = re.findall(r"--LabApp\.default_url=[^\s)\"]+", (REPO / "scripts" / "start.sh").read_text())
        with run_lab(home, world, jupyter, args=start_sh) as lab, browser() as chrome:
            tour = Tour(lab, chrome, world, out)
            first_screen(tour)
            notebook7(tour)
            switched(tour)
            dark(tour)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(json.dumps(sorted(p.name for p in out.glob("*.png"))))


if __name__ == "__main__":
    main()
