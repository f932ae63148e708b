"""Reading SUGGESTIONS.json and a pass folder that started from it (``cyberclaims.validation.suggestions``):
the shape a pass records (claims only, a note), and every way the file can be wrong, located. Made-up
suggestions only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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
