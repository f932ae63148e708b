"""The incremental build: runs of articles whose inputs did not change come from the cache, and the output
is byte for byte what a clean build (no cache) writes, after every kind of change.

The corpus is synthetic (``benchmarks/synth.py``) and cut into small runs (``pipeline.SHARD_ARTICLES`` patched), so
that a change touches one run among many. Expected reuse counts are derived from the data: which runs hold
the changed article, or an article that uses the changed registry entry.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, synth, tree

pytestmark = pytest.mark.slow

ARTICLES = 160
RUN_MEAN = 12


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return synth.write_corpus(tmp_path_factory.mktemp("incremental") / "corpus", articles=ARTICLES, seed=7)


@pytest.fixture
def corpus(pristine: Path, tmp_path: Path, monkeypatch) -> Path:
    import cyberclaims.dataset.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SHARD_ARTICLES", RUN_MEAN)
    monkeypatch.setenv("CYBERCLAIMS_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "corpus"
    shutil.copytree(pristine, root)
    return root


def entry_header(path: Path) -> dict:
    """The JSON header of a cache entry (magic, 8-byte length, 32-byte sha256, header, blobs)."""
    from cyberclaims.dataset.cache import _MAGIC

    data = path.read_bytes()
    size = int.from_bytes(data[len(_MAGIC) : len(_MAGIC) + 8], "big")
    return json.loads(data[len(_MAGIC) + 40 : len(_MAGIC) + 40 + size])


def run_entries(cache: Path) -> list[Path]:
    """The cache's entries for runs of articles (the other one is the entities config's)."""
    return sorted(p for p in cache.rglob("*.run") if "batch" in entry_header(p))


def part_entries(cache: Path) -> list[Path]:
    """The cache's entries for parts of runs (``pipeline.run_parts``: an edit re-derives one)."""
    return sorted(p for p in cache.rglob("*.run") if "part" in entry_header(p))


def build(root: Path, output: Path, **options):
    from cyberclaims.dataset.build import build as run_build

    return run_build(root, output, show_progress=False, jobs=options.pop("jobs", 1), **options)


def assert_same_as_clean(root: Path, built: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(root, clean, cache=False)
    mine, theirs = tree(built), tree(clean)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []


def runs_of(root: Path) -> list[list[str]]:
    """The runs the build cuts the corpus into, as article ids."""
    from cyberclaims.dataset.pipeline import article_runs
    from cyberclaims.validation.discovery import discover

    gold = discover(root)[0]
    return [[files.id for files in run.articles] for run in article_runs(gold.articles)]


def expected_reuse(before: list[list[str]], after: list[list[str]], changed: set[str]) -> int:
    """The runs of a build that the previous build made of the same articles, none of them changed."""
    previous = {tuple(run) for run in before}
    return sum(1 for run in after if tuple(run) in previous and not changed & set(run))


def shard_digests(folder: Path) -> set[str]:
    return {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (folder / "data").rglob("*.parquet")
        if p.parent.name in ("documents", "claims", "ner")
    }


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def middle_id(root: Path) -> str:
    ids = sorted(p.stem for p in (root / "annotations").glob("synthetic-*.json"))
    return ids[len(ids) // 2]


def other_certainty(value: str) -> str:
    from cyberclaims.core.vocabulary import CERTAINTIES

    return next(c for c in CERTAINTIES if c != value)


def test_runs_are_cut_by_id_so_an_insertion_moves_no_other_boundary(corpus: Path):
    before = runs_of(corpus)
    assert len(before) > 4
    assert sorted(i for run in before for i in run) == sorted(p.stem for p in (corpus / "annotations").glob("*.txt"))
    victim = middle_id(corpus)
    for suffix in (".json", ".txt"):
        (corpus / "annotations" / f"{victim}{suffix}").unlink()
    after = runs_of(corpus)
    held = next(i for i, run in enumerate(before) if victim in run)
    moved = [i for i, run in enumerate(before) if i != held and run not in after]
    # only the run that held it changed, and at most the next one (a run shorter than the minimum
    # runs on into the next); every later boundary stays where it was
    assert moved in ([], [held + 1])


def test_nothing_changed_reuses_every_run(corpus: Path, tmp_path: Path):
    first = build(corpus, tmp_path / "out")
    assert first.reused == 0 and first.runs == len(runs_of(corpus))
    again = build(corpus, tmp_path / "out")
    assert again.reused == again.runs == first.runs
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)


def test_workers_share_the_cache(corpus: Path, tmp_path: Path, monkeypatch):
    import cyberclaims.validation.runner as runner

    monkeypatch.setattr(runner, "PARALLEL_MIN_ARTICLES", 1)  # the process pool, even for this small corpus
    first = build(corpus, tmp_path / "out", jobs=2)
    assert first.reused == 0
    edited = middle_id(corpus)
    edit_json(
        corpus / "annotations" / f"{edited}.json",
        lambda d: d["claims"][0].update(certainty=other_certainty(d["claims"][0]["certainty"])),
    )
    again = build(corpus, tmp_path / "out", jobs=2)
    assert (again.runs, again.reused) == (first.runs, first.runs - 1)
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)


def test_edit_redoes_only_the_run_of_the_edited_article(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    before = shard_digests(tmp_path / "out")
    edited = middle_id(corpus)
    edit_json(
        corpus / "annotations" / f"{edited}.json",
        lambda d: d["claims"][0].update(certainty=other_certainty(d["claims"][0]["certainty"])),
    )
    result = build(corpus, tmp_path / "out")
    runs = runs_of(corpus)
    assert (
        (result.runs, result.reused) == (len(runs), expected_reuse(runs, runs, {edited})) == (len(runs), len(runs) - 1)
    )
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)
    changed = shard_digests(tmp_path / "out") - before
    assert 0 < len(changed) <= 3 * 3  # the edited run's shards (three configs, at most three splits)


def test_delete_then_insert_redoes_only_their_run(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    victim = middle_id(corpus)
    saved = {s: (corpus / "annotations" / f"{victim}{s}").read_bytes() for s in (".json", ".txt")}
    before = runs_of(corpus)
    for suffix in saved:
        (corpus / "annotations" / f"{victim}{suffix}").unlink()
    deleted = build(corpus, tmp_path / "out")
    between = runs_of(corpus)
    assert (deleted.runs, deleted.reused) == (len(between), expected_reuse(before, between, set()))
    assert deleted.reused >= len(between) - 2
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)
    for suffix, data in saved.items():
        (corpus / "annotations" / f"{victim}{suffix}").write_bytes(data)
    inserted = build(corpus, tmp_path / "out")
    assert runs_of(corpus) == before
    assert (inserted.runs, inserted.reused) == (len(before), expected_reuse(between, before, set()))
    assert inserted.reused >= len(before) - 2
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)


def test_rename_is_a_delete_and_an_insert(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    before = runs_of(corpus)
    old = middle_id(corpus)
    new = old.replace("synthetic-", "synthetic-renamed-")
    annotations = corpus / "annotations"
    (annotations / f"{old}.txt").rename(annotations / f"{new}.txt")
    (annotations / f"{old}.json").rename(annotations / f"{new}.json")

    def rename(data: dict) -> None:
        data["id"] = new
        if data["metadata"]["source"].get("origin") == f"{old}.txt":
            data["metadata"]["source"]["origin"] = f"{new}.txt"

    edit_json(annotations / f"{new}.json", rename)
    result = build(corpus, tmp_path / "out")
    after = runs_of(corpus)
    assert (result.runs, result.reused) == (len(after), expected_reuse(before, after, set()))
    assert len(after) - 4 <= result.reused < len(after)  # around the old place and the new one
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)


def users_of_propositions(root: Path) -> dict[str, set[str]]:
    """Each proposition key and the articles whose claims use it, every file read once."""
    users: dict[str, set[str]] = {}
    for path in (root / "annotations").glob("synthetic-*.json"):
        for claim in json.loads(path.read_text(encoding="utf-8"))["claims"]:
            users.setdefault(claim["proposition"], set()).add(path.stem)
    return users


def test_registry_change_redoes_only_the_runs_that_use_the_entry(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    registry = corpus / "annotations" / "propositions.json"
    keys = [p["key"] for p in json.loads(registry.read_text(encoding="utf-8"))["propositions"]]
    users = users_of_propositions(corpus)
    used = {key: users.get(key, set()) for key in keys}
    runs = runs_of(corpus)
    run_of = {a: i for i, run in enumerate(runs) for a in run}
    key = min((k for k in keys if used[k]), key=lambda k: len({run_of[a] for a in used[k]}))
    touched = {run_of[a] for a in used[key]}
    assert expected_reuse(runs, runs, used[key]) == len(runs) - len(touched)

    def restate(data: dict) -> None:
        entry = next(p for p in data["propositions"] if p["key"] == key)
        entry["statement"] += " (restated)"

    edit_json(registry, restate)
    result = build(corpus, tmp_path / "out")
    assert result.reused == result.runs - len(touched)
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)
    import pyarrow.parquet as pq  # the restated statement is in the rebuilt claims rows

    statements = {
        s
        for p in (tmp_path / "out" / "data" / "claims").glob("*.parquet")
        for s in pq.read_table(p, columns=["proposition_statement"]).column(0).to_pylist()
    }
    assert any(s.endswith(" (restated)") for s in statements)


def test_code_change_redoes_everything(corpus: Path, tmp_path: Path, monkeypatch):
    import cyberclaims.dataset.build as build_module

    build(corpus, tmp_path / "out")
    original = build_module.code_fingerprint
    monkeypatch.setattr(build_module, "code_fingerprint", lambda *options: original("another release", *options))
    result = build(corpus, tmp_path / "out")
    assert result.reused == 0 and result.runs > 1
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)


def test_fingerprint_follows_the_package_files(tmp_path: Path):
    from cyberclaims.core.fingerprint import code_fingerprint

    assert code_fingerprint("a") == code_fingerprint("a") != code_fingerprint("b")


def test_a_damaged_or_deleted_cache_only_costs_time(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    entries = run_entries(tmp_path / "cache")
    assert len(entries) == len(runs_of(corpus))
    damaged = bytearray(entries[0].read_bytes())
    damaged[-10] ^= 0xFF  # inside a Parquet blob: its sha256 no longer matches
    entries[0].write_bytes(bytes(damaged))
    entries[1].write_bytes(entries[1].read_bytes()[:100])  # cut short
    from cyberclaims.dataset.cache import _MAGIC

    huge = bytearray(entries[2].read_bytes())
    huge[len(_MAGIC) : len(_MAGIC) + 8] = b"\xff" * 8  # a header length past the file
    entries[2].write_bytes(bytes(huge))
    result = build(corpus, tmp_path / "out")
    assert result.reused == result.runs - 3
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)
    shutil.rmtree(tmp_path / "cache")
    assert build(corpus, tmp_path / "out").reused == 0
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)


def test_cache_is_outside_the_dataset_and_holds_one_build(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    edit_json(
        corpus / "annotations" / f"{middle_id(corpus)}.json",
        lambda d: d["claims"][0].update(certainty=other_certainty(d["claims"][0]["certainty"])),
    )
    keep = tmp_path / "cache" / "README-mine.txt"
    keep.parent.mkdir(exist_ok=True)
    keep.write_text("a file the build did not make\n")
    build(corpus, tmp_path / "out")
    assert len(run_entries(tmp_path / "cache")) == len(runs_of(corpus))  # the stale entry is gone
    from cyberclaims.dataset.pipeline import article_runs, run_parts
    from cyberclaims.validation.discovery import discover

    parts = sum(len(run_parts(run)) for run in article_runs(discover(corpus)[0].articles))  # the stale run's too
    assert len(part_entries(tmp_path / "cache")) == parts
    assert len(list((tmp_path / "cache").rglob("*.run"))) == len(runs_of(corpus)) + parts + 1  # + the entities
    assert keep.exists()
    assert not any(p.suffix == ".run" for p in (tmp_path / "out").rglob("*"))


def test_check_is_incremental_and_catches_an_edit(corpus: Path, tmp_path: Path):
    env = {"CYBERCLAIMS_CACHE_DIR": str(tmp_path / "cli-cache")}
    built = run_cli("--root", corpus, "build", env=env)
    assert built.returncode == 0, built.output
    runs = re.search(r"reused 0 of (\d+) runs? of articles from the cache", built.stdout)
    assert runs, built.stdout
    fresh = run_cli("--root", corpus, "build", "--check", env=env)
    assert fresh.returncode == 0 and "up to date" in fresh.stdout, fresh.output
    assert f"reused {runs[1]} of {runs[1]} run" in fresh.stdout
    edit_json(
        corpus / "annotations" / f"{middle_id(corpus)}.json",
        lambda d: d["claims"][0].update(certainty=other_certainty(d["claims"][0]["certainty"])),
    )
    stale = run_cli("--root", corpus, "build", "--check", env=env)
    assert stale.returncode == 1 and "stale: data/claims/" in stale.stdout, stale.output
    again = run_cli("--root", corpus, "build", "--no-cache", env=env)
    assert again.returncode == 0 and "from the cache" not in again.stdout, again.output
    assert run_cli("--root", corpus, "build", "--check", env=env).returncode == 0


def test_a_schema_error_in_a_large_corpus_is_reported_not_a_crash(corpus: Path):
    """An article with a value outside the schema's enum is never made into rows (it was, and crashed)."""
    edit_json(corpus / "annotations" / f"{middle_id(corpus)}.json", lambda d: d["claims"][0].update(certainty="hedged"))
    result = run_cli("--root", corpus, "build", "--jobs", "2")
    assert result.returncode == 1, result.output
    assert f"annotations/{middle_id(corpus)}.json:" in result.stdout and "schema-enum" in result.stdout
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_unchanged_files_are_not_read_again_and_a_same_size_edit_is_still_seen(
    corpus: Path, tmp_path: Path, monkeypatch
):
    """The files' status (size, inode, times) stands for their bytes once noted; a change of bytes that keeps
    the size and the modification time still changes the status (its change time), so it is seen."""
    import os

    import cyberclaims.dataset.cache as memo_module

    monkeypatch.setattr(memo_module, "_SETTLE_NS", 0)  # the fixture's files were all just written
    import cyberclaims.validation.articles as articles_module

    build(corpus, tmp_path / "out")
    reads = []
    original = articles_module.read_capped
    monkeypatch.setattr(articles_module, "read_capped", lambda *a, **k: reads.append(a[0]) or original(*a, **k))
    again = build(corpus, tmp_path / "out")
    assert again.reused == again.runs and reads == []
    # a claim whose certainty has another value of the same length (probable <-> possible)
    same_length = {a: b for a in certainty_values() for b in certainty_values() if a != b and len(a) == len(b)}
    target, old = next(
        (path, claim["certainty"])
        for path in sorted((corpus / "annotations").glob("synthetic-*.json"))
        for claim in json.loads(path.read_text(encoding="utf-8"))["claims"]
        if claim["certainty"] in same_length
    )
    before = os.stat(target)
    text = target.read_text(encoding="utf-8")
    edited = text.replace(f'"certainty": "{old}"', f'"certainty": "{same_length[old]}"', 1)
    assert len(edited.encode()) == before.st_size and edited != text
    target.write_text(edited, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same size and modification time
    result = build(corpus, tmp_path / "out")
    assert result.reused == result.runs - 1
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)


def certainty_values() -> tuple[str, ...]:
    from cyberclaims.core.vocabulary import CERTAINTIES

    return CERTAINTIES


def test_an_edit_re_derives_only_its_part_of_the_run(corpus: Path, tmp_path: Path, monkeypatch):
    """A stale run is made of parts (cut by the ids, as runs are), each cached: an edit checks again and
    makes rows of its own part only, and the run's shards are what a clean build writes."""
    import cyberclaims.dataset.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SHARD_ARTICLES", 10_000)  # one run of the whole corpus
    monkeypatch.setattr(pipeline, "PART_ARTICLES", 16)
    build(corpus, tmp_path / "out")
    edited = middle_id(corpus)
    edit_json(
        corpus / "annotations" / f"{edited}.json",
        lambda d: d["claims"][0].update(certainty=other_certainty(d["claims"][0]["certainty"])),
    )
    checked = []
    original = pipeline.check_files
    monkeypatch.setattr(
        pipeline, "check_files", lambda files, *a, **k: checked.append(files.id) or original(files, *a, **k)
    )
    result = build(corpus, tmp_path / "out")
    assert (result.runs, result.reused) == (1, 0)
    from cyberclaims.validation.discovery import discover

    [run] = pipeline.article_runs(discover(corpus)[0].articles)
    [own] = [[files.id for files in part] for part in pipeline.run_parts(run) if edited in {f.id for f in part}]
    assert len(pipeline.run_parts(run)) > 3 and checked == own
    assert_same_as_clean(corpus, tmp_path / "out", tmp_path)
