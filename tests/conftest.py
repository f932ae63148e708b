"""Shared fixtures: the real repository, a disposable copy of it, and the real CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_IDS = sorted(p.stem for p in (ROOT / "annotations").glob("*.txt"))


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
