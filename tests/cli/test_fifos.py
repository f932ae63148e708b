"""Files that are not regular files never block: FIFOs named like inputs, registries, predictions, exports and shards
are refused. The CLI runs in a subprocess with a timeout, so that a command that blocks fails the test, not the suite."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, Run, cli, run_process

pytestmark = pytest.mark.slow


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def cli_process(*args: str | Path, cwd: Path, timeout: float = 120) -> Run:
    """The CLI in a subprocess with a short timeout, where a FIFO could block: a command that blocks fails
    the test, not the suite."""
    run = run_process(*args, cwd=cwd, timeout=timeout)
    assert "internal error" not in run.stderr, run.stderr
    return run


@needs_fifo
def test_fifos_named_like_inputs_are_refused_without_blocking(mini: Path):
    os.mkfifo(mini / "annotations" / "pipe.json")
    os.mkfifo(mini / "annotations" / "pipe.txt")
    run = cli_process("validate", cwd=mini, timeout=60)
    assert run.returncode == 1
    assert re.search(r"annotations/pipe\.json: file-unreadable: .*FIFO", run.stdout), run.stdout
    run = cli_process("build", cwd=mini, timeout=60)
    assert run.returncode == 1 and not (mini / "dataset").exists()
    for name in ("pipe.json", "pipe.txt"):
        (mini / "annotations" / name).unlink()
    registry = mini / "annotations" / "entities.json"
    registry.unlink()
    os.mkfifo(registry)
    run = cli_process("validate", cwd=mini, timeout=60)
    assert run.returncode == 1
    registry.unlink()
    shutil.copy(MINIMAL / "annotations" / "entities.json", registry)
    assert cli("build", cwd=mini).returncode == 0  # evaluate reads its gold from the built dataset
    os.mkfifo(mini / "predictions.json")
    os.mkfifo(mini / "predictions.jsonl")
    (mini / "predicted").mkdir()
    os.mkfifo(mini / "predicted" / "acme-breach.json")
    for predictions in ("predictions.json", "predictions.jsonl", "predicted"):
        run = cli_process(
            "evaluate", "--task", "ner", "--split", "train", "--predictions", predictions, cwd=mini, timeout=60
        )
        assert run.returncode == 1 and "file-unreadable" in run.stdout, run.output
    os.mkfifo(mini / "export.json")
    for fmt in ("labelstudio", "doccano", "brat"):
        run = cli_process("import", fmt, "export.json", cwd=mini, timeout=60)
        assert run.returncode in (1, 2) and "regular file" in run.stderr, run.output


@needs_fifo
def test_a_fifo_named_like_a_shard_is_refused(withheld: Path):
    mini = withheld.parent
    os.mkfifo(withheld / "data" / "documents" / "train-00009-of-00010.parquet")
    run = cli_process("validate", "withheld", cwd=mini, timeout=60)
    assert run.returncode == 1 and "dataset-unreadable" in run.stdout and "FIFO" in run.stdout
    run = cli_process("rehydrate", "withheld", "--texts", "texts", cwd=mini, timeout=60)
    assert run.returncode == 1 and "FIFO" in run.stderr
    (withheld / "data" / "documents" / "train-00009-of-00010.parquet").unlink()
    os.mkfifo(mini / "texts" / "fifo.txt")
    (mini / "texts" / "acme-breach.txt").unlink()
    os.mkfifo(mini / "texts" / "acme-breach.txt")
    run = cli_process("rehydrate", "withheld", "--texts", "texts", cwd=mini, timeout=60)
    assert run.returncode == 1 and "missing" in run.stdout
