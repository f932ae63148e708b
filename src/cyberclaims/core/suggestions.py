"""Suggestions: the labels a system proposed before an annotator started, and what became of them.

A set of suggestions is one system's output at one version (``schema/suggestions.schema.json``; written
by ``cyberclaims suggest`` as ``SUGGESTIONS.json``, kept in a pass folder as delivered to its annotator).
Each article's entry lists the layers the system suggests (``entities``, ``claims``); each suggested span
has an ``id``, which a span of the annotation that came from it names in its ``origin``:

- ``suggested``: kept as suggested: the same span, and every field the suggestion gave unchanged (for a
  mention its label; for a claim its claimer, attribution, certainty, and normalized statement and
  ``about`` when the system gave them). A field the suggestion did not give (a claim's proposition) may
  be filled in: the span is still kept;
- ``edited``: came from a suggestion and differs from it in one of those;
- ``manual``: added by hand.

What became of the suggestions (:func:`outcome`) is counted per layer, as Argilla sets suggestions
against responses: how many were kept, edited, deleted (no span of the annotation came from them) and how
many spans were added by hand. ``kept`` and ``edited`` count spans, ``deleted`` counts suggestions.
:func:`gold_origins` follows the gold's spans back to a pass that started from suggestions, for the
share of the gold that began as one. Everything here reads plain dicts; reading files is the validator's
(:mod:`cyberclaims.validation.suggestions`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

# The layers whose spans carry an origin (links and alignment add fields to spans, never spans), and the
# fields of each that a suggestion may give, besides its span.
SPAN_LAYERS: tuple[str, ...] = ("entities", "claims")
SUGGESTED_FIELDS: dict[str, tuple[str, ...]] = {
    "entities": ("label",),
    "claims": ("claimer", "attribution", "certainty", "normalized", "about"),
}
# What an annotation tool says of a region: drawn by hand, or taken from a suggestion (changed or not).
MANUAL, FROM_SUGGESTION = "manual", "suggestion"


@dataclass
class Suggestions:
    """One system's suggestions: by article id, the spans of each layer it suggests (in text order)."""

    system: str
    version: str
    articles: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    note: str | None = None

    @property
    def model_version(self) -> str:
        """What Label Studio shows as the predictions' ``model_version``: the system and its version."""
        return f"{self.system}@{self.version}"

    def layers(self) -> tuple[str, ...]:
        """The layers suggested for at least one article, in the schema's order."""
        found = {layer for entry in self.articles.values() for layer in entry}
        return tuple(layer for layer in SPAN_LAYERS if layer in found)

    def source(self) -> dict[str, Any]:
        """The ``suggestions`` record of a layer that started from these (``file``: null in the gold)."""
        return {"system": self.system, "version": self.version, "file": None}

    def to_json(self) -> dict[str, Any]:
        """The SUGGESTIONS.json document (articles sorted by id; each its lowest score, when there is one)."""
        articles = []
        for article_id in sorted(self.articles):
            entry = self.articles[article_id]
            score = lowest_score(entry)
            articles.append(
                {"id": article_id, **({"score": score} if score is not None else {}), **{k: entry[k] for k in entry}}
            )
        return {"system": self.system, "model_version": self.version, "note": self.note, "articles": articles}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> Suggestions:
        """From a document that fits ``suggestions.schema.json`` (check it first: nothing is checked here)."""
        articles = {
            entry["id"]: {layer: [dict(s) for s in entry[layer]] for layer in SPAN_LAYERS if layer in entry}
            for entry in value["articles"]
        }
        return cls(value["system"], value["model_version"], articles, value.get("note"))


def lowest_score(entry: Mapping[str, list[dict[str, Any]]]) -> float | None:
    """An article's score as Label Studio's ML backend gives a task: its least confident suggestion's."""
    scores = [s["score"] for layer in SPAN_LAYERS for s in entry.get(layer, []) if s.get("score") is not None]
    return min(scores) if scores else None


def kept_as_suggested(suggestion: Mapping[str, Any], span: Mapping[str, Any], layer: str) -> bool:
    """Whether ``span`` is ``suggestion`` unchanged: its span, and each field the suggestion gave."""
    if (span.get("start"), span.get("end")) != (suggestion.get("start"), suggestion.get("end")):
        return False
    return all(span.get(name) == suggestion[name] for name in SUGGESTED_FIELDS[layer] if name in suggestion)


def span_origin(
    layer: str, region_id: str, said: str | None, suggested: Mapping[str, Mapping[str, Any]], span: Mapping[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """The ``origin`` of an imported span, or why it cannot be told.

    ``said`` is what the annotation tool recorded of the region (:data:`MANUAL`, :data:`FROM_SUGGESTION`, or
    None when the tool records nothing); ``suggested`` holds the layer's suggestions by id. A region taken
    from a suggestion keeps the suggestion's id: it is ``suggested`` when unchanged, else ``edited``
    (whether the tool noticed the change or not: a changed field of a region is a change). A region the
    tool does not describe is taken from the suggestion whose id it has, if any.
    """
    suggestion = suggested.get(region_id)
    if said == MANUAL or (said is None and suggestion is None):
        return {"kind": "manual", "suggestion": None}, None
    if suggestion is None:
        return None, (
            f"is marked as taken from a prediction, but the suggestions of this task have no {layer} "
            f"region {region_id!r} (was the task made by `cyberclaims suggest`?)"
        )
    kind = "suggested" if kept_as_suggested(suggestion, span, layer) else "edited"
    return {"kind": kind, "suggestion": region_id}, None


def exported_span(span: Mapping[str, Any], layer: str) -> dict[str, Any]:
    """What a correction round compares a span with: its offsets, its origin, and each field a suggestion may
    give, as they were when the span was exported (:func:`corrected_origin`)."""
    return {
        "start": span.get("start"),
        "end": span.get("end"),
        **{name: span.get(name) for name in SUGGESTED_FIELDS[layer]},
        "origin": span.get("origin"),
    }


def corrected_origin(
    layer: str, said: str | None, exported: Mapping[str, Any] | None, span: Mapping[str, Any]
) -> dict[str, Any]:
    """The ``origin`` of a span after a correction round (``export`` → a tool → ``import``) of labels that
    already record their origins: ``exported`` is the span as it was exported (None: not in the export).

    A span drawn in the tool, or one that was added by hand before, is ``manual``. A span that came from a
    suggestion keeps its suggestion. One that was ``suggested`` stays so while its offsets and every field it
    had when exported are unchanged (a field null then, which no suggestion gave, may be filled in, as
    :func:`kept_as_suggested` allows; an empty ``about`` may have been given, so filling it is an edit);
    otherwise, and for one already ``edited``, it is ``edited``. The
    suggestion itself is not in the annotation file: a change that restores an edited span to it exactly
    still reads ``edited``.
    """
    recorded = exported.get("origin") if exported is not None else None
    if said == MANUAL or not isinstance(recorded, Mapping) or recorded.get("kind") == "manual":
        return {"kind": "manual", "suggestion": None}
    assert exported is not None  # a recorded origin comes from an exported span
    given = {name: value for name, value in exported.items() if name != "origin" and value is not None}
    if recorded.get("kind") == "suggested" and kept_as_suggested(given, span, layer):
        return {"kind": "suggested", "suggestion": recorded.get("suggestion")}
    return {"kind": "edited", "suggestion": recorded.get("suggestion")}


# ---------------------------------------------------------------------------------------------
# What became of the suggestions


@dataclass
class LayerOutcome:
    """One layer's count: suggestions made, spans kept or edited from them, suggestions deleted, spans added."""

    suggested: int = 0
    kept: int = 0
    edited: int = 0
    deleted: int = 0
    manual: int = 0
    unrecorded: int = 0  # spans that record no origin (a file that should have, and did not)

    @property
    def final(self) -> int:
        """The spans of the annotation."""
        return self.kept + self.edited + self.manual + self.unrecorded

    @property
    def acceptance(self) -> float | None:
        """The share of the suggestions kept unchanged."""
        return self.kept / self.suggested if self.suggested else None

    @property
    def from_suggestions(self) -> float | None:
        """The share of the annotation's spans that began as a suggestion (kept or edited)."""
        return (self.kept + self.edited) / self.final if self.final else None

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "final": self.final,
            "acceptance": self.acceptance,
            "from_suggestions": self.from_suggestions,
        }


@dataclass
class Outcome:
    """What became of one system's suggestions in an annotation of the articles they were made for."""

    system: str
    version: str
    layers: dict[str, LayerOutcome]
    articles: list[str]  # the articles compared: suggested for and annotated
    not_annotated: list[str] = field(default_factory=list)  # suggested for, but no annotation (yet)
    dangling: list[str] = field(default_factory=list)  # spans whose origin cannot be true (not there, reused, changed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "version": self.version,
            "articles": self.articles,
            "not_annotated": self.not_annotated,
            "layers": {layer: counts.to_dict() for layer, counts in self.layers.items()},
            "dangling": self.dangling,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def rows(self) -> list[tuple[str, ...]]:
        """(layer, suggested, kept, edited, deleted, added by hand, final, accepted, began as suggestions)."""
        return [
            (
                layer,
                str(c.suggested),
                str(c.kept),
                str(c.edited),
                str(c.deleted),
                str(c.manual),
                str(c.final),
                _share(c.kept, c.suggested),
                _share(c.kept + c.edited, c.final),
            )
            for layer, c in self.layers.items()
        ]

    HEADER = (
        "layer",
        "suggested",
        "kept",
        "edited",
        "deleted",
        "added by hand",
        "final spans",
        "kept / suggested",
        "began as suggestions",
    )

    def _notes(self) -> list[str]:
        notes = [f"{len(self.articles)} article{'s' if len(self.articles) != 1 else ''} compared"]
        if self.not_annotated:
            notes.append(f"not annotated yet: {', '.join(self.not_annotated)}")
        unrecorded = sum(c.unrecorded for c in self.layers.values())
        if unrecorded:
            notes.append(f"{unrecorded} span{'s' if unrecorded != 1 else ''} record no origin")
        notes += [f"dangling: {d}" for d in self.dangling]
        return notes

    def to_markdown(self) -> str:
        lines = [
            f"Suggestions of `{self.system}` version `{self.version}`:",
            "",
            "| " + " | ".join(self.HEADER) + " |",
            "|" + "---|" * len(self.HEADER),
        ]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows()]
        return "\n".join(lines + ["", *(f"- {n}" for n in self._notes())])

    def to_text(self) -> str:
        rows = [self.HEADER, *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADER))]
        out = [f"suggestions of {self.system} version {self.version}"]
        out += ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        return "\n".join(out + [f"  ({n})" for n in self._notes()])


# The field of :class:`LayerOutcome` that counts a span of each origin kind.
_COUNTED_AS = {"suggested": "kept", "edited": "edited", "manual": "manual"}


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {part / whole:.3f}" if whole else "undefined"


def outcome(suggestions: Suggestions, annotated: Mapping[str, Mapping[str, Any]]) -> Outcome:
    """What became of ``suggestions`` in ``annotated`` (article id -> annotation data, whose spans carry
    ``origin``). Only the articles both hold are compared, each on the layers its suggestions cover."""
    layers = {layer: LayerOutcome() for layer in suggestions.layers()}
    compared, not_annotated, dangling = [], [], []
    for article_id in sorted(suggestions.articles):
        data = annotated.get(article_id)
        if data is None:
            not_annotated.append(article_id)
            continue
        compared.append(article_id)
        for layer, suggested in suggestions.articles[article_id].items():
            counts = layers[layer]
            by_id = {s["id"]: s for s in suggested}
            ids = set(by_id)
            descended: set[str] = set()
            for span in _spans(data, layer):
                origin = span.get("origin") if isinstance(span, dict) else None
                kind = origin.get("kind") if isinstance(origin, dict) else None
                if not isinstance(origin, dict) or not isinstance(kind, str) or kind not in _COUNTED_AS:
                    counts.unrecorded += 1
                    continue
                counted = _COUNTED_AS[kind]
                setattr(counts, counted, getattr(counts, counted) + 1)
                if kind != "manual":
                    name = origin.get("suggestion")
                    if isinstance(name, str) and name in ids:
                        descended.add(name)  # several spans may come from one suggestion (split in two: edited)
                        if kind == "suggested" and not kept_as_suggested(by_id[name], span, layer):
                            dangling.append(
                                f"{article_id} {layer} {span.get('id')}: says it is suggestion {name!r} unchanged, "
                                f"but its span or a field the suggestion gave differs: its origin is edited"
                            )
                    else:
                        dangling.append(
                            f"{article_id} {layer} {span.get('id')}: came from suggestion {name!r}, which is not "
                            f"among its {layer} suggestions"
                        )
            counts.suggested += len(ids)
            counts.deleted += len(ids - descended)
    return Outcome(suggestions.system, suggestions.version, layers, compared, not_annotated, dangling)


# ---------------------------------------------------------------------------------------------
# The gold, traced back to a pass that started from suggestions


@dataclass
class GoldOrigins:
    """Per layer, the gold's spans by the origin of the same span in a pass (``absent``: not in the pass)."""

    pass_name: str
    layers: dict[str, Counter] = field(default_factory=dict)

    def share(self, layer: str) -> tuple[int, int]:
        """(gold spans that began as a suggestion, gold spans) of the articles the pass annotated."""
        counts = self.layers.get(layer, Counter())
        return counts["suggested"] + counts["edited"], sum(counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "pass": self.pass_name,
            "layers": {
                layer: {
                    **dict(sorted(c.items())),
                    "began_as_suggestions": self.share(layer)[0],
                    "gold": sum(c.values()),
                }
                for layer, c in self.layers.items()
            },
        }


def gold_origins(
    pass_name: str,
    gold: Mapping[str, Mapping[str, Any]],
    passed: Mapping[str, Mapping[str, Any]],
    layers: Iterable[str],
) -> GoldOrigins:
    """Each gold span (of the articles the pass holds) counted by the origin of the pass's span at the same
    offsets (for a mention, with the same label): ``suggested``, ``edited``, ``manual``, ``unrecorded``, or
    ``absent`` (the adjudication added it, or changed its span)."""
    result = GoldOrigins(pass_name)
    for layer in layers:
        counts: Counter = Counter()
        for article_id in sorted(set(gold) & set(passed)):
            by_span: dict[str, dict[str, Any]] = {}
            for span in _spans(passed[article_id], layer):
                if isinstance(span, dict):
                    by_span.setdefault(_where(span, layer), span)
            for span in _spans(gold[article_id], layer):
                if not isinstance(span, dict):
                    continue
                twin = by_span.get(_where(span, layer))
                origin = twin.get("origin") if twin is not None else None
                kind = origin.get("kind") if isinstance(origin, dict) else None
                counts[
                    "absent" if twin is None else kind if kind in ("suggested", "edited", "manual") else "unrecorded"
                ] += 1
        result.layers[layer] = counts
    return result


def _spans(data: Mapping[str, Any], layer: str) -> list[Any]:
    spans = data.get(layer)
    return spans if isinstance(spans, list) else []


def _where(span: Mapping[str, Any], layer: str) -> str:
    """Where a span is (with its label, for a mention), as a key that any JSON value can make."""
    return json.dumps([span.get("start"), span.get("end"), span.get("label") if layer == "entities" else None])
