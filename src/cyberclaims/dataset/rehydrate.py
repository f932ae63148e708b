"""Putting texts obtained elsewhere back into a text-withheld copy of the dataset.

``rehydrate OUT --texts DIR`` accepts a text only if its sha256 equals the pinned ``text_sha256``,
rebuilds the annotation sources from the rows and builds the full dataset in place, so a rehydrated
copy is byte-identical to the original build.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import CyberClaimsError
from ..core.files import MAX_TEXT_BYTES, open_regular, sha256_file
from ..core.jsondoc import shorten
from ..core.vocabulary import ARTICLE_ID
from ..validation.pass_register import INSTRUCTIONS, REGISTER, SUGGESTIONS, pass_files, register_line
from .build import build
from .configs import CONFIGS
from .layout import shards
from .making import GUIDELINES_FILE
from .manifest import MANIFEST, verify_manifest
from .parquet import read_rows
from .rows import without_absent_fields
from .withhold import restore_verbatim


@dataclass
class RehydrationReport:
    accepted: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    differing: list[tuple[str, str, str]] = field(default_factory=list)  # (id, expected, found) sha256

    @property
    def ok(self) -> bool:
        return not self.missing and not self.differing


class RehydrationError(CyberClaimsError):
    """The folder is not a text-withheld dataset that can be rehydrated."""


def _rows(folder: Path, config: str) -> list[dict]:
    rows: list[dict] = []
    for path in shards(folder, config):
        try:
            rows += read_rows(path)[0]
        except Exception as exc:
            raise RehydrationError(f"{path} cannot be read ({exc}); nothing was written") from None
    return rows


def rehydrate(folder: Path, texts: Path) -> RehydrationReport:
    """Put the texts of ``texts/<id>.txt`` back into the withheld dataset at ``folder``.

    Nothing is written unless the folder is intact (its ``SHA256SUMS`` verifies), every id and pass name
    read from its rows is a well-formed id (so every path made from one stays in its folder), and every
    article's text is found and matches its hash.
    """
    folder, texts = Path(folder), Path(texts)
    problems = verify_manifest(folder)
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise RehydrationError(
            f"{folder} does not verify against its {MANIFEST}: {'; '.join(problems[:3])}{more}; nothing was written"
        )
    documents = _rows(folder, "documents")
    if not documents:
        raise RehydrationError(f"{folder} has no documents config: is it a built CyberClaims dataset?")
    passes = _rows(folder, "passes")
    _check_names(folder, documents, passes)
    report = RehydrationReport()
    found: dict[str, bytes] = {}
    for row in documents:
        path = texts / f"{row['id']}.txt"
        data = _read_text(path)
        if data is None:
            report.missing.append(row["id"])
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != row["text_sha256"]:
            report.differing.append((row["id"], row["text_sha256"], digest))
            continue
        found[row["id"]] = data
        report.accepted.append(row["id"])
    if not report.ok:
        return report
    with tempfile.TemporaryDirectory(prefix="cyberclaims-rehydrate-") as scratch:
        root = Path(scratch)
        _write_sources(root, folder, documents, found, passes)
        built = len(documents)
        result = build(root, output=folder, show_progress=False)
        written = sum(s.num_examples for c in result.configs if c.name == "documents" for s in c.splits)
        if written != built:  # never report success for a dataset that lost articles on the way
            raise RehydrationError(f"{folder}: {built} documents read but {written} built; please report this")
    return report


def _check_names(folder: Path, documents: list[dict], passes: list[dict]) -> None:
    """Every id and pass name that becomes a path must be a well-formed id: no ``..``, no ``/``."""
    seen: set[str] = set()
    for config, rows, column in (
        ("documents", documents, "id"),
        ("passes", passes, "id"),
        ("passes", passes, "pass_name"),
    ):
        for index, row in enumerate(rows):
            value = row.get(column)
            if (
                not isinstance(value, str)
                or not ARTICLE_ID.fullmatch(value)
                or value == "gold"
                and column == "pass_name"
            ):
                raise RehydrationError(
                    f"{folder}/data/{config}: row {index} has {column} {shorten(repr(value))}, "
                    f"which is not a well-formed id ({ARTICLE_ID.pattern}); nothing was written"
                )
            if config == "documents":
                if value in seen:
                    raise RehydrationError(
                        f"{folder}/data/documents: article {value!r} appears twice; nothing was written"
                    )
                seen.add(value)


def _read_text(path: Path) -> bytes | None:
    """The bytes of a supplied text, or None when there is no regular file (a FIFO is not waited on)."""
    try:
        with open_regular(path) as fh:
            return fh.read(MAX_TEXT_BYTES + 1)
    except OSError:
        return None


def _write_sources(
    root: Path, folder: Path, documents: list[dict], texts: dict[str, bytes], passes: list[dict]
) -> None:
    """The annotation sources that the rows of the withheld dataset were built from."""
    annotations = root / "annotations"
    annotations.mkdir(parents=True)
    for name in ("CITATION.cff", "LICENSE-DATA.md"):  # files the build copies from the repository's root
        if (folder / name).is_file():
            shutil.copyfile(folder / name, root / name)
    if (folder / GUIDELINES_FILE).is_file():  # the build copies it from annotations/
        shutil.copyfile(folder / GUIDELINES_FILE, annotations / GUIDELINES_FILE)
    if (folder / "baselines.json").is_file():
        (root / "benchmarks").mkdir()
        shutil.copyfile(folder / "baselines.json", root / "benchmarks" / "baselines.json")

    def restore(row: dict) -> dict:
        text = texts[row["id"]].decode("utf-8")
        doc = without_absent_fields(
            restore_verbatim({k: v for k, v in row.items() if k not in ("text", "pass_name")}, text)
        )
        for name in CONFIGS["documents"].span_lists:
            doc[name] = [{**span, "text": text[span["start"] : span["end"]]} for span in doc[name]]
        return doc

    for row in documents:
        (annotations / f"{row['id']}.txt").write_bytes(texts[row["id"]])
        _dump(annotations / f"{row['id']}.json", restore(row))
    entities = {r["key"]: _registry_entity(r) for r in _rows(folder, "entities")}
    propositions = {
        r["proposition"]: {
            "key": r["proposition"],
            "statement": restore_verbatim(r["proposition_statement"], texts[r["article_id"]].decode("utf-8")),
        }
        for r in _rows(folder, "claims")
    }
    _dump(annotations / "entities.json", {"entities": [entities[k] for k in sorted(entities)]})
    _dump(annotations / "propositions.json", {"propositions": [propositions[k] for k in sorted(propositions)]})
    events = {r["event"]: {"key": r["event"], "description": r["event_description"]} for r in _rows(folder, "claims")}
    _dump(annotations / "events.json", {"events": [events[k] for k in sorted(events)]})
    by_pass: dict[str, list[dict]] = {}
    for row in passes:
        by_pass.setdefault(row["pass_name"], []).append(row)
    for name, rows in by_pass.items():
        # A pass links to its own registries, which are not published: list the keys it uses, so the
        # pass validates; only its labels reach the rebuilt dataset.
        target = annotations / "passes" / name
        target.mkdir(parents=True)
        keys: dict[str, str] = {}
        statements: set[str] = set()
        event_keys: set[str] = set()
        for row in rows:
            _dump(target / f"{row['id']}.json", restore(row))
            for mention in row["entities"]:
                if mention["entity"]:
                    keys[mention["entity"]] = mention["label"]
            for claim in row["claims"]:
                for key in [claim["claimer"], *claim["about"]]:
                    if key != "author":
                        keys.setdefault(key, "PERSON")
                statements.add(claim["proposition"])
                event_keys.add(claim["event"])
        _dump(
            target / "entities.json",
            {
                "entities": [
                    {"key": k, "name": k, "type": t, "aliases": [], "description": "(from the pass's labels)"}
                    for k, t in sorted(keys.items())
                ]
            },
        )
        _dump(target / "propositions.json", {"propositions": [{"key": k, "statement": k} for k in sorted(statements)]})
        _dump(target / "events.json", {"events": [{"key": k, "description": k} for k in sorted(event_keys)]})
        (target / INSTRUCTIONS).write_text(
            "The instructions this pass's annotator received are in the source repository; this folder was "
            "rebuilt from the published rows of the pass.\n",
            encoding="utf-8",
        )
        rebuilt = _rebuilt_suggestions(rows)
        if rebuilt is not None:  # the provenance names the suggestions file: the pass keeps one (validate checks)
            _dump(target / SUGGESTIONS, rebuilt)
    if by_pass:  # the rebuilt passes are recorded as made now: what the published rows hold
        lines = [
            register_line(name, file, sha256_file(annotations / "passes" / name / file))
            for name in sorted(by_pass)
            for file in pass_files(annotations / "passes" / name)
        ]
        (annotations / "passes" / REGISTER).write_text("".join(lines), encoding="utf-8")


def _rebuilt_suggestions(rows: list[dict]) -> dict[str, Any] | None:
    """What the published rows of a pass that started from suggestions tell of them, as a ``SUGGESTIONS.json``
    (None when no layer names that file): the system and version its provenance records and, per article, each
    suggestion a span came from, as the span now is. The suggestions as delivered (and the deleted ones) are in
    the source repository; the note says so."""
    source = None
    for row in rows:
        for made in (row.get("provenance") or {}).values():
            suggestions = (made or {}).get("suggestions")
            if suggestions and suggestions.get("file") == SUGGESTIONS:
                source = suggestions
    if source is None:
        return None
    fields = {"entities": ("label",), "claims": ("claimer", "attribution", "certainty")}
    articles = []
    for row in sorted(rows, key=lambda r: r["id"]):
        entry: dict[str, Any] = {"id": row["id"]}
        for group, names in fields.items():
            seen: dict[str, dict[str, Any]] = {}
            for span in row[group]:
                origin = span.get("origin") or {}
                if origin.get("suggestion") is not None and origin["suggestion"] not in seen:
                    seen[origin["suggestion"]] = {
                        "id": origin["suggestion"],
                        "start": span["start"],
                        "end": span["end"],
                        **{name: span[name] for name in names},
                    }
            entry[group] = list(seen.values())
        articles.append(entry)
    note = (
        "Rebuilt from the published rows of the pass: each suggestion a span came from, as the span now is. The "
        "suggestions as delivered, and the ones the annotator deleted, are in the source repository."
    )
    return {"system": source["system"], "model_version": source["version"], "note": note, "articles": articles}


def _dump(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _registry_entity(row: dict) -> dict:
    """A registry entry from an ``entities`` row: its optional fields only when the row holds them."""
    entity = {k: row[k] for k in ("key", "name", "type", "aliases", "description")}
    if row.get("cti_kind") is not None:
        entity["cti_kind"] = row["cti_kind"]
    if row.get("external_ids"):
        entity["external_ids"] = [{k: v for k, v in e.items() if v is not None} for e in row["external_ids"]]
    return entity
