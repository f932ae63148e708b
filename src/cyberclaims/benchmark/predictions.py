"""Read and check a system's predictions, in the three formats ``cyberclaims evaluate`` reads: one module.

Read and check a system's predictions: the files ``cyberclaims evaluate`` scores.

**Predictions** are annotation files, exactly as in ``annotations/``: a folder of ``<id>.json``, one
JSONL file with one such document per line, or (for a one-article corpus) a single ``.json`` file.
Before anything is scored, each is validated like a gold file (JSON Schema, then the span checks
against the gold text of the same id: offsets, span texts, the ``text_sha256`` pin, token boundaries,
overlaps, boilerplate); the registry checks (unknown keys, a named mention left unlinked) do not apply,
since a system may invent keys. Every gold article needs a prediction (with empty lists when the system
found nothing): a malformed or missing prediction is a located issue, never a silent zero. The layout
is the gold's: labels are checked against the gold segments (none in boilerplate), whatever segments a
prediction carries.
:func:`prediction_document` builds a valid document from spans. Issues reuse the validator's codes:
``missing-annotation`` for a gold article without a prediction, ``missing-text`` for a prediction of
an article that is not in the gold, ``duplicate-id`` for an article predicted twice in one JSONL file.

The three prediction formats ``cyberclaims evaluate`` reads, each with its JSON Schema in ``schema/``:

- ``annotation``: annotation files, exactly as in ``annotations/`` (``annotation.schema.json``): a folder of
  ``<id>.json``, one JSONL file of such documents, or a single ``.json`` (below).
- ``jsonl``: a minimal JSONL file (``predictions.schema.json``), one line per article:
  ``{"id": ..., "entities": [{"start", "end", "label"}], "claims": [{"start", "end", ...}]}`` with only the
  layers of the task: ``entities`` for ner and linking (``entity`` the key, optional), ``claims`` for
  claims (with ``claimer``, ``attribution``, ``certainty``), propositions (with ``proposition``) and events
  (with ``event``).
  Each line becomes a full prediction document (:func:`prediction_document`).
- ``iob2`` (ner only): one line per row of the ``ner`` config, ``{"id": "<article_id>:<nnnn>",
  "ner_tags": ["O", "B-ORG", ...]}``, tags as names, one per token of the row. Chunks are read as
  seqeval's strict IOB2 mode does (an ``I-X`` that continues no ``B-X``/``I-X`` starts no mention:
  it is dropped and listed); each chunk becomes the mention from its first token's start to its last
  token's end (the row's ``spans``).

:func:`detect_format` tells them apart; :func:`load_any` reads one. Malformed files are refused with
located issues (``file:line: code: message``); what a system got wrong is scored and listed
(:data:`SYSTEM_ERROR_CODES`, and orphan ``I-`` tags).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..core.adjudication import DECISIONS_FILE
from ..core.files import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, open_regular, read_capped
from ..core.issues import Issue, Report
from ..core.jsondoc import JsonDocument, parse_json
from ..core.model import Article, Registry
from ..core.vocabulary import ARTICLE_ID, REGISTRY_FILES
from ..validation.article_rules import REGISTRY_CODES, check_article  # a system need not name registry keys
from ..validation.schema import schema_issues
from .gold import Gold

# What a system got wrong, not what is wrong with its file: such a label is scored (as the error it is,
# usually a false positive) and listed in the result's ``system_errors``; the run is not refused.
SYSTEM_ERROR_CODES = frozenset(
    {
        "label-in-boilerplate",
        "mention-overlap",
        "mention-cut-by-tokenizer",
        "mention-crosses-sentence",
        "span-whitespace",
    }
)
# Checks of an annotator's consistency that a system's output is scored on, not refused for: a claimer and
# an attribution that contradict each other are two answers, each right or wrong.
SCORED_CODES = frozenset({"attribution-contradicts-claimer"})


@dataclass
class Predictions:
    """Validated prediction documents by article id, and what was wrong with them."""

    articles: dict[str, Article]
    report: Report  # what is wrong with the files: any error refuses the run
    flagged: list[Issue] = field(default_factory=list)  # what the system got wrong: scored, and listed
    format: str = "annotation"

    @property
    def ok(self) -> bool:
        return self.report.ok


def load_predictions(
    path: Path, gold: Sequence[Article], *, ignore: Iterable[str] = (), gold_source: str | Path | None = None
) -> Predictions:
    """Read and validate predictions from a folder of ``<id>.json`` or a JSONL file.

    Predictions of the articles in ``ignore`` (gold articles of another split) are skipped, unchecked:
    neither scored nor an error. ``gold_source``: where the gold was read (named in messages)."""
    path = Path(path)
    gold_by_id = _gold_by_id(gold, ignore, gold_source)
    report = Report()
    found: dict[str, Article] = {}
    attempted: set[str] = set()  # ids with a prediction, valid or not: a broken one is not also "missing"
    if path.is_dir():
        _load_folder(path, gold_by_id, report, found, attempted)
    elif path.suffix == ".json":  # one document (a corpus of one article), however it is laid out
        _load_single(path, gold_by_id, report, found, attempted)
    else:
        _load_jsonl(path, gold_by_id, report, found, attempted)
    _report_missing(str(path), gold_by_id, attempted, report)
    return _separated(found, report)


def check_predictions(
    documents: Mapping[str, dict], gold: Sequence[Article], source: str = "<predictions>", *, ignore: Iterable[str] = ()
) -> Predictions:
    """Validate in-memory prediction documents (by article id), as :func:`load_predictions` does files."""
    gold_by_id = _gold_by_id(gold, ignore)
    report = Report()
    found: dict[str, Article] = {}
    for article_id, value in documents.items():
        text = json.dumps(value, indent=2, ensure_ascii=False)
        doc = JsonDocument(f"{source}/{article_id}.json", text, value)
        report.files_checked += 1
        article, issues = _check_document(doc, article_id, gold_by_id, None)
        report.issues.extend(issues)
        if article is not None:
            found[article_id] = article
    _report_missing(source, gold_by_id, set(documents), report)
    return _separated(found, report)


def _separated(found: dict[str, Article], report: Report, format: str = "annotation") -> Predictions:
    """Move the system's errors (:data:`SYSTEM_ERROR_CODES`) from the report to the flagged list."""
    flagged = [i for i in report.issues if i.code in SYSTEM_ERROR_CODES]
    report.issues = [i for i in report.issues if i.code not in SYSTEM_ERROR_CODES]
    return Predictions(found, report, sorted(flagged, key=Issue.sort_key), format)


class GoldIndex(dict[str, "Article | None"]):
    """Gold articles by id (an id to ignore maps to None: its prediction is skipped, its absence is fine), and
    where the gold was read (``source``, a dataset folder; None when the caller gave articles), for messages."""

    source: str | None = None


def _gold_by_id(gold: Sequence[Article], ignore: Iterable[str], source: str | Path | None = None) -> GoldIndex:
    gold_by_id = GoldIndex({a.id: a for a in gold})
    gold_by_id.update({i: None for i in ignore if i not in gold_by_id})
    gold_by_id.source = str(source) if source is not None else None
    return gold_by_id


def unknown_article(display: str, line: int | None, article_id: str, gold_by_id: dict[str, Article | None]) -> Issue:
    """A prediction of an article the gold does not have, naming the gold actually used."""
    known = ", ".join(sorted(gold_by_id)[:5]) + (", ..." if len(gold_by_id) > 5 else "")
    source = getattr(gold_by_id, "source", None)
    where = f"the gold in {source}" if source else "the gold"
    return Issue(
        display,
        line,
        "/id" if line is not None else "",
        "missing-text",
        f"predicts article {article_id!r}, which {where} does not have (its articles: {known or 'none'})",
    )


def _load_folder(
    folder: Path, gold_by_id: dict[str, Article | None], report: Report, found: dict[str, Article], attempted: set[str]
) -> None:
    for file in sorted(folder.iterdir()):
        # A copy of annotations/ is a valid prediction folder: texts, registries, the adjudication decisions
        # and docs are not predictions.
        if file.is_dir() or file.suffix != ".json" or file.name in REGISTRY_FILES or file.name == DECISIONS_FILE:
            continue
        display = str(file)
        report.files_checked += 1
        if not ARTICLE_ID.fullmatch(file.stem):
            report.issues.append(
                Issue(
                    display,
                    None,
                    "",
                    "invalid-file-name",
                    f"{file.name!r} is not <id>.json with an id matching {ARTICLE_ID.pattern}",
                )
            )
            continue
        attempted.add(file.stem)
        data, issues = read_capped(file, display, MAX_ANNOTATION_BYTES)
        report.issues.extend(issues)
        if data is None:
            continue
        doc, issues = parse_json(data, display)
        report.issues.extend(issues)
        if doc is None:
            continue
        article, issues = _check_document(doc, file.stem, gold_by_id, None)
        report.issues.extend(issues)
        if article is not None:
            found[file.stem] = article


def _load_single(
    path: Path, gold_by_id: dict[str, Article | None], report: Report, found: dict[str, Article], attempted: set[str]
) -> None:
    display = str(path)
    report.files_checked += 1
    data, issues = read_capped(path, display, MAX_ANNOTATION_BYTES)
    report.issues.extend(issues)
    doc, issues = parse_json(data, display) if data is not None else (None, [])
    report.issues.extend(issues)
    if doc is not None:
        _load_document(doc, None, gold_by_id, report, found, attempted)


def _load_jsonl(
    path: Path, gold_by_id: dict[str, Article | None], report: Report, found: dict[str, Article], attempted: set[str]
) -> None:
    display = str(path)
    report.files_checked += 1
    data, issues = read_capped(path, display, MAX_REGISTRY_BYTES)
    report.issues.extend(issues)
    if data is None:
        return
    first_line: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue  # blank lines (a trailing newline) are not documents
        doc, issues = parse_json(raw, display)
        report.issues.extend(_on_line(i, number) for i in issues)
        if doc is None:
            continue
        article_id = doc.value.get("id") if isinstance(doc.value, dict) else None
        if isinstance(article_id, str) and article_id in first_line:
            report.issues.append(
                Issue(
                    display,
                    number,
                    "/id",
                    "duplicate-id",
                    f"article {article_id!r} is predicted twice (first on line "
                    f"{first_line[article_id]}); keep one document per article",
                )
            )
            continue
        if isinstance(article_id, str):
            first_line[article_id] = number
        _load_document(doc, number, gold_by_id, report, found, attempted)


def _load_document(
    doc: JsonDocument,
    line: int | None,
    gold_by_id: dict[str, Article | None],
    report: Report,
    found: dict[str, Article],
    attempted: set[str],
) -> None:
    """Check a document that names its article by its ``id`` (one file, or one JSONL line)."""
    article_id = doc.value.get("id") if isinstance(doc.value, dict) else None
    if not isinstance(article_id, str) or not ARTICLE_ID.fullmatch(article_id):
        report.issues.extend(
            schema_issues(doc, "annotation")
            if line is None
            else [_on_line(i, line) for i in schema_issues(doc, "annotation")]
        )
        return
    attempted.add(article_id)
    article, issues = _check_document(doc, article_id, gold_by_id, line)
    report.issues.extend(issues)
    if article is not None:
        found[article_id] = article


def _on_line(issue: Issue, number: int) -> Issue:
    message = re.sub(r"^invalid JSON at line 1, ", f"invalid JSON at line {number}, ", issue.message)
    return replace(issue, line=number, message=message)


def _check_document(
    doc: JsonDocument, article_id: str, gold_by_id: dict[str, Article | None], line: int | None
) -> tuple[Article | None, list[Issue]]:
    """Schema and span checks of one prediction against the gold text; the article if it can be scored."""
    if article_id in gold_by_id and gold_by_id[article_id] is None:
        return None, []  # an article of another split: ignored
    issues = schema_issues(doc, "annotation")
    gold = gold_by_id.get(article_id)
    article = None
    if gold is None:
        issues.append(unknown_article(doc.display, None, article_id, gold_by_id))
    elif isinstance(doc.value, dict):  # else the schema said what it is instead
        # The layout is the gold's: a system labels the text, it does not re-segment it. So labels are
        # checked against the gold boilerplate, whatever segments the prediction carries.
        view = JsonDocument(doc.display, doc.text, {**doc.value, "segments": gold.data["segments"]})
        article = Article(article_id, gold.text, gold.text_bytes, view, doc.display)
        # A system may find nothing in an article: that is a prediction, not an unfinished skeleton.
        issues += [
            i
            for i in check_article(article, Registry().view())
            if i.code not in REGISTRY_CODES | SCORED_CODES | {"article-unlabelled"}
        ]
    if line is not None:
        issues = [_on_line(i, line) for i in issues]
    if any(i.severity.value == "error" and i.code not in SYSTEM_ERROR_CODES for i in issues):
        article = None
    return article, issues


def _report_missing(source: str, gold_by_id: dict[str, Article | None], attempted: set[str], report: Report) -> None:
    for article_id in sorted(k for k, v in gold_by_id.items() if v is not None and k not in attempted):
        report.issues.append(
            Issue(
                source,
                None,
                "",
                "missing-annotation",
                f"has no prediction for gold article {article_id!r}; a system that finds "
                f"nothing there still writes one (with empty entities and claims)",
            )
        )


def prediction_document(
    gold: Article,
    *,
    entities: Iterable[dict] = (),
    claims: Iterable[dict] = (),
    system: str = "system",
    notes: str | None = None,
) -> dict[str, Any]:
    """A valid prediction file for ``gold``: its text pin, metadata and segments, and the system's labels.

    ``entities`` need ``start``, ``end``, ``label`` and optionally ``entity``; ``claims`` need ``start`` and
    ``end`` and may give the other claim fields (defaults: the author asserts it, certain, its own text as
    ``normalized``, an invented proposition key and event key). Ids and span texts are filled in from the gold text.
    """
    text, data = gold.text, gold.data
    mentions = [
        {
            "id": f"m{n}",
            "start": m["start"],
            "end": m["end"],
            "text": text[m["start"] : m["end"]],
            "label": m["label"],
            "entity": m.get("entity"),
        }
        for n, m in enumerate(sorted(entities, key=lambda m: (m["start"], m["end"])), start=1)
    ]
    statements = []
    for n, c in enumerate(claims, start=1):
        span = text[c["start"] : c["end"]]
        statements.append(
            {
                "id": f"c{n}",
                "start": c["start"],
                "end": c["end"],
                "text": span,
                "claimer": c.get("claimer", "author"),
                "attribution": c.get("attribution", "asserted"),
                "certainty": c.get("certainty", "certain"),
                "normalized": c.get("normalized") or span,
                "about": list(c.get("about", [])),
                "proposition": c.get("proposition", f"claim_{n}"),
                "event": c.get("event", f"claim_{n}"),
            }
        )
    return {
        "id": gold.id,
        "text_sha256": data["text_sha256"],
        "metadata": data["metadata"],
        "segments": data["segments"],
        "entities": mentions,
        "claims": statements,
        "annotators": [system],
        "notes": notes,
    }


def write_jsonl(documents: Iterable[dict], path: Path) -> None:
    """Write prediction documents as one JSONL file (one document per line, in the order given)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for document in documents:
            fh.write(json.dumps(document, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# The three formats

ORPHAN_CODE = "orphan-inside-tag"  # a system error of the iob2 format only: listed, never a refusal
ANNOTATION_ONLY = ("text_sha256", "segments", "metadata", "annotators", "notes")

# The fields of a claim each task scores, required in the minimal format for that task.
REQUIRED_LAYER = {
    "ner": "entities",
    "linking": "entities",
    "claims": "claims",
    "propositions": "claims",
    "events": "claims",
}
REQUIRED_CLAIM_FIELDS = {
    "claims": ("claimer", "attribution", "certainty"),
    "propositions": ("proposition",),
    "events": ("event",),
}


def detect_format(path: Path) -> str:
    """``annotation`` for a folder, a ``.json`` file or JSONL of annotation documents; ``iob2`` when the
    first document has ``ner_tags``; otherwise ``jsonl`` (the minimal format)."""
    path = Path(path)
    if path.is_dir() or path.suffix == ".json":
        return "annotation"
    try:
        with open_regular(path) as fh:  # a FIFO is refused without blocking; the loader then says so
            # lines read capped (a file without a newline is not read whole here), parsed as the loader would
            while raw := fh.readline(MAX_REGISTRY_BYTES + 1):
                if raw.strip():
                    first = json.loads(raw)
                    break
            else:
                return "jsonl"
    except (OSError, ValueError, RecursionError):
        return "jsonl"  # the loader reports what is wrong (too deep, too long, not JSON), on its line
    if isinstance(first, dict) and "ner_tags" in first:
        return "iob2"
    if isinstance(first, dict) and any(k in first for k in ANNOTATION_ONLY):
        return "annotation"
    return "jsonl"


def load_any(path: Path, gold: Gold, task: str, format: str | None = None) -> Predictions:
    """Read predictions of ``gold`` in ``format`` (detected when None)."""
    format = format or detect_format(path)
    if format == "iob2" and task != "ner":
        raise ValueError(f"the iob2 format carries entity types only: it scores the ner task, not {task}")
    if format == "annotation":
        predictions = load_predictions(path, gold.articles, ignore=gold.other_ids, gold_source=gold.folder)
        predictions.format = "annotation"
        return predictions
    if path.is_dir():
        raise ValueError(f"the {format} format is one JSONL file, not a folder")
    report = Report(files_checked=1)
    data, issues = read_capped(path, str(path), MAX_REGISTRY_BYTES)
    report.issues.extend(issues)
    if data is None:
        return Predictions({}, report, [], format)
    if format == "iob2":
        return _load_iob2(path, data, gold, report)
    return _load_minimal(path, data, gold, task, report)


def _lines(path: Path, data: bytes, report: Report, kind: str):
    """Each non-blank line of a JSONL file that parses and fits the ``kind`` schema: (number, document)."""
    display = str(path)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        doc, issues = parse_json(raw, display)
        report.issues.extend(_on_line(i, number) for i in issues)
        if doc is None:
            continue
        issues = schema_issues(doc, kind)
        report.issues.extend(_on_line(i, number) for i in issues)
        if not issues:
            yield number, doc


def _duplicate(seen: dict[str, int], key: str, number: int, display: str, what: str) -> Issue | None:
    if key in seen:
        return Issue(
            display,
            number,
            "/id",
            "duplicate-id",
            f"{what} {key!r} is predicted twice (first on line {seen[key]}); keep one line per {what}",
        )
    seen[key] = number
    return None


# ---------------------------------------------------------------------------------------------
# The minimal JSONL format


def minimal_issues(
    value: Mapping[str, Any], gold: Article, task: str | None, display: str, line: int | None
) -> list[Issue]:
    """What the schema cannot say about a minimal document: the task's layer and fields, span texts."""
    issues = []
    if task is not None:
        layer = REQUIRED_LAYER[task]
        if layer not in value:
            issues.append(
                Issue(
                    display,
                    line,
                    "",
                    "schema-required",
                    f"{layer!r} is a required property for the {task} task (an empty list when the "
                    f"system found nothing)",
                )
            )
        for n, claim in enumerate(value.get("claims", []) if layer == "claims" else []):
            for name in REQUIRED_CLAIM_FIELDS.get(task, ()):
                if name not in claim:
                    issues.append(
                        Issue(
                            display,
                            line,
                            f"/claims/{n}",
                            "schema-required",
                            f"{name!r} is a required property of a claim for the {task} task",
                        )
                    )
    text = gold.text
    for layer in ("entities", "claims"):
        for n, span in enumerate(value.get(layer, [])):
            where = f"/{layer}/{n}"
            if span["end"] > len(text):
                issues.append(
                    Issue(
                        display,
                        line,
                        where + "/end",
                        "span-out-of-range",
                        f"ends at {span['end']}, past the end of the text ({len(text)} code points)",
                    )
                )
            elif span["start"] >= span["end"]:
                issues.append(
                    Issue(
                        display, line, where, "span-reversed", f"start {span['start']} is not before end {span['end']}"
                    )
                )
            elif "text" in span and span["text"] != text[span["start"] : span["end"]]:
                issues.append(
                    Issue(
                        display,
                        line,
                        where + "/text",
                        "span-text-mismatch",
                        f"text {span['text']!r} differs from the article at "
                        f"[{span['start']}, {span['end']}): {text[span['start'] : span['end']]!r}",
                    )
                )
    return issues


def minimal_document(value: Mapping[str, Any], gold: Article) -> tuple[dict, dict[str, list[int]]]:
    """The full prediction document of a minimal one, and for each layer the original index of each
    item of the document (``prediction_document`` sorts mentions by offset)."""
    entities = [dict(m) for m in value.get("entities", [])]
    claims = [dict(c) for c in value.get("claims", [])]
    document = prediction_document(gold, entities=entities, claims=claims)
    for item, original in zip(document["claims"], claims):
        item["id"] = original.get("id", item["id"])
        item["normalized"] = original.get("normalized", item["normalized"])
    order = sorted(range(len(entities)), key=lambda i: (entities[i]["start"], entities[i]["end"]))
    for item, i in zip(document["entities"], order):
        item["id"] = entities[i].get("id", item["id"])
    return document, {"entities": order, "claims": list(range(len(claims)))}


def _original_pointer(issue: Issue, order: dict[str, list[int]]) -> Issue:
    parts = issue.pointer.split("/")
    if len(parts) > 2 and parts[1] in order and parts[2].isdigit() and int(parts[2]) < len(order[parts[1]]):
        parts[2] = str(order[parts[1]][int(parts[2])])
        return Issue(issue.file, issue.line, "/".join(parts), issue.code, issue.message, issue.column)
    return issue


def check_minimal(
    value: Mapping[str, Any], gold_by_id: dict[str, Article | None], task: str | None, display: str, line: int | None
) -> tuple[Article | None, list[Issue]]:
    """Check one schema-valid minimal document; the scored article (or None) and the issues."""
    article_id = value["id"]
    if article_id in gold_by_id and gold_by_id[article_id] is None:
        return None, []  # an article of another split: ignored
    gold = gold_by_id.get(article_id)
    if gold is None:  # checked against its own (minimal) schema only: never the annotation files' schema
        return None, [unknown_article(display, line, article_id, gold_by_id)]
    issues = minimal_issues(value, gold, task, display, line)
    if issues:
        return None, issues
    document, order = minimal_document(value, gold)
    article, issues = _check_document(JsonDocument(display, "", document), article_id, gold_by_id, line)
    return article, [_original_pointer(i, order) for i in issues]


def _load_minimal(path: Path, data: bytes, gold: Gold, task: str, report: Report) -> Predictions:
    display = str(path)
    gold_by_id = _gold_by_id(gold.articles, gold.other_ids, gold.folder)
    found: dict[str, Article] = {}
    seen: dict[str, int] = {}
    for number, doc in _lines(path, data, report, "predictions"):
        duplicate = _duplicate(seen, doc.value["id"], number, display, "article")
        if duplicate:
            report.issues.append(duplicate)
            continue
        article, issues = check_minimal(doc.value, gold_by_id, task, display, number)
        report.issues.extend(issues)
        if article is not None:
            found[doc.value["id"]] = article
    _missing(display, gold_by_id, seen, report)
    return _separated(found, report, "jsonl")


def _missing(display: str, gold_by_id: dict[str, Article | None], seen: Mapping[str, int], report: Report) -> None:
    for article_id in sorted(k for k, v in gold_by_id.items() if v is not None and k not in seen):
        report.issues.append(
            Issue(
                display,
                None,
                "",
                "missing-annotation",
                f"has no prediction for gold article {article_id!r}; a system that finds "
                f"nothing there still writes one (with empty lists)",
            )
        )


# ---------------------------------------------------------------------------------------------
# The IOB2 format


def iob2_chunks(tags: list[str]) -> tuple[list[tuple[int, int, str]], list[int]]:
    """Strict IOB2 chunks ``(first token, last token, label)`` and the indexes of orphan ``I-`` tags."""
    chunks: list[tuple[int, int, str]] = []
    orphans: list[int] = []
    current: list | None = None
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current[2] == label:
            current[1] = i
            continue
        if current is not None:
            chunks.append(tuple(current))
            current = None
        if prefix == "B":
            current = [i, i, label]
        elif prefix == "I":
            orphans.append(i)
    if current is not None:
        chunks.append(tuple(current))
    return chunks, orphans


def _load_iob2(path: Path, data: bytes, gold: Gold, report: Report) -> Predictions:
    display = str(path)
    rows = {r.id: r for r in gold.ner_rows}
    other = set(gold.other_ids)
    by_id = {a.id: a for a in gold.articles}
    seen: dict[str, int] = {}
    mentions: dict[str, list[dict]] = defaultdict(list)
    flagged: list[Issue] = []
    broken: set[str] = set()
    for number, doc in _lines(path, data, report, "iob2"):
        row_id, tags = doc.value["id"], doc.value["ner_tags"]
        article_id = row_id.rsplit(":", 1)[0]
        if article_id in other:
            continue  # a row of another split: ignored
        duplicate = _duplicate(seen, row_id, number, display, "row")
        if duplicate:
            report.issues.append(duplicate)
            continue
        row = rows.get(row_id)
        if row is None:
            report.issues.append(
                Issue(
                    display,
                    number,
                    "/id",
                    "missing-text",
                    f"row {row_id!r} is not a row of the ner config's {gold.split} split in {gold.folder}",
                )
            )
            continue
        if len(tags) != len(row.tokens):
            broken.add(article_id)
            report.issues.append(
                Issue(
                    display,
                    number,
                    "/ner_tags",
                    "schema-other",
                    f"{len(tags)} tags for the {len(row.tokens)} tokens of row {row_id!r}: "
                    f"give one tag per token of the ner config's row",
                )
            )
            continue
        if "tokens" in doc.value and doc.value["tokens"] != row.tokens:
            broken.add(article_id)
            report.issues.append(
                Issue(
                    display,
                    number,
                    "/tokens",
                    "span-text-mismatch",
                    f"the tokens differ from those of row {row_id!r} of the ner config",
                )
            )
            continue
        chunks, orphans = iob2_chunks(tags)
        for i in orphans:
            flagged.append(
                Issue(
                    display,
                    number,
                    f"/ner_tags/{i}",
                    ORPHAN_CODE,
                    f"{tags[i]!r} continues no mention (strict IOB2): it starts none, as in seqeval's strict mode",
                )
            )
        for first, last, label in chunks:
            mentions[article_id].append({"start": row.spans[first][0], "end": row.spans[last][1], "label": label})
    missing = defaultdict(list)
    for row in gold.ner_rows:
        if row.id not in seen:
            missing[row.article_id].append(row.id)
    for article_id, ids in sorted(missing.items()):
        report.issues.append(
            Issue(
                display,
                None,
                "",
                "missing-annotation",
                f"has no tags for {len(ids)} row{'s' if len(ids) != 1 else ''} of article "
                f"{article_id!r} ({', '.join(ids[:3])}{', ...' if len(ids) > 3 else ''}); every "
                f'row of the split needs a line (all "O" when the system found nothing)',
            )
        )
    found: dict[str, Article] = {}
    gold_by_id = _gold_by_id(gold.articles, ())
    for article_id, article in by_id.items():
        if article_id in broken or article_id in missing:
            continue
        document = prediction_document(article, entities=mentions.get(article_id, []))
        scored, issues = _check_document(JsonDocument(display, "", document), article_id, gold_by_id, None)
        report.issues.extend(issues)
        if scored is not None:
            found[article_id] = scored
    predictions = _separated(found, report, "iob2")
    predictions.flagged = sorted(predictions.flagged + flagged, key=Issue.sort_key)
    return predictions


def check_any(
    documents: Mapping[str, Any],
    gold: list[Article],
    task: str | None,
    *,
    ignore: Iterable[str] = (),
    source: str = "<predictions>",
) -> Predictions:
    """Check in-memory predictions by article id: annotation documents, minimal ones or validated articles."""
    if all(isinstance(v, Mapping) and any(k in v for k in ANNOTATION_ONLY) for v in documents.values()):
        predictions = check_predictions(documents, gold, source, ignore=ignore)
        predictions.format = "annotation"
        return predictions
    gold_by_id = _gold_by_id(gold, ignore)
    report = Report()
    found: dict[str, Article] = {}
    for article_id, value in documents.items():
        report.files_checked += 1
        if isinstance(value, Article):
            found[article_id] = value
            continue
        value = {"id": article_id, **value} if isinstance(value, Mapping) else value
        display = f"{source}/{article_id}"
        doc = JsonDocument(display, json.dumps(value, indent=2, ensure_ascii=False, default=str), value)
        issues = schema_issues(doc, "predictions")
        if isinstance(value, Mapping) and value.get("id") != article_id:
            issues.append(
                Issue(display, None, "/id", "id-mismatch", f"id {value.get('id')!r} under key {article_id!r}")
            )
        report.issues.extend(issues)
        if issues:
            continue
        article, issues = check_minimal(value, gold_by_id, task, display, None)
        report.issues.extend(issues)
        if article is not None:
            found[article_id] = article
    _missing(source, gold_by_id, documents, report)
    return _separated(found, report, "jsonl")
