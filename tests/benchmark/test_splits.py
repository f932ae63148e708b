"""Splits end to end: `evaluate` and `baselines` score one split (test by default), the gazetteer learns
from the train split when it has articles, and agreement is given per split. Each test builds its own small
corpus, so none depends on the real corpus's articles or splits."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import provenance, record_passes, run_cli
from cyberclaims.benchmark.baselines import gazetteer_predictions, run_baselines
from cyberclaims.benchmark.predictions import prediction_document
from cyberclaims.benchmark.report import leaderboard_text
from cyberclaims.core.agreement import agreement
from cyberclaims.dataset.leaderboard import leaderboard_markdown
from cyberclaims.validation import validate

ENTITIES = {
    "sony_pictures": ("Sony Pictures", "ORG"),
    "north_korea": ("North Korea", "GPE"),
    "lazarus_group": ("Lazarus Group", "ORG"),
    "guardians_of_peace": ("Guardians of Peace", "ORG"),
}


def annotation(article_id: str, split: str, text: str) -> dict:
    """A valid annotation: every registry name found in the text a linked mention, every line a claim."""
    mentions = []
    for key, (name, label) in ENTITIES.items():
        start = text.find(name)
        while start != -1:
            mentions.append({"start": start, "end": start + len(name), "text": name, "label": label, "entity": key})
            start = text.find(name, start + 1)
    mentions.sort(key=lambda m: m["start"])
    for n, m in enumerate(mentions, start=1):
        m["id"] = f"m{n}"
    segments, claims, start = [], [], 0
    for line in text.split("\n"):
        if line.strip():  # a line is one sentence ending in "."; the claim leaves the full stop out
            segments.append({"start": start, "end": start + len(line), "kind": "body"})
            claims.append(
                {
                    "id": f"c{len(claims) + 1}",
                    "start": start,
                    "end": start + len(line) - 1,
                    "text": line[:-1],
                    "claimer": "author",
                    "attribution": "asserted",
                    "certainty": "certain",
                    "normalized": "Sony Pictures was hacked.",
                    "about": [],
                    "proposition": "sony_was_hacked",
                    "event": "sony_hack",
                }
            )
        start += len(line) + 1
    return {
        "id": article_id,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "metadata": {
            "title": None,
            "source": {"name": "test", "url": None, "origin": "test"},
            "published": "2014",
            "language": "en",
            "license": "CC0-1.0",
            "topic": "sony-hack",
            "split": split,
        },
        "segments": segments,
        "entities": mentions,
        "claims": claims,
        "annotators": ["tester"],
        "notes": None,
        "provenance": provenance(),
    }


def write_corpus(root: Path, articles: dict[str, tuple[str, str]]) -> Path:
    """A repository with ``articles`` (id -> (split, text)) and their registries."""
    folder = root / "annotations"
    folder.mkdir(parents=True)
    (folder / "entities.json").write_text(
        json.dumps(
            {
                "entities": [
                    {"key": k, "name": n, "type": t, "aliases": [], "description": n} for k, (n, t) in ENTITIES.items()
                ]
            }
        )
    )
    (folder / "propositions.json").write_text(
        json.dumps({"propositions": [{"key": "sony_was_hacked", "statement": "Sony Pictures was hacked."}]})
    )
    (folder / "events.json").write_text(
        json.dumps({"events": [{"key": "sony_hack", "description": "Sony Pictures was hacked."}]})
    )
    for article_id, (split, text) in articles.items():
        (folder / f"{article_id}.txt").write_bytes(text.encode())
        (folder / f"{article_id}.json").write_text(json.dumps(annotation(article_id, split, text), indent=2))
    return root


ARTICLES = {
    "learnt-in-train": ("train", "Lazarus Group hacked Sony Pictures.\n"),
    "tuned-in-validation": ("validation", "Guardians of Peace hacked Sony Pictures.\n"),
    "scored-first": ("test", "North Korea hacked Sony Pictures.\nLazarus Group did it.\n"),
    "scored-second": ("test", "Guardians of Peace leaked films.\nNorth Korea denied it.\n"),
}
TEST_IDS = ["scored-first", "scored-second"]


def gold_of(root: Path):
    corpus, report = validate(root, show_progress=False)
    assert report.ok, [i.to_text() for i in report.issues]
    return sorted(corpus.gold.articles, key=lambda a: a.id)


def write_predictions(folder: Path, documents: dict[str, dict]) -> Path:
    folder.mkdir()
    for article_id, document in documents.items():
        (folder / f"{article_id}.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# evaluate --split


def test_evaluate_scores_only_the_chosen_split(tmp_path):
    root = write_corpus(tmp_path / "repo", ARTICLES)
    assert run_cli("build", cwd=root).returncode == 0  # evaluate reads its gold from the built dataset
    gold = gold_of(root)
    documents = {a.id: prediction_document(a, entities=a.data["entities"]) for a in gold if a.id in TEST_IDS}
    # a prediction of a train article is ignored, not an error, even a broken one
    documents["learnt-in-train"] = {"id": "learnt-in-train", "text_sha256": "0" * 64}
    predictions = write_predictions(tmp_path / "predictions", documents)

    out = tmp_path / "metrics.json"
    run = run_cli("evaluate", "--task", "ner", "--predictions", predictions, "--output", out, cwd=root)
    assert run.returncode == 0, run.output
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["split"] == "test" and result["article_count"] == 2 and result["articles"] == TEST_IDS
    assert result["metrics"]["f1"] == 1.0
    assert set(result["per_article"]) == set(TEST_IDS)
    assert "test split, 2 articles scored" in run.stdout

    # validation: its one article has no prediction, reported as missing; nothing is scored
    run = run_cli("evaluate", "--task", "ner", "--predictions", predictions, "--split", "validation", cwd=root)
    assert run.returncode == 1
    assert "missing-annotation" in run.output and "tuned-in-validation" in run.output
    assert "scored-first" not in run.stdout


def test_evaluate_on_a_split_without_articles_is_a_clear_error(tmp_path):
    root = write_corpus(tmp_path / "repo", {k: v for k, v in ARTICLES.items() if v[0] != "validation"})
    assert run_cli("build", cwd=root).returncode == 0
    predictions = write_predictions(tmp_path / "predictions", {})
    run = run_cli("evaluate", "--task", "ner", "--predictions", predictions, "--split", "validation", cwd=root)
    assert run.returncode == 1
    assert "no gold article is in the validation split" in run.stderr
    run = run_cli("baselines", "--core", "--split", "validation", cwd=root)
    assert run.returncode == 1 and "no gold article is in the validation split" in run.stderr


# ---------------------------------------------------------------------------------------------
# baselines


def _found(documents: dict[str, dict], article_id: str) -> set[str]:
    return {m["text"] for m in documents[article_id]["entities"]}


def test_the_gazetteer_learns_from_the_train_split_when_it_has_articles(tmp_path):
    gold = gold_of(write_corpus(tmp_path / "repo", ARTICLES))
    scored = [a for a in gold if a.id in TEST_IDS]
    train = [a for a in gold if a.id == "learnt-in-train"]
    documents = gazetteer_predictions(scored, train=train)
    assert sorted(documents) == TEST_IDS
    # only forms of the train article: not North Korea (test only), not Guardians of Peace (validation)
    assert _found(documents, "scored-first") == {"Lazarus Group", "Sony Pictures"}
    assert _found(documents, "scored-second") == set()
    # leave-one-article-out over the scored articles instead: each learns from the other
    documents = gazetteer_predictions(scored)
    assert _found(documents, "scored-first") == {"North Korea"}
    assert _found(documents, "scored-second") == {"North Korea"}


def test_baselines_score_the_test_split_and_say_what_the_gazetteer_learnt_from(tmp_path):
    root = write_corpus(tmp_path / "repo", ARTICLES)
    out = tmp_path / "results.json"
    run = run_cli("baselines", "--core", "--output", out, cwd=root)
    assert run.returncode == 0, run.output
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["split"] == "test" and results["articles"] == TEST_IDS
    assert results["training"]["method"] == "train split" and results["training"]["articles"] == 1
    for row in results["rows"]:
        assert set(row["per_article"] or TEST_IDS) == set(TEST_IDS)
        if row["baseline"] == "gazetteer":
            assert row["name"] == "gazetteer, trained on 1 train article"
        if "training" in row["provenance"]:  # a baseline that learns from gold labels learns from train
            assert row["provenance"]["training"]["method"] == "train split"
        else:
            assert row["baseline"] in ("rules", "jaccard-normalized", "jaccard-text", "singletons"), row["baseline"]
    gazetteer_ner = next(r for r in results["rows"] if (r["baseline"], r["task"]) == ("gazetteer", "ner"))
    assert gazetteer_ner["metrics"]["gold"] == 5  # the mentions of the two test articles only
    assert "scored on the test split (2 articles)" in run.stdout
    assert "trained on the 1 article of the train split" in run.stdout
    table = leaderboard_markdown(results)
    assert "on the test split (2 articles)" in table and "trained on 1 train article" in table


def test_baselines_fall_back_to_leave_one_article_out_without_train_articles(tmp_path):
    root = write_corpus(tmp_path / "repo", {k: v for k, v in ARTICLES.items() if v[0] != "train"})
    results = run_baselines(gold_of(root), only=["gazetteer"])
    assert results["split"] == "test" and results["articles"] == TEST_IDS
    assert results["training"]["method"] == "leave-one-article-out"
    assert {r["name"] for r in results["rows"]} == {"gazetteer, leave-one-article-out"}
    assert "leave-one-article-out over the test split" in leaderboard_text(results)
    # scoring the train split never trains on it: leave-one-article-out there too
    root = write_corpus(tmp_path / "other", ARTICLES)
    results = run_baselines(gold_of(root), split="train", only=["gazetteer"])
    assert results["articles"] == ["learnt-in-train"]
    assert results["training"]["method"] == "leave-one-article-out"


# ---------------------------------------------------------------------------------------------
# agreement


def test_agreement_per_split_and_overall(tmp_path):
    root = write_corpus(tmp_path / "repo", ARTICLES)
    for name in ("pass-a", "pass-b"):
        folder = root / "annotations" / "passes" / name
        folder.mkdir(parents=True)
        for registry in ("entities.json", "propositions.json", "events.json"):
            shutil.copy(root / "annotations" / registry, folder / registry)
        for article_id, (split, text) in ARTICLES.items():
            if name == "pass-b" and article_id == "tuned-in-validation":
                continue  # one pass only: not compared
            doc = annotation(article_id, split, text)
            if name == "pass-b" and article_id == "scored-first":
                doc["entities"] = doc["entities"][1:]  # pass-b misses a mention in one test article
                for n, m in enumerate(doc["entities"], start=1):
                    m["id"] = f"m{n}"
            doc["annotators"] = [name]
            (folder / f"{article_id}.json").write_text(json.dumps(doc, indent=2))
    record_passes(root)

    run = run_cli("agreement", "pass-a", "pass-b", "--format", "json", cwd=root)
    assert run.returncode == 0, run.output
    result = json.loads(run.stdout)
    assert result["article_count"] == 3
    assert list(result["splits"]) == ["train", "test"]  # validation: only one pass has its article
    assert result["splits"]["train"]["article_count"] == 1
    train = result["splits"]["train"]["statistics"]["entity_mention_f1"]
    assert train["counts"] == {"matched": 2, "in_a": 2, "in_b": 2}
    assert train["shown"] == "not informative (n=2)" and train["value"] is None  # 2 mentions say little
    assert result["splits"]["test"]["articles"] == TEST_IDS
    assert result["splits"]["test"]["statistics"]["entity_mention_f1"]["counts"]["in_a"] == 5
    assert result["splits"]["test"]["statistics"]["entity_mention_f1"]["counts"]["in_b"] == 4
    assert result["statistics"]["entity_mention_f1"]["counts"] == {"matched": 6, "in_a": 7, "in_b": 6}

    text = run_cli("agreement", "pass-a", "pass-b", cwd=root).stdout
    assert "all splits, on 3 articles" in text and "split train, on 1 article" in text
    assert "split test, on 2 articles" in text
    markdown = run_cli("agreement", "pass-a", "pass-b", "--format", "markdown", cwd=root).stdout
    assert "All splits (3 articles):" in markdown and "Split `test` (2 articles):" in markdown

    # the library gives the same, from the articles' own splits
    corpus, _ = validate(root, show_progress=False)
    passes = {c.name: c for c in corpus.passes}
    direct = agreement("pass-a", passes["pass-a"].articles, "pass-b", passes["pass-b"].articles)
    assert direct.to_dict() == result
