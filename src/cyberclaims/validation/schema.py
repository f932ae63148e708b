"""JSON Schema validation with every error located: the fast validator decides, ``jsonschema`` explains."""

from __future__ import annotations

import difflib
import re

from ..core.issues import Issue
from ..core.jsondoc import JsonDocument, pointer, shorten
from ..core.schemas import fast_validator, validator


def schema_issues(doc: JsonDocument, kind: str, *, fast: bool = True) -> list[Issue]:
    """Every JSON Schema violation of a document, each with its own code and line.

    The fast validator decides; the reference ``jsonschema`` explains the files it rejects. Where the
    two disagree (regular-expression dialects: Python's ``$`` also matches before a final newline), the
    fast validator's own errors are reported, so the verdict never depends on which one ran.
    """
    quick = fast_validator(kind) if fast else None
    if quick is not None and not doc.has_floats() and quick.is_valid(doc.value):
        return []  # (the fast validator takes 9.0 for an integer: a document with a float is checked strictly)
    issues = reference_schema_issues(doc, kind)
    if not issues and quick is not None:
        for error in quick.iter_errors(doc.value):
            path = tuple(error.instance_path)
            name = type(error.kind).__name__
            code = "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
            issues.append(
                Issue(
                    doc.display,
                    doc.line_of(path),
                    pointer(path),
                    code if code in _SCHEMA_CODES else "schema-other",
                    error.message + _top_level(path),
                )
            )
    return issues


def reference_schema_issues(doc: JsonDocument, kind: str) -> list[Issue]:
    """The schema violations found by the reference implementation, ``jsonschema``."""
    issues = []
    for error in validator(kind).iter_errors(doc.value):
        path = tuple(error.absolute_path)
        code = "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", str(error.validator)).lower()
        if code not in _SCHEMA_CODES:
            code = "schema-other"
        message = _schema_message(error)
        issues.append(Issue(doc.display, doc.line_of(path), pointer(path), code, message))
    return issues


_SCHEMA_CODES = {
    "schema-required",
    "schema-additional-properties",
    "schema-type",
    "schema-enum",
    "schema-pattern",
    "schema-minimum",
    "schema-min-length",
    "schema-max-length",
    "schema-unique-items",
    "schema-any-of",
    "schema-not",
}


def _top_level(path: tuple) -> str:
    """Where an error is, when its pointer cannot say it: an issue prints its own pointer (``Issue.to_text``)."""
    return "" if path else " (at the top level)"


_SHOWN_FIELDS = 5


def _schema_message(error) -> str:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in known]
        parts = []
        for key in sorted(unknown[: _SHOWN_FIELDS * 10])[:_SHOWN_FIELDS]:  # bounded work for any number of keys
            close = difflib.get_close_matches(key, known, n=1) if len(key) <= 64 else []
            parts.append(shorten(repr(key), 60) + (f" (did you mean {close[0]!r}?)" if close else ""))
        more = f" and {len(unknown) - len(parts)} more" if len(unknown) > len(parts) else ""
        return f"unknown field {', '.join(parts)}{more}{_top_level(path)}; allowed: {', '.join(known)}"
    if error.validator == "anyOf":
        return f"{shorten(repr(error.instance))} is not valid{_top_level(path)}: {error.schema.get('description', error.message)}"
    message = error.message
    if len(message) > 300:
        message = message[:300] + "…"
    return message + _top_level(path)
