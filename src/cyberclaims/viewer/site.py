"""The viewer's folder: ``render_site`` writes the pages into it and keeps it in step with the corpus.

The pages (``pages.py``) are static and self-contained: nothing is fetched, CSS and a little JavaScript are
inline, so the folder works from disk, from a zip, or from any static host. On an article page:

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

Everything that comes from the data is escaped (the templates autoescape). Output is deterministic (same
input, same bytes) and every file is written through a temporary file and a rename.

Rendering again into the same folder writes only the pages whose inputs changed. ``DIR/.render-state.json``
(``state.py``) records, per page, a digest of what it is made from (an article's page: its two files, the
validator's findings for it and the registry entries it shows; a proposition's or entity's page: its rows
and its registry entry; a list page: its bytes, which are cheap to make) and the sha256 of the bytes
written, with a fingerprint of the code (templates included). A page whose digest is the recorded one and
whose file still holds the recorded bytes is left as it is; an article whose files did not change is not
even parsed (its rows are in the state). A page and an article's record are made of one read of its files
and recorded with the digest of those very bytes (``site_data.ArticleSource``): a file saved while the render
runs cannot leave a page whose recorded digest stands for other bytes. The folder ends byte for byte as a render into an empty folder
would leave it. Deleting the state file (or a damaged one) means a full render. Files are removed only
when the state (or, for a folder rendered before there was one, a list page or the generator line) says
this module wrote them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import UsageError
from ..core.files import OutputFolder, refuse_repository_folder
from ..core.issues import Report, printable
from ..core.model import Corpus
from ..core.progress import progress
from ..core.vocabulary import ARTICLE_ID, is_key
from . import pages
from . import state as state_file
from .names import ENTITIES, PROPOSITIONS, paged_names
from .site_data import Site
from .templating import GENERATOR

__all__ = ["GENERATOR", "PAGE_ROWS", "RenderError", "RenderResult", "render_site"]

PAGE_ROWS = 500  # rows of a list page: the article index, the propositions and the entities


class RenderError(UsageError):
    """The request cannot be rendered (an unknown article id); the message says why."""


@dataclass
class RenderResult:
    out_dir: Path
    pages: list[Path]  # written by this render
    articles_with_errors: list[str] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)  # up to date: made from the same inputs, left as they were


def render_site(
    corpus: Corpus, report: Report, out_dir: Path, ids: Iterable[str] | None = None, *, show_progress: bool = True
) -> RenderResult:
    """Write the viewer to ``out_dir``: the article pages (only ``ids`` when given), the list pages and
    the proposition and entity pages (with ``ids``, only those the named articles link to).

    ``corpus`` and ``report`` are what :func:`cyberclaims.validation.validate` returned; articles it
    could not parse get a page with their errors and, when it can be read, their plain text. A page
    whose inputs are those recorded in ``out_dir/.render-state.json`` and whose file still holds the
    recorded bytes is left as it is (``RenderResult.unchanged``). On a terminal, a bar counts the pages.

    The folder is written as every output folder is (``core.files.OutputFolder``): never one of the
    repository's own folders, never through a link (``out_dir``, ``p/`` or ``e/`` being one is refused), and
    only files this tool made are replaced or removed: a render that would replace any other file is refused
    (:class:`RenderError`) before a page is written.
    """
    out_dir = Path(out_dir)
    refuse_repository_folder(corpus.root, out_dir, "render")
    state_path = out_dir / state_file.STATE
    if state_path.is_symlink() or (state_path.exists() and not state_path.is_file()):
        # not a file this tool wrote: never replaced, and refused before a page is written
        raise RenderError(
            f"{printable(str(state_path))} is not the viewer's state file (it is a folder, a link or a special "
            f"file); move it away, then render again"
        )
    code = state_file.code_fingerprint(PAGE_ROWS, GENERATOR, corpus.gold.kept)
    previous = state_file.load(out_dir, code) if not out_dir.is_symlink() else state_file.State(code)
    site = Site.from_corpus(corpus, report, previous.articles, page_rows=PAGE_ROWS)
    wanted = sorted(set(ids)) if ids is not None else site.ids
    every = set(site.ids)
    unknown = [i for i in wanted if i not in every]
    if unknown:
        raise RenderError(f"no article {', '.join(map(repr, unknown))} in {corpus.root / 'annotations'}")
    keys = _linked_keys(site, wanted if ids is not None else None)
    with OutputFolder(out_dir, "render") as target:
        for name in (PROPOSITIONS, ENTITIES):
            target.check_folder(name)
        before = _listed(target)
        lists = pages.list_pages(site)
        folder = _Folder(target, previous, RenderResult(out_dir, []), _ours(target, previous, before))
        planned = [f"{a}.html" for a in wanted] + [name for name, _ in lists] + _keyed_names(site, keys)
        _refuse_foreign(target, folder.ours, planned)
        _write_articles(site, folder, wanted, show_progress)
        _write_keyed(site, folder, keys, show_progress)
        for name, html in lists:  # cheap to make: the digest of a list page is that of its bytes
            folder.page(name, hashlib.sha256(html.encode("utf-8")).hexdigest(), html)
        stale = _remove_stale(folder, keys if ids is not None else None)
        # Kept: the records of the pages this render did not make and did not remove (with ids, the others').
        records = {n: r for n, r in previous.pages.items() if n not in folder.made and n not in stale}
        records.update(folder.made)
        data = state_file.State(code, site.records, dict(sorted(records.items()))).to_bytes()
        if data != previous.raw:
            target.write(state_file.STATE, data)
    folder.result.articles_with_errors = [i for i in wanted if site.errors_of(i)]
    return folder.result


def _linked_keys(site: Site, wanted: list[str] | None) -> dict[str, set[str]]:
    """The proposition and entity keys whose pages to write: all, or those the ``wanted`` articles link to."""
    if wanted is None:
        return {PROPOSITIONS: set(site.proposition_keys), ENTITIES: set(site.entity_keys)}
    keys: dict[str, set[str]] = {PROPOSITIONS: set(), ENTITIES: set()}
    for article_id in wanted:
        keys[PROPOSITIONS] |= site.propositions_of.get(article_id, set())
        keys[ENTITIES] |= site.entities_of.get(article_id, set())
    return keys


def _keyed_names(site: Site, keys: dict[str, set[str]]) -> list[str]:
    """The names of the proposition and entity pages of ``keys`` (by folder)."""
    names = []
    for name_of, rows in ((PROPOSITIONS, site.by_proposition), (ENTITIES, site.by_entity)):
        for key in sorted(keys[name_of]):
            names += [f"{name_of}/{n}" for n in paged_names(key, len(rows.get(key, ())), site.page_rows)]
    return names


def _refuse_foreign(target: OutputFolder, ours: set[str], planned: list[str]) -> None:
    """Refuse the render (before a page is written) if it would replace a file this tool did not make."""
    foreign = [name for name in planned if name not in ours and target.kind(name) is not None]
    if foreign:
        shown = ", ".join(printable(name) for name in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise RenderError(
            f"{printable(str(target.path))} holds {len(foreign)} file(s) that `cyberclaims render` did not make "
            f"and would replace ({shown}); nothing was written: move them away, or render into a new folder"
        )


@dataclass
class _Folder:
    """The output folder during a render: which pages are up to date, and what this render made."""

    target: OutputFolder
    previous: state_file.State
    result: RenderResult
    ours: set[str]  # the files a previous render made (by the state, or by the list pages and generator line)
    made: dict[str, state_file.PageRecord] = field(default_factory=dict)  # written or up to date

    def up_to_date(self, name: str, inputs: str | None) -> bool:
        old = self.previous.pages.get(name)
        if inputs is None or old is None or old.inputs != inputs:
            return False
        data = self.target.read(name, state_file.MAX_STATE_BYTES)
        return data is not None and hashlib.sha256(data).hexdigest() == old.sha256

    def keep(self, name: str) -> None:
        self.made[name] = self.previous.pages[name]
        self.result.unchanged.append(self.target.path / name)

    def write(self, name: str, html: str, inputs: str | None) -> None:
        data = html.encode("utf-8")
        self.target.write(name, data)
        self.made[name] = state_file.PageRecord(inputs, hashlib.sha256(data).hexdigest())
        self.result.pages.append(self.target.path / name)

    def page(self, name: str, inputs: str | None, html: str | Callable[[], str]) -> None:
        """Keep the page ``name`` if it is up to date, else write ``html`` (when a function: only then called)."""
        if self.up_to_date(name, inputs):
            self.keep(name)
        else:
            self.write(name, html if isinstance(html, str) else html(), inputs)


def _write_articles(site: Site, folder: _Folder, wanted: list[str], show_progress: bool) -> None:
    """Write the pages of the ``wanted`` articles that are not up to date."""
    for article_id in progress(wanted, desc="render articles", unit="page", enabled=show_progress):
        # Up to date is known before the page is made: making it is what costs. A page is made of its files
        # as read for it, and recorded with their digest (they may have changed since its record was made).
        name = f"{article_id}.html"
        if folder.up_to_date(name, site.article_inputs(article_id)):
            folder.keep(name)
        else:
            read = site.source(article_id)
            folder.write(name, pages.article_page(site, article_id, read), site.article_inputs(article_id, read))


def _write_keyed(site: Site, folder: _Folder, keys: dict[str, set[str]], show_progress: bool) -> None:
    """Write the pages of the propositions and entities in ``keys`` (by folder) that are not up to date."""
    for name_of, what, pages_of, inputs_of, rows in (
        (PROPOSITIONS, "propositions", pages.proposition_pages, site.proposition_inputs, site.by_proposition),
        (ENTITIES, "entities", pages.entity_pages, site.entity_inputs, site.by_entity),
    ):
        for key in progress(sorted(keys[name_of]), desc=f"render {what}", unit="page", enabled=show_progress):
            inputs = inputs_of(key)
            names = [f"{name_of}/{name}" for name in paged_names(key, len(rows.get(key, ())), site.page_rows)]
            if all(folder.up_to_date(name, inputs) for name in names):
                for name in names:
                    folder.keep(name)
                continue
            for name, html in pages_of(site, key):
                folder.page(f"{name_of}/{name}", inputs, html)


def _ours(target: OutputFolder, previous: state_file.State, before: dict[str, set[str]]) -> set[str]:
    """The files a previous render made in the folder: which they are, the state says; the list pages and the
    continuation pages' generator line say it of a folder rendered before there was a state. Any other file
    in the folder is the user's: never replaced, never removed."""
    ours = set(previous.pages) | before["lists"] | {f"{a}.html" for a in before["article"]}
    ours |= {f"{PROPOSITIONS}/{k}.html" for k in before["proposition"]}
    ours |= {f"{ENTITIES}/{k}.html" for k in before["entity"]}
    if not previous.loaded:
        ours |= set(_continuations(target, PROPOSITIONS)) | set(_continuations(target, ENTITIES))
    return ours


def _remove_stale(folder: _Folder, keys_made: dict[str, set[str]] | None) -> list[str]:
    """Remove what a previous render made and this one did not; the names removed (or gone already).

    ``keys_made``: with ids, the keys whose pages this render made (None: a render of every article)."""
    # What a previous render made and this one did not (an article, a registry entry removed, a list or a
    # proposition grown shorter): its page is this tool's to remove.
    ours = folder.ours
    if keys_made is not None:
        # Only the named articles' pages were made: of the others, only what a render of them would
        # have replaced goes (the lists, and the continuation pages of the keys whose pages it made).
        ours = {
            name
            for name in ours
            if state_file.page_kind(name) == "list"
            or ((continued := _CONTINUED.fullmatch(name)) is not None and continued[2] in keys_made[continued[1]])
        }
    stale = sorted(ours - set(folder.made))
    for name in stale:
        if folder.target.kind(name) == "":  # a regular file (a link is left: it was never written by this tool)
            folder.target.remove(name)
    return stale


_CONTINUATION = re.compile(r"^[a-z0-9_]+\.[0-9]+\.html$")
_CONTINUED = re.compile(rf"({PROPOSITIONS}|{ENTITIES})/([a-z0-9_]+)\.[0-9]+\.html")  # folder, key


def _continuations(target: OutputFolder, folder: str) -> list[str]:
    """The continuation pages in ``folder`` ("p", "e") that this module wrote (by name and generator line)."""
    found = []
    for name in target.names(folder):
        if _CONTINUATION.fullmatch(name) and _is_generated(target, f"{folder}/{name}"):
            found.append(f"{folder}/{name}")
    return found


_LIST_PAGE = re.compile(r"^(index|index_[0-9]+|propositions_[0-9]+|entities_[0-9]+)\.html$")
_LISTED_ROW = re.compile(r'<tr data-(article|proposition|entity)="([^"]*)">')
_PAGE_BYTES = 64 * 1024 * 1024  # a list page is at most a few hundred KB: a cap for reading one only


def _is_generated(target: OutputFolder, name: str) -> bool:
    data = target.read(name, _PAGE_BYTES)
    return data is not None and GENERATOR.encode() in data


def _listed(target: OutputFolder) -> dict[str, set[str]]:
    """What the list pages of a previous render in the folder list, and those pages' own names.

    A list page is recognised by its name and the generator line this module writes; only the names
    it lists that are well-formed ids or keys count (a name, never a path). Pages are read as regular
    files only (never through a link, never from a FIFO), and capped.
    """
    found: dict[str, set[str]] = {"article": set(), "proposition": set(), "entity": set(), "lists": set()}
    for name in target.names(""):
        if not _LIST_PAGE.fullmatch(name):
            continue
        data = target.read(name, _PAGE_BYTES)
        if data is None:
            continue
        html = data.decode("utf-8", "replace")
        if GENERATOR not in html:
            continue
        found["lists"].add(name)
        for kind, listed in _LISTED_ROW.findall(html):
            if ARTICLE_ID.fullmatch(listed) if kind == "article" else is_key(listed):
                found[kind].add(listed)
    return found
