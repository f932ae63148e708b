"""curation/registry-cti.json and the function that applies it: fields set in place, idempotent, a missing key
refused with nothing written; the committed registries hold the committed curation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, tree
from cyberclaims.formats.registry_cti import RegistryCtiError, apply, apply_to_repository

ENTITIES = {"entities": [{"key": "a", "name": "A", "type": "ORG", "aliases": [], "description": "made up"}]}
PROPOSITIONS = {"propositions": [{"key": "e", "statement": "made up"}]}
DATA = {
    "entities": {
        "a": {
            "cti_kind": "threat_actor",
            "external_ids": [{"db_name": "wikidata", "db_id": "Q1", "source": "https://example.org"}],
        }
    },
    "propositions": {"e": {"attribution": {"actor": "a", "topic": "t"}}},
}


def dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_apply_sets_the_fields_after_the_others_and_is_idempotent():
    applied = apply(dumps(ENTITIES), dumps(PROPOSITIONS), DATA)
    entity = json.loads(applied.entities)["entities"][0]
    assert list(entity) == ["key", "name", "type", "aliases", "description", "cti_kind", "external_ids"]
    assert json.loads(applied.events)["propositions"][0]["attribution"] == {"actor": "a", "topic": "t"}
    assert sorted(applied.changed) == ["a: cti_kind", "a: external_ids", "e: attribution"]
    again = apply(applied.entities, applied.events, DATA)
    assert (again.entities, again.events, again.changed) == (applied.entities, applied.events, [])


def test_a_missing_key_or_an_uncurated_field_is_refused_and_nothing_is_written(tmp_path: Path):
    annotations = tmp_path / "annotations"
    annotations.mkdir()
    (annotations / "entities.json").write_text(dumps(ENTITIES), encoding="utf-8")
    (annotations / "propositions.json").write_text(dumps(PROPOSITIONS), encoding="utf-8")
    before = tree(tmp_path)
    for data in ({"entities": {"b": {"cti_kind": "person"}}}, {"propositions": {"e": {"statement": "x"}}}):
        (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(RegistryCtiError, match="nothing was written"):
            apply_to_repository(tmp_path, tmp_path / "data.json")
        (tmp_path / "data.json").unlink()
        assert tree(tmp_path) == before


@pytest.mark.corpus
def test_the_committed_registries_hold_the_committed_curation():
    data = json.loads((ROOT / "curation" / "registry-cti.json").read_text(encoding="utf-8"))
    entities = (ROOT / "annotations" / "entities.json").read_text(encoding="utf-8")
    events = (ROOT / "annotations" / "propositions.json").read_text(encoding="utf-8")
    applied = apply(entities, events, data)  # raises if the registries lost a curated key
    assert applied.changed == [], "run python curation/apply_registry_cti.py, then cyberclaims build"
