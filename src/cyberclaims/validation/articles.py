"""Checking one article: read its files, parse them, check them against the schema and the rules.

A function of an article's files and the registries: it returns what it finds and writes nothing. The
runner (``validate``) and the build (``dataset.pipeline``) both check articles with it, a batch at a
time; what a batch finds is a :class:`Findings`, merged in batch order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.codes import CODES, Severity
from ..core.files import MAX_ANNOTATION_BYTES, MAX_TEXT_BYTES, decode_text, read_capped
from ..core.issues import Issue
from ..core.jsondoc import parse_json, pointer, too_deep, too_deep_issue
from ..core.model import Article, ArticleFiles, Registry, RegistryView, relative, split_of
from ..core.schemas import fast_validator
from ..core.shapes import Count, Either, Record, shaped
from .article_rules import check_article
from .provenance import passes_named, provenance_issues
from .registries import collect_usage
from .released import UNKNOWN_SPLIT, split_byte
from .schema import schema_issues

# sha256 of an article without a text (or without an annotation file): never a duplicate of another
NO_DIGEST = bytes(32)


@dataclass
class Findings:
    """What checking some articles found: merged in batch order, so output is deterministic."""

    issues: list[Issue] = field(default_factory=list)
    files_checked: int = 0
    read: int = 0  # articles whose files could be read and parsed
    articles: list[Article] = field(default_factory=list)  # kept only when asked (``keep``)
    # sha256 of each gold article's text, 32 bytes per article in order (NO_DIGEST: no text): compact,
    # since a large corpus keeps one per article until duplicates are found
    digests: bytearray = field(default_factory=bytearray)
    # the split of each gold article, one byte in the same order (``released.split_byte``): compared with the
    # released splits once the collection is checked
    splits: bytearray = field(default_factory=bytearray)
    used_entities: set[str] = field(default_factory=set)
    used_propositions: set[str] = field(default_factory=set)
    used_events: set[str] = field(default_factory=set)
    # pass name -> where the first gold file (in id order) whose provenance names it does so: [file, line,
    # pointer], checked against the pass folders
    named_passes: dict[str, list] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self.issues)

    def merge(self, other: Findings) -> None:
        self.issues += other.issues
        self.files_checked += other.files_checked
        self.read += other.read
        self.articles += other.articles
        self.digests += other.digests
        self.splits += other.splits
        self.used_entities |= other.used_entities
        self.used_propositions |= other.used_propositions
        self.used_events |= other.used_events
        for name, file in other.named_passes.items():
            self.named_passes.setdefault(name, file)

    def to_json(self) -> dict[str, Any]:
        """What a cache keeps of these findings (the parsed articles are never kept)."""
        return {
            "issues": [[i.file, i.line, i.pointer, i.code, i.message, i.column] for i in self.issues],
            "files_checked": self.files_checked,
            "read": self.read,
            "digests": self.digests.hex(),
            "splits": self.splits.hex(),
            "used_entities": sorted(self.used_entities),
            "used_propositions": sorted(self.used_propositions),
            "used_events": sorted(self.used_events),
            "named_passes": dict(sorted(self.named_passes.items())),
        }

    # What ``to_json`` writes: ``from_json`` refuses anything else (a damaged cache entry is a miss)
    SHAPE = Record(
        {
            "issues": [(str, Either(int, type(None)), str, str, str, Either(int, type(None)))],
            "files_checked": Count,
            "read": Count,
            "digests": str,
            "splits": str,
            "used_entities": [str],
            "used_propositions": [str],
            "used_events": [str],
            "named_passes": {str: (str, Either(int, type(None)), str)},
        }
    )

    @classmethod
    def from_json(cls, data: Any) -> Findings:
        """The findings ``to_json`` wrote; ValueError when ``data`` is not of that shape or names an unknown code."""
        if not shaped(data, cls.SHAPE) or not all(fields[3] in CODES for fields in data["issues"]):
            raise ValueError("not findings as to_json writes them")
        return cls(
            [Issue(*fields) for fields in data["issues"]],
            data["files_checked"],
            data["read"],
            digests=bytearray.fromhex(data["digests"]),
            splits=bytearray.fromhex(data["splits"]),
            used_entities=set(data["used_entities"]),
            used_propositions=set(data["used_propositions"]),
            used_events=set(data["used_events"]),
            named_passes={name: list(place) for name, place in data["named_passes"].items()},
        )


@dataclass(frozen=True)
class ArticleBytes:
    """An article's two files, each read once as ``read_capped`` reads it: (bytes or None, what is wrong),
    or None when the article has no such file. Whatever is made of an article from these (its checks, its
    rows, a cache key) is made of the very same bytes, whatever happens to the files meanwhile."""

    files: ArticleFiles
    json: tuple[bytes | None, list[Issue]] | None
    text: tuple[bytes | None, list[Issue]] | None


def read_article_bytes(files: ArticleFiles, root: Path) -> ArticleBytes:
    """Read an article's files once (capped, no symlink, no FIFO), for ``check_files(contents=...)``."""
    json_path, text_path = files.json_path, files.text_path
    return ArticleBytes(
        files,
        None if json_path is None else read_capped(json_path, _display(json_path, root), MAX_ANNOTATION_BYTES),
        None if text_path is None else read_capped(text_path, _display(text_path, root), MAX_TEXT_BYTES),
    )


def check_files(
    files: ArticleFiles,
    root: Path,
    is_gold: bool,
    registry: RegistryView,
    findings: Findings,
    *,
    keep: bool = False,
    contents: ArticleBytes | None = None,
) -> Article | None:
    """Read and check one article, adding what is wrong with it to ``findings``.

    Returns the parsed article when it has no error (the schema's findings count too: an article with
    any error is never made into rows), else None. ``keep`` also keeps it in ``findings.articles``.
    ``contents``: its files as already read (``read_article_bytes``), used instead of reading them again.
    """
    before = len(findings.issues)
    article, digest = _read_article(files, root, is_gold, findings, contents)
    if is_gold:
        findings.digests += digest if digest is not None and files.json_path is not None else NO_DIGEST
        findings.splits.append(split_byte(split_of(article)) if article is not None else UNKNOWN_SPLIT)
    if article is None:
        return None
    findings.read += 1
    findings.issues.extend(check_article(article, registry))
    findings.issues.extend(provenance_issues(article, is_gold))
    if is_gold:
        for name, path in sorted(passes_named(article.data).items()):
            findings.named_passes.setdefault(name, [article.display, article.doc.line_of(path), pointer(path)])
    collect_usage(article.data, findings.used_entities, findings.used_propositions, findings.used_events)
    if keep:
        findings.articles.append(article)
    if any(i.severity is Severity.ERROR for i in findings.issues[before:]):
        return None
    return article


@dataclass(frozen=True)
class BatchContext:
    """What every batch of one collection is checked against (sent once to each worker)."""

    root: Path
    is_gold: bool
    registry: Registry
    keep: bool


def check_batch(context: BatchContext, batch: Sequence[ArticleFiles]) -> Findings:
    """Check a batch of articles (for :func:`cyberclaims.core.pool.map_in_order`)."""
    findings = Findings()
    registry = context.registry.view()
    for files in batch:
        check_files(files, context.root, context.is_gold, registry, findings, keep=context.keep)
    return findings


def text_sha256(path: Path) -> bytes | None:
    """sha256 of a text file's bytes (None: it cannot be read whole)."""
    data, _ = read_capped(path, "", MAX_TEXT_BYTES)
    return None if data is None else hashlib.sha256(data).digest()


# ---------------------------------------------------------------------------------------------
# Reading with issues


def _read_article(
    files: ArticleFiles, root: Path, is_gold: bool, report: Findings, contents: ArticleBytes | None = None
) -> tuple[Article | None, bytes | None]:
    """Read (unless ``contents`` holds them) and parse one article's files, reporting what is wrong with
    them; (article, sha256 of its text)."""
    json_path, text_path = files.json_path, files.text_path
    if json_path is None:
        assert text_path is not None  # discovery makes an article of a file: it has one at least
        report.files_checked += 1
        report.issues.append(
            Issue(
                relative(text_path, root),
                None,
                "",
                "missing-annotation",
                f"has no annotation file {files.id}.json beside it; "
                f"create one with `cyberclaims new` or remove the text",
            )
        )
        return None, None
    json_display = _display(json_path, root)
    report.files_checked += 1
    # The text first: its problems and its hash count even when the JSON is broken.
    text, text_bytes, digest = None, b"", None
    if text_path is None:
        report.issues.append(
            Issue(
                json_display,
                None,
                "",
                "missing-text",
                f"has no raw text {files.id}.txt in annotations/; add the article text",
            )
        )
    else:
        text_display = _display(text_path, root)
        report.files_checked += 1 if is_gold else 0
        raw, issues = (
            contents.text
            if contents is not None and contents.text is not None
            else read_capped(text_path, text_display, MAX_TEXT_BYTES)
        )
        if is_gold:  # a pass shares the gold text: its problems are reported once, for the gold
            report.issues.extend(issues)
        if raw is not None:
            digest = hashlib.sha256(raw).digest()
            text_bytes = raw
            text, issues = decode_text(raw, text_display)
            if is_gold:
                report.issues.extend(issues)
    data, issues = (
        contents.json
        if contents is not None and contents.json is not None
        else read_capped(json_path, json_display, MAX_ANNOTATION_BYTES)
    )
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
