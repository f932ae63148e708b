"""Progress bars for long work: shown on a terminal, silent when piped or in CI.

A bar shows as soon as the work starts (its description and ``0/total``), so a command is never silent while
its first batch runs; work done in batches advances it by a batch at a time (:meth:`Bar.update`) and
refreshes it while it waits (:meth:`Bar.refresh`: the elapsed time keeps moving).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

# Below this many items a bar is noise: it would flash and vanish. Read when a bar is made (tests lower it).
MIN_ITEMS = 200


def many(items: int) -> bool:
    """Enough items for work over them to take a while (a bar over other units may then be worth showing)."""
    return items >= MIN_ITEMS


def wanted() -> bool:
    """A bar is for a person: stderr is a terminal and ``CI`` is not set."""
    return sys.stderr.isatty() and not os.environ.get("CI")


class Bar:
    """A progress bar over ``total`` items, or nothing at all when it is not :func:`wanted`, not ``enabled``,
    or ``total`` is under ``min_items`` (default :data:`MIN_ITEMS`)."""

    def __init__(
        self, total: int | None, *, desc: str, unit: str = "it", enabled: bool = True, min_items: int | None = None
    ) -> None:
        least = MIN_ITEMS if min_items is None else min_items
        self._bar: Any = None
        if enabled and wanted() and (total is None or total >= least):
            from tqdm import tqdm  # imported only when a bar is shown: start-up stays fast

            self._bar = tqdm(desc=desc, unit=unit, total=total, file=sys.stderr, leave=False)

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def update(self, n: int = 1) -> None:
        if self._bar is not None and n:
            self._bar.update(n)

    def refresh(self) -> None:
        if self._bar is not None:
            self._bar.refresh()

    def write(self, line: str) -> bool:
        """Print ``line`` above the bar (True), or nothing when no bar is shown (False: the caller prints it)."""
        if self._bar is None:
            return False
        self._bar.write(line, file=sys.stderr)
        return True

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def progress(
    items: Iterable[T],
    *,
    desc: str,
    unit: str = "it",
    total: int | None = None,
    enabled: bool = True,
    min_items: int | None = None,
) -> Iterator[T]:
    """``items``, advancing a :class:`Bar` as each is taken."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Bar(total, desc=desc, unit=unit, enabled=enabled, min_items=min_items) as bar:
        for item in items:
            yield item
            bar.update()
