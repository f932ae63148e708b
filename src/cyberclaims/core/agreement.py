"""Inter-annotator agreement between two annotation passes.

- entity mentions: F1 of exact (start, end, label) matches, one pass taken as reference (F1 is symmetric);
- entity linking: on mentions both passes marked with the same span and label and both linked, the
  share with the same entity key;
- claim spans: F1 where a match is a one-to-one pairing whose overlap is at least half of the longer span;
- on the matched claims: Cohen's kappa for ``claimer``, ``attribution`` and ``certainty``; ``about``, set
  agreement pooled over the claims (F1 of the keys both passes list: 2|A∩B| / (|A|+|B|)) and the mean
  Jaccard index of the two sets per claim; ``normalized``, the mean token-overlap F1 of the two statements
  (SQuAD-style: lower-cased word tokens as a bag);
- proposition clustering: the matched claims of all the articles compared are clustered by each pass's
  proposition keys (the key strings need not agree, only the grouping), scored by pairwise F1 (pairs of
  claims put in one cluster), its cross-document part, and B-cubed F1, pass A taken as reference
  (:func:`cyberclaims.core.clustering.clustering_score`; F1 is symmetric).
Figures are pooled over the articles both passes annotated (micro), overall and per split (the split of
pass A's copy of the article), and given per article.
"""

from __future__ import annotations

import heapq
import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from .clustering import clustering_score
from .model import Article, split_of
from .vocabulary import SPLITS


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
    n = len(pairs)
    if not n:
        return Kappa(0, None, None)
    observed = sum(a == b for a, b in pairs) / n
    count_a = Counter(a for a, _ in pairs)
    count_b = Counter(b for _, b in pairs)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if expected == 1.0:
        return Kappa(n, observed, None)
    return Kappa(n, observed, (observed - expected) / (1 - expected))


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
    per_article: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_split: dict[str, Agreement] = field(default_factory=dict)  # split -> the same figures on its articles

    @property
    def linking_agreement(self) -> float | None:
        same, compared = self.linking
        return same / compared if compared else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pass_a": self.pass_a,
            "pass_b": self.pass_b,
            "articles": self.articles,
            "entity_mentions": {
                **asdict(self.mentions),
                "precision": self.mentions.precision,
                "recall": self.mentions.recall,
                "f1": self.mentions.f1,
            },
            "entity_linking": {
                "same_key": self.linking[0],
                "compared": self.linking[1],
                "agreement": self.linking_agreement,
            },
            "claim_spans": {
                **asdict(self.claims),
                "precision": self.claims.precision,
                "recall": self.claims.recall,
                "f1": self.claims.f1,
            },
            "claimer_kappa": asdict(self.claimer),
            "attribution_kappa": asdict(self.attribution),
            "certainty_kappa": asdict(self.certainty),
            "about": {**asdict(self.about), "f1": self.about.f1, "mean_jaccard": self.about.jaccard},
            "normalized_token_f1": {"n": self.normalized.n, "mean": self.normalized.mean},
            "propositions": self.propositions,
            "article_count": len(self.articles),
            "per_article": self.per_article,
            "splits": {
                split: {k: v for k, v in part.to_dict().items() if k not in ("per_article", "splits")}
                for split, part in self.by_split.items()
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def rows(self) -> list[tuple[str, str, str]]:
        """(measure, value, on what) for tables."""

        def fmt(x: float | None) -> str:
            return "undefined" if x is None else f"{x:.3f}"

        p = self.propositions

        return [
            (
                "entity mention F1 (exact span and label)",
                fmt(self.mentions.f1),
                f"{self.mentions.in_a} vs {self.mentions.in_b} mentions, {self.mentions.matched} identical",
            ),
            (
                "entity linking agreement",
                fmt(self.linking_agreement),
                f"{self.linking[1]} mentions identical in both passes and linked in both",
            ),
            (
                "claim span F1 (overlap >= half the longer span)",
                fmt(self.claims.f1),
                f"{self.claims.in_a} vs {self.claims.in_b} claims, {self.claims.matched} matched",
            ),
            (
                "Cohen's kappa, claimer",
                fmt(self.claimer.kappa),
                f"{self.claimer.n} matched claims, observed agreement {fmt(self.claimer.observed)}",
            ),
            (
                "Cohen's kappa, attribution",
                fmt(self.attribution.kappa),
                f"{self.attribution.n} matched claims, observed agreement {fmt(self.attribution.observed)}",
            ),
            (
                "Cohen's kappa, certainty",
                fmt(self.certainty.kappa),
                f"{self.certainty.n} matched claims, observed agreement {fmt(self.certainty.observed)}",
            ),
            (
                "`about` set F1",
                fmt(self.about.f1),
                f"{self.about.n} matched claims, {self.about.in_a} vs {self.about.in_b} keys, {self.about.both} in "
                f"both; mean Jaccard {fmt(self.about.jaccard)}",
            ),
            ("`normalized` token F1 (mean)", fmt(self.normalized.mean), f"{self.normalized.n} matched claims"),
            (
                "proposition pairwise F1",
                fmt(p.get("pairwise_f1")),
                f"{p.get('gold_pairs', 0)} vs {p.get('predicted_pairs', 0)} same-key pairs of matched claims, "
                f"{p.get('correct_pairs', 0)} in both",
            ),
            (
                "proposition cross-document pairwise F1",
                fmt(p.get("cross_document_pairwise_f1")),
                f"{p.get('gold_cross_document_pairs', 0)} vs {p.get('predicted_cross_document_pairs', 0)} pairs "
                f"across articles, {p.get('correct_cross_document_pairs', 0)} in both",
            ),
            (
                "proposition B-cubed F1",
                fmt(p.get("bcubed_f1")),
                f"{p.get('matched_claims', 0)} matched claims in {p.get('gold_clusters', 0)} vs "
                f"{p.get('predicted_clusters', 0)} clusters",
            ),
        ]

    def to_markdown(self) -> str:
        parts = []
        for title, part in [
            (f"All splits ({_articles(len(self.articles))})", self),
            *((f"Split `{s}` ({_articles(len(p.articles))})", p) for s, p in self.by_split.items()),
        ]:
            lines = [f"{title}:", "", "| measure | value | on |", "|---|---|---|"]
            lines += [f"| {m} | {v} | {on} |" for m, v, on in part.rows()]
            parts.append("\n".join(lines))
        return "\n\n".join(parts)

    def to_text(self) -> str:
        width = max(len(m) for m, _, _ in self.rows())
        out = []
        for where, part in [("all splits", self), *((f"split {s}", p) for s, p in self.by_split.items())]:
            out.append(
                f"agreement between {self.pass_a} and {self.pass_b}, {where}, on {_articles(len(part.articles))}"
            )
            out += [f"  {m:<{width}}  {v:>9}  ({on})" for m, v, on in part.rows()]
        return "\n".join(out)


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


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


def _article_figures(a: dict, b: dict) -> dict[str, Any]:
    mentions_a = {(m["start"], m["end"], m["label"]): m for m in a["entities"]}
    mentions_b = {(m["start"], m["end"], m["label"]): m for m in b["entities"]}
    same = set(mentions_a) & set(mentions_b)
    linked = [k for k in same if mentions_a[k]["entity"] is not None and mentions_b[k]["entity"] is not None]
    pairs = match_claims(a["claims"], b["claims"])
    return {
        "mentions": F1(len(same), len(mentions_a), len(mentions_b)),
        "linking": (sum(mentions_a[k]["entity"] == mentions_b[k]["entity"] for k in linked), len(linked)),
        "claims": F1(len(pairs), len(a["claims"]), len(b["claims"])),
        "attribution": [(a["claims"][i]["attribution"], b["claims"][j]["attribution"]) for i, j in pairs],
        "certainty": [(a["claims"][i]["certainty"], b["claims"][j]["certainty"]) for i, j in pairs],
        "claimer": [(a["claims"][i]["claimer"], b["claims"][j]["claimer"]) for i, j in pairs],
        "about": [(set(a["claims"][i]["about"]), set(b["claims"][j]["about"])) for i, j in pairs],
        "normalized": [token_f1(a["claims"][i]["normalized"], b["claims"][j]["normalized"]) for i, j in pairs],
        "propositions": {  # the matched claims only, clustered by each pass's keys
            "gold": Counter(a["claims"][i]["proposition"] for i, _ in pairs),
            "pred": Counter(b["claims"][j]["proposition"] for _, j in pairs),
            "joint": Counter((a["claims"][i]["proposition"], b["claims"][j]["proposition"]) for i, j in pairs),
        },
    }


def agreement(name_a: str, articles_a: Sequence[Article], name_b: str, articles_b: Sequence[Article]) -> Agreement:
    """Agreement between two passes on the articles both annotated, overall and per split."""
    result = _agreement(name_a, articles_a, name_b, articles_b)
    by_id_b = {x.id: x for x in articles_b}
    common = [x for x in articles_a if x.id in by_id_b]
    splits = {split_of(x) for x in common}
    order = [s for s in SPLITS if s in splits] + sorted(str(s) for s in splits - set(SPLITS))
    for split in order:
        ids = {x.id for x in common if str(split_of(x)) == split}
        result.by_split[split] = _agreement(
            name_a, [x for x in articles_a if x.id in ids], name_b, [by_id_b[i] for i in sorted(ids)]
        )
    return result


def _agreement(name_a: str, articles_a: Sequence[Article], name_b: str, articles_b: Sequence[Article]) -> Agreement:
    by_id_b = {x.id: x for x in articles_b}
    common = sorted(x.id for x in articles_a if x.id in by_id_b)
    by_id_a = {x.id: x for x in articles_a}
    mentions, claims = F1(0, 0, 0), F1(0, 0, 0)
    linking = [0, 0]
    attribution: list[tuple[str, str]] = []
    certainty: list[tuple[str, str]] = []
    claimer: list[tuple[str, str]] = []
    about, normalized = SetAgreement(), MeanScore()
    clusters: list[tuple[dict, int]] = []
    per_article = {}
    for article_id in common:
        figures = _article_figures(by_id_a[article_id].data, by_id_b[article_id].data)
        for total, part in ((mentions, figures["mentions"]), (claims, figures["claims"])):
            total.matched += part.matched
            total.in_a += part.in_a
            total.in_b += part.in_b
        linking[0] += figures["linking"][0]
        linking[1] += figures["linking"][1]
        attribution += figures["attribution"]
        certainty += figures["certainty"]
        claimer += figures["claimer"]
        article_about = SetAgreement()
        for x, y in figures["about"]:
            about.add(x, y)
            article_about.add(x, y)
        normalized.n += len(figures["normalized"])
        normalized.total += sum(figures["normalized"])
        clusters.append((figures["propositions"], 1))
        per_article[article_id] = {
            "entity_mention_f1": figures["mentions"].f1,
            "entity_linking": (figures["linking"][0] / figures["linking"][1]) if figures["linking"][1] else None,
            "claim_span_f1": figures["claims"].f1,
            "attribution_kappa": cohen_kappa(figures["attribution"]).kappa,
            "certainty_kappa": cohen_kappa(figures["certainty"]).kappa,
            "claimer_kappa": cohen_kappa(figures["claimer"]).kappa,
            "about_f1": article_about.f1,
            "normalized_token_f1": (
                sum(figures["normalized"]) / len(figures["normalized"]) if figures["normalized"] else None
            ),
            "proposition_pairwise_f1": clustering_score([(figures["propositions"], 1)])["pairwise_f1"],
        }
    return Agreement(
        name_a,
        name_b,
        common,
        mentions,
        (linking[0], linking[1]),
        claims,
        cohen_kappa(attribution),
        cohen_kappa(certainty),
        cohen_kappa(claimer),
        about,
        normalized,
        clustering_score(clusters),
        per_article,
    )
