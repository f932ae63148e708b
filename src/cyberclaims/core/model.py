"""The model: an article (its text and parsed labels), the registries, collections and the corpus.

Everything above ``core`` speaks in these types; they hold data and the derived views every layer shares
(sentences, the token table), never rules about what is valid.
"""

from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .files import MAX_ANNOTATION_BYTES, MAX_TEXT_BYTES, read_capped
from .issues import Issue
from .jsondoc import JsonDocument
from .text import split_sentences, token_table
from .vocabulary import is_key


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


class ArticleFiles:
    """The two files of one article in one collection; either may be missing.

    Holds the folders (shared by all articles) rather than two Path objects per article: a corpus of
    100k articles keeps one of these per article for the whole run.
    """

    __slots__ = ("id", "_json_dir", "_text_dir")

    def __init__(self, id: str, json_dir: Path | None, text_dir: Path | None) -> None:
        self.id = id
        self._json_dir = json_dir  # the folders, shared by every article of a collection
        self._text_dir = text_dir

    @property
    def json_path(self) -> Path | None:
        return None if self._json_dir is None else self._json_dir / f"{self.id}.json"

    @property
    def text_path(self) -> Path | None:
        return None if self._text_dir is None else self._text_dir / f"{self.id}.txt"

    def file_names(self) -> tuple[str | None, str | None]:
        """The two paths as strings, made without pathlib (a corpus asks this of every article)."""
        return (
            None if self._json_dir is None else f"{self._json_dir}{os.sep}{self.id}.json",
            None if self._text_dir is None else f"{self._text_dir}{os.sep}{self.id}.txt",
        )

    @property
    def complete(self) -> bool:
        """Both files are there (without making their paths: a corpus asks this of every article)."""
        return self._json_dir is not None and self._text_dir is not None

    @property
    def has_json(self) -> bool:
        return self._json_dir is not None

    def __repr__(self) -> str:
        return f"ArticleFiles({self.id!r}, {self.json_path!r}, {self.text_path!r})"


@dataclass
class Collection:
    """A folder of annotation files with the registries they link to: the gold or one pass."""

    name: str  # "gold" or the pass name
    folder: Path
    registry_folder: Path
    articles: list[ArticleFiles]
    issues: list[Issue]


@dataclass
class Article:
    """One article read and parsed: its text and its annotation document."""

    id: str
    text: str
    text_bytes: bytes
    doc: JsonDocument
    display: str  # path of the .json, relative to the root

    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def data(self) -> dict:
        return self.doc.value

    def sentences(self, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """``text.split_sentences`` of a range, computed once per article (validation and rows share it).

        A range that starts and ends at line breaks (a segment, usually) is a slice of the whole
        text's sentences: lines are split independently of each other.
        """
        key = ("sentences", start, end)
        if key not in self._memo:
            text = self.text
            stop = len(text) if end is None else end
            if (
                (start, stop) != (0, len(text))
                and (start == 0 or text[start - 1] in "\r\n")
                and (stop == len(text) or text[stop] in "\r\n")
            ):
                whole = self.sentences()
                self._memo[key] = whole[bisect_left(whole, (start,)) : bisect_left(whole, (stop,))]
            else:
                self._memo[key] = split_sentences(text, start, end)
        return self._memo[key]

    def token_table(self) -> tuple[list[str], list[int], list[int]]:
        """Strings, starts and ends of every token of the whole text (``text.token_table``), computed once."""
        if "token_table" not in self._memo:
            self._memo["token_table"] = token_table(self.text)
        return self._memo["token_table"]

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Indexes ``i, j`` such that tokens ``i..j-1`` of the whole text are exactly ``tokenize(text, start, end)``.

        That holds when no token crosses ``start`` and ``end`` is followed by whitespace or is the end
        of the text (the tokenizer never looks behind where a match starts, and looks ahead only past
        non-space characters; tests/test_text.py checks it). Sentences end so; otherwise None.
        """
        text = self.text
        if end < len(text) and not text[end].isspace():
            return None
        _, starts, ends = self.token_table()
        i = bisect_left(ends, start + 1)  # first token ending after start
        if i < len(starts) and starts[i] < start:
            return None
        return i, max(i, bisect_left(starts, end))


def split_of(article: Article) -> str | None:
    """The split (``train``, ``validation``, ``test``) an article's metadata puts it in; None if it has none."""
    metadata = article.data.get("metadata") if isinstance(article.data, dict) else None
    return metadata.get("split") if isinstance(metadata, dict) else None


def in_split(articles: Iterable[Article], split: str) -> list[Article]:
    """The articles of one split, in the order given."""
    return [a for a in articles if split_of(a) == split]


def load_valid_article(files: ArticleFiles, root: Path) -> Article | None:
    """Read an article that has been validated: no checks, no positions, just the data. Read as validation
    reads (capped, never through a link, never from a FIFO): OSError when it can no longer be read so."""
    if files.json_path is None or files.text_path is None:
        return None
    found = []
    for path, limit in ((files.json_path, MAX_ANNOTATION_BYTES), (files.text_path, MAX_TEXT_BYTES)):
        data, issues = read_capped(path, str(path), limit)
        if data is None:
            raise OSError(f"{path}: {issues[0].message if issues else 'cannot be read'}")
        found.append(data)
    return article_from_bytes(files, root, found[0], found[1])


def article_from_bytes(files: ArticleFiles, root: Path, json_bytes: bytes, text_bytes: bytes) -> Article:
    """An article made of its two files' bytes as read (no checks, no positions, just the data): whatever
    is made of it is made of those very bytes. ValueError when they are not UTF-8 or the JSON is not JSON."""
    assert files.json_path is not None
    text_json = json_bytes.decode("utf-8")
    try:
        value = json.loads(text_json)
    except RecursionError:
        raise ValueError("nested too deep") from None
    doc = JsonDocument(relative(files.json_path, root), text_json, value)
    return Article(files.id, text_bytes.decode("utf-8"), text_bytes, doc, doc.display)


@dataclass
class Registry:
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    propositions: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The tables whose file is missing or could not be read as one (reported once, where it is): a key looked up
    # there is not "unknown", the table is; the build's cache keys carry this too (``dataset/cache.reads_digest``).
    unreadable: set[str] = field(default_factory=set)
    _well_formed: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)
    _digests: dict[str, dict[str, bytes]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def well_formed_entity_keys(self) -> frozenset[str]:
        """The entity keys that are well formed (``vocabulary.is_key``), computed once: every mention looks one up."""
        if self._well_formed is None:
            self._well_formed = frozenset(key for key in self.entities if is_key(key))
        return self._well_formed

    def entry_digest(self, table: str, key: str) -> bytes:
        """sha256 of one entry (``table`` is "entities", "propositions" or "events"; an absent key has a digest too),
        computed once: the build's cache compares the entries each run of articles read."""
        digests = self._digests.setdefault(table, {})
        if key not in digests:
            entry = getattr(self, table).get(key)
            digests[key] = hashlib.sha256(
                json.dumps([table, key, entry], sort_keys=True, ensure_ascii=False).encode()
            ).digest()
        return digests[key]

    def view(self) -> RegistryView:
        """A fresh :class:`RegistryView` of this registry, with no reads noted."""
        return RegistryView(self)


# Noted as read when a reader walked a whole table (a "did you mean" search): it depends on every entry.
ALL_ENTRIES = "*"


class RegistryView:
    """The one way the rules and the row makers read a registry: every lookup is noted.

    The build's cache keeps a run of articles only as long as the registry entries it read are unchanged,
    so a read that is not noted would let a stale run through. This view therefore hands out no table:
    an entry is asked for by key (present or not, the key is noted), and walking a table notes that the
    reader depends on all of it. ``reads()`` says what was read.
    """

    __slots__ = ("_registry", "_reads")

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self._reads: dict[str, set[str]] = {"entities": set(), "propositions": set(), "events": set()}

    def entity(self, key: str) -> dict[str, Any] | None:
        self._reads["entities"].add(key)
        return self._registry.entities.get(key)

    def proposition(self, key: str) -> dict[str, Any] | None:
        self._reads["propositions"].add(key)
        return self._registry.propositions.get(key)

    def has_entity(self, key: str) -> bool:
        self._reads["entities"].add(key)
        return key in self._registry.entities

    def has_well_formed_entity(self, key: str) -> bool:
        """Whether ``key`` is a well-formed key (``vocabulary.is_key``) of the entity registry."""
        self._reads["entities"].add(key)
        return key in self._registry.well_formed_entity_keys()

    def has_proposition(self, key: str) -> bool:
        self._reads["propositions"].add(key)
        return key in self._registry.propositions

    def event(self, key: str) -> dict[str, Any] | None:
        self._reads["events"].add(key)
        return self._registry.events.get(key)

    def has_event(self, key: str) -> bool:
        self._reads["events"].add(key)
        return key in self._registry.events

    def readable(self, table: str) -> bool:
        """Whether ``table``'s file was read (else each of its keys is not reported unknown: the file is reported)."""
        return table not in self._registry.unreadable

    def keys(self, table: str) -> list[str]:
        """Every key of ``table`` ("entities", "propositions" or "events"): the reader now depends on the whole table."""
        self._reads[table].add(ALL_ENTRIES)
        return list(getattr(self._registry, table))

    def reads(self) -> dict[str, list[str]]:
        """The keys read so far, per table (``ALL_ENTRIES``: the whole table)."""
        return {table: sorted(keys) for table, keys in self._reads.items()}


@dataclass
class LoadedCollection:
    """A collection after validation: its registries, its files, and the parsed articles if kept."""

    name: str
    articles: list[Article]
    registry: Registry
    files: list[ArticleFiles] = field(default_factory=list)
    kept: bool = True

    def iter_articles(self, root: Path) -> Iterator[Article]:
        """Every article in id order: the kept ones, or read again one at a time (flat memory)."""
        if self.kept:
            yield from sorted(self.articles, key=lambda a: a.id)
            return
        for files in self.files:
            article = load_valid_article(files, root)
            if article is not None:
                yield article


@dataclass
class Corpus:
    root: Path
    gold: LoadedCollection
    passes: list[LoadedCollection]
