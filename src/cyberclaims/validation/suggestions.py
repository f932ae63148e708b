"""Reading suggestions (``SUGGESTIONS.json``) and a pass folder that started from them; checked, never trusted.

:func:`read_suggestions` checks a suggestions document against ``schema/suggestions.schema.json`` and
what the schema cannot say: an article listed twice, an id used twice in one article (it is a Label
Studio region id: two regions with one id would become one), a span that is reversed or past the end of
its text, a span ``text`` that is not the text at its offsets. :func:`folder_outcome` reads a pass folder
(its ``SUGGESTIONS.json`` and its ``<id>.json`` files) and counts what became of the suggestions
(:func:`cyberclaims.core.suggestions.outcome`); the card and ``cyberclaims suggest --report`` use it.
Issues reuse the validator's codes (``schema-*``, ``duplicate-id``, ``span-*``, ``json-*``, ``file-*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.files import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue
from ..core.jsondoc import JsonDocument, parse_json, pointer
from ..core.suggestions import SPAN_LAYERS, Outcome, Suggestions, outcome
from ..core.vocabulary import ARTICLE_ID, REGISTRY_FILES
from .pass_register import SUGGESTIONS
from .schema import schema_issues


def read_suggestions(
    path: Path, display: str | None = None, texts: Mapping[str, str] | None = None
) -> tuple[Suggestions | None, list[Issue]]:
    """The suggestions in ``path``, or None and why not. With ``texts`` (article id -> text), every span is
    checked against the text of its article (an article without a text there is not checked)."""
    display = display or str(path)
    data, issues = read_capped(Path(path), display, MAX_REGISTRY_BYTES)
    doc, parsed = parse_json(data, display) if data is not None else (None, [])
    issues += parsed
    if doc is None:
        return None, issues
    issues = schema_issues(doc, "suggestions")
    if issues:
        return None, issues
    issues = suggestion_issues(doc, texts or {})
    return (Suggestions.from_json(doc.value), []) if not issues else (None, issues)


def suggestion_issues(doc: JsonDocument, texts: Mapping[str, str]) -> list[Issue]:
    """What a schema-valid suggestions document gets wrong that the schema cannot see."""
    issues = []

    def issue(path: tuple, code: str, message: str) -> None:
        issues.append(Issue(doc.display, doc.line_of(path), pointer(path), code, message))

    seen_articles: dict[str, int] = {}
    for a, entry in enumerate(doc.value["articles"]):
        article_id = entry["id"]
        if article_id in seen_articles:
            issue(
                ("articles", a, "id"),
                "duplicate-id",
                f"article {article_id!r} is listed twice (first at {seen_articles[article_id]})",
            )
            continue
        seen_articles[article_id] = a
        text = texts.get(article_id)
        seen_spans: dict[str, str] = {}
        for layer in SPAN_LAYERS:
            for n, span in enumerate(entry.get(layer, [])):
                where = ("articles", a, layer, n)
                if span["id"] in seen_spans:
                    issue(
                        (*where, "id"),
                        "duplicate-id",
                        f"id {span['id']!r} is used twice in article {article_id!r} (first in {seen_spans[span['id']]}): "
                        f"a suggestion's id is its Label Studio region id, unique in its article",
                    )
                seen_spans.setdefault(span["id"], layer)
                if span["start"] >= span["end"]:
                    issue(where, "span-reversed", f"start {span['start']} is not before end {span['end']}")
                elif text is not None and span["end"] > len(text):
                    issue(
                        (*where, "end"),
                        "span-out-of-range",
                        f"ends at {span['end']}, past the end of the text ({len(text)} code points)",
                    )
                elif text is not None and "text" in span and span["text"] != text[span["start"] : span["end"]]:
                    issue(
                        (*where, "text"),
                        "span-text-mismatch",
                        f"text {span['text']!r} differs from the article at [{span['start']}, {span['end']}): "
                        f"{text[span['start'] : span['end']]!r}",
                    )
    return issues


def folder_outcome(folder: Path, display: str | None = None) -> tuple[Outcome | None, list[Issue]]:
    """What became of the suggestions of a pass folder: its ``SUGGESTIONS.json`` against its ``<id>.json``
    files, whose spans record their ``origin``. None, and why, when a file cannot be read."""
    folder = Path(folder)
    shown = display or str(folder)
    suggestions, issues = read_suggestions(folder / SUGGESTIONS, f"{shown}/{SUGGESTIONS}")
    annotated: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name in (SUGGESTIONS, *REGISTRY_FILES) or not ARTICLE_ID.fullmatch(path.stem):
            continue
        data, found = read_capped(path, f"{shown}/{path.name}", MAX_ANNOTATION_BYTES)
        doc, parsed = parse_json(data, f"{shown}/{path.name}") if data is not None else (None, [])
        issues += found + parsed
        if doc is not None and isinstance(doc.value, dict):
            annotated[path.stem] = doc.value
    if suggestions is None or issues:
        return None, issues
    return outcome(suggestions, annotated), []
