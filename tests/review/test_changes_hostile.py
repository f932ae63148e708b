"""`cyberclaims diff` when the data is hostile: every value is escaped for the format it is printed in, so a
title or a statement that passes `validate` cannot add a heading to a pull request's job summary, hide the rest
of it, or send a command to a terminal; and neither a lone surrogate, a missing git object nor a huge file in
BASE is an internal error (or read whole).

The repositories are made up: the minimal valid one (tests/cases/valid/minimal), changed here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import cli

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}
ARTICLE = "acme-breach"
# Strings a contributor can put in a title or a statement: Markdown and HTML that would open a comment (hiding
# everything after it), add headings, close the code span, plus an ANSI escape and C1 control for a terminal.
HOSTILE = [
    "<!-- everything below is hidden",
    "<h1>Approved</h1>\n\n## All checks passed",
    "` </code> ## heading after a closed code span",
    "<6 items>",
    "x\u001b[2J\u001b[31mred\u009b31m\u2028next line",
]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    ).stdout


def edit(path: Path, change) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    change(value)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture
def changed(mini: Path, tmp_path: Path) -> tuple[Path, Path]:
    """``mini`` with hostile strings in a title, a source name, a proposition's statement and a new entity's
    description; the base is a copy from before."""
    base = tmp_path / "base"
    shutil.copytree(mini, base)

    def article(doc):
        doc["metadata"]["title"] = HOSTILE[0]
        doc["metadata"]["source"]["name"] = HOSTILE[2]
        doc["notes"] = HOSTILE[4]

    edit(mini / "annotations" / f"{ARTICLE}.json", article)
    edit(mini / "annotations" / "propositions.json", lambda r: r["propositions"][0].update(statement=HOSTILE[1]))
    edit(
        mini / "annotations" / "entities.json",
        lambda r: r["entities"].append(
            {"key": "zz_hostile", "name": HOSTILE[3], "type": "ORG", "aliases": [], "description": HOSTILE[1]}
        ),
    )
    return mini, base


def headings_and_html(markdown: str) -> tuple[list[str], list[str]]:
    """The headings (their text) and the raw HTML a Markdown reader finds in ``markdown``."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    headings, html = [], []
    for number, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(tokens[number + 1].content)
        if token.type == "html_block":
            html.append(token.content)
        for child in token.children or []:
            if child.type == "html_inline":
                html.append(child.content)
    return headings, html


def test_hostile_values_are_escaped_in_every_format(changed):
    repo, base = changed
    assert cli("validate", cwd=repo).returncode == 0  # every string passes validation
    markdown = cli("diff", base, "--format", "markdown", cwd=repo)
    assert markdown.returncode == 0, markdown.output
    headings, html = headings_and_html(markdown.stdout)
    assert html == []
    assert len(headings) == 4 and headings[0].startswith("Data changes against")  # ours: the title, the
    assert headings[1:] == [f"`{ARTICLE}`", "`entities.json`", "`propositions.json`"]  # article, 2 registries
    assert "<6 items>" not in markdown.stdout.replace('"<6 items>"', "")  # data that looks like a summary: quoted
    text = cli("diff", base, cwd=repo)
    for output in (markdown.stdout, text.stdout):
        assert not any(c in output for c in "\u001b\u009b\u2028"), output
        assert "\\u001b[2J" in output or "\\x1b[2J" in output
    as_json = cli("diff", base, "--format", "json", cwd=repo)
    assert not any(c in as_json.stdout for c in "\u001b\u009b\u2028")
    fields = {f["field"]: f["new"] for f in json.loads(as_json.stdout)["articles"]["changed"][0]["fields"]}
    assert fields["metadata.title"] == HOSTILE[0] and fields["notes"] == HOSTILE[4]  # the values, unchanged


def test_a_lone_surrogate_is_shown_not_an_internal_error(changed):
    repo, base = changed
    path = repo / "annotations" / f"{ARTICLE}.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"notes": "', '"notes": "\\ud800 ', 1), encoding="utf-8")
    for fmt in ("text", "markdown", "json"):
        run = cli("diff", base, "--format", fmt, cwd=repo)
        assert run.returncode == 0 and "\\ud800" in run.stdout, run.output
    assert json.loads(cli("diff", base, "--format", "json", cwd=repo).stdout)


def test_ids_and_keys_of_any_type_are_compared_not_an_internal_error(changed):
    """`diff` reads what `validate` refuses too (it says what changed, whatever the change)."""
    repo, base = changed

    def odd(doc):
        doc["entities"][0]["id"] = ["m", 1]
        doc["entities"][1]["start"] = {"at": 3}
        doc["claims"][0]["id"] = None

    edit(repo / "annotations" / f"{ARTICLE}.json", odd)
    shutil.copy(repo / "annotations" / f"{ARTICLE}.json", base / "annotations" / f"{ARTICLE}.json")
    edit(repo / "annotations" / f"{ARTICLE}.json", lambda d: d["entities"][0].update(label="LOC"))
    for fmt in ("text", "markdown", "json"):
        run = cli("diff", base, "--format", fmt, cwd=repo)
        assert run.returncode == 0 and "LOC" in run.stdout, run.output


def test_a_missing_git_object_is_a_clear_error(mini: Path):
    git(mini, "init", "-q")
    git(mini, "add", ".")
    git(mini, "commit", "-qm", "base")
    blob = git(mini, "rev-parse", f"HEAD:annotations/{ARTICLE}.json").strip()
    (mini / ".git" / "objects" / blob[:2] / blob[2:]).unlink()  # as in a partial clone
    run = cli("diff", "HEAD", cwd=mini)
    assert run.returncode == 1 and "internal error" not in run.stderr
    assert f"annotations/{ARTICLE}.json" in run.stderr and "not in this clone" in run.stderr, run.stderr


def test_a_file_in_base_is_capped_as_validate_caps_it(changed, tmp_path: Path):
    """A 40 MB annotation file in BASE (the limit is 16 MiB) is refused before it is read whole."""
    from cyberclaims.core.files import MAX_ANNOTATION_BYTES

    repo, base = changed
    huge = base / "annotations" / f"{ARTICLE}.json"
    with huge.open("r+b") as fh:
        fh.truncate(MAX_ANNOTATION_BYTES + 1)  # sparse: no disk used
    run = cli("diff", base, cwd=repo)
    assert run.returncode == 1 and "larger than the limit" in run.stderr, run.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_link_or_a_fifo_in_base_is_refused(changed):
    repo, base = changed
    target = base / "annotations" / f"{ARTICLE}.json"
    target.unlink()
    target.symlink_to("/dev/zero")
    run = cli("diff", base, cwd=repo)
    assert run.returncode == 1 and "symbolic link" in run.stderr, run.output
    target.unlink()
    os.mkfifo(target)
    run = cli("diff", base, cwd=repo)  # would block the read were it opened as a file
    assert run.returncode == 1 and "FIFO" in run.stderr, run.output


def test_a_blob_in_git_larger_than_the_limit_is_refused_before_it_is_read(mini: Path):
    from cyberclaims.core.files import MAX_ANNOTATION_BYTES

    git(mini, "init", "-q")
    path = mini / "annotations" / f"{ARTICLE}.json"
    original = path.read_bytes()
    path.write_bytes(original + b" " * (MAX_ANNOTATION_BYTES + 1 - len(original)))
    git(mini, "add", ".")
    git(mini, "commit", "-qm", "base")
    path.write_bytes(original)
    run = cli("diff", "HEAD", cwd=mini)
    assert run.returncode == 1 and "larger than the limit" in run.stderr, run.output
