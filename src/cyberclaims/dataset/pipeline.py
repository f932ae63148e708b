"""The build's pipeline: the gold articles, in runs, each checked and made into Parquet shards by one worker.

The articles (in id order) are cut into runs whose boundaries depend on the ids alone (``article_runs``).
Each run is one task: its articles are checked by validation (``validation.articles.check_files``,
which writes nothing), the valid ones become rows (``rows``) and the rows the run's shard of each
config and split (``RunWriter``). Only figures travel back to the calling process. With a
:class:`~cyberclaims.dataset.cache.RunCache`, a run whose files, registry reads and code are unchanged is
copied from the cache instead (findings and shards alike). Runs go through ``core.pool.map_in_order``:
results come back in run order, so nothing depends on scheduling or on the number of workers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..core.libc import libc
from ..core.model import Article, ArticleFiles, Registry, RegistryView
from ..core.pool import map_in_order
from ..core.shapes import ANY, Count, Record, shaped
from ..core.vocabulary import SPLITS
from ..validation.articles import ArticleBytes, Findings, check_files, read_article_bytes
from ..validation.runner import CollectionPlan, worker_count
from . import rows
from .arrow import NerColumns, table_from_rows
from .cache import RunCache, Status
from .layout import partial_path
from .parquet import Shard, ShardWriter, parquet_schema
from .stats import CorpusStats, EntityUsage, SplitFigures
from .withhold import withhold_row

# Articles per shard, on average: the articles, in id order, are cut into runs, and each run becomes
# one shard of each config and split, written by one worker. Boundaries are content-defined, as in
# content-defined chunking: a run ends after an article whose id hashes to 0 modulo 3/4 of this number
# (750), once it holds at least 1/4 of it (no tiny shards), and at RUN_LIMIT times it at most. They
# depend on the ids alone, so adding or removing an article changes its own run (and at most the next
# one, where runs fall back into step), never the runs after it, which the cache then reuses. Shards
# are bounded in size, and their contents never depend on the number of workers.
SHARD_ARTICLES = 1000
RUN_LIMIT = 4
# A run is made in parts of about this many articles, cut as runs are: each part's rows become Arrow
# tables (Python rows, which hold the parsed files, stay few), and each part is cached on its own, so that
# an edit or an addition re-derives one part. The shard writer cuts the tables into row groups of exact
# sizes whatever the parts are.
PART_ARTICLES = 100
# At most this many times PART_ARTICLES: an edit in a long stretch without a cut re-derives no more.
PART_LIMIT = 2


@dataclass
class Run:
    """A run of articles and its place in the build (which names its shards)."""

    number: int
    articles: list[ArticleFiles]

    def __len__(self) -> int:
        return len(self.articles)


def content_defined_cuts(articles: list[ArticleFiles], mean: int, limit: int) -> list[list[ArticleFiles]]:
    """Cut the articles (in id order) where the ids say: after an article whose id hashes to 0 modulo 3/4
    of ``mean``, once the piece holds at least 1/4 of it, and at ``limit`` times it at most. The cuts
    depend on the ids alone: adding or removing an article changes its own piece and at most the next."""
    shortest, modulus, longest = max(1, mean // 4), max(1, mean * 3 // 4), limit * mean
    pieces: list[list[ArticleFiles]] = []
    current: list[ArticleFiles] = []
    for files in articles:
        current.append(files)
        mark = int.from_bytes(hashlib.sha256(files.id.encode()).digest()[:8], "big")
        if (mark % modulus == 0 and len(current) >= shortest) or len(current) >= longest:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def article_runs(articles: list[ArticleFiles]) -> list[Run]:
    """Cut the articles (in id order) into runs whose boundaries depend only on the ids."""
    return [Run(number, run) for number, run in enumerate(content_defined_cuts(articles, SHARD_ARTICLES, RUN_LIMIT))]


def run_parts(run: Run) -> list[list[ArticleFiles]]:
    """Cut a run into parts the same way (``PART_ARTICLES`` on average), each cached on its own."""
    return content_defined_cuts(run.articles, PART_ARTICLES, PART_LIMIT)


@dataclass
class RunOutput:
    """What a run made: its shards (on disk, under their partial names) and its figures for the card."""

    shards: list[Shard]
    stats: CorpusStats
    usage: EntityUsage


@dataclass
class RunResult:
    findings: Findings
    output: RunOutput
    cache_key: str | None  # None: not cacheable
    reused: bool  # copied from the cache, not checked again
    part_keys: list[str]  # the cache entries of its parts (kept while the run is)


@dataclass(frozen=True)
class RunContext:
    """What every run of one build needs (sent once to each worker)."""

    root: Path
    folder: Path  # the staging folder the shards are written into
    registry: Registry
    withhold_text: bool
    cache: RunCache | None


def build_runs(
    plan: CollectionPlan,
    context: RunContext,
    collect: Callable[[RunOutput], None],
    *,
    jobs: int | None,
    show_progress: bool,
) -> Findings:
    """Check and write every run of the gold collection ``plan``; each run's output goes to ``collect`` in
    run order. Returns what validation found (the caller decides whether the shards are published)."""
    workers = worker_count(jobs, len(plan.selected))
    findings = Findings()
    runs = article_runs(plan.selected) or [Run(0, [])]
    for result in map_in_order(
        build_run, context, runs, workers=workers, desc=f"validate {plan.name}", show_progress=show_progress
    ):
        findings.merge(result.findings)
        if context.cache is not None:
            context.cache.note(result.cache_key, result.reused)
            context.cache.used.update(result.part_keys)
        collect(result.output)
    return findings


def build_run(context: RunContext, run: Run) -> RunResult:
    """One run: from the cache when its inputs are unchanged; else made of its parts (each from the cache or
    checked and made into rows), written as the run's shards, and stored if clean.

    Parts are cut by ``run_parts``: an edit re-derives the rows of its part only, and the run's shards
    are written again from the others' cached Arrow tables (the shard writer cuts row groups of exact
    sizes, so the bytes are what a clean build writes). A run's key is made of its parts' keys, and each
    part's key of the bytes its rows are made from (see ``cache.py``).
    """
    cache = context.cache
    parts = run_parts(run)
    status = None
    sources: list[PartSource] = []
    if cache is not None:
        status = cache.status(run.articles, "run")
        key = cache.noted(status)
        reused = _reuse_run(context, run, key) if key is not None else None
        if reused is not None:
            return reused
        # The run's key from its parts' keys, each from its note or from its bytes. A part without an entry
        # is made again, and so is its run: the keys of the parts after it are not worked out here.
        for articles in parts:
            sources.append(_part_source(context, cache, articles))
            if sources[-1].key is None or not cache.has(sources[-1].key):
                break
        else:
            key = cache.derived_key("run", [source.key for source in sources if source.key is not None])
            reused = _reuse_run(context, run, key)
            if reused is not None:
                cache.remember(status, key, run.articles, "run")
                return reused
    findings = Findings()
    writer = RunWriter(context.folder, run.number, context.withhold_text)
    reads: dict[str, set[str]] = {"entities": set(), "propositions": set(), "events": set()}
    part_keys: list[str | None] = []
    for number, articles in enumerate(parts):
        part = build_part(context, articles, sources[number] if number < len(sources) else None)
        findings.merge(part.findings)
        writer.add_part(part)
        for table, keys in part.reads.items():
            reads[table].update(keys)
        part_keys.append(part.key)
    output = writer.finish()
    kept = [key for key in part_keys if key is not None]
    if cache is None or len(kept) != len(part_keys):
        return RunResult(findings, output, None, False, kept)
    key = cache.derived_key("run", kept)
    if not findings.has_errors:
        description, blobs = dump_output(output)
        header = {
            "batch": findings.to_json(),
            "output": description,
            "parts": kept,
            "articles": ids_digest(run.articles),
        }
        cache.store(key, header, context.registry, {t: sorted(k) for t, k in reads.items()}, blobs)
        cache.remember(status, key, run.articles, "run")
    return RunResult(findings, output, key, False, kept)


def _reuse_run(context: RunContext, run: Run, key: str) -> RunResult | None:
    """The run from the cache entry ``key``, its shards put in place; None when there is no usable entry."""
    assert context.cache is not None
    found = context.cache.load(key, context.registry)
    if found is None:
        return None
    header, blobs, digests = found
    try:
        if not shaped(header.get("parts"), [str]) or header.get("articles") != ids_digest(run.articles):
            raise ValueError("not an entry of this run's articles")
        findings = Findings.from_json(header.get("batch"))
        output = restore_output(context.folder, header.get("output"), blobs, digests, run.number)
    except (ValueError, OSError, pa.ArrowException):
        return None  # an entry of another shape: check the run instead
    return RunResult(findings, output, key, True, header["parts"])


def ids_digest(articles: list[ArticleFiles]) -> str:
    """The ids of a run or a part, as a digest: an entry holds it, so that a note leading to another run's
    entry is a miss."""
    return hashlib.sha256("\n".join(files.id for files in articles).encode()).hexdigest()


@dataclass
class PartSource:
    """Where a part's key came from: a status note (``contents`` None) or the part's bytes as read (kept
    when there is no entry of that key, to be checked and made into rows from the very same bytes)."""

    status: Status | None
    key: str | None
    contents: list[ArticleBytes] | None
    noted: bool = False  # the key is a status note's


def _part_source(context: RunContext, cache: RunCache, articles: list[ArticleFiles]) -> PartSource:
    status = cache.status(articles, "part")
    key = cache.noted(status)
    if key is not None and cache.has(key):
        return PartSource(status, key, None, noted=True)
    contents = [read_article_bytes(files, context.root) for files in articles]
    key = cache.content_key(contents, "part")
    if key is not None and cache.has(key):
        return PartSource(status, key, None)  # the entry is loaded by key: these bytes are not needed
    return PartSource(status, key, contents)


@dataclass
class RunPart:
    """A part of a run: what validation found, its rows as Arrow tables, its figures, the registry reads."""

    findings: Findings
    tables: list[tuple[str, str, pa.Table]]  # (config, split, table), in the order they are written
    stats: CorpusStats
    usage: EntityUsage
    reads: dict[str, list[str]]
    key: str | None = None


def build_part(context: RunContext, articles: list[ArticleFiles], source: PartSource | None = None) -> RunPart:
    """A part from the cache when its files and the registry entries it read are unchanged; else checked,
    made into rows from the bytes its key was made of, and stored if clean. ``source``: its key, worked
    out already (by ``build_run``)."""
    cache = context.cache
    contents: list[ArticleBytes] | None = None
    key = None
    if cache is not None:
        source = source if source is not None else _part_source(context, cache, articles)
        if source.key is not None and source.contents is None:
            part = _reuse_part(context, source.key, articles)
            if part is not None:
                if not source.noted:
                    cache.remember(source.status, source.key, articles, "part")
                return part
            source = PartSource(source.status, None, None)  # a damaged entry: read the files after all
        contents = source.contents
        if contents is None:
            contents = [read_article_bytes(files, context.root) for files in articles]
        key = cache.content_key(contents, "part")
    registry = context.registry.view()  # notes what the rules and the rows read: part of the cache key
    findings = Findings()
    rows_of = PartRows(context.withhold_text)
    for number, files in enumerate(articles):
        article = check_files(
            files, context.root, True, registry, findings, contents=None if contents is None else contents[number]
        )
        if article is not None:
            rows_of.add(article, registry)
    part = RunPart(findings, rows_of.tables(), rows_of.stats, rows_of.usage, registry.reads(), key)
    if cache is not None and key is not None and not findings.has_errors:
        names = [[config, split] for config, split, _ in part.tables]
        header = {
            "part": findings.to_json(),
            "articles": ids_digest(articles),
            "tables": names,
            "stats": part.stats.to_json(),
            "usage": part.usage.to_json(),
        }
        cache.store(key, header, context.registry, part.reads, [_ipc_bytes(t) for _, _, t in part.tables])
        cache.remember(source.status if source is not None else None, key, articles, "part")
    return part


def _reuse_part(context: RunContext, key: str, articles: list[ArticleFiles]) -> RunPart | None:
    """The part of ``articles`` from the cache entry ``key``; None when there is no usable entry."""
    assert context.cache is not None
    found = context.cache.load(key, context.registry)
    if found is None:
        return None
    header, blobs, _ = found
    try:
        if header.get("articles") != ids_digest(articles):
            raise ValueError("not an entry of these articles")
        part = _restore_part(header, blobs)
    except (ValueError, OSError, pa.ArrowException):
        return None  # an entry of another shape: make the part again
    part.key = key
    return part


def _ipc_bytes(table: pa.Table) -> bytes:
    """A table as an Arrow IPC stream (compressed: the cache holds every part of the last build)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as stream:
        stream.write_table(table)
    return sink.getvalue().to_pybytes()


# The configs a run's shards and a part's tables may be of (the others are made from the whole corpus).
RUN_CONFIGS = ("documents", "claims", "ner")
_PART_SHAPE = Record(
    {
        "part": ANY,  # Findings.from_json checks it
        "articles": str,
        "tables": [(str, str)],
        "stats": ANY,
        "usage": ANY,
        **{name: ANY for name in ("key", "fingerprint", "reads", "reads_digest", "blobs")},  # the cache's own
    }
)


def _restore_part(header: dict[str, Any], blobs: list[bytes]) -> RunPart:
    """A part from its cache entry; ValueError (or an Arrow error) when the header's figures and names do
    not match its blobs."""
    if not shaped(header, _PART_SHAPE) or len(header["tables"]) != len(blobs):
        raise ValueError("not a part's entry")
    tables = []
    for (config, split), blob in zip(header["tables"], blobs, strict=True):
        table = pa.ipc.open_stream(pa.py_buffer(blob)).read_all()
        if config not in RUN_CONFIGS or not table.schema.equals(parquet_schema(config), check_metadata=True):
            raise ValueError(f"a table of {config!r} with other columns")
        tables.append((config, split, table))
    part = RunPart(
        Findings.from_json(header["part"]),
        tables,
        CorpusStats.from_json(header["stats"]),
        EntityUsage.from_json(header["usage"]),
        {table: list(keys) for table, keys in header["reads"].items()},  # as stored: the run's key needs them
    )
    rows = {(config, split): table.num_rows for config, split, table in tables}
    tokens = {split: _tag_count(table) for config, split, table in tables if config == "ner"}
    check_figures(rows, part.stats, part.usage, tokens)
    return part


def _tag_count(table: pa.Table) -> int:
    """The tokens of a ``ner`` table: the lengths of its tag lists."""
    return int(pc.sum(pc.list_value_length(table.column("ner_tags"))).as_py() or 0)


def check_figures(
    rows: dict[tuple[str, str], int], stats: CorpusStats, usage: EntityUsage, tokens: dict[str, int] | None = None
) -> None:
    """ValueError unless the rows of a cached result (by config and split) are what its figures count: a
    documents row per article, a claims row per claim, as many entity-usage ids as articles (and, given
    ``tokens`` by split, a tag per token)."""
    if any(split not in SPLITS for _, split in rows):
        raise ValueError("a split that does not exist")
    for split in {split for _, split in rows} | set(stats.splits):
        figures = stats.splits.get(split, SplitFigures())
        if rows.get(("documents", split), 0) != figures.articles or rows.get(("claims", split), 0) != figures.claims:
            raise ValueError(f"the rows of {split} are not what its figures count")
        if tokens is not None and tokens.get(split, 0) != figures.tokens:
            raise ValueError(f"the tokens of {split} are not what its figures count")
    if len(usage.ids) != sum(figures.articles for figures in stats.splits.values()):
        raise ValueError("the entity usage is not of the articles counted")


def dump_output(output: RunOutput) -> tuple[dict[str, Any], list[bytes]]:
    """A run's output for the cache: its figures, and its shards' bytes."""
    shards = [[s.config, s.split, s.num_examples, s.num_bytes] for s in output.shards]
    blobs = [s.path.read_bytes() if s.num_examples else b"" for s in output.shards]
    return {"shards": shards, "stats": output.stats.to_json(), "usage": output.usage.to_json()}, blobs


_OUTPUT_SHAPE = Record({"shards": [(str, str, Count, Count)], "stats": ANY, "usage": ANY})


def restore_output(
    folder: Path,
    description: Any,
    blobs: list[bytes],
    digests: list[str],
    number: int,
    configs: tuple[str, ...] = RUN_CONFIGS,
) -> RunOutput:
    """Put a cached run's shards in place as run ``number`` (its position in this build); ``digests`` are
    the blobs' sha256, checked as the cache read them (the manifest takes them as they are).

    ValueError (or an Arrow error), before anything is written, unless the description has the shape
    ``dump_output`` writes and its figures match the blobs: a shard of one of ``configs`` and of a split
    that exists, once each, with as many rows as its Parquet footer says and its config's columns, and rows
    that are what the figures count."""
    if not shaped(description, _OUTPUT_SHAPE) or not len(description["shards"]) == len(blobs) == len(digests):
        raise ValueError("not a run's output")
    named = {(config, split) for config, split, _, _ in description["shards"]}
    if len(named) != len(blobs) or any(config not in configs or split not in SPLITS for config, split in named):
        raise ValueError("shards of unknown or repeated configs and splits")
    for (config, _, examples, size), blob in zip(description["shards"], blobs):
        if not examples:
            if blob or size:
                raise ValueError("a shard without rows with bytes")
            continue
        footer = pq.ParquetFile(pa.BufferReader(blob)).metadata
        stored, expected = footer.schema.to_arrow_schema(), parquet_schema(config)
        # (Parquet names a list's items "element" where Arrow says "item": equals() looks past the names)
        if footer.num_rows != examples or not stored.equals(expected) or stored.metadata != expected.metadata:
            raise ValueError(f"a shard of {config} whose rows or columns are not what its entry says")
    stats, usage = CorpusStats.from_json(description["stats"]), EntityUsage.from_json(description["usage"])
    check_figures({(config, split): examples for config, split, examples, _ in description["shards"]}, stats, usage)
    shards = []
    for (config, split, examples, size), blob, sha256 in zip(description["shards"], blobs, digests, strict=True):
        path = partial_path(folder, config, split, number)
        if examples:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob)
        shards.append(Shard(config, split, path, examples, size, sha256 if examples else ""))
    return RunOutput(shards, stats, usage)


def withheld(
    config: str, items: list[dict[str, Any]], withhold_text: bool, text: str | None = None
) -> list[dict[str, Any]]:
    """The rows as published: without article and span texts when they are withheld (``text``: the rows'
    article, whose verbatim runs their other fields withhold too; by default each row's own ``text``)."""
    return [withhold_row(config, row, text) for row in items] if withhold_text else items


class PartRows:
    """Turns each valid article of a part into rows, then the rows into Arrow tables."""

    def __init__(self, withhold_text: bool) -> None:
        self.withhold_text = withhold_text
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.ner: dict[str, NerColumns] = {}
        self.stats, self.usage = CorpusStats(), EntityUsage()

    def add(self, article: Article, registry: RegistryView) -> None:
        split = rows.split_of(article)
        ner = self.ner.setdefault(split, NerColumns())
        tokens = 0
        for number, (words, starts, ends, tags) in enumerate(rows.ner_sentences(article)):
            ner.add(rows.ner_row_id(article, number), article.id, words, starts, ends, tags)
            tokens += len(tags)
        self.stats.add(article, split, tokens=tokens)
        self.usage.add(article, split)
        claims = list(rows.claim_rows(article, registry))
        if self.stats.example_claim is None and claims:  # the card's example: as the published row
            self.stats.example_claim = withheld("claims", claims[:1], self.withhold_text, article.text)[0]
        for config, items in (("documents", [rows.document_row(article)]), ("claims", claims)):
            self.rows.setdefault((config, split), []).extend(withheld(config, items, self.withhold_text, article.text))

    def tables(self) -> list[tuple[str, str, pa.Table]]:
        tables = [
            (config, split, table_from_rows(config, items, parquet_schema(config)))
            for (config, split), items in self.rows.items()
            if items
        ]
        tables += [
            ("ner", split, ner.table(parquet_schema("ner"), withhold_text=self.withhold_text))
            for split, ner in self.ner.items()
            if len(ner)
        ]
        return tables


class RunWriter:
    """Writes a run's parts, in order, as the run's shard of each config and split."""

    def __init__(self, folder: Path, number: int, withhold_text: bool) -> None:
        self.folder, self.number, self.withhold_text = folder, number, withhold_text
        self.writers: dict[tuple[str, str], ShardWriter] = {}
        self.stats, self.usage = CorpusStats(), EntityUsage()

    def add_part(self, part: RunPart) -> None:
        for config, split, table in part.tables:
            if (config, split) not in self.writers:
                self.writers[(config, split)] = ShardWriter(self.folder, config, split, self.number)
            self.writers[(config, split)].add_table(table)
        self.stats.merge(part.stats)
        self.usage.merge(part.usage)

    def finish(self) -> RunOutput:
        shards = [writer.close() for writer in self.writers.values()]
        self.writers.clear()
        release_memory()  # a worker lives for the whole build: give this run's buffers back
        return RunOutput(shards, self.stats, self.usage)


def release_memory() -> None:
    """Hand freed memory back to the system now and then, so peak RSS tracks live data, not history.

    Each run of articles becomes Arrow tables and Parquet pages; the freed buffers otherwise stay
    mapped (Arrow's allocator and glibc's arenas keep them for reuse) and RSS creeps up with the corpus.
    """
    pa.default_memory_pool().release_unused()
    c = libc()
    if c is not None and hasattr(c, "malloc_trim"):  # glibc only
        c.malloc_trim(0)
