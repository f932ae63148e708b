"""Where an article's spans go in its text, and the text as HTML with every span wrapped.

This is the page model, kept apart from the pages (``pages.py``) because it needs nothing but one
article's JSON and its text: no corpus, registry or report. ``ArticleView.build`` places the segments,
mentions and claims whose offsets fit the text (the others are listed as unplaced) and names each an
anchor; ``ArticleView.html`` writes the text with the spans wrapped, escaping every value itself: the
text is thousands of pieces, written here rather than by a template for speed, and the page template
prints it as markup. The escaping and the label colours every page uses live here too, since the text's
markup needs them; the templates escape with the same ``escape`` (``templating.py``).

Mentions never overlap each other but claims overlap mentions and each other; the text is cut at every
span boundary and each piece is wrapped in the spans that cover it, outer to inner (segments, claims,
mentions), so that the HTML nests correctly whatever the overlaps. A span cut into several pieces has
its anchor id on the first and its ``data-*`` attributes on all of them.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..core.issues import Issue
from ..core.vocabulary import ENTITY_LABELS

# One colour per OntoNotes label, for black text. Built from colour-blind-safe qualitative schemes: Paul
# Tol's "light" and "pale" colours, his "muted" and "bright" ones and Okabe-Ito's lightened towards white
# (by 25 or 55 %). tests/test_render.py checks that every two labels differ by a CIEDE2000 of at least 10
# (here at least 12.2), that each differs from the page's white and the unknown label's grey, and that
# black text on each has a WCAG contrast of at least 4.5 (here at least 7).
LABEL_COLORS: dict[str, str] = {
    "PERSON": "#f28c99",
    "NORP": "#c99cb2",
    "FAC": "#b2b266",
    "ORG": "#77aadd",
    "GPE": "#44aa99",
    "LOC": "#abd9d1",
    "PRODUCT": "#a39cc9",
    "EVENT": "#ee8866",
    "WORK_OF_ART": "#ffcccc",
    "LAW": "#bbccee",
    "LANGUAGE": "#cceeff",
    "DATE": "#f0e442",
    "TIME": "#f4d48c",
    "PERCENT": "#ccddaa",
    "MONEY": "#59a666",
    "QUANTITY": "#66ccee",
    "ORDINAL": "#ecb78c",
    "CARDINAL": "#e69f00",
}
UNKNOWN_LABEL_COLOR = "#dddddd"
_LOCAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SPAN_POINTER = re.compile(r"^/(entities|claims|segments)/(\d+)(?:/|\Z)")


def escape(value: Any) -> str:
    """Escape anything for HTML text and attribute values."""
    return html.escape(str(value), quote=True)


def label_color(label: Any) -> str:
    """The label's colour; grey for a label the vocabulary does not have (the page shows it anyway)."""
    return LABEL_COLORS.get(label, UNKNOWN_LABEL_COLOR) if isinstance(label, str) else UNKNOWN_LABEL_COLOR


def items_of(data: Any, name: str) -> list[dict]:
    """The list ``data[name]`` with anything that is not an object read as ``{}``; ``[]`` when absent."""
    value = data.get(name) if isinstance(data, dict) else None
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


@dataclass
class Span:
    group: str  # "segments", "entities", "claims"
    index: int
    item: dict
    start: int
    end: int
    anchor: str

    @property
    def rank(self) -> int:  # outer to inner
        return {"segments": 0, "claims": 1, "entities": 2}[self.group]


@dataclass
class ArticleView:
    text: str
    spans: list[Span]  # placeable, in file order per group
    unplaced: list[tuple[str, int, dict]]  # (group, index, item) with offsets that cannot be placed
    anchors: dict[tuple[str, int], str]

    @classmethod
    def build(cls, data: dict, text: str) -> ArticleView:
        spans, unplaced, anchors = [], [], {}
        for group in ("segments", "entities", "claims"):
            items = items_of(data, group)
            counts = Counter(
                item.get("id") for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)
            )  # once per list: anchors stay linear
            for index, item in enumerate(items):
                start, end = item.get("start"), item.get("end")
                if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
                    unplaced.append((group, index, item))
                    continue
                anchor = _anchor(
                    {"entities": "mention", "claims": "claim", "segments": "segment"}[group], item, index, counts
                )
                anchors[(group, index)] = anchor
                spans.append(Span(group, index, item, start, end, anchor))
        return cls(text, spans, unplaced, anchors)

    def labels_used(self) -> list[str]:
        used = {s.item.get("label") for s in self.spans if s.group == "entities"}
        return [label for label in ENTITY_LABELS if label in used] + sorted(
            str(label) for label in used if label not in ENTITY_LABELS
        )

    def anchor_for_pointer(self, pointer: str) -> str | None:
        m = _SPAN_POINTER.match(pointer or "")
        return self.anchors.get((m.group(1), int(m.group(2)))) if m else None

    def html(self, bad: dict[tuple[str, int], list[str]]) -> str:
        """The text with every span wrapped, nested outer to inner, cut at every boundary."""
        text = self.text
        starts: dict[int, list[Span]] = defaultdict(list)
        ends: dict[int, list[Span]] = defaultdict(list)
        for span in self.spans:
            starts[span.start].append(span)
            ends[span.end].append(span)
        bounds = sorted({0, len(text), *starts, *ends})
        order = {id(s): (s.rank, s.start, -s.end, s.index) for s in self.spans}
        active: dict[int, Span] = {}
        stack: list[Span] = []
        opened: set[int] = set()
        last_piece: dict[int, int] = {}  # a span's last opening tag, by position in ``out``
        out: list[str] = []
        for a, b in pairwise(bounds):
            for span in ends.get(a, []):
                active.pop(id(span), None)
            for span in starts.get(a, []):
                active[id(span)] = span
            wanted = sorted(active.values(), key=lambda s: order[id(s)])
            keep = 0
            while keep < len(stack) and keep < len(wanted) and stack[keep] is wanted[keep]:
                keep += 1
            out.extend("</span>" for _ in stack[keep:])
            for span in wanted[keep:]:
                out.append(_open(span, first=id(span) not in opened, problems=bad.get((span.group, span.index))))
                opened.add(id(span))
                last_piece[id(span)] = len(out) - 1
            stack = wanted
            out.append(escape(text[a:b]))
        out.extend("</span>" for _ in stack)
        for span in self.spans:  # a claim's last piece ends where the claim does: it gets the end mark
            if span.group == "claims" and id(span) in last_piece:
                i = last_piece[id(span)]
                out[i] = out[i].replace('<span class="c', '<span class="c c-end', 1)
        return "".join(out)


def _open(span: Span, *, first: bool, problems: list[str] | None) -> str:
    """The opening tag of one piece of ``span``; only the ``first`` piece carries the anchor id."""
    item = span.item
    anchor = f' id="{escape(span.anchor)}"' if first else ""
    if span.group == "segments":
        kind = item.get("kind")
        return f'<span class="seg seg-{escape(kind)}{" bad" if problems else ""}" data-kind="{escape(kind)}"{anchor}>'
    if span.group == "entities":
        label = item.get("label")
        item_id = f"item-entity-{item['entity']}" if isinstance(item.get("entity"), str) else f"item-{span.anchor}"
        return (
            f'<span class="m{" bad" if problems else ""}" style="background:{label_color(label)}"{anchor} '
            f'data-mention="{escape(item.get("id"))}" data-label="{escape(label)}" '
            f'data-entity="{escape(item.get("entity") or "")}" '
            f'data-card="{escape(span.anchor)}" data-item="{escape(item_id)}">'
        )
    return (
        f'<span class="c{" c-start" if first else ""}{" bad" if problems else ""}"{anchor} '
        f'data-claim="{escape(item.get("id"))}" '
        f'data-certainty="{escape(item.get("certainty"))}" data-card="{escape(span.anchor)}" '
        f'data-item="item-{escape(span.anchor)}">'
    )


def error_codes_by_span(issues: list[Issue]) -> dict[tuple[str, int], list[str]]:
    """The codes of the errors whose pointer names a span, by (group, index): those spans get outlined."""
    bad: dict[tuple[str, int], list[str]] = defaultdict(list)
    for issue in issues:
        m = _SPAN_POINTER.match(issue.pointer or "")
        if m and issue.severity.value == "error":
            bad[(m.group(1), int(m.group(2)))].append(issue.code)
    return bad


def _anchor(kind: str, item: dict, index: int, counts: Counter) -> str:
    """``claim-c3`` when the id is well formed and unique in its list, else ``claim-at-<index>``.

    ``counts``: how often each id occurs in the list.
    """
    local = item.get("id")
    if kind != "segment" and isinstance(local, str) and _LOCAL_ID.fullmatch(local) and counts[local] == 1:
        return f"{kind}-{local}"
    return f"{kind}-at-{index}"
