"""Score a system's predictions against the gold annotations: the four CyberClaims benchmark tasks.

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

**Tasks**

- ``ner``: precision, recall and F1 of mentions that match a gold mention in span and label (the
  CoNLL rule; equal to seqeval's strict IOB2 figures on the ``ner`` config), per label, micro and macro
  (the mean over the labels found in the gold or the predictions, as seqeval). Also the four views that
  nervaluate popularised, with its matching rules (one-to-one, first overlapping gold mention in text
  order, any overlap of at least 1% of the gold tokens): ``strict`` (span and label), ``exact`` (span,
  any label), ``partial`` (span, half credit for an overlap, any label), ``ent_type`` (label, any overlap).
- ``linking``: on the gold mentions of named types that the system found (same span and label), the
  share whose predicted entity key is the gold key (``accuracy``; undefined when none was found). Also
  end-to-end precision/recall/F1 of (span, label, key) among the mentions that carry a key.
- ``claims``: claim span detection P/R/F1, where a predicted claim matches a gold claim when they
  overlap by at least half of the longer span, one-to-one (:func:`cyberclaims.agreement.match_claims`).
  On the matched pairs: accuracy and macro-F1 of ``attribution`` and ``certainty``, accuracy of ``claimer``.
- ``propositions``: cross-document alignment. Gold clusters are the gold claims that share a proposition
  key; predicted clusters are the predicted claims that share a predicted key; a predicted claim stands
  for the gold claim it matches (as in ``claims``). Pairwise P/R/F1 over the pairs of claims put in one
  cluster (all pairs, and cross-document pairs only), and B-cubed P/R/F1. **Unmatched claims**: a gold
  claim that no predicted claim matches keeps its gold pairs (they count against recall) and scores 0 in
  B-cubed recall; a predicted claim that matches no gold claim keeps its predicted pairs (they count
  against precision) and scores 0 in B-cubed precision. So a system that finds no claims scores 0, and
  one that is given the gold claim spans is scored on its clustering alone.

**Conventions.** A ratio whose denominator is 0 is 0.0 (as in seqeval and scikit-learn), except when
there is nothing on either side: then it is ``None`` (undefined) and shown as such. Figures are pooled
over articles (micro). Each article is also scored alone (except for ``propositions``, a cross-document
task). A 95% confidence interval of the headline figures comes from a seeded percentile bootstrap over
articles (articles drawn with replacement; an article drawn twice counts twice, and the pairs between
its two copies are not counted), only when there are at least :data:`MIN_ARTICLES_FOR_CI` articles:
with fewer, the spread of a handful of articles says little about the next ones.
"""

from __future__ import annotations

import bisect
import json
import random
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..dataset.agreement import match_claims
from ..core.issues import Issue, Report
from ..core.files import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, read_capped
from ..core.jsondoc import JsonDocument, parse_json
from ..core.model import Article
from ..core.vocabulary import ARTICLE_ID, REGISTRY_FILES
from ..core.text import tokenize
from ..core.model import Registry
from ..validation.article_rules import check_article
from ..validation.schema import schema_issues

TASKS = ("ner", "linking", "claims", "propositions")
VIEWS = ("strict", "exact", "partial", "ent_type")
MIN_ARTICLES_FOR_CI = 10
RESAMPLES = 1000
SEED = 0

# Checks against the registries: a system's keys need not be in them, and it need not link at all.
REGISTRY_CODES = frozenset({"unknown-entity", "unknown-claimer", "unknown-about-entity", "unknown-proposition",
                            "entity-type-mismatch", "mention-unlinked"})

Stats = dict[str, Any]
Metrics = dict[str, Any]


# ---------------------------------------------------------------------------------------------
# Reading and validating predictions


@dataclass
class Predictions:
    """Validated prediction documents by article id, and what was wrong with them."""

    articles: dict[str, Article]
    report: Report

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
    return Predictions(found, report)


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
    return Predictions(found, report)


def split_of(article: Article) -> str | None:
    """The split (``train``, ``validation``, ``test``) an article's metadata puts it in."""
    metadata = article.data.get("metadata") if isinstance(article.data, dict) else None
    return metadata.get("split") if isinstance(metadata, dict) else None


def in_split(articles: Iterable[Article], split: str) -> list[Article]:
    """The articles of one split, in the order given."""
    return [a for a in articles if split_of(a) == split]


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
        if not ARTICLE_ID.match(file.stem):
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
    if not isinstance(article_id, str) or not ARTICLE_ID.match(article_id):
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
        issues += [i for i in check_article(article, Registry()) if i.code not in REGISTRY_CODES]
    if line is not None:
        issues = [_on_line(i, line) for i in issues]
    if any(i.severity.value == "error" for i in issues):
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


# ---------------------------------------------------------------------------------------------
# Small arithmetic


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def prf(correct: float, predicted: float, gold: float) -> dict[str, float | None]:
    """Precision, recall, F1; 0 for a zero denominator, None when both sides are empty."""
    if not predicted and not gold:
        return {"precision": None, "recall": None, "f1": None}
    p, r = ratio(correct, predicted), ratio(correct, gold)
    return {"precision": p, "recall": r, "f1": ratio(2 * p * r, p + r)}


def _macro(per_label: Mapping[str, Mapping[str, float | None]]) -> dict[str, float | None]:
    if not per_label:
        return {"precision": None, "recall": None, "f1": None}
    return {k: statistics.fmean(v[k] or 0.0 for v in per_label.values()) for k in ("precision", "recall", "f1")}


def _classification(pairs: Counter) -> dict[str, Any]:
    """Accuracy and macro-F1 of (gold, predicted) label pairs; per label figures."""
    total = sum(pairs.values())
    if not total:
        return {"accuracy": None, "macro_f1": None, "per_label": {}}
    gold_count: Counter = Counter()
    pred_count: Counter = Counter()
    correct: Counter = Counter()
    for (g, p), n in pairs.items():
        gold_count[g] += n
        pred_count[p] += n
        if g == p:
            correct[g] += n
    per_label = {label: {**prf(correct[label], pred_count[label], gold_count[label]),
                         "gold": gold_count[label], "predicted": pred_count[label]}
                 for label in sorted(gold_count | pred_count)}
    return {"accuracy": sum(correct.values()) / total, "macro_f1": _macro(per_label)["f1"], "per_label": per_label}


# ---------------------------------------------------------------------------------------------
# ner


def _token_spans(text: str, mentions: Iterable[dict]) -> list[tuple[int, int, str]]:
    """(first token, last token, label) of each mention, in text order: nervaluate works on tokens."""
    tokens = tokenize(text)
    first = {s: i for i, (s, _) in enumerate(tokens)}
    last = {e: i for i, (_, e) in enumerate(tokens)}
    spans = []
    for m in mentions:
        # A validated mention is whole tokens; anything else is scored on the tokens it touches.
        start = first.get(m["start"], bisect.bisect_right([s for s, _ in tokens], m["start"]) - 1)
        end = last.get(m["end"], bisect.bisect_left([e for _, e in tokens], m["end"]))
        spans.append((start, end, m["label"]))
    return sorted(spans)


def _overlaps(pred: tuple[int, int, str], gold: tuple[int, int, str]) -> bool:
    # nervaluate's default: the overlap is at least 1% of the gold span (ends inclusive)
    overlap = min(pred[1], gold[1]) - max(pred[0], gold[0]) + 1
    return overlap > 0 and 100 * overlap >= gold[1] - gold[0] + 1


def view_counts(view: str, gold: Sequence[tuple[int, int, str]], pred: Sequence[tuple[int, int, str]]) -> Counter:
    """nervaluate's outcome counts of one view (correct, incorrect, partial, missed, spurious)."""
    counts: Counter = Counter({k: 0 for k in ("correct", "incorrect", "partial", "missed", "spurious")})
    matched: set[int] = set()
    for p in pred:
        candidates = [i for i, g in enumerate(gold) if i not in matched and _overlaps(p, g)]
        if view == "ent_type":
            same = [i for i in candidates if gold[i][2] == p[2]]
            if same:  # closest boundaries win; the first of equals
                best = min(same, key=lambda i: (abs(p[0] - gold[i][0]) + abs(p[1] - gold[i][1]), i))
                counts["correct"] += 1
                matched.add(best)
            elif candidates:
                counts["incorrect"] += 1
                matched.add(candidates[0])
            else:
                counts["spurious"] += 1
            continue
        exact = [i for i in candidates if gold[i][:2] == p[:2] and (view != "strict" or gold[i][2] == p[2])]
        if exact:
            counts["correct"] += 1
            matched.add(exact[0])
        elif candidates:
            counts["partial" if view == "partial" else "incorrect"] += 1
            matched.add(candidates[0])
        else:
            counts["spurious"] += 1
    counts["missed"] += len(gold) - len(matched)
    return counts


def _view_metrics(view: str, c: Mapping[str, int]) -> dict[str, Any]:
    actual = c["correct"] + c["incorrect"] + c["partial"] + c["spurious"]
    possible = c["correct"] + c["incorrect"] + c["partial"] + c["missed"]
    credit = c["correct"] + (0.5 * c["partial"] if view in ("partial", "ent_type") else 0)
    return {**dict(c), "actual": actual, "possible": possible, **prf(credit, actual, possible)}


def ner_stats(gold: Article, pred: Article) -> Stats:
    gold_spans = {(m["start"], m["end"], m["label"]) for m in gold.data["entities"]}
    labels: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # correct, predicted, gold
    for _, _, label in gold_spans:
        labels[label][2] += 1
    for m in pred.data["entities"]:
        labels[m["label"]][1] += 1
        labels[m["label"]][0] += (m["start"], m["end"], m["label"]) in gold_spans
    g = _token_spans(gold.text, gold.data["entities"])
    p = _token_spans(gold.text, pred.data["entities"])
    return {"labels": dict(labels), "views": {v: view_counts(v, g, p) for v in VIEWS}}


def ner_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    labels: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    views = {v: Counter() for v in VIEWS}
    for stats, m in weighted:
        for label, counts in stats["labels"].items():
            for i in range(3):
                labels[label][i] += m * counts[i]
        for v in VIEWS:
            for k, n in stats["views"][v].items():
                views[v][k] += m * n
    per_label = {label: {**prf(*labels[label]), "correct": labels[label][0], "predicted": labels[label][1],
                         "gold": labels[label][2]} for label in sorted(labels)}
    correct, predicted, gold = (sum(c[i] for c in labels.values()) for i in range(3))
    macro = _macro(per_label)
    return {**prf(correct, predicted, gold),
            "macro_precision": macro["precision"], "macro_recall": macro["recall"], "macro_f1": macro["f1"],
            "partial_f1": _view_metrics("partial", views["partial"])["f1"],
            "correct": correct, "predicted": predicted, "gold": gold,
            "per_label": per_label, "views": {v: _view_metrics(v, views[v]) for v in VIEWS}}


# ---------------------------------------------------------------------------------------------
# linking


def linking_stats(gold: Article, pred: Article) -> Stats:
    predicted = {(m["start"], m["end"], m["label"]): m.get("entity") for m in pred.data["entities"]}
    found = correct = 0
    for m in gold.data["entities"]:
        key = (m["start"], m["end"], m["label"])
        if m["entity"] is not None and key in predicted:
            found += 1
            correct += predicted[key] == m["entity"]
    gold_links = {(m["start"], m["end"], m["label"], m["entity"]) for m in gold.data["entities"] if m["entity"]}
    pred_links = {(m["start"], m["end"], m["label"], m.get("entity")) for m in pred.data["entities"]
                  if m.get("entity")}
    return {"found": found, "correct": correct, "tp": len(gold_links & pred_links), "predicted": len(pred_links),
            "gold": len(gold_links)}


def linking_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    total = Counter()
    for stats, m in weighted:
        for k, n in stats.items():
            total[k] += m * n
    return {"accuracy": total["correct"] / total["found"] if total["found"] else None,
            **prf(total["tp"], total["predicted"], total["gold"]),
            "found": total["found"], "correct": total["correct"], "predicted_links": total["predicted"],
            "gold_links": total["gold"]}


# ---------------------------------------------------------------------------------------------
# claims


def claims_stats(gold: Article, pred: Article) -> Stats:
    g, p = gold.data["claims"], pred.data["claims"]
    pairs = match_claims(g, p)
    return {"matched": len(pairs), "predicted": len(p), "gold": len(g),
            "attribution": Counter((g[i]["attribution"], p[j]["attribution"]) for i, j in pairs),
            "certainty": Counter((g[i]["certainty"], p[j]["certainty"]) for i, j in pairs),
            "claimer": sum(g[i]["claimer"] == p[j]["claimer"] for i, j in pairs)}


def claims_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    matched = predicted = gold = claimer = 0
    attribution: Counter = Counter()
    certainty: Counter = Counter()
    for stats, m in weighted:
        matched += m * stats["matched"]
        predicted += m * stats["predicted"]
        gold += m * stats["gold"]
        claimer += m * stats["claimer"]
        for pair, n in stats["attribution"].items():
            attribution[pair] += m * n
        for pair, n in stats["certainty"].items():
            certainty[pair] += m * n
    a, c = _classification(attribution), _classification(certainty)
    return {**prf(matched, predicted, gold),
            "attribution_accuracy": a["accuracy"], "attribution_macro_f1": a["macro_f1"],
            "certainty_accuracy": c["accuracy"], "certainty_macro_f1": c["macro_f1"],
            "claimer_accuracy": claimer / matched if matched else None,
            "matched": matched, "predicted": predicted, "gold": gold,
            "per_label": {"attribution": a["per_label"], "certainty": c["per_label"]}}


# ---------------------------------------------------------------------------------------------
# propositions


def propositions_stats(gold: Article, pred: Article) -> Stats:
    """Counts of gold keys, predicted keys and (gold key, predicted key) of matched claims in one article."""
    g, p = gold.data["claims"], pred.data["claims"]
    pairs = match_claims(g, p)
    return {"gold": Counter(c["proposition"] for c in g), "pred": Counter(c["proposition"] for c in p),
            "joint": Counter((g[i]["proposition"], p[j]["proposition"]) for i, j in pairs)}


def _pairs(total: Counter, weighted: Sequence[tuple[Stats, int]], part: str) -> tuple[int, int]:
    """(pairs, cross-document pairs) of items sharing a key, leaving out pairs between copies of an article."""
    pairs = sum(n * (n - 1) // 2 for n in total.values())
    copies = within = 0
    for stats, m in weighted:
        copies += m * (m - 1) // 2 * sum(n * n for n in stats[part].values())
        within += m * sum(n * (n - 1) // 2 for n in stats[part].values())
    return pairs - copies, pairs - copies - within


def propositions_score(weighted: Sequence[tuple[Stats, int]]) -> Metrics:
    totals = {part: Counter() for part in ("gold", "pred", "joint")}
    for stats, m in weighted:
        for part, counter in totals.items():
            for key, n in stats[part].items():
                counter[key] += m * n
    gold_pairs, gold_cross = _pairs(totals["gold"], weighted, "gold")
    pred_pairs, pred_cross = _pairs(totals["pred"], weighted, "pred")
    both_pairs, both_cross = _pairs(totals["joint"], weighted, "joint")
    # B-cubed: each claim's share of its cluster that the other clustering also puts with it; the
    # clusters seen by a claim leave out the other copies of its own article.
    recall_sum = precision_sum = 0.0
    for stats, m in weighted:
        for (k, p), n in stats["joint"].items():
            together = totals["joint"][(k, p)] - (m - 1) * n
            recall_sum += m * n * together / (totals["gold"][k] - (m - 1) * stats["gold"][k])
            precision_sum += m * n * together / (totals["pred"][p] - (m - 1) * stats["pred"][p])
    n_gold, n_pred = sum(totals["gold"].values()), sum(totals["pred"].values())
    if n_gold or n_pred:
        bp, br = ratio(precision_sum, n_pred), ratio(recall_sum, n_gold)
        bcubed = {"precision": bp, "recall": br, "f1": ratio(2 * bp * br, bp + br)}
    else:
        bcubed = {"precision": None, "recall": None, "f1": None}
    pairwise = prf(both_pairs, pred_pairs, gold_pairs)
    cross = prf(both_cross, pred_cross, gold_cross)
    return {**{f"pairwise_{k}": v for k, v in pairwise.items()},
            **{f"bcubed_{k}": v for k, v in bcubed.items()},
            **{f"cross_document_pairwise_{k}": v for k, v in cross.items()},
            "gold_claims": n_gold, "predicted_claims": n_pred, "matched_claims": sum(totals["joint"].values()),
            "gold_clusters": len(totals["gold"]), "predicted_clusters": len(totals["pred"]),
            "gold_pairs": gold_pairs, "predicted_pairs": pred_pairs, "correct_pairs": both_pairs,
            "gold_cross_document_pairs": gold_cross, "predicted_cross_document_pairs": pred_cross,
            "correct_cross_document_pairs": both_cross}


# ---------------------------------------------------------------------------------------------
# Tasks, bootstrap, results


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    stats: Callable[[Article, Article], Stats]
    score: Callable[[Sequence[tuple[Stats, int]]], Metrics]
    headline: tuple[str, ...]  # the figures shown first, given per article and with a confidence interval
    per_article: bool = True


TASK_SPECS: dict[str, Task] = {
    "ner": Task("ner", "entity mentions: exact span and label (CoNLL), micro over mentions", ner_stats, ner_score,
                ("precision", "recall", "f1", "macro_f1", "partial_f1")),
    "linking": Task("linking", "entity keys of the gold mentions found with exact span and label", linking_stats,
                    linking_score, ("accuracy", "precision", "recall", "f1")),
    "claims": Task("claims", "claim spans (overlap >= half the longer span, one-to-one), then their attributes",
                   claims_stats, claims_score,
                   ("precision", "recall", "f1", "attribution_accuracy", "attribution_macro_f1",
                    "certainty_accuracy", "certainty_macro_f1", "claimer_accuracy")),
    "propositions": Task("propositions", "cross-document clusters of claims stating the same proposition",
                         propositions_stats, propositions_score,
                         ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_precision",
                          "bcubed_recall", "bcubed_f1", "cross_document_pairwise_f1"), per_article=False),
}


def bootstrap(stats: Sequence[Stats], score: Callable[[Sequence[tuple[Stats, int]]], Metrics],
              keys: Sequence[str], *, resamples: int = RESAMPLES, seed: int = SEED) -> dict[str, list[float] | None]:
    """Percentile 95% intervals of ``keys`` over resamples of the articles (drawn with replacement)."""
    rng = random.Random(seed)
    values: dict[str, list[float]] = {k: [] for k in keys}
    n = len(stats)
    for _ in range(resamples):
        drawn = Counter(rng.randrange(n) for _ in range(n))
        metrics = score([(stats[i], m) for i, m in sorted(drawn.items())])
        for k in keys:
            if metrics[k] is not None:  # undefined in this resample (nothing of that kind drawn)
                values[k].append(metrics[k])
    intervals: dict[str, list[float] | None] = {}
    for k, v in values.items():
        if len(v) < 2:
            intervals[k] = None
            continue
        cuts = statistics.quantiles(v, n=40, method="inclusive")  # 2.5% steps, linear interpolation
        intervals[k] = [cuts[0], cuts[-1]]
    return intervals


@dataclass
class Result:
    """The scores of one task: pooled metrics, per-article scores, confidence intervals."""

    task: str
    articles: list[str]
    metrics: Metrics
    per_article: dict[str, Metrics] | None
    confidence: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    split: str | None = None  # the split scored; None: the articles given, whatever their split

    @property
    def headline(self) -> dict[str, float | None]:
        return {k: self.metrics[k] for k in TASK_SPECS[self.task].headline}

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task, "description": TASK_SPECS[self.task].description, "split": self.split,
                "article_count": len(self.articles), "articles": self.articles,
                "headline": self.headline, "metrics": self.metrics, "per_article": self.per_article,
                "confidence": self.confidence, "notes": self.notes}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        return render_text(self)


def evaluate(task: str, gold: Sequence[Article], predictions: Mapping[str, Article], *,
             resamples: int = RESAMPLES, seed: int = SEED, min_articles: int = MIN_ARTICLES_FOR_CI,
             split: str | None = None) -> Result:
    """Score validated predictions (every gold article has one) on one task.

    With ``split``, only the gold articles of that split are scored (predictions of others are unused)."""
    spec = TASK_SPECS[task]
    if split is not None:
        gold = in_split(gold, split)
        if not gold:
            raise ValueError(f"no gold article is in the {split} split")
    ordered = sorted(gold, key=lambda a: a.id)
    missing = [a.id for a in ordered if a.id not in predictions]
    if missing:
        raise ValueError(f"no prediction for {', '.join(missing)}: validate the predictions first")
    stats = [spec.stats(a, predictions[a.id]) for a in ordered]
    metrics = spec.score([(s, 1) for s in stats])
    per_article = None
    notes = []
    if spec.per_article:
        per_article = {a.id: {k: v for k, v in spec.score([(s, 1)]).items() if k in spec.headline}
                       for a, s in zip(ordered, stats)}
    else:
        notes.append("no per-article scores: the task pairs claims across articles")
    confidence: dict[str, Any] = {"method": "percentile bootstrap over articles", "level": 0.95,
                                  "resamples": resamples, "seed": seed, "min_articles": min_articles}
    if len(ordered) >= min_articles:
        confidence["intervals"] = bootstrap(stats, spec.score, spec.headline, resamples=resamples, seed=seed)
    else:
        confidence["intervals"] = None
        confidence["reason"] = (f"{len(ordered)} article{'s' if len(ordered) != 1 else ''}: a confidence "
                                f"interval needs at least {min_articles}")
    return Result(task, [a.id for a in ordered], metrics, per_article, confidence, notes, split)


# ---------------------------------------------------------------------------------------------
# Text output


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


_NUMBER = re.compile(r"^(-?[\d.]+|n/a|)$")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lines of a plain-text table: numeric columns right-aligned, text columns left-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = [all(_NUMBER.match(str(r[i]).strip()) for r in rows) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).rjust(w) if num else str(c).ljust(w)
                         for c, w, num in zip(cells, widths, numeric)).rstrip()

    return [line(header), line(["-" * w for w in widths]), *map(line, rows)]


def render_text(result: Result) -> str:
    """A readable report of one task for the terminal."""
    m = result.metrics
    scored = f"{len(result.articles)} article{'s' if len(result.articles) != 1 else ''}"
    where = f"{result.split} split, {scored} scored" if result.split else f"{scored} scored"
    out = [f"{result.task}: {TASK_SPECS[result.task].description}",
           f"{where}; n/a = undefined (nothing to score)", ""]
    if result.task == "ner":
        rows = [[label, fmt(v["precision"]), fmt(v["recall"]), fmt(v["f1"]), str(v["gold"]), str(v["predicted"])]
                for label, v in m["per_label"].items()]
        rows.append(["micro", fmt(m["precision"]), fmt(m["recall"]), fmt(m["f1"]), str(m["gold"]),
                     str(m["predicted"])])
        rows.append(["macro", fmt(m["macro_precision"]), fmt(m["macro_recall"]), fmt(m["macro_f1"]), "", ""])
        out += table(["label", "precision", "recall", "f1", "gold", "predicted"], rows)
        out += ["", "views (nervaluate's rules):"]
        out += table(["view", "precision", "recall", "f1", "correct", "incorrect", "partial", "missed", "spurious"],
                     [[v, fmt(x["precision"]), fmt(x["recall"]), fmt(x["f1"]), str(x["correct"]),
                       str(x["incorrect"]), str(x["partial"]), str(x["missed"]), str(x["spurious"])]
                      for v, x in m["views"].items()])
    elif result.task == "linking":
        out += table(["measure", "value", "on"], [
            ["accuracy on found mentions", fmt(m["accuracy"]),
             f"{m['found']} gold linked mentions found with exact span and label, {m['correct']} with the gold key"],
            ["end-to-end precision", fmt(m["precision"]), f"{m['predicted_links']} predicted mentions with a key"],
            ["end-to-end recall", fmt(m["recall"]), f"{m['gold_links']} gold mentions with a key"],
            ["end-to-end f1", fmt(m["f1"]), "span, label and key all right"]])
    elif result.task == "claims":
        out += table(["measure", "value", "on"], [
            ["span precision", fmt(m["precision"]), f"{m['predicted']} predicted claims"],
            ["span recall", fmt(m["recall"]), f"{m['gold']} gold claims"],
            ["span f1", fmt(m["f1"]), f"{m['matched']} matched (overlap >= half the longer span)"],
            ["attribution accuracy", fmt(m["attribution_accuracy"]), "matched claims"],
            ["attribution macro-f1", fmt(m["attribution_macro_f1"]), "matched claims"],
            ["certainty accuracy", fmt(m["certainty_accuracy"]), "matched claims"],
            ["certainty macro-f1", fmt(m["certainty_macro_f1"]), "matched claims"],
            ["claimer accuracy", fmt(m["claimer_accuracy"]), "matched claims"]])
    else:
        out += table(["measure", "precision", "recall", "f1", "on"], [
            ["pairwise", fmt(m["pairwise_precision"]), fmt(m["pairwise_recall"]), fmt(m["pairwise_f1"]),
             f"{m['gold_pairs']} gold pairs, {m['predicted_pairs']} predicted, {m['correct_pairs']} correct"],
            ["pairwise, cross-document", fmt(m["cross_document_pairwise_precision"]),
             fmt(m["cross_document_pairwise_recall"]), fmt(m["cross_document_pairwise_f1"]),
             f"{m['gold_cross_document_pairs']} gold pairs, {m['predicted_cross_document_pairs']} predicted, "
             f"{m['correct_cross_document_pairs']} correct"],
            ["B-cubed", fmt(m["bcubed_precision"]), fmt(m["bcubed_recall"]), fmt(m["bcubed_f1"]),
             f"{m['gold_claims']} gold claims in {m['gold_clusters']} clusters, {m['predicted_claims']} "
             f"predicted in {m['predicted_clusters']}, {m['matched_claims']} matched"]])
    headline = TASK_SPECS[result.task].headline
    if result.per_article:
        out += ["", "per article:"]
        out += table(["article", *headline], [[a, *(fmt(v[k]) for k in headline)]
                                              for a, v in result.per_article.items()])
    for note in result.notes:
        out += ["", note]
    out.append("")
    intervals = result.confidence.get("intervals")
    if intervals is None:
        out.append(f"95% confidence intervals: not computed ({result.confidence['reason']})")
    else:
        out.append(f"95% confidence intervals ({result.confidence['method']}, {result.confidence['resamples']} "
                   f"resamples, seed {result.confidence['seed']}):")
        out += table(["measure", "value", "interval"],
                     [[k, fmt(m[k]), "n/a" if iv is None else f"[{iv[0]:.3f}, {iv[1]:.3f}]"]
                      for k, iv in intervals.items()])
    return "\n".join(out)
