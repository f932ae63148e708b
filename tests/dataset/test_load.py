"""Loading the committed dataset the way users do: datasets, DuckDB, Polars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ARTICLE_IDS, ROOT, SPLIT_OF, SPLITS, ids_in
from cyberclaims.dataset.rows import without_absent_fields

pytestmark = pytest.mark.corpus

DATASET = ROOT / "dataset"
CONFIGS = sorted(p.name for p in (DATASET / "data").iterdir())


@pytest.fixture(scope="module")
def load(hf_cache):
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"
    import datasets

    def _load(config: str):
        return datasets.load_dataset(str(DATASET), config, cache_dir=str(hf_cache))

    return _load


def source(article_id: str, folder: Path = ROOT / "annotations") -> dict:
    return json.loads((folder / f"{article_id}.json").read_text(encoding="utf-8"))


def decode(features, row):
    """Turn ClassLabel integers back into names, recursively, as in the source files."""
    from datasets import ClassLabel, List

    if row is None:  # an optional field the source does not have (a span's origin)
        return None
    if isinstance(features, ClassLabel):
        return features.int2str(row)
    if isinstance(features, List):
        return [decode(features.feature, item) for item in row]
    if isinstance(features, dict):
        return {name: decode(features[name], row[name]) for name in features}
    return row


def every_row(loaded):
    """(split, decoded row) of every split of a loaded config, in the dataset's order."""
    for name, split in loaded.items():
        for row in split:
            yield name, decode(split.features, row)


def test_all_configs_are_present():
    assert {"documents", "claims", "entities", "ner"} <= set(CONFIGS)


def test_default_config_is_documents(load, hf_cache):
    import datasets

    default = datasets.load_dataset(str(DATASET), cache_dir=str(hf_cache))
    assert list(default) == SPLITS
    for split in SPLITS:
        assert set(default[split].column_names) >= {"id", "text", "entities", "claims"}


@pytest.mark.parametrize("config", CONFIGS)
def test_every_config_loads_offline_with_its_splits(load, config):
    loaded = load(config)
    if config == "passes":  # the passes hold the articles that were annotated twice, each in its own split
        passed = {
            p.stem
            for d in (ROOT / "annotations" / "passes").iterdir()
            if d.is_dir()
            for p in d.glob("*.json")
            if p.stem in ARTICLE_IDS
        }
        assert list(loaded) == [s for s in SPLITS if set(ids_in(s)) & passed]
    else:
        assert list(loaded) == SPLITS
    for split in loaded:
        assert len(loaded[split]) > 0


def test_class_label_names_survive(load):
    from cyberclaims.core.vocabulary import ATTRIBUTIONS, CERTAINTIES, ENTITY_LABELS, NER_TAGS

    first = SPLITS[0]
    docs = load("documents")[first].features
    assert docs["entities"].feature["label"].names == list(ENTITY_LABELS)
    assert docs["claims"].feature["attribution"].names == list(ATTRIBUTIONS) == ["asserted", "reported"]
    assert docs["claims"].feature["certainty"].names == list(CERTAINTIES) == ["certain", "probable", "possible"]
    assert load("ner")[first].features["ner_tags"].feature.names == list(NER_TAGS)
    assert NER_TAGS[:3] == ("O", "B-PERSON", "I-PERSON") and len(NER_TAGS) == 37
    if "entities" in CONFIGS:
        assert load("entities")[first].features["type"].names == list(ENTITY_LABELS)


def test_documents_round_trip_every_source_field(load):
    rows = {row["id"]: (name, row) for name, row in every_row(load("documents"))}
    assert sorted(rows) == ARTICLE_IDS
    for article_id in ARTICLE_IDS:
        name, row = rows[article_id]
        assert name == row["metadata"]["split"]
        text = (ROOT / "annotations" / f"{article_id}.txt").read_bytes().decode("utf-8")
        assert row.pop("text") == text
        assert without_absent_fields(row) == source(article_id)


def test_passes_round_trip(load):
    if "passes" not in CONFIGS:
        pytest.skip("no annotation passes in this build")
    passes = sorted(p.name for p in (ROOT / "annotations" / "passes").iterdir() if p.is_dir())
    seen = set()
    for split, row in every_row(load("passes")):
        assert split == source(row["id"])["metadata"]["split"]
        name = row.pop("pass_name")
        row.pop("text")
        assert without_absent_fields(row) == source(row["id"], ROOT / "annotations" / "passes" / name)
        seen.add((name, row["id"]))
    assert seen == {
        (p, a) for p in passes for a in ARTICLE_IDS if (ROOT / "annotations" / "passes" / p / f"{a}.json").exists()
    }


def test_claims_and_entities_round_trip(load):
    registry = {e["key"]: e for e in json.loads((ROOT / "annotations" / "entities.json").read_text())["entities"]}
    statements = {
        p["key"]: p["statement"]
        for p in json.loads((ROOT / "annotations" / "propositions.json").read_text())["propositions"]
    }
    descriptions = {
        e["key"]: e["description"] for e in json.loads((ROOT / "annotations" / "events.json").read_text())["events"]
    }
    claims = [(a, c) for a in ARTICLE_IDS for c in source(a)["claims"]]
    if "claims" in CONFIGS:
        rows = {row["id"]: (split, row) for split, row in every_row(load("claims"))}
        assert len(rows) == len(claims)
        for article_id, claim in claims:
            split, row = rows[f"{article_id}:{claim['id']}"]
            assert split == source(article_id)["metadata"]["split"]
            assert {k: row[k] for k in claim if k != "id"} == {k: v for k, v in claim.items() if k != "id"}
            assert row["proposition_statement"] == statements[claim["proposition"]]
            assert row["event_description"] == descriptions[claim["event"]]
            assert row["sentence_start"] <= row["start"] < row["end"] <= row["sentence_end"]
    if "entities" in CONFIGS:
        used = set()
        for split, row in every_row(load("entities")):
            entry = registry[row["key"]]
            # a row holds every optional field: an entity's absent cti_kind is null, its absent external ids an
            # empty list, an absent note null
            ids = [{**e, "note": e.get("note")} for e in entry.get("external_ids", [])]
            assert {k: row[k] for k in entry} == {**entry, **({"external_ids": ids} if ids else {})}
            assert row["cti_kind"] == entry.get("cti_kind") and row["external_ids"] == ids
            mentions = [m for a in ids_in(split) for m in source(a)["entities"] if m["entity"] == row["key"]]
            assert row["mention_count"] == len(mentions)
            used.add(row["key"])
        assert used == set(registry)


def test_ner_tags_match_the_mentions(load):
    texts = {a: (ROOT / "annotations" / f"{a}.txt").read_text(encoding="utf-8") for a in ARTICLE_IDS}
    found: dict[str, list[tuple[int, int, str]]] = {a: [] for a in ARTICLE_IDS}
    for split, row in every_row(load("ner")):
        assert split == source(row["article_id"])["metadata"]["split"]
        text = texts[row["article_id"]]
        open_span = None
        for token, span, tag in zip(row["tokens"], row["spans"], row["ner_tags"]):
            assert text[span["start"] : span["end"]] == token
            if tag.startswith("B-") or tag == "O":
                if open_span:
                    found[row["article_id"]].append(tuple(open_span))
                open_span = [span["start"], span["end"], tag[2:]] if tag != "O" else None
            else:
                assert open_span and open_span[2] == tag[2:], "I- tag must continue a span (IOB2)"
                open_span[1] = span["end"]
        if open_span:
            found[row["article_id"]].append(tuple(open_span))
    for article_id in ARTICLE_IDS:
        expected = sorted((m["start"], m["end"], m["label"]) for m in source(article_id)["entities"])
        assert sorted(found[article_id]) == expected


def test_duckdb_reads_nested_columns():
    duckdb = pytest.importorskip("duckdb")
    rows = duckdb.sql(
        f"SELECT id, len(entities) AS mentions, len(claims) AS claims, metadata.source.origin AS origin "
        f"FROM read_parquet('{DATASET}/data/documents/*.parquet') ORDER BY id"
    ).fetchall()
    assert [r[0] for r in rows] == ARTICLE_IDS
    for article_id, mentions, claims, origin in rows:
        data = source(article_id)
        assert (mentions, claims, origin) == (
            len(data["entities"]),
            len(data["claims"]),
            data["metadata"]["source"]["origin"],
        )
    labels = duckdb.sql(
        f"SELECT count(*) FROM (SELECT unnest(entities) AS e FROM read_parquet('{DATASET}/data/documents/*.parquet'))"
    ).fetchall()[0][0]
    assert labels == sum(len(source(a)["entities"]) for a in ARTICLE_IDS)


def test_polars_reads_nested_columns():
    pl = pytest.importorskip("polars")
    frame = pl.read_parquet(DATASET / "data" / "ner" / "*.parquet")
    assert frame.schema["tokens"] == pl.List(pl.String)
    assert frame.schema["spans"] == pl.List(pl.Struct({"start": pl.Int32, "end": pl.Int32}))
    docs = pl.read_parquet(DATASET / "data" / "documents" / "*.parquet").sort("id")
    assert docs["id"].to_list() == ARTICLE_IDS
    assert docs["entities"].list.len().to_list() == [len(source(a)["entities"]) for a in ARTICLE_IDS]


def test_load_check_script_passes_with_the_installed_datasets(hf_cache, monkeypatch):
    """tests/load_check.py is what .ci/run's oldest-datasets job runs; it must pass here too."""
    import importlib.util

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_CACHE", str(hf_cache))
    spec = importlib.util.spec_from_file_location("load_check", ROOT / "tests" / "load_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(DATASET) == 0


def test_parquet_metadata_is_in_the_form_every_supported_datasets_reads():
    """datasets 3 cannot read "_type": "List" (issue 19): lists are written as datasets 3 wrote them, which
    datasets 4 and 5 read into the same features."""
    import pyarrow.parquet as pq
    from datasets import Features

    from cyberclaims.dataset.configs import features_of

    for shard in (DATASET / "data").rglob("*.parquet"):
        raw = pq.read_schema(shard).metadata[b"huggingface"].decode()
        assert '"List"' not in raw and '"LargeList"' not in raw, shard
        stored = Features.from_dict(json.loads(raw)["info"]["features"])
        assert stored == features_of(shard.parent.name)
    card = (DATASET / "README.md").read_text(encoding="utf-8").split("---\n")[1]
    assert not any(line.strip().startswith("list: ") and not line.strip().endswith(":") for line in card.splitlines())


def test_card_example_claim_is_what_load_dataset_returns_and_its_recipes_work(load):
    """The card's instance is the loaded row (integers for class labels); its int2str, pandas and Polars
    recipes give the names (issue 19, item 5)."""
    import re

    pl = pytest.importorskip("polars")
    card = (DATASET / "README.md").read_text(encoding="utf-8")
    shown = json.loads(re.search(r"### Data Instances\n.*?```json\n(.*?)\n```", card, re.S).group(1))
    # the card shows the first claim of the first article (in id order) that has claims: row 0 of its split
    split = SPLIT_OF[next(a for a in ARTICLE_IDS if source(a)["claims"])]
    claims = load("claims")[split]
    assert shown == claims[0]
    assert isinstance(shown["attribution"], int) and isinstance(shown["certainty"], int)
    attribution = claims.features["attribution"]
    names = [attribution.int2str(v) for v in claims["attribution"]]
    frame = claims.to_pandas()
    frame["attribution"] = frame["attribution"].map(dict(enumerate(attribution.names)))
    assert frame["attribution"].tolist() == names
    polars = pl.read_parquet(DATASET / "data" / "claims" / f"{split}-*.parquet").with_columns(
        pl.col("attribution").replace_strict(dict(enumerate(attribution.names)), return_dtype=pl.String)
    )
    assert polars["attribution"].to_list() == names
    assert set(names) <= {"asserted", "reported"}


def test_card_recipes_flatten_nested_columns_without_collisions():
    """The card's Polars and DuckDB recipes for documents' nested entities (issue 19, item 4): one row per
    mention, the article id kept, no duplicate column names."""
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    card = (DATASET / "README.md").read_text(encoding="utf-8")
    assert 'name.prefix("mention_")' in card and "m.id AS mention_id" in card
    files = f"{DATASET}/data/documents/*.parquet"
    mentions = (
        pl.read_parquet(files)
        .select(pl.col("id").alias("article_id"), "entities")
        .explode("entities")
        .select("article_id", pl.col("entities").struct.unnest().name.prefix("mention_"))
    )
    assert len(set(mentions.columns)) == len(mentions.columns)
    expected = sorted((a, m["id"], m["text"]) for a in ARTICLE_IDS for m in source(a)["entities"])
    assert sorted(mentions.select("article_id", "mention_id", "mention_text").rows()) == expected
    rows = duckdb.sql(f"""SELECT id AS article_id, m.id AS mention_id, m.text AS mention_text, m.label
                          FROM (SELECT id, unnest(entities) AS m FROM '{files}')""")
    assert len(set(rows.columns)) == len(rows.columns)
    assert sorted((a, i, t) for a, i, t, _ in rows.fetchall()) == expected
