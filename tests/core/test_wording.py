"""Wording (cyberclaims.core.wording): a count takes the number of its noun."""

from __future__ import annotations

from cyberclaims.core.wording import count


def test_count_takes_the_number_of_its_noun():
    assert [count(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert count(1, "entry", "entries") == "1 entry" and count(3, "entry", "entries") == "3 entries"
