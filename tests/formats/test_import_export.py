"""Import from and export to annotation tools, through the real CLI on disposable copies of the repository.

The fixtures in tests/fixtures/formats/ are exports as the tools write them, for made-up articles with
curly quotes and emoji (characters that take two UTF-16 code units), so that an offset conversion
that is missing or wrong shifts every span after the first emoji.
"""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ARTICLE_IDS, ROOT, copy_repository, run_cli
from cyberclaims.core.vocabulary import ENTITY_LABELS as LABELS
from cyberclaims.formats import labelstudio
from cyberclaims.formats.offsets import OffsetError, Utf16Offsets
from cyberclaims.viewer import LABEL_COLORS

pytestmark = pytest.mark.corpus

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"
LABELSTUDIO_EXPORT = FIXTURES / "labelstudio-export.json"
DOCCANO_EXPORT = FIXTURES / "doccano-export.jsonl"


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def utf16(text: str, offset: int) -> int:
    """What JavaScript's ``text.slice(0, offset).length`` is: an independent reference for the tests."""
    return len(text[:offset].encode("utf-16-le")) // 2


# ---------------------------------------------------------------------------------------------
# Offsets


def test_utf16_offsets_match_javascript_string_positions():
    text = "“Sony” 😀 hit 🇰🇵 é\u0301 — ok 🎬"
    offsets = Utf16Offsets(text)
    for i in range(len(text) + 1):
        assert offsets.to_utf16(i) == utf16(text, i)
        assert offsets.from_utf16(utf16(text, i)) == i
    inside = utf16(text, text.index("😀")) + 1
    with pytest.raises(OffsetError, match="between the two halves"):
        offsets.from_utf16(inside)
    with pytest.raises(OffsetError):
        offsets.from_utf16(offsets.utf16_length + 1)


# ---------------------------------------------------------------------------------------------
# Import of the tools' own files


def test_import_labelstudio_export_with_emoji_gives_valid_files(repo):
    task = _json(LABELSTUDIO_EXPORT)[0]
    text = task["data"]["text"]
    # The fixture really exercises the conversion: after the first emoji the two counts differ.
    later = [r["value"] for a in task["annotations"] for r in a["result"] if r["value"]["start"] > text.index("😀")]
    assert later and all(v["start"] != text.index(v["text"]) for v in later if isinstance(v.get("text"), str))

    done = run_cli("import", "labelstudio", LABELSTUDIO_EXPORT, cwd=repo)
    assert done.returncode == 0, done.output
    assert run_cli("validate", cwd=repo).returncode == 0
    written = repo / "annotations" / "gop-emoji-labelstudio.json"
    assert (repo / "annotations" / "gop-emoji-labelstudio.txt").read_text(encoding="utf-8") == text
    data = _json(written)
    # Offsets are code points: each span's text is the article's text there, found independently.
    found = {(m["text"], m["label"], m["entity"]) for m in data["entities"]}
    assert found == {
        ("Guardians of Peace", "ORG", "guardians_of_peace"),
        ("Sony Pictures", "ORG", "sony_pictures_entertainment"),
        ("November", "DATE", None),
        ("FBI", "ORG", "federal_bureau_of_investigation"),
        ("North Korea", "GPE", "north_korea"),
    }
    for item in data["entities"] + data["claims"]:
        assert item["start"] == text.index(item["text"]) and item["end"] == item["start"] + len(item["text"])
    # The latest submitted annotation is used (an older one labels "Guardians of Peace" PERSON).
    assert [m["id"] for m in data["entities"]] == ["m1", "m2", "m3", "m4", "m5"]  # Label Studio ids renumbered
    second = data["claims"][1]
    assert (
        second["text"],
        second["claimer"],
        second["attribution"],
        second["certainty"],
        second["about"],
        second["proposition"],
    ) == (
        "North Korea 🙅 was behind it",
        "federal_bureau_of_investigation",
        "reported",
        "probable",
        ["north_korea", "sony_pictures_entertainment"],
        "north_korea_behind_sony_pictures_hack",
    )
    assert [s["kind"] for s in data["segments"]] == ["body", "body"]


def test_import_doccano_export_with_emoji_gives_valid_files(repo):
    done = run_cli("import", "doccano", DOCCANO_EXPORT, cwd=repo)
    assert done.returncode == 0, done.output
    assert "mention-unlinked" in done.stdout  # doccano carries no entity keys: warnings, not errors
    # doccano does not say who labelled the articles: validate asks for that record, and nothing else
    check = run_cli("validate", "--format", "json", cwd=repo)
    assert {i["code"] for i in json.loads(check.stdout)["issues"] if i["severity"] == "error"} == {"provenance-missing"}
    rows = [json.loads(line) for line in DOCCANO_EXPORT.read_text(encoding="utf-8").splitlines()]
    expected = {
        "gop-emoji-doccano": ["Guardians of Peace", "Annie", "Fury", "Sony", "GOP"],
        "north-korea-emoji-doccano": ["North Korea", "2 December 2014"],
    }
    for row in rows:
        data = _json(repo / "annotations" / f"{row['article_id']}.json")
        text = row["text"]
        assert [m["text"] for m in data["entities"]] == expected[row["article_id"]]
        for mention in data["entities"]:
            assert text[mention["start"] : mention["end"]] == mention["text"]
        spans = row.get("label") or [[e["start_offset"], e["end_offset"], e["label"]] for e in row["entities"]]
        assert [(utf16(text, m["start"]), utf16(text, m["end"]), m["label"]) for m in data["entities"]] == [
            tuple(s) for s in spans
        ]
    # Read as code points, the same file is wrong after the first emoji, and nothing is written.
    other = copy_repository(repo.parent / "other")
    before = _files(other / "annotations")
    wrong = run_cli("import", "doccano", "--offsets", "codepoints", DOCCANO_EXPORT, cwd=other)
    assert wrong.returncode == 1 and "nothing was written" in wrong.stderr
    assert _files(other / "annotations") == before


def test_nothing_is_written_when_one_file_is_invalid(repo, tmp_path):
    rows = DOCCANO_EXPORT.read_text(encoding="utf-8").splitlines()
    bad = json.loads(rows[1])
    bad["entities"][0]["end_offset"] = 9  # "North Kor": cuts a token, which the validator rejects
    export = tmp_path / "export.jsonl"
    export.write_text(rows[0] + "\n" + json.dumps(bad, ensure_ascii=False) + "\n", encoding="utf-8")
    before = _files(repo / "annotations")
    done = run_cli("import", "doccano", export, cwd=repo)
    assert done.returncode == 1
    assert "mention-cut-by-tokenizer" in done.stdout and "nothing was written" in done.stderr
    assert _files(repo / "annotations") == before


def test_labelstudio_offsets_taken_as_code_points_are_caught(repo, tmp_path):
    tasks = _json(LABELSTUDIO_EXPORT)
    text = tasks[0]["data"]["text"]
    for annotation in tasks[0]["annotations"]:
        for item in annotation["result"]:
            value = item["value"]
            if isinstance(value.get("text"), str):  # what an exporter counting code points would write
                value["start"] = text.index(value["text"])
                value["end"] = value["start"] + len(value["text"])
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    before = _files(repo / "annotations")
    done = run_cli("import", "labelstudio", export, cwd=repo)
    assert done.returncode == 1 and "differs from the article at UTF-16" in done.stdout
    assert _files(repo / "annotations") == before


def test_existing_annotation_files_are_replaced_only_with_force(repo):
    assert run_cli("import", "labelstudio", LABELSTUDIO_EXPORT, cwd=repo).returncode == 0
    target = repo / "annotations" / "gop-emoji-labelstudio.json"
    target.write_text(
        target.read_text(encoding="utf-8").replace('"annotators": []', '"annotators": ["kept"]'), encoding="utf-8"
    )
    edited = target.read_bytes()
    again = run_cli("import", "labelstudio", LABELSTUDIO_EXPORT, cwd=repo)
    assert again.returncode == 1 and "use --force" in again.stdout
    assert target.read_bytes() == edited
    forced = run_cli("import", "labelstudio", "--force", LABELSTUDIO_EXPORT, cwd=repo)
    assert forced.returncode == 0, forced.output
    # What the export does not carry (annotators here) comes from the file it replaces.
    assert _json(target)["annotators"] == ["kept"]


def test_a_text_that_differs_from_the_article_is_refused(repo, tmp_path):
    tasks = _json(LABELSTUDIO_EXPORT)
    tasks[0]["data"]["article_id"] = ARTICLE_IDS[0]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    done = run_cli("import", "labelstudio", "--force", export, cwd=repo)
    assert done.returncode == 1 and f"its text differs from annotations/{ARTICLE_IDS[0]}.txt" in done.stdout
    assert (repo / "annotations" / f"{ARTICLE_IDS[0]}.json").read_bytes() == (
        ROOT / "annotations" / f"{ARTICLE_IDS[0]}.json"
    ).read_bytes()


# ---------------------------------------------------------------------------------------------
# Export, then import: the same labels


def _emoji_repo(tmp_path: Path) -> Path:
    """The corpus plus the made-up emoji article, so that round trips cross astral characters too."""
    repo = copy_repository(tmp_path / "repo")
    assert run_cli("import", "labelstudio", LABELSTUDIO_EXPORT, cwd=repo).returncode == 0
    return repo


def _as_labelstudio_would_return(tasks: list[dict], rng: random.Random) -> list[dict]:
    """An annotator submits the predictions unchanged; Label Studio gives the regions its own ids."""
    for task in tasks:
        result = json.loads(json.dumps(task["predictions"][0]["result"]))
        new_ids: dict[str, str] = {}
        for item in result:
            item["id"] = new_ids.setdefault(item["id"], "".join(rng.choices("abcdefghijkLMNOP0123456789_-", k=10)))
        task["annotations"] = [
            {"id": 1, "result": result, "was_cancelled": False, "updated_at": "2024-05-02T10:00:00Z"}
        ]
    return tasks


def test_labelstudio_round_trip_is_lossless(tmp_path):
    repo = _emoji_repo(tmp_path)
    ids = sorted(p.stem for p in (repo / "annotations").glob("*.txt"))
    originals = {i: (repo / "annotations" / f"{i}.json").read_bytes() for i in ids}
    out = tmp_path / "ls"
    assert run_cli("export", "labelstudio", "--out", out, cwd=repo).returncode == 0
    tasks = _json(out / "labelstudio-tasks.json")
    emoji = next(t for t in tasks if t["data"]["article_id"] == "gop-emoji-labelstudio")
    for item in emoji["predictions"][0]["result"]:  # UTF-16 offsets, as Label Studio counts
        value, text = item["value"], emoji["data"]["text"]
        if isinstance(value.get("text"), str):
            assert text.encode("utf-16-le")[2 * value["start"] : 2 * value["end"]].decode("utf-16-le") == value["text"]
    returned = tmp_path / "returned.json"
    returned.write_text(
        json.dumps(_as_labelstudio_would_return(tasks, random.Random(7)), ensure_ascii=False), encoding="utf-8"
    )
    for article_id in ids:  # Label Studio carries everything: import into a corpus without the files
        (repo / "annotations" / f"{article_id}.json").unlink()
    done = run_cli("import", "labelstudio", returned, cwd=repo)
    assert done.returncode == 0, done.output
    for article_id in ids:
        assert (repo / "annotations" / f"{article_id}.json").read_bytes() == originals[article_id], article_id


def test_brat_round_trip_gives_the_same_labels(tmp_path):
    repo = _emoji_repo(tmp_path)
    ids = sorted(p.stem for p in (repo / "annotations").glob("*.txt"))
    out = tmp_path / "brat"
    assert run_cli("export", "brat", "--out", out, cwd=repo).returncode == 0
    assert {"annotation.conf", "visual.conf"} <= set(_files(out))
    for article_id in ids:  # brat's .txt is the article byte for byte, its offsets code points
        text = (out / f"{article_id}.txt").read_text(encoding="utf-8")
        assert (out / f"{article_id}.txt").read_bytes() == (repo / "annotations" / f"{article_id}.txt").read_bytes()
        for line in (out / f"{article_id}.ann").read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _, span, shown = line.split("\t")
                _, start, end = span.split(" ")
                assert text[int(start) : int(end)] == shown
    originals = {i: (repo / "annotations" / f"{i}.json").read_bytes() for i in ids}
    for article_id in ids:  # over the current files: what brat cannot carry is kept, the rest re-read
        done = run_cli("import", "brat", "--force", out / f"{article_id}.ann", cwd=repo)
        assert done.returncode == 0, done.output
        assert (repo / "annotations" / f"{article_id}.json").read_bytes() == originals[article_id]
    fresh = copy_repository(tmp_path / "fresh")
    for article_id in ids:  # without them: the labels brat carries are all there
        (fresh / "annotations" / f"{article_id}.txt").unlink(missing_ok=True)
        (fresh / "annotations" / f"{article_id}.json").unlink(missing_ok=True)
        done = run_cli("import", "brat", out / f"{article_id}.ann", cwd=fresh)
        assert done.returncode == 0, done.output
        before, after = json.loads(originals[article_id]), _json(fresh / "annotations" / f"{article_id}.json")
        assert after["entities"] == before["entities"] and after["claims"] == before["claims"]


def test_doccano_round_trip_gives_the_same_mentions(tmp_path):
    repo = _emoji_repo(tmp_path)
    ids = sorted(p.stem for p in (repo / "annotations").glob("*.txt"))
    out = tmp_path / "doccano"
    assert run_cli("export", "doccano", "--out", out, cwd=repo).returncode == 0
    originals = {i: (repo / "annotations" / f"{i}.json").read_bytes() for i in ids}
    done = run_cli("import", "doccano", "--force", out / "doccano.jsonl", cwd=repo)
    assert done.returncode == 0, done.output
    for article_id in ids:
        assert (repo / "annotations" / f"{article_id}.json").read_bytes() == originals[article_id]
    for article_id in ids:
        (repo / "annotations" / f"{article_id}.json").unlink()
    done = run_cli("import", "doccano", out / "doccano.jsonl", cwd=repo)
    assert done.returncode == 0, done.output
    for article_id in ids:
        before, after = json.loads(originals[article_id]), _json(repo / "annotations" / f"{article_id}.json")
        assert [(m["start"], m["end"], m["text"], m["label"]) for m in after["entities"]] == [
            (m["start"], m["end"], m["text"], m["label"]) for m in before["entities"]
        ]


def test_export_refuses_articles_that_do_not_validate(repo, tmp_path):
    path = repo / "annotations" / f"{ARTICLE_IDS[0]}.json"
    data = _json(path)
    data["entities"][0]["end"] += 1
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    done = run_cli("export", "labelstudio", ARTICLE_IDS[0], "--out", tmp_path / "out", cwd=repo)
    assert done.returncode == 1 and "span-text-mismatch" in done.stdout
    assert not (tmp_path / "out").exists()
    other = run_cli("export", "labelstudio", ARTICLE_IDS[1], "--out", tmp_path / "out", cwd=repo)
    assert other.returncode == 0, other.output


# ---------------------------------------------------------------------------------------------
# The shipped Label Studio config is the one the importer reads


def test_labelstudio_config_names_the_controls_the_importer_reads():
    root = ET.parse(ROOT / "annotations" / "labelstudio-config.xml").getroot()
    controls = {el.get("name"): el for el in root.iter() if el.get("name")}
    assert set(controls) == labelstudio.KNOWN_CONTROLS | {"text"}
    assert controls["text"].tag == "Text" and controls["text"].get("value") == "$text"
    labels = {el.get("value"): el.get("background") for el in controls["label"].iter("Label")}
    assert labels == LABEL_COLORS and set(labels) == set(LABELS)
    assert [el.get("value") for el in controls["segment"].iter("Label")] == [
        "title",
        "body",
        "caption",
        "byline",
        "boilerplate",
    ]
    assert [el.get("value") for el in controls["claim"].iter("Label")] == [labelstudio.CLAIM_LABEL]
    for name in ("entity", *labelstudio.TEXT_FIELDS, *labelstudio.CHOICE_FIELDS):
        assert controls[name].get("perRegion") == "true" and controls[name].get("toName") == "text"
    assert [c.get("value") for c in controls["certainty"].iter("Choice")] == ["certain", "probable", "possible"]
    assert [c.get("value") for c in controls["attribution"].iter("Choice")] == ["asserted", "reported"]
