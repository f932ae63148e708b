"""Build the publishable dataset folder from validated sources: Parquet shards, card, manifest.

The folder is written in a temporary sibling and swapped in at the end, so a failed or interrupted
build leaves the previous ``dataset/`` as it was. Writer options are pinned: the same sources and the
same pyarrow release give byte-identical files.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..core.errors import USAGE_PROBLEM, CyberClaimsError, UsageError, environment_failure
from ..core.files import CLOSE_ON_EXEC, MAX_REGISTRY_BYTES, NO_FOLLOW, read_capped, sha256_file
from ..core.fingerprint import code_fingerprint
from ..core.issues import Report
from ..core.libc import libc
from ..core.model import Registry
from ..core.vocabulary import SPLITS
from ..core.wording import count
from ..validation.runner import SourceCheck, check_collection
from . import rows
from .arrow import table_from_rows
from .cache import RunCache, cache_folder, open_cache
from .card import write_card
from .configs import CONFIGS
from .croissant import write_croissant
from .layout import BUILD_SHARD, shard_file, shard_name
from .making import GUIDELINES_FILE
from .manifest import MANIFEST, write_manifest
from .metadata import LICENSE_FILE
from .parquet import Shard, ShardWriter
from .pipeline import (
    PART_ARTICLES,
    PART_LIMIT,
    RUN_LIMIT,
    SHARD_ARTICLES,
    RunContext,
    RunOutput,
    build_runs,
    dump_output,
    release_memory,
    restore_output,
    withheld,
)
from .stats import CorpusStats, EntityUsage


class BuildError(CyberClaimsError):
    """The build could not run: invalid sources (the report says why) or an unusable output path."""


@dataclass
class SplitInfo:
    name: str
    num_examples: int
    num_bytes: int
    files: list[str]


@dataclass
class ConfigInfo:
    name: str
    splits: list[SplitInfo] = field(default_factory=list)


@dataclass
class BuildResult:
    output: Path
    configs: list[ConfigInfo]
    report: Report
    runs: int = 0  # runs of articles (shards of each config and split)
    reused: int = 0  # of them, taken from the cache
    cache_note: str = ""  # why the cache was not used, when it was refused (said once, by the caller)


def build(
    root: Path,
    output: Path | None = None,
    *,
    show_progress: bool = True,
    withhold_text: bool = False,
    jobs: int | None = None,
    cache: bool = True,
) -> BuildResult:
    """Validate ``root`` and, only if it is clean, write the dataset to ``output`` (``root/dataset``).

    With ``cache`` (the default), runs of articles whose files, registry entries, code and options are
    unchanged since an earlier build of the same output are copied from the cache (see ``cache.py``)
    instead of being checked and written again; the result is byte for byte the same.

    With ``withhold_text`` every article text and span text is left out (see ``withhold.py``). One build
    at a time per output (a second one is refused: :class:`BuildError`). A failure of the file system
    (permission denied, disk full, read-only) is an :class:`~cyberclaims.core.errors.EnvironmentFailure`
    naming the path, and leaves no staging folder behind. (The HTML viewer is not part of the dataset:
    ``cyberclaims render --out site`` writes it.)
    """
    root = Path(root)
    output = Path(output) if output is not None else root / "dataset"
    check_output_folder(root, output)  # before anything is made beside it
    try:
        with build_lock(output):
            return _build(
                root, output, show_progress=show_progress, withhold_text=withhold_text, jobs=jobs, cache=cache
            )
    except OSError as exc:
        raise environment_failure(exc, f"write the dataset to {output}", output) from None


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold ``.<name>.lock`` beside ``output`` for the length of a build, or refuse at once.

    Two builds of the same output would remove each other's staging folder. The lock is ``flock`` on a
    file the kernel releases when the process dies (even by ``kill -9``): a stale lock file never blocks.
    """
    parent = output.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f".{output.name}.lock"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | NO_FOLLOW | CLOSE_ON_EXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildError(
                f"another build is running on {output} (it holds {path}); wait for it to "
                f"finish, then run this one again"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        try:  # the build that held it may have removed the file meanwhile: lock the file that is there
            current = os.stat(path, follow_symlinks=False)
            if os.path.samestat(current, os.fstat(fd)):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        try:
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)


def _build(
    root: Path, output: Path, *, show_progress: bool, withhold_text: bool, jobs: int | None, cache: bool
) -> BuildResult:
    parent = output.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(parent, output.name)
    staging = _new_staging_folder(parent, output.name)
    run_cache, note = build_cache(output, withhold_text) if cache else (None, "")  # None: every run checked, written
    try:
        configs, report = build_into(
            root, staging, withhold_text=withhold_text, jobs=jobs, show_progress=show_progress, cache=run_cache
        )
        if configs is None:
            raise BuildError(
                f"validation failed with {count(len(report.errors), 'error')}; nothing was written", report
            )
        _swap_in(staging, output)
    finally:
        if staging.exists():
            remove_tree(staging)
    if run_cache is None:
        return BuildResult(output, configs, report, cache_note=note)
    run_cache.prune()  # the entries of this build stay: the cache holds one dataset's worth of runs
    return BuildResult(output, configs, report, run_cache.runs, run_cache.reused)


def build_cache(output: Path, withhold_text: bool, *, trust_notes: bool = True) -> tuple[RunCache | None, str]:
    """The cache of the builds of ``output`` with these options and "", or None and why there is none
    to use ("" when there is no place for one; see ``cache.open_cache``)."""
    folder = cache_folder(output)
    if folder is None:
        return None, ""
    fingerprint = code_fingerprint("build", withhold_text, SHARD_ARTICLES, RUN_LIMIT, PART_ARTICLES, PART_LIMIT)
    return open_cache(folder, fingerprint, trust_notes=trust_notes)


class OutputFolderError(BuildError, UsageError):
    """The output names a folder the build did not make: it is never replaced (exit status 2)."""

    kind = USAGE_PROBLEM


# Files every build writes: with the manifest, they mark a folder as one that a build made.
BUILD_MARKERS = ("README.md", "croissant.json")


def check_output_folder(root: Path, output: Path) -> None:
    """Refuse an output that a build would destroy data by replacing (``OutputFolderError``).

    The build replaces its output folder whole. That is safe only for a folder that does not exist, an
    empty folder, or a folder a build made: its ``SHA256SUMS`` lists the files every build writes and
    every file the folder holds but shards under ``data/`` (a file the build did not make would be lost).
    The repository, a folder
    holding it, and anything in ``annotations/`` are refused whatever they hold.
    """
    target, repository = Path(os.path.abspath(output)), Path(os.path.abspath(root))
    shown = str(output)
    if (
        target == repository
        or repository.is_relative_to(target)
        or target.resolve() == repository.resolve()
        or repository.resolve().is_relative_to(target.resolve())
    ):
        raise OutputFolderError(
            f"the output {shown} is the repository or a folder holding it; the build replaces "
            f"its output whole: name a new folder such as dataset-copy/"
        )
    annotations = (repository / "annotations").resolve()
    if target.resolve() == annotations or target.resolve().is_relative_to(annotations):
        raise OutputFolderError(f"the output {shown} is in annotations/, the sources; name a folder outside it")
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_dir():
        raise OutputFolderError(
            f"the output {shown} exists and is not a folder; it was left as it is: name a new folder"
        )
    entries = list(target.iterdir())
    if not entries:
        return
    problem = _not_made_by_build(target)
    if problem:
        raise OutputFolderError(
            f"the output {shown} is not a folder that `cyberclaims build` made ({problem}); "
            f"it was left as it is: name a new or empty folder, or move its files away"
        )


# A shard the manifest does not list, in a folder a build made: a config or split an earlier build wrote,
# or a partial shard of an interrupted one. Only a build writes there; anything else unlisted is kept.
_BUILD_LEFTOVER = BUILD_SHARD


def _not_made_by_build(folder: Path) -> str:
    """Why ``folder`` is not (or no longer only) what a build wrote; "" when it is."""
    manifest = folder / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return f"it has no {MANIFEST}"
    data, issues = read_capped(manifest, str(manifest), MAX_REGISTRY_BYTES)
    if data is None:
        return f"its {MANIFEST} {issues[0].message}"
    listed = {line.partition("  ")[2] for line in data.decode("utf-8", "replace").splitlines()}
    missing = [name for name in BUILD_MARKERS if name not in listed]
    if missing:
        return f"its {MANIFEST} does not list {', '.join(missing)}"
    extra = []
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            continue
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST and name not in listed and not _BUILD_LEFTOVER.fullmatch(name):
            extra.append(name)
            if len(extra) > 3:
                break
    if extra:
        more = ", ..." if len(extra) > 3 else ""
        return f"it holds files the build did not write: {', '.join(sorted(extra)[:3])}{more}"
    return ""


def build_into(
    root: Path,
    folder: Path,
    *,
    withhold_text: bool = False,
    jobs: int | None = None,
    show_progress: bool = True,
    cache: RunCache | None = None,
) -> tuple[list[ConfigInfo] | None, Report]:
    """Validate and write the dataset into the empty ``folder`` in the same pass.

    The gold articles go through the pipeline (``pipeline.build_runs``: each run checked and written
    by one worker, or copied from ``cache``); the passes are checked as ``validate`` checks them. Returns
    (None, report) when validation fails: the caller discards the folder, so nothing half-written is
    ever published.
    """
    shards: dict[tuple[str, str], list[Shard]] = {}
    stats, usage = CorpusStats(), EntityUsage()

    def collect(output: RunOutput) -> None:
        for shard in output.shards:
            shards.setdefault((shard.config, shard.split), []).append(shard)
        stats.merge(output.stats)
        usage.merge(output.usage)

    sources = SourceCheck(Path(root))
    for plan in sources.collections():
        if plan.is_gold:
            context = RunContext(sources.root, folder, plan.registry, withhold_text, cache)
            findings = build_runs(plan, context, collect, jobs=jobs, show_progress=show_progress)
            sources.finish(plan, findings, kept=False)
        else:
            sources.finish(
                plan, check_collection(plan, sources.root, keep=True, show_progress=show_progress), kept=True
            )
    corpus, report = sources.result()
    if not report.ok:
        return None, report
    for shard in _entity_shards(folder, usage, corpus.gold.registry, withhold_text, cache):
        shards.setdefault(("entities", shard.split), []).append(shard)
    passes: dict[str, list[dict[str, Any]]] = {}
    for collection in corpus.passes:
        for article in collection.iter_articles(corpus.root):
            passes.setdefault(rows.split_of(article), []).append(
                {"pass_name": collection.name, **rows.document_row(article)}
            )
    for split, items in passes.items():
        writer = ShardWriter(folder, "passes", split, 0)
        writer.add_table(table_from_rows("passes", withheld("passes", items, withhold_text), writer.schema))
        shards.setdefault(("passes", split), []).append(writer.close())
    configs, named = _name_shards(folder, shards)
    cff = corpus.root / "CITATION.cff"
    if cff.is_file():  # shipped with the data, so a copy on the Hub is citable on its own
        shutil.copyfile(cff, folder / "CITATION.cff")
    licensing = corpus.root / LICENSE_FILE
    if licensing.is_file():  # the card's license_link points at it: it travels with the data
        shutil.copyfile(licensing, folder / LICENSE_FILE)
    guidelines = corpus.root / "annotations" / GUIDELINES_FILE
    if guidelines.is_file():  # what the labels mean, at the version they were made under: shipped with them
        shutil.copyfile(guidelines, folder / GUIDELINES_FILE)
    results = corpus.root / "benchmarks" / "baselines.json"
    if results.is_file():  # the leaderboard's source travels with the data it was computed on
        shutil.copyfile(results, folder / "baselines.json")
    write_card(folder, corpus, configs, stats, withheld=withhold_text)
    # every shard's sha256 once, for Croissant and the manifest (a shard copied from the cache: checked as read)
    hashes = {name: shard.sha256 or sha256_file(folder / name) for name, shard in named.items()}
    write_croissant(folder, configs, corpus, hashes, stats.provenance)
    write_manifest(folder, hashes)
    return configs, report


def _entity_shards(
    folder: Path, usage: EntityUsage, registry: Registry, withhold_text: bool, cache: RunCache | None
) -> list[Shard]:
    """The ``entities`` config, one shard per split: from the cache when the entity usage of the whole
    corpus and the registry entries it names are what they were (an edit that moves no mention)."""
    key = hashlib.sha256(f"entities\n{cache.fingerprint}\n{usage.digest()}".encode()).hexdigest() if cache else ""
    if cache is not None:
        found = cache.load(key, registry)
        if found is not None:
            header, blobs, digests = found
            try:
                shards = restore_output(folder, header.get("output"), blobs, digests, 0, ("entities",)).shards
                if any(shard.num_examples != len(usage.articles.get(shard.split, ())) for shard in shards):
                    raise ValueError("not a row per entity used")
            except (ValueError, OSError, pa.ArrowException):
                pass  # an entry of another shape: write the shards instead
            else:
                cache.used.add(key)
                return shards
    written = []
    for split in SPLITS:
        writer = ShardWriter(folder, "entities", split, 0)
        entity_rows = usage.rows(split, registry.entities)
        # a row group at a time: an entity's row lists the articles it occurs in, most of a big corpus
        while chunk := list(islice(entity_rows, CONFIGS["entities"].row_group_rows)):
            chunk = withheld("entities", chunk, withhold_text)
            writer.add_table(table_from_rows("entities", chunk, writer.schema))
        written.append(writer.close())
        release_memory()
    if cache is not None:
        description, blobs = dump_output(RunOutput(written, CorpusStats(), EntityUsage()))
        cache.store(key, {"output": description}, registry, {"entities": usage.keys()}, blobs)
        cache.used.add(key)
    return written


def _name_shards(folder: Path, shards: dict[tuple[str, str], list[Shard]]) -> tuple[list[ConfigInfo], dict[str, Shard]]:
    """Give every shard its final name, ``<split>-NNNNN-of-NNNNN.parquet``, in article order; returns the
    configs and the shards by their final names."""
    configs, named = [], {}
    for config in CONFIGS:
        info = ConfigInfo(config)
        for split in SPLITS:
            written = [shard for shard in shards.get((config, split), []) if shard.num_examples]
            names = []
            for index, shard in enumerate(written):
                name = shard_name(split, index, len(written))
                shard.path.rename(shard.path.with_name(name))
                names.append(shard_file(config, name))
                named[shard_file(config, name)] = shard
            if written:
                info.splits.append(
                    SplitInfo(split, sum(s.num_examples for s in written), sum(s.num_bytes for s in written), names)
                )
        if info.splits or config == "documents":
            configs.append(info)
    return configs, named


# ---------------------------------------------------------------------------------------------
# Swapping the new folder in


_RENAME_EXCHANGE = 2


def _swap_in(staging: Path, output: Path) -> None:
    """Replace ``output`` by ``staging``: atomically where the kernel can exchange two paths."""
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        remove_tree(staging)  # staging now holds the previous dataset
        return
    retired = output.with_name(f".{output.name}-old-{os.getpid()}")
    output.rename(retired)
    staging.rename(output)
    remove_tree(retired)


def remove_tree(path: Path) -> None:
    """Remove a folder the build made or retired, even where it is read-only (a dataset folder the user
    made read-only is replaced, not left behind beside the new one). Best effort: never raises."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
        return
    if not path.is_dir():
        return
    try:
        shutil.rmtree(path)
        return
    except OSError:
        pass
    for folder, subfolders, _ in os.walk(path):  # make every folder writable, then try again
        for name in [".", *subfolders]:
            target = os.path.join(folder, name)
            try:
                if not os.path.islink(target):
                    os.chmod(target, stat.S_IMODE(os.lstat(target).st_mode) | stat.S_IRWXU)
            except OSError:
                pass
    shutil.rmtree(path, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) on Linux: both paths always exist, no moment without a dataset."""
    renameat2 = getattr(libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _new_staging_folder(parent: Path, name: str) -> Path:
    """A fresh, uniquely named sibling of the output, with the permissions of any folder the user makes.

    ``tempfile.mkdtemp`` would make it 0700, and the built dataset is this very folder once swapped in.
    """
    for _ in range(100):
        staging = parent / f".{name}-build-{secrets.token_hex(6)}"
        try:
            staging.mkdir()  # mode 0777 less the umask
        except FileExistsError:
            continue
        return staging
    raise FileExistsError(f"no free name for a build folder in {parent}")


def _remove_stale_temporaries(parent: Path, name: str) -> None:
    """Left-overs of a build that was killed: never part of the dataset, safe to remove."""
    for stale in parent.glob(f".{name}-build-*"):
        remove_tree(stale)
    for stale in parent.glob(f".{name}-old-*"):
        if (parent / name).exists():
            remove_tree(stale)
        else:  # killed between the two renames of the fallback swap: put the old dataset back
            stale.rename(parent / name)
