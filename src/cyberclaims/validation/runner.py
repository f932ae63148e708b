"""The validation run: discover the collections, check every article, and collect one report.

JSON Schema first (every error, not the first), then the rules a schema cannot express
(``article_rules``, ``registries``), an article at a time (``articles.check_files``); then what spans
a collection (duplicate texts, registry entries no article uses). Large corpora are checked in batches
in a process pool (``core.pool``); batches are merged in order, so the report never depends on
scheduling. Validation only reads: it writes nothing. The build walks the same collections with
:class:`SourceCheck`, checking the gold articles in its own runs as it writes their rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.adjudication import DECISIONS_FILE
from ..core.errors import UsageError
from ..core.issues import Issue, Report, printable
from ..core.jsondoc import pointer
from ..core.model import ArticleFiles, Collection, Corpus, LoadedCollection, Registry, relative
from ..core.pool import map_in_order
from ..core.vocabulary import ARTICLE_ID, REGISTRY_FILES
from .adjudication import adjudication_issues
from .articles import NO_DIGEST, BatchContext, Findings, check_batch, text_sha256
from .discovery import discover
from .pass_register import SUGGESTIONS, register_issues
from .registries import load_registry, unused_registry_entries
from .released import load_released_splits, split_changes
from .suggestions import folder_outcome

# Below this many articles a process pool costs more than it saves.
PARALLEL_MIN_ARTICLES = 400
BATCH_SIZE = 200


def validate(
    root: Path,
    paths: Sequence[Path] | None = None,
    *,
    show_progress: bool = True,
    keep_articles: bool = True,
    jobs: int | None = 1,
) -> tuple[Corpus, Report]:
    """Validate the repository at ``root`` (or only the articles named in ``paths``).

    ``keep_articles=False`` keeps no parsed gold article in memory; ``jobs`` > 1 (None: one per core)
    checks large corpora in a process pool. Writes nothing.
    """
    sources = SourceCheck(Path(root), paths)
    for plan in sources.collections():
        keep = keep_articles or not plan.is_gold
        sources.finish(
            plan, check_collection(plan, sources.root, keep=keep, jobs=jobs, show_progress=show_progress), kept=keep
        )
    return sources.result()


@dataclass
class CollectionPlan:
    """One collection about to be checked: its registries (already read and checked) and its articles."""

    collection: Collection
    registry: Registry
    selected: list[ArticleFiles]  # the articles to check, in id order

    @property
    def is_gold(self) -> bool:
        return self.collection.name == "gold"

    @property
    def name(self) -> str:
        return self.collection.name


def check_collection(
    plan: CollectionPlan, root: Path, *, keep: bool, jobs: int | None = 1, show_progress: bool = True
) -> Findings:
    """Check a collection's selected articles in batches of ``BATCH_SIZE`` (a process pool for large ones)."""
    # parsed articles kept in memory cannot come back from a worker cheaply
    workers = 1 if keep else worker_count(jobs, len(plan.selected))
    batches = [plan.selected[i : i + BATCH_SIZE] for i in range(0, len(plan.selected), BATCH_SIZE)] or [[]]
    findings = Findings()
    context = BatchContext(root, plan.is_gold, plan.registry, keep)
    for result in map_in_order(
        check_batch, context, batches, workers=workers, desc=f"validate {plan.name}", show_progress=show_progress
    ):
        findings.merge(result)
    return findings


def worker_count(jobs: int | None, articles: int) -> int:
    """The processes to check ``articles`` with: ``jobs`` (None: one per core), or 1 where a process pool
    would cost more than it saves (fewer than ``PARALLEL_MIN_ARTICLES``)."""
    if articles < PARALLEL_MIN_ARTICLES:
        return 1
    return (os.cpu_count() or 1) if jobs is None else max(1, jobs)


@dataclass
class SourceCheck:
    """A validation run over the collections of ``root``, one collection at a time.

    ``collections()`` yields each collection with its registries read and checked; the caller checks its
    articles (``check_collection``, or the build's runs) and hands the findings to ``finish``;
    ``result()`` then adds what spans the corpus and returns the corpus and its report.
    """

    root: Path
    paths: Sequence[Path] | None = None
    report: Report = field(default_factory=Report)
    _loaded: list[LoadedCollection] = field(default_factory=list)
    _duplicate_groups: list[list[ArticleFiles]] = field(default_factory=list)
    _named_passes: dict[str, list] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._wanted = _wanted_ids(self.root, self.paths)
        if self._wanted is None:
            self.paths = None
        self._discovered = discover(self.root)

    def collections(self) -> Iterator[CollectionPlan]:
        """Each collection that exists, gold first, with its registries read (their problems reported)."""
        for collection in self._discovered:
            is_gold = collection.name == "gold"
            self.report.issues.extend(i for i in collection.issues if _selected(i.file, self.root, self.paths))
            if not collection.folder.is_dir():
                self._loaded.append(LoadedCollection(collection.name, [], Registry()))
                continue
            registry = load_registry(collection, self.root, self.report, check=self.paths is None or is_gold)
            selected = [a for a in collection.articles if self._wanted is None or a.id in self._wanted]
            yield CollectionPlan(collection, registry, selected)

    def finish(self, plan: CollectionPlan, findings: Findings, *, kept: bool) -> LoadedCollection:
        """Take a collection's findings; add what spans it (duplicate texts, unused registry entries).
        ``kept``: the findings hold the parsed articles (else they are read again when needed)."""
        collection = plan.collection
        self.report.issues.extend(findings.issues)
        self.report.files_checked += findings.files_checked
        if plan.is_gold:
            self._named_passes = findings.named_passes
            digests, owners = bytearray(findings.digests), list(plan.selected)
            checked = {a.id for a in plan.selected}
            for files in collection.articles:  # texts outside the selection still count as duplicates
                if files.id not in checked and files.text_path is not None and files.json_path is not None:
                    digests += text_sha256(files.text_path) or NO_DIGEST
                    owners.append(files)
            self._duplicate_groups = _duplicates(digests, owners)
            # stable splits: an article of a published release keeps its split (releases/splits.json)
            released, problems = load_released_splits(self.root)
            self.report.issues += problems
            self.report.issues += split_changes(self.root, plan.selected, findings.splits, released)
        all_read = findings.read == sum(1 for a in collection.articles if a.has_json)
        if self.paths is None and all_read:  # usage is unknown while an article cannot be read
            self.report.issues.extend(
                unused_registry_entries(
                    collection,
                    plan.registry,
                    findings.used_entities,
                    findings.used_propositions,
                    findings.used_events,
                    self.root,
                )
            )
        complete = [a for a in collection.articles if a.complete]
        loaded = LoadedCollection(collection.name, findings.articles, plan.registry, complete, kept)
        self._loaded.append(loaded)
        return loaded

    def result(self) -> tuple[Corpus, Report]:
        self.report.issues.extend(_duplicate_text_issues(self._duplicate_groups, self.root, self.paths))
        pass_names = [c.name for c in self._discovered[1:] if c.folder.is_dir()]
        for name, (file, line, where) in sorted(self._named_passes.items()):
            if name not in pass_names:
                self.report.issues.append(
                    Issue(
                        file,
                        line,
                        where,
                        "provenance-unknown-pass",
                        f"an adjudicated layer names pass {name!r}, which is not a folder of annotations/passes/; "
                        f"a gold layer is decided from passes that are kept",
                    )
                )
        if self.paths is None:
            self.report.issues.extend(register_issues(self.root, pass_names))
            passes = [c for c in self._loaded[1:] if c.name in pass_names]
            for collection in passes:
                self.report.issues.extend(_suggestion_issues(self.root, collection))
            self.report.issues.extend(adjudication_issues(self.root, self._loaded[0], passes, self.report))
        return Corpus(self.root, self._loaded[0], self._loaded[1:]), self.report


def _suggestion_issues(root: Path, collection: LoadedCollection) -> list[Issue]:
    """A pass that kept the suggestions it started from: the file reads, and every span that says it came
    from a suggestion names one that is there (the articles' own problems are reported where they are). A
    layer whose provenance names the suggestions file needs it in the pass folder, and a layer that records
    suggestions names the system and version that the file holds (else the record is not what was delivered)."""
    name = collection.name
    folder = root / "annotations" / "passes" / name
    shown = f"annotations/passes/{name}"
    path = folder / SUGGESTIONS
    kept = path.is_file() and not path.is_symlink()
    issues: list[Issue] = []
    outcome = None
    if kept:
        outcome, found = folder_outcome(folder, shown)
        if outcome is None:
            issues += [i for i in found if i.file == f"{shown}/{SUGGESTIONS}"]
        else:
            issues += [
                Issue(
                    f"{shown}/{entry.split(' ', 1)[0]}.json",
                    None,
                    "",
                    "span-origin-dangling",
                    entry.split(" ", 1)[1] + f" ({shown}/{SUGGESTIONS})",
                )
                for entry in outcome.dangling
            ]
    for article in collection.iter_articles(root):
        record = article.data.get("provenance")
        for layer, made in sorted(record.items()) if isinstance(record, dict) else ():
            suggestions = made.get("suggestions") if isinstance(made, dict) else None
            if not isinstance(suggestions, dict):
                continue
            where = ("provenance", layer, "suggestions")
            if suggestions.get("file") is not None and not kept:
                issues.append(
                    Issue(
                        article.display,
                        article.doc.line_of((*where, "file")),
                        pointer((*where, "file")),
                        "provenance-invalid",
                        f"the {layer} layer started from {suggestions['file']}, which is not a regular file of "
                        f"{shown}: keep the suggestions, as delivered, beside the pass",
                    )
                )
            elif outcome is not None and (suggestions.get("system"), suggestions.get("version")) != (
                outcome.system,
                outcome.version,
            ):
                issues.append(
                    Issue(
                        article.display,
                        article.doc.line_of(where),
                        pointer(where),
                        "provenance-invalid",
                        f"the {layer} layer says it started from {suggestions.get('system')!r} version "
                        f"{suggestions.get('version')!r}, but {shown}/{SUGGESTIONS} holds {outcome.system!r} version "
                        f"{outcome.version!r}",
                    )
                )
    return issues


def _duplicate_text_issues(groups: list[list[ArticleFiles]], root: Path, paths: Sequence[Path] | None) -> list[Issue]:
    """One issue per article whose text another article has too (each is reported where it is)."""
    issues = []
    for group in groups:
        names = []
        for files in group:
            assert files.text_path is not None  # a text in a group of duplicates was read, so it exists
            names.append(relative(files.text_path, root))
        if len(names) > 1:
            for name in names:
                others = ", ".join(n for n in names if n != name)
                if _selected(name, root, paths):
                    issues.append(
                        Issue(
                            name,
                            None,
                            "",
                            "duplicate-text",
                            f"has the same text as {others}; each article enters the corpus once",
                        )
                    )
    return issues


# ---------------------------------------------------------------------------------------------
# Selecting what to check


def _wanted_ids(root: Path, paths: Sequence[Path] | None) -> set[str] | None:
    """The ids named by ``paths`` (None: every article). A path that names no article of this repository
    (a file outside ``annotations/``, a README) is refused: validating something else instead and
    reporting success would be a success that is not true."""
    if not paths:
        return None
    annotations = (Path(root) / "annotations").resolve()
    ids: set[str] = set()
    everything = False
    for path in paths:
        path = Path(path)
        resolved = path.resolve()
        if path.is_dir() and (resolved == Path(root).resolve() or resolved.is_relative_to(annotations)):
            everything = True
            continue
        if resolved.parent != annotations and resolved.parent.parent != annotations / "passes":
            raise UsageError(
                f"{printable(str(path))} is not in {printable(str(Path(root) / 'annotations'))} "
                f"or one of its passes: validate names files of the repository at --root "
                f"({printable(str(root))}), not copies elsewhere"
            )
        if path.name in REGISTRY_FILES or (path.name == DECISIONS_FILE and resolved.parent == annotations):
            everything = True  # a registry change can break any article, decisions read them all: check all
        elif path.suffix in (".json", ".txt") and ARTICLE_ID.fullmatch(path.stem):
            ids.add(path.stem)
        else:
            raise UsageError(f"{printable(str(path))} is neither <id>.json, <id>.txt nor a registry")
    return None if everything else ids


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


def _duplicates(digests: bytearray, owners: list[ArticleFiles]) -> list[list[ArticleFiles]]:
    """Groups of articles with the same text, found by sorting the digests: no dict per article."""
    view = memoryview(digests)
    keys = [view[start : start + 32].tobytes() for start in range(0, len(digests) - 31, 32)]  # each cut once
    order = sorted((i for i, digest in enumerate(keys) if digest != NO_DIGEST), key=keys.__getitem__)
    groups: list[list[ArticleFiles]] = []
    current: list[int] = []
    for i in order:
        if current and keys[current[-1]] != keys[i]:
            if len(current) > 1:
                groups.append([owners[j] for j in sorted(current)])
            current = []
        current.append(i)
    if len(current) > 1:
        groups.append([owners[j] for j in sorted(current)])
    return groups
