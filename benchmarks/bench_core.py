"""Budgets: list 200 envs (< 50 ms cold, < 5 ms warm); drift, 60 entries x 400 packages (< 50 ms cold);
package search over 200 envs x 400 packages (< 100 ms warm).

Usage: python benchmarks/bench_core.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from worldgen import N_ENVS, N_RECORDS, make_envfile, make_world

from jupyter_envpanel.core.service import EnvService


def timed(func, repeat: int) -> list:
    """Return the run times of func in ms."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(label: str, times: list, budget: float = 0) -> None:
    """Print median, min and max, against its budget (docs/benchmarks.md) when it has one."""
    med = statistics.median(times)
    verdict = ("within" if med < budget else "OVER") if budget else "no budget of its own"
    print(
        f"{label:<34} median {med:8.2f} ms  min {min(times):8.2f}  max {max(times):8.2f}  "
        + (f"(budget {budget:g} ms: {verdict})" if budget else f"({verdict})")
    )


def main() -> None:
    """Generate the world once, then time fresh (cold) and reused (warm) services."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="envpanel-bench-"))
    start = time.perf_counter()
    world = make_world(base)
    envfile = make_envfile(world.root / "environment.yml")
    elapsed = time.perf_counter() - start
    print(f"world: {N_ENVS} envs x {N_RECORDS} records in {base} (written in {elapsed:.1f} s)")
    host = world.host()

    listing = EnvService(host).listing()
    assert len(listing.environments) == N_ENVS + 2, len(listing.environments)  # + base + server
    show("list, cold (new service)", timed(lambda: EnvService(host).listing(), args.repeat), 50)
    metas = [env.prefix + "/conda-meta" for env in listing.environments if env.kind == "conda"]
    show(
        f"  of which floor: {len(metas)} listdir alone",
        timed(lambda: [os.listdir(m) for m in metas], args.repeat),
    )
    service = EnvService(host)
    service.listing()
    show("list, warm (cached, mtimes checked)", timed(service.listing, args.repeat * 5), 5)

    service = EnvService(host)
    env = service.find("env000")

    def drift_cold() -> None:
        service.installed.refresh()  # records and the env file are read and parsed again
        assert len(service.drift(env, envfile).requirements) == 60

    show("drift 60 x 400, cold records", timed(drift_cold, args.repeat), 50)

    def one_shot() -> None:
        svc = EnvService(host)
        svc.drift(svc.find("env000"), envfile)

    show("drift incl. cold listing (one-shot)", timed(one_shot, args.repeat))
    report = EnvService(host).drift(EnvService(host).find("env000"), envfile)
    print("drift summary:", report.summary)

    def search_cold() -> None:
        svc = EnvService(host)
        svc.listing()
        start = time.perf_counter()
        svc.packages("pkg042")
        cold.append((time.perf_counter() - start) * 1000)

    cold: list = []
    for _ in range(max(3, args.repeat // 4)):
        search_cold()
    show("package search, cold index", cold)
    service = EnvService(host)
    answer = service.packages("pkg042")
    show("package search 'pkg042', warm", timed(lambda: service.packages("pkg042"), args.repeat), 100)
    show("package search 'pkg' (partial)", timed(lambda: service.packages("pkg1"), args.repeat), 100)
    print(f"package search: {len(answer['matches'])} environments have pkg042")

    env = service.find("env000")
    record = service.ran_with(env)
    notebook = world.root / "ran.ipynb"
    meta = {"kernelspec": {"name": "conda-env-env000-py"}, "envpanel": {"ran_with": record}}
    notebook.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))

    def compare_cold() -> None:
        svc = EnvService(host)
        assert svc.notebook_report(notebook, "env000")["count"] == 0

    show("notebook record vs env, one-shot", timed(compare_cold, args.repeat), 300)
    show(
        "notebook record vs env, warm",
        timed(lambda: service.notebook_report(notebook, "env000"), args.repeat),
    )
    print(f"notebook record: {len(record['packages'])} requested packages, {len(json.dumps(record))} bytes")


if __name__ == "__main__":
    main()
