"""Validate a built dataset folder (``dataset/`` or any downloaded copy): the same schema and
semantic checks as for the sources, run on the rows users actually load from the Parquet files.

Rows are read with pyarrow and decoded by their own ``huggingface`` features metadata; the expected
columns are those of the config table.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from ..core.issues import Issue, Report
from ..core.jsondoc import JsonDocument
from ..core.model import Article, Registry, relative
from ..validation.article_rules import REGISTRY_CODES, document_issues
from .manifest import MANIFEST, verify_manifest
from .parquet import parquet_schema, read_rows, shard_buffer


def is_built_dataset(path: Path) -> bool:
    return (Path(path) / "data").is_dir() and any((Path(path) / "data").glob("*/*.parquet"))


def validate_dataset(folder: Path, root_for_display: Path | None = None) -> Report:
    """Check every row of the ``documents`` (and ``passes``) config of a built dataset."""
    folder = Path(folder)
    shown = root_for_display or Path.cwd()
    report = Report()
    for problem in verify_manifest(folder) if (folder / MANIFEST).exists() else []:
        report.issues.append(Issue(relative(folder / MANIFEST, shown), None, "", "dataset-unreadable", problem))
    registry = Registry()
    rows_by_config: dict[str, list[tuple[str, int, dict]]] = {}
    for config_dir in sorted(p for p in (folder / "data").iterdir() if p.is_dir()):
        for path in sorted(config_dir.glob("*.parquet")):
            display = relative(path, shown)
            report.files_checked += 1
            try:
                stored = pq.read_schema(shard_buffer(path))  # a FIFO is refused, not waited on
                rows, _ = read_rows(path)
            except Exception as exc:  # noqa: BLE001 - a broken download is a finding, not a crash
                report.issues.append(Issue(display, None, "", "dataset-unreadable", f"cannot be read: {exc}"))
                continue
            try:
                expected = parquet_schema(config_dir.name)
            except KeyError:
                expected = None
            if expected is not None and not stored.remove_metadata().equals(expected.remove_metadata()):
                report.issues.append(Issue(display, None, "", "dataset-schema-mismatch",
                                           f"columns differ from the {config_dir.name} config's features"))
                continue
            rows_by_config.setdefault(config_dir.name, []).extend((display, i, r) for i, r in enumerate(rows))
    for _, _, row in rows_by_config.get("entities", []):
        registry.entities.setdefault(row["key"], {k: row[k] for k in ("key", "name", "type", "aliases", "description")})
    for _, _, row in rows_by_config.get("claims", []):
        registry.propositions.setdefault(row["proposition"], {"key": row["proposition"],
                                                               "statement": row["proposition_statement"]})
    for config in ("documents", "passes"):
        for display, index, row in rows_by_config.get(config, []):
            row = dict(row)
            row.pop("pass_name", None)
            text = row.pop("text")
            if text is None:
                continue  # a text-withheld copy: nothing to check offsets against
            doc = JsonDocument(display, "", row)
            article = Article(row["id"], text, text.encode("utf-8"), doc, display)
            found = document_issues(article, registry)
            if config == "passes":  # passes link to their own registries, which are not published
                found = [i for i in found if i.code not in REGISTRY_CODES or i.code == "mention-unlinked"]
            for issue in found:
                report.issues.append(Issue(issue.file, None, f"/rows/{index}{issue.pointer}", issue.code,
                                           issue.message))
    return report
