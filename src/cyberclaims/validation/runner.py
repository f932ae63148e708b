"""The validation run: discover the collections, read every file, check it, and collect one report.

JSON Schema first (every error, not the first), then the rules a schema cannot express
(``article_rules``, ``registries``). Large corpora are checked in batches in a process pool; batches
are merged in order, so the report never depends on scheduling. Validation only reads; it returns the
parsed corpus so that a build need not read twice.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from ..core.codes import Severity
from ..core.errors import UsageError
from ..core.files import MAX_ANNOTATION_BYTES, MAX_TEXT_BYTES, decode_text, read_capped
from ..core.issues import Issue, Report, printable
from ..core.jsondoc import parse_json, too_deep, too_deep_issue
from ..core.libc import libc
from ..core.model import Article, ArticleFiles, Corpus, LoadedCollection, Registry, relative
from ..core.progress import progress
from ..core.schemas import fast_validator
from ..core.vocabulary import ARTICLE_ID, REGISTRY_FILES
from .article_rules import check_article
from .discovery import discover
from .memo import BatchMemo, RegistryReads
from .registries import collect_usage, load_registry, unused_registry_entries
from .schema import schema_issues


@dataclass
class _Batch:
    """What checking a batch of articles found: merged in batch order, so output is deterministic."""

    issues: list[Issue] = field(default_factory=list)
    files_checked: int = 0
    read: int = 0
    articles: list[Article] = field(default_factory=list)
    # sha256 of each article's text, 32 bytes per article in batch order (zeros: no text): compact,
    # since a large corpus keeps one per article until duplicates are found
    digests: bytearray = field(default_factory=bytearray)
    used_entities: set[str] = field(default_factory=set)
    used_propositions: set[str] = field(default_factory=set)
    output: Any = None
    memo_key: str | None = None  # the batch's cache key (None: not cacheable)
    reused: bool = False  # taken from the cache, not checked again

    def to_header(self) -> dict[str, Any]:
        """What a cache entry keeps of this batch (the parsed articles are never kept)."""
        return {"issues": [[i.file, i.line, i.pointer, i.code, i.message, i.column] for i in self.issues],
                "files_checked": self.files_checked, "read": self.read, "digests": self.digests.hex(),
                "used_entities": sorted(self.used_entities), "used_propositions": sorted(self.used_propositions)}

    @classmethod
    def from_header(cls, header: dict[str, Any]) -> _Batch:
        return cls([Issue(*fields) for fields in header["issues"]], header["files_checked"], header["read"],
                   digests=bytearray.fromhex(header["digests"]), used_entities=set(header["used_entities"]),
                   used_propositions=set(header["used_propositions"]))


# Batches in flight per worker. Results come back in order; a batch that takes long (one that is checked
# while the others come from the build's cache) must not leave the other workers idle, and a result is
# small (figures; the rows are on disk), so many may wait.
_IN_FLIGHT = 32
# Below this many articles a process pool costs more than it saves.
PARALLEL_MIN_ARTICLES = 400
BATCH_SIZE = 200


def validate(root: Path, paths: Sequence[Path] | None = None, *, show_progress: bool = True,
             keep_articles: bool = True, jobs: int | None = 1,
             work: BatchWork | None = None) -> tuple[Corpus, Report]:
    """Validate the repository at ``root`` (or only the articles named in ``paths``).

    ``keep_articles=False`` keeps no parsed gold article in memory; ``jobs`` > 1 (None: one per core)
    checks large corpora in a process pool. ``work`` is done on each valid gold article as it is
    checked (see :class:`BatchWork`); batches are articles in id order, so they never depend on the
    worker count.
    """
    root = Path(root)
    report = Report()
    collections = discover(root)
    wanted = _wanted_ids(root, paths)
    if wanted is None:
        paths = None
    jobs = (os.cpu_count() or 1) if jobs is None else max(1, jobs)
    loaded: list[LoadedCollection] = []
    duplicate_groups: list[list[ArticleFiles]] = []
    for collection in collections:
        is_gold = collection.name == "gold"
        report.issues.extend(i for i in collection.issues if _selected(i.file, root, paths))
        if not collection.folder.is_dir():
            loaded.append(LoadedCollection(collection.name, [], Registry()))
            continue
        registry = load_registry(collection, root, report, check=paths is None or is_gold)
        keep = keep_articles or not is_gold
        selected = [a for a in collection.articles if wanted is None or a.id in wanted]
        result = _check_all(selected, root, is_gold, registry, keep, jobs, show_progress, collection.name,
                            work if is_gold else None)
        report.issues.extend(result.issues)
        report.files_checked += result.files_checked
        if is_gold:
            digests, owners = result.digests, list(selected)
            checked = {a.id for a in selected}
            for files in collection.articles:  # texts outside the selection still count as duplicates
                if files.id not in checked and files.text_path is not None and files.json_path is not None:
                    digests += _file_sha256(files.text_path) or _NO_DIGEST
                    owners.append(files)
            duplicate_groups = _duplicates(digests, owners)
        all_read = result.read == sum(1 for a in collection.articles if a.has_json)
        if paths is None and all_read:  # usage is unknown while an article cannot be read
            report.issues.extend(unused_registry_entries(collection, registry, result.used_entities,
                                                          result.used_propositions, root))
        files = [a for a in collection.articles if a.complete]
        loaded.append(LoadedCollection(collection.name, result.articles, registry, files, keep))
    report.issues.extend(_duplicate_text_issues(duplicate_groups, root, paths))
    return Corpus(root, loaded[0], loaded[1:]), report


def _duplicate_text_issues(groups: list[list[ArticleFiles]], root: Path, paths: Sequence[Path] | None
                           ) -> list[Issue]:
    """One issue per article whose text another article has too (each is reported where it is)."""
    issues = []
    for group in groups:
        names = [relative(files.text_path, root) for files in group]
        if len(names) > 1:
            for name in names:
                others = ", ".join(n for n in names if n != name)
                if _selected(name, root, paths):
                    issues.append(Issue(name, None, "", "duplicate-text",
                                        f"has the same text as {others}; each article enters the corpus once"))
    return issues


def fixed_batches(articles: list[ArticleFiles]) -> list[list[ArticleFiles]]:
    """Runs of ``BATCH_SIZE`` articles in id order."""
    return [articles[i:i + BATCH_SIZE] for i in range(0, len(articles), BATCH_SIZE)]


@dataclass
class BatchWork:
    """Work done on each valid gold article while validation has it in hand (the build's rows), a batch at a time.

    ``visitor(n)`` makes a fresh visitor for batch number ``n`` in the process that checks it (so it must
    be picklable); each batch's output goes to ``collect`` in the calling process, in batch order.
    ``cut`` cuts the articles (in id order) into batches. With a ``memo``, a batch whose files and
    registry reads are unchanged is taken from the cache (findings and output alike) instead of being
    checked: ``visitor`` must then also be a :class:`StorableVisitorFactory`.
    """

    visitor: Callable[[int], ArticleVisitor]
    collect: Callable[[Any], None]
    cut: Callable[[list[ArticleFiles]], list[list[ArticleFiles]]] = fixed_batches
    memo: BatchMemo | None = None


class ArticleVisitor(Protocol):
    """Work done on each valid gold article during validation (the build's rows), in batches."""

    def visit(self, article: Article, registry: Registry) -> None: ...

    def finish(self) -> Any: ...  # the batch's output: picklable, handed to ``collect`` in order


class StorableVisitorFactory(Protocol):
    """A visitor factory whose batch outputs can be stored in a :class:`BatchMemo` and put back."""

    def __call__(self, number: int) -> ArticleVisitor: ...

    def dump(self, output: Any) -> tuple[Any, list[bytes]]: ...  # (JSON-able description, blobs)

    # the output, as batch ``number``; ``digests``: the blobs' sha256, checked as they were read
    def restore(self, description: Any, blobs: list[bytes], digests: list[str], number: int) -> Any: ...


def _check_all(selected: list[ArticleFiles], root: Path, is_gold: bool, registry: Registry, keep: bool,
               jobs: int, show_progress: bool, name: str,
               work: BatchWork | None = None) -> _Batch:
    """Check every selected article; batches run in a process pool for large corpora.

    Batch results are consumed in order (output never depends on scheduling) and as they come, with
    a bounded number in flight, so memory stays flat.
    """
    visitor = work.visitor if work is not None else None
    memo = work.memo if work is not None and not keep else None
    batches = (work.cut if work is not None else fixed_batches)(selected) or [[]]
    merged = _Batch()

    def consume(result: _Batch) -> None:
        _merge_into(merged, result)
        if memo is not None:
            memo.note(result.memo_key, result.reused)
        if work is not None and result.output is not None:
            work.collect(result.output)

    bar_total = len(selected)
    if jobs > 1 and not keep and len(selected) >= PARALLEL_MIN_ARTICLES and len(batches) > 1:
        with ProcessPoolExecutor(jobs, initializer=_init_worker,
                                 initargs=(registry, os.getpid())) as pool:
            pending: deque = deque()
            bar = _Counter(progress(range(bar_total), desc=f"validate {name}", unit="article",
                                    enabled=show_progress))
            for number, batch in enumerate(batches):
                pending.append((len(batch), pool.submit(_check_batch_in_worker, batch, root, is_gold,
                                                        visitor, number, memo)))
                if len(pending) >= _IN_FLIGHT * jobs:
                    size, future = pending.popleft()
                    consume(future.result())
                    bar.advance(size)
            while pending:
                size, future = pending.popleft()
                consume(future.result())
                bar.advance(size)
        return merged
    bar = _Counter(progress(range(bar_total), desc=f"validate {name}", unit="article", enabled=show_progress))
    for number, batch in enumerate(batches):
        consume(_check_or_reuse(batch, root, is_gold, registry, keep, visitor, number, memo))
        bar.advance(len(batch))
    return merged


class _Counter:
    """Advances a progress iterator by n steps (a bar over articles while work goes by batch)."""

    def __init__(self, steps: Iterator[int]) -> None:
        self.steps = steps

    def advance(self, n: int) -> None:
        for _ in range(n):
            next(self.steps, None)


_WORKER_REGISTRY: Registry | None = None


def _init_worker(registry: Registry, parent: int | None = None) -> None:
    global _WORKER_REGISTRY
    _WORKER_REGISTRY = registry
    if parent is not None:
        die_with_parent(parent)


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this worker die when the process that started it dies, even by ``kill -9`` (which runs no
    clean-up): a worker holds a large part of the corpus in memory and would otherwise run on for ever.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``. Elsewhere (or if prctl is unavailable) a daemon thread
    watches the parent's pid and ends the worker when it changes.
    """
    armed = False
    if sys.platform.startswith("linux"):
        c = libc()
        try:
            armed = c is not None and c.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except AttributeError:
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)
        threading.Thread(target=watch, name="cyberclaims-parent-watch", daemon=True).start()


def _check_batch_in_worker(batch: list[ArticleFiles], root: Path, is_gold: bool,
                           visitor: Callable[[int], ArticleVisitor] | None, number: int,
                           memo: BatchMemo | None) -> _Batch:
    assert _WORKER_REGISTRY is not None
    return _check_or_reuse(batch, root, is_gold, _WORKER_REGISTRY, False, visitor, number, memo)


def _check_or_reuse(batch: list[ArticleFiles], root: Path, is_gold: bool, registry: Registry, keep: bool,
                    visitor: Callable[[int], ArticleVisitor] | None, number: int,
                    memo: BatchMemo | None) -> _Batch:
    """The batch's result from the memo when its inputs are unchanged; else checked (and stored if clean)."""
    if memo is None or keep:
        return _check_batch(batch, root, is_gold, registry, keep, visitor(number) if visitor else None)
    key = memo.key(batch)
    if key is not None:
        found = memo.load(key, registry)
        if found is not None:
            header, blobs, digests = found
            try:
                result = _Batch.from_header(header["batch"])
                if visitor is not None:
                    result.output = visitor.restore(header["output"], blobs, digests, number)  # type: ignore[attr-defined]
            except (KeyError, TypeError, ValueError, OSError):
                pass  # an entry of another shape: check the batch instead
            else:
                result.memo_key, result.reused = key, True
                return result
    reads = RegistryReads(registry)
    result = _check_batch(batch, root, is_gold, reads, keep, visitor(number) if visitor else None)
    result.memo_key = key
    if key is not None and not any(i.severity is Severity.ERROR for i in result.issues):
        description, blobs = visitor.dump(result.output) if visitor is not None else (None, [])  # type: ignore[attr-defined]
        memo.store(key, {"batch": result.to_header(), "output": description}, registry, reads.reads(), blobs)
    return result


def _merge_into(merged: _Batch, result: _Batch) -> None:
    merged.issues += result.issues
    merged.files_checked += result.files_checked
    merged.read += result.read
    merged.articles += result.articles
    merged.digests += result.digests
    merged.used_entities |= result.used_entities
    merged.used_propositions |= result.used_propositions


def _check_batch(batch: Iterable[ArticleFiles], root: Path, is_gold: bool, registry: Registry, keep: bool,
                 visitor: ArticleVisitor | None = None) -> _Batch:
    result = _Batch()
    report = Report()
    for files in batch:
        before = len(report.issues)
        article, digest = _read_article(files, root, is_gold, report)
        if is_gold:
            result.digests += digest if digest is not None and files.json_path is not None else _NO_DIGEST
        if article is None:
            continue
        result.read += 1
        found = check_article(article, registry)
        report.issues.extend(found)
        collect_usage(article.data, result.used_entities, result.used_propositions)
        if keep:
            result.articles.append(article)
        # the schema's findings count too: an article with any error is never made into rows
        if visitor is not None and not any(i.severity is Severity.ERROR for i in report.issues[before:]):
            visitor.visit(article, registry)
    result.issues = report.issues
    result.files_checked = report.files_checked
    result.output = visitor.finish() if visitor is not None else None
    return result


# ---------------------------------------------------------------------------------------------
# Selecting what to check


def _wanted_ids(root: Path, paths: Sequence[Path] | None) -> set[str] | None:
    """The ids named by ``paths`` (None: every article). A path that names no article of this repository
    (a file outside ``annotations/``, a README) is refused: validating something else instead and
    reporting success would be a success that is not true."""
    if not paths:
        return None
    annotations = (Path(root) / "annotations").resolve()
    ids: set[str] = set()
    everything = False
    for path in paths:
        path = Path(path)
        resolved = path.resolve()
        if path.is_dir() and (resolved == Path(root).resolve() or resolved.is_relative_to(annotations)):
            everything = True
            continue
        if resolved.parent != annotations and resolved.parent.parent != annotations / "passes":
            raise UsageError(f"{printable(str(path))} is not in {printable(str(Path(root) / 'annotations'))} "
                             f"or one of its passes: validate names files of the repository at --root "
                             f"({printable(str(root))}), not copies elsewhere")
        if path.name in REGISTRY_FILES:
            everything = True  # a registry change can break any article: check them all
        elif path.suffix in (".json", ".txt") and ARTICLE_ID.fullmatch(path.stem):
            ids.add(path.stem)
        else:
            raise UsageError(f"{printable(str(path))} is neither <id>.json, <id>.txt nor a registry")
    return None if everything else ids


def _selected(display: str, root: Path, paths: Sequence[Path] | None) -> bool:
    if not paths:
        return True
    for path in paths:
        shown = relative(Path(path).resolve(), root.resolve())
        if display == shown or display.startswith(shown.rstrip("/") + "/") or Path(path).is_dir():
            return True
        if Path(display).stem == Path(path).stem and Path(path).name not in REGISTRY_FILES:
            return True
    return False


_NO_DIGEST = bytes(32)


def _file_sha256(path: Path) -> bytes | None:
    data, issues = read_capped(path, "", MAX_TEXT_BYTES)
    return None if data is None else hashlib.sha256(data).digest()


def _duplicates(digests: bytearray, owners: list[ArticleFiles]) -> list[list[ArticleFiles]]:
    """Groups of articles with the same text, found by sorting the digests: no dict per article."""
    view = memoryview(digests)
    keys = [view[start:start + 32].tobytes() for start in range(0, len(digests) - 31, 32)]  # each cut once
    order = sorted((i for i, digest in enumerate(keys) if digest != _NO_DIGEST), key=keys.__getitem__)
    groups, current = [], []
    for i in order:
        if current and keys[current[-1]] != keys[i]:
            if len(current) > 1:
                groups.append([owners[j] for j in sorted(current)])
            current = []
        current.append(i)
    if len(current) > 1:
        groups.append([owners[j] for j in sorted(current)])
    return groups


# ---------------------------------------------------------------------------------------------
# Reading with issues


def _read_article(files: ArticleFiles, root: Path, is_gold: bool, report: Report
                  ) -> tuple[Article | None, bytes | None]:
    """Read and parse one article, reporting what is wrong with its files; (article, sha256 of its text)."""
    json_path, text_path = files.json_path, files.text_path
    if json_path is None:
        report.files_checked += 1
        report.issues.append(Issue(relative(text_path, root), None, "", "missing-annotation",
                                   f"has no annotation file {files.id}.json beside it; "
                                   f"create one with `cyberclaims new` or remove the text"))
        return None, None
    json_display = _display(json_path, root)
    report.files_checked += 1
    # The text first: its problems and its hash count even when the JSON is broken.
    text, text_bytes, digest = None, b"", None
    if text_path is None:
        report.issues.append(Issue(json_display, None, "", "missing-text",
                                   f"has no raw text {files.id}.txt in annotations/; add the article text"))
    else:
        text_display = _display(text_path, root)
        report.files_checked += 1 if is_gold else 0
        raw, issues = read_capped(text_path, text_display, MAX_TEXT_BYTES)
        if is_gold:  # a pass shares the gold text: its problems are reported once, for the gold
            report.issues.extend(issues)
        if raw is not None:
            digest = hashlib.sha256(raw).digest()
            text_bytes = raw
            text, issues = decode_text(raw, text_display)
            if is_gold:
                report.issues.extend(issues)
    data, issues = read_capped(json_path, json_display, MAX_ANNOTATION_BYTES)
    report.issues.extend(issues)
    if data is None:
        return None, digest
    doc, issues = parse_json(data, json_display, check_depth=False)
    report.issues.extend(issues)
    if doc is None:
        return None, digest
    quick = fast_validator("annotation")
    if quick is None or doc.has_floats() or not quick.is_valid(doc.value):
        if too_deep(doc.value):  # only a document the schema rejects can be deep: walk it only then
            report.issues.append(too_deep_issue(json_display))
            return None, digest
        report.issues.extend(schema_issues(doc, "annotation"))
    if not isinstance(doc.value, dict) or text is None:
        return None, digest  # span checks need both the labels and the text
    return Article(files.id, text, text_bytes, doc, json_display), digest


def _display(path: Path, root: Path) -> str:
    """``relative(path, root)``, with the folder's part worked out once per folder."""
    return _folder_display(path.parent, root) + path.name


@lru_cache(maxsize=64)
def _folder_display(folder: Path, root: Path) -> str:
    shown = relative(folder, root)
    return "" if shown == "." else shown + "/"


