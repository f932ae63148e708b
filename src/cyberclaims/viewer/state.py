"""The render state: what each page in an output folder was made from, so that rendering into the same
folder again writes only the pages whose inputs changed.

``DIR/.render-state.json`` is made by ``render_site`` (through a temporary file and a rename, like every
file there) at the end of each render. It holds

- ``code``: the fingerprint of the code that wrote the pages (``core.fingerprint``, shared with the build's
  cache: the package's files, templates and static assets included, the JSON Schemas, the library releases)
  with the page size; when it is not the running code's, no page counts as up to date and everything is
  rendered again;
- ``articles``: per article, the digest of its two files and what the other pages need of it (the
  index's figures, its rows on the proposition and entity pages, the registry keys its own page shows),
  so that an article whose files did not change is not parsed again;
- ``pages``: per page the tool wrote, the digest of its inputs and the sha256 of the bytes written.

A page is up to date when the digest of its inputs is the one recorded and the file still holds the
recorded bytes; a page edited, replaced or deleted by hand is written again. The names in ``pages`` are
also how a later render knows which files are the tool's to remove. The state is only a shortcut: a
missing, damaged or unreadable one means a full render (never an error), with the same bytes; deleting
it forces one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from ..core import fingerprint
from ..core.files import read_capped
from ..core.vocabulary import ARTICLE_ID, is_key

STATE = ".render-state.json"
FORMAT = "cyberclaims-render-state/1"
MAX_STATE_BYTES = 1 << 34  # a cap for reading it (or a page) only: the state is about 4.5 KB per article
CLAIM_TEXT = 120  # characters of a claim's text shown on its proposition's page (and kept here)


class ClaimRef(NamedTuple):
    """A claim as its proposition's page lists it.

    The values are the shown ones: ``str()`` of each attribute (a page escapes ``str(value)``) and the
    text already shortened to ``CLAIM_TEXT`` characters, so that they survive the state file unchanged.
    The refs read from a state file are plain tuples of these fields (made by ``zip``, many times faster
    than this class): code that gathers them indexes them, a page that shows them makes this of each.
    """

    proposition: str
    article_id: str
    anchor: str
    claim_id: str
    text: str
    certainty: str
    attribution: str


class MentionRefs(NamedTuple):
    """An entity's mentions in one article: the first one's anchor (the link's target) and how many."""

    entity: str
    article_id: str
    anchor: str
    mentions: int  # not ``count``: that would hide tuple.count


class ArticleRecord(NamedTuple):
    """What the pages other than its own need of an article, and what its own page shows of the registry."""

    files: str | None  # digest of the .json and .txt; None: could not be read as such (never reused)
    title: str | None  # the index's title; None when the annotation file could not be parsed
    mentions: int
    claims: int
    claim_refs: tuple[tuple, ...]  # ClaimRef's fields, in text order
    mention_refs: tuple[tuple, ...]  # MentionRefs' fields, in order of first mention
    entity_keys: tuple[str, ...]  # the registry entries its page shows (sorted)
    proposition_keys: tuple[str, ...]


class PageRecord(NamedTuple):
    inputs: str | None  # digest of what the page was made from; None: not known, never up to date
    sha256: str  # of the bytes written


@dataclass
class State:
    code: str
    articles: dict[str, ArticleRecord] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    loaded: bool = False  # read from a state file (if only for its page names)
    raw: bytes | None = None  # the file's bytes: an unchanged state is not written again

    def to_bytes(self) -> bytes:
        """The state file: sorted keys, one line. An article's refs are flat lists (six strings a claim,
        without the article's id; three values a mention), which read back quickly."""
        articles = {}
        for article_id, r in self.articles.items():
            if r.files is None:
                continue
            claims = [value for ref in r.claim_refs for value in (ref[0], *ref[2:])]
            mentions = [value for ref in r.mention_refs for value in (ref[0], *ref[2:])]
            articles[article_id] = [
                r.files,
                r.title,
                r.mentions,
                r.claims,
                claims,
                mentions,
                list(r.entity_keys),
                list(r.proposition_keys),
            ]
        pages = {name: list(record) for name, record in self.pages.items()}
        document = {"format": FORMAT, "code": self.code, "articles": articles, "pages": pages}
        # ASCII only: a lone surrogate from a JSON escape in the data is written as an escape again.
        return (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def load(out_dir: Path, code: str) -> State:
    """The state of the previous render into ``out_dir`` for the running code (fingerprint ``code``).

    None, or a damaged one, gives an empty state. One written by other code keeps only its page names,
    with no inputs (every page is rendered again, but the tool still knows which files are its own).
    """
    raw, _ = read_capped(Path(out_dir) / STATE, STATE, MAX_STATE_BYTES)
    if raw is None:
        return State(code)
    try:
        document = json.loads(raw)
        state = _parse(document, code)
    except (ValueError, TypeError, RecursionError):
        return State(code)
    state.raw = raw
    return state


class _Damaged(ValueError):
    pass


def _check(condition: bool) -> None:
    if not condition:
        raise _Damaged


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _parse(document: Any, code: str) -> State:
    """The state in ``document``; ``_Damaged`` (or a TypeError, from a join of what should be strings) if
    anything is not as :meth:`State.to_bytes` writes it. Checked once, so that nothing later can fail."""
    _check(
        type(document) is dict
        and document.get("format") == FORMAT
        and set(document) == {"format", "code", "articles", "pages"}
    )
    articles, pages = document["articles"], document["pages"]
    _check(type(document["code"]) is str and type(articles) is dict and type(pages) is dict)
    same_code = document["code"] == code
    state = State(code, loaded=True)
    for name, record in pages.items():
        _check(
            type(record) is list
            and len(record) == 2
            and (record[0] is None or type(record[0]) is str)
            and type(record[1]) is str
            and bool(_SHA256.fullmatch(record[1]))
        )
        if page_kind(name) is not None:  # a name this module would not write is never the tool's
            state.pages[name] = PageRecord(record[0] if same_code else None, record[1])
    if not same_code:
        return state
    keys: set[str] = set()
    for article_id, record in articles.items():
        _check(type(record) is list and len(record) == 8)
        files, title, mentions, claims, claim_values, mention_values, entity_keys, proposition_keys = record
        _check(
            type(files) is str
            and (title is None or type(title) is str)
            and _count(mentions)
            and _count(claims)
            and all(type(x) is list for x in (claim_values, mention_values, entity_keys, proposition_keys))
            and len(claim_values) % 6 == 0
            and len(mention_values) % 3 == 0
            and all(_count(n) and n > 0 for n in mention_values[2::3])
        )
        "".join(claim_values), "".join(mention_values[0::3]), "".join(mention_values[1::3])  # strings only
        "".join(entity_keys), "".join(proposition_keys)
        keys.update(claim_values[0::6], mention_values[0::3])
        article = repeat(article_id)
        state.articles[article_id] = ArticleRecord(
            files,
            title,
            mentions,
            claims,
            tuple(zip(claim_values[0::6], article, *(claim_values[n::6] for n in range(1, 6)))),
            tuple(zip(mention_values[0::3], article, mention_values[1::3], mention_values[2::3])),
            tuple(entity_keys),
            tuple(proposition_keys),
        )
    _check(all(map(is_key, keys)))  # they name pages: p/<key>.html, e/<key>.html
    return state


_PAGE = re.compile(
    r"(?:(?P<list>index|index_[0-9]+|propositions_[0-9]+|entities_[0-9]+)"
    r"|(?P<folder>[pe])/(?P<key>[^/.]+)(?:\.[0-9]+)?|(?P<article>[^/.]+))\.html"
)


def page_kind(name: Any) -> str | None:
    """ "list", "proposition", "entity" or "article" for a name the viewer writes; None for any other."""
    match = _PAGE.fullmatch(name) if isinstance(name, str) else None
    if match is None:
        return None
    if match["list"]:
        return "list"
    if match["folder"]:
        return ("proposition" if match["folder"] == "p" else "entity") if is_key(match["key"]) else None
    return "article" if ARTICLE_ID.fullmatch(match["article"]) else None


def sha256_on_disk(path: Path) -> str | None:
    """The sha256 of a regular file (not a symlink), or None when it cannot be read as one."""
    data, _ = read_capped(path, str(path), MAX_STATE_BYTES)
    return hashlib.sha256(data).hexdigest() if data is not None else None


def digest(value: Any) -> str:
    """A digest of what a page is made from: strings, numbers, None, and lists, tuples and dicts of them
    (their ``repr``, which tells any two apart)."""
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()


def code_fingerprint(*settings: Any) -> str:
    """The running code's fingerprint (the one every cache uses, ``core.fingerprint``) with the state's
    format and ``settings``."""
    return fingerprint.code_fingerprint("render", FORMAT, *settings)
