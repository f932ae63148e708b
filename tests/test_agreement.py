"""Agreement measures against hand-computed references, and the card's figures against the CLI."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, run_cli
from cyberclaims.dataset.agreement import F1, agreement, cohen_kappa, match_claims
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


@pytest.mark.parametrize("a, b, expected", [
    ([claim(0, 10)], [claim(0, 10)], [(0, 0)]),
    ([claim(0, 10)], [claim(5, 10)], [(0, 0)]),       # overlap 5 = half of the longer (10)
    ([claim(0, 10)], [claim(6, 10)], []),             # overlap 4 < 5
    ([claim(0, 10)], [claim(0, 21)], []),             # overlap 10 < 10.5
    ([claim(0, 10), claim(0, 10)], [claim(0, 10)], [(0, 0)]),  # one-to-one
    ([claim(0, 10, "annie leaked"), claim(0, 10, "fury leaked")],
     [claim(0, 10, "fury was leaked"), claim(0, 10, "annie was leaked")], [(0, 1), (1, 0)]),
])
def test_claim_matching(a, b, expected):
    assert match_claims(a, b) == expected


def _article(doc: dict) -> Article:
    return Article(doc["id"], "", b"", type("D", (), {"value": doc})(), "")


def test_agreement_of_a_pass_with_itself_is_perfect():
    path = ROOT / "annotations" / "passes" / "pass-a"
    docs = [_article(json.loads(p.read_text())) for p in sorted(path.glob("*.json"))
            if p.name not in ("entities.json", "propositions.json")]
    result = agreement("a", docs, "a", docs)
    assert result.mentions.f1 == result.claims.f1 == 1.0
    assert result.linking_agreement == 1.0
    assert result.attribution.observed == result.certainty.observed == 1.0


def test_card_reports_what_the_cli_computes():
    run = run_cli("agreement", "pass-a", "pass-b", "--format", "markdown")
    assert run.returncode == 0, run.output
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    assert run.stdout.strip() in card
    assert re.search(r"\| entity mention F1 \(exact span and label\) \| \d\.\d{3} \|", card)


def test_agreement_usage_errors():
    assert run_cli("agreement", "pass-a").returncode == 2
    assert run_cli("agreement", "pass-a", "no-such-pass").returncode == 2
