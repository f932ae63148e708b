"""A contributor's pull request adding a third article, run through the workflow's commands."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SPLITS, copy_repository, ids_in, run_cli

pytestmark = pytest.mark.corpus

FIXTURE = Path(__file__).parents[1] / "fixtures" / "contribution"
NEW_ID = "northwind-bank-breach"


def nth(text: str, needle: str, n: int) -> int:
    start = -1
    for _ in range(n + 1):
        start = text.index(needle, start + 1)
    return start


def label_like_a_contributor(repo: Path) -> None:
    """Fill the skeleton written by `cyberclaims new`, computing offsets by code as CONTRIBUTING.md says."""
    labels = json.loads((FIXTURE / "labels.json").read_text(encoding="utf-8"))
    path = repo / "annotations" / f"{NEW_ID}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    text = (repo / "annotations" / f"{NEW_ID}.txt").read_text(encoding="utf-8")
    kinds = {prefix: kind for prefix, kind in labels["segments"]}
    for segment in doc["segments"]:
        line = text[segment["start"] : segment["end"]]
        segment["kind"] = next(kind for prefix, kind in kinds.items() if line.startswith(prefix))
    doc["entities"] = []
    for number, (surface, occurrence, label, key) in enumerate(labels["entities"], 1):
        start = nth(text, surface, occurrence)
        doc["entities"].append(
            {
                "id": f"m{number}",
                "start": start,
                "end": start + len(surface),
                "text": surface,
                "label": label,
                "entity": key,
            }
        )
    doc["entities"].sort(key=lambda m: m["start"])
    doc["claims"] = []
    for number, (surface, claimer, attribution, certainty, normalized, about, proposition) in enumerate(
        labels["claims"], 1
    ):
        start = text.index(surface)
        doc["claims"].append(
            {
                "id": f"c{number}",
                "start": start,
                "end": start + len(surface),
                "text": surface,
                "claimer": claimer,
                "attribution": attribution,
                "certainty": certainty,
                "normalized": normalized,
                "about": about,
                "proposition": proposition,
                "event": proposition,
            }
        )
    doc["annotators"] = ["test-contributor"]
    made = {"method": "annotated", "annotator": {"id": "test-contributor", "type": "person"}, "suggestions": None}
    doc["provenance"] = {layer: {**made, "guidelines": "3.0", "date": "2026-12-01"} for layer in doc["provenance"]}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    labels["registry"]["events"] = [
        {"key": p["key"], "description": p["statement"]} for p in labels["registry"]["propositions"]
    ]
    for registry in ("entities", "propositions", "events"):
        registry_path = repo / "annotations" / f"{registry}.json"
        data = json.loads(registry_path.read_text(encoding="utf-8"))
        data[registry] = sorted(data[registry] + labels["registry"][registry], key=lambda e: e["key"])
        registry_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def workflow_commands(base: Path = ROOT) -> list[list[str]]:
    """The cyberclaims commands of the pull-request job, read from the script the workflow runs, as GitHub
    runs them (``$format`` github, the diff in markdown) against ``base``, without the redirection."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yml").read_text())
    runs = [step["run"] for step in workflow["jobs"]["pull-request"]["steps"] if "run" in step]
    assert runs == ['.ci/pull-request "origin/${{ github.base_ref }}"']
    values = {"$format": "github", "$diff_format": "markdown", "$base": str(base)}
    commands = []
    for line in (ROOT / ".ci" / "pull-request").read_text().splitlines():
        if line.startswith('"$cc" '):
            words = shlex.split(line)
            words = words[: words.index(">>")] if ">>" in words else words
            commands.append([values.get(word, word) for word in words[1:]])
    return commands


def test_a_third_article_passes_the_pull_request_workflow(tmp_path: Path, hf_cache: Path):
    repo = copy_repository(tmp_path / "repo", with_dataset=True)
    text_before = {p.name: p.read_bytes() for p in (repo / "annotations").glob("*.txt")}

    created = run_cli(
        "new",
        NEW_ID,
        "--text",
        FIXTURE / "article.txt",
        "--title",
        "Hackers Hit “Northwind Bank” in Freedonia",
        "--source-name",
        "Freedonia Herald",
        "--published",
        "2024-05-14",
        "--split",
        "train",
        "--topic",
        "northwind-bank-breach-2024",
        cwd=repo,
    )
    assert created.returncode == 0, created.output
    assert (repo / "annotations" / f"{NEW_ID}.txt").read_bytes() == (FIXTURE / "article.txt").read_bytes()
    label_like_a_contributor(repo)

    # Before the rebuild the committed dataset is stale, and CI says so.
    assert run_cli("build", "--check", cwd=repo).returncode == 1
    assert run_cli("build", cwd=repo).returncode == 0
    commands = workflow_commands()
    assert ["validate", "--format", "github"] in commands and ["build", "--check"] in commands
    assert ["diff", str(ROOT), "--format", "markdown"] in commands
    for command in commands:
        run = run_cli(*command, cwd=repo)
        assert run.returncode == 0, (command, run.output)
    assert run_cli("validate", "dataset", cwd=repo).returncode == 0

    import datasets

    loaded = datasets.load_dataset(str(repo / "dataset"), "documents", cache_dir=str(hf_cache))
    assert list(loaded) == [s for s in ("train", "validation", "test") if s in {*SPLITS, "train"}]
    assert sorted(row["id"] for row in loaded["train"]) == sorted([*ids_in("train"), NEW_ID])
    for split in SPLITS:
        if split != "train":
            assert sorted(row["id"] for row in loaded[split]) == ids_in(split)
    # the existing articles are untouched
    assert {p.name: p.read_bytes() for p in (repo / "annotations").glob("*.txt") if p.stem != NEW_ID} == text_before


def test_a_mistake_in_the_pull_request_is_annotated_on_its_line(tmp_path: Path):
    repo = copy_repository(tmp_path / "repo")
    assert run_cli("new", NEW_ID, "--text", FIXTURE / "article.txt", cwd=repo).returncode == 0
    label_like_a_contributor(repo)
    path = repo / "annotations" / f"{NEW_ID}.json"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"text": "Tuesday"', '"text": "Tuseday"'), encoding="utf-8"
    )
    run = run_cli("validate", "--format", "github", cwd=repo)
    assert run.returncode == 1
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "Tuseday" in text)
    assert re.search(
        rf"^::error file=annotations/{NEW_ID}\.json,line={line},title=span-text-mismatch::", run.stdout, re.M
    ), run.stdout
    assert re.search(r"^\d+ files checked, 1 error, 0 warnings \(span-text-mismatch 1\)$", run.stdout, re.M)
