"""``cyberclaims new``: start a new article from a raw text file, without touching existing data."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..core.errors import USAGE_PROBLEM, CyberClaimsError, UsageError
from ..core.files import MAX_TEXT_BYTES, decode_text, human_size, read_capped, write_file
from ..core.jsondoc import has_lone_surrogate, parse_json
from ..core.text import trimmed
from ..core.vocabulary import LAYERS, SPLITS, is_license
from ..validation.schema import schema_issues


class ScaffoldError(CyberClaimsError):
    """The article cannot be created; the message says why and what to do. Nothing was written.

    ``argument`` names the command-line argument at fault, when one is (``--published``).
    """

    prefix = "error: "

    def __init__(self, message: str, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


class ScaffoldArgumentError(ScaffoldError, UsageError):
    """An argument is malformed or names something that is not there: a usage error (exit status 2)."""

    kind = USAGE_PROBLEM


DEFAULT_LICENSE = "LicenseRef-third-party-copyright"

# Where each argument lands in the document, so that a schema error names the argument at fault.
ARGUMENTS = {
    ("id",): ("ID", "lower-case letters and digits in words joined by hyphens, e.g. 'sony-hack-bbc-2014-12-02'"),
    ("metadata", "title"): ("--title", "a non-empty headline"),
    ("metadata", "source", "name"): ("--source-name", "a non-empty name"),
    ("metadata", "source", "url"): ("--url", "an http:// or https:// URL without spaces"),
    ("metadata", "published"): ("--published", "YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2014-12-02"),
    ("metadata", "language"): ("--language", "a BCP 47 tag such as 'en'"),
    ("metadata", "license"): ("--license", "an SPDX identifier such as CC-BY-4.0, or LicenseRef-<name>"),
    ("metadata", "topic"): ("--topic", "a kebab-case key such as 'sony-pictures-hack-2014'"),
    ("metadata", "split"): ("--split", "one of " + ", ".join(SPLITS)),
}


@dataclass
class NewArticle:
    id: str
    text_path: Path
    json_path: Path


def segments_by_line(text: str, title: str | None) -> list[dict]:
    """One segment per non-empty line; the first is the title when it is the given title."""
    segments: list[dict] = []
    pos = 0
    for line in text.split("\n"):
        for start, end in trimmed(text, pos, pos + len(line)):
            kind = "title" if not segments and title is not None and text[start:end] == title else "body"
            segments.append({"start": start, "end": end, "kind": kind})
        pos += len(line) + 1
    return segments


def skeleton(
    article_id: str,
    text: str,
    digest: str,
    *,
    title: str | None,
    source_name: str | None,
    url: str | None,
    origin: str,
    published: str | None,
    split: str,
    topic: str,
    language: str,
    license: str,
) -> dict:
    """The annotation document of a new article: its metadata, one segment per line, no labels yet."""
    return {
        "id": article_id,
        "text_sha256": digest,
        "metadata": {
            "title": title,
            "source": {"name": source_name or "unknown", "url": url, "origin": origin},
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
        # Each layer records how it was made once it holds labels (validate asks for it then).
        "provenance": {layer: None for layer in LAYERS},
    }


def argument_problems(document: dict) -> list[tuple[str, str]]:
    """(argument, message) for every argument the JSON Schema (or the SPDX syntax) rejects in ``document``.

    The rules are the published schema's: the document is checked exactly as ``cyberclaims validate``
    will check it, and each violation is named by the argument it came from.
    """
    problems: dict[str, str] = {}
    # A string that UTF-8 cannot encode (a lone surrogate: bytes of the command line that were not UTF-8,
    # or a "\\udc80" typed in) can be neither checked nor written: name its argument and stop there.
    for prefix, (argument, _) in {**ARGUMENTS, ("metadata", "source", "origin"): ("--text", "")}.items():
        value = _get(document, prefix)
        if isinstance(value, str) and has_lone_surrogate(value):
            what = "file name" if argument == "--text" else "value"
            problems.setdefault(
                argument,
                f"{argument} {value!r}: the {what} holds a lone surrogate or bytes that are not UTF-8; use UTF-8 text",
            )
    if problems:
        return list(problems.items())
    serialized = _serialize(document)
    doc, _ = parse_json(serialized, "<new article>")
    assert doc is not None  # json.dumps wrote it and the lone surrogates were caught above: it parses
    for issue in schema_issues(doc, "annotation"):
        path = tuple(part for part in issue.pointer.split("/")[1:])
        for prefix, (argument, expected) in ARGUMENTS.items():
            if path[: len(prefix)] == prefix:
                value = _get(document, prefix)
                problems.setdefault(argument, f"{argument} {value!r} is not valid: expected {expected}")
                break
    license = document["metadata"]["license"]
    if "--license" not in problems and not is_license(license):
        problems["--license"] = f"--license {license!r} is not valid: expected {ARGUMENTS[('metadata', 'license')][1]}"
    return list(problems.items())


def new_article(
    root: Path,
    article_id: str,
    text_file: Path,
    *,
    title: str | None = None,
    source_name: str | None = None,
    url: str | None = None,
    published: str | None = None,
    split: str = "train",
    topic: str = "uncategorized",
    language: str = "en",
    license: str = DEFAULT_LICENSE,
) -> NewArticle:
    """Write ``annotations/<id>.txt`` (the text, byte for byte) and ``annotations/<id>.json`` (a skeleton).

    Everything is checked before anything is written: the arguments against the JSON Schema
    (:class:`ScaffoldArgumentError`, a usage error), then the text (readable, UTF-8 without a BOM, not
    empty, not already in the corpus: :class:`ScaffoldError`, a data problem). On any error nothing is
    left on disk.
    """
    annotations = Path(root) / "annotations"
    skeleton_of = partial(
        skeleton,
        title=title,
        source_name=source_name,
        url=url,
        origin=Path(text_file).name or "text",
        published=published,
        split=split,
        topic=topic,
        language=language,
        license=license,
    )
    problems = argument_problems(skeleton_of(article_id, "", "0" * 64))
    if problems:
        raise ScaffoldArgumentError(
            "; ".join(message for _, message in problems) + " (nothing was written)", argument=problems[0][0]
        )
    if not annotations.is_dir():
        raise ScaffoldArgumentError(
            f"{annotations} is not a folder: run the command at the repository root or pass --root"
        )
    text_path, json_path = annotations / f"{article_id}.txt", annotations / f"{article_id}.json"
    for existing in (text_path, json_path):
        if existing.exists() or existing.is_symlink():
            raise ScaffoldArgumentError(
                f"{existing} already exists; choose another ID (nothing was written)", argument="ID"
            )
    if not os.path.lexists(text_file):
        raise ScaffoldArgumentError(f"--text {text_file}: no such file (nothing was written)", argument="--text")
    # A FIFO, a folder or a device is said to be one, without a byte read (nor a wait for a FIFO's writer)
    data, issues = read_capped(Path(text_file), str(text_file), MAX_TEXT_BYTES)
    if data is None and not Path(text_file).is_symlink() and not Path(text_file).is_file():
        raise ScaffoldArgumentError(f"--text {text_file} {issues[0].message} (nothing was written)", argument="--text")
    if data is None:
        problem = issues[0]
        limit = f" (limit {human_size(MAX_TEXT_BYTES)})" if problem.code == "file-too-large" else ""
        raise ScaffoldError(f"--text {text_file} {problem.message}{limit} (nothing was written)", argument="--text")
    text, issues = decode_text(data, str(text_file))
    if text is None:
        raise ScaffoldError(f"--text {text_file}: {issues[0].message} (nothing was written)", argument="--text")
    if not text.strip():
        raise ScaffoldError(f"--text {text_file} holds only white space (nothing was written)", argument="--text")
    digest = hashlib.sha256(data).hexdigest()
    for other in sorted(annotations.glob("*.txt")):
        if other.is_file() and not other.is_symlink() and hashlib.sha256(other.read_bytes()).hexdigest() == digest:
            raise ScaffoldError(
                f"--text {text_file} is already in the corpus as {other.name}; nothing was written", argument="--text"
            )
    document = skeleton_of(article_id, text, digest)
    serialized = _serialize(document)
    doc, issues = parse_json(serialized, str(json_path))
    if not issues:
        assert doc is not None  # parse_json returns no document only with an issue saying why
        issues = schema_issues(doc, "annotation")
    if issues:  # the arguments passed, so the text is at fault (a segment the schema refuses)
        raise ScaffoldError(
            f"the skeleton for {text_file} does not validate: {issues[0].message} (nothing was written)",
            argument="--text",
        )
    _write_new(text_path, data)
    try:
        _write_new(json_path, serialized)
    except BaseException:
        text_path.unlink(missing_ok=True)
        raise
    return NewArticle(article_id, text_path, json_path)


def _serialize(document: dict) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _get(document: dict, path: tuple[str, ...]):
    for step in path:
        document = document[step]
    return document


def _write_new(path: Path, data: bytes) -> None:
    """Write through a temporary file, then link it into place only if the name is still free."""
    try:
        write_file(path, data, overwrite=False)
    except FileExistsError:
        raise ScaffoldError(f"{path} appeared while writing; nothing was overwritten") from None
