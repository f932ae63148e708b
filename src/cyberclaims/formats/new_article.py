"""``cyberclaims new``: start a new article from a raw text file, without touching existing data."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import CyberClaimsError
from ..core.files import MAX_TEXT_BYTES, decode_text, human_size, read_capped, write_file
from ..core.text import trimmed
from ..core.vocabulary import ARTICLE_ID


class ScaffoldError(CyberClaimsError):
    """The article cannot be created; the message says why and what to do."""

    prefix = "error: "


@dataclass
class NewArticle:
    id: str
    text_path: Path
    json_path: Path


def segments_by_line(text: str, title: str | None) -> list[dict]:
    """One segment per non-empty line; the first is the title when it is the given title."""
    segments, pos = [], 0
    for line in text.split("\n"):
        for start, end in trimmed(text, pos, pos + len(line)):
            kind = "title" if not segments and title is not None and text[start:end] == title else "body"
            segments.append({"start": start, "end": end, "kind": kind})
        pos += len(line) + 1
    return segments


def new_article(root: Path, article_id: str, text_file: Path, *, title: str | None = None,
                source_name: str | None = None, url: str | None = None, published: str | None = None,
                split: str = "train", topic: str = "uncategorized", language: str = "en",
                license: str = "LicenseRef-third-party-copyright") -> NewArticle:
    annotations = Path(root) / "annotations"
    if not ARTICLE_ID.match(article_id):
        raise ScaffoldError(f"invalid id {article_id!r}: use lower-case letters and digits in words joined "
                            f"by hyphens ({ARTICLE_ID.pattern}), e.g. 'sony-hack-bbc-2014-12-02'")
    if not annotations.is_dir():
        raise ScaffoldError(f"{annotations} is not a folder: run the command at the repository root or "
                            f"pass --root")
    text_path, json_path = annotations / f"{article_id}.txt", annotations / f"{article_id}.json"
    for existing in (text_path, json_path):
        if existing.exists() or existing.is_symlink():
            raise ScaffoldError(f"{existing} already exists; choose another id (nothing was changed)")
    data, issues = read_capped(Path(text_file), str(text_file), MAX_TEXT_BYTES)
    if data is None:
        problem = issues[0]
        limit = f" (limit {human_size(MAX_TEXT_BYTES)})" if problem.code == "file-too-large" else ""
        raise ScaffoldError(f"{text_file} {problem.message}{limit}")
    text, issues = decode_text(data, str(text_file))
    if text is None:
        raise ScaffoldError(f"{text_file}: {issues[0].message}")
    digest = hashlib.sha256(data).hexdigest()
    for other in sorted(annotations.glob("*.txt")):
        if other.is_file() and not other.is_symlink() and hashlib.sha256(other.read_bytes()).hexdigest() == digest:
            raise ScaffoldError(f"this text is already in the corpus as {other.name}; nothing was changed")
    document = {
        "id": article_id,
        "text_sha256": digest,
        "metadata": {
            "title": title,
            "source": {"name": source_name or "unknown", "url": url, "origin": Path(text_file).name},
            "published": published,
            "language": language,
            "license": license,
            "topic": topic,
            "split": split,
        },
        "segments": segments_by_line(text, title),
        "entities": [],
        "claims": [],
        "annotators": [],
        "notes": None,
    }
    _write_new(text_path, data)
    try:
        _write_new(json_path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    except BaseException:
        text_path.unlink(missing_ok=True)
        raise
    return NewArticle(article_id, text_path, json_path)


def _write_new(path: Path, data: bytes) -> None:
    """Write through a temporary file, then link it into place only if the name is still free."""
    try:
        write_file(path, data, overwrite=False)
    except FileExistsError:
        raise ScaffoldError(f"{path} appeared while writing; nothing was overwritten") from None
