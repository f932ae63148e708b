"""Where two annotation passes disagree, layer by layer, each item located and both values given.

Two passes are compared on the articles both hold. Every item the passes could disagree on is an
:class:`Item` with a layer, a location (``where``, plain JSON) and what each pass has there (``a``, ``b``;
None for "absent"); the items whose values differ are the disagreements. The layers (``ITEM_LAYERS``):

- ``segment``: a segment's kind, by its offsets (a segment one pass has and the other not is absent there);
- ``mention``: a mention's label, by its offsets; ``link``: the entity key of a mention both passes have
  at the same offsets; ``entity-name``, ``entity-type``: the registry entry of a key both passes use;
- ``claim``: a claim's span. Claims are matched across passes by span: identical spans first, then
  :func:`cyberclaims.core.agreement.match_claims` (largest overlap, at least half the longer span) on
  the rest; an unmatched claim is a ``claim`` item that one pass lacks. On matched claims, ``claimer``,
  ``attribution``, ``certainty``, ``normalized`` and ``about`` (a set, compared sorted);
- ``proposition-grouping``, ``event-grouping``: the partitions of the matched claims (all articles pooled)
  by each pass's keys, compared as partitions, never as key strings. Claims linked through either pass's
  keys form a component; a component that the two passes split differently is one item, whose values are
  the two partitions (groups of indexes into ``where.claims``);
- ``proposition-statement``, ``event-description``: for a group both passes form, the registry texts.

A claim is located by its article, the span of pass A's claim (pass B's when A has none), its text and the
ids of the two matched claims (``claim_a``, ``claim_b``): passes are append-only, so the ids stay valid.
The comparison also answers for any location (:meth:`Comparison.values_at`), agreed or not, so that a
decision may correct what both passes agreed on; :class:`GoldView` reads the same locations in the gold.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .agreement import match_claims
from .model import Registry

SPAN_LAYERS = ("segment", "mention", "link")
CLAIM_FIELDS = ("claimer", "attribution", "certainty", "normalized", "about")
CLAIM_LAYERS = ("claim", *CLAIM_FIELDS)
ENTITY_LAYERS = ("entity-name", "entity-type")
GROUPING_LAYERS = {"proposition-grouping": "proposition", "event-grouping": "event"}
TEXT_LAYERS = {"proposition-statement": "proposition", "event-description": "event"}
ITEM_LAYERS: tuple[str, ...] = (
    *SPAN_LAYERS,
    *ENTITY_LAYERS,
    *CLAIM_LAYERS,
    *GROUPING_LAYERS,
    *TEXT_LAYERS,
)
# The registry table and the text field behind each key layer
_TABLES = {"proposition": ("propositions", "statement"), "event": ("events", "description")}


@dataclass(frozen=True)
class Item:
    """One thing two passes could disagree on: its layer, where it is, and what each pass has there."""

    layer: str
    where: dict[str, Any]
    a: Any
    b: Any

    @property
    def disagrees(self) -> bool:
        return self.a != self.b

    @property
    def key(self) -> str:
        return location_key(self.layer, self.where)

    def sort_key(self) -> tuple:
        return (*_place(self.where), ITEM_LAYERS.index(self.layer))

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "where": self.where, "a": self.a, "b": self.b}


def location_key(layer: str, where: Mapping[str, Any]) -> str:
    """The identity of a location: what a decision and a disagreement must share (text and offsets of a
    claim are shown, its ids identify it)."""
    return json.dumps([layer, _identity(where)], sort_keys=True, ensure_ascii=False)


def _identity(where: Mapping[str, Any]) -> Any:
    if "claims" in where:
        claims = where["claims"] if isinstance(where["claims"], list) else []
        return sorted((_identity(c) for c in claims if isinstance(c, Mapping)), key=json.dumps)
    if "entity" in where:
        return {"entity": where.get("entity")}
    if "claim_a" in where or "claim_b" in where:
        return [where.get("article"), where.get("claim_a"), where.get("claim_b")]
    return [where.get("article"), where.get("start"), where.get("end")]


def _place(where: Mapping[str, Any]) -> tuple:
    """Stable order of locations: registry entries first (by key), then by article and offsets."""
    if "entity" in where:
        return ("", str(where.get("entity")), 0, 0, "", "")
    if "claims" in where:
        first = where["claims"][0] if where.get("claims") else {}
        return ("~", *_place(first)[1:])
    return (
        "~",
        str(where.get("article")),
        int(where.get("start") or 0),
        int(where.get("end") or 0),
        str(where.get("claim_a") or ""),
        str(where.get("claim_b") or ""),
    )


@dataclass
class PassData:
    """One pass as the comparison reads it: its annotation documents by article id, and its registries."""

    name: str
    documents: dict[str, dict[str, Any]]
    registry: Registry
    texts: dict[str, str] = field(default_factory=dict)  # the articles' texts (segments are shown by them)


@dataclass
class ClaimPair:
    """Two matched claims (either may be None: a claim one pass lacks) and where they are shown."""

    article: str
    a: dict[str, Any] | None
    b: dict[str, Any] | None

    @property
    def where(self) -> dict[str, Any]:
        shown = self.a if self.a is not None else self.b
        assert shown is not None
        return {
            "article": self.article,
            "start": shown["start"],
            "end": shown["end"],
            "text": shown["text"],
            "claim_a": None if self.a is None else self.a["id"],
            "claim_b": None if self.b is None else self.b["id"],
        }


def _span(claim: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if claim is None else {"start": claim["start"], "end": claim["end"], "text": claim["text"]}


def claim_value(layer: str, claim: Mapping[str, Any] | None) -> Any:
    """What a claim has on a claim layer (``claim``: its span; ``about``: its keys sorted)."""
    if claim is None:
        return None
    if layer == "claim":
        return _span(claim)
    if layer == "about":
        return sorted(claim["about"])
    return claim[layer]


def pair_claims(a: Sequence[dict], b: Sequence[dict]) -> list[tuple[int, int]]:
    """Claims of one article matched across two annotations: identical spans first (several claims on one
    span are paired by ``match_claims``' tie-break, their statements' words), then ``match_claims`` on the
    rest. Pairs of (index in a, index in b), sorted."""
    spans_b: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, y in enumerate(b):
        spans_b[(y["start"], y["end"])].append(j)
    spans_a: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, x in enumerate(a):
        spans_a[(x["start"], x["end"])].append(i)
    pairs: list[tuple[int, int]] = []
    for span, indexes_a in spans_a.items():
        indexes_b = spans_b.get(span)
        if indexes_b:
            pairs += [
                (indexes_a[i], indexes_b[j])
                for i, j in match_claims([a[i] for i in indexes_a], [b[j] for j in indexes_b])
            ]
    used_a, used_b = {i for i, _ in pairs}, {j for _, j in pairs}
    rest_a = [i for i in range(len(a)) if i not in used_a]
    rest_b = [j for j in range(len(b)) if j not in used_b]
    pairs += [(rest_a[i], rest_b[j]) for i, j in match_claims([a[i] for i in rest_a], [b[j] for j in rest_b])]
    return sorted(pairs)


@dataclass
class Comparison:
    """Two passes compared: every item (agreed or not), the matched claims, and the articles compared."""

    pass_a: str
    pass_b: str
    articles: list[str]
    only_a: list[str]  # articles only pass A holds (not compared)
    only_b: list[str]
    items: dict[str, Item] = field(default_factory=dict)
    pairs: dict[tuple[Any, Any, Any], ClaimPair] = field(default_factory=dict)  # (article, claim_a, claim_b)
    disagreements: list[Item] = field(default_factory=list)
    # For the draft: the passes' data
    data_a: PassData | None = None
    data_b: PassData | None = None
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def values_at(self, layer: str, where: Mapping[str, Any]) -> tuple[Any, Any] | None:
        """What each pass has at ``where`` on ``layer`` (None: the location names nothing in the passes)."""
        if layer in GROUPING_LAYERS:
            pairs = self._pairs_of(where)
            if pairs is None:
                return None
            field_name = GROUPING_LAYERS[layer]
            return (
                partition([p.a[field_name] for p in pairs]),  # type: ignore[index]
                partition([p.b[field_name] for p in pairs]),  # type: ignore[index]
            )
        if layer in TEXT_LAYERS:
            pairs = self._pairs_of(where)
            if pairs is None or self.data_a is None or self.data_b is None:
                return None
            values = []
            for side, data in (("a", self.data_a), ("b", self.data_b)):
                keys = {getattr(p, side)[TEXT_LAYERS[layer]] for p in pairs}
                values.append(registry_text(data.registry, TEXT_LAYERS[layer], keys.pop()) if len(keys) == 1 else None)
            return values[0], values[1]
        item = self.items.get(location_key(layer, where))
        if item is not None:
            return item.a, item.b
        if where.get("article") in self._compared and self._unlabelled(layer, where):
            return None, None  # a span neither pass labelled: a correction may add it to the gold
        return None

    @property
    def _compared(self) -> set[str]:
        if "compared" not in self._memo:
            self._memo["compared"] = set(self.articles)
        return self._memo["compared"]

    def _unlabelled(self, layer: str, where: Mapping[str, Any]) -> bool:
        """Whether ``where`` is a span that neither pass has on ``layer`` (a segment, a mention, or a claim
        located by its offsets alone, without ids: no claim of either pass has those offsets)."""
        if not isinstance(where.get("start"), int) or not isinstance(where.get("end"), int):
            return False
        if layer in ("segment", "mention"):
            return True
        if layer != "claim" or where.get("claim_a") is not None or where.get("claim_b") is not None:
            return False
        if where.get("claim_gold") is not None:  # named by its gold id: it may share its span with a pass's claim
            return True
        if "claim_spans" not in self._memo:
            self._memo["claim_spans"] = {
                (p.article, c["start"], c["end"]) for p in self.pairs.values() for c in (p.a, p.b) if c is not None
            }
        return (where.get("article"), where["start"], where["end"]) not in self._memo["claim_spans"]

    def _pairs_of(self, where: Mapping[str, Any]) -> list[ClaimPair] | None:
        claims = where.get("claims")
        if not isinstance(claims, list) or not claims:
            return None
        pairs = []
        for claim in claims:
            if not isinstance(claim, Mapping):
                return None
            pair = self.pairs.get((claim.get("article"), claim.get("claim_a"), claim.get("claim_b")))
            if pair is None or pair.a is None or pair.b is None:
                return None
            pairs.append(pair)
        return pairs

    def counts(self) -> dict[str, int]:
        """Disagreements per layer, in the layers' order (layers with none left out)."""
        found: dict[str, int] = defaultdict(int)
        for item in self.disagreements:
            found[item.layer] += 1
        return {layer: found[layer] for layer in ITEM_LAYERS if found[layer]}

    def to_dict(self) -> dict[str, Any]:
        return {
            "pass_a": self.pass_a,
            "pass_b": self.pass_b,
            "articles": self.articles,
            "only_in_pass_a": self.only_a,
            "only_in_pass_b": self.only_b,
            "counts": self.counts(),
            "total": len(self.disagreements),
            "disagreements": [item.to_dict() for item in self.disagreements],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [
            f"disagreements between {self.pass_a} (A) and {self.pass_b} (B) on "
            f"{len(self.articles)} article{'s' if len(self.articles) != 1 else ''}: {len(self.disagreements)}"
        ]
        lines += [f"  not compared, only in {self.pass_a}: {a}" for a in self.only_a]
        lines += [f"  not compared, only in {self.pass_b}: {b}" for b in self.only_b]
        for item in self.disagreements:
            lines.append(f"{item.layer}\t{describe_where(item.where)}")
            for side, name, value in (("A", self.pass_a, item.a), ("B", self.pass_b, item.b)):
                lines.append(f"  {side} {name}: {describe_value(item.layer, value, item.where)}")
        lines.append("by layer: " + (", ".join(f"{k} {v}" for k, v in self.counts().items()) or "none"))
        return "\n".join(lines)

    def to_markdown(self) -> str:
        lines = [
            f"# Disagreements between `{self.pass_a}` (A) and `{self.pass_b}` (B)",
            "",
            f"{len(self.disagreements)} on {len(self.articles)} article{'s' if len(self.articles) != 1 else ''}"
            + "".join(f"; only in {self.pass_a}: `{a}`" for a in self.only_a)
            + "".join(f"; only in {self.pass_b}: `{b}`" for b in self.only_b)
            + ".",
            "",
            "| layer | disagreements |",
            "|---|---|",
        ]
        lines += [f"| {layer} | {n} |" for layer, n in self.counts().items()]
        lines += ["", f"| # | layer | where | A ({self.pass_a}) | B ({self.pass_b}) |", "|---|---|---|---|---|"]
        for number, item in enumerate(self.disagreements, 1):
            cells = [
                str(number),
                item.layer,
                describe_where(item.where),
                describe_value(item.layer, item.a, item.where),
                describe_value(item.layer, item.b, item.where),
            ]
            lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
        return "\n".join(lines) + "\n"


def markdown_cell(text: str) -> str:
    """Text safe in one cell of a Markdown table: pipes escaped, line breaks as spaces."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def describe_where(where: Mapping[str, Any]) -> str:
    """A location in one line: ``article [start,end] “text”``, a registry key, or a list of claims."""
    if "entity" in where:
        return f"entities.json `{where['entity']}`"
    if "claims" in where:
        return " ~ ".join(f"({i}) {describe_where(c)}" for i, c in enumerate(where["claims"]))
    ids = ""
    if "claim_a" in where or "claim_b" in where:
        ids = f" (A {where.get('claim_a') or '—'}, B {where.get('claim_b') or '—'})"
    return f"{where.get('article')} [{where.get('start')},{where.get('end')}] “{where.get('text')}”{ids}"


def describe_value(layer: str, value: Any, where: Mapping[str, Any] | None = None) -> str:
    """A value in one line, as the layer shows it."""
    if value is None:
        return "—"
    if layer == "claim" and isinstance(value, Mapping):
        return f"[{value.get('start')},{value.get('end')}] “{value.get('text')}”"
    if layer in GROUPING_LAYERS and isinstance(value, list):
        return " ".join("{" + ",".join(str(i) for i in group) + "}" for group in value)
    if isinstance(value, list):
        return ", ".join(f"`{v}`" for v in value) or "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def partition(keys: Sequence[Any]) -> list[list[int]]:
    """The partition of positions ``0..n-1`` by equal key: groups of indexes, each sorted, ordered by their
    first index (the same grouping under any key strings gives the same value)."""
    groups: dict[Any, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    return sorted(groups.values())


def registry_text(registry: Registry, kind: str, key: str) -> str | None:
    table, text_field = _TABLES[kind]
    entry = getattr(registry, table).get(key)
    return entry.get(text_field) if isinstance(entry, dict) else None


def compare(data_a: PassData, data_b: PassData) -> Comparison:
    """Every item of two passes, and the disagreements in a stable order (by place, then layer)."""
    ids_a, ids_b = set(data_a.documents), set(data_b.documents)
    common = sorted(ids_a & ids_b)
    result = Comparison(
        data_a.name, data_b.name, common, sorted(ids_a - ids_b), sorted(ids_b - ids_a), data_a=data_a, data_b=data_b
    )

    def add(layer: str, where: dict[str, Any], a: Any, b: Any) -> None:
        item = Item(layer, where, a, b)
        result.items[item.key] = item

    used_a: set[str] = set()
    used_b: set[str] = set()
    for article in common:
        doc_a, doc_b = data_a.documents[article], data_b.documents[article]
        _compare_spans(article, doc_a, doc_b, data_a.texts.get(article) or data_b.texts.get(article), add)
        for doc, used in ((doc_a, used_a), (doc_b, used_b)):
            used.update(m["entity"] for m in doc["entities"] if m["entity"] is not None)
            for claim in doc["claims"]:
                used.update(claim["about"])
                if claim["claimer"] != "author":
                    used.add(claim["claimer"])
        claims_a, claims_b = doc_a["claims"], doc_b["claims"]
        matched = pair_claims(claims_a, claims_b)
        paired_a, paired_b = {i for i, _ in matched}, {j for _, j in matched}
        pairs = [ClaimPair(article, claims_a[i], claims_b[j]) for i, j in matched]
        pairs += [ClaimPair(article, c, None) for i, c in enumerate(claims_a) if i not in paired_a]
        pairs += [ClaimPair(article, None, c) for j, c in enumerate(claims_b) if j not in paired_b]
        for pair in pairs:
            where = pair.where
            result.pairs[(article, where["claim_a"], where["claim_b"])] = pair
            add("claim", where, _span(pair.a), _span(pair.b))
            if pair.a is not None and pair.b is not None:
                for layer in CLAIM_FIELDS:
                    add(layer, where, claim_value(layer, pair.a), claim_value(layer, pair.b))
    for key in sorted(used_a & used_b):
        entry_a, entry_b = data_a.registry.entities.get(key) or {}, data_b.registry.entities.get(key) or {}
        add("entity-name", {"entity": key}, entry_a.get("name"), entry_b.get("name"))
        add("entity-type", {"entity": key}, entry_a.get("type"), entry_b.get("type"))
    matched_pairs = [p for p in result.pairs.values() if p.a is not None and p.b is not None]
    for layer, kind in GROUPING_LAYERS.items():
        _compare_groupings(result, layer, kind, matched_pairs, add)
    result.disagreements = sorted((i for i in result.items.values() if i.disagrees), key=Item.sort_key)
    return result


SHOWN_SEGMENT = 60  # characters of a segment's text shown where it is located


def _compare_spans(article: str, doc_a: dict, doc_b: dict, text: str | None, add: Any) -> None:
    text_of: dict[tuple[int, int], str | None] = {}
    for x in (*doc_a["segments"], *doc_b["segments"]):
        shown = None if text is None else text[x["start"] : x["end"]]
        if shown is not None and len(shown) > SHOWN_SEGMENT:
            shown = shown[:SHOWN_SEGMENT] + "…"
        text_of[(x["start"], x["end"])] = shown
    for group, layer, value_field in (("segments", "segment", "kind"), ("entities", "mention", "label")):
        by_span_a = {(x["start"], x["end"]): x for x in doc_a[group]}
        by_span_b = {(x["start"], x["end"]): x for x in doc_b[group]}
        for x in (*doc_a[group], *doc_b[group]):
            if "text" in x:
                text_of[(x["start"], x["end"])] = x["text"]
        for span in sorted(by_span_a.keys() | by_span_b.keys()):
            x, y = by_span_a.get(span), by_span_b.get(span)
            where = {"article": article, "start": span[0], "end": span[1], "text": text_of.get(span)}
            add(layer, where, None if x is None else x[value_field], None if y is None else y[value_field])
            if layer == "mention" and x is not None and y is not None:
                add("link", where, x["entity"], y["entity"])


def _compare_groupings(result: Comparison, layer: str, kind: str, pairs: list[ClaimPair], add: Any) -> None:
    """Components of claims linked by either pass's keys; each split differently is one item, each one
    group in both passes is compared on its registry text."""
    parent = list(range(len(pairs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for side in ("a", "b"):
        first: dict[str, int] = {}
        for index, pair in enumerate(pairs):
            key = getattr(pair, side)[kind]
            if key in first:
                parent[find(index)] = find(first[key])
            else:
                first[key] = index
    components: dict[int, list[ClaimPair]] = defaultdict(list)
    for index, pair in enumerate(pairs):
        components[find(index)].append(pair)
    text_layer = next(t for t, k in TEXT_LAYERS.items() if k == kind)
    assert result.data_a is not None and result.data_b is not None
    for members in components.values():
        members.sort(key=lambda p: _place(p.where))
        where = {"claims": [p.where for p in members]}
        a = partition([p.a[kind] for p in members])  # type: ignore[index]
        b = partition([p.b[kind] for p in members])  # type: ignore[index]
        if a != b:
            add(layer, where, a, b)
        else:
            if len(members) > 1:
                add(layer, where, a, b)  # agreed: a decision may still correct it
            add(
                text_layer,
                where,
                registry_text(result.data_a.registry, kind, members[0].a[kind]),  # type: ignore[index]
                registry_text(result.data_b.registry, kind, members[0].b[kind]),  # type: ignore[index]
            )


class GoldView:
    """The gold read at the comparison's locations: what it holds where a decision points.

    A claim of a pass is found in the gold as the passes are matched with each other (:func:`pair_claims`,
    pass A's claim first, else pass B's), so a decision that chose another span still finds its claim.
    ``document(article)`` gives a gold annotation document, or None when the gold lacks the article.
    """

    def __init__(self, comparison: Comparison, document: Any, registry: Registry) -> None:
        self.comparison = comparison
        self._document = document
        self.registry = registry
        self._docs: dict[str, dict[str, Any] | None] = {}
        self._claims: dict[tuple[str, str, str], dict[str, Any]] = {}

    def doc(self, article: Any) -> dict[str, Any] | None:
        if not isinstance(article, str):
            return None
        if article not in self._docs:
            self._docs[article] = self._document(article)
            self._map_claims(article)
        return self._docs[article]

    def _map_claims(self, article: str) -> None:
        gold = self._docs[article]
        if gold is None:
            return
        for side, data in (("a", self.comparison.data_a), ("b", self.comparison.data_b)):
            document = None if data is None else data.documents.get(article)
            if document is None:
                continue
            claims = document["claims"]
            for i, j in pair_claims(claims, gold["claims"]):
                self._claims[(article, side, claims[i]["id"])] = gold["claims"][j]

    def claim(self, where: Mapping[str, Any]) -> dict[str, Any] | None:
        """The gold claim of a located pass claim, or None."""
        article = where.get("article")
        document = self.doc(article)
        if document is None:
            return None
        if where.get("claim_a") is None and where.get("claim_b") is None:  # a claim neither pass has
            span, named = (where.get("start"), where.get("end")), where.get("claim_gold")
            return next(
                (c for c in document["claims"] if (c["start"], c["end"]) == span and named in (None, c["id"])), None
            )
        for side in ("a", "b"):
            found = self._claims.get((article, side, where.get(f"claim_{side}")))  # type: ignore[arg-type]
            if found is not None:
                return found
        return None

    def value_at(self, layer: str, where: Mapping[str, Any]) -> tuple[bool, Any]:
        """(found, value): what the gold holds at ``where`` on ``layer``; ``found`` is False when the gold has
        nothing to compare (no such article, no claim matching a located claim), and ``value`` then says why."""
        if layer in ENTITY_LAYERS:
            entry = self.registry.entities.get(str(where.get("entity")))
            return True, None if entry is None else entry.get(layer.removeprefix("entity-"))
        if layer in GROUPING_LAYERS or layer in TEXT_LAYERS:
            claims: list[Any] = where["claims"] if isinstance(where.get("claims"), list) else []
            found = []
            for index, located in enumerate(claims):
                claim = self.claim(located) if isinstance(located, Mapping) else None
                if claim is None:
                    return False, f"no gold claim matches claim ({index})"
                found.append(claim)
            if layer in GROUPING_LAYERS:
                return True, partition([c[GROUPING_LAYERS[layer]] for c in found])
            keys = {c[TEXT_LAYERS[layer]] for c in found}
            if len(keys) != 1:
                return False, f"the gold gives these claims {len(keys)} different keys"
            return True, registry_text(self.registry, TEXT_LAYERS[layer], keys.pop())
        document = self.doc(where.get("article"))
        if document is None:
            return False, f"the gold has no article {where.get('article')!r}"
        if layer in CLAIM_LAYERS:
            claim = self.claim(where)
            if claim is None and layer != "claim":
                return False, "no gold claim matches this claim"
            return True, claim_value(layer, claim)
        group, value_field = {"segment": ("segments", "kind"), "mention": ("entities", "label")}.get(
            layer, ("entities", "entity")
        )
        for x in document[group]:
            if x["start"] == where.get("start") and x["end"] == where.get("end"):
                return True, x[value_field]
        return True, None
