"""How each layer was made: the ``provenance`` of one annotation file, checked against what the file holds.

The schema says what a record looks like; these rules say when one is owed. A layer that holds labels
records who made it (a pass makes one or more layers, each by one annotator, never adjudicated), and a span
carries its ``origin`` exactly when its layer started from a system's suggestions. Which passes a gold
layer names is collected here and checked against the pass folders by the runner (a corpus-wide fact).
"""

from __future__ import annotations

from typing import Any

from ..core.issues import Issue
from ..core.jsondoc import pointer
from ..core.model import Article
from ..core.vocabulary import LAYERS

# The group of spans each layer's suggestions give (links and alignment add fields, never spans).
SPAN_LAYERS = {"entities": "entities", "claims": "claims"}


def _holds_labels(data: dict[str, Any], layer: str) -> bool:
    found, said = data.get("entities"), data.get("claims")
    mentions: list[Any] = found if isinstance(found, list) else []
    claims: list[Any] = said if isinstance(said, list) else []
    if layer == "entities":
        return bool(mentions)
    if layer == "links":
        return any(isinstance(m, dict) and m.get("entity") is not None for m in mentions)
    return bool(claims)  # claims, and alignment: every claim has its proposition and event keys


holds_labels = _holds_labels  # whether a layer owes a provenance record: the importer asks it too


def provenance_issues(article: Article, is_gold: bool) -> list[Issue]:
    """What is wrong with the provenance of one parsed article of the gold (``is_gold``) or of a pass."""
    data, doc = article.data, article.doc

    def issue(path: tuple, code: str, message: str) -> Issue:
        return Issue(doc.display, doc.line_of(path), pointer(path), code, message)

    record = data.get("provenance")
    if record is None:
        if not is_gold or any(_holds_labels(data, layer) for layer in LAYERS):
            return [
                issue(
                    (),
                    "provenance-missing",
                    "has no provenance: record how each layer was made (who, a person or a model, from which "
                    "suggestions, under which guidelines version, when; GUIDELINES.md, passes and provenance)",
                )
            ]
        return []
    if not isinstance(record, dict):
        return []  # the schema's finding
    issues = []
    if not is_gold and all(record.get(layer) is None for layer in LAYERS):
        issues.append(
            issue(
                ("provenance",),
                "provenance-missing",
                "a pass makes at least one layer: every layer of its provenance says null",
            )
        )
    for layer in LAYERS:
        made = record.get(layer)
        if made is None:
            # A layer that holds no labels may be null: a pass may make some layers only (an entity pass),
            # and is then compared with others on the layers both made.
            if _holds_labels(data, layer):
                issues.append(
                    issue(
                        ("provenance", layer),
                        "provenance-missing",
                        f"the {layer} layer holds labels but its provenance is null: record how it was made",
                    )
                )
            continue
        if not isinstance(made, dict):
            continue
        if not is_gold and made.get("method") == "adjudicated":
            issues.append(
                issue(
                    ("provenance", layer, "method"),
                    "provenance-invalid",
                    "a pass is made by one annotator: its method is annotated; an adjudicated layer is the gold's",
                )
            )
        suggested = made.get("suggestions") is not None
        # Without suggestions a span may not carry an origin: a file whose text never says "origin" has none
        # (a search of the text, not a walk of every span; a document made from data has no text to search).
        if layer in SPAN_LAYERS and (suggested or not doc.text or '"origin"' in doc.text):
            issues += _origin_issues(data, SPAN_LAYERS[layer], suggested, issue)
    return issues


def _origin_issues(data: dict[str, Any], group: str, suggested: bool, issue: Any) -> list[Issue]:
    spans = data.get(group)
    issues = []
    for index, span in enumerate(spans if isinstance(spans, list) else []):
        if not isinstance(span, dict):
            continue
        origin = span.get("origin")
        if suggested and origin is None:
            issues.append(
                issue(
                    (group, index),
                    "span-origin-missing",
                    f"the {group} layer started from suggestions, so each span records its origin "
                    f'("suggested", "edited" or "manual")',
                )
            )
        elif not suggested and origin is not None:
            issues.append(
                issue(
                    (group, index, "origin"),
                    "span-origin-unexpected",
                    f"the {group} layer records no suggestions, so no span came from one: remove origin, or "
                    f"record the suggestions in provenance",
                )
            )
        elif isinstance(origin, dict):
            kind, suggestion = origin.get("kind"), origin.get("suggestion")
            if (kind == "manual") != (suggestion is None):
                issues.append(
                    issue(
                        (group, index, "origin", "suggestion"),
                        "span-origin-unexpected",
                        f"an origin of kind {kind!r} "
                        + ("names no suggestion" if kind != "manual" else "cannot name a suggestion")
                        + ": a kept or edited span names the suggested region, a manual one none",
                    )
                )
    return issues


def passes_named(data: Any) -> dict[str, tuple]:
    """The passes an annotation's adjudicated layers name, each with the JSON path where it is first named
    (checked against annotations/passes/ by the runner, which reports an unknown one there)."""
    record = data.get("provenance") if isinstance(data, dict) else None
    names: dict[str, tuple] = {}
    if isinstance(record, dict):
        for layer, made in record.items():
            if isinstance(made, dict) and isinstance(made.get("passes"), list):
                for index, name in enumerate(made["passes"]):
                    if isinstance(name, str):
                        names.setdefault(name, ("provenance", layer, "passes", index))
    return names
