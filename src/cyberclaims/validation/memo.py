"""A disposable cache of checked batches: a batch whose inputs did not change is not checked again.

A batch (a run of articles, see ``BatchWork``) is keyed by what its result can depend on:

- the *fingerprint* the caller gives (the code, the schema, the options and library versions that
  change a byte of the result): any change makes every entry a miss;
- each article's id and the sha256 of its ``.json`` and ``.txt`` bytes (or their absence);
- the registry entries the batch *read*: :class:`RegistryReads` records every key the rules and the
  visitor looked up (present or not), and the entry stores their digest. A registry edit therefore
  redoes only the batches that use a changed entry; a batch that walked a whole registry depends on
  all of it.

An entry is one file, ``<key>.run``, written atomically (temporary file, then rename): a header
(JSON: the batch's findings and figures, the visitor's description of its output, the registry reads
and their digest, the sha256 of each blob) followed by the blobs (the visitor's output files). Every
blob's sha256 is checked when it is used, so a damaged entry is a miss, never wrong output. Entries
are plain data (no pickle): reading one never runs code. Only batches without errors are stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import MAX_ANNOTATION_BYTES, MAX_TEXT_BYTES, read_capped, write_file
from ..core.model import ArticleFiles, Registry

_MAGIC = b"cyberclaims-batch 1\n"
_KEY = re.compile(r"[0-9a-f]{64}")
_ENTRY = re.compile(r"[0-9a-f]{64}\.(run|stat)")
_SETTLE_NS = 2_000_000_000
_ALL = "*"  # the batch walked the whole table


class _RecordingTable(Mapping):
    """A registry table that notes each key it is asked about (read-only; iterating notes "all")."""

    def __init__(self, table: dict[str, dict[str, Any]], reads: set[str]) -> None:
        self._table, self._reads = table, reads

    def __getitem__(self, key: str) -> dict[str, Any]:
        self._reads.add(key)
        return self._table[key]

    def get(self, key: str, default: Any = None) -> Any:
        self._reads.add(key)
        return self._table.get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self._reads.add(key)
        return key in self._table

    def __iter__(self) -> Iterator[str]:
        self._reads.add(_ALL)
        return iter(self._table)

    def __len__(self) -> int:
        self._reads.add(_ALL)
        return len(self._table)


class _RecordingKeys(frozenset):
    """The registry's well-formed entity keys; a membership test is a read of that entity."""

    reads: set[str]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.reads.add(key)
        return frozenset.__contains__(self, key)


class RegistryReads(Registry):
    """A view of a registry that records which entries were read, for the batch's cache key."""

    def __init__(self, base: Registry) -> None:
        self.entity_reads: set[str] = set()
        self.proposition_reads: set[str] = set()
        super().__init__(_RecordingTable(base.entities, self.entity_reads),  # type: ignore[arg-type]
                         _RecordingTable(base.propositions, self.proposition_reads))  # type: ignore[arg-type]
        self._base = base

    def well_formed_entity_keys(self) -> frozenset[str]:
        keys = _RecordingKeys(self._base.well_formed_entity_keys())
        keys.reads = self.entity_reads
        return keys

    def reads(self) -> dict[str, list[str]]:
        return {"entities": sorted(self.entity_reads), "propositions": sorted(self.proposition_reads)}


def reads_digest(registry: Registry, reads: Mapping[str, list[str]]) -> str:
    """The digest of the registry entries named in ``reads`` as ``registry`` has them (absent ones too)."""
    digest = hashlib.sha256()
    for name, table in (("entities", registry.entities), ("propositions", registry.propositions)):
        keys = reads.get(name, [])
        if _ALL in keys:
            keys = sorted({*table, *keys} - {_ALL})
            digest.update(f"{name} all {len(table)}\n".encode())
        for key in keys:
            digest.update(registry.entry_digest(name, key))
    return digest.hexdigest()


@dataclass
class BatchMemo:
    """Where entries live and what invalidates them all; counts what a validation run reused.

    The counts and ``used`` are kept by the calling process (workers get a copy of the memo and send
    their results back); ``prune`` then removes the entries this run did not use.
    """

    folder: Path
    fingerprint: str
    used: set[str] = field(default_factory=set)
    reused: int = 0
    checked: int = 0

    def key(self, batch: list[ArticleFiles]) -> str | None:
        """The key of a batch's files, or None when one cannot be read whole (that batch is not cached).

        Hashing every file of a large corpus costs more than the rest of an unchanged build, so, as git
        does, the key found for a batch is also noted under the files' status (size, inode, and the
        modification and change times in nanoseconds, which no tool sets back): a batch whose files all
        have the status they had is not read again. A status taken within ``_SETTLE_NS`` of a file's
        change is not noted (the file might still change within the clock's resolution).
        """
        status = self._status_key(batch)
        if status is not None:
            try:
                noted = (self.folder / f"{status[0]}.stat").read_text(encoding="ascii")
                if _KEY.fullmatch(noted):
                    return noted
            except (OSError, ValueError):
                pass
        key = self._content_key(batch)
        if key is not None and status is not None and status[1]:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                write_file(self.folder / f"{status[0]}.stat", key.encode("ascii"), durable=False)
            except OSError:
                pass
        return key

    def _status_key(self, batch: list[ArticleFiles]) -> tuple[str, bool] | None:
        """(digest of the files' status, whether all of them are settled); None if one is not a regular file."""
        settled_before = time.time_ns() - _SETTLE_NS
        newest = 0
        parts = [self.fingerprint]
        for files in batch:
            parts.append(files.id)
            for path in files.file_names():
                if path is None:
                    parts.append("-")
                    continue
                try:
                    st = os.stat(path, follow_symlinks=False)
                except OSError:
                    return None
                if not stat.S_ISREG(st.st_mode):
                    return None
                parts.append(f"{st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}")
                newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest(), newest < settled_before

    def _content_key(self, batch: list[ArticleFiles]) -> str | None:
        digest = hashlib.sha256(f"{self.fingerprint}\n".encode())
        for files in batch:
            digest.update(f"{files.id}\n".encode())
            for path, limit in ((files.json_path, MAX_ANNOTATION_BYTES), (files.text_path, MAX_TEXT_BYTES)):
                if path is None:
                    digest.update(b"-\n")
                    continue
                data, issues = read_capped(path, "", limit)
                if data is None:
                    return None
                digest.update(hashlib.sha256(data).digest() + b"\n")
        return digest.hexdigest()

    def load(self, key: str, registry: Registry) -> tuple[dict[str, Any], list[bytes], list[str]] | None:
        """The stored header, blobs and blobs' sha256 (checked) of ``key`` if the registry entries it read
        are unchanged; else None."""
        path = self.folder / f"{key}.run"
        try:
            with open(path, "rb") as fh:
                total = os.fstat(fh.fileno()).st_size  # no length read from the entry asks for more than this
                if fh.read(len(_MAGIC)) != _MAGIC:
                    return None
                size = int.from_bytes(fh.read(8), "big")
                if size > total:
                    return None
                header = json.loads(fh.read(size))
                if header.get("fingerprint") != self.fingerprint:
                    return None
                if reads_digest(registry, header["reads"]) != header["reads_digest"]:
                    return None
                blobs, digests = [], []
                for length, sha256 in header["blobs"]:
                    blob = fh.read(length) if 0 <= length <= total else b""
                    if len(blob) != length or hashlib.sha256(blob).hexdigest() != sha256:
                        return None
                    blobs.append(blob)
                    digests.append(sha256)
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, damaged or from another version: only costs the batch's work
        return header, blobs, digests

    def store(self, key: str, header: dict[str, Any], registry: Registry, reads: dict[str, list[str]],
              blobs: list[bytes]) -> None:
        """Write an entry atomically; a failure to write only loses the entry (the cache is disposable).
        ``reads`` names the registry entries the result depends on (``RegistryReads.reads()``)."""
        header = {**header, "fingerprint": self.fingerprint, "reads": reads,
                  "blobs": [[len(b), hashlib.sha256(b).hexdigest()] for b in blobs],
                  "reads_digest": reads_digest(registry, reads)}
        encoded = json.dumps(header, ensure_ascii=False).encode()  # key order kept: counters keep their order
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(self.folder / f"{key}.run", b"".join([_MAGIC, len(encoded).to_bytes(8, "big"), encoded,
                                                             *blobs]), durable=False)
        except OSError:
            pass

    @property
    def runs(self) -> int:
        """The batches this run counted, reused or checked."""
        return self.reused + self.checked

    def note(self, key: str | None, reused: bool) -> None:
        """Count a batch's result in the calling process."""
        if key is not None:
            self.used.add(key)
        if reused:
            self.reused += 1
        else:
            self.checked += 1

    def prune(self) -> int:
        """Remove the entries this run did not use, and the status notes that lead to them (only
        ``<sha256>.run`` and ``<sha256>.stat`` files: nothing else is touched)."""
        removed = 0
        try:
            names = os.listdir(self.folder)
        except OSError:
            return 0
        for name in names:
            if not _ENTRY.fullmatch(name):
                continue
            key = name[:-4]
            if name.endswith(".stat"):
                try:
                    key = (self.folder / name).read_text(encoding="ascii")
                except (OSError, ValueError):
                    key = ""
            if key not in self.used:
                try:
                    (self.folder / name).unlink()
                    removed += 1
                except OSError:
                    pass
        return removed
