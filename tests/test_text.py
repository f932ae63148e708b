"""The tokenizer and sentence splitter that the ner config and the validator share."""

import pytest

from cyberclaims.text import split_sentences, tokenize


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize("text, expected", [
    ("Sony's network", ["Sony", "'s", "network"]),
    ("Sony Pictures’ data", ["Sony", "Pictures", "’", "data"]),
    ("that wasn’t newsworthy", ["that", "was", "n’t", "newsworthy"]),
    ("approximately 1.2 million times", ["approximately", "1.2", "million", "times"]),
    ("“Guardians of Peace” or GOP", ["“", "Guardians", "of", "Peace", "”", "or", "GOP"]),
    ("Some 6000 employees'", ["Some", "6000", "employees", "'"]),
    ("[North Korea].", ["[", "North", "Korea", "]", "."]),
])
def test_tokens(text, expected):
    assert words(text) == expected


def test_token_offsets_are_code_points_into_the_text():
    text = "“Guardians” ✓ Peace"
    for start, end in tokenize(text):
        assert text[start:end].strip() == text[start:end] != ""
    assert tokenize(text, 1) == [(s, e) for s, e in tokenize(text) if s >= 1]


@pytest.mark.parametrize("text, expected", [
    ("Other films are: Mr. Turner, Still Alice. The FBI came.",
     ["Other films are: Mr. Turner, Still Alice.", "The FBI came."]),
    ("A said “it is bad.” Then B left.", ["A said “it is bad.”", "Then B left."]),
    ("Headline\n\nBody one. Body two", ["Headline", "Body one.", "Body two"]),
    ("  padded  ", ["padded"]),
    ("", []),
])
def test_sentences(text, expected):
    assert [text[s:e] for s, e in split_sentences(text)] == expected
