"""Annotation error detection over the gold corpus: likely labelling mistakes, as located warnings.

``validate`` checks what must hold; ``lint`` points at what is probably inconsistent, for a person to look at
(every finding is a warning and none is wrong by necessity). Each check is one code of
:data:`cyberclaims.core.codes.LINT_CODES`:

- ``mention-unlabelled-elsewhere`` (variation n-grams, Klie et al. 2022; Reiss et al. 2020): a string
  labelled as a mention somewhere in the corpus occurs elsewhere, outside boilerplate, on token boundaries
  and with the same case, overlapping no mention. Located in the raw text (``<id>.txt:line``).
- ``mention-label-varies`` / ``mention-link-varies``: one string labelled with different labels, or with
  one label linked to different entities, across the corpus. Each mention whose label (link) is not the
  most frequent one for its string is reported; on a tie every mention of the string is.
- The claim checks (:mod:`cyberclaims.review.claim_lint`), each the check its guideline states, with the cues
  read from the guidelines' tables (:mod:`cyberclaims.review.cues`; a missing or malformed table is a located
  error): ``claim-hedged-but-certain`` (a cue weaker than the claim's certainty, 10.1), ``claim-contains-claim``
  (a span swallowing a coordinated neighbour, 8.5.4), ``claim-not-checkable`` (an evaluation with nothing
  checkable, 8.2.1), ``evidence-conclusion-missing`` (evidence without its conclusion claim, 10.2.5) and
  ``normalized-context-word`` (a context word in ``normalized``, 13.7).
- (A claimer that contradicts the attribution is not linted: ``validate`` refuses it, as the article rule
  ``attribution-contradicts-claimer``.)
- ``proposition-near-duplicate``: two statements of propositions.json whose word sets have a Jaccard
  index of at least :data:`NEAR_DUPLICATE` (a candidate for one proposition under two keys).

Time is linear in the corpus size for the mention checks: mention strings are indexed in a trie of their
tokens, and a walk from each text position follows only the strings that go on as the text does (one
400-token mention no longer makes every position look up 400 n-grams); near-duplicate
statements are found with prefix filtering (only statements sharing one of their rarest words are compared).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import CyberClaimsError
from ..core.files import MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue, Report
from ..core.jsondoc import parse_json, pointer
from ..core.model import Article, Corpus, relative
from ..core.text import token_table
from ..validation.runner import validate
from .accepted import apply_accepted
from .claim_lint import ClaimCues, claim_issues, read_claim_cues

NEAR_DUPLICATE = 0.8
_WORD = re.compile(r"\w+")


@dataclass
class _Seen:
    """The mentions of one string (as a token tuple) across the corpus."""

    labels: Counter = field(default_factory=Counter)
    links: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    places: list[tuple[Article, int, dict]] = field(default_factory=list)  # (article, index, mention)


def lint(root: Path) -> Report:
    """Validate the repository at ``root``, then lint its gold corpus with the cues of its guidelines; raise if
    it does not validate or its guidelines lack a cue table (located in annotations/GUIDELINES.md)."""
    corpus, report = validate(root, show_progress=False)
    if not report.ok:
        raise CyberClaimsError("the annotations do not validate; lint needs a valid corpus", report)
    report = lint_corpus(corpus, read_claim_cues(corpus.root))
    report.issues, accepted = apply_accepted(report.issues, corpus.root)
    report.accepted = len(accepted)
    return report


def lint_corpus(corpus: Corpus, cues: ClaimCues) -> Report:
    articles = list(corpus.gold.iter_articles(corpus.root))
    issues: list[Issue] = []
    seen = _index_mentions(articles)
    issues += _variation(seen)
    texts = {f.id: relative(f.text_path, corpus.root) for f in corpus.gold.files if f.text_path is not None}
    issues += _unlabelled_elsewhere(articles, seen, texts)
    for article in articles:
        issues += claim_issues(article, cues)
    issues += _near_duplicate_propositions(corpus.root / "annotations" / "propositions.json", corpus.root)
    return Report(issues, files_checked=len(articles))


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(token_table(text)[0])


def _index_mentions(articles: Iterable[Article]) -> dict[tuple[str, ...], _Seen]:
    seen: dict[tuple[str, ...], _Seen] = defaultdict(_Seen)
    for article in articles:
        for index, m in enumerate(article.data["entities"]):
            entry = seen[_tokens(m["text"])]
            entry.labels[m["label"]] += 1
            if m["entity"] is not None:
                entry.links[m["label"]][m["entity"]] += 1
            entry.places.append((article, index, m))
    seen.pop((), None)
    return dict(seen)


def _mention_issue(article: Article, index: int, code: str, message: str, field_name: str) -> Issue:
    path = ("entities", index, field_name)
    return Issue(article.display, article.doc.line_of(path), pointer(path), code, message)


def _minority(counts: Counter) -> set[str]:
    """The values to report: all but the most frequent one; all of them on a tie for the first place."""
    top = counts.most_common()
    if len(top) > 1 and top[0][1] == top[1][1]:
        return set(counts)
    return {value for value, _ in top[1:]}


def _describe(counts: Counter) -> str:
    return ", ".join(f"{value} {n}x" for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _variation(seen: dict[tuple[str, ...], _Seen]) -> list[Issue]:
    issues = []
    for entry in seen.values():
        if len(entry.labels) > 1:
            report = _minority(entry.labels)
            for article, index, m in entry.places:
                if m["label"] in report:
                    issues.append(
                        _mention_issue(
                            article,
                            index,
                            "mention-label-varies",
                            f"{m['text']!r} is labelled {m['label']} here; across the corpus: {_describe(entry.labels)}",
                            "label",
                        )
                    )
        for label, links in entry.links.items():
            if len(links) > 1:
                report = _minority(links)
                for article, index, m in entry.places:
                    if m["label"] == label and m["entity"] in report:
                        issues.append(
                            _mention_issue(
                                article,
                                index,
                                "mention-link-varies",
                                f"{m['text']!r} ({label}) links to {m['entity']} here; across the corpus: "
                                f"{_describe(links)}",
                                "entity",
                            )
                        )
    return issues


def _unlabelled_elsewhere(
    articles: Iterable[Article], seen: dict[tuple[str, ...], _Seen], texts: dict[str, str]
) -> list[Issue]:
    trie = _trie(seen)
    issues = []
    for article in articles:
        text = article.text
        strings, starts, ends = article.token_table()
        # where labels may be: outside boilerplate segments
        boilerplate = sorted(
            (s["start"], s["end"]) for s in article.data.get("segments") or [] if s["kind"] == "boilerplate"
        )
        # character positions covered by a mention (sorted spans: an occurrence overlapping one is skipped)
        spans = sorted((m["start"], m["end"]) for m in article.data["entities"])
        span_starts = [s for s, _ in spans]
        reach = []  # furthest end among the spans so far
        furthest = 0
        for _, e in spans:
            furthest = max(furthest, e)
            reach.append(furthest)

        def overlaps(
            start: int, end: int, intervals: list[tuple[int, int]], firsts: list[int], reaches: list[int]
        ) -> bool:
            i = bisect_left(firsts, end) - 1  # the last interval starting before end
            return i >= 0 and reaches[i] > start

        bp_starts = [s for s, _ in boilerplate]
        bp_reach = []
        furthest = 0
        for _, e in boilerplate:
            furthest = max(furthest, e)
            bp_reach.append(furthest)
        text_file = texts.get(article.id, article.display[: -len(".json")] + ".txt")
        for i in range(len(strings)):
            node = trie
            for last in range(i, len(strings)):
                if last > i and "\n" in text[ends[last - 1] : starts[last]]:
                    break  # an occurrence never spans lines (segments and sentences end there)
                child = node.get(strings[last])
                if child is None:
                    break  # no mention string goes on so: none longer starts here
                node = child
                entry = node.get(_END)
                if entry is None:
                    continue
                start, end = starts[i], ends[last]
                if overlaps(start, end, spans, span_starts, reach) or overlaps(
                    start, end, boilerplate, bp_starts, bp_reach
                ):
                    continue
                article_ref, index, example = entry.places[0]
                where = f"{article_ref.display}:{article_ref.doc.line_of(('entities', index))}"
                labels = " or ".join(sorted(entry.labels))
                issues.append(
                    Issue(
                        text_file,
                        text.count("\n", 0, start) + 1,
                        "",
                        "mention-unlabelled-elsewhere",
                        f"{text[start:end]!r} at offset {start} is not labelled, but is labelled {labels} in "
                        f"{sum(entry.labels.values())} place(s) (e.g. {where})",
                        column=start - (text.rfind("\n", 0, start) + 1) + 1,
                    )
                )
    return issues


_END = ""  # the key of a trie node under which the mention string ending there is kept (no token is empty)


def _trie(seen: dict[tuple[str, ...], _Seen]) -> dict:
    """The mention strings as a trie of their tokens: a walk from a text position follows only strings that go
    on as the text does, so each position costs the longest mention string matching there, not the longest in
    the corpus (as many nodes as the mentions have tokens)."""
    root: dict = {}
    for tokens, entry in seen.items():
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        node[_END] = entry
    return root


def _near_duplicate_propositions(path: Path, root: Path) -> list[Issue]:
    display = relative(path, root)
    if not path.is_file():
        return []
    data, _ = read_capped(path, display, MAX_REGISTRY_BYTES)
    doc, _ = parse_json(data, display) if data is not None else (None, [])
    if doc is None or not isinstance(doc.value, dict):
        return []
    items = doc.value.get("propositions")
    if not isinstance(items, list):
        return []
    statements = [
        (i, item["key"], set(_WORD.findall(item["statement"].lower())))
        for i, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("statement"), str)
    ]
    return [
        Issue(
            display,
            doc.line_of(("propositions", j, "statement")),
            pointer(("propositions", j, "statement")),
            "proposition-near-duplicate",
            f"the statement of {items[j]['key']} is nearly that of {items[i]['key']} (line "
            f"{doc.line_of(('propositions', i, 'statement'))}): word Jaccard {score:.2f}",
        )
        for i, j, score in similar_pairs(
            [words for _, _, words in statements], NEAR_DUPLICATE, [index for index, _, _ in statements]
        )
    ]


def similar_pairs(sets: list[set[str]], threshold: float, ids: list[int] | None = None) -> list[tuple[int, int, float]]:
    """(id i, id j, Jaccard) of the pairs i < j with Jaccard >= threshold, by prefix filtering.

    Two sets with Jaccard >= t share at least one of the first |s| - ceil(t |s|) + 1 members of each, in
    one global order (rarest first), so only sets sharing such a prefix member are compared.
    """
    ids = list(range(len(sets))) if ids is None else ids
    frequency = Counter(w for s in sets for w in s)
    index: dict[str, list[int]] = defaultdict(list)
    found = []
    for j, s in enumerate(sets):
        ordered = sorted(s, key=lambda w: (frequency[w], w))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1] if ordered else []
        candidates = {i for w in prefix for i in index[w]}
        for i in sorted(candidates):
            union = len(sets[i] | s)
            score = len(sets[i] & s) / union if union else 1.0
            if score >= threshold:
                found.append((ids[i], ids[j], score))
        for w in prefix:
            index[w].append(j)
    return found
