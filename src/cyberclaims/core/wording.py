"""Counts in words: "1 article", "2 articles", "0 errors"."""

from __future__ import annotations


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes: singular for exactly one, plural otherwise (``0 errors``)."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"
