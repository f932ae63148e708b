"""brat standoff: ``<id>.txt`` + ``<id>.ann`` for reading the labels in brat (export), and back (import).

brat offsets are code points into the ``.txt``, like the project's, so no conversion is needed; the
``.txt`` is the article byte for byte. Lines of the ``.ann``, in this order:

- ``T<n>\\t<LABEL> <start> <end>\\t<text>``: each mention (type = its label), then each claim (type
  ``Claim``), in the file's order (which is text order);
- ``N<n>\\tReference T<n> cyberclaims:<key>\\t<name>``: a mention's canonical entity;
- ``A<n>\\tAttribution T<n> <value>`` and ``A<n>\\tCertainty T<n> <value>``: a claim's attributes;
- ``#<n>\\tAnnotatorNotes T<n>\\tclaimer: <key> | about: <keys> | proposition: <key> | event: <key> | normalized: <text>``:
  the rest of a claim (``normalized`` last, so that it may contain anything but a line break or tab).

Segments and ids are not carried (brat numbers its own annotations): the importer numbers mentions and
claims ``m1…``/``c1…`` in that order and takes segments, metadata, annotators and notes from the current
annotation file. ``annotation.conf`` and ``visual.conf`` written beside the files declare the types and
attributes and give the viewer's label colours.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import CyberClaimsError
from ..core.model import Article
from ..core.vocabulary import ATTRIBUTIONS, CERTAINTIES, ENTITY_LABELS
from .common import Draft, Problem, is_label, read_export_text, read_text_file

CLAIM_TYPE = "Claim"
DB = "cyberclaims"
NOTE_FIELDS = ("claimer", "about", "proposition", "event", "normalized")
ATTRIBUTES = {"Attribution": ("attribution", ATTRIBUTIONS), "Certainty": ("certainty", CERTAINTIES)}


class BratError(CyberClaimsError):
    """A value brat's line-based format cannot hold (a line break or tab in a field)."""


def to_ann(article: Article, registry_entities: dict[str, dict[str, Any]]) -> str:
    lines: list[str] = []
    t = n = a = note = 0
    for mention in article.data["entities"]:
        t += 1
        lines.append(f"T{t}\t{mention['label']} {mention['start']} {mention['end']}\t{_field(mention['text'])}")
        if mention["entity"] is not None:
            n += 1
            name = registry_entities.get(mention["entity"], {}).get("name", mention["entity"])
            lines.append(f"N{n}\tReference T{t} {DB}:{mention['entity']}\t{_field(name)}")
    for claim in article.data["claims"]:
        t += 1
        lines.append(f"T{t}\t{CLAIM_TYPE} {claim['start']} {claim['end']}\t{_field(claim['text'])}")
        for name, (key, _) in ATTRIBUTES.items():
            a += 1
            lines.append(f"A{a}\t{name} T{t} {claim[key]}")
        note += 1
        values = {**claim, "about": " ".join(claim["about"])}
        lines.append(f"#{note}\tAnnotatorNotes T{t}\t" + " | ".join(f"{k}: {_field(values[k])}" for k in NOTE_FIELDS))
    return "".join(line + "\n" for line in lines)


def _field(value: str) -> str:
    if "\n" in value or "\r" in value or "\t" in value:
        raise BratError(f"{value[:60]!r} contains a line break or tab, which brat's format cannot hold")
    return value


def annotation_conf() -> str:
    entities = "\n".join([*sorted(ENTITY_LABELS), CLAIM_TYPE])
    attributes = "\n".join(
        f"{name}\tArg:{CLAIM_TYPE}, Value:{'|'.join(values)}" for name, (_, values) in ATTRIBUTES.items()
    )
    return (
        f"# CyberClaims labels (written by `cyberclaims export brat`)\n[entities]\n{entities}\n\n"
        f"[relations]\n# mentions and claims overlap freely\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, "
        f"<OVL-TYPE>:<ANY>\n\n[events]\n\n[attributes]\n{attributes}\n"
    )


def visual_conf(colors: dict[str, str]) -> str:
    drawing = "\n".join(f"{label}\tbgColor:{colors[label]}" for label in sorted(ENTITY_LABELS))
    return f"[labels]\n\n[drawing]\n{drawing}\n{CLAIM_TYPE}\tbgColor:#ffffff, borderColor:#1d4f91\n"


# ---------------------------------------------------------------------------------------------
# Import

_T = re.compile(r"^(T\d+)\t(\S+) (\d+) (\d+)\t(.*)$")
_N = re.compile(r"^N\d+\tReference (T\d+) ([^:\s]+):(\S+)\t?.*$")
_A = re.compile(r"^A\d+\t(\S+) (T\d+)(?: (\S+))?$")
_NOTE = re.compile(r"^#\d+\tAnnotatorNotes (T\d+)\t(.*)$")


def read_ann(ann_path: Path) -> tuple[list[Draft], list[Problem]]:
    """A draft from ``<id>.ann`` and the ``<id>.txt`` beside it."""
    ann_path = Path(ann_path)
    txt_path = ann_path.with_suffix(".txt")
    text, why = read_text_file(txt_path)
    if text is None:
        return [], [Problem(txt_path.name, why or "cannot be read")]
    ann, why = read_export_text(ann_path)
    if ann is None:
        return [], [Problem(ann_path.name, f"cannot be read as UTF-8 text: {why}")]
    lines = ann.split("\n")
    problems: list[Problem] = []
    spans: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for number, line in enumerate(lines, 1):
        where = f"{ann_path.name} line {number}"
        if not line.strip():
            continue
        if m := _T.fullmatch(line):
            tid, kind, start, end, shown = m.group(1), m.group(2), int(m.group(3)), int(m.group(4)), m.group(5)
            if not (is_label(kind) or kind == CLAIM_TYPE):
                problems.append(Problem(where, f"type {kind!r} is neither an entity label nor {CLAIM_TYPE}"))
            elif not 0 <= start < end <= len(text) or text[start:end] != shown:
                problems.append(Problem(where, f"text {shown!r} is not the article's text at [{start}:{end}]"))
            else:
                spans[tid] = {"kind": kind, "start": start, "end": end, "text": shown}
                order.append(tid)
        elif line.startswith("T"):
            problems.append(
                Problem(where, "is not 'T<n>\\t<type> <start> <end>\\t<text>' (discontinuous spans are not supported)")
            )
        elif m := _N.fullmatch(line):
            _target(spans, m.group(1), where, problems, "entity", m.group(3) if m.group(2) == DB else None)
        elif m := _A.fullmatch(line):
            name, value = m.group(1), m.group(3)
            if name not in ATTRIBUTES:
                problems.append(Problem(where, f"attribute {name!r} is not one of {', '.join(ATTRIBUTES)}"))
            else:
                _target(spans, m.group(2), where, problems, ATTRIBUTES[name][0], value)
        elif m := _NOTE.fullmatch(line):
            _target(spans, m.group(1), where, problems, "note", m.group(2))
        else:
            problems.append(Problem(where, "is not a T, N, A or AnnotatorNotes line of the export"))
    if problems:
        return [], problems
    mentions, claims = [], []
    for tid in order:
        span = spans[tid]
        base = {"id": None, "start": span["start"], "end": span["end"], "text": span["text"]}
        if span["kind"] == CLAIM_TYPE:
            claim = {**base, **_note(span.get("note", ""))}
            claim.update({key: span[key] for key, _ in ATTRIBUTES.values() if key in span})
            claims.append(claim)
        else:
            mentions.append({**base, "label": span["kind"], "entity": span.get("entity")})
    for prefix, items in (("m", mentions), ("c", claims)):
        for number, item in enumerate(items, 1):  # brat keeps no ids: the export's order is the numbering
            item["id"] = f"{prefix}{number}"
    return [Draft(ann_path.name, text, ann_path.stem, mentions, claims, segments=None, links=True)], []


def _target(spans: dict, tid: str, where: str, problems: list[Problem], key: str, value: Any) -> None:
    if tid not in spans:
        problems.append(Problem(where, f"refers to {tid}, which is not a span above it"))
    elif key in spans[tid]:
        problems.append(Problem(where, f"gives {tid} a second {key}"))
    else:
        spans[tid][key] = value


def _note(note: str) -> dict[str, Any]:
    """The claim fields of an AnnotatorNotes text; ``normalized`` is last and taken whole."""
    fields: dict[str, Any] = {}
    rest = note
    for name in NOTE_FIELDS:
        prefix = f"{name}: "
        if not rest.startswith(prefix):
            break
        rest = rest[len(prefix) :]
        if name == "normalized":
            fields[name] = rest
            break
        value, _, rest = rest.partition(" | ")
        fields[name] = value.split() if name == "about" else value
    fields.setdefault("about", [])
    return fields
