"""What a sample can support: the seeded percentile bootstrap, and the floor under which a figure is not shown.

Shared by the benchmark (``cyberclaims evaluate``), the agreement between passes (``cyberclaims agreement``,
the dataset card) and the card's leaderboard, so that every published figure follows one rule:

- :func:`bootstrap`: a percentile 95% interval from resamples drawn with replacement, with a fixed seed
  (the same figures every run). A unit drawn twice counts twice (weight 2); the score functions see
  ``(unit, weight)`` pairs and never pair a unit with its own copy.
- :data:`MIN_MINORITY_ITEMS`: a figure resting on fewer items of its minority class than this (a kappa:
  items outside the majority class in either pass; a clustering: positive pairs; an F1: items) is shown as
  :func:`not_informative` instead of a number: 1.000 on 4 items is not evidence.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

RESAMPLES = 1000  # bootstrap resamples
SEED = 0  # the bootstrap's seed
MIN_ARTICLES = 10  # fewer articles: resampling them says little about the next ones
MIN_MINORITY_ITEMS = 10  # fewer items of a figure's minority class: the figure is not shown

Unit = TypeVar("Unit")


def not_informative(minority: int) -> str:
    """What is shown instead of a figure that rests on ``minority`` (< :data:`MIN_MINORITY_ITEMS`) items."""
    return f"not informative (n={minority})"


def informative(minority: int) -> bool:
    return minority >= MIN_MINORITY_ITEMS


def shown(value: float | None, minority: int) -> str:
    """A figure as every table prints it: three decimals, ``undefined`` when there is none, and
    :func:`not_informative` when it rests on too few minority items (whatever its value)."""
    if not informative(minority):
        return not_informative(minority)
    return "undefined" if value is None else f"{value:.3f}"


def percentile_interval(values: Sequence[float]) -> list[float] | None:
    """The 2.5th and 97.5th percentiles (linear interpolation); None with fewer than two values."""
    if len(values) < 2:
        return None
    cuts = statistics.quantiles(values, n=40, method="inclusive")  # 2.5% steps
    return [cuts[0], cuts[-1]]


def bootstrap(
    units: Sequence[Unit],
    score: Callable[[Sequence[tuple[Unit, int]]], Mapping[str, Any]],
    keys: Sequence[str],
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> dict[str, list[float] | None]:
    """Percentile 95% intervals of ``keys`` of ``score`` over resamples of ``units`` (drawn with replacement).

    A resample in which a figure is undefined (nothing of its kind drawn) is left out of that figure's
    interval; a figure defined in fewer than two resamples has none."""
    rng = random.Random(seed)
    values: dict[str, list[float]] = {k: [] for k in keys}
    n = len(units)
    for _ in range(resamples if n else 0):
        drawn = Counter(rng.randrange(n) for _ in range(n))
        figures = score([(units[i], m) for i, m in sorted(drawn.items())])
        for k in keys:
            if figures[k] is not None:
                values[k].append(figures[k])
    return {k: percentile_interval(v) for k, v in values.items()}
