"""A text-withheld flavour of the dataset: every row without article text (see ``rehydrate`` for the way back).

The news texts are third-party copyright. ``build --withhold-text OUT`` writes the same dataset with the
article text and every span's text removed (offsets, hashes, lengths, sources and the project's own
annotations kept). A field of the project's own that copies a long stretch of the article verbatim (a
``normalized`` statement quoting a whole sentence) would carry the text anyway: every run of
:data:`VERBATIM_RUN` or more characters that the row's article holds is withheld too, the field keeping its
other characters and, in place of each run, its offsets in the text (:func:`withhold_verbatim`).
``rehydrate OUT --texts DIR`` accepts a text only if its sha256 equals the pinned ``text_sha256``, puts the
runs back (:func:`restore_verbatim`), rebuilds the annotation sources from the rows and builds the full
dataset in place, so a rehydrated copy is byte-identical to the original build.
"""

from __future__ import annotations

import json
from typing import Any

from .configs import CONFIGS

# A field of a withheld copy never holds this many consecutive characters of its article's text.
VERBATIM_RUN = 100
# A field whose verbatim runs are withheld: this prefix, then its pieces as JSON, each a string of its own
# characters or [start, end], the code points of the text the run was.
WITHHELD_PREFIX = "[withheld verbatim runs] "


def withhold_row(config: str, row: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """The row without any article text: its text fields and its spans' texts become null, and every other
    string withholds the runs of ``text`` (the row's article; by default, in a row that holds its article
    with its spans, its own ``text`` field) it copies."""
    spec = CONFIGS[config]
    if text is None and spec.span_lists:
        text = row.get("text")
    row = {**row, **{name: None for name in spec.text_fields}}
    for name in spec.span_lists:
        row[name] = [{**span, "text": None} for span in row[name]]
    if not isinstance(text, str) or len(text) < VERBATIM_RUN:
        return row
    return {name: _withheld_value(value, text) for name, value in row.items()}


def _withheld_value(value: Any, text: str) -> Any:
    if isinstance(value, str):
        return withhold_verbatim(value, text)
    if isinstance(value, list):
        return [_withheld_value(item, text) for item in value]
    if isinstance(value, dict):
        return {name: _withheld_value(item, text) for name, item in value.items()}
    return value


# A run of VERBATIM_RUN characters holds a whole block of this many that starts at a multiple of it: looking
# those blocks up in the text (a few per field, in C) passes almost every field without more work.
_BLOCK = VERBATIM_RUN // 2


def withhold_verbatim(value: str, text: str) -> str:
    """``value`` as it is, or, when it copies runs of VERBATIM_RUN characters or more of ``text``,
    WITHHELD_PREFIX and its pieces: its own characters as strings, each run as [start, end] in ``text``."""
    if len(value) < VERBATIM_RUN or not any(
        value[k : k + _BLOCK] in text for k in range(0, len(value) - _BLOCK + 1, _BLOCK)
    ):
        return value
    pieces: list[Any] = []
    literal = i = 0
    while i + VERBATIM_RUN <= len(value):
        start = text.find(value[i : i + VERBATIM_RUN])
        if start < 0:
            i += 1
            continue
        end, stop = start + VERBATIM_RUN, i + VERBATIM_RUN
        while stop < len(value) and end < len(text) and value[stop] == text[end]:
            stop, end = stop + 1, end + 1
        if literal < i:
            pieces.append(value[literal:i])
        pieces.append([start, end])
        i = literal = stop
    if not pieces:
        return value
    if literal < len(value):
        pieces.append(value[literal:])
    return WITHHELD_PREFIX + json.dumps(pieces, ensure_ascii=False)


def restore_verbatim(value: Any, text: str) -> Any:
    """``value`` (a row, a list, a string) with the runs :func:`withhold_verbatim` withheld put back from ``text``."""
    if isinstance(value, str):
        if not value.startswith(WITHHELD_PREFIX):
            return value
        pieces = json.loads(value[len(WITHHELD_PREFIX) :])
        return "".join(piece if isinstance(piece, str) else text[piece[0] : piece[1]] for piece in pieces)
    if isinstance(value, list):
        return [restore_verbatim(item, text) for item in value]
    if isinstance(value, dict):
        return {name: restore_verbatim(item, text) for name, item in value.items()}
    return value
