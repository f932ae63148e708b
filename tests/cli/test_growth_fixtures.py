"""The growth fixtures (tests/fixtures/growth: made-up articles in every split) still validate when added to a copy
of the corpus with the real `cyberclaims new`, so the grown-corpus CI job cannot rot."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import GROWTH, SEED_IDS, SPLIT_NAMES, copy_repository, growth, run_cli, run_in_process

pytestmark = pytest.mark.corpus


def test_growth_fixtures_validate_in_a_copy_of_the_corpus(tmp_path: Path):
    repo = copy_repository(tmp_path / "repo")
    labels = json.loads((GROWTH / "labels.json").read_text(encoding="utf-8"))
    ids = [article["id"] for article in labels["articles"]]
    # In the grown-corpus job the fixtures are already in the corpus: then they are checked where they are.
    if not all((repo / "annotations" / f"{a}.json").exists() for a in ids):
        assert growth.add(repo, run=run_in_process) == ids
    splits = {
        json.loads((repo / "annotations" / f"{a}.json").read_text(encoding="utf-8"))["metadata"]["split"] for a in ids
    }
    assert splits == {"train", "validation", "test"} and len(ids) == len(labels["articles"])
    # in every split, an id that sorts before every seed article and one after: no test may assume which
    # article comes first, that it is a seed, or its split
    split_of = {
        a: json.loads((repo / "annotations" / f"{a}.json").read_text(encoding="utf-8"))["metadata"]["split"]
        for a in ids
    }
    for split in SPLIT_NAMES:
        assert any(a < min(SEED_IDS) for a in ids if split_of[a] == split), split
        assert any(a > max(SEED_IDS) for a in ids if split_of[a] == split), split
    for article_id in ids:
        text = (repo / "annotations" / f"{article_id}.txt").read_bytes().decode("utf-8")
        data = json.loads((repo / "annotations" / f"{article_id}.json").read_text(encoding="utf-8"))
        assert data["entities"] and data["claims"]
        for item in data["entities"] + data["claims"]:
            assert text[item["start"] : item["end"]] == item["text"]
    run = run_cli("validate", cwd=repo)
    assert run.returncode == 0, run.output
    assert re.search(r"^\d+ files checked, 0 errors, 0 warnings$", run.output, re.M), run.output
