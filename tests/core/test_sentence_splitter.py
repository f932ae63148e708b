"""The sentence splitter (cyberclaims.core.text.split_sentences) against the splitter it replaced, and on long runs
of sentence marks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyberclaims.core.text import split_sentences

_OLD_SENTENCE_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)""")


def _reference_sentences(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The splitter as it was before it was made linear (quadratic on runs of marks): the reference."""
    import cyberclaims.core.text as t

    sentences = []
    for line_start, line_end in t._lines(text, start, stop):
        cut = line_start
        for m in _OLD_SENTENCE_END.finditer(text, line_start, line_end):
            if m.end() - m.start() == 1 and text[m.start()] == "." and t._is_abbreviation(text, cut, m.start()):
                continue
            sentences.extend(t.trimmed(text, cut, m.end()))
            cut = m.end()
        sentences.extend(t.trimmed(text, cut, line_end))
    return sentences


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="a .!?\"')\n", max_size=40), data=st.data())
def test_linear_sentence_splitter_splits_as_before(text, data):
    start = data.draw(st.integers(0, len(text)))
    stop = data.draw(st.integers(start, len(text)))
    assert split_sentences(text, start, stop) == _reference_sentences(text, start, stop)


@pytest.mark.parametrize("mark", list("!.?"))
def test_sentence_splitting_finishes_on_long_runs_of_marks(mark: str):
    """Runs of a million marks are split (its time is benchmarks/bench.py's to measure, not a test's): as one
    sentence when no space follows the run, else cut after the run."""
    text = "a" + mark * 1_000_000 + "b"
    assert split_sentences(text) == [(0, len(text))]
    text = "a " + (mark + '"') * 300_000 + " b"
    assert split_sentences(text) == [(0, len(text) - 2), (len(text) - 1, len(text))]
