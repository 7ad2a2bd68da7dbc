"""A burst of hostile requests costs bounded memory and time: 32 concurrent fan-out drift requests.

The repository (as issue #23 found it): r0.txt holds `-r r1.txt` 2,000 times, r1.txt `-r r2.txt` 2,000
times, r2.txt `-r r3.txt` 2,000 times (41 KB in all, no cycle); environment.yml includes r0.txt.
A real Jupyter server with the extension runs in a child process; its RSS is sampled from /proc
while 32 requests run at once, then a listing request is timed.

Usage: python benchmarks/bench_hostile.py [--requests 32]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def rss_mib(pid: int) -> float:
    """Return a process's resident set size in MiB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_repo(root: Path, home: Path) -> None:
    """Write the fan-out repository into the server root and one conda env to compare."""
    for level in range(3):
        (root / f"r{level}.txt").write_text(f"-r r{level + 1}.txt\n" * 2000)
    (root / "r3.txt").write_text("numpy\n")
    (root / "environment.yml").write_text("dependencies:\n  - python\n  - pip:\n    - -r r0.txt\n")
    base = home / "miniconda3"
    (base / "conda-meta").mkdir(parents=True)
    (base / "conda-meta" / "history").write_text("")


def get(url: str) -> tuple:
    """GET a URL; return (status, seconds, body)."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            body = answer.read()
            code = answer.status
    except urllib.error.HTTPError as err:
        body, code = err.read(), err.code
    return code, time.perf_counter() - start, body


def main() -> None:
    """Start a server, measure its RSS under the burst, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="envpanel-hostile-") as tmp:
        home, root = Path(tmp) / "home", Path(tmp) / "root"
        home.mkdir()
        root.mkdir()
        write_repo(root, home)
        port, token = free_port(), "bench"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDA", "MAMBA", "JUPYTER"))}
        env.update(HOME=str(home), JUPYTER_RUNTIME_DIR=str(Path(tmp) / "runtime"))
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", f"--port={port}", "--no-browser", "--allow-root",
             f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if get(f"{base}/api/status?token={token}")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            get(f"{base}/envpanel/api/environments?token={token}")  # warm
            before = rss_mib(server.pid)
            peak = [before]
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.is_set():
                    peak.append(rss_mib(server.pid))
                    time.sleep(0.05)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            url = f"{base}/envpanel/api/environments/base/drift?file=environment.yml&token={token}"
            start = time.perf_counter()
            with ThreadPoolExecutor(args.requests) as pool:
                answers = list(pool.map(lambda _: get(url), range(args.requests)))
            burst = time.perf_counter() - start
            code, listing_s, _ = get(f"{base}/envpanel/api/environments?token={token}")
            time.sleep(1.0)
            sampling.set()
            sampler.join()
            after = rss_mib(server.pid)
            codes = sorted({c for c, _, _ in answers})
            message = json.loads(answers[0][2]).get("message", "")
            print(f"server RSS before the burst     {before:8.1f} MiB")
            print(f"server RSS peak during it       {max(peak):8.1f} MiB  (+{max(peak) - before:.1f} MiB)")
            print(f"server RSS 1 s after            {after:8.1f} MiB")
            print(f"{args.requests} drift requests answered in {burst:6.2f} s, status {codes}")
            print(f"slowest single answer           {max(t for _, t, _ in answers):8.2f} s")
            print(f"listing right after             {listing_s * 1000:8.1f} ms (status {code})")
            print(f"the answer says: {message[:150]}")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
