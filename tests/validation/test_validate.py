"""The validator on the real repository and on broken copies of it, through the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ARTICLE_IDS, run_cli

pytestmark = pytest.mark.corpus

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+|#[^:]*): (?P<code>[a-z0-9-]+): (?P<message>.*)$")


def issues(output: str) -> list[dict]:
    return [m.groupdict() for m in map(LINE.match, output.splitlines()) if m]


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_repository_is_valid():
    run = run_cli("validate")
    assert run.returncode == 0, run.output
    assert re.search(r"\d+ files checked, 0 errors", run.output)


def test_located_errors_in_every_broken_file_in_one_run(repo: Path):
    first, second = (repo / "annotations" / f"{i}.json" for i in ARTICLE_IDS[:2])
    text = (repo / "annotations" / f"{ARTICLE_IDS[0]}.txt").read_text(encoding="utf-8")
    data = load(first)
    data["segments"][0]["end"] = len(text) + 5
    data["entities"].append({"id": "zz1", "start": 0, "end": 4, "text": "Sonx", "label": "ORG", "entity": None})
    dump(first, data)
    other = load(second)
    other["metadata"]["split"] = "dev"
    dump(second, other)

    run = run_cli("validate", cwd=repo)
    assert run.returncode == 1
    found = issues(run.stdout)
    codes = {(i["file"], i["code"]) for i in found}
    assert (f"annotations/{ARTICLE_IDS[0]}.json", "span-out-of-range") in codes
    assert (f"annotations/{ARTICLE_IDS[0]}.json", "span-text-mismatch") in codes
    assert (f"annotations/{ARTICLE_IDS[1]}.json", "schema-enum") in codes
    mismatch = next(i for i in found if i["code"] == "span-text-mismatch")
    assert "'Sonx'" in mismatch["message"] and repr(text[0:4]) in mismatch["message"]
    assert int(mismatch["line"]) == line_of(first, '"Sonx"')
    enum = next(i for i in found if i["code"] == "schema-enum")
    assert int(enum["line"]) == line_of(second, '"split": "dev"')
    # sorted by file, then line
    keys = [(i["file"], int(i["line"]) if i["line"].isdigit() else 0) for i in found]
    assert keys == sorted(keys)


def test_duplicate_key_and_syntax_error_have_lines(repo: Path):
    first, second = (repo / "annotations" / f"{i}.json" for i in ARTICLE_IDS[:2])
    raw = first.read_text(encoding="utf-8").replace('"language": "en",', '"language": "en",\n    "language": "fr",', 1)
    first.write_text(raw, encoding="utf-8")
    lines = second.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].rstrip(",")  # drop the comma after text_sha256: an error on the next line
    second.write_text("\n".join(lines) + "\n", encoding="utf-8")

    run = run_cli("validate", cwd=repo)
    assert run.returncode == 1
    found = {i["code"]: i for i in issues(run.stdout)}
    assert int(found["json-duplicate-key"]["line"]) == line_of(first, '"language": "fr"')
    assert found["json-syntax"]["line"] == "4"
    assert "line 4, column" in found["json-syntax"]["message"]


def test_text_problems_are_named(repo: Path):
    text_path = repo / "annotations" / f"{ARTICLE_IDS[1]}.txt"
    text_path.write_bytes(text_path.read_bytes().replace(b"\n", b"\r\n"))
    bad = repo / "annotations" / f"{ARTICLE_IDS[0]}.txt"
    raw = bad.read_bytes()
    bad.write_bytes(raw[:100] + b"\xff" + raw[100:])

    run = run_cli("validate", cwd=repo)
    assert run.returncode == 1
    found = {i["code"]: i for i in issues(run.stdout)}
    assert "CRLF" in found["text-hash-mismatch"]["message"]
    assert "byte offset 100" in found["text-not-utf8"]["message"]


def test_missing_pairs_and_json_format(repo: Path):
    (repo / "annotations" / f"{ARTICLE_IDS[0]}.txt").rename(repo / "annotations" / "orphan.txt")
    run = run_cli("validate", "--format", "json", cwd=repo)
    assert run.returncode == 1
    report = json.loads(run.stdout)
    codes = {(i["file"], i["code"]) for i in report["issues"]}
    assert ("annotations/orphan.txt", "missing-annotation") in codes
    assert (f"annotations/{ARTICLE_IDS[0]}.json", "missing-text") in codes
    assert report["errors"] == len([i for i in report["issues"] if i["severity"] == "error"])


def test_usage_errors_exit_2(repo: Path):
    assert run_cli("validate", "--format", "xml", cwd=repo).returncode == 2
    assert run_cli("validate", "no/such/file.json", cwd=repo).returncode == 2
    assert run_cli("--root", "no-such-folder", "validate", cwd=repo).returncode == 2
    assert run_cli(cwd=repo).returncode == 2


def test_validation_only_reads(repo: Path):
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    data = load(repo / "annotations" / f"{ARTICLE_IDS[0]}.json")
    data["id"] = "something-else"
    dump(repo / "annotations" / f"{ARTICLE_IDS[0]}.json", data)
    before[repo / "annotations" / f"{ARTICLE_IDS[0]}.json"] = (
        repo / "annotations" / f"{ARTICLE_IDS[0]}.json"
    ).read_bytes()
    run = run_cli("validate", cwd=repo)
    assert "id-mismatch" in run.stdout
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert after == before


def test_a_span_after_a_non_object_is_located_at_its_own_index(repo: Path):
    """The schema rejects the stray value; the span checks still point at the right element."""
    first = repo / "annotations" / f"{ARTICLE_IDS[0]}.json"
    data = load(first)
    mention = data["entities"][0]
    data["entities"][0] = "stray"
    data["entities"].append({**mention, "id": "zz1", "text": mention["text"] + "x"})
    dump(first, data)

    run = run_cli("validate", "--format", "json", cwd=repo)
    assert run.returncode == 1
    found = json.loads(run.stdout)["issues"]
    mismatch = [i for i in found if i["code"] == "span-text-mismatch"]
    assert [i["pointer"] for i in mismatch] == [f"/entities/{len(data['entities']) - 1}/text"]
    assert any(i["code"] == "schema-type" and i["pointer"] == "/entities/0" for i in found)


def test_files_are_read_whole_up_to_their_cap_and_refused_past_it(tmp_path: Path):
    from cyberclaims.core.files import read_capped

    limit = 1000
    for size, verdict in (
        (1, None),
        (limit, None),
        (limit + 1, "file-too-large"),
        (5 * limit, "file-too-large"),
        (0, "file-empty"),
    ):
        path = tmp_path / f"f{size}"
        payload = bytes(range(256)) * (size // 256 + 1)
        path.write_bytes(payload[:size])
        data, found = read_capped(path, path.name, limit)
        assert [issue.code for issue in found] == ([verdict] if verdict else []), size
        assert data == (payload[:size] if verdict is None else None)
    (tmp_path / "folder").mkdir()
    data, found = read_capped(tmp_path / "folder", "folder", limit)
    assert data is None and [issue.code for issue in found] == ["file-unreadable"]


def test_an_article_whose_text_changed_still_counts_as_using_its_registry_entries(repo: Path):
    """Its span checks stop at the hash mismatch; the keys it names must still count, or every entity
    only it uses would be reported unused as well."""
    text = repo / "annotations" / f"{ARTICLE_IDS[0]}.txt"
    text.write_bytes(text.read_bytes() + b"\n")
    run = run_cli("validate", cwd=repo)
    assert run.returncode == 1 and "text-hash-mismatch" in [found["code"] for found in issues(run.stdout)]
    assert "registry-unused-entry" not in run.stdout
