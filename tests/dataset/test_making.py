"""The card's account of how the annotations were made comes from the files' provenance and span origins."""

from __future__ import annotations

import json
import shutil

from conftest import cases, made_by, record_passes
from cyberclaims.dataset.making import (
    annotators_note,
    describe_layer,
    guidelines_note,
    origin_counts,
    provenance_table,
    record_key,
    suggestions_section,
    summarize,
)
from cyberclaims.validation import validate

ID = cases.ID
make_pass = cases.make_pass


MODEL = {"id": "tagger-7", "type": "model", "model": "Some Tagger", "model_version": "2.1"}


def test_each_record_is_described_in_words():
    assert describe_layer(None).startswith("not made")
    person = describe_layer(made_by("ann-1"))
    assert person == "annotated by `ann-1`, a person, from empty layers; guidelines 3.0, 2026-12-01"
    suggested = describe_layer(
        {**made_by(), "annotator": MODEL, "suggestions": {"system": "baseline:rules", "version": "9", "file": None}}
    )
    assert "a model (Some Tagger, 2.1)" in suggested and "suggestions of `baseline:rules` (9)" in suggested
    adjudicated = describe_layer(made_by("judge", method="adjudicated", passes=["p1", "p2"]))
    assert adjudicated == "adjudicated by `judge`, a person, from the passes `p1`, `p2`; guidelines 3.0, 2026-12-01"


def test_table_suggestions_and_annotators_from_a_made_up_repository(mini):
    folder = make_pass(mini, "pass-s", record=False)
    path = folder / f"{ID}.json"
    doc = json.loads(path.read_text())
    doc["provenance"]["claims"] = {
        **made_by("pass-s-model"),
        "annotator": {**MODEL, "id": "pass-s-model"},
        "suggestions": {"system": "baseline:rules", "version": "9", "file": "SUGGESTIONS.json"},
    }
    doc["claims"][0]["origin"] = {"kind": "suggested", "suggestion": "s1"}
    doc["claims"][1]["origin"] = {"kind": "manual", "suggestion": None}
    path.write_text(json.dumps(doc, indent=2))
    text = (mini / "annotations" / f"{ID}.txt").read_text(encoding="utf-8")
    first = doc["claims"][0]
    offered = [{k: first[k] for k in ("start", "end", "text", "claimer", "attribution", "certainty")}]
    for start, end in [(0, 9), (0, 4)]:  # two more suggestions, deleted by the annotator
        offered.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                "claimer": "author",
                "attribution": "asserted",
                "certainty": "certain",
            }
        )
    for n, claim in enumerate(offered, start=1):
        claim["id"] = f"s{n}"
    suggestions = {"system": "baseline:rules", "model_version": "9", "articles": [{"id": ID, "claims": offered}]}
    (folder / "SUGGESTIONS.json").write_text(json.dumps(suggestions))
    record_passes(mini)
    corpus, report = validate(mini, show_progress=False)
    assert report.ok, [i.to_text() for i in report.issues]
    (collection,) = corpus.passes
    counts = origin_counts({a.id: a.data for a in collection.iter_articles(mini)})["claims"]
    assert (counts["suggested"], counts["edited"], counts["manual"]) == (1, 0, 1)
    # The gold was not made from the pass (its claims name no pass): none of it began as the pass's suggestions
    section = suggestions_section(corpus)
    assert "The gold's claims were not adjudicated from `pass-s`" in section and "began as a suggestion" not in section
    # ... once its claims are adjudicated from the pass, the share of them that began as its suggestions
    gold_path = mini / "annotations" / f"{ID}.json"
    gold = json.loads(gold_path.read_text())
    gold["provenance"]["claims"] = made_by("adjudicator", method="adjudicated", passes=["pass-s"])
    gold_path.write_text(json.dumps(gold, indent=2))
    corpus, report = validate(mini, show_progress=False)
    assert report.ok, [i.to_text() for i in report.issues]
    section = suggestions_section(corpus)
    gold_claims = len(corpus.gold.articles[0].data["claims"])
    assert f"Of the gold's {gold_claims} claims (articles of `pass-s`), 1 (50%) began" in section
    table = provenance_table(summarize(corpus))
    assert "| pass `pass-s` | `claims` | annotated by `pass-s-model`, a model (Some Tagger, 2.1)" in table
    assert table.count("| gold |") == 4
    note = annotators_note(summarize(corpus))
    assert "`pass-s-model` (Some Tagger, 2.1)" in note and "`case-generator`" in note


def test_without_suggestions_the_card_says_so(mini):
    corpus, _ = validate(mini, show_progress=False)
    assert suggestions_section(corpus).startswith("No pass started from a system's suggestions")


def test_the_guidelines_are_quoted_not_typed_in(tmp_path):
    (tmp_path / "annotations").mkdir()
    assert "state no version" in guidelines_note(tmp_path)
    (tmp_path / "annotations" / "GUIDELINES.md").write_text(
        "# G\n\nVersion 7.2 (2031-01-01). Text.\n\nThese guidelines were written with the three seed "
        "articles (all in the test split) in view; no example copies them. More.\n"
    )
    note = guidelines_note(tmp_path)
    assert "version 7.2" in note and "written with the three seed articles (all in the test split) in view" in note
    shutil.rmtree(tmp_path / "annotations")


def test_passes_made_by_one_model_are_said_to_overstate_agreement(mini):
    for name in ("pass-x", "pass-y"):
        folder = make_pass(mini, name, record=False)
        path = folder / f"{ID}.json"
        doc = json.loads(path.read_text())
        doc["provenance"] = {
            layer: {**made_by(), "annotator": {**MODEL, "id": f"{name}-model"}} for layer in doc["provenance"]
        }
        path.write_text(json.dumps(doc, indent=2))
    record_passes(mini)
    corpus, report = validate(mini, show_progress=False)
    assert report.ok, [i.to_text() for i in report.issues]
    assert "Every pass was made by a session of the same model (Some Tagger)" in annotators_note(summarize(corpus))
    path = mini / "annotations" / "passes" / "pass-y" / f"{ID}.json"
    doc = json.loads(path.read_text())
    doc["provenance"]["claims"]["annotator"] = {"id": "ann-2", "type": "person"}
    path.write_text(json.dumps(doc, indent=2))
    record_passes(mini)
    corpus, _ = validate(mini, show_progress=False)
    assert "same model" not in annotators_note(summarize(corpus))


def test_the_card_names_who_created_the_annotations_from_the_provenance(mini):
    from cyberclaims.dataset.making import annotations_creators

    corpus, _ = validate(mini, show_progress=False)
    assert annotations_creators(summarize(corpus)) == ["expert-generated"]  # the minimal article: a person's
    folder = make_pass(mini, "pass-m", record=False)
    path = folder / f"{ID}.json"
    doc = json.loads(path.read_text())
    doc["provenance"]["claims"]["annotator"] = MODEL
    path.write_text(json.dumps(doc, indent=2))
    record_passes(mini)
    corpus, _ = validate(mini, show_progress=False)
    assert annotations_creators(summarize(corpus)) == ["expert-generated", "machine-generated"]


def test_the_gold_records_counted_by_the_build_give_the_summary_the_files_give(mini):
    """The card reads the gold's records from the build's cached figures, not the files again: the same summary."""
    from collections import Counter

    make_pass(mini, "pass-x")
    corpus, _ = validate(mini, show_progress=False)
    counted = Counter(
        record_key(layer, (a.data.get("provenance") or {}).get(layer))
        for a in corpus.gold.iter_articles(mini)
        for layer in ("entities", "links", "claims", "alignment")
    )
    assert summarize(corpus, counted) == summarize(corpus)
