"""Nothing lost: an interrupted build leaves the previous dataset intact; hostile input never crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import cli_command, run_cli, synth


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killed_build_leaves_the_previous_dataset_intact_and_loadable(tmp_path: Path, hf_cache: Path):
    root = synth.write_corpus(tmp_path / "corpus", articles=150, seed=1)
    assert run_cli("--root", root, "build").returncode == 0
    before = tree(root / "dataset")
    # change the sources so the new build would differ
    first = root / "annotations" / "synthetic-000000.json"
    data = json.loads(first.read_text(encoding="utf-8"))
    data["notes"] = "changed"
    first.write_text(json.dumps(data, indent=2), encoding="utf-8")

    process = subprocess.Popen([*cli_command(), "--root", str(root), "build"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    deadline = time.monotonic() + 120
    # kill it in the middle: once it has started writing Parquet into its staging folder
    while time.monotonic() < deadline and not list(root.glob(".dataset-build-*/data/*/*.partial")):
        assert process.poll() is None, "the build finished before it could be interrupted"
        time.sleep(0.01)
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
