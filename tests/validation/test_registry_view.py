"""The rules and the row makers read the registries only through a RegistryView, which notes every read.

The build's cache keeps a run of articles as long as the registry entries it read are unchanged
(``dataset/cache.py``), so a read the view does not note would let a stale run through. The check here is
behavioural: whatever the rules and the rows of an article read, their result must not change when every
entry the view did *not* note as read is removed or altered. A rule that reaches the registry any other
way fails it (the last test shows one that does).
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from cyberclaims.core.jsondoc import JsonDocument
from cyberclaims.core.model import ALL_ENTRIES, Article, Registry
from cyberclaims.dataset.rows import claim_rows
from cyberclaims.validation import article_rules
from cyberclaims.validation.article_rules import ArticleFacts, Rule, check_article

TEXT = "Acme Corp said on Monday that hackers stole records. The FBI is investigating Acme."


def _article(entities: list[dict[str, Any]], claims: list[dict[str, Any]]) -> Article:
    data = {
        "id": "acme-breach",
        "text_sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
        "segments": [{"start": 0, "end": len(TEXT), "kind": "body"}],
        "entities": entities,
        "claims": claims,
        "metadata": {
            "title": "Acme",
            "source": {"name": "Example News", "url": "https://example.com/a"},
            "published": "2020-01-01",
            "split": "test",
            "license": "CC-BY-4.0",
        },
        "annotators": ["a"],
    }
    text = json.dumps(data, indent=2)
    doc = JsonDocument("annotations/acme-breach.json", text, json.loads(text))
    return Article("acme-breach", TEXT, TEXT.encode(), doc, doc.display)


def _mention(needle: str, label: str, entity: str | None, id: str) -> dict[str, Any]:
    start = TEXT.index(needle)
    return {"id": id, "start": start, "end": start + len(needle), "text": needle, "label": label, "entity": entity}


def _claim(claimer: str, about: list[str], proposition: str) -> dict[str, Any]:
    needle = "hackers stole records."
    start = TEXT.index(needle)
    return {
        "id": "c1",
        "start": start,
        "end": start + len(needle),
        "text": needle,
        "claimer": claimer,
        "attribution": "asserted",
        "certainty": "certain",
        "normalized": "Hackers stole records.",
        "about": about,
        "proposition": proposition,
        "event": proposition,
    }


REGISTRY = Registry(
    entities={
        key: {"key": key, "name": name, "type": kind, "aliases": [], "description": "fictional"}
        for key, name, kind in [
            ("acme_corp", "Acme Corp", "ORG"),
            ("fbi", "FBI", "ORG"),
            ("unrelated_group", "Unrelated Group", "ORG"),
            ("someone", "Someone", "PERSON"),
        ]
    },
    propositions={
        key: {"key": key, "statement": statement}
        for key, statement in [
            ("acme_records_stolen", "Hackers stole records from Acme."),
            ("other", "Something else."),
        ]
    },
    events={
        key: {"key": key, "description": description}
        for key, description in [
            ("acme_records_stolen", "Hackers stole records from Acme."),
            ("other", "Something else happened."),
        ]
    },
)

ARTICLES = {
    "linked": _article(
        [_mention("Acme Corp", "ORG", "acme_corp", "m1"), _mention("FBI", "ORG", "fbi", "m2")],
        [_claim("acme_corp", ["acme_corp"], "acme_records_stolen")],
    ),
    "type-differs": _article([_mention("Acme Corp", "PERSON", "acme_corp", "m1")], []),
    "unknown-keys": _article(
        [_mention("Acme Corp", "ORG", "acme_crop", "m1")],
        [_claim("fbii", ["acme_corp", "nobody"], "acme_records_stolen_x")],
    ),
}


def _results(article: Article, registry: Registry) -> tuple[Any, dict[str, list[str]]]:
    """What the rules and the row maker make of ``article``, and what they read."""
    view = registry.view()
    issues = [issue.to_text() for issue in check_article(article, view)]
    rows = list(claim_rows(article, view))
    return (issues, rows), view.reads()


def _without_unread(registry: Registry, reads: dict[str, list[str]], how: str) -> Registry:
    """``registry`` with every entry not read removed (``how="remove"``) or altered (``"alter"``)."""
    tables = {}
    for table in ("entities", "propositions", "events"):
        entries = getattr(registry, table)
        read = set(reads[table])
        if ALL_ENTRIES in read:
            tables[table] = copy.deepcopy(entries)
            continue
        kept = {key: copy.deepcopy(entry) for key, entry in entries.items() if key in read}
        if how == "alter":
            for key, entry in entries.items():
                if key not in read:
                    kept[key] = {
                        **entry,
                        "type": "PERSON" if entry.get("type") == "ORG" else "ORG",
                        "statement": "changed",
                        "description": "changed",
                        "name": "changed",
                    }
        tables[table] = kept
    return Registry(entities=tables["entities"], propositions=tables["propositions"], events=tables["events"])


def assert_every_read_is_noted(article: Article, registry: Registry) -> None:
    result, reads = _results(article, registry)
    for how in ("remove", "alter"):
        narrowed, _ = _results(article, _without_unread(registry, reads, how))
        assert narrowed == result, f"a registry read the view did not note changed the result ({how})"


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_results_depend_only_on_the_noted_reads(name: str):
    assert_every_read_is_noted(ARTICLES[name], REGISTRY)


def test_the_view_notes_lookups_and_whole_table_walks():
    _, reads = _results(ARTICLES["linked"], REGISTRY)
    assert {"acme_corp", "fbi"} <= set(reads["entities"]) and "unrelated_group" not in reads["entities"]
    assert reads["propositions"] == ["acme_records_stolen"]
    _, reads = _results(ARTICLES["unknown-keys"], REGISTRY)  # "did you mean" searches the whole table
    assert ALL_ENTRIES in reads["entities"] and ALL_ENTRIES in reads["propositions"]


def test_the_view_hands_out_no_table():
    view = REGISTRY.view()
    for name in ("entities", "propositions", "well_formed_entity_keys"):
        assert not hasattr(view, name)
    with pytest.raises(AttributeError):
        view.extra = {}  # type: ignore[attr-defined]  # no attribute can be added: __slots__


@pytest.mark.corpus
def test_the_repository_articles_read_only_what_is_noted():
    from conftest import ROOT
    from cyberclaims.validation import validate

    corpus, report = validate(ROOT, show_progress=False)
    assert report.ok
    for article in corpus.gold.articles:
        assert_every_read_is_noted(article, corpus.gold.registry)


def test_a_rule_that_reads_around_the_view_is_caught(monkeypatch):
    def leaky(facts: ArticleFacts) -> list:
        # reaches the registry's table behind the view: a read nobody notes
        table = facts.registry._registry.entities
        unrelated = table.get("unrelated_group", {}).get("type")
        return [facts.issue(("entities",), "unknown-entity", f"unrelated is {unrelated}")]

    monkeypatch.setattr(
        article_rules, "ARTICLE_RULES", (*article_rules.ARTICLE_RULES, Rule(leaky, ("unknown-entity",)))
    )
    with pytest.raises(AssertionError, match="did not note"):
        assert_every_read_is_noted(ARTICLES["linked"], REGISTRY)
