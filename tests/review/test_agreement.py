"""Agreement measures against hand-computed references, and the card's figures against the CLI."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, run_cli
from cyberclaims.core.agreement import F1, agreement, cohen_kappa, match_claims, token_f1
from cyberclaims.core.model import Article


def test_kappa_matches_the_textbook_example():
    # 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5, kappa 0.4
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    result = cohen_kappa(pairs)
    assert result.observed == pytest.approx(0.7)
    assert result.kappa == pytest.approx(0.4)


def test_kappa_edge_cases():
    assert cohen_kappa([]).kappa is None
    assert cohen_kappa([("a", "a")] * 4).kappa is None  # one category only: undefined, not 1
    assert cohen_kappa([("a", "b"), ("b", "a")]).kappa == pytest.approx(-1.0)


def test_f1_counts():
    assert F1(3, 4, 6).f1 == pytest.approx(0.6)
    assert F1(0, 0, 0).f1 == 1.0
    assert F1(0, 2, 0).f1 == 0.0


def claim(start, end, normalized="x"):
    return {"start": start, "end": end, "normalized": normalized}


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ([claim(0, 10)], [claim(0, 10)], [(0, 0)]),
        ([claim(0, 10)], [claim(5, 10)], [(0, 0)]),  # overlap 5 = half of the longer (10)
        ([claim(0, 10)], [claim(6, 10)], []),  # overlap 4 < 5
        ([claim(0, 10)], [claim(0, 21)], []),  # overlap 10 < 10.5
        ([claim(0, 10), claim(0, 10)], [claim(0, 10)], [(0, 0)]),  # one-to-one
        (
            [claim(0, 10, "annie leaked"), claim(0, 10, "fury leaked")],
            [claim(0, 10, "fury was leaked"), claim(0, 10, "annie was leaked")],
            [(0, 1), (1, 0)],
        ),
    ],
)
def test_claim_matching(a, b, expected):
    assert match_claims(a, b) == expected


# The repository's passes, by name (the tests of the corpus read whatever passes it has).
PASSES = sorted(p.name for p in (ROOT / "annotations" / "passes").glob("*") if p.is_dir())


def _article(doc: dict) -> Article:
    return Article(doc["id"], "", b"", type("D", (), {"value": doc})(), "")


@pytest.mark.corpus
def test_agreement_of_a_pass_with_itself_is_perfect():
    path = ROOT / "annotations" / "passes" / PASSES[0]
    docs = [
        _article(json.loads(p.read_text()))
        for p in sorted(path.glob("*.json"))
        if p.name not in ("entities.json", "propositions.json", "events.json", "SUGGESTIONS.json")
    ]
    result = agreement("a", docs, "a", docs)
    assert result.mentions.f1 == result.claims.f1 == 1.0
    assert result.linking_agreement == 1.0
    assert result.attribution.observed == result.certainty.observed == 1.0


@pytest.mark.corpus
def test_card_reports_what_the_cli_computes():
    run = run_cli("agreement", *PASSES[:2], "--format", "markdown")
    assert run.returncode == 0, run.output
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert run.stdout.strip() in card
    assert re.search(r"\| entity mention F1 \(exact span and label\) \| \d\.\d{3} \|", card)


@pytest.mark.corpus
def test_agreement_usage_errors():
    assert run_cli("agreement", PASSES[0]).returncode == 2
    assert run_cli("agreement", PASSES[0], "no-such-pass").returncode == 2


def test_token_f1():
    assert token_f1("GOP leaked Annie", "GOP leaked the film Annie") == pytest.approx(6 / 8)
    assert token_f1("", "") == 1.0
    assert token_f1("a", "b") == 0.0


def _full(
    start, end, claimer="author", attribution="asserted", certainty="certain", about=(), normalized="x", proposition="p"
):
    return {
        "start": start,
        "end": end,
        "claimer": claimer,
        "attribution": attribution,
        "certainty": certainty,
        "about": list(about),
        "normalized": normalized,
        "proposition": proposition,
        "event": proposition,
    }


def _doc(article_id, split, claims):
    return _article({"id": article_id, "metadata": {"split": split}, "entities": [], "claims": claims})


def test_every_claim_layer_against_hand_counts():
    a = [
        _doc(
            "x",
            "train",
            [
                _full(0, 10, about=["k1", "k2"], normalized="GOP leaked Annie", proposition="P1"),
                _full(
                    20,
                    30,
                    claimer="sony",
                    attribution="reported",
                    certainty="probable",
                    about=["k1"],
                    normalized="Sony was hacked",
                    proposition="P2",
                ),
                _full(40, 50, normalized="x y", proposition="P3"),
                _full(60, 70, proposition="P4"),
            ],
        ),  # unmatched: counts in span F1 only
        _doc("y", "test", [_full(0, 10, about=["k2"], normalized="a b", proposition="P1")]),
    ]
    b = [
        _doc(
            "x",
            "train",
            [
                _full(0, 10, about=["k1"], normalized="GOP leaked the film Annie", proposition="Q1"),
                _full(20, 30, about=["k1"], normalized="Sony was hacked", proposition="Q1"),
                _full(40, 50, certainty="possible", normalized="x y", proposition="Q3"),
            ],
        ),
        _doc("y", "test", [_full(0, 10, about=["k2"], normalized="a b", proposition="Q1")]),
    ]
    result = agreement("a", a, "b", b)
    assert result.claims.f1 == pytest.approx(8 / 9)  # 4 matched of 5 and 4
    # claimer: author/author x3, sony/author: po 3/4, pe (3*4 + 1*0)/16 = 3/4 -> kappa 0
    assert result.claimer.observed == pytest.approx(0.75) and result.claimer.kappa == pytest.approx(0.0)
    assert result.attribution.kappa == pytest.approx(0.0)
    # about: {k1,k2}/{k1}, {k1}/{k1}, {}/{}, {k2}/{k2}: 3 in both, 4 vs 3 keys -> 6/7; Jaccard .5, 1, 1, 1
    assert (result.about.both, result.about.in_a, result.about.in_b) == (3, 4, 3)
    assert result.about.f1 == pytest.approx(6 / 7)
    assert result.about.jaccard == pytest.approx(3.5 / 4)
    assert result.normalized.mean == pytest.approx((0.75 + 3) / 4)
    p = result.propositions
    # A: {x.c1, y.c1} {x.c2} {x.c3}; B: {x.c1, x.c2, y.c1} {x.c3}. Pairs: A 1, B 3, both 1 (a cross-document one)
    assert (p["gold_pairs"], p["predicted_pairs"], p["correct_pairs"]) == (1, 3, 1)
    assert p["pairwise_f1"] == pytest.approx(0.5)
    assert (p["gold_cross_document_pairs"], p["predicted_cross_document_pairs"]) == (1, 2)
    assert p["cross_document_pairwise_f1"] == pytest.approx(2 / 3)
    # B-cubed: recall 1 for every claim; precision 2/3, 1/3, 1, 2/3 -> 2/3; F1 0.8
    assert p["bcubed_recall"] == pytest.approx(1.0) and p["bcubed_precision"] == pytest.approx(2 / 3)
    assert p["bcubed_f1"] == pytest.approx(0.8)
    # per split: the test article agrees on everything; the train one has a B pair that A lacks
    test = result.by_split["test"]
    assert test.about.f1 == 1.0 and test.normalized.mean == 1.0 and test.claimer.kappa is None
    assert test.propositions["gold_pairs"] == test.propositions["predicted_pairs"] == 0
    assert result.by_split["train"].propositions["pairwise_f1"] == 0.0
    assert result.per_article["x"]["about_f1"] == pytest.approx(4 / 5)  # 2 in both, 3 vs 2 keys
    # every layer is in every output
    text, markdown, data = result.to_text(), result.to_markdown(), json.loads(result.to_json())
    for measure in (
        "claimer",
        "`about` set F1",
        "`normalized` token F1",
        "proposition pairwise F1",
        "proposition B-cubed F1",
        "proposition cross-document pairwise F1",
    ):
        assert measure in text and measure in markdown
    # the outputs publish no figure resting on so few items: their counts only
    statistics = data["statistics"]
    assert statistics["proposition_bcubed_f1"]["counts"]["positive_pairs"] == 3  # 1 + 3 - 1
    assert statistics["proposition_bcubed_f1"]["value"] is None
    assert statistics["proposition_bcubed_f1"]["shown"] == "not informative (n=3)"
    assert statistics["about_f1"]["counts"] == {"claims": 4, "in_a": 4, "in_b": 3, "in_both": 3}
    assert statistics["claimer_kappa"]["minority_items"] == 1  # sony/author: outside the majority class
    assert data["splits"]["test"]["statistics"]["normalized_token_f1"]["counts"] == {"claims": 1}
