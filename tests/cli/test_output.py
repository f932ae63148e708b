"""What the CLI prints cannot be forged: GitHub annotations are escaped, text lines stay one line, whatever the
file names and messages."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from cyberclaims.cli.output import escape_github_data, escape_github_property
from cyberclaims.core.issues import Issue, Report, printable


def _unescape(value: str) -> str:
    """How the Actions runner reads an escaped property or message back."""
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_github_escaping_round_trips_and_leaves_no_separator(text):
    prop, data = escape_github_property(text), escape_github_data(text)
    assert not set(prop) & {"\r", "\n", ":", ","} and not set(data) & {"\r", "\n"}
    assert _unescape(prop) == text and _unescape(data) == text


@given(st.text(), st.text())
@settings(max_examples=200, deadline=None)
def test_text_lines_are_one_line_whatever_the_name(name, message):
    line = Issue(name, 3, "", "unexpected-file", message).to_text()
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    assert printable(name) in line


@pytest.mark.parametrize(
    "name",
    [
        "x\n::error file=ok.json::forged.txt",
        "a\rb.json",
        "esc\x1b[2J.txt",
        "sep\u2028x.json",
        "tab\t.md",
        "x,title=forged:y.txt",
    ],
)
def test_names_cannot_forge_report_lines(mini, name):
    (mini / "annotations" / name).write_text("Some text.", encoding="utf-8")
    for fmt in ("github", "text"):
        run = run_cli("--root", mini, "validate", "--format", fmt, cwd=mini)
        lines = [line for line in run.stdout.splitlines() if line.strip()]
        if fmt == "github":
            assert all(
                re.fullmatch(r"::(error|warning) file=[^:,]*(,line=\d+)?(,col=\d+)?,title=[a-z-]+::.*", line)
                for line in lines[:-1]
            ), lines
            assert len(lines) == 2, lines  # one annotation, one summary
        else:
            assert len(lines) == 1, lines
    json_run = run_cli("--root", mini, "validate", "--format", "json", cwd=mini)
    codes = {i["code"] for i in json.loads(json_run.stdout)["issues"]}
    if any(ord(c) < 32 or c == "\u2028" for c in name):
        assert codes == {"file-name-control-character"} and json_run.returncode == 1
    else:
        assert json_run.returncode in (0, 1) and "file-name-control-character" not in codes


def test_github_reporter_escapes_every_property(capsys):
    from cyberclaims.cli.output import print_report

    print_report(Report([Issue("a,b:c%\n.json", 1, "/x", "schema-enum", "50% bad\nline")]), "github")
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "::error file=a%2Cb%3Ac%25%0A.json,line=1,title=schema-enum::schema-enum: 50%25 bad%0Aline at /x"
