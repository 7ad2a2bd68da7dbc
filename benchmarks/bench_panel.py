"""Budget: the panel shows its first environments < 300 ms after the sidebar opens (200 envs).

Starts a real `jupyter lab` on a generated HOME of 200 conda environments x 400 records, then, in
headless Chromium, clicks the Environments tab in a fresh workspace and measures in the page from the
pointerdown to the first animation frame after the first row is in the DOM. The server warms its
listing in a background thread at startup, so every run here is served from that cache (a cold
listing of the same world costs ~50 ms more, see bench_core.py). With live updates on (the
default) the listing may already be in the page when the tab is clicked; `--live off` turns them
off first, so every run fetches the listing after the click.
Usage: python benchmarks/bench_panel.py [--repeat N] [--live on|off]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.labserver import browser, run_lab  # noqa: E402
from worldgen import N_ENVS, N_RECORDS, make_world  # noqa: E402

ARM = """() => {
  window.__envpanel = {};
  document.addEventListener('pointerdown', () => { window.__envpanel.t0 = performance.now(); },
                            { capture: true, once: true });
  const observer = new MutationObserver(() => {
    if (document.querySelector('#jp-envpanel [data-env-name]')) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__envpanel.t1 = performance.now(); });
    }
  });
  observer.observe(document.body, { subtree: true, childList: true });
}"""


def main() -> None:
    """Open the panel in fresh workspaces and print the times."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=8)
    parser.add_argument("--live", choices=["on", "off"], default="on")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="envpanel-pbench-"))
    world = make_world(base)
    times = []
    with run_lab(world.home, world.root, base / "jupyter") as lab, browser() as chrome:
        if args.live == "off":
            lab.api("PUT", "/lab/api/settings/jupyter-envpanel:plugin", {"raw": '{"refreshInterval": 0}'})
        for run in range(args.repeat):
            page = chrome.new_page(viewport={"width": 1400, "height": 900})
            page.goto(lab.page_url(f"lab/workspaces/bench{run}"))
            page.wait_for_selector('.jp-SideBar [data-id="jp-envpanel"]', timeout=60_000)
            page.wait_for_timeout(500)
            page.evaluate(ARM)
            page.click('.jp-SideBar [data-id="jp-envpanel"]')
            page.wait_for_function("window.__envpanel.t1 !== undefined", timeout=30_000)
            elapsed = page.evaluate("window.__envpanel.t1 - window.__envpanel.t0")
            rows = page.locator("#jp-envpanel [data-env-name]").count()
            times.append(elapsed)
            print(f"run {run}: {elapsed:6.1f} ms to first rows ({rows} rows rendered)")
            page.close()
    print(
        f"{N_ENVS} envs x {N_RECORDS} records, live updates {args.live}: "
        f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms (budget 300 ms)"
    )


if __name__ == "__main__":
    main()
