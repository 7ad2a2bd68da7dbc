"""Idle cost of live updates: server CPU and requests per minute while nothing changes (200 envs).

Starts a real `jupyter lab` on a generated HOME of 200 conda environments x 400 records, opens it in
headless Chromium with the Environments panel shown, and for `--seconds` (default 60) counts the
panel's requests and the server process's CPU time (utime + stime from /proc), first with live
updates on (the default, every 5 s), then off (`refreshInterval: 0`). The difference is what live
updates cost; the rest is JupyterLab's own polling. Also times one unchanged poll in-process.
Usage: python benchmarks/bench_idle.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.labserver import browser, run_lab  # noqa: E402
from worldgen import N_ENVS, N_RECORDS, make_world  # noqa: E402

SETTINGS = "/lab/api/settings/jupyter-envpanel:plugin"


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(lab, chrome, seconds: float, label: str) -> dict:
    """Open the panel in a fresh workspace, let it settle, then count for `seconds`."""
    page = chrome.new_page(viewport={"width": 1400, "height": 900})
    seen = []
    page.on(
        "response",
        lambda r: seen.append((time.monotonic(), r.status, r.url)) if "/envpanel/api/" in r.url else None,
    )
    page.goto(lab.page_url(f"lab/workspaces/idle-{label}"))
    page.wait_for_selector('.jp-SideBar [data-id="jp-envpanel"]', timeout=60_000)
    page.wait_for_timeout(500)
    if not page.locator("#jp-envpanel").is_visible():
        page.click('.jp-SideBar [data-id="jp-envpanel"]')
    page.wait_for_selector("#jp-envpanel [data-env-name]", timeout=60_000)
    page.wait_for_timeout(10_000)  # startup requests settle
    start, cpu0 = time.monotonic(), cpu_seconds(lab.process.pid)
    page.wait_for_timeout(seconds * 1000)
    end, cpu1 = time.monotonic(), cpu_seconds(lab.process.pid)
    page.close()
    window = [(status, url) for t, status, url in seen if start <= t <= end]
    per_minute = 60 / (end - start)
    return {
        "label": label,
        "requests_per_min": len(window) * per_minute,
        "not_modified_per_min": sum(1 for s, _ in window if s == 304) * per_minute,
        "cpu_ms_per_min": (cpu1 - cpu0) * 1000 * per_minute,
    }


def unchanged_poll_ms(world, repeat: int = 200) -> float:
    """Time the server's work for one unchanged poll (revalidate the listing, no scan), in-process."""
    from jupyter_envpanel.core.service import EnvService

    service = EnvService(world.host())
    service.versioned_listing()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        service.versioned_listing()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    """Measure with live updates on, then off, and print both."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="envpanel-ibench-"))
    world = make_world(base)
    print(f"world: {N_ENVS} envs x {N_RECORDS} records; window {args.seconds:.0f} s each")
    print(f"one unchanged poll, server work in-process: median {unchanged_poll_ms(world):.2f} ms")
    results = []
    with run_lab(world.home, world.root, base / "jupyter") as lab, browser() as chrome:
        results.append(measure(lab, chrome, args.seconds, "live-on"))
        lab.api("PUT", SETTINGS, {"raw": json.dumps({"refreshInterval": 0})})
        results.append(measure(lab, chrome, args.seconds, "live-off"))
    for r in results:
        print(
            f"{r['label']:9s} envpanel requests {r['requests_per_min']:5.1f}/min"
            f" ({r['not_modified_per_min']:5.1f} answered 304), server CPU {r['cpu_ms_per_min']:7.1f} ms/min"
        )
    on, off = results
    print(
        f"live updates cost: {on['requests_per_min'] - off['requests_per_min']:.1f} requests/min,"
        f" {on['cpu_ms_per_min'] - off['cpu_ms_per_min']:.1f} ms server CPU/min"
    )


if __name__ == "__main__":
    main()
