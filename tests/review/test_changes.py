"""`cyberclaims diff BASE`: what a change does to the data, against a git revision or another checkout."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SEED_IDS, copy_repository, run_cli

pytestmark = pytest.mark.corpus

# The changes are made to the two seed articles (always in the corpus, each with several mentions and claims).
ARTICLE_IDS = SEED_IDS


def other_split(split: str) -> str:
    return "validation" if split != "validation" else "train"


GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    import os

    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    ).stdout


def edit(path: Path, change) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    change(value)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def make_changes(repo: Path) -> None:
    """Relabel, re-attribute, rename by id, remove a mention; change a split; remove an article; add entries."""
    first, second = ARTICLE_IDS[:2]

    def article(doc):
        doc["metadata"]["split"] = other_split(doc["metadata"]["split"])
        doc["entities"][0]["label"] = "LOC"
        doc["entities"][1]["id"] = "m999"  # same offsets, new id: matched by offsets
        doc["entities"][1]["entity"] = "someone_else"
        del doc["entities"][2]
        doc["claims"][0]["certainty"] = "probable"

    edit(repo / "annotations" / f"{first}.json", article)
    (repo / "annotations" / f"{second}.json").unlink()
    edit(
        repo / "annotations" / "entities.json",
        lambda reg: reg["entities"].append(
            {"key": "zz_new", "name": "ZZ", "type": "ORG", "aliases": [], "description": "d"}
        ),
    )
    edit(repo / "annotations" / "propositions.json", lambda reg: reg["propositions"].pop(0))


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    repo = copy_repository(tmp_path / "repo")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    return repo


def check(result: dict, base: dict) -> None:
    first, second = ARTICLE_IDS[:2]
    assert result["articles"]["added"] == [] and result["articles"]["removed"] == [second]
    [article] = result["articles"]["changed"]
    assert article["id"] == first
    old_split = base["metadata"]["split"]
    assert article["fields"] == [{"field": "metadata.split", "old": old_split, "new": other_split(old_split)}]
    mentions = {c["id"]: c for c in article["mentions"]["changed"]}
    old_mentions = base["entities"]
    assert mentions[old_mentions[0]["id"]]["fields"] == [
        {"field": "label", "old": old_mentions[0]["label"], "new": "LOC"}
    ]
    renamed = mentions[old_mentions[1]["id"]]
    assert renamed["new_id"] == "m999"
    assert [f["field"] for f in renamed["fields"]] == ["entity"]
    assert article["mentions"]["removed"] == [old_mentions[2]["id"]] and article["mentions"]["added"] == []
    assert article["claims"]["changed"] == [
        {
            "id": base["claims"][0]["id"],
            "fields": [{"field": "certainty", "old": base["claims"][0]["certainty"], "new": "probable"}],
        }
    ]
    assert result["registries"]["entities.json"]["added"] == ["zz_new"]
    assert len(result["registries"]["propositions.json"]["removed"]) == 1


def test_diff_against_a_git_revision(git_repo: Path):
    base = json.loads((git_repo / "annotations" / f"{ARTICLE_IDS[0]}.json").read_text(encoding="utf-8"))
    make_changes(git_repo)
    status_before = git(git_repo, "status", "--porcelain")
    run = run_cli("diff", "HEAD", "--format", "json", cwd=git_repo)
    assert run.returncode == 0, run.output
    check(json.loads(run.stdout), base)
    assert git(git_repo, "status", "--porcelain") == status_before  # the work tree is not touched

    text = run_cli("diff", "HEAD", cwd=git_repo)
    assert text.returncode == 0
    assert f"  - {ARTICLE_IDS[1]}" in text.stdout and "label" in text.stdout and "→ m999" in text.stdout
    markdown = run_cli("diff", "HEAD", "--format", "markdown", cwd=git_repo)
    assert markdown.stdout.startswith("## Data changes against HEAD")
    assert f"- removed `{ARTICLE_IDS[1]}`" in markdown.stdout and "- added entry `zz_new" in markdown.stdout


def test_diff_after_a_commit_and_no_change(git_repo: Path):
    make_changes(git_repo)
    git(git_repo, "commit", "-qam", "change")
    assert "No change to the annotations." in run_cli("diff", "HEAD", cwd=git_repo).stdout
    back = json.loads(run_cli("diff", "HEAD~1", "--format", "json", cwd=git_repo).stdout)
    assert back["articles"]["removed"] == [ARTICLE_IDS[1]]


def test_diff_against_a_folder(tmp_path: Path):
    base_repo = copy_repository(tmp_path / "base")
    base = json.loads((base_repo / "annotations" / f"{ARTICLE_IDS[0]}.json").read_text(encoding="utf-8"))
    repo = copy_repository(tmp_path / "repo")
    make_changes(repo)
    run = run_cli("diff", base_repo, "--format", "json", cwd=repo)
    assert run.returncode == 0, run.output
    check(json.loads(run.stdout), base)
    reverse = json.loads(run_cli("diff", repo, "--format", "json", cwd=base_repo).stdout)
    assert reverse["articles"]["added"] == [ARTICLE_IDS[1]]


@pytest.mark.parametrize("base", ["no-such-revision", "--", "HEAD~5"])
def test_diff_bad_base_is_a_usage_error(git_repo: Path, base: str):
    run = run_cli("diff", base, cwd=git_repo)
    assert run.returncode == 2, run.output
    assert "error:" in run.stderr


def test_diff_outside_git_with_a_revision(repo: Path, tmp_path: Path):
    run = run_cli("diff", "main", cwd=repo, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert run.returncode == 2 and "neither a folder nor a git revision" in run.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_cli("diff", empty, cwd=repo)
    assert run.returncode == 2 and "annotations/" in run.stderr


def test_the_pull_request_workflow_summarises_the_data_changes():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "validate.yml").read_text())
    job = workflow["jobs"]["pull-request"]
    assert job["if"] == "github.event_name == 'pull_request'"
    checkout = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch too
    assert {"run": '.ci/pull-request "origin/${{ github.base_ref }}"'} in job["steps"]
    script = (ROOT / ".ci" / "pull-request").read_text()
    assert '"$cc" diff "$base" --format "$diff_format" >> "${GITHUB_STEP_SUMMARY:-/dev/stdout}"' in script
    assert "diff_format=markdown" in script
