"""The card's threat-intelligence section states the registry's figures (derived here from the registry) and
the whole crosswalk."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import ROOT
from cyberclaims.core.cti import NER_DATASETS, crosswalk, unmapped_labels
from cyberclaims.core.vocabulary import CTI_KINDS, EXTERNAL_DBS
from cyberclaims.dataset.cti_section import cti_section


def test_the_section_counts_ids_and_kinds_of_made_up_entities():
    entities = {
        "a": {
            "key": "a",
            "cti_kind": "threat_actor",
            "external_ids": [
                {"db_name": "wikidata", "db_id": "Q1", "source": "https://x"},
                {"db_name": "mitre-attack", "db_id": "G0001", "source": "https://x", "note": "merged with b"},
            ],
        },
        "b": {
            "key": "b",
            "cti_kind": "country",
            "external_ids": [{"db_name": "iso-3166-1", "db_id": "KP", "source": "https://x"}],
        },
        "c": {"key": "c"},
    }
    text = cti_section(entities, Counter({"certain": 3, "possible": 1}))
    assert text.startswith("2 of the 3 registry entities carry ids")
    assert "| `wikidata` | 1 | 1 |" in text and "| `cve` | 0 | 0 |" in text
    assert "`a` → mitre-attack `G0001`: merged with b" in text
    assert "2 entities have a CTI kind" in text and "| `threat_actor` | 1 | `threat-actor` |" in text
    assert "| `certain` | 3 | Almost Certain / Nearly Certain | 95 |" in text
    assert "| `probable` | 0 |" in text


@pytest.mark.corpus
def test_the_card_states_the_registrys_figures_and_the_crosswalk():
    card = (ROOT / "dataset" / "README.md").read_text(encoding="utf-8")
    entities = json.loads((ROOT / "annotations" / "entities.json").read_text(encoding="utf-8"))["entities"]
    with_ids = [e for e in entities if e.get("external_ids")]
    assert f"{len(with_ids)} of the {len(entities)} registry entities carry ids" in card
    for db in EXTERNAL_DBS:
        holders = sum(1 for e in with_ids if any(x["db_name"] == db for x in e["external_ids"]))
        count = sum(1 for e in with_ids for x in e["external_ids"] if x["db_name"] == db)
        assert f"| `{db}` | {holders} | {count} |" in card
    kinds = Counter(e["cti_kind"] for e in entities if e.get("cti_kind"))
    for kind in CTI_KINDS:
        assert f"| `{kind}` | {kinds[kind]} |" in card
    for row in crosswalk()["rows"]:
        assert f"| `{row['value']}` |" in card
    for name in NER_DATASETS:
        assert f"labels nothing maps to: {', '.join(unmapped_labels(name)) or 'none'}." in card
