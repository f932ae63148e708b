"""Find and read the source files: raw texts, annotation files and registries, keeping positions.

Reading never trusts the input: sizes are capped before anything is read whole, symlinks are not
followed, bytes are decoded strictly, and JSON is parsed so that duplicate keys and NaN/Infinity
(both accepted silently by Python's parser) become issues with a line number.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .issues import Issue

ARTICLE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REGISTRY_FILES = ("entities.json", "propositions.json")
DOC_SUFFIXES = (".md", ".xml", ".cff")

MAX_TEXT_BYTES = 1 * 1024 * 1024  # a news article is tens of KB; 1 MiB leaves room, not a book
MAX_ANNOTATION_BYTES = 16 * 1024 * 1024
MAX_REGISTRY_BYTES = 256 * 1024 * 1024
MAX_JSON_DEPTH = 32  # the schema needs 5 levels; deeper input is hostile or broken


def human_size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n} bytes"


@dataclass
class JsonDocument:
    """A parsed JSON file with its text, so that any JSON pointer can be turned into a line."""

    display: str
    text: str
    value: Any
    _positions: dict[tuple, int] | None = field(default=None, repr=False)

    def line_of(self, path: tuple = ()) -> int | None:
        if not self.text:  # built from data, not from a file (a Parquet row): no lines
            return None
        if self._positions is None:
            self._positions = _scan_positions(self.text)[0]
        # Walk up to the nearest located ancestor: a missing field is reported at its parent.
        path = tuple(path)
        while path not in self._positions and path:
            path = path[:-1]
        offset = self._positions.get(path)
        return None if offset is None else self.text.count("\n", 0, offset) + 1


def pointer(path: tuple | list) -> str:
    """RFC 6901 JSON pointer of a path of keys and indices."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def read_capped(path: Path, display: str, limit: int) -> tuple[bytes | None, list[Issue]]:
    """Read a regular file of at most ``limit`` bytes; never follows symlinks, never reads more."""
    try:
        # O_NOFOLLOW refuses a symlink in the same call that opens the file (no lstat per file)
        if not _NO_FOLLOW and os.path.islink(path):
            raise OSError("symbolic link")
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | _CLOSE_ON_EXEC)
    except OSError as exc:
        if os.path.islink(path):
            return None, [Issue(display, None, "", "file-is-symlink",
                                f"is a symbolic link to {os.readlink(path)!r}; put the real file here")]
        return None, [Issue(display, None, "", "file-unreadable", f"cannot be read: {exc.strerror}")]
    try:
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        return None, [Issue(display, None, "", "file-unreadable", f"cannot be read: {exc.strerror}")]
    finally:
        os.close(fd)
    if len(data) > limit:
        return None, [Issue(display, None, "", "file-too-large",
                            f"is larger than the limit of {human_size(limit)} for this kind of file")]
    if not data:
        return None, [Issue(display, None, "", "file-empty", "is empty")]
    return data, []


def _read_at_most(fd: int, most: int) -> bytes:
    """Up to ``most`` bytes of an open file, in reads sized by the file, never by ``most``.

    ``read(most)`` would allocate ``most`` bytes (16 MiB for an annotation) for every small file.
    The size from ``fstat`` is a hint only: a file that grows meanwhile is read on, up to ``most``.
    """
    want = min(os.fstat(fd).st_size + 1, most)
    chunks = []
    total = 0
    while total < most:
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = min(most - total, _READ_CHUNK)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_READ_CHUNK = 1 << 20
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOSE_ON_EXEC = getattr(os, "O_CLOEXEC", 0)


def decode_text(data: bytes, display: str) -> tuple[str | None, list[Issue]]:
    """Decode a raw article strictly as UTF-8, locating the first bad byte."""
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [Issue(display, 1, "", "text-bom",
                            "starts with a UTF-8 byte-order mark (EF BB BF); save the text without it")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Issue(display, line, "", "text-not-utf8",
                            f"is not valid UTF-8: byte 0x{data[exc.start]:02X} at byte offset {exc.start} "
                            f"({exc.reason}); re-save the text as UTF-8")]


class _InvalidConstant(Exception):
    pass


def parse_json(data: bytes, display: str, *, check_depth: bool = True) -> tuple[JsonDocument | None, list[Issue]]:
    """Parse JSON strictly: syntax errors with line and column, duplicate keys, NaN, depth.

    ``check_depth=False`` leaves the depth to the caller, who may know the value is shallow (a document
    the schema accepts is at most a few levels deep) and so skip a walk over every value.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [Issue(display, 1, "", "json-bom",
                            "starts with a UTF-8 byte-order mark (EF BB BF); save the file without it")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [Issue(display, line, "", "json-not-utf8",
                            f"is not valid UTF-8 at byte offset {exc.start} ({exc.reason})")]
    duplicates: list[bool] = []
    constants: list[str] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)  # in C; a key seen twice makes the dict shorter than the pairs
        if len(obj) != len(pairs):
            duplicates.append(True)  # which keys, and where, is found by the scan below
        return obj

    def constant_hook(name: str) -> None:
        constants.append(name)
        return None

    try:
        value = json.loads(text, object_pairs_hook=pairs_hook, parse_constant=constant_hook)
    except json.JSONDecodeError as exc:
        return None, [Issue(display, exc.lineno, "", "json-syntax",
                            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", exc.colno)]
    except RecursionError:
        return None, [Issue(display, None, "", "json-too-deep",
                            f"nesting is deeper than the limit of {MAX_JSON_DEPTH} levels")]
    if check_depth and too_deep(value):
        return None, [too_deep_issue(display)]
    doc = JsonDocument(display, text, value)
    issues: list[Issue] = []
    if duplicates or constants:
        positions, found_duplicates, found_constants = _scan_positions(text)
        doc._positions = positions
        for path, key, offset in found_duplicates:
            issues.append(Issue(display, _line(text, offset), pointer(path), "json-duplicate-key",
                                f"key {key!r} appears twice in one object; keep one"))
        for offset, name in found_constants:
            issues.append(Issue(display, _line(text, offset), "", "json-invalid-constant",
                                f"{name} is not valid JSON; use a number or null"))
    return doc, issues


def too_deep(value: Any) -> bool:
    return _depth(value) > MAX_JSON_DEPTH


def too_deep_issue(display: str) -> Issue:
    return Issue(display, None, "", "json-too-deep", f"nesting is deeper than the limit of {MAX_JSON_DEPTH} levels")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|true|false|null|NaN")


def _scan_positions(text: str) -> tuple[dict[tuple, int], list[tuple[tuple, str, int]], list[tuple[int, str]]]:
    """Offsets of every value of an already-parsed JSON text, by path; duplicate keys; NaN-like constants.

    Only run when an issue needs a line number, so its pure-Python speed does not matter.
    """
    positions: dict[tuple, int] = {}
    duplicates: list[tuple[tuple, str, int]] = []
    constants: list[tuple[int, str]] = []

    def skip(pos: int) -> int:
        return _WS.match(text, pos).end()

    def value(pos: int, path: tuple) -> int:
        pos = skip(pos)
        positions[path] = pos
        ch = text[pos]
        if ch == "{":
            pos, seen = skip(pos + 1), set()
            if text[pos] == "}":
                return pos + 1
            while True:
                m = _STRING.match(text, skip(pos))
                key = json.loads(m.group())
                if key in seen:
                    duplicates.append((path + (key,), key, m.start()))
                seen.add(key)
                pos = skip(m.end()) + 1  # the colon
                pos = skip(value(pos, path + (key,)))
                if text[pos] == "}":
                    return pos + 1
                pos += 1  # the comma
        if ch == "[":
            pos, index = skip(pos + 1), 0
            if text[pos] == "]":
                return pos + 1
            while True:
                pos = skip(value(pos, path + (index,)))
                index += 1
                if text[pos] == "]":
                    return pos + 1
                pos += 1
        if ch == '"':
            return _STRING.match(text, pos).end()
        m = _SCALAR.match(text, pos)
        if m.group().lstrip("-") in ("NaN", "Infinity"):
            constants.append((pos, m.group()))
        return m.end()

    value(0, ())
    return positions, duplicates, constants


# ---------------------------------------------------------------------------------------------
# The corpus on disk


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

    def __repr__(self) -> str:
        return f"ArticleFiles({self.id!r}, {self.json_path!r}, {self.text_path!r})"


_FOLDERS: dict[Path, Path] = {}


def _shared(folder: Path) -> Path:
    return _FOLDERS.setdefault(folder, folder)


@dataclass
class Collection:
    """A folder of annotation files with the registries they link to: the gold or one pass."""

    name: str  # "gold" or the pass name
    folder: Path
    registry_folder: Path
    articles: list[ArticleFiles]
    issues: list[Issue]


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(root: Path) -> list[Collection]:
    """The gold collection (``annotations/``) and every pass (``annotations/passes/<name>/``)."""
    annotations = root / "annotations"
    gold = _collection("gold", annotations, annotations, root, texts_from=annotations, pairs=True)
    collections = [gold]
    passes = annotations / "passes"
    if passes.is_dir() and not passes.is_symlink():
        for folder in sorted(p for p in passes.iterdir() if p.is_dir() and not p.is_symlink()):
            has_registry = any((folder / name).exists() for name in REGISTRY_FILES)
            collections.append(_collection(folder.name, folder, folder if has_registry else annotations,
                                           root, texts_from=annotations, pairs=False))
    return collections


def _collection(name: str, folder: Path, registry_folder: Path, root: Path, *, texts_from: Path,
                pairs: bool) -> Collection:
    issues: list[Issue] = []
    # Names, not Path objects: a folder of 200k files would otherwise cost ~100 MB at once.
    jsons: set[str] = set()
    texts: set[str] = set()
    if not folder.is_dir():
        return Collection(name, folder, registry_folder, [], [Issue(relative(folder, root), None, "",
                          "file-unreadable", "folder not found")])
    with os.scandir(folder) as scan:
        entries = sorted((e.name, e.is_symlink(), e.is_dir(follow_symlinks=False)) for e in scan)
    for file_name, is_symlink, is_dir in entries:
        stem, dot, suffix = file_name.rpartition(".")
        suffix = dot + suffix if dot else ""
        stem = stem if dot else file_name
        if is_symlink or is_dir or suffix not in (".json", ".txt") or (
                file_name in REGISTRY_FILES and registry_folder == folder) or not ARTICLE_ID.match(stem):
            issue = _entry_issue(folder / file_name, root, name, registry_folder == folder)
            if issue is not None:
                issues.append(issue)
            continue
        (jsons if suffix == ".json" else texts).add(stem)
    if not pairs:
        # A pass holds only labels; its texts are the gold texts.
        found = {stem for stem in jsons
                 if (texts_from / f"{stem}.txt").exists() or (texts_from / f"{stem}.txt").is_symlink()}
    ids = sorted(jsons | texts) if pairs else sorted(jsons)
    text_dir = _shared(folder) if pairs else _shared(texts_from)
    json_dir = _shared(folder)
    articles = [ArticleFiles(i, json_dir if i in jsons else None,
                             text_dir if (i in texts if pairs else i in found) else None) for i in ids]
    return Collection(name, folder, registry_folder, articles, issues)


def _entry_issue(path: Path, root: Path, collection: str, owns_registries: bool) -> Issue | None:
    """What is wrong with a folder entry that is not an article file (None: it belongs there)."""
    display = relative(path, root)
    if path.is_symlink():
        return Issue(display, None, "", "file-is-symlink",
                     f"is a symbolic link to {os.readlink(path)!r}; put the real file here")
    if path.is_dir():
        if collection == "gold" and path.name == "passes":
            return None
        return Issue(display, None, "", "unexpected-file", "unexpected folder")
    if path.name in REGISTRY_FILES and owns_registries:
        return None
    if path.suffix in DOC_SUFFIXES:
        return None
    if path.suffix not in (".json", ".txt"):
        return Issue(display, None, "", "unexpected-file",
                     "is neither <id>.txt, <id>.json, a registry nor documentation; remove it")
    return Issue(display, None, "", "invalid-file-name",
                 f"{path.name!r} is not <id>{path.suffix} with an id matching {ARTICLE_ID.pattern}; rename it")


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
        from .text import split_sentences

        key = ("sentences", start, end)
        if key not in self._memo:
            text = self.text
            stop = len(text) if end is None else end
            if (start, stop) != (0, len(text)) and (start == 0 or text[start - 1] in "\r\n") and (
                    stop == len(text) or text[stop] in "\r\n"):
                whole = self.sentences()
                self._memo[key] = whole[bisect_left(whole, (start,)):bisect_left(whole, (stop,))]
            else:
                self._memo[key] = split_sentences(text, start, end)
        return self._memo[key]

    def token_table(self) -> tuple[list[str], list[int], list[int]]:
        """Strings, starts and ends of every token of the whole text (``text.token_table``), computed once."""
        from .text import token_table

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


def load_valid_article(files: ArticleFiles, root: Path) -> Article | None:
    """Read an article that has been validated: no checks, no positions, just the data."""
    if files.json_path is None or files.text_path is None:
        return None
    raw = files.text_path.read_bytes()
    text_json = files.json_path.read_bytes().decode("utf-8")
    doc = JsonDocument(relative(files.json_path, root), text_json, json.loads(text_json))
    return Article(files.id, raw.decode("utf-8"), raw, doc, doc.display)
