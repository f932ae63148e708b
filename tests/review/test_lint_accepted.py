"""Lint findings a reviewer accepted (annotations/LINT-ACCEPTED.md): counted, not shown, and never stale."""

from __future__ import annotations

import json
import os
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


def _unreadable(root: Path, kind: str) -> None:
    path = root / "annotations" / "LINT-ACCEPTED.md"
    if kind == "not UTF-8":
        accept(root, ROW)
        path.write_bytes(path.read_bytes() + b"| \xff |\n")
    elif kind == "byte-order mark":
        accept(root, ROW)
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif kind == "a FIFO":
        os.mkfifo(path)
    elif kind == "a folder":
        path.mkdir()
    elif kind == "too large":
        accept(root, ROW)
        with open(path, "ab") as fh:
            fh.truncate(16 * 1024 * 1024 + 1)


@pytest.mark.parametrize("kind", ["not UTF-8", "byte-order mark", "a FIFO", "a folder", "too large"])
def test_an_acceptances_file_that_cannot_be_read_is_a_located_error_never_nothing_accepted(root, kind):
    """Not UTF-8 was an internal error; a FIFO or a folder was taken for "nothing accepted" (exit 0)."""
    _unreadable(root, kind)
    codes = [i.code for i in lint(root).issues]
    assert "lint-accepted-invalid" in codes, codes
    run = run_cli("--root", root, "lint")
    assert run.returncode == 1 and "annotations/LINT-ACCEPTED.md" in run.stdout, run.output
    assert "internal error" not in run.stderr


def test_an_empty_acceptances_file_accepts_nothing(root):
    (root / "annotations" / "LINT-ACCEPTED.md").write_text("", encoding="utf-8")
    assert [i.code for i in lint(root).issues] == ["proposition-near-duplicate"]
