"""Rehydration takes paths from data (ids read from the rows, SHA256SUMS, pass names): none may lead outside its
folder, the folder must verify first, and nothing is written on a refusal."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import cli, tree
from cyberclaims.dataset.manifest import write_manifest


def _set_column(folder: Path, config: str, column: str, value: str) -> None:
    for shard in (folder / "data" / config).glob("*.parquet"):
        table = pq.read_table(shard)
        index = table.schema.get_field_index(column)
        table = table.set_column(index, table.schema.field(index), pa.array([value] * table.num_rows))
        pq.write_table(table, shard)
    write_manifest(folder)  # re-signed: the hostile copy verifies


@pytest.mark.parametrize("bad_id", ["../../escape", "Odd_ID", "x/y", "", "a-\n"])
def test_rehydrate_refuses_ids_that_are_not_ids(withheld: Path, bad_id: str):
    _set_column(withheld, "documents", "id", bad_id)
    mini = withheld.parent
    before, outside = tree(withheld), sorted(p.name for p in mini.parent.iterdir())
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=mini)
    assert run.returncode == 1 and "not a well-formed id" in run.stderr, run.output
    assert tree(withheld) == before
    assert sorted(p.name for p in mini.parent.iterdir()) == outside


def test_rehydrate_verifies_sha256sums_first(withheld: Path):
    mini = withheld.parent
    (withheld / "README.md").write_text("edited\n", encoding="utf-8")
    before = tree(withheld)
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=mini)
    assert run.returncode == 1 and "SHA256SUMS" in run.stderr and "README.md" in run.stderr
    assert tree(withheld) == before


@pytest.mark.parametrize("name", ["../../outside.txt", "/etc/hostname", "data/../../outside.txt"])
def test_sha256sums_may_not_name_files_outside_the_folder(withheld: Path, name: str):
    mini = withheld.parent
    outside = mini.parent / "outside.txt"
    outside.write_text("outside", encoding="utf-8")
    digest = hashlib.sha256(Path(name).read_bytes() if name.startswith("/") else b"outside").hexdigest()
    with open(withheld / "SHA256SUMS", "a", encoding="utf-8") as fh:
        fh.write(f"{digest}  {name}\n")
    run = cli("validate", "withheld", cwd=mini)
    assert run.returncode == 1 and "dataset-unreadable" in run.stdout and "SHA256SUMS" in run.stdout
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=mini)
    assert run.returncode == 1 and repr(name) in run.stderr
    assert outside.read_text(encoding="utf-8") == "outside"


def test_rehydrate_still_works(withheld: Path):
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=withheld.parent)
    assert run.returncode == 0, run.output


@pytest.mark.parametrize("name", ["../x", "gold", "Pass A", "a/b", ""])
def test_rehydrate_refuses_pass_names_that_are_not_ids(tmp_path: Path, name: str):
    from cyberclaims.dataset.rehydrate import RehydrationError, _check_names

    documents = [{"id": "acme-breach"}]
    with pytest.raises(RehydrationError, match="pass_name"):
        _check_names(tmp_path, documents, [{"id": "acme-breach", "pass_name": name}])
    _check_names(tmp_path, documents, [{"id": "acme-breach", "pass_name": "pass-a"}])
