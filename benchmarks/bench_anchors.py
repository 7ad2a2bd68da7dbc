"""Every ratio of the 1,000-environment budgets, at 20 / 200 / 1,000, beside its anchor in the same run.

One command: `python benchmarks/bench_anchors.py [--sizes 20,200,1000] [--rounds 5]`. It sets up the
anchors itself (benchmarks/anchors.py: conda from its source, nb_conda_kernels, mamba-gator, in
`~/.cache/envpanel-bench`) and says which could not be set up. Worlds (benchmarks/worldgen.py's
kernel world: N conda envs of 50-300 records, half with a kernelspec) are written once to the same
cache. Rounds alternate ours and the anchor (A B, then B A); every figure is a median.

Measured, for each N:
- cold listing (a fresh process, the first `EnvService.listing()`) vs the floor (a fresh process that
  `listdir`s each conda-meta and `stat`s each env), and beside it the I/O a correct listing cannot do
  without, with no logic around it (the floor plus `condabin`, the kernels folders and each
  kernel.json read and parsed): how far above the floor any listing in Python starts; and the
  cold listing of a process that finds the facts an earlier one kept (`EnvPanelApp.listing_cache`);
- CLI `list --json` vs `conda env list --json`, with the facts an earlier `list` kept and with
  nothing kept; `drift NAME` vs `conda compare -n NAME`; `drift PREFIX`; `show NAME --json` vs
  `conda list -n NAME --json` (whole processes);
- a real `jupyter lab` (each server started fresh): start-up to the first 200 of `/api/status` vs
  plain lab; the first `/api/kernelspecs` vs nb_conda_kernels' first (with the kept facts, and
  with nothing kept: `envpanel0`); the first environments request
  vs gator's first `/conda/environments`; the first package search, 2 s after start (budget 200 ms:
  a user types it into the panel, and the package index is built once the server has started); the steady
  environments request (budget 10 ms) and gator's;
- `get_all_specs()` in process, first and steady, ours vs nb_conda_kernels'.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from anchors import CACHE, Anchors, set_up  # noqa: E402
from support.factory import World  # noqa: E402
from support.labserver import free_port  # noqa: E402
from worldgen import make_kernel_world  # noqa: E402

PY = sys.executable
#: Seconds after start the first package search is asked (the index is built once the server started).
SEARCH_AFTER = 2.0
#: `--ours-path DIR`: measure the jupyter_envpanel in DIR (another commit's checkout) instead.
OURS_PATH: list[str] = []
#: (metric, budget as text, budget test on the ratio or on our ms)
BUDGETS = {
    "cold listing / floor": ("<= 1.5x", lambda r, ms: r <= 1.5),
    "cold listing, facts kept / floor": ("<= 1.5x", lambda r, ms: r <= 1.5),
    "needed I/O / floor": ("", None),
    "CLI list / conda env list": ("<= 0.5x", lambda r, ms: r <= 0.5),
    "CLI list, nothing kept / conda": ("<= 0.5x", lambda r, ms: r <= 0.5),
    "drift NAME / conda compare": ("<= 0.5x", lambda r, ms: r <= 0.5),
    "drift PREFIX / conda compare": ("<= 0.5x", lambda r, ms: r <= 0.5),
    "show NAME / conda list": ("", None),
    "start-up / plain lab": ("<= 1.1x", lambda r, ms: r <= 1.1),
    "first /api/kernelspecs / nbck": ("<= 1x", lambda r, ms: r <= 1.0),
    "first kernelspecs, nothing kept / nbck": ("<= 1x", lambda r, ms: r <= 1.0),
    "first environments / gator": ("", None),
    "first package search, 2 s in (ms)": ("<= 200 ms", lambda r, ms: ms <= 200),
    "steady environments (ms)": ("<= 10 ms", lambda r, ms: ms <= 10),
    "steady environments / gator": ("", None),
    "steady /api/kernelspecs / nbck": ("<= 1x", lambda r, ms: r <= 1.0),
    "get_all_specs() steady / nbck": ("<= 1x", lambda r, ms: r <= 1.0),
    "get_all_specs() first / nbck": ("", None),
}


class Table:
    """Rows of (ours, anchor) medians per metric and N, printed as they come and side by side at the end."""

    def __init__(self) -> None:
        """Start empty."""
        self.rows: dict[str, dict[int, tuple[float, float | None]]] = {}

    def add(self, metric: str, n: int, ours: list[float], anchor: list[float] | None, note: str = "") -> None:
        """Record medians (seconds in, ms kept) and print the line."""
        mine = statistics.median(ours) * 1000
        theirs = statistics.median(anchor) * 1000 if anchor else None
        self.rows.setdefault(metric, {})[n] = (mine, theirs)
        if theirs is None:
            text = f"{mine:9.1f} ms" + (f"   (anchor: {note})" if note else "")
        else:
            text = f"{mine:9.1f} ms vs {theirs:9.1f} ms  = {mine / theirs:5.2f}x"
        print(f"  {metric:<34} {text}{verdict(metric, mine, theirs)}", flush=True)

    def summary(self, sizes: list[int]) -> None:
        """Print every metric as ratio (ours / anchor ms) per N, with its budget."""
        head = "".join(f"{f'N = {n}':>26}" for n in sizes)
        print(f"\n{'metric':<34}{head}   budget")
        for metric, per_n in self.rows.items():
            cells = []
            for n in sizes:
                if n not in per_n:
                    cells.append(f"{'-':>26}")
                    continue
                mine, theirs = per_n[n]
                ratio = f"{mine / theirs:.2f}x ({num(mine)}/{num(theirs)})" if theirs else ""
                cell = ratio or f"{mine:.1f} ms"
                cells.append(f"{cell:>26}")
            print(f"{metric:<34}{''.join(cells)}   {BUDGETS.get(metric, ('',))[0]}")


def num(ms: float) -> str:
    """Return ms short: whole above 100, three digits below."""
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.3g}"


def verdict(metric: str, mine: float, theirs: float | None) -> str:
    """Return `  [within]` / `  [OVER]` for a metric with a budget."""
    budget, test = BUDGETS.get(metric, ("", None))
    if test is None:
        return ""
    ratio = mine / theirs if theirs else float("nan")
    if theirs is None and "ms" not in budget:
        return "  [no anchor]"
    return f"  [{'within' if test(ratio, mine) else 'OVER'} {budget}]"


# --- processes -------------------------------------------------------------------------------


def environ(world: World, anchors: Anchors | None = None, config: str = "plain") -> dict[str, str]:
    """Return a process environment on the world's HOME (anchors: conda from source on PATH too)."""
    # PYTHONDONTWRITEBYTECODE too: every side runs from bytecode, as an installed package does
    strip = ("CONDA", "MAMBA", "JUPYTER", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "XDG_CACHE_HOME")
    env = {k: v for k, v in os.environ.items() if not k.startswith(strip)}
    jupyter = world.base / "jupyter"
    env.update(
        HOME=str(world.home),
        JUPYTER_CONFIG_DIR=str(jupyter / f"config-{config}"),
        JUPYTER_DATA_DIR=str(jupyter / "data"),
        JUPYTER_RUNTIME_DIR=str(jupyter / f"runtime-{config}"),
        JUPYTERLAB_WORKSPACES_DIR=str(jupyter / f"workspaces-{config}"),
    )
    if OURS_PATH:
        env["PYTHONPATH"] = OURS_PATH[0]
    if anchors is not None and anchors.conda:
        env.update(
            CONDA_EXE=anchors.conda,
            CONDA_ROOT_PREFIX=str(world.home / "miniconda3"),  # conda runs from its source, not a root
            PATH=f"{Path(anchors.conda).parent}{os.pathsep}{env.get('PATH', '')}",
        )
    return env


def forget_kept(world: World) -> None:
    """Remove the facts our listings keep between processes (`EnvPanelApp.listing_cache`) in the world."""
    for kept in (world.home / ".cache" / "jupyter-envpanel").glob("facts-*.json"):
        kept.unlink()


def timed_run(cmd: list[str], env: dict[str, str], cwd: Path, ok=(0,)) -> float:
    """Run a whole process; return its wall time (raise with its stderr when it failed)."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd[:4])}... exited {done.returncode}: {done.stderr.strip()[-400:]}")
    return elapsed


def child(code: str, env: dict[str, str], cwd: Path, *args: str) -> object:
    """Run Python code in a fresh process; return the JSON it prints last."""
    done = subprocess.run([PY, "-c", code, *args], env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-600:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def ab(rounds: int, ours: Callable[[], float], theirs: Callable[[], float] | None) -> tuple[list, list]:
    """Run ours and theirs alternately (A B, B A, ...); return both lists of seconds."""
    mine: list = []
    other: list = []
    for r in range(rounds):
        order = [(ours, mine), (theirs, other)] if r % 2 == 0 else [(theirs, other), (ours, mine)]
        for func, out in order:
            if func is not None:
                out.append(func())
    return mine, other


# --- cold listing vs the floor ---------------------------------------------------------------

COLD = """
import json, os, sys, time
from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.service import EnvService, ServiceOptions
try:  # `keep`: the facts an earlier process kept are read (an older checkout keeps none)
    options = ServiceOptions(keep_facts=sys.argv[1:] == ["keep"])
except TypeError:
    options = ServiceOptions()
service = EnvService(Host.current(root=os.getcwd()), options)
start, cpu = time.perf_counter(), time.process_time()
count = len(service.listing().environments)
print(json.dumps([time.perf_counter() - start, time.process_time() - cpu, count]))
"""
FLOOR = """
import json, os, sys, time
prefixes = json.load(open(sys.argv[1]))
start, cpu = time.perf_counter(), time.process_time()
for prefix in prefixes:
    os.stat(prefix)
    os.listdir(prefix + "/conda-meta")
print(json.dumps([time.perf_counter() - start, time.process_time() - cpu, len(prefixes)]))
"""
#: What a listing cannot do without, with no logic around it: the floor, plus each env's `condabin`
#: (is it a base?), its kernels folder, and each kernel.json read and parsed; mtimes from the opens.
NEEDED = """
import json, os, sys, time
prefixes = json.load(open(sys.argv[1]))
folder = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
start, cpu = time.perf_counter(), time.process_time()
for prefix in prefixes:
    os.stat(prefix)
    fd = os.open(prefix + "/conda-meta", folder)
    try:
        os.fstat(fd)
        names = os.listdir(fd)
    finally:
        os.close(fd)
    os.path.isdir(prefix + "/condabin")
    try:
        fd = os.open(prefix + "/share/jupyter/kernels", folder)
    except FileNotFoundError:
        continue
    try:
        os.fstat(fd)
        for name in sorted(os.listdir(fd)):
            spec = os.open(name + "/kernel.json", os.O_RDONLY | os.O_CLOEXEC, dir_fd=fd)
            try:
                json.loads(os.read(spec, os.fstat(spec).st_size + 1))
            finally:
                os.close(spec)
    finally:
        os.close(fd)
print(json.dumps([time.perf_counter() - start, time.process_time() - cpu, len(prefixes)]))
"""


def cold_listing(world: World, n: int, rounds: int, table: Table) -> None:
    """Fresh-process cold listing against the floor: wall time in the table, CPU time and minima beside it."""
    root = world.home / "miniconda3"
    prefixes = [str(root)] + sorted(str(p) for p in (root / "envs").iterdir())
    listed = world.base / "conda-prefixes.json"
    listed.write_text(json.dumps(prefixes))
    env = environ(world)
    cpu: dict[str, list[float]] = {"ours": [], "floor": []}

    def ours(*args: str) -> float:
        wall, used, _ = child(COLD, env, world.root, *args)
        cpu["kept" if args else "ours"].append(used)
        return wall

    def script(code: str, into: str) -> float:
        done = subprocess.run(
            [PY, "-c", code, str(listed)], env=env, capture_output=True, text=True, check=True
        )
        wall, used, _ = json.loads(done.stdout)
        cpu[into].append(used)
        return wall

    cpu["needed"], cpu["kept"] = [], []
    mine, other = ab(rounds * 2, ours, lambda: script(FLOOR, "floor"))
    table.add("cold listing / floor", n, mine, other)
    forget_kept(world)
    ours("keep")  # the first process keeps the facts it read; the next ones reuse them
    cpu["kept"].clear()
    kept, floor = ab(rounds * 2, lambda: ours("keep"), lambda: script(FLOOR, "floor"))
    table.add("cold listing, facts kept / floor", n, kept, floor)
    needed = [script(NEEDED, "needed") for _ in range(rounds * 2)]
    table.add("needed I/O / floor", n, needed, other)
    lines = (
        ("wall", mine, other),
        ("CPU", cpu["ours"], cpu["floor"]),
        ("CPU, facts kept", cpu["kept"], cpu["floor"]),
        ("CPU of the needed I/O", cpu["needed"], cpu["floor"]),
    )
    for what, a, b in lines:
        lows = (min(a) * 1000, min(b) * 1000)
        mids = (statistics.median(a) * 1000, statistics.median(b) * 1000)
        print(
            f"    {what:<21} ({len(a)} rounds)  median {mids[0]:7.1f} / {mids[1]:7.1f} ms"
            f" = {mids[0] / mids[1]:4.2f}x   min {lows[0]:7.1f} / {lows[1]:7.1f} ms"
            f" = {lows[0] / lows[1]:4.2f}x",
            flush=True,
        )


# --- CLI vs conda -----------------------------------------------------------------------------


def cli(world: World, n: int, anchors: Anchors, rounds: int, table: Table) -> None:
    """Whole processes: list, drift NAME / PREFIX, show NAME against conda's commands."""
    env, cenv, cwd = environ(world), environ(world, anchors), world.root
    prefix = str(world.home / "miniconda3" / "envs" / "env0000")
    ep = [PY, "-m", "jupyter_envpanel"]
    conda = [anchors.conda] if anchors.conda else None
    pairs = [
        ("CLI list / conda env list", ep + ["list", "--json"], conda and conda + ["env", "list", "--json"]),
        (
            "drift NAME / conda compare",
            ep + ["drift", "env0000", "--file", "environment.yml"],
            conda and conda + ["compare", "-n", "env0000", "environment.yml"],
        ),
        (
            "drift PREFIX / conda compare",
            ep + ["drift", prefix, "--file", "environment.yml"],
            conda and conda + ["compare", "-p", prefix, "environment.yml"],
        ),
        (
            "show NAME / conda list",
            ep + ["show", "env0000", "--json"],
            conda and conda + ["list", "-n", "env0000", "--json"],
        ),
    ]
    pairs.insert(1, ("CLI list, nothing kept / conda", ep + ["list", "--json"], pairs[0][2]))
    timed_run(ep + ["list", "--json"], env, cwd)  # keeps the facts: later `list`s reuse them
    for metric, mine_cmd, their_cmd in pairs:

        def ours(c=mine_cmd, m=metric) -> float:
            if m.startswith("CLI list, nothing"):
                forget_kept(world)  # outside the timing
            return timed_run(c, env, cwd, ok=(0, 1))

        theirs = (lambda c=their_cmd: timed_run(c, cenv, cwd, ok=(0, 1))) if their_cmd else None
        mine, other = ab(rounds, ours, theirs)
        table.add(metric, n, mine, other or None, anchors.missing.get("conda", ""))


# --- servers ---------------------------------------------------------------------------------


class Server:
    """A `jupyter lab` on the world, of one kind: envpanel, plain, nbck or gator."""

    def __init__(self, world: World, kind: str, anchors: Anchors) -> None:
        """Write its config and start it; `started` is the time to the first 200 of /api/status."""
        self.port, self.token = free_port(), secrets.token_hex(8)
        env = environ(world, anchors if kind in ("nbck", "gator") else None, kind)
        extensions = {"jupyterlab": True, "jupyter_envpanel": kind.startswith("envpanel")}
        server: dict = {"jpserver_extensions": extensions}
        if kind == "nbck":
            server["kernel_spec_manager_class"] = "nb_conda_kernels.CondaKernelSpecManager"
            env["PYTHONPATH"] = anchors.nbck_path or ""
        if kind == "gator":
            extensions["mamba_gator"] = True
            env["PYTHONPATH"] = anchors.gator_path or ""
        config = Path(env["JUPYTER_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        (config / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": server}))
        cmd = [PY, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={self.port}"]
        cmd += [f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={world.root}"]
        self.log = world.base / f"server-{kind}.log"
        start = time.perf_counter()
        with open(self.log, "w") as log:
            # cwd: the root (`-m` puts the current folder first on sys.path, before --ours-path's)
            self.process = subprocess.Popen(
                cmd, env=env, cwd=world.root, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 120
        while True:
            try:
                self.get("/api/status")
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{kind} server did not start; see {self.log}") from None
                time.sleep(0.01)
        self.started = time.perf_counter() - start

    def get(self, path: str) -> bytes:
        """GET a path with the token; return the body."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.read()

    def timed(self, path: str) -> tuple[float, bytes]:
        """Return (seconds, body) of one GET."""
        start = time.perf_counter()
        body = self.get(path)
        return time.perf_counter() - start, body

    def stop(self) -> None:
        """Stop the server and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def servers(world: World, n: int, anchors: Anchors, rounds: int, steady: int, table: Table) -> None:
    """Start each kind of server fresh, rounds times, alternating; time its first and steady answers."""
    kinds = ["envpanel", "envpanel0", "plain"]  # envpanel0: nothing kept from an earlier process
    kinds += ["nbck"] if anchors.nbck_path else []
    kinds += ["gator"] if anchors.gator_path else []
    got: dict[str, list[float]] = {}
    counts: dict[str, int] = {}

    def keep(key: str, value: float) -> None:
        got.setdefault(key, []).append(value)

    for r in range(rounds):
        for kind in kinds if r % 2 == 0 else kinds[::-1]:
            if kind == "envpanel0":
                forget_kept(world)
            server = Server(world, kind, anchors)
            try:
                keep(f"{kind} start", server.started)
                if kind in ("envpanel", "envpanel0", "plain", "nbck"):
                    elapsed, body = server.timed("/api/kernelspecs")
                    keep(f"{kind} first kernelspecs", elapsed)
                    counts[kind] = len(json.loads(body)["kernelspecs"])
                if kind == "envpanel":
                    keep("envpanel first environments", server.timed("/envpanel/api/environments")[0])
                    time.sleep(SEARCH_AFTER)  # a user opens the panel and types: not at the first instant
                    keep("envpanel first search", server.timed("/envpanel/api/packages?q=pkg042")[0])
                    for _ in range(steady):
                        keep("envpanel steady environments", server.timed("/envpanel/api/environments")[0])
                if kind == "gator":
                    elapsed, body = server.timed("/conda/environments")
                    keep("gator first environments", elapsed)
                    counts[kind] = len(json.loads(body)["environments"])
                    for _ in range(max(3, steady // 4)):
                        keep("gator steady environments", server.timed("/conda/environments")[0])
                if kind in ("envpanel", "nbck"):
                    for _ in range(steady):
                        keep(f"{kind} steady kernelspecs", server.timed("/api/kernelspecs")[0])
            finally:
                server.stop()
    print(
        f"  (kernelspecs: ours {counts.get('envpanel')}, nb_conda_kernels {counts.get('nbck', '-')}; "
        f"gator environments {counts.get('gator', '-')})"
    )
    nbck_note = anchors.missing.get("nb_conda_kernels", "")
    gator_note = anchors.missing.get("mamba-gator", "")
    table.add("start-up / plain lab", n, got["envpanel start"], got["plain start"])
    table.add(
        "first /api/kernelspecs / nbck",
        n,
        got["envpanel first kernelspecs"],
        got.get("nbck first kernelspecs"),
        nbck_note,
    )
    table.add(
        "first kernelspecs, nothing kept / nbck",
        n,
        got["envpanel0 first kernelspecs"],
        got.get("nbck first kernelspecs"),
        nbck_note,
    )
    table.add(
        "first environments / gator",
        n,
        got["envpanel first environments"],
        got.get("gator first environments"),
        gator_note,
    )
    table.add("first package search, 2 s in (ms)", n, got["envpanel first search"], None)
    table.add("steady environments (ms)", n, got["envpanel steady environments"], None)
    if got.get("gator steady environments"):
        table.add(
            "steady environments / gator",
            n,
            got["envpanel steady environments"],
            got["gator steady environments"],
        )
    table.add(
        "steady /api/kernelspecs / nbck",
        n,
        got["envpanel steady kernelspecs"],
        got.get("nbck steady kernelspecs"),
        nbck_note,
    )
    if "nbck start" in got:
        print(f"  (nb_conda_kernels' lab start-up: {statistics.median(got['nbck start']) * 1000:.0f} ms)")


# --- get_all_specs() in process --------------------------------------------------------------

OUR_SPECS = """
import asyncio, json, os, time
from jupyter_envpanel.core.base.host import Host
from jupyter_envpanel.core.service import EnvService, ServiceOptions
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager
try:  # the server's service: it watches its paths and keeps its facts (an older checkout's cannot)
    service = EnvService(Host.current(root=os.getcwd()), ServiceOptions(watch=True, keep_facts=True))
except TypeError:
    try:
        service = EnvService(Host.current(root=os.getcwd()), ServiceOptions(watch=True))
    except TypeError:
        service = EnvService(Host.current(root=os.getcwd()))
manager = EnvPanelKernelSpecManager(service=service)
async def main():
    start = time.perf_counter()
    count = len(await manager.get_all_specs())
    first = time.perf_counter() - start
    time.sleep(1)  # as a server, which serves other requests meanwhile
    steady = []
    for _ in range(STEADY):
        start = time.perf_counter(); await manager.get_all_specs(); steady.append(time.perf_counter() - start)
    print(json.dumps([first, steady, count]))
asyncio.run(main())
"""
NBCK_SPECS = """
import json, time
from nb_conda_kernels.manager import CondaKernelSpecManager
manager = CondaKernelSpecManager()
start = time.perf_counter()
count = len(manager.get_all_specs())
first = time.perf_counter() - start
time.sleep(1)
steady = []
for _ in range(STEADY):
    start = time.perf_counter(); manager.get_all_specs(); steady.append(time.perf_counter() - start)
print(json.dumps([first, steady, count]))
"""


def all_specs(world: World, n: int, anchors: Anchors, rounds: int, steady: int, table: Table) -> None:
    """`get_all_specs()`: first call in a fresh process, and steady calls after it."""
    firsts: dict[str, list] = {"ours": [], "nbck": []}
    steadies: dict[str, list] = {"ours": [], "nbck": []}
    counts = {}
    for r in range(rounds):
        runs = [("ours", OUR_SPECS, environ(world))]
        if anchors.nbck_path:
            runs.append(("nbck", NBCK_SPECS, {**environ(world, anchors), "PYTHONPATH": anchors.nbck_path}))
        for who, code, env in runs if r % 2 == 0 else runs[::-1]:
            first, steady_runs, count = child(code.replace("STEADY", str(steady)), env, world.root)
            firsts[who].append(first)
            steadies[who].extend(steady_runs)
            counts[who] = count
    note = anchors.missing.get("nb_conda_kernels", "")
    print(f"  (get_all_specs: ours {counts.get('ours')} specs, nb_conda_kernels {counts.get('nbck', '-')})")
    table.add("get_all_specs() first / nbck", n, firsts["ours"], firsts["nbck"] or None, note)
    table.add("get_all_specs() steady / nbck", n, steadies["ours"], steadies["nbck"] or None, note)


def compile_ours() -> str:
    """Write the bytecode of the measured jupyter_envpanel, as `pip install` does; say where."""
    code = "import jupyter_envpanel, os; print(os.path.dirname(jupyter_envpanel.__file__))"
    env = {**os.environ, "PYTHONPATH": OURS_PATH[0]} if OURS_PATH else dict(os.environ)
    cwd = OURS_PATH[0] if OURS_PATH else None  # `-c` puts the current folder first on sys.path
    done = subprocess.run([PY, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    folder = done.stdout
    subprocess.run([PY, "-m", "compileall", "-q", folder.strip()], check=True, capture_output=True)
    return f"ours: bytecode compiled in {folder.strip()} (as pip install does)"


def main() -> None:
    """Set up the anchors, then measure every size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20,200,1000")
    parser.add_argument(
        "--rounds", type=int, default=5, help="A B rounds per figure (servers: starts per kind)"
    )
    parser.add_argument("--steady", type=int, default=20, help="steady requests per server start")
    parser.add_argument("--only", default="cold,cli,servers,specs", help="which groups to run")
    parser.add_argument("--ours-path", help="measure the jupyter_envpanel package found in this folder")
    args = parser.parse_args()
    if args.ours_path:
        OURS_PATH.append(str(Path(args.ours_path).resolve()))
        print(f"ours: jupyter_envpanel from {OURS_PATH[0]}")
    sizes = [int(s) for s in args.sizes.split(",")]
    groups = set(args.only.split(","))
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"{stamp}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start;"
        f" Python {sys.version.split()[0]}"
    )
    print(compile_ours())
    anchors = set_up() if groups - {"cold"} else Anchors()  # the cold listing's floor needs no anchor
    for line in anchors.report() if groups - {"cold"} else ():
        print(line)
    table = Table()
    for n in sizes:
        started = time.perf_counter()
        world = make_kernel_world(CACHE / "worlds" / f"kernels-{n}", n)
        print(
            f"N = {n} ({time.perf_counter() - started:.1f} s to write or find the world in {world.base})",
            flush=True,
        )
        if "cold" in groups:
            cold_listing(world, n, args.rounds, table)
        if "cli" in groups:
            cli(world, n, anchors, args.rounds, table)
        if "servers" in groups:
            servers(world, n, anchors, args.rounds, args.steady, table)
        if "specs" in groups:
            all_specs(world, n, anchors, args.rounds, args.steady, table)
    table.summary(sizes)
    print(f"load average {os.getloadavg()[0]:.2f} at the end (2 cores: above ~1 the machine was busy)")


if __name__ == "__main__":
    main()
