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
from .build import build
from .configs import CONFIGS
from .parquet import read_rows


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
    for path in sorted((folder / "data" / config).glob("*.parquet")):
        rows += read_rows(path)[0]
    return rows


def rehydrate(folder: Path, texts: Path) -> RehydrationReport:
    """Put the texts of ``texts/<id>.txt`` back into the withheld dataset at ``folder``.

    Nothing is written unless every article's text is found and matches its hash.
    """
    folder, texts = Path(folder), Path(texts)
    documents = _rows(folder, "documents")
    if not documents:
        raise RehydrationError(f"{folder} has no documents config: is it a built CyberClaims dataset?")
    report = RehydrationReport()
    found: dict[str, bytes] = {}
    for row in documents:
        path = texts / f"{row['id']}.txt"
        if not path.is_file():
            report.missing.append(row["id"])
            continue
        data = path.read_bytes()
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
        _write_sources(root, folder, documents, found)
        build(root, output=folder, show_progress=False)
    return report


def _write_sources(root: Path, folder: Path, documents: list[dict], texts: dict[str, bytes]) -> None:
    """The annotation sources that the rows of the withheld dataset were built from."""
    annotations = root / "annotations"
    annotations.mkdir(parents=True)
    for name in ("CITATION.cff", "LICENSE-DATA.md"):  # files the build copies from the repository's root
        if (folder / name).is_file():
            shutil.copyfile(folder / name, root / name)
    if (folder / "baselines.json").is_file():
        (root / "benchmarks").mkdir()
        shutil.copyfile(folder / "baselines.json", root / "benchmarks" / "baselines.json")

    def restore(row: dict) -> dict:
        text = texts[row["id"]].decode("utf-8")
        doc = {k: v for k, v in row.items() if k not in ("text", "pass_name")}
        for name in CONFIGS["documents"].span_lists:
            doc[name] = [{**span, "text": text[span["start"]:span["end"]]} for span in row[name]]
        return doc

    for row in documents:
        (annotations / f"{row['id']}.txt").write_bytes(texts[row["id"]])
        _dump(annotations / f"{row['id']}.json", restore(row))
    entities = {r["key"]: {k: r[k] for k in ("key", "name", "type", "aliases", "description")}
                for r in _rows(folder, "entities")}
    propositions = {r["proposition"]: {"key": r["proposition"], "statement": r["proposition_statement"]}
                    for r in _rows(folder, "claims")}
    _dump(annotations / "entities.json", {"entities": [entities[k] for k in sorted(entities)]})
    _dump(annotations / "propositions.json", {"propositions": [propositions[k] for k in sorted(propositions)]})
    by_pass: dict[str, list[dict]] = {}
    for row in _rows(folder, "passes"):
        by_pass.setdefault(row["pass_name"], []).append(row)
    for name, rows in by_pass.items():
        # A pass links to its own registries, which are not published: list the keys it uses, so the
        # pass validates; only its labels reach the rebuilt dataset.
        target = annotations / "passes" / name
        target.mkdir(parents=True)
        keys: dict[str, str] = {}
        statements: set[str] = set()
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
        _dump(target / "entities.json", {"entities": [
            {"key": k, "name": k, "type": t, "aliases": [], "description": "(from the pass's labels)"}
            for k, t in sorted(keys.items())]})
        _dump(target / "propositions.json", {"propositions": [
            {"key": k, "statement": k} for k in sorted(statements)]})


def _dump(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
