"""Lint findings a reviewer accepted (annotations/LINT-ACCEPTED.md): counted, not shown, and never stale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, run_cli
from cyberclaims.review.lint import lint

ROW = "| proposition-near-duplicate | annotations/propositions.json | /propositions/2/statement | 14.1: made up |"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "repo")
    guidelines = Path(__file__).parents[2] / "annotations" / "GUIDELINES.md"  # lint reads its cue tables
    shutil.copyfile(guidelines, tmp_path / "repo" / "annotations" / "GUIDELINES.md")
    path = tmp_path / "repo" / "annotations" / "propositions.json"
    data = json.loads(path.read_text())
    data["propositions"].append(
        {"key": "records_stolen_2024", "statement": "Hackers stole 2 million records from Acme Corp in 2024."}
    )
    path.write_text(json.dumps(data, indent=2))
    return tmp_path / "repo"


def accept(root: Path, *rows: str) -> None:
    table = "| code | file | pointer | why |\n|---|---|---|---|\n" + "".join(row + "\n" for row in rows)
    (root / "annotations" / "LINT-ACCEPTED.md").write_text("# Accepted\n\n" + table, encoding="utf-8")


def test_an_accepted_finding_is_counted_not_reported(root):
    assert [i.code for i in lint(root).issues] == ["proposition-near-duplicate"]
    accept(root, ROW)
    report = lint(root)
    assert report.issues == [] and report.accepted == 1
    run = run_cli("--root", root, "lint", "--strict")
    assert run.returncode == 0 and "1 accepted (annotations/LINT-ACCEPTED.md)" in run.stderr


def test_a_row_that_matches_nothing_is_reported_and_a_bad_row_is_an_error(root):
    accept(root, ROW, ROW.replace("/propositions/2/", "/propositions/9/"))
    report = lint(root)
    assert [(i.code, i.line) for i in report.issues] == [("lint-accepted-unused", 6)]
    accept(root, ROW, "| claim-not-checkable | annotations/x.json | /claims/0 |  |")
    assert [i.code for i in lint(root).issues] == ["lint-accepted-invalid"]
    run = run_cli("--root", root, "lint")
    assert run.returncode == 1 and "annotations/LINT-ACCEPTED.md:6: lint-accepted-invalid" in run.stdout
    (root / "annotations" / "LINT-ACCEPTED.md").write_text("| what | where |\n|---|---|\n| a | b |\n")
    assert [i.code for i in lint(root).issues] == ["proposition-near-duplicate", "lint-accepted-invalid"]
