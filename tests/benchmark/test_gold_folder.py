"""`validate DIR` and `evaluate --gold DIR` agree about what a built dataset is: one check of a built folder
(``dataset.verify.validate_dataset``), used by both. A gold folder that fails it is refused as the gold's
fault, before any prediction is read; one that passes is scored.

The gold is a build of the minimal valid repository (tests/cases/valid/minimal), damaged here.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import MINIMAL, cli, run_process

SPLIT = "train"  # the minimal repository's article is in the train split


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("gold") / "mini"
    shutil.copytree(MINIMAL, root, symlinks=True)
    assert cli("build", cwd=root).returncode == 0
    return root


@pytest.fixture
def built(built_once: Path, tmp_path: Path) -> Path:
    """A copy of the minimal repository with its dataset built (once for the module)."""
    return Path(shutil.copytree(built_once, tmp_path / "mini", symlinks=True))


def shard(root: Path, config: str) -> Path:
    [path] = sorted((root / "dataset" / "data" / config).glob(f"{SPLIT}-*.parquet"))
    return path


def rewrite(path: Path, change) -> None:
    table = pq.read_table(path)
    pq.write_table(change(table), path)


def not_parquet(root: Path) -> None:
    shard(root, "documents").write_bytes(b"PAR1 this is not a Parquet file")


def column_missing(root: Path) -> None:
    rewrite(shard(root, "documents"), lambda t: t.drop_columns(["entities"]))


def offsets_outside_the_text(root: Path) -> None:
    def change(table: pa.Table) -> pa.Table:
        rows = table.to_pylist()
        rows[0]["entities"][0]["end"] = len(rows[0]["text"]) + 50
        return pa.Table.from_pylist(rows, schema=table.schema)

    rewrite(shard(root, "documents"), change)


def rows_twice(root: Path) -> None:
    rewrite(shard(root, "documents"), lambda t: pa.concat_tables([t, t]))


def card_size_differs(root: Path) -> None:
    card = root / "dataset" / "README.md"
    text = card.read_text(encoding="utf-8")
    documents = text.index("- config_name: documents\n", text.index("dataset_info:"))
    start = text.index("num_examples: ", documents) + len("num_examples: ")
    end = text.index("\n", start)
    card.write_text(text[:start] + str(int(text[start:end]) + 1) + text[end:], encoding="utf-8")


DAMAGES = {
    "a shard that is not Parquet": (not_parquet, "dataset-unreadable"),
    "a missing column": (column_missing, "dataset-schema-mismatch"),
    "offsets outside the text": (offsets_outside_the_text, "span-out-of-range"),
    "an article's rows twice": (rows_twice, "dataset-shard-layout"),
    "a card whose split size is not the rows'": (card_size_differs, "dataset-card-mismatch"),
}


def evaluate(root: Path, *extra: str):
    return cli(
        "evaluate",
        "--task",
        "ner",
        "--split",
        SPLIT,
        "--predictions",
        "annotations",
        "--gold",
        "dataset",
        *extra,
        cwd=root,
    )


def test_a_gold_that_validates_is_scored(built: Path):
    assert cli("validate", "dataset", cwd=built).returncode == 0
    run = evaluate(built)
    assert run.returncode == 0, run.output


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_validate_and_evaluate_agree_that_a_damaged_gold_is_not_a_dataset(built: Path, damage: str):
    make, code = DAMAGES[damage]
    make(built)
    validated = cli("validate", "dataset", "--format", "text", cwd=built)
    assert validated.returncode == 1 and code in validated.stdout, validated.output
    run = evaluate(built)
    assert run.returncode == 1, run.output
    assert "the gold folder" in run.stderr and "does not validate" in run.stderr and "nothing was scored" in run.stderr
    assert code in run.stdout  # what validate DIR says, said here too
    assert "predictions" not in run.stdout  # the gold is blamed, not the predictions


def test_load_dataset_refuses_what_validate_reports_of_the_card(built: Path, tmp_path: Path):
    """The card check is load_dataset's own: a folder it refuses for its split sizes is one validate reports."""
    from datasets import load_dataset

    card_size_differs(built)
    with pytest.raises(Exception, match="(?i)split|examples"):
        load_dataset(str(built / "dataset"), "documents", cache_dir=str(tmp_path / "hf"))
    assert cli("validate", "dataset", cwd=built).returncode == 1


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_shard_in_the_gold_is_refused_without_blocking(built: Path):
    path = shard(built, "ner")
    path.unlink()
    os.mkfifo(path)
    args = ["evaluate", "--task", "ner", "--split", SPLIT, "--predictions", "annotations", "--gold", "dataset"]
    run = run_process(*args, cwd=built, timeout=120)
    assert run.returncode == 1 and "does not validate" in run.stderr and "internal error" not in run.stderr, run.output
    shutil.rmtree(built / "dataset" / "data" / "ner")
