"""A bounded pool for the routes' disk work, with a time limit: a stuck read never hangs a request.

Each call runs in a daemon thread (so a read that never returns cannot block the server's exit),
at most `workers` at a time, with a budget of its own (core/budget.py: files, bytes, entries). A
call that exceeds the time limit is abandoned: the request answers 503, its slot is freed and its
budget is cancelled, so its work stops at the next file or entry it reaches; a thread stuck in the
disk itself finishes (or not) on its own. Once `max_abandoned` threads are still running, calls
are refused at once instead of piling up more threads.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from .core.base.budget import Budget, spending

T = TypeVar("T")


class PoolBusy(Exception):
    """The work did not finish within the time limit, or too many earlier reads are stuck."""


class DiskPool:
    """Runs blocking callables off the event loop: bounded, time-limited, never joined at exit."""

    def __init__(self, workers: int = 8, timeout: float = 30.0, max_abandoned: int = 32) -> None:
        """Remember the limits; the semaphore binds to the loop on first use."""
        self.workers = workers
        self.timeout = timeout
        self.max_abandoned = max_abandoned
        self._slots: asyncio.Semaphore | None = None
        self._abandoned = 0
        self._lock = threading.Lock()

    @property
    def abandoned(self) -> int:
        """Return how many abandoned calls are still running."""
        return self._abandoned

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Return func(*args) computed in a thread; raise PoolBusy past the time limit."""
        if self._abandoned >= self.max_abandoned:
            raise PoolBusy(f"{self._abandoned} earlier disk reads are still stuck")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        try:
            await asyncio.wait_for(self._slots.acquire(), self.timeout)
        except asyncio.TimeoutError:
            raise PoolBusy(f"every worker stayed busy for {self.timeout:g} s") from None
        done: asyncio.Future[T] = loop.create_future()
        state = {"abandoned": False, "finished": False}
        budget = Budget()

        def settle(outcome: tuple[T] | BaseException) -> None:
            if done.done():
                return
            if isinstance(outcome, BaseException):
                done.set_exception(outcome)
            else:
                done.set_result(outcome[0])

        def work() -> None:
            outcome: tuple[T] | BaseException  # the result, or the error
            try:
                with spending(budget):
                    outcome = (func(*args),)
            except BaseException as err:  # handed to the awaiting request as is
                outcome = err
            with self._lock:
                state["finished"] = True
                if state["abandoned"]:
                    self._abandoned -= 1
                    return
            if not loop.is_closed():
                loop.call_soon_threadsafe(settle, outcome)

        threading.Thread(target=work, name="envpanel-disk", daemon=True).start()
        try:
            return await asyncio.wait_for(asyncio.shield(done), max(deadline - loop.time(), 0.001))
        except asyncio.TimeoutError:
            budget.cancel()  # its work stops at the next checkpoint
            with self._lock:
                if not state["finished"]:
                    state["abandoned"] = True
                    self._abandoned += 1
            raise PoolBusy(f"a disk read did not finish within {self.timeout:g} s") from None
        finally:
            self._slots.release()
