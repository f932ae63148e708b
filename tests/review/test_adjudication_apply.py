"""`cyberclaims adjudicate PASS_A PASS_B --draft DIR --apply`: the draft with the decisions of
annotations/adjudication.json applied, on made-up passes (tests/fixtures/adjudication/passes.py) and, as an
acceptance test, on the repository's own adjudication (expectations derived from its data)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, cli, run_cli, tree
from cyberclaims.core.adjudication import ADDED_CLAIM_FIELDS
from cyberclaims.core.disagreements import CLAIM_FIELDS, PassData, compare, location_key, partition
from cyberclaims.core.model import Registry
from cyberclaims.core.vocabulary import REGISTRY_FILES
from cyberclaims.review.adjudication import find_disagreements

DECISIONS = Path("annotations") / "adjudication.json"


def decisions_choosing(comparison, side: str, skip: int = 0) -> dict:
    """A decisions file choosing pass ``side`` on every disagreement but the first ``skip``."""
    return {
        "passes": [comparison.pass_a, comparison.pass_b],
        "adjudicator": {"id": "adj-7", "type": "person"},
        "guidelines": "9.4",
        "date": "2031-02-03",
        "decisions": [
            {**item.to_dict(), "choice": side, "value": getattr(item, side), "section": "3.1", "why": "made up"}
            for item in comparison.disagreements[skip:]
        ],
    }


def write_decisions(repo: Path, decisions: dict) -> None:
    (repo / DECISIONS).write_text(json.dumps(decisions, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def read_folder(folder: Path, name: str) -> PassData:
    """A folder shaped like annotations/ (a draft, the gold, a pass) as the comparison reads it."""
    registries = {f: json.loads((folder / f).read_text(encoding="utf-8")) for f in REGISTRY_FILES}
    documents = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.json"))
        if p.name not in REGISTRY_FILES and p.name != DECISIONS.name
    }
    registry = Registry(
        *({e["key"]: e for e in registries[f][f.removesuffix(".json")]} for f in REGISTRY_FILES)  # type: ignore[arg-type]
    )
    return PassData(name, documents, registry)


@pytest.mark.parametrize("side", ["a", "b"])
def test_every_decision_choosing_one_pass_gives_that_pass(adjudication_repo, tmp_path, side):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    assert {i.layer for i in comparison.disagreements} >= {"segment", "mention", "link", "claim", "about"}
    write_decisions(adjudication_repo, decisions_choosing(comparison, side))
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 0, run.output
    assert f"{len(comparison.disagreements)} decisions applied, 0 pending items" in run.stderr
    draft = read_folder(tmp_path / "draft", "draft")
    chosen = read_folder(adjudication_repo / "annotations" / "passes" / f"pass-{side}", f"pass-{side}")
    assert compare(draft, chosen).disagreements == []  # on every layer, the chosen pass's labels
    for doc in draft.documents.values():
        for made in doc["provenance"].values():
            assert made["method"] == "adjudicated" and made["annotator"] == {"id": "adj-7", "type": "person"}
            assert (made["passes"], made["guidelines"], made["date"]) == (["pass-a", "pass-b"], "9.4", "2031-02-03")
    assert "0 pending items" in (tmp_path / "draft" / "DRAFT.md").read_text(encoding="utf-8")


def test_an_item_with_no_decision_stays_pending_and_a_correction_is_applied(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    decisions = decisions_choosing(comparison, "b", skip=1)
    undecided = comparison.disagreements[0]
    disputed = {i.key for i in comparison.disagreements}
    agreed = next(
        i
        for i in comparison.items.values()
        if i.layer == "certainty" and not i.disagrees and location_key("claim", i.where) not in disputed
    )
    other = next(v for v in ("certain", "probable", "possible") if v != agreed.a)
    decisions["decisions"].append(
        {**agreed.to_dict(), "choice": "neither", "value": other, "section": "3.1", "why": "a rule says so"}
    )
    write_decisions(adjudication_repo, decisions)
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 0 and "1 pending item " in run.stderr, run.output
    note = (tmp_path / "draft" / "DRAFT.md").read_text(encoding="utf-8")
    pending = note.split("1 pending item:", 1)[1].split("## All disagreements")[0]
    assert str(undecided.where.get("entity") or undecided.where.get("article")) in pending
    doc = json.loads((tmp_path / "draft" / f"{agreed.where['article']}.json").read_text(encoding="utf-8"))
    corrected = next(c for c in doc["claims"] if (c["start"], c["end"]) == (agreed.where["start"], agreed.where["end"]))
    assert corrected["certainty"] == other


def test_a_claim_neither_pass_has_is_added_with_its_other_values_pending(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    decisions = decisions_choosing(comparison, "a")
    article = comparison.articles[0]
    text = comparison.data_a.texts[article]  # type: ignore[union-attr]
    taken = {(p.where["start"], p.where["end"]) for p in comparison.pairs.values()}
    start = next(i for i in range(len(text)) if text[i].isalpha() and (i, i + 1) not in taken and i > 0)
    where = {
        "article": article,
        "start": start,
        "end": start + 1,
        "text": text[start],
        "claim_a": None,
        "claim_b": None,
    }
    span = {k: where[k] for k in ("start", "end", "text")}
    decisions["decisions"].append(
        {"layer": "claim", "where": where, "a": None, "b": None, "choice": "neither", "value": span}
        | {"section": "3.1", "why": "missed by both"}
    )
    write_decisions(adjudication_repo, decisions)
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 0 and "1 pending item " in run.stderr, run.output
    doc = json.loads((tmp_path / "draft" / f"{article}.json").read_text(encoding="utf-8"))
    assert span in [{k: c[k] for k in span} for c in doc["claims"]]
    assert "(neither pass has it): added" in (tmp_path / "draft" / "DRAFT.md").read_text(encoding="utf-8")


def _added_claim_decision(comparison, **values) -> tuple[dict, str]:
    """A decision adding a claim neither pass has, on a one-character span no pass claims, giving ``values``."""
    article = comparison.articles[0]
    text = comparison.data_a.texts[article]
    taken = {(p.where["start"], p.where["end"]) for p in comparison.pairs.values()}
    start = next(i for i in range(len(text)) if text[i].isalpha() and (i, i + 1) not in taken and i > 0)
    where = {"article": article, "start": start, "end": start + 1, "text": text[start], "claim_a": None}
    span = {"start": start, "end": start + 1, "text": text[start]}
    decision = {"layer": "claim", "where": where | {"claim_b": None}, "a": None, "b": None, "choice": "neither"}
    return decision | {"value": span | values, "section": "3.1", "why": "missed by both"}, article


def test_an_added_claim_whose_decision_gives_every_value_holds_them_and_is_not_pending(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    decisions = decisions_choosing(comparison, "a")
    first = comparison.articles[0]  # where the decision adds its claim
    pass_claim = next(p.a for (art, _, _), p in comparison.pairs.items() if art == first and p.a and p.b)
    values = {name: pass_claim[name] for name in CLAIM_FIELDS} | {"certainty": "possible", "about": []}
    values |= {"proposition": "made_up_new_key", "statement": "A made-up statement.", "event": pass_claim["event"]}
    added, article = _added_claim_decision(comparison, **values)
    decisions["decisions"].append(added)
    write_decisions(adjudication_repo, decisions)
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 0 and "0 pending items" in run.stderr, run.output
    draft = read_folder(tmp_path / "draft", "draft")
    doc = draft.documents[article]
    claim = next(c for c in doc["claims"] if (c["start"], c["end"]) == (added["value"]["start"], added["value"]["end"]))
    assert {name: claim[name] for name in CLAIM_FIELDS} == {name: values[name] for name in CLAIM_FIELDS}
    assert draft.registry.propositions[claim["proposition"]]["statement"] == "A made-up statement."
    # a key a pass has: the added claim joins the draft's group of the claim pass A keys so
    keyed = next(c for c in doc["claims"] if (c["start"], c["end"]) == (pass_claim["start"], pass_claim["end"]))
    assert keyed is not claim and keyed["event"] == claim["event"]


def test_an_added_claims_values_its_decision_does_not_give_stay_pending(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    decisions = decisions_choosing(comparison, "a")
    added, article = _added_claim_decision(comparison, certainty="probable")
    decisions["decisions"].append(added)
    write_decisions(adjudication_repo, decisions)
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 0 and "1 pending item " in run.stderr, run.output
    note = (tmp_path / "draft" / "DRAFT.md").read_text(encoding="utf-8")
    line = next(line for line in note.splitlines() if "(neither pass has it): added" in line)
    assert "certainty" not in line and "claimer" in line and "proposition" in line
    doc = json.loads((tmp_path / "draft" / f"{article}.json").read_text(encoding="utf-8"))
    claim = next(c for c in doc["claims"] if (c["start"], c["end"]) == (added["value"]["start"], added["value"]["end"]))
    assert claim["certainty"] == "probable"


def test_an_added_claims_new_key_without_its_text_is_refused(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    decisions = decisions_choosing(comparison, "a")
    added, _ = _added_claim_decision(comparison, event="made_up_new_event")
    decisions["decisions"].append(added)
    write_decisions(adjudication_repo, decisions)
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode != 0 and "adjudication-added-claim-text" in run.output, run.output
    assert "Traceback" not in run.output
    assert not (tmp_path / "draft").exists()


def test_a_decisions_file_that_does_not_validate_is_refused_and_nothing_is_written(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    decisions = decisions_choosing(comparison, "b")
    decisions["decisions"][0]["a"] = "something pass A does not have"
    decisions["decisions"][1]["section"] = "999"
    write_decisions(adjudication_repo, decisions)
    before = tree(adjudication_repo)
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 1 and "nothing was written" in run.stderr, run.output
    assert "adjudication-pass-mismatch" in run.stdout and "adjudication-unknown-section" in run.stdout
    assert "annotations/adjudication.json:" in run.stdout  # located
    assert not (tmp_path / "draft").exists() and tree(adjudication_repo) == before


def test_apply_refuses_other_passes_and_needs_a_draft(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    write_decisions(adjudication_repo, decisions_choosing(comparison, "a"))
    run = cli("adjudicate", "pass-b", "pass-a", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 2 and "adjudicates pass-a and pass-b" in run.stderr, run.output
    assert not (tmp_path / "draft").exists()
    run = cli("adjudicate", "pass-a", "pass-b", "--apply", cwd=adjudication_repo)
    assert run.returncode == 2 and "--draft" in run.stderr and run.stdout == "", run.output
    (adjudication_repo / DECISIONS).unlink()
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "draft", "--apply", cwd=adjudication_repo)
    assert run.returncode == 2 and "no annotations/adjudication.json" in run.stderr, run.output


# --- acceptance: the repository's adjudication reproduces its gold -------------------------------------------


def _claims_added_pending(decisions: dict) -> set[tuple[str, int, int]]:
    """Claims neither pass has, added by a decision that does not give every value of the claim: those values
    stay pending in the draft (an added claim whose decision gives them all is compared like any other)."""
    return {
        (d["where"]["article"], d["value"]["start"], d["value"]["end"])
        for d in decisions["decisions"]
        if d["layer"] == "claim"
        and d["where"]["claim_a"] is None
        and d["where"]["claim_b"] is None
        and d["value"]
        and not set(ADDED_CLAIM_FIELDS) <= d["value"].keys()
    }


def _labels(data: PassData, leave_out: set, articles: set[str]) -> dict:
    """Every label of a folder's ``articles``, keyed by place, registry keys of propositions and events read as
    their groups and texts (the keys are names, not labels), and the entity entries those articles name."""
    labels: dict = {}
    placed = []
    on_span: dict = {}
    named: set[str] = set()
    for article, doc in sorted(data.documents.items()):
        if article not in articles:
            continue  # an article the passes do not share (a later one): not adjudicated from them
        named |= {m["entity"] for m in doc["entities"] if m["entity"]}
        named |= {key for c in doc["claims"] for key in [*c["about"], c["claimer"]]}
        labels[(article, "segments")] = doc["segments"]
        labels[(article, "mentions")] = sorted(
            (m["start"], m["end"], m["text"], m["label"], m["entity"]) for m in doc["entities"]
        )
        labels[(article, "claims")] = sorted((c["start"], c["end"], c["text"]) for c in doc["claims"])
        for claim in doc["claims"]:
            place = (article, claim["start"], claim["end"])
            if place in leave_out:
                continue
            values = tuple(sorted(claim[name]) if name == "about" else claim[name] for name in CLAIM_FIELDS) + (
                data.registry.propositions[claim["proposition"]]["statement"],
                data.registry.events[claim["event"]]["description"],
            )
            on_span.setdefault(place, []).append(values)  # several claims may share a span (10.2.5)
            placed.append(((place, values), claim))
    labels |= {place: sorted(values) for place, values in on_span.items()}
    placed.sort(key=lambda pair: pair[0])
    for kind in ("proposition", "event"):
        labels[kind] = partition([claim[kind] for _, claim in placed])
    for key, entry in data.registry.entities.items():
        if key in named:
            labels[("entity", key)] = {f: entry.get(f) for f in ("name", "type", "aliases", "description")}
    return labels


@pytest.mark.corpus
def test_applying_the_repositorys_decisions_reproduces_its_gold(tmp_path):
    decisions = json.loads((ROOT / DECISIONS).read_text(encoding="utf-8"))
    run = run_cli("adjudicate", *decisions["passes"], "--draft", tmp_path / "draft", "--apply")
    assert run.returncode == 0, run.output
    added = _claims_added_pending(decisions)
    applied = read_folder(tmp_path / "draft", "draft")
    shared = set(applied.documents)  # the articles both passes hold: the ones the decisions adjudicate
    draft = _labels(applied, added, shared)
    gold = _labels(read_folder(ROOT / "annotations", "gold"), added, shared)
    assert draft.keys() == gold.keys()
    assert {k: v for k, v in draft.items() if gold[k] != v} == {}, "labels the decisions do not reproduce"
    note = (tmp_path / "draft" / "DRAFT.md").read_text(encoding="utf-8")
    pending = int(re.search(r"^([0-9]+) pending items?:$", note, re.M).group(1))  # type: ignore[union-attr]
    assert pending == len(added)  # only the values of added claims that their decisions do not give
    for doc in read_folder(tmp_path / "draft", "draft").documents.values():
        gold_doc = json.loads((ROOT / "annotations" / f"{doc['id']}.json").read_text(encoding="utf-8"))
        assert doc["provenance"] == gold_doc["provenance"]
