"""The build's cache of runs: a run of articles whose inputs did not change is not checked or written again.

It is disposable: deleting it only costs time. It lives outside the repository (a pull request cannot
bring its own cache along, and it is never uploaded with ``dataset/``): under ``$CYBERCLAIMS_CACHE_DIR``,
else ``$XDG_CACHE_HOME/cyberclaims``, else ``~/.cache/cyberclaims``, one folder per output folder.

Trust. An entry is only as good as the folder it lives in: a folder (the cache's root or an output's
folder in it) that another user owns, or that anyone but its owner can write, is not used at all
(``trust_problem``; the build says so once and runs without a cache); the tool makes its folders 0700.
Within a trusted folder an entry is still read as untrusted bytes: only a regular file owned by this
user is opened (never a FIFO, a device or a link), its header is covered by its own sha256 and read only
in the shape the tool writes (``core.shapes``), every blob's sha256 is checked, and the figures of the
header (row counts, configs and splits) are checked against the blobs by the code that uses them
(``pipeline``). A damaged entry is a miss: it costs time, never wrong output, a hang or an error.

Keys are made of the very bytes a result is made from. A part of a run (see ``pipeline.run_parts``) is
keyed by:

- the code fingerprint (``core.fingerprint``: the code, the schema, the library releases, the build's
  options): any change makes every entry a miss;
- each article's id and the sha256 of its ``.json`` and ``.txt`` bytes (or their absence), read once
  (``validation.articles.read_article_bytes``) and then checked and made into rows from those same bytes:
  a file saved between two reads cannot leave an entry whose key says one thing and whose rows another;
- the registry entries the part *read*: the rules and the row makers read the registries only through
  a :class:`~cyberclaims.core.model.RegistryView`, which notes every key looked up (present or not), and
  the entry stores their digest. A registry edit therefore redoes only the parts that use a changed
  entry; a part that walked a whole registry depends on all of it.

A run's key is made of its parts' keys (``run_key``), so a run entry holds what its parts' bytes make.
Hashing every file costs more than the rest of an unchanged build, so, as git does, a key is also noted
under the files' status (size, inode, and the modification and change times in nanoseconds, which no tool
sets back; ``Status``): a run whose files all have the status they had is not read again. A note is
written only when the files had that status both before and after they were read, and had not changed
within ``_SETTLE_NS`` of the first look (the clock's resolution). ``build --check`` takes no note's word
(``trust_notes=False``): every key it uses is made of the bytes it read.

An entry is one file, ``<key>.run``, written atomically (temporary file, then rename): a header
(JSON: its own key, the findings and figures, the description of the shards or tables, the registry
reads and their digest, the length and sha256 of each blob) followed by the blobs. Entries are plain data (no pickle):
reading one never runs code. Only results without errors are stored.
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
from typing import Any, BinaryIO

from ..core.files import CLOSE_ON_EXEC, NO_FOLLOW, NON_BLOCK, read_capped, write_file
from ..core.model import ALL_ENTRIES, ArticleFiles, Registry
from ..core.shapes import Count, shaped
from ..validation.articles import ArticleBytes

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


def trust_problem(folder: Path) -> str:
    """Why the cache in ``folder`` must not be used ("" when it may): it, or the cache's root above it, is
    not a folder, is owned by another user, or can be written by others (who could plant entries)."""
    geteuid = getattr(os, "geteuid", None)
    for path in (folder.parent, folder):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        except OSError as exc:
            return f"{path} cannot be read ({exc.strerror})"
        if not stat.S_ISDIR(st.st_mode):
            return f"{path} is not a folder"
        if geteuid is not None and st.st_uid != geteuid():
            return f"{path} is owned by another user (uid {st.st_uid})"
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return f"{path} can be written by other users (mode {stat.filemode(st.st_mode)}; chmod go-w it)"
    return ""


def open_cache(folder: Path, fingerprint: str, *, trust_notes: bool = True) -> tuple[RunCache | None, str]:
    """The cache in ``folder`` (made 0700 if missing) and "", or None and why it is not used."""
    try:
        for path in (folder.parent, folder):
            if not os.path.lexists(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.mkdir(path, 0o700)
                except FileExistsError:
                    pass  # made meanwhile: checked below like any other
    except OSError as exc:
        return None, f"the build cache {folder} cannot be made ({exc.strerror}); building without it"
    problem = trust_problem(folder)
    if problem:
        return None, f"the build cache is not used: {problem}; building without it"
    return RunCache(folder, fingerprint, trust_notes=trust_notes), ""


_MAGIC = b"cyberclaims-cache 2\n"  # the format of an entry: magic, header length, header sha256, header, blobs
_KEY = re.compile(r"[0-9a-f]{64}")
_ENTRY = re.compile(r"[0-9a-f]{64}\.(run|stat)")
_SETTLE_NS = 2_000_000_000
_NOTE_BYTES = 64
# An entry larger than this is not read (a run's shards are tens of MB): a damaged or planted entry (a sparse
# file of terabytes whose header claims most of it) costs no more memory than a real one.
MAX_ENTRY_BYTES = 1 << 30
# An entry's header as ``load`` reads it; what else it holds is checked by the code that wrote it.
_HEADER = {"key": str, "fingerprint": str, "reads": {str: [str]}, "reads_digest": str, "blobs": [(Count, str)]}


def reads_digest(registry: Registry, reads: Mapping[str, list[str]]) -> str:
    """The digest of the registry entries named in ``reads`` as ``registry`` has them (absent ones too)."""
    digest = hashlib.sha256()
    for name, table in (
        ("entities", registry.entities),
        ("propositions", registry.propositions),
        ("events", registry.events),
    ):
        keys = reads.get(name, [])
        if name in registry.unreadable:  # an unreadable table reports no unknown key: not the same as an empty one
            digest.update(f"{name} unreadable\n".encode())
        if ALL_ENTRIES in keys:
            keys = sorted({*table, *keys} - {ALL_ENTRIES})
            digest.update(f"{name} all {len(table)}\n".encode())
        for key in keys:
            digest.update(registry.entry_digest(name, key))
    return digest.hexdigest()


@dataclass(frozen=True)
class Status:
    """The status of some files (size, inode, times) as a digest, and whether none had changed recently."""

    digest: str
    settled: bool


@dataclass
class RunCache:
    """Where entries live and what invalidates them all; counts what a build reused.

    The counts and ``used`` are kept by the calling process (workers get a copy of the cache and send
    their results back); ``prune`` then removes the entries this build did not use. ``trust_notes=False``
    (``build --check``) never takes a key from a status note.
    """

    folder: Path
    fingerprint: str
    used: set[str] = field(default_factory=set)
    reused: int = 0
    checked: int = 0
    trust_notes: bool = True

    # --- keys ----------------------------------------------------------------------------------------------

    def status(self, articles: list[ArticleFiles], kind: str) -> Status | None:
        """The status of the articles' files, or None if one is not a regular file or notes are not trusted
        (never noted, never looked up)."""
        if not self.trust_notes:
            return None
        settled_before = time.time_ns() - _SETTLE_NS
        newest = 0
        parts = [self.fingerprint, kind]
        for files in articles:
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
        return Status(hashlib.sha256("\n".join(parts).encode()).hexdigest(), newest < settled_before)

    def noted(self, status: Status | None) -> str | None:
        """The key noted under ``status`` by an earlier build, if notes are trusted and there is one."""
        if status is None or not self.trust_notes:
            return None
        data, _ = read_capped(self.folder / f"{status.digest}.stat", "", _NOTE_BYTES)  # no FIFO, no link
        noted = data.decode("ascii", "replace") if data is not None else ""
        return noted if _KEY.fullmatch(noted) else None

    def remember(self, status: Status | None, key: str | None, articles: list[ArticleFiles], kind: str) -> None:
        """Note ``key`` under ``status`` (taken before the files were read) if they still have it and it is
        settled: then the bytes that made ``key`` are the bytes of that status."""
        if status is None or key is None or not status.settled or self.status(articles, kind) != status:
            return
        try:
            write_file(self.folder / f"{status.digest}.stat", key.encode("ascii"), durable=False)
        except OSError:
            pass

    def content_key(self, contents: list[ArticleBytes], kind: str) -> str | None:
        """The key of the articles' bytes as read, or None when one file cannot be read whole (not cached)."""
        digest = hashlib.sha256(f"{self.fingerprint}\n{kind}\n".encode())
        for article in contents:
            digest.update(f"{article.files.id}\n".encode())
            for found in (article.json, article.text):
                if found is None:
                    digest.update(b"-\n")
                    continue
                data, _ = found
                if data is None:
                    return None
                digest.update(hashlib.sha256(data).digest() + b"\n")
        return digest.hexdigest()

    def derived_key(self, kind: str, keys: list[str]) -> str:
        """The key of a result made of results with ``keys`` (a run of its parts)."""
        return hashlib.sha256(f"{self.fingerprint}\n{kind}\n{chr(10).join(keys)}".encode()).hexdigest()

    # --- entries -------------------------------------------------------------------------------------------

    def has(self, key: str) -> bool:
        return os.path.lexists(self.folder / f"{key}.run")

    def load(self, key: str, registry: Registry) -> tuple[dict[str, Any], list[bytes], list[str]] | None:
        """The stored header, blobs and blobs' sha256 (checked) of ``key`` if the registry entries it read
        are unchanged; else None. Anything but a well-formed entry of this user's is a miss."""
        try:
            with _open_entry(self.folder / f"{key}.run") as fh:
                total = os.fstat(fh.fileno()).st_size  # no length read from the entry asks for more than this
                if total > MAX_ENTRY_BYTES or fh.read(len(_MAGIC)) != _MAGIC:
                    return None
                size = int.from_bytes(fh.read(8), "big")
                checksum = fh.read(32)
                if size > total:
                    return None
                encoded = fh.read(size)
                if hashlib.sha256(encoded).digest() != checksum:
                    return None
                header = json.loads(encoded)
                if not isinstance(header, dict) or not all(shaped(header.get(k), s) for k, s in _HEADER.items()):
                    return None
                if header["key"] != key or header["fingerprint"] != self.fingerprint:
                    return None  # (an entry renamed to another key is not that key's)
                if reads_digest(registry, header["reads"]) != header["reads_digest"]:
                    return None
                blobs, digests = [], []
                for length, sha256 in header["blobs"]:
                    blob = fh.read(length) if length <= total else b""
                    if len(blob) != length or hashlib.sha256(blob).hexdigest() != sha256:
                        return None
                    blobs.append(blob)
                    digests.append(sha256)
        except (OSError, ValueError, RecursionError):
            return None  # missing, damaged or from another version: only costs the run's work
        return header, blobs, digests

    def store(
        self, key: str, header: dict[str, Any], registry: Registry, reads: dict[str, list[str]], blobs: list[bytes]
    ) -> None:
        """Write an entry atomically; a failure to write only loses the entry (the cache is disposable).
        ``reads`` names the registry entries the result depends on (``RegistryView.reads()``)."""
        header = {
            **header,
            "key": key,
            "fingerprint": self.fingerprint,
            "reads": reads,
            "blobs": [[len(b), hashlib.sha256(b).hexdigest()] for b in blobs],
            "reads_digest": reads_digest(registry, reads),
        }
        encoded = json.dumps(header, ensure_ascii=False).encode()  # key order kept: counters keep their order
        try:
            write_file(
                self.folder / f"{key}.run",
                b"".join([_MAGIC, len(encoded).to_bytes(8, "big"), hashlib.sha256(encoded).digest(), encoded, *blobs]),
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
        ``<sha256>.run`` and ``<sha256>.stat`` files: nothing else is touched, and a note is read as the
        entries are: capped, never a FIFO or a link)."""
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
                data, _ = read_capped(self.folder / name, "", _NOTE_BYTES)
                key = data.decode("ascii", "replace") if data is not None else ""
            if key not in self.used:
                try:
                    (self.folder / name).unlink()
                    removed += 1
                except OSError:
                    pass
        return removed


def _open_entry(path: Path) -> BinaryIO:
    """An entry opened for reading if it is a regular file of this user's: a link, a FIFO (which would block
    the open), a device or another user's file raises OSError, without waiting."""
    fd = os.open(path, os.O_RDONLY | NO_FOLLOW | CLOSE_ON_EXEC | NON_BLOCK)
    try:
        st = os.fstat(fd)
        geteuid = getattr(os, "geteuid", None)
        if not stat.S_ISREG(st.st_mode) or (geteuid is not None and st.st_uid != geteuid()):
            raise OSError(f"{path} is not a regular file of this user's")
        if NON_BLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
