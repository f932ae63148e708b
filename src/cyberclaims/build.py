"""Build the publishable dataset folder from validated sources: Parquet shards, card, manifest.

The folder is written in a temporary sibling and swapped in at the end, so a failed or interrupted
build leaves the previous ``dataset/`` as it was. Writer options are pinned: the same sources and the
same pyarrow release give byte-identical files.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__, rows
from .features import features_of
from .issues import Report
from .sources import Article
from .validate import Corpus, LoadedCollection, validate

SPLITS = ("train", "validation", "test")

# Pinned writer options: every one that changes the bytes of the file is set explicitly.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "data_page_size": 1024 * 1024,
    "use_compliant_nested_type": True,
    "store_schema": True,
    "write_page_index": False,
    "write_batch_size": 1024,
}
# Rows per Parquet row group and per shard. Rows are written a row group at a time, so memory is
# bounded by one row group, and shards stay small enough for the Hub and parallel readers.
ROW_GROUP_ROWS = {"documents": 1000, "passes": 1000, "claims": 20000, "entities": 20000, "ner": 20000}
SHARD_ROWS = {"documents": 20000, "passes": 20000, "claims": 500000, "entities": 500000, "ner": 500000}

MANIFEST = "SHA256SUMS"


class BuildError(Exception):
    """The build could not run: invalid sources (the report says why) or an unusable output path."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class SplitInfo:
    name: str
    num_examples: int
    num_bytes: int
    files: list[str]


@dataclass
class ConfigInfo:
    name: str
    splits: list[SplitInfo] = field(default_factory=list)


@dataclass
class BuildResult:
    output: Path
    configs: list[ConfigInfo]
    report: Report


def build(root: Path, output: Path | None = None, *, show_progress: bool = True,
          withhold_text: bool = False) -> BuildResult:
    """Validate ``root`` and, only if it is clean, write the dataset to ``output`` (``root/dataset``).

    With ``withhold_text`` every article text and span text is left out (see ``withhold.py``).
    """
    root = Path(root)
    output = Path(output) if output is not None else root / "dataset"
    corpus, report = validate(root, show_progress=show_progress)
    if not report.ok:
        raise BuildError(f"validation failed with {len(report.errors)} errors; nothing was written", report)
    parent = output.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(parent, output.name)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-build-", dir=parent))
    try:
        configs = write_dataset(corpus, staging, withhold_text=withhold_text)
        _swap_in(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return BuildResult(output, configs, report)


def write_dataset(corpus: Corpus, folder: Path, *, withhold_text: bool = False) -> list[ConfigInfo]:
    """Write every config, the card and the checksum manifest into an empty ``folder``."""
    from .withhold import withhold_row

    def rows_of(config: str, items: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
        return (withhold_row(config, r) for r in items) if withhold_text else items

    from .card import write_card  # the card needs the figures of the written data
    from .croissant import write_croissant

    configs = []
    gold = corpus.gold
    by_split = _by_split(gold.articles)
    for config in ("documents", "claims", "entities", "ner"):
        info = ConfigInfo(config)
        for split, articles in by_split.items():
            written = write_split(folder, config, split, rows_of(config, _rows(config, articles, corpus)))
            if written is not None:
                info.splits.append(written)
        if info.splits or config == "documents":
            configs.append(info)
    if corpus.passes:
        info = ConfigInfo("passes")
        for split in by_split:
            selected = [LoadedCollection(c.name, [a for a in c.articles if rows.split_of(a) == split],
                                              c.registry) for c in corpus.passes]
            written = write_split(folder, "passes", split, rows_of("passes", rows.passes(selected)))
            if written is not None:
                info.splits.append(written)
        if info.splits:
            configs.append(info)
    cff = corpus.root / "CITATION.cff"
    if cff.is_file():  # shipped with the data, so a copy on the Hub is citable on its own
        shutil.copyfile(cff, folder / "CITATION.cff")
    write_card(folder, corpus, configs, withheld=withhold_text)
    write_croissant(folder, configs, corpus)
    write_manifest(folder)
    return configs


def _by_split(articles: list[Article]) -> dict[str, list[Article]]:
    grouped: dict[str, list[Article]] = {}
    for split in SPLITS:
        chosen = sorted((a for a in articles if rows.split_of(a) == split), key=lambda a: a.id)
        if chosen:
            grouped[split] = chosen
    return grouped


def _rows(config: str, articles: list[Article], corpus: Corpus) -> Iterator[dict[str, Any]]:
    registry = corpus.gold.registry
    if config == "documents":
        return rows.documents(articles)
    if config == "claims":
        return rows.claims(articles, registry)
    if config == "entities":
        return rows.entities(articles, registry)
    if config == "ner":
        return rows.ner(articles)
    raise KeyError(config)


def parquet_schema(config: str) -> pa.Schema:
    """The Arrow schema of a config, carrying the ``huggingface`` metadata that keeps ClassLabel names."""
    schema = features_of(config).arrow_schema
    metadata = dict(schema.metadata or {})
    metadata[b"cyberclaims"] = json.dumps({"version": __version__, "config": config}).encode()
    return schema.with_metadata(metadata)


def write_split(folder: Path, config: str, split: str, items: Iterable[dict[str, Any]]) -> SplitInfo | None:
    """Write one split as ``data/<config>/<split>-NNNNN-of-NNNNN.parquet`` in bounded row groups."""
    features = features_of(config)
    schema = parquet_schema(config)
    target = folder / "data" / config
    shards: list[Path] = []
    writer: pq.ParquetWriter | None = None
    in_shard = num_examples = num_bytes = 0
    batch: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal writer, in_shard, num_bytes
        if not batch:
            return
        if writer is None:
            target.mkdir(parents=True, exist_ok=True)
            shards.append(target / f".{split}-{len(shards):05d}.partial")
            writer = pq.ParquetWriter(shards[-1], schema, **PARQUET_OPTIONS)
        table = pa.Table.from_pylist([features.encode_example(r) for r in batch], schema=schema)
        writer.write_table(table, row_group_size=len(batch))
        num_bytes += table.nbytes
        in_shard += len(batch)
        batch.clear()
        if in_shard >= SHARD_ROWS[config]:
            writer.close()
            writer, in_shard = None, 0

    for row in items:
        batch.append(row)
        num_examples += 1
        if len(batch) >= ROW_GROUP_ROWS[config]:
            flush()
    flush()
    if writer is not None:
        writer.close()
    if not shards:
        # No rows: the split is left out (readers fail on a Parquet file without row groups).
        return None
    names = []
    for index, partial in enumerate(shards):
        name = f"{split}-{index:05d}-of-{len(shards):05d}.parquet"
        partial.rename(target / name)
        names.append(f"data/{config}/{name}")
    return SplitInfo(split, num_examples, num_bytes, names)


def write_manifest(folder: Path) -> None:
    """``SHA256SUMS`` in the format of ``sha256sum``, so ``sha256sum -c SHA256SUMS`` checks a copy."""
    lines = [f"{sha256_file(path)}  {path.relative_to(folder).as_posix()}\n"
             for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)]
    atomic_write_text(folder / MANIFEST, "".join(lines))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file through a temporary sibling and a rename: readers see the old or the new file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Swapping the new folder in


_RENAME_EXCHANGE = 2


def _swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` by ``staging``: atomically where the kernel can exchange two paths."""
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging)  # staging now holds the previous dataset
        return
    retired = output.with_name(f".{output.name}-old-{os.getpid()}")
    output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) on Linux: both paths always exist, no moment without a dataset."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _remove_stale_temporaries(parent: Path, name: str) -> None:
    """Left-overs of a build that was killed: never part of the dataset, safe to remove."""
    for stale in parent.glob(f".{name}-build-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{name}-old-*"):
        if (parent / name).exists():
            shutil.rmtree(stale, ignore_errors=True)
        else:  # killed between the two renames of the fallback swap: put the old dataset back
            stale.rename(parent / name)
