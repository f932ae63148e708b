"""Issue 15, classes 7-12: output injection, success that is not true, meaning, concurrency, import, environment."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli, run_process
from cyberclaims.cli.output import escape_github_data, escape_github_property
from cyberclaims.core.issues import Issue, Report, printable

MINIMAL = Path(__file__).parents[1] / "cases" / "valid" / "minimal"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "mini", symlinks=True)
    return tmp_path / "mini"


# ---------------------------------------------------------------------------------------------
# 7. Output injection


def _unescape(value: str) -> str:
    """How the Actions runner reads an escaped property or message back."""
    return (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


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


@pytest.mark.parametrize("name", ["x\n::error file=ok.json::forged.txt", "a\rb.json", "esc\x1b[2J.txt",
                                  "sep\u2028x.json", "tab\t.md", "x,title=forged:y.txt"])
def test_names_cannot_forge_report_lines(mini, name):
    (mini / "annotations" / name).write_text("Some text.", encoding="utf-8")
    for fmt in ("github", "text"):
        run = run_cli("--root", mini, "validate", "--format", fmt, cwd=mini)
        lines = [line for line in run.stdout.splitlines() if line.strip()]
        if fmt == "github":
            assert all(re.fullmatch(r"::(error|warning) file=[^:,]*(,line=\d+)?(,col=\d+)?,title=[a-z-]+::.*", line)
                       for line in lines[:-1]), lines
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


# ---------------------------------------------------------------------------------------------
# 8. Success that is not true


def test_validate_elsewhere_refuses_instead_of_checking_the_namesake(mini, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "acme-breach.json").write_text("{", encoding="utf-8")  # broken; the namesake is valid
    run = run_cli("--root", mini, "validate", elsewhere / "acme-breach.json", cwd=tmp_path)
    assert run.returncode == 2 and "elsewhere" in run.stderr and "not in" in run.stderr
    run = run_cli("--root", mini, "validate", elsewhere, cwd=tmp_path)
    assert run.returncode == 2
    (mini / "annotations" / "README.md").write_text("docs", encoding="utf-8")
    run = run_cli("--root", mini, "validate", mini / "annotations" / "README.md", cwd=tmp_path)
    assert run.returncode == 2 and "neither" in run.stderr
    run = run_cli("--root", mini, "validate", mini / "annotations" / "acme-breach.json", cwd=tmp_path)
    assert run.returncode == 0, run.output


@pytest.mark.parametrize("bad", ["acme-breach\n", "acme-breach\r", "\nacme-breach"])
def test_an_id_with_a_newline_is_refused_everywhere(bad):
    from cyberclaims.core.vocabulary import ARTICLE_ID, is_key, is_license

    assert not ARTICLE_ID.fullmatch(bad)
    assert not is_key("acme_corp\n") and not is_license("MIT\n")


def test_an_annotation_id_with_a_trailing_newline_is_a_schema_error(mini):
    path = mini / "annotations" / "acme-breach.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["id"] = "acme-breach\n"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    run = run_cli("--root", mini, "validate", "--format", "json", cwd=mini)
    assert run.returncode == 1
    assert "schema-pattern" in {i["code"] for i in json.loads(run.stdout)["issues"]}


# ---------------------------------------------------------------------------------------------
# 10. Concurrency and processes


def test_a_second_build_on_the_same_output_is_refused(mini):
    from cyberclaims.dataset.build import BuildError, build, build_lock

    output = mini / "dataset"
    with build_lock(output):  # held by this process: the command in another process is refused
        run = run_process("--root", mini, "build", "--no-viewer", cwd=mini)
        assert run.returncode == 1 and "another build is running" in run.stderr
        with pytest.raises(BuildError, match="another build is running"):
            build(mini, output, show_progress=False, viewer=False)
    assert not output.exists()  # the refused builds touched nothing
    assert run_cli("--root", mini, "build", "--no-viewer", cwd=mini).returncode == 0
    assert sorted(p.name for p in mini.iterdir()) == ["annotations", "dataset"]  # the lock file is gone


def test_workers_die_with_their_parent(tmp_path):
    """A worker whose parent is killed (kill -9 runs no clean-up) does not run on."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from cyberclaims.validation.runner import _init_worker\n"
        "pool = ProcessPoolExecutor(2, initializer=_init_worker, initargs=(None, os.getpid()))\n"
        "print(*[f.result() for f in [pool.submit(os.getpid) for _ in range(4)]], flush=True)\n"
        "time.sleep(60)\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env)
    workers = {int(pid) for pid in parent.stdout.readline().split()}
    assert workers
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() and
                                              "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
                                              for pid in workers if Path(f"/proc/{pid}/stat").exists()):
        time.sleep(0.2)
    alive = [pid for pid in workers if Path(f"/proc/{pid}/stat").exists()
             and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive


# ---------------------------------------------------------------------------------------------
# 12. The user's environment is not a bug


@pytest.mark.parametrize("error", [(28, "No space left on device"), (13, "Permission denied"),
                                   (30, "Read-only file system")])
def test_a_refusing_file_system_is_reported_with_its_path_and_leaves_nothing(mini, monkeypatch, error):
    from cyberclaims.core.errors import EnvironmentFailure
    from cyberclaims.dataset import build as build_module

    def failing(root, folder, **_):
        (folder / "data").mkdir()
        (folder / "data" / "half.parquet").write_bytes(b"PAR1")
        (folder / "data").chmod(0o555)  # even a read-only leftover is removed
        raise OSError(error[0], error[1])

    monkeypatch.setattr(build_module, "build_into", failing)
    with pytest.raises(EnvironmentFailure, match=error[1]) as raised:
        build_module.build(mini, mini / "out", show_progress=False)
    assert "out" in str(raised.value) and raised.value.errno == error[0]
    assert sorted(p.name for p in mini.iterdir()) == ["annotations"]


def test_an_output_that_cannot_be_made_is_exit_1_with_the_path(mini):
    (mini / "afile").write_text("x", encoding="utf-8")
    run = run_cli("--root", mini, "build", "--output", mini / "afile" / "out", cwd=mini)
    assert run.returncode == 1 and "afile" in run.stderr and "internal error" not in run.stderr
    assert sorted(p.name for p in mini.iterdir()) == ["afile", "annotations"]


# ---------------------------------------------------------------------------------------------
# 11. Import

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"


def _labelstudio_export() -> list:
    return json.loads((FORMATS / "labelstudio-export.json").read_text(encoding="utf-8"))


def _first_result(tasks: list) -> list:
    return tasks[0]["annotations"][1]["result"]


MALFORMED_RESULTS = {
    "result-not-a-list": lambda tasks: tasks[0]["annotations"][1].update(result={"a": 1}),
    "result-a-string": lambda tasks: tasks[0]["annotations"][1].update(result="labels"),
    "item-without-value": lambda tasks: _first_result(tasks)[0].pop("value"),
    "labels-as-a-string": lambda tasks: next(i for i in _first_result(tasks) if i["type"] == "labels")["value"]
    .update(labels="ORG"),
    "item-not-an-object": lambda tasks: _first_result(tasks).append(7),
    "textarea-text-a-string": lambda tasks: next(i for i in _first_result(tasks) if i["type"] == "textarea")["value"]
    .update(text="acme_corp"),
}


@pytest.mark.parametrize("fault", sorted(MALFORMED_RESULTS))
def test_a_malformed_labelstudio_export_is_refused_and_overwrites_nothing(repo, tmp_path, fault):
    assert run_cli("import", "labelstudio", FORMATS / "labelstudio-export.json", cwd=repo).returncode == 0
    before = {p.name: p.read_bytes() for p in (repo / "annotations").glob("*.json")}
    tasks = _labelstudio_export()
    MALFORMED_RESULTS[fault](tasks)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    run = run_cli("import", "labelstudio", "--force", export, cwd=repo)
    assert run.returncode == 1, run.output
    assert "export.json task" in run.output
    assert {p.name: p.read_bytes() for p in (repo / "annotations").glob("*.json")} == before


@pytest.mark.parametrize("fmt,body", [
    ("labelstudio", "[" * 100_000 + "]" * 100_000),
    ("labelstudio", '[{"data": {"text": "x"}, "annotations": [{"result": ' + "[" * 5000 + "]" * 5000 + "}]}]"),
    ("doccano", '{"text": "x", "label": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
    ("doccano", '{"text": "x", "entities": {"a": 1}}\n'),
    ("doccano", '{"text": "x", "label": "ORG"}\n'),
    ("doccano", '{"text": "x"}\n'),
])
def test_deep_or_shapeless_exports_are_located_problems(repo, tmp_path, fmt, body):
    export = tmp_path / ("export.json" if fmt == "labelstudio" else "export.jsonl")
    export.write_text(body, encoding="utf-8")
    before = sorted(p.name for p in (repo / "annotations").iterdir())
    run = run_cli("import", fmt, "--force", export, cwd=repo)
    assert run.returncode == 1, run.output
    assert "export.json" in run.output and "internal error" not in run.output
    assert sorted(p.name for p in (repo / "annotations").iterdir()) == before


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 50) | st.text(max_size=5),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                         st.sampled_from(["id", "type", "value", "from_name", "labels", "text", "start", "end",
                                          "choices", "to_name"]), inner, max_size=5), max_leaves=25)


@given(st.lists(_JSON, max_size=5) | _JSON)
@settings(max_examples=300, deadline=None)
def test_any_labelstudio_result_is_a_draft_or_a_problem_never_a_crash(result):
    from cyberclaims.formats.labelstudio import read_task

    problems: list = []
    task = {"data": {"text": "Acme Corp was hacked."}, "annotations": [{"result": result}]}
    draft = read_task(task, "t", problems)
    assert (draft is None) == bool(problems)
    if draft is not None and result:  # a non-empty result is never silently read as no labels
        assert draft.mentions or draft.claims or draft.segments
