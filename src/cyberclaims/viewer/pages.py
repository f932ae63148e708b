"""The viewer's pages, made from a ``Site`` (site_data.py) and the templates in ``templates/``.

One page per article (``<id>.html``; ``unparsed.html`` when its annotation file cannot be read), one per
proposition (``p/<key>.html``: the claims of every article that state it), one per registry entity
(``e/<key>.html``: the articles that mention it), and lists of at most ``Site.page_rows`` rows
(``index.html``, ``index_2.html``, … of the articles; ``propositions_1.html``, … and ``entities_1.html``,
…); a proposition or entity with more rows has its rows on ``<key>.2.html``, … too. A page holds only what
it is about: an article's page lists nothing of other articles, so each page is bounded by its own content
and the whole folder grows linearly with the corpus.

The functions here choose what a page shows (plain values, never markup); the templates write it, and
escape every value (templating.py). The one piece of markup made outside a template is an article's text
with its spans wrapped (``ArticleView.html``, every value in it escaped by spans.py).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..core.issues import Issue
from ..core.model import Registry
from ..core.vocabulary import ENTITY_LABELS
from .names import list_name, page_count, paged_names
from .site_data import ArticleSource, Site, title_of
from .spans import ArticleView, error_codes_by_span
from .state import ClaimRef, MentionRefs
from .templating import markup, render


class IssueBox(NamedTuple):
    """The validator's findings at the top of an article's page, and its spans that cannot be placed."""

    issues: list[tuple[Issue, str | None]]  # each with the anchor of the span it names, if placed
    unplaced: list[tuple[str, int, dict]]
    errors: int
    warnings: int


class Mention(NamedTuple):
    """A placed mention as the article's page shows it: its card and its place in the side panel."""

    anchor: str
    id: Any
    text: Any
    label: Any
    key: Any  # the entity's key as the file has it: a string, or anything else (no entity)
    entry: dict | None  # its registry entry; None when there is none (or no key)


class LinkedEntity(NamedTuple):
    """A registry entity in the side panel, with the article's mentions of it (in text order)."""

    key: str
    name: Any
    description: Any
    mentions: list[Mention]


class Claim(NamedTuple):
    """A placed claim as the article's page shows it: its entry in the side panel, with its attributes."""

    anchor: str
    id: Any
    text: Any
    certainty: Any
    attribution: Any
    normalized: Any
    claimer: Any
    claimer_entry: dict | None
    about: list
    key: Any  # the proposition's key as the file has it
    proposition: dict | None


def article_page(site: Site, article_id: str, read: ArticleSource) -> str:
    """The article's page, made of its files as ``read`` (one read of them) holds them; when its annotation
    file cannot be read, its findings and its plain text."""
    article = read.article
    issues = site.issues.get(article_id, [])
    if article is None:
        text = read.text
        return render(
            "unparsed.html",
            title=article_id,
            script=False,
            generator=False,
            article_id=article_id,
            box=_issue_box(issues, None),
            text=text,
        )
    data = article.data
    view = ArticleView.build(data, article.text)
    meta = _object(data.get("metadata"))
    source = _object(meta.get("source"))
    url = source.get("url")
    mentions = _mentions(view, site.registry.entities)
    linked: dict[str, list[Mention]] = {}  # in order of first mention
    for mention in mentions:
        if isinstance(mention.key, str):
            linked.setdefault(mention.key, []).append(mention)
    return render(
        "article.html",
        title=title_of(data) or article_id,
        script=True,
        generator=False,
        article_id=article_id,
        source_name=source.get("name", "unknown source"),
        source_url=url if isinstance(url, str) and re.match(r"^https?://", url) else None,
        meta=[(key, meta[key]) for key in ("published", "topic", "split") if meta.get(key) is not None],
        labels=view.labels_used(),
        box=_issue_box(issues, view),
        text_html=markup(view.html(error_codes_by_span(issues))),  # spans.py escapes every value in it
        linked=[_linked(key, shown, site.registry.entities) for key, shown in linked.items()],
        values=[mention for mention in mentions if not isinstance(mention.key, str)],
        mentions=mentions,
        claims=_claims(view, site.registry),
    )


def _mentions(view: ArticleView, entities: dict[str, dict]) -> list[Mention]:
    shown = []
    for span in view.spans:
        if span.group == "entities":
            item, key = span.item, span.item.get("entity")
            shown.append(
                Mention(
                    span.anchor,
                    item.get("id"),
                    item.get("text", ""),
                    item.get("label"),
                    key,
                    entities.get(key) if isinstance(key, str) else None,
                )
            )
    return shown


def _linked(key: str, mentions: list[Mention], entities: dict[str, dict]) -> LinkedEntity:
    entry = entities.get(key, {})
    return LinkedEntity(key, entry.get("name", key), entry.get("description", "not in the registry"), mentions)


def _claims(view: ArticleView, registry: Registry) -> list[Claim]:
    shown = []
    for span in view.spans:
        if span.group != "claims":
            continue
        claim, claimer, key = span.item, span.item.get("claimer"), span.item.get("proposition")
        about = claim.get("about")
        shown.append(
            Claim(
                span.anchor,
                claim.get("id"),
                claim.get("text", ""),
                claim.get("certainty"),
                claim.get("attribution"),
                claim.get("normalized"),
                claimer,
                registry.entities.get(claimer) if isinstance(claimer, str) else None,
                about if isinstance(about, list) else [],
                key,
                registry.propositions.get(key) if isinstance(key, str) else None,
            )
        )
    return shown


def _object(value: Any) -> dict:
    """``value`` when it is a JSON object, else an empty one (the page is made whatever the file holds)."""
    return value if isinstance(value, dict) else {}


def _issue_box(issues: list[Issue], view: ArticleView | None) -> IssueBox | None:
    """The findings' box of an article's page; None (no box) when there is nothing to show in it."""
    unplaced = view.unplaced if view is not None else []
    if not issues and not unplaced:
        return None
    errors = sum(1 for i in issues if i.severity.value == "error")
    targets = [view.anchor_for_pointer(i.pointer) if view is not None else None for i in issues]
    return IssueBox(list(zip(issues, targets, strict=True)), unplaced, errors, len(issues) - errors)


def proposition_pages(site: Site, key: str) -> list[tuple[str, str]]:
    """(name in ``p/``, html) of the proposition's pages: ``<key>.html``, then ``<key>.2.html``, …"""
    refs = [ClaimRef._make(ref) for ref in site.by_proposition.get(key, [])]
    return _paged(
        site,
        "proposition.html",
        key,
        key,
        refs,
        proposition=site.registry.propositions.get(key),
        claims=len(refs),
        articles=len({ref.article_id for ref in refs}),
    )


def entity_pages(site: Site, key: str) -> list[tuple[str, str]]:
    """(name in ``e/``, html) of the entity's pages: ``<key>.html``, then ``<key>.2.html``, …"""
    entry = site.registry.entities.get(key)
    refs = [MentionRefs._make(ref) for ref in site.by_entity.get(key, [])]
    title = entry.get("name", key) if entry is not None else key
    return _paged(
        site, "entity.html", key, title, refs, entry=entry, mentions=sum(r.mentions for r in refs), articles=len(refs)
    )


def _paged(site: Site, template: str, key: str, title: Any, rows: list, **context: Any) -> list[tuple[str, str]]:
    """A proposition's or entity's ``rows`` cut into pages of at most ``site.page_rows``."""
    names = paged_names(key, len(rows), site.page_rows)
    size = site.page_rows
    return [
        (
            name,
            render(
                template,
                title=title,
                script=False,
                generator=True,
                key=key,
                names=names,
                number=number,
                rows=rows[(number - 1) * size : number * size],
                **context,
            ),
        )
        for number, name in enumerate(names, 1)
    ]


def list_pages(site: Site) -> list[tuple[str, str]]:
    """(file name, html) of every list page: the articles (``index.html`` first), the propositions and
    the entities, each cut into pages of at most ``site.page_rows`` rows."""
    lists = [
        ("articles", "index", _article_rows(site)),
        ("propositions", "propositions", _proposition_rows(site)),
        ("entities", "entities", _entity_rows(site)),
    ]
    tabs = [{"name": list_name(stem, 1), "count": len(rows), "kind": kind} for kind, stem, rows in lists]
    size = site.page_rows
    pages = []
    for kind, stem, rows in lists:
        names = [list_name(stem, n) for n in range(1, page_count(len(rows), size) + 1)]
        for number, name in enumerate(names, 1):
            chunk = rows[(number - 1) * size : number * size]
            first = (number - 1) * size + 1
            pages.append(
                (
                    name,
                    render(
                        "list.html",
                        title=f"CyberClaims viewer: {kind}",
                        script=False,
                        generator=True,
                        kind=kind,
                        stem=stem,
                        tabs=tabs,
                        labels=ENTITY_LABELS,
                        names=names,
                        number=number,
                        rows=chunk,
                        other=site.other_issues if stem == "index" and number == 1 else [],
                        first=first if rows else 0,
                        last=first + len(chunk) - 1 if rows else 0,
                        total=len(rows),
                    ),
                )
            )
    return pages


def _article_rows(site: Site) -> list[dict[str, Any]]:
    return [
        {
            "id": article_id,
            "title": site.records[article_id].title or "",
            "mentions": site.records[article_id].mentions,
            "claims": site.records[article_id].claims,
            "errors": len(site.errors_of(article_id)),
        }
        for article_id in site.ids
    ]


def _proposition_rows(site: Site) -> list[dict[str, Any]]:
    rows = []
    for key in site.proposition_keys:
        refs = site.by_proposition.get(key, [])
        rows.append(
            {
                "key": key,
                "statement": site.registry.propositions.get(key, {}).get("statement", ""),
                "claims": len(refs),
                "articles": len({r[1] for r in refs}),
            }
        )  # r[1]: the article id
    return rows


def _entity_rows(site: Site) -> list[dict[str, Any]]:
    rows = []
    for key in site.entity_keys:
        refs = site.by_entity.get(key, [])
        entry = site.registry.entities.get(key, {})
        rows.append(
            {
                "key": key,
                "name": entry.get("name", ""),
                "type": entry.get("type", ""),
                "mentions": sum(r[3] for r in refs),
                "articles": len(refs),
            }
        )  # r[3]: the count
    return rows
