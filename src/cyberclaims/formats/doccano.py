"""doccano: its JSONL export of a sequence-labeling project into entity mentions (import), and
pre-annotations in the JSONL it imports (export).

One line per example: ``{"id": 7, "text": "...", "label": [[start, end, "ORG"], ...], ...}``, or, in a
project with relations, ``"entities": [{"id", "label", "start_offset", "end_offset"}, ...]``. Fields the
example was imported with (``article_id`` here) come back at the top level of the exported line.

Offsets: doccano's annotator (the v-annotator component, used since 2022) takes them from the
browser's selection and its ``Text`` model counts ``string.length``, i.e. JavaScript string positions —
UTF-16 code units, an emoji counts 2; the server stores and exports them unchanged (doccano issue
#2484 reports exactly this mismatch with Python). They are converted to code points here. A file whose
offsets already count code points (made by a script, or by an older doccano) is read with
``offsets="codepoints"``.

doccano spans carry a label and nothing else: mentions get their label here, and their entity key, id,
the claims and the segments come from the current annotation file (a mention keeps its key when its
span and label are unchanged). Spans with any label but the 18 entity types are an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..core.model import Article
from .common import Draft, Problem, is_label, parse_export_json, read_export_text
from .offsets import OffsetError, Utf16Offsets

OFFSET_UNITS = ("utf16", "codepoints")


def read_export(path: Path, *, offsets: str = "utf16") -> tuple[list[Draft], list[Problem]]:
    """Drafts from a doccano JSONL export; ``offsets`` is "utf16" (doccano's own) or "codepoints"."""
    if offsets not in OFFSET_UNITS:
        raise ValueError(f"offsets must be one of {OFFSET_UNITS}, not {offsets!r}")
    name = Path(path).name
    text, why = read_export_text(Path(path))
    if text is None:
        return [], [Problem(name, f"cannot be read as UTF-8 text: {why}")]
    lines = text.split("\n")
    drafts, problems = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        row, why = parse_export_json(line, where)
        if why is not None:
            problems.append(Problem(where, f"is not JSON: {why}"))
            continue
        draft = read_row(row, where, offsets, problems)
        if draft is not None:
            drafts.append(draft)
    return drafts, problems


def read_row(row: Any, where: str, offsets: str, problems: list[Problem]) -> Draft | None:
    text = row.get("text", row.get("data")) if isinstance(row, dict) else None
    if not isinstance(text, str):
        problems.append(Problem(where, "has no text"))
        return None
    spans = _spans(row, where, problems)
    if spans is None:
        return None
    converter = Utf16Offsets(text)
    mentions, before = [], len(problems)
    for start, end, label in spans:
        here = f"{where} span [{start}:{end}] {label!r}"
        if not is_label(label):
            problems.append(
                Problem(
                    here,
                    "label is not one of the 18 entity labels (doccano carries "
                    "mentions only; label claims in the annotation file or Label Studio)",
                )
            )
            continue
        try:
            if offsets == "utf16":
                start, end = converter.from_utf16(start), converter.from_utf16(end)
            elif not 0 <= start <= end <= len(text):
                raise OffsetError(f"[{start}:{end}] is outside the text (0..{len(text)} code points)")
        except OffsetError as exc:
            problems.append(Problem(here, str(exc)))
            continue
        mentions.append(
            {"id": None, "start": start, "end": end, "text": text[start:end], "label": label, "entity": None}
        )
    if len(problems) > before:
        return None
    mentions.sort(key=lambda m: (m["start"], m["end"]))
    article_id = row.get("article_id") if isinstance(row.get("article_id"), str) else None
    return Draft(where, text, article_id, mentions, claims=None, segments=None, links=False)


def _spans(row: dict, where: str, problems: list[Problem]) -> list[tuple[int, int, Any]] | None:
    spans = []
    present = [key for key in ("entities", "label") if key in row]
    if not present:
        problems.append(Problem(where, "has neither `entities` nor `label`: not a doccano sequence-labelling row"))
        return None
    for key in present:
        if not isinstance(row[key], list):
            problems.append(Problem(where, f"has `{key}` that is {type(row[key]).__name__}, not a list of spans"))
            return None
    if isinstance(row.get("entities"), list):
        for item in row["entities"]:
            if isinstance(item, dict):
                spans.append((item.get("start_offset"), item.get("end_offset"), item.get("label")))
            else:
                spans.append((None, None, None))
    elif isinstance(row.get("label"), list):
        for item in row["label"]:
            spans.append(tuple(item) if isinstance(item, list) and len(item) == 3 else (None, None, None))
    checked: list[tuple[int, int, Any]] = []
    for start, end, label in spans:
        if type(start) is not int or type(end) is not int or not isinstance(label, str):
            problems.append(Problem(where, "has a span that is not [start, end, label] with whole-number offsets"))
            return None
        checked.append((start, end, label))
    return checked


def to_lines(articles: list[Article]) -> str:
    """JSONL for doccano's import (sequence labeling, "JSONL" with column ``label``): one line per article,
    the mentions as pre-annotations in UTF-16 offsets, and ``article_id`` to find the article again."""
    lines = []
    for article in articles:
        offsets = Utf16Offsets(article.text)
        labels = [
            [offsets.to_utf16(m["start"]), offsets.to_utf16(m["end"]), m["label"]] for m in article.data["entities"]
        ]
        lines.append(json.dumps({"text": article.text, "label": labels, "article_id": article.id}, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)
