"""The build's cache of runs: a run of articles whose inputs did not change is not checked or written again.

It is disposable: deleting it only costs time. It lives outside the repository (a pull request cannot
bring its own cache along, and it is never uploaded with ``dataset/``): under ``$CYBERCLAIMS_CACHE_DIR``,
else ``$XDG_CACHE_HOME/cyberclaims``, else ``~/.cache/cyberclaims``, one folder per output folder.

A run (see ``pipeline.article_runs``) is keyed by what its result can depend on:

- the code fingerprint (``core.fingerprint``: the code, the schema, the library releases, the build's
  options): any change makes every entry a miss;
- each article's id and the sha256 of its ``.json`` and ``.txt`` bytes (or their absence);
- the registry entries the run *read*: the rules and the row makers read the registries only through
  a :class:`~cyberclaims.core.model.RegistryView`, which notes every key looked up (present or not), and
  the entry stores their digest. A registry edit therefore redoes only the runs that use a changed
  entry; a run that walked a whole registry depends on all of it.

An entry is one file, ``<key>.run``, written atomically (temporary file, then rename): a header
(JSON: the run's findings and figures, the description of its shards, the registry reads and their
digest, the sha256 of each blob) followed by the blobs (the shards' bytes). Every blob's sha256 is
checked when it is used, so a damaged entry is a miss, never wrong output. Entries are plain data (no
pickle): reading one never runs code. Only runs without errors are stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import MAX_ANNOTATION_BYTES, MAX_TEXT_BYTES, read_capped, write_file
from ..core.model import ALL_ENTRIES, ArticleFiles, Registry

CACHE_ENV = "CYBERCLAIMS_CACHE_DIR"


def cache_root() -> Path | None:
    """The folder that holds every output's cache; None when there is no home to put it in (a relative
    ``~`` would put it in the current folder, which the build must not touch)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.path.abspath(os.environ[CACHE_ENV]))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cyberclaims" if os.path.isabs(base) else None


def cache_folder(output: Path) -> Path | None:
    """The cache of the build that writes ``output`` (one per output: their options differ), if any."""
    root = cache_root()
    if root is None:
        return None
    name = hashlib.sha256(os.fsencode(os.path.abspath(output))).hexdigest()[:16]
    return root / f"build-{name}"


_MAGIC = b"cyberclaims-batch 1\n"  # the format of an entry (a run was once called a batch)
_KEY = re.compile(r"[0-9a-f]{64}")
_ENTRY = re.compile(r"[0-9a-f]{64}\.(run|stat)")
_SETTLE_NS = 2_000_000_000


def reads_digest(registry: Registry, reads: Mapping[str, list[str]]) -> str:
    """The digest of the registry entries named in ``reads`` as ``registry`` has them (absent ones too)."""
    digest = hashlib.sha256()
    for name, table in (
        ("entities", registry.entities),
        ("propositions", registry.propositions),
        ("events", registry.events),
    ):
        keys = reads.get(name, [])
        if ALL_ENTRIES in keys:
            keys = sorted({*table, *keys} - {ALL_ENTRIES})
            digest.update(f"{name} all {len(table)}\n".encode())
        for key in keys:
            digest.update(registry.entry_digest(name, key))
    return digest.hexdigest()


@dataclass
class RunCache:
    """Where entries live and what invalidates them all; counts what a build reused.

    The counts and ``used`` are kept by the calling process (workers get a copy of the cache and send
    their results back); ``prune`` then removes the entries this build did not use.
    """

    folder: Path
    fingerprint: str
    used: set[str] = field(default_factory=set)
    reused: int = 0
    checked: int = 0

    def key(self, run: list[ArticleFiles], kind: str = "run") -> str | None:
        """The key of a run's files, or None when one cannot be read whole (that run is not cached).
        ``kind`` tells entries of different shapes over the same files apart (a run, a part of one).

        Hashing every file of a large corpus costs more than the rest of an unchanged build, so, as git
        does, the key found for a run is also noted under the files' status (size, inode, and the
        modification and change times in nanoseconds, which no tool sets back): a run whose files all
        have the status they had is not read again. A status taken within ``_SETTLE_NS`` of a file's
        change is not noted (the file might still change within the clock's resolution).
        """
        status = self._status_key(run, kind)
        if status is not None:
            try:
                noted = (self.folder / f"{status[0]}.stat").read_text(encoding="ascii")
                if _KEY.fullmatch(noted):
                    return noted
            except (OSError, ValueError):
                pass
        key = self._content_key(run, kind)
        if key is not None and status is not None and status[1]:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                write_file(self.folder / f"{status[0]}.stat", key.encode("ascii"), durable=False)
            except OSError:
                pass
        return key

    def _status_key(self, run: list[ArticleFiles], kind: str) -> tuple[str, bool] | None:
        """(digest of the files' status, whether all of them are settled); None if one is not a regular file."""
        settled_before = time.time_ns() - _SETTLE_NS
        newest = 0
        parts = [self.fingerprint, kind]
        for files in run:
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

    def _content_key(self, run: list[ArticleFiles], kind: str) -> str | None:
        digest = hashlib.sha256(f"{self.fingerprint}\n{kind}\n".encode())
        for files in run:
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
            return None  # missing, damaged or from another version: only costs the run's work
        return header, blobs, digests

    def store(
        self, key: str, header: dict[str, Any], registry: Registry, reads: dict[str, list[str]], blobs: list[bytes]
    ) -> None:
        """Write an entry atomically; a failure to write only loses the entry (the cache is disposable).
        ``reads`` names the registry entries the result depends on (``RegistryView.reads()``)."""
        header = {
            **header,
            "fingerprint": self.fingerprint,
            "reads": reads,
            "blobs": [[len(b), hashlib.sha256(b).hexdigest()] for b in blobs],
            "reads_digest": reads_digest(registry, reads),
        }
        encoded = json.dumps(header, ensure_ascii=False).encode()  # key order kept: counters keep their order
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(
                self.folder / f"{key}.run",
                b"".join([_MAGIC, len(encoded).to_bytes(8, "big"), encoded, *blobs]),
                durable=False,
            )
        except OSError:
            pass

    @property
    def runs(self) -> int:
        """The runs this build counted, reused or checked."""
        return self.reused + self.checked

    def note(self, key: str | None, reused: bool) -> None:
        """Count a run's result in the calling process."""
        if key is not None:
            self.used.add(key)
        if reused:
            self.reused += 1
        else:
            self.checked += 1

    def prune(self) -> int:
        """Remove the entries this build did not use, and the status notes that lead to them (only
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
