"""Shared fixtures: the real repository, a disposable copy of it, and the real CLI in a subprocess."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Builds keep a cache of runs of articles (src/cyberclaims/dataset/cache.py). The tests' builds, in this
# process and in the CLI subprocesses they start, keep theirs in one throwaway folder, not in ~/.cache.
TEST_CACHE = tempfile.mkdtemp(prefix="cyberclaims-test-cache-")
os.environ["CYBERCLAIMS_CACHE_DIR"] = TEST_CACHE
atexit.register(shutil.rmtree, TEST_CACHE, ignore_errors=True)
ARTICLE_IDS = sorted(p.stem for p in (ROOT / "annotations").glob("*.txt"))
SPLIT_NAMES = ("train", "validation", "test")
# Each article's split, as its annotation file says; the splits that hold articles, in the dataset's order.
SPLIT_OF = {a: json.loads((ROOT / "annotations" / f"{a}.json").read_text(encoding="utf-8"))["metadata"]["split"]
            for a in ARTICLE_IDS}
SPLITS = [s for s in SPLIT_NAMES if s in SPLIT_OF.values()]


def ids_in(split: str) -> list[str]:
    """The ids of the articles in a split, sorted."""
    return [a for a in ARTICLE_IDS if SPLIT_OF[a] == split]


def text_sha256(article_id: str, root: Path = ROOT) -> str:
    return hashlib.sha256((root / "annotations" / f"{article_id}.txt").read_bytes()).hexdigest()


# The two seed articles, by the sha256 of their text: always in the corpus, never the only articles a test may
# assume. Tests that are about them (the guidelines' examples, the annotation passes) find them by their text.
SEED_TEXT_SHA256 = {
    "a8f954939451df956148591688d915c7ce28670a4f0cd7069e90dd3792b4d671": "north-korea-hacks-sony-pictures",
    "efd37f746aa8219f9b9a853f4ae3b4e6a5b3d6ae2f2c264c88ab3f111a3164c0": "sony-pictures-hack-guardians-of-peace",
}
SEED_IDS = sorted(a for a in ARTICLE_IDS if text_sha256(a) in SEED_TEXT_SHA256)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "cyberclaims"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cyberclaims.cli"]


def run_cli(*args: str | Path, cwd: Path = ROOT, env: dict | None = None) -> Run:
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    full_env.pop("CYBERCLAIMS_DEBUG", None)
    done = subprocess.run([*cli_command(), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=600)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def copy_repository(target: Path, *, with_dataset: bool = False) -> Path:
    """A disposable copy of what a build reads (and optionally the committed dataset)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "annotations", target / "annotations")
    shutil.copy2(ROOT / "CITATION.cff", target / "CITATION.cff")
    if with_dataset:
        shutil.copytree(ROOT / "dataset", target / "dataset")
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


@pytest.fixture(scope="session")
def hf_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hf-cache")


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI (``CYBERCLAIMS_REQUIRE_TOOLS=1``, set by .ci/tools) a test tool that is missing fails the run:
    locally the browser and CFF tests skip, saying why; in CI a skip would hide that they never ran."""
    if not os.environ.get("CYBERCLAIMS_REQUIRE_TOOLS"):
        return
    missing = [name for name, present in (("Debian's Chromium at /usr/bin/chromium", Path("/usr/bin/chromium").exists()),
                                          ("cffconvert ($CFFCONVERT)", bool(os.environ.get("CFFCONVERT")
                                                                           or shutil.which("cffconvert"))))
               if not present]
    if missing:
        raise pytest.UsageError(f"CYBERCLAIMS_REQUIRE_TOOLS is set and {', '.join(missing)} is missing "
                                f"(.ci/tools installs them)")
