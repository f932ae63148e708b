"""Stable splits, as Universal Dependencies keeps them: once an article is released, its split never changes.

``releases/splits.json`` is the split of every article of the releases so far, by id (written by
``cyberclaims release --prepare`` before a release is tagged, committed with it; an entry is never changed
or removed there). Validation compares each gold article's ``metadata.split`` with it and reports a moved
article at its ``metadata.split`` with the code ``split-changed``. Reading only: this module writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..core.files import MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue
from ..core.jsondoc import parse_json
from ..core.model import ArticleFiles, relative
from ..core.vocabulary import ARTICLE_ID, SPLITS

RELEASED_SPLITS = Path("releases") / "splits.json"
UNKNOWN_SPLIT = 0xFF  # the split byte of an article whose split cannot be read (Findings.splits)
# a released list may hold 8 bytes of JSON per id and more: the registry limit covers millions of ids
MAX_RELEASED_BYTES = MAX_REGISTRY_BYTES


def split_byte(split: object) -> int:
    """One byte per gold article in ``Findings.splits``: the index of its split in ``SPLITS``."""
    return SPLITS.index(split) if isinstance(split, str) and split in SPLITS else UNKNOWN_SPLIT


def load_released_splits(root: Path) -> tuple[dict[str, str], list[Issue]]:
    """The released split of each article id (empty before the first release), and what is wrong with the file."""
    path = Path(root) / RELEASED_SPLITS
    display = RELEASED_SPLITS.as_posix()
    if not path.exists():
        return {}, []
    data, issues = read_capped(path, display, MAX_RELEASED_BYTES)
    if data is None:
        return {}, issues
    doc, issues = parse_json(data, display)
    if doc is None:
        return {}, issues
    splits = doc.value.get("splits") if isinstance(doc.value, dict) else None
    if not isinstance(splits, dict) or not all(
        isinstance(k, str) and ARTICLE_ID.fullmatch(k) and v in SPLITS for k, v in splits.items()
    ):
        return {}, [
            Issue(
                display,
                doc.line_of(("splits",)) if isinstance(splits, dict) else 1,
                "/splits",
                "schema-other",
                f'must be {{"version": ..., "splits": {{"<article id>": "<one of {", ".join(SPLITS)}>", ...}}}}',
            )
        ]
    return splits, []


def split_changes(
    root: Path, articles: Iterable[ArticleFiles], split_bytes: bytes | bytearray, released: dict[str, str]
) -> list[Issue]:
    """An issue per article whose split differs from its released one (``split_bytes``: one per article)."""
    issues = []
    for files, code in zip(articles, split_bytes):
        was = released.get(files.id)
        if was is None or code == UNKNOWN_SPLIT or SPLITS[code] == was or files.json_path is None:
            continue
        display = relative(files.json_path, root)
        issues.append(
            Issue(
                display,
                _split_line(files.json_path, display),
                "/metadata/split",
                "split-changed",
                f"moves the article from {was!r}, its split in a published release ({RELEASED_SPLITS.as_posix()}), "
                f"to {SPLITS[code]!r}: splits never change once released; set it back to {was!r}",
            )
        )
    return issues


def _split_line(path: Path, display: str) -> int | None:
    """The line of ``metadata.split`` (the file is read again: this happens only for a moved article)."""
    data, _ = read_capped(path, display, MAX_REGISTRY_BYTES)
    doc = parse_json(data, display)[0] if data is not None else None
    return doc.line_of(("metadata", "split")) if doc is not None else None
