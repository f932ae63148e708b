"""Label Studio: tasks with predictions to correct (export), and its JSON export back into labels (import).

The labeling config is ``annotations/labelstudio-config.xml``; its control names are the contract:

| control (``from_name``) | tag | per region of | becomes |
|---|---|---|---|
| ``label`` | Labels: the 18 OntoNotes types | — | an entity mention |
| ``entity`` | TextArea | a mention | its entity key (empty: none) |
| ``claim`` | Labels: ``Claim`` | — | a claim span |
| ``claimer`` ``normalized`` ``proposition`` ``event`` | TextArea | a claim | those fields |
| ``about`` | TextArea | a claim | entity keys, separated by spaces or commas |
| ``attribution`` ``certainty`` | Choices | a claim | those fields |
| ``segment`` | Labels: title body caption byline boilerplate | — | a segment |

Offsets: Label Studio's Text tag counts JavaScript string positions, i.e. UTF-16 code units (an emoji
counts 2); they are converted from and to code points here, and every imported region whose ``text``
is given must equal the article at the converted offsets. The task's ``data`` carries the article id
and the fields no control edits (metadata, annotators, notes, provenance, and the origin of each span that
records one: ``docs/formats.md``, "A correction round"), so that they survive the trip.
Region ids: the exporter uses the project's ids (``m1``, ``c1``); the importer keeps ids of that
form and numbers every region Label Studio invented an id for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..core.jsondoc import JsonDocument
from ..core.model import Article
from ..core.suggestions import (
    FROM_SUGGESTION,
    MANUAL,
    SPAN_LAYERS,
    Outcome,
    Suggestions,
    corrected_origin,
    exported_span,
    lowest_score,
    outcome,
    span_origin,
)
from ..core.vocabulary import ORIGIN_KINDS, SEGMENT_KINDS
from ..validation.schema import schema_issues
from ..validation.suggestions import suggestion_issues
from .common import Draft, Problem, is_label, parse_export_json, read_export_text, renumber
from .offsets import OffsetError, Utf16Offsets

MENTION_CONTROL, CLAIM_CONTROL, SEGMENT_CONTROL = "label", "claim", "segment"
CLAIM_LABEL = "Claim"
TEXT_FIELDS = ("claimer", "normalized", "proposition", "event", "about")
CHOICE_FIELDS = ("attribution", "certainty")
KNOWN_CONTROLS = {MENTION_CONTROL, CLAIM_CONTROL, SEGMENT_CONTROL, "entity", *TEXT_FIELDS, *CHOICE_FIELDS}
MODEL_VERSION = "cyberclaims"
ORIGINS = "origins"  # in the task's data.cyberclaims: each exported span's origin, by layer and id


# ---------------------------------------------------------------------------------------------
# Export


def to_tasks(articles: list[Article]) -> list[dict[str, Any]]:
    """One Label Studio task per article, its current labels as a prediction to correct."""
    return [to_task(article) for article in articles]


class _Regions:
    """The result items of one prediction: one per control of each region, offsets in UTF-16 code units."""

    def __init__(self, text: str) -> None:
        self.text, self.offsets = text, Utf16Offsets(text)
        self.result: list[dict[str, Any]] = []

    def add(
        self, region_id: str, control: str, kind: str, start: int, end: int, value: dict[str, Any], score: Any = None
    ) -> None:
        span = {"start": self.offsets.to_utf16(start), "end": self.offsets.to_utf16(end)}
        item = {"id": region_id, "from_name": control, "to_name": "text", "type": kind, "value": {**span, **value}}
        if score is not None:  # as Label Studio's ML backend scores a region: on each of its results
            item["score"] = score
        self.result.append(item)

    def segments(self, segments: list[dict[str, Any]]) -> None:
        for index, segment in enumerate(segments, 1):
            s, e = segment["start"], segment["end"]
            self.add(
                f"s{index}", SEGMENT_CONTROL, "labels", s, e, {"text": self.text[s:e], "labels": [segment["kind"]]}
            )

    def mention(self, mention: dict[str, Any], score: Any = None) -> None:
        s, e, region = mention["start"], mention["end"], mention["id"]
        self.add(region, MENTION_CONTROL, "labels", s, e, {"text": self.text[s:e], "labels": [mention["label"]]}, score)
        if mention.get("entity") is not None:
            self.add(region, "entity", "textarea", s, e, {"text": [mention["entity"]]}, score)

    def claim(self, claim: dict[str, Any], score: Any = None) -> None:
        """A claim region and a per-region control for each field the claim gives (an empty one: none, as an
        annotator would leave it)."""
        s, e, region = claim["start"], claim["end"], claim["id"]
        shown = self.text[s:e]
        self.add(region, CLAIM_CONTROL, "labels", s, e, {"text": shown, "labels": [CLAIM_LABEL]}, score)
        for name in CHOICE_FIELDS:
            if claim.get(name):
                self.add(region, name, "choices", s, e, {"text": shown, "choices": [claim[name]]}, score)
        for name in TEXT_FIELDS:
            value = " ".join(claim.get("about") or []) if name == "about" else claim.get(name)
            if value:
                self.add(region, name, "textarea", s, e, {"text": [value]}, score)


def _carried(data: dict[str, Any]) -> dict[str, Any]:
    """What no control edits, carried in the task's data so that it survives the trip."""
    return {name: data[name] for name in ("metadata", "annotators", "notes", "provenance") if name in data}


def to_task(article: Article) -> dict[str, Any]:
    data = article.data
    regions = _Regions(article.text)
    regions.segments(data["segments"])
    for mention in data["entities"]:
        regions.mention(mention)
    for claim in data["claims"]:
        regions.claim(claim)
    carried = _carried(data)
    # Spans that record their origin (labels that started from suggestions) keep it through a correction
    # round: the import compares each region with the span as exported (core.suggestions.corrected_origin).
    origins = {
        layer: {span["id"]: exported_span(span, layer) for span in data[layer]}
        for layer in SPAN_LAYERS
        if any("origin" in span for span in data[layer])
    }
    return {
        "data": {
            "text": article.text,
            "article_id": article.id,
            "cyberclaims": {**carried, **({ORIGINS: origins} if origins else {})},
        },
        "predictions": [{"model_version": MODEL_VERSION, "result": regions.result}],
    }


def suggestion_tasks(articles: list[Article], suggestions: Suggestions) -> list[dict[str, Any]]:
    """One task per article with ``suggestions`` for it, as Label Studio's ML backend writes pre-annotations:
    one prediction whose ``model_version`` names the system and its version, a ``score`` on each suggested
    region's results, and the task's ``score``, its lowest region score. The article's segments are regions
    too (unscored: the system did not suggest them). The suggestions are also carried in the task's data
    (``cyberclaims.suggestions``), so that the import knows them whatever the export holds of predictions.
    Nothing of the article's own labels is written."""
    tasks = []
    for article in articles:
        entry = suggestions.articles.get(article.id)
        if entry is None:
            continue
        regions = _Regions(article.text)
        regions.segments(article.data["segments"])
        for mention in entry.get("entities", []):
            regions.mention(mention, mention.get("score"))
        for claim in entry.get("claims", []):
            regions.claim(claim, claim.get("score"))
        score = lowest_score(entry)
        carried = {
            **_carried(article.data),
            "suggestions": {"system": suggestions.system, "model_version": suggestions.version, **entry},
        }
        prediction = {"model_version": suggestions.model_version, **({"score": score} if score is not None else {})}
        tasks.append(
            {
                "data": {"text": article.text, "article_id": article.id, "cyberclaims": carried},
                "predictions": [{**prediction, "result": regions.result}],
            }
        )
    return tasks


def dumps_tasks(tasks: list[dict[str, Any]]) -> str:
    return json.dumps(tasks, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Import


def read_export(path: Path) -> tuple[list[Draft], list[Problem]]:
    """Drafts from a Label Studio JSON export (``Export → JSON``: a list of tasks with annotations)."""
    tasks, problems = _read_tasks(path)
    drafts: list[Draft] = []
    for where, task in tasks:
        draft = read_task(task, where, problems)
        if draft is not None:
            drafts.append(draft)
    return drafts, problems


def _read_tasks(path: Path) -> tuple[list[tuple[str, Any]], list[Problem]]:
    """The tasks of an export, each with where it is (``export.json task 41``), or why there are none."""
    name = Path(path).name
    text, why = read_export_text(Path(path))
    tasks, why = parse_export_json(text, name) if text is not None else (None, why)
    if why is not None:
        return [], [Problem(name, f"is not a readable JSON file: {why}")]
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        return [], [Problem(name, "is not a Label Studio JSON export (expected a list of tasks)")]
    return [
        (f"{name} task {task.get('id', number) if isinstance(task, dict) else number}", task)
        for number, task in enumerate(tasks, 1)
    ], []


def export_outcomes(path: Path) -> tuple[list[Outcome], list[Problem]]:
    """What became of the suggestions in a Label Studio export of tasks made by ``cyberclaims suggest``:
    one :class:`~cyberclaims.core.suggestions.Outcome` per system and version. Each span's origin is decided
    as the import decides it; a task not annotated yet is listed as such, a task without suggestions is
    left out."""
    tasks, problems = _read_tasks(path)
    groups: dict[tuple[str, str], tuple[Suggestions, dict[str, dict[str, Any]]]] = {}
    for where, task in tasks:
        data = task.get("data") if isinstance(task, dict) else None
        carried = data.get("cyberclaims") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(carried, dict) or "suggestions" not in carried:
            continue
        named = data.get("article_id")
        article_id = named if isinstance(named, str) else where
        suggestions = _task_suggestions(carried, article_id, where, problems)
        if suggestions is None:
            continue
        key = (suggestions.system, suggestions.version)
        merged, annotated = groups.setdefault(key, (Suggestions(*key, {}), {}))
        merged.articles.update(suggestions.articles)
        if _latest_annotation(task.get("annotations")) is None:
            continue  # not annotated yet: the outcome lists it
        draft = read_task(task, where, problems)
        if draft is not None:
            annotated[article_id] = {"entities": draft.mentions, "claims": draft.claims or []}
    return [outcome(merged, annotated) for merged, annotated in groups.values()], problems


def read_task(task: Any, where: str, problems: list[Problem]) -> Draft | None:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        problems.append(Problem(where, 'has no data.text (the config\'s <Text value="$text">)'))
        return None
    text = data["text"]
    annotation = _latest_annotation(task.get("annotations"))
    if annotation is None:
        problems.append(
            Problem(
                where,
                "has no submitted annotation (only predictions?): submit or skip it in Label Studio before exporting",
            )
        )
        return None
    before = len(problems)
    carried = data.get("cyberclaims")
    if not isinstance(carried, dict):
        carried = {}
    article_id = data.get("article_id") if isinstance(data.get("article_id"), str) else None
    suggestions = _task_suggestions(carried, article_id, where, problems)
    if suggestions is not None:
        _check_parent_prediction(task, annotation, suggestions, where, problems)
    regions = _regions(annotation.get("result"), where, problems)
    if len(problems) > before:  # a malformed result is refused whole: never imported as fewer labels
        return None
    suggested = next(iter(suggestions.articles.values()), {}) if suggestions is not None else {}
    exported = _exported_origins(carried, where, problems) if suggestions is None else {}
    if len(problems) > before:
        return None
    offsets = Utf16Offsets(text)
    mentions, claims, segments = [], [], []
    for region_id, items in regions.items():
        here = f"{where} region {region_id}"
        span = _span(items, text, offsets, here, problems)
        if span is None:
            continue
        start, end = span
        kinds = {item["from_name"] for item in items if item.get("type") == "labels"}
        if len(kinds) != 1:
            problems.append(
                Problem(
                    here,
                    "has no label"
                    if not kinds
                    else f"has labels of several kinds ({', '.join(sorted(kinds))}); one region is "
                    f"one mention, one claim or one segment",
                )
            )
            continue
        kind = kinds.pop()
        label = _single(items, kind, "labels", here, problems)
        if label is None:
            continue
        if kind == SEGMENT_CONTROL:
            if label not in SEGMENT_KINDS:
                problems.append(Problem(here, f"segment kind {label!r} is not one of {', '.join(SEGMENT_KINDS)}"))
            segments.append({"start": start, "end": end, "kind": label})
        elif kind == MENTION_CONTROL:
            if not is_label(label):
                problems.append(Problem(here, f"label {label!r} is not one of the 18 entity labels"))
            entity = _text_value(items, "entity", here, problems)
            mention = {
                "id": region_id,
                "start": start,
                "end": end,
                "text": text[start:end],
                "label": label,
                "entity": entity or None,
            }
            mentions.append(_with_origin(mention, "entities", region_id, items, suggested, exported, here, problems))
        elif kind == CLAIM_CONTROL:
            claim = _claim(region_id, items, text, start, end, here, problems)
            claims.append(_with_origin(claim, "claims", region_id, items, suggested, exported, here, problems))
    if len(problems) > before:
        return None
    return Draft(
        where,
        text,
        article_id,
        renumber(mentions, "m", reserved=_taken_ids("entities", suggested, exported)),
        renumber(claims, "c", reserved=_taken_ids("claims", suggested, exported)),
        sorted(segments, key=lambda s: (s["start"], s["end"])) or None,
        True,
        carried,
        suggestions,
        _date(annotation),
        corrects_suggestions=bool(exported),
    )


# Label Studio's origin of a region (each of its results says it): drawn by hand, or taken from a
# prediction, changed or not (whether it was changed is decided by comparing it with the suggestion).
LS_ORIGINS = {"manual": MANUAL, "prediction": FROM_SUGGESTION, "prediction-changed": FROM_SUGGESTION}


def _with_origin(
    span: dict[str, Any],
    layer: str,
    region_id: str,
    items: list[dict],
    suggested: dict[str, list[dict[str, Any]]],
    exported: dict[str, dict[str, dict[str, Any]]],
    here: str,
    problems: list[Problem],
) -> dict[str, Any]:
    """The span with its ``origin`` when its layer started from suggestions: those of the task (made by
    ``suggest``), or the origins its spans recorded when exported (a correction round). Else as it is."""
    if layer not in suggested and layer not in exported:
        return span
    said = [item["origin"] for item in items if item.get("origin") is not None]
    unknown = sorted({repr(o) for o in said if not isinstance(o, str) or o not in LS_ORIGINS})
    if unknown:
        problems.append(Problem(here, f"has origin {', '.join(unknown)}; Label Studio writes {', '.join(LS_ORIGINS)}"))
        return span
    kinds = {LS_ORIGINS[o] for o in said}
    if len(kinds) > 1:
        problems.append(
            Problem(
                here,
                f"has results of different origins ({', '.join(sorted(set(said)))}): one region is drawn by hand or taken from a prediction",
            )
        )
        return span
    tool_says = kinds.pop() if kinds else None
    if layer in exported:
        before = exported[layer].get(region_id)
        if before is None and tool_says == FROM_SUGGESTION:
            problems.append(
                Problem(
                    here, f"is marked as taken from a prediction, but the export has no {layer} region {region_id!r}"
                )
            )
            return span
        if before is not None and before.get("origin") is None:
            return span  # it recorded none when exported: `validate` asks for it; nothing is made up here
        return {**span, "origin": corrected_origin(layer, tool_says, before, span)}
    by_id = {s["id"]: s for s in suggested[layer]}
    origin, problem = span_origin(layer, region_id, tool_says, by_id, span)
    if problem is not None:
        problems.append(Problem(here, problem))
        return span
    return {**span, "origin": origin}


def _exported_origins(
    carried: dict[str, Any], where: str, problems: list[Problem]
) -> dict[str, dict[str, dict[str, Any]]]:
    """The origins the export carried (``data.cyberclaims.origins``), by layer and span id, checked: each
    entry as ``export labelstudio`` writes it, or a located problem (the task is then refused whole)."""
    record = carried.get(ORIGINS)
    if record is None:
        return {}
    shown = f"{where} data.cyberclaims.{ORIGINS}"
    if not isinstance(record, dict) or not set(record) <= set(SPAN_LAYERS):
        problems.append(
            Problem(shown, f"is not as `export labelstudio` writes it: an object of {', '.join(SPAN_LAYERS)}")
        )
        return {}
    checked: dict[str, dict[str, dict[str, Any]]] = {}
    for layer, spans in record.items():
        if not isinstance(spans, dict):
            problems.append(Problem(f"{shown}.{layer}", "is not an object of spans by id"))
            continue
        for span_id, span in spans.items():
            why = _exported_span_problem(span)
            if why is not None:
                problems.append(Problem(f"{shown}.{layer}.{span_id}", why))
        checked[layer] = spans
    return checked


def _exported_span_problem(span: Any) -> str | None:
    if not isinstance(span, dict):
        return f"is {type(span).__name__}, not a span as `export labelstudio` writes it"
    if not all(isinstance(span.get(k), int) and not isinstance(span.get(k), bool) for k in ("start", "end")):
        return "has no integer start and end"
    origin = span.get("origin")
    if origin is None:
        return None  # a span of a layer whose other spans record theirs: `validate` names it after the import
    if not isinstance(origin, dict) or origin.get("kind") not in ORIGIN_KINDS:
        return f"has an origin that is not an object with a kind ({', '.join(ORIGIN_KINDS)})"
    suggestion = origin.get("suggestion")
    if (origin["kind"] == "manual") != (suggestion is None) or not (suggestion is None or isinstance(suggestion, str)):
        return "has an origin whose suggestion does not fit its kind (an id, or null for manual)"
    return None


def _taken_ids(
    layer: str, suggested: dict[str, list[dict[str, Any]]], exported: dict[str, dict[str, dict[str, Any]]]
) -> list[str]:
    """Ids a span drawn by hand must not take: those of the suggestions, and of the suggestions the exported
    spans came from (a deleted one's id would read as if the new span came from it)."""
    ids = [s["id"] for s in suggested.get(layer, [])]
    for span in exported.get(layer, {}).values():
        origin = span.get("origin")
        if isinstance(origin, dict) and isinstance(origin.get("suggestion"), str):
            ids.append(origin["suggestion"])
    return ids


def _task_suggestions(
    carried: dict[str, Any], article_id: str | None, where: str, problems: list[Problem]
) -> Suggestions | None:
    """The suggestions ``cyberclaims suggest`` carried in the task's data, checked; None when there are none."""
    record = carried.get("suggestions")
    if record is None:
        return None
    shown = f"{where} data.cyberclaims.suggestions"
    if not isinstance(record, dict):
        problems.append(Problem(shown, f"is {type(record).__name__}, not an object as `cyberclaims suggest` writes"))
        return None
    entry = {"id": article_id or "unknown", **{k: v for k, v in record.items() if k not in ("system", "model_version")}}
    value = {"system": record.get("system"), "model_version": record.get("model_version"), "articles": [entry]}
    doc = JsonDocument(shown, "", value)
    issues = schema_issues(doc, "suggestions") or suggestion_issues(doc, {})
    for issue in issues:
        at = issue.pointer.replace("/articles/0", "") or "/"
        problems.append(Problem(shown, f"is not as `cyberclaims suggest` writes it: {issue.message} (at {at})"))
    return None if issues else Suggestions.from_json(value)


def _check_parent_prediction(
    task: dict[str, Any], annotation: dict[str, Any], suggestions: Suggestions, where: str, problems: list[Problem]
) -> None:
    """An annotation made from another prediction than the suggestions (a model of Label Studio's own ML
    backend, say) cannot record origins against them: refuse it, saying which it started from."""
    parent = annotation.get("prediction")  # the prediction shown, when the export holds it ({} otherwise)
    named = annotation.get("parent_prediction")
    predictions = task.get("predictions")
    if not (isinstance(parent, dict) and parent.get("model_version")) and named is not None:
        # a recent export lists the task's predictions by id only: then there is nothing to compare
        whole = [p for p in predictions if isinstance(p, dict)] if isinstance(predictions, list) else []
        parent = next((p for p in whole if p.get("id") == named), None)
    if isinstance(parent, dict) and parent.get("model_version") not in (None, suggestions.model_version):
        problems.append(
            Problem(
                where,
                f"its annotation started from prediction {parent.get('id', annotation.get('parent_prediction'))!r} of "
                f"model_version {parent.get('model_version')!r}, not from the suggestions {suggestions.model_version!r} "
                f"the task was made with: its origins would name suggestions it did not start from",
            )
        )


def _date(annotation: dict[str, Any]) -> str | None:
    """The day the annotation was last updated (Label Studio's ``updated_at``), YYYY-MM-DD."""
    for name in ("updated_at", "created_at"):
        value = annotation.get(name)
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
            return value[:10]
    return None


def _claim(
    region_id: str, items: list[dict], text: str, start: int, end: int, here: str, problems: list[Problem]
) -> dict[str, Any]:
    claim: dict[str, Any] = {"id": region_id, "start": start, "end": end, "text": text[start:end]}
    for name in ("claimer", "normalized", "proposition", "event"):
        value = _text_value(items, name, here, problems)
        if value is not None:  # a missing field is left out: the validator names it
            claim[name] = value
    for name in CHOICE_FIELDS:
        value = _single(items, name, "choices", here, problems)
        if value is not None:
            claim[name] = value
    about = _text_value(items, "about", here, problems)
    claim["about"] = [key for key in re.split(r"[\s,]+", about or "") if key]
    return claim


def _latest_annotation(annotations: Any) -> dict | None:
    """The most recently updated annotation that was not skipped; ties keep the export's order."""
    usable = (
        [a for a in annotations if isinstance(a, dict) and not a.get("was_cancelled")]
        if isinstance(annotations, list)
        else []
    )
    if not usable:
        return None
    return max(enumerate(usable), key=lambda p: (str(p[1].get("updated_at") or p[1].get("created_at") or ""), p[0]))[1]


def _regions(result: Any, where: str, problems: list[Problem]) -> dict[str, list[dict]]:
    """Result items grouped by region id (a region's per-region choices and text areas share its id)."""
    regions: dict[str, list[dict]] = {}
    if not isinstance(result, list):
        problems.append(
            Problem(
                where,
                f"has an annotation whose result is {type(result).__name__}, not a list "
                f"of results: not a Label Studio export, or a damaged one",
            )
        )
        return regions
    for number, item in enumerate(result):
        here = f"{where} result {number}"
        if not isinstance(item, dict):
            problems.append(Problem(here, f"is {type(item).__name__}, not an object"))
            continue
        if item.get("type") == "relation":
            problems.append(Problem(where, "has a relation; the CyberClaims config has none (remove it)"))
            continue
        if not isinstance(item.get("from_name"), str) or item["from_name"] not in KNOWN_CONTROLS:
            problems.append(
                Problem(
                    where,
                    f"has a result of control {item.get('from_name')!r}, which is not in "
                    f"annotations/labelstudio-config.xml",
                )
            )
            continue
        problem = _malformed(item)
        if problem is not None:
            problems.append(Problem(f"{here} (region {item.get('id')!r})", problem))
            continue
        regions.setdefault(str(item.get("id")), []).append(item)
    return regions


# The shape of each value field the config's controls produce: a list of strings.
_LIST_FIELDS = ("labels", "choices")


def _malformed(item: dict) -> str | None:
    """What is wrong with the shape of one result item (None: its shape is what Label Studio writes)."""
    value = item.get("value")
    if not isinstance(value, dict):
        return "has no value object" if value is None else f"has a value that is {type(value).__name__}, not an object"
    if not isinstance(item.get("id"), (str, int)) or isinstance(item.get("id"), bool):
        return "has no region id"
    for key in _LIST_FIELDS:
        if key in value and not (isinstance(value[key], list) and all(isinstance(v, str) for v in value[key])):
            return f"value.{key} is {value[key]!r}, not a list of strings"
    if item.get("type") == "textarea" and not (
        isinstance(value.get("text"), list) and all(isinstance(v, str) for v in value["text"])
    ):
        return f"value.text of a text area is {value.get('text')!r}, not a list of strings"
    if item.get("type") in ("labels", "choices"):
        key = item["type"]
        if not value.get(key):
            return f"has type {key!r} but no value.{key}"
    elif item.get("type") not in ("textarea",):
        return f"has type {item.get('type')!r}; the CyberClaims config makes labels, choices and text areas"
    return None


def _span(
    items: list[dict], text: str, offsets: Utf16Offsets, here: str, problems: list[Problem]
) -> tuple[int, int] | None:
    spans = set()
    for item in items:
        value = item.get("value")
        if not isinstance(value, dict):
            value = {}
        if type(value.get("start")) is int and type(value.get("end")) is int:
            spans.add((value["start"], value["end"]))
    if len(spans) != 1:
        problems.append(
            Problem(
                here,
                "has no span (start and end)" if not spans else f"has results with different spans {sorted(spans)}",
            )
        )
        return None
    start16, end16 = spans.pop()
    try:
        start, end = offsets.from_utf16(start16), offsets.from_utf16(end16)
    except OffsetError as exc:
        problems.append(Problem(here, str(exc)))
        return None
    for item in items:
        shown = item["value"].get("text")
        if item.get("type") != "textarea" and isinstance(shown, str) and shown != text[start:end]:
            problems.append(
                Problem(
                    here,
                    f"text {shown!r} differs from the article at UTF-16 [{start16}:{end16}] "
                    f"= code points [{start}:{end}], which is {text[start:end]!r}",
                )
            )
            return None
    return start, end


def _single(items: list[dict], control: str, key: str, here: str, problems: list[Problem]) -> str | None:
    values = [v for item in items if item.get("from_name") == control for v in (item["value"].get(key) or [])]
    if len(values) > 1:
        problems.append(
            Problem(here, f"has {len(values)} values for {control} ({', '.join(map(str, values))}); choose one")
        )
        return None
    if not values:
        return None
    if not isinstance(values[0], str):
        problems.append(Problem(here, f"{control} is not a string: {values[0]!r}"))
        return None
    return values[0]


def _text_value(items: list[dict], control: str, here: str, problems: list[Problem]) -> str | None:
    """A per-region text area: its one entry; None when it is absent or blank. Keys are trimmed (a
    stray space typed after a key is not part of it); the normalized statement is kept as typed."""
    entries = [
        v
        for item in items
        if item.get("from_name") == control
        for v in (item["value"].get("text") if isinstance(item["value"].get("text"), list) else [])
    ]
    entries = [e if control == "normalized" else e.strip() for e in entries if isinstance(e, str) and e.strip()]
    if len(entries) > 1:
        problems.append(Problem(here, f"{control} has {len(entries)} entries; keep one"))
        return None
    return entries[0] if entries else None
