"""Passes are append-only: recording a finished pass, and validate catching an edit made afterwards."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import CASES, cases, run_cli

make_pass = cases.make_pass


def repository(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(CASES / "valid" / "minimal", root)
    return root


def codes(root: Path) -> list[str]:
    run = run_cli("--root", root, "validate", "--format", "json")
    return sorted(i["code"] for i in json.loads(run.stdout)["issues"])


def test_record_then_edit_then_new_pass(tmp_path):
    root = repository(tmp_path)
    make_pass(root, "pass-x", record=False)
    assert codes(root) == ["pass-file-unrecorded", "pass-file-unrecorded"]
    run = run_cli("--root", root, "passes", "record", "pass-x")
    assert run.returncode == 0, run.output
    register = (root / "annotations" / "passes" / "SHA256SUMS").read_text()
    assert register.count("  pass-x/") == 2 and codes(root) == []
    # an edit after recording is an error, and recording again does not hide it
    path = root / "annotations" / "passes" / "pass-x" / "acme-breach.json"
    original = path.read_text()
    path.write_text(original.replace('"certain"', '"probable"', 1))
    assert codes(root) == ["pass-file-changed"]
    run = run_cli("--root", root, "passes", "record", "pass-x")
    assert run.returncode == 1 and "nothing was written" in run.stderr
    assert (root / "annotations" / "passes" / "SHA256SUMS").read_text() == register
    # a corrected pass is a new pass: recording it adds lines and keeps every old one
    shutil.copytree(root / "annotations" / "passes" / "pass-x", root / "annotations" / "passes" / "pass-y")
    path.write_text(original)  # the recorded pass restored
    run = run_cli("--root", root, "passes", "record", "pass-y")
    assert run.returncode == 0, run.output
    lines = (root / "annotations" / "passes" / "SHA256SUMS").read_text().splitlines()
    assert set(register.splitlines()) <= set(lines) and len(lines) == 4


def test_unknown_pass_and_missing_instructions_are_refused(tmp_path):
    root = repository(tmp_path)
    assert run_cli("--root", root, "passes", "record", "nope").returncode == 2
    folder = make_pass(root, "pass-x", record=False)
    (folder / "INSTRUCTIONS.md").unlink()
    run = run_cli("--root", root, "passes", "record", "pass-x")
    assert run.returncode == 1 and "pass-instructions-missing" in run.output
    assert not (root / "annotations" / "passes" / "SHA256SUMS").exists()
