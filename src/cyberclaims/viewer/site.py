"""The viewer's page writer: static, self-contained HTML pages that show an article with its labels.

One page per article, one per proposition (``p/<key>.html``: the claims of every article that state
it), one per registry entity (``e/<key>.html``: the articles that mention it), and lists of at most
``PAGE_ROWS`` rows (``index.html``, ``index_2.html``, … of the articles; ``propositions_1.html``, … and
``entities_1.html``, …). A page holds only what it is about: an article's page lists nothing of other
articles, so each page is bounded by its own content and the whole folder grows linearly with the
corpus. Nothing is fetched: CSS and a little JavaScript are inline, so the folder works from disk,
from a zip, or from any static host. On an article page:

- entity mentions are highlighted in their label's colour (legend at the top); hovering shows the
  label and the canonical entity (key, name, description);
- claims are underlined; hovering shows their attributes, clicking opens them in the side panel, with
  the proposition's statement and a link to the proposition's page (the claims of other articles
  that state it); a linked mention leads to its entity's page;
- boilerplate segments are greyed out; the side panel lists entities and claims, each linking to its
  place in the text;
- the validator's findings for the article are listed at the top, each linking to its span, and the
  span is outlined in red where it is; spans whose offsets cannot be placed are listed there instead.
  A page is rendered whatever is wrong with the file: the point is to show the problem.

This module is the corpus side: it gathers what the pages need from the validated corpus (registries,
findings by article, claims by proposition, articles by entity, the index's rows), writes the pages around each article's
text and keeps the output folder in step. Placing the spans in one article's text and nesting them is
``spans.py``'s, which needs none of this.

Everything that comes from the data is escaped. Output is deterministic (same input, same bytes) and
every file is written through a temporary file and a rename.

Rendering again into the same folder writes only the pages whose inputs changed. ``DIR/.render-state.json``
(``state.py``) records, per page, a digest of what it is made from (an article's page: its two files, the
validator's findings for it and the registry entries it shows; a proposition's or entity's page: its rows
and its registry entry; a list page: its bytes, which are cheap to make) and the sha256 of the bytes
written, with a fingerprint of the code. A page whose digest is the recorded one and whose file still holds
the recorded bytes is left as it is; an article whose files did not change is not even parsed (its rows
are in the state). The folder ends byte for byte as a render into an empty folder would leave it.
Deleting the state file (or a damaged one) means a full render. Files are removed only when the state
(or, for a folder rendered before there was one, a list page or the generator line) says this module
wrote them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable

from ..core.errors import UsageError
from ..core.files import MAX_ANNOTATION_BYTES, MAX_TEXT_BYTES, decode_text, read_capped, write_file
from ..core.issues import Issue, Report
from ..core.model import Article, ArticleFiles, Corpus, Registry, load_valid_article
from ..core.vocabulary import ARTICLE_ID, ENTITY_LABELS, is_key
from . import state as state_file
from .spans import ArticleView, Span, error_codes_by_span, escape, items_of, label_color
from .state import CLAIM_TEXT, ArticleRecord, ClaimRef, MentionRefs

INDEX = "index.html"
PAGE_ROWS = 500  # rows of a list page: the article index, the propositions and the entities
PROPOSITIONS, ENTITIES = "p", "e"  # folders of the proposition and entity pages (keys are their names)
GENERATOR = '<meta name="generator" content="cyberclaims render">'


class RenderError(UsageError):
    """The request cannot be rendered (an unknown article id); the message says why."""


@dataclass
class RenderResult:
    out_dir: Path
    pages: list[Path]  # written by this render
    articles_with_errors: list[str] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # up to date: made from the same inputs, left as they were


def render_site(corpus: Corpus, report: Report, out_dir: Path, ids: Iterable[str] | None = None
                ) -> RenderResult:
    """Write the viewer to ``out_dir``: the article pages (only ``ids`` when given), the list pages and
    the proposition and entity pages (with ``ids``, only those the named articles link to).

    ``corpus`` and ``report`` are what :func:`cyberclaims.validation.validate` returned; articles it
    could not parse get a page with their errors and, when it can be read, their plain text. A page
    whose inputs are those recorded in ``out_dir/.render-state.json`` and whose file still holds the
    recorded bytes is left as it is (``RenderResult.unchanged``).
    """
    out_dir = Path(out_dir)
    state_path = out_dir / state_file.STATE
    if state_path.is_symlink() or (state_path.exists() and not state_path.is_file()):
        # not a file this tool wrote: never replaced, and refused before a page is written
        raise RenderError(f"{state_path} is not the viewer's state file (it is a folder, a link or a special file); "
                          f"move it away, then render again")
    code = state_file.code_fingerprint(PAGE_ROWS, GENERATOR, corpus.gold.kept)
    previous = state_file.load(out_dir, code)
    site = Site.from_corpus(corpus, report, previous.articles)
    wanted = sorted(set(ids)) if ids is not None else site.ids
    every = set(site.ids)
    unknown = [i for i in wanted if i not in every]
    if unknown:
        raise RenderError(f"no article {', '.join(map(repr, unknown))} in {corpus.root / 'annotations'}")
    out_dir.mkdir(parents=True, exist_ok=True)
    before = _listed(out_dir)
    result = RenderResult(out_dir, [])
    made: dict[str, state_file.PageRecord] = {}  # every page of this render, written or up to date

    def up_to_date(name: str, inputs: str | None) -> bool:
        old = previous.pages.get(name)
        return (inputs is not None and old is not None and old.inputs == inputs
                and state_file.sha256_on_disk(out_dir / name) == old.sha256)

    def keep(name: str) -> None:
        made[name] = previous.pages[name]
        result.unchanged.append(out_dir / name)

    def write(name: str, html: str, inputs: str | None) -> None:
        path = out_dir / name
        data = html.encode("utf-8")
        path.parent.mkdir(exist_ok=True)
        write_file(path, data)
        made[name] = state_file.PageRecord(inputs, hashlib.sha256(data).hexdigest())
        result.pages.append(path)

    propositions, entities = set(), set()
    for article_id in wanted:
        name, inputs = f"{article_id}.html", site.article_inputs(article_id)
        if up_to_date(name, inputs):  # known before the page is made: making it is what costs
            keep(name)
        else:
            write(name, site.article_page(article_id), inputs)
        propositions |= site.propositions_of.get(article_id, set())
        entities |= site.entities_of.get(article_id, set())
    if ids is None:
        propositions, entities = set(site.proposition_keys), set(site.entity_keys)
    for folder, keys, pages_of, inputs_of, rows in (
            (PROPOSITIONS, propositions, site.proposition_pages, site.proposition_inputs, site.by_proposition),
            (ENTITIES, entities, site.entity_pages, site.entity_inputs, site.by_entity)):
        for key in sorted(keys):
            inputs = inputs_of(key)
            names = [f"{folder}/{name}" for name in _paged_names(key, len(rows.get(key, ())))]
            if all(up_to_date(name, inputs) for name in names):
                for name in names:
                    keep(name)
                continue
            for name, html in pages_of(key):
                name = f"{folder}/{name}"
                if up_to_date(name, inputs):
                    keep(name)
                else:
                    write(name, html, inputs)
    for name, html in site.list_pages():  # cheap to make: the digest of a list page is that of its bytes
        inputs = hashlib.sha256(html.encode("utf-8")).hexdigest()
        if up_to_date(name, inputs):
            keep(name)
        else:
            write(name, html, inputs)
    # What a previous render made and this one did not (an article, a registry entry removed, a list or a
    # proposition grown shorter): its page is this tool's to remove. Which files those are, the state
    # says; the list pages and the continuation pages' generator line say it of a folder rendered before
    # there was a state. Any other file in the folder is the user's, and stays.
    ours = set(previous.pages) | before["lists"] | {f"{a}.html" for a in before["article"]}
    ours |= {f"{PROPOSITIONS}/{k}.html" for k in before["proposition"]}
    ours |= {f"{ENTITIES}/{k}.html" for k in before["entity"]}
    if not previous.loaded:
        ours |= set(_continuations(out_dir, PROPOSITIONS)) | set(_continuations(out_dir, ENTITIES))
    if ids is not None:
        # Only the named articles' pages were made: of the others, only what a render of them would
        # have replaced goes (the lists, and the continuation pages of the keys whose pages it made).
        keys_made = {PROPOSITIONS: propositions, ENTITIES: entities}
        ours = {name for name in ours if state_file.page_kind(name) == "list"
                or ((continued := _CONTINUED.fullmatch(name)) is not None and continued[2] in keys_made[continued[1]])}
    stale = sorted(ours - set(made))
    for name in stale:
        path = out_dir / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
    # Kept: the records of the pages this render did not make and did not remove (with ids, the others').
    pages = {name: record for name, record in previous.pages.items() if name not in made and name not in stale}
    pages.update(made)
    new_state = state_file.State(code, site.records, dict(sorted(pages.items())))
    data = new_state.to_bytes()
    if data != previous.raw:
        write_file(out_dir / state_file.STATE, data)
    result.articles_with_errors = [i for i in wanted if site.errors_of(i)]
    return result


_MISSING = object()
_CONTINUATION = re.compile(r"^[a-z0-9_]+\.[0-9]+\.html$")
_CONTINUED = re.compile(rf"({PROPOSITIONS}|{ENTITIES})/([a-z0-9_]+)\.[0-9]+\.html")  # folder, key


def _continuations(out_dir: Path, folder: str) -> list[str]:
    """The continuation pages in ``out_dir/folder`` that this module wrote (by name and generator line)."""
    try:
        candidates = sorted(p for p in (out_dir / folder).iterdir() if _CONTINUATION.fullmatch(p.name) and p.is_file())
    except OSError:
        return []
    found = []
    for path in candidates:
        try:
            if GENERATOR in path.read_text(encoding="utf-8", errors="replace"):
                found.append(f"{folder}/{path.name}")
        except OSError:
            continue
    return found


_LIST_PAGE = re.compile(r"^(index|index_[0-9]+|propositions_[0-9]+|entities_[0-9]+)\.html$")
_LISTED_ROW = re.compile(r'<tr data-(article|proposition|entity)="([^"]*)">')


def _listed(out_dir: Path) -> dict[str, set[str]]:
    """What the list pages of a previous render in ``out_dir`` list, and those pages' own names.

    A list page is recognised by its name and the generator line this module writes; only the names
    it lists that are well-formed ids or keys count (a name, never a path).
    """
    found: dict[str, set[str]] = {"article": set(), "proposition": set(), "entity": set(), "lists": set()}
    try:
        candidates = [p for p in out_dir.iterdir() if _LIST_PAGE.fullmatch(p.name) and p.is_file()]
    except OSError:
        return found
    for path in candidates:
        try:
            html = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if GENERATOR not in html:
            continue
        found["lists"].add(path.name)
        for kind, name in _LISTED_ROW.findall(html):
            if (ARTICLE_ID.fullmatch(name) if kind == "article" else is_key(name)):
                found[kind].add(name)
    return found


# ---------------------------------------------------------------------------------------------
# The corpus as the pages need it


@dataclass
class Site:
    root: Path
    registry: Registry
    files: dict[str, ArticleFiles]  # every gold article with both files, by id
    kept: dict[str, Article]  # parsed articles the validation kept in memory (none after a build's)
    records: dict[str, ArticleRecord]  # what the other pages need of each article (its index row, its refs)
    issues: dict[str, list[Issue]]  # by article id
    other_issues: list[Issue]  # registries, passes and files that belong to no article
    by_proposition: dict[str, list[ClaimRef]]
    by_entity: dict[str, list[MentionRefs]] = field(default_factory=dict)  # in article order
    propositions_of: dict[str, set[str]] = field(default_factory=dict)  # the keys an article's page links to
    entities_of: dict[str, set[str]] = field(default_factory=dict)
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
    def from_corpus(cls, corpus: Corpus, report: Report, known: dict[str, ArticleRecord] | None = None) -> "Site":
        """What the pages need of the corpus; ``known`` holds the records of a previous render (by article
        id), used for an article whose files have the same digest instead of parsing it again."""
        gold = corpus.gold
        files = {f.id: f for f in gold.files}
        kept = {a.id: a for a in gold.articles} if gold.kept else {}
        site = cls(corpus.root, gold.registry, files, kept, {}, {}, [], {})
        displays: dict[str, str] = {}
        for article_id in site.ids:
            displays[f"annotations/{article_id}.json"] = displays[f"annotations/{article_id}.txt"] = article_id
            if article_id in files:
                for path in (files[article_id].json_path, files[article_id].text_path):
                    displays[_relative(path, corpus.root)] = article_id
        issues: dict[str, list[Issue]] = defaultdict(list)
        for issue in report.sorted_issues():
            owner = displays.get(issue.file)
            (issues[owner] if owner is not None else site.other_issues).append(issue)
        site.issues = dict(issues)
        # One pass, one article in memory at a time: the index's figures, the claims by proposition and
        # the articles by entity. An article whose files are unchanged since the last render is not read.
        known = known or {}
        by_proposition: dict[str, list[ClaimRef]] = defaultdict(list)
        by_entity: dict[str, list[MentionRefs]] = defaultdict(list)
        for article_id in site.ids:
            digest = _files_digest(files.get(article_id))
            record = known.get(article_id)
            if digest is None or record is None or record.files != digest:
                record = site._record(article_id, digest)
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

    def _record(self, article_id: str, digest: str | None) -> ArticleRecord:
        """Read and place the article's spans: its index row, its rows on the proposition and entity pages,
        the registry keys its page looks up."""
        article = self.article(article_id)
        if article is None:
            return ArticleRecord(digest, None, 0, 0, (), (), (), ())
        view = ArticleView.build(article.data, article.text)
        title = _title(article.data) or _untitled(article.text)
        claim_refs: list[ClaimRef] = []
        mentions: dict[str, list] = {}  # key: [first anchor, count]
        for span in view.spans:  # only spans that are placed in a page can be linked to
            key = span.item.get("proposition" if span.group == "claims" else "entity")
            if not is_key(key):
                continue
            if span.group == "claims":
                claim_refs.append(ClaimRef(key, article_id, span.anchor, str(span.item.get("id")),
                                           _short(span.item.get("text", ""), CLAIM_TEXT),
                                           str(span.item.get("certainty")), str(span.item.get("attribution"))))
            else:
                mentions.setdefault(key, [span.anchor, 0])[1] += 1
        entities, claims = items_of(article.data, "entities"), items_of(article.data, "claims")
        entity_keys = {m.get("entity") for m in entities} | {c.get("claimer") for c in claims}
        proposition_keys = {c.get("proposition") for c in claims}
        return ArticleRecord(digest, title, len(entities), len(claims), tuple(claim_refs),
                             tuple(MentionRefs(key, article_id, anchor, count)
                                   for key, (anchor, count) in mentions.items()),
                             tuple(sorted(k for k in entity_keys if isinstance(k, str))),
                             tuple(sorted(k for k in proposition_keys if isinstance(k, str))))

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

    def article_inputs(self, article_id: str) -> str | None:
        """The digest of what the article's page is made from: its two files, the validator's findings for
        it and the registry entries it shows. None when its files could not be read for a digest."""
        record = self.records[article_id]
        if record.files is None:
            return None
        findings = [[i.file, i.line, i.pointer, i.code, i.message, i.column] for i in self.issues.get(article_id, [])]
        return state_file.digest(["article", article_id, record.files, findings,
                                  [[k, self._entry("e", k, ("name", "description"))] for k in record.entity_keys],
                                  [[k, self._entry("p", k, ("statement",))] for k in record.proposition_keys]])

    def proposition_inputs(self, key: str) -> str:
        return state_file.digest(["proposition", key, PAGE_ROWS, self._entry("p", key, ("statement",)),
                                  [ref[1:] for ref in self.by_proposition.get(key, [])]])

    def entity_inputs(self, key: str) -> str:
        entry = self._entry("e", key, ("name", "type", "description"))
        return state_file.digest(["entity", key, PAGE_ROWS, entry, [ref[1:] for ref in self.by_entity.get(key, [])]])

    def article(self, article_id: str) -> Article | None:
        """The parsed article, or None when its annotation file cannot be read as a JSON object."""
        article = self.kept.get(article_id)
        if article is None and not self.kept and article_id in self.files:
            try:
                article = load_valid_article(self.files[article_id], self.root)
            except (OSError, ValueError):  # validation found it broken; the page shows why
                article = None
        return article if article is not None and isinstance(article.data, dict) else None

    def errors_of(self, article_id: str) -> list[Issue]:
        return [i for i in self.issues.get(article_id, []) if i.severity.value == "error"]

    # -----------------------------------------------------------------------------------------
    # Article page

    def article_page(self, article_id: str) -> str:
        article = self.article(article_id)
        issues = self.issues.get(article_id, [])
        if article is None:
            return self._unparsed_page(article_id, issues)
        data, text = article.data, article.text
        view = ArticleView.build(data, text)
        bad = error_codes_by_span(issues)
        title = _title(data) or article_id
        body = [
            f'<header><p class="crumbs"><a href="{INDEX}">CyberClaims</a> › {escape(article_id)}</p>',
            f"<h1>{escape(title)}</h1>", self._meta_line(data), _legend(view.labels_used()), "</header>",
            self._issue_box(issues, view, article_id),
            # No line break inside <article>: the text is shown with white-space: pre-wrap.
            f'<div class="layout"><article id="text" class="text" lang="en">{view.html(bad)}</article>',
            '<aside id="panel">', self._entity_panel(view), self._claim_panel(view, article_id), "</aside></div>",
            '<div id="cards" hidden>', self._cards(view, article_id), "</div>",
            '<div id="tip" role="tooltip" hidden></div>',
        ]
        return _page(title, "\n".join(body), script=True)

    def _unparsed_page(self, article_id: str, issues: list[Issue]) -> str:
        files = self.files.get(article_id)
        text = _read_text(files.text_path) if files is not None and files.text_path is not None else None
        body = [f'<header><p class="crumbs"><a href="{INDEX}">CyberClaims</a> › {escape(article_id)}</p>',
                f"<h1>{escape(article_id)}</h1></header>", self._issue_box(issues, None, article_id),
                '<p class="note">The annotation file could not be read, so no label is shown.</p>',
                f'<article id="text" class="text">{escape(text)}</article>' if text is not None else
                '<p class="note">The article text could not be read either.</p>']
        return _page(article_id, "\n".join(body), script=False)

    def _meta_line(self, data: dict) -> str:
        meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
        parts = [escape(source.get("name", "unknown source"))]
        if isinstance(source.get("url"), str) and re.match(r"^https?://", source["url"]):
            parts = [f'<a href="{escape(source["url"])}" rel="noreferrer">{parts[0]}</a>']
        for key in ("published", "topic", "split"):
            if meta.get(key) is not None:
                parts.append(f"{key} {escape(meta[key])}")
        return f'<p class="meta">{" · ".join(parts)}</p>'

    def _issue_box(self, issues: list[Issue], view: ArticleView | None, article_id: str) -> str:
        if not issues and (view is None or not view.unplaced):
            return ""
        errors = sum(1 for i in issues if i.severity.value == "error")
        rows = []
        for issue in issues:
            target = view.anchor_for_pointer(issue.pointer) if view is not None else None
            where = (f'<a href="#{escape(target)}">{escape(issue.pointer)}</a>' if target
                     else escape(issue.pointer or issue.file))
            line = f"{escape(issue.file)}:{issue.line}" if issue.line else escape(issue.file)
            rows.append(f'<li class="{escape(issue.severity.value)}" data-code="{escape(issue.code)}">'
                        f'<code>{escape(issue.code)}</code> {where} — {escape(issue.message)} '
                        f'<small>({line})</small></li>')
        unplaced = []
        for group, index, item in view.unplaced if view is not None else []:
            unplaced.append(f'<li data-pointer="/{group}/{index}"><code>/{group}/{index}</code> '
                            f'{escape(item.get("id", ""))} [{escape(item.get("start"))}:{escape(item.get("end"))}] '
                            f'{escape(_short(item.get("text", item.get("kind", ""))))}</li>')
        parts = [f'<section id="errors" class="errors"><h2>{errors} validation error{"s" if errors != 1 else ""}'
                 f', {len(issues) - errors} warning{"s" if len(issues) - errors != 1 else ""}</h2>']
        if rows:
            parts.append(f'<ul class="issues">{"".join(rows)}</ul>')
        if unplaced:
            parts.append(f'<h3>Spans that cannot be placed in the text ({len(unplaced)})</h3>'
                         f'<ul class="unplaced">{"".join(unplaced)}</ul>')
        parts.append("</section>")
        return "".join(parts)

    def _entity_card(self, mention: dict) -> str:
        label = mention.get("label")
        rows = [("label", f'<span class="sw" style="background:{label_color(label)}"></span>{escape(label)}')]
        key = mention.get("entity")
        if isinstance(key, str):
            entry = self.registry.entities.get(key)
            rows.append(("entity", _entity_link(key)))
            if entry is None:
                rows.append(("registry", '<span class="bad-text">not in annotations/entities.json</span>'))
            else:
                rows.append(("name", escape(entry.get("name", ""))))
                rows.append(("description", escape(entry.get("description", ""))))
        else:
            rows.append(("entity", "none (a value, or unlinked)"))
        return _dl(rows)

    def _claim_card(self, claim: dict, article_id: str, anchor: str) -> str:
        about = claim.get("about") if isinstance(claim.get("about"), list) else []
        rows = [("claimer", f"<code>{escape(claim.get('claimer'))}</code>" + self._entity_name(claim.get("claimer"))),
                ("attribution", escape(claim.get("attribution"))),
                ("certainty", f'<span class="cert cert-{escape(claim.get("certainty"))}">'
                              f'{escape(claim.get("certainty"))}</span>'),
                ("normalized", escape(claim.get("normalized"))),
                ("about", ", ".join(f"<code>{escape(k)}</code>" for k in about) or "—")]
        key = claim.get("proposition")
        proposition = self.registry.propositions.get(key) if isinstance(key, str) else None
        statement = (escape(proposition.get("statement", "")) if proposition is not None
                     else '<span class="bad-text">not in annotations/propositions.json</span>')
        key_html = (f'<a class="xref" href="{PROPOSITIONS}/{escape(key)}.html"><code>{escape(key)}</code></a>'
                    if is_key(key) else f"<code>{escape(key)}</code>")
        rows.append(("proposition", f"{key_html}<br>{statement}"))
        # The claims of other articles that state it are listed on the proposition's page, not here: an
        # article's page depends on its own files and the registry entries they use, nothing else.
        if is_key(key):
            rows.append(("stated by", f'<a class="xref" href="{PROPOSITIONS}/{escape(key)}.html">every claim '
                                      f"that states it</a>"))
        return _dl(rows)

    def _entity_name(self, key: Any) -> str:
        entry = self.registry.entities.get(key) if isinstance(key, str) else None
        return f" ({escape(entry.get('name', ''))})" if entry is not None else ""

    def _cards(self, view: ArticleView, article_id: str) -> str:
        cards = []
        for span in view.spans:
            if span.group == "entities":
                cards.append(f'<div class="card" id="card-{escape(span.anchor)}"><h4>mention {escape(span.item.get("id"))}: '
                             f'“{escape(_short(span.item.get("text", "")))}”</h4>{self._entity_card(span.item)}</div>')
        return "\n".join(cards)  # a claim's card is its entry in the side panel: not repeated here

    def _entity_panel(self, view: ArticleView) -> str:
        groups: dict[str, list[Span]] = {}
        values: list[Span] = []
        for span in view.spans:
            if span.group != "entities":
                continue
            key = span.item.get("entity")
            if isinstance(key, str):
                groups.setdefault(key, []).append(span)
            else:
                values.append(span)
        items = []
        for key, spans in groups.items():  # in order of first mention
            entry = self.registry.entities.get(key, {})
            label = spans[0].item.get("label")
            links = " ".join(f'<a href="#{escape(s.anchor)}">{escape(_short(s.item.get("text", ""), 30))}</a>'
                             for s in spans)
            items.append(f'<li id="item-entity-{escape(key)}">'
                         f'<span class="sw" style="background:{label_color(label)}"></span>'
                         f'<b>{escape(entry.get("name", key))}</b> {_entity_link(key)} <small>{escape(label)}</small>'
                         f'<div class="desc">{escape(entry.get("description", "not in the registry"))}</div>'
                         f'<div class="mlinks">{links}</div></li>')
        for span in values:
            label = span.item.get("label")
            items.append(f'<li id="item-{escape(span.anchor)}">'
                         f'<span class="sw" style="background:{label_color(label)}"></span>'
                         f'<a href="#{escape(span.anchor)}">{escape(_short(span.item.get("text", "")))}</a> '
                         f'<small>{escape(label)}</small></li>')
        count = sum(len(s) for s in groups.values()) + len(values)
        return (f'<section><h2>Entities <small>{len(groups)} linked, {count} mentions</small></h2>'
                f'<ul class="entities">{"".join(items)}</ul></section>')

    def _claim_panel(self, view: ArticleView, article_id: str) -> str:
        items = []
        for span in view.spans:
            if span.group != "claims":
                continue
            claim = span.item
            items.append(f'<li id="item-{escape(span.anchor)}">'
                         f'<a href="#{escape(span.anchor)}">{escape(claim.get("id"))}</a> '
                         f'<span class="cert cert-{escape(claim.get("certainty"))}">{escape(claim.get("certainty"))}</span> '
                         f'“{escape(_short(claim.get("text", ""), 90))}”<details><summary>attributes</summary>'
                         f'<div class="card" id="card-{escape(span.anchor)}"><h4>claim {escape(claim.get("id"))}</h4>'
                         f'{self._claim_card(claim, article_id, span.anchor)}</div></details></li>')
        return (f'<section><h2>Claims <small>{len(items)}</small></h2>'
                f'<ol class="claims">{"".join(items)}</ol></section>')

    # -----------------------------------------------------------------------------------------
    # Proposition and entity pages: linear in what they list

    def proposition_pages(self, key: str) -> list[tuple[str, str]]:
        """(name in ``p/``, html) of the proposition's pages: ``<key>.html``, then ``<key>.2.html``, …"""
        proposition = self.registry.propositions.get(key)
        refs = [ClaimRef._make(ref) for ref in self.by_proposition.get(key, [])]
        articles = len({ref.article_id for ref in refs})
        statement = (f"<p>{escape(proposition.get('statement', ''))}</p>" if proposition is not None
                     else '<p class="bad-text">not in annotations/propositions.json</p>')
        rows = [f'<tr><td><a href="../{escape(r.article_id)}.html#{escape(r.anchor)}">{escape(r.article_id)}</a></td>'
                f"<td>{escape(r.claim_id)}</td><td>{escape(r.attribution)}</td>"
                f'<td><span class="cert cert-{escape(r.certainty)}">{escape(r.certainty)}</span></td>'
                f"<td>“{escape(r.text)}”</td></tr>" for r in refs]  # the text is shortened already
        header = (f'<header><p class="crumbs"><a href="../{INDEX}">CyberClaims</a> › '
                  f'<a href="../propositions_1.html">propositions</a> › {escape(key)}</p>'
                  f"<h1>Proposition <code>{escape(key)}</code></h1>{statement}"
                  f'<p class="meta">stated by {len(refs)} claim{"s" if len(refs) != 1 else ""} in {articles} '
                  f'article{"s" if articles != 1 else ""}</p></header>')
        head = "<th>article</th><th>claim</th><th>attribution</th><th>certainty</th><th>text</th>"
        return _paged(key, key, header, head, rows)

    def entity_pages(self, key: str) -> list[tuple[str, str]]:
        """(name in ``e/``, html) of the entity's pages: ``<key>.html``, then ``<key>.2.html``, …"""
        entry = self.registry.entities.get(key)
        refs = [MentionRefs._make(ref) for ref in self.by_entity.get(key, [])]
        mentions = sum(r.count for r in refs)
        if entry is not None:
            about = (f'<p><span class="sw" style="background:{label_color(entry.get("type"))}"></span>'
                     f'{escape(entry.get("type"))} — {escape(entry.get("description", ""))}</p>')
            title = f"{escape(entry.get('name', key))} <code>{escape(key)}</code>"
        else:
            about = '<p class="bad-text">not in annotations/entities.json</p>'
            title = f"<code>{escape(key)}</code>"
        rows = [f'<tr><td><a href="../{escape(r.article_id)}.html#{escape(r.anchor)}">{escape(r.article_id)}</a></td>'
                f"<td>{r.count}</td></tr>" for r in refs]
        header = (f'<header><p class="crumbs"><a href="../{INDEX}">CyberClaims</a> › '
                  f'<a href="../entities_1.html">entities</a> › {escape(key)}</p><h1>{title}</h1>{about}'
                  f'<p class="meta">{mentions} mention{"s" if mentions != 1 else ""} in {len(refs)} '
                  f'article{"s" if len(refs) != 1 else ""}</p></header>')
        name = entry.get("name", key) if entry is not None else key
        return _paged(key, name, header, "<th>article (its first mention)</th><th>mentions</th>", rows)

    # -----------------------------------------------------------------------------------------
    # List pages: at most PAGE_ROWS rows each

    def list_pages(self) -> list[tuple[str, str]]:
        """(file name, html) of every list page: the articles (``index.html`` first), the propositions and
        the entities, each cut into pages of at most ``PAGE_ROWS`` rows."""
        articles = []
        for article_id in self.ids:
            record = self.records[article_id]
            errors = len(self.errors_of(article_id))
            articles.append(f'<tr data-article="{escape(article_id)}">'
                            f'<td><a href="{escape(article_id)}.html">{escape(article_id)}</a></td>'
                            f"<td>{escape(record.title or '')}</td><td>{record.mentions}</td><td>{record.claims}</td>"
                            f'<td class="{"bad-text" if errors else ""}">{errors}</td></tr>')
        propositions = []
        for key in self.proposition_keys:
            refs = self.by_proposition.get(key, [])
            statement = self.registry.propositions.get(key, {}).get("statement", "")
            propositions.append(f'<tr data-proposition="{escape(key)}"><td><a href="{PROPOSITIONS}/{escape(key)}.html">'
                                f"<code>{escape(key)}</code></a></td><td>{escape(statement)}</td><td>{len(refs)}</td>"
                                f"<td>{len({r[1] for r in refs})}</td></tr>")  # r[1]: the article id
        entities = []
        for key in self.entity_keys:
            refs = self.by_entity.get(key, [])
            entry = self.registry.entities.get(key, {})
            entities.append(f'<tr data-entity="{escape(key)}"><td><a href="{ENTITIES}/{escape(key)}.html">'
                            f"<code>{escape(key)}</code></a></td><td>{escape(entry.get('name', ''))}</td>"
                            f"<td>{escape(entry.get('type', ''))}</td><td>{sum(r[3] for r in refs)}</td>"  # count
                            f"<td>{len(refs)}</td></tr>")
        other = "".join(f'<li class="{escape(i.severity.value)}"><code>{escape(i.code)}</code> {escape(i.location())} — '
                        f"{escape(i.message)}</li>" for i in self.other_issues)
        kinds = [("articles", "index", articles, "<th>article</th><th>title</th><th>mentions</th><th>claims</th>"
                  "<th>errors</th>"),
                 ("propositions", "propositions", propositions,
                  "<th>proposition</th><th>statement</th><th>claims</th><th>articles</th>"),
                 ("entities", "entities", entities, "<th>entity</th><th>name</th><th>type</th><th>mentions</th>"
                  "<th>articles</th>")]
        tabs = " · ".join(f'<a href="{_list_name(stem, 1)}">{len(rows)} {kind}</a>' for kind, stem, rows, _ in kinds)
        pages = []
        for kind, stem, rows, head in kinds:
            count = max(1, -(-len(rows) // PAGE_ROWS))
            for number in range(1, count + 1):
                chunk = rows[(number - 1) * PAGE_ROWS:number * PAGE_ROWS]
                nav = " ".join(f"<b>{n}</b>" if n == number else f'<a href="{_list_name(stem, n)}">{n}</a>'
                               for n in range(1, count + 1)) if count > 1 else ""
                first = (number - 1) * PAGE_ROWS + 1
                body = ['<header><h1>CyberClaims viewer</h1>',
                        f'<p class="meta">{tabs} · hover a highlighted span for its labels, click for details</p>',
                        _legend(ENTITY_LABELS), "</header>",
                        f'<section id="errors" class="errors"><h2>Other findings</h2><ul class="issues">{other}</ul>'
                        f"</section>" if other and stem == "index" and number == 1 else "",
                        f"<h2>{kind.capitalize()} {first if rows else 0}–{first + len(chunk) - 1 if rows else 0} "
                        f"of {len(rows)}</h2>",
                        f'<nav class="pages">{nav}</nav>' if nav else "",
                        f'<table class="index"><thead><tr>{head}</tr></thead><tbody>{"".join(chunk)}</tbody></table>',
                        f'<nav class="pages">{nav}</nav>' if nav else ""]
                pages.append((_list_name(stem, number), _page(f"CyberClaims viewer: {kind}", "\n".join(body),
                                                             script=False, generator=True)))
        return pages


def _paged(key: str, title: Any, header: str, head: str, rows: list[str]) -> list[tuple[str, str]]:
    """A proposition's or entity's rows cut into pages of at most ``PAGE_ROWS``: ``<key>.html`` (the page
    other pages link to), ``<key>.2.html``, … (a dot: no key has one, so no name is another key's)."""
    names = _paged_names(key, len(rows))
    count = len(names)
    pages = []
    for number, name in enumerate(names, 1):
        chunk = rows[(number - 1) * PAGE_ROWS:number * PAGE_ROWS]
        nav = (" ".join(f"<b>{n}</b>" if n == number else f'<a href="{escape(names[n - 1])}">{n}</a>'
                        for n in range(1, count + 1)) if count > 1 else "")
        body = [header, f'<nav class="pages">{nav}</nav>' if nav else "",
                f'<table class="index"><thead><tr>{head}</tr></thead><tbody>{"".join(chunk)}</tbody></table>',
                f'<nav class="pages">{nav}</nav>' if nav else ""]
        pages.append((name, _page(title, "\n".join(body), script=False, generator=True)))
    return pages


def _paged_names(key: str, rows: int) -> list[str]:
    """The names of the pages of a proposition or entity with ``rows`` rows."""
    return [f"{key}.html" if n == 1 else f"{key}.{n}.html" for n in range(1, max(1, -(-rows // PAGE_ROWS)) + 1)]


def _list_name(stem: str, number: int) -> str:
    """``index.html``, ``index_2.html``, …; ``propositions_1.html``, …: names no article id can have."""
    return INDEX if (stem, number) == ("index", 1) else f"{stem}_{number}.html"


def _entity_link(key: Any) -> str:
    if not is_key(key):
        return f"<code>{escape(key)}</code>"
    return f'<a class="xref" href="{ENTITIES}/{escape(key)}.html"><code>{escape(key)}</code></a>'


# ---------------------------------------------------------------------------------------------
# Small pieces


def _untitled(text: str, words: int = 8) -> str:
    """For an article without a headline: its opening words, so that no row of the index is blank."""
    opening = text.split()
    shown = " ".join(opening[:words]) + ("…" if len(opening) > words else "")
    return f"(no headline) {shown}" if shown else "(no headline)"


def _title(data: dict) -> str | None:
    meta = data.get("metadata") if isinstance(data, dict) else None
    title = meta.get("title") if isinstance(meta, dict) else None
    return title if isinstance(title, str) else None


def _short(value: Any, limit: int = 70) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _dl(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(name)}</dt><dd>{value}</dd>" for name, value in rows) + "</dl>"


def _legend(labels: Iterable[str]) -> str:
    items = "".join(f'<li data-label="{escape(label)}"><span class="sw" style="background:{label_color(label)}"></span>'
                    f"{escape(label)}</li>" for label in labels)
    return (f'<ul class="legend" aria-label="entity labels">{items}'
            '<li><span class="c">claim</span></li><li><span class="seg-boilerplate">boilerplate</span></li></ul>')


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _files_digest(files: ArticleFiles | None) -> str | None:
    """A digest of an article's .json and .txt, or None when either cannot be read as the validator
    reads it (missing, not a regular file, empty, too large): such an article is always rendered again."""
    if files is None or files.json_path is None or files.text_path is None:
        return None
    hasher = hashlib.sha256()
    for path, limit in ((files.json_path, MAX_ANNOTATION_BYTES), (files.text_path, MAX_TEXT_BYTES)):
        data, _ = read_capped(path, str(path), limit)
        if data is None:
            return None
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def _read_text(path: Path) -> str | None:
    data, _ = read_capped(path, str(path), MAX_TEXT_BYTES)
    if data is None:
        return None
    text, _ = decode_text(data, str(path))
    return text


# The page's CSS and script are package data (static/), inlined into every page so that a page needs no
# other file. Their bytes are the pages' bytes: a trailing newline added to either changes every page.
# viewer.js: hovering shows the cards of every span under the pointer (a mention inside two claims shows
# three cards); a click opens the innermost span's entry in the side panel.
@functools.cache
def _static(name: str) -> str:
    """The text of ``static/<name>``, read once (only rendering needs it, not importing the module)."""
    return files("cyberclaims.viewer").joinpath(f"static/{name}").read_text(encoding="utf-8")


def _page(title: str, body: str, *, script: bool, generator: bool = False) -> str:
    js = f"<script>{_static('viewer.js')}</script>\n" if script else ""
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            + (f"{GENERATOR}\n" if generator else "") +
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            f"style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
            f"<title>{escape(title)} — CyberClaims</title>\n<style>{_static('viewer.css')}</style>\n</head>\n"
            f"<body>\n{body}\n{js}</body>\n</html>\n")

