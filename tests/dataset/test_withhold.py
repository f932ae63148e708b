"""The text-withheld flavour and rehydration, both ways."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import ARTICLE_IDS, ROOT, run_cli, tree
from cyberclaims.dataset.withhold import VERBATIM_RUN

pytestmark = pytest.mark.corpus


def test_withheld_copy_has_no_text_and_rehydrates_to_the_full_dataset(tmp_path: Path):
    out = tmp_path / "withheld"
    assert run_cli("build", "--withhold-text", out).returncode == 0
    texts = {a: (ROOT / "annotations" / f"{a}.txt").read_text(encoding="utf-8") for a in ARTICLE_IDS}
    # no article text anywhere: not in Parquet, not in the card, not in the Croissant file
    blob = b"".join(tree(out).values()).decode("utf-8", "replace")
    for text in texts.values():
        for sentence in [s for s in text.split(". ") if len(s) > 40][:5]:
            assert sentence not in blob
    documents = pq.read_table(out / "data" / "documents").to_pylist()
    for row in documents:
        assert row["text"] is None and row["text_sha256"]
        assert all(m["text"] is None for m in row["entities"]) and all(c["text"] is None for c in row["claims"])
        assert all(c["normalized"] for c in row["claims"])  # the project's own statements stay
    assert all(r["tokens"] is None and r["spans"] for r in pq.read_table(out / "data" / "ner").to_pylist())
    # withheld means withheld: no string of any field of any config holds VERBATIM_RUN characters of any text
    windows = {t[i : i + VERBATIM_RUN] for t in texts.values() for i in range(len(t) - VERBATIM_RUN + 1)}
    for config in (out / "data").iterdir():
        for row in pq.read_table(config).to_pylist():
            for value in _strings(row):
                leaked = [value[i : i + VERBATIM_RUN] for i in range(len(value) - VERBATIM_RUN + 1)]
                assert not windows.intersection(leaked), (config.name, value)
    assert "withholds the article texts" in (out / "README.md").read_text(encoding="utf-8")
    assert run_cli("validate", out).returncode == 0

    before = tree(out)
    supplied = tmp_path / "texts"
    supplied.mkdir()
    for article_id in ARTICLE_IDS:  # every text as published, but one with its line endings changed
        (supplied / f"{article_id}.txt").write_bytes(texts[article_id].encode("utf-8"))
    (supplied / f"{ARTICLE_IDS[1]}.txt").write_bytes(texts[ARTICLE_IDS[1]].replace("\n", "\r\n").encode())
    run = run_cli("rehydrate", out, "--texts", supplied)
    assert run.returncode == 1
    assert f"differs: {supplied / (ARTICLE_IDS[1] + '.txt')}" in run.stdout
    assert tree(out) == before  # nothing written

    (supplied / f"{ARTICLE_IDS[1]}.txt").unlink()
    run = run_cli("rehydrate", out, "--texts", supplied)
    assert run.returncode == 1 and "missing:" in run.stdout
    assert tree(out) == before

    (supplied / f"{ARTICLE_IDS[1]}.txt").write_bytes((ROOT / "annotations" / f"{ARTICLE_IDS[1]}.txt").read_bytes())
    run = run_cli("rehydrate", out, "--texts", supplied)
    assert run.returncode == 0, run.output
    assert tree(out) == tree(ROOT / "dataset")  # byte for byte the published build


def _strings(value):
    """Every string in a row, however deep."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
