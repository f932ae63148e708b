"""Adjudicating two passes (GUIDELINES.md 15.6): their disagreements, a merged draft, and ADJUDICATION.md.

1. :func:`find_disagreements` compares two valid passes of annotations/passes/ on every layer
   (:mod:`cyberclaims.core.disagreements`).
2. :func:`write_draft` writes a folder shaped like annotations/ (``<id>.json`` and the three registries)
   holding what both passes agree on. A disagreement on something a file may lack (a mention, a link, a
   claim, an ``about`` key) is left out; one on a value a file must have (a segment's kind, a claim's
   claimer and attribution, certainty or normalized, a registry entry's name or type, a statement) keeps
   pass A's value as a placeholder; a claim whose grouping is disputed gets a ``pending_<n>`` key of its own.
   Every such item is listed in the draft's ``DRAFT.md`` and counted in each article's ``notes``, so the
   draft validates and says what is pending. It never writes into annotations/, and replaces only a folder
   that it made itself (one holding its ``DRAFT.md``).
3. The adjudicator records each decision in annotations/adjudication.json (checked by ``validate``), and
   :func:`write_report` generates annotations/ADJUDICATION.md from it.
4. ``--apply`` (:func:`read_decisions_to_apply`, then :func:`write_draft` with the decisions): the draft holds
   each decided item's chosen value (corrections and added claims too), with the adjudication's provenance;
   what no decision settles stays pending as in step 2 (an added claim's values its decision does not give).
   It is reviewed, then copied into annotations/.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.adjudication import (
    ADDED_CLAIM_FIELDS,
    ADDED_KEY_TEXTS,
    DECISIONS_FILE,
    REPORT_FILE,
    added_claim_values,
    render_report,
)
from ..core.disagreements import (
    CLAIM_FIELDS,
    GROUPING_LAYERS,
    TEXT_LAYERS,
    ClaimPair,
    Comparison,
    Item,
    PassData,
    compare,
    location_key,
    partition,
    registry_text,
)
from ..core.errors import CyberClaimsError, UsageError
from ..core.files import MAX_REGISTRY_BYTES, read_capped, refuse_repository_folder, write_file
from ..core.issues import Issue, Report, printable
from ..core.jsondoc import JsonDocument, parse_json
from ..core.vocabulary import ARTICLE_ID, LAYERS, NAMED_LABELS, REGISTRY_FILES
from ..validation import validate
from ..validation.adjudication import issues_before_the_gold
from ..validation.pass_register import REGISTER
from ..validation.schema import schema_issues

DRAFT_NOTE = "DRAFT.md"
_DRAFT_MARK = "<!-- written by `cyberclaims adjudicate --draft`; replaced when the draft is written again -->"
# Who made a draft: this program (a model in the schema's sense: a program), recorded truthfully.
DRAFT_AGENT = {
    "id": "cyberclaims-adjudicate",
    "type": "model",
    "model": "cyberclaims adjudicate (merged draft)",
    "model_version": __version__,
}


def find_disagreements(root: Path, names: Sequence[str]) -> Comparison:
    """Every disagreement between the passes ``names`` (two folders of annotations/passes/) of ``root``.

    An unknown pass is a :class:`UsageError`; a pass with validation errors a :class:`CyberClaimsError`
    carrying them (comparing invalid labels would mean nothing). Errors elsewhere (an unfinished decisions
    file, the gold being edited) do not stop it.
    """
    if len(names) != 2 or names[0] == names[1]:
        raise UsageError("name two different passes: cyberclaims adjudicate PASS_A PASS_B")
    corpus, report = validate(Path(root), show_progress=False)
    passes = {c.name: c for c in corpus.passes}
    unknown = [n for n in names if n not in passes]
    if unknown:
        raise UsageError(
            f"unknown pass {', '.join(map(printable, unknown))}; passes in annotations/passes/: "
            f"{', '.join(passes) or 'none'}"
        )
    errors = [i for i in report.errors if _about_passes(i, names)]
    if errors:
        raise CyberClaimsError(
            f"passes {' and '.join(names)} must validate before they are adjudicated",
            Report(errors, report.files_checked),
        )
    a, b = (passes[n] for n in names)
    return compare(
        PassData(a.name, {x.id: x.data for x in a.articles}, a.registry, {x.id: x.text for x in a.articles}),
        PassData(b.name, {x.id: x.data for x in b.articles}, b.registry),
    )


# ---------------------------------------------------------------------------------------------
# The merged draft


@dataclass
class Draft:
    """What a draft holds: its files by name, and the pending items of each article (and of the registries)."""

    files: dict[str, bytes] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)  # article (or "registries") -> descriptions

    @property
    def pending_count(self) -> int:
        return sum(len(v) for v in self.pending.values())


def _dumps(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class _DraftBuilder:
    def __init__(
        self,
        comparison: Comparison,
        gold: dict[str, dict[str, Any]],
        today: str,
        decisions: dict[str, Any] | None = None,
    ) -> None:
        assert comparison.data_a is not None and comparison.data_b is not None
        self.c = comparison
        self.a, self.b = comparison.data_a, comparison.data_b
        self.gold = gold
        self.today = today
        self.decisions_file = decisions
        # Each decision by the location it decides; the ones on spans, by (layer, article), for what neither
        # pass has there (a correction adding a segment, a mention, a claim).
        self.decided: dict[str, dict[str, Any]] = {}
        self.decided_in: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for decision in (decisions or {}).get("decisions", []):
            self.decided[location_key(decision["layer"], decision["where"])] = decision
            if "article" in decision["where"]:
                self.decided_in.setdefault((decision["layer"], decision["where"]["article"]), []).append(decision)
        self.disputed = {item.key for item in comparison.disagreements}
        self.draft = Draft()
        self.entities: set[str] = set()
        self.keys: dict[str, dict[str, str]] = {"proposition": {}, "event": {}}  # key -> text
        self.pending_number = 0
        self.group_keys: dict[str, dict[tuple[Any, Any, Any], str | None]] = {}
        self.group_texts: dict[str, dict[str, tuple[str, bool]]] = {}  # key -> (text, pending)
        self.side_keys: dict[tuple[str, str, str], str] = {}  # (kind, side, that pass's key) -> the draft's key
        self.added_keys: dict[tuple[str, str], str] = {}  # (kind, an added claim's new key) -> the draft's key
        for layer, kind in GROUPING_LAYERS.items():
            self._plan_groups(layer, kind)
        self.taken = {kind: {k for k in keys.values() if k is not None} for kind, keys in self.group_keys.items()}

    def note(self, article: str, text: str) -> None:
        self.draft.pending.setdefault(article, []).append(text)

    def _disputed(self, layer: str, where: dict[str, Any]) -> bool:
        return location_key(layer, where) in self.disputed

    def decision(self, layer: str, where: dict[str, Any]) -> dict[str, Any] | None:
        return self.decided.get(location_key(layer, where))

    def _plan_groups(self, layer: str, kind: str) -> None:
        """Each matched claim's key in the draft, and each key's text. A component of claims both passes group
        alike keeps pass A's keys; one they group differently takes the decided partition (each group named by
        the chosen pass's key, else the other's), or, undecided, None: a pending key of its own per claim."""
        text_layer = next(t for t, k in TEXT_LAYERS.items() if k == kind)
        keys: dict[tuple[Any, Any, Any], str | None] = {}
        texts: dict[str, tuple[str, bool]] = {}
        used: set[str] = set()
        components = {
            location_key(text_layer, item.where): item.where
            for item in sorted(self.c.items.values(), key=Item.sort_key)
            if item.layer in (layer, text_layer)
        }
        for where in components.values():
            idents = [(c["article"], c["claim_a"], c["claim_b"]) for c in where["claims"]]
            pairs = [self.c.pairs[ident] for ident in idents]
            decided = self.decision(layer, where)
            if decided is not None and decided["value"] is not None:
                groups, side = decided["value"], "b" if decided["choice"] == "b" else "a"
            elif self._disputed(layer, where):
                keys.update((ident, None) for ident in idents)
                continue
            else:
                groups, side = partition([p.a[kind] for p in pairs]), "a"  # type: ignore[index]
            for group in groups:
                candidates = []
                for one in (side, "b" if side == "a" else "a"):
                    found = {getattr(pairs[i], one)[kind] for i in group}
                    if len(found) == 1:
                        candidates.append((one, found.pop()))
                one, source_key = next(((o, k) for o, k in candidates if k not in used), candidates[0])
                key = source_key
                while key in used:
                    key = f"{key}_{len(used)}"
                used.add(key)
                keys.update((idents[i], key) for i in group)
                for i in group:
                    for other in ("a", "b"):
                        self.side_keys.setdefault((kind, other, getattr(pairs[i], other)[kind]), key)
                data = self.a if one == "a" else self.b
                text = registry_text(data.registry, kind, source_key) or ""
                pending = False
                text_decision = self.decision(text_layer, where)
                if text_decision is not None and text_decision["value"] is not None:
                    text = text_decision["value"]
                elif decided is None and self._disputed(text_layer, where):
                    pending = True
                texts[key] = (text, pending)
        self.group_keys[kind] = keys
        self.group_texts[kind] = texts

    def build(self) -> Draft:
        for article in self.c.articles:
            self.draft.files[f"{article}.json"] = _dumps(self.article(article))
        self.registries()
        return self.draft

    def segments(self, article: str, doc_a: dict[str, Any]) -> list[dict[str, Any]]:
        by_span = {(x["start"], x["end"]): x for x in doc_a["segments"]}
        for decision in self.decided_in.get(("segment", article), []):
            span = (decision["where"]["start"], decision["where"]["end"])
            if decision["value"] is None:
                by_span.pop(span, None)
            else:
                by_span[span] = {"start": span[0], "end": span[1], "kind": decision["value"]}
        undecided = [
            i
            for i in self.c.disagreements
            if i.layer == "segment" and i.where["article"] == article and i.key not in self.decided
        ]
        if undecided:
            self.note(article, f"segments: {self.a.name}'s in place (the passes segment the text differently)")
        return [by_span[span] for span in sorted(by_span)]

    def mentions(self, article: str, doc_a: dict[str, Any], doc_b: dict[str, Any]) -> list[dict[str, Any]]:
        spans_a = {(m["start"], m["end"]): m for m in doc_a["entities"]}
        spans_b = {(m["start"], m["end"]): m for m in doc_b["entities"]}
        added = {
            (d["where"]["start"], d["where"]["end"]): d["where"]["text"]
            for d in self.decided_in.get(("mention", article), [])
        }
        for span, y in spans_b.items():
            where = {"article": article, "start": span[0], "end": span[1]}
            if span not in spans_a and self.decision("mention", where) is None:
                self.note(article, f"mention [{y['start']},{y['end']}] “{y['text']}” ({self.b.name} only): left out")
        mentions: list[dict[str, Any]] = []
        for span in sorted(spans_a.keys() | spans_b.keys() | added.keys()):
            x, y = spans_a.get(span), spans_b.get(span)
            text = (x or y or {}).get("text") or added.get(span)
            where = {"article": article, "start": span[0], "end": span[1], "text": text}
            shown = f"mention [{span[0]},{span[1]}] “{text}”"
            decided = self.decision("mention", where)
            if decided is not None:
                label = decided["value"]
                if label is None:
                    continue
            elif x is not None and y is not None and x["label"] == y["label"]:
                label = x["label"]
            else:
                if x is not None:
                    self.note(article, f"{shown}: left out (the passes differ on it)")
                continue
            link = self.decision("link", where)
            if link is not None:
                entity = link["value"]
            elif x is not None and y is not None and self._disputed("link", where):
                entity = None
                self.note(article, f"{shown}: its link left out (entity null)")
            else:
                source = next((m for m in (x, y) if m is not None and m["label"] == label), None)
                entity = None if source is None else source["entity"]
                if source is None and label in NAMED_LABELS:
                    self.note(article, f"{shown}: its link, no pass links it as {label} (entity null)")
            if entity is not None:
                self.entities.add(entity)
            mentions.append(
                {"id": f"m{len(mentions) + 1}", "start": span[0], "end": span[1], "text": text, "label": label}
                | {"entity": entity}
            )
        return mentions

    def article(self, article: str) -> dict[str, Any]:
        doc_a, doc_b = self.a.documents[article], self.b.documents[article]
        base = self.gold.get(article) or doc_a
        segments = self.segments(article, doc_a)
        mentions = self.mentions(article, doc_a, doc_b)
        pairs = sorted(
            (p for (art, _, _), p in self.c.pairs.items() if art == article),
            key=lambda p: (p.where["start"], p.where["end"], str(p.where["claim_a"]), str(p.where["claim_b"])),
        )
        claims = [c for c in (self.claim(pair) for pair in pairs) if c is not None]
        for decision in self.decided_in.get(("claim", article), []):
            where = decision["where"]
            if where["claim_a"] is None and where["claim_b"] is None and decision["value"] is not None:
                claims.append(self.added_claim(decision, claims))
        claims.sort(key=lambda c: (c["start"], c["end"]))
        for number, claim in enumerate(claims, 1):
            claim["id"] = f"c{number}"
        pending = len(self.draft.pending.get(article, []))
        made = self.decisions_file
        record = {
            layer: {
                "method": "adjudicated",
                "annotator": DRAFT_AGENT if made is None else made["adjudicator"],
                "suggestions": None,
                "passes": [self.a.name, self.b.name],
                "guidelines": _guidelines(doc_a, doc_b, layer) if made is None else made["guidelines"],
                "date": self.today if made is None else made["date"],
            }
            for layer in LAYERS
        }
        what = "Merged draft" if made is None else "Draft with the decisions of annotations/adjudication.json applied"
        return {
            "id": article,
            "text_sha256": base["text_sha256"],
            "metadata": base["metadata"],
            "segments": segments,
            "entities": mentions,
            "claims": claims,
            "annotators": [self.a.name, self.b.name],
            "notes": f"{what} of {self.a.name} and {self.b.name} (cyberclaims adjudicate): "
            f"{pending} pending item{'s' if pending != 1 else ''} listed in {DRAFT_NOTE}; not the gold.",
            "provenance": record,
        }

    def claim(self, pair: ClaimPair) -> dict[str, Any] | None:
        where = pair.where
        decided = self.decision("claim", where)
        if decided is not None and decided["value"] is None:
            return None
        if decided is None and (pair.a is None or pair.b is None or self._disputed("claim", where)):
            only = (
                ""
                if pair.a is not None and pair.b is not None
                else f" ({self.a.name if pair.b is None else self.b.name} only)"
            )
            self.note(where["article"], f"claim [{where['start']},{where['end']}] “{where['text']}”{only}: left out")
            return None
        span = decided["value"] if decided is not None else {k: where[k] for k in ("start", "end", "text")}
        claim: dict[str, Any] = {"id": "", "start": span["start"], "end": span["end"], "text": span["text"]}
        shown = f"claim [{span['start']},{span['end']}] “{span['text']}”"
        if pair.a is None or pair.b is None:  # one pass's claim, kept by a decision: that pass's values
            side, source = ("a", pair.a) if pair.a is not None else ("b", pair.b)
            assert source is not None
            claim |= {layer: source[layer] for layer in CLAIM_FIELDS}
            self._use_entities(claim)
            for kind in ("proposition", "event"):
                claim[kind] = self._side_key(kind, side, source[kind], where["article"], shown)
            return claim
        a, b = pair.a, pair.b
        for layer in CLAIM_FIELDS:
            claim[layer] = a[layer]
            field_decision = self.decision(layer, where)
            if field_decision is not None and field_decision["value"] is not None:
                claim[layer] = field_decision["value"]
            elif self._disputed(layer, where):
                if layer == "about":
                    claim["about"] = [k for k in a["about"] if k in set(b["about"])]
                    self.note(where["article"], f"{shown}: about, only the keys both passes list")
                else:
                    self.note(where["article"], f"{shown}: {layer}, {self.a.name}'s in place")
        self._use_entities(claim)
        ident = (where["article"], where["claim_a"], where["claim_b"])
        for kind in ("proposition", "event"):
            key = self.group_keys[kind].get(ident)
            if key is None:
                key = self._pending_key(kind, f"{self.a.name} keys it {a[kind]}, {self.b.name} {b[kind]}")
                self.note(where["article"], f"{shown}: {kind} grouping pending, key {key}")
            else:
                self._use_key(kind, key)
            claim[kind] = key
        return claim

    def added_claim(self, decision: dict[str, Any], claims: list[dict[str, Any]]) -> dict[str, Any]:
        """A claim neither pass has, added by a decision: its span, and each other value the decision gives
        (:func:`~cyberclaims.core.adjudication.added_claim_values`). A value it does not give is a placeholder,
        pending, taken from a claim of the draft on the same span when there is one."""
        span, article = decision["value"], decision["where"]["article"]
        given = added_claim_values(decision)
        shown = f"claim [{span['start']},{span['end']}] “{span['text']}”"
        twin = next((c for c in claims if (c["start"], c["end"]) == (span["start"], span["end"])), None)
        claim: dict[str, Any] = {"id": "", "start": span["start"], "end": span["end"], "text": span["text"]}
        for layer in CLAIM_FIELDS:
            if layer in given:
                claim[layer] = given[layer]
            else:
                claim[layer] = twin[layer] if twin is not None else _PLACEHOLDERS.get(layer, span["text"])
        self._use_entities(claim)
        for kind, text_field in ADDED_KEY_TEXTS.items():
            if kind in given:
                claim[kind] = self._added_key(kind, given[kind], given.get(text_field), article, shown)
            else:
                claim[kind] = self._pending_key(kind, "Pending adjudication: a claim neither pass has (added).")
        missing = [name for name in ADDED_CLAIM_FIELDS if name not in given]
        if missing:
            self.note(
                article,
                f"{shown} (neither pass has it): added; its {', '.join(missing)} "
                f"{'is a placeholder' if len(missing) == 1 else 'are placeholders'}"
                f"{' copied from the claim on the same span' if twin is not None else ''}"
                f"{'' if len(missing) == len(ADDED_CLAIM_FIELDS) else ' (its decision gives the others)'}",
            )
        return claim

    def _added_key(self, kind: str, key: str, text: str | None, article: str, shown: str) -> str:
        """The draft's key of an added claim's proposition or event: a pass's key joins the draft's group of that
        key (its text the pass's); a key neither pass has is new, with the text its decision gives (checked)."""
        for side, data in (("a", self.a), ("b", self.b)):
            if registry_text(data.registry, kind, key) is not None:
                return self._side_key(kind, side, key, article, shown)
        if (kind, key) not in self.added_keys:
            found = key
            while found in self.taken[kind] or found in self.keys[kind]:
                found = f"{found}_{len(self.taken[kind])}"
            self.taken[kind].add(found)
            self.keys[kind][found] = text or ""
            self.added_keys[(kind, key)] = found
        return self.added_keys[(kind, key)]

    def _use_entities(self, claim: dict[str, Any]) -> None:
        if claim["claimer"] != "author":
            self.entities.add(claim["claimer"])
        self.entities.update(claim["about"])

    def _use_key(self, kind: str, key: str) -> None:
        if key in self.keys[kind]:
            return
        text, pending = self.group_texts[kind].get(key, ("", False))
        self.keys[kind][key] = text
        if pending:
            self.note("registries", f"{kind} {key}: its text, {self.a.name}'s in place")

    def _pending_key(self, kind: str, why: str) -> str:
        self.pending_number += 1
        key = f"pending_{self.pending_number}"
        while key in self.taken[kind]:
            self.pending_number += 1
            key = f"pending_{self.pending_number}"
        self.keys[kind][key] = why if why.startswith("Pending") else f"Pending adjudication: {why}."
        return key

    def _side_key(self, kind: str, side: str, key: str, article: str, shown: str) -> str:
        """The draft's key of a claim only one pass has: that of the group the pass puts it with, else the
        pass's own key (its text from the pass)."""
        found = self.side_keys.get((kind, side, key))
        if found is None:
            found = key
            while found in self.taken[kind] and (kind, side, key) not in self.side_keys:
                found = f"{found}_{len(self.taken[kind])}"
            self.side_keys[(kind, side, key)] = found
            self.taken[kind].add(found)
            data = self.a if side == "a" else self.b
            self.group_texts[kind][found] = (registry_text(data.registry, kind, key) or "", False)
        self._use_key(kind, found)
        return found

    def registries(self) -> None:
        entries = []
        for key in sorted(self.entities):
            known = self.a.registry.entities.get(key) or self.b.registry.entities.get(key)
            if known is None:
                self.note("registries", f"entity {key}: in no pass's registry, left out")
                continue
            entry = dict(known)
            other = self.b.registry.entities.get(key)
            for name in ("name", "type"):
                decided = self.decision(f"entity-{name}", {"entity": key})
                if decided is not None and decided["value"] is not None:
                    entry[name] = decided["value"]
                elif other is not None and entry.get(name) != other.get(name):
                    self.note("registries", f"entity {key}: {name}, {self.a.name}'s in place")
            entries.append(entry)
        self.draft.files["entities.json"] = _dumps({"entities": entries})
        self.draft.files["propositions.json"] = _dumps(
            {"propositions": [{"key": k, "statement": t} for k, t in sorted(self.keys["proposition"].items())]}
        )
        self.draft.files["events.json"] = _dumps(
            {"events": [{"key": k, "description": t} for k, t in sorted(self.keys["event"].items())]}
        )


# Values of an added claim that no pass gives and no claim of the draft shares: kept valid, listed pending
_PLACEHOLDERS: dict[str, Any] = {"claimer": "author", "attribution": "asserted", "certainty": "certain", "about": []}


def _guidelines(doc_a: dict[str, Any], doc_b: dict[str, Any], layer: str) -> str:
    versions = []
    for doc in (doc_a, doc_b):
        made = (doc.get("provenance") or {}).get(layer) or {}
        versions.append(made.get("guidelines"))
    return next((v for v in versions if v), "0.0")


def make_draft(
    comparison: Comparison,
    gold: dict[str, dict[str, Any]] | None = None,
    today: str | None = None,
    decisions: dict[str, Any] | None = None,
) -> Draft:
    """The merged draft of a comparison (its files in memory): see the module's description. With
    ``decisions`` (a decisions file checked by :func:`read_decisions_to_apply`), each decision is applied."""
    when = today or datetime.date.today().isoformat()
    draft = _DraftBuilder(comparison, gold or {}, when, decisions).build()
    lines = [
        _DRAFT_MARK,
        f"# Merged draft of `{comparison.pass_a}` (A) and `{comparison.pass_b}` (B)",
        "",
    ]
    if decisions is not None:
        lines += [
            f"The {len(decisions['decisions'])} decisions of annotations/{DECISIONS_FILE} (adjudicator "
            f"`{decisions['adjudicator']['id']}`, guidelines {decisions['guidelines']}, {decisions['date']}) are "
            "applied (`--apply`): each decided item holds the chosen value, and the provenance is the "
            "adjudication's. Review it, then copy it into annotations/. What no decision settles is pending, as "
            "below.",
            "",
        ]
    lines += [
        "What both passes agree on. Disputed mentions, links, claims and `about` keys are left out; a disputed "
        "required value holds pass A's value as a placeholder; a claim whose grouping is disputed has a "
        "`pending_<n>` key of its own. Entity descriptions and aliases are pass A's (not compared). The "
        "pending items below are those of the draft; the table after them lists every disagreement. "
        f"Decide each disagreement (`cyberclaims adjudicate {comparison.pass_a} {comparison.pass_b}`) in "
        f"annotations/{DECISIONS_FILE}; this folder is not the gold.",
        "",
        f"{draft.pending_count} pending item{'s' if draft.pending_count != 1 else ''}:",
    ]
    for where in sorted(draft.pending):
        lines += ["", f"## {where}", ""] + [f"- {text}" for text in draft.pending[where]]
    lines += ["", "## All disagreements", "", comparison.to_markdown().split("\n", 2)[2].rstrip("\n")]
    draft.files[DRAFT_NOTE] = ("\n".join(lines) + "\n").encode("utf-8")
    return draft


def write_draft(
    root: Path, comparison: Comparison, out: Path, today: str | None = None, decisions: dict[str, Any] | None = None
) -> Draft:
    """Write the merged draft to ``out``: a new folder, or one an earlier draft made (replaced whole).

    ``out`` may not be annotations/ or inside it; a folder that holds anything but an earlier draft is
    refused. The files are written to a temporary sibling, which is then renamed into place.
    """
    out = Path(out)
    check_draft_folder(root, out)
    gold = {}
    for article in comparison.articles:
        path = Path(root) / "annotations" / f"{article}.json"
        if path.is_file():
            try:
                gold[article] = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                pass  # the gold is being edited: the draft takes the article's metadata from pass A
    draft = make_draft(comparison, gold, today, decisions)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-draft-", dir=out.parent))
    try:
        for name, data in sorted(draft.files.items()):
            write_file(staging / name, data)
        os.chmod(staging, 0o755)
        if out.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            os.replace(out, old / "draft")
            os.replace(staging, out)
            shutil.rmtree(old)
        else:
            os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return draft


def check_draft_folder(root: Path, out: Path) -> None:
    """``UsageError`` unless ``out`` may take a draft: a new or empty folder, or one an earlier draft made and that
    holds nothing else (it is replaced whole, so a file of yours there would be deleted). Never annotations/ nor
    another of the repository's own folders, never a link. Called before anything is compared or written."""
    out = Path(out)
    shown = printable(str(out))
    annotations = (Path(root) / "annotations").resolve()
    target = out.resolve()
    if target == annotations or target.is_relative_to(annotations) or annotations.is_relative_to(target):
        raise UsageError(f"--draft {shown} would write into annotations/: give a folder outside it")
    refuse_repository_folder(root, out, "adjudicate", option="--draft")
    if out.is_symlink():
        raise UsageError(f"--draft {shown} is a symbolic link; a draft is never written through a link: name a folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--draft {shown} exists and is not a folder")
    if not out.is_dir():
        return
    with os.scandir(out) as scan:
        entries = sorted((e.name, e.is_file(follow_symlinks=False)) for e in scan)
    if not entries:
        return
    if not _made_by_draft(out):
        raise UsageError(
            f"--draft {shown} is not empty and was not written by `cyberclaims adjudicate --draft`: "
            f"give a new or empty folder"
        )
    foreign = [name for name, regular in entries if not regular or not _draft_file_name(name)]
    if foreign:
        listed = ", ".join(printable(name) for name in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise UsageError(
            f"--draft {shown} holds {len(foreign)} entr{'y' if len(foreign) == 1 else 'ies'} that a draft does not "
            f"write ({listed}); a draft is replaced whole, so nothing was written: move them away, or give a new folder"
        )


def _draft_file_name(name: str) -> bool:
    """Whether a draft writes a file of this name: its note, a registry, an article's annotation file."""
    stem, dot, suffix = name.rpartition(".")
    return (
        name == DRAFT_NOTE
        or name in REGISTRY_FILES
        or (dot == "." and suffix == "json" and bool(ARTICLE_ID.fullmatch(stem)))
    )


def _made_by_draft(folder: Path) -> bool:
    note = folder / DRAFT_NOTE
    if not note.is_file() or note.is_symlink():
        return False
    with open(note, encoding="utf-8", errors="replace") as fh:
        return fh.readline().rstrip("\n") == _DRAFT_MARK


def _about_passes(issue: Issue, names: Sequence[str]) -> bool:
    """Whether a validation error is one of the passes ``names``: located in a pass's folder or on the folder
    itself (no INSTRUCTIONS.md), or in the register about one of its files (or the register unreadable)."""
    for name in names:
        folder = f"annotations/passes/{name}"
        if issue.file == folder or issue.file.startswith(folder + "/"):
            return True
        if issue.file == f"annotations/passes/{REGISTER}" and (
            issue.code == "pass-register-invalid" or f"{folder}/" in issue.message
        ):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# ADJUDICATION.md


def read_decisions_to_apply(root: Path, comparison: Comparison) -> dict[str, Any]:
    """annotations/adjudication.json, to apply to the draft of ``comparison``: its ``passes`` must be the
    comparison's (a :class:`UsageError` otherwise), and it must pass every check ``validate`` runs on it except
    those that compare it with the gold or ADJUDICATION.md (a :class:`CyberClaimsError` with the located errors)."""
    display = f"annotations/{DECISIONS_FILE}"
    doc = _decisions_document(root)
    passes = doc.value["passes"]
    if passes != [comparison.pass_a, comparison.pass_b]:
        raise UsageError(
            f"{display} adjudicates {' and '.join(map(printable, passes))}, not {comparison.pass_a} and "
            f"{comparison.pass_b}: --apply applies it to the draft of its own passes, in its order"
        )
    issues = issues_before_the_gold(root, doc, comparison)
    if issues:
        raise CyberClaimsError(f"{display} has errors; nothing was written", Report(issues, 1))
    return doc.value


def read_decisions(root: Path) -> dict[str, Any]:
    """annotations/adjudication.json, checked against its schema (a :class:`CyberClaimsError` otherwise)."""
    return _decisions_document(root).value


def _decisions_document(root: Path) -> JsonDocument:
    display = f"annotations/{DECISIONS_FILE}"
    path = Path(root) / "annotations" / DECISIONS_FILE
    if not path.exists():
        raise UsageError(f"no {display}: record the decisions there first (GUIDELINES.md 15.6)")
    data, issues = read_capped(path, display, MAX_REGISTRY_BYTES)
    doc, more = parse_json(data, display) if data is not None else (None, [])
    issues += more
    if doc is not None:
        issues += schema_issues(doc, "adjudication")
    if issues or doc is None:
        raise CyberClaimsError(f"{display} is not a valid decisions file; nothing was written", Report(issues, 1))
    return doc


def write_report(root: Path) -> Path:
    """annotations/ADJUDICATION.md generated from annotations/adjudication.json (written atomically)."""
    text = render_report(read_decisions(root))
    path = Path(root) / "annotations" / REPORT_FILE
    write_file(path, text.encode("utf-8"))
    return path
