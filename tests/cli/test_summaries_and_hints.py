"""What the CLI says (issue 19, point 7): each message names the real problem once, in the right number."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, register_export_keys, run_cli

CASES = Path(__file__).parents[1] / "cases"
LABELSTUDIO_EXPORT = Path(__file__).parents[1] / "fixtures" / "formats" / "labelstudio-export.json"


def test_summary_is_in_the_right_number():
    run = run_cli("validate", cwd=CASES / "invalid" / "span-text-mismatch" / "text-differs")
    assert "files checked, 1 error, 0 warnings (span-text-mismatch 1)" in run.stderr, run.output


def test_a_schema_message_shows_its_pointer_once():
    root = CASES / "invalid" / "schema-enum" / "unknown-label"
    run = run_cli("validate", cwd=root)
    [line] = [line for line in run.stdout.splitlines() if "schema-enum" in line]
    pointer = json.loads((root / "case.json").read_text(encoding="utf-8"))["pointer"]
    assert line.count(pointer) == 1 and line.endswith(f" at {pointer}") and "(at " not in line, line
    github = run_cli("validate", "--format", "github", cwd=root)
    [line] = [line for line in github.stdout.splitlines() if line.startswith("::error")]
    assert line.count(pointer) == 1, line


def test_outside_a_repository_the_message_says_to_pass_root(tmp_path):
    run = run_cli("validate", cwd=tmp_path)
    assert run.returncode == 2  # not a repository: a usage error, as for every command (test_exit_statuses.py)
    assert "annotations: file-unreadable: no annotations/ folder found in " in run.stdout, run.output
    assert "run cyberclaims at the repository root, or pass --root <repository>" in run.stdout


def test_render_help_names_no_platform_command():
    run = run_cli("render", "--help")
    assert "open site/index.html in a browser" in " ".join(run.stdout.split())
    assert "&& open" not in run.stdout


def test_a_skeleton_from_new_is_a_warning_not_silence(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(CASES / "valid" / "minimal", root)
    text = tmp_path / "article.txt"
    text.write_text("Hackers hit Northwind Bank on Tuesday.\n", encoding="utf-8")
    assert run_cli("new", "northwind-bank", "--text", text, cwd=root).returncode == 0
    run = run_cli("validate", cwd=root)
    assert run.returncode == 0, run.output  # a warning: the skeleton is valid, only unfinished
    assert (
        "annotations/northwind-bank.json:" in run.stdout
        and ": article-unlabelled: the article has no mentions, no claims and no annotators" in run.stdout
    ), run.output
    assert "0 errors, 1 warning (article-unlabelled 1)" in run.stderr


def _export(tmp_path: Path) -> Path:
    """The Label Studio fixture, its proposition key as the current registry names it."""
    export = tmp_path / "export.json"
    export.write_text(
        LABELSTUDIO_EXPORT.read_text(encoding="utf-8").replace(
            '"north_korea_behind_sony_hack"', '"north_korea_behind_sony_pictures_hack"'
        ),
        encoding="utf-8",
    )
    return export


@pytest.mark.corpus
def test_import_dry_run_lists_what_it_would_write_and_what_needs_force(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "annotations", root / "annotations")
    export = _export(tmp_path)
    register_export_keys(export, root)
    first = run_cli("import", "labelstudio", "--dry-run", export, cwd=root)
    assert first.returncode == 0, first.output
    assert "would write annotations/gop-emoji-labelstudio.txt (the article's text, new)" in first.stdout
    assert "would write annotations/gop-emoji-labelstudio.json (5 mentions, 2 claims)" in first.stdout
    assert "dry run: nothing was written; 1 annotation file to write" in first.stdout
    assert not (root / "annotations" / "gop-emoji-labelstudio.json").exists()
    assert run_cli("import", "labelstudio", export, cwd=root).returncode == 0
    before = (root / "annotations" / "gop-emoji-labelstudio.json").read_bytes()
    again = run_cli("import", "labelstudio", "--dry-run", export, cwd=root)
    assert again.returncode == 1, again.output  # as the import itself would without --force
    assert (
        "would replace annotations/gop-emoji-labelstudio.json (5 mentions, 2 claims): it exists, so the "
        "import needs --force"
    ) in again.stdout
    assert "1 annotation file already exists: rerun with --force to replace it" in again.stderr
    forced = run_cli("import", "labelstudio", "--dry-run", "--force", export, cwd=root)
    assert forced.returncode == 0 and "would replace annotations/gop-emoji-labelstudio.json (5" in forced.stdout
    assert (root / "annotations" / "gop-emoji-labelstudio.json").read_bytes() == before
