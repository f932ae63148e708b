"""Validate a built dataset folder (``dataset/`` or any downloaded copy): the same schema and
semantic checks as for the sources, run on the rows users actually load from the Parquet files.

Rows are read with pyarrow and decoded by their own ``huggingface`` features metadata; the expected
columns are those of the config table. The card's split sizes are compared with the rows (``load_dataset``
refuses a folder whose card says otherwise). This is THE check of a built folder: ``validate DIR`` reports
it, and ``evaluate --gold DIR`` refuses a gold folder that fails it (``benchmark.gold``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from ..core.files import MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue, Report
from ..core.jsondoc import JsonDocument
from ..core.model import Article, Registry, relative
from ..validation.article_rules import REGISTRY_CODES, document_issues
from .card import WITHHELD_NOTICE
from .layout import configs_in, shards
from .manifest import MANIFEST, verify_manifest
from .parquet import LabelOutOfRange, parquet_schema, read_rows, shard_buffer
from .rederive import check_derived, check_shard_names, is_shard_name
from .rows import without_absent_fields


def validate_dataset(folder: Path, root_for_display: Path | None = None) -> Report:
    """Check every row of the ``documents`` (and ``passes``) config of a built dataset."""
    folder = Path(folder)
    shown = root_for_display or Path.cwd()
    report = Report()
    for problem in verify_manifest(folder) if (folder / MANIFEST).exists() else []:
        report.issues.append(Issue(relative(folder / MANIFEST, shown), None, "", "dataset-unreadable", problem))
    registry = Registry()
    rows_by_config: dict[str, list[tuple[str, int, dict]]] = {}
    broken: set[str] = set()  # configs with a shard that cannot be read: not compared with what they should hold
    for config in configs_in(folder):
        for path in shards(folder, config):
            if not is_shard_name(path.name):
                continue  # reported by check_shard_names; its rows are not the dataset's
            display = relative(path, shown)
            report.files_checked += 1
            try:
                stored = pq.read_schema(shard_buffer(path))  # a FIFO is refused, not waited on
                rows, _ = read_rows(path)
            except LabelOutOfRange as exc:
                report.issues.append(Issue(display, None, "", "dataset-label-out-of-range", str(exc)))
                broken.add(config)
                continue
            except Exception as exc:
                broken.add(config)
                report.issues.append(Issue(display, None, "", "dataset-unreadable", f"cannot be read: {exc}"))
                continue
            try:
                expected = parquet_schema(config)
            except KeyError:
                expected = None
            if expected is not None and not stored.remove_metadata().equals(expected.remove_metadata()):
                report.issues.append(
                    Issue(
                        display,
                        None,
                        "",
                        "dataset-schema-mismatch",
                        f"columns differ from the {config} config's features",
                    )
                )
                broken.add(config)
                continue
            rows_by_config.setdefault(config, []).extend((display, i, r) for i, r in enumerate(rows))
    report.issues += check_shard_names(folder, shown)
    for _, _, row in rows_by_config.get("entities", []):
        registry.entities.setdefault(row["key"], {k: row[k] for k in ("key", "name", "type", "aliases", "description")})
    for _, _, row in rows_by_config.get("claims", []):
        registry.propositions.setdefault(
            row["proposition"], {"key": row["proposition"], "statement": row["proposition_statement"]}
        )
        registry.events.setdefault(row["event"], {"key": row["event"], "description": row["event_description"]})
    card = _card_text(folder)
    report.issues += check_card(folder, shown, card, rows_by_config, broken)
    withheld = _is_withheld(card, rows_by_config.get("documents", []))
    articles: list[tuple[str, Article]] = []  # (split, article) of each documents row that can be re-derived
    for config in ("documents", "passes"):
        for display, index, row in rows_by_config.get(config, []):
            row = without_absent_fields(row)
            row.pop("pass_name", None)
            text = row.pop("text")
            if text is None:
                if not withheld:
                    broken.add("documents")  # the derived configs cannot be derived without the texts
                    report.issues.append(
                        Issue(
                            display,
                            None,
                            f"/rows/{index}/text",
                            "dataset-text-missing",
                            f"row {index} ({row.get('id')!r}) has no text, in a dataset that is "
                            f"not text-withheld (its card has no withheld notice)",
                        )
                    )
                continue  # a text-withheld copy: nothing to check offsets against
            doc = JsonDocument(display, "", row)
            article = Article(row["id"], text, text.encode("utf-8"), doc, display)
            found = document_issues(article, registry)
            if config == "passes":  # passes link to their own registries, which are not published
                found = [i for i in found if i.code not in REGISTRY_CODES or i.code == "mention-unlinked"]
            for issue in found:
                report.issues.append(
                    Issue(issue.file, None, f"/rows/{index}{issue.pointer}", issue.code, issue.message)
                )
            if config == "documents" and all(i.code in REGISTRY_CODES or i.code == "article-unlabelled" for i in found):
                articles.append((_split_of_shard(display), article))
    if not withheld and "documents" not in broken:
        report.issues += check_derived(folder, shown, articles, rows_by_config, registry, skip=broken)
    return report


def _split_of_shard(display: str) -> str:
    return Path(display).name.split("-", 1)[0]


def _card_text(folder: Path) -> str | None:
    """The card (``README.md``) as text, read capped and only as a regular file; None when there is none."""
    data, _ = read_capped(folder / "README.md", "README.md", MAX_REGISTRY_BYTES)
    return None if data is None else data.decode("utf-8", "replace")


def _is_withheld(card: str | None, documents: list) -> bool:
    """A text-withheld copy says so on its card; without a card, every documents row is without text."""
    if card is not None:
        return WITHHELD_NOTICE[: WITHHELD_NOTICE.index(".**") + 3] in card
    return bool(documents) and all(row.get("text") is None for _, _, row in documents)


def card_metadata(card: str) -> dict[str, Any] | None:
    """The YAML front matter of a card, or None when it has none or it cannot be read as a mapping."""
    if not card.startswith("---"):
        return None
    end = card.find("\n---", 3)
    try:
        metadata = yaml.safe_load(card[3:end]) if end > 0 else None
    except (yaml.YAMLError, RecursionError):
        return None
    return metadata if isinstance(metadata, dict) else None


def check_card(
    folder: Path,
    shown: Path,
    card: str | None,
    rows_by_config: dict[str, list[tuple[str, int, dict]]],
    broken: set[str],
) -> list[Issue]:
    """The card's split sizes (``dataset_info``) against the rows read, config by config (those whose shards
    could all be read); ``load_dataset`` refuses a folder where they differ."""
    if card is None:
        return []
    display = relative(folder / "README.md", shown)
    metadata = card_metadata(card)
    if metadata is None:
        return [Issue(display, 1, "", "dataset-card-mismatch", "its YAML metadata (between --- lines) cannot be read")]
    info = metadata.get("dataset_info")
    entries = info if isinstance(info, list) else [info] if isinstance(info, dict) else []
    issues = []
    for entry in entries:
        name = entry.get("config_name", "default") if isinstance(entry, dict) else None
        if not isinstance(name, str) or name in broken or name not in rows_by_config:
            continue  # a config without readable shards: reported where its shards are
        found = Counter(_split_of_shard(shown_path) for shown_path, _, _ in rows_by_config[name])
        splits = entry.get("splits")
        said: dict[str, Any] = {}
        for split in splits if isinstance(splits, list) else []:
            if isinstance(split, dict) and isinstance(split.get("name"), str):
                said[split["name"]] = split.get("num_examples")
        for split in sorted(set(said) | set(found)):
            if said.get(split) != found.get(split, 0) or split not in said:
                card_says = "nothing" if split not in said else f"{said[split]!r} examples"
                issues.append(
                    Issue(
                        display,
                        None,
                        f"/dataset_info/{name}/{split}",
                        "dataset-card-mismatch",
                        f"the card says {card_says} for the {split} split of {name}, its Parquet files hold "
                        f"{found.get(split, 0)} rows: load_dataset refuses the folder; build it again",
                    )
                )
    return issues
