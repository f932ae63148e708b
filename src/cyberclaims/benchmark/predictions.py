"""Read and check a system's predictions: the files ``cyberclaims evaluate`` scores.

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
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..core.files import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue, Report
from ..core.jsondoc import JsonDocument, parse_json
from ..core.model import Article, Registry
from ..core.vocabulary import ARTICLE_ID, REGISTRY_FILES
from ..validation.article_rules import REGISTRY_CODES, check_article  # a system need not name registry keys
from ..validation.schema import schema_issues

# What a system got wrong, not what is wrong with its file: such a label is scored (as the error it is,
# usually a false positive) and listed in the result's ``system_errors``; the run is not refused.
SYSTEM_ERROR_CODES = frozenset({"label-in-boilerplate", "mention-overlap", "mention-cut-by-tokenizer",
                                "mention-crosses-sentence", "span-whitespace"})
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


def load_predictions(path: Path, gold: Sequence[Article], *, ignore: Iterable[str] = ()) -> Predictions:
    """Read and validate predictions from a folder of ``<id>.json`` or a JSONL file.

    Predictions of the articles in ``ignore`` (gold articles of another split) are skipped, unchecked:
    neither scored nor an error."""
    path = Path(path)
    gold_by_id = _gold_by_id(gold, ignore)
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


def check_predictions(documents: Mapping[str, dict], gold: Sequence[Article], source: str = "<predictions>",
                      *, ignore: Iterable[str] = ()) -> Predictions:
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


def _gold_by_id(gold: Sequence[Article], ignore: Iterable[str]) -> dict[str, Article | None]:
    """Gold articles by id; an id to ignore maps to None (its prediction is skipped, its absence is fine)."""
    gold_by_id: dict[str, Article | None] = {a.id: a for a in gold}
    gold_by_id.update({i: None for i in ignore if i not in gold_by_id})
    return gold_by_id


def _load_folder(folder: Path, gold_by_id: dict[str, Article], report: Report, found: dict[str, Article],
                 attempted: set[str]) -> None:
    for file in sorted(folder.iterdir()):
        # A copy of annotations/ is a valid prediction folder: texts, registries, docs are not predictions.
        if file.is_dir() or file.suffix != ".json" or file.name in REGISTRY_FILES:
            continue
        display = str(file)
        report.files_checked += 1
        if not ARTICLE_ID.fullmatch(file.stem):
            report.issues.append(Issue(display, None, "", "invalid-file-name",
                                       f"{file.name!r} is not <id>.json with an id matching {ARTICLE_ID.pattern}"))
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


def _load_single(path: Path, gold_by_id: dict[str, Article], report: Report, found: dict[str, Article],
                 attempted: set[str]) -> None:
    display = str(path)
    report.files_checked += 1
    data, issues = read_capped(path, display, MAX_ANNOTATION_BYTES)
    report.issues.extend(issues)
    doc, issues = parse_json(data, display) if data is not None else (None, [])
    report.issues.extend(issues)
    if doc is not None:
        _load_document(doc, None, gold_by_id, report, found, attempted)


def _load_jsonl(path: Path, gold_by_id: dict[str, Article], report: Report, found: dict[str, Article],
                attempted: set[str]) -> None:
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
            report.issues.append(Issue(display, number, "/id", "duplicate-id",
                                       f"article {article_id!r} is predicted twice (first on line "
                                       f"{first_line[article_id]}); keep one document per article"))
            continue
        if isinstance(article_id, str):
            first_line[article_id] = number
        _load_document(doc, number, gold_by_id, report, found, attempted)


def _load_document(doc: JsonDocument, line: int | None, gold_by_id: dict[str, Article], report: Report,
                   found: dict[str, Article], attempted: set[str]) -> None:
    """Check a document that names its article by its ``id`` (one file, or one JSONL line)."""
    article_id = doc.value.get("id") if isinstance(doc.value, dict) else None
    if not isinstance(article_id, str) or not ARTICLE_ID.fullmatch(article_id):
        report.issues.extend(schema_issues(doc, "annotation") if line is None else
                             [_on_line(i, line) for i in schema_issues(doc, "annotation")])
        return
    attempted.add(article_id)
    article, issues = _check_document(doc, article_id, gold_by_id, line)
    report.issues.extend(issues)
    if article is not None:
        found[article_id] = article


def _on_line(issue: Issue, number: int) -> Issue:
    message = re.sub(r"^invalid JSON at line 1, ", f"invalid JSON at line {number}, ", issue.message)
    return replace(issue, line=number, message=message)


def _check_document(doc: JsonDocument, article_id: str, gold_by_id: dict[str, Article], line: int | None
                    ) -> tuple[Article | None, list[Issue]]:
    """Schema and span checks of one prediction against the gold text; the article if it can be scored."""
    if article_id in gold_by_id and gold_by_id[article_id] is None:
        return None, []  # an article of another split: ignored
    issues = schema_issues(doc, "annotation")
    gold = gold_by_id.get(article_id)
    article = None
    if gold is None:
        known = ", ".join(sorted(gold_by_id)[:5]) + (", ..." if len(gold_by_id) > 5 else "")
        issues.append(Issue(doc.display, None, "", "missing-text",
                            f"predicts article {article_id!r}, which has no gold text annotations/"
                            f"{article_id}.txt (gold articles: {known})"))
    elif isinstance(doc.value, dict):  # else the schema said what it is instead
        # The layout is the gold's: a system labels the text, it does not re-segment it. So labels are
        # checked against the gold boilerplate, whatever segments the prediction carries.
        view = JsonDocument(doc.display, doc.text, {**doc.value, "segments": gold.data["segments"]})
        article = Article(article_id, gold.text, gold.text_bytes, view, doc.display)
        # A system may find nothing in an article: that is a prediction, not an unfinished skeleton.
        issues += [i for i in check_article(article, Registry().view())
                   if i.code not in REGISTRY_CODES | SCORED_CODES | {"article-unlabelled"}]
    if line is not None:
        issues = [_on_line(i, line) for i in issues]
    if any(i.severity.value == "error" and i.code not in SYSTEM_ERROR_CODES for i in issues):
        article = None
    return article, issues


def _report_missing(source: str, gold_by_id: dict[str, Article], attempted: set[str], report: Report) -> None:
    for article_id in sorted(k for k, v in gold_by_id.items() if v is not None and k not in attempted):
        report.issues.append(Issue(source, None, "", "missing-annotation",
                                   f"has no prediction for gold article {article_id!r}; a system that finds "
                                   f"nothing there still writes one (with empty entities and claims)"))


def prediction_document(gold: Article, *, entities: Iterable[dict] = (), claims: Iterable[dict] = (),
                        system: str = "system", notes: str | None = None) -> dict[str, Any]:
    """A valid prediction file for ``gold``: its text pin, metadata and segments, and the system's labels.

    ``entities`` need ``start``, ``end``, ``label`` and optionally ``entity``; ``claims`` need ``start`` and
    ``end`` and may give the other claim fields (defaults: the author asserts it, certain, its own text as
    ``normalized``, an invented proposition key). Ids and span texts are filled in from the gold text.
    """
    text, data = gold.text, gold.data
    mentions = [{"id": f"m{n}", "start": m["start"], "end": m["end"], "text": text[m["start"]:m["end"]],
                 "label": m["label"], "entity": m.get("entity")}
                for n, m in enumerate(sorted(entities, key=lambda m: (m["start"], m["end"])), start=1)]
    statements = []
    for n, c in enumerate(claims, start=1):
        span = text[c["start"]:c["end"]]
        statements.append({"id": f"c{n}", "start": c["start"], "end": c["end"], "text": span,
                           "claimer": c.get("claimer", "author"), "attribution": c.get("attribution", "asserted"),
                           "certainty": c.get("certainty", "certain"), "normalized": c.get("normalized") or span,
                           "about": list(c.get("about", [])), "proposition": c.get("proposition", f"claim_{n}")})
    return {"id": gold.id, "text_sha256": data["text_sha256"], "metadata": data["metadata"],
            "segments": data["segments"], "entities": mentions, "claims": statements, "annotators": [system],
            "notes": notes}


def write_jsonl(documents: Iterable[dict], path: Path) -> None:
    """Write prediction documents as one JSONL file (one document per line, in the order given)."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for document in documents:
            fh.write(json.dumps(document, ensure_ascii=False) + "\n")
