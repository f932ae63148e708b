"""Parquet: the pinned writer options, each config's Arrow schema, the shard writer, and reading rows back.

Writer options are pinned: the same rows and the same pyarrow release give byte-identical files.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from ..core.files import open_regular
from .configs import CONFIGS, features_of
from .layout import partial_path
from .portable import huggingface_metadata

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


@dataclass
class Shard:
    """One Parquet file a worker wrote, under a temporary name until the shards are counted."""

    config: str
    split: str
    path: Path
    num_examples: int
    num_bytes: int
    sha256: str = ""  # known when the shard was copied from the cache


@functools.cache  # made once per config: a schema is immutable, and the build asks for one per shard
def parquet_schema(config: str) -> pa.Schema:
    """The Arrow schema of a config, carrying the ``huggingface`` metadata that keeps ClassLabel names
    (in the form every supported ``datasets`` release reads: see ``portable``)."""
    schema = features_of(config).arrow_schema
    metadata = dict(schema.metadata or {})
    metadata[b"huggingface"] = huggingface_metadata(features_of(config))
    metadata[b"cyberclaims"] = json.dumps({"version": __version__, "config": config}).encode()
    return schema.with_metadata(metadata)


class ShardWriter:
    """Writes one shard of one config and split, ``data/<config>/.<split>-<run>.partial`` until named.

    Tables arrive in row order, in pieces of any size; they are cut into row groups of exactly
    the config's ``row_group_rows`` (so the bytes never depend on how rows were gathered). Memory is bounded
    by about one row group.
    """

    def __init__(self, folder: Path, config: str, split: str, number: int) -> None:
        self.config, self.split = config, split
        self.schema = parquet_schema(config)
        self.path = partial_path(folder, config, split, number)
        self.writer: pq.ParquetWriter | None = None
        self.pending: list[pa.Table] = []
        self.pending_rows = self.num_examples = self.num_bytes = 0

    def add_table(self, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        self.pending.append(table)
        self.pending_rows += table.num_rows
        self.num_examples += table.num_rows
        size = CONFIGS[self.config].row_group_rows
        if self.pending_rows >= size:
            combined = pa.concat_tables(self.pending)
            start = 0
            while combined.num_rows - start >= size:
                self._write_group(combined.slice(start, size))
                start += size
            rest = combined.slice(start)
            self.pending, self.pending_rows = ([rest] if rest.num_rows else []), rest.num_rows

    def _write_group(self, group: pa.Table) -> None:
        group = group.combine_chunks()  # one contiguous chunk: sizes and bytes independent of batching
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.path, self.schema, **PARQUET_OPTIONS)
        self.writer.write_table(group, row_group_size=group.num_rows)
        self.num_bytes += group.nbytes

    def close(self) -> Shard:
        """Finish the shard (a shard without rows has no file: readers fail on a Parquet file without rows)."""
        if self.pending_rows:
            self._write_group(pa.concat_tables(self.pending))
            self.pending, self.pending_rows = [], 0
        if self.writer is not None:
            self.writer.close()
        return Shard(self.config, self.split, self.path, self.num_examples, self.num_bytes)


class LabelOutOfRange(ValueError):
    """A class-label integer that names no class (-1, or past the last name)."""

    def __init__(self, value: int, names: list[str]) -> None:
        super().__init__(f"class-label value {value} is outside 0..{len(names) - 1} ({', '.join(names[:4])}, ...)")
        self.value = value


def _decode(value: Any, feature: Any) -> Any:
    """ClassLabel integers back to names, following the ``huggingface`` features metadata."""
    if isinstance(feature, dict):
        kind = feature.get("_type")
        if kind == "ClassLabel":
            if value is None:
                return None
            if not 0 <= value < len(feature["names"]):  # names[-1] would silently read -1 as the last label
                raise LabelOutOfRange(value, feature["names"])
            return feature["names"][value]
        if kind in ("List", "Sequence", "LargeList"):
            return None if value is None else [_decode(v, feature["feature"]) for v in value]
        if kind is None:  # a struct
            return None if value is None else {k: _decode(value.get(k), f) for k, f in feature.items()}
        return value
    if isinstance(feature, list):
        return None if value is None else [_decode(v, feature[0]) for v in value]
    return value


def shard_buffer(path: Path) -> pa.BufferReader:
    """The bytes of a shard, read only if it is a regular file (a FIFO is refused, never waited on).

    Read whole, then parsed from memory: no Python file object is handed to Arrow's threads.
    """
    with open_regular(path) as fh:
        return pa.BufferReader(fh.read())


def read_rows(path: Path) -> tuple[list[dict], dict]:
    """The rows of one shard, ClassLabels decoded; a path that is not a regular file raises, never blocks."""
    table = pq.read_table(
        shard_buffer(path), use_threads=False
    )  # no thread pool: small shards, and no Arrow threads left at exit
    metadata = json.loads((table.schema.metadata or {}).get(b"huggingface", b"{}"))
    features = metadata.get("info", {}).get("features", {})
    return [{k: _decode(v, features.get(k)) for k, v in row.items()} for row in table.to_pylist()], features
