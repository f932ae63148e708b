"""The guidelines' cue tables as lint reads them: the format of GUIDELINES.md 2.11, matching, located errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, ROOT, run_cli
from cyberclaims.core.codes import CODES, GUIDELINES_TABLE_CODES, Severity
from cyberclaims.core.errors import CyberClaimsError
from cyberclaims.core.vocabulary import CERTAINTIES
from cyberclaims.review.claim_lint import CERTAINTY_CUES, LEVEL_COLUMN, read_claim_cues
from cyberclaims.review.cues import parse_cue_tables, read_cue_tables

TABLE = """Some prose.

<!-- table: fruit-cues -->
| group | cues | made-up example |
|---|---|---|
| sweet | "fig", "sugar apple", "kiwi" | "A fig." |
| sour | "sloe", "fig-leaf" | "Sloe gin." |

More prose.
"""


def parse(text: str, *names: str):
    return parse_cue_tables(text, "G.md", names or ("fruit-cues",))


def problems(text: str, *names: str) -> list[tuple[int | None, str]]:
    return [(i.line, i.code) for i in parse(text, *names)[1]]


def test_a_table_is_read_by_its_marker_and_its_cues_column():
    tables, issues = parse(TABLE)
    assert issues == []
    table = tables["fruit-cues"]
    assert (table.line, table.columns) == (3, ("group", "cues", "made-up example"))
    assert [(row.line, row.cells["group"], row.cues) for row in table.rows] == [
        (6, "sweet", ("fig", "sugar apple", "kiwi")),
        (7, "sour", ("sloe", "fig-leaf")),
    ]


def test_cues_match_whole_words_case_insensitively_longest_first():
    table = parse(TABLE)[0]["fruit-cues"]
    text = "Figs, a FIG, a Sugar Apple and a sugar-apple; fig-leaf and sloes. Kiwi!"
    found = [(m.cue, text[m.start : m.end]) for m in table.find(text)]
    assert found == [("fig", "FIG"), ("sugar apple", "Sugar Apple"), ("fig-leaf", "fig-leaf"), ("kiwi", "Kiwi")]
    assert [m.row.cells["group"] for m in table.find(text, 0, 12)] == ["sweet"]  # a range of the text


def test_only_the_tables_asked_for_are_read():
    other = TABLE.replace("fruit-cues", "other-cues").replace('"fig"', "fig")  # malformed, but not read
    assert parse(TABLE + other)[1] == []


@pytest.mark.parametrize(
    "broken, line, code",
    [
        (TABLE.replace("<!-- table: fruit-cues -->", ""), None, "guidelines-table-missing"),
        (TABLE.replace("| group | cues |", "| group | words |"), 4, "guidelines-table-invalid"),
        (TABLE.replace("|---|---|---|\n", ""), 5, "guidelines-table-invalid"),
        (TABLE.replace("-->\n|", "-->\n\n|"), 3, "guidelines-table-invalid"),
        (TABLE.replace('"fig", "sugar apple"', '"fig", sugar apple'), 6, "guidelines-table-invalid"),
        (TABLE.replace('"kiwi"', '"Kiwi"'), 6, "guidelines-table-invalid"),
        (TABLE.replace('"Sloe gin." |', '"Sloe gin." | extra |'), 7, "guidelines-table-invalid"),
        (TABLE.replace("| sweet |", "x").replace("| sour |", "y"), 3, "guidelines-table-invalid"),
        (TABLE + "\n" + TABLE.split("\n", 2)[2], 11, "guidelines-table-invalid"),
    ],
    ids=[
        "no-marker",
        "no-cues-column",
        "no-rule-row",
        "marker-not-before-header",
        "unquoted",
        "upper-case",
        "width",
        "no-rows",
        "twice",
    ],
)
def test_a_broken_table_is_a_located_error(broken, line, code):
    assert problems(broken) == [(line, code)]


def test_the_codes_are_errors_of_their_own():
    assert set(CODES) >= GUIDELINES_TABLE_CODES
    assert all(CODES[c].severity is Severity.ERROR and CODES[c].description for c in GUIDELINES_TABLE_CODES)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "repo")
    return tmp_path / "repo"


def test_a_missing_guidelines_file_is_reported_not_raised_as_a_traceback(repo):
    with pytest.raises(CyberClaimsError, match="cannot read its cue tables") as raised:
        read_cue_tables(repo, ["fruit-cues"])
    assert [(i.file, i.code) for i in raised.value.report.issues] == [
        ("annotations/GUIDELINES.md", "guidelines-table-missing")
    ]


def test_the_certainty_table_needs_a_level_column_of_certainties(repo):
    guidelines = (ROOT / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")
    target = repo / "annotations" / "GUIDELINES.md"
    target.write_text(guidelines.replace("| probable |", "| likely |", 1), encoding="utf-8")
    with pytest.raises(CyberClaimsError) as raised:
        read_claim_cues(repo)
    (issue,) = raised.value.report.issues
    assert issue.code == "guidelines-table-invalid" and "'likely' is not a certainty" in issue.message
    assert target.read_text(encoding="utf-8").splitlines()[issue.line - 1].startswith("| likely |")


def test_lint_on_guidelines_without_a_table_exits_1_with_the_place(repo):
    guidelines = (ROOT / "annotations" / "GUIDELINES.md").read_text(encoding="utf-8")
    (repo / "annotations" / "GUIDELINES.md").write_text(
        guidelines.replace("<!-- table: evidence-cues -->", "<!-- (removed) -->"), encoding="utf-8"
    )
    run = run_cli("--root", repo, "lint", cwd=repo)
    assert run.returncode == 1 and "internal error" not in run.stderr and "Traceback" not in run.output
    assert "annotations/GUIDELINES.md: guidelines-table-missing: no table 'evidence-cues'" in run.stdout
    assert "lint cannot read its cue tables from annotations/GUIDELINES.md" in run.stderr


def test_the_repository_guidelines_give_every_table_lint_reads():
    """The project's own guidelines are readable by lint (whatever cues they list)."""
    cues = read_claim_cues(ROOT)
    for table in (cues.certainty, cues.evaluative, cues.evidence, cues.context):
        assert table.cues(), table.name
    assert cues.certainty.name == CERTAINTY_CUES
    assert {row.cells[LEVEL_COLUMN] for row in cues.certainty.rows} <= set(CERTAINTIES)
