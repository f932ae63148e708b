"""The events task: claims clustered by their ``event`` keys across articles, scored over the gold claims
by pairwise F1 and B-cubed against the everyone-alone baseline. A made-up corpus whose event clusters
differ from its propositions (every claim its own proposition) tells the two tasks apart."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sklearn.metrics.cluster import pair_confusion_matrix

from conftest import made_by, run_cli
from cyberclaims.benchmark.baselines import run_baselines
from cyberclaims.benchmark.predictions import check_any, prediction_document
from cyberclaims.benchmark.report import leaderboard_text
from cyberclaims.benchmark.scoring import PredictionError, evaluate
from cyberclaims.benchmark.tasks import TASK_SPECS, TASKS
from cyberclaims.dataset.leaderboard import TASK_ORDER, leaderboard_markdown
from cyberclaims.validation import validate

# Each article: its lines (one claim each) and the event each reports; every claim its own proposition.
EVENTS = {
    "first-report": [("Hackers entered the network of Acme.", "acme_breach"), ("Acme hired a firm.", "acme_hires")],
    "second-report": [("Acme was hacked in May.", "acme_breach"), ("Files leaked online.", "files_leak")],
    "third-report": [("Intruders broke into Acme.", "acme_breach"), ("Acme stock fell.", "acme_stock")],
}


def _document(article_id: str, lines: list[tuple[str, str]]) -> tuple[dict, str]:
    text = "".join(f"{line}\n" for line, _ in lines)
    segments, claims, start = [], [], 0
    for n, (line, event) in enumerate(lines, start=1):
        segments.append({"start": start, "end": start + len(line), "kind": "body"})
        claims.append(
            {
                "id": f"c{n}",
                "start": start,
                "end": start + len(line) - 1,
                "text": line[:-1],
                "claimer": "author",
                "attribution": "asserted",
                "certainty": "certain",
                "normalized": line,
                "about": [],
                "proposition": f"{article_id.replace('-', '_')}_{n}",
                "event": event,
            }
        )
        start += len(line) + 1
    document = {
        "id": article_id,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "metadata": {
            "title": None,
            "source": {"name": "Example News", "url": None, "origin": "made up"},
            "published": "2024",
            "language": "en",
            "license": "CC0-1.0",
            "topic": "acme-breach",
            "split": "test",
        },
        "segments": segments,
        "entities": [],
        "claims": claims,
        "annotators": ["tester"],
        "notes": None,
        "provenance": {layer: made_by("tester") for layer in ("entities", "links", "claims", "alignment")},
    }
    return document, text


@pytest.fixture
def gold(tmp_path: Path) -> list:
    folder = tmp_path / "repo" / "annotations"
    folder.mkdir(parents=True)
    propositions, events = [], set()
    for article_id, lines in EVENTS.items():
        document, text = _document(article_id, lines)
        (folder / f"{article_id}.txt").write_text(text, encoding="utf-8")
        (folder / f"{article_id}.json").write_text(json.dumps(document), encoding="utf-8")
        propositions += [{"key": c["proposition"], "statement": c["normalized"]} for c in document["claims"]]
        events |= {c["event"] for c in document["claims"]}
    registries = {
        "entities.json": {"entities": []},
        "propositions.json": {"propositions": propositions},
        "events.json": {"events": [{"key": k, "description": k.replace("_", " ")} for k in sorted(events)]},
    }
    for name, value in registries.items():
        (folder / name).write_text(json.dumps(value), encoding="utf-8")
    corpus, report = validate(tmp_path / "repo", show_progress=False)
    assert report.ok, [i.to_text() for i in report.issues]
    return sorted(corpus.gold.articles, key=lambda a: a.id)


def _with_events(gold, event_of) -> dict[str, dict]:
    """The gold claims as predictions, each with the event key ``event_of(claim)``."""
    return {a.id: prediction_document(a, claims=[{**c, "event": event_of(c)} for c in a.data["claims"]]) for a in gold}


def test_events_is_a_task_of_the_benchmark_and_its_leaderboard():
    assert "events" in TASKS == TASK_ORDER
    assert TASK_SPECS["events"].primary == "pairwise_f1" and not TASK_SPECS["events"].per_article


def test_the_gold_events_score_one_and_propositions_are_another_task(gold):
    perfect = check_any(_with_events(gold, lambda c: c["event"]), gold, "events").articles
    events = evaluate("events", gold, perfect).metrics
    assert events["pairwise_f1"] == events["bcubed_f1"] == 1.0
    assert events["gold_pairs"] == 3 and events["gold_cross_document_pairs"] == 3  # acme_breach, in 3 articles
    assert evaluate("propositions", gold, perfect).metrics["gold_pairs"] == 0  # every claim its own proposition


def test_events_equal_the_pair_counts_of_their_definition(gold):
    guesses = {"acme_breach": "a", "acme_hires": "a", "files_leak": "b", "acme_stock": "b"}
    documents = _with_events(gold, lambda c: guesses[c["event"]])
    metrics = evaluate("events", gold, check_any(documents, gold, "events").articles).metrics
    truth = [c["event"] for a in gold for c in a.data["claims"]]
    guess = [guesses[e] for e in truth]
    (_, pred_only), (gold_only, both) = pair_confusion_matrix(truth, guess)  # ordered pairs: twice each
    assert metrics["pairwise_precision"] == pytest.approx(both / (both + pred_only))
    assert metrics["pairwise_recall"] == pytest.approx(both / (both + gold_only))


def test_the_minimal_format_needs_an_event_for_the_events_task(gold):
    lines = {a.id: {"claims": [{"start": c["start"], "end": c["end"]} for c in a.data["claims"]]} for a in gold}
    with pytest.raises(PredictionError) as raised:
        evaluate("events", gold, lines)
    assert "'event' is a required property of a claim for the events task" in str(raised.value)
    for line, article in zip(lines.values(), gold):
        for claim, gold_claim in zip(line["claims"], article.data["claims"]):
            claim["event"] = gold_claim["event"]
    assert evaluate("events", gold, lines).metrics["pairwise_f1"] == 1.0


def test_everyone_alone_is_the_events_baseline_and_the_leaderboard_lists_it(gold):
    results = run_baselines(gold, split=None, only=["singletons", "jaccard-normalized"])
    rows = {(r["baseline"], r["task"]): r for r in results["rows"]}
    assert set(rows) == {(b, t) for b in ("singletons", "jaccard-normalized") for t in ("propositions", "events")}
    alone = rows[("singletons", "events")]["metrics"]
    assert alone["pairwise_f1"] == 0.0 and alone["bcubed_precision"] == 1.0
    assert alone["bcubed_recall"] == pytest.approx(4 / 6)  # 4 gold events among 6 claims
    table = leaderboard_markdown(results)
    events_rows = [line for line in table.splitlines() if line.startswith("| events |")]
    assert len(events_rows) == 2
    # 3 positive pairs: too few to print a figure, in the card's table and on the terminal
    assert all("not informative (n=3)" in line for line in events_rows if "reference" in line)
    assert "events" in leaderboard_text(results)


def test_evaluate_events_through_the_cli(gold, tmp_path):
    lines = [
        {"id": a.id, "claims": [{"start": c["start"], "end": c["end"], "event": "same"} for c in a.data["claims"]]}
        for a in gold
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    root = tmp_path / "repo"
    assert run_cli("build", cwd=root).returncode == 0  # evaluate reads its gold from the built dataset
    out = tmp_path / "metrics.json"
    run = run_cli("evaluate", "--task", "events", "--predictions", path, "--output", out, cwd=root)
    assert run.returncode == 0, run.output
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["task"] == "events" and result["primary"]["metric"] == "pairwise_f1"
    # everything in one cluster: 15 predicted pairs, the 3 gold ones among them
    assert result["metrics"]["predicted_pairs"] == 15 and result["metrics"]["pairwise_recall"] == 1.0
    assert "pairwise, cross-document" in run_cli("evaluate", "--task", "events", "--predictions", path, cwd=root).stdout
