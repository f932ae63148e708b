"""The claim checks of ``cyberclaims lint``: each the operational check that GUIDELINES.md states for its rule.

Every cue comes from a table of the guidelines (:mod:`cyberclaims.review.cues`); the small lists below are
grammar (articles, prepositions, forms of "be"), not cues. A finding is a prompt to read the rule: the
checks are approximations of rules a person applies, and each code's description in ``core/codes.py`` says
exactly what it approximates.

- ``claim-hedged-but-certain`` (10.1, 10.2): the span holds a cue of ``certainty-cues`` of a level weaker
  than the claim's certainty; a cue of ``evidence-cues`` counts as ``probable`` (10.1), except in an evidence
  claim, which is rightly ``certain`` (10.2.5: its ``normalized`` states the evidence, so holds the cue).
- ``claim-contains-claim`` (8.5.4): a span contains another claim's span and the coordinator ("and", "but",
  "or", "nor", a comma or a semicolon) that joins it to a neighbouring conjunct.
- ``claim-not-checkable`` (8.2.1): an evaluative cue is the claim's predicate and nothing checkable is left.
- ``evidence-conclusion-missing`` (10.2.5): an evidence claim without its conclusion claim.
- ``normalized-context-word`` (13.7): a cue of ``context-words`` in ``normalized``, outside the allowed forms.

Where a check differs from the sentence "Check (for lint)" of its guideline, and why:

- 8.2.1 says "no verb other than a form of be, have, seem or become". Lint has no part-of-speech tagger (a
  finding must not depend on an optional install), so it asks for the cue as the predicate instead: the
  complement of such a verb, or the opening words of a span that holds one ("What a week it has been").
- 8.5.4's check, read literally, flags the containment the same section allows ("Harlow Mutual, Kestrel's
  insurer, paid the ransom": a comma follows the inner span). Lint skips a comma that closes a parenthetical
  opened earlier in the outer span, an inner span between commas, and an outer claim whose other conjunct is
  a claim too and that holds words of its own beyond both (its predicate).
- 10.2.5's check accepts any claim of the claimer in the sentence. When the cue's complement is inside the
  span ("which has been traced back to Valdora"), the evidence claim states what its conclusion is about,
  so lint asks for the conclusion that 10.2.5 describes for that case: a probable (or weaker) claim sharing
  the span; a flat statement elsewhere in the sentence serves only when the cue ends the span.

Each check is linear in the article: cue matching costs one look-up per token; spans are located in the
article's token table by bisection, candidate conclusions are counted per sentence and claimer and found by an
overlap query, and word counts are prefix sums.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from ..core.issues import Issue
from ..core.jsondoc import pointer
from ..core.model import Article
from ..core.text import token_table
from ..core.vocabulary import CERTAINTIES, NAMED_LABELS
from .cues import CueMatch, CueTable, read_cue_tables, table_problem

CERTAINTY_CUES, EVALUATIVE_CUES, EVIDENCE_CUES, CONTEXT_WORDS = (
    "certainty-cues",
    "evaluative-cues",
    "evidence-cues",
    "context-words",
)
LEVEL_COLUMN = "level"  # of certainty-cues: the certainty a cue marks


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Grammar, not cues: the words the approximations skip or look for.
COORDINATORS = _words("and but or nor")
CLAUSE_MARKS = _words(", ;")
# Forms of "be", "have", "seem" and "become" (8.2.1: verbs that state nothing checkable on their own).
LINKING_VERBS = _words(
    "be is are was were been being am have has had having seem seems seemed seeming become becomes became "
    "becoming 're ’re 'm ’m"
)
PRONOUNS = _words("it that this there he she what who which they we you i")
# Between a linking verb and an evaluative cue that is its complement ("was not a very odd ...").
DEGREE_WORDS = _words(
    "a an the not n't never so such quite rather too really just truly pretty fairly somewhat all more most less "
    "least no none"
)
PREPOSITIONS = _words(
    "about above across after against along amid among around as at before behind below beneath beside besides "
    "between beyond by despite during except for from in inside into like near of off on onto out outside over past "
    "since through throughout to toward towards under until up upon via with within without"
)
DATE_WORDS = _words(
    "day week weekend month year morning afternoon evening night spring summer autumn fall winter quarter decade "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december"
)
FUNCTION_WORDS = (
    LINKING_VERBS
    | PRONOUNS
    | DEGREE_WORDS
    | PREPOSITIONS
    | COORDINATORS
    | _words("do does did will would shall should can could may might must")
)
# What may follow an evidence cue in its span when the conclusion is stated elsewhere ("the logs indicated so").
PRO_FORMS = _words("so it this that as much")
_WORD = re.compile(r"\w")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class ClaimCues:
    """The four tables the claim checks read, and the certainty level of each row of ``certainty-cues``."""

    certainty: CueTable
    evaluative: CueTable
    evidence: CueTable
    context: CueTable

    def level(self, match: CueMatch) -> str:
        return match.row.cells[LEVEL_COLUMN]


def read_claim_cues(root: Path) -> ClaimCues:
    """The tables from the repository's guidelines; a located error if one is missing or unusable."""
    tables = read_cue_tables(root, (CERTAINTY_CUES, EVALUATIVE_CUES, EVIDENCE_CUES, CONTEXT_WORDS))
    certainty = tables[CERTAINTY_CUES]
    if LEVEL_COLUMN not in certainty.columns:
        raise table_problem(certainty, None, f"no column {LEVEL_COLUMN!r}: lint reads each cue's certainty level there")
    for row in certainty.rows:
        if row.cells[LEVEL_COLUMN] not in CERTAINTIES:
            raise table_problem(
                certainty,
                row,
                f"level {row.cells[LEVEL_COLUMN]!r} is not a certainty ({', '.join(CERTAINTIES)})",
            )
    return ClaimCues(certainty, tables[EVALUATIVE_CUES], tables[EVIDENCE_CUES], tables[CONTEXT_WORDS])


def _weaker(level: str, than: str) -> bool:
    return CERTAINTIES.index(level) > CERTAINTIES.index(than)  # the schema lists them strongest first


def _overlaps(a: CueMatch, b: CueMatch) -> bool:
    return a.start < b.end and b.start < a.end


def _quoted(matches: list[CueMatch]) -> str:
    return ", ".join(repr(m.cue) for m in matches)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _ArticleClaims:
    """One article's claims with what the checks share: cue matches, token ranges, sentences."""

    def __init__(self, article: Article, cues: ClaimCues) -> None:
        self.article, self.cues = article, cues
        self.claims: list[dict] = article.data["claims"]
        self.strings, self.starts, self.ends = article.token_table()
        self.lowered = [s.lower() for s in self.strings]
        self.span_evidence = [self.find(cues.evidence, c) for c in self.claims]
        self.normalized_evidence = [cues.evidence.find(c["normalized"]) for c in self.claims]
        self.commas = list(accumulate((s == "," for s in self.lowered), initial=0))  # commas before token i
        # words[i]: how many word tokens (not punctuation) come before token i
        self.words = list(accumulate((bool(_WORD.search(s)) for s in self.strings), initial=0))

    def issue(self, path: tuple, code: str, message: str) -> Issue:
        return Issue(self.article.display, self.article.doc.line_of(path), pointer(path), code, message)

    def is_evidence_claim(self, index: int) -> bool:
        """10.2.5: a claim reporting evidence states it, cue and all, in its normalized sentence."""
        return bool(self.span_evidence[index]) and bool(self.normalized_evidence[index])

    def find(self, table: CueTable, claim: dict) -> list[CueMatch]:
        """The cues of ``table`` in a claim's span, matched on the article's tokens."""
        return table.find_in_tokens(
            self.lowered, self.starts, self.ends, *self.token_range(claim["start"], claim["end"])
        )

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indexes [i, j) of the tokens lying inside ``text[start:end]``."""
        return bisect_left(self.starts, start), bisect_right(self.ends, end)

    def word_count(self, start: int, end: int) -> int:
        i, j = self.token_range(start, end)
        return self.words[max(i, j)] - self.words[i]


def claim_issues(article: Article, cues: ClaimCues) -> list[Issue]:
    claims = _ArticleClaims(article, cues)
    issues = _hedged_but_certain(claims) + _contains_claim(claims) + _not_checkable(claims)
    return issues + _evidence_conclusion_missing(claims) + _context_words(claims)


def _hedged_but_certain(claims: _ArticleClaims) -> list[Issue]:
    issues = []
    cues = claims.cues
    for index, c in enumerate(claims.claims):
        certainty = c["certainty"]
        evidence = claims.span_evidence[index]
        evidence_claim = claims.is_evidence_claim(index)
        hedges = []
        for m in claims.find(cues.certainty, c):
            level = cues.level(m)
            if not _weaker(level, certainty):
                continue
            if evidence_claim and any(_overlaps(m, e) for e in evidence):
                continue  # the evidence claim states that the evidence points somewhere: that is certain
            hedges.append((m, level))
        if not evidence_claim and _weaker("probable", certainty):
            # 10.1: every evidence cue also makes a conclusion probable
            hedges += [(e, "probable") for e in evidence if not any(_overlaps(e, m) for m, _ in hedges)]
        if hedges:
            hedges.sort(key=lambda h: h[0].start)
            said = ", ".join(f"{m.cue!r} ({level})" for m, level in hedges)
            issues.append(
                claims.issue(
                    ("claims", index, "certainty"),
                    "claim-hedged-but-certain",
                    f"claim {c['id']} says {said} ({_short(c['text'])!r}) but its certainty is {certainty}: check "
                    f"whether the cue bears on the proposition recorded (GUIDELINES.md 10.1, 10.2)",
                )
            )
    return issues


def _contains_claim(claims: _ArticleClaims) -> list[Issue]:
    """8.5.4: a span that holds another claim's span and, touching it, a coordinator and the other conjunct."""
    lowered = claims.lowered
    starting: dict[int, list[int]] = defaultdict(list)
    ending: dict[int, list[int]] = defaultdict(list)
    for index, c in enumerate(claims.claims):
        starting[c["start"]].append(index)
        ending[c["end"]].append(index)
    joiners = [k for k, s in enumerate(lowered) if s in COORDINATORS or s in CLAUSE_MARKS]
    issues = []
    for a_index, a in enumerate(claims.claims):
        first, stop = claims.token_range(a["start"], a["end"])
        reported: set[int] = set()
        for k in joiners[bisect_left(joiners, first) : bisect_left(joiners, stop)]:
            for found in _swallowed(claims, lowered, starting, ending, a, (first, stop), k):
                b_index, conjunct, joiner = found
                if b_index in reported:
                    continue
                reported.add(b_index)
                b = claims.claims[b_index]
                issues.append(
                    claims.issue(
                        ("claims", a_index),
                        "claim-contains-claim",
                        f"claim {a['id']} ({_short(a['text'])!r}) contains claim {b['id']} ({_short(b['text'])!r}) "
                        f"joined by {joiner!r} to {_short(conjunct)!r}: a claim span never swallows a neighbouring "
                        f"claim; give each conjunct its own span, unless the outer claim states what neither "
                        f"conjunct does and cannot be spanned without the inner one (GUIDELINES.md 8.5.4)",
                    )
                )
    return issues


def _swallowed(
    claims: _ArticleClaims,
    lowered: list[str],
    starting: dict[int, list[int]],
    ending: dict[int, list[int]],
    a: dict,
    bounds: tuple[int, int],
    k: int,
) -> list[tuple[int, str, str]]:
    """The inner claims that the joiner at token ``k`` ties to a conjunct inside claim ``a``: (claim, conjunct, joiner)."""
    first, stop = bounds
    starts, ends, text = claims.starts, claims.ends, claims.article.text
    found = []
    # the inner claim ends just before the joiner: the conjunct follows it
    if k - 1 >= first:
        after = k + 1
        joiner = lowered[k]
        if joiner == ",":
            parenthetical = claims.commas[k] > claims.commas[first]  # the comma closes one opened before it
            if after < stop and lowered[after] in COORDINATORS:
                joiner, after = f", {lowered[after]}", after + 1
            elif parenthetical:
                after = stop  # ", B, paid the ransom": a parenthetical closes, nothing is coordinated
        if after < stop:
            for b_index in ending.get(ends[k - 1], ()):
                b = claims.claims[b_index]
                if b["start"] < a["start"] or b is a:
                    continue
                others = [
                    claims.claims[c] for c in starting.get(starts[after], ()) if claims.claims[c]["end"] <= a["end"]
                ]
                if not _states_more(claims, a, b, others, joiner):
                    found.append((b_index, text[starts[after] : a["end"]], joiner))
    # the inner claim starts just after the joiner: the conjunct precedes it
    if k + 1 < stop:
        before = k - 1
        joiner = lowered[k]
        if joiner in COORDINATORS and before >= first and lowered[before] == ",":
            joiner, before = f", {joiner}", before - 1
        for b_index in starting.get(starts[k + 1], ()):
            b = claims.claims[b_index]
            if b["end"] > a["end"] or b is a or before < first:
                continue
            if joiner == ",":
                # ", B," inside the outer span with no coordinator after it: B is a parenthetical (8.5.4 (b))
                close = bisect_left(starts, b["end"])
                if (
                    close < stop
                    and lowered[close] == ","
                    and not (close + 1 < stop and lowered[close + 1] in COORDINATORS)
                ):
                    continue
            others = [claims.claims[c] for c in ending.get(ends[before], ()) if claims.claims[c]["start"] >= a["start"]]
            if not _states_more(claims, a, b, others, joiner):
                found.append((b_index, text[a["start"] : ends[before]], joiner))
    return found


def _states_more(claims: _ArticleClaims, a: dict, b: dict, conjuncts: list[dict], joiner: str) -> bool:
    """8.5.4's allowed containment: the other conjunct is a claim too, and the outer span holds words beyond
    both and the joiner ("X and Y could hold the answer": the outer claim's predicate)."""
    joiner_words = sum(1 for part in joiner.split() if part.strip(",;"))
    for c in conjuncts:
        if c is a or c is b:
            continue
        left = claims.word_count(a["start"], a["end"]) - claims.word_count(b["start"], b["end"])
        if left - claims.word_count(c["start"], c["end"]) - joiner_words > 0:
            return True
    return False


def _not_checkable(claims: _ArticleClaims) -> list[Issue]:
    """8.2.1: an evaluative cue as the predicate, and without the cues no value, no digit, one entity at most."""
    article, cues = claims.article, claims.cues
    mentions = sorted((m["start"], m["end"], m["label"]) for m in article.data["entities"])
    mention_starts = [m[0] for m in mentions]
    issues = []
    for index, c in enumerate(claims.claims):
        found = claims.find(cues.evaluative, c)
        if not found:
            continue
        predicate = _evaluative_predicate(claims, c, found)
        if predicate is None:
            continue

        inside = [
            m
            for m in mentions[bisect_left(mention_starts, c["start"]) : bisect_left(mention_starts, c["end"])]
            if m[1] <= c["end"] and _outside(found, m[0], m[1])
        ]
        if any(label not in NAMED_LABELS for _, _, label in inside) or len(inside) > 1:
            continue
        i, j = claims.token_range(c["start"], c["end"])
        if any(
            _DIGIT.search(claims.strings[t]) and _outside(found, claims.starts[t], claims.ends[t]) for t in range(i, j)
        ):
            continue
        issues.append(
            claims.issue(
                ("claims", index),
                "claim-not-checkable",
                f"claim {c['id']} ({_short(c['text'])!r}) is an evaluation ({predicate.cue!r}): without its evaluative "
                f"words it states no value, no figure and no relation between two entities; if nothing checkable "
                f"is left it is not a claim (GUIDELINES.md 8.2.1)",
            )
        )
    return issues


def _outside(matches: list[CueMatch], start: int, end: int) -> bool:
    return not any(m.start < end and start < m.end for m in matches)


def _evaluative_predicate(claims: _ArticleClaims, claim: dict, found: list[CueMatch]) -> CueMatch | None:
    """The cue that is the claim's predicate: the complement of a linking verb ("was deeply odd", "is a
    terrible bunch"), or the span's opening words before one ("What a week it has been")."""
    lowered = claims.lowered
    first, stop = claims.token_range(claim["start"], claim["end"])
    in_cue: set[int] = set()
    for m in found:
        i, j = claims.token_range(m.start, m.end)
        in_cue.update(range(i, j))
    linking = {t for t in range(first, stop) if _is_linking(lowered, t, first)}
    for m in found:
        i, _ = claims.token_range(m.start, m.end)
        t = i - 1
        while t >= first and (lowered[t] in DEGREE_WORDS or t in in_cue):
            t -= 1
        if t >= first and t in linking:
            return m
        if i == first and any(t > i for t in linking):
            return m
    return None


def _is_linking(lowered: list[str], t: int, first: int) -> bool:
    word = lowered[t]
    if word in ("'s", "’s"):  # "it's", "that’s": a linking verb only after a pronoun (else a possessive)
        return t > first and lowered[t - 1] in PRONOUNS
    return word in LINKING_VERBS


def _evidence_conclusion_missing(claims: _ArticleClaims) -> list[Issue]:
    """10.2.5: an evidence claim needs a conclusion claim of the same claimer that states no evidence.

    When the cue's complement is in the span ("was traced to an exchange in Valdora"), the conclusion shares
    the span and is ``probable`` or weaker; when the cue ends the span ("as build paths suggest", "the logs
    indicated so"), it is stated elsewhere in the sentence, and a flat statement serves.
    """
    evidence_claims = [i for i in range(len(claims.claims)) if claims.is_evidence_claim(i)]
    if not evidence_claims:
        return []
    conclusions = _Conclusions(claims)
    issues = []
    for index in evidence_claims:
        c = claims.claims[index]
        last = claims.span_evidence[index][-1]
        i, j = claims.token_range(last.end, c["end"])
        open_cue = all(claims.lowered[t] in PRO_FORMS for t in range(i, j) if _WORD.search(claims.strings[t]))
        if conclusions.in_sentence(c) if open_cue else conclusions.sharing_span(c):
            continue
        where = (
            "in its sentence (a flat statement serves)"
            if open_cue
            else "that shares its span and is probable or weaker"
        )
        issues.append(
            claims.issue(
                ("claims", index),
                "evidence-conclusion-missing",
                f"claim {c['id']} reports evidence ({last.cue!r}: {_short(c['text'])!r}) but no claim of the same "
                f"claimer ({c['claimer']}) {where} states what it points to (a normalized sentence without an "
                f"evidence cue): add the conclusion claim (GUIDELINES.md 10.2.5)",
            )
        )
    return issues


class _Conclusions:
    """The claims that can be a conclusion (a normalized sentence without an evidence cue), indexed by claimer:
    per sentence, and as spans for an overlap query (starts sorted, with the furthest end so far)."""

    def __init__(self, claims: _ArticleClaims) -> None:
        sentences = claims.article.sentences()
        self.firsts = [s for s, _ in sentences]
        self.per_sentence: dict[tuple[int, str], int] = defaultdict(int)
        hedged: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, c in enumerate(claims.claims):
            if claims.normalized_evidence[index]:
                continue
            for s in self.sentences(c):
                self.per_sentence[(s, c["claimer"])] += 1
            if _weaker(c["certainty"], "certain"):
                hedged[c["claimer"]].append((c["start"], c["end"]))
        self.spans: dict[str, tuple[list[int], list[int]]] = {}
        for claimer, spans in hedged.items():
            spans.sort()
            self.spans[claimer] = ([s for s, _ in spans], list(accumulate((e for _, e in spans), max)))

    def sentences(self, claim: dict) -> range:
        first = max(bisect_right(self.firsts, claim["start"]) - 1, 0)
        return range(first, max(bisect_left(self.firsts, claim["end"]) - 1, first) + 1)

    def in_sentence(self, evidence: dict) -> bool:
        """A candidate of the same claimer in a sentence of the evidence claim (which is no candidate itself)."""
        return any(self.per_sentence.get((s, evidence["claimer"]), 0) for s in self.sentences(evidence))

    def sharing_span(self, evidence: dict) -> bool:
        """A probable or weaker candidate of the same claimer whose span overlaps the evidence claim's."""
        starts, reach = self.spans.get(evidence["claimer"], ([], []))
        before_end = bisect_left(starts, evidence["end"])  # the candidates starting before the span ends
        return before_end > 0 and reach[before_end - 1] > evidence["start"]


def _context_words(claims: _ArticleClaims) -> list[Issue]:
    issues = []
    for index, c in enumerate(claims.claims):
        normalized = c["normalized"]
        matches = claims.cues.context.find(normalized)
        if not matches:
            continue
        strings, starts, _ = token_table(normalized)
        found = [m for m in matches if _is_context_word(strings, starts, m)]
        if found:
            issues.append(
                claims.issue(
                    ("claims", index, "normalized"),
                    "normalized-context-word",
                    f"the normalized sentence of claim {c['id']} holds {_quoted(found)}, whose meaning depends on "
                    f"the article's other sentences: say the thing plainly (GUIDELINES.md 13.7)",
                )
            )
    return issues


# A cue followed by this word is not one: the comparison is named ("other than", "such as"), or the words join
# like "and" ("as well as").
_NOT_A_CUE_BEFORE = {"other": "than", "such": "as", "as well": "as"}


def _is_context_word(strings: list[str], starts: list[int], match: CueMatch) -> bool:
    """Whether a context-word cue in a normalized sentence is one, outside the forms 13.7 allows."""
    words = [s.lower() for s in strings]
    at = bisect_left(starts, match.start)
    n = len(token_table(match.cue)[0])
    before = words[at - 1] if at > 0 else None
    after = words[at + n] if at + n < len(words) else None
    first_word = next((t for t, s in enumerate(strings) if _WORD.search(s)), 0)
    cue = match.cue
    if at != first_word and strings[at][:1].isupper():
        return False  # part of a name ("Still Harbour", a film), not a word of the sentence's own
    if cue in ("this", "earlier", "later") and _anchored_to_publication(words, at):
        return False  # "this year", "earlier this month": relative to the publication date (13.2)
    if after is not None and _NOT_A_CUE_BEFORE.get(cue) == after:
        return False
    if cue == "the same" and "as" in words[at + n :]:
        return False  # "the same … as": the comparison is in the sentence
    if cue == "that" and before is not None and before not in PREPOSITIONS:
        return False  # a conjunction or relative pronoun ("said that", "the loader that"); "in that attack" is one
    # "the former chief executive": an adjective of a role, not a pointer to something named before
    return not (cue == "the former" and after is not None and _WORD.search(after) and after not in FUNCTION_WORDS)


def _anchored_to_publication(words: list[str], at: int) -> bool:
    if words[at] == "this":
        return at + 1 < len(words) and words[at + 1] in DATE_WORDS
    return words[at + 1 : at + 2] == ["this"] and at + 2 < len(words) and words[at + 2] in DATE_WORDS
