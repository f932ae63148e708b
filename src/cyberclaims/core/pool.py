"""Work in batches, in a process pool when it pays, with results in the order of the batches.

Both validation (``validate --jobs``) and the build cut a corpus into batches of articles; the results
are merged in batch order, so nothing depends on scheduling or on the number of workers. The context a
batch needs (the registries, the output folder) goes to each worker once, not with every batch.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence, Sized
from concurrent.futures import Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from .libc import libc
from .progress import Bar

C = TypeVar("C")
T = TypeVar("T", bound=Sized)
R = TypeVar("R")

# Batches in flight per worker. A batch that takes long (one that is checked while the others come
# from the build's cache) must not leave the other workers idle, and a result is small (figures; the
# rows are on disk), so many may wait.
IN_FLIGHT = 32


def map_in_order(
    work: Callable[[C, T], R], context: C, batches: Sequence[T], *, workers: int, desc: str, show_progress: bool = True
) -> Iterator[R]:
    """``work(context, batch)`` for each batch, yielded in batch order; ``workers`` > 1 runs them in a pool.

    ``work`` must be a module-level function (it is sent to the workers by name). A progress bar counts
    the batches' items (``len(batch)``) on a terminal. At most ``IN_FLIGHT`` batches per worker wait, so
    memory stays flat whatever the corpus.
    """
    # The bar shows from the start and counts articles, a batch at a time; while a batch is awaited it is
    # refreshed, so its clock moves even when a batch takes long.
    with Bar(sum(len(b) for b in batches), desc=desc, unit="article", enabled=show_progress) as bar:
        if workers <= 1 or len(batches) <= 1:
            for batch in batches:
                yield work(context, batch)
                bar.update(len(batch))
            return
        with ProcessPoolExecutor(workers, initializer=init_worker, initargs=(context, os.getpid())) as pool:
            pending: deque[tuple[int, Future[R]]] = deque()
            for batch in batches:
                pending.append((len(batch), pool.submit(_in_worker, work, batch)))
                if len(pending) >= IN_FLIGHT * workers:
                    size, future = pending.popleft()
                    yield _awaited(future, bar)
                    bar.update(size)
            while pending:
                size, future = pending.popleft()
                yield _awaited(future, bar)
                bar.update(size)


REFRESH_SECONDS = 0.5


def _awaited(future: Future[R], bar: Bar) -> R:
    """The result of ``future``; the bar is refreshed while it is awaited (only when a bar is shown)."""
    while bar.shown and not wait([future], timeout=REFRESH_SECONDS).done:
        bar.refresh()
    return future.result()


_CONTEXT: Any = None


def init_worker(context: Any, parent: int | None = None) -> None:
    """A worker's start: keep the context every batch of this map needs, and die with the parent."""
    global _CONTEXT
    _CONTEXT = context
    if parent is not None:
        die_with_parent(parent)


def _in_worker(work: Callable[[Any, Any], R], batch: Any) -> R:
    return work(_CONTEXT, batch)


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this worker die when the process that started it dies, even by ``kill -9`` (which runs no
    clean-up): a worker holds a large part of the corpus in memory and would otherwise run on for ever.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``. Elsewhere (or if prctl is unavailable) a daemon thread
    watches the parent's pid and ends the worker when it changes.
    """
    armed = False
    if sys.platform.startswith("linux"):
        c = libc()
        try:
            armed = c is not None and c.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except AttributeError:
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="cyberclaims-parent-watch", daemon=True).start()
