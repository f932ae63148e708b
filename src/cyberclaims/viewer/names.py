"""What the viewer's pages are called: the article index, the list pages, and the folders and names of the
proposition and entity pages. One place, since the pages link to each other by these names and a render
removes only the files named so."""

from __future__ import annotations

INDEX = "index.html"
PROPOSITIONS, ENTITIES = "p", "e"  # folders of the proposition and entity pages (keys are their names)


def paged_names(key: str, rows: int, page_rows: int) -> list[str]:
    """The names of the pages of a proposition or entity with ``rows`` rows, ``page_rows`` a page:
    ``<key>.html`` (the page other pages link to), ``<key>.2.html``, … (a dot: no key has one, so no name
    is another key's)."""
    return [f"{key}.html" if n == 1 else f"{key}.{n}.html" for n in range(1, page_count(rows, page_rows) + 1)]


def list_name(stem: str, number: int) -> str:
    """``index.html``, ``index_2.html``, …; ``propositions_1.html``, …: names no article id can have."""
    return INDEX if (stem, number) == ("index", 1) else f"{stem}_{number}.html"


def page_count(rows: int, page_rows: int) -> int:
    """How many pages ``rows`` rows take (one, even when there is none)."""
    return max(1, -(-rows // page_rows))
