"""Write docs/project-card.png: the Environments panel's Project card, for the README.

An explicit step (tests never write tracked files): builds the browser tests' project world, starts
JupyterLab, opens a notebook that runs in another environment than its project's, and screenshots
the panel. Usage: python scripts/screenshot_project.py [--out docs/project-card.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from labserver import browser, run_lab  # noqa: E402
from test_browser_project import make_world  # noqa: E402


def main() -> None:
    """Start a lab on the fixture world and screenshot the panel with its Project card."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(REPO / "docs" / "project-card.png"))
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="envpanel-shot-"))
    world = make_world(base)
    with run_lab(world.home, world.root, base / "jupyter") as lab, browser() as chrome:
        page = chrome.new_page(viewport={"width": 1280, "height": 760})
        page.goto(lab.page_url("lab/workspaces/shot/tree/demo/in-alpha.ipynb"))
        page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)
        page.wait_for_selector('.jp-SideBar [data-id="jp-envpanel"]', timeout=60_000)
        if not page.locator("#jp-envpanel").is_visible():
            page.click('.jp-SideBar [data-id="jp-envpanel"]')
        page.wait_for_selector('#jp-envpanel [data-project-state="exists"]', timeout=60_000)
        page.wait_for_selector("#jp-envpanel [data-active-env] [data-drift-count]", timeout=60_000)
        handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first.bounding_box()
        y = handle["y"] + handle["height"] / 2
        page.mouse.move(handle["x"] + 1, y)
        page.mouse.down()
        page.mouse.move(handle["x"] + 120, y, steps=5)
        page.mouse.up()
        page.wait_for_timeout(800)
        page.screenshot(path=args.out, clip={"x": 0, "y": 0, "width": 1280, "height": 760})
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
