"""Scale: the fast schema path agrees with the reference, parallel validation equals serial, the
build shards and streams, and the shards read in parallel elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import ROOT, synth
from cyberclaims.core.schemas import fast_validator, load_schema

CASES = Path(__file__).parents[1] / "cases"


def annotation_files() -> list[Path]:
    roots = [ROOT / "annotations", *sorted((ROOT / "annotations" / "passes").iterdir())]
    roots += sorted(p / "annotations" for p in (CASES / "valid").iterdir())
    roots += sorted(p / "annotations" for p in (CASES / "invalid").glob("*/*") if (p / "annotations").is_dir())
    return [f for r in roots if r.is_dir() for f in sorted(r.glob("*.json")) if not f.is_symlink()]


@pytest.mark.corpus
def test_fast_path_agrees_with_the_reference_on_every_case():
    compared = 0
    for path in annotation_files():
        kind = {"entities.json": "entities", "propositions.json": "propositions"}.get(path.name, "annotation")
        try:
            value = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError, RecursionError):
            continue  # not JSON: neither validator is reached
        reference = Draft202012Validator(load_schema(kind)).is_valid(value)
        assert fast_validator(kind).is_valid(value) == reference, path
        compared += 1
    assert compared > 60


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = synth.write_corpus(tmp_path_factory.mktemp("scale") / "corpus", articles=900, seed=3)
    # a few faults, in different batches, so the reports have something to order
    for number, change in ((5, ("start", -1)), (450, ("label", "COMPANY")), (899, ("text", "nope"))):
        path = root / "annotations" / f"synthetic-{number:06d}.json"
        data = json.loads(path.read_text())
        data["entities"][3][change[0]] = change[1]
        path.write_text(json.dumps(data, indent=2))
    return root


def test_parallel_validation_reports_exactly_what_serial_does(corpus: Path):
    from cyberclaims.validation import validate

    _, serial = validate(corpus, show_progress=False, keep_articles=False, jobs=1)
    _, parallel = validate(corpus, show_progress=False, keep_articles=False, jobs=2)
    assert [i.to_text() for i in serial.sorted_issues()] == [i.to_text() for i in parallel.sorted_issues()]
    assert {i.code for i in serial.errors} == {"schema-minimum", "schema-enum", "span-text-mismatch"}
    assert serial.files_checked == parallel.files_checked


@pytest.mark.slow
def test_sharded_build_streams_and_reads_in_parallel(tmp_path: Path, monkeypatch):
    import cyberclaims.dataset.pipeline as pipeline

    root = synth.write_corpus(tmp_path / "clean", articles=600, seed=4)
    monkeypatch.setattr(pipeline, "SHARD_ARTICLES", 120)
    from dataclasses import replace

    from cyberclaims.dataset.build import build
    from cyberclaims.dataset.configs import CONFIGS

    monkeypatch.setitem(CONFIGS, "documents", replace(CONFIGS["documents"], row_group_rows=50))
    monkeypatch.setitem(CONFIGS, "ner", replace(CONFIGS["ner"], row_group_rows=700))
    one = build(root, tmp_path / "one", show_progress=False, jobs=1)
    build(root, tmp_path / "two", show_progress=False, jobs=2)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.parquet"))
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.parquet"))
    for name in files:  # the number of workers never changes a byte
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    train = sorted((tmp_path / "one" / "data" / "documents").glob("train-*.parquet"))
    assert len(train) > 3 and all(p.name.endswith(f"-of-{len(train):05d}.parquet") for p in train)

    import datasets

    expected = {s.name: s.num_examples for c in one.configs if c.name == "documents" for s in c.splits}
    streamed = datasets.load_dataset(str(tmp_path / "one"), "documents", streaming=True)
    counts = {split: sum(1 for _ in rows) for split, rows in streamed.items()}
    assert counts == expected
    first = next(iter(streamed["train"]))
    assert isinstance(first["entities"], list) and "label" in first["entities"][0]

    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    total, distinct, mentions = connection.execute(
        f"SELECT count(*), count(DISTINCT id), sum(len(entities)) "
        f"FROM read_parquet('{tmp_path / 'one'}/data/documents/*.parquet')"
    ).fetchall()[0]
    assert total == distinct == sum(expected.values()) == 600
    assert mentions == sum(
        len(json.loads(p.read_text())["entities"]) for p in (root / "annotations").glob("synthetic-*.json")
    )
