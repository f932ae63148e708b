"""The corpus as the viewer's pages need it: ``Site``, gathered in one pass over the validated corpus.

It holds the registries, the validator's findings by article (and those that belong to no article), and
per article an ``ArticleRecord`` (state.py): its index row, its claims by proposition and its mentions by
entity, the registry keys its page shows. An article whose files did not change since the last render is
not parsed again: its record is the state's. What each page is made from is here too, as a digest
(``article_inputs``, ``proposition_inputs``, ``entity_inputs``): a page made from the same is the same
bytes, so a page whose digest is the recorded one is not made again. Making the pages is ``pages.py``'s.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.files import MAX_ANNOTATION_BYTES, MAX_TEXT_BYTES, decode_text, read_capped
from ..core.issues import Issue, Report
from ..core.model import Article, ArticleFiles, Corpus, Registry, article_from_bytes
from ..core.vocabulary import is_key
from . import state as state_file
from .spans import ArticleView, items_of
from .state import CLAIM_TEXT, ArticleRecord, ClaimRef, MentionRefs
from .templating import short

_MISSING = object()


@dataclass
class Site:
    root: Path
    registry: Registry
    files: dict[str, ArticleFiles]  # every gold article with both files, by id
    kept: dict[str, Article]  # parsed articles the validation kept in memory (none after a build's)
    records: dict[str, ArticleRecord]  # what the other pages need of each article (its index row, its refs)
    issues: dict[str, list[Issue]]  # by article id
    other_issues: list[Issue]  # registries, passes and files that belong to no article
    by_proposition: dict[str, list[tuple]]  # ClaimRef's fields (plain tuples when read from the state)
    by_entity: dict[str, list[tuple]] = field(default_factory=dict)  # MentionRefs' fields, in article order
    propositions_of: dict[str, set[str]] = field(default_factory=dict)  # the keys an article's page links to
    entities_of: dict[str, set[str]] = field(default_factory=dict)
    page_rows: int = 500  # rows of a list, proposition or entity page (site.PAGE_ROWS, passed by render_site)
    _entries: dict[tuple, Any] = field(default_factory=dict)  # registry entries as digests, by key and fields

    @functools.cached_property
    def ids(self) -> list[str]:
        return sorted(set(self.files) | set(self.kept))

    @property
    def proposition_keys(self) -> list[str]:
        """The propositions that get a page: every well-formed key of the registry or of a placed claim."""
        return sorted(k for k in set(self.registry.propositions) | set(self.by_proposition) if is_key(k))

    @property
    def entity_keys(self) -> list[str]:
        return sorted(k for k in set(self.registry.entities) | set(self.by_entity) if is_key(k))

    @classmethod
    def from_corpus(
        cls, corpus: Corpus, report: Report, known: dict[str, ArticleRecord] | None = None, page_rows: int = 500
    ) -> Site:
        """What the pages need of the corpus; ``known`` holds the records of a previous render (by article
        id), used for an article whose files have the same digest instead of parsing it again."""
        gold = corpus.gold
        files = {f.id: f for f in gold.files}
        kept = {a.id: a for a in gold.articles} if gold.kept else {}
        site = cls(corpus.root, gold.registry, files, kept, {}, {}, [], {}, page_rows=page_rows)
        displays: dict[str, str] = {}
        for article_id in site.ids:
            displays[f"annotations/{article_id}.json"] = displays[f"annotations/{article_id}.txt"] = article_id
            if article_id in files:
                for path in (files[article_id].json_path, files[article_id].text_path):
                    if path is not None:
                        displays[_relative(path, corpus.root)] = article_id
        issues: dict[str, list[Issue]] = defaultdict(list)
        for issue in report.sorted_issues():
            owner = displays.get(issue.file)
            (issues[owner] if owner is not None else site.other_issues).append(issue)
        site.issues = dict(issues)
        # One pass, one article in memory at a time: the index's figures, the claims by proposition and
        # the articles by entity. An article whose files are unchanged since the last render is not read.
        known = known or {}
        by_proposition: dict[str, list[tuple]] = defaultdict(list)
        by_entity: dict[str, list[tuple]] = defaultdict(list)
        for article_id in site.ids:
            source = site.source(article_id)  # the files read once: the record is made of these very bytes
            record = known.get(article_id)
            if source.digest is None or record is None or record.files != source.digest:
                record = site._record(article_id, source)
            site.records[article_id] = record
            for ref in record.claim_refs:  # ClaimRef's fields, the proposition first
                by_proposition[ref[0]].append(ref)
            for refs in record.mention_refs:  # MentionRefs' fields, the entity first
                by_entity[refs[0]].append(refs)
            if record.claim_refs:
                site.propositions_of[article_id] = {ref[0] for ref in record.claim_refs}
            if record.mention_refs:
                site.entities_of[article_id] = {refs[0] for refs in record.mention_refs}
        site.by_proposition = dict(by_proposition)
        site.by_entity = dict(by_entity)
        return site

    def source(self, article_id: str) -> ArticleSource:
        """The article as one read of its files gives it (the kept article, when validation kept it)."""
        kept = self.kept.get(article_id)
        if kept is not None:
            return ArticleSource.of_kept(kept)
        if article_id not in self.files:
            return ArticleSource(None)
        # (validation keeps every article it could parse: one it did not keep is shown unparsed)
        return ArticleSource.read(self.files[article_id], self.root, parse=not self.kept)

    def _record(self, article_id: str, source: ArticleSource) -> ArticleRecord:
        """Place the article's spans: its index row, its rows on the proposition and entity pages, the
        registry keys its page looks up (of the article as ``source`` read it)."""
        digest = source.digest
        article = source.article
        if article is None:
            return ArticleRecord(digest, None, 0, 0, (), (), (), ())
        view = ArticleView.build(article.data, article.text)
        title = title_of(article.data) or _untitled(article.text)
        claim_refs: list[ClaimRef] = []
        mentions: dict[str, list] = {}  # key: [first anchor, count]
        for span in view.spans:  # only spans that are placed in a page can be linked to
            key = span.item.get("proposition" if span.group == "claims" else "entity")
            if not isinstance(key, str) or not is_key(key):
                continue
            if span.group == "claims":
                claim_refs.append(
                    ClaimRef(
                        key,
                        article_id,
                        span.anchor,
                        str(span.item.get("id")),
                        short(span.item.get("text", ""), CLAIM_TEXT),
                        str(span.item.get("certainty")),
                        str(span.item.get("attribution")),
                    )
                )
            else:
                mentions.setdefault(key, [span.anchor, 0])[1] += 1
        entities, claims = items_of(article.data, "entities"), items_of(article.data, "claims")
        entity_keys = {m.get("entity") for m in entities} | {c.get("claimer") for c in claims}
        proposition_keys = {c.get("proposition") for c in claims}
        return ArticleRecord(
            digest,
            title,
            len(entities),
            len(claims),
            tuple(claim_refs),
            tuple(MentionRefs(key, article_id, anchor, count) for key, (anchor, count) in mentions.items()),
            tuple(sorted(k for k in entity_keys if isinstance(k, str))),
            tuple(sorted(k for k in proposition_keys if isinstance(k, str))),
        )

    # -----------------------------------------------------------------------------------------
    # What each page is made from, as a digest: a page made from the same is the same bytes

    def _entry(self, kind: str, key: str, fields: tuple[str, ...]) -> Any:
        """The fields of a registry entry that a page shows, as a digest (None: not in the registry);
        computed once per key and fields. A change to any other field (an entity's aliases) changes no page."""
        found = self._entries.get((kind, key, fields), _MISSING)
        if found is _MISSING:
            entry = (self.registry.propositions if kind == "p" else self.registry.entities).get(key)
            found = None if entry is None else state_file.digest({f: entry[f] for f in fields if f in entry})
            self._entries[(kind, key, fields)] = found
        return found

    def article_inputs(self, article_id: str, source: ArticleSource | None = None) -> str | None:
        """The digest of what the article's page is made from: its two files (as ``source`` read them, else as
        its record says), the validator's findings for it and the registry entries it shows. None when its
        files could not be read for a digest."""
        record = self.records[article_id]
        files_digest = record.files if source is None else source.digest
        if files_digest is None:
            return None
        findings = [[i.file, i.line, i.pointer, i.code, i.message, i.column] for i in self.issues.get(article_id, [])]
        return state_file.digest(
            [
                "article",
                article_id,
                files_digest,
                findings,
                [[k, self._entry("e", k, ("name", "description"))] for k in record.entity_keys],
                [[k, self._entry("p", k, ("statement",))] for k in record.proposition_keys],
            ]
        )

    def proposition_inputs(self, key: str) -> str:
        return state_file.digest(
            [
                "proposition",
                key,
                self.page_rows,
                self._entry("p", key, ("statement",)),
                [ref[1:] for ref in self.by_proposition.get(key, [])],
            ]
        )

    def entity_inputs(self, key: str) -> str:
        entry = self._entry("e", key, ("name", "type", "description"))
        rows = [ref[1:] for ref in self.by_entity.get(key, [])]
        return state_file.digest(["entity", key, self.page_rows, entry, rows])

    def errors_of(self, article_id: str) -> list[Issue]:
        return [i for i in self.issues.get(article_id, []) if i.severity.value == "error"]


def _untitled(text: str, words: int = 8) -> str:
    """For an article without a headline: its opening words, so that no row of the index is blank."""
    opening = text.split()
    shown = " ".join(opening[:words]) + ("…" if len(opening) > words else "")
    return f"(no headline) {shown}" if shown else "(no headline)"


def title_of(data: dict) -> str | None:
    """The article's headline, or None when its metadata has none."""
    meta = data.get("metadata") if isinstance(data, dict) else None
    title = meta.get("title") if isinstance(meta, dict) else None
    return title if isinstance(title, str) else None


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _digest(json_bytes: bytes, text_bytes: bytes) -> str:
    """The digest of an article's .json and .txt bytes (what the state records of its files)."""
    hasher = hashlib.sha256()
    for data in (json_bytes, text_bytes):
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


class ArticleSource:
    """An article's files as one read gave them: the digest of those bytes, and the article and its text
    made of them (parsed when asked: an unchanged article's record comes from the state). A page or a
    record made from a source is made of the bytes its digest stands for, whatever happens to the files
    meanwhile.

    ``digest`` is None when either file could not be read whole as the validator reads it (missing, not a
    regular file, empty, too large): such an article is always rendered again.
    """

    def __init__(self, digest: str | None, article: Article | None = None, text: str | None = None) -> None:
        self.digest = digest
        self._article, self._text = article, text
        self._unparsed: tuple[ArticleFiles, Path, bytes, bytes] | None = None

    @classmethod
    def of_kept(cls, article: Article) -> ArticleSource:
        """The article validation kept (its page is made of it, so its digest is of its own bytes)."""
        return cls(_digest(article.doc.text.encode("utf-8"), article.text_bytes), article, article.text)

    @classmethod
    def read(cls, files: ArticleFiles, root: Path, *, parse: bool = True) -> ArticleSource:
        """Read the article's files once, capped and refusing links and FIFOs as the validator does
        (``parse=False``: the article is never parsed, only its text shown)."""
        found = [
            read_capped(path, str(path), limit)[0] if path is not None else None
            for path, limit in ((files.json_path, MAX_ANNOTATION_BYTES), (files.text_path, MAX_TEXT_BYTES))
        ]
        json_bytes, text_bytes = found
        text = decode_text(text_bytes, "")[0] if text_bytes is not None else None
        if json_bytes is None or text_bytes is None:
            return cls(None, None, text)
        source = cls(_digest(json_bytes, text_bytes), None, text)
        if parse:
            source._unparsed = (files, root, json_bytes, text_bytes)
        return source

    @property
    def article(self) -> Article | None:
        """The parsed article, or None when its annotation file cannot be read as a JSON object."""
        if self._unparsed is not None:
            files, root, json_bytes, text_bytes = self._unparsed
            self._unparsed = None
            try:
                self._article = article_from_bytes(files, root, json_bytes, text_bytes)
            except ValueError:  # validation found it broken; the page shows why
                self._article = None
        article = self._article
        return article if article is not None and isinstance(article.data, dict) else None

    @property
    def text(self) -> str | None:
        """The text as the validator decodes it (for the page of an article that cannot be parsed)."""
        return self._text
