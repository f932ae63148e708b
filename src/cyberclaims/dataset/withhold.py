"""A text-withheld flavour of the dataset: every row without article text (see ``rehydrate`` for the way back).

The news texts are third-party copyright. ``build --withhold-text OUT`` writes the same dataset with the
article text and every span's text removed (offsets, hashes, lengths, sources and the project's own
normalized statements kept). ``rehydrate OUT --texts DIR`` accepts a text only if its sha256 equals the
pinned ``text_sha256``, rebuilds the annotation sources from the rows and builds the full dataset in
place, so a rehydrated copy is byte-identical to the original build.
"""

from __future__ import annotations

from typing import Any

from .configs import CONFIGS


def withhold_row(config: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row without any article text: its text fields and its spans' texts become null."""
    spec = CONFIGS[config]
    row = {**row, **{name: None for name in spec.text_fields}}
    for name in spec.span_lists:
        row[name] = [{**span, "text": None} for span in row[name]]
    return row
