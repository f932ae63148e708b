"""``cyberclaims suggest``: what it writes for a skeleton, and how it refuses (usage errors exit 2, bad data
exit 1, nothing written). The round trip through Label Studio is tests/formats/test_suggestions_round_trip.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, cli, tree

TEXT = "Acme Corp hit again\n\nHackers said Acme Corp lost 5 million records on Monday, according to Reuters.\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The minimal repository (Acme Corp labelled in train) and one skeleton to suggest for."""
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root)
    (tmp_path / "new.txt").write_text(TEXT, encoding="utf-8")
    assert cli("new", "acme-hit-again", "--text", tmp_path / "new.txt", cwd=root).returncode == 0
    return root


@pytest.mark.parametrize("system", ["gazetteer", "rules"])
def test_suggest_writes_tasks_and_the_suggestions_for_the_unlabelled_articles(repo: Path, system: str) -> None:
    run = cli("suggest", "--system", system, "--out", "out", cwd=repo)
    assert run.returncode == 0, run.output
    assert set(tree(repo / "out")) == {"labelstudio-tasks.json", "SUGGESTIONS.json", ".cyberclaims-export.json"}
    tasks = json.loads((repo / "out" / "labelstudio-tasks.json").read_text(encoding="utf-8"))
    suggestions = json.loads((repo / "out" / "SUGGESTIONS.json").read_text(encoding="utf-8"))
    assert [t["data"]["article_id"] for t in tasks] == [a["id"] for a in suggestions["articles"]] == ["acme-hit-again"]
    assert tasks[0]["predictions"][0]["model_version"] == f"baseline:{system}@{suggestions['model_version']}"
    layer = "entities" if system == "gazetteer" else "claims"
    assert suggestions["articles"][0][layer], "the made-up article gives the system something to suggest"
    assert "acme-hit-again:" in run.stdout and "next: import labelstudio-tasks.json" in run.stdout


def test_the_same_run_writes_the_same_bytes(repo: Path) -> None:
    assert cli("suggest", "--system", "gazetteer", "--out", "a", cwd=repo).returncode == 0
    assert cli("suggest", "--system", "gazetteer", "--out", "b", cwd=repo).returncode == 0
    assert tree(repo / "a") == tree(repo / "b")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--system", "rules"), "needs --out"),
        (("--system", "rules", "--system-name", "x", "--out", "o"), "name the system of --from"),
        (("--from", "nowhere.jsonl", "--system-name", "x", "--system-version", "1", "--out", "o"), "no such file"),
        (("--report", "nowhere.json"), "no such file or folder"),
        (("acme-hit-again", "--report", "annotations"), "takes no ID"),
        (("nowhere-article", "--system", "rules", "--out", "o"), "no readable article nowhere-article"),
        (("--system", "rules", "--report", "x", "--out", "o"), "not allowed with argument"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(repo: Path, args: tuple, message: str) -> None:
    before = tree(repo)
    run = cli("suggest", *args, cwd=repo)
    assert run.returncode == 2 and message in run.stderr, run.output
    assert tree(repo) == before


def test_from_a_file_needs_the_systems_name_and_version(repo: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    output.write_text(json.dumps({"id": "acme-hit-again", "entities": []}) + "\n", encoding="utf-8")
    run = cli("suggest", "--from", output, "--out", "o", cwd=repo)
    assert run.returncode == 2 and "--system-name" in run.stderr


def test_when_every_article_is_labelled_the_articles_must_be_named(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root)
    run = cli("suggest", "--system", "rules", "--out", "o", cwd=root)
    assert run.returncode == 2 and "every article has labels" in run.stderr
    named = cli("suggest", "acme-breach", "--system", "rules", "--out", "o", cwd=root)  # a new pass over it
    assert named.returncode == 0, named.output


def test_an_article_to_suggest_for_that_does_not_validate_is_refused(repo: Path) -> None:
    path = repo / "annotations" / "acme-hit-again.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["segments"][0]["kind"] = "headline"
    path.write_text(json.dumps(document), encoding="utf-8")
    run = cli("suggest", "acme-hit-again", "--system", "rules", "--out", "o", cwd=repo)
    assert run.returncode == 1 and "schema-enum" in run.stdout and "nothing was written" in run.stderr
    assert not (repo / "o").exists()


def test_a_broken_line_of_a_systems_output_is_located(repo: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    output.write_text('{"id": "acme-hit-again", "entities": [{"start": 0, "end": 9}]}\n', encoding="utf-8")
    run = cli("suggest", "--from", output, "--system-name", "x", "--system-version", "1", "--out", "o", cwd=repo)
    assert run.returncode == 1 and "out.jsonl:1: schema-required" in run.stdout
    assert not (repo / "o").exists()


def test_a_report_of_an_export_without_suggestions_says_so(repo: Path, tmp_path: Path) -> None:
    assert cli("export", "labelstudio", "acme-breach", "--out", tmp_path / "x", cwd=repo).returncode == 0
    run = cli("suggest", "--report", tmp_path / "x" / "labelstudio-tasks.json", cwd=repo)
    assert run.returncode == 1 and "holds no task made by `cyberclaims suggest`" in run.stderr


# --out is an output folder like export's (core/files.py OutputFolder, formats/export.py): never the repository's
# own folders, never through a link, and only files an earlier `suggest` wrote, unchanged since, are replaced.


@pytest.mark.parametrize("out", ["annotations", "annotations/passes/new-pass", "dataset", "."])
def test_the_repositorys_own_folders_are_refused_as_the_output(repo: Path, out: str) -> None:
    before = tree(repo)
    run = cli("suggest", "--system", "rules", "--out", out, cwd=repo)
    assert run.returncode == 2 and "suggest --out" in run.stderr, run.output
    assert tree(repo) == before


def test_an_existing_file_as_the_output_is_refused(repo: Path) -> None:
    (repo / "o").write_text("mine\n", encoding="utf-8")
    run = cli("suggest", "--system", "rules", "--out", "o", cwd=repo)
    assert run.returncode == 2 and "is not a folder" in run.stderr, run.output
    assert (repo / "o").read_text(encoding="utf-8") == "mine\n"


def test_an_output_that_is_a_link_is_never_written_through(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / "o").symlink_to(elsewhere)
    run = cli("suggest", "--system", "rules", "--out", "o", cwd=repo)
    assert run.returncode == 2 and "symbolic link" in run.stderr, run.output
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("name", ["SUGGESTIONS.json", "labelstudio-tasks.json"])
def test_a_file_suggest_did_not_write_is_never_replaced(repo: Path, name: str) -> None:
    (repo / "o").mkdir()
    (repo / "o" / name).write_text("my own notes\n", encoding="utf-8")
    run = cli("suggest", "--system", "rules", "--out", "o", cwd=repo)
    assert run.returncode == 2 and name in run.stderr and "nothing was written" in run.stderr, run.output
    assert tree(repo / "o") == {name: b"my own notes\n"}


def test_a_second_run_replaces_its_own_files_but_not_once_they_were_edited(repo: Path) -> None:
    assert cli("suggest", "--system", "rules", "--out", "o", cwd=repo).returncode == 0
    first = tree(repo / "o")
    assert cli("suggest", "--system", "rules", "--out", "o", cwd=repo).returncode == 0
    assert tree(repo / "o") == first
    (repo / "o" / "SUGGESTIONS.json").write_text("{}\n", encoding="utf-8")  # edited since
    run = cli("suggest", "--system", "rules", "--out", "o", cwd=repo)
    assert run.returncode == 2 and "SUGGESTIONS.json" in run.stderr, run.output
    assert (repo / "o" / "SUGGESTIONS.json").read_text(encoding="utf-8") == "{}\n"


def test_a_from_file_that_is_not_a_regular_file_is_named_as_such(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "folder.jsonl").mkdir()
    run = cli("suggest", "--from", tmp_path / "folder.jsonl", "--system-name", "x", "--system-version", "1",
              "--out", "o", cwd=repo)  # fmt: skip
    assert run.returncode == 2 and "not a regular file" in run.stderr and "no such file" not in run.stderr
    assert not (repo / "o").exists()


def test_a_line_of_a_systems_output_for_no_article_of_the_corpus_is_an_error(repo: Path, tmp_path: Path) -> None:
    """A mistyped id was skipped without a word (as a line of another article of the corpus still is)."""
    output = tmp_path / "out.jsonl"
    lines = [{"id": "acme-hit-again", "entities": []}, {"id": "acme-breach", "entities": []}]
    output.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    args = ("acme-hit-again", "--from", output, "--system-name", "x", "--system-version", "1")
    assert cli("suggest", *args, "--out", "ok", cwd=repo).returncode == 0  # another article's line: skipped
    lines.append({"id": "acme-hit-agian", "entities": []})
    output.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    run = cli("suggest", *args, "--out", "o", cwd=repo)
    assert run.returncode == 1 and "out.jsonl:3:" in run.stdout and "'acme-hit-agian'" in run.stdout, run.output
    assert not (repo / "o").exists()


@pytest.mark.parametrize("option", ["--system-name", "--system-version"])
def test_a_system_name_or_version_with_a_control_character_is_refused(repo: Path, tmp_path: Path, option: str) -> None:
    """It was written into every task and SUGGESTIONS.json, and printed raw."""
    output = tmp_path / "out.jsonl"
    output.write_text(json.dumps({"id": "acme-hit-again", "entities": []}) + "\n", encoding="utf-8")
    values = {"--system-name": "x", "--system-version": "1"}
    values[option] = "x\x1b]0;forged\x07"
    run = cli("suggest", "--from", output, *(a for kv in values.items() for a in kv), "--out", "o", cwd=repo)
    assert run.returncode == 2 and option in run.stderr and "\x1b" not in run.output, run.output
    assert not (repo / "o").exists()
