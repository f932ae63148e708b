"""Nothing lost: an interrupted build leaves the previous dataset intact; hostile input never crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import run_cli, synth, tree

# The installed command, run with one hook: the step that writes a row group of a shard
# (cyberclaims.dataset.parquet.ShardWriter._write_group) does its work, then creates the file named by the first
# argument and blocks. The build is then paused half-way through writing its staging folder.
PAUSE_AFTER_FIRST_ROW_GROUP = """
import sys, threading
from pathlib import Path
from cyberclaims.dataset.parquet import ShardWriter
from cyberclaims.cli.app import main

marker = Path(sys.argv[1])
write_group = ShardWriter._write_group

def write_group_then_pause(self, group):
    write_group(self, group)
    marker.touch()
    threading.Event().wait()

ShardWriter._write_group = write_group_then_pause
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.slow
def test_killed_build_leaves_the_previous_dataset_intact_and_loadable(tmp_path: Path, hf_cache: Path):
    root = synth.write_corpus(tmp_path / "corpus", articles=150, seed=1)
    assert run_cli("--root", root, "build").returncode == 0
    before = tree(root / "dataset")
    # change the sources so the new build would differ
    first = root / "annotations" / "synthetic-000000.json"
    data = json.loads(first.read_text(encoding="utf-8"))
    data["notes"] = "changed"
    first.write_text(json.dumps(data, indent=2), encoding="utf-8")

    # kill it at a known point, not after a guess at how long it takes: the build runs in a process whose
    # shard writer, once it has written the first row group into the staging folder, leaves a marker file and
    # waits for ever; the test waits for the marker, then kills the build there with SIGKILL (no clean-up runs)
    marker = tmp_path / "paused"
    process = subprocess.Popen(
        [sys.executable, "-c", PAUSE_AFTER_FIRST_ROW_GROUP, str(marker), "--root", str(root), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "the build ended before it wrote a row group"
        assert time.monotonic() < deadline, "the build never wrote a row group"
        time.sleep(0.01)
    assert list(root.glob(".dataset-build-*/data/*/.*.partial")), "paused while writing a shard into staging"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert list(root.glob(".dataset-build-*")), "the kill should have left a staging folder behind"

    assert tree(root / "dataset") == before
    import datasets

    loaded = datasets.load_dataset(str(root / "dataset"), "documents", cache_dir=str(hf_cache))
    assert sum(len(split) for split in loaded.values()) == 150

    # the next build cleans up and swaps in the new dataset
    assert run_cli("--root", root, "build").returncode == 0
    assert not list(root.glob(".dataset-*"))
    assert tree(root / "dataset") != before
