"""`validate` checks annotations/adjudication.json against the passes, the guidelines and the gold
(made-up passes: tests/fixtures/adjudication/passes.py; one case per code: tests/cases/invalid/adjudication-*)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import adjudication_fixture as fx
from conftest import cli, tree
from cyberclaims.core.adjudication import guideline_sections, render_report
from cyberclaims.core.codes import CODES
from cyberclaims.core.disagreements import ITEM_LAYERS, claim_value, describe_value
from cyberclaims.core.schemas import load_schema
from cyberclaims.core.vocabulary import ATTRIBUTIONS, CERTAINTIES, SEGMENT_KINDS
from cyberclaims.review.adjudication import find_disagreements
from cyberclaims.validation import validate


def write_decisions(root: Path, decisions: dict, *, report: bool = True) -> None:
    annotations = root / "annotations"
    (annotations / "adjudication.json").write_text(
        json.dumps(decisions, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if report:
        (annotations / "ADJUDICATION.md").write_text(render_report(decisions), encoding="utf-8")


def choosing_a(root: Path) -> dict:
    comparison = find_disagreements(root, ["pass-a", "pass-b"])
    return {
        "passes": ["pass-a", "pass-b"],
        "adjudicator": {"id": "adj-1", "type": "person"},
        "guidelines": "3.0",
        "date": "2026-12-06",
        "decisions": [
            {**item.to_dict(), "choice": "a", "value": item.a, "section": "8.5.2.1", "why": "a reason"}
            for item in comparison.disagreements
        ],
    }


def issues(root: Path) -> list[tuple[str, str, str]]:
    _, report = validate(root, show_progress=False)
    return [(i.code, i.pointer, i.message) for i in report.sorted_issues()]


def edit_gold(root: Path, article: str, change) -> None:
    path = root / "annotations" / f"{article}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def decision(decisions: dict, layer: str, text: str | None = None) -> dict:
    for d in decisions["decisions"]:
        where = d["where"]["claims"][0] if "claims" in d["where"] else d["where"]
        if d["layer"] == layer and (text is None or where.get("text") == text):
            return d
    raise AssertionError((layer, text))


def test_a_complete_adjudication_validates_and_validate_writes_nothing(adjudication_repo):
    write_decisions(adjudication_repo, choosing_a(adjudication_repo))
    before = tree(adjudication_repo)
    assert issues(adjudication_repo) == []
    assert tree(adjudication_repo) == before
    run = cli("validate", "annotations/adjudication.json", cwd=adjudication_repo)  # the file names it all
    assert run.returncode == 0, run.output


def test_each_undecided_disagreement_is_reported(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    dropped = [decisions["decisions"].pop(7), decisions["decisions"].pop(0)]  # the Friday mention, an entity name
    write_decisions(adjudication_repo, decisions)
    found = issues(adjudication_repo)
    assert [code for code, _, _ in found] == ["adjudication-undecided"] * 2
    messages = " ".join(message for _, _, message in found)
    assert "no decision on mention at kestrel-breach [56,62] “Friday”: pass-a has DATE, pass-b has —" in messages
    assert "no decision on entity-name at entities.json `kestrel_logistics`" in messages
    assert all(pointer == "/decisions" for _, pointer, _ in found) and len(dropped) == 2


def test_the_gold_must_hold_the_chosen_value_and_the_issue_says_what_it_holds(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    certainty = decision(decisions, "certainty")
    certainty.update(choice="b", value="possible")
    write_decisions(adjudication_repo, decisions)
    found = issues(adjudication_repo)
    index = decisions["decisions"].index(certainty)
    assert found == [
        (
            "adjudication-gold-differs",
            f"/decisions/{index}/value",
            "certainty at tide-strikes [64,93] “Investigators blame Ruritania” (A c2, B c2): the decision chose "
            "possible, but the gold holds probable",
        )
    ]
    edit_gold(adjudication_repo, fx.T, lambda d: d["claims"][1].update(certainty="possible"))
    assert issues(adjudication_repo) == []


def test_a_correction_of_what_both_passes_agreed_on(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    where = {
        "article": fx.K,
        "start": 80,
        "end": 108,
        "text": "the gang stole payroll files",
        "claim_a": "c2",
        "claim_b": "c2",
    }  # both passes: certain
    correction = {
        "layer": "certainty",
        "where": where,
        "a": "certain",
        "b": "certain",
        "choice": "neither",
        "value": "probable",
        "section": "10.2",
        "why": "a cue scopes over it",
    }
    decisions["decisions"].append(correction)
    write_decisions(adjudication_repo, decisions)
    assert [code for code, _, _ in issues(adjudication_repo)] == ["adjudication-gold-differs"]
    edit_gold(adjudication_repo, fx.K, lambda d: d["claims"][1].update(certainty="probable"))
    assert issues(adjudication_repo) == []
    report = (adjudication_repo / "annotations" / "ADJUDICATION.md").read_text(encoding="utf-8")
    assert "1 correcting what both passes agreed on" in report and "| certainty (correction) |" in report


def test_a_grouping_is_checked_as_a_partition_whatever_the_gold_keys(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    grouping = decision(decisions, "proposition-grouping")
    grouping.update(choice="b", value=grouping["b"])  # apart: [[0], [1]]
    write_decisions(adjudication_repo, decisions)
    assert [code for code, _, _ in issues(adjudication_repo)] == ["adjudication-gold-differs"]
    edit_gold(adjudication_repo, fx.T, lambda d: d["claims"][0].update(proposition="tide_encrypted_kestrel"))
    path = adjudication_repo / "annotations" / "propositions.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    registry["propositions"].append({"key": "tide_encrypted_kestrel", "statement": "Ashen Tide hit Kestrel."})
    registry["propositions"].sort(key=lambda e: e["key"])
    path.write_text(json.dumps(registry, indent=2) + "\n", encoding="utf-8")
    assert issues(adjudication_repo) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["decisions"][0].update(section="9.9"), "adjudication-unknown-section"),
        (lambda d: d["decisions"][0].update(b="Kestrel Ltd"), "adjudication-pass-mismatch"),
        (lambda d: d["decisions"][0].update(choice="b"), "adjudication-choice-inconsistent"),
        (lambda d: d["decisions"][0].update(choice="neither"), "adjudication-choice-inconsistent"),
        (lambda d: d["decisions"].append(dict(d["decisions"][0])), "adjudication-duplicate-decision"),
        (lambda d: d["decisions"][0]["where"].update(entity="kestrel"), "adjudication-unknown-item"),
        (lambda d: d.update(passes=["pass-a", "pass-c"]), "adjudication-unknown-pass"),
        (lambda d: d["decisions"][2]["where"].update(article="kestrel-other"), "adjudication-unknown-article"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_each_fault_of_a_decision_has_its_code(adjudication_repo, change, code):
    decisions = choosing_a(adjudication_repo)
    change(decisions)
    write_decisions(adjudication_repo, decisions)
    found = {c for c, _, _ in issues(adjudication_repo)}
    # an unknown item also leaves the entity name it meant undecided
    assert found - {"adjudication-undecided"} == {code}


def test_a_grouping_value_must_partition_its_claims(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    decision(decisions, "event-grouping").update(choice="neither", value=[[0, 1], [1, 2]])
    write_decisions(adjudication_repo, decisions)
    found = issues(adjudication_repo)
    assert [code for code, _, _ in found] == ["adjudication-choice-inconsistent", "adjudication-gold-differs"]
    assert "not a partition of the 3 located claims" in found[0][2]


def test_the_report_must_be_what_the_decisions_file_generates(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    write_decisions(adjudication_repo, decisions, report=False)
    assert [(c, m[:10]) for c, _, m in issues(adjudication_repo)] == [("adjudication-report-stale", "is missing")]
    report = adjudication_repo / "annotations" / "ADJUDICATION.md"
    report.write_text(render_report(decisions).replace("a reason", "another reason", 1), encoding="utf-8")
    _, result = validate(adjudication_repo, show_progress=False)
    stale = result.errors[0]
    assert (
        stale.code == "adjudication-report-stale"
        and "another reason" in report.read_text().splitlines()[stale.line - 1]
    )
    assert cli("adjudicate", "--report", cwd=adjudication_repo).returncode == 0
    assert issues(adjudication_repo) == []


def test_a_decisions_file_that_breaks_its_schema_is_located(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    decisions["decisions"][3]["choice"] = "both"
    write_decisions(adjudication_repo, decisions, report=False)
    found = issues(adjudication_repo)
    assert ("schema-enum", "/decisions/3/choice") in [(c, p) for c, p, _ in found]
    assert {c for c, _, _ in found} == {"schema-enum"}  # nothing else is judged on a malformed file


def test_no_decisions_file_no_check(adjudication_repo):
    (adjudication_repo / "annotations" / "ADJUDICATION.md").write_text("# An old report\n", encoding="utf-8")
    assert issues(adjudication_repo) == []


def test_guideline_sections_are_headings_their_numbered_items_and_table_rows():
    sections = guideline_sections(fx.GUIDELINES)
    assert {
        "3",
        "3.1",
        "3.1.1",
        "8",
        "8.5",
        "8.5.1",
        "8.5.2",
        "8.5.2.1",
        "10.2",
        "14A",
        "14A.2",
        "16.1",
        "16.2",
    } <= sections
    assert not {"8.5.3", "8.5.1.1", "16.3", "14A.3", "1"} & sections


def test_the_schema_speaks_the_vocabulary():
    schema = load_schema("adjudication")
    assert tuple(schema["$defs"]["decision"]["properties"]["layer"]["enum"]) == ITEM_LAYERS
    annotation = load_schema("annotation")
    assert schema["$defs"]["agent"] == annotation["$defs"]["agent"]
    values = {
        rule["if"]["properties"]["layer"]["enum"][0]: rule["then"]["properties"].get("value")
        for rule in schema["$defs"]["decision"]["allOf"]
    }
    assert tuple(values["segment"]["anyOf"][0]["enum"]) == SEGMENT_KINDS
    assert tuple(values["attribution"]["anyOf"][0]["enum"]) == ATTRIBUTIONS
    assert tuple(values["certainty"]["anyOf"][0]["enum"]) == CERTAINTIES


def test_a_correction_may_add_a_claim_or_a_mention_that_neither_pass_has(adjudication_repo):
    decisions = choosing_a(adjudication_repo)
    start, end = fx.span(fx.T, "Investigators")
    added_mention = {
        "layer": "mention",
        "where": {"article": fx.T, "start": start, "end": end, "text": "Investigators"},
        "a": None,
        "b": None,
        "choice": "neither",
        "value": "NORP",
        "section": "3.1",
        "why": "made up",
    }
    start, end = fx.span(fx.T, "encrypted servers at Kestrel")
    added_claim = {
        "layer": "claim",
        "where": {
            "article": fx.T,
            "start": start,
            "end": end,
            "text": "encrypted servers at Kestrel",
            "claim_a": None,
            "claim_b": None,
        },
        "a": None,
        "b": None,
        "choice": "neither",
        "value": {"start": start, "end": end, "text": "encrypted servers at Kestrel"},
        "section": "8.5.1",
        "why": "made up",
    }
    decisions["decisions"] += [added_mention, added_claim]
    write_decisions(adjudication_repo, decisions)
    assert [c for c, _, _ in issues(adjudication_repo)] == ["adjudication-gold-differs"] * 2

    def add(doc):
        doc["claims"].append(
            {**doc["claims"][0], "id": "c9", "start": start, "end": end, "text": "encrypted servers at Kestrel"}
        )

    edit_gold(adjudication_repo, fx.T, add)
    assert [c for c, _, _ in issues(adjudication_repo)] == ["adjudication-gold-differs"]  # the mention is missing
    # a claim both passes have cannot be located without its ids
    existing = {
        **added_claim,
        "where": {**added_claim["where"], "start": 64, "end": 93, "text": "Investigators blame Ruritania"},
    }
    decisions["decisions"][-1] = existing
    write_decisions(adjudication_repo, decisions)
    assert "adjudication-unknown-item" in {c for c, _, _ in issues(adjudication_repo)}


def test_an_added_claim_sharing_a_pass_claims_span_is_named_by_its_gold_id(adjudication_repo):
    """The evidence rule's conclusion shares the evidence claim's span (10.2.5): a correction adding it names the
    gold claim by id, and the gold must hold a claim of that id at that span."""
    decisions = choosing_a(adjudication_repo)
    start, end, text = 64, 93, "Investigators blame Ruritania"  # a span both passes have a claim on
    added = {
        "layer": "claim",
        "where": {"article": fx.T, "start": start, "end": end, "text": text, "claim_a": None, "claim_b": None},
        "a": None,
        "b": None,
        "choice": "neither",
        "value": {"start": start, "end": end, "text": text},
        "section": "8.5.1",
        "why": "made up",
    }
    decisions["decisions"].append({**added, "where": {**added["where"], "claim_gold": "c9"}})
    write_decisions(adjudication_repo, decisions)
    assert [c for c, _, _ in issues(adjudication_repo)] == ["adjudication-gold-differs"]  # no gold claim c9 yet

    def add(doc):
        doc["claims"].append({**doc["claims"][0], "id": "c9", "start": start, "end": end, "text": text})

    edit_gold(adjudication_repo, fx.T, add)
    assert issues(adjudication_repo) == []


def _shown_places(decisions: dict) -> list[dict]:
    """Every located place of the decisions (a grouping's claims one by one), with offsets and text."""
    places = []
    for d in decisions["decisions"]:
        for entry in d["where"].get("claims", [d["where"]]):
            if "start" in entry:
                places.append(entry)
    return places


@pytest.mark.parametrize("wrong", ["text", "start", "end", "past the text"])
def test_a_location_must_show_the_span_and_text_it_locates(adjudication_repo, wrong):
    """A claim is identified by its ids and a span by its offsets; the offsets and text a location carries
    are what ADJUDICATION.md prints, and a wrong one validated before (the report showed the wrong place)."""
    decisions = choosing_a(adjudication_repo)
    assert len(_shown_places(decisions)) > 1
    for n, entry in enumerate(_shown_places(decisions)):
        changed = json.loads(json.dumps(decisions))
        target = _shown_places(changed)[n]
        if wrong == "text":
            target["text"] = "a made-up text no article has"
        elif wrong == "start":
            target["start"] = entry["start"] + 1 if entry["start"] + 1 < entry["end"] else 0
            if target["start"] == entry["start"]:
                continue
        elif wrong == "end":
            target["end"] = entry["end"] + 1
        else:
            target["start"], target["end"] = 10**6, 10**6 + 1
        write_decisions(adjudication_repo, changed)
        found = {c for c, _, _ in issues(adjudication_repo)}
        assert "adjudication-unknown-item" in found, (n, entry, found)


def test_a_pass_file_that_cannot_be_read_is_not_called_absent_from_the_passes(adjudication_repo):
    """Each decision on that article was reported as 'not in both passes' before, beside the file's own error."""
    write_decisions(adjudication_repo, choosing_a(adjudication_repo))
    article = next((adjudication_repo / "annotations" / "passes" / "pass-a").glob("*-*.json"))
    article.write_text("[" * 100 + "]" * 100, encoding="utf-8")
    found = {c for c, _, _ in issues(adjudication_repo)}
    assert "json-too-deep" in found and "adjudication-unknown-article" not in found, found


# --- an added claim's other values (claimer ... event) recorded in its decision ------------------------------


def _with_added_claim(root: Path, **values) -> tuple[dict, dict]:
    """A decisions file adding gold claim c9 (a copy of the gold's first claim of article T on another claim's
    span, named by its gold id) whose value gives ``values`` besides the span; the gold claim c9 returned."""
    decisions = choosing_a(root)
    start, end, text = 64, 93, "Investigators blame Ruritania"  # a span both passes have a claim on
    gold_claim: dict = {}

    def add(doc):
        gold_claim.update({**doc["claims"][0], "id": "c9", "start": start, "end": end, "text": text})
        doc["claims"].append(dict(gold_claim))

    edit_gold(root, fx.T, add)
    decisions["decisions"].append(
        {
            "layer": "claim",
            "where": {"article": fx.T, "start": start, "end": end, "text": text}
            | {"claim_a": None, "claim_b": None, "claim_gold": "c9"},
            "a": None,
            "b": None,
            "choice": "neither",
            "value": {"start": start, "end": end, "text": text, **values},
            "section": "8.5.1",
            "why": "made up",
        }
    )
    write_decisions(root, decisions)
    return decisions, gold_claim


SCHEMA_CODES = {code for code in CODES if code.startswith("schema-")}
ADDED_VALUES = ("claimer", "attribution", "certainty", "normalized", "about", "proposition", "event")


def test_an_added_claims_values_validate_when_the_gold_claim_holds_each(adjudication_repo):
    decisions, gold_claim = _with_added_claim(adjudication_repo)
    decisions["decisions"][-1]["value"] |= {name: gold_claim[name] for name in ADDED_VALUES}
    decisions["decisions"][-1]["value"]["about"] = list(reversed(gold_claim["about"]))  # a set: order is free
    write_decisions(adjudication_repo, decisions)
    assert issues(adjudication_repo) == []
    report = (adjudication_repo / "annotations" / "ADJUDICATION.md").read_text(encoding="utf-8")
    row = next(line for line in report.splitlines() if "[64,93]" in line and "neither" in line)
    assert f"certainty {gold_claim['certainty']}" in row and f"normalized “{gold_claim['normalized']}”" in row
    assert f"proposition {gold_claim['proposition']}" in row and f"event {gold_claim['event']}" in row


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("claimer", "someone_else"),
        ("attribution", "reported"),
        ("certainty", "possible"),
        ("normalized", "Something else happened."),
        ("about", []),
        ("proposition", "kestrel_servers_encrypted"),
    ],
)
def test_an_added_claims_value_the_gold_does_not_hold_is_located(adjudication_repo, name, other):
    decisions, gold_claim = _with_added_claim(adjudication_repo)
    assert gold_claim[name] != other
    decisions["decisions"][-1]["value"] |= {name: other}
    write_decisions(adjudication_repo, decisions)
    index = len(decisions["decisions"]) - 1
    found = issues(adjudication_repo)
    assert [(c, p) for c, p, _ in found] == [("adjudication-gold-differs", f"/decisions/{index}/value/{name}")]
    assert f"the gold claim c9 has {describe_value(name, claim_value(name, gold_claim))}" in found[0][2]


def test_a_key_neither_pass_has_needs_its_text_and_the_gold_must_hold_it(adjudication_repo):
    decisions, _ = _with_added_claim(adjudication_repo, proposition="ruritania_named_by_investigators")
    index = len(decisions["decisions"]) - 1
    pointers = [(c, p) for c, p, _ in issues(adjudication_repo)]
    assert ("adjudication-added-claim-text", f"/decisions/{index}/value/proposition") in pointers

    def rekey(doc):
        doc["claims"][-1]["proposition"] = "ruritania_named_by_investigators"

    edit_gold(adjudication_repo, fx.T, rekey)
    path = adjudication_repo / "annotations" / "propositions.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    registry["propositions"].append({"key": "ruritania_named_by_investigators", "statement": "Investigators named it."})
    path.write_text(json.dumps(registry, indent=2) + "\n", encoding="utf-8")
    decisions["decisions"][-1]["value"]["statement"] = "Investigators blamed it."
    write_decisions(adjudication_repo, decisions)
    found = issues(adjudication_repo)
    assert [(c, p) for c, p, _ in found] == [("adjudication-gold-differs", f"/decisions/{index}/value/statement")]
    decisions["decisions"][-1]["value"]["statement"] = "Investigators named it."
    write_decisions(adjudication_repo, decisions)
    assert [c for c, _, _ in issues(adjudication_repo)] in ([], ["registry-unused-entry"])


def test_a_text_for_a_key_a_pass_has_is_refused(adjudication_repo):
    decisions, gold_claim = _with_added_claim(adjudication_repo)
    decisions["decisions"][-1]["value"] |= {"event": gold_claim["event"], "description": "Another text."}
    write_decisions(adjudication_repo, decisions)
    index = len(decisions["decisions"]) - 1
    assert ("adjudication-added-claim-text", f"/decisions/{index}/value/description") in [
        (c, p) for c, p, _ in issues(adjudication_repo)
    ]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d["value"].update(certainty="likely"), id="certainty-not-in-vocabulary"),
        pytest.param(lambda d: d["value"].update(statement="A text without its key."), id="statement-without-key"),
        pytest.param(lambda d: d["value"].update(confidence=0.5), id="unknown-field"),
        pytest.param(lambda d: d["where"].update(claim_a="c1"), id="values-on-a-claim-a-pass-has"),
    ],
)
def test_the_schema_takes_an_added_claims_values_only_well_formed_and_only_there(adjudication_repo, change):
    decisions, gold_claim = _with_added_claim(adjudication_repo, certainty="probable")
    change(decisions["decisions"][-1])
    write_decisions(adjudication_repo, decisions, report=False)
    assert {c for c, _, _ in issues(adjudication_repo)} <= SCHEMA_CODES
    assert issues(adjudication_repo)


def test_an_added_claim_with_its_span_alone_still_validates(adjudication_repo):
    _with_added_claim(adjudication_repo)  # an older decisions file: the span only
    assert issues(adjudication_repo) == []
