"""The typed columns of every config of the built dataset, as ``datasets.Features``.

The names of the class labels come from the JSON Schema's enums, so the Parquet files, the card
and the published schema cannot disagree.
"""

from __future__ import annotations

from functools import lru_cache

from datasets import ClassLabel, Features, List, Value

from ..core.schemas import load_schema


def _enum(*path: str) -> list[str]:
    node = load_schema("annotation")
    for step in path:
        node = node[step]
    return list(node["enum"])


ENTITY_LABELS: list[str] = _enum("$defs", "label")
SEGMENT_KINDS: list[str] = _enum("properties", "segments", "items", "properties", "kind")
ATTRIBUTIONS: list[str] = _enum("properties", "claims", "items", "properties", "attribution")
CERTAINTIES: list[str] = _enum("properties", "claims", "items", "properties", "certainty")
# IOB2 over the 18 types, "O" first as in conll2003.
NER_TAGS: list[str] = ["O"] + [f"{prefix}-{label}" for label in ENTITY_LABELS for prefix in ("B", "I")]

CONFIGS = ("documents", "claims", "entities", "ner", "passes")

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
    return {"start": _offset, "end": _offset, "kind": ClassLabel(names=SEGMENT_KINDS)}


def _mention() -> dict:
    return {"id": _string, "start": _offset, "end": _offset, "text": _string,
            "label": ClassLabel(names=ENTITY_LABELS), "entity": _string}


def _claim_attributes() -> dict:
    return {
        "claimer": _string,
        "attribution": ClassLabel(names=ATTRIBUTIONS),
        "certainty": ClassLabel(names=CERTAINTIES),
        "normalized": _string,
        "about": List(_string),
        "proposition": _string,
    }


def _claim() -> dict:
    return {"id": _string, "start": _offset, "end": _offset, "text": _string, **_claim_attributes()}


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
    }


@lru_cache(maxsize=None)
def features_of(config: str) -> Features:
    if config == "documents":
        return Features(_document())
    if config == "passes":
        return Features({"pass_name": _string, **_document()})
    if config == "claims":
        return Features({
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
        })
    if config == "entities":
        return Features({
            "key": _string,
            "name": _string,
            "type": ClassLabel(names=ENTITY_LABELS),
            "aliases": List(_string),
            "description": _string,
            "mention_count": Value("int32"),
            "article_ids": List(_string),
        })
    if config == "ner":
        return Features({
            "id": _string,
            "article_id": _string,
            "tokens": List(_string),
            "spans": List({"start": _offset, "end": _offset}),
            "ner_tags": List(ClassLabel(names=NER_TAGS)),
        })
    raise KeyError(f"unknown config {config!r}; known: {', '.join(CONFIGS)}")


def make_encoder(features: Features):
    """A fast replacement for ``Features.encode_example`` on our own rows (plain Python values).

    ``encode_example`` re-inspects every value's type; this walks a plan made once from the features
    and only maps class-label names to their integers, which is all our rows need.
    """
    from typing import Any, Callable

    def plan(feature: Any) -> Callable[[Any], Any] | None:
        if isinstance(feature, ClassLabel):
            index = {name: i for i, name in enumerate(feature.names)}
            return lambda value: None if value is None else index[value]
        if isinstance(feature, List):
            inner = plan(feature.feature)
            if inner is None:
                return None
            return lambda value: None if value is None else [inner(v) for v in value]
        if isinstance(feature, dict):
            members = [(name, plan(sub)) for name, sub in feature.items()]
            if all(step is None for _, step in members):
                return None
            return lambda value: None if value is None else {
                name: (step(value.get(name)) if step else value.get(name)) for name, step in members}
        return None

    steps = [(name, plan(feature)) for name, feature in features.items()]

    def encode(row: dict) -> dict:
        return {name: (step(row.get(name)) if step else row.get(name)) for name, step in steps}

    return encode
