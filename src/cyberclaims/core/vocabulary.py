"""The vocabulary, derived once from the published JSON Schema: labels, kinds, attribute values, splits, ids.

Every layer (validation, the Parquet features, the card, the viewer, the importers, the CLI's choices)
reads these names from here, so the schema is the one place a label or a split is added.
"""

from __future__ import annotations

import re
from typing import Any, TypeGuard

from .schemas import load_schema

_ANNOTATION = load_schema("annotation")
_ENTITIES = load_schema("entities")


def _at(*path: str) -> dict[str, Any]:
    node = _ANNOTATION
    for step in path:
        node = node[step]
    return node


def _enum(*path: str) -> tuple[str, ...]:
    return tuple(_at(*path)["enum"])


# The 18 OntoNotes entity types, in the schema's order (which is the ClassLabel order).
ENTITY_LABELS: tuple[str, ...] = _enum("$defs", "label")
# Labels of names (not of values such as dates): a mention with one of them links to an entity.
NAMED_LABELS: frozenset[str] = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
SEGMENT_KINDS: tuple[str, ...] = _enum("properties", "segments", "items", "properties", "kind")
ATTRIBUTIONS: tuple[str, ...] = _enum("properties", "claims", "items", "properties", "attribution")
CERTAINTIES: tuple[str, ...] = _enum("properties", "claims", "items", "properties", "certainty")
SPLITS: tuple[str, ...] = _enum("properties", "metadata", "properties", "split")
# Where a span came from when its layer started from suggestions (kept, edited, added by hand).
ORIGIN_KINDS: tuple[str, ...] = _enum("$defs", "origin", "properties", "kind")
# IOB2 over the entity types, "O" first as in conll2003.
NER_TAGS: tuple[str, ...] = ("O",) + tuple(f"{prefix}-{label}" for label in ENTITY_LABELS for prefix in ("B", "I"))

assert set(ENTITY_LABELS) >= NAMED_LABELS, "a named label the schema does not define"

ARTICLE_ID = re.compile(_at("$defs", "article_id")["pattern"])
KEY = re.compile(_at("$defs", "key")["pattern"])
_KEY_MAX_LENGTH: int = _at("$defs", "key")["maxLength"]

# The name of a pass, a folder of annotations/passes/ (as an adjudicated layer's provenance names it).
_PASS_NAME = _at("$defs", "layer_provenance", "properties", "passes", "items")
PASS_NAME = re.compile(_PASS_NAME["pattern"])
PASS_NAME_MAX_LENGTH: int = _PASS_NAME["maxLength"]


def is_pass_name(value: Any) -> TypeGuard[str]:
    """A name a pass folder may have (so that the register, provenance and decisions can name it)."""
    return isinstance(value, str) and len(value) <= PASS_NAME_MAX_LENGTH and PASS_NAME.fullmatch(value) is not None


REGISTRY_FILES = ("entities.json", "propositions.json", "events.json")
# What a registry entity is in cyber-threat-intelligence terms (entities.schema.json, ``cti_kind``), in the schema's order.
CTI_KINDS: tuple[str, ...] = tuple(_ENTITIES["$defs"]["cti_kind"]["enum"])
# The knowledge bases an entity's ``external_ids`` may name (``db_name``), in the schema's order.
EXTERNAL_DBS: tuple[str, ...] = tuple(_ENTITIES["$defs"]["external_id"]["properties"]["db_name"]["enum"])
# The layers of an annotation file whose making is recorded in its ``provenance``, in the schema's order.
LAYERS: tuple[str, ...] = tuple(_at("properties", "provenance", "required"))


def is_key(value: Any) -> TypeGuard[str]:
    """A well-formed registry key (a malformed one is the schema's finding, not a dangling key)."""
    return isinstance(value, str) and len(value) <= _KEY_MAX_LENGTH and bool(KEY.fullmatch(value))


# An SPDX license expression, checked for its syntax (the list of SPDX identifiers is not shipped): one
# identifier such as CC-BY-4.0 (optionally with "+"), or LicenseRef-<name>, or several joined by AND, OR
# or WITH. The schema asks only for a non-empty string; ``cyberclaims new`` asks for this much.
_SPDX_TERM = r"(?:LicenseRef-[A-Za-z0-9.\-]+|(?!LicenseRef-)[A-Za-z0-9][A-Za-z0-9.\-]*\+?)"
SPDX_EXPRESSION = re.compile(rf"^{_SPDX_TERM}(?: (?:AND|OR|WITH) {_SPDX_TERM})*$")


def is_license(value: Any) -> bool:
    """An SPDX identifier or expression (``CC-BY-4.0``, ``MIT OR Apache-2.0``) or ``LicenseRef-*``."""
    return isinstance(value, str) and bool(SPDX_EXPRESSION.fullmatch(value))
