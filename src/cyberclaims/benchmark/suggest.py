"""Pre-annotation: a system's suggestions for articles an annotator is about to label (``cyberclaims suggest``).

A system runs over the articles to suggest for with their labels removed: it never reads the gold labels
of an article it suggests for (a pass that starts from suggestions over labelled articles must not see
the gold). What it learns from is the **train** split without those articles, and its version names the
train labels it learnt from (``<cyberclaims version>+train.<digest>``), so that two runs with the same
version made the same suggestions.

Systems and their scores (a suggestion's ``score``, in [0, 1], what Label Studio shows and sorts by):

- ``gazetteer`` (entities, and links where the form was linked): the benchmark's gazetteer learnt from
  the train split; a mention's score is the share of its surface form's annotated train occurrences that
  have its label.
- ``rules`` (claims): the benchmark's rule-based claims (claimer, attribution, certainty); a claim's score
  is the share of the rules' claims on the train split with its attribution and certainty whose span
  matches a gold claim (overlap at least half the longer span, as the claims task matches them), or of
  all its claims there when none has them; no score when the rules find no claim in the train split.
- ``spacy`` (entities; extra ``spacy``): spaCy's small English pipeline mapped to the guidelines'
  boundaries as in the benchmark; a mention's score is spaCy's precision for its label on the train split
  (exact span and label), or none when spaCy finds no mention of that label there.
- any system's output in the minimal prediction format (``predictions.schema.json``), with an optional
  ``score`` per span (:func:`suggestions_from_file`); its layers are the ones its lines give.

Suggestion ids are ``m1``, ``m2``, ... (mentions, in text order) and ``c1``, ... (claims, in text order):
unique in an article across layers, as Label Studio region ids must be.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.agreement import match_claims
from ..core.errors import CyberClaimsError, UsageError
from ..core.files import MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue, Report, has_control_character, printable
from ..core.jsondoc import JsonDocument, has_lone_surrogate, parse_json
from ..core.model import Article, in_split
from ..core.suggestions import Suggestions
from ..validation import validate
from ..validation.schema import schema_issues
from .baselines import (
    Unavailable,
    gazetteer_counts,
    gazetteer_lexicon,
    gazetteer_mentions,
    rule_claim_predictions,
    spacy_predictions,
)
from .predictions import SYSTEM_ERROR_CODES, check_minimal, unknown_article

SYSTEMS = ("gazetteer", "rules", "spacy")
_SCORE_DIGITS = 4  # scores are shares of small counts: four places say all there is


def blank(article: Article) -> Article:
    """``article`` with no mentions and no claims: all a system is shown of an article it suggests for."""
    data = {**article.data, "entities": [], "claims": []}
    return replace(article, doc=JsonDocument(article.display, "", data), _memo={})


def targets(gold: Sequence[Article], ids: Sequence[str]) -> list[Article]:
    """The articles named (by id), or by default every article that has no labels yet; sorted by id."""
    by_id = {a.id: a for a in gold}
    if ids:
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise UsageError(f"no readable article {', '.join(unknown)}")
        return [by_id[i] for i in sorted(set(ids))]
    chosen = [a for a in sorted(gold, key=lambda a: a.id) if not a.data["entities"] and not a.data["claims"]]
    if not chosen:
        raise UsageError(
            "every article has labels: name the articles to suggest for (their labels are never shown to the "
            "system), or add one with `cyberclaims new`"
        )
    return chosen


def training(gold: Sequence[Article], chosen: Sequence[Article]) -> tuple[list[Article], str]:
    """The train articles a system may learn from (never one it suggests for), and their digest."""
    excluded = {a.id for a in chosen}
    train = sorted((a for a in in_split(gold, "train") if a.id not in excluded), key=lambda a: a.id)
    labels = [[a.id, a.data["text_sha256"], a.data["entities"], a.data["claims"]] for a in train]
    digest = hashlib.sha256(json.dumps(labels, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return train, digest[:12]


def suggest(gold: Sequence[Article], chosen: Sequence[Article], system: str) -> Suggestions:
    """``system``'s suggestions for the articles ``chosen`` (of ``gold``, the corpus it may learn from)."""
    train, digest = training(gold, chosen)
    shown = [blank(a) for a in chosen]
    version = f"{__version__}+train.{digest}"
    described = f"{len(train)} train article{'s' if len(train) != 1 else ''} (digest {digest})"
    if system == "gazetteer":
        return _gazetteer(shown, train, version, described)
    if system == "rules":
        return _rules(shown, train, version, described)
    if system == "spacy":
        return _spacy(shown, train, described, digest)
    raise UsageError(f"unknown system {system!r}; known: {', '.join(SYSTEMS)}")


def _gazetteer(shown: list[Article], train: list[Article], version: str, described: str) -> Suggestions:
    lexicon = gazetteer_lexicon(gazetteer_counts(train))
    if not lexicon:
        raise UsageError(
            "the gazetteer learns from the train split, which holds no labelled mention outside the articles "
            "suggested for: it would suggest nothing"
        )
    articles = {}
    for article in shown:
        mentions = []
        for mention in gazetteer_mentions(article, lexicon):
            seen = lexicon[mention["form"]]
            share = sum(n for (label, _), n in seen.items() if label == mention["label"]) / sum(seen.values())
            mentions.append(
                {
                    **_span(article, mention),
                    "label": mention["label"],
                    "entity": mention["entity"],
                    "score": round(share, _SCORE_DIGITS),
                }
            )
        articles[article.id] = {"entities": _numbered(mentions, "m")}
    note = (
        f"The benchmark's gazetteer learnt from {described}; a mention's score is the share of its surface "
        f"form's annotated train occurrences that have its label."
    )
    return Suggestions("baseline:gazetteer", version, articles, note)


def _rules(shown: list[Article], train: list[Article], version: str, described: str) -> Suggestions:
    matched: Counter = Counter()
    found: Counter = Counter()
    learnt = rule_claim_predictions(train)
    for article in train:
        claims = learnt[article.id]["claims"]
        hits = {j for _, j in match_claims(article.data["claims"], claims, words_of="text")}
        for j, claim in enumerate(claims):
            kind = (claim["attribution"], claim["certainty"])
            found[kind] += 1
            found[None] += 1
            matched[kind] += j in hits
            matched[None] += j in hits

    def score(kind: tuple[str, str]) -> float | None:
        key = kind if found[kind] else None
        return round(matched[key] / found[key], _SCORE_DIGITS) if found[key] else None

    articles = {}
    suggested = rule_claim_predictions(shown)
    for article in shown:
        claims = []
        for claim in suggested[article.id]["claims"]:
            fields = {name: claim[name] for name in ("claimer", "attribution", "certainty")}
            given = score((claim["attribution"], claim["certainty"]))
            claims.append({**_span(article, claim), **fields, **({"score": given} if given is not None else {})})
        articles[article.id] = {"claims": _numbered(claims, "c")}
    note = (
        f"The benchmark's rule-based claims; a claim's score is the share of the rules' claims in {described} "
        f"with its attribution and certainty (else of all their claims) whose span matches a gold claim; "
        f"no score when the rules found no claim there."
    )
    return Suggestions("baseline:rules", version, articles, note)


def _spacy(shown: list[Article], train: list[Article], described: str, digest: str) -> Suggestions:
    try:
        documents, provenance = spacy_predictions(shown)
        trained, _ = spacy_predictions(train) if train else ({}, None)
    except Unavailable as exc:
        raise UsageError(str(exc)) from None
    right: Counter = Counter()
    said: Counter = Counter()
    for article in train:
        gold = {(m["start"], m["end"], m["label"]) for m in article.data["entities"]}
        for mention in trained[article.id]["entities"]:
            said[mention["label"]] += 1
            right[mention["label"]] += (mention["start"], mention["end"], mention["label"]) in gold
    articles = {}
    for article in shown:
        mentions = []
        for mention in documents[article.id]["entities"]:
            label = mention["label"]
            given = round(right[label] / said[label], _SCORE_DIGITS) if said[label] else None
            mentions.append(
                {**_span(article, mention), "label": label, **({"score": given} if given is not None else {})}
            )
        articles[article.id] = {"entities": _numbered(mentions, "m")}
    meta = provenance["meta"]
    version = f"{meta['version']}-spacy{provenance['packages']['spacy']}-cyberclaims{__version__}+train.{digest}"
    note = (
        f"{provenance['pipeline']} ({provenance['note']}), entities mapped to the guidelines' boundaries as in "
        f"the benchmark; a mention's score is spaCy's precision for its label on {described}."
    )
    return Suggestions(f"spacy:{provenance['pipeline'].split()[0]}", version, articles, note)


def _span(article: Article, span: dict[str, Any]) -> dict[str, Any]:
    return {"start": span["start"], "end": span["end"], "text": article.text[span["start"] : span["end"]]}


def _numbered(spans: list[dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """The spans in text order, each with its id (``<prefix>1``, ...) first."""
    ordered = sorted(spans, key=lambda s: (s["start"], s["end"]))
    return [{"id": f"{prefix}{n}", **span} for n, span in enumerate(ordered, start=1)]


# ---------------------------------------------------------------------------------------------
# Any system's output, in the minimal prediction format


def suggestions_from_file(
    path: Path, chosen: Sequence[Article], system: str, version: str, corpus_ids: Iterable[str] | None = None
) -> tuple[Suggestions, list[Issue]]:
    """The suggestions of a system's output in the minimal prediction format (one JSONL line per article,
    ``predictions.schema.json``, with an optional ``score`` per span), for the articles ``chosen``.

    Lines of other articles of the corpus (``corpus_ids``; None: any id) are skipped; a line whose id is no
    article of the corpus is an error, as in ``cyberclaims evaluate`` (a mistyped id). Each line is checked as ``cyberclaims evaluate`` checks it (the
    schema, offsets and span texts against the article, the gold layout); a malformed line or an article
    chosen without a line is a :class:`CyberClaimsError` carrying the issues. What a system got wrong that
    an annotator will correct (a span cutting a token, a label in boilerplate) is returned as warnings."""
    display = str(path)
    report = Report(files_checked=1)
    data, issues = read_capped(Path(path), display, MAX_REGISTRY_BYTES)
    report.issues += issues
    by_id: dict[str, Article | None] = {a.id: blank(a) for a in chosen}
    known = None if corpus_ids is None else {**dict.fromkeys(corpus_ids), **by_id}
    articles: dict[str, dict[str, list[dict[str, Any]]]] = {}
    flagged: list[Issue] = []
    attempted: set[str] = set()
    for number, raw in enumerate((data or b"").split(b"\n"), start=1):
        if not raw.strip():
            continue
        doc, issues = parse_json(raw, display)
        if doc is not None:
            issues = schema_issues(doc, "predictions")
        if issues or doc is None:
            report.issues += [replace(i, line=number) for i in issues]
            continue
        value = doc.value
        if value["id"] not in by_id:
            if known is not None and value["id"] not in known:
                report.issues.append(unknown_article(display, number, value["id"], known))
            continue  # an article not suggested for
        if value["id"] in attempted:
            report.issues.append(
                Issue(
                    display,
                    number,
                    "/id",
                    "duplicate-id",
                    f"article {value['id']!r} is given twice; keep one line per article",
                )
            )
            continue
        attempted.add(value["id"])
        article = by_id[value["id"]]
        _, issues = check_minimal(value, dict(by_id), None, display, number)
        flagged += [i for i in issues if i.code in SYSTEM_ERROR_CODES]
        refused = [i for i in issues if i.code not in SYSTEM_ERROR_CODES and i.severity.value == "error"]
        report.issues += refused
        if refused or article is None:
            continue
        entry: dict[str, list[dict[str, Any]]] = {}
        if "entities" in value:
            entry["entities"] = _numbered([_given(article, m, ("label", "entity")) for m in value["entities"]], "m")
        if "claims" in value:
            names = ("claimer", "attribution", "certainty", "normalized", "about")
            entry["claims"] = _numbered([_given(article, c, names) for c in value["claims"]], "c")
        articles[value["id"]] = entry
    for article_id in sorted(set(by_id) - attempted):
        report.issues.append(
            Issue(
                display,
                None,
                "",
                "missing-annotation",
                f"has no line for article {article_id!r}; a system that finds nothing there still writes one "
                f"(with empty lists)",
            )
        )
    if not report.ok:
        raise CyberClaimsError(f"{display} cannot be read as suggestions; nothing was written", report)
    note = f"The output of {system} read from {Path(path).name}; scores as it gives them."
    return Suggestions(system, version, articles, note), flagged


def _given(article: Article, span: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {
        **_span(article, span),
        **{n: span[n] for n in names if n in span},
        **({"score": span["score"]} if "score" in span else {}),
    }


# ---------------------------------------------------------------------------------------------
# A run over a repository


@dataclass
class SuggestRun:
    """The articles suggested for (as they are in the repository), the suggestions, and what the system
    got wrong that an annotator will correct (warnings)."""

    articles: list[Article]
    suggestions: Suggestions
    flagged: list[Issue]


def suggest_for(
    root: Path,
    ids: Sequence[str] = (),
    *,
    system: str | None = None,
    file: Path | None = None,
    name: str | None = None,
    version: str | None = None,
) -> SuggestRun:
    """Suggestions for the articles ``ids`` of the repository at ``root`` (default: those with no labels
    yet), by a baseline ``system`` or from a system's output ``file`` (named ``name`` at ``version``).

    The articles suggested for must validate (a :class:`CyberClaimsError` with the report otherwise);
    problems in other articles do not matter."""
    corpus, report = validate(Path(root), show_progress=False)
    chosen = targets(corpus.gold.articles, ids)
    files = {a.display for a in chosen} | {f"annotations/{a.id}.txt" for a in chosen}
    errors = [i for i in report.errors if i.file in files]
    if errors:
        raise CyberClaimsError(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} in the articles to suggest for; fix them first "
            f"(nothing was written)",
            Report(issues=errors),
        )
    if file is not None:
        if not name or not version:
            raise UsageError("--from needs the system's name and version (--system-name, --system-version)")
        for option, value in (("--system-name", name), ("--system-version", version)):
            if has_control_character(value) or has_lone_surrogate(value):  # written into every task and file
                raise UsageError(f"{option} '{printable(value)}' holds a control character or bytes that are not UTF-8")
        corpus_ids = [f.id for f in corpus.gold.files] + [a.id for a in corpus.gold.articles]
        suggestions, flagged = suggestions_from_file(file, chosen, name, version, corpus_ids)
        return SuggestRun(chosen, suggestions, flagged)
    if system is None:
        raise UsageError("say which system suggests: a baseline, or a file of a system's output")
    return SuggestRun(chosen, suggest(corpus.gold.articles, chosen, system), [])
