"""The bootstrap of the agreement measures, vectorised: every resample's figure computed with numpy.

The measures are defined once, in pure Python, in :mod:`cyberclaims.core.agreement` (they give the published
values); here each is recomputed for many resamples at once from the same unit summaries, with the same
arithmetic (tests check both agree on random resamples). A resample is a vector of multiplicities, one per
unit (an article, or a single item), drawn with replacement from a seeded generator; a unit drawn twice
counts twice and is never paired with its own copy. Imported only when intervals are computed: the CLI
starts without numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .sampling import percentile_interval

CHUNK = 100  # resamples drawn and scored at once (bounds the memory of a large corpus)


def multiplicities(units: int, resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of rows, one row per resample: how many times each of ``units`` was drawn (``units`` draws)."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < resamples:
        rows = min(CHUNK, resamples - done)
        drawn = rng.integers(0, units, size=(rows, units))
        flat = (drawn + units * np.arange(rows)[:, None]).ravel()
        yield np.bincount(flat, minlength=rows * units).reshape(rows, units)
        done += rows


def intervals(
    layer: str, units: Sequence[Any], keys: Sequence[str], resamples: int, seed: int
) -> dict[str, list[float] | None]:
    """Percentile 95% intervals of ``keys`` of the measure of ``layer`` over resamples of its ``units``
    (summaries, as :data:`cyberclaims.core.agreement.MEASURES` makes them). A resample in which a figure is
    undefined is left out of its interval."""
    if not units or not keys:
        return dict.fromkeys(keys)
    score = VECTORISED[layer](units)
    values: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    for block in multiplicities(len(units), resamples, seed):
        figures = score(block)
        for k in keys:
            values[k].append(figures[k])
    result = {}
    for k, parts in values.items():
        column = np.concatenate(parts)
        result[k] = percentile_interval(column[~np.isnan(column)].tolist())
    return result


def _ratio(numerator: np.ndarray, denominator: np.ndarray, undefined: np.ndarray) -> np.ndarray:
    """numerator / denominator; NaN where ``undefined`` (nothing on either side)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), 0.0)
    return np.where(undefined, np.nan, value)


def _f1(p: np.ndarray, r: np.ndarray, undefined: np.ndarray) -> np.ndarray:
    return _ratio(2 * p * r, p + r, undefined)


# ---------------------------------------------------------------------------------------------
# One vectorised scorer per measure: unit summaries in, a function of a block of multiplicities out.

Scorer = Callable[[np.ndarray], dict[str, np.ndarray]]


def _spans(units: Sequence[tuple[int, int, int]]) -> Scorer:
    matched, in_a, in_b = (np.array(column, dtype=np.int64) for column in zip(*units))

    def score(w: np.ndarray) -> dict[str, np.ndarray]:
        m, a, b = w @ matched, w @ in_a, w @ in_b
        return {"value": _ratio(2 * m, a + b, a + b == 0)}

    return score


def _share(units: Sequence[tuple[int, int]]) -> Scorer:
    same, compared = (np.array(column, dtype=np.int64) for column in zip(*units))

    def score(w: np.ndarray) -> dict[str, np.ndarray]:
        c = w @ compared
        return {"value": _ratio(w @ same, c, c == 0)}

    return score


def _mean(units: Sequence[tuple[int, float]]) -> Scorer:
    count = np.array([n for n, _ in units], dtype=np.int64)
    total = np.array([t for _, t in units], dtype=np.float64)

    def score(w: np.ndarray) -> dict[str, np.ndarray]:
        n = w @ count
        return {"value": _ratio(w @ total, n, n == 0)}

    return score


def _sets(units: Sequence[Any]) -> Scorer:
    both = np.array([u.both for u in units], dtype=np.int64)
    in_a = np.array([u.in_a for u in units], dtype=np.int64)
    in_b = np.array([u.in_b for u in units], dtype=np.int64)

    def score(w: np.ndarray) -> dict[str, np.ndarray]:
        x, a, b = w @ both, w @ in_a, w @ in_b
        return {"value": _ratio(2 * x, a + b, a + b - x == 0)}

    return score


def _kappa(units: Sequence[Any]) -> Scorer:
    pairs = sorted({pair for counter in units for pair in counter})
    labels = sorted({label for pair in pairs for label in pair})
    counts = np.array([[counter.get(pair, 0) for pair in pairs] for counter in units], dtype=np.int64)
    same = np.array([a == b for a, b in pairs], dtype=np.int64)
    first = np.array([[a == label for label in labels] for a, _ in pairs], dtype=np.int64).reshape(len(pairs), -1)
    second = np.array([[b == label for label in labels] for _, b in pairs], dtype=np.int64).reshape(len(pairs), -1)

    def score(w: np.ndarray) -> dict[str, np.ndarray]:
        totals = w @ counts  # resamples x pairs
        n = totals.sum(axis=1)
        agreeing = totals @ same
        chance = ((totals @ first) * (totals @ second)).sum(axis=1)  # n^2 times the expected agreement
        undefined = (n == 0) | (chance == n * n)
        with np.errstate(divide="ignore", invalid="ignore"):
            safe = np.where(undefined, 1, n)
            observed = agreeing / safe
            expected = chance / (safe * safe)
            kappa = (observed - expected) / np.where(undefined, 1.0, 1 - expected)
        return {"value": np.where(undefined, np.nan, kappa)}

    return score


def _clusters(units: Sequence[dict[str, Any] | None]) -> Scorer:
    """As :func:`cyberclaims.core.clustering.clustering_score`, for units that each name their document."""
    present = [(number, stats) for number, stats in enumerate(units) if stats is not None]
    documents = {stats["document"] for _, stats in present}
    document_index = {d: i for i, d in enumerate(sorted(documents, key=str))}
    parts: dict[str, dict[str, Any]] = {}
    for part in ("gold", "pred", "joint"):
        keys = sorted({key for _, stats in present for key in stats[part]}, key=str)
        index = {key: i for i, key in enumerate(keys)}
        rows = [
            (number, index[key], n, document_index[stats["document"]])
            for number, stats in present
            for key, n in stats[part].items()
        ]
        unit, key, count, document = (
            (np.array(column, dtype=np.int64) for column in zip(*rows)) if rows else (np.zeros(0, dtype=np.int64),) * 4
        )
        squares = np.zeros(len(units), dtype=np.int64)
        np.add.at(squares, unit, count * count)
        parts[part] = {
            "unit": unit,
            "key": key,
            "count": count,
            "keys": len(keys),
            "index": index,
            "squares": squares,
            "cell": document * max(len(keys), 1) + key,
            "cells": len(document_index) * max(len(keys), 1),
        }
    joint = parts["joint"]
    # each joint entry's gold and predicted key, and its unit's count of them
    gold_of = {(number, key): n for number, stats in present for key, n in stats["gold"].items()}
    pred_of = {(number, key): n for number, stats in present for key, n in stats["pred"].items()}
    entries = [(number, k, p) for number, stats in present for (k, p) in stats["joint"]]
    gold_key = np.array([parts["gold"]["index"][k] for _, k, _ in entries], dtype=np.int64)
    pred_key = np.array([parts["pred"]["index"][p] for _, _, p in entries], dtype=np.int64)
    gold_here = np.array([gold_of[(number, k)] for number, k, _ in entries], dtype=np.int64)
    pred_here = np.array([pred_of[(number, p)] for number, _, p in entries], dtype=np.int64)

    def pairs(part: dict[str, Any], w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(totals per key, pairs, cross-document pairs) of every resample of the block."""
        rows = w.shape[0]
        weighted = w[:, part["unit"]] * part["count"]  # resamples x entries
        offsets = np.arange(rows)[:, None]
        totals = np.bincount((part["key"] + part["keys"] * offsets).ravel(), weighted.ravel(), rows * part["keys"])
        totals = totals.reshape(rows, part["keys"]).astype(np.int64)
        cells = np.bincount((part["cell"] + part["cells"] * offsets).ravel(), weighted.ravel(), rows * part["cells"])
        same_document = (cells.reshape(rows, part["cells"]).astype(np.int64) ** 2).sum(axis=1)
        copies = ((w * (w - 1) // 2) * part["squares"]).sum(axis=1)
        squared = (totals * totals).sum(axis=1)
        return totals, (squared - totals.sum(axis=1)) // 2 - copies, (squared - same_document) // 2

    def score(w: np.ndarray) -> dict[str, np.ndarray]:
        gold, gold_pairs, gold_cross = pairs(parts["gold"], w)
        pred, pred_pairs, pred_cross = pairs(parts["pred"], w)
        both, both_pairs, both_cross = pairs(joint, w)
        m = w[:, joint["unit"]]
        rows = np.arange(w.shape[0])[:, None]
        together = both[rows, joint["key"]] - (m - 1) * joint["count"]
        drawn = m > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            recall = np.where(drawn, m * joint["count"] * together / (gold[rows, gold_key] - (m - 1) * gold_here), 0.0)
            precision = np.where(
                drawn, m * joint["count"] * together / (pred[rows, pred_key] - (m - 1) * pred_here), 0.0
            )
        n_gold, n_pred = gold.sum(axis=1), pred.sum(axis=1)
        nothing = (n_gold == 0) & (n_pred == 0)
        bp = _ratio(precision.sum(axis=1), n_pred, nothing)
        br = _ratio(recall.sum(axis=1), n_gold, nothing)

        def f1(correct: np.ndarray, predicted: np.ndarray, reference: np.ndarray) -> np.ndarray:
            undefined = (predicted == 0) & (reference == 0)
            return _f1(_ratio(correct, predicted, undefined), _ratio(correct, reference, undefined), undefined)

        return {
            "pairwise_f1": f1(both_pairs, pred_pairs, gold_pairs),
            "cross_document_pairwise_f1": f1(both_cross, pred_cross, gold_cross),
            "bcubed_f1": _f1(bp, br, nothing),
        }

    return score


VECTORISED: dict[str, Callable[[Sequence[Any]], Scorer]] = {
    "mentions": _spans,
    "linking": _share,
    "claims": _spans,
    "claimer": _kappa,
    "attribution": _kappa,
    "certainty": _kappa,
    "about": _sets,
    "normalized": _mean,
    "propositions": _clusters,
    "events": _clusters,
}
