"""Importing an export that is malformed, deep or shapeless is a located problem or a draft, never a crash, and
overwrites nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import copy_repository, register_export_keys, run_cli

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository whose registries also hold the keys the Label Studio fixture names."""
    root = copy_repository(tmp_path / "repo")
    register_export_keys(FORMATS / "labelstudio-export.json", root)
    return root


def _labelstudio_export() -> list:
    return json.loads((FORMATS / "labelstudio-export.json").read_text(encoding="utf-8"))


def _first_result(tasks: list) -> list:
    return tasks[0]["annotations"][1]["result"]


MALFORMED_RESULTS = {
    "result-not-a-list": lambda tasks: tasks[0]["annotations"][1].update(result={"a": 1}),
    "result-a-string": lambda tasks: tasks[0]["annotations"][1].update(result="labels"),
    "item-without-value": lambda tasks: _first_result(tasks)[0].pop("value"),
    "labels-as-a-string": lambda tasks: next(i for i in _first_result(tasks) if i["type"] == "labels")["value"].update(
        labels="ORG"
    ),
    "item-not-an-object": lambda tasks: _first_result(tasks).append(7),
    "textarea-text-a-string": lambda tasks: next(i for i in _first_result(tasks) if i["type"] == "textarea")[
        "value"
    ].update(text="acme_corp"),
}


@pytest.mark.corpus
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


@pytest.mark.corpus
@pytest.mark.parametrize(
    "fmt,body",
    [
        ("labelstudio", "[" * 100_000 + "]" * 100_000),
        ("labelstudio", '[{"data": {"text": "x"}, "annotations": [{"result": ' + "[" * 5000 + "]" * 5000 + "}]}]"),
        ("doccano", '{"text": "x", "label": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
        ("doccano", '{"text": "x", "entities": {"a": 1}}\n'),
        ("doccano", '{"text": "x", "label": "ORG"}\n'),
        ("doccano", '{"text": "x"}\n'),
    ],
)
def test_deep_or_shapeless_exports_are_located_problems(repo, tmp_path, fmt, body):
    export = tmp_path / ("export.json" if fmt == "labelstudio" else "export.jsonl")
    export.write_text(body, encoding="utf-8")
    before = sorted(p.name for p in (repo / "annotations").iterdir())
    run = run_cli("import", fmt, "--force", export, cwd=repo)
    assert run.returncode == 1, run.output
    assert "export.json" in run.output and "internal error" not in run.output
    assert sorted(p.name for p in (repo / "annotations").iterdir()) == before


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 50) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["id", "type", "value", "from_name", "labels", "text", "start", "end", "choices", "to_name"]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


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
