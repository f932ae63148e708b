"""The CTI tables of core/cti.py: the crosswalk covers every CTI kind and every OntoNotes label, names only labels
the datasets have, and the one-to-one and unmapped lists follow from its rows."""

from __future__ import annotations

from cyberclaims.core import cti
from cyberclaims.core.vocabulary import CTI_KINDS, ENTITY_LABELS


def test_the_crosswalk_covers_every_kind_and_label_once():
    for vocabulary, values in (("cti_kind", CTI_KINDS), ("ontonotes", ENTITY_LABELS)):
        assert [row["value"] for row in cti.crosswalk_rows(vocabulary)] == list(values)
        assert cti.source_values(vocabulary) == values
    assert {row["vocabulary"] for row in cti.crosswalk()["rows"]} == {"cti_kind", "ontonotes"}


def test_the_crosswalk_names_only_the_datasets_labels_with_a_known_match():
    datasets = cti.crosswalk()["datasets"]
    assert tuple(datasets) == cti.NER_DATASETS
    for spec in datasets.values():
        assert len(spec["labels"]) == len(set(spec["labels"])) and spec["source"].startswith("https://")
    for row in cti.crosswalk()["rows"]:
        for name in cti.NER_DATASETS:
            mapping = row[name]
            assert mapping["match"] in cti.MATCHES
            assert set(mapping["labels"]) <= set(datasets[name]["labels"])
            assert (mapping["match"] == "none") == (not mapping["labels"])
            assert (mapping["match"] == "split") == (len(mapping["labels"]) > 1)


def test_one_to_one_and_unmapped_follow_from_the_rows():
    rows = cti.crosswalk()["rows"]
    for name in cti.NER_DATASETS:
        used = {label for row in rows for label in row[name]["labels"]}
        assert set(cti.unmapped_labels(name)) == set(cti.crosswalk()["datasets"][name]["labels"]) - used
        for vocabulary in ("cti_kind", "ontonotes"):
            for value, label in cti.one_to_one(name, vocabulary):
                users = [r for r in cti.crosswalk_rows(vocabulary) if label in r[name]["labels"]]
                assert [r["value"] for r in users] == [value] and users[0][name]["match"] == "exact"


def test_every_kind_has_a_stix_form_and_every_certainty_a_confidence():
    assert tuple(cti.STIX_FORMS) == CTI_KINDS
    assert all(form.type != "identity" or form.identity_class for form in cti.STIX_FORMS.values())
    assert {c.stix for c in cti.CONFIDENCE.values()} <= set(range(101))


def test_the_docs_state_the_mappings_of_the_code():
    from conftest import ROOT

    docs = (ROOT / "docs" / "stix.md").read_text(encoding="utf-8")
    for certainty, confidence in cti.CONFIDENCE.items():
        assert f"| `{certainty}` |" in docs
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{certainty}` |"))
        assert f"| {confidence.dni_term} | {confidence.stix} | `{confidence.misp}` |" in row
    for kind, form in cti.STIX_FORMS.items():
        row = next(line for line in docs.splitlines() if line.startswith(f"| `{kind}` |"))
        assert f"`{form.type}`" in row
