"""The build's cache cannot publish what the sources do not hold: not after a file changes between two reads,
not from a folder others can write, not from an entry whose header says other figures than its blobs, and a
damaged entry of any kind (a FIFO, a link to /dev/zero, a header nested 100,000 deep) only costs time.

Every build here is compared, byte for byte, with a build of the same sources without the cache. The corpus is
synthetic (``benchmarks/synth.py``) and cut into small runs and parts (patched), so that there are several.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from conftest import run_cli, run_process, synth, tree

pytestmark = pytest.mark.slow

ARTICLES = 36


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return synth.write_corpus(tmp_path_factory.mktemp("trust") / "corpus", articles=ARTICLES, seed=11)


@pytest.fixture
def corpus(pristine: Path, tmp_path: Path, monkeypatch) -> Path:
    import cyberclaims.dataset.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SHARD_ARTICLES", 12)
    monkeypatch.setattr(pipeline, "PART_ARTICLES", 4)
    monkeypatch.setenv("CYBERCLAIMS_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "corpus"
    shutil.copytree(pristine, root)
    return root


def build(root: Path, output: Path, **options):
    from cyberclaims.dataset.build import build as run_build

    return run_build(root, output, show_progress=False, jobs=1, **options)


def assert_as_sources_build(root: Path, built: Path, tmp_path: Path) -> None:
    """``built`` is byte for byte what the sources build without a cache."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(root, clean, cache=False)
    mine, theirs = tree(built), tree(clean)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []


def cache_files(tmp_path: Path, suffix: str) -> list[Path]:
    return sorted((tmp_path / "cache").rglob(f"*{suffix}"))


def claim_ids(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "annotations").glob("synthetic-*.json"))


def other_certainty(value: str) -> str:
    from cyberclaims.core.vocabulary import CERTAINTIES

    return next(c for c in CERTAINTIES if c != value)


def edited_bytes(path: Path, seed: int = 0) -> bytes:
    """The annotation file with one claim's certainty changed (a valid edit)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    claim = data["claims"][seed % len(data["claims"])]
    claim["certainty"] = other_certainty(claim["certainty"])
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


# --- entries as an attacker or an accident leaves them ------------------------------------------------------


def read_entry(path: Path | bytes) -> tuple[dict, bytes]:
    from cyberclaims.dataset.cache import _MAGIC

    data = path if isinstance(path, bytes) else path.read_bytes()
    size = int.from_bytes(data[len(_MAGIC) : len(_MAGIC) + 8], "big")
    start = len(_MAGIC) + 40
    return json.loads(data[start : start + size]), data[start + size :]


def write_entry(path: Path, encoded: bytes, blobs: bytes) -> None:
    """An entry with a header of the writer's choosing and a checksum that matches it (what someone who can
    write the cache folder can do)."""
    from cyberclaims.dataset.cache import _MAGIC

    path.write_bytes(_MAGIC + len(encoded).to_bytes(8, "big") + hashlib.sha256(encoded).digest() + encoded + blobs)


def rewrite_header(path: Path, change) -> None:
    header, blobs = read_entry(path)
    change(header)
    write_entry(path, json.dumps(header).encode(), blobs)


def entries_of(tmp_path: Path, kind: str) -> list[Path]:
    return [p for p in cache_files(tmp_path, ".run") if kind in read_entry(p)[0]]


# --- trust: whose folder, and what an entry's header may claim ------------------------------------------------


def test_a_cache_folder_others_can_write_or_another_user_owns_is_not_used(corpus: Path, tmp_path: Path):
    cache = tmp_path / "cli-cache"
    env = {"CYBERCLAIMS_CACHE_DIR": cache}
    assert run_cli("--root", corpus, "build", env=env).returncode == 0
    [own] = [p for p in cache.iterdir() if p.is_dir()]
    assert cache.stat().st_mode & 0o777 == own.stat().st_mode & 0o777 == 0o700  # made private
    own.chmod(0o777)  # a folder made world-writable: anyone could have planted entries
    run = run_cli("--root", corpus, "build", env=env)
    assert run.returncode == 0 and "reused 0 of" not in run.stdout and "from the cache" not in run.stdout
    assert run.stderr.count("not used") == 1 and "can be written by other users" in run.stderr, run.stderr
    assert_as_sources_build(corpus, corpus / "dataset", tmp_path)
    check = run_cli("--root", corpus, "build", "--check", env=env)
    assert check.returncode == 0 and check.stderr.count("not used") == 1, check.output
    own.chmod(0o700)
    cache.chmod(0o770)  # the cache's root, writable by a group
    run = run_cli("--root", corpus, "build", env=env)
    assert run.returncode == 0 and "can be written by other users" in run.stderr, run.stderr
    cache.chmod(0o700)
    if os.geteuid() == 0:  # only root can give a folder away
        os.chown(own, 4242, -1)
        run = run_cli("--root", corpus, "build", env=env)
        assert run.returncode == 0 and "owned by another user" in run.stderr, run.stderr
        os.chown(own, 0, -1)
    run = run_cli("--root", corpus, "build", env=env)
    assert run.returncode == 0 and "not used" not in run.stderr and "reused" in run.stdout


def test_an_entry_renamed_to_another_key_is_not_that_key(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    runs = entries_of(tmp_path, "batch")
    assert len(runs) >= 2
    first, second = runs[0].read_bytes(), runs[1].read_bytes()
    runs[0].write_bytes(second)  # each is a well-formed entry, of the other run
    runs[1].write_bytes(first)
    result = build(corpus, tmp_path / "out")
    assert result.reused == result.runs - 2
    assert_as_sources_build(corpus, tmp_path / "out", tmp_path)


def _shards(header: dict) -> list:
    return header["output"]["shards"]


RUN_FORGERIES = {
    "more rows than the shard has": lambda h: _shards(h)[0].__setitem__(2, _shards(h)[0][2] + 1),
    "bytes for a shard without rows": lambda h: _shards(h).append(["documents", "validation", 0, 7]),
    "a config that is a path": lambda h: _shards(h)[0].__setitem__(0, "../../../escaped"),
    "a split that does not exist": lambda h: _shards(h)[0].__setitem__(1, "holdout"),
    "a shard named twice": lambda h: _shards(h).__setitem__(1, list(_shards(h)[0])),
    "more articles than rows": lambda h: next(iter(h["output"]["stats"]["splits"].values())).__setitem__(0, 99),
    "more claims than rows": lambda h: next(iter(h["output"]["stats"]["splits"].values())).__setitem__(4, 99),
    "a usage index past the ids": lambda h: h["output"]["usage"]["articles"].update(test=[["acme", [10**6]]]),
    "a count that is a string": lambda h: _shards(h)[0].__setitem__(2, "12"),
    "a count that is negative": lambda h: h["output"]["stats"].__setitem__("undated", -1),
    "findings of an unknown code": lambda h: h["batch"]["issues"].append(["a", 1, "", "no-such-code", "m", None]),
    "findings of the wrong type": lambda h: h["batch"].__setitem__("issues", {"a": 1}),
    "reads of the wrong type": lambda h: h.__setitem__("reads", ["entities"]),
    "blobs of the wrong type": lambda h: h.__setitem__("blobs", "all of them"),
    "parts that are not keys": lambda h: h.__setitem__("parts", [1, 2]),
    "no header fields at all": lambda h: h.clear(),
}


def test_run_entries_whose_header_disagrees_with_their_blobs_are_misses(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    snapshot = _snapshot(tmp_path)
    clean = tree(_clean(corpus, tmp_path))
    for names in _batches(RUN_FORGERIES, len(entries_of(tmp_path, "batch"))):  # one forgery per entry
        _restore(tmp_path, snapshot)
        for path, name in zip(entries_of(tmp_path, "batch"), names):
            rewrite_header(path, RUN_FORGERIES[name])
        result = build(corpus, tmp_path / "out")
        assert result.reused == result.runs - len(names), names
        assert tree(tmp_path / "out") == clean, names
        assert not list(tmp_path.rglob("escaped*")), names


def _batches(forgeries: dict, size: int) -> list[list[str]]:
    names = sorted(forgeries)
    return [names[start : start + size] for start in range(0, len(names), size)]


def _snapshot(tmp_path: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file()}


def _restore(tmp_path: Path, snapshot: dict[Path, bytes]) -> None:
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file() and path not in snapshot:
            path.unlink()
    for path, data in snapshot.items():
        path.write_bytes(data)


PART_FORGERIES = {
    "a table of another config": lambda h: h["tables"][0].__setitem__(0, "claims"),
    "a table of a config a run does not make": lambda h: h["tables"][0].__setitem__(0, "entities"),
    "a split that does not exist": lambda h: h["tables"][0].__setitem__(1, "holdout"),
    "more tokens than tags": lambda h: next(iter(h["stats"]["splits"].values())).__setitem__(2, 10**6),
    "more articles than rows": lambda h: next(iter(h["stats"]["splits"].values())).__setitem__(0, 99),
    "ids for fewer articles": lambda h: h["usage"].__setitem__("ids", h["usage"]["ids"][:-1]),
    "a table too many": lambda h: h["tables"].append(["ner", "test"]),
}


def test_part_entries_whose_header_disagrees_with_their_blobs_are_misses(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    for path in entries_of(tmp_path, "batch"):
        path.unlink()  # the runs are made again, of their parts
    snapshot = _snapshot(tmp_path)
    clean = tree(_clean(corpus, tmp_path))
    for names in _batches(PART_FORGERIES, len(entries_of(tmp_path, "part"))):
        _restore(tmp_path, snapshot)
        for path, name in zip(entries_of(tmp_path, "part"), names):
            rewrite_header(path, PART_FORGERIES[name])
        build(corpus, tmp_path / "out")
        assert tree(tmp_path / "out") == clean, names


def test_a_header_nested_deep_or_of_another_shape_is_a_miss(corpus: Path, tmp_path: Path):
    build(corpus, tmp_path / "out")
    entries = cache_files(tmp_path, ".run")
    deep = b'{"key": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    for number, path in enumerate(entries):
        _, blobs = read_entry(path)
        encoded = [deep, b"[1, 2, 3]", b'"a string"', b"null", b'{"key": {"a": 1}}'][number % 5]
        write_entry(path, encoded, blobs)
    result = build(corpus, tmp_path / "out")
    assert result.reused == 0
    assert_as_sources_build(corpus, tmp_path / "out", tmp_path)


def test_an_entry_larger_than_any_real_one_is_not_read(corpus: Path, tmp_path: Path, monkeypatch):
    """A sparse entry of terabytes whose header claims most of it: a miss, without reading it."""
    import cyberclaims.dataset.cache as cache_module

    build(corpus, tmp_path / "out")
    [entry] = entries_of(tmp_path, "batch")[:1]
    with entry.open("r+b") as fh:
        fh.truncate(cache_module.MAX_ENTRY_BYTES + 1)  # sparse: no disk used
    result = build(corpus, tmp_path / "out")
    assert result.reused == result.runs - 1
    assert_as_sources_build(corpus, tmp_path / "out", tmp_path)


def test_a_forged_status_note_fools_no_check(corpus: Path, tmp_path: Path, monkeypatch):
    """A status note is trusted by `build` (it is what makes an unchanged build fast), never by `build --check`:
    the check keys every run by the bytes it reads, so notes pointing at the entries from before an edit cannot
    make a stale dataset look fresh."""
    import cyberclaims.dataset.cache as cache_module
    from cyberclaims.dataset.freshness import check

    monkeypatch.setattr(cache_module, "_SETTLE_NS", 0)
    output = tmp_path / "out"
    build(corpus, output)
    before = {p.name: p.read_bytes() for p in cache_files(tmp_path, ".run")}
    target = corpus / "annotations" / f"{claim_ids(corpus)[0]}.json"
    target.write_bytes(edited_bytes(target))
    build(corpus, output)
    folder = cache_files(tmp_path, ".run")[0].parent
    after = {p.name for p in cache_files(tmp_path, ".run")}
    # The entries from before the edit are put back, and the notes that lead to the new ones lead to them.
    old = {
        ("batch" if "batch" in read_entry(data)[0] else "part"): n[:-4] for n, data in before.items() if n not in after
    }
    for name, data in before.items():
        (folder / name).write_bytes(data)
    forged = 0
    for note in cache_files(tmp_path, ".stat"):
        key = note.read_text()
        if f"{key}.run" not in before:
            kind = "batch" if "batch" in read_entry(folder / f"{key}.run")[0] else "part"
            note.write_text(old[kind])
            forged += 1
    assert forged and set(old) == {"batch", "part"}
    build(corpus, output)  # trusts the notes: what it writes is whatever they lead to
    fooled = tree(output) != tree(_clean(corpus, tmp_path))
    assert check(corpus, output, show_progress=False, jobs=1).stale == fooled
    build(corpus, output, cache=False)
    assert not check(corpus, output, show_progress=False, jobs=1).stale


def _clean(root: Path, tmp_path: Path) -> Path:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(root, clean, cache=False)
    return clean


# --- the race: a file saved between two reads ---------------------------------------------------------------


def test_a_file_saved_while_its_rows_are_made_cannot_leave_an_entry_of_other_rows(
    corpus: Path, tmp_path: Path, monkeypatch
):
    """An editor's save (or `git stash pop`) between the read that makes the key and the one that makes the
    rows, undone afterwards: the next build and `build --check` must see the sources, not the undone edit."""
    import cyberclaims.dataset.pipeline as pipeline
    from cyberclaims.dataset.freshness import check

    target = corpus / "annotations" / f"{claim_ids(corpus)[len(claim_ids(corpus)) // 2]}.json"
    original = target.read_bytes()
    check_files = pipeline.check_files

    def save_meanwhile(files, *args, **kwargs):
        if files.id == target.stem:
            target.write_bytes(edited_bytes(target))
        return check_files(files, *args, **kwargs)

    monkeypatch.setattr(pipeline, "check_files", save_meanwhile)
    build(corpus, tmp_path / "out")
    monkeypatch.setattr(pipeline, "check_files", check_files)
    target.write_bytes(original)  # the edit undone
    build(corpus, tmp_path / "out")
    assert_as_sources_build(corpus, tmp_path / "out", tmp_path)
    assert not check(corpus, tmp_path / "out", show_progress=False, jobs=1).stale


def test_a_file_saved_before_its_read_is_keyed_by_what_was_read(corpus: Path, tmp_path: Path, monkeypatch):
    """A save between the look at the files' status and their read: the status note must not stand for it."""
    import cyberclaims.dataset.cache as cache_module
    import cyberclaims.dataset.pipeline as pipeline

    monkeypatch.setattr(cache_module, "_SETTLE_NS", 0)  # every file counts as settled: notes are written
    build(corpus, tmp_path / "out")
    target = corpus / "annotations" / f"{claim_ids(corpus)[3]}.json"
    original = target.read_bytes()
    os.utime(target)  # the status changes: the next build reads the files again
    read = pipeline.read_article_bytes

    def save_first(files, root):
        if files.id == target.stem and target.read_bytes() == original:
            target.write_bytes(edited_bytes(target))
        return read(files, root)

    monkeypatch.setattr(pipeline, "read_article_bytes", save_first)
    build(corpus, tmp_path / "out")
    monkeypatch.setattr(pipeline, "read_article_bytes", read)
    assert_as_sources_build(corpus, tmp_path / "out", tmp_path)  # the edit, as read
    target.write_bytes(original)
    build(corpus, tmp_path / "out")
    assert_as_sources_build(corpus, tmp_path / "out", tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_entries_and_notes_that_are_fifos_or_links_cost_only_time(mini: Path, tmp_path: Path):
    """A process, with a timeout: a FIFO entry or note would block the build (and its clean-up, lock held)."""
    cache = tmp_path / "cache"
    env = {"CYBERCLAIMS_CACHE_DIR": str(cache)}
    time.sleep(2.1)  # the files settle: the build notes their status (cache._SETTLE_NS)
    assert run_process("build", cwd=mini, env=env, timeout=120).returncode == 0
    built = tree(mini / "dataset")
    [folder] = [p for p in cache.iterdir() if p.is_dir()]
    entries = sorted(folder.glob("*.run"))
    assert entries
    for path in entries:
        path.unlink()
        os.mkfifo(path)
    for path in sorted(folder.glob("*.stat")):
        path.unlink()
        os.symlink("/dev/zero", path)
    os.mkfifo(folder / f"{'e' * 64}.stat")  # named like a note: the clean-up reads notes
    os.symlink("/dev/zero", folder / f"{'f' * 64}.stat")
    for args in (["build", "--check"], ["build"]):
        run = run_process(*args, cwd=mini, env=env, timeout=120)
        assert run.returncode == 0 and "internal error" not in run.stderr, run.output
        assert tree(mini / "dataset") == built


# --- a random walk: builds interleaved with edits, undos, races and damage -----------------------------------


def test_random_walk_of_edits_races_and_damage_builds_what_the_sources_build(corpus: Path, tmp_path: Path, monkeypatch):
    """Every build with the cache is byte for byte a build without it, and `build --check` agrees."""
    import cyberclaims.dataset.cache as cache_module
    import cyberclaims.dataset.pipeline as pipeline
    from cyberclaims.dataset.freshness import check

    monkeypatch.setattr(cache_module, "_SETTLE_NS", 0)  # notes are written at once: the walk exercises them
    rng = random.Random(27)
    output = tmp_path / "out"
    annotations = corpus / "annotations"
    originals = {p.name: p.read_bytes() for p in annotations.glob("synthetic-*.json")}
    check_files = pipeline.check_files

    def edit():
        path = annotations / rng.choice(sorted(originals))
        stat = path.stat()
        path.write_bytes(edited_bytes(path, rng.randrange(5)))
        if rng.random() < 0.5:
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the modification time put back

    def restore():
        name = rng.choice(sorted(originals))
        (annotations / name).write_bytes(originals[name])

    def race():
        """An edit built while the file is saved again (between the reads of the old code), then undone."""
        path = annotations / rng.choice(sorted(originals))
        edit = edited_bytes(path, rng.randrange(5))
        path.write_bytes(edit)

        def save_meanwhile(files, *args, **kwargs):
            if files.id == path.stem:
                path.write_bytes(edited_bytes(path, 1))
            return check_files(files, *args, **kwargs)

        monkeypatch.setattr(pipeline, "check_files", save_meanwhile)
        build(corpus, output)
        monkeypatch.setattr(pipeline, "check_files", check_files)
        path.write_bytes(edit)

    def damage():
        entries = cache_files(tmp_path, ".run") + cache_files(tmp_path, ".stat")
        if not entries:
            return
        path = rng.choice(entries)
        data = bytearray(path.read_bytes())
        how = rng.randrange(3)
        if how == 0 and data:
            data[rng.randrange(len(data))] ^= 0xFF
        elif how == 1:
            data = data[: rng.randrange(len(data) + 1)]
        else:
            data = bytearray(b"0" * 64)
        path.write_bytes(bytes(data))

    steps = [edit, restore, race, damage] * 2  # each kind of step, in a random order
    rng.shuffle(steps)
    for step in steps:
        step()
        build(corpus, output)
        assert_as_sources_build(corpus, output, tmp_path)
        assert not check(corpus, output, show_progress=False, jobs=1).stale
