"""The derived configs of a built dataset, derived again from its ``documents`` rows and compared.

``claims``, ``ner`` and the usage columns of ``entities`` are functions of the documents (their texts and
labels): a row edited after the build (and ``SHA256SUMS`` re-signed), a deleted config or a shard
present twice is found by deriving them again, as the build does, and comparing. The shard names
(``<split>-NNNNN-of-NNNNN.parquet``, every index once) are checked too.
"""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path
from typing import Any

from ..core.issues import Issue
from ..core.model import Article, Registry, relative
from ..core.vocabulary import SPLITS
from . import rows
from .configs import CONFIGS
from .layout import SHARD_NAME, config_folder, data_folder
from .stats import EntityUsage

_SHARD = SHARD_NAME
# Mismatches reported per config and split: enough to locate an edit, bounded for a corrupt copy.
MAX_REPORTED = 20


def is_shard_name(name: str) -> bool:
    m = _SHARD.fullmatch(name)
    return m is not None and m["split"] in SPLITS


def check_shard_names(folder: Path, shown: Path) -> list[Issue]:
    """Every config folder is a known config; every shard is named ``<split>-i-of-n`` with each i once."""
    issues = []
    data = data_folder(folder)
    for config_dir in sorted(p for p in data.iterdir()):
        display = relative(config_dir, shown)
        if not config_dir.is_dir() or config_dir.name not in CONFIGS:
            issues.append(
                Issue(
                    display, None, "", "dataset-shard-layout", f"is not a config of the dataset ({', '.join(CONFIGS)})"
                )
            )
            continue
        by_split: dict[str, list[tuple[int, int]]] = {}
        for path in sorted(config_dir.iterdir()):
            m = _SHARD.fullmatch(path.name)
            if m is None or m["split"] not in SPLITS or not path.is_file():
                issues.append(
                    Issue(
                        relative(path, shown),
                        None,
                        "",
                        "dataset-shard-layout",
                        "is not a shard <split>-NNNNN-of-NNNNN.parquet of a split "
                        f"({', '.join(SPLITS)}); a copy or a stray file is read as more rows",
                    )
                )
                continue
            by_split.setdefault(m["split"], []).append((int(m["index"]), int(m["count"])))
        for split, found in sorted(by_split.items()):
            counts = {count for _, count in found}
            indices = sorted(index for index, _ in found)
            if len(counts) != 1 or indices != list(range(counts.pop())):
                issues.append(
                    Issue(
                        display,
                        None,
                        "",
                        "dataset-shard-layout",
                        f"the {split} shards are not numbered 0..n-1 of one n: "
                        f"{', '.join(f'{i:05d}-of-{n:05d}' for i, n in sorted(found))}",
                    )
                )
    return issues


def check_derived(
    folder: Path,
    shown: Path,
    articles: list[tuple[str, Article]],
    rows_by_config: dict[str, list[tuple[str, int, dict]]],
    registry: Registry,
    *,
    skip: Container[str] = frozenset(),
) -> list[Issue]:
    """Derive ``claims``, ``ner`` and the ``entities`` usage from the articles again; report every difference
    (except in the configs of ``skip``, whose shards could not be read: that is their finding)."""
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for _, article in articles:
        seen[article.id] = seen.get(article.id, 0) + 1
    documents = relative(config_folder(folder, "documents"), shown)
    for article_id in sorted(k for k, n in seen.items() if n > 1):
        issues.append(
            Issue(
                documents,
                None,
                "",
                "dataset-shard-layout",
                f"article {article_id!r} has {seen[article_id]} documents rows (a shard present twice?)",
            )
        )
    derived: dict[str, dict[str, list[dict[str, Any]]]] = {"claims": {}, "ner": {}, "entities": {}}
    usage = EntityUsage()
    for split, article in articles:
        derived["claims"].setdefault(split, []).extend(rows.claim_rows(article, registry.view()))
        ner = derived["ner"].setdefault(split, [])
        for number, (words, starts, ends, tags) in enumerate(rows.ner_sentences(article)):
            ner.append(
                {
                    "id": rows.ner_row_id(article, number),
                    "article_id": article.id,
                    "tokens": words,
                    "spans": [{"start": s, "end": e} for s, e in zip(starts, ends)],
                    "ner_tags": tags,
                }
            )
        usage.add(article, split)
    for split in SPLITS:
        derived["entities"][split] = [
            {"key": row["key"], "mention_count": row["mention_count"], "article_ids": row["article_ids"]}
            for row in usage.rows(split, _AnyEntity())
        ]
    for config, by_split in derived.items():
        if config in skip:
            continue
        present: dict[str, list[tuple[str, int, dict]]] = {}
        for display, index, row in rows_by_config.get(config, []):
            present.setdefault(Path(display).name.split("-", 1)[0], []).append((display, index, row))
        for split in SPLITS:
            issues += _compare(
                config,
                split,
                by_split.get(split, []),
                present.get(split, []),
                relative(config_folder(folder, config), shown),
            )
    return issues


class _AnyEntity(dict):
    """A registry stand-in for :meth:`EntityUsage.rows`: only the usage columns are compared."""

    def __missing__(self, key: str) -> dict:
        return {"name": None, "type": None, "aliases": None, "description": None, "cti_kind": None}


def _compare(
    config: str, split: str, expected: list[dict], present: list[tuple[str, int, dict]], folder_display: str
) -> list[Issue]:
    issues: list[Issue] = []
    if len(expected) != len(present):
        where = present[0][0] if present else folder_display
        issues.append(
            Issue(
                where,
                None,
                "",
                "dataset-derived-mismatch",
                f"the {split} split of {config} has {len(present)} rows; the documents rows give "
                f"{len(expected)}" + ("" if present else " (a deleted config or shard?)"),
            )
        )
    for want, (display, index, row) in zip(expected, present):
        differing = [name for name in want if _normal(row.get(name)) != _normal(want[name])]
        if differing:
            issues.append(
                Issue(
                    display,
                    None,
                    f"/rows/{index}/{differing[0]}",
                    "dataset-derived-mismatch",
                    f"row {index} ({row.get('id', row.get('key'))!r}) differs in "
                    f"{', '.join(differing)} from what its documents row gives: edited after the build",
                )
            )
            if len(issues) >= MAX_REPORTED:
                issues.append(
                    Issue(
                        display,
                        None,
                        "",
                        "dataset-derived-mismatch",
                        f"further differences in the {split} split of {config} are not listed",
                    )
                )
                break
    return issues


def _normal(value: Any) -> Any:
    """Values as read back from Parquet (tuples and lists alike)."""
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value
