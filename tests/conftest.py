"""Shared fixtures: the real repository, a disposable copy of it, the CLI run in this process
(``run_cli``, through ``cyberclaims.cli.app.main(argv)``), and the installed console script in a subprocess
(``run_process``) for the few tests where a process matters (signals, FIFOs, pipes, the exit status).
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from cyberclaims.cli.app import main as cli_main

ROOT = Path(__file__).resolve().parents[1]
# Builds keep a cache of runs of articles (src/cyberclaims/dataset/cache.py). The tests' builds, in this
# process and in the CLI subprocesses they start, keep theirs in one throwaway folder, not in ~/.cache: one
# per process, so each pytest-xdist worker has its own and builds never wait on another worker's lock.
TEST_CACHE = tempfile.mkdtemp(prefix="cyberclaims-test-cache-")
os.environ["CYBERCLAIMS_CACHE_DIR"] = TEST_CACHE
atexit.register(shutil.rmtree, TEST_CACHE, ignore_errors=True)
ARTICLE_IDS = sorted(p.stem for p in (ROOT / "annotations").glob("*.txt"))
SPLIT_NAMES = ("train", "validation", "test")
# Each article's split, as its annotation file says; the splits that hold articles, in the dataset's order.
SPLIT_OF = {
    a: json.loads((ROOT / "annotations" / f"{a}.json").read_text(encoding="utf-8"))["metadata"]["split"]
    for a in ARTICLE_IDS
}
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
    """The installed console script (or ``python -m cyberclaims.cli`` when there is none)."""
    script = Path(sys.executable).parent / "cyberclaims"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cyberclaims.cli"]


def _stream(errors: str) -> io.TextIOWrapper:
    """A text stream like a piped stdout (``errors="strict"``) or stderr (``"backslashreplace"``): UTF-8, not a
    terminal (no progress bars), so what cannot be written to a pipe fails here as it would there."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, newline="\n", write_through=True)


def _read(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def run_cli(*args: str | Path, cwd: Path = ROOT, env: dict | None = None) -> Run:
    """``cyberclaims ARGS`` run in this process by ``main(argv)``, in ``cwd`` with ``env`` added to the
    environment (both restored afterwards), stdout and stderr captured. argparse's SystemExit (``--help``,
    ``--version``, usage errors) gives its exit status. An exception that escapes ``main`` fails the test
    (the subprocess would have printed a traceback), as does a traceback in the output."""
    assert "PYTHONPATH" not in (env or {}), "this process has its code imported: run_process runs another copy"
    out, err = _stream("strict"), _stream("backslashreplace")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        patch.setenv("HF_HUB_OFFLINE", "1")
        patch.delenv("CYBERCLAIMS_DEBUG", raising=False)
        for key, value in (env or {}).items():
            patch.setenv(key, str(value))
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        try:
            status = cli_main([str(a) for a in args])
        except SystemExit as exc:
            if exc.code is None or isinstance(exc.code, int):
                status = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                status = 1
    run = Run(status, _read(out), _read(err))
    assert "Traceback" not in run.output, run.output
    return run


def run_in_process(args: list[str], cwd: Path) -> tuple[int, str]:
    """``run_cli`` in the shape growth/add.py takes: the exit status and the output."""
    run = run_cli(*args, cwd=cwd)
    return run.returncode, run.output


def run_process(*args: str | Path, cwd: Path = ROOT, env: dict | None = None, timeout: float = 600) -> Run:
    """The installed console script in a subprocess: only where a process matters (its exit status as the
    shell sees it, signals, FIFOs that would block this process, broken pipes, a terminal)."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    full_env.pop("CYBERCLAIMS_DEBUG", None)
    done = subprocess.run(
        [*cli_command(), *map(str, args)], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=timeout
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Scripts that are not packages, loaded once: benchmarks/synth.py writes a synthetic corpus of any size;
# tests/fixtures/growth/add.py adds the growth articles to a copy of the repository, as CI does.
synth = _load("synth", ROOT / "benchmarks" / "synth.py")
GROWTH = ROOT / "tests" / "fixtures" / "growth"
growth = _load("growth_add", GROWTH / "add.py")


CASES = ROOT / "tests" / "cases"


# The case generator's makers of provenance records and of the pass register, shared by every test that writes
# annotation files or passes (tests/cases/generate.py is the one definition).
cases = _load("case_generator", CASES / "generate.py")
made_by = cases.made_by


def provenance(annotator: str = "tester") -> dict:
    """Every layer made by ``annotator``."""
    return {layer: made_by(annotator) for layer in ("entities", "links", "claims", "alignment")}


def record_passes(root: Path) -> None:
    """Give each pass of ``root`` instructions (if it has none) and record every pass file, as a finished pass is."""
    for folder in sorted(p for p in (Path(root) / "annotations" / "passes").iterdir() if p.is_dir()):
        if not (folder / "INSTRUCTIONS.md").exists():
            (folder / "INSTRUCTIONS.md").write_text("Label by annotations/GUIDELINES.md.\n", encoding="utf-8")
    cases.make_register(Path(root))


CHROMIUM = Path("/usr/bin/chromium")  # Debian's, for the viewer's browser tests (.ci/tools installs it)
# The smallest valid repository: one article, its registries, a CITATION.cff.
MINIMAL = CASES / "valid" / "minimal"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A disposable copy of ``MINIMAL``."""
    shutil.copytree(MINIMAL, tmp_path / "mini", symlinks=True)
    return tmp_path / "mini"


@pytest.fixture
def withheld(mini: Path) -> Path:
    """A text-withheld build of ``mini`` in ``mini/withheld``, and its text in ``mini/texts`` (to rehydrate)."""
    assert cli("build", "--withhold-text", "withheld", cwd=mini).returncode == 0
    (mini / "texts").mkdir()
    shutil.copy(mini / "annotations" / "acme-breach.txt", mini / "texts")
    return mini / "withheld"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes: what a command left there."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: str | Path, cwd: Path) -> Run:
    """The CLI in this process: its exit status, its message, and never an internal error."""
    run = run_cli(*args, cwd=cwd)
    assert "internal error" not in run.stderr, run.stderr
    return run


def copy_repository(target: Path, *, with_dataset: bool = False) -> Path:
    """A disposable copy of what a build reads (and optionally the committed dataset)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "annotations", target / "annotations")
    for name in ("CITATION.cff", "pyproject.toml"):  # the citation and the addresses (core/project.py)
        shutil.copy2(ROOT / name, target / name)
    if with_dataset:
        shutil.copytree(ROOT / "dataset", target / "dataset")
    return target


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repository(tmp_path / "repo")


def register_export_keys(export: Path, root: Path) -> None:
    """Add to ``root``'s registries the proposition and event keys a Label Studio export names that they lack,
    with made-up texts: an import fixture must not depend on the keys today's gold happens to use."""
    wanted: dict[str, set[str]] = {"proposition": set(), "event": set()}
    for task in json.loads(export.read_text(encoding="utf-8")):
        for annotation in task.get("annotations", []):
            for result in annotation.get("result", []):
                if result.get("from_name") in wanted:
                    wanted[result["from_name"]].update(result["value"]["text"])
    for name, text_field in (("proposition", "statement"), ("event", "description")):
        path = root / "annotations" / f"{name}s.json"
        registry = json.loads(path.read_text(encoding="utf-8"))
        entries = registry[f"{name}s"]
        known = {e["key"] for e in entries}
        entries += [{"key": k, text_field: f"A made-up {name} of the import fixture."} for k in wanted[name] - known]
        entries.sort(key=lambda e: e["key"])
        path.write_text(json.dumps(registry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def hf_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hf-cache")


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI (``CYBERCLAIMS_REQUIRE_TOOLS=1``, set by .ci/tools) a test tool that is missing fails the run:
    locally the browser and CFF tests skip, saying why; in CI a skip would hide that they never ran."""
    if not os.environ.get("CYBERCLAIMS_REQUIRE_TOOLS"):
        return
    missing = [
        name
        for name, present in (
            (f"Debian's Chromium at {CHROMIUM}", CHROMIUM.exists()),
            ("cffconvert ($CFFCONVERT)", bool(os.environ.get("CFFCONVERT") or shutil.which("cffconvert"))),
        )
        if not present
    ]
    if missing:
        raise pytest.UsageError(
            f"CYBERCLAIMS_REQUIRE_TOOLS is set and {', '.join(missing)} is missing (.ci/tools installs them)"
        )


# Two made-up passes that disagree on every layer `adjudicate` compares (tests of the adjudication).
adjudication_fixture = _load("adjudication_fixture", ROOT / "tests" / "fixtures" / "adjudication" / "passes.py")


@pytest.fixture
def adjudication_repo(tmp_path: Path) -> Path:
    """A repository with the two passes of ``adjudication_fixture`` and a gold equal to pass A."""
    return adjudication_fixture.write_repository(tmp_path / "adjudicated", citation=ROOT / "CITATION.cff")
