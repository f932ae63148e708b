"""The record of an adjudication: the decisions file, the guideline sections it cites, and ADJUDICATION.md.

``annotations/adjudication.json`` (schema ``schema/adjudication.schema.json``) names the two passes
adjudicated, the adjudicator, the guidelines version and the date, and holds one decision per disagreement
of the passes (and per correction of something both passes agreed on): the item (``layer`` and ``where``,
as :mod:`cyberclaims.core.disagreements` locates it), what each pass had (``a``, ``b``), the ``choice``
(``a``, ``b`` or ``neither``) with the chosen ``value``, the guideline ``section`` and ``why``. A decision adding
a claim that neither pass has (:func:`is_added_claim`) may give, besides its span, the claim's other values
(:data:`ADDED_CLAIM_FIELDS`, and the registry text of a proposition or event key neither pass has).
``annotations/ADJUDICATION.md`` is :func:`render_report` of that file, byte for byte, never edited by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from .disagreements import CLAIM_FIELDS, ITEM_LAYERS, Item, describe_value, describe_where, markdown_cell

DECISIONS_FILE = "adjudication.json"  # in annotations/
REPORT_FILE = "ADJUDICATION.md"  # in annotations/, generated from DECISIONS_FILE
GUIDELINES_FILE = "GUIDELINES.md"
CHOICES = ("a", "b", "neither")
# The values of an added claim its decision may give besides its span, and the registry text that comes with
# a proposition or event key neither pass has.
ADDED_CLAIM_FIELDS = (*CLAIM_FIELDS, "proposition", "event")
ADDED_KEY_TEXTS = {"proposition": "statement", "event": "description"}
_FREE_TEXT = {"normalized", *ADDED_KEY_TEXTS.values()}  # quoted in the report

_HEADING = re.compile(r"^#{2,6} +([0-9]+[A-Z]?(?:\.[0-9]+)*)\.? ")
_LIST_ITEM = re.compile(r"^( *)([0-9]+)\. ")
_TABLE_ROW = re.compile(r"^\| *([0-9]+) *\|")


def guideline_sections(text: str) -> set[str]:
    """The section numbers a decision may cite: each numbered heading ("8.5", "14A.2"), each numbered list
    item under it ("8.5.4", and "10.2.5.1" for an item of item 5), and each numbered table row under it
    ("16.3": row 3 of the hard-case log)."""
    sections: set[str] = set()
    heading: str | None = None
    path: list[tuple[int, str]] = []  # (indent, number) of the open list items
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            heading = match.group(1)
            sections.add(heading)
            path = []
            continue
        if heading is None:
            continue
        item = _LIST_ITEM.match(line)
        if item:
            indent = len(item.group(1))
            while path and path[-1][0] >= indent:
                path.pop()
            path.append((indent, item.group(2)))
            sections.add(".".join([heading, *(number for _, number in path)]))
            continue
        row = _TABLE_ROW.match(line)
        if row:
            sections.add(f"{heading}.{row.group(1)}")
        elif line and not line.startswith(" "):
            path = []  # a paragraph at the margin ends the list
    return sections


def section_order(section: str) -> tuple:
    """Numeric order of section numbers: 2 < 10, 14 < 14A < 15."""
    parts = []
    for part in section.split("."):
        match = re.fullmatch(r"([0-9]+)([A-Z]?)", part)
        parts.append((int(match.group(1)), match.group(2)) if match else (10**9, part))
    return tuple(parts)


def decision_item(decision: Mapping[str, Any]) -> Item:
    """A decision as the item it decides (its location and what each pass had)."""
    return Item(decision["layer"], decision["where"], decision.get("a"), decision.get("b"))


def is_added_claim(decision: Mapping[str, Any]) -> bool:
    """A decision adding a claim that neither pass has (its value, when not null, may give its other values)."""
    where = decision["where"]
    return (
        decision["layer"] == "claim"
        and isinstance(where, Mapping)
        and where.get("claim_a") is None
        and where.get("claim_b") is None
        and isinstance(decision.get("value"), Mapping)
    )


def added_claim_values(decision: Mapping[str, Any]) -> dict[str, Any]:
    """The values an added claim's decision gives besides the span (:data:`ADDED_CLAIM_FIELDS` and the texts of
    :data:`ADDED_KEY_TEXTS`), in that order; empty for any other decision."""
    if not is_added_claim(decision):
        return {}
    value = decision["value"]
    names = [n for field in ADDED_CLAIM_FIELDS for n in (field, ADDED_KEY_TEXTS.get(field))]
    return {name: value[name] for name in names if name is not None and name in value}


def is_correction(decision: Mapping[str, Any]) -> bool:
    """A decision on something both passes agreed on (a rule said otherwise)."""
    return decision.get("a") == decision.get("b")


def _agent(agent: Mapping[str, Any]) -> str:
    if agent.get("type") == "model":
        version = agent.get("model_version")
        return (
            f"`{agent.get('id')}`, a model: {agent.get('model')}, version "
            f"{version if version is not None else 'not exposed'}"
        )
    return f"`{agent.get('id')}`, a person"


def _choice(decision: Mapping[str, Any], names: tuple[str, str]) -> str:
    value = describe_value(decision["layer"], decision.get("value"), decision["where"])
    given = added_claim_values(decision)
    if given:
        value += "; " + "; ".join(
            f"{name} “{v}”" if name in _FREE_TEXT else f"{name} {describe_value(name, v)}" for name, v in given.items()
        )
    choice = decision.get("choice")
    if choice == "a":
        return f"A ({names[0]}): {value}"
    if choice == "b":
        return f"B ({names[1]}): {value}"
    return f"neither: {value}"


def render_report(decisions: Mapping[str, Any], source: str = f"annotations/{DECISIONS_FILE}") -> str:
    """ADJUDICATION.md from a decisions file (already valid against its schema): a header, the counts of
    decisions per layer and per guideline section, and the table of decisions in the items' order."""
    names = (str(decisions["passes"][0]), str(decisions["passes"][1]))
    rows = sorted(enumerate(decisions["decisions"]), key=lambda pair: (decision_item(pair[1]).sort_key(), pair[0]))
    corrections = sum(1 for d in decisions["decisions"] if is_correction(d))
    total = len(decisions["decisions"])
    lines = [
        f"# Adjudication of `{names[0]}` and `{names[1]}`",
        "",
        f"Generated by `cyberclaims adjudicate --report` from `{source}`: edit that file, never this one.",
        "",
        f"- **Passes**: A = `annotations/passes/{names[0]}/`, B = `annotations/passes/{names[1]}/`",
        f"- **Adjudicator**: {_agent(decisions['adjudicator'])}",
        f"- **Guidelines**: version {decisions['guidelines']} (`annotations/{GUIDELINES_FILE}`)",
        f"- **Date**: {decisions['date']}",
        f"- **Decisions**: {total}: {total - corrections} on disagreements of the passes, {corrections} "
        f"correcting what both passes agreed on",
        "",
        "## Decisions per layer",
        "",
        "| layer | decisions | disagreements | corrections | A chosen | B chosen | neither |",
        "|---|---|---|---|---|---|---|",
    ]
    by_layer: dict[str, Counter] = {}
    for decision in decisions["decisions"]:
        counter = by_layer.setdefault(decision["layer"], Counter())
        counter["all"] += 1
        counter["correction" if is_correction(decision) else "disagreement"] += 1
        counter[decision["choice"]] += 1
    for layer in ITEM_LAYERS:
        if layer in by_layer:
            c = by_layer[layer]
            lines.append(
                f"| {layer} | {c['all']} | {c['disagreement']} | {c['correction']} | {c['a']} | {c['b']} | "
                f"{c['neither']} |"
            )
    lines += ["", "## Decisions per guideline section", "", "| section | decisions |", "|---|---|"]
    sections = Counter(str(d["section"]) for d in decisions["decisions"])
    lines += [f"| {s} | {sections[s]} |" for s in sorted(sections, key=section_order)]
    lines += [
        "",
        "## Decisions",
        "",
        f"| # | layer | where | A ({names[0]}) | B ({names[1]}) | decision | section | why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, (_, d) in enumerate(rows, 1):
        layer = d["layer"]
        cells = [
            str(number),
            layer + (" (correction)" if is_correction(d) else ""),
            describe_where(d["where"]),
            describe_value(layer, d.get("a"), d["where"]),
            describe_value(layer, d.get("b"), d["where"]),
            _choice(d, names),
            str(d["section"]),
            str(d["why"]),
        ]
        lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
