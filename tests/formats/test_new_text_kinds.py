"""`new --text` says what the path is when it is not a regular file (a FIFO, a folder, a device), and "no such
file" only when there is none; nothing is written either way."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import cli, run_process, tree


@pytest.mark.parametrize(
    "kind, expected",
    [("folder", "is a folder"), ("device", "is a character device"), ("missing", "no such file")],
)
def test_a_text_that_is_not_a_regular_file_is_named_for_what_it_is(mini: Path, tmp_path: Path, kind, expected):
    path = {"folder": tmp_path, "device": Path("/dev/zero"), "missing": tmp_path / "absent.txt"}[kind]
    if kind == "device" and not path.exists():
        pytest.skip("no /dev/zero here")
    before = tree(mini)
    run = cli("new", "new-article", "--text", path, cwd=mini)
    assert run.returncode == 2 and expected in run.stderr, run.output
    if kind != "missing":
        assert "no such file" not in run.stderr
    assert tree(mini) == before


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_the_text_is_named_without_waiting_for_a_writer(mini: Path, tmp_path: Path):
    fifo = tmp_path / "text.txt"
    os.mkfifo(fifo)
    run = run_process("new", "new-article", "--text", fifo, cwd=mini, timeout=60)
    assert run.returncode == 2 and "is a FIFO" in run.stderr and "no such file" not in run.stderr, run.output
    assert not (mini / "annotations" / "new-article.json").exists()
