"""Tokenizer and sentence splitter: the one definition of tokens and sentences in the corpus.

Both work on code-point offsets into the unmodified article text (Python ``str`` indices), so a
token's ``(start, end)`` can be checked against any span of the annotations. They are deliberately
rule-based and small: the ``ner`` config, the validator's token-boundary check and the evaluation
all depend on them, and a change here changes the data (bump the dataset version).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import accumulate

# Penn-Treebank-like: clitics split off ("was|n't", "Sony|'s", straight or curly apostrophe),
# decimal numbers kept whole ("1.2"), every other non-space, non-word character its own token.
_TOKEN = re.compile(
    r"""
      \w+(?=n['’]t\b)            # "was" of "wasn't"
    | n['’]t\b                   # "n't"
    | ['’](?:s|S|re|ve|ll|d|m)\b # possessive or clitic: "'s", "’re"
    | \d+(?:[.,]\d+)+            # 1.2  6,000
    | \w+
    | [^\w\s]
    """,
    re.VERBOSE,
)
# The same tokens, as one group: ``split`` then gives [gap, token, gap, token, ..., gap] in C, and the
# offsets follow from the running sum of the parts' lengths (no Python call per token). The alternatives
# are regrouped for speed, not meaning: those starting with a word character are tried only there, and
# the "was" of "wasn't" only in a word ending in "n't". No two of them match at the same place except
# "\w+" after the others, so the order within a group does not matter (tests/test_text.py checks that
# this splits exactly as ``_TOKEN``).
_TOKEN_SPLIT = re.compile(
    r"""(
      (?=\w)(?:
          \d+(?:[.,]\d+)+
        | (?=\w*n['’]t\b)\w+(?=n['’]t\b)
        | n['’]t\b
        | \w+
      )
    | ['’](?:s|S|re|ve|ll|d|m)\b
    | [^\w\s]
    )""",
    re.VERBOSE,
)

_NON_SPACE = re.compile(r"\S*")

# Words whose trailing period does not end a sentence.
ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "gen",
        "gov",
        "sen",
        "rep",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)

# A sentence ends at . ! or ? (plus closing quotes/brackets) followed by whitespace. Linear: a match is
# tried only at the first mark of a run (the lookbehind), so a run of 80,000 "!" costs one attempt of
# 80,000 steps, not 80,000 of them (a match from inside a run ends where the whole run's would, so
# none of those attempts could succeed where the first failed). ``_sentence_ends`` handles a range that
# starts inside a run.
_SENTENCE_END = re.compile(r"""(?<![.!?])[.!?]+["'”’)\]]*(?=\s)""")
_SENTENCE_END_HERE = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)""")
_MARKS = re.compile(r"[.!?]*")
# Where a sentence can end inside a span: after the last character of a sentence end, before whitespace,
# or at a line break. A span with neither inside lies in one sentence, with no splitting needed.
_POSSIBLE_CUT = re.compile(r"""[.!?"'”’)\]]\s|[\r\n]""")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# No abbreviation is longer than this, so the word before a period is looked for only this far back.
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` code-point offsets of every token in ``text[start:end]``."""
    starts, ends = token_bounds(text, start, end)
    return list(zip(starts, ends))


def token_bounds(text: str, start: int = 0, end: int | None = None) -> tuple[list[int], list[int]]:
    """The same tokens as ``tokenize``, as two lists: their start offsets and their end offsets."""
    _, starts, ends = token_table(text, start, end)
    return starts, ends


def token_table(text: str, start: int = 0, end: int | None = None) -> tuple[list[str], list[int], list[int]]:
    """The tokens of ``text[start:end]`` as three parallel lists: their strings, starts and ends."""
    start = max(start, 0)  # as re's pos and endpos: clamped into the text, never counted from its end
    stop = len(text) if end is None else min(max(end, start), len(text))
    parts = _TOKEN_SPLIT.split(text[start:stop] if start or stop != len(text) else text)
    bounds = list(accumulate(map(len, parts), initial=start))
    return parts[1::2], bounds[1:-1:2], bounds[2::2]


def is_token_start(text: str, position: int, longest: int | None = None) -> bool | None:
    """Whether a token of ``tokenize(text)`` starts at ``position``, tokenizing only the word around it.

    A token never contains whitespace and the tokenizer looks neither behind a match nor past the
    next whitespace, so the whitespace-free run around ``position`` tokenizes as in the whole text.
    With ``longest``, None when that run is longer (the caller tokenizes the whole text once instead:
    many mentions in one long run would otherwise tokenize it once each).
    """
    if position >= len(text) or text[position].isspace():
        return False
    if position == 0 or text[position - 1].isspace():
        return True
    word = word_around(text, position, longest)
    return None if word is None else position in token_bounds(text, *word)[0]


def is_token_end(text: str, position: int, longest: int | None = None) -> bool | None:
    """Whether a token of ``tokenize(text)`` ends at ``position`` (see ``is_token_start``)."""
    if position <= 0 or position > len(text) or text[position - 1].isspace():
        return False
    if position == len(text) or text[position].isspace():
        return True
    word = word_around(text, position - 1, longest)
    return None if word is None else position in token_bounds(text, *word)[1]


def word_around(text: str, position: int, longest: int | None = None) -> tuple[int, int] | None:
    """The run of non-whitespace characters that contains ``text[position]``.

    With ``longest``, None when the run is longer than that; the cost is then bounded by ``longest``.
    """
    floor = 0 if longest is None else max(0, position - longest)
    start = position
    while start > floor and not text[start - 1].isspace():
        start -= 1
    if longest is None:
        return start, _always(_NON_SPACE.match(text, position)).end()
    if start == floor and floor > 0 and not text[floor - 1].isspace():
        return None
    end = _always(_NON_SPACE.match(text, position, start + longest + 1)).end()
    return None if end - start > longest else (start, end)


def may_cross_sentence(text: str, start: int, end: int) -> bool:
    """False when ``text[start:end]``, which starts and ends with non-space, lies within one sentence.

    A sentence starts at the first non-space after a cut, and every cut follows a sentence end
    (``.!?`` plus closers, then whitespace) or a line break; so a span can cross one only if such a
    pair of characters lies inside it. True means "split the sentences to know".
    """
    return _POSSIBLE_CUT.search(text, start, end) is not None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences; each ``(start, end)`` is trimmed of whitespace.

    A line break always ends a sentence (news pages put headlines, captions and paragraphs on
    lines of their own); a period after a known abbreviation ("Mr. Turner") does not.
    """
    stop = len(text) if end is None else end
    sentences: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text, start, stop):
        cut = line_start
        for m in _sentence_ends(text, line_start, line_end):
            if m.end() - m.start() == 1 and text[m.start()] == "." and _is_abbreviation(text, cut, m.start()):
                continue
            sentences.extend(trimmed(text, cut, m.end()))
            cut = m.end()
        sentences.extend(trimmed(text, cut, line_end))
    return sentences


def _sentence_ends(text: str, start: int, stop: int) -> Iterator[re.Match]:
    """The matches of ``_SENTENCE_END`` in ``text[start:stop]``, as if the range began the text."""
    pos = start
    if 0 < start < stop and text[start - 1] in ".!?":  # the lookbehind would see a mark outside the range
        m = _SENTENCE_END_HERE.match(text, start, stop)
        if m:
            yield m
            pos = m.end()
        else:
            pos = _always(_MARKS.match(text, start, stop)).end()
    yield from _SENTENCE_END.finditer(text, pos, stop)


def _is_abbreviation(text: str, floor: int, period: int) -> bool:
    # A word longer than the window is longer than every abbreviation either way, and searching for
    # "$" from the start of the sentence would try every position of it.
    word = _WORD_BEFORE.search(text, max(floor, period - _LONGEST_ABBREVIATION - 1), period)
    return word is not None and word.group(1).lower() in ABBREVIATIONS


def _lines(text: str, start: int, stop: int) -> Iterator[tuple[int, int]]:
    pos = start
    for m in _LINE_BREAK.finditer(text, start, stop):
        yield pos, m.start()
        pos = m.end()
    yield pos, stop


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def trimmed(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """The range without its leading and trailing whitespace: one (start, end), or none if it is blank."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [(start, end)] if start < end else []


def _always(match: re.Match[str] | None) -> re.Match[str]:
    """The match of a pattern that matches everywhere (``*``-quantified): never None."""
    assert match is not None
    return match
