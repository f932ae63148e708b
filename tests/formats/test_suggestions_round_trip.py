"""Suggestions through Label Studio and back: ``suggest`` → tasks → an annotator's export → ``import`` → report.

The export is made up here the way Label Studio (1.x) writes its JSON export of a task annotated from a
prediction: the annotation's ``result`` holds the prediction's regions under their ids, each result with
the region's ``origin`` ("prediction" as taken, "prediction-changed" once its span or label was changed,
"manual" for a region drawn by hand, under an id Label Studio made up), and ``parent_prediction`` names
the prediction it started from; the task's ``predictions`` are their ids (recent exports) or the whole
predictions. The article is made up, with an emoji before the spans (two UTF-16 code units: an offset
conversion that is missing shifts everything after it).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, cli
from cyberclaims.core.suggestions import Suggestions, outcome
from cyberclaims.formats import labelstudio
from cyberclaims.formats.offsets import Utf16Offsets
from cyberclaims.validation.suggestions import folder_outcome

ARTICLE = "acme-hit-again"
TEXT = (
    "Acme Corp hit again \U0001f4a5\n"
    "\n"
    "Hackers said Acme Corp lost 5 million records on Monday, according to Reuters. The FBI may be investigating.\n"
)
PREDICTION_ID = 17


def at(phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


def span(phrase: str, nth: int = 0, **fields) -> dict:
    start, end = at(phrase, nth)
    return {"start": start, "end": end, **fields}


# A system's output in the minimal prediction format, with a score per span.
SYSTEM_OUTPUT = {
    "id": ARTICLE,
    "entities": [
        span("Acme Corp", 0, label="ORG", entity="acme_corp", score=0.9),
        span("Acme Corp", 1, label="ORG", entity="acme_corp", score=0.8),
        span("Monday", label="DATE", score=0.7),
        span("Reuters", label="GPE", score=0.35),
    ],
    "claims": [
        span("Acme Corp hit again", claimer="author", attribution="asserted", certainty="certain", score=0.3),
        span(
            "Acme Corp lost 5 million records on Monday",
            claimer="reuters",
            attribution="reported",
            certainty="certain",
            score=0.6,
        ),
        span("The FBI may be investigating", claimer="author", attribution="asserted", certainty="certain", score=0.5),
    ],
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The minimal repository (one labelled train article) and a skeleton made by ``cyberclaims new``."""
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root)
    (tmp_path / "acme2.txt").write_text(TEXT, encoding="utf-8")
    made = cli("new", ARTICLE, "--text", tmp_path / "acme2.txt", "--title", "Acme Corp hit again", cwd=root)
    assert made.returncode == 0, made.output
    return root


def suggested_task(repo: Path, tmp_path: Path) -> dict:
    output = tmp_path / "system.jsonl"
    output.write_text(json.dumps(SYSTEM_OUTPUT) + "\n", encoding="utf-8")
    run = cli(
        "suggest",
        "--from",
        output,
        "--system-name",
        "example-tagger",
        "--system-version",
        "2.1",
        "--out",
        tmp_path / "tasks",
        cwd=repo,
    )
    assert run.returncode == 0, run.output
    (task,) = json.loads((tmp_path / "tasks" / "labelstudio-tasks.json").read_text(encoding="utf-8"))
    return task


# ---------------------------------------------------------------------------------------------
# What an annotator does in Label Studio, as its export records it


def items(task: dict, region: str) -> list[dict]:
    return [item for item in task["predictions"][0]["result"] if item["id"] == region]


def taken(task: dict, region: str, origin: str = "prediction", **value) -> list[dict]:
    """The region's results as the annotation holds them, with ``value`` changed in its labels result."""
    out = []
    for item in copy.deepcopy(items(task, region)):
        item["origin"] = origin
        if item["type"] == "labels":
            item["value"].update(value)
        out.append(item)
    return out


def chosen(result: list[dict], control: str, choice: str) -> list[dict]:
    for item in result:
        if item["from_name"] == control:
            item["value"]["choices"] = [choice]
    return result


def typed(region_items: list[dict], **fields: str) -> list[dict]:
    """Per-region text areas typed into a region (Label Studio gives them the region's id and origin)."""
    first = region_items[0]
    return [
        {
            "id": first["id"],
            "from_name": name,
            "to_name": "text",
            "type": "textarea",
            "value": {"start": first["value"]["start"], "end": first["value"]["end"], "text": [value]},
            "origin": first["origin"],
        }
        for name, value in fields.items()
    ]


def drawn(region: str, control: str, phrase: str, label: str, nth: int = 0, **fields: str) -> list[dict]:
    """A region drawn by hand (an id Label Studio made up), with its per-region controls."""
    offsets = Utf16Offsets(TEXT)
    start, end = at(phrase, nth)
    where = {"start": offsets.to_utf16(start), "end": offsets.to_utf16(end)}
    head = {
        "id": region,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "value": {**where, "text": phrase, "labels": [label]},
        "origin": "manual",
    }
    rest = [
        {
            "id": region,
            "from_name": name,
            "to_name": "text",
            "type": "choices" if name in ("attribution", "certainty") else "textarea",
            "value": {**where, **({"choices": [value]} if name in ("attribution", "certainty") else {"text": [value]})},
            "origin": "manual",
        }
        for name, value in fields.items()
    ]
    return [head, *rest]


def annotated(task: dict) -> list[dict]:
    """m1 m2 kept; m3 deleted; m4 relabelled; FBI and "5 million" drawn by hand. c1 deleted and drawn again
    by hand; c2 kept (its empty fields filled in); c3 given another certainty (Label Studio leaves such a
    region "prediction": the importer sees the change)."""
    segments = [item for item in task["predictions"][0]["result"] if item["from_name"] == "segment"]
    c2 = taken(task, "c2")
    c3 = chosen(taken(task, "c3"), "certainty", "possible")
    return [
        *[{**item, "origin": "prediction"} for item in segments],
        *taken(task, "m1"),
        *taken(task, "m2"),
        *taken(task, "m4", "prediction-changed", labels=["ORG"]),
        *drawn("Qw8_Lx0pZa", "label", "FBI", "ORG", entity="federal_bureau_of_investigation"),
        *drawn("Bn3-uY7tRe", "label", "5 million", "CARDINAL"),
        *c2,
        *typed(
            c2,
            normalized="Hackers stole 5 million records from Acme Corp on a Monday.",
            about="acme_corp",
            proposition="acme_records_stolen",
            event="acme_records_stolen",
        ),
        *c3,
        *typed(
            c3,
            normalized="The FBI may be investigating the breach at Acme Corp.",
            about="federal_bureau_of_investigation",
            proposition="fbi_investigates_acme_breach",
            event="fbi_investigates_acme_breach",
        ),
        *drawn(
            "Zr5_oP2kWc",
            "claim",
            "Acme Corp hit again",
            "Claim",
            claimer="author",
            attribution="asserted",
            certainty="certain",
            normalized="Acme Corp was hit by hackers again.",
            about="acme_corp",
            proposition="acme_records_stolen",
            event="acme_records_stolen",
        ),
    ]


def export(task: dict, result: list[dict], *, predictions: str = "ids", parent: int | None = PREDICTION_ID) -> list:
    """The task as Label Studio's JSON export writes it once annotated (``predictions``: "ids" or "objects")."""
    prediction = {
        "id": PREDICTION_ID,
        "result": task["predictions"][0]["result"],
        "model_version": task["predictions"][0]["model_version"],
        "created_ago": "3 hours",
        "score": task["predictions"][0].get("score"),
        "cluster": None,
        "neighbors": None,
        "mislabeling": 0.0,
        "created_at": "2031-05-02T07:00:00.000000Z",
        "updated_at": "2031-05-02T07:00:00.000000Z",
        "model": None,
        "model_run": None,
        "task": 41,
        "project": 3,
    }
    annotation = {
        "id": 7,
        "completed_by": 1,
        "result": result,
        "was_cancelled": False,
        "ground_truth": False,
        "created_at": "2031-05-02T09:12:40.112345Z",
        "updated_at": "2031-05-03T10:01:02.000001Z",
        "draft_created_at": "2031-05-02T09:00:11.000000Z",
        "lead_time": 312.5,
        "prediction": {},
        "result_count": 0,
        "unique_id": "0c1b6e3c-3f4f-4a53-9c3c-8a0a1f5b1e07",
        "import_id": None,
        "last_action": None,
        "task": 41,
        "project": 3,
        "updated_by": 1,
        "parent_prediction": parent,
        "parent_annotation": None,
        "last_created_by": None,
    }
    return [
        {
            "id": 41,
            "annotations": [annotation],
            "file_upload": "5d0e1f2a-labelstudio-tasks.json",
            "drafts": [],
            "predictions": [PREDICTION_ID] if predictions == "ids" else [prediction],
            "data": task["data"],
            "meta": {},
            "created_at": "2031-05-02T07:00:00.000000Z",
            "updated_at": "2031-05-03T10:01:02.100000Z",
            "inner_id": 1,
            "total_annotations": 1,
            "cancelled_annotations": 0,
            "total_predictions": 1,
            "comment_count": 0,
            "unresolved_comment_count": 0,
            "last_comment_updated_at": None,
            "project": 3,
            "updated_by": 1,
            "comment_authors": [],
        }
    ]


def write(path: Path, value) -> Path:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


ANNOTATOR = ("--annotator", "ann-07", "--annotator-type", "person", "--guidelines", "3.0")


# ---------------------------------------------------------------------------------------------
# The tasks


def test_suggest_writes_tasks_as_the_ml_backend_does(repo: Path, tmp_path: Path) -> None:
    task = suggested_task(repo, tmp_path)
    (prediction,) = task["predictions"]
    assert prediction["model_version"] == "example-tagger@2.1"
    assert prediction["score"] == 0.3  # the task's score: its lowest region score
    scored = {item["id"]: item.get("score") for item in prediction["result"]}
    assert scored == {
        "s1": None,
        "s2": None,
        "m1": 0.9,
        "m2": 0.8,
        "m3": 0.7,
        "m4": 0.35,
        "c1": 0.3,
        "c2": 0.6,
        "c3": 0.5,
    }
    offsets = Utf16Offsets(TEXT)
    for item in prediction["result"]:
        value = item["value"]
        if isinstance(value.get("text"), str):  # a labels or choices result shows the span's text
            start, end = offsets.from_utf16(value["start"]), offsets.from_utf16(value["end"])
            assert TEXT[start:end] == value["text"]
    # The suggestions as delivered: the same spans, ids and scores, in code points
    delivered = json.loads((tmp_path / "tasks" / "SUGGESTIONS.json").read_text(encoding="utf-8"))
    assert delivered["system"] == "example-tagger" and delivered["model_version"] == "2.1"
    (entry,) = delivered["articles"]
    assert [(m["id"], m["text"], m["score"]) for m in entry["entities"]] == [
        ("m1", "Acme Corp", 0.9),
        ("m2", "Acme Corp", 0.8),
        ("m3", "Monday", 0.7),
        ("m4", "Reuters", 0.35),
    ]
    assert task["data"]["cyberclaims"]["suggestions"]["claims"] == entry["claims"]
    # Nothing of the gold: the skeleton had no labels, and the task's text is the article's
    assert task["data"]["text"] == TEXT and task["data"]["article_id"] == ARTICLE


# ---------------------------------------------------------------------------------------------
# The round trip


@pytest.mark.parametrize("predictions", ["ids", "objects"])
def test_round_trip_records_origins_provenance_and_counts(repo: Path, tmp_path: Path, predictions: str) -> None:
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, annotated(task), predictions=predictions))

    run = cli("import", "labelstudio", exported, "--force", *ANNOTATOR, cwd=repo)
    assert run.returncode == 0, run.output
    assert cli("validate", cwd=repo).returncode == 0

    document = json.loads((repo / "annotations" / f"{ARTICLE}.json").read_text(encoding="utf-8"))
    mentions = {(m["text"], m["start"]): m for m in document["entities"]}
    origins = {(text, start): (m["origin"]["kind"], m["origin"]["suggestion"]) for (text, start), m in mentions.items()}
    assert origins == {
        ("Acme Corp", at("Acme Corp", 0)[0]): ("suggested", "m1"),
        ("Acme Corp", at("Acme Corp", 1)[0]): ("suggested", "m2"),
        ("Reuters", at("Reuters")[0]): ("edited", "m4"),
        ("FBI", at("FBI")[0]): ("manual", None),
        ("5 million", at("5 million")[0]): ("manual", None),
    }
    claims = {c["text"]: (c["origin"]["kind"], c["origin"]["suggestion"]) for c in document["claims"]}
    assert claims == {
        "Acme Corp hit again": ("manual", None),  # its suggestion deleted, then drawn again by hand
        "Acme Corp lost 5 million records on Monday": ("suggested", "c2"),
        "The FBI may be investigating": ("edited", "c3"),
    }
    # A span drawn by hand never takes a suggestion's id (c1 was deleted: its redrawn twin is not "c1")
    assert {c["text"]: c["id"] for c in document["claims"]}["Acme Corp hit again"] == "c4"
    assert {m["id"] for m in document["entities"] if m["origin"]["kind"] == "manual"} == {"m5", "m6"}
    source = {"system": "example-tagger", "version": "2.1", "file": None}
    made = {
        "method": "annotated",
        "annotator": {"id": "ann-07", "type": "person"},
        "guidelines": "3.0",
        "date": "2031-05-03",
    }
    assert document["provenance"] == {
        "entities": {**made, "suggestions": source},
        "links": {**made, "suggestions": source},  # the suggestions gave entity keys
        "claims": {**made, "suggestions": source},
        "alignment": {**made, "suggestions": None},
    }

    # The report, from the export
    report = cli("suggest", "--report", exported, "--format", "json", cwd=repo)
    assert report.returncode == 0, report.output
    (counted,) = json.loads(report.stdout)
    expected = {
        "entities": {"suggested": 4, "kept": 2, "edited": 1, "deleted": 1, "manual": 2, "final": 5},
        "claims": {"suggested": 3, "kept": 1, "edited": 1, "deleted": 1, "manual": 1, "final": 3},
    }
    assert {layer: {k: c[k] for k in expected[layer]} for layer, c in counted["layers"].items()} == expected
    assert counted["layers"]["entities"]["acceptance"] == 2 / 4
    assert counted["layers"]["claims"]["from_suggestions"] == 2 / 3
    assert (counted["system"], counted["version"], counted["articles"]) == ("example-tagger", "2.1", [ARTICLE])

    # ... and from a pass folder holding the imported file and the suggestions as delivered: the same counts
    folder = tmp_path / "pass-x"
    folder.mkdir()
    shutil.copy(repo / "annotations" / f"{ARTICLE}.json", folder)
    shutil.copy(tmp_path / "tasks" / "SUGGESTIONS.json", folder)
    found, issues = folder_outcome(folder)
    assert issues == [] and found is not None
    assert found.to_dict()["layers"] == counted["layers"]
    text = cli("suggest", "--report", folder, cwd=repo)
    assert text.returncode == 0 and "example-tagger version 2.1" in text.stdout and "2/4 = 0.500" in text.stdout


def test_an_annotation_not_changed_at_all_keeps_every_suggestion(repo: Path, tmp_path: Path) -> None:
    """Suggestions only for entities: every mention kept, the claims (none suggested) carry no origin."""
    output = tmp_path / "system.jsonl"
    output.write_text(json.dumps({"id": ARTICLE, "entities": SYSTEM_OUTPUT["entities"][:3]}) + "\n", encoding="utf-8")
    args = ("--system-name", "example-tagger", "--system-version", "2.1", "--out", tmp_path / "tasks")
    assert cli("suggest", "--from", output, *args, cwd=repo).returncode == 0
    (task,) = json.loads((tmp_path / "tasks" / "labelstudio-tasks.json").read_text(encoding="utf-8"))
    result = [{**item, "origin": "prediction"} for item in task["predictions"][0]["result"]]
    exported = write(tmp_path / "export.json", export(task, result))
    run = cli("import", "labelstudio", exported, "--force", *ANNOTATOR, "--date", "2031-06-01", cwd=repo)
    assert run.returncode == 0, run.output
    document = json.loads((repo / "annotations" / f"{ARTICLE}.json").read_text(encoding="utf-8"))
    assert [m["origin"] for m in document["entities"]] == [
        {"kind": "suggested", "suggestion": f"m{n}"} for n in (1, 2, 3)
    ]
    assert document["claims"] == []
    assert document["provenance"]["entities"]["date"] == "2031-06-01"
    assert document["provenance"]["claims"] is None  # no labels, no record


def test_import_without_the_annotator_says_what_is_missing_and_writes_nothing(repo: Path, tmp_path: Path) -> None:
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, annotated(task)))
    before = (repo / "annotations" / f"{ARTICLE}.json").read_bytes()
    run = cli("import", "labelstudio", exported, "--force", cwd=repo)
    assert run.returncode == 1
    assert "started from the suggestions of example-tagger@2.1" in run.stdout and "--annotator" in run.stdout
    assert (repo / "annotations" / f"{ARTICLE}.json").read_bytes() == before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--annotator", "ann-07", "--guidelines", "3.0"), "needs --annotator-type"),
        (("--annotator", "bot-1", "--annotator-type", "model", "--guidelines", "3.0"), "--model NAME"),
        (
            ("--annotator", "ann-07", "--annotator-type", "person", "--model", "x", "--guidelines", "3.0"),
            "a person has neither",
        ),
    ],
)
def test_contradictory_or_partial_annotator_options_are_usage_errors(
    repo: Path, tmp_path: Path, options: tuple, message: str
) -> None:
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, annotated(task)))
    run = cli("import", "labelstudio", exported, "--force", *options, cwd=repo)
    assert run.returncode == 2 and message in run.stderr


MODEL = ("--annotator", "bot-1", "--annotator-type", "model", "--guidelines", "3.0")


@pytest.mark.parametrize(
    ("options", "option"),
    [
        (("--annotator", "Ann 07", "--annotator-type", "person", "--guidelines", "3.0"), "--annotator"),
        (("--annotator", "ann-07", "--annotator-type", "person", "--guidelines", "v3"), "--guidelines"),
        ((*ANNOTATOR, "--date", "2031-13-45"), "--date"),
        ((*MODEL, "--model", "", "--model-version", "1"), "--model"),
        ((*MODEL, "--model", "tagger\x1b[2J", "--model-version", "1"), "--model"),
        ((*MODEL, "--model", "tagger", "--model-version", "1\nforged line"), "--model-version"),
    ],
)
def test_a_bad_annotator_option_is_a_usage_error_naming_it(
    repo: Path, tmp_path: Path, options: tuple, option: str
) -> None:
    """Each was 4 schema errors on the annotation file (exit 1), or written as it was (a control character)."""
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, annotated(task)))
    before = (repo / "annotations" / f"{ARTICLE}.json").read_bytes()
    run = cli("import", "labelstudio", exported, "--force", *options, cwd=repo)
    assert run.returncode == 2 and f"error: {option} " in run.stderr, run.output
    assert "\x1b" not in run.output and (repo / "annotations" / f"{ARTICLE}.json").read_bytes() == before


def test_a_model_annotator_is_recorded_as_a_model(repo: Path, tmp_path: Path) -> None:
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, annotated(task)))
    options = (
        "--annotator",
        "pass-z-model",
        "--annotator-type",
        "model",
        "--model",
        "Example LM",
        "--guidelines",
        "3.0",
    )
    run = cli("import", "labelstudio", exported, "--force", *options, cwd=repo)
    assert run.returncode == 0, run.output
    document = json.loads((repo / "annotations" / f"{ARTICLE}.json").read_text(encoding="utf-8"))
    agent = {"id": "pass-z-model", "type": "model", "model": "Example LM", "model_version": None}
    assert {layer: record["annotator"] for layer, record in document["provenance"].items()} == dict.fromkeys(
        ("entities", "links", "claims", "alignment"), agent
    )


def test_an_annotation_started_from_another_prediction_is_refused(repo: Path, tmp_path: Path) -> None:
    task = suggested_task(repo, tmp_path)
    tasks = export(task, annotated(task), predictions="objects")
    tasks[0]["predictions"][0]["model_version"] = "someone-elses-backend"
    exported = write(tmp_path / "export.json", tasks)
    run = cli("import", "labelstudio", exported, "--force", *ANNOTATOR, cwd=repo)
    assert run.returncode == 1
    assert "started from prediction 17 of model_version 'someone-elses-backend'" in run.stdout


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda r: [{**i, "origin": "prediction"} if i["id"] == "Qw8_Lx0pZa" else i for i in r],
            "have no entities region 'Qw8_Lx0pZa'",
        ),
        (lambda r: [{**i, "origin": "suggested"} if i["id"] == "m1" else i for i in r], "has origin 'suggested'"),
        (
            lambda r: [{**i, "origin": "manual"} if i["id"] == "c2" and i["from_name"] == "claimer" else i for i in r],
            "has results of different origins",
        ),
    ],
)
def test_origins_that_cannot_be_true_are_refused(repo: Path, tmp_path: Path, edit, message: str) -> None:
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, edit(annotated(task))))
    run = cli("import", "labelstudio", exported, "--force", *ANNOTATOR, cwd=repo)
    assert run.returncode == 1 and message in run.stdout, run.output


def test_the_report_lists_tasks_not_annotated_yet(repo: Path, tmp_path: Path) -> None:
    task = suggested_task(repo, tmp_path)
    tasks = export(task, annotated(task))
    tasks[0]["annotations"] = []
    exported = write(tmp_path / "export.json", tasks)
    outcomes, problems = labelstudio.export_outcomes(exported)
    assert problems == []
    (found,) = outcomes
    assert found.not_annotated == [ARTICLE] and found.articles == []
    assert found.layers["claims"].suggested == 0  # nothing compared yet


def test_counts_match_the_library_on_the_drafts(repo: Path, tmp_path: Path) -> None:
    """The importer's origins and the report agree: the counts from the drafts are the export's."""
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, annotated(task)))
    (draft,), problems = labelstudio.read_export(exported)
    assert problems == [] and isinstance(draft.suggestions, Suggestions)
    direct = outcome(draft.suggestions, {ARTICLE: {"entities": draft.mentions, "claims": draft.claims}})
    (from_export,), _ = labelstudio.export_outcomes(exported)
    assert direct.to_dict() == from_export.to_dict()


def test_a_format_that_does_not_carry_a_layer_keeps_its_provenance(tmp_path: Path) -> None:
    """doccano carries mentions only: with --annotator, the entities layer records the new annotator, and
    the links, claims and alignment layers (kept from the current file) keep their records."""
    root = tmp_path / "repo"
    shutil.copytree(MINIMAL, root)
    before = json.loads((root / "annotations" / "acme-breach.json").read_text(encoding="utf-8"))["provenance"]
    assert cli("export", "doccano", "acme-breach", "--out", tmp_path / "d", cwd=root).returncode == 0
    options = ("--annotator", "ann-09", "--annotator-type", "person", "--guidelines", "3.0", "--date", "2031-07-01")
    run = cli("import", "doccano", tmp_path / "d" / "doccano.jsonl", "--force", *options, cwd=root)
    assert run.returncode == 0, run.output
    after = json.loads((root / "annotations" / "acme-breach.json").read_text(encoding="utf-8"))["provenance"]
    assert after["entities"] == {
        "method": "annotated",
        "annotator": {"id": "ann-09", "type": "person"},
        "suggestions": None,
        "guidelines": "3.0",
        "date": "2031-07-01",
    }
    assert {layer: after[layer] for layer in ("links", "claims", "alignment")} == {
        layer: before[layer] for layer in ("links", "claims", "alignment")
    }
    assert cli("validate", cwd=root).returncode == 0


def test_labels_without_provenance_are_written_saying_which_options_record_it(repo: Path, tmp_path: Path) -> None:
    """A task not made by `suggest` (no suggestions in its data): origins are not recorded, and the
    skeleton's empty provenance does not cover the new labels: the import says how to record them, and
    `validate` asks for the record."""
    task = suggested_task(repo, tmp_path)
    del task["data"]["cyberclaims"]["suggestions"]
    exported = write(tmp_path / "export.json", export(task, annotated(task)))
    run = cli("import", "labelstudio", exported, "--force", cwd=repo)
    assert run.returncode == 0, run.output
    assert "1 file records no provenance" in run.stderr and "--annotator ID" in run.stderr
    check = cli("validate", "--format", "json", cwd=repo)
    assert {i["code"] for i in json.loads(check.stdout)["issues"] if i["severity"] == "error"} == {"provenance-missing"}
    recorded = cli("import", "labelstudio", exported, "--force", *ANNOTATOR, cwd=repo)
    assert recorded.returncode == 0, recorded.output
    document = json.loads((repo / "annotations" / f"{ARTICLE}.json").read_text(encoding="utf-8"))
    assert all("origin" not in span for span in document["entities"] + document["claims"])
    assert all(record["suggestions"] is None for record in document["provenance"].values())


def test_any_damage_to_the_export_is_a_problem_never_a_crash(repo: Path, tmp_path: Path) -> None:
    """Seeded random damage to every part the suggestions route reads: each export is read (as the import
    and the report read it) with problems at worst."""
    import random

    task = suggested_task(repo, tmp_path)
    base = export(task, annotated(task), predictions="objects")
    values = [None, 1, -3, 1.5, True, "x", "m1", "prediction", "manual", [], [1], {}, {"a": 1}]
    rng = random.Random(24)
    path = tmp_path / "damaged.json"

    def damage(tasks: list) -> None:
        annotation = tasks[0]["annotations"][0]
        suggestions = tasks[0]["data"]["cyberclaims"]["suggestions"]
        value = copy.deepcopy(rng.choice(values))
        where = rng.randrange(6)
        if where == 0:
            rng.choice(annotation["result"])[rng.choice(["origin", "id", "score", "type"])] = value
        elif where == 1:
            rng.choice(annotation["result"])["value"][rng.choice(["start", "end", "text", "labels"])] = value
        elif where == 2:
            annotation[rng.choice(["parent_prediction", "prediction", "updated_at", "result"])] = value
        elif where == 3:
            suggestions[rng.choice(["system", "model_version", "entities", "claims"])] = value
        elif where == 4:
            rng.choice(suggestions["claims"])[rng.choice(["id", "start", "end", "claimer", "score"])] = value
        else:
            tasks[0][rng.choice(["predictions", "annotations"])] = value

    for _ in range(150):
        tasks = copy.deepcopy(base)
        try:
            damage(tasks)
        except (TypeError, KeyError, IndexError, AttributeError):
            continue  # an earlier damage removed what this one would change
        write(path, tasks)
        labelstudio.read_export(path)
        labelstudio.export_outcomes(path)


# ---------------------------------------------------------------------------------------------
# A correction round: the imported labels exported again, corrected, imported again


def first_round(repo: Path, tmp_path: Path) -> dict:
    """The round trip above, imported: the article's labels now record their origins."""
    task = suggested_task(repo, tmp_path)
    exported = write(tmp_path / "export.json", export(task, annotated(task)))
    assert cli("import", "labelstudio", exported, "--force", *ANNOTATOR, cwd=repo).returncode == 0
    return json.loads((repo / "annotations" / f"{ARTICLE}.json").read_text(encoding="utf-8"))


def exported_again(repo: Path, tmp_path: Path) -> dict:
    run = cli("export", "labelstudio", ARTICLE, "--out", tmp_path / "again", cwd=repo)
    assert run.returncode == 0, run.output
    (task,) = json.loads((tmp_path / "again" / "labelstudio-tasks.json").read_text(encoding="utf-8"))
    return task


def moved(result: list[dict], phrase: str, nth: int = 0) -> list[dict]:
    """A region's results moved onto another span of the text."""
    offsets = Utf16Offsets(TEXT)
    start, end = at(phrase, nth)
    for item in result:
        item["value"].update(start=offsets.to_utf16(start), end=offsets.to_utf16(end))
        if isinstance(item["value"].get("text"), str):
            item["value"]["text"] = phrase
    return result


def retyped(result: list[dict], **fields: str) -> list[dict]:
    """A region's results with the text of some of its text areas changed."""
    for item in result:
        if item["from_name"] in fields:
            item["value"]["text"] = [fields[item["from_name"]]]
    return result


def test_a_correction_round_left_as_it_was_gives_back_the_same_file(repo: Path, tmp_path: Path) -> None:
    before = (first_round(repo, tmp_path), (repo / "annotations" / f"{ARTICLE}.json").read_bytes())[1]
    task = exported_again(repo, tmp_path)
    result = [{**item, "origin": "prediction"} for item in task["predictions"][0]["result"]]
    exported = write(tmp_path / "export2.json", export(task, result, parent=None))
    run = cli("import", "labelstudio", exported, "--force", cwd=repo)
    assert run.returncode == 0, run.output
    assert (repo / "annotations" / f"{ARTICLE}.json").read_bytes() == before
    assert cli("validate", cwd=repo).returncode == 0


def test_a_correction_round_keeps_each_span_s_suggestion_and_says_what_changed(repo: Path, tmp_path: Path) -> None:
    first = first_round(repo, tmp_path)
    by_text = {m["text"]: m for m in first["entities"]}
    assert by_text["Acme Corp"]["origin"]["kind"] == "suggested" and by_text["FBI"]["origin"]["kind"] == "manual"
    task = exported_again(repo, tmp_path)
    ids = {m["text"]: m["id"] for m in first["entities"]}
    second = {m["text"]: m["id"] for m in first["entities"] if m["start"] == at("Acme Corp", 1)[0]}["Acme Corp"]
    first_acme = {m["id"] for m in first["entities"] if m["start"] == at("Acme Corp", 0)[0]}.pop()
    claims = {c["text"]: c["id"] for c in first["claims"]}
    lost = claims["Acme Corp lost 5 million records on Monday"]
    result = [
        *taken(task, first_acme),  # kept as it was: still suggested
        *moved(taken(task, second, "prediction-changed"), "Acme", 1),  # a suggested mention shortened: edited
        *taken(task, ids["Reuters"]),  # already edited, untouched: edited
        *taken(task, ids["FBI"], "prediction-changed"),  # drawn by hand before: still manual
        # ids["5 million"] deleted
        *drawn("Yy1_Ab2cDe", "label", "Monday", "DATE"),  # drawn now: manual, a new id
        *retyped(
            taken(task, lost), proposition="fbi_investigates_acme_breach"
        ),  # a suggested claim, its proposition changed:
        # no suggestion gives one, so it is still kept as suggested
        *taken(task, claims["The FBI may be investigating"]),
        *taken(task, claims["Acme Corp hit again"]),
    ]
    exported = write(tmp_path / "export2.json", export(task, result, parent=None))
    run = cli("import", "labelstudio", exported, "--force", "--annotator", "rev-02", "--annotator-type", "person",
              "--guidelines", "3.0", "--date", "2031-07-01", cwd=repo)  # fmt: skip
    assert run.returncode == 0, run.output
    assert cli("validate", cwd=repo).returncode == 0
    document = json.loads((repo / "annotations" / f"{ARTICLE}.json").read_text(encoding="utf-8"))
    origins = {(m["text"], m["start"]): (m["origin"]["kind"], m["origin"]["suggestion"]) for m in document["entities"]}
    assert origins == {
        ("Acme Corp", at("Acme Corp", 0)[0]): ("suggested", "m1"),
        ("Acme", at("Acme Corp", 1)[0]): ("edited", "m2"),
        ("Reuters", at("Reuters")[0]): ("edited", "m4"),
        ("FBI", at("FBI")[0]): ("manual", None),
        ("Monday", at("Monday")[0]): ("manual", None),
    }
    # The span drawn now takes no id of a suggestion the file's spans came from (a deleted suggestion, m3,
    # is not in the file: its id may be reused, and the span's origin says it was drawn by hand)
    assert {m["text"]: m["id"] for m in document["entities"]}["Monday"] not in {"m1", "m2", "m4"}
    assert {c["text"]: (c["origin"]["kind"], c["origin"]["suggestion"]) for c in document["claims"]} == {
        "Acme Corp hit again": ("manual", None),
        "Acme Corp lost 5 million records on Monday": ("suggested", "c2"),
        "The FBI may be investigating": ("edited", "c3"),
    }
    assert {c["text"]: c["proposition"] for c in document["claims"]}[
        "Acme Corp lost 5 million records on Monday"
    ] == "fbi_investigates_acme_breach"
    # The new annotator's record, still naming the suggestions each layer started from
    source = {"system": "example-tagger", "version": "2.1", "file": None}
    for layer in ("entities", "claims"):
        record = document["provenance"][layer]
        assert record["annotator"] == {"id": "rev-02", "type": "person"} and record["suggestions"] == source
        assert record["date"] == "2031-07-01"


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        ([], "an object of entities, claims"),
        ({"mentions": {}}, "an object of entities, claims"),
        ({"entities": []}, "not an object of spans by id"),
        ({"entities": {"m1": {"start": "0", "end": 9}}}, "no integer start and end"),
        ({"entities": {"m1": {"start": 0, "end": 9, "origin": {"kind": "kept"}}}}, "has an origin that is not"),
        (
            {"entities": {"m1": {"start": 0, "end": 9, "origin": {"kind": "manual", "suggestion": "m1"}}}},
            "does not fit its kind",
        ),
    ],
)
def test_carried_origins_that_are_not_as_exported_are_refused(repo: Path, tmp_path: Path, origins, message) -> None:
    first_round(repo, tmp_path)
    before = (repo / "annotations" / f"{ARTICLE}.json").read_bytes()
    task = exported_again(repo, tmp_path)
    task["data"]["cyberclaims"]["origins"] = origins
    result = [{**item, "origin": "prediction"} for item in task["predictions"][0]["result"]]
    exported = write(tmp_path / "export2.json", export(task, result, parent=None))
    run = cli("import", "labelstudio", exported, "--force", cwd=repo)
    assert run.returncode == 1 and "data.cyberclaims.origins" in run.output and message in run.output, run.output
    assert (repo / "annotations" / f"{ARTICLE}.json").read_bytes() == before


def test_a_region_marked_as_from_the_export_s_prediction_that_it_does_not_hold_is_refused(
    repo: Path, tmp_path: Path
) -> None:
    first_round(repo, tmp_path)
    task = exported_again(repo, tmp_path)
    result = [{**item, "origin": "prediction"} for item in task["predictions"][0]["result"]]
    result += [{**item, "origin": "prediction"} for item in drawn("Zz9_Qq8wEr", "label", "Monday", "DATE")]
    exported = write(tmp_path / "export2.json", export(task, result, parent=None))
    run = cli("import", "labelstudio", exported, "--force", cwd=repo)
    assert run.returncode == 1 and "the export has no entities region 'Zz9_Qq8wEr'" in run.output, run.output


def test_corrected_origin_rules_on_made_up_spans() -> None:
    from cyberclaims.core.suggestions import MANUAL, corrected_origin, exported_span

    claim = {"start": 0, "end": 9, "claimer": "author", "attribution": "asserted", "certainty": "certain"}
    kept = {**claim, "normalized": None, "about": [], "origin": {"kind": "suggested", "suggestion": "c1"}}
    before = exported_span(kept, "claims")
    assert corrected_origin("claims", None, before, kept) == {"kind": "suggested", "suggestion": "c1"}
    # a null field (no suggestion gave it) filled in: still kept; an empty `about` filled: an edit (it may
    # have been given empty); a changed attribution or span: an edit
    assert corrected_origin("claims", None, before, {**kept, "normalized": "x"})["kind"] == "suggested"
    assert corrected_origin("claims", None, before, {**kept, "about": ["acme"]})["kind"] == "edited"
    assert corrected_origin("claims", None, before, {**kept, "attribution": "reported"})["kind"] == "edited"
    assert corrected_origin("claims", None, before, {**kept, "end": 8})["kind"] == "edited"
    # once edited, always edited; drawn by hand (now or before): manual
    edited = {**kept, "origin": {"kind": "edited", "suggestion": "c1"}}
    assert corrected_origin("claims", None, exported_span(edited, "claims"), edited)["kind"] == "edited"
    manual = {**kept, "origin": {"kind": "manual", "suggestion": None}}
    assert corrected_origin("claims", None, exported_span(manual, "claims"), manual)["kind"] == "manual"
    assert corrected_origin("claims", MANUAL, before, kept) == {"kind": "manual", "suggestion": None}
    assert corrected_origin("claims", None, None, kept) == {"kind": "manual", "suggestion": None}
