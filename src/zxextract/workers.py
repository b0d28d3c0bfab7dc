"""The one parallel engine of ``zxextract extract`` and :meth:`Extractor.pipe`: worker processes that cannot hang a run.

Each worker is forked from the parent, so it inherits the loaded pipeline
(no second load, memory pages shared); where fork is not safe (Windows,
macOS) it is spawned and the function travels to it by pickle. A worker holds
one task at a time, so the parent always knows which page a worker was on:

* a worker that dies (``kill -9``, the OOM killer, a crash in native code) is
  replaced by a fresh one that retries its page once; if that one dies too,
  the page's result is a :class:`Lost` with the reason
  (``worker died: signal 9``) and the run goes on;
* a page over the time or memory :class:`Budget` has its worker killed and is
  :class:`Lost` at once (a retry would cost the same again).

Results come back in input order, with at most ``window`` tasks per worker
in flight or waiting to be yielded, so memory stays flat on any batch.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

POLL_SECONDS = 0.25  # how often budgets are checked while every worker is busy
STOP_SECONDS = 5.0  # how long a worker told to stop may take before it is killed
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Budget:
    """What one task may cost before its worker is killed; None for no limit.

    ``memory_mb`` is the growth of the worker's resident memory during the
    task (Linux only: read from /proc). The defaults are far above what a
    real page costs (about 1 s and 100 MB per 100,000 characters) and below
    what would starve the machine.
    """

    seconds: float | None = 600.0
    memory_mb: float | None = 4096.0


DEFAULT_BUDGET = Budget()


@dataclass(frozen=True)
class Lost:
    """A task that has no result: its worker died or was killed; ``reason`` says which."""

    reason: str


@dataclass
class _Raised:
    """An exception the function raised in the worker, re-raised in the parent at that task's place."""

    error: BaseException


def start_method() -> str:
    """ "fork" where it is available and safe (Linux and other POSIX but macOS), else "spawn"."""
    if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def parallel_map(
    function: Callable[[Item], Result],
    items: Iterable[Item],
    workers: int,
    budget: Budget = DEFAULT_BUDGET,
    window: int = 4,
) -> Iterator[Result | Lost]:
    """``function(item)`` for each item, in input order, in ``workers`` processes; a lost task gives a :class:`Lost`.

    An exception raised by ``function`` is raised here, at its item's place
    (after the results before it); the workers are stopped whenever this
    generator ends, is closed, or is interrupted.
    """
    pool = _Pool(function, max(1, workers), budget)
    try:
        yield from pool.run(iter(items), max(1, window) * pool.size)
    finally:
        pool.close()


class _Worker(Generic[Item]):
    """One worker process, its end of the pipe, and the task it holds."""

    def __init__(self, context: Any, function: Callable[[Item], Any]) -> None:
        self.conn: Connection
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, function), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[int, Item, bool] | None = None  # (index, item, already retried)
        self.started = 0.0
        self.baseline = 0

    def give(self, task: tuple[int, Item, bool]) -> None:
        self.task = task
        self.started = time.monotonic()
        self.baseline = _resident(self.process.pid)
        self.conn.send((task[0], task[1]))

    def death(self) -> str:
        """Why the process ended, once it has."""
        self.process.join()
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"worker died: signal {-code}"
        return f"worker died: exit code {code}"

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class _Pool(Generic[Item, Result]):
    def __init__(self, function: Callable[[Item], Result], size: int, budget: Budget) -> None:
        self.function = function
        self.size = size
        self.budget = budget
        self.context = multiprocessing.get_context(start_method())
        self.workers: list[_Worker[Item]] = []

    def run(self, items: Iterator[Item], window: int) -> Iterator[Result | Lost]:
        queue: deque[tuple[int, Item, bool]] = deque()
        results: dict[int, Result | Lost | _Raised] = {}
        fed = done = 0
        exhausted = False
        while True:
            while not exhausted and fed - done < window:
                try:
                    queue.append((fed, next(items), False))
                    fed += 1
                except StopIteration:
                    exhausted = True
            while done in results:
                result = results.pop(done)
                done += 1
                if isinstance(result, _Raised):
                    raise result.error
                yield result
            if exhausted and done == fed:
                return
            self._assign(queue)
            self._wait(queue, results)

    def _assign(self, queue: deque[tuple[int, Item, bool]]) -> None:
        """Start workers as needed and give every idle one the next task (an idle one found dead is replaced)."""
        for worker in [w for w in self.workers if w.task is None and not w.process.is_alive()]:
            self._drop(worker)
        while len(self.workers) < min(self.size, len(queue) + self._busy()):
            self.workers.append(_Worker(self.context, self.function))
        for worker in list(self.workers):
            if worker.task is None and queue:
                task = queue.popleft()
                try:
                    worker.give(task)
                except OSError:  # it died since: the task waits for the next worker
                    worker.task = None
                    queue.appendleft(task)
                    self._drop(worker)

    def _busy(self) -> int:
        return sum(worker.task is not None for worker in self.workers)

    def _wait(self, queue: deque[tuple[int, Item, bool]], results: dict[int, Any]) -> None:
        """Block until a worker answers or dies, or a budget is due; record what happened."""
        busy = [worker for worker in self.workers if worker.task is not None]
        if not busy:
            return
        handles: dict[Any, _Worker[Item]] = {worker.conn: worker for worker in busy}
        handles |= {worker.process.sentinel: worker for worker in busy}
        for ready in wait(list(handles), timeout=self._timeout(busy)):
            worker = handles[ready]
            if worker.task is None or worker not in self.workers:
                continue  # already handled through its other handle
            if ready is worker.conn:
                try:
                    index, (ok, value) = worker.conn.recv()
                except (EOFError, OSError):
                    self._replace(worker, worker.death(), queue, results)
                    continue
                results[index] = value if ok else _Raised(value)
                worker.task = None
            elif not worker.conn.poll():  # dead, with no answer left in the pipe
                self._replace(worker, worker.death(), queue, results)
        for worker in busy:
            if worker.task is not None and worker in self.workers:
                over = self._over_budget(worker)
                if over is not None:
                    assert worker.task is not None
                    results[worker.task[0]] = Lost(over)
                    worker.task = None
                    self._drop(worker)

    def _timeout(self, busy: list[_Worker[Item]]) -> float | None:
        if self.budget.memory_mb is not None:
            return POLL_SECONDS
        if self.budget.seconds is None:
            return None
        now = time.monotonic()
        return max(0.0, min(worker.started + self.budget.seconds - now for worker in busy)) + 0.01

    def _over_budget(self, worker: _Worker[Item]) -> str | None:
        seconds, memory = self.budget.seconds, self.budget.memory_mb
        if seconds is not None and time.monotonic() - worker.started > seconds:
            return f"over the time budget ({seconds:g} s)"
        if memory is not None and _resident(worker.process.pid) - worker.baseline > memory * 2**20:
            return f"over the memory budget ({memory:g} MB)"
        return None

    def _replace(self, worker: _Worker[Item], reason: str, queue: deque[tuple[int, Item, bool]], results: dict[int, Any]) -> None:
        """A worker died holding a task: retry it once in a fresh worker, or give it up as lost."""
        task = worker.task
        worker.task = None
        self._drop(worker)
        if task is None:
            return
        index, item, retried = task
        if retried:
            results[index] = Lost(reason)
            return
        fresh: _Worker[Item] = _Worker(self.context, self.function)
        self.workers.append(fresh)
        fresh.give((index, item, True))

    def _drop(self, worker: _Worker[Item]) -> None:
        self.workers.remove(worker)
        worker.kill()

    def close(self) -> None:
        """Stop every worker: idle ones are asked to exit, busy or stuck ones are killed."""
        for worker in self.workers:
            if worker.task is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self.workers:
            if worker.task is None:
                worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.kill()
        self.workers.clear()


def _serve(conn: Connection, function: Callable[[Any], Any]) -> None:
    """A worker's loop: run each task it is sent until told to stop (None) or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item = task
        try:
            answer: tuple[bool, Any] = (True, function(item))
        except BaseException as error:  # noqa: BLE001 - every failure goes back to be raised in the parent
            answer = (False, error)
        try:
            conn.send((index, answer))
        except Exception as error:  # noqa: BLE001 - an unpicklable result or exception, whatever it raises
            conn.send((index, (False, RuntimeError(f"the worker could not send its result back: {error!r}"))))


def _resident(pid: int | None) -> int:
    """Resident memory of ``pid`` in bytes (0 where /proc is not there)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0
