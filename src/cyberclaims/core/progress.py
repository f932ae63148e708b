"""Progress bars for long work: shown on a terminal, silent when piped or in CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

# Below this many items a bar is noise: it would flash and vanish.
MIN_ITEMS = 200


def wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def progress(
    items: Iterable[T],
    *,
    desc: str,
    unit: str = "it",
    total: int | None = None,
    enabled: bool = True,
    min_items: int = MIN_ITEMS,
) -> Iterator[T]:
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if not enabled or not wanted() or (total is not None and total < min_items):
        yield from items
        return
    from tqdm import tqdm  # imported only when a bar is shown: start-up stays fast

    yield from tqdm(items, desc=desc, unit=unit, total=total, file=sys.stderr, leave=False)
