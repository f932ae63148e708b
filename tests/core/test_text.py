"""The tokenizer and sentence splitter that the ner config and the validator share."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberclaims.core import text as text_module
from cyberclaims.core.model import Article
from cyberclaims.core.text import split_sentences, token_bounds, tokenize


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sony's network", ["Sony", "'s", "network"]),
        ("Sony Pictures’ data", ["Sony", "Pictures", "’", "data"]),
        ("that wasn’t newsworthy", ["that", "was", "n’t", "newsworthy"]),
        ("approximately 1.2 million times", ["approximately", "1.2", "million", "times"]),
        ("“Guardians of Peace” or GOP", ["“", "Guardians", "of", "Peace", "”", "or", "GOP"]),
        ("Some 6000 employees'", ["Some", "6000", "employees", "'"]),
        ("[North Korea].", ["[", "North", "Korea", "]", "."]),
    ],
)
def test_tokens(text, expected):
    assert words(text) == expected


def test_token_offsets_are_code_points_into_the_text():
    text = "“Guardians” ✓ Peace"
    for start, end in tokenize(text):
        assert text[start:end].strip() == text[start:end] != ""
    assert tokenize(text, 1) == [(s, e) for s, e in tokenize(text) if s >= 1]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Other films are: Mr. Turner, Still Alice. The FBI came.",
            ["Other films are: Mr. Turner, Still Alice.", "The FBI came."],
        ),
        ("A said “it is bad.” Then B left.", ["A said “it is bad.”", "Then B left."]),
        ("Headline\n\nBody one. Body two", ["Headline", "Body one.", "Body two"]),
        ("  padded  ", ["padded"]),
        ("", []),
    ],
)
def test_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected


# Texts dense in the tokenizer's special cases: clitics, decimals, abbreviations, line breaks.
_PIECES = [
    "a",
    "b",
    "n",
    "t",
    "s",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "'",
    "’",
    ".",
    ",",
    "!",
    "?",
    "1",
    "2",
    '"',
    "”",
    ")",
    "]",
    "-",
    "é",
    "n't",
    "won’t",
    "Mr.",
    "U.S.",
    "e.g.",
    "Sept.",
    "1.2",
    "1,000",
    "'s",
    "’re",
    "Sony",
]
_texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(_texts, st.data())
def test_a_range_taken_from_the_whole_texts_tokens_equals_tokenizing_the_range(text, data):
    """The build and the validator tokenize an article once and slice it; slicing must never differ."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    article = Article("x", text, text.encode(), None, "x")  # type: ignore[arg-type]
    found = article.token_range(start, end)
    if found is not None:  # where it answers, slicing the whole text's tokens is tokenizing the range
        _, starts, ends = article.token_table()
        i, j = found
        assert list(zip(starts[i:j], ends[i:j])) == tokenize(text, start, end)
    elif end < len(text) and text[end].isspace():  # refused only where a token crosses the start
        assert any(s < start < e for s, e in tokenize(text))
    assert token_bounds(text, start, end) == (
        [s for s, _ in tokenize(text, start, end)],
        [e for _, e in tokenize(text, start, end)],
    )
    for sentence_start, sentence_end in split_sentences(text):  # sentences always slice
        assert article.token_range(sentence_start, sentence_end) is not None
    # a segment's sentences are taken from the whole text's where the segment starts and ends on lines
    assert article.sentences(start, end) == split_sentences(text, start, end)
    for first, last in ((0, start), (start, len(text))):
        assert article.sentences(first, last) == split_sentences(text, first, last)


def _sentences_by_full_search(text: str) -> list[tuple[int, int]]:
    """split_sentences with the abbreviation looked up from the start of the sentence, as first written."""
    original = text_module._LONGEST_ABBREVIATION
    text_module._LONGEST_ABBREVIATION = len(text) + 1
    try:
        return split_sentences(text)
    finally:
        text_module._LONGEST_ABBREVIATION = original


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(_texts)
def test_abbreviation_lookup_in_a_short_window_splits_as_a_full_search(text):
    assert split_sentences(text) == _sentences_by_full_search(text)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, derandomize=True)
@given(_texts, st.data())
def test_a_span_that_crosses_a_sentence_is_always_flagged_for_splitting(text, data):
    """The validator splits sentences only for mentions ``may_cross_sentence`` flags: it must miss none."""
    bounds = [(s, e) for s, e in tokenize(text)]
    if not bounds:
        return
    first = data.draw(st.integers(0, len(bounds) - 1))
    last = data.draw(st.integers(first, len(bounds) - 1))
    start, end = bounds[first][0], bounds[last][1]  # a mention is whole tokens
    sentence_starts = [s for s, _ in split_sentences(text)]
    crosses = any(start < s < end for s in sentence_starts)
    if crosses:
        assert text_module.may_cross_sentence(text, start, end)


_REFERENCE_SPLIT = re.compile("(" + text_module._TOKEN.pattern + ")", re.VERBOSE)
_TRICKY = _PIECES + ["nn't", "n'tt", "1n't", "2.n't", "_", "٣", "ǅ", "'S", "'ll", "n’T", "x1.2", "1.", ".5"]


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_TRICKY), max_size=40).map("".join))
def test_the_fast_token_pattern_splits_exactly_as_the_documented_one(text):
    assert text_module._TOKEN_SPLIT.split(text) == _REFERENCE_SPLIT.split(text)
