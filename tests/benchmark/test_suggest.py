"""Pre-annotation (``cyberclaims.benchmark.suggest``): what each system suggests, with which score and
version, and that it never reads the labels of an article it suggests for. Made-up articles only."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from cyberclaims.benchmark.suggest import blank, suggest, suggestions_from_file, targets, training
from cyberclaims.core.errors import CyberClaimsError, UsageError
from cyberclaims.core.jsondoc import JsonDocument
from cyberclaims.core.model import Article


def made(article_id: str, text: str, split: str = "train", entities=(), claims=()) -> Article:
    """An article whose every line is a body segment, with the mentions and claims given (text found)."""
    segments, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            segments.append({"start": start, "end": start + len(line), "kind": "body"})
        start += len(line) + 1

    def placed(phrase: str, nth: int = 0) -> tuple[int, int]:
        at = -1
        for _ in range(nth + 1):
            at = text.index(phrase, at + 1)
        return at, at + len(phrase)

    mentions = []
    for n, (phrase, label, entity, *nth) in enumerate(entities, 1):
        s, e = placed(phrase, *nth)
        mentions.append({"id": f"m{n}", "start": s, "end": e, "text": phrase, "label": label, "entity": entity})
    statements = []
    for n, (phrase, attribution, certainty) in enumerate(claims, 1):
        s, e = placed(phrase)
        statements.append(
            {
                "id": f"c{n}",
                "start": s,
                "end": e,
                "text": phrase,
                "claimer": "author",
                "attribution": attribution,
                "certainty": certainty,
            }
        )
    data = {
        "id": article_id,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "metadata": {
            "title": None,
            "source": {"name": "unknown", "url": None, "origin": f"{article_id}.txt"},
            "published": None,
            "language": "en",
            "license": "LicenseRef-third-party-copyright",
            "topic": "uncategorized",
            "split": split,
        },
        "segments": segments,
        "entities": mentions,
        "claims": statements,
    }
    return Article(article_id, text, text.encode(), JsonDocument(f"annotations/{article_id}.json", "", data), "")


TRAIN = made(
    "orion-bank-outage",
    "Orion Bank said Lyra was calm.\nOrion Bank closed.\nOrion Bank staff left.",
    entities=[
        ("Orion Bank", "ORG", "orion_bank", 0),
        ("Orion Bank", "ORG", "orion_bank", 1),
        ("Orion Bank", "PERSON", None, 2),  # a mislabelled occurrence: the score says so
        ("Lyra", "GPE", "lyra"),
    ],
)
TARGET_TEXT = "Orion Bank met Vega Corp in Lyra.\nVega Corp denied it."
TARGET = made("vega-corp-meeting", TARGET_TEXT, "train", entities=[("Vega Corp", "ORG", "vega_corp", 0)])


def test_the_gazetteer_learns_from_train_and_scores_each_form_by_its_label_share() -> None:
    found = suggest([TRAIN, TARGET], [TARGET], "gazetteer")
    (entry,) = found.articles.values()
    assert [(m["id"], m["text"], m["label"], m.get("entity"), m["score"]) for m in entry["entities"]] == [
        ("m1", "Orion Bank", "ORG", "orion_bank", round(2 / 3, 4)),
        ("m2", "Lyra", "GPE", "lyra", 1.0),
    ]
    assert found.system == "baseline:gazetteer" and "+train." in found.version
    assert "1 train article" in (found.note or "")


def test_a_system_never_reads_the_labels_of_an_article_it_suggests_for() -> None:
    """The target is itself in train and labelled: its "Vega Corp" is not learnt, and changing its labels
    changes nothing of what is suggested for it (nor the version: the digest is of what was learnt)."""
    relabelled = made("vega-corp-meeting", TARGET_TEXT, "train", entities=[("Vega Corp", "PERSON", None, 1)])
    for system in ("gazetteer", "rules"):
        first = suggest([TRAIN, TARGET], [TARGET], system).to_json()
        again = suggest([TRAIN, relabelled], [relabelled], system).to_json()
        assert first == again, system
    assert "Vega Corp" not in json.dumps(suggest([TRAIN, TARGET], [TARGET], "gazetteer").to_json())
    assert blank(TARGET).data["entities"] == [] and TARGET.data["entities"]  # the original is untouched


def test_the_version_names_what_was_learnt() -> None:
    other = made("orion-bank-outage", TRAIN.text, entities=[("Lyra", "GPE", "lyra")])
    assert training([TRAIN, TARGET], [TARGET])[1] != training([other, TARGET], [TARGET])[1]
    assert training([TRAIN, TARGET], [TARGET])[0] == [TRAIN]


def test_the_gazetteer_with_nothing_to_learn_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="train split"):
        suggest(
            [made("vega-corp-meeting", TARGET_TEXT, "test")],
            [made("vega-corp-meeting", TARGET_TEXT, "test")],
            "gazetteer",
        )


def test_rule_claims_are_scored_by_the_rules_precision_on_train() -> None:
    train = made(
        "harbor-bank-loss",
        "Reuters said the bank lost 3 million dollars.\nOfficials in Paris were calm.",
        claims=[("the bank lost 3 million dollars", "reported", "certain")],
    )
    target = made(
        "fjord-firm-loss",
        "Analysts said the firm lost 2 million euros.\nOfficials in Oslo may resign.\nThe chief in Rome resigned.",
        "test",
    )
    found = suggest([train, target], [target], "rules")
    claims = found.articles["fjord-firm-loss"]["claims"]
    assert [(c["text"], c["attribution"], c["certainty"], c.get("score")) for c in claims] == [
        ("the firm lost 2 million euros", "reported", "certain", 1.0),  # 1 of the 1 reported certain claims
        ("Officials in Oslo may resign", "asserted", "possible", 0.5),  # none like it: 1 of all 2 claims
        ("The chief in Rome resigned", "asserted", "certain", 0.0),  # 0 of the 1 asserted certain claims
    ]
    assert [c["claimer"] for c in claims] == ["analysts", "author", "author"]


def test_rule_claims_without_train_claims_have_no_score() -> None:
    target = made("fjord-firm-loss", "Analysts said the firm lost 2 million euros.", "test")
    (claim,) = suggest([target], [target], "rules").articles["fjord-firm-loss"]["claims"]
    assert "score" not in claim
    assert suggest([target], [target], "rules").to_json()["articles"][0].get("score") is None


def test_targets_are_the_unlabelled_articles_unless_named() -> None:
    skeleton = made("zeta-skeleton", "Zeta Port closed.", "train")
    assert targets([TRAIN, TARGET, skeleton], []) == [skeleton]
    assert targets([TRAIN, TARGET, skeleton], ["vega-corp-meeting", "orion-bank-outage"]) == [TRAIN, TARGET]
    with pytest.raises(UsageError, match="no readable article nowhere"):
        targets([TRAIN], ["nowhere"])
    with pytest.raises(UsageError, match="every article has labels"):
        targets([TRAIN, TARGET], [])


def test_a_systems_output_gives_its_layers_and_scores(tmp_path: Path) -> None:
    lines = [
        {"id": "vega-corp-meeting", "entities": [{"start": 15, "end": 24, "label": "ORG", "score": 0.25}]},
        {"id": "orion-bank-outage", "claims": [{"start": 0, "end": 10}]},  # not suggested for: skipped
    ]
    path = tmp_path / "out.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    found, flagged = suggestions_from_file(path, [TARGET], "my-ner", "0.3")
    assert flagged == []
    assert found.articles == {
        "vega-corp-meeting": {
            "entities": [{"id": "m1", "start": 15, "end": 24, "text": "Vega Corp", "label": "ORG", "score": 0.25}]
        }
    }
    assert found.model_version == "my-ner@0.3"


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "missing-annotation"),
        (
            [{"id": "vega-corp-meeting", "entities": [{"start": 15, "end": 24, "label": "ORG", "score": 2}]}],
            "schema-other",
        ),
        ([{"id": "vega-corp-meeting", "entities": [{"start": 15, "end": 99, "label": "ORG"}]}], "span-out-of-range"),
        ([{"id": "vega-corp-meeting", "entities": []}, {"id": "vega-corp-meeting", "entities": []}], "duplicate-id"),
    ],
)
def test_a_malformed_output_is_refused_with_located_issues(tmp_path: Path, lines: list, code: str) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(CyberClaimsError) as refused:
        suggestions_from_file(path, [TARGET], "my-ner", "0.3")
    assert refused.value.report is not None
    assert code in {i.code for i in refused.value.report.issues}, refused.value.report.issues


@pytest.mark.slow
def test_spacy_suggests_entities_scored_by_its_train_precision() -> None:
    pytest.importorskip("spacy", reason="optional extra 'spacy' not installed")
    from cyberclaims.benchmark.baselines import Unavailable, spacy_predictions

    try:
        spacy_predictions([])
    except Unavailable as exc:
        pytest.skip(str(exc))
    found = suggest([TRAIN, TARGET], [TARGET], "spacy")
    assert found.system.startswith("spacy:") and "+train." in found.version
    mentions = found.articles[TARGET.id]["entities"]
    assert mentions, "spaCy finds something in a sentence with two companies and a place"
    assert all(m.get("score") is None or 0 <= m["score"] <= 1 for m in mentions)
    assert [m["id"] for m in mentions] == [f"m{n}" for n in range(1, len(mentions) + 1)]
    relabelled = made("vega-corp-meeting", TARGET_TEXT, "train", entities=[("Vega Corp", "PERSON", None, 1)])
    assert suggest([TRAIN, relabelled], [relabelled], "spacy").to_json() == found.to_json()


def test_spacy_missing_is_a_usage_error_saying_how_to_install_it(monkeypatch) -> None:
    from cyberclaims.benchmark import suggest as module
    from cyberclaims.benchmark.baselines import Unavailable

    def missing(articles, seed=0):
        raise Unavailable("spaCy is not installed: pip install 'cyberclaims[spacy]'")

    monkeypatch.setattr(module, "spacy_predictions", missing)
    with pytest.raises(UsageError, match=r"pip install 'cyberclaims\[spacy\]'"):
        suggest([TRAIN, TARGET], [TARGET], "spacy")
