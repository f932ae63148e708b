"""One exit status per cause, whatever the command (the README's table), and `--root` on either side of the
subcommand."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, cli, tree
from cyberclaims.cli.app import NEEDS_REPOSITORY, parser
from cyberclaims.cli.output import EXIT_DATA, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE

# Each command that works on a repository, with the arguments it needs (outputs inside the folder tried).
COMMANDS = {
    "build": ["build"],
    "lint": ["lint"],
    "new": ["new", "some-article", "--text", "some.txt"],
    "agreement": ["agreement"],
    "diff": ["diff", "HEAD"],
    "render": ["render", "--out", "site"],
    "import": ["import", "brat", "some.ann"],
    "export": ["export", "brat", "--out", "exported"],
    "baselines": ["baselines"],
    "release": ["release", "--dry-run"],
    "adjudicate": ["adjudicate", "pass-a", "pass-b"],
    "suggest": ["suggest", "--system", "rules", "--out", "suggestions"],
    "passes": ["passes", "record", "pass-a"],
}


def test_every_command_that_needs_a_repository_is_listed():
    _, handlers = parser()
    assert set(COMMANDS) == NEEDS_REPOSITORY and set(handlers) > NEEDS_REPOSITORY


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_outside_a_repository_every_command_exits_2_and_writes_nothing(command, tmp_path):
    (tmp_path / "some.txt").write_text("A text.\n", encoding="utf-8")
    (tmp_path / "some.ann").write_text("T1\tORG 0 1\tA\n", encoding="utf-8")
    before = tree(tmp_path)
    run = cli(*COMMANDS[command], cwd=tmp_path)
    assert run.returncode == EXIT_USAGE, run.output
    assert f"{tmp_path} is not a CyberClaims repository (it has no annotations/ folder)" in run.stderr
    assert "pass --root <repository>" in run.stderr
    assert tree(tmp_path) == before and not (tmp_path / "site").exists()


def test_validate_reports_where_it_looked_and_exits_2_too(tmp_path):
    run = cli("validate", cwd=tmp_path)
    assert run.returncode == EXIT_USAGE
    assert "annotations: file-unreadable: no annotations/ folder found in " in run.stdout
    # a built dataset needs no repository
    assert cli("validate", ROOT / "dataset", cwd=tmp_path).returncode == EXIT_OK


@pytest.mark.parametrize(
    "args",
    [["summary"], ["evaluate", "--task", "ner", "--predictions", "p.jsonl"], ["summary", "--dataset", "."]],
)
def test_a_folder_that_is_not_a_built_dataset_exits_2(args, tmp_path):
    (tmp_path / "p.jsonl").write_text("{}\n", encoding="utf-8")
    run = cli(*args, cwd=tmp_path)
    assert run.returncode == EXIT_USAGE and "is not a built dataset" in run.stderr, run.output


def test_root_is_accepted_after_the_subcommand(mini, tmp_path):
    before = cli("--root", mini, "validate", cwd=tmp_path)
    after = cli("validate", "--root", mini, cwd=tmp_path)
    assert before.returncode == after.returncode == EXIT_OK and before.output == after.output
    # the one after the subcommand wins; without one the one before it holds
    assert cli("--root", tmp_path, "validate", "--root", mini, cwd=tmp_path).returncode == EXIT_OK
    assert cli("--root", tmp_path, "validate", cwd=mini).returncode == EXIT_USAGE


def test_the_readme_table_gives_every_status_once():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| exit status | cause |") :].split("\n\n")[0]
    statuses = [int(s) for s in re.findall(r"^\| `(\d+)` \|", table, re.M)]
    assert statuses == sorted(set(statuses))
    assert {EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL, 130, 141} == set(statuses)
    assert "not a repository" in table and "not a built dataset" in table
