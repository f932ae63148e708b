"""`cyberclaims new` (cyberclaims.formats.new_article): every argument checked before anything is written; bad
arguments are usage errors (2), bad texts data problems (1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ARTICLE_IDS, run_cli

pytestmark = pytest.mark.corpus


FIXTURE = Path(__file__).parents[1] / "fixtures" / "contribution"
NEW_ID = "northwind-bank-breach"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


BAD_ARGUMENTS = [  # (arguments after the id, the argument named in the message)
    (["--published", "03/2025"], "--published"),
    (["--published", "2025-13"], "--published"),
    (["--split", "dev"], "--split"),
    (["--license", "all rights reserved"], "--license"),
    (["--license", ""], "--license"),
    (["--url", "www.example.com/a"], "--url"),
    (["--url", "https://example.com/a b"], "--url"),
    (["--topic", "Sony Hack"], "--topic"),
    (["--title", ""], "--title"),
]


@pytest.mark.parametrize("extra, argument", BAD_ARGUMENTS, ids=[" ".join(a) for a, _ in BAD_ARGUMENTS])
def test_new_refuses_a_bad_argument_before_writing_anything(repo: Path, extra: list[str], argument: str):
    before = snapshot(repo)
    run = run_cli("new", NEW_ID, "--text", FIXTURE / "article.txt", *extra, cwd=repo)
    assert run.returncode == 2, run.output
    assert f"error: {argument} " in run.stderr and "expected" in run.stderr, run.stderr
    assert snapshot(repo) == before
    # the mistake fixed, the same command succeeds (nothing was left behind to say "already exists")
    assert run_cli("new", NEW_ID, "--text", FIXTURE / "article.txt", cwd=repo).returncode == 0


@pytest.mark.parametrize("article_id", ["Northwind", "northwind_bank", "northwind-", "a" * 101])
def test_new_refuses_a_bad_id_as_a_usage_error(repo: Path, article_id: str):
    before = snapshot(repo)
    run = run_cli("new", article_id, "--text", FIXTURE / "article.txt", cwd=repo)
    assert run.returncode == 2, run.output
    assert "error: ID " in run.stderr and "hyphens" in run.stderr
    assert snapshot(repo) == before


def test_new_reports_every_bad_argument_at_once(repo: Path):
    run = run_cli(
        "new", NEW_ID, "--text", FIXTURE / "article.txt", "--published", "May 2024", "--split", "dev", cwd=repo
    )
    assert run.returncode == 2
    assert "--published 'May 2024'" in run.stderr and "--split 'dev'" in run.stderr


def test_new_missing_text_is_a_usage_error(repo: Path):
    before = snapshot(repo)
    run = run_cli("new", NEW_ID, "--text", repo / "no-such.txt", cwd=repo)
    assert run.returncode == 2 and "--text" in run.stderr and "no such file" in run.stderr
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xef\xbb\xbfHello\n", "byte-order mark"),
        (b"caf\xe9\n", "not valid UTF-8"),
        (b"", "empty"),
        (b"  \n\n", "white space"),
    ],
    ids=["bom", "latin-1", "empty", "blank"],
)
def test_new_refuses_a_bad_text_as_a_data_problem(repo: Path, tmp_path: Path, content: bytes, message: str):
    text = tmp_path / "article.txt"
    text.write_bytes(content)
    before = snapshot(repo)
    run = run_cli("new", NEW_ID, "--text", text, cwd=repo)
    assert run.returncode == 1, run.output
    assert message in run.stderr and "--text" in run.stderr
    assert snapshot(repo) == before


def test_new_refuses_a_text_already_in_the_corpus(repo: Path):
    existing = sorted((repo / "annotations").glob("*.txt"))[0]
    before = snapshot(repo)
    run = run_cli("new", NEW_ID, "--text", existing, cwd=repo)
    assert run.returncode == 1 and f"already in the corpus as {existing.name}" in run.stderr
    assert snapshot(repo) == before


def test_new_refuses_an_existing_id(repo: Path):
    before = snapshot(repo)
    run = run_cli("new", ARTICLE_IDS[0], "--text", FIXTURE / "article.txt", cwd=repo)
    assert run.returncode == 2 and "already exists" in run.stderr
    assert snapshot(repo) == before


def test_new_license_is_written_and_its_default_is_documented(repo: Path):
    assert "LicenseRef-third-party-copyright" in " ".join(run_cli("new", "--help").stdout.split())
    assert (
        run_cli(
            "new",
            NEW_ID,
            "--text",
            FIXTURE / "article.txt",
            "--license",
            "CC-BY-4.0",
            "--split",
            "validation",
            cwd=repo,
        ).returncode
        == 0
    )
    metadata = json.loads((repo / "annotations" / f"{NEW_ID}.json").read_text(encoding="utf-8"))["metadata"]
    assert (metadata["license"], metadata["split"]) == ("CC-BY-4.0", "validation")
    assert run_cli("validate", cwd=repo).returncode == 0


@pytest.mark.parametrize(
    "value, ok",
    [
        ("CC-BY-4.0", True),
        ("MIT OR Apache-2.0", True),
        ("GPL-2.0+", True),
        ("LicenseRef-third-party-copyright", True),
        ("GPL-2.0-only WITH Classpath-exception-2.0", True),
        ("", False),
        ("all rights reserved", False),
        ("LicenseRef-", False),
        ("CC-BY-4.0 ", False),
        ("MIT or X", False),
    ],
)
def test_license_syntax(value: str, ok: bool):
    from cyberclaims.core.vocabulary import is_license

    assert is_license(value) is ok
