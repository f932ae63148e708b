"""Arrow tables of a config's rows, made a column at a time.

Rows are plain Python values with labels as names (``rows.py``). Here they become Arrow arrays first
with every ClassLabel column still holding names, then each such column is mapped to the label
integers in one vectorised step, so no Python code runs per label. The ``ner`` rows, one per sentence
with a value per token, are gathered straight into flat columns: building a dict per token costs more
than all the rest of an article.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from datasets import ClassLabel, Features, List, Value

from ..core.vocabulary import NER_TAGS
from .configs import features_of


class UnknownLabel(ValueError):
    """A label name that is not one of its ClassLabel's names (the validator lets none through)."""


def table_from_rows(config: str, items: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """The Arrow table of rows with label names, typed by ``schema`` (the config's Parquet schema)."""
    raw = pa.Table.from_pylist(items, schema=_names_schema(config))
    features = features_of(config)
    columns = [
        _encode(raw.column(name).combine_chunks(), features[name], schema.field(name).type) for name in schema.names
    ]
    return pa.Table.from_arrays(columns, schema=schema)


@cache
def _names_schema(config: str) -> pa.Schema:
    """The config's Arrow schema with a string wherever a ClassLabel holds an integer."""
    return Features({name: _as_names(feature) for name, feature in features_of(config).items()}).arrow_schema


def _as_names(feature: Any) -> Any:
    if isinstance(feature, ClassLabel):
        return Value("string")
    if isinstance(feature, List):
        return List(_as_names(feature.feature))
    if isinstance(feature, dict):
        return {name: _as_names(sub) for name, sub in feature.items()}
    return feature


def _has_labels(feature: Any) -> bool:
    if isinstance(feature, ClassLabel):
        return True
    if isinstance(feature, List):
        return _has_labels(feature.feature)
    if isinstance(feature, dict):
        return any(_has_labels(sub) for sub in feature.values())
    return False


def _encode(array: pa.Array, feature: Any, target: pa.DataType) -> pa.Array:
    """``array`` with every label name under ``feature`` replaced by its integer, typed ``target``."""
    if not _has_labels(feature):
        return array
    if isinstance(feature, ClassLabel):
        return label_indices(array, tuple(feature.names))
    mask = array.is_null() if array.null_count else None
    if isinstance(feature, List):
        values = _encode(array.values, feature.feature, target.value_type)
        return pa.ListArray.from_arrays(array.offsets, values, type=target, mask=mask)
    # flatten(): the children with the struct's own nulls applied (a null struct's children hold filler)
    children = [_encode(child, feature[field.name], field.type) for child, field in zip(array.flatten(), target)]
    return pa.StructArray.from_arrays(children, fields=list(target), mask=mask)


def label_indices(names: pa.Array, labels: tuple[str, ...]) -> pa.Array:
    """The ClassLabel integers (int64, as ``datasets`` stores them) of an array of label names."""
    indices = pc.index_in(names, value_set=_value_set(labels)).cast(pa.int64())
    if indices.null_count != names.null_count:
        unknown = pc.filter(names, pc.and_(pc.is_null(indices), pc.is_valid(names)))
        raise UnknownLabel(f"label {unknown[0].as_py()!r} is not one of {list(labels)}")
    if indices.null_count == 0 and indices.buffers()[0] is not None:
        # index_in allocates a validity bitmap even when every value is valid; without it the arrays are
        # the ones a row-wise conversion gives, and so are their sizes in the card's num_bytes
        indices = pa.Array.from_buffers(pa.int64(), len(indices), [None, indices.buffers()[1]], 0, indices.offset)
    return indices


@cache
def _value_set(labels: tuple[str, ...]) -> pa.Array:
    return pa.array(labels, pa.string())


class NerColumns:
    """The ``ner`` rows of a batch as flat columns: one Python step per sentence, none per token."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.article_ids: list[str] = []
        self.offsets: list[int] = [0]
        self.tokens: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.tags: list[str] = []

    def add(
        self, row_id: str, article_id: str, tokens: list[str], starts: list[int], ends: list[int], tags: list[str]
    ) -> None:
        self.ids.append(row_id)
        self.article_ids.append(article_id)
        self.tokens += tokens
        self.starts += starts
        self.ends += ends
        self.tags += tags
        self.offsets.append(len(self.tags))

    def __len__(self) -> int:
        return len(self.ids)

    def table(self, schema: pa.Schema, *, withhold_text: bool = False) -> pa.Table:
        offsets = pa.array(self.offsets, pa.int32())
        tokens_type, spans_type = schema.field("tokens").type, schema.field("spans").type
        if withhold_text:
            tokens = pa.nulls(len(self.ids), tokens_type)
        else:
            tokens = pa.ListArray.from_arrays(offsets, pa.array(self.tokens, pa.string()), type=tokens_type)
        spans = pa.StructArray.from_arrays(
            [pa.array(self.starts, pa.int32()), pa.array(self.ends, pa.int32())], fields=list(spans_type.value_type)
        )
        tags = label_indices(pa.array(self.tags, pa.string()), tuple(NER_TAGS))
        columns = {
            "id": pa.array(self.ids, pa.string()),
            "article_id": pa.array(self.article_ids, pa.string()),
            "tokens": tokens,
            "spans": pa.ListArray.from_arrays(offsets, spans, type=spans_type),
            "ner_tags": pa.ListArray.from_arrays(offsets, tags, type=schema.field("ner_tags").type),
        }
        return pa.Table.from_arrays([columns[name] for name in schema.names], schema=schema)
