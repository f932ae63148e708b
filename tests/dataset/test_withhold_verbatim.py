"""A withheld copy's own fields withhold the long runs they copy from their article (withhold.py), and
rehydration puts them back: made-up values and texts, and a made-up article built both ways."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import cli, tree
from cyberclaims.dataset.withhold import VERBATIM_RUN, WITHHELD_PREFIX, restore_verbatim, withhold_verbatim

TEXT = " ".join(f"sentence number {n} of a made-up article about a breach at Acme." for n in range(40))


def _pieces(value: str) -> list:
    assert value.startswith(WITHHELD_PREFIX)
    return json.loads(value[len(WITHHELD_PREFIX) :])


def test_a_long_quote_is_withheld_with_its_offsets_and_the_rest_kept():
    start = TEXT.index("sentence number 3 ")
    quote = TEXT[start : start + 150]
    value = f"Acme said: {quote} (and more)."
    withheld = withhold_verbatim(value, TEXT)
    before, (first, last), after = _pieces(withheld)
    # the run is as long as the text allows: here it takes the space before the quote too
    assert (before, first, after) == ("Acme said:", start - 1, " (and more).") and last == start + 150
    assert restore_verbatim(withheld, TEXT) == value
    assert restore_verbatim({"claims": [{"normalized": withheld}]}, TEXT) == {"claims": [{"normalized": value}]}


def test_short_or_unquoted_values_are_left_as_they_are():
    assert withhold_verbatim(TEXT[: VERBATIM_RUN - 1], TEXT) == TEXT[: VERBATIM_RUN - 1]
    own = "Acme was breached; " * 10
    assert withhold_verbatim(own, TEXT) == own
    assert _pieces(withhold_verbatim(TEXT[:VERBATIM_RUN], TEXT)) == [[0, VERBATIM_RUN]]


@settings(max_examples=200, deadline=None)
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(TEXT)), st.integers(0, 300)), max_size=4),
    words=st.lists(st.text(alphabet="xyz .", max_size=30), min_size=5, max_size=5),
)
def test_withheld_values_restore_and_hold_no_long_run(cuts, words):
    value = "".join(w + TEXT[a : a + n] for w, (a, n) in zip(words, cuts)) + words[-1]
    withheld = withhold_verbatim(value, TEXT)
    assert restore_verbatim(withheld, TEXT) == value
    kept = [p for p in _pieces(withheld) if isinstance(p, str)] if withheld != value else [value]
    for piece in kept:
        assert not any(piece[i : i + VERBATIM_RUN] in TEXT for i in range(len(piece) - VERBATIM_RUN + 1))


def test_a_made_up_article_quoting_its_text_is_withheld_and_rehydrated(mini: Path, tmp_path: Path):
    document = mini / "annotations" / "acme-breach.json"
    text = (mini / "annotations" / "acme-breach.txt").read_text(encoding="utf-8")
    data = json.loads(document.read_text(encoding="utf-8"))
    quote = text[: VERBATIM_RUN + 20]
    assert len(quote) == VERBATIM_RUN + 20  # the minimal article is long enough to be quoted at length
    data["claims"][0]["normalized"] = "Reported: " + quote
    document.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    run = cli("build", cwd=mini)
    assert run.returncode == 0, run.output
    assert cli("build", "--withhold-text", "withheld", cwd=mini).returncode == 0
    blob = b"".join(tree(mini / "withheld").values()).decode("utf-8", "replace")
    assert quote not in blob and quote[:VERBATIM_RUN] not in blob
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "acme-breach.txt").write_text(text, encoding="utf-8")
    assert cli("rehydrate", mini / "withheld", "--texts", tmp_path / "texts", cwd=mini).returncode == 0
    assert tree(mini / "withheld") == tree(mini / "dataset")
