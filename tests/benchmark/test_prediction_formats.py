"""evaluate from a built dataset folder, in the three prediction formats, through the real CLI; checked
against seqeval on IOB2 input; malformed files refused with located errors; system errors scored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2

from conftest import ROOT, run_cli
from cyberclaims.benchmark.gold import load_gold

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def gold():
    return load_gold(ROOT / "dataset", "test")


def _iob2_lines(gold, drop=0.0):
    """Perturbed IOB2 predictions: gold tags with every third B- relabelled, derived from the rows."""
    lines = []
    for n, row in enumerate(gold.ner_rows):
        tags = list(row.ner_tags)
        for i, t in enumerate(tags):
            if t.startswith("B-") and (n + i) % 3 == 0:
                tags[i] = "B-DATE" if t != "B-DATE" else "B-ORG"
                j = i + 1
                while j < len(tags) and tags[j].startswith("I-"):
                    tags[j] = "I-" + tags[i][2:]
                    j += 1
        lines.append({"id": row.id, "ner_tags": tags})
    return lines


def _write(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _minimal(gold):
    return [
        {"id": a.id, "entities": [{k: m[k] for k in ("start", "end", "label")} for m in a.data["entities"]]}
        for a in gold.articles
    ]


@pytest.mark.parametrize("outside", [False, True])
def test_three_formats_score_alike_and_iob2_agrees_with_seqeval(tmp_path, gold, outside):
    lines = _iob2_lines(gold)
    iob2 = _write(tmp_path / "iob2.jsonl", lines)
    by_id = {r.id: r for r in gold.ner_rows}
    mentions = {a.id: [] for a in gold.articles}
    for line in lines:
        row = by_id[line["id"]]
        tags = line["ner_tags"]
        for i, t in enumerate(tags):
            if t.startswith("B-"):
                j = i
                while j + 1 < len(tags) and tags[j + 1] == "I-" + t[2:]:
                    j += 1
                mentions[row.article_id].append({"start": row.spans[i][0], "end": row.spans[j][1], "label": t[2:]})
    minimal = _write(tmp_path / "minimal.jsonl", [{"id": k, "entities": v} for k, v in mentions.items()])
    expected = f1_score(
        [r.ner_tags for r in gold.ner_rows], [line["ner_tags"] for line in lines], mode="strict", scheme=IOB2
    )
    if outside:  # a downloaded copy, no repository around it
        shutil.copytree(ROOT / "dataset", tmp_path / "downloaded")
        extra, cwd = ["--gold", tmp_path / "downloaded"], tmp_path
    else:
        extra, cwd = [], ROOT
    for path, fmt in ((iob2, "iob2"), (minimal, "jsonl")):
        out = tmp_path / f"{fmt}.json"
        run = run_cli("evaluate", "--task", "ner", "--predictions", path, "--output", out, *extra, cwd=cwd)
        assert run.returncode == 0, run.output
        result = json.loads(out.read_text())
        assert result["format"] == fmt and result["primary"]["metric"] == "f1"
        assert result["primary"]["value"] == pytest.approx(expected)
        assert result["article_count"] == len(gold.articles)


def test_annotation_format_through_the_cli_with_gold(tmp_path, gold):
    shutil.copytree(ROOT / "dataset", tmp_path / "downloaded")
    path = _write(
        tmp_path / "docs.jsonl", [a.data | {"text": None} and {k: v for k, v in a.data.items()} for a in gold.articles]
    )
    for task in ("ner", "linking", "claims", "propositions"):
        out = tmp_path / f"{task}.json"
        run = run_cli(
            "evaluate",
            "--task",
            task,
            "--predictions",
            ROOT / "annotations",
            "--gold",
            tmp_path / "downloaded",
            "--output",
            out,
            cwd=tmp_path,
        )
        assert run.returncode == 0, run.output
        assert json.loads(out.read_text())["primary"]["value"] == 1.0
    assert path.exists()


def test_withheld_text_is_a_clear_error(tmp_path):
    withheld = tmp_path / "withheld"
    run = run_cli("build", "--withhold-text", withheld)
    assert run.returncode == 0, run.output  # the withheld build is part of what is tested: a failure fails
    run = run_cli("evaluate", "--task", "ner", "--predictions", ROOT / "annotations", "--gold", withheld, cwd=tmp_path)
    assert run.returncode == 1 and "withheld" in run.stderr, run.output


def test_malformed_files_are_located(tmp_path, gold):
    rows = _minimal(gold)
    rows[0]["entities"].append({"start": 0, "end": 3, "label": "PERSONA"})
    path = _write(tmp_path / "bad.jsonl", rows + [rows[1]])
    with open(path, "a") as fh:
        fh.write('{"id": \n')
    run = run_cli("evaluate", "--task", "ner", "--predictions", path)
    assert run.returncode == 1 and "nothing was scored" in run.stderr, run.output
    n = len(rows)
    assert f"{path}:1: schema-enum: " in run.stdout
    assert f"{path}:{n + 1}: duplicate-id: " in run.stdout
    assert f"{path}:{n + 2}: json-syntax: " in run.stdout
    lines = _iob2_lines(gold)
    lines[0]["ner_tags"] = lines[0]["ner_tags"][:-1]
    iob2 = _write(tmp_path / "bad-iob2.jsonl", lines[:-1])
    run = run_cli("evaluate", "--task", "ner", "--predictions", iob2)
    assert run.returncode == 1, run.output
    assert f"{iob2}:1: schema-other: " in run.stdout and "missing-annotation" in run.stdout
    claims = _write(
        tmp_path / "claims.jsonl",
        [
            {"id": a.id, "claims": [{"start": c["start"], "end": c["end"]} for c in a.data["claims"]]}
            for a in gold.articles
        ],
    )
    run = run_cli("evaluate", "--task", "claims", "--predictions", claims)
    assert run.returncode == 1 and "'attribution' is a required property" in run.stdout, run.output


def test_system_errors_are_scored_not_refused(tmp_path, gold):
    # an article whose first mention is two characters or more (its cut prediction is not empty)
    article = next(
        a
        for a in gold.articles
        if a.data["entities"] and a.data["entities"][0]["end"] - a.data["entities"][0]["start"] >= 2
    )
    rows = _minimal(gold)
    mine = next(r for r in rows if r["id"] == article.id)
    first = mine["entities"][0]
    mine["entities"].append({"start": first["start"], "end": first["end"] - 1, "label": "ORG"})  # cuts, overlaps
    boilerplate = [s for s in article.data["segments"] if s["kind"] == "boilerplate"]
    path = _write(tmp_path / "p.jsonl", rows)
    out = tmp_path / "m.json"
    run = run_cli("evaluate", "--task", "ner", "--predictions", path, "--output", out)
    assert run.returncode == 0, run.output
    result = json.loads(out.read_text())
    codes = {e["code"] for e in result["system_errors"]}
    assert codes & {"mention-overlap", "mention-cut-by-tokenizer"}, result["system_errors"]
    gold_count = sum(len(a.data["entities"]) for a in gold.articles)
    assert result["metrics"]["correct"] == gold_count and result["metrics"]["predicted"] == gold_count + 1
    assert result["metrics"]["precision"] == pytest.approx(gold_count / (gold_count + 1))
    assert boilerplate is not None


def test_python_api_gives_the_cli_result(gold):
    from cyberclaims.benchmark import evaluate

    result = evaluate("ner", ROOT / "dataset", {r["id"]: {"entities": r["entities"]} for r in _minimal(gold)})
    assert result.to_dict()["primary"] == {"metric": "f1", "value": 1.0}


def test_a_score_per_span_is_read_and_never_scored(tmp_path, gold):
    """The minimal format's optional ``score`` (what `cyberclaims suggest --from` shows annotators) changes
    nothing of the evaluation."""
    plain = _write(tmp_path / "plain.jsonl", _minimal(gold))
    scored_lines = [
        {"id": line["id"], "entities": [{**m, "score": (n % 10) / 10} for n, m in enumerate(line["entities"])]}
        for line in _minimal(gold)
    ]
    scored = _write(tmp_path / "scored.jsonl", scored_lines)
    results = []
    for path in (plain, scored):
        out = tmp_path / f"{path.stem}.json"
        run = run_cli("evaluate", "--task", "ner", "--predictions", path, "--output", out)
        assert run.returncode == 0, run.output
        results.append({k: v for k, v in json.loads(out.read_text()).items() if k != "predictions"})
    assert results[0] == results[1]


@pytest.mark.parametrize("form", ["jsonl", "annotation"])
def test_a_mistyped_article_id_is_one_error_naming_the_gold_used(tmp_path, gold, form):
    """A minimal file is checked against its own schema only (it was also checked against the annotation
    files' schema: 50 errors for one typo), and the message names the gold folder actually used."""
    downloaded = tmp_path / "downloaded"
    shutil.copytree(ROOT / "dataset", downloaded)
    typo = gold.articles[0].id + "x"
    if form == "jsonl":
        rows = _minimal(gold)
        rows[0]["id"] = typo
        path = _write(tmp_path / "typo.jsonl", rows)
        line = f"{path}:1: "
    else:
        path = tmp_path / "typo"
        path.mkdir()
        for article in gold.articles:
            data = dict(article.data, id=typo if article is gold.articles[0] else article.id)
            (path / f"{data['id']}.json").write_text(json.dumps(data), encoding="utf-8")
        line = f"{path / (typo + '.json')}: "
    run = run_cli(
        "evaluate", "--task", "ner", "--predictions", path, "--format", form, "--gold", downloaded, cwd=tmp_path
    )
    assert run.returncode == 1, run.output
    issues = [x for x in run.stdout.splitlines() if x.startswith(str(path))]
    assert len(issues) == 2, issues  # the unknown id, and the article it was meant for left without a prediction
    [unknown] = [x for x in issues if "missing-text" in x]
    assert unknown.startswith(line + "missing-text: ")
    assert f"predicts article {typo!r}, which the gold in {downloaded} does not have" in unknown
    assert "annotations/" not in run.stdout
