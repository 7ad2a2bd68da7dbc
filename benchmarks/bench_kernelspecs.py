"""Kernel serving and the CLI at N = 20, 200, 1000 environments (half with a kernelspec).

Prints, for each N: the kernel table's build, one `get_kernel_spec` / `find_kernel_specs` call
(what jupyter_server runs on its event loop), `all_specs()` steady, `GET /api/kernelspecs` first
after start and steady through a real `jupyter server` (and a plain server without the extension,
for reference), the CLI `list --json` and `drift PREFIX` as whole processes, and the warm Python
API. nb_conda_kernels, conda and gator are measured side by side by benchmarks/bench_anchors.py,
which sets them up itself.
Usage: python benchmarks/bench_kernelspecs.py [--sizes 20,200,1000] [--repeat N]
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
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from support.factory import World  # noqa: E402
from support.labserver import free_port  # noqa: E402

sys.path.insert(0, str(HERE))
from worldgen import make_kernel_world  # noqa: E402

OUT = HERE / "out"


def make_world(n: int) -> World:
    """Write (once, under benchmarks/out/) n conda envs of 50-300 records, half with a kernelspec."""
    return make_kernel_world(OUT / f"kernels-{n}", n)


def ms(values) -> str:
    """Format a list of seconds as a median in ms (with min and max)."""
    xs = [v * 1000 for v in values]
    return f"median {statistics.median(xs):8.2f} ms  min {min(xs):8.2f}  max {max(xs):8.2f}"


def timed(func, repeat: int) -> list:
    """Return the durations of repeat calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def environ(world: World) -> dict:
    """Return a process environment pointing HOME (and Jupyter's dirs) into the world."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDA", "MAMBA", "JUPYTER"))}
    jupyter = world.base / "jupyter"
    env.update(
        HOME=str(world.home),
        JUPYTER_CONFIG_DIR=str(jupyter / "config"),
        JUPYTER_DATA_DIR=str(jupyter / "data"),
        JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"),
    )
    return env


def in_process(world: World, repeat: int) -> None:
    """Time the kernel table and the lookups jupyter_server makes on its event loop."""
    from jupyter_envpanel.core.service import EnvService
    from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager

    host = world.host()

    def build():
        EnvPanelKernelSpecManager(service=EnvService(host)).refresh_table()

    print(f"  kernel table, cold build (listing + specs)  {ms(timed(build, max(3, repeat // 4)))}")
    manager = EnvPanelKernelSpecManager(service=EnvService(host))
    manager.refresh_table()
    names = sorted(manager.find_kernel_specs())
    lookups = timed(lambda: [manager.get_kernel_spec(n) for n in names], repeat)
    per = [t / len(names) for t in lookups]
    print(f"  get_kernel_spec, one call ({len(names)} names)  {ms(per)}")
    print(f"  find_kernel_specs, one call               {ms(timed(manager.find_kernel_specs, repeat))}")
    print(f"  all_specs(), steady (mtimes checked)      {ms(timed(manager.all_specs, repeat))}")


def serve(world: World, extension: bool):
    """Start `jupyter server` on the world; return (process, url, token)."""
    port, token = free_port(), secrets.token_hex(8)
    env = environ(world)
    config = Path(env["JUPYTER_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_envpanel": extension}}})
    )
    cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={port}"]
    cmd += [f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={world.root}"]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            get(url, token, "/api/status")
            return process, url, token
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("jupyter server did not start")


def get(url: str, token: str, path: str) -> bytes:
    """GET a path with the token; return the body."""
    request = urllib.request.Request(url + path, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def through_server(world: World, repeat: int) -> None:
    """Time GET /api/kernelspecs: first after start, then steady; with and without the extension."""
    for extension in (True, False):
        process, url, token = serve(world, extension)
        try:
            start = time.perf_counter()
            count = len(json.loads(get(url, token, "/api/kernelspecs"))["kernelspecs"])
            first = time.perf_counter() - start
            steady = timed(lambda u=url, t=token: get(u, t, "/api/kernelspecs"), repeat)
        finally:
            process.terminate()
            process.wait(30)
        label = "envpanel" if extension else "plain server"
        print(
            f"  GET /api/kernelspecs, {label:<12} first {first * 1000:8.2f} ms; steady {ms(steady)} ({count})"
        )


def cli(world: World, repeat: int) -> None:
    """Time whole CLI processes: list --json, and drift of one prefix."""
    env, python = environ(world), sys.executable
    prefix = str(world.home / "miniconda3" / "envs" / "env0000")
    for label, args in (
        ("python -c pass (interpreter)", ["-c", "pass"]),
        ("jupyter-envpanel list --json", ["-m", "jupyter_envpanel", "list", "--json"]),
        ("jupyter-envpanel drift PREFIX", ["-m", "jupyter_envpanel", "drift", prefix]),
    ):
        runs = timed(
            lambda a=args: subprocess.run([python, *a], env=env, cwd=world.root, capture_output=True),
            max(5, repeat // 2),
        )
        print(f"  {label:<40}  {ms(runs)}")


def python_api(world: World, repeat: int) -> None:
    """Time the Python API: first call, then warm calls (one service per process)."""
    code = (
        "import time, statistics\n"
        "t = time.perf_counter(); import jupyter_envpanel as ep; ep.find_environments()\n"
        "first = time.perf_counter() - t\n"
        "xs = []\n"
        f"for _ in range({repeat * 5}):\n"
        "    t = time.perf_counter(); ep.find_environments(); xs.append(time.perf_counter() - t)\n"
        "print(f'{first * 1000:.2f} {statistics.median(xs) * 1000:.3f} {min(xs) * 1000:.3f}')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=environ(world), cwd=world.root, capture_output=True, text=True
    )
    first, warm, low = out.stdout.split()
    print(f"  find_environments(): first (import + cold) {first} ms; warm median {warm} ms (min {low})")


def nb_conda_kernels_note() -> None:
    """Say whether nb_conda_kernels could be measured here."""
    try:
        import nb_conda_kernels  # noqa: F401
    except ImportError:
        print("nb_conda_kernels: not importable here; benchmarks/bench_anchors.py measures it side by side")


def main() -> None:
    """Run every measurement for each world size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20,200,1000")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        start = time.perf_counter()
        world = make_world(n)
        print(f"N = {n} environments ({time.perf_counter() - start:.1f} s to write or find the world)")
        in_process(world, args.repeat)
        through_server(world, args.repeat)
        cli(world, args.repeat)
        python_api(world, args.repeat)
    nb_conda_kernels_note()


if __name__ == "__main__":
    main()
