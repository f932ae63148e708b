"""Offsets between the project's code points and the UTF-16 code units that JavaScript tools count.

The project counts Unicode code points (Python ``str`` indices). Browser-based tools count what a
JavaScript string's ``length`` counts: UTF-16 code units, where a character outside the Basic
Multilingual Plane (most emoji, U+1F600 😀) takes two. The two agree on every text without such
characters, which is why a wrong conversion goes unnoticed until the first emoji: every span after it
is shifted by one per emoji.
"""

from __future__ import annotations

from bisect import bisect_left


class OffsetError(ValueError):
    """An offset that has no counterpart: out of range, or between the two halves of a surrogate pair."""


class Utf16Offsets:
    """Converts offsets of one text both ways in O(log n), after one O(n) pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Code-point indices of the characters that take two code units: the only places the
        # two counts diverge. Most texts have none, and then both conversions are the identity.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.utf16_length = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 offset of code-point offset ``offset`` (0 ≤ offset ≤ len(text))."""
        if not 0 <= offset <= len(self.text):
            raise OffsetError(f"offset {offset} is outside the text (0..{len(self.text)} code points)")
        return offset + bisect_left(self._astral, offset)

    def from_utf16(self, unit: int) -> int:
        """The code-point offset of UTF-16 offset ``unit``; an error inside a surrogate pair."""
        if not 0 <= unit <= self.utf16_length:
            raise OffsetError(f"offset {unit} is outside the text (0..{self.utf16_length} UTF-16 code units)")
        # The k-th astral character starts at UTF-16 unit astral[k] + k; find how many start before.
        low, high = 0, len(self._astral)
        while low < high:
            middle = (low + high) // 2
            if self._astral[middle] + middle < unit:
                low = middle + 1
            else:
                high = middle
        before = low
        if before and self._astral[before - 1] + (before - 1) + 1 == unit:
            character = self.text[self._astral[before - 1]]
            raise OffsetError(
                f"UTF-16 offset {unit} falls between the two halves of {character!r} (U+{ord(character):04X})"
            )
        return unit - before
