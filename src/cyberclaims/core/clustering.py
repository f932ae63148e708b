"""Pure scores shared by the benchmark and the agreement between passes: P/R/F1 and clustering scores.

A ratio whose denominator is 0 is 0.0 (as in seqeval and scikit-learn), except when there is nothing on
either side: then it is ``None`` (undefined).

:func:`clustering_score` compares two clusterings of claims (gold/predicted, or pass A/pass B) from
per-article counts (``stats``: ``gold`` and ``pred`` Counters of cluster keys, ``joint`` a Counter of
(gold key, predicted key) of the claims both sides hold), each with a weight (an article drawn twice by the
bootstrap has weight 2, and its two copies are never paired with each other). A unit is an article, or a
part of one named by ``document`` in its stats (a single claim, when claims are resampled one by one):
pairs within a document are never cross-document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

Stats = dict[str, Any]


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def prf(correct: float, predicted: float, gold: float) -> dict[str, float | None]:
    """Precision, recall, F1; 0 for a zero denominator, None when both sides are empty."""
    if not predicted and not gold:
        return {"precision": None, "recall": None, "f1": None}
    p, r = ratio(correct, predicted), ratio(correct, gold)
    return {"precision": p, "recall": r, "f1": ratio(2 * p * r, p + r)}


def cluster_pairs(total: Counter, weighted: Sequence[tuple[Stats, int]], part: str) -> tuple[int, int]:
    """(pairs, cross-document pairs) of items sharing a key, leaving out pairs between copies of a unit.

    A unit is one document unless its stats name another (``document``): a unit may be a single claim
    of a document (items resampled one by one), and pairs within one document are never cross-document.
    """
    pairs = sum(n * (n - 1) // 2 for n in total.values())
    copies = 0
    # pairs across documents, per key: (T^2 - sum over documents of S^2) / 2, T the key's items, S a document's
    same_document = 0
    parts_of: dict[Any, list[tuple[Counter, int, int]]] = {}  # the units of each document named in stats
    for number, (stats, m) in enumerate(weighted):
        squares = sum(n * n for n in stats[part].values())
        copies += m * (m - 1) // 2 * squares
        parts_of.setdefault(stats.get("document", ("unit", number)), []).append((stats[part], m, squares))
    for parts in parts_of.values():
        if len(parts) == 1:  # a document that is one unit (an article): its S is m n per key
            _, m, squares = parts[0]
            same_document += m * m * squares
            continue
        counts: Counter[Any] = Counter()
        for counter, m, _ in parts:
            for key, n in counter.items():
                counts[key] += m * n
        same_document += sum(n * n for n in counts.values())
    across = (sum(n * n for n in total.values()) - same_document) // 2
    return pairs - copies, across


def clustering_score(weighted: Sequence[tuple[Stats, int]]) -> dict[str, Any]:
    """Pairwise, cross-document pairwise and B-cubed P/R/F1 of the ``pred`` clustering against ``gold``."""
    totals: dict[str, Counter[Any]] = {part: Counter() for part in ("gold", "pred", "joint")}
    for stats, m in weighted:
        for part, counter in totals.items():
            for key, n in stats[part].items():
                counter[key] += m * n
    gold_pairs, gold_cross = cluster_pairs(totals["gold"], weighted, "gold")
    pred_pairs, pred_cross = cluster_pairs(totals["pred"], weighted, "pred")
    both_pairs, both_cross = cluster_pairs(totals["joint"], weighted, "joint")
    # B-cubed: each claim's share of its cluster that the other clustering also puts with it; the
    # clusters seen by a claim leave out the other copies of its own article.
    recall_sum = precision_sum = 0.0
    for stats, m in weighted:
        for (k, p), n in stats["joint"].items():
            together = totals["joint"][(k, p)] - (m - 1) * n
            recall_sum += m * n * together / (totals["gold"][k] - (m - 1) * stats["gold"][k])
            precision_sum += m * n * together / (totals["pred"][p] - (m - 1) * stats["pred"][p])
    n_gold, n_pred = sum(totals["gold"].values()), sum(totals["pred"].values())
    bcubed: dict[str, float | None]
    if n_gold or n_pred:
        bp, br = ratio(precision_sum, n_pred), ratio(recall_sum, n_gold)
        bcubed = {"precision": bp, "recall": br, "f1": ratio(2 * bp * br, bp + br)}
    else:
        bcubed = {"precision": None, "recall": None, "f1": None}
    pairwise = prf(both_pairs, pred_pairs, gold_pairs)
    cross = prf(both_cross, pred_cross, gold_cross)
    return {
        **{f"pairwise_{k}": v for k, v in pairwise.items()},
        **{f"bcubed_{k}": v for k, v in bcubed.items()},
        **{f"cross_document_pairwise_{k}": v for k, v in cross.items()},
        "gold_claims": n_gold,
        "predicted_claims": n_pred,
        "matched_claims": sum(totals["joint"].values()),
        "gold_clusters": len(totals["gold"]),
        "predicted_clusters": len(totals["pred"]),
        "gold_pairs": gold_pairs,
        "predicted_pairs": pred_pairs,
        "correct_pairs": both_pairs,
        "gold_cross_document_pairs": gold_cross,
        "predicted_cross_document_pairs": pred_cross,
        "correct_cross_document_pairs": both_cross,
    }
