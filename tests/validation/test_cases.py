"""The invalid-case corpus: each broken mini-repository gives exactly its code, at its place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from cyberclaims.core.codes import (
    CODES,
    FALLBACK_CODES,
    GUIDELINES_TABLE_CODES,
    LINT_ACCEPTED_CODES,
    LINT_CODES,
    Severity,
)

CASES = Path(__file__).parents[1] / "cases"
INVALID = sorted(p.parent for p in (CASES / "invalid").glob("*/*/case.json"))
VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())


def run_case(root: Path, args: list[str]):
    run = run_cli("--root", root, *args, "--format", "json", cwd=root)
    return run, json.loads(run.stdout)


@pytest.mark.parametrize("root", VALID, ids=lambda p: p.name)
def test_valid_cases_have_no_issue(root):
    run, report = run_case(root, ["validate"])
    assert run.returncode == 0, run.output
    assert report["issues"] == []


@pytest.mark.parametrize("root", INVALID, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_invalid_case_gives_its_code_at_its_place(root):
    case = json.loads((root / "case.json").read_text(encoding="utf-8"))
    assert case["code"] == root.parent.name
    run, report = run_case(root, case.get("args", ["validate"]))
    expected_status = case.get("status", 1 if CODES[case["code"]].severity is Severity.ERROR else 0)
    assert run.returncode == expected_status, run.output
    assert {issue["code"] for issue in report["issues"]} == {case["code"]}, report["issues"]
    places = [(i["file"], i["line"], i["pointer"]) for i in report["issues"]]
    assert any(
        file == case["file"]
        and (case["line"] is None or line == case["line"])
        and (case["pointer"] is None or pointer == case["pointer"])
        for file, line, pointer in places
    ), (case, places)
    for issue in report["issues"]:
        assert issue["message"] and "Traceback" not in issue["message"]


def test_text_output_names_file_line_and_code():
    root = CASES / "invalid" / "span-text-mismatch" / "text-differs"
    run = run_cli("--root", root, "validate", cwd=root)
    case = json.loads((root / "case.json").read_text())
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"{case['file']}:{case['line']}: span-text-mismatch: ")
    assert "'Reuter'" in first and "'Reuters'" in first  # both texts shown
    assert "files checked, 1 error, 0 warnings" in run.stderr


def test_github_format_annotates_the_line():
    root = CASES / "invalid" / "schema-enum" / "unknown-label"
    run = run_cli("--root", root, "validate", "--format", "github", cwd=root)
    case = json.loads((root / "case.json").read_text())
    assert run.returncode == 1
    assert f"::error file={case['file']},line={case['line']},title=schema-enum::" in run.stdout


def test_every_code_has_a_case_and_enough_faults():
    # `lint` codes and its cue-table errors are not `validate` findings: tested in tests/review/ instead
    covered = {p.parent.name for p in INVALID}
    wanted = set(CODES) - FALLBACK_CODES - LINT_CODES - GUIDELINES_TABLE_CODES - LINT_ACCEPTED_CODES
    assert wanted <= covered, sorted(wanted - covered)
    assert covered <= set(CODES) - LINT_CODES - GUIDELINES_TABLE_CODES - LINT_ACCEPTED_CODES
    assert len(INVALID) >= 40


@pytest.mark.slow
def test_cases_are_up_to_date(tmp_path):
    """The committed cases are what generate.py writes (so they can be regenerated and reviewed)."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "cases"
    shutil.copytree(CASES, copy, symlinks=True)
    subprocess.run([sys.executable, str(copy / "generate.py")], check=True, capture_output=True)

    def listing(base):
        return sorted(str(p.relative_to(base)) for p in base.rglob("*") if "__pycache__" not in p.parts)

    assert listing(copy) == listing(CASES)
    for name in listing(CASES):
        a, b = CASES / name, copy / name
        if a.is_symlink() or b.is_symlink():
            assert a.is_symlink() and b.is_symlink() and a.readlink() == b.readlink()
        elif a.is_file() and a.suffix not in (".parquet",) and a.name not in ("SHA256SUMS",):
            assert a.read_bytes() == b.read_bytes(), name
