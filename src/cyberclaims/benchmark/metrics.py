"""The measures of the five benchmark tasks: per-article counts (``*_stats``) and the scores pooled from them.

- ``ner``: precision, recall and F1 of mentions that match a gold mention in span and label (the
  CoNLL rule; equal to seqeval's strict IOB2 figures on the ``ner`` config), per label, micro and macro
  (the mean over the labels found in the gold or the predictions, as seqeval). Also the four views that
  nervaluate popularised, with its matching rules (one-to-one, first overlapping gold mention in text
  order, any overlap of at least 1% of the gold tokens): ``strict`` (span and label), ``exact`` (span,
  any label), ``partial`` (span, half credit for an overlap, any label), ``ent_type`` (label, any overlap).
- ``linking``: on the gold mentions of named types that the system found (same span and label), the
  share whose predicted entity key is the gold key (``accuracy``; undefined when none was found). Also
  end-to-end precision/recall/F1 of (span, label, key) among the mentions that carry a key.
- ``claims``: claim span detection P/R/F1, where a predicted claim matches a gold claim when they
  overlap by at least half of the longer span, one-to-one (:func:`cyberclaims.core.agreement.match_claims`).
  On the matched pairs: accuracy and macro-F1 of ``attribution`` and ``certainty``, accuracy of ``claimer``.
- ``propositions``: cross-document alignment. Gold clusters are the gold claims that share a proposition
  key; predicted clusters are the predicted claims that share a predicted key; a predicted claim stands
  for the gold claim it matches (as in ``claims``). Pairwise P/R/F1 over the pairs of claims put in one
  cluster (all pairs, and cross-document pairs only), and B-cubed P/R/F1. **Unmatched claims**: a gold
  claim that no predicted claim matches keeps its gold pairs (they count against recall) and scores 0 in
  B-cubed recall; a predicted claim that matches no gold claim keeps its predicted pairs (they count
  against precision) and scores 0 in B-cubed precision. So a system that finds no claims scores 0, and
  one that is given the gold claim spans is scored on its clustering alone.
- ``events``: the same measures for the ``event`` keys (claims reporting the same real-world event or
  state of affairs, one-way entailment allowed: guidelines section 14A), a coarser clustering than
  propositions. Its reference point is everyone alone (the ``singletons`` baseline: pairwise F1 0, B-cubed
  precision 1), which scores a high B-cubed F1 when most claims are alone anyway.

A ratio whose denominator is 0 is 0.0 (as in seqeval and scikit-learn), except when there is nothing on
either side: then it is ``None`` (undefined). Each score function takes ``(stats, weight)`` pairs, one per
article, so that the bootstrap can count an article drawn twice with weight 2 (see
:func:`cyberclaims.core.sampling.bootstrap`).
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..core.agreement import match_claims
from ..core.clustering import clustering_score, prf
from ..core.model import Article
from ..core.text import tokenize

VIEWS = ("strict", "exact", "partial", "ent_type")

Stats = dict[str, Any]
Metrics = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Small arithmetic


def _macro(per_label: Mapping[str, Mapping[str, float | None]]) -> dict[str, float | None]:
    if not per_label:
        return {"precision": None, "recall": None, "f1": None}
    return {k: statistics.fmean(v[k] or 0.0 for v in per_label.values()) for k in ("precision", "recall", "f1")}


def _classification(pairs: Counter) -> dict[str, Any]:
    """Accuracy and macro-F1 of (gold, predicted) label pairs; per label figures."""
    total = sum(pairs.values())
    if not total:
        return {"accuracy": None, "macro_f1": None, "per_label": {}}
    gold_count: Counter = Counter()
    pred_count: Counter = Counter()
    correct: Counter = Counter()
    for (g, p), n in pairs.items():
        gold_count[g] += n
        pred_count[p] += n
        if g == p:
            correct[g] += n
    per_label = {
        label: {
            **prf(correct[label], pred_count[label], gold_count[label]),
            "gold": gold_count[label],
            "predicted": pred_count[label],
        }
        for label in sorted(gold_count | pred_count)
    }
    return {"accuracy": sum(correct.values()) / total, "macro_f1": _macro(per_label)["f1"], "per_label": per_label}


# ---------------------------------------------------------------------------------------------
# ner


def _token_spans(text: str, mentions: Iterable[dict]) -> list[tuple[int, int, str]]:
    """(first token, last token, label) of each mention, in text order: nervaluate works on tokens."""
    tokens = tokenize(text)
    first = {s: i for i, (s, _) in enumerate(tokens)}
    last = {e: i for i, (_, e) in enumerate(tokens)}
    spans = []
    for m in mentions:
        # A validated mention is whole tokens; anything else is scored on the tokens it touches.
        start = first.get(m["start"], bisect.bisect_right([s for s, _ in tokens], m["start"]) - 1)
        end = last.get(m["end"], bisect.bisect_left([e for _, e in tokens], m["end"]))
        spans.append((start, end, m["label"]))
    return sorted(spans)


def _overlaps(pred: tuple[int, int, str], gold: tuple[int, int, str]) -> bool:
    # nervaluate's default: the overlap is at least 1% of the gold span (ends inclusive)
    overlap = min(pred[1], gold[1]) - max(pred[0], gold[0]) + 1
    return overlap > 0 and 100 * overlap >= gold[1] - gold[0] + 1


def view_counts(view: str, gold: Sequence[tuple[int, int, str]], pred: Sequence[tuple[int, int, str]]) -> Counter:
    """nervaluate's outcome counts of one view (correct, incorrect, partial, missed, spurious)."""
    counts: Counter = Counter({k: 0 for k in ("correct", "incorrect", "partial", "missed", "spurious")})
    matched: set[int] = set()
    for p in pred:
        candidates = [i for i, g in enumerate(gold) if i not in matched and _overlaps(p, g)]
        if view == "ent_type":
            same = [i for i in candidates if gold[i][2] == p[2]]
            if same:  # closest boundaries win; the first of equals
                best = min(same, key=lambda i: (abs(p[0] - gold[i][0]) + abs(p[1] - gold[i][1]), i))
                counts["correct"] += 1
                matched.add(best)
            elif candidates:
                counts["incorrect"] += 1
                matched.add(candidates[0])
            else:
                counts["spurious"] += 1
            continue
        exact = [i for i in candidates if gold[i][:2] == p[:2] and (view != "strict" or gold[i][2] == p[2])]
        if exact:
            counts["correct"] += 1
            matched.add(exact[0])
        elif candidates:
            counts["partial" if view == "partial" else "incorrect"] += 1
            matched.add(candidates[0])
        else:
            counts["spurious"] += 1
    counts["missed"] += len(gold) - len(matched)
    return counts


def _view_metrics(view: str, c: Mapping[str, int]) -> dict[str, Any]:
    actual = c["correct"] + c["incorrect"] + c["partial"] + c["spurious"]
    possible = c["correct"] + c["incorrect"] + c["partial"] + c["missed"]
    credit = c["correct"] + (0.5 * c["partial"] if view in ("partial", "ent_type") else 0)
    return {**dict(c), "actual": actual, "possible": possible, **prf(credit, actual, possible)}


def ner_stats(gold: Article, pred: Article) -> Stats:
    gold_spans = {(m["start"], m["end"], m["label"]) for m in gold.data["entities"]}
    labels: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # correct, predicted, gold
    for _, _, label in gold_spans:
        labels[label][2] += 1
    found: set[tuple[int, int, str]] = set()
    for m in pred.data["entities"]:
        key = (m["start"], m["end"], m["label"])
        labels[m["label"]][1] += 1
        labels[m["label"]][0] += key in gold_spans and key not in found  # a mention predicted twice is right once
        found.add(key)
    g = _token_spans(gold.text, gold.data["entities"])
    p = _token_spans(gold.text, pred.data["entities"])
    return {"labels": dict(labels), "views": {v: view_counts(v, g, p) for v in VIEWS}}


def ner_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    labels: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    views: dict[str, Counter[str]] = {v: Counter() for v in VIEWS}
    for stats, m in weighted:
        for label, counts in stats["labels"].items():
            for i in range(3):
                labels[label][i] += m * counts[i]
        for v in VIEWS:
            for k, n in stats["views"][v].items():
                views[v][k] += m * n
    per_label = {
        label: {
            **prf(*labels[label]),
            "correct": labels[label][0],
            "predicted": labels[label][1],
            "gold": labels[label][2],
        }
        for label in sorted(labels)
    }
    correct, predicted, gold = (sum(c[i] for c in labels.values()) for i in range(3))
    macro = _macro(per_label)
    return {
        **prf(correct, predicted, gold),
        "macro_precision": macro["precision"],
        "macro_recall": macro["recall"],
        "macro_f1": macro["f1"],
        "partial_f1": _view_metrics("partial", views["partial"])["f1"],
        "correct": correct,
        "predicted": predicted,
        "gold": gold,
        "per_label": per_label,
        "views": {v: _view_metrics(v, views[v]) for v in VIEWS},
    }


# ---------------------------------------------------------------------------------------------
# linking


def linking_stats(gold: Article, pred: Article) -> Stats:
    predicted = {(m["start"], m["end"], m["label"]): m.get("entity") for m in pred.data["entities"]}
    found = correct = 0
    for m in gold.data["entities"]:
        key = (m["start"], m["end"], m["label"])
        if m["entity"] is not None and key in predicted:
            found += 1
            correct += predicted[key] == m["entity"]
    gold_links = {(m["start"], m["end"], m["label"], m["entity"]) for m in gold.data["entities"] if m["entity"]}
    pred_links = {(m["start"], m["end"], m["label"], m.get("entity")) for m in pred.data["entities"] if m.get("entity")}
    return {
        "found": found,
        "correct": correct,
        "tp": len(gold_links & pred_links),
        "predicted": len(pred_links),
        "gold": len(gold_links),
    }


def linking_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    total: Counter[str] = Counter()
    for stats, m in weighted:
        for k, n in stats.items():
            total[k] += m * n
    return {
        "accuracy": total["correct"] / total["found"] if total["found"] else None,
        **prf(total["tp"], total["predicted"], total["gold"]),
        "found": total["found"],
        "correct": total["correct"],
        "predicted_links": total["predicted"],
        "gold_links": total["gold"],
    }


# ---------------------------------------------------------------------------------------------
# claims


def claims_stats(gold: Article, pred: Article) -> Stats:
    g, p = gold.data["claims"], pred.data["claims"]
    pairs = match_claims(g, p, words_of="text")
    return {
        "matched": len(pairs),
        "predicted": len(p),
        "gold": len(g),
        "spans": len({(c["start"], c["end"]) for c in g}),
        "attribution": Counter((g[i]["attribution"], p[j]["attribution"]) for i, j in pairs),
        "certainty": Counter((g[i]["certainty"], p[j]["certainty"]) for i, j in pairs),
        "claimer": sum(g[i]["claimer"] == p[j]["claimer"] for i, j in pairs),
    }


def claims_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    matched = predicted = gold = claimer = spans = 0
    attribution: Counter = Counter()
    certainty: Counter = Counter()
    for stats, m in weighted:
        matched += m * stats["matched"]
        predicted += m * stats["predicted"]
        gold += m * stats["gold"]
        claimer += m * stats["claimer"]
        spans += m * stats["spans"]
        for pair, n in stats["attribution"].items():
            attribution[pair] += m * n
        for pair, n in stats["certainty"].items():
            certainty[pair] += m * n
    a, c = _classification(attribution), _classification(certainty)
    return {
        **prf(matched, predicted, gold),
        "attribution_accuracy": a["accuracy"],
        "attribution_macro_f1": a["macro_f1"],
        "certainty_accuracy": c["accuracy"],
        "certainty_macro_f1": c["macro_f1"],
        "claimer_accuracy": claimer / matched if matched else None,
        "matched": matched,
        "predicted": predicted,
        "gold": gold,
        # several gold claims on one span: a system that predicts one claim per span recalls at most this
        "recall_ceiling_one_claim_per_span": spans / gold if gold else None,
        "per_label": {"attribution": a["per_label"], "certainty": c["per_label"]},
    }


# ---------------------------------------------------------------------------------------------
# propositions


def cluster_stats(key: str) -> Callable[[Article, Article], Stats]:
    """The per-article counts of a clustering task whose clusters are the claims sharing ``key``."""

    def stats(gold: Article, pred: Article) -> Stats:
        """Counts of gold keys, predicted keys and (gold key, predicted key) of matched claims in one article."""
        g, p = gold.data["claims"], pred.data["claims"]
        pairs = match_claims(g, p, words_of="text")
        return {
            "gold": Counter(c[key] for c in g),
            "pred": Counter(c[key] for c in p),
            "joint": Counter((g[i][key], p[j][key]) for i, j in pairs),
        }

    stats.__name__ = stats.__qualname__ = f"{key}_stats"
    return stats


propositions_stats = cluster_stats("proposition")
events_stats = cluster_stats("event")


def clusters_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    """Pairwise, cross-document pairwise and B-cubed scores (:func:`cyberclaims.core.clustering.clustering_score`)."""
    return clustering_score(weighted)


propositions_score = events_score = clusters_score
