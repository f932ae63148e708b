"""The configs of the built dataset, in one table: what a row is, its typed columns, its row groups,
which fields carry article text, and the descriptions of fields the JSON Schema does not describe.

Everything that writes or reads a config (the build and its Arrow tables, the text-withheld copy, the
card, Croissant, the built-dataset checks) reads it from :data:`CONFIGS`, so a config or a field is
added here and nowhere else. The class-label names come from ``core.vocabulary`` (the JSON Schema's
enums), so the Parquet files, the card and the published schema cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from datasets import ClassLabel, Features, List, Value

from ..core.vocabulary import ATTRIBUTIONS, CERTAINTIES, ENTITY_LABELS, LAYERS, NER_TAGS, ORIGIN_KINDS, SEGMENT_KINDS

_string, _offset = Value("string"), Value("int32")


def _metadata() -> dict:
    return {
        "title": _string,
        "source": {"name": _string, "url": _string, "origin": _string},
        "published": _string,
        "language": _string,
        "license": _string,
        "topic": _string,
        "split": _string,
    }


def _segment() -> dict:
    return {"start": _offset, "end": _offset, "kind": ClassLabel(names=list(SEGMENT_KINDS))}


def _origin() -> dict:
    return {"kind": ClassLabel(names=list(ORIGIN_KINDS)), "suggestion": _string}


def _mention() -> dict:
    return {
        "id": _string,
        "start": _offset,
        "end": _offset,
        "text": _string,
        "label": ClassLabel(names=list(ENTITY_LABELS)),
        "entity": _string,
        "origin": _origin(),
    }


def _layer_provenance() -> dict:
    return {
        "method": _string,
        "annotator": {"id": _string, "type": _string, "model": _string, "model_version": _string},
        "suggestions": {"system": _string, "version": _string, "file": _string},
        "passes": List(_string),
        "guidelines": _string,
        "date": _string,
    }


def _claim_attributes() -> dict:
    return {
        "claimer": _string,
        "attribution": ClassLabel(names=list(ATTRIBUTIONS)),
        "certainty": ClassLabel(names=list(CERTAINTIES)),
        "normalized": _string,
        "about": List(_string),
        "proposition": _string,
        "event": _string,
    }


def _claim() -> dict:
    return {
        "id": _string,
        "start": _offset,
        "end": _offset,
        "text": _string,
        **_claim_attributes(),
        "origin": _origin(),
    }


def _document() -> dict:
    return {
        "id": _string,
        "text_sha256": _string,
        "metadata": _metadata(),
        "text": _string,
        "segments": List(_segment()),
        "entities": List(_mention()),
        "claims": List(_claim()),
        "annotators": List(_string),
        "notes": _string,
        "provenance": {layer: _layer_provenance() for layer in LAYERS},
    }


def _passes() -> dict:
    return {"pass_name": _string, **_document()}


def _claim_row() -> dict:
    return {
        "id": _string,
        "article_id": _string,
        "claim_id": _string,
        "start": _offset,
        "end": _offset,
        "text": _string,
        "sentence": _string,
        "sentence_start": _offset,
        "sentence_end": _offset,
        **_claim_attributes(),
        "proposition_statement": _string,
        "event_description": _string,
    }


def _entity_row() -> dict:
    return {
        "key": _string,
        "name": _string,
        "type": ClassLabel(names=list(ENTITY_LABELS)),
        "aliases": List(_string),
        "description": _string,
        "cti_kind": _string,
        "external_ids": List({"db_name": _string, "db_id": _string, "source": _string, "note": _string}),
        "mention_count": Value("int32"),
        "article_ids": List(_string),
    }


def _ner_row() -> dict:
    return {
        "id": _string,
        "article_id": _string,
        "tokens": List(_string),
        "spans": List({"start": _offset, "end": _offset}),
        "ner_tags": List(ClassLabel(names=list(NER_TAGS))),
    }


@dataclass(frozen=True)
class Config:
    """One config of the dataset: a folder ``data/<name>/`` of Parquet shards, one per split and run."""

    name: str
    row: str  # what one row is
    columns: Callable[[], dict[str, Any]]  # the features, as a dict of ``datasets`` feature types
    # Rows per Parquet row group. Rows are written a row group at a time, so memory is bounded by one
    # row group per file being written.
    row_group_rows: int
    text_fields: tuple[str, ...] = ()  # top-level fields holding article text (null in a text-withheld copy)
    span_lists: tuple[str, ...] = ()  # lists of spans whose ``text`` is article text (idem)
    # Fields the JSON Schema does not describe (or, like a corpus-wide ``id``, describes otherwise).
    field_descriptions: dict[str, str] = field(default_factory=dict)
    # Which schema descriptions document the other fields: "annotation" (by path), "claim" or "entity" (by name).
    described_by: str = "annotation"


_TEXT = "The article text, exactly as published (the bytes of `annotations/<id>.txt`)."
_ARTICLE_ID = "Id of the article the row comes from."

# In the order of the card, the Parquet folders and Croissant's record sets.
CONFIGS: dict[str, Config] = {
    config.name: config
    for config in (
        Config(
            "documents",
            "one article: its text, metadata and every label",
            _document,
            row_group_rows=1000,
            text_fields=("text",),
            span_lists=("entities", "claims"),
            field_descriptions={"text": _TEXT},
        ),
        Config(
            "claims",
            "one claim, with the sentences around it",
            _claim_row,
            row_group_rows=20000,
            text_fields=("text", "sentence"),
            described_by="claim",
            field_descriptions={
                "id": "Corpus-wide claim id: `<article_id>:<claim_id>`.",
                "article_id": _ARTICLE_ID,
                "claim_id": "Id of the claim inside its article.",
                "sentence": "The sentence or sentences of the article that contain the claim.",
                "sentence_start": "Offset of the first code point of `sentence` in the article.",
                "sentence_end": "Offset just past the last code point of `sentence`.",
                "proposition_statement": "The canonical statement of the proposition (from `propositions.json`).",
                "event_description": "The description of the event the claim reports (from `events.json`).",
            },
        ),
        # An entity's row lists every article it occurs in, so its row groups are small.
        Config(
            "entities",
            "one canonical entity of the registry, with its use in the split",
            _entity_row,
            row_group_rows=32,
            described_by="entity",
            field_descriptions={
                "mention_count": "Number of mentions linked to the entity in the split.",
                "article_ids": "Articles of the split that mention the entity or cite it as claimer or subject.",
            },
        ),
        Config(
            "ner",
            "one sentence outside boilerplate: tokens, their offsets and IOB2 tags",
            _ner_row,
            row_group_rows=20000,
            text_fields=("tokens",),
            described_by="",
            field_descriptions={
                "id": "Sentence id: `<article_id>:<sentence number>`.",
                "article_id": _ARTICLE_ID,
                "tokens": "The tokens of the sentence (project tokenizer, `cyberclaims.core.text.tokenize`).",
                "spans": "Code-point `start`/`end` of each token in the article text.",
                "ner_tags": "IOB2 tag of each token over the 18 OntoNotes 5 types.",
            },
        ),
        Config(
            "passes",
            "one article as labelled by one independent annotation pass",
            _passes,
            row_group_rows=1000,
            text_fields=("text",),
            span_lists=("entities", "claims"),
            field_descriptions={
                "text": _TEXT,
                "pass_name": "Name of the independent annotation pass the row comes from.",
            },
        ),
    )
}


@cache
def features_of(config: str) -> Features:
    """The typed columns of a config."""
    if config not in CONFIGS:
        raise KeyError(f"unknown config {config!r}; known: {', '.join(CONFIGS)}")
    return Features(CONFIGS[config].columns())
