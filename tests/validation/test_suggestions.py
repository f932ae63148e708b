"""Reading SUGGESTIONS.json and a pass folder that started from it (``cyberclaims.validation.suggestions``):
the shape a pass records (claims only, a note), and every way the file can be wrong, located. Made-up
suggestions only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, cases, cli, record_passes
from cyberclaims.validation.suggestions import folder_outcome, read_suggestions

TEXT = "Kestrel Logistics said its depot was hit on Friday."
# The shape a pass that started from rule-based claim suggestions keeps (GUIDELINES.md 15.5).
PASS_SHAPE = {
    "system": "baseline:rules",
    "model_version": "0.1.0",
    "note": "rule-based claims, as delivered to the annotator",
    "articles": [
        {
            "id": "kestrel-depot",
            "claims": [
                {
                    "id": "c1",
                    "start": 23,
                    "end": 50,
                    "text": "its depot was hit on Friday",
                    "claimer": "kestrel_logistics",
                    "attribution": "reported",
                    "certainty": "certain",
                }
            ],
        }
    ],
}


def write(path: Path, value) -> Path:
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return path


def test_the_shape_a_pass_keeps_is_read(tmp_path: Path) -> None:
    found, issues = read_suggestions(write(tmp_path / "SUGGESTIONS.json", PASS_SHAPE), texts={"kestrel-depot": TEXT})
    assert issues == [] and found is not None
    assert (found.system, found.version, found.note) == ("baseline:rules", "0.1.0", PASS_SHAPE["note"])
    assert found.layers() == ("claims",)
    assert found.articles["kestrel-depot"]["claims"][0]["id"] == "c1"


def broken(change) -> dict:
    value = json.loads(json.dumps(PASS_SHAPE))
    change(value)
    return value


@pytest.mark.parametrize(
    ("change", "code", "pointer"),
    [
        (lambda v: v.pop("model_version"), "schema-required", ""),
        (
            lambda v: v["articles"][0]["claims"][0].update(certainty="sure"),
            "schema-enum",
            "/articles/0/claims/0/certainty",
        ),
        (lambda v: v["articles"][0]["claims"][0].update(score=1.5), "schema-other", "/articles/0/claims/0/score"),
        (lambda v: v["articles"].append(v["articles"][0]), "duplicate-id", "/articles/1/id"),
        (
            lambda v: v["articles"][0].update(entities=[{"id": "c1", "start": 0, "end": 7, "label": "ORG"}]),
            "duplicate-id",
            "/articles/0/claims/0/id",
        ),
        (lambda v: v["articles"][0]["claims"][0].update(start=50, end=23), "span-reversed", "/articles/0/claims/0"),
        (lambda v: v["articles"][0]["claims"][0].update(end=99), "span-out-of-range", "/articles/0/claims/0/end"),
        (
            lambda v: v["articles"][0]["claims"][0].update(text="its depot"),
            "span-text-mismatch",
            "/articles/0/claims/0/text",
        ),
    ],
)
def test_what_is_wrong_is_located(tmp_path: Path, change, code: str, pointer: str) -> None:
    found, issues = read_suggestions(
        write(tmp_path / "SUGGESTIONS.json", broken(change)), texts={"kestrel-depot": TEXT}
    )
    assert found is None
    assert (code, pointer) in {(i.code, i.pointer) for i in issues}, issues
    assert all(i.line is not None for i in issues if i.pointer)


def test_an_unreadable_file_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "SUGGESTIONS.json").write_text('{"system": "x",', encoding="utf-8")
    found, issues = read_suggestions(tmp_path / "SUGGESTIONS.json")
    assert found is None and issues[0].code == "json-syntax"
    found, issues = read_suggestions(tmp_path / "missing.json")
    assert found is None and issues[0].code == "file-unreadable"


def test_a_pass_folder_is_counted_from_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "pass-d"
    folder.mkdir()
    write(folder / "SUGGESTIONS.json", PASS_SHAPE)
    claims = [
        {"id": "c1", "start": 23, "end": 50, "origin": {"kind": "edited", "suggestion": "c1"}},
        {"id": "c2", "start": 0, "end": 50, "origin": {"kind": "manual", "suggestion": None}},
    ]
    write(folder / "kestrel-depot.json", {"id": "kestrel-depot", "entities": [], "claims": claims})
    write(folder / "entities.json", {"entities": []})  # a registry: not an article
    (folder / "INSTRUCTIONS.md").write_text("the instructions\n", encoding="utf-8")
    found, issues = folder_outcome(folder)
    assert issues == [] and found is not None
    counts = found.layers["claims"]
    assert (counts.suggested, counts.kept, counts.edited, counts.deleted, counts.manual) == (1, 0, 1, 0, 1)


def test_a_pass_folder_with_a_broken_file_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "pass-d"
    folder.mkdir()
    write(folder / "SUGGESTIONS.json", PASS_SHAPE)
    (folder / "kestrel-depot.json").write_text("{", encoding="utf-8")
    found, issues = folder_outcome(folder, "annotations/passes/pass-d")
    assert found is None and issues[0].file == "annotations/passes/pass-d/kestrel-depot.json"


# --- a pass's provenance against the suggestions file it keeps ---------------------------------------------


def _pass_from_suggestions(tmp_path: Path, *, keep_file: bool, version: str = "1.0") -> Path:
    """The minimal repository with a pass whose claims layer started from suggestions of system x 1.0 (every
    claim added by hand), its SUGGESTIONS.json kept beside it or not; recorded."""
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root)
    folder = cases.make_pass(root, "pass-s", record=False)
    path = next(p for p in folder.glob("*.json"))
    document = json.loads(path.read_text(encoding="utf-8"))
    document["provenance"]["claims"]["suggestions"] = {"system": "x", "version": version, "file": "SUGGESTIONS.json"}
    for claim in document["claims"]:
        claim["origin"] = {"kind": "manual", "suggestion": None}
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    if keep_file:
        suggestions = {
            "system": "x",
            "model_version": "1.0",
            "note": None,
            "articles": [{"id": path.stem, "claims": []}],
        }
        write(folder / "SUGGESTIONS.json", suggestions)
    record_passes(root)
    return root


def _issues(root: Path) -> list[tuple[str, str]]:
    run = cli("validate", "--format", "json", cwd=root)
    return [(i["code"], i["pointer"]) for i in json.loads(run.stdout)["issues"]]


def test_a_pass_that_keeps_the_suggestions_it_names_validates(tmp_path: Path) -> None:
    assert _issues(_pass_from_suggestions(tmp_path, keep_file=True)) == []


def test_a_pass_naming_a_suggestions_file_it_does_not_hold_is_an_error(tmp_path: Path) -> None:
    """It validated before: the record said "started from SUGGESTIONS.json" with no such file in the pass."""
    found = _issues(_pass_from_suggestions(tmp_path, keep_file=False))
    assert found == [("provenance-invalid", "/provenance/claims/suggestions/file")]


def test_a_pass_naming_another_version_than_its_suggestions_file_is_an_error(tmp_path: Path) -> None:
    found = _issues(_pass_from_suggestions(tmp_path, keep_file=True, version="2.0"))
    assert found == [("provenance-invalid", "/provenance/claims/suggestions")]
