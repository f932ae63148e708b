"""Hostile contributions and misuse (issue 15, classes 1 to 6): nothing lost, nothing outside its folder,
nothing that hangs, nothing super-linear; every refusal an exit status of 1 or 2 with a located message.

Each test runs the CLI (in process, through ``main(argv)``; in a subprocess where a FIFO could block) where the
behaviour is the command's (exit status, message, what is left on disk), and the library where it is a property of
a function (Hypothesis).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, run_cli, run_process
from cyberclaims.core.issues import Issue
from cyberclaims.core.jsondoc import parse_json
from cyberclaims.core.text import split_sentences
from cyberclaims.dataset.manifest import write_manifest
from cyberclaims.validation.schema import schema_issues

CASES = Path(__file__).resolve().parents[1] / "cases"
MINIMAL = CASES / "valid" / "minimal"
DOC = "annotations/acme-breach.json"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def cli(*args: str | Path, cwd: Path) -> Run:
    """The CLI in this process: its exit status, its message, and never an internal error."""
    run = run_cli(*args, cwd=cwd)
    assert "internal error" not in run.stderr, run.stderr
    return run


def cli_process(*args: str | Path, cwd: Path, timeout: float = 120) -> Run:
    """The CLI in a subprocess with a short timeout, where a FIFO could block: a command that blocks fails
    the test, not the suite."""
    run = run_process(*args, cwd=cwd, timeout=timeout)
    assert "internal error" not in run.stderr, run.stderr
    return run


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------
# 1. build --output / --withhold-text replace only a folder a build made


@pytest.mark.parametrize("option", ["--output", "--withhold-text"])
def test_build_never_replaces_a_folder_it_did_not_make(mini: Path, option: str):
    from cyberclaims.dataset.build import OutputFolderError, check_output_folder

    mine = mini / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes", encoding="utf-8")
    before = tree(mini)
    for target in ("mine", "."):  # the command: exit 2, a message naming the folder, nothing touched
        run = cli("build", "--no-viewer", option, target, cwd=mini) if option == "--output" else \
            cli("build", option, target, cwd=mini)
        assert run.returncode == 2, (target, run.output)
        assert "error:" in run.stderr and f"output {target} " in run.stderr
        assert tree(mini) == before, target
    for target in ("annotations", "mine", ".", "..", "annotations/new", "/"):  # the check the command makes
        with pytest.raises(OutputFolderError):
            check_output_folder(mini, mini / target if not target.startswith("/") else Path(target))
    assert tree(mini) == before
    assert sorted(p.name for p in mini.iterdir()) == ["annotations", "mine"]


def test_build_replaces_its_own_output_but_not_once_a_user_file_is_in_it(mini: Path):
    assert cli("build", "--no-viewer", "--output", "copy", cwd=mini).returncode == 0
    assert cli("build", "--no-viewer", "--output", "copy", cwd=mini).returncode == 0  # a build made it
    (mini / "copy" / "mine.txt").write_text("kept", encoding="utf-8")
    run = cli("build", "--no-viewer", "--output", "copy", cwd=mini)
    assert run.returncode == 2 and "mine.txt" in run.stderr
    assert (mini / "copy" / "mine.txt").read_text(encoding="utf-8") == "kept"
    (mini / "empty").mkdir()
    assert cli("build", "--no-viewer", "--output", "empty", cwd=mini).returncode == 0
    (mini / "a-file").write_text("x", encoding="utf-8")
    assert cli("build", "--no-viewer", "--output", "a-file", cwd=mini).returncode == 2
    assert (mini / "a-file").read_text(encoding="utf-8") == "x"


# ---------------------------------------------------------------------------------------------
# 2. offsets are JSON integers as written


def _document() -> dict:
    return json.loads((MINIMAL / DOC).read_text(encoding="utf-8"))


@settings(max_examples=60, deadline=None)
@given(group=st.sampled_from(["segments", "entities", "claims"]), field=st.sampled_from(["start", "end"]),
       number=st.one_of(st.integers(0, 10**6).map(float), st.floats(allow_nan=False, allow_infinity=False),
                        st.sampled_from(["900.0", "1e30", "1E2", "0.0", "-0.0", "2e0", "1.5"])))
def test_an_offset_that_is_not_an_integer_as_written_is_a_schema_type_error(group, field, number):
    doc = _document()
    doc[group][0][field] = "@@"
    literal = number if isinstance(number, str) else json.dumps(number)
    data = json.dumps(doc, indent=2).replace('"@@"', literal).encode()
    parsed, issues = parse_json(data, DOC)
    assert parsed is not None and not issues
    found = schema_issues(parsed, "annotation")
    assert any(i.code == "schema-type" and i.pointer == f"/{group}/0/{field}" and i.line for i in found), found


def test_evaluate_refuses_predictions_with_float_offsets(mini: Path):
    doc = _document()
    text = json.dumps(doc, indent=2).replace(f'"start": {doc["entities"][0]["start"]},',
                                             f'"start": {doc["entities"][0]["start"]}.0,', 1)
    (mini / "predictions.json").write_text(text, encoding="utf-8")
    assert cli("build", cwd=mini).returncode == 0  # evaluate reads its gold from the built dataset
    run = cli("evaluate", "--task", "ner", "--split", "train", "--predictions", "predictions.json", cwd=mini)
    assert run.returncode == 1
    assert "schema-type" in run.output and "nothing was scored" in run.stderr


# ---------------------------------------------------------------------------------------------
# 3. lone surrogates


def _paths(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, path + (index,))
    elif isinstance(value, str):
        yield path


STRING_PATHS = list(_paths(_document()))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(STRING_PATHS), surrogate=st.integers(0xD800, 0xDFFF),
       prefix=st.text(max_size=5), suffix=st.text(max_size=5))
def test_a_lone_surrogate_in_any_string_is_a_located_error(path, surrogate, prefix, suffix):
    doc = _document()
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "@@"
    escaped = json.dumps(prefix, ensure_ascii=True)[1:-1] + f"\\u{surrogate:04x}" + \
        json.dumps(suffix, ensure_ascii=True)[1:-1]
    # a high surrogate followed by a low one is a pair, not a lone surrogate
    paired = 0xD800 <= surrogate <= 0xDBFF and suffix[:1] and 0xDC00 <= ord(suffix[0]) <= 0xDFFF
    data = json.dumps(doc, indent=2, ensure_ascii=False).replace('"@@"', f'"{escaped}"').encode()
    parsed, issues = parse_json(data, DOC)
    if paired:
        return
    assert parsed is None
    assert [i.code for i in issues] == ["json-lone-surrogate"]
    assert issues[0].line is not None and issues[0].pointer == "/" + "/".join(map(str, path))


def test_validate_build_import_and_new_refuse_lone_surrogates(mini: Path):
    path = mini / DOC
    path.write_text(path.read_text(encoding="utf-8").replace('"Example News"', '"Example \\udc80News"'),
                    encoding="utf-8")
    for args in (["validate"], ["build", "--no-viewer"]):
        run = cli(*args, cwd=mini)
        assert run.returncode == 1 and "json-lone-surrogate" in run.stdout, run.output
    assert not (mini / "dataset").exists()
    shutil.copy(MINIMAL / DOC, path)
    (mini / "ls.json").write_text('[{"id": 1, "data": {"text": "Hello \\ud800 world"}, "annotations": '
                                  '[{"result": []}]}]', encoding="utf-8")
    (mini / "dc.jsonl").write_text('{"text": "Hi \\ud800 there", "label": []}\n', encoding="utf-8")
    before = tree(mini / "annotations")
    for args in (["import", "labelstudio", "ls.json"], ["import", "doccano", "dc.jsonl"]):
        run = cli(*args, cwd=mini)
        assert run.returncode == 1 and "surrogate" in run.stdout, run.output
    (mini / "new.txt").write_text("A new article about a breach.\n", encoding="utf-8")
    # the title as Python decodes an argument that is not UTF-8 (b"Bad \xff"): with a lone surrogate
    run = run_cli("new", "new-article", "--text", "new.txt", "--title", b"Bad \xff".decode("utf-8", "surrogateescape"),
                  cwd=mini)
    assert run.returncode == 2 and "--title" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert tree(mini / "annotations") == before


# ---------------------------------------------------------------------------------------------
# 4. paths taken from data: rehydrate and SHA256SUMS


@pytest.fixture
def withheld(mini: Path) -> Path:
    assert cli("build", "--withhold-text", "withheld", cwd=mini).returncode == 0
    (mini / "texts").mkdir()
    shutil.copy(mini / "annotations" / "acme-breach.txt", mini / "texts")
    return mini / "withheld"


def _set_column(folder: Path, config: str, column: str, value: str) -> None:
    for shard in (folder / "data" / config).glob("*.parquet"):
        table = pq.read_table(shard)
        index = table.schema.get_field_index(column)
        table = table.set_column(index, table.schema.field(index), pa.array([value] * table.num_rows))
        pq.write_table(table, shard)
    write_manifest(folder)  # re-signed: the hostile copy verifies


@pytest.mark.parametrize("bad_id", ["../../escape", "Odd_ID", "x/y", "", "a-\n"])
def test_rehydrate_refuses_ids_that_are_not_ids(withheld: Path, bad_id: str):
    _set_column(withheld, "documents", "id", bad_id)
    mini = withheld.parent
    before, outside = tree(withheld), sorted(p.name for p in mini.parent.iterdir())
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=mini)
    assert run.returncode == 1 and "not a well-formed id" in run.stderr, run.output
    assert tree(withheld) == before
    assert sorted(p.name for p in mini.parent.iterdir()) == outside


def test_rehydrate_verifies_sha256sums_first(withheld: Path):
    mini = withheld.parent
    (withheld / "README.md").write_text("edited\n", encoding="utf-8")
    before = tree(withheld)
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=mini)
    assert run.returncode == 1 and "SHA256SUMS" in run.stderr and "README.md" in run.stderr
    assert tree(withheld) == before


@pytest.mark.parametrize("name", ["../../outside.txt", "/etc/hostname", "data/../../outside.txt"])
def test_sha256sums_may_not_name_files_outside_the_folder(withheld: Path, name: str):
    mini = withheld.parent
    outside = mini.parent / "outside.txt"
    outside.write_text("outside", encoding="utf-8")
    digest = hashlib.sha256(Path(name).read_bytes() if name.startswith("/") else b"outside").hexdigest()
    with open(withheld / "SHA256SUMS", "a", encoding="utf-8") as fh:
        fh.write(f"{digest}  {name}\n")
    run = cli("validate", "withheld", cwd=mini)
    assert run.returncode == 1 and "dataset-unreadable" in run.stdout and "SHA256SUMS" in run.stdout
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=mini)
    assert run.returncode == 1 and repr(name) in run.stderr
    assert outside.read_text(encoding="utf-8") == "outside"


def test_rehydrate_still_works(withheld: Path):
    run = cli("rehydrate", "withheld", "--texts", "texts", cwd=withheld.parent)
    assert run.returncode == 0, run.output


# ---------------------------------------------------------------------------------------------
# 5. files that are not regular files never block


@needs_fifo
def test_fifos_named_like_inputs_are_refused_without_blocking(mini: Path):
    os.mkfifo(mini / "annotations" / "pipe.json")
    os.mkfifo(mini / "annotations" / "pipe.txt")
    run = cli_process("validate", cwd=mini, timeout=60)
    assert run.returncode == 1
    assert re.search(r"annotations/pipe\.json: file-unreadable: .*FIFO", run.stdout), run.stdout
    run = cli_process("build", "--no-viewer", cwd=mini, timeout=60)
    assert run.returncode == 1 and not (mini / "dataset").exists()
    for name in ("pipe.json", "pipe.txt"):
        (mini / "annotations" / name).unlink()
    registry = mini / "annotations" / "entities.json"
    registry.unlink()
    os.mkfifo(registry)
    run = cli_process("validate", cwd=mini, timeout=60)
    assert run.returncode == 1
    registry.unlink()
    shutil.copy(MINIMAL / "annotations" / "entities.json", registry)
    assert cli("build", cwd=mini).returncode == 0  # evaluate reads its gold from the built dataset
    os.mkfifo(mini / "predictions.json")
    os.mkfifo(mini / "predictions.jsonl")
    (mini / "predicted").mkdir()
    os.mkfifo(mini / "predicted" / "acme-breach.json")
    for predictions in ("predictions.json", "predictions.jsonl", "predicted"):
        run = cli_process("evaluate", "--task", "ner", "--split", "train", "--predictions", predictions, cwd=mini, timeout=60)
        assert run.returncode == 1 and "file-unreadable" in run.stdout, run.output
    os.mkfifo(mini / "export.json")
    for fmt in ("labelstudio", "doccano", "brat"):
        run = cli_process("import", fmt, "export.json", cwd=mini, timeout=60)
        assert run.returncode in (1, 2) and "regular file" in run.stderr, run.output


@needs_fifo
def test_a_fifo_named_like_a_shard_is_refused(withheld: Path):
    mini = withheld.parent
    os.mkfifo(withheld / "data" / "documents" / "train-00009-of-00010.parquet")
    run = cli_process("validate", "withheld", cwd=mini, timeout=60)
    assert run.returncode == 1 and "dataset-unreadable" in run.stdout and "FIFO" in run.stdout
    run = cli_process("rehydrate", "withheld", "--texts", "texts", cwd=mini, timeout=60)
    assert run.returncode == 1 and "FIFO" in run.stderr
    (withheld / "data" / "documents" / "train-00009-of-00010.parquet").unlink()
    os.mkfifo(mini / "texts" / "fifo.txt")
    (mini / "texts" / "acme-breach.txt").unlink()
    os.mkfifo(mini / "texts" / "acme-breach.txt")
    run = cli_process("rehydrate", "withheld", "--texts", "texts", cwd=mini, timeout=60)
    assert run.returncode == 1 and "missing" in run.stdout


# ---------------------------------------------------------------------------------------------
# 6. long inputs finish, messages stay short (their timing is benchmarks/bench.py's)

_OLD_SENTENCE_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)""")


def _reference_sentences(text: str, start: int, stop: int) -> list[tuple[int, int]]:
    """The splitter as it was before it was made linear (quadratic on runs of marks): the reference."""
    import cyberclaims.core.text as t

    sentences = []
    for line_start, line_end in t._lines(text, start, stop):
        cut = line_start
        for m in _OLD_SENTENCE_END.finditer(text, line_start, line_end):
            if m.end() - m.start() == 1 and text[m.start()] == "." and t._is_abbreviation(text, cut, m.start()):
                continue
            sentences.extend(t.trimmed(text, cut, m.end()))
            cut = m.end()
        sentences.extend(t.trimmed(text, cut, line_end))
    return sentences


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="a .!?\"')\n", max_size=40), data=st.data())
def test_linear_sentence_splitter_splits_as_before(text, data):
    start = data.draw(st.integers(0, len(text)))
    stop = data.draw(st.integers(start, len(text)))
    assert split_sentences(text, start, stop) == _reference_sentences(text, start, stop)


@pytest.mark.parametrize("mark", list("!.?"))
def test_sentence_splitting_finishes_on_long_runs_of_marks(mark: str):
    """Runs of a million marks are split (its time is benchmarks/bench.py's to measure, not a test's): as one
    sentence when no space follows the run, else cut after the run."""
    text = "a" + mark * 1_000_000 + "b"
    assert split_sentences(text) == [(0, len(text))]
    text = "a " + (mark + '"') * 300_000 + " b"
    assert split_sentences(text) == [(0, len(text) - 2), (len(text) - 1, len(text))]


def _many_mentions_without_whitespace(root: Path, n: int) -> None:
    text = "ab-" * n + "end"
    doc = _document()
    doc.update(text_sha256=hashlib.sha256(text.encode()).hexdigest(), claims=[],
               segments=[{"start": 0, "end": len(text), "kind": "body"}],
               entities=[{"id": f"m{i}", "start": 3 * i, "end": 3 * i + 2, "text": "ab", "label": "CARDINAL",
                          "entity": None} for i in range(n)])
    (root / "annotations" / "acme-breach.txt").write_text(text, encoding="utf-8")
    (root / DOC).write_text(json.dumps(doc), encoding="utf-8")


def test_many_mentions_in_a_text_without_whitespace_validate(mini: Path):
    from cyberclaims.validation import validate

    for n in (5_000, 40_000):  # how the time grows with n is measured by benchmarks/bench.py, not here
        _many_mentions_without_whitespace(mini, n)
        _, report = validate(mini, show_progress=False)
        assert not [i for i in report.errors], report.errors[:3]


@pytest.mark.parametrize("kind", ["duplicate", "unknown", "huge-key"])
def test_many_duplicate_or_unknown_keys_give_short_lines(mini: Path, kind: str):
    path = mini / DOC
    text = path.read_text(encoding="utf-8")
    extra = {"duplicate": "".join(',\n  "notes": null' for _ in range(50_000)),
             "unknown": "".join(f',\n  "field{i}": 1' for i in range(100_000)),
             "huge-key": ',\n  "' + "k" * 2_000_000 + '": 1, "' + "k" * 2_000_000 + '": 1'}[kind]
    path.write_text(text.replace('"notes": null', '"notes": null' + extra), encoding="utf-8")
    run = cli("validate", "--format", "text", cwd=mini)
    assert run.returncode == 1
    assert max(map(len, run.stdout.splitlines())) < 2_000


@settings(max_examples=30, deadline=None)
@given(message=st.text(min_size=0, max_size=5000), pointer=st.text(max_size=2000))
def test_an_issue_is_never_a_long_line(message, pointer):
    issue = Issue("annotations/x.json", 1, pointer, "json-syntax", message)
    assert len(issue.to_text()) < 2_000


def test_the_viewer_places_many_mentions():
    from cyberclaims.viewer.spans import ArticleView

    n = 30_000
    text = "ab-" * n
    data = {"segments": [{"start": 0, "end": len(text), "kind": "body"}], "claims": [],
            "entities": [{"id": f"m{i}", "start": 3 * i, "end": 3 * i + 2, "label": "CARDINAL"} for i in range(n)]}
    view = ArticleView.build(data, text)
    view.html({})
    assert view.anchors[("entities", n - 1)] == f"mention-m{n - 1}"


@pytest.mark.parametrize("name", ["../x", "gold", "Pass A", "a/b", ""])
def test_rehydrate_refuses_pass_names_that_are_not_ids(tmp_path: Path, name: str):
    from cyberclaims.dataset.rehydrate import RehydrationError, _check_names

    documents = [{"id": "acme-breach"}]
    with pytest.raises(RehydrationError, match="pass_name"):
        _check_names(tmp_path, documents, [{"id": "acme-breach", "pass_name": name}])
    _check_names(tmp_path, documents, [{"id": "acme-breach", "pass_name": "pass-a"}])
