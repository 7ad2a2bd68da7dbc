"""Budget: kernel start overhead of activation vs plain `python -m ipykernel_launcher` (< 5 %).

Starts real ipykernel kernels through jupyter_client with EnvPanelKernelSpecManager, alternating
plain / activated (activate.d script + conda-meta/state vars) / activated without scripts, and
times launch -> kernel_info reply. Usage: python benchmarks/bench_kernel_start.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from jupyter_client.manager import KernelManager  # noqa: E402
from support.factory import World  # noqa: E402

from jupyter_envpanel.core.service import EnvService  # noqa: E402
from jupyter_envpanel.kernelspec import EnvPanelKernelSpecManager  # noqa: E402


def start_once(ksm: EnvPanelKernelSpecManager, name: str) -> float:
    """Start a kernel, wait for its kernel_info reply, shut it down; return the start time in ms."""
    km = KernelManager(kernel_name=name, kernel_spec_manager=ksm)
    start = time.perf_counter()
    km.start_kernel(stderr=subprocess.DEVNULL)
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        elapsed = (time.perf_counter() - start) * 1000
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
    return elapsed


def _run_ms(argv: list, env: dict) -> float:
    """Return how long a command takes to run, in ms."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    """Build two envs (with and without activate.d) and a plain spec, then alternate starts."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="envpanel-kbench-"))
    world = World(base)
    world.home.mkdir()
    world.root.mkdir()
    envs = world.home / "miniconda3" / "envs"
    scripted = world.conda_env(
        envs / "scripted",
        ipykernel=True,
        runnable=True,
        state_vars={"FROM_STATE": "1"},
        activate={"10-a.sh": "export A=1\n", "20-b.sh": 'export PATH="$CONDA_PREFIX/extra:$PATH"\n'},
    )
    world.conda_env(envs / "plainenv", ipykernel=True, runnable=True)
    plain_dir = base / "kernels" / "plain"
    plain_dir.mkdir(parents=True)
    argv = [str(scripted / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (plain_dir / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "plain", "language": "python"})
    )
    ksm = EnvPanelKernelSpecManager(service=EnvService(world.host()), kernel_dirs=[str(base / "kernels")])
    names = {
        "plain python -m ipykernel_launcher": "plain",
        "activated, 2 activate.d scripts": "conda-env-scripted-py",
        "activated, no scripts (no wrapper)": "conda-env-plainenv-py",
    }
    for label, name in names.items():
        print(f"{label:38} argv[0] = {ksm.get_kernel_spec(name).argv[0]}")
    start_once(ksm, "plain")  # warm the page cache once
    times = {label: [] for label in names}
    for _ in range(args.repeat):
        for label, name in names.items():
            times[label].append(start_once(ksm, name))
    wrapper = ksm.get_kernel_spec("conda-env-scripted-py").argv[:4]
    env = {**ksm.get_kernel_spec("conda-env-scripted-py").env, "PATH": "/usr/bin:/bin"}
    direct = [_run_ms(["true"], env) for _ in range(50)]
    wrapped = [_run_ms([*wrapper, "/bin/true"], env) for _ in range(50)]
    cost = statistics.median(wrapped) - statistics.median(direct)
    print(f"{'wrapper alone (bash + 2 scripts + exec)':38} +{cost:.1f} ms over running the command directly")
    base_med = statistics.median(times["plain python -m ipykernel_launcher"])
    base_min = min(times["plain python -m ipykernel_launcher"])
    for label, values in times.items():
        med, low = statistics.median(values), min(values)
        print(
            f"{label:38} median {med:6.1f} ms ({100 * (med - base_med) / base_med:+5.1f} %)"
            f"  min {low:6.1f} ms ({100 * (low - base_min) / base_min:+5.1f} %)"
        )


if __name__ == "__main__":
    main()
