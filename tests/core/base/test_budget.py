"""Every request's work is bounded: fan-out, nesting and entries stop at a budget; abandoned work stops."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.factory import child_environ

from jupyter_envpanel.core.base.budget import Budget, Cancelled, Limits, checkpoint, current, spending
from jupyter_envpanel.core.base.errors import EnvFileError
from jupyter_envpanel.core.requirements.envfile import parse_envfile, parse_requirements_file
from jupyter_envpanel.pool import DiskPool, PoolBusy

FANOUT = 2000


def fan_out(folder: Path, levels: int = 3, width: int = FANOUT) -> Path:
    """Write r0.txt including r1.txt `width` times, r1 including r2 ... (41 KB in all, no cycle)."""
    for level in range(levels):
        (folder / f"r{level}.txt").write_text(f"-r r{level + 1}.txt\n" * width)
    (folder / f"r{levels}.txt").write_text("numpy\n")
    env = folder / "environment.yml"
    env.write_text("dependencies:\n  - python\n  - pip:\n    - -r r0.txt\n")
    return env


def test_include_fan_out_stops_at_the_budget_and_names_the_file(tmp_path):
    env = fan_out(tmp_path)
    with pytest.raises(EnvFileError) as caught:
        parse_envfile(env, confine=tmp_path)
    err = caught.value
    assert err.status == 422 and "budget of one request" in err.detail
    assert Path(err.path).name in ("r0.txt", "r1.txt", "r2.txt", "r3.txt") and err.line is not None
    assert "entries" in err.detail or "files" in err.detail


def test_each_limit_is_its_own_budget(tmp_path):
    small = Limits(files=3, bytes=1 << 20, entries=50, depth=2)
    chain = tmp_path / "chain"
    chain.mkdir()
    for level in range(5):
        (chain / f"c{level}.txt").write_text(f"-r c{level + 1}.txt\n")
    (chain / "c5.txt").write_text("rich\n")
    with spending(Budget(small)), pytest.raises(EnvFileError, match="nest more than 2 deep"):
        parse_requirements_file(chain / "c0.txt")
    wide = tmp_path / "wide"
    wide.mkdir()
    (wide / "w.txt").write_text("".join(f"-r x{i}.txt\n" for i in range(5)))
    for i in range(5):
        (wide / f"x{i}.txt").write_text("rich\n")
    with spending(Budget(small)), pytest.raises(EnvFileError, match="opens more than 3 files") as caught:
        parse_requirements_file(wide / "w.txt")
    assert (Path(caught.value.path).name, caught.value.line) == ("w.txt", 3)  # where the 4th open is asked
    many = tmp_path / "many.txt"
    many.write_text("".join(f"pkg{i}\n" for i in range(60)))
    with spending(Budget(small)), pytest.raises(EnvFileError, match="more than 50 entries") as caught:
        parse_requirements_file(many)
    assert caught.value.line == 51
    big = tmp_path / "big.txt"
    big.write_text("rich\n" * 10)
    with spending(Budget(Limits(bytes=20))), pytest.raises(EnvFileError, match="reads more than"):
        parse_requirements_file(big)


def test_an_environment_file_with_more_lines_than_the_budget_is_refused_before_parsing(tmp_path):
    env = tmp_path / "environment.yml"
    env.write_text("dependencies:\n" + "".join(f"  - p{i}\n" for i in range(25_000)))
    with pytest.raises(EnvFileError, match="lines and items: past the budget"):
        parse_envfile(env)
    ok = tmp_path / "ok.yml"
    ok.write_text("dependencies:\n" + "".join(f"  - p{i}\n" for i in range(9_000)))
    assert len(parse_envfile(ok).requirements) == 9_000


def test_a_budget_belongs_to_one_request():
    assert current() is not current()  # outside a request: a fresh budget per definition read
    budget = Budget()
    with spending(budget):
        assert current() is budget
        checkpoint()
        budget.cancel()
        with pytest.raises(Cancelled):
            checkpoint()
    checkpoint()  # outside: nothing to cancel


async def test_work_abandoned_by_the_time_limit_stops_at_its_next_checkpoint():
    """The 503 is not the end of it: the thread of an abandoned request stops too."""
    pool = DiskPool(workers=2, timeout=0.2, max_abandoned=4)
    steps = []
    stopped = threading.Event()

    def endless() -> None:
        try:
            while True:
                steps.append(1)
                checkpoint()
                time.sleep(0.01)
        except Cancelled:
            stopped.set()
            raise

    with pytest.raises(PoolBusy):
        await pool.run(endless)
    assert await asyncio.to_thread(stopped.wait, 5)
    for _ in range(100):
        if pool.abandoned == 0:
            break
        await asyncio.sleep(0.02)
    assert pool.abandoned == 0  # its slot among the abandoned is given back
    count = len(steps)
    await asyncio.sleep(0.1)
    assert len(steps) == count  # nothing runs on
    assert await pool.run(lambda: 42) == 42


def test_cli_stops_at_the_budget_with_one_line(tmp_path):
    """`drift` on a fan-out repository exits 2 with a one-line message naming the file (it never returned)."""
    env = fan_out(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "jupyter_envpanel", "drift", sys.prefix, "--file", str(env)],
        cwd=tmp_path,
        env=child_environ(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.splitlines()) == 1 and "budget of one request" in run.stderr
    assert ".txt" in run.stderr


async def test_a_burst_of_fan_out_requests_is_refused_and_the_server_keeps_answering(server_world, jp_fetch):
    """32 concurrent drift requests on a fan-out repository: each a 422 naming the file, none a 503."""
    import json

    from tornado.httpclient import HTTPClientError

    server_world.conda_env(server_world.home / "miniconda3")
    fan_out(server_world.root)

    async def drift() -> tuple:
        try:
            await jp_fetch(
                "envpanel", "api", "environments", "base", "drift", params={"file": "environment.yml"}
            )
        except HTTPClientError as err:
            return err.code, json.loads(err.response.body)
        return 200, {}

    answers = await asyncio.gather(*(drift() for _ in range(32)))
    assert {code for code, _ in answers} == {422}
    assert all(
        "budget of one request" in body["message"] and body["file"].endswith(".txt") for _, body in answers
    )
    listing = await jp_fetch("envpanel", "api", "environments")
    assert listing.code == 200
