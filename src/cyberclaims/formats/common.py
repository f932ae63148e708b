"""What every importer shares: a draft per article, filled in, validated as a whole, then written.

An importer only reads its tool's file into :class:`Draft` objects (code-point offsets, the labels its
format carries). Everything else happens here, the same for every format:

1. find the article (the id the export carried, else the article whose text is the same);
2. take what the format cannot carry from the current annotation file, else from the export's own
   copy, else the defaults of ``cyberclaims new``;
3. validate every resulting file with the real validator (schema and span checks, against the
   registries) — and write nothing unless all of them pass, no existing annotation file is in the way
   (or ``force``), and every text matches the article it claims to be.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, MAX_TEXT_BYTES, decode_text, read_capped, write_file
from ..core.issues import Issue, has_control_character, printable
from ..core.jsondoc import has_lone_surrogate, lone_surrogate, parse_json, pointer
from ..core.model import Article, Registry
from ..core.schemas import load_schema
from ..core.suggestions import Suggestions
from ..core.vocabulary import ARTICLE_ID, ENTITY_LABELS, LAYERS
from ..validation.article_rules import document_issues
from ..validation.provenance import holds_labels, provenance_issues
from ..validation.registries import gold_registry
from .new_article import segments_by_line

MENTION_KEYS = ("id", "start", "end", "text", "label", "entity", "origin")
CLAIM_KEYS = (
    "id",
    "start",
    "end",
    "text",
    "claimer",
    "attribution",
    "certainty",
    "normalized",
    "about",
    "proposition",
    "event",
    "origin",
)


@dataclass(frozen=True)
class Problem:
    """Something in a tool's file that cannot be turned into labels: where it is, and why."""

    where: str
    message: str

    def to_text(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Draft:
    """One article as a tool's export holds it, offsets already converted to code points.

    ``None`` for a part the format does not carry: it is then taken from the current annotation file.
    """

    origin: str  # where it came from, for messages: "tasks.json task 3"
    text: str
    article_id: str | None = None
    mentions: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] | None = None
    segments: list[dict[str, Any]] | None = None
    links: bool = True  # False: the format carries no entity keys (kept from the current file)
    carried: dict[str, Any] = field(default_factory=dict)  # metadata, annotators, notes, provenance as exported
    suggestions: Suggestions | None = None  # what the labels started from (their spans' origins name these)
    date: str | None = None  # the day the tool's annotation was last changed, YYYY-MM-DD
    corrects_suggestions: bool = False  # its spans' origins came through the export (a correction round)


@dataclass(frozen=True)
class MadeBy:
    """Who made the labels an import brings in: each imported layer's provenance (GUIDELINES.md 15.2).

    ``date`` defaults to the day the tool last changed the annotation, where its export says it."""

    annotator: str  # a stable annotator id ("ann-03")
    type: str  # "person" or "model"
    guidelines: str  # the version of annotations/GUIDELINES.md followed ("3.0")
    model: str | None = None  # for a model: its name as its maker gives it
    model_version: str | None = None  # for a model: its version (None: not exposed)
    date: str | None = None

    def agent(self) -> dict[str, Any]:
        agent: dict[str, Any] = {"id": self.annotator, "type": self.type}
        if self.type == "model":
            agent.update(model=self.model, model_version=self.model_version)
        return agent


def made_by_problems(made_by: MadeBy) -> list[str]:
    """What the options that say who made the labels get wrong, one message per option: each value is checked
    against the annotation schema's layer provenance (the rules ``validate`` applies to what is written), and
    a name with a control character or a lone surrogate is refused (it would be written into every file)."""
    from jsonschema import Draft202012Validator  # as core.schemas: only needed when options are given

    schema = load_schema("annotation")
    definitions = schema["$defs"]
    layer = definitions["layer_provenance"]["properties"]
    agent = definitions["agent"]["properties"]
    checks = (
        ("--annotator", made_by.annotator, definitions["annotator_id"]),
        ("--guidelines", made_by.guidelines, layer["guidelines"]),
        ("--date", made_by.date, definitions["date"]),
        ("--model", made_by.model, agent["model"]),
        ("--model-version", made_by.model_version, agent["model_version"]),
    )
    problems = []
    for option, value, rule in checks:
        if value is None:
            continue
        if has_control_character(value) or has_lone_surrogate(value):
            problems.append(f"{option} '{printable(value)}' holds a control character or bytes that are not UTF-8")
        elif not Draft202012Validator({**rule, "$defs": definitions}).is_valid(value):
            expected = rule.get("pattern") or f"a string of at least {rule.get('minLength', 1)} character"
            problems.append(f"{option} {value!r} is not valid: expected {expected}")
    return problems


@dataclass
class Planned:
    """A validated annotation file waiting to be written, and the text beside it if it is new."""

    id: str
    json_path: Path
    json_bytes: bytes
    text_path: Path
    text_bytes: bytes | None  # None: the text is already in annotations/
    replaces: bool


@dataclass
class ImportResult:
    planned: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # validation of the files that would be written
    written: list[Path] = field(default_factory=list)
    needs_force: list[Path] = field(default_factory=list)  # dry run: existing files only --force would replace
    unrecorded: list[Path] = field(default_factory=list)  # files whose labels no provenance record covers yet

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity.value == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity.value != "error"]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.errors


def import_drafts(
    root: Path,
    drafts: list[Draft],
    problems: list[Problem],
    *,
    force: bool = False,
    dry_run: bool = False,
    registry: Registry | None = None,
    made_by: MadeBy | None = None,
) -> ImportResult:
    """Turn drafts into annotation files under ``root/annotations``; write them only if all are valid.

    With ``made_by``, each layer the drafts bring in records who made it (and the suggestions it started
    from); without, the provenance is kept from the current file (or the export's copy). Labels that
    started from suggestions need ``made_by``: their provenance must say so."""
    root = Path(root)
    annotations = root / "annotations"
    result = ImportResult(problems=list(problems))
    registry = registry if registry is not None else gold_registry(root)
    texts_by_hash = _texts_by_hash(annotations)
    seen_ids: dict[str, str] = {}
    for draft in drafts:
        planned = _plan(draft, annotations, root, registry, texts_by_hash, force, result, dry_run, made_by)
        if planned is None:
            continue
        if planned.id in seen_ids:
            result.problems.append(
                Problem(
                    draft.origin, f"article {planned.id!r} is also imported from {seen_ids[planned.id]}; import it once"
                )
            )
            continue
        seen_ids[planned.id] = draft.origin
        result.planned.append(planned)
    if result.ok and not dry_run:
        # Every check passed for every file: only now is anything written. New texts first, so that
        # an annotation file never points at a text that is not there yet.
        for planned in result.planned:
            if planned.text_bytes is not None:
                write_file(planned.text_path, planned.text_bytes, overwrite=False)
                result.written.append(planned.text_path)
        for planned in result.planned:
            write_file(planned.json_path, planned.json_bytes, overwrite=planned.replaces)
            result.written.append(planned.json_path)
    return result


def _texts_by_hash(annotations: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(annotations.glob("*.txt")) if annotations.is_dir() else []:
        if path.is_file() and not path.is_symlink() and ARTICLE_ID.fullmatch(path.stem):
            found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path.stem)
    return found


def _plan(
    draft: Draft,
    annotations: Path,
    root: Path,
    registry: Registry,
    texts_by_hash: dict[str, str],
    force: bool,
    result: ImportResult,
    dry_run: bool = False,
    made_by: MadeBy | None = None,
) -> Planned | None:
    if draft.suggestions is not None and made_by is None:
        result.problems.append(
            Problem(
                draft.origin,
                f"started from the suggestions of {draft.suggestions.model_version}: say who made its labels "
                f"(--annotator ID --annotator-type person|model, with --model and --model-version for a model, "
                f"and --guidelines VERSION) so that its provenance records them and the suggestions",
            )
        )
        return None
    if made_by is not None and (made_by.date or draft.date) is None:
        result.problems.append(
            Problem(draft.origin, "the export does not say when it was annotated: give the day with --date YYYY-MM-DD")
        )
        return None
    text_bytes = draft.text.encode("utf-8")
    digest = hashlib.sha256(text_bytes).hexdigest()
    article_id = draft.article_id or texts_by_hash.get(digest)
    if article_id is None:
        result.problems.append(
            Problem(
                draft.origin,
                "cannot tell which article this is: its text is in no "
                "annotations/<id>.txt and the export names no article id "
                "(add an 'article_id' field to the task data)",
            )
        )
        return None
    if not ARTICLE_ID.fullmatch(article_id):
        result.problems.append(
            Problem(draft.origin, f"article id {article_id!r} is not lower-case words joined by hyphens")
        )
        return None
    text_path, json_path = annotations / f"{article_id}.txt", annotations / f"{article_id}.json"
    new_text = not text_path.exists()
    if not new_text:
        existing, issues = read_capped(text_path, str(text_path), MAX_TEXT_BYTES)
        if existing != text_bytes:
            result.problems.append(
                Problem(
                    draft.origin,
                    f"its text differs from {text_path.relative_to(root)}"
                    f" (the text of an article never changes; was the "
                    f"export made from another version?)",
                )
            )
            return None
    elif texts_by_hash.get(digest, article_id) != article_id:
        result.problems.append(
            Problem(
                draft.origin, f"its text is already in the corpus as {texts_by_hash[digest]}.txt, not {article_id}.txt"
            )
        )
        return None
    else:
        texts_by_hash[digest] = article_id  # a second new article with this text is a duplicate
    replaces = json_path.exists() or json_path.is_symlink()
    if replaces and not force:
        if not dry_run:
            result.problems.append(
                Problem(
                    draft.origin,
                    f"{json_path.relative_to(root)} exists; nothing was written (use --force to replace it)",
                )
            )
            return None
        # A dry run goes on, to show what the import would write; the file is listed as needing --force.
        result.needs_force.append(json_path)
    current = _current_document(json_path) if replaces else None
    document = _document(draft, article_id, digest, current, made_by)
    surrogate = lone_surrogate(document)
    if surrogate is not None:  # UTF-8 cannot hold it: say where, rather than fail while writing
        result.problems.append(
            Problem(
                draft.origin,
                f"{surrogate[1]} (/{pointer(surrogate[0]).lstrip('/')}) holds "
                f"a lone UTF-16 surrogate, which UTF-8 cannot encode; "
                f"nothing was written",
            )
        )
        return None
    data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    display = f"{json_path.relative_to(root).as_posix()} (from {draft.origin})"
    doc, issues = parse_json(data, display)
    result.issues.extend(issues)
    if doc is not None:
        article = Article(article_id, draft.text, text_bytes, doc, display)
        # The provenance rules too, so that the import never writes a span origin `validate` refuses; a
        # record that is missing is left for `validate` to ask for (the format may not say who labelled it).
        provenance = provenance_issues(article, is_gold=True)
        result.issues.extend(
            document_issues(article, registry) + [i for i in provenance if i.code != "provenance-missing"]
        )
        if any(i.code == "provenance-missing" for i in provenance):
            result.unrecorded.append(json_path)
    return Planned(article_id, json_path, data, text_path, text_bytes if new_text else None, replaces)


def _current_document(path: Path) -> dict[str, Any] | None:
    """The annotation file being replaced, if it can be read as an object: the source of what the
    format does not carry. An unreadable one contributes nothing (it is being replaced anyway)."""
    data, _ = read_capped(path, str(path), MAX_ANNOTATION_BYTES)
    if data is None:
        return None
    doc, _ = parse_json(data, str(path))
    return doc.value if doc is not None and isinstance(doc.value, dict) else None


def _document(
    draft: Draft, article_id: str, digest: str, current: dict[str, Any] | None, made_by: MadeBy | None = None
) -> dict[str, Any]:
    current = current or {}
    carried = draft.carried or {}

    def pick(name: str, default: Any) -> Any:
        for source in (current, carried):
            if name in source:
                return source[name]
        return default

    metadata = pick("metadata", None)
    if not isinstance(metadata, dict):
        metadata = {
            "title": None,
            "source": {"name": "unknown", "url": None, "origin": f"{article_id}.txt"},
            "published": None,
            "language": "en",
            "license": "LicenseRef-third-party-copyright",
            "topic": "uncategorized",
            "split": "train",
        }
    segments = draft.segments
    if segments is None:
        segments = current.get("segments") if isinstance(current.get("segments"), list) else None
    if segments is None:
        segments = segments_by_line(draft.text, metadata.get("title"))
    mentions = draft.mentions
    if not draft.links:
        mentions = _keep_links(mentions, current.get("entities"))
    claims = draft.claims
    if claims is None:
        current_claims = current.get("claims")
        claims = current_claims if isinstance(current_claims, list) else []
    document = {
        "id": article_id,
        "text_sha256": digest,
        "metadata": metadata,
        "segments": [_ordered(s, ("start", "end", "kind")) for s in segments],
        "entities": [_ordered(m, MENTION_KEYS) for m in mentions],
        "claims": [_ordered(c, CLAIM_KEYS) for c in claims],
        "annotators": pick("annotators", []),
        "notes": pick("notes", None),
    }
    provenance = pick("provenance", None) if made_by is None else _provenance(draft, document, made_by, current)
    return {**document, **({"provenance": provenance} if provenance is not None else {})}


def _provenance(draft: Draft, document: dict[str, Any], made_by: MadeBy, current: dict[str, Any]) -> dict[str, Any]:
    """Each layer the draft brings in, made by ``made_by`` (from the draft's suggestions where it had them);
    a layer its format does not carry keeps the current file's record. A layer without labels is null."""
    brought = {
        "entities",
        *(("links",) if draft.links else ()),
        *(("claims", "alignment") if draft.claims is not None else ()),
    }
    entry = next(iter(draft.suggestions.articles.values()), {}) if draft.suggestions is not None else {}
    suggested = set(entry) | ({"links"} if any(m.get("entity") for m in entry.get("entities", [])) else set())
    kept = current.get("provenance")
    if not isinstance(kept, dict):
        kept = {}
    # A correction round of labels that started from suggestions (their spans carried their origins through
    # the export): each layer still started from the suggestions its record named.
    before = kept or (draft.carried or {}).get("provenance")
    before = before if isinstance(before, dict) else {}
    record: dict[str, Any] = {}
    for layer in LAYERS:
        if layer not in brought:
            record[layer] = kept.get(layer)
        elif holds_labels(document, layer):
            earlier = before.get(layer) if draft.corrects_suggestions else None
            record[layer] = {
                "method": "annotated",
                "annotator": made_by.agent(),
                "suggestions": draft.suggestions.source()
                if draft.suggestions is not None and layer in suggested
                else earlier.get("suggestions")
                if isinstance(earlier, dict)
                else None,
                "guidelines": made_by.guidelines,
                "date": made_by.date or draft.date,
            }
        else:
            record[layer] = None
    return record


def _keep_links(mentions: list[dict[str, Any]], current: Any) -> list[dict[str, Any]]:
    """For a format without entity keys: a mention whose span and label are unchanged keeps the id and
    the entity key it has in the current file; any other mention is unlinked and numbered anew."""
    known: dict[tuple, dict] = {}
    for old in current if isinstance(current, list) else []:
        if isinstance(old, dict):
            known.setdefault((old.get("start"), old.get("end"), old.get("label")), old)
    kept, from_file = [], set()
    for mention in mentions:
        mention = dict(mention)
        old = known.get((mention["start"], mention["end"], mention["label"]))
        if old is not None:
            mention["entity"] = old.get("entity")
            mention["id"] = old.get("id")
            from_file.add(id(mention))
        kept.append(mention)
    return renumber(kept, "m", keep=lambda m: id(m) in from_file and isinstance(m.get("id"), str))


def renumber(items: list[dict[str, Any]], prefix: str, keep=None, reserved: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Give every item without a usable id the next free ``<prefix><n>``, in text order.

    An id is usable when ``keep`` accepts it (default: it already is ``<prefix><n>``) and no earlier
    item has it; tools invent their own region ids (``Dx_aB91ISN``), which are not kept. A new id is
    never one of ``reserved`` (the ids of suggestions: a span added by hand does not take a deleted
    suggestion's id, which would read as if it came from it).
    """

    def ours(item: dict[str, Any]) -> bool:
        value = item.get("id")
        if keep is not None:
            return bool(keep(item))
        return isinstance(value, str) and value.startswith(prefix) and value[len(prefix) :].isdigit()

    ordered = sorted(items, key=lambda i: (i["start"], i["end"]))  # stable: ties keep the export's order
    reserved = set(reserved)
    used = set()
    for item in ordered:
        if ours(item) and item["id"] not in used:
            used.add(item["id"])
        else:
            item["id"] = None
    counter = 0
    for item in ordered:
        if item["id"] is None:
            counter += 1
            while f"{prefix}{counter}" in used or f"{prefix}{counter}" in reserved:
                counter += 1
            item["id"] = f"{prefix}{counter}"
            used.add(item["id"])
    return ordered


def _ordered(item: Any, keys: tuple[str, ...]) -> Any:
    """The project's key order (readable diffs); unknown keys are kept, after, for the schema to report."""
    if not isinstance(item, dict):
        return item
    return {**{k: item[k] for k in keys if k in item}, **{k: v for k, v in item.items() if k not in keys}}


def is_label(value: Any) -> bool:
    return isinstance(value, str) and value in ENTITY_LABELS


def read_export_text(path: Path) -> tuple[str | None, str | None]:
    """A tool's export file as text: (text, None) or (None, why not).

    Read as every input is (``read_capped``): a FIFO, a device or a socket is refused without blocking,
    the size is capped, and the bytes must be UTF-8.
    """
    data, issues = read_capped(Path(path), str(path), MAX_REGISTRY_BYTES)
    if data is None:
        return None, issues[0].message
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, f"is not valid UTF-8 at byte offset {exc.start} ({exc.reason})"


def parse_export_json(text: str, where: str) -> tuple[Any, str | None]:
    """One JSON value of an export: (value, None) or (None, why not: syntax, depth, a lone surrogate)."""
    doc, issues = parse_json(text.encode("utf-8"), where)
    if doc is None:
        return None, issues[0].message if issues else "is not JSON"
    return doc.value, None


def read_text_file(path: Path) -> tuple[str | None, str | None]:
    """A UTF-8 text as the project reads articles: (text, None) or (None, why not)."""
    data, issues = read_capped(path, str(path), MAX_TEXT_BYTES)
    if data is None:
        return None, issues[0].message
    text, issues = decode_text(data, str(path))
    return (text, None) if text is not None else (None, issues[0].message)
