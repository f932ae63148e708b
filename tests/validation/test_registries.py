"""The registries on their own: reading and checking them, the keys articles use, and the entries none uses."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import cli
from cyberclaims.core.issues import Issue, Report
from cyberclaims.core.model import Collection, Registry
from cyberclaims.validation.registries import collect_usage, load_registry, unused_registry_entries


def entity(key: str, name: str = "Acme Corp", type: str = "ORG") -> dict[str, Any]:
    return {"key": key, "name": name, "type": type, "aliases": [], "description": "a fictional company"}


def proposition(key: str, statement: str = "Hackers stole records from Acme Corp.") -> dict[str, Any]:
    return {"key": key, "statement": statement}


def write_registry(folder: Path, kind: str, items: list) -> Path:
    """One entry a line, so that entry ``i`` of the list is on line ``i + 2``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.json"
    lines = ",\n".join("  " + json.dumps(item) for item in items)
    path.write_text(f'{{"{kind}": [\n{lines}\n]}}\n', encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path


def gold(root: Path) -> Collection:
    folder = root / "annotations"
    folder.mkdir(parents=True, exist_ok=True)
    write_registry(folder, "events", [])  # the event registry is checked in tests of its own
    return Collection("gold", folder, folder, [], [])


def a_pass(root: Path, name: str = "p1", *, own_registry: bool = False) -> Collection:
    folder = root / "annotations" / "passes" / name
    folder.mkdir(parents=True, exist_ok=True)
    if own_registry:
        write_registry(folder, "events", [])
    return Collection(name, folder, folder if own_registry else root / "annotations", [], [])


def places(report: Report) -> list[tuple[str, int | None, str, str]]:
    return [(issue.file, issue.line, issue.pointer, issue.code) for issue in report.issues]


# ---------------------------------------------------------------------------------------------
# load_registry


def test_load_registry_reads_both_registries(root):
    collection = gold(root)
    write_registry(collection.folder, "entities", [entity("acme_corp"), entity("fbi", "FBI")])
    write_registry(collection.folder, "propositions", [proposition("acme_records_stolen")])
    report = Report()
    registry = load_registry(collection, root, report, check=True)
    assert report.issues == []
    assert report.files_checked == 3  # with the (empty) event registry
    assert list(registry.entities) == ["acme_corp", "fbi"] and registry.entities["fbi"]["name"] == "FBI"
    assert list(registry.propositions) == ["acme_records_stolen"]
    assert registry.well_formed_entity_keys() == {"acme_corp", "fbi"}


def test_duplicate_key_is_reported_at_the_second_entry_and_the_first_is_kept(root):
    collection = gold(root)
    write_registry(
        collection.folder,
        "entities",
        [entity("acme_corp"), entity("fbi", "FBI"), entity("acme_corp", "Acme Corporation")],
    )
    write_registry(
        collection.folder,
        "propositions",
        [proposition("acme_records_stolen"), proposition("acme_records_stolen", "Something else.")],
    )
    report = Report()
    registry = load_registry(collection, root, report, check=True)
    assert places(report) == [
        ("annotations/entities.json", 4, "/entities/2", "registry-duplicate-key"),
        ("annotations/propositions.json", 3, "/propositions/1", "registry-duplicate-key"),
    ]
    assert "'acme_corp'" in report.issues[0].message
    assert registry.entities["acme_corp"]["name"] == "Acme Corp"
    assert registry.propositions["acme_records_stolen"]["statement"].startswith("Hackers")


def test_a_key_in_both_registries_is_no_duplicate(root):
    collection = gold(root)
    write_registry(collection.folder, "entities", [entity("acme")])
    write_registry(collection.folder, "propositions", [proposition("acme")])
    report = Report()
    registry = load_registry(collection, root, report, check=True)
    assert report.issues == [] and "acme" in registry.entities and "acme" in registry.propositions


def test_without_check_a_registry_is_read_and_nothing_reported(root):
    collection = gold(root)
    write_registry(collection.folder, "entities", [entity("acme_corp"), entity("acme_corp", "Second")])
    report = Report()  # and propositions.json is missing
    registry = load_registry(collection, root, report, check=False)
    assert report.issues == [] and report.files_checked == 0
    assert registry.entities["acme_corp"]["name"] == "Acme Corp"
    assert registry.propositions == {}


@pytest.mark.parametrize("missing", ["entities", "propositions"])
def test_missing_registry(root, missing):
    collection = gold(root)
    present = "propositions" if missing == "entities" else "entities"
    write_registry(collection.folder, present, [entity("acme_corp") if present == "entities" else proposition("p")])
    report = Report()
    registry = load_registry(collection, root, report, check=True)
    assert places(report) == [(f"annotations/{missing}.json", None, "", "missing-registry")]
    assert f"{missing}.json not found" in report.issues[0].message
    assert report.files_checked == 2  # the other registry, and the event registry
    assert getattr(registry, missing) == {} and getattr(registry, present) != {}


def test_both_registries_missing(root):
    report = Report()
    registry = load_registry(gold(root), root, report, check=True)
    assert places(report) == [
        ("annotations/entities.json", None, "", "missing-registry"),
        ("annotations/propositions.json", None, "", "missing-registry"),
    ]
    # each missing table is reported once, here: its keys are then not reported unknown one by one
    assert registry == Registry(unreadable={"entities", "propositions"})


def test_a_pass_reading_the_gold_registries_reports_them_without_counting_them(root):
    """The gold run counts the shared files; a pass that reads them (checked) reports their issues."""
    write_registry(root / "annotations", "entities", [entity("acme_corp"), entity("acme_corp")])
    report = Report()
    registry = load_registry(a_pass(root), root, report, check=True)
    assert places(report) == [
        ("annotations/entities.json", 3, "/entities/1", "registry-duplicate-key"),
        ("annotations/propositions.json", None, "", "missing-registry"),
        ("annotations/events.json", None, "", "missing-registry"),
    ]
    assert report.files_checked == 0 and list(registry.entities) == ["acme_corp"]


def test_a_pass_with_its_own_registries_counts_them(root):
    collection = a_pass(root, own_registry=True)
    write_registry(collection.folder, "entities", [entity("acme_corp")])
    write_registry(collection.folder, "propositions", [])
    report = Report()
    load_registry(collection, root, report, check=True)
    assert report.issues == [] and report.files_checked == 3


def test_broken_json_and_schema_violations(root):
    collection = gold(root)
    collection.folder.joinpath("entities.json").write_text('{"entities": [\n  {"key": "acme_corp",}\n]}\n')
    collection.folder.joinpath("propositions.json").write_text(
        '{"propositions": [\n  {"key": "acme", "statement": "x", "extra": 1}\n]}\n'
    )
    report = Report()
    registry = load_registry(collection, root, report, check=True)
    assert [(code, file) for file, _, _, code in places(report)] == [
        ("json-syntax", "annotations/entities.json"),
        ("schema-additional-properties", "annotations/propositions.json"),
    ]
    assert registry.entities == {}
    assert list(registry.propositions) == ["acme"]  # a schema violation still leaves the keyed entry usable


def test_entries_without_a_string_key_are_skipped(root):
    collection = gold(root)
    write_registry(collection.folder, "entities", [{**entity("x"), "key": 5}, "acme_corp", entity("acme_corp")])
    write_registry(collection.folder, "propositions", [])
    report = Report()
    registry = load_registry(collection, root, report, check=True)
    assert list(registry.entities) == ["acme_corp"]
    assert {code for _, _, _, code in places(report)} == {"schema-type"}
    assert {pointer for _, _, pointer, _ in places(report)} == {"/entities/0/key", "/entities/1"}


def test_a_symlinked_registry_is_not_followed(root):
    collection = gold(root)
    target = write_registry(root / "elsewhere", "entities", [entity("acme_corp")])
    (collection.folder / "entities.json").symlink_to(target)
    write_registry(collection.folder, "propositions", [])
    report = Report()
    registry = load_registry(collection, root, report, check=True)
    assert places(report) == [("annotations/entities.json", None, "", "file-is-symlink")]
    assert registry.entities == {}


def test_a_dangling_symlink_is_a_symlink_not_a_missing_registry(root):
    collection = gold(root)
    (collection.folder / "entities.json").symlink_to(root / "nowhere.json")
    write_registry(collection.folder, "propositions", [])
    report = Report()
    load_registry(collection, root, report, check=True)
    assert places(report) == [("annotations/entities.json", None, "", "file-is-symlink")]


# ---------------------------------------------------------------------------------------------
# collect_usage


def test_collect_usage_gathers_every_key_an_article_names():
    data = {
        "entities": [{"entity": "acme_corp"}, {"entity": None}, {"entity": "fbi"}, "not an object", {}],
        "claims": [
            {"claimer": "author", "about": ["acme_corp", "sony", 3], "proposition": "acme_records_stolen"},
            {"claimer": "reuters", "about": "not a list", "proposition": None},
            {"claimer": 7},
        ],
    }
    entities, propositions = {"already_there"}, set()
    collect_usage(data, entities, propositions, set())
    assert entities == {"already_there", "acme_corp", "fbi", "author", "sony", "reuters"}
    assert propositions == {"acme_records_stolen"}


@pytest.mark.parametrize("data", [[], None, "x", {"entities": "x", "claims": {"claimer": "acme"}}, {}])
def test_collect_usage_ignores_what_the_schema_rejects(data):
    entities, propositions = set(), set()
    collect_usage(data, entities, propositions, set())
    assert entities == set() and propositions == set()


# ---------------------------------------------------------------------------------------------
# unused_registry_entries

REGISTRY = Registry(
    entities={"acme_corp": entity("acme_corp"), "fbi": entity("fbi"), "sony": entity("sony")},
    propositions={"p_b": proposition("p_b"), "p_a": proposition("p_a"), "p_c": proposition("p_c")},
)


def test_unused_entries_are_reported_sorted_by_file_then_key(root):
    issues = unused_registry_entries(gold(root), REGISTRY, {"fbi", "author", "not_in_registry"}, {"p_c"}, set(), root)
    assert [(i.file, i.line, i.pointer, i.code, i.message) for i in issues] == [
        ("annotations/entities.json", None, "", "registry-unused-entry", "'acme_corp' is used by no article"),
        ("annotations/entities.json", None, "", "registry-unused-entry", "'sony' is used by no article"),
        ("annotations/propositions.json", None, "", "registry-unused-entry", "'p_a' is used by no article"),
        ("annotations/propositions.json", None, "", "registry-unused-entry", "'p_b' is used by no article"),
    ]
    assert all(isinstance(i, Issue) for i in issues)


def test_nothing_unused(root):
    assert (
        unused_registry_entries(gold(root), REGISTRY, set(REGISTRY.entities), set(REGISTRY.propositions), set(), root)
        == []
    )


def test_a_pass_on_the_gold_registries_reports_no_unused_entry(root):
    """Its articles are a subset: the gold run judges the shared registries."""
    assert unused_registry_entries(a_pass(root), REGISTRY, set(), set(), set(), root) == []


def test_a_pass_with_its_own_registries_reports_their_unused_entries(root):
    collection = a_pass(root, own_registry=True)
    used_entities = set(REGISTRY.entities) - {"sony"}
    issues = unused_registry_entries(collection, REGISTRY, used_entities, set(REGISTRY.propositions), set(), root)
    assert [(i.file, i.message) for i in issues] == [
        ("annotations/passes/p1/entities.json", "'sony' is used by no article")
    ]


def test_usage_of_articles_against_the_registry(root):
    """collect_usage over the articles feeds unused_registry_entries, as the runner does."""
    articles = [
        {"entities": [{"entity": "acme_corp"}], "claims": []},
        {"entities": [], "claims": [{"claimer": "author", "about": ["fbi"], "proposition": "p_a"}]},
    ]
    entities: set[str] = set()
    propositions: set[str] = set()
    for data in articles:
        collect_usage(data, entities, propositions, set())
    issues = unused_registry_entries(gold(root), REGISTRY, entities, propositions, set(), root)
    assert [(i.file.rsplit("/", 1)[1], i.message.split()[0]) for i in issues] == [
        ("entities.json", "'sony'"),
        ("propositions.json", "'p_b'"),
        ("propositions.json", "'p_c'"),
    ]


# --- a registry that cannot be read is reported once, not once per key that an article names -----------------


def _break(path: Path, how: str) -> None:
    if how == "missing":
        path.unlink()
    elif how == "a FIFO":
        path.unlink()
        os.mkfifo(path)
    elif how == "not an object":
        path.write_text("[]\n", encoding="utf-8")
    elif how == "no list":
        path.write_text(json.dumps({path.stem: 5}) + "\n", encoding="utf-8")
    else:
        path.write_text("[" * 100 + "]" * 100 + "\n", encoding="utf-8")


@pytest.mark.parametrize("table", ["entities", "propositions", "events"])
@pytest.mark.parametrize("how", ["missing", "a FIFO", "not an object", "no list", "too deep"])
def test_an_unreadable_registry_is_one_error_where_it_is_not_one_per_key(mini: Path, table: str, how: str) -> None:
    """Every key an article named was reported 'not in the registry; add it' before: 57 errors for one file."""
    _break(mini / "annotations" / f"{table}.json", how)
    run = cli("validate", "--format", "json", cwd=mini)
    found = json.loads(run.stdout)["issues"]
    assert run.returncode == 1 and found, run.output
    assert {i["file"] for i in found} == {f"annotations/{table}.json"}, found


def test_a_run_checked_with_an_unreadable_registry_is_not_reused_once_it_is_readable(mini: Path) -> None:
    """The build's cache keys a run by the registry entries it read: an unknown key of a readable table and a key
    of an unreadable one must not look alike, or the unknown key would go unreported after the file is fixed."""
    events = mini / "annotations" / "events.json"
    original = json.loads(events.read_text(encoding="utf-8"))
    events.write_text("[]\n", encoding="utf-8")
    assert cli("build", cwd=mini).returncode == 1
    original["events"] = []  # the file fixed, but without the keys the article names (absent in both builds)
    events.write_text(json.dumps(original, indent=2) + "\n", encoding="utf-8")
    run = cli("build", cwd=mini)
    assert run.returncode == 1 and "unknown-event" in run.output, run.output
