"""What became of suggestions (``cyberclaims.core.suggestions``): the origin of a span, the counts per
layer, and the gold traced back to a pass. Made-up spans only."""

from __future__ import annotations

from collections import Counter

import pytest

from cyberclaims.core.suggestions import (
    FROM_SUGGESTION,
    MANUAL,
    Suggestions,
    gold_origins,
    kept_as_suggested,
    lowest_score,
    outcome,
    span_origin,
)

CLAIM = {"id": "c1", "start": 4, "end": 20, "claimer": "author", "attribution": "asserted", "certainty": "certain"}
MENTION = {"id": "m1", "start": 0, "end": 3, "label": "ORG", "entity": "kestrel"}


@pytest.mark.parametrize(
    ("layer", "suggestion", "span", "kept"),
    [
        (
            "entities",
            MENTION,
            {"start": 0, "end": 3, "label": "ORG", "entity": None},
            True,
        ),  # a key is the links layer's
        ("entities", MENTION, {"start": 0, "end": 3, "label": "GPE"}, False),
        ("entities", MENTION, {"start": 0, "end": 4, "label": "ORG"}, False),
        ("claims", CLAIM, {**CLAIM, "normalized": "A thing.", "proposition": "p"}, True),  # fields it did not give
        ("claims", CLAIM, {**CLAIM, "certainty": "possible"}, False),
        ("claims", CLAIM, {**CLAIM, "end": 21}, False),
        ("claims", {**CLAIM, "about": ["kestrel"]}, {**CLAIM, "about": []}, False),
    ],
)
def test_a_span_is_kept_when_its_span_and_the_suggested_fields_are_unchanged(layer, suggestion, span, kept) -> None:
    assert kept_as_suggested(suggestion, span, layer) is kept


def test_the_origin_of_an_imported_span() -> None:
    by_id = {"m1": MENTION}
    same = {"start": 0, "end": 3, "label": "ORG"}
    assert span_origin("entities", "m1", FROM_SUGGESTION, by_id, same) == (
        {"kind": "suggested", "suggestion": "m1"},
        None,
    )
    changed = {**same, "label": "NORP"}
    assert span_origin("entities", "m1", FROM_SUGGESTION, by_id, changed)[0] == {"kind": "edited", "suggestion": "m1"}
    assert span_origin("entities", "x9", MANUAL, by_id, same)[0] == {"kind": "manual", "suggestion": None}
    # a tool that records no origin: the region's id tells
    assert span_origin("entities", "m1", None, by_id, same)[0] == {"kind": "suggested", "suggestion": "m1"}
    assert span_origin("entities", "x9", None, by_id, same)[0] == {"kind": "manual", "suggestion": None}
    origin, problem = span_origin("entities", "x9", FROM_SUGGESTION, by_id, same)
    assert origin is None and "no entities region 'x9'" in (problem or "")


def suggested() -> Suggestions:
    return Suggestions(
        "baseline:rules",
        "1.0",
        {
            "alpha": {
                "claims": [
                    {**CLAIM, "id": "c1", "score": 0.5},
                    {**CLAIM, "id": "c2", "start": 30, "end": 40, "score": 0.25},
                    {**CLAIM, "id": "c3", "start": 50, "end": 60},
                ]
            },
            "beta": {"claims": []},
            "gamma": {"claims": [{**CLAIM, "id": "c1"}]},
        },
    )


def origin(kind: str, suggestion: str | None = None) -> dict:
    return {"kind": kind, "suggestion": suggestion}


def test_outcome_counts_kept_edited_deleted_and_added_per_layer() -> None:
    annotated = {
        "alpha": {
            "claims": [
                {**CLAIM, "id": "c1", "origin": origin("suggested", "c1")},  # kept: the suggestion's span, fields
                {"id": "c2", "origin": origin("edited", "c2")},
                {"id": "c4", "origin": origin("manual")},
                {"id": "c5", "origin": origin("edited", "c2")},  # a suggestion split in two: both came from it
            ],
            "entities": [{"id": "m1"}],  # a layer not suggested: not counted
        },
        "beta": {"claims": [{"id": "c1", "origin": origin("manual")}, {"id": "c2"}]},
    }
    found = outcome(suggested(), annotated)
    counts = found.layers["claims"]
    assert (counts.suggested, counts.kept, counts.edited, counts.deleted, counts.manual, counts.unrecorded) == (
        3,
        1,
        2,
        1,
        2,
        1,
    )
    assert counts.final == 6
    assert counts.acceptance == pytest.approx(1 / 3)
    assert counts.from_suggestions == pytest.approx(3 / 6)
    assert list(found.layers) == ["claims"]
    assert found.articles == ["alpha", "beta"] and found.not_annotated == ["gamma"]
    assert found.dangling == []


def test_a_span_naming_a_suggestion_that_is_not_there_is_listed() -> None:
    found = outcome(suggested(), {"gamma": {"claims": [{"id": "c1", "origin": origin("suggested", "c7")}]}})
    assert found.layers["claims"].deleted == 1  # c1 has no descendant
    assert found.dangling == ["gamma claims c1: came from suggestion 'c7', which is not among its claims suggestions"]


def test_malformed_origins_are_counted_as_unrecorded_never_a_crash() -> None:
    annotated = {
        "gamma": {
            "claims": [
                {"id": "c1", "origin": ["suggested"]},
                {"id": "c2", "origin": {"kind": ["edited"], "suggestion": "c1"}},
                {"id": "c3", "origin": {"kind": "edited", "suggestion": ["c1"]}},
                "not a span",
            ]
        }
    }
    counts = outcome(suggested(), annotated).layers["claims"]
    assert (counts.unrecorded, counts.edited, counts.deleted) == (3, 1, 1)


def test_the_json_document_and_the_task_score() -> None:
    document = suggested().to_json()
    assert document["system"] == "baseline:rules" and document["model_version"] == "1.0"
    assert [a["id"] for a in document["articles"]] == ["alpha", "beta", "gamma"]
    assert document["articles"][0]["score"] == 0.25  # the lowest of its suggestions
    assert "score" not in document["articles"][1]  # nothing suggested: no score
    assert Suggestions.from_json(document) == suggested()
    assert lowest_score({"claims": [{"score": 0.0}, {"score": 0.5}]}) == 0.0


def test_reports_read_as_tables() -> None:
    found = outcome(suggested(), {"alpha": {"claims": [{"id": "c1", "origin": origin("suggested", "c1")}]}})
    text, markdown = found.to_text(), found.to_markdown()
    assert "suggestions of baseline:rules version 1.0" in text and "1/3 = 0.333" in text
    assert "| claims | 3 | 1 | 0 | 2 | 0 | 1 | 1/3 = 0.333 | 1/1 = 1.000 |" in markdown
    assert "not annotated yet: beta, gamma" in markdown


def test_gold_spans_traced_to_the_pass_that_started_from_suggestions() -> None:
    passed = {
        "alpha": {
            "claims": [
                {"start": 4, "end": 20, "origin": origin("suggested", "c1")},
                {"start": 30, "end": 40, "origin": origin("edited", "c2")},
                {"start": 50, "end": 60, "origin": origin("manual")},
            ],
            "entities": [{"start": 0, "end": 3, "label": "ORG", "origin": origin("suggested", "m1")}],
        }
    }
    gold = {
        "alpha": {
            "claims": [
                {"start": 4, "end": 20},
                {"start": 30, "end": 40},
                {"start": 50, "end": 60},
                {"start": 61, "end": 70},
            ],
            "entities": [{"start": 0, "end": 3, "label": "GPE"}],  # relabelled in adjudication: not the pass's span
        },
        "delta": {"claims": [{"start": 0, "end": 5}]},  # not in the pass: not counted
    }
    traced = gold_origins("pass-d", gold, passed, ["claims", "entities"])
    assert traced.layers["claims"] == Counter({"suggested": 1, "edited": 1, "manual": 1, "absent": 1})
    assert traced.share("claims") == (2, 4)
    assert traced.layers["entities"] == Counter({"absent": 1})
    assert traced.to_dict()["layers"]["claims"]["began_as_suggestions"] == 2


def test_a_span_that_says_it_kept_a_suggestion_it_changed_is_listed() -> None:
    """Its origin said "suggested" while its span (or a field the suggestion gave) differed: the counts then said
    kept what was edited, and validate accepted it."""
    annotated = {
        "alpha": {
            "claims": [
                {**CLAIM, "id": "c1", "certainty": "possible", "origin": origin("suggested", "c1")},
                {**CLAIM, "id": "c2", "start": 31, "end": 40, "origin": origin("suggested", "c2")},
                {
                    **CLAIM,
                    "id": "c3",
                    "start": 50,
                    "end": 60,
                    "normalized": "A thing.",
                    "origin": origin("suggested", "c3"),
                },
            ]
        }
    }
    found = outcome(suggested(), annotated)
    assert [d.split(":")[0] for d in found.dangling] == ["alpha claims c1", "alpha claims c2"], found.dangling
    assert all("its origin is edited" in d for d in found.dangling)
