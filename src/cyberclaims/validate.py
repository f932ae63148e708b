"""Validate the sources: JSON Schema first (every error, not the first), then the checks a schema
cannot express. Validation only reads; it returns the parsed corpus so a build need not read twice.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from .codes import Severity
from .issues import Issue, Report
from .progress import progress
from .schemas import fast_validator, validator
from .sources import (
    ARTICLE_ID,
    MAX_ANNOTATION_BYTES,
    MAX_REGISTRY_BYTES,
    MAX_TEXT_BYTES,
    REGISTRY_FILES,
    Article,
    ArticleFiles,
    Collection,
    JsonDocument,
    decode_text,
    discover,
    load_valid_article,
    too_deep,
    too_deep_issue,
    parse_json,
    pointer,
    read_capped,
    relative,
)
from .text import is_token_end, is_token_start, may_cross_sentence, tokenize, word_around

KEY = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
                    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
NAMED_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)


@dataclass
class Registry:
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    propositions: dict[str, dict[str, Any]] = field(default_factory=dict)
    _well_formed: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def well_formed_entity_keys(self) -> frozenset[str]:
        """The entity keys that are well formed (``_is_key``), computed once: every mention looks one up."""
        if self._well_formed is None:
            self._well_formed = frozenset(key for key in self.entities if _is_key(key))
        return self._well_formed


@dataclass
class LoadedCollection:
    """A collection after validation: its registries, its files, and the parsed articles if kept."""

    name: str
    articles: list[Article]
    registry: Registry
    files: list[ArticleFiles] = field(default_factory=list)
    kept: bool = True

    def iter_articles(self, root: Path) -> Iterator[Article]:
        """Every article in id order: the kept ones, or read again one at a time (flat memory)."""
        if self.kept:
            yield from sorted(self.articles, key=lambda a: a.id)
            return
        for files in self.files:
            article = load_valid_article(files, root)
            if article is not None:
                yield article


@dataclass
class Corpus:
    root: Path
    gold: LoadedCollection
    passes: list[LoadedCollection]


@dataclass
class _Batch:
    """What checking a batch of articles found: merged in batch order, so output is deterministic."""

    issues: list[Issue] = field(default_factory=list)
    files_checked: int = 0
    read: int = 0
    articles: list[Article] = field(default_factory=list)
    # sha256 of each article's text, 32 bytes per article in batch order (zeros: no text): compact,
    # since a large corpus keeps one per article until duplicates are found
    digests: bytearray = field(default_factory=bytearray)
    used_entities: set[str] = field(default_factory=set)
    used_propositions: set[str] = field(default_factory=set)
    output: Any = None


# Below this many articles a process pool costs more than it saves.
PARALLEL_MIN_ARTICLES = 400
BATCH_SIZE = 200


def validate(root: Path, paths: Sequence[Path] | None = None, *, show_progress: bool = True,
             keep_articles: bool = True, jobs: int | None = 1,
             visitor: Callable[[int], ArticleVisitor] | None = None,
             on_output: Callable[[Any], None] | None = None,
             batch_size: int | None = None) -> tuple[Corpus, Report]:
    """Validate the repository at ``root`` (or only the articles named in ``paths``).

    ``keep_articles=False`` keeps no parsed gold article in memory; ``jobs`` > 1 (None: one per core)
    checks large corpora in a process pool. ``visitor(n)`` makes a fresh visitor for batch number ``n``
    of the gold articles (in the worker that checks it); each batch's output goes to ``on_output``, in
    order. Batches are ``batch_size`` articles in id order, so they never depend on the worker count.
    """
    root = Path(root)
    report = Report()
    collections = discover(root)
    wanted = _wanted_ids(root, paths)
    if wanted is None:
        paths = None
    jobs = (os.cpu_count() or 1) if jobs is None else max(1, jobs)
    loaded: list[LoadedCollection] = []
    duplicate_groups: list[list[ArticleFiles]] = []
    for collection in collections:
        is_gold = collection.name == "gold"
        report.issues.extend(i for i in collection.issues if _selected(i.file, root, paths))
        if not collection.folder.is_dir():
            loaded.append(LoadedCollection(collection.name, [], Registry()))
            continue
        registry = _load_registry(collection, root, report, check=paths is None or is_gold)
        keep = keep_articles or not is_gold
        selected = [a for a in collection.articles if wanted is None or a.id in wanted]
        result = _check_all(selected, root, is_gold, registry, keep, jobs, show_progress, collection.name,
                            visitor if is_gold else None, on_output if is_gold else None,
                            batch_size or BATCH_SIZE)
        report.issues.extend(result.issues)
        report.files_checked += result.files_checked
        if is_gold:
            digests, owners = result.digests, list(selected)
            checked = {a.id for a in selected}
            for files in collection.articles:  # texts outside the selection still count as duplicates
                if files.id not in checked and files.text_path is not None and files.json_path is not None:
                    digests += _file_sha256(files.text_path) or _NO_DIGEST
                    owners.append(files)
            duplicate_groups = _duplicates(digests, owners)
        all_read = result.read == len([a for a in collection.articles if a.json_path is not None])
        if paths is None and all_read:  # usage is unknown while an article cannot be read
            report.issues.extend(_unused_registry_entries(collection, registry, result.used_entities,
                                                          result.used_propositions, root))
        files = [a for a in collection.articles if a.json_path is not None and a.text_path is not None]
        loaded.append(LoadedCollection(collection.name, result.articles, registry, files, keep))
    for group in duplicate_groups:
        names = [relative(files.text_path, root) for files in group]
        if len(names) > 1:
            for name in names:
                others = ", ".join(n for n in names if n != name)
                if _selected(name, root, paths):
                    report.issues.append(Issue(name, None, "", "duplicate-text",
                                               f"has the same text as {others}; each article enters the corpus once"))
    return Corpus(root, loaded[0], loaded[1:]), report


class ArticleVisitor(Protocol):
    """Work done on each valid gold article during validation (the build's rows), in batches."""

    def visit(self, article: Article, registry: Registry) -> None: ...

    def finish(self) -> Any: ...  # the batch's output: picklable, handed to ``on_output`` in order


def _check_all(selected: list[ArticleFiles], root: Path, is_gold: bool, registry: Registry, keep: bool,
               jobs: int, show_progress: bool, name: str,
               visitor: Callable[[int], ArticleVisitor] | None = None,
               on_output: Callable[[Any], None] | None = None, batch_size: int = BATCH_SIZE) -> _Batch:
    """Check every selected article; batches run in a process pool for large corpora.

    Batch results are consumed in order (output never depends on scheduling) and as they come, with
    a bounded number in flight, so memory stays flat.
    """
    batches = [selected[i:i + batch_size] for i in range(0, len(selected), batch_size)] or [[]]
    merged = _Batch()

    def consume(result: _Batch) -> None:
        _merge_into(merged, result)
        if on_output is not None and result.output is not None:
            on_output(result.output)

    bar_total = len(selected)
    if jobs > 1 and not keep and len(selected) >= PARALLEL_MIN_ARTICLES and len(batches) > 1:
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(registry,)) as pool:
            pending: deque = deque()
            bar = _Counter(progress(range(bar_total), desc=f"validate {name}", unit="article",
                                    enabled=show_progress))
            for number, batch in enumerate(batches):
                pending.append((len(batch), pool.submit(_check_batch_in_worker, batch, root, is_gold,
                                                        visitor, number)))
                if len(pending) >= 2 * jobs:
                    size, future = pending.popleft()
                    consume(future.result())
                    bar.advance(size)
            while pending:
                size, future = pending.popleft()
                consume(future.result())
                bar.advance(size)
        return merged
    bar = _Counter(progress(range(bar_total), desc=f"validate {name}", unit="article", enabled=show_progress))
    for number, batch in enumerate(batches):
        consume(_check_batch(batch, root, is_gold, registry, keep, visitor(number) if visitor else None))
        bar.advance(len(batch))
    return merged


class _Counter:
    """Advances a progress iterator by n steps (a bar over articles while work goes by batch)."""

    def __init__(self, steps: Iterator[int]) -> None:
        self.steps = steps

    def advance(self, n: int) -> None:
        for _ in range(n):
            next(self.steps, None)


_WORKER_REGISTRY: Registry | None = None


def _init_worker(registry: Registry) -> None:
    global _WORKER_REGISTRY
    _WORKER_REGISTRY = registry


def _check_batch_in_worker(batch: list[ArticleFiles], root: Path, is_gold: bool,
                           visitor: Callable[[int], ArticleVisitor] | None, number: int) -> _Batch:
    assert _WORKER_REGISTRY is not None
    return _check_batch(batch, root, is_gold, _WORKER_REGISTRY, keep=False,
                        visitor=visitor(number) if visitor else None)


def _merge_into(merged: _Batch, result: _Batch) -> None:
    merged.issues += result.issues
    merged.files_checked += result.files_checked
    merged.read += result.read
    merged.articles += result.articles
    merged.digests += result.digests
    merged.used_entities |= result.used_entities
    merged.used_propositions |= result.used_propositions


def _check_batch(batch: Iterable[ArticleFiles], root: Path, is_gold: bool, registry: Registry, keep: bool,
                 visitor: ArticleVisitor | None = None) -> _Batch:
    result = _Batch()
    report = Report()
    for files in batch:
        article, digest = _read_article(files, root, is_gold, report)
        if is_gold:
            result.digests += digest if digest is not None and files.json_path is not None else _NO_DIGEST
        if article is None:
            continue
        result.read += 1
        found = check_article(article, registry)
        report.issues.extend(found)
        _collect_usage(article.data, result.used_entities, result.used_propositions)
        if keep:
            result.articles.append(article)
        if visitor is not None and not any(i.severity is Severity.ERROR for i in found):
            visitor.visit(article, registry)
    result.issues = report.issues
    result.files_checked = report.files_checked
    result.output = visitor.finish() if visitor is not None else None
    return result


# ---------------------------------------------------------------------------------------------
# Selecting what to check


def _wanted_ids(root: Path, paths: Sequence[Path] | None) -> set[str] | None:
    if not paths:
        return None
    ids: set[str] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir() or path.name in REGISTRY_FILES:
            return None  # a registry change can break any article: check them all
        if path.suffix in (".json", ".txt"):
            ids.add(path.stem)
    return ids


def _selected(display: str, root: Path, paths: Sequence[Path] | None) -> bool:
    if not paths:
        return True
    for path in paths:
        shown = relative(Path(path).resolve(), root.resolve())
        if display == shown or display.startswith(shown.rstrip("/") + "/") or Path(path).is_dir():
            return True
        if Path(display).stem == Path(path).stem and Path(path).name not in REGISTRY_FILES:
            return True
    return False


_NO_DIGEST = bytes(32)


def _file_sha256(path: Path) -> bytes | None:
    data, issues = read_capped(path, "", MAX_TEXT_BYTES)
    return None if data is None else hashlib.sha256(data).digest()


def _duplicates(digests: bytearray, owners: list[ArticleFiles]) -> list[list[ArticleFiles]]:
    """Groups of articles with the same text, found by sorting the digests: no dict per article."""
    count = len(digests) // 32
    key = lambda i: bytes(digests[32 * i:32 * i + 32])  # noqa: E731
    order = sorted((i for i in range(count) if key(i) != _NO_DIGEST), key=key)
    groups, current = [], []
    for i in order:
        if current and key(current[-1]) != key(i):
            if len(current) > 1:
                groups.append([owners[j] for j in sorted(current)])
            current = []
        current.append(i)
    if len(current) > 1:
        groups.append([owners[j] for j in sorted(current)])
    return groups


# ---------------------------------------------------------------------------------------------
# Reading with issues


def _read_article(files: ArticleFiles, root: Path, is_gold: bool, report: Report
                  ) -> tuple[Article | None, bytes | None]:
    """Read and parse one article, reporting what is wrong with its files; (article, sha256 of its text)."""
    json_path, text_path = files.json_path, files.text_path
    if json_path is None:
        report.files_checked += 1
        report.issues.append(Issue(relative(text_path, root), None, "", "missing-annotation",
                                   f"has no annotation file {files.id}.json beside it; "
                                   f"create one with `cyberclaims new` or remove the text"))
        return None, None
    json_display = _display(json_path, root)
    report.files_checked += 1
    # The text first: its problems and its hash count even when the JSON is broken.
    text, text_bytes, digest = None, b"", None
    if text_path is None:
        report.issues.append(Issue(json_display, None, "", "missing-text",
                                   f"has no raw text {files.id}.txt in annotations/; add the article text"))
    else:
        text_display = _display(text_path, root)
        report.files_checked += 1 if is_gold else 0
        raw, issues = read_capped(text_path, text_display, MAX_TEXT_BYTES)
        if is_gold:  # a pass shares the gold text: its problems are reported once, for the gold
            report.issues.extend(issues)
        if raw is not None:
            digest = hashlib.sha256(raw).digest()
            text_bytes = raw
            text, issues = decode_text(raw, text_display)
            if is_gold:
                report.issues.extend(issues)
    data, issues = read_capped(json_path, json_display, MAX_ANNOTATION_BYTES)
    report.issues.extend(issues)
    if data is None:
        return None, digest
    doc, issues = parse_json(data, json_display, check_depth=False)
    report.issues.extend(issues)
    if doc is None:
        return None, digest
    quick = fast_validator("annotation")
    if quick is None or not quick.is_valid(doc.value):
        if too_deep(doc.value):  # only a document the schema rejects can be deep: walk it only then
            report.issues.append(too_deep_issue(json_display))
            return None, digest
        report.issues.extend(schema_issues(doc, "annotation"))
    if not isinstance(doc.value, dict) or text is None:
        return None, digest  # span checks need both the labels and the text
    return Article(files.id, text, text_bytes, doc, json_display), digest


def _display(path: Path, root: Path) -> str:
    """``relative(path, root)``, with the folder's part worked out once per folder."""
    return _folder_display(path.parent, root) + path.name


@lru_cache(maxsize=64)
def _folder_display(folder: Path, root: Path) -> str:
    shown = relative(folder, root)
    return "" if shown == "." else shown + "/"


def schema_issues(doc: JsonDocument, kind: str, *, fast: bool = True) -> list[Issue]:
    """Every JSON Schema violation of a document, each with its own code and line.

    The fast validator decides; the reference ``jsonschema`` explains the files it rejects. Where the
    two disagree (regular-expression dialects: Python's ``$`` also matches before a final newline), the
    fast validator's own errors are reported, so the verdict never depends on which one ran.
    """
    quick = fast_validator(kind) if fast else None
    if quick is not None and quick.is_valid(doc.value):
        return []
    issues = reference_schema_issues(doc, kind)
    if not issues and quick is not None:
        for error in quick.iter_errors(doc.value):
            path = tuple(error.instance_path)
            name = type(error.kind).__name__
            code = "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
            issues.append(Issue(doc.display, doc.line_of(path), pointer(path),
                                code if code in _SCHEMA_CODES else "schema-other",
                                f"{error.message} (at {pointer(path) or 'the top level'})"))
    return issues


def reference_schema_issues(doc: JsonDocument, kind: str) -> list[Issue]:
    """The schema violations found by the reference implementation, ``jsonschema``."""
    issues = []
    for error in validator(kind).iter_errors(doc.value):
        path = tuple(error.absolute_path)
        code = "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", str(error.validator)).lower()
        if code not in _SCHEMA_CODES:
            code = "schema-other"
        message = _schema_message(error)
        issues.append(Issue(doc.display, doc.line_of(path), pointer(path), code, message))
    return issues


_SCHEMA_CODES = {
    "schema-required", "schema-additional-properties", "schema-type", "schema-enum",
    "schema-pattern", "schema-minimum", "schema-min-length", "schema-max-length", "schema-unique-items",
    "schema-any-of", "schema-not",
}


def _schema_message(error) -> str:
    where = pointer(tuple(error.absolute_path)) or "the top level"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        parts = []
        for key in sorted(set(error.instance) - set(known)):
            close = difflib.get_close_matches(key, known, n=1)
            parts.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        return f"unknown field {', '.join(parts)} in {where}; allowed: {', '.join(known)}"
    if error.validator == "anyOf":
        return f"{error.instance!r} at {where} is not valid: {error.schema.get('description', error.message)}"
    message = error.message
    if len(message) > 300:
        message = message[:300] + "…"
    return f"{message} (at {where})"


def _load_registry(collection: Collection, root: Path, report: Report, *, check: bool) -> Registry:
    registry = Registry()
    for kind, filename, key_field in (("entities", "entities.json", "entities"),
                                      ("propositions", "propositions.json", "propositions")):
        path = collection.registry_folder / filename
        display = relative(path, root)
        if not path.exists() and not path.is_symlink():
            if check:
                report.issues.append(Issue(display, None, "", "missing-registry",
                                           f"registry {filename} not found; create it with an empty list"))
            continue
        if check and collection.registry_folder == collection.folder:
            report.files_checked += 1
        data, issues = read_capped(path, display, MAX_REGISTRY_BYTES)
        doc, more = parse_json(data, display) if data is not None else (None, [])
        if check:
            report.issues.extend(issues + more)
        if doc is None:
            continue
        if check:
            report.issues.extend(schema_issues(doc, kind))
        items = doc.value.get(key_field) if isinstance(doc.value, dict) else None
        target = getattr(registry, kind)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or not isinstance(item.get("key"), str):
                continue
            key = item["key"]
            if key in target and check:
                report.issues.append(Issue(display, doc.line_of((key_field, index)),
                                           pointer((key_field, index)), "registry-duplicate-key",
                                           f"key {key!r} is listed twice; merge the two entries"))
            target.setdefault(key, item)
    return registry


def _collect_usage(data: Any, entities: set[str], propositions: set[str]) -> None:
    """Add the entity and proposition keys an article names (registry entries no article uses are reported)."""
    for _, mention in _items(data, "entities"):
        key = mention.get("entity")
        if isinstance(key, str):
            entities.add(key)
    for _, claim in _items(data, "claims"):
        claimer, about, proposition = claim.get("claimer"), claim.get("about"), claim.get("proposition")
        if isinstance(claimer, str):
            entities.add(claimer)
        if isinstance(about, list):
            entities.update(k for k in about if isinstance(k, str))
        if isinstance(proposition, str):
            propositions.add(proposition)


def _unused_registry_entries(collection: Collection, registry: Registry, used_entities: set[str],
                             used_propositions: set[str], root: Path) -> list[Issue]:
    if collection.registry_folder != collection.folder:
        return []
    issues = []
    for filename, keys, used in (("entities.json", registry.entities, used_entities),
                                 ("propositions.json", registry.propositions, used_propositions)):
        for key in sorted(set(keys) - used):
            issues.append(Issue(relative(collection.registry_folder / filename, root), None, "",
                                "registry-unused-entry", f"{key!r} is used by no article"))
    return issues


# ---------------------------------------------------------------------------------------------
# The checks a schema cannot express


def _items(data: Any, name: str) -> list[tuple[int, dict]]:
    """The objects of the list ``data[name]`` with their positions in it (other values are the schema's finding)."""
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def check_article(article: Article, registry: Registry) -> list[Issue]:
    """Every semantic problem of one parsed article: one pass over its spans, no quadratic work.

    It also runs on documents the schema rejected (so that one run reports everything), hence the
    type tests before each use; they are ordered so that a valid document takes the shortest path.
    """
    data, text, doc = article.data, article.text, article.doc
    issues: list[Issue] = []

    def issue(path: tuple, code: str, message: str) -> None:
        issues.append(Issue(doc.display, doc.line_of(path), pointer(path), code, message))

    if isinstance(data.get("id"), str) and ARTICLE_ID.match(data["id"]) and data["id"] != article.id:
        issue(("id",), "id-mismatch", f"id {data['id']!r} differs from the file name {article.id!r}; "
                                      f"they must be equal")
    pinned = data.get("text_sha256")
    if isinstance(pinned, str) and re.fullmatch(r"[0-9a-f]{64}", pinned):
        actual = hashlib.sha256(article.text_bytes).hexdigest()
        if actual != pinned:
            hint = ""
            crlf = article.text_bytes.count(b"\r\n")
            if crlf:
                hint = (f"; the text has {crlf} CRLF line endings: if an editor or git added them, "
                        f"restore the original LF endings (offsets depend on them)")
            issue(("text_sha256",), "text-hash-mismatch",
                  f"the text's sha256 is {actual}, the labels are pinned to {pinned}: the text changed after "
                  f"labelling{hint}; span checks are skipped until text and pin agree")
            return issues  # every offset points into a text that is no longer there

    items = {group: _items(data, group) for group in ("segments", "entities", "claims")}
    spans: dict[str, list[tuple[int, int, int]]] = {}
    broken_segments = False  # a segment with bad offsets: coverage cannot be judged
    length = len(text)
    for group, group_items in items.items():
        good = spans[group] = []
        labelled = group != "segments"
        for index, item in group_items:
            start, end = item.get("start"), item.get("end")
            if type(start) is not int or type(end) is not int or start < 0 or end < 0:
                continue  # the schema reports it
            if start >= end:
                issue((group, index), "span-reversed", f"start {start} is not before end {end}")
                broken_segments |= not labelled
                continue
            if end > length:
                issue((group, index), "span-out-of-range",
                      f"end {end} is past the end of the text ({length} code points)")
                broken_segments |= not labelled
                continue
            actual = text[start:end]
            if labelled:
                stated = item.get("text")
                if stated != actual and isinstance(stated, str):
                    issue((group, index, "text"), "span-text-mismatch",
                          f"text {_show(stated)} differs from the article at [{start}:{end}], "
                          f"which is {_show(actual)}")
                    continue  # offsets or text are wrong: checks of the span itself would only echo this
            if actual[0].isspace() or actual[-1].isspace():
                issue((group, index), "span-whitespace", f"span [{start}:{end}] {_show(actual)} starts or ends "
                                                         f"with whitespace; trim it")
            good.append((start, end, index))

    if not broken_segments:
        issues.extend(_segment_issues(doc, text, spans["segments"], data))
    segment_at = dict(items["segments"])
    boilerplate = [(s, e) for s, e, i in spans["segments"] if segment_at[i].get("kind") == "boilerplate"]
    if boilerplate:
        for group in ("entities", "claims"):
            for start, end, index in spans[group]:
                if any(s < end and start < e for s, e in boilerplate):
                    issue((group, index), "label-in-boilerplate",
                          f"span [{start}:{end}] lies in a boilerplate segment, which gets no labels")

    ordered = sorted(spans["entities"])
    for (s1, e1, i1), (s2, e2, i2) in zip(ordered, ordered[1:]):
        if s2 < e1:
            issue(("entities", i2), "mention-overlap",
                  f"mention [{s2}:{e2}] overlaps mention {pointer(('entities', i1))} [{s1}:{e1}]")
    if spans["entities"]:
        issues.extend(_token_issues(doc, article, spans["entities"]))

    seen_ids: dict[str, tuple] = {}
    for group in ("entities", "claims"):
        for index, item in items[group]:
            local = item.get("id")
            if isinstance(local, str):
                if local in seen_ids:
                    issue((group, index, "id"), "duplicate-id",
                          f"id {local!r} is already used at {pointer(seen_ids[local])}")
                else:
                    seen_ids[local] = (group, index)

    entities, propositions = registry.entities, registry.propositions
    # A key is checked against the registry only when well formed (else it is the schema's finding);
    # keys found in the registry were checked once, for the whole registry.
    known_entities = registry.well_formed_entity_keys()
    for index, mention in items["entities"]:
        key, label = mention.get("entity"), mention.get("label")
        if isinstance(key, str) and key in known_entities:
            expected = entities[key].get("type")
            if expected != label and isinstance(label, str) and label in LABELS:
                issue(("entities", index, "label"), "entity-type-mismatch",
                      f"label {label} differs from the registry type {expected} of {key!r}")
        elif _is_key(key):
            issue(("entities", index, "entity"), "unknown-entity",
                  f"entity {key!r} is not in the entity registry; add it to entities.json"
                  + _did_you_mean(key, entities))
        elif key is None and isinstance(label, str) and label in NAMED_LABELS:
            issue(("entities", index, "entity"), "mention-unlinked",
                  f"{label} mention {_show(mention.get('text'))} links to no entity")
    for index, claim in items["claims"]:
        claimer = claim.get("claimer")
        if isinstance(claimer, str) and claimer not in entities and claimer != "author" and _is_key(claimer):
            issue(("claims", index, "claimer"), "unknown-claimer",
                  f"claimer {claimer!r} is neither \"author\" nor a key of the entity registry"
                  + _did_you_mean(claimer, entities))
        about = claim.get("about")
        if isinstance(about, list):
            for position, key in enumerate(about):
                if isinstance(key, str) and key not in entities and _is_key(key):
                    issue(("claims", index, "about", position), "unknown-about-entity",
                          f"about names {key!r}, which is not in the entity registry"
                          + _did_you_mean(key, entities))
        proposition = claim.get("proposition")
        if isinstance(proposition, str) and proposition not in propositions and _is_key(proposition):
            issue(("claims", index, "proposition"), "unknown-proposition",
                  f"proposition {proposition!r} is not in the proposition registry; add it to propositions.json"
                  + _did_you_mean(proposition, propositions))
    return issues


def _segment_issues(doc: JsonDocument, text: str, segments: list[tuple[int, int, int]], data: dict
                    ) -> Iterable[Issue]:
    issues = []
    covered_to = 0
    previous = None
    for start, end, index in segments:
        if previous is not None and start < previous[1]:
            covered_to = max(covered_to, end)
            issues.append(Issue(doc.display, doc.line_of(("segments", index)), pointer(("segments", index)),
                                "segment-overlap", f"segment [{start}:{end}] overlaps or precedes segment "
                                                   f"{pointer(('segments', previous[2]))} [{previous[0]}:{previous[1]}]"))
        else:
            gap = text[covered_to:start]
            if gap.strip():
                issues.append(_gap_issue(doc, text, covered_to, start, ("segments", index)))
            covered_to = max(covered_to, end)
        previous = (start, end, index)
    if segments or text.strip():
        tail = text[covered_to:]
        if tail.strip():
            issues.append(_gap_issue(doc, text, covered_to, len(text), ("segments",)))
    return issues


def _gap_issue(doc: JsonDocument, text: str, start: int, end: int, path: tuple) -> Issue:
    gap = text[start:end]
    lead = len(gap) - len(gap.lstrip())
    trail = len(gap.rstrip())
    return Issue(doc.display, doc.line_of(path), pointer(path), "segment-gap",
                 f"text [{start + lead}:{start + trail}] {_show(gap.strip())} lies in no segment; "
                 f"add a segment (boilerplate if it is page furniture)")


def _token_issues(doc: JsonDocument, article: Article, mentions: list[tuple[int, int, int]]) -> list[Issue]:
    """Mentions cut by the tokenizer or crossing a sentence, checked locally around each mention.

    Validation never tokenizes a whole article: a boundary is a token boundary if whitespace is on
    its outer side, otherwise the word around it is tokenized alone (``text.is_token_start``). Two
    sentences meet only where a sentence end or a line break is, so only a mention with one inside is
    checked against the article's sentences (``text.may_cross_sentence``).
    """
    text = article.text
    sentence_starts: list[int] | None = None
    issues = []
    for start, end, index in mentions:
        path = ("entities", index)
        starts_token, ends_token = is_token_start(text, start), is_token_end(text, end)
        if not starts_token or not ends_token:
            cut = []
            if not starts_token:
                cut.append(f"start {start}")
            if not ends_token:
                cut.append(f"end {end}")
            issues.append(Issue(doc.display, doc.line_of(path), pointer(path), "mention-cut-by-tokenizer",
                                f"{' and '.join(cut)} of {_show(text[start:end])} fall inside a token "
                                f"({_show(_token_context(text, start, end))}); mentions are whole tokens"))
            continue
        if not may_cross_sentence(text, start, end):
            continue
        if sentence_starts is None:
            sentence_starts = [s for s, _ in article.sentences()]
        if bisect_right(sentence_starts, start) != bisect_right(sentence_starts, end - 1):
            issues.append(Issue(doc.display, doc.line_of(path), pointer(path), "mention-crosses-sentence",
                                f"{_show(text[start:end])} spans a sentence boundary of the project "
                                f"sentence splitter"))
    return issues


def _token_context(text: str, start: int, end: int) -> str:
    """The tokens a mention touches, from the words around its two ends."""
    first, last = word_around(text, start)[0], word_around(text, end - 1)[1]
    touched = [(s, e) for s, e in tokenize(text, first, last) if s < end and start < e] or [(start, end)]
    return " ".join(text[s:e] for s, e in touched)


def _is_key(value: Any) -> bool:
    """A well-formed registry key (a malformed one is the schema's finding, not a dangling key)."""
    return isinstance(value, str) and len(value) <= 100 and bool(KEY.match(value))


def _show(value: Any, limit: int = 80) -> str:
    if not isinstance(value, str):
        return repr(value)
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(shown)


def _did_you_mean(key: str, known: dict) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
