"""Inter-annotator agreement between two annotation passes, each figure published with what it rests on.

- entity mentions: F1 of exact (start, end, label) matches, one pass taken as reference (F1 is symmetric);
- entity linking: on mentions both passes marked with the same span and label and both linked, the
  share with the same entity key;
- claim spans: F1 where a match is a one-to-one pairing whose overlap is at least half of the longer span;
- on the matched claims: Cohen's kappa for ``claimer``, ``attribution`` and ``certainty``; ``about``, set
  agreement pooled over the claims (F1 of the keys both passes list: 2|A∩B| / (|A|+|B|)) and the mean
  Jaccard index of the two sets per claim; ``normalized``, the mean token-overlap F1 of the two statements
  (SQuAD-style: lower-cased word tokens as a bag);
- proposition and event clustering: the matched claims of all the articles compared are clustered by each
  pass's ``proposition`` keys, and again by its ``event`` keys (the key strings need not agree, only the
  grouping), scored by pairwise F1 (pairs of claims put in one cluster), its cross-document part, and
  B-cubed F1, pass A taken as reference (:func:`cyberclaims.core.clustering.clustering_score`; F1 is
  symmetric).
Figures are pooled over the articles both passes annotated (micro), overall and per split (the split of
pass A's copy of the article), and given per article.

Each figure is a :class:`Statistic`, published with
- its **items** (mentions, claims, keys, matched claims) and, for a clustering, its **positive pairs**
  (pairs of claims sharing a key in either pass);
- a **95% interval**: a seeded percentile bootstrap (vectorised in :mod:`cyberclaims.core.resampled`) over the
  articles, or, when fewer than :data:`~cyberclaims.core.sampling.MIN_ARTICLES` articles are compared, over
  the figure's own items (which treats the items of one article as independent: the interval is then, if
  anything, too narrow); which one is recorded;
- the **trivial baseline** beside it: for a kappa, always answering the majority class (kappa 0, chance
  agreement, and that answer's accuracy); for a clustering, everyone alone (each claim its own cluster:
  pairwise F1 0, and a B-cubed F1 that is high when most claims are alone anyway); F1 of spans, linking,
  ``about`` and ``normalized`` have none;
- and the rule of :mod:`cyberclaims.core.sampling`: a figure resting on fewer than
  :data:`~cyberclaims.core.sampling.MIN_MINORITY_ITEMS` items of its minority class (a kappa: matched
  claims outside the majority class in either pass; a clustering: positive pairs; the others: items) is
  shown as "not informative (n=…)", with its counts only: no value, interval, baseline or other ratio.
"""

from __future__ import annotations

import heapq
import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .clustering import clustering_score
from .model import Article, split_of
from .sampling import MIN_ARTICLES, MIN_MINORITY_ITEMS, RESAMPLES, SEED, informative, shown
from .vocabulary import LAYERS, SPLITS


@dataclass
class F1:
    matched: int
    in_a: int
    in_b: int

    @property
    def precision(self) -> float:  # B measured against A
        return self.matched / self.in_b if self.in_b else (1.0 if not self.in_a else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.in_a if self.in_a else (1.0 if not self.in_b else 0.0)

    @property
    def f1(self) -> float:
        total = self.in_a + self.in_b
        return 2 * self.matched / total if total else 1.0


@dataclass
class Kappa:
    n: int
    observed: float | None
    kappa: float | None  # None when undefined: no items, or both passes used a single category


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> Kappa:
    """Cohen's kappa of two raters' labels on the same items."""
    return kappa_of(Counter(pairs))


def kappa_of(pairs: Counter) -> Kappa:
    """Cohen's kappa from counts of (label of A, label of B)."""
    n = sum(pairs.values())
    if not n:
        return Kappa(0, None, None)
    observed = sum(k for (a, b), k in pairs.items() if a == b) / n
    count_a, count_b = _margins(pairs)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if expected == 1.0:
        return Kappa(n, observed, None)
    return Kappa(n, observed, (observed - expected) / (1 - expected))


def _margins(pairs: Counter) -> tuple[Counter, Counter]:
    count_a: Counter = Counter()
    count_b: Counter = Counter()
    for (a, b), k in pairs.items():
        count_a[a] += k
        count_b[b] += k
    return count_a, count_b


@dataclass
class SetAgreement:
    """Agreement of two sets per item, pooled: F1 over the members, and the mean Jaccard index per item."""

    n: int = 0
    both: int = 0  # members in both sets, summed over the items
    in_a: int = 0
    in_b: int = 0
    jaccard_sum: float = 0.0

    def add(self, a: set, b: set) -> None:
        self.n += 1
        self.both += len(a & b)
        self.in_a += len(a)
        self.in_b += len(b)
        self.jaccard_sum += len(a & b) / len(a | b) if a | b else 1.0

    @property
    def f1(self) -> float | None:
        if not self.n:
            return None
        return 2 * self.both / (self.in_a + self.in_b) if self.in_a + self.in_b else 1.0

    @property
    def jaccard(self) -> float | None:
        return self.jaccard_sum / self.n if self.n else None


@dataclass
class MeanScore:
    n: int = 0
    total: float = 0.0

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None


def token_f1(a: str, b: str) -> float:
    """Token-overlap F1 of two statements: lower-cased word tokens compared as bags (as SQuAD's F1)."""
    ta, tb = Counter(re.findall(r"\w+", a.lower())), Counter(re.findall(r"\w+", b.lower()))
    if not ta and not tb:
        return 1.0
    common = sum((ta & tb).values())
    return 2 * common / (sum(ta.values()) + sum(tb.values()))


# ---------------------------------------------------------------------------------------------
# A published figure


@dataclass
class Statistic:
    """One agreement figure with what it rests on: its items, interval and trivial baseline.

    ``minority`` counts what the informativeness rule counts (:mod:`cyberclaims.core.sampling`); below
    :data:`MIN_MINORITY_ITEMS` the figure is shown as "not informative (n=…)" and every ratio about it
    (value, interval, baseline, details) is withheld from the outputs; its counts are kept."""

    key: str
    measure: str
    value: float | None
    items: int
    item: str  # what the items are
    minority: int
    minority_of: str  # what ``minority`` counts
    on: str  # the counts, in words (never a ratio)
    counts: dict[str, Any] = field(default_factory=dict)  # whole numbers
    details: dict[str, Any] = field(default_factory=dict)  # other ratios (precision, observed agreement, ...)
    detail_text: str = ""  # those ratios in words, shown after ``on``
    baseline: dict[str, Any] | None = None  # the trivial baseline's figures; None: the measure has none
    baseline_text: str = "none"
    interval: list[float] | None = None
    resampled: str | None = None  # what the bootstrap drew: "articles", or the items it drew

    @property
    def informative(self) -> bool:
        return informative(self.minority)

    @property
    def shown(self) -> str:
        return shown(self.value, self.minority)

    def interval_text(self) -> str:
        if not self.informative:
            return "—"
        return "undefined" if self.interval is None else f"{self.interval[0]:.3f}–{self.interval[1]:.3f}"

    def shown_baseline(self) -> str:
        return self.baseline_text if self.informative else "—"

    def shown_on(self) -> str:
        return f"{self.on}; {self.detail_text}" if self.detail_text and self.informative else self.on

    def to_dict(self) -> dict[str, Any]:
        ok = self.informative
        return {
            "measure": self.measure,
            "value": self.value if ok else None,
            "shown": self.shown,
            "informative": ok,
            "items": self.items,
            "item": self.item,
            "minority_items": self.minority,
            "minority": self.minority_of,
            "counts": self.counts,
            "interval": self.interval if ok else None,
            "resampled": self.resampled,
            "baseline": self.baseline if ok else None,
            "details": self.details if ok else None,
        }

    def row(self) -> tuple[str, str, str, str, str]:
        """(measure, value, 95% interval, trivial baseline, on what) for tables."""
        return self.measure, self.shown, self.interval_text(), self.shown_baseline(), self.shown_on()


def _fmt(x: float | None) -> str:
    return "undefined" if x is None else f"{x:.3f}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _articles(n: int) -> str:
    return _plural(n, "article")


# ---------------------------------------------------------------------------------------------
# The measures. Each summarises the items of one unit once (a unit: one article, or a single item when
# items are resampled), then combines weighted summaries (a unit the bootstrap drew twice has weight 2).

Weighted = Sequence[tuple[Any, int]]


def _span_summary(items: Sequence[tuple[bool, bool]]) -> tuple[int, int, int]:
    """(matched, in A, in B) of mentions or claims, each item (in A, in B)."""
    return sum(a and b for a, b in items), sum(a for a, _ in items), sum(b for _, b in items)


def _span_f1(units: Weighted) -> dict[str, Any]:
    total = F1(0, 0, 0)
    for (matched, in_a, in_b), m in units:
        total.matched += m * matched
        total.in_a += m * in_a
        total.in_b += m * in_b
    nothing = not (total.in_a or total.in_b)
    return {
        "value": None if nothing else total.f1,
        "precision": None if nothing else total.precision,
        "recall": None if nothing else total.recall,
        "counts": {"matched": total.matched, "in_a": total.in_a, "in_b": total.in_b},
    }


def _share_summary(items: Sequence[bool]) -> tuple[int, int]:
    return sum(items), len(items)


def _share(units: Weighted) -> dict[str, Any]:
    """The share of true items (linked mentions with the same key)."""
    same = sum(m * s for (s, _), m in units)
    compared = sum(m * n for (_, n), m in units)
    return {"value": same / compared if compared else None, "counts": {"same": same, "compared": compared}}


def _kappa(units: Weighted) -> dict[str, Any]:
    pairs: Counter = Counter()
    for summary, m in units:
        for pair, n in summary.items():
            pairs[pair] += m * n
    result = kappa_of(pairs)
    return {"value": result.kappa, "observed": result.observed, "pairs": pairs}


def _sets_summary(items: Sequence[tuple[set, set]]) -> SetAgreement:
    summary = SetAgreement()
    for a, b in items:
        summary.add(a, b)
    return summary


def _sets(units: Weighted) -> dict[str, Any]:
    """``about``: F1 of the keys pooled over the matched claims, and the mean Jaccard index per claim."""
    total = SetAgreement()
    for summary, m in units:
        total.n += m * summary.n
        total.both += m * summary.both
        total.in_a += m * summary.in_a
        total.in_b += m * summary.in_b
        total.jaccard_sum += m * summary.jaccard_sum
    keys = total.in_a + total.in_b - total.both
    return {
        "value": total.f1 if keys else None,
        "jaccard": total.jaccard,
        "counts": {"claims": total.n, "in_a": total.in_a, "in_b": total.in_b, "in_both": total.both},
    }


def _mean_summary(items: Sequence[float]) -> tuple[int, float]:
    return len(items), sum(items)


def _mean(units: Weighted) -> dict[str, Any]:
    n = sum(m * k for (k, _), m in units)
    total = sum(m * t for (_, t), m in units)
    return {"value": total / n if n else None, "counts": {"claims": n}}


def _cluster_summary(items: Sequence[tuple[str, str, str]]) -> dict[str, Any] | None:
    """Matched claims, items (article, key of A, key of B), as :func:`clustering_score` reads them; pairs of
    claims of one article are never cross-document, whether the article or its claims one by one are drawn."""
    if not items:
        return None
    return {
        "gold": Counter(a for _, a, _ in items),
        "pred": Counter(b for _, _, b in items),
        "joint": Counter((a, b) for _, a, b in items),
        "document": items[0][0],
    }


def _clusters(units: Weighted) -> dict[str, Any]:
    return clustering_score([(stats, m) for stats, m in units if stats is not None])


MEASURES: dict[str, tuple[Callable[[Sequence[Any]], Any], Callable[[Weighted], dict[str, Any]]]] = {
    "mentions": (_span_summary, _span_f1),
    "linking": (_share_summary, _share),
    "claims": (_span_summary, _span_f1),
    "claimer": (Counter, _kappa),
    "attribution": (Counter, _kappa),
    "certainty": (Counter, _kappa),
    "about": (_sets_summary, _sets),
    "normalized": (_mean_summary, _mean),
    "propositions": (_cluster_summary, _clusters),
    "events": (_cluster_summary, _clusters),
}


class _Layers:
    """The items of some articles, by layer (see :func:`_article_items`): scored whole, and bootstrapped
    over the articles or, with ``resampled="items"``, over each layer's items."""

    def __init__(self, per_article: Sequence[dict[str, list]], resampled: str | None, resamples: int, seed: int):
        self.per_article = per_article
        self.resampled = resampled  # None: one article's figures, published without interval or baseline
        self.resamples = resamples
        self.seed = seed

    def items(self, layer: str) -> list:
        return [x for article in self.per_article for x in article[layer]]

    def score(self, layer: str) -> dict[str, Any]:
        summarize, combine = MEASURES[layer]
        return combine([(summarize(article[layer]), 1) for article in self.per_article])

    def intervals(self, layer: str, keys: Sequence[str]) -> dict[str, list[float] | None]:
        if self.resampled is None or not keys:
            return dict.fromkeys(keys)
        from .resampled import intervals  # numpy, only when intervals are made (the CLI starts without it)

        summarize, _ = MEASURES[layer]
        if self.resampled == "articles":
            units = [summarize(article[layer]) for article in self.per_article]
        else:
            units = [summarize([x]) for x in self.items(layer)]
        return intervals(layer, units, keys, self.resamples, self.seed)

    def drawn(self, item: str) -> str | None:
        """What the bootstrap draws for a figure whose items are ``item``."""
        return None if self.resampled is None else ("articles" if self.resampled == "articles" else item)


CLUSTER_FIGURES = (  # key suffix, measure, figure of clustering_score, which pairs it rests on
    ("pairwise_f1", "pairwise F1", "pairwise_f1", ""),
    ("cross_document_pairwise_f1", "cross-document pairwise F1", "cross_document_pairwise_f1", "cross_document_"),
    ("bcubed_f1", "B-cubed F1", "bcubed_f1", ""),
)


def _everyone_alone(items: Sequence[tuple[str, str, str]], side: int) -> dict[str, Any]:
    """The clustering scores of putting every claim alone, against one pass's clustering (1: A, 2: B)."""
    by_article: dict[str, list[tuple[str, str, str]]] = {}
    for n, item in enumerate(items):
        by_article.setdefault(item[0], []).append((item[0], item[side], f"alone-{n}"))
    return _clusters([(_cluster_summary(group), 1) for group in by_article.values()])


# ---------------------------------------------------------------------------------------------
# Building the statistics of a set of articles


def _positive_pairs(score: dict[str, Any], prefix: str) -> int:
    return score[f"gold_{prefix}pairs"] + score[f"predicted_{prefix}pairs"] - score[f"correct_{prefix}pairs"]


def _statistics(layers: _Layers, name_a: str, name_b: str) -> dict[str, Statistic]:
    """Every statistic of the articles of ``layers``, with bootstrap intervals of those that are shown."""
    statistics = {"entity_mention_f1": _span_statistic("mention", layers)}
    score = layers.score("linking")
    compared = score["counts"]["compared"]
    statistics["entity_linking"] = Statistic(
        "entity_linking",
        "entity linking agreement",
        score["value"],
        compared,
        "mentions identical in both passes and linked in both",
        compared,
        "mentions identical in both passes and linked in both",
        f"{_plural(compared, 'mention')} identical in both passes and linked in both, "
        f"{score['counts']['same']} with the same key",
        counts=score["counts"],
        resampled=layers.drawn("linked mentions"),
    )
    statistics["claim_span_f1"] = _span_statistic("claim", layers)
    for attribute in ("claimer", "attribution", "certainty"):
        statistics[f"{attribute}_kappa"] = _kappa_statistic(attribute, layers)
    score = layers.score("about")
    c = score["counts"]
    keys = c["in_a"] + c["in_b"] - c["in_both"]
    statistics["about_f1"] = Statistic(
        "about_f1",
        "`about` set F1",
        score["value"],
        keys,
        "entity keys in either pass's `about` of a matched claim",
        keys,
        "entity keys in either pass's `about` of a matched claim",
        f"{_plural(c['claims'], 'matched claim')}, {c['in_a']} vs {_plural(c['in_b'], 'key')}, {c['in_both']} in both",
        counts=c,
        details={"mean_jaccard": score["jaccard"]},
        detail_text=f"mean Jaccard {_fmt(score['jaccard'])}",
        resampled=layers.drawn("matched claims"),
    )
    score = layers.score("normalized")
    n = score["counts"]["claims"]
    statistics["normalized_token_f1"] = Statistic(
        "normalized_token_f1",
        "`normalized` token F1 (mean)",
        score["value"],
        n,
        "matched claims",
        n,
        "matched claims",
        _plural(n, "matched claim"),
        counts=score["counts"],
        resampled=layers.drawn("matched claims"),
    )
    for key, layer in (("entity_linking", "linking"), ("about_f1", "about"), ("normalized_token_f1", "normalized")):
        if statistics[key].informative:
            statistics[key].interval = layers.intervals(layer, ["value"])["value"]
    for layer, noun in (("propositions", "proposition"), ("events", "event")):
        statistics.update(_cluster_statistics(layer, noun, layers, name_a, name_b))
    return statistics


def _span_statistic(noun: str, layers: _Layers) -> Statistic:
    """Mention or claim span F1: its items are the mentions (claims) of either pass, a matched pair once."""
    layer = f"{noun}s"
    score = layers.score(layer)
    c = score["counts"]
    union = c["in_a"] + c["in_b"] - c["matched"]
    mention = noun == "mention"
    statistic = Statistic(
        "entity_mention_f1" if mention else "claim_span_f1",
        "entity mention F1 (exact span and label)" if mention else "claim span F1 (overlap >= half the longer span)",
        score["value"],
        union,
        f"{noun}s in either pass",
        union,
        f"{noun}s in either pass",
        f"{c['in_a']} vs {_plural(c['in_b'], noun)}, {c['matched']} {'identical' if mention else 'matched'}",
        counts=c,
        details={"precision": score["precision"], "recall": score["recall"]},
        resampled=layers.drawn(f"{noun}s in either pass"),
    )
    if statistic.informative:
        statistic.interval = layers.intervals(layer, ["value"])["value"]
    return statistic


def _kappa_statistic(attribute: str, layers: _Layers) -> Statistic:
    score = layers.score(attribute)
    pairs: Counter = score["pairs"]
    n = sum(pairs.values())
    count_a, count_b = _margins(pairs)
    pooled = count_a + count_b
    majority = min(pooled, key=lambda v: (-pooled[v], v)) if pooled else None  # ties: the first by name
    minority = n - pairs[(majority, majority)]
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n) if n else None
    accuracy = (count_a[majority] + count_b[majority]) / (2 * n) if n else None
    statistic = Statistic(
        f"{attribute}_kappa",
        f"Cohen's kappa, {attribute}",
        score["value"],
        n,
        "matched claims",
        minority,
        "matched claims outside the majority class"
        + (f" (`{majority}`)" if majority is not None else "")
        + " in either pass",
        f"{_plural(n, 'matched claim')}, {minority} outside the majority class"
        + (f" `{majority}`" if majority is not None else "")
        + " in either pass",
        counts={
            "claims": n,
            "same": sum(k for (a, b), k in pairs.items() if a == b),
            "outside_majority": minority,
            "in_a": dict(sorted(count_a.items())),
            "in_b": dict(sorted(count_b.items())),
        },
        details={"observed_agreement": score["observed"]},
        detail_text=f"observed agreement {_fmt(score['observed'])}",
        baseline={
            "name": "majority class",
            "class": majority,
            "kappa": 0.0,
            "expected_agreement": expected,
            "accuracy": accuracy,
        },
        baseline_text=f"always `{majority}`: kappa 0 (chance agreement {_fmt(expected)}), accuracy {_fmt(accuracy)}",
        resampled=layers.drawn("matched claims"),
    )
    if statistic.informative:
        statistic.interval = layers.intervals(attribute, ["value"])["value"]
    return statistic


def _cluster_statistics(layer: str, noun: str, layers: _Layers, name_a: str, name_b: str) -> dict[str, Statistic]:
    score = layers.score(layer)
    items = layers.items(layer)
    alone = {name: _everyone_alone(items, side) for side, name in ((1, name_a), (2, name_b)) if layers.resampled}
    statistics = {}
    for suffix, measure, figure, prefix in CLUSTER_FIGURES:
        positive = _positive_pairs(score, prefix)
        where = "pairs of claims in different articles" if prefix else "pairs of claims"
        baseline = {name: part[figure] for name, part in alone.items()}  # none for one article's figures
        if figure == "bcubed_f1":
            on = (
                f"{_plural(score['matched_claims'], 'matched claim')} in {score['gold_clusters']} vs "
                f"{_plural(score['predicted_clusters'], 'cluster')}, {_plural(positive, 'positive pair')}"
            )
        else:
            on = (
                f"{score[f'gold_{prefix}pairs']} vs {_plural(score[f'predicted_{prefix}pairs'], 'same-key pair')} "
                f"of claims{' in different articles' if prefix else ''}, {score[f'correct_{prefix}pairs']} in both"
            )
        if len(set(baseline.values())) <= 1:  # pairwise F1 of everyone alone: 0 against either pass
            baseline_text = f"everyone alone: {_fmt(baseline.get(name_a))}"
        else:
            baseline_text = "everyone alone: " + ", ".join(f"{_fmt(v)} against `{k}`" for k, v in baseline.items())
        key = f"{noun}_{suffix}"
        statistics[key] = Statistic(
            key,
            f"{noun} {measure}",
            score[figure],
            score["matched_claims"],
            "matched claims",
            positive,
            f"{where} sharing a {noun} key in either pass (positive pairs)",
            on,
            counts={
                "matched_claims": score["matched_claims"],
                "clusters_a": score["gold_clusters"],
                "clusters_b": score["predicted_clusters"],
                "pairs_a": score[f"gold_{prefix}pairs"],
                "pairs_b": score[f"predicted_{prefix}pairs"],
                "pairs_in_both": score[f"correct_{prefix}pairs"],
                "positive_pairs": positive,
            },
            details={
                "precision": score[figure.replace("_f1", "_precision")],
                "recall": score[figure.replace("_f1", "_recall")],
            },
            baseline={"name": "everyone alone", "against": baseline},
            baseline_text=baseline_text,
            resampled=layers.drawn("matched claims"),
        )
    shown_figures = [figure for suffix, _, figure, _ in CLUSTER_FIGURES if statistics[f"{noun}_{suffix}"].informative]
    for figure, interval in layers.intervals(layer, shown_figures).items():
        statistics[f"{noun}_{figure}"].interval = interval
    return statistics


# ---------------------------------------------------------------------------------------------
# The agreement of two passes


@dataclass
class Agreement:
    pass_a: str
    pass_b: str
    articles: list[str]
    mentions: F1
    linking: tuple[int, int]  # (same key, compared)
    claims: F1
    attribution: Kappa
    certainty: Kappa
    claimer: Kappa = field(default_factory=lambda: Kappa(0, None, None))
    about: SetAgreement = field(default_factory=lambda: SetAgreement())
    normalized: MeanScore = field(default_factory=lambda: MeanScore())
    propositions: dict[str, Any] = field(default_factory=dict)  # clustering_score of the matched claims
    events: dict[str, Any] = field(default_factory=dict)  # the same, by event keys
    per_article: dict[str, dict[str, Any]] = field(default_factory=dict)  # article -> statistic key -> value
    by_split: dict[str, Agreement] = field(default_factory=dict)  # split -> the same figures on its articles
    statistics: dict[str, Statistic] = field(default_factory=dict)  # every figure, as published
    article_statistics: dict[str, dict[str, Statistic]] = field(default_factory=dict)  # per article, no interval
    resampled: str = "articles"  # what the bootstrap drew: "articles", or "items" (too few articles)
    resamples: int = RESAMPLES
    seed: int = SEED
    layers: list[str] = field(default_factory=lambda: list(LAYERS))  # the layers both passes hold: the figures shown

    @property
    def linking_agreement(self) -> float | None:
        same, compared = self.linking
        return same / compared if compared else None

    def intervals_note(self) -> str:
        """How the intervals were made, in one sentence."""
        if self.resampled == "articles":
            drawn = f"resampling the {_articles(len(self.articles))}"
        else:
            drawn = (
                f"resampling each figure's own items, not the articles (fewer than {MIN_ARTICLES}: "
                f"{_articles(len(self.articles))})"
            )
        return (
            f"95% intervals: percentile bootstrap, {self.resamples} resamples, seed {self.seed}, {drawn}. "
            f"A figure resting on fewer than {MIN_MINORITY_ITEMS} items of its minority class is shown as "
            f'"not informative (n=…)", n being that count.'
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pass_a": self.pass_a,
            "pass_b": self.pass_b,
            "articles": self.articles,
            "article_count": len(self.articles),
            "layers": self.layers,
            "intervals": {
                "method": "percentile bootstrap",
                "level": 0.95,
                "resamples": self.resamples,
                "seed": self.seed,
                "resampled": self.resampled,
                "min_articles": MIN_ARTICLES,
            },
            "min_minority_items": MIN_MINORITY_ITEMS,
            "statistics": {key: s.to_dict() for key, s in self.statistics.items()},
            "per_article": {
                article: {
                    key: {"value": s.value if s.informative else None, "shown": s.shown, "minority_items": s.minority}
                    for key, s in figures.items()
                }
                for article, figures in self.article_statistics.items()
            },
            "splits": {
                split: {k: v for k, v in part.to_dict().items() if k not in ("per_article", "splits")}
                for split, part in self.by_split.items()
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """(measure, value, 95% interval, trivial baseline, on what) for tables."""
        return [s.row() for s in self.statistics.values()]

    def _layers_note(self) -> str:
        """Which layers are compared, when not all: those both passes hold."""
        if list(self.layers) == list(LAYERS):
            return ""
        left = [layer for layer in LAYERS if layer not in self.layers]
        return (
            f" Compared on the layers both passes hold ({', '.join(self.layers) or 'none'}); "
            f"{', '.join(left)}: null in a pass's provenance, not compared."
        )

    def _splits(self) -> dict[str, Agreement]:
        """The splits the tables show: none when every article is in one split (its table would repeat)."""
        return self.by_split if len(self.by_split) > 1 else {}

    def _parts(self) -> list[tuple[str, Agreement]]:
        return [("all splits", self), *((f"split {s}", p) for s, p in self._splits().items())]

    def to_markdown(self) -> str:
        parts = []
        everything = (
            f"All splits ({_articles(len(self.articles))})"
            if len(self.by_split) != 1
            else f"All articles, every one in split `{next(iter(self.by_split))}` ({_articles(len(self.articles))})"
        )
        for title, part in [
            (everything, self),
            *((f"Split `{s}` ({_articles(len(p.articles))})", p) for s, p in self._splits().items()),
        ]:
            lines = [
                f"{title}:",
                "",
                part.intervals_note() + self._layers_note(),
                "",
                "| measure | value | 95% interval | trivial baseline | on |",
                "|---|---|---|---|---|",
            ]
            lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in part.rows()]
            parts.append("\n".join(lines))
        return "\n\n".join(parts)

    def to_text(self) -> str:
        out = []
        for where, part in self._parts():
            rows = part.rows()
            widths = [max(len(row[i]) for row in rows) for i in range(3)] if rows else [0, 0, 0]
            if where == "all splits" and len(self.by_split) == 1:
                where = f"every article in split {next(iter(self.by_split))}"
            out.append(
                f"agreement between {self.pass_a} and {self.pass_b}, {where}, on {_articles(len(part.articles))}"
            )
            out.append(f"  {part.intervals_note()}{self._layers_note()}")
            for measure, value, interval, baseline, on in rows:
                out.append(
                    f"  {measure:<{widths[0]}}  {value:>{widths[1]}}  {interval:<{widths[2]}}  "
                    f"baseline: {baseline}  ({on})"
                )
        return "\n".join(out)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def match_claims(a: Sequence[dict], b: Sequence[dict], words_of: str = "normalized") -> list[tuple[int, int]]:
    """One-to-one pairs (index in a, index in b) whose overlap is at least half of the longer span.

    Larger overlaps pair first; among equal overlaps (several claims on one sentence), the pair whose
    ``words_of`` fields share more words wins (the annotators' ``normalized`` statements when two passes are
    compared, so list-like claims pair with their counterparts; the benchmark uses the span ``text``, since
    a system's ``normalized`` is not scored and must not steer the matching); then the lower index in a,
    then in b.

    That is a greedy pass over the candidate pairs in that order, done without listing them one by one:
    claims with the same span and the same words pair alike (one *kind*); the spans that overlap by half are
    found by a sweep (only spans of similar length starting close enough are compared); at each overlap,
    the kinds with the very same words pair first (a hash join), and only the kinds still unpaired then are
    compared word by word; the pairs of one overlap and similarity are taken in index order with a heap.
    Copies of a claim cost as one, claims on different sentences are never compared, and two passes that
    agree cost their claims: what is left is the pairs of different claims on one span, which the
    definition itself compares.
    """
    kinds_a, kinds_b = _claim_kinds(a, words_of), _claim_kinds(b, words_of)
    used_a, used_b = _Unused(kinds_a), _Unused(kinds_b)
    pairs: list[tuple[int, int]] = []
    Span = tuple[int, int]
    levels: dict[int, list[tuple[Span, Span]]] = {}  # overlap -> the pairs of spans that overlap so
    spans_a, spans_b = _spans(kinds_a), _spans(kinds_b)
    for span_a, span_b, overlap in _overlapping_spans(list(spans_a), list(spans_b)):
        levels.setdefault(overlap, []).append((span_a, span_b))
    for overlap in sorted(levels, reverse=True):
        # Similarity 1: the kinds with the very same (non-empty) words, found by a hash join.
        same = []
        for span_a, span_b in levels[overlap]:
            by_words = {kinds_b[k][2]: k for k in spans_b[span_b] if kinds_b[k][2]}
            same += [(k, by_words[kinds_a[k][2]]) for k in spans_a[span_a] if kinds_a[k][2] in by_words]
        pairs += _greedy_in_index_order(_blocks(same, used_a, used_b), used_a, used_b)
        # Similarities between 0 and 1: the kinds still unpaired that share a word (an index by word).
        groups: dict[float, list[tuple[int, int]]] = {}
        for span_a, span_b in levels[overlap]:
            by_word: dict[str, list[int]] = {}
            for kind_b in spans_b[span_b]:
                if used_b.first(kind_b) is not None:
                    for word in kinds_b[kind_b][2]:
                        by_word.setdefault(word, []).append(kind_b)
            for kind_a in spans_a[span_a]:
                words_a = kinds_a[kind_a][2]
                if used_a.first(kind_a) is None:
                    continue
                for kind_b in {k for word in words_a for k in by_word.get(word, ())}:
                    words_b = kinds_b[kind_b][2]
                    if words_a != words_b:
                        similarity = len(words_a & words_b) / len(words_a | words_b)
                        groups.setdefault(similarity, []).append((kind_a, kind_b))
        for similarity in sorted(groups, reverse=True):
            pairs += _greedy_in_index_order(_blocks(groups[similarity], used_a, used_b), used_a, used_b)
        # Similarity 0: every pair of kinds still unpaired on both sides (a pair that shares a word has one
        # side paired by now), span by span: the kinds of a span of a share their partners.
        partners: dict[Span, list[int]] = {}
        for span_a, span_b in levels[overlap]:
            partners.setdefault(span_a, []).extend(spans_b[span_b])
        pairs += _greedy_in_index_order(
            [
                (
                    [k for k in spans_a[span_a] if used_a.first(k) is not None],
                    [k for k in kinds if used_b.first(k) is not None],
                )
                for span_a, kinds in partners.items()
            ],
            used_a,
            used_b,
        )
    return sorted(pairs)


def _claim_kinds(claims: Sequence[dict], words_of: str) -> list[tuple[int, int, frozenset[str], list[int]]]:
    """The claims grouped by (start, end, words): (start, end, words, indices in ascending order)."""
    kinds: dict[tuple[int, int, frozenset[str]], list[int]] = {}
    for index, claim in enumerate(claims):
        key = (claim["start"], claim["end"], frozenset(_words(claim.get(words_of) or "")))
        kinds.setdefault(key, []).append(index)
    return [(start, end, words, indices) for (start, end, words), indices in kinds.items()]


def _spans(kinds: list) -> dict[tuple[int, int], list[int]]:
    """The kinds by span."""
    spans: dict[tuple[int, int], list[int]] = {}
    for kind, (start, end, _, _) in enumerate(kinds):
        spans.setdefault((start, end), []).append(kind)
    return spans


def _overlapping_spans(
    spans_a: list[tuple[int, int]], spans_b: list[tuple[int, int]]
) -> Iterator[tuple[tuple[int, int], tuple[int, int], int]]:
    """(span of a, span of b, overlap) of the spans that overlap by at least half of the longer one. Spans of b
    are indexed by length (powers of two) and start: a span of a is compared only with those of half to twice
    its length that start close enough to overlap it by half."""
    by_length: dict[int, list[tuple[int, int]]] = {}  # bit length of the length -> (start, end), by start
    for start, end in spans_b:
        if end > start:
            by_length.setdefault((end - start).bit_length(), []).append((start, end))
    for entries in by_length.values():
        entries.sort()
    starts = {bits: [start for start, _ in entries] for bits, entries in by_length.items()}
    for start_a, end_a in spans_a:
        length = end_a - start_a
        if length <= 0:
            continue
        # overlap >= length / 2 puts the other span's start within [start - 1.5 length, end - length / 2]
        low, high = start_a - (3 * length) // 2 - 1, end_a - length // 2 + 1
        for bits in range((length // 2).bit_length(), (2 * length).bit_length() + 1):
            indexed = by_length.get(bits)
            if indexed is None:
                continue
            for position in range(bisect_left(starts[bits], low), bisect_right(starts[bits], high)):
                start_b, end_b = indexed[position]
                overlap = min(end_a, end_b) - max(start_a, start_b)
                if overlap > 0 and 2 * overlap >= max(length, end_b - start_b):
                    yield (start_a, end_a), (start_b, end_b), overlap


def _blocks(pairs: list[tuple[int, int]], used_a: _Unused, used_b: _Unused) -> list[tuple[list[int], list[int]]]:
    """``pairs`` of kinds as blocks (one kind of a, the kinds of b it may pair with), of the kinds with a claim
    unpaired on both sides."""
    partners: dict[int, list[int]] = {}
    for kind_a, kind_b in pairs:
        if used_a.first(kind_a) is not None and used_b.first(kind_b) is not None:
            partners.setdefault(kind_a, []).append(kind_b)
    return [([kind_a], kinds_b) for kind_a, kinds_b in partners.items()]


class _Unused:
    """The claims of each kind not paired yet, smallest index first."""

    def __init__(self, kinds: list) -> None:
        self.members = [indices for *_, indices in kinds]
        self.next = [0] * len(kinds)

    def first(self, kind: int) -> int | None:
        members, position = self.members[kind], self.next[kind]
        return members[position] if position < len(members) else None

    def take(self, kind: int) -> None:
        self.next[kind] += 1


def _greedy_in_index_order(
    blocks: list[tuple[list[int], list[int]]], used_a: _Unused, used_b: _Unused
) -> list[tuple[int, int]]:
    """The greedy pass over the pairs of one overlap and similarity, in (index in a, index in b) order. The
    pairs are given as blocks (kinds of a, kinds of b): every claim of the one with every claim of the other,
    a kind of a in one block only. Each claim of a, lowest index first, takes the lowest unpaired claim of b
    of its block (the claims of a block share their partners: once one finds none, the rest find none)."""
    pairs = []
    queue = [
        (first, kind, number)
        for number, (kinds, _) in enumerate(blocks)
        for kind in kinds
        if (first := used_a.first(kind)) is not None
    ]
    heapq.heapify(queue)
    offers = [[(j, other) for other in others if (j := used_b.first(other)) is not None] for _, others in blocks]
    for heap in offers:
        heapq.heapify(heap)
    while queue:
        i, kind, number = heapq.heappop(queue)
        heap = offers[number]
        while heap and heap[0][0] != used_b.first(heap[0][1]):  # taken meanwhile: that kind's next claim
            _, other = heapq.heappop(heap)
            if (j := used_b.first(other)) is not None:
                heapq.heappush(heap, (j, other))
        if not heap:
            continue
        j, other = heapq.heappop(heap)
        pairs.append((i, j))
        used_a.take(kind)
        used_b.take(other)
        if (after := used_b.first(other)) is not None:
            heapq.heappush(heap, (after, other))
        if (following := used_a.first(kind)) is not None:
            heapq.heappush(queue, (following, kind, number))
    return pairs


def _article_items(article_id: str, a: dict, b: dict) -> dict[str, list]:
    """One article's items of every measure (see :func:`_statistics`)."""
    mentions_a = {(m["start"], m["end"], m["label"]): m for m in a["entities"]}
    mentions_b = {(m["start"], m["end"], m["label"]): m for m in b["entities"]}
    same = sorted(set(mentions_a) & set(mentions_b))
    linked = [k for k in same if mentions_a[k]["entity"] is not None and mentions_b[k]["entity"] is not None]
    pairs = match_claims(a["claims"], b["claims"])
    matched = [(a["claims"][i], b["claims"][j]) for i, j in pairs]
    return {
        "mentions": [(k in mentions_a, k in mentions_b) for k in sorted(set(mentions_a) | set(mentions_b))],
        "linking": [mentions_a[k]["entity"] == mentions_b[k]["entity"] for k in linked],
        "claims": [(True, True)] * len(pairs)
        + [(True, False)] * (len(a["claims"]) - len(pairs))
        + [(False, True)] * (len(b["claims"]) - len(pairs)),
        "claimer": [(x["claimer"], y["claimer"]) for x, y in matched],
        "attribution": [(x["attribution"], y["attribution"]) for x, y in matched],
        "certainty": [(x["certainty"], y["certainty"]) for x, y in matched],
        "about": [(set(x["about"]), set(y["about"])) for x, y in matched],
        "normalized": [token_f1(x["normalized"], y["normalized"]) for x, y in matched],
        # the matched claims only, clustered by each pass's keys
        "propositions": [(article_id, x["proposition"], y["proposition"]) for x, y in matched],
        "events": [(article_id, x["event"], y["event"]) for x, y in matched],
    }


def agreement(
    name_a: str,
    articles_a: Sequence[Article],
    name_b: str,
    articles_b: Sequence[Article],
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Agreement:
    """Agreement between two passes on the articles both annotated, overall and per split, each figure with
    its counts, bootstrap interval (``resamples``, ``seed``) and trivial baseline."""
    by_id_a = {x.id: x for x in articles_a}
    by_id_b = {x.id: x for x in articles_b}
    common = sorted(i for i in by_id_a if i in by_id_b)
    items = {i: _article_items(i, by_id_a[i].data, by_id_b[i].data) for i in common}
    article_statistics = {  # each article alone: its figures, never an interval
        i: _statistics(_Layers([items[i]], None, resamples, seed), name_a, name_b) for i in common
    }
    result = _agreement(name_a, name_b, items, article_statistics, resamples, seed)
    splits = {split_of(by_id_a[i]) for i in common}
    order = [s for s in SPLITS if s in splits] + sorted(str(s) for s in splits - set(SPLITS))
    for split in order:
        ids = [i for i in common if str(split_of(by_id_a[i])) == split]
        result.by_split[split] = _agreement(
            name_a, name_b, {i: items[i] for i in ids}, {i: article_statistics[i] for i in ids}, resamples, seed
        )
    held = held_layers([by_id_a[i] for i in common]) & held_layers([by_id_b[i] for i in common])
    return _only_layers(result, [layer for layer in LAYERS if layer in held])


def statistic_layer(key: str) -> str:
    """The layer a statistic compares: ``entities``, ``links``, ``claims`` or ``alignment``."""
    if key == "entity_mention_f1":
        return "entities"
    if key == "entity_linking":
        return "links"
    if key.startswith(("proposition_", "event_")):
        return "alignment"
    return "claims"


def held_layers(articles: Sequence[Article]) -> set[str]:
    """The layers a pass holds, as its files' provenance says: a layer is held when some article's record of
    it is not null (a pass made of some layers only, an entity pass say, has null records for the others).
    Files without provenance hold every layer."""
    records = [a.data.get("provenance") for a in articles]
    if not any(isinstance(r, dict) for r in records):
        return set(LAYERS)
    return {layer for layer in LAYERS for r in records if isinstance(r, dict) and r.get(layer) is not None}


def _only_layers(result: Agreement, layers: list[str]) -> Agreement:
    """The agreement with only the figures of ``layers``: a figure of a layer one pass did not make would
    compare labels with their absence."""
    result.layers = layers
    result.statistics = {k: s for k, s in result.statistics.items() if statistic_layer(k) in layers}
    result.article_statistics = {
        article: {k: s for k, s in figures.items() if statistic_layer(k) in layers}
        for article, figures in result.article_statistics.items()
    }
    result.per_article = {
        article: {k: v for k, v in figures.items() if statistic_layer(k) in layers}
        for article, figures in result.per_article.items()
    }
    for part in result.by_split.values():
        _only_layers(part, layers)
    return result


def _agreement(
    name_a: str,
    name_b: str,
    by_article: dict[str, dict[str, list]],
    article_statistics: dict[str, dict[str, Statistic]],
    resamples: int,
    seed: int,
) -> Agreement:
    common = list(by_article)
    items = list(by_article.values())
    resampled = "articles" if len(common) >= MIN_ARTICLES else "items"
    statistics = _statistics(_Layers(items, resampled, resamples, seed), name_a, name_b)

    def pooled(layer: str) -> list:
        return [x for part in items for x in part[layer]]

    about = SetAgreement()
    for x, y in pooled("about"):
        about.add(x, y)
    normalized = pooled("normalized")
    mentions = statistics["entity_mention_f1"].counts
    claims = statistics["claim_span_f1"].counts
    linking = statistics["entity_linking"].counts
    return Agreement(
        name_a,
        name_b,
        common,
        F1(mentions["matched"], mentions["in_a"], mentions["in_b"]),
        (linking["same"], linking["compared"]),
        F1(claims["matched"], claims["in_a"], claims["in_b"]),
        cohen_kappa(pooled("attribution")),
        cohen_kappa(pooled("certainty")),
        cohen_kappa(pooled("claimer")),
        about,
        MeanScore(len(normalized), sum(normalized)),
        _Layers(items, None, resamples, seed).score("propositions"),
        _Layers(items, None, resamples, seed).score("events"),
        {i: {key: s.value for key, s in figures.items()} for i, figures in article_statistics.items()},
        statistics=statistics,
        article_statistics=article_statistics,
        resampled=resampled,
        resamples=resamples,
        seed=seed,
    )
