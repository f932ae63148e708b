"""Untrusted annotation files: offsets that are not JSON integers as written are schema errors, lone surrogates
are located errors wherever they are (validate, build, import, new), and very many mentions or keys are validated
with short report lines.

Commands run in process (``run_cli``); properties of a function are Hypothesis tests.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL, cli, run_cli, tree
from cyberclaims.core.jsondoc import parse_json
from cyberclaims.validation.schema import schema_issues

DOC = "annotations/acme-breach.json"


def _document() -> dict:
    return json.loads((MINIMAL / DOC).read_text(encoding="utf-8"))


@settings(max_examples=60, deadline=None)
@given(
    group=st.sampled_from(["segments", "entities", "claims"]),
    field=st.sampled_from(["start", "end"]),
    number=st.one_of(
        st.integers(0, 10**6).map(float),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["900.0", "1e30", "1E2", "0.0", "-0.0", "2e0", "1.5"]),
    ),
)
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
    text = json.dumps(doc, indent=2).replace(
        f'"start": {doc["entities"][0]["start"]},', f'"start": {doc["entities"][0]["start"]}.0,', 1
    )
    (mini / "predictions.json").write_text(text, encoding="utf-8")
    assert cli("build", cwd=mini).returncode == 0  # evaluate reads its gold from the built dataset
    run = cli("evaluate", "--task", "ner", "--split", "train", "--predictions", "predictions.json", cwd=mini)
    assert run.returncode == 1
    assert "schema-type" in run.output and "nothing was scored" in run.stderr


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
@given(
    path=st.sampled_from(STRING_PATHS),
    surrogate=st.integers(0xD800, 0xDFFF),
    prefix=st.text(max_size=5),
    suffix=st.text(max_size=5),
)
def test_a_lone_surrogate_in_any_string_is_a_located_error(path, surrogate, prefix, suffix):
    doc = _document()
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = "@@"
    escaped = (
        json.dumps(prefix, ensure_ascii=True)[1:-1]
        + f"\\u{surrogate:04x}"
        + json.dumps(suffix, ensure_ascii=True)[1:-1]
    )
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
    path.write_text(
        path.read_text(encoding="utf-8").replace('"Example News"', '"Example \\udc80News"'), encoding="utf-8"
    )
    for args in (["validate"], ["build"]):
        run = cli(*args, cwd=mini)
        assert run.returncode == 1 and "json-lone-surrogate" in run.stdout, run.output
    assert not (mini / "dataset").exists()
    shutil.copy(MINIMAL / DOC, path)
    (mini / "ls.json").write_text(
        '[{"id": 1, "data": {"text": "Hello \\ud800 world"}, "annotations": [{"result": []}]}]', encoding="utf-8"
    )
    (mini / "dc.jsonl").write_text('{"text": "Hi \\ud800 there", "label": []}\n', encoding="utf-8")
    before = tree(mini / "annotations")
    for args in (["import", "labelstudio", "ls.json"], ["import", "doccano", "dc.jsonl"]):
        run = cli(*args, cwd=mini)
        assert run.returncode == 1 and "surrogate" in run.stdout, run.output
    (mini / "new.txt").write_text("A new article about a breach.\n", encoding="utf-8")
    # the title as Python decodes an argument that is not UTF-8 (b"Bad \xff"): with a lone surrogate
    run = run_cli(
        "new", "new-article", "--text", "new.txt", "--title", b"Bad \xff".decode("utf-8", "surrogateescape"), cwd=mini
    )
    assert run.returncode == 2 and "--title" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert tree(mini / "annotations") == before


def _many_mentions_without_whitespace(root: Path, n: int) -> None:
    text = "ab-" * n + "end"
    doc = _document()
    doc.update(
        text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        claims=[],
        segments=[{"start": 0, "end": len(text), "kind": "body"}],
        entities=[
            {"id": f"m{i}", "start": 3 * i, "end": 3 * i + 2, "text": "ab", "label": "CARDINAL", "entity": None}
            for i in range(n)
        ],
    )
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
    extra = {
        "duplicate": "".join(',\n  "notes": null' for _ in range(50_000)),
        "unknown": "".join(f',\n  "field{i}": 1' for i in range(100_000)),
        "huge-key": ',\n  "' + "k" * 2_000_000 + '": 1, "' + "k" * 2_000_000 + '": 1',
    }[kind]
    path.write_text(text.replace('"notes": null', '"notes": null' + extra), encoding="utf-8")
    run = cli("validate", "--format", "text", cwd=mini)
    assert run.returncode == 1
    assert max(map(len, run.stdout.splitlines())) < 2_000
