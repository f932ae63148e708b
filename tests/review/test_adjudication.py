"""`cyberclaims adjudicate`: the disagreements of two made-up passes on every layer, the merged draft, and
ADJUDICATION.md generated from the decisions file (tests/fixtures/adjudication/passes.py)."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from conftest import adjudication_fixture as fx
from conftest import cli, tree
from cyberclaims.core.adjudication import render_report
from cyberclaims.core.disagreements import ITEM_LAYERS, PassData, compare, pair_claims
from cyberclaims.core.errors import CyberClaimsError, UsageError
from cyberclaims.core.model import Registry
from cyberclaims.review.adjudication import find_disagreements, make_draft, write_draft, write_report
from cyberclaims.validation import validate


def pass_data(name: str, docs: dict, registries: dict) -> PassData:
    registry = Registry(
        {e["key"]: e for e in registries["entities"]},
        {e["key"]: e for e in registries["propositions"]},
        {e["key"]: e for e in registries["events"]},
    )
    return PassData(name, docs, registry, dict(fx.TEXTS))


def fixture_comparison():
    return compare(pass_data("pass-a", *fx.pass_a()), pass_data("pass-b", *fx.pass_b()))


def place(item) -> str:
    where = item.where
    if "entity" in where:
        return where["entity"]
    return (where["claims"][0] if "claims" in where else where)["article"]


def test_every_layer_disagrees_and_each_disagreement_is_found_once_in_order():
    comparison = fixture_comparison()
    assert [(i.layer, place(i)) for i in comparison.disagreements] == fx.EXPECTED
    assert {i.layer for i in comparison.disagreements} == set(ITEM_LAYERS)
    assert sum(comparison.counts().values()) == len(fx.EXPECTED)


def test_the_found_values_are_what_each_pass_has():
    by_layer = {}
    for item in fixture_comparison().disagreements:
        by_layer.setdefault(item.layer, []).append(item)
    friday = by_layer["mention"][0]
    assert (friday.where["text"], friday.a, friday.b) == ("Friday", "DATE", None)
    span_item, only_b = by_layer["claim"]
    assert span_item.a["text"] == "Ashen Tide encrypted Kestrel servers on Friday"
    assert span_item.b["text"] == "Ashen Tide encrypted Kestrel servers"
    assert (only_b.a, only_b.where["claim_a"], only_b.where["claim_b"]) == (None, None, "c4")
    assert by_layer["segment"][0].where["text"] == "Kestrel Breach"
    events = by_layer["event-grouping"][0]
    assert [c["text"] for c in events.where["claims"]] == [
        "Ashen Tide encrypted Kestrel servers on Friday",
        "The Ashen Tide gang encrypted servers at Kestrel",
        "Investigators blame Ruritania",
    ]
    assert (events.a, events.b) == ([[0, 1, 2]], [[0, 1], [2]])


def test_passes_that_agree_have_no_disagreement():
    docs, registries = fx.pass_a()
    same = compare(pass_data("x", docs, registries), pass_data("y", copy.deepcopy(docs), copy.deepcopy(registries)))
    assert same.disagreements == []
    assert same.to_text().splitlines()[0].endswith(": 0")


def test_groupings_are_compared_as_partitions_not_as_key_strings():
    docs, registries = fx.pass_a()
    renamed_docs, renamed = copy.deepcopy(docs), copy.deepcopy(registries)
    for doc in renamed_docs.values():
        for claim in doc["claims"]:
            claim["proposition"] = "other_" + claim["proposition"]
            claim["event"] = "other_" + claim["event"]
    for entry in renamed["propositions"] + renamed["events"]:
        entry["key"] = "other_" + entry["key"]
    same = compare(pass_data("x", docs, registries), pass_data("y", renamed_docs, renamed))
    assert same.disagreements == []
    # one claim moved into another group: one item on the component, both partitions given
    renamed_docs[fx.K]["claims"][2]["proposition"] = "other_gang_stole_payroll"
    moved = compare(pass_data("x", docs, registries), pass_data("y", renamed_docs, renamed))
    assert [(i.layer, i.a, i.b) for i in moved.disagreements] == [("proposition-grouping", [[0], [1]], [[0, 1]])]


def test_claims_pair_by_identical_span_first():
    # a claim with the same span in both passes pairs with its twin, even when a longer claim over it has
    # the closer wording
    a = [{"start": 0, "end": 10, "text": "x", "normalized": "Kestrel paid the ransom."}]
    b = [
        {"start": 0, "end": 20, "text": "y", "normalized": "Kestrel paid the ransom."},
        {"start": 0, "end": 10, "text": "x", "normalized": "Something else."},
    ]
    assert pair_claims(a, b) == [(0, 1)]


def test_order_does_not_depend_on_the_order_of_the_files():
    docs_b, registries_b = fx.pass_b()
    for doc in docs_b.values():
        doc["claims"].reverse()
        doc["entities"].reverse()
    shuffled = compare(
        pass_data("pass-a", *fx.pass_a()), pass_data("pass-b", dict(reversed(docs_b.items())), registries_b)
    )
    assert shuffled.to_json() == fixture_comparison().to_json()


def test_text_markdown_and_json_locate_every_item():
    comparison = fixture_comparison()
    data = json.loads(comparison.to_json())
    assert data["total"] == len(fx.EXPECTED) and data["counts"]["mention"] == 2
    for item in data["disagreements"]:
        assert set(item) == {"layer", "where", "a", "b"}
    text, markdown = comparison.to_text(), comparison.to_markdown()
    assert "kestrel-breach [56,62] “Friday”" in text and "A pass-a: DATE" in text and "B pass-b: —" in text
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == len(fx.EXPECTED)
    assert "| 8 | mention | kestrel-breach [56,62] “Friday” | DATE | — |" in markdown


# --- the library on a repository --------------------------------------------------------------------------


def test_find_disagreements_reads_the_validated_passes(adjudication_repo):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    assert [(i.layer, place(i)) for i in comparison.disagreements] == fx.EXPECTED
    swapped = find_disagreements(adjudication_repo, ["pass-b", "pass-a"])
    assert [(i.a, i.b) for i in swapped.disagreements][:2] == [("Kestrel", "Kestrel Logistics"), ("NORP", "GPE")]


def test_unknown_or_invalid_passes_are_refused(adjudication_repo):
    with pytest.raises(UsageError, match="unknown pass pass-z"):
        find_disagreements(adjudication_repo, ["pass-a", "pass-z"])
    with pytest.raises(UsageError):
        find_disagreements(adjudication_repo, ["pass-a"])
    broken = adjudication_repo / "annotations" / "passes" / "pass-b" / f"{fx.K}.json"
    broken.write_text(broken.read_text(encoding="utf-8").replace('"certain"', '"sure"', 1), encoding="utf-8")
    with pytest.raises(CyberClaimsError, match="must validate") as caught:
        find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    assert {i.code for i in caught.value.report.issues} >= {"pass-file-changed", "schema-enum"}


# --- the merged draft -------------------------------------------------------------------------------------


def test_the_draft_holds_what_both_passes_agree_on_and_validates(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    draft_dir = tmp_path / "draft"
    draft = write_draft(adjudication_repo, comparison, draft_dir, today="2026-12-06")
    assert sorted(tree(draft_dir)) == sorted(
        ["DRAFT.md", "entities.json", "events.json", "propositions.json", f"{fx.K}.json", f"{fx.T}.json"]
    )
    kestrel = json.loads((draft_dir / f"{fx.K}.json").read_text(encoding="utf-8"))
    assert "Friday" not in [m["text"] for m in kestrel["entities"]]  # a disputed mention is left out
    orrin = next(m for m in kestrel["entities"] if m["text"] == "Orrin Labs")
    assert orrin["entity"] is None  # a disputed link is left out
    texts = [c["text"] for c in kestrel["claims"]]
    assert texts == ["the gang stole payroll files", "The gang posted the files online"]  # no disputed span
    assert kestrel["provenance"]["claims"]["method"] == "adjudicated"
    assert kestrel["provenance"]["claims"]["passes"] == ["pass-a", "pass-b"]
    assert "pending" in kestrel["notes"]
    tide = json.loads((draft_dir / f"{fx.T}.json").read_text(encoding="utf-8"))
    assert [c["proposition"] for c in tide["claims"]] == ["pending_1", "ruritania_behind_attack"]
    assert [c["event"] for c in tide["claims"]] == ["pending_2", "pending_3"]
    note = (draft_dir / "DRAFT.md").read_text(encoding="utf-8")
    assert f"{draft.pending_count} pending items" in note
    assert "mention [56,62] “Friday”: left out" in note and "certainty, pass-a's in place" in note
    # the draft in place of the gold is a valid repository
    for path in draft_dir.glob("*.json"):
        shutil.copy(path, adjudication_repo / "annotations" / path.name)
    _, report = validate(adjudication_repo, show_progress=False)
    assert report.ok, [i.to_text() for i in report.errors]
    assert {i.code for i in report.issues} == {"mention-unlinked"}  # the link left out


def test_the_draft_never_writes_into_annotations_nor_over_a_folder_it_did_not_make(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    before = tree(adjudication_repo)
    for target in (adjudication_repo / "annotations", adjudication_repo / "annotations" / "draft", adjudication_repo):
        with pytest.raises(UsageError, match="annotations"):
            write_draft(adjudication_repo, comparison, target)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        write_draft(adjudication_repo, comparison, foreign)
    assert tree(foreign) == {"notes.txt": b"keep me\n"}
    assert tree(adjudication_repo) == before
    # a folder an earlier draft made is replaced whole, and nothing is left beside it
    target = tmp_path / "draft"
    write_draft(adjudication_repo, comparison, target, today="2026-12-06")
    (target / "stale.json").write_text("{}", encoding="utf-8")
    first = tree(target)
    write_draft(adjudication_repo, comparison, target, today="2026-12-06")
    assert tree(target) == {k: v for k, v in first.items() if k != "stale.json"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adjudicated", "draft", "mine"]


def test_a_draft_never_deletes_what_it_did_not_write_in_a_folder_an_earlier_draft_made(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    target = tmp_path / "draft"
    write_draft(adjudication_repo, comparison, target, today="2026-12-06")
    (target / "my-notes.txt").write_text("keep me\n", encoding="utf-8")
    (target / "sub").mkdir()
    (target / "sub" / "kept.json").write_text("{}", encoding="utf-8")
    before = tree(target)
    with pytest.raises(UsageError, match=r"my-notes\.txt, sub"):
        write_draft(adjudication_repo, comparison, target, today="2026-12-06")
    assert tree(target) == before


@pytest.mark.parametrize("folder", ["dataset/draft", "tests/draft", "src"])
def test_the_draft_is_never_written_into_the_repositorys_own_folders(adjudication_repo, folder):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    before = tree(adjudication_repo)
    with pytest.raises(UsageError, match="repository's"):
        write_draft(adjudication_repo, comparison, adjudication_repo / folder)
    assert tree(adjudication_repo) == before


def test_a_draft_folder_that_is_a_link_is_refused_as_one(adjudication_repo, tmp_path):
    comparison = find_disagreements(adjudication_repo, ["pass-a", "pass-b"])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "draft").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="symbolic link"):
        write_draft(adjudication_repo, comparison, tmp_path / "draft")
    assert list(elsewhere.iterdir()) == []


def test_the_command_refuses_the_draft_folder_before_listing_anything(adjudication_repo, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me\n", encoding="utf-8")
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "mine", cwd=adjudication_repo)
    assert run.returncode == 2 and "not empty" in run.stderr and run.stdout == "", run.output


def test_the_draft_is_the_same_for_the_same_passes():
    one = make_draft(fixture_comparison(), today="2026-12-06")
    two = make_draft(fixture_comparison(), today="2026-12-06")
    assert one.files == two.files


# --- ADJUDICATION.md --------------------------------------------------------------------------------------


def decisions_choosing_a(comparison) -> dict:
    return {
        "passes": [comparison.pass_a, comparison.pass_b],
        "adjudicator": {"id": "adj-1", "type": "model", "model": "A made-up model", "model_version": None},
        "guidelines": "3.0",
        "date": "2026-12-06",
        "decisions": [
            {**item.to_dict(), "choice": "a", "value": item.a, "section": "8.5.1", "why": "the smallest clause"}
            for item in comparison.disagreements
        ],
    }


def test_the_report_is_generated_from_the_decisions_file_byte_for_byte(adjudication_repo):
    decisions = decisions_choosing_a(find_disagreements(adjudication_repo, ["pass-a", "pass-b"]))
    decisions["decisions"].reverse()  # the report's order is the items', not the file's
    decisions["decisions"][0] = {**decisions["decisions"][0], "section": "16.2", "why": "a | pipe\nand a line"}
    path = adjudication_repo / "annotations" / "adjudication.json"
    path.write_text(json.dumps(decisions, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    run = cli("adjudicate", "--report", cwd=adjudication_repo)
    assert run.returncode == 0, run.output
    report = (adjudication_repo / "annotations" / "ADJUDICATION.md").read_text(encoding="utf-8")
    assert report == render_report(json.loads(path.read_text(encoding="utf-8")))
    assert "`adj-1`, a model: A made-up model, version not exposed" in report
    assert f"**Decisions**: {len(fx.EXPECTED)}: {len(fx.EXPECTED)} on disagreements" in report
    assert "| 8.5.1 | 17 |\n| 16.2 | 1 |" in report  # sections in numeric order
    assert "a \\| pipe and a line" in report
    table = report.split("## Decisions\n", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == len(fx.EXPECTED) and rows[0].startswith("| 1 | entity-name |")
    assert write_report(adjudication_repo).read_text(encoding="utf-8") == report  # the same again


def test_report_refuses_a_decisions_file_that_is_not_valid(adjudication_repo):
    run = cli("adjudicate", "--report", cwd=adjudication_repo)
    assert run.returncode == 2 and "no annotations/adjudication.json" in run.stderr
    (adjudication_repo / "annotations" / "adjudication.json").write_text('{"passes": []}\n', encoding="utf-8")
    run = cli("adjudicate", "--report", cwd=adjudication_repo)
    assert run.returncode == 1 and "schema-" in run.stdout and "nothing was written" in run.stderr
    assert not (adjudication_repo / "annotations" / "ADJUDICATION.md").exists()


# --- the command ------------------------------------------------------------------------------------------


def test_the_command_lists_in_each_format_and_writes_the_draft(adjudication_repo, tmp_path):
    text = cli("adjudicate", "pass-a", "pass-b", cwd=adjudication_repo)
    assert text.returncode == 0, text.output
    assert text.stdout.startswith(f"disagreements between pass-a (A) and pass-b (B) on 2 articles: {len(fx.EXPECTED)}")
    markdown = cli("adjudicate", "pass-a", "pass-b", "--format", "markdown", cwd=adjudication_repo)
    assert markdown.stdout.startswith("# Disagreements between `pass-a` (A) and `pass-b` (B)")
    data = json.loads(cli("adjudicate", "pass-a", "pass-b", "--format", "json", cwd=adjudication_repo).stdout)
    assert [d["layer"] for d in data["disagreements"]] == [layer for layer, _ in fx.EXPECTED]
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", tmp_path / "d", cwd=adjudication_repo)
    assert run.returncode == 0 and "wrote the merged draft" in run.stderr
    assert (tmp_path / "d" / "DRAFT.md").is_file()


@pytest.mark.parametrize(
    "args",
    [["pass-a"], ["pass-a", "pass-z"], ["pass-a", "pass-a"], ["--report", "pass-a", "pass-b"]],
    ids=["one-pass", "unknown-pass", "same-pass", "report-with-passes"],
)
def test_the_command_refuses_bad_requests_with_status_2(adjudication_repo, args):
    run = cli("adjudicate", *args, cwd=adjudication_repo)
    assert run.returncode == 2, run.output
    assert "error:" in run.stderr


def test_the_command_refuses_a_draft_into_annotations(adjudication_repo):
    before = tree(adjudication_repo)
    run = cli("adjudicate", "pass-a", "pass-b", "--draft", Path("annotations"), cwd=adjudication_repo)
    assert run.returncode == 2 and "annotations" in run.stderr
    assert tree(adjudication_repo) == before


def test_diff_does_not_take_the_decisions_file_for_an_article(adjudication_repo, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(adjudication_repo, base)
    (adjudication_repo / "annotations" / "adjudication.json").write_text('{"passes": []}\n', encoding="utf-8")
    run = cli("diff", base, "--format", "json", cwd=adjudication_repo)
    assert run.returncode == 0, run.output
    assert "adjudication" not in json.loads(run.stdout).get("articles_added", [])


def test_a_pass_without_instructions_or_with_a_recorded_file_gone_is_not_adjudicated(adjudication_repo):
    """Errors located on the pass folder itself, or in the register about its files, were let through (exit 0)."""
    passes = adjudication_repo / "annotations" / "passes"
    instructions = passes / "pass-a" / "INSTRUCTIONS.md"
    kept = instructions.read_bytes()
    instructions.unlink()
    run = cli("adjudicate", "pass-a", "pass-b", cwd=adjudication_repo)
    assert run.returncode == 1 and "pass-instructions-missing" in run.output and "must validate" in run.stderr
    instructions.write_bytes(kept)
    register = passes / "SHA256SUMS"
    register.write_text(
        register.read_text(encoding="utf-8") + "0" * 64 + "  pass-b/gone-article.json\n", encoding="utf-8"
    )
    lines = sorted(register.read_text(encoding="utf-8").splitlines(), key=lambda line: line.split("  ", 1)[1])
    register.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cli("adjudicate", "pass-a", "pass-b", cwd=adjudication_repo)
    assert run.returncode == 1 and "pass-file-missing" in run.output, run.output
