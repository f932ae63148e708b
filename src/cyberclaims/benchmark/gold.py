"""The gold of the benchmark, read from a built dataset folder: the repository's ``dataset/`` or any
downloaded copy of it (``cyberclaims evaluate --gold DIR``). Nothing else is needed: no ``annotations/``,
no repository checkout. The folder is first checked as ``validate DIR`` checks it
(:func:`cyberclaims.dataset.verify.validate_dataset`, the one check of a built folder): a gold folder with an
unreadable or non-Parquet shard, a missing column, offsets outside the text, an article twice or a card that
disagrees with its rows is refused as the gold's fault, before any prediction is read.

The articles come from the ``documents`` config's rows (ClassLabel integers decoded to their names by
:func:`cyberclaims.dataset.parquet.read_rows`), the sentences and tokens of the IOB2 format from the
``ner`` config's rows, and the registries from the ``entities`` and ``claims`` configs (as
:mod:`cyberclaims.dataset.verify` does). A text-withheld copy cannot be scored: offsets need the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from ..core.issues import Report
from ..core.jsondoc import JsonDocument
from ..core.model import Article, Registry
from ..dataset.layout import config_folder, shards
from ..dataset.parquet import read_rows
from ..dataset.rows import without_absent_fields
from ..dataset.verify import validate_dataset


class GoldError(ValueError):
    """The folder cannot be used as gold (not a built dataset, one that does not validate, text withheld, no
    article in the split); ``report`` holds what ``validate DIR`` found, when that is why."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


class NotABuiltDataset(GoldError):
    """The folder is not a built dataset at all (a usage error, as for every command given such a folder)."""


@dataclass
class NerRow:
    """One row of the ``ner`` config: a sentence's tokens, their offsets and the gold IOB2 tags."""

    id: str
    article_id: str
    tokens: list[str]
    spans: list[tuple[int, int]]
    ner_tags: list[str]


@dataclass
class Gold:
    """The gold articles of one split of a built dataset, and what the prediction formats need of it."""

    folder: Path
    split: str
    articles: list[Article]  # sorted by id
    other_ids: list[str]  # articles of the other splits: their predictions are ignored, not errors
    ner_rows: list[NerRow] = field(default_factory=list)
    registry: Registry = field(default_factory=Registry)


def load_gold(folder: Path, split: str = "test") -> Gold:
    """The gold of ``split`` in the built dataset ``folder``; :class:`GoldError` when it cannot be scored."""
    folder = Path(folder)
    if not config_folder(folder, "documents").is_dir():
        raise NotABuiltDataset(
            f"{folder} is not a built dataset: no data/documents/ folder of Parquet files (build one "
            f"with `cyberclaims build`, or download the dataset and pass its folder with --gold)"
        )
    checked = validate_dataset(folder)
    if not checked.ok:
        raise GoldError(
            f"the gold folder {folder} does not validate as a built dataset ({checked.summary()}); nothing was "
            f"scored: fix or rebuild the gold (`cyberclaims validate {folder}` lists the problems)",
            checked,
        )
    articles = []
    for path in shards(folder, "documents", split):
        rows, _ = read_rows(path)
        for index, row in enumerate(rows):
            text = row.pop("text")
            if text is None:
                raise GoldError(
                    f"{path}: the article texts are withheld (a text-withheld copy): predictions cannot "
                    f"be scored without them; rehydrate it first (`cyberclaims rehydrate`)"
                )
            display = f"{path}#/rows/{index}"
            row = without_absent_fields(row)  # as the annotation file has it: no null optional fields
            articles.append(Article(row["id"], text, text.encode("utf-8"), JsonDocument(display, "", row), display))
    if not articles:
        present = sorted({p.name.split("-")[0] for p in shards(folder, "documents")})
        raise GoldError(
            f"no gold article is in the {split} split of {folder} (splits present: "
            f"{', '.join(present) or 'none'}); choose another with --split"
        )
    chosen = {a.id for a in articles}
    other_ids = sorted(
        {
            i
            for path in shards(folder, "documents")
            for i in pq.read_table(path, columns=["id"], use_threads=False).column("id").to_pylist()
        }
        - chosen
    )
    ner_rows = []
    for path in shards(folder, "ner", split):
        rows, _ = read_rows(path)
        ner_rows += [
            NerRow(r["id"], r["article_id"], r["tokens"], [(s["start"], s["end"]) for s in r["spans"]], r["ner_tags"])
            for r in rows
        ]
    registry = Registry()
    for path in shards(folder, "entities", split):
        for row in read_rows(path)[0]:
            registry.entities.setdefault(
                row["key"], {k: row[k] for k in ("key", "name", "type", "aliases", "description")}
            )
    for path in shards(folder, "claims", split):
        for row in read_rows(path)[0]:
            registry.propositions.setdefault(
                row["proposition"], {"key": row["proposition"], "statement": row["proposition_statement"]}
            )
            registry.events.setdefault(row["event"], {"key": row["event"], "description": row["event_description"]})
    return Gold(folder, split, sorted(articles, key=lambda a: a.id), other_ids, ner_rows, registry)
