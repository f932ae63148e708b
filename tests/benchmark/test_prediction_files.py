"""Prediction files that are hostile or broken are located errors in every format, detected or given: a JSONL
line nested 1,000 deep, an integer of 5,000 digits (Python refuses to read it), a first line without an end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, cli

SPLIT = "train"
FORMATS = [None, "jsonl", "iob2", "annotation"]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gold") / "mini"
    shutil.copytree(MINIMAL, root, symlinks=True)
    assert cli("build", cwd=root).returncode == 0
    return root


@pytest.fixture
def built(built_once: Path, tmp_path: Path) -> Path:
    """A copy of the minimal repository with its dataset built (once for the module)."""
    return Path(shutil.copytree(built_once, tmp_path / "mini", symlinks=True))


def evaluate(root: Path, predictions: Path, fmt: str | None):
    extra = ["--format", fmt] if fmt else []
    return cli("evaluate", "--task", "ner", "--split", SPLIT, "--predictions", predictions, *extra, cwd=root)


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f or "detected")
def test_a_line_nested_a_thousand_deep_is_a_located_error(built: Path, fmt: str | None):
    path = built / "deep.jsonl"
    path.write_text('{"id": ' + "[" * 1000 + "]" * 1000 + "}\n", encoding="utf-8")
    run = evaluate(built, path, fmt)
    assert run.returncode == 1, run.output
    assert "json-too-deep" in run.stdout and "deep.jsonl:1" in run.stdout, run.output


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f or "detected")
def test_an_integer_of_five_thousand_digits_is_a_located_error(built: Path, fmt: str | None):
    document = json.loads((built / "annotations" / "acme-breach.json").read_text(encoding="utf-8"))
    line = json.dumps({"id": document["id"], "entities": [{"start": 0, "end": 1, "label": "ORG"}]})
    line = line.replace('"start": 0', '"start": ' + "7" * 5000)
    path = built / "long.jsonl"
    path.write_text("\n" + line + "\n", encoding="utf-8")
    run = evaluate(built, path, fmt)
    assert run.returncode == 1, run.output
    assert "long.jsonl:2" in run.stdout and "json-syntax" in run.stdout and "5000 digits" in run.stdout, run.output
    assert "int_max_str_digits" not in run.output  # not Python's own message


def test_an_annotation_file_with_an_integer_of_five_thousand_digits_is_a_located_error(built: Path):
    folder = built / "predicted"
    folder.mkdir()
    text = (built / "annotations" / "acme-breach.json").read_text(encoding="utf-8")
    (folder / "acme-breach.json").write_text(text.replace('"start": ', '"start": ' + "7" * 5000, 1), encoding="utf-8")
    run = evaluate(built, folder, None)
    assert run.returncode == 1 and "acme-breach.json:" in run.stdout and "json-syntax" in run.stdout, run.output
    source = built / "annotations" / "acme-breach.json"
    source.write_text(text.replace('"start": ', '"start": ' + "7" * 5000, 1), encoding="utf-8")
    validated = cli("validate", cwd=built)  # the sources are read by the same parser
    assert validated.returncode == 1 and "json-syntax" in validated.stdout, validated.output
