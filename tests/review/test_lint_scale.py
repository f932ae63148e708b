"""`lint` is linear in the corpus: one long mention (400 tokens) anywhere does not make every position of every
text look up 400 n-grams (it took 600 articles from 1.8 s to 45 s). The corpus is synthetic
(``benchmarks/synth.py``) plus one made-up article holding the long mention."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from conftest import cli, made_by, synth

pytestmark = pytest.mark.slow

ARTICLES = 150
LONG = 400


def lint_seconds(root: Path) -> tuple[float, int]:
    from cyberclaims.review.lint import lint

    started = time.perf_counter()
    report = lint(root)
    return time.perf_counter() - started, len(report.issues)


def test_one_long_mention_costs_its_own_article_not_every_position(tmp_path: Path):
    root = synth.write_corpus(tmp_path / "corpus", articles=ARTICLES, seed=3)
    without, found = lint_seconds(root)
    words = " ".join(f"Acme{k}" for k in range(LONG))
    text = f"The {words} group said nothing.\n"
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    assert cli("new", "long-mention-article", "--text", tmp_path / "long.txt", cwd=root).returncode == 0
    path = root / "annotations" / "long-mention-article.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    start, end = text.index("Acme0"), text.index(" group")
    document["entities"] = [
        {"id": "m1", "start": start, "end": end, "text": text[start:end], "label": "ORG", "entity": None}
    ]
    document["provenance"]["entities"] = made_by("scale-test")
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    assert cli("validate", cwd=root).returncode == 0
    with_long, found_with = lint_seconds(root)
    assert found_with == found  # the long mention occurs nowhere else
    assert with_long < 3 * without + 1, f"{with_long:.1f} s with a {LONG}-token mention, {without:.1f} s without"
    shutil.rmtree(root)
