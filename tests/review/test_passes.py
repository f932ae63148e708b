"""Passes are append-only: recording a finished pass, and validate catching an edit made afterwards."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

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


def issues_of(root: Path) -> list[tuple[str, str, str]]:
    run = run_cli("--root", root, "validate", "--format", "json")
    return sorted((i["file"], i["code"], i["message"]) for i in json.loads(run.stdout)["issues"])


def _replace_with(path: Path, kind: str, tmp_path: Path) -> None:
    path.unlink()
    if kind == "a FIFO":
        os.mkfifo(path)
    else:
        (tmp_path / "elsewhere").write_text("instructions\n", encoding="utf-8")
        path.symlink_to(tmp_path / "elsewhere")


@pytest.mark.parametrize("kind", ["a FIFO", "a symbolic link"])
def test_a_recorded_pass_file_replaced_by_a_fifo_or_a_link_is_said_to_be_one_not_gone(tmp_path, kind):
    root = repository(tmp_path)
    make_pass(root, "pass-x")
    instructions = root / "annotations" / "passes" / "pass-x" / "INSTRUCTIONS.md"
    _replace_with(instructions, kind, tmp_path)
    found = issues_of(root)
    shown = "annotations/passes/pass-x/INSTRUCTIONS.md"
    assert ("pass-file-changed", True) in {(code, kind in message) for file, code, message in found if file == shown}
    assert ("pass-instructions-missing", True) in {(c, kind in m) for f, c, m in found if f == shown}
    assert not [m for _, c, m in found if c == "pass-file-missing" or "has no INSTRUCTIONS.md" in m], found


@pytest.mark.parametrize("kind", ["a FIFO", "a symbolic link"])
def test_a_pass_holding_a_fifo_or_a_link_is_not_recorded(tmp_path, kind):
    """Recording left such an entry out of the register without a word (exit 0)."""
    root = repository(tmp_path)
    make_pass(root, "pass-x", record=False)
    notes = root / "annotations" / "passes" / "pass-x" / "notes.md"
    notes.write_text("notes\n", encoding="utf-8")
    _replace_with(notes, kind, tmp_path)
    register = root / "annotations" / "passes" / "SHA256SUMS"
    before = register.read_bytes() if register.exists() else None
    run = run_cli("--root", root, "passes", "record", "pass-x")
    assert run.returncode == 1 and "pass-x/notes.md" in run.output and kind in run.output, run.output
    assert "nothing was written" in run.stderr
    assert (register.read_bytes() if register.exists() else None) == before


def test_a_register_that_is_a_link_is_reported_once_as_a_link(tmp_path):
    root = repository(tmp_path)
    make_pass(root, "pass-x")
    register = root / "annotations" / "passes" / "SHA256SUMS"
    register.rename(tmp_path / "SHA256SUMS")
    register.symlink_to(tmp_path / "SHA256SUMS")
    found = [(f, c, m) for f, c, m in issues_of(root) if f == "annotations/passes/SHA256SUMS"]
    assert [(c, "symbolic link" in m) for _, c, m in found] == [("pass-register-invalid", True)], found
    assert not [m for _, _, m in found if "a pass must be a real folder" in m]


@pytest.mark.parametrize("broken", ["{", '{"entities": []}'])
def test_a_pass_whose_files_do_not_validate_is_not_recorded(tmp_path, broken):
    """It was recorded (exit 0), and a recorded pass can never be corrected: it stayed broken for good."""
    root = repository(tmp_path)
    folder = make_pass(root, "pass-x", record=False)
    next(folder.glob("*-*.json")).write_text(broken, encoding="utf-8")
    register = root / "annotations" / "passes" / "SHA256SUMS"
    before = register.read_bytes() if register.exists() else None
    run = run_cli("--root", root, "passes", "record", "pass-x")
    assert run.returncode == 1 and "does not validate" in run.stderr and "annotations/passes/pass-x/" in run.stdout
    assert (register.read_bytes() if register.exists() else None) == before


@pytest.mark.parametrize("name", ["Pass-X", "pass x", ".hidden", "p" * 65])
def test_a_pass_folder_named_as_no_pass_can_be_is_refused_not_recorded_into_a_broken_register(tmp_path, name):
    """`passes record` wrote lines its own register check rejects (pass-register-invalid for good)."""
    root = repository(tmp_path)
    make_pass(root, "pass-x", record=False)
    (root / "annotations" / "passes" / "pass-x").rename(root / "annotations" / "passes" / name)
    found = issues_of(root)
    assert [(f, c) for f, c, _ in found] == [(f"annotations/passes/{name}", "invalid-file-name")], found
    run = run_cli("--root", root, "passes", "record", name)
    assert run.returncode == 2 and "is not a pass name" in run.stderr, run.output
    assert not (root / "annotations" / "passes" / "SHA256SUMS").exists()


def test_a_register_line_that_is_not_utf8_is_located_and_the_other_lines_still_count(tmp_path):
    """One bad byte made the whole register unreadable before: every recorded file was then 'unrecorded'."""
    root = repository(tmp_path)
    make_pass(root, "pass-x")
    register = root / "annotations" / "passes" / "SHA256SUMS"
    register.write_bytes(register.read_bytes() + b"\xff\xfe\n")
    lines = len(register.read_bytes().split(b"\n")) - 1
    run = run_cli("--root", root, "validate", "--format", "json")
    found = [(i["file"], i["line"], i["code"]) for i in json.loads(run.stdout)["issues"]]
    assert found == [("annotations/passes/SHA256SUMS", lines, "pass-register-invalid")], found
