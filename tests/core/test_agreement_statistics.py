"""What every agreement figure is published with: its items, a seeded bootstrap interval, the trivial
baseline, and "not informative (n=…)" instead of a number when it rests on fewer than 10 minority items.
Every corpus here is made up; the expected figures are counted by hand."""

from __future__ import annotations

import json
import re

import pytest

from cyberclaims.core.agreement import Agreement, agreement
from cyberclaims.core.model import Article
from cyberclaims.core.sampling import MIN_ARTICLES, MIN_MINORITY_ITEMS
from cyberclaims.core.vocabulary import LAYERS


def _article(article_id: str, claims: list[dict], split: str = "test") -> Article:
    doc = {"id": article_id, "metadata": {"split": split}, "entities": [], "claims": claims}
    return Article(article_id, "", b"", type("D", (), {"value": doc})(), "")


def _claim(n: int, attribution="asserted", certainty="certain", proposition=None, event=None) -> dict:
    """The n-th claim of an article, its own span; its own proposition and event unless given."""
    return {
        "start": 10 * n,
        "end": 10 * n + 8,
        "claimer": "author",
        "attribution": attribution,
        "certainty": certainty,
        "about": [],
        "normalized": f"claim {n}",
        "proposition": proposition or f"p{n}",
        "event": event or f"e{n}",
    }


def _pair(labels: list[tuple[str, str]], **fields) -> tuple[list[Article], list[Article]]:
    """One article per five claims; claim i has certainty labels[i] in pass A and B."""
    a, b = [], []
    for start in range(0, len(labels), 5):
        chunk = labels[start : start + 5]
        a.append(_article(f"art{start:03}", [_claim(n, certainty=x, **fields) for n, (x, _) in enumerate(chunk)]))
        b.append(_article(f"art{start:03}", [_claim(n, certainty=y, **fields) for n, (_, y) in enumerate(chunk)]))
    return a, b


def _compare(passes: tuple[list[Article], list[Article]], **options) -> Agreement:
    return agreement("pass-a", passes[0], "pass-b", passes[1], **options)


def _row(result: Agreement, measure: str, output: str = "markdown") -> str:
    text = result.to_markdown() if output == "markdown" else result.to_text()
    rows = [line for line in text.splitlines() if measure in line]
    assert rows, measure
    return rows[0]


def test_a_kappa_on_four_minority_items_is_not_informative_in_every_output():
    # 30 matched claims, all "certain" in both passes but 4 "probable" in both: kappa would be 1.000
    labels = [("certain", "certain")] * 26 + [("probable", "probable")] * 4
    a, b = _pair(labels)
    result = agreement("pass-a", a, "pass-b", b)
    assert result.certainty.kappa == pytest.approx(1.0)  # the library still holds the figure
    statistic = result.statistics["certainty_kappa"]
    assert (statistic.items, statistic.minority) == (30, 4)
    for output in ("markdown", "text"):
        row = _row(result, "Cohen's kappa, certainty", output)
        assert "not informative (n=4)" in row
        assert not re.search(r"\d\.\d", row), row  # no value, interval, baseline or observed agreement
    data = json.loads(result.to_json())["statistics"]["certainty_kappa"]
    assert data["value"] is None and data["interval"] is None and data["baseline"] is None
    assert data["details"] is None
    assert data["shown"] == "not informative (n=4)" and data["informative"] is False
    assert data["counts"]["outside_majority"] == 4 and data["counts"]["in_a"] == {"certain": 26, "probable": 4}
    assert "1.000" not in json.dumps(data)


def test_a_kappa_on_ten_minority_items_is_shown_with_its_interval_and_majority_baseline():
    # 30 claims: certain/certain 20, probable/probable 5, certain/probable 3, probable/certain 2
    labels = (
        [("certain", "certain")] * 20
        + [("probable", "probable")] * 5
        + [("certain", "probable")] * 3
        + [("probable", "certain")] * 2
    )
    a, b = _pair(labels)
    result = agreement("pass-a", a, "pass-b", b)
    statistic = result.statistics["certainty_kappa"]
    assert statistic.minority == MIN_MINORITY_ITEMS == 10  # 30 - 20 with "certain" in both passes
    # A: 23 certain, 7 probable; B: 22 certain, 8 probable. Chance agreement (23*22 + 7*8) / 900.
    expected = (23 * 22 + 7 * 8) / 900
    assert statistic.baseline["expected_agreement"] == pytest.approx(expected)
    assert statistic.baseline["class"] == "certain" and statistic.baseline["kappa"] == 0.0
    assert statistic.baseline["accuracy"] == pytest.approx((23 + 22) / 60)  # always "certain", against each pass
    assert statistic.value == pytest.approx((25 / 30 - expected) / (1 - expected))
    assert statistic.interval is not None and statistic.interval[0] <= statistic.value <= statistic.interval[1]
    row = _row(result, "Cohen's kappa, certainty")
    assert f"| {statistic.value:.3f} |" in row
    assert f"chance agreement {expected:.3f}" in row and "accuracy 0.750" in row
    assert "observed agreement 0.833" in row


def test_intervals_resample_articles_when_there_are_enough_else_items_and_say_so():
    labels = [("certain", "certain")] * 20 + [("probable", "certain"), ("certain", "probable")] * 5
    few = _compare(_pair(labels))  # 6 articles of 5 claims
    many = _compare(_pair(labels * 2))  # 12 articles
    assert len(few.articles) < MIN_ARTICLES <= len(many.articles)
    assert few.resampled == "items" and many.resampled == "articles"
    assert few.statistics["certainty_kappa"].resampled == "matched claims"
    assert many.statistics["certainty_kappa"].resampled == "articles"
    assert "resampling each figure's own items, not the articles" in few.to_markdown()
    assert "resampling the 12 articles" in many.to_text()
    data = json.loads(many.to_json())
    assert data["intervals"] == {
        "method": "percentile bootstrap",
        "level": 0.95,
        "resamples": 1000,
        "seed": 0,
        "resampled": "articles",
        "min_articles": MIN_ARTICLES,
    }
    # deterministic: the same seed, the same intervals; the seed and size are recorded
    again = _compare(_pair(labels * 2))
    assert again.to_json() == many.to_json()
    other = _compare(_pair(labels * 2), seed=1, resamples=200)
    assert other.statistics["claim_span_f1"].interval == [1.0, 1.0]  # every claim matched in every resample
    assert json.loads(other.to_json())["intervals"]["seed"] == 1 and "200 resamples, seed 1" in other.to_text()


def _clustered(keys_a: list[str], keys_b: list[str], layer: str) -> tuple[list[Article], list[Article]]:
    """Claims in articles of 4, with ``layer`` keys from the lists (the other layer: every claim alone)."""
    a, b = [], []
    for start in range(0, len(keys_a), 4):
        claims_a, claims_b = [], []
        for n in range(start, min(start + 4, len(keys_a))):
            other = "proposition" if layer == "event" else "event"
            claims_a.append(_claim(n - start, **{layer: keys_a[n], other: f"alone{n}"}))
            claims_b.append(_claim(n - start, **{layer: keys_b[n], other: f"alone{n}"}))
        a.append(_article(f"art{start:03}", claims_a))
        b.append(_article(f"art{start:03}", claims_b))
    return a, b


def test_event_clustering_with_positive_pairs_and_the_everyone_alone_baseline():
    # 12 claims in 3 articles. Events in A: x x x x x | y y y | 4 alone; in B the same but one x is alone.
    keys_a = ["x", "x", "x", "y", "x", "x", "y", "y", "s1", "s2", "s3", "s4"]
    keys_b = ["x", "x", "x", "y", "x", "t", "y", "y", "s1", "s2", "s3", "s4"]
    a, b = _clustered(keys_a, keys_b, "event")
    result = agreement("pass-a", a, "pass-b", b)
    pairwise = result.statistics["event_pairwise_f1"]
    # pairs: A 10 + 3, B 6 + 3, both 9 -> positive 13 + 9 - 9 = 13; P 1, R 9/13
    assert pairwise.counts["positive_pairs"] == pairwise.minority == 13
    assert pairwise.value == pytest.approx(2 * (9 / 13) / (1 + 9 / 13))
    assert pairwise.baseline == {"name": "everyone alone", "against": {"pass-a": 0.0, "pass-b": 0.0}}
    assert "everyone alone: 0.000" in _row(result, "| event pairwise F1")
    # everyone alone against A: B-cubed precision 1, recall = clusters / claims = 6/12; against B 7/12
    bcubed = result.statistics["event_bcubed_f1"]
    assert bcubed.baseline["against"]["pass-a"] == pytest.approx(2 * 0.5 / 1.5)
    assert bcubed.baseline["against"]["pass-b"] == pytest.approx(2 * (7 / 12) / (1 + 7 / 12))
    assert "0.667 against `pass-a`, 0.737 against `pass-b`" in _row(result, "event B-cubed F1")
    # the events were clustered, not the propositions: every claim alone in both passes, no pair at all
    proposition = result.statistics["proposition_pairwise_f1"]
    assert proposition.counts["positive_pairs"] == 0 and not proposition.informative
    assert result.events["pairwise_f1"] == pytest.approx(pairwise.value)
    assert result.propositions["gold_pairs"] == 0
    # cross-document pairs: A's x spans articles 0 and 1 (3 + 2 claims: 6 pairs), y (1 + 2: 2) -> 8
    cross = result.statistics["event_cross_document_pairwise_f1"]
    assert cross.counts["pairs_a"] == 8 and not cross.informative  # positive 8 < 10
    assert "not informative (n=8)" in _row(result, "event cross-document pairwise F1")


def test_spans_rest_on_their_items_and_have_no_baseline():
    labels = [("certain", "certain")] * 9
    result = _compare(_pair(labels))
    claims = result.statistics["claim_span_f1"]
    assert (claims.items, claims.minority, claims.informative) == (9, 9, False)
    assert "not informative (n=9)" in _row(result, "claim span F1")
    result = _compare(_pair(labels + [("certain", "certain")]))
    assert result.statistics["claim_span_f1"].shown == "1.000"
    assert "| 1.000 | 1.000–1.000 | none |" in _row(result, "claim span F1")


def test_every_statistic_says_what_it_rests_on_in_json():
    labels = [("certain", "certain")] * 12
    data = json.loads(_compare(_pair(labels)).to_json())
    assert list(data["statistics"]) == [
        "entity_mention_f1",
        "entity_linking",
        "claim_span_f1",
        "claimer_kappa",
        "attribution_kappa",
        "certainty_kappa",
        "about_f1",
        "normalized_token_f1",
        "proposition_pairwise_f1",
        "proposition_cross_document_pairwise_f1",
        "proposition_bcubed_f1",
        "event_pairwise_f1",
        "event_cross_document_pairwise_f1",
        "event_bcubed_f1",
    ]
    assert data["min_minority_items"] == MIN_MINORITY_ITEMS
    for key, statistic in data["statistics"].items():
        assert {"items", "item", "minority_items", "minority", "counts", "shown", "interval"} <= set(statistic), key
        if not statistic["informative"]:
            assert statistic["shown"] == f"not informative (n={statistic['minority_items']})"
            assert statistic["value"] is None
    # per article too: one article's 5 claims are never enough
    per_article = data["per_article"]["art000"]["claim_span_f1"]
    assert per_article == {"value": None, "shown": "not informative (n=5)", "minority_items": 5}


def _with_provenance(article: Article, layers: set[str]) -> Article:
    record = {"method": "annotated", "annotator": {"id": "x", "type": "person"}, "suggestions": None}
    doc = {**article.data, "provenance": {layer: (record if layer in layers else None) for layer in LAYERS}}
    return Article(article.id, "", b"", type("D", (), {"value": doc})(), "")


def test_a_pass_of_some_layers_is_compared_on_those_only():
    """Pass B made the entity layers only (its claims and alignment records are null): no claim or
    clustering figure compares pass A's claims with their absence, in any output."""
    a, b = _pair([("certain", "certain")] * 12)
    b = [_with_provenance(x, {"entities", "links"}) for x in b]
    a = [_with_provenance(x, set(LAYERS)) for x in a]
    result = _compare((a, b))
    assert result.layers == ["entities", "links"]
    assert set(result.statistics) == {"entity_mention_f1", "entity_linking"}
    assert all(set(figures) <= {"entity_mention_f1", "entity_linking"} for figures in result.per_article.values())
    data = result.to_dict()
    assert data["layers"] == ["entities", "links"] and set(data["statistics"]) == set(result.statistics)
    for text in (result.to_markdown(), result.to_text()):
        assert "claim span F1" not in text and "kappa" not in text and "event" not in text
        assert "Compared on the layers both passes hold (entities, links); claims, alignment" in text
    # Files without provenance hold every layer; so do two passes that both made every layer
    assert _compare(_pair([("certain", "certain")] * 12)).layers == list(LAYERS)
    full = _compare(([_with_provenance(x, set(LAYERS)) for x in _pair([("certain", "certain")] * 12)[0]],) * 2)
    assert "claim_span_f1" in full.statistics and "Compared on the layers" not in full.to_markdown()
