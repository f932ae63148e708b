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
from ..core.adjudication import DECISIONS_FILE, REPORT_FILE, render_report
from ..core.disagreements import (
    CLAIM_FIELDS,
    GROUPING_LAYERS,
    ClaimPair,
    Comparison,
    PassData,
    compare,
    location_key,
    registry_text,
)
from ..core.errors import CyberClaimsError, UsageError
from ..core.files import MAX_REGISTRY_BYTES, read_capped, refuse_repository_folder, write_file
from ..core.issues import Issue, Report, printable
from ..core.jsondoc import parse_json
from ..core.vocabulary import ARTICLE_ID, LAYERS, REGISTRY_FILES
from ..validation import validate
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
    def __init__(self, comparison: Comparison, gold: dict[str, dict[str, Any]], today: str) -> None:
        assert comparison.data_a is not None and comparison.data_b is not None
        self.c = comparison
        self.a, self.b = comparison.data_a, comparison.data_b
        self.gold = gold
        self.today = today
        self.disputed = {item.key for item in comparison.disagreements}
        self.draft = Draft()
        self.entities: set[str] = set()
        self.keys: dict[str, dict[str, str]] = {"proposition": {}, "event": {}}  # key -> text
        self.pending_number = 0
        self.group_keys = {kind: self._group_keys(layer, kind) for layer, kind in GROUPING_LAYERS.items()}
        self.taken = {kind: {k for k in keys.values() if k is not None} for kind, keys in self.group_keys.items()}

    def note(self, article: str, text: str) -> None:
        self.draft.pending.setdefault(article, []).append(text)

    def _disputed(self, layer: str, where: dict[str, Any]) -> bool:
        return location_key(layer, where) in self.disputed

    def _group_keys(self, layer: str, kind: str) -> dict[tuple[Any, Any, Any], str | None]:
        """Each matched claim's key in the draft: pass A's key when both passes form its group, else None."""
        keys: dict[tuple[Any, Any, Any], str | None] = {}
        disputed_claims: set[tuple[Any, Any, Any]] = set()
        for item in self.c.disagreements:
            if item.layer == layer:
                disputed_claims.update((c["article"], c["claim_a"], c["claim_b"]) for c in item.where["claims"])
        for ident, pair in self.c.pairs.items():
            if pair.a is not None and pair.b is not None:
                keys[ident] = None if ident in disputed_claims else pair.a[kind]
        return keys

    def build(self) -> Draft:
        for article in self.c.articles:
            self.draft.files[f"{article}.json"] = _dumps(self.article(article))
        self.registries()
        return self.draft

    def article(self, article: str) -> dict[str, Any]:
        doc_a, doc_b = self.a.documents[article], self.b.documents[article]
        base = self.gold.get(article) or doc_a
        segments = doc_a["segments"]
        if doc_a["segments"] != doc_b["segments"]:
            self.note(article, f"segments: {self.a.name}'s in place (the passes segment the text differently)")
        mentions: list[dict[str, Any]] = []
        spans_b = {(m["start"], m["end"]): m for m in doc_b["entities"]}
        spans_a = {(m["start"], m["end"]) for m in doc_a["entities"]}
        for y in doc_b["entities"]:
            if (y["start"], y["end"]) not in spans_a:
                self.note(article, f"mention [{y['start']},{y['end']}] “{y['text']}” ({self.b.name} only): left out")
        for x in doc_a["entities"]:
            y = spans_b.get((x["start"], x["end"]))
            shown = f"mention [{x['start']},{x['end']}] “{x['text']}”"
            if y is None or y["label"] != x["label"]:
                self.note(article, f"{shown}: left out (the passes differ on it)")
                continue
            entity = x["entity"]
            where = {"article": article, "start": x["start"], "end": x["end"], "text": x["text"]}
            if self._disputed("link", where):
                entity = None
                self.note(article, f"{shown}: its link left out (entity null)")
            elif entity is not None:
                self.entities.add(entity)
            mentions.append(
                {
                    "id": f"m{len(mentions) + 1}",
                    "start": x["start"],
                    "end": x["end"],
                    "text": x["text"],
                    "label": x["label"],
                    "entity": entity,
                }
            )
        pairs = sorted(
            (p for (art, _, _), p in self.c.pairs.items() if art == article),
            key=lambda p: (p.where["start"], p.where["end"], str(p.where["claim_a"]), str(p.where["claim_b"])),
        )
        claims = [c for c in (self.claim(pair) for pair in pairs) if c is not None]
        for number, claim in enumerate(claims, 1):
            claim["id"] = f"c{number}"
        pending = len(self.draft.pending.get(article, []))
        record = {
            layer: {
                "method": "adjudicated",
                "annotator": DRAFT_AGENT,
                "suggestions": None,
                "passes": [self.a.name, self.b.name],
                "guidelines": _guidelines(doc_a, doc_b, layer),
                "date": self.today,
            }
            for layer in LAYERS
        }
        return {
            "id": article,
            "text_sha256": base["text_sha256"],
            "metadata": base["metadata"],
            "segments": segments,
            "entities": mentions,
            "claims": claims,
            "annotators": [self.a.name, self.b.name],
            "notes": f"Merged draft of {self.a.name} and {self.b.name} (cyberclaims adjudicate): "
            f"{pending} pending item{'s' if pending != 1 else ''} listed in {DRAFT_NOTE}; not the gold.",
            "provenance": record,
        }

    def claim(self, pair: ClaimPair) -> dict[str, Any] | None:
        where = pair.where
        if pair.a is None or pair.b is None or self._disputed("claim", where):
            only = (
                ""
                if pair.a is not None and pair.b is not None
                else f" ({self.a.name if pair.b is None else self.b.name} only)"
            )
            self.note(where["article"], f"claim [{where['start']},{where['end']}] “{where['text']}”{only}: left out")
            return None
        a, b = pair.a, pair.b
        claim: dict[str, Any] = {"id": "", "start": a["start"], "end": a["end"], "text": a["text"]}
        shown = f"claim [{a['start']},{a['end']}] “{a['text']}”"
        for layer in CLAIM_FIELDS:
            claim[layer] = a[layer]
            if self._disputed(layer, where):
                if layer == "about":
                    claim["about"] = [k for k in a["about"] if k in set(b["about"])]
                    self.note(where["article"], f"{shown}: about, only the keys both passes list")
                elif layer in ("claimer", "attribution"):
                    claim["claimer"], claim["attribution"] = a["claimer"], a["attribution"]
                    self.note(where["article"], f"{shown}: {layer}, {self.a.name}'s in place")
                else:
                    self.note(where["article"], f"{shown}: {layer}, {self.a.name}'s in place")
        if claim["claimer"] != "author":
            self.entities.add(claim["claimer"])
        self.entities.update(claim["about"])
        ident = (where["article"], where["claim_a"], where["claim_b"])
        for kind in ("proposition", "event"):
            key = self.group_keys[kind].get(ident)
            if key is None:
                self.pending_number += 1
                key = f"pending_{self.pending_number}"
                while key in self.taken[kind]:
                    self.pending_number += 1
                    key = f"pending_{self.pending_number}"
                self.keys[kind][key] = (
                    f"Pending adjudication: {self.a.name} keys it {a[kind]}, {self.b.name} {b[kind]}."
                )
                self.note(where["article"], f"{shown}: {kind} grouping pending, key {key}")
            elif key not in self.keys[kind]:
                text_a = registry_text(self.a.registry, kind, key) or ""
                text_b = registry_text(self.b.registry, kind, b[kind]) or ""
                self.keys[kind][key] = text_a
                if text_a != text_b:
                    self.note("registries", f"{kind} {key}: its text, {self.a.name}'s in place")
            claim[kind] = key
        return claim

    def registries(self) -> None:
        entries = []
        for key in sorted(self.entities):
            entry = dict(self.a.registry.entities[key])
            other = self.b.registry.entities.get(key)
            for name in ("name", "type"):
                if other is not None and entry.get(name) != other.get(name):
                    self.note("registries", f"entity {key}: {name}, {self.a.name}'s in place")
            entries.append(entry)
        self.draft.files["entities.json"] = _dumps({"entities": entries})
        self.draft.files["propositions.json"] = _dumps(
            {"propositions": [{"key": k, "statement": t} for k, t in sorted(self.keys["proposition"].items())]}
        )
        self.draft.files["events.json"] = _dumps(
            {"events": [{"key": k, "description": t} for k, t in sorted(self.keys["event"].items())]}
        )


def _guidelines(doc_a: dict[str, Any], doc_b: dict[str, Any], layer: str) -> str:
    versions = []
    for doc in (doc_a, doc_b):
        made = (doc.get("provenance") or {}).get(layer) or {}
        versions.append(made.get("guidelines"))
    return next((v for v in versions if v), "0.0")


def make_draft(
    comparison: Comparison, gold: dict[str, dict[str, Any]] | None = None, today: str | None = None
) -> Draft:
    """The merged draft of a comparison (its files in memory): see the module's description."""
    when = today or datetime.date.today().isoformat()
    draft = _DraftBuilder(comparison, gold or {}, when).build()
    lines = [
        _DRAFT_MARK,
        f"# Merged draft of `{comparison.pass_a}` (A) and `{comparison.pass_b}` (B)",
        "",
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


def write_draft(root: Path, comparison: Comparison, out: Path, today: str | None = None) -> Draft:
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
    draft = make_draft(comparison, gold, today)
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


def read_decisions(root: Path) -> dict[str, Any]:
    """annotations/adjudication.json, checked against its schema (a :class:`CyberClaimsError` otherwise)."""
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
    return doc.value


def write_report(root: Path) -> Path:
    """annotations/ADJUDICATION.md generated from annotations/adjudication.json (written atomically)."""
    text = render_report(read_decisions(root))
    path = Path(root) / "annotations" / REPORT_FILE
    write_file(path, text.encode("utf-8"))
    return path
