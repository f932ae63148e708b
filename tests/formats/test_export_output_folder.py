"""`export --out DIR` follows the rule of every output folder: never the repository's own folders, never through
a link, never onto a file (a clear refusal, not an internal error), and only files an export wrote, unchanged
since, are replaced; anything else in the way is named and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import cli, tree

ARTICLE = "acme-breach"
FORMATS = {"labelstudio": "labelstudio-tasks.json", "doccano": "doccano.jsonl", "brat": f"{ARTICLE}.ann"}


def export(root: Path, fmt: str, out: Path | str):
    return cli("export", fmt, "--out", out, cwd=root)


def test_an_existing_file_as_the_output_is_refused(mini: Path, tmp_path: Path):
    target = tmp_path / "a-file.json"
    target.write_text("mine", encoding="utf-8")
    for fmt in FORMATS:
        run = export(mini, fmt, target)
        assert run.returncode == 2 and "not a folder" in run.stderr, run.output
    assert target.read_text(encoding="utf-8") == "mine"


def test_an_output_that_is_a_link_is_refused(mini: Path, tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    run = export(mini, "brat", tmp_path / "link")
    assert run.returncode == 2 and "symbolic link" in run.stderr, run.output
    assert list(real.iterdir()) == []


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_file_the_export_did_not_write_is_never_replaced(mini: Path, tmp_path: Path, fmt: str):
    out = tmp_path / "out"
    out.mkdir()
    (out / FORMATS[fmt]).write_text("the user's own file", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(out)
    run = export(mini, fmt, out)
    assert run.returncode == 2 and FORMATS[fmt] in run.stderr and "nothing was written" in run.stderr, run.output
    assert tree(out) == before


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_an_export_replaces_its_own_files_but_not_once_they_were_edited(mini: Path, tmp_path: Path, fmt: str):
    out = tmp_path / "out"
    (out / "notes.txt").parent.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert export(mini, fmt, out).returncode == 0
    first = tree(out)
    assert export(mini, fmt, out).returncode == 0  # its own files, unchanged: replaced by the same
    assert tree(out) == first
    edited = out / FORMATS[fmt]
    edited.write_bytes(edited.read_bytes() + b"\n")  # corrected by hand in the tool since
    before = tree(out)
    run = export(mini, fmt, out)
    assert run.returncode == 2 and FORMATS[fmt] in run.stderr, run.output
    assert tree(out) == before
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("out", [".", "annotations", "dataset", "annotations/exported", ".git"])
def test_the_repositorys_own_folders_are_refused(mini: Path, out: str):
    before = tree(mini.parent)
    run = export(mini, "brat", out)
    assert run.returncode == 2 and "internal error" not in run.stderr, run.output
    assert tree(mini.parent) == before
