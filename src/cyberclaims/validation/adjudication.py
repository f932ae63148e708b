"""The decisions file of an adjudication, checked against the passes, the guidelines and the gold.

``annotations/adjudication.json`` (:mod:`cyberclaims.core.adjudication`) is checked when it exists: its
schema; the passes it names are folders of annotations/passes/ and the articles it names are in both; each
section it cites is a section of annotations/GUIDELINES.md; each decision locates an item of the passes,
says truly what each pass has there, chooses consistently and is made once; an added claim's proposition or
event key comes with its text exactly when neither pass has it; the gold holds each chosen value (an added
claim's other values too); every disagreement of the two passes is decided; and annotations/ADJUDICATION.md is what the file
generates. Reads only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.adjudication import (
    ADDED_KEY_TEXTS,
    DECISIONS_FILE,
    GUIDELINES_FILE,
    REPORT_FILE,
    added_claim_values,
    guideline_sections,
    is_added_claim,
    render_report,
)
from ..core.disagreements import (
    GROUPING_LAYERS,
    SHOWN_SEGMENT,
    Comparison,
    GoldView,
    PassData,
    claim_value,
    compare,
    describe_value,
    describe_where,
    location_key,
    registry_text,
)
from ..core.files import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue, Report
from ..core.jsondoc import JsonDocument, parse_json, pointer, shorten
from ..core.model import LoadedCollection, load_valid_article
from .schema import schema_issues

DISPLAY = f"annotations/{DECISIONS_FILE}"


def adjudication_issues(
    root: Path, gold: LoadedCollection, passes: list[LoadedCollection], report: Report
) -> list[Issue]:
    """What is wrong with the decisions file of ``root`` (nothing when there is none). The checks that read
    the passes and the gold run only when ``report`` has no error: they need valid labels."""
    path = Path(root) / "annotations" / DECISIONS_FILE
    if not path.exists() and not path.is_symlink():
        return []
    report.files_checked += 1
    data, issues = read_capped(path, DISPLAY, MAX_REGISTRY_BYTES)
    doc, more = parse_json(data, DISPLAY) if data is not None else (None, [])
    issues += more
    if doc is None:
        return issues
    issues += schema_issues(doc, "adjudication")
    if issues:
        return issues
    decisions = doc.value
    issues += _stale_report(root, decisions)
    known = {c.name: c for c in passes}
    for index, name in enumerate(decisions["passes"]):
        if name not in known:
            issues.append(
                _issue(
                    doc,
                    ("passes", index),
                    "adjudication-unknown-pass",
                    f"names pass {name!r}, which is not a folder of annotations/passes/ "
                    f"(passes: {', '.join(sorted(known)) or 'none'})",
                )
            )
    if issues and any(i.code == "adjudication-unknown-pass" for i in issues):
        return issues
    pass_a, pass_b = (known[name] for name in decisions["passes"])
    issues += _section_issues(root, doc)
    # An article is in a pass when its file is there, read or not: one that fails to parse is reported where it is
    # (and stops the comparison below), never as "not in both passes".
    both = {f.id for f in pass_a.files} & {f.id for f in pass_b.files}
    unknown_articles = _article_issues(doc, both)
    issues += unknown_articles
    if not report.ok or unknown_articles:
        return issues  # the labels are not valid yet: nothing to compare them with
    comparison = compare(_pass_data(pass_a), _pass_data(pass_b))
    gold_view = GoldView(comparison, _gold_reader(root, gold), gold.registry)
    issues += decisions_issues(doc, comparison, gold_view)
    return issues


def issues_before_the_gold(root: Path, doc: JsonDocument, comparison: Comparison) -> list[Issue]:
    """The checks ``validate`` runs on a decisions file (valid against its schema, naming the passes of
    ``comparison``) except those that compare it with the gold (the gold holds each value, every disagreement
    is decided) and with ADJUDICATION.md: what ``adjudicate --apply`` requires before it applies the file."""
    issues = _section_issues(root, doc)
    unknown_articles = _article_issues(doc, set(comparison.articles))
    if unknown_articles:
        return issues + unknown_articles
    return issues + decisions_issues(doc, comparison, None)


def decisions_issues(doc: JsonDocument, comparison: Comparison, gold: GoldView | None) -> list[Issue]:
    """What is wrong with each decision of a decisions file (valid against its schema, naming the passes of
    ``comparison``) as the passes have it: each locates an item, says truly what each pass has, chooses
    consistently and is made once. With ``gold``, also that the gold holds each chosen value and that every
    disagreement is decided (``adjudicate --apply`` checks a file whose gold is not made yet: ``gold`` None)."""
    issues: list[Issue] = []
    decided: dict[str, int] = {}
    for index, decision in enumerate(doc.value["decisions"]):
        issues += _decision_issues(doc, index, decision, comparison, gold, decided)
    if gold is not None:
        issues += _undecided(doc, comparison, decided)
    return issues


def _issue(doc: JsonDocument, path: tuple, code: str, message: str) -> Issue:
    return Issue(doc.display, doc.line_of(path), pointer(path), code, message)


def _pass_data(collection: LoadedCollection) -> PassData:
    return PassData(
        collection.name,
        {a.id: a.data for a in collection.articles},
        collection.registry,
        {a.id: a.text for a in collection.articles},
    )


def _gold_reader(root: Path, gold: LoadedCollection) -> Callable[[str], dict[str, Any] | None]:
    kept = {a.id: a for a in gold.articles} if gold.kept else {}
    files = {f.id: f for f in gold.files}

    def read(article: str) -> dict[str, Any] | None:
        if article in kept:
            return kept[article].data
        loaded = load_valid_article(files[article], root) if article in files else None
        return None if loaded is None else loaded.data

    return read


def _stale_report(root: Path, decisions: dict[str, Any]) -> list[Issue]:
    expected = render_report(decisions).encode("utf-8")
    path = Path(root) / "annotations" / REPORT_FILE
    display = f"annotations/{REPORT_FILE}"
    if not path.exists():
        return [
            Issue(
                display,
                None,
                "",
                "adjudication-report-stale",
                f"is missing: generate it from {DISPLAY} with `cyberclaims adjudicate --report`",
            )
        ]
    found, problems = read_capped(path, display, MAX_ANNOTATION_BYTES)
    if problems:
        return problems
    if found == expected:
        return []
    found_lines, expected_lines = (found or b"").decode("utf-8", "replace").splitlines(), expected.decode().splitlines()
    line = next(
        (n for n, (x, y) in enumerate(zip(found_lines, expected_lines), 1) if x != y),
        min(len(found_lines), len(expected_lines)) + 1,
    )
    return [
        Issue(
            display,
            line,
            "",
            "adjudication-report-stale",
            f"is not what {DISPLAY} generates (first difference on this line): it is never edited by hand; "
            f"run `cyberclaims adjudicate --report` and commit the result",
        )
    ]


def _section_issues(root: Path, doc: JsonDocument) -> list[Issue]:
    path = Path(root) / "annotations" / GUIDELINES_FILE
    data, problems = read_capped(path, f"annotations/{GUIDELINES_FILE}", MAX_ANNOTATION_BYTES)
    sections = guideline_sections(data.decode("utf-8", "replace")) if data is not None else set()
    missing = "" if data is not None else f" (annotations/{GUIDELINES_FILE} cannot be read: {problems[0].message})"
    issues = []
    for index, decision in enumerate(doc.value["decisions"]):
        if decision["section"] not in sections:
            issues.append(
                _issue(
                    doc,
                    ("decisions", index, "section"),
                    "adjudication-unknown-section",
                    f"section {decision['section']!r} is not a numbered heading of annotations/{GUIDELINES_FILE}, "
                    f"nor a numbered item or table row under one{missing}",
                )
            )
    return issues


def _articles_of(where: dict[str, Any]) -> list[Any]:
    if "claims" in where:
        return [c["article"] for c in where["claims"]]
    return [where["article"]] if "article" in where else []


def _article_issues(doc: JsonDocument, both: set[str]) -> list[Issue]:
    issues = []
    for index, decision in enumerate(doc.value["decisions"]):
        for article in sorted(set(_articles_of(decision["where"]))):
            if article not in both:
                issues.append(
                    _issue(
                        doc,
                        ("decisions", index, "where"),
                        "adjudication-unknown-article",
                        f"article {article!r} is not in both passes {doc.value['passes'][0]} and "
                        f"{doc.value['passes'][1]}",
                    )
                )
    return issues


def _canonical(layer: str, value: Any) -> Any:
    if layer == "about" and isinstance(value, list):
        return sorted(value)
    if layer in GROUPING_LAYERS and isinstance(value, list):
        return sorted(sorted(group) for group in value)
    return value


def _shown(layer: str, value: Any) -> str:
    return shorten(describe_value(layer, value), 200)


def _decision_issues(
    doc: JsonDocument,
    index: int,
    decision: dict[str, Any],
    comparison: Comparison,
    gold: GoldView | None,
    decided: dict[str, int],
) -> list[Issue]:
    layer, where = decision["layer"], decision["where"]
    place = f"{layer} at {shorten(describe_where(where), 200)}"
    key = location_key(layer, where)
    if key in decided:
        return [
            _issue(
                doc,
                ("decisions", index),
                "adjudication-duplicate-decision",
                f"{place} is decided twice (first by decision {decided[key]}): an item gets one decision",
            )
        ]
    decided[key] = index
    values = comparison.values_at(layer, where)
    if values is None:
        return [
            _issue(
                doc,
                ("decisions", index, "where"),
                "adjudication-unknown-item",
                f"{place} locates nothing that both passes can be compared on (copy `where` from "
                f"`cyberclaims adjudicate {comparison.pass_a} {comparison.pass_b} --format json`)",
            )
        ]
    shown_wrong = _shown_location_problem(layer, where, comparison)
    if shown_wrong is not None:
        return [
            _issue(
                doc,
                ("decisions", index, "where"),
                "adjudication-unknown-item",
                f"{place}: {shown_wrong}; ADJUDICATION.md would show the wrong place (copy `where` from "
                f"`cyberclaims adjudicate {comparison.pass_a} {comparison.pass_b} --format json`)",
            )
        ]
    issues = []
    a, b = (_canonical(layer, v) for v in values)
    for side, found in (("a", a), ("b", b)):
        if _canonical(layer, decision[side]) != found:
            name = comparison.pass_a if side == "a" else comparison.pass_b
            issues.append(
                _issue(
                    doc,
                    ("decisions", index, side),
                    "adjudication-pass-mismatch",
                    f"{place}: says {name} has {_shown(layer, decision[side])}, but {name} has {_shown(layer, found)}",
                )
            )
    # An added claim's decision may give its other values too: the span is what is compared as the layer's value.
    value = _canonical(
        layer, claim_value("claim", decision["value"]) if is_added_claim(decision) else decision["value"]
    )
    choice = decision["choice"]
    problem = None
    if layer in GROUPING_LAYERS and value is not None:
        indexes = sorted(i for group in value for i in group)
        if indexes != list(range(len(where["claims"]))):
            problem = (
                f"the value is not a partition of the {len(where['claims'])} located claims (indexes 0..n-1, each once)"
            )
    if problem is None and choice in ("a", "b") and value != _canonical(layer, decision[choice]):
        problem = f"choice {choice!r} but the value differs from what pass {choice.upper()} has"
    if problem is None and choice == "neither" and value in (a, b):
        problem = "choice 'neither' but the value is what a pass has: choose that pass"
    if problem is not None:
        issues.append(
            _issue(doc, ("decisions", index, "choice"), "adjudication-choice-inconsistent", f"{place}: {problem}")
        )
    issues += _added_key_issues(doc, index, decision, comparison, place)
    if gold is None:
        return issues
    issues += _added_gold_issues(doc, index, decision, gold, place)
    found_in_gold, in_gold = gold.value_at(layer, where)
    if not found_in_gold or _canonical(layer, in_gold) != value:
        holds = in_gold if not found_in_gold else f"the gold holds {_shown(layer, in_gold)}"
        issues.append(
            _issue(
                doc,
                ("decisions", index, "value"),
                "adjudication-gold-differs",
                f"{place}: the decision chose {_shown(layer, value)}, but {holds}",
            )
        )
    return issues


def _added_key_issues(
    doc: JsonDocument, index: int, decision: dict[str, Any], comparison: Comparison, place: str
) -> list[Issue]:
    """An added claim's proposition or event key: with its text exactly when neither pass has the key (a key a
    pass has joins that pass's group and keeps its text; a new one needs the text the draft writes)."""
    given = added_claim_values(decision)
    issues = []
    for kind, text_field in ADDED_KEY_TEXTS.items():
        if kind not in given:
            continue
        key = given[kind]
        known = any(
            data is not None and registry_text(data.registry, kind, key) is not None
            for data in (comparison.data_a, comparison.data_b)
        )
        if known == (text_field in given):
            problem = (
                f"{kind} {key!r} is a key of a pass: its {text_field} is that pass's, give none"
                if known
                else f"{kind} {key!r} is a key neither pass has: give its {text_field}"
            )
            issues.append(
                _issue(
                    doc,
                    ("decisions", index, "value", text_field if known else kind),
                    "adjudication-added-claim-text",
                    f"{place}: {problem}",
                )
            )
    return issues


def _added_gold_issues(
    doc: JsonDocument, index: int, decision: dict[str, Any], gold: GoldView, place: str
) -> list[Issue]:
    """Whether the gold claim an added claim's decision names holds each other value the decision gives."""
    given = added_claim_values(decision)
    if not given:
        return []
    claim = gold.claim(decision["where"])
    if claim is None:
        return []  # the span check below says the gold has no such claim
    issues = []
    texts = {text: kind for kind, text in ADDED_KEY_TEXTS.items()}
    for name, value in given.items():
        if name in texts:
            in_gold = registry_text(gold.registry, texts[name], claim[texts[name]])
            holds = f"{texts[name]} {claim[texts[name]]!r} of the gold has {_shown(name, in_gold)}"
        else:
            in_gold = claim_value(name, claim)
            holds = f"the gold claim {claim['id']} has {_shown(name, in_gold)}"
        if _canonical(name, value) != in_gold:
            issues.append(
                _issue(
                    doc,
                    ("decisions", index, "value", name),
                    "adjudication-gold-differs",
                    f"{place}: the decision gives {name} {_shown(name, _canonical(name, value))}, but {holds}",
                )
            )
    return issues


def _shown_location_problem(layer: str, where: dict[str, Any], comparison: Comparison) -> str | None:
    """What a decision's location shows wrongly (None: nothing). A claim is identified by its ids and a span by
    its offsets, but the offsets and text a location also carries are what ADJUDICATION.md prints: they must be
    the located claim's (pass A's, else B's), the item's, or the article's text there."""
    texts = comparison.data_a.texts if comparison.data_a is not None else {}
    for entry in where.get("claims", [where]):
        if "start" not in entry:
            continue  # a registry entry, located by its key
        start, end, shown = entry["start"], entry["end"], entry["text"]
        pair = comparison.pairs.get((entry["article"], entry.get("claim_a"), entry.get("claim_b")))
        item = comparison.items.get(location_key(layer, entry)) if "claims" not in where else None
        if pair is not None or (item is not None and "start" in item.where):
            expected = pair.where if pair is not None else item.where  # type: ignore[union-attr]
            if (start, end, shown) != (expected["start"], expected["end"], expected["text"]):
                return (
                    f"shows [{start},{end}) {shorten(repr(shown), 80)}, but what it locates is at "
                    f"[{expected['start']},{expected['end']}) {shorten(repr(expected['text']), 80)}"
                )
            continue
        text = texts.get(entry["article"])
        if text is None:
            continue
        if not start < end <= len(text):
            return f"[{start},{end}) is not a span of the article's text ({len(text)} characters)"
        there = text[start:end]
        if shown is not None and shown not in (there, there[:SHOWN_SEGMENT] + "…"):
            return f"shows {shorten(repr(shown), 80)}, but the article has {shorten(repr(there), 80)} there"
    return None


def _undecided(doc: JsonDocument, comparison: Comparison, decided: dict[str, int]) -> list[Issue]:
    issues = []
    for item in comparison.disagreements:
        if item.key not in decided:
            issues.append(
                _issue(
                    doc,
                    ("decisions",),
                    "adjudication-undecided",
                    f"no decision on {item.layer} at {shorten(describe_where(item.where), 200)}: "
                    f"{comparison.pass_a} has {_shown(item.layer, item.a)}, {comparison.pass_b} has "
                    f"{_shown(item.layer, item.b)}; where: {shorten(json.dumps(item.where, ensure_ascii=False), 300)}",
                )
            )
    return issues
