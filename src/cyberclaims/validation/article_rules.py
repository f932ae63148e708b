"""The rules a schema cannot express, for one parsed article: one small named function per rule.

Each rule reads an :class:`ArticleFacts` (the article's groups and spans, sorted out once) and returns
its issues; :data:`ARTICLE_RULES` lists them in the order they run, with the codes each may report
(UD's ``validate.py`` habit: one function per check, each with a stable id). Rules also run on
documents the schema rejected, so that one run reports everything: hence the type tests before each
use, ordered so that a valid document takes the shortest path. Nothing here is quadratic.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..core.issues import Issue
from ..core.jsondoc import pointer, shorten
from ..core.model import Article, Registry, RegistryView
from ..core.text import is_token_end, is_token_start, may_cross_sentence, tokenize, word_around
from ..core.vocabulary import ARTICLE_ID, ENTITY_LABELS, NAMED_LABELS, is_key
from .schema import schema_issues

# Characters that show nothing (format characters: zero-width space and joiners, bidi marks and
# embeddings, the soft hyphen, the BOM, word joiner): at a span's edge they make two equal-looking spans differ.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
_LABELS = frozenset(ENTITY_LABELS)  # a set: every mention looks its label up
_SHA256 = re.compile(r"[0-9a-f]{64}")
GROUPS = ("segments", "entities", "claims")

Span = tuple[int, int, int]  # start, end, index in its group


class ArticleFacts:
    """What the rules need of one article, each part worked out once, when a rule first asks for it."""

    def __init__(self, article: Article, registry: RegistryView) -> None:
        self.article, self.registry = article, registry
        self._suggestions: dict[tuple[str, str], str] = {}
        self._searches: dict[str, int] = {}

    def did_you_mean(self, key: str, table: str) -> str:
        """A close key of the registry's ``table``, for the first few unknown keys of the article only: each
        search costs the size of the registry, and thousands of unknown keys must not cost thousands."""
        memo = (table, key)
        if memo not in self._suggestions:
            searched = self._searches.get(table, 0)
            self._searches[table] = searched + 1
            self._suggestions[memo] = (
                _did_you_mean(key, self.registry.keys(table)) if searched < MAX_SUGGESTIONS else ""
            )
        return self._suggestions[memo]

    def issue(self, path: tuple, code: str, message: str) -> Issue:
        doc = self.article.doc
        return Issue(doc.display, doc.line_of(path), pointer(path), code, message)

    @cached_property
    def items(self) -> dict[str, list[tuple[int, dict]]]:
        """The objects of each group with their positions (other values are the schema's finding)."""
        return {group: items(self.article.data, group) for group in GROUPS}

    @cached_property
    def _sorted_spans(self) -> tuple[dict[str, list[Span]], list[Issue], bool]:
        return _sort_spans(self)

    @property
    def spans(self) -> dict[str, list[Span]]:
        """The spans that lie in the text, by group."""
        return self._sorted_spans[0]

    @property
    def span_issues(self) -> list[Issue]:
        """Why the other spans do not."""
        return self._sorted_spans[1]

    @property
    def broken_segments(self) -> bool:
        """A segment has bad offsets: coverage cannot be judged."""
        return self._sorted_spans[2]


def items(data: Any, name: str) -> list[tuple[int, dict]]:
    """The objects of the list ``data[name]`` with their positions in it (other values are the schema's finding)."""
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    if set(map(type, value)) <= _OBJECTS:  # every item an object, as in a valid document: tested in C
        return list(enumerate(value))
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


_OBJECTS = frozenset({dict})
_STRINGS = frozenset({str})


def _sort_spans(facts: ArticleFacts) -> tuple[dict[str, list[Span]], list[Issue], bool]:
    """One pass over every span: those that lie in the text, the issues of the others."""
    text = facts.article.text
    length = len(text)
    spans: dict[str, list[Span]] = {}
    issues: list[Issue] = []
    broken_segments = False
    # Whether an edge can be invisible or split a character at all, asked of the text once: most texts hold
    # neither kind of character (an ASCII text none), and asking per span edge doubled this pass's time.
    invisible, joining = (
        (False, False)
        if text.isascii()
        else (_INVISIBLE.search(text) is not None, any(_joins(c) for c in set(text) if not c.isascii()))
    )
    for group, group_items in facts.items.items():
        good = spans[group] = []
        labelled = group != "segments"
        for index, item in group_items:
            start, end = item.get("start"), item.get("end")
            if type(start) is int and type(end) is int and 0 <= start < end <= length:
                pass  # in order and in range, as most spans are: one test; the branches below say what is wrong
            elif type(start) is not int or type(end) is not int or start < 0 or end < 0:
                broken_segments |= not labelled  # coverage is unknown: a gap would only echo the schema
                continue  # the schema reports it
            elif start >= end:
                shown_start, shown_end = shorten(str(start), 20), shorten(str(end), 20)  # a 4,000-digit offset
                issues.append(
                    facts.issue((group, index), "span-reversed", f"start {shown_start} is not before end {shown_end}")
                )
                broken_segments |= not labelled
                continue
            else:  # end > length
                issues.append(
                    facts.issue(
                        (group, index),
                        "span-out-of-range",
                        f"end {shorten(str(end), 20)} is past the end of the text ({length} code points)",
                    )
                )
                broken_segments |= not labelled
                continue
            actual = text[start:end]
            if labelled:
                stated = item.get("text")
                if stated != actual and isinstance(stated, str):
                    issues.append(
                        facts.issue(
                            (group, index, "text"),
                            "span-text-mismatch",
                            f"text {_show(stated)} differs from the article at [{start}:{end}], which is {_show(actual)}",
                        )
                    )
                    continue  # offsets or text are wrong: checks of the span itself would only echo this
            if actual[0].isspace() or actual[-1].isspace():
                issues.append(
                    facts.issue(
                        (group, index),
                        "span-whitespace",
                        f"span [{start}:{end}] {_show(actual)} starts or ends with whitespace; trim it",
                    )
                )
            elif invisible and (_INVISIBLE.match(actual) or _INVISIBLE.match(actual[-1])):
                edge = actual[0] if _INVISIBLE.match(actual) else actual[-1]
                issues.append(
                    facts.issue(
                        (group, index),
                        "span-invisible-edge",
                        f"span [{start}:{end}] {_show(actual)} starts or ends with the invisible character "
                        f"U+{ord(edge):04X} ({unicodedata.name(edge, 'unnamed')}); trim it",
                    )
                )
            if joining and (_splits_character(text, start) or _splits_character(text, end)):
                at = start if _splits_character(text, start) else end
                issues.append(
                    facts.issue(
                        (group, index),
                        "span-splits-character",
                        f"span [{start}:{end}] {_show(actual)} {'starts' if at == start else 'ends'} inside a character: "
                        f"U+{ord(text[at]):04X} ({unicodedata.name(text[at], 'unnamed')}) at {at} belongs to the "
                        f"character before it; move the offset past the whole sequence",
                    )
                )
            good.append((start, end, index))
    return spans, issues, broken_segments


# ---------------------------------------------------------------------------------------------
# The rules


def id_matches_file_name(facts: ArticleFacts) -> list[Issue]:
    data, article = facts.article.data, facts.article
    if isinstance(data.get("id"), str) and ARTICLE_ID.fullmatch(data["id"]) and data["id"] != article.id:
        return [
            facts.issue(
                ("id",),
                "id-mismatch",
                f"id {data['id']!r} differs from the file name {article.id!r}; they must be equal",
            )
        ]
    return []


def text_matches_pin(facts: ArticleFacts) -> list[Issue]:
    """The text's sha256 against ``text_sha256`` (a final rule: offsets into another text mean nothing)."""
    article = facts.article
    pinned = article.data.get("text_sha256")
    if not (isinstance(pinned, str) and _SHA256.fullmatch(pinned)):
        return []
    actual = hashlib.sha256(article.text_bytes).hexdigest()
    if actual == pinned:
        return []
    hint = ""
    crlf = article.text_bytes.count(b"\r\n")
    if crlf:
        hint = (
            f"; the text has {crlf} CRLF line endings: if an editor or git added them, "
            f"restore the original LF endings (offsets depend on them)"
        )
    return [
        facts.issue(
            ("text_sha256",),
            "text-hash-mismatch",
            f"the text's sha256 is {actual}, the labels are pinned to {pinned}: the text changed after "
            f"labelling{hint}; span checks are skipped until text and pin agree",
        )
    ]


def spans_lie_in_text(facts: ArticleFacts) -> list[Issue]:
    """Offsets in order and in range, stated texts equal to the text at the offsets, no outer whitespace."""
    return facts.span_issues


def segments_cover_text(facts: ArticleFacts) -> list[Issue]:
    """Segments in order, not overlapping, and leaving no non-blank text outside them."""
    if facts.broken_segments:
        return []
    text = facts.article.text
    segments = facts.spans["segments"]
    issues = []
    previous = None
    for start, end, index in segments:  # in list order: each segment starts where the one before it ended
        if previous is not None and start < previous[1]:
            issues.append(
                facts.issue(
                    ("segments", index),
                    "segment-overlap",
                    f"segment [{start}:{end}] overlaps or precedes segment "
                    f"{pointer(('segments', previous[2]))} [{previous[0]}:{previous[1]}]",
                )
            )
        previous = (start, end, index)
    # Coverage is judged on the segments in text order, so a segment listed out of order is not also a gap.
    covered_to = 0
    for start, end, index in sorted(segments):
        if start > covered_to and text[covered_to:start].strip():
            issues.append(_gap_issue(facts, covered_to, start, ("segments", index)))
        covered_to = max(covered_to, end)
    if (segments or text.strip()) and text[covered_to:].strip():
        issues.append(_gap_issue(facts, covered_to, len(text), ("segments",)))
    return issues


def _gap_issue(facts: ArticleFacts, start: int, end: int, path: tuple) -> Issue:
    gap = facts.article.text[start:end]
    lead = len(gap) - len(gap.lstrip())
    trail = len(gap.rstrip())
    return facts.issue(
        path,
        "segment-gap",
        f"text [{start + lead}:{start + trail}] {_show(gap.strip())} lies in no "
        f"segment; add a segment (boilerplate if it is page furniture)",
    )


def no_labels_in_boilerplate(facts: ArticleFacts) -> list[Issue]:
    segment_at = dict(facts.items["segments"])
    boilerplate = [(s, e) for s, e, i in facts.spans["segments"] if segment_at[i].get("kind") == "boilerplate"]
    if not boilerplate:
        return []
    return [
        facts.issue(
            (group, index),
            "label-in-boilerplate",
            f"span [{start}:{end}] lies in a boilerplate segment, which gets no labels",
        )
        for group in ("entities", "claims")
        for start, end, index in facts.spans[group]
        if any(s < end and start < e for s, e in boilerplate)
    ]


def mentions_do_not_overlap(facts: ArticleFacts) -> list[Issue]:
    """Each mention that starts before an earlier one (in text order) has ended: one pass, after sorting.

    A mention is compared with the one reaching furthest so far, so a mention nested in a long one is found
    even when other mentions lie between them.
    """
    issues = []
    furthest: Span | None = None
    for s2, e2, i2 in sorted(facts.spans["entities"]):
        if furthest is not None and s2 < furthest[1]:
            s1, e1, i1 = furthest
            issues.append(
                facts.issue(
                    ("entities", i2),
                    "mention-overlap",
                    f"mention [{s2}:{e2}] overlaps mention {pointer(('entities', i1))} [{s1}:{e1}]",
                )
            )
        if furthest is None or e2 > furthest[1]:
            furthest = (s2, e2, i2)
    return issues


def mentions_fit_tokens_and_sentences(facts: ArticleFacts) -> list[Issue]:
    """Mentions cut by the tokenizer or crossing a sentence, checked locally around each mention.

    Validation never tokenizes a whole article: a boundary is a token boundary if whitespace is on
    its outer side, otherwise the word around it is tokenized alone (``text.is_token_start``). Two
    sentences meet only where a sentence end or a line break is, so only a mention with one inside is
    checked against the article's sentences (``text.may_cross_sentence``). A cut mention is not also
    checked for crossing: its offsets are already wrong.
    """
    article = facts.article
    text = article.text
    sentence_starts: list[int] | None = None
    whole: tuple[set[int], set[int]] | None = None  # the whole text's token starts and ends, once needed
    issues = []
    length = len(text)
    for start, end, index in facts.spans["entities"]:
        starts_token = ends_token = None
        if whole is None:
            # is_token_start and is_token_end as they begin, without the calls: most mentions have whitespace
            # (or the text's edge) outside both ends, and then both are token boundaries
            if not text[start].isspace() and (start == 0 or text[start - 1].isspace()):
                starts_token = True
            else:
                starts_token = is_token_start(text, start, LOCAL_WORD_LIMIT)
            if not text[end - 1].isspace() and (end == length or text[end].isspace()):
                ends_token = True
            else:
                ends_token = is_token_end(text, end, LOCAL_WORD_LIMIT)
        if starts_token is None or ends_token is None:  # a long run without whitespace: tokenize all once
            if whole is None:
                _, token_starts, token_ends = article.token_table()
                whole = set(token_starts), set(token_ends)
            starts_token, ends_token = start in whole[0], end in whole[1]
        if not starts_token or not ends_token:
            issues.append(
                facts.issue(
                    ("entities", index),
                    "mention-cut-by-tokenizer",
                    _cut_message(text, start, end, starts_token, ends_token),
                )
            )
            continue
        if not may_cross_sentence(text, start, end):
            continue
        if sentence_starts is None:
            sentence_starts = [s for s, _ in article.sentences()]
        if bisect_right(sentence_starts, start) != bisect_right(sentence_starts, end - 1):
            issues.append(
                facts.issue(
                    ("entities", index),
                    "mention-crosses-sentence",
                    f"{_show(text[start:end])} spans a sentence boundary of the project sentence splitter",
                )
            )
    return issues


def _cut_message(text: str, start: int, end: int, starts_token: bool, ends_token: bool) -> str:
    """Why a mention's offsets are not token boundaries: an edge on whitespace (trim it), or inside a word."""
    shown = text[start:end]
    spaces: list[tuple[str, str]] = []
    cuts: list[tuple[str, str]] = []
    if not starts_token:
        (spaces if text[start].isspace() else cuts).append(("starts", f"start {start}"))
    if not ends_token:
        (spaces if text[end - 1].isspace() else cuts).append(("ends", f"end {end}"))
    clauses = []
    if spaces:
        trimmed = shown.strip()
        fix = f"trim the span to {_show(trimmed)}" if trimmed else "the span is only whitespace"
        edges = " and ".join(f"{verb} with whitespace ({where})" for verb, where in spaces)
        clauses.append(f"{edges}: {fix}")
    if cuts:
        where = " and ".join(where for _, where in cuts)
        inside = "falls inside a token" if len(cuts) == 1 else "fall inside tokens"
        clauses.append(f"{where} {inside} ({_show(_token_context(text, start, end))})")
    return f"mention {_show(shown)}: {'; '.join(clauses)}; mentions are whole tokens"


# Words up to this long are tokenized alone around a mention; a longer run without whitespace (hostile,
# or a URL-like blob) makes the check tokenize the whole text once, so time stays linear in the text.
LOCAL_WORD_LIMIT = 256


def _token_context(text: str, start: int, end: int) -> str:
    """The tokens a mention touches, from the words around its two ends (at most a window of them)."""
    before, after = word_around(text, start, LOCAL_WORD_LIMIT), word_around(text, end - 1, LOCAL_WORD_LIMIT)
    first = before[0] if before else max(0, start - 40)
    last = after[1] if after else min(len(text), end + 40)
    touched = [(s, e) for s, e in tokenize(text, first, last) if s < end and start < e] or [(start, end)]
    return " ".join(text[s:e] for s, e in touched)


def local_ids_unique(facts: ArticleFacts) -> list[Issue]:
    """Mention and claim ids are unique across both lists (links between them name these ids)."""
    ids = [item.get("id") for group in ("entities", "claims") for _, item in facts.items[group]]
    if set(map(type, ids)) <= _STRINGS and len(set(ids)) == len(ids):
        return []  # no id twice, as in a valid document: found with sets, in C
    seen: dict[str, tuple] = {}
    issues = []
    for group in ("entities", "claims"):
        for index, item in facts.items[group]:
            local = item.get("id")
            if not isinstance(local, str):
                continue
            if local in seen:
                issues.append(
                    facts.issue(
                        (group, index, "id"), "duplicate-id", f"id {local!r} is already used at {pointer(seen[local])}"
                    )
                )
            else:
                seen[local] = (group, index)
    return issues


def mentions_link_registry(facts: ArticleFacts) -> list[Issue]:
    """A mention's entity is in the registry with the mention's type; a mention of a name links to one.

    A key is checked against the registry only when well formed (else it is the schema's finding);
    keys found in the registry were checked once, for the whole registry.
    """
    registry = facts.registry
    issues = []
    for index, mention in facts.items["entities"]:
        key, label = mention.get("entity"), mention.get("label")
        if isinstance(key, str) and registry.has_well_formed_entity(key):
            expected = (registry.entity(key) or {}).get("type")
            if expected != label and isinstance(label, str) and label in _LABELS:
                issues.append(
                    facts.issue(
                        ("entities", index, "label"),
                        "entity-type-mismatch",
                        f"label {label} differs from the registry type {expected} of {key!r}",
                    )
                )
        elif is_key(key) and registry.readable("entities"):
            issues.append(
                facts.issue(
                    ("entities", index, "entity"),
                    "unknown-entity",
                    f"entity {key!r} is not in the entity registry; add it to entities.json"
                    + facts.did_you_mean(key, "entities"),
                )
            )
        elif key is None and isinstance(label, str) and label in NAMED_LABELS:
            issues.append(
                facts.issue(
                    ("entities", index, "entity"),
                    "mention-unlinked",
                    f"{label} mention {_show(mention.get('text'))} links to no entity",
                )
            )
    return issues


def claims_link_registry(facts: ArticleFacts) -> list[Issue]:
    """A claim's claimer, ``about`` entities and proposition are registry keys ("author" aside)."""
    registry = facts.registry
    issues = []
    # A table whose file could not be read is reported once, where it is; its keys are not each "unknown".
    entities, propositions, events = (registry.readable(t) for t in ("entities", "propositions", "events"))
    for index, claim in facts.items["claims"]:
        claimer = claim.get("claimer")
        if (
            isinstance(claimer, str)
            and not registry.has_entity(claimer)
            and claimer != "author"
            and is_key(claimer)
            and entities
        ):
            issues.append(
                facts.issue(
                    ("claims", index, "claimer"),
                    "unknown-claimer",
                    f'claimer {claimer!r} is neither "author" nor a key of the entity registry'
                    + facts.did_you_mean(claimer, "entities"),
                )
            )
        about = claim.get("about")
        if isinstance(about, list):
            for position, key in enumerate(about):
                if isinstance(key, str) and not registry.has_entity(key) and is_key(key) and entities:
                    issues.append(
                        facts.issue(
                            ("claims", index, "about", position),
                            "unknown-about-entity",
                            f"about names {key!r}, which is not in the entity registry"
                            + facts.did_you_mean(key, "entities"),
                        )
                    )
        proposition = claim.get("proposition")
        if (
            isinstance(proposition, str)
            and not registry.has_proposition(proposition)
            and is_key(proposition)
            and propositions
        ):
            issues.append(
                facts.issue(
                    ("claims", index, "proposition"),
                    "unknown-proposition",
                    f"proposition {proposition!r} is not in the proposition registry; add it to "
                    f"propositions.json" + facts.did_you_mean(proposition, "propositions"),
                )
            )
        event = claim.get("event")
        if isinstance(event, str) and not registry.has_event(event) and is_key(event) and events:
            issues.append(
                facts.issue(
                    ("claims", index, "event"),
                    "unknown-event",
                    f"event {event!r} is not in the event registry; add it to events.json"
                    + facts.did_you_mean(event, "events"),
                )
            )
    return issues


def _splits_character(text: str, offset: int) -> bool:
    """An offset inside a user-perceived character: before a combining mark, a variation selector, a
    zero-width joiner, or after one (a joiner binds what follows it to what precedes it)."""
    if not 0 < offset < len(text):
        return False
    after, before = text[offset], text[offset - 1]
    return _joins(after) or before == "\u200d"


def _joins(character: str) -> bool:
    """A character next to which ``_splits_character`` can be true: a mark or a zero-width joiner."""
    return unicodedata.category(character) in ("Mn", "Mc", "Me") or character == "\u200d"


def dates_exist(facts: ArticleFacts) -> list[Issue]:
    """``published`` names a real day: the schema's pattern allows 2014-02-31."""
    metadata = facts.article.data.get("metadata")
    published = metadata.get("published") if isinstance(metadata, dict) else None
    if not isinstance(published, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", published):
        return []
    try:
        datetime.date.fromisoformat(published)
    except ValueError:
        return [
            facts.issue(
                ("metadata", "published"), "date-impossible", f"published {published!r} is not a day of the calendar"
            )
        ]
    return []


def strings_not_blank(facts: ArticleFacts) -> list[Issue]:
    """No string of the document is only whitespace (a title, a name, a normalized statement, a note):
    the schema's minLength counts a space as content."""
    # span texts are blank-tested too here: the walk below, which knows paths, sorts them out
    if not facts.article.doc.may_hold_blank_string():
        return []  # the common case, found without making a path per value (a quarter of the rules' time)
    issues = []
    stack: list[tuple[Any, tuple]] = [(facts.article.data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, path + (k,)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(value))
        elif isinstance(value, str) and value and value.isspace() and path[-1:] != ("text",):
            issues.append(
                facts.issue(
                    path,
                    "text-blank",
                    f"{_show(value)} is only whitespace; write the value, or leave the field out where it is optional",
                )
            )
    return sorted(issues, key=lambda i: i.pointer)


def attribution_fits_claimer(facts: ArticleFacts) -> list[Issue]:
    """``author`` asserts, every other claimer is reported (GUIDELINES.md, claims: claimer and attribution)."""
    issues = []
    for index, claim in facts.items["claims"]:
        claimer, attribution = claim.get("claimer"), claim.get("attribution")
        if not isinstance(claimer, str) or attribution not in ("asserted", "reported"):
            continue
        if claimer == "author" and attribution == "reported":
            issues.append(
                facts.issue(
                    ("claims", index, "attribution"),
                    "attribution-contradicts-claimer",
                    'claimer "author" with attribution "reported": the author\'s own claim is '
                    '"asserted"; a reported one names its source as claimer',
                )
            )
        elif claimer != "author" and attribution == "asserted":
            issues.append(
                facts.issue(
                    ("claims", index, "attribution"),
                    "attribution-contradicts-claimer",
                    f'claimer {claimer!r} with attribution "asserted": a claim attributed to a '
                    f'source is "reported"; an asserted one has claimer "author"',
                )
            )
    return issues


def article_is_labelled(facts: ArticleFacts) -> list[Issue]:
    """A skeleton (``cyberclaims new``) left as it is: no mention and no claim. Valid, but likely unfinished."""
    data = facts.article.data
    if not isinstance(data, dict) or data.get("entities") != [] or data.get("claims") != []:
        return []
    annotators = data.get("annotators")
    who = " and no annotators" if annotators == [] else ""
    return [
        facts.issue(
            ("entities",),
            "article-unlabelled",
            f"the article has no mentions, no claims{who}: label it (GUIDELINES.md), or it enters "
            f"the dataset with nothing in it",
        )
    ]


@dataclass(frozen=True)
class Rule:
    check: Callable[[ArticleFacts], list[Issue]]
    codes: tuple[str, ...]  # every code the rule may report
    final: bool = False  # when it reports anything, no later rule runs

    @property
    def name(self) -> str:
        return self.check.__name__


# The rules in the order they run. When the text no longer matches its pin, every offset points into a
# text that is no longer there: the pin comes before everything that reads offsets, and stops them.
ARTICLE_RULES: tuple[Rule, ...] = (
    Rule(id_matches_file_name, ("id-mismatch",)),
    Rule(text_matches_pin, ("text-hash-mismatch",), final=True),
    Rule(
        spans_lie_in_text,
        (
            "span-reversed",
            "span-out-of-range",
            "span-text-mismatch",
            "span-whitespace",
            "span-invisible-edge",
            "span-splits-character",
        ),
    ),
    Rule(segments_cover_text, ("segment-overlap", "segment-gap")),
    Rule(no_labels_in_boilerplate, ("label-in-boilerplate",)),
    Rule(mentions_do_not_overlap, ("mention-overlap",)),
    Rule(mentions_fit_tokens_and_sentences, ("mention-cut-by-tokenizer", "mention-crosses-sentence")),
    Rule(local_ids_unique, ("duplicate-id",)),
    Rule(mentions_link_registry, ("entity-type-mismatch", "unknown-entity", "mention-unlinked")),
    Rule(claims_link_registry, ("unknown-claimer", "unknown-about-entity", "unknown-proposition", "unknown-event")),
    Rule(dates_exist, ("date-impossible",)),
    Rule(strings_not_blank, ("text-blank",)),
    Rule(attribution_fits_claimer, ("attribution-contradicts-claimer",)),
    Rule(article_is_labelled, ("article-unlabelled",)),
)


def check_article(article: Article, registry: RegistryView) -> list[Issue]:
    """Every semantic problem of one parsed article: the rules of :data:`ARTICLE_RULES`, in order.

    The rules read the registries only through ``registry`` (every lookup noted: the build's cache key)."""
    facts = ArticleFacts(article, registry)
    issues: list[Issue] = []
    for rule in ARTICLE_RULES:
        found = rule.check(facts)
        issues += found
        if found and rule.final:
            break
    return issues


def _show(value: Any, limit: int = 80) -> str:
    if not isinstance(value, str):
        return repr(value)
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)


MAX_SUGGESTIONS = 20  # per registry and article


def _did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# The codes of the rules that read the registries: a system's predictions need not name its keys.
REGISTRY_CODES = frozenset(
    code
    for rule in ARTICLE_RULES
    if rule.check in (mentions_link_registry, claims_link_registry)
    for code in rule.codes
)


def document_issues(article: Article, registry: Registry) -> list[Issue]:
    """The schema's findings, then the rules', for an article already in memory (an import, a Parquet row).

    The one way to check an annotation document that did not come from a file of the corpus.
    """
    return schema_issues(article.doc, "annotation") + check_article(article, registry.view())
