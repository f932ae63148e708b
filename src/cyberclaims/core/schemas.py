"""The published JSON Schemas: found in the wheel, or in the repository's ``schema/`` folder."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILES = {
    "annotation": "annotation.schema.json",
    "entities": "entities.schema.json",
    "propositions": "propositions.schema.json",
    "events": "events.schema.json",
    "predictions": "predictions.schema.json",
    "iob2": "iob2.schema.json",
    "metrics": "metrics.schema.json",
    "adjudication": "adjudication.schema.json",
}


def schema_dir() -> Path:
    """The folder holding the schema files.

    A wheel ships them as ``cyberclaims/schema/``; an editable install or a source checkout reads
    the repository's top-level ``schema/`` folder, which is the one and only original.
    """
    packaged = Path(__file__).parents[1] / "schema"  # cyberclaims/schema in a wheel
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "schema"  # src/cyberclaims/core/ -> the repository


@cache
def load_schema(kind: str) -> dict[str, Any]:
    with open(schema_dir() / SCHEMA_FILES[kind], encoding="utf-8") as fh:
        return json.load(fh)


@cache
def validator(kind: str):  # -> jsonschema.protocols.Validator
    from jsonschema import Draft202012Validator, validators  # deferred: only files the fast validator rejects need it

    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    # An offset or a count is an integer as written: JSON Schema's "integer" also accepts 9.0 and 1e30,
    # which Python reads as floats (a float offset publishes a corrupt row or crashes the build).
    checker = Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _, value: isinstance(value, int) and not isinstance(value, bool)
    )
    strict = validators.extend(Draft202012Validator, type_checker=checker)
    return strict(schema)


@cache
def fast_validator(kind: str):  # -> jsonschema_rs validator, or None when it is not installed
    """The compiled Rust validator: about 150 times faster than ``jsonschema`` on our files.

    It decides validity; ``jsonschema`` runs only on files it rejects, for the located messages.
    """
    try:
        import jsonschema_rs
    except ImportError:  # the pure-Python reference still gives the same verdicts, only slower
        return None
    return jsonschema_rs.Draft202012Validator(load_schema(kind))
