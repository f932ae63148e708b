"""`cyberclaims lint`: each code on a small repository built here, against hand-placed faults; the CLI."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, run_cli
from cyberclaims.core.codes import CODES, LINT_CODES, Severity
from cyberclaims.core.errors import CyberClaimsError
from cyberclaims.review.lint import lint, similar_pairs


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the valid minimal repository (one article, no lint finding)."""
    shutil.copytree(MINIMAL, tmp_path / "repo")
    return tmp_path / "repo"


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def add_article(root: Path, article_id: str, lines: list[tuple[str, str]], mentions=(), claims=()) -> None:
    """Write an article of one segment per line ((kind, text)); mentions (string, nth, label, entity) and
    claims (string, nth, fields) are found in the text by their nth occurrence."""
    text = "\n".join(t for _, t in lines)
    segments, at = [], 0
    for kind, line in lines:
        segments.append({"start": at, "end": at + len(line), "kind": kind})
        at += len(line) + 1

    def where(string: str, nth: int) -> int:
        start = -1
        for _ in range(nth + 1):
            start = text.index(string, start + 1)
        return start

    doc = {
        "id": article_id,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "metadata": {
            "title": None,
            "source": {"name": "Example", "url": None, "origin": "other.txt"},
            "published": "2024",
            "language": "en",
            "license": "LicenseRef-third-party-copyright",
            "topic": "acme-breach-2024",
            "split": "train",
        },
        "segments": segments,
        "entities": [
            {
                "id": f"m{i + 1}",
                "start": where(s, n),
                "end": where(s, n) + len(s),
                "text": s,
                "label": label,
                "entity": entity,
            }
            for i, (s, n, label, entity) in enumerate(mentions)
        ],
        "claims": [
            {
                "id": f"c{i + 1}",
                "start": where(s, n),
                "end": where(s, n) + len(s),
                "text": s,
                "claimer": "author",
                "attribution": "asserted",
                "certainty": "certain",
                "normalized": s + ".",
                "about": [],
                "proposition": "acme_records_stolen",
                "event": "acme_records_stolen",
                **fields,
            }
            for i, (s, n, fields) in enumerate(claims)
        ],
        "annotators": ["test"],
        "notes": None,
        # the gold records how each layer was made: as the minimal article does
        "provenance": json.loads((MINIMAL / "annotations" / "acme-breach.json").read_text())["provenance"],
    }
    (root / "annotations" / f"{article_id}.txt").write_text(text, encoding="utf-8")
    (root / "annotations" / f"{article_id}.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def text_of(root: Path, article_id: str) -> str:
    return (root / "annotations" / f"{article_id}.txt").read_text(encoding="utf-8")


def found(root: Path) -> list[tuple[str, int | None, str, str]]:
    return [(i.file, i.line, i.pointer, i.code) for i in lint(root).sorted_issues()]


def test_lint_codes_are_documented_warnings():
    assert set(CODES) >= LINT_CODES
    assert all(CODES[c].severity is Severity.WARNING and CODES[c].description for c in LINT_CODES)


def test_the_minimal_repository_is_clean(root):
    assert found(root) == []


def test_mention_unlabelled_elsewhere_is_case_sensitive_token_aware_and_skips_boilerplate(root):
    add_article(
        root,
        "other",
        [
            ("body", "ACME CORP denied it. Acme Corporation staff and Acme Corp’s lawyers met."),
            ("boilerplate", "Share Acme Corp news"),
        ],
    )
    # "ACME CORP": other case; "Acme Corporation": not on a token boundary; the boilerplate one: skipped
    assert found(root) == [("annotations/other.txt", 1, "", "mention-unlabelled-elsewhere")]
    issue = lint(root).issues[0]
    assert text_of(root, "other")[48:57] == "Acme Corp"
    assert issue.column == 49 and "'Acme Corp' at offset 48" in issue.message and "ORG" in issue.message


def test_mention_unlabelled_elsewhere_in_the_same_article(root):
    _edit(root / "annotations" / "acme-breach.json", lambda d: d["entities"].pop(1))  # body "Acme Corp"
    assert found(root) == [("annotations/acme-breach.txt", 3, "", "mention-unlabelled-elsewhere")]


def test_a_mention_inside_a_longer_one_is_not_unlabelled(root):
    add_article(root, "other", [("body", "Acme Corp Labs was hit.")], [("Acme Corp Labs", 0, "ORG", "acme_corp")])
    assert found(root) == []


def test_mention_label_varies_reports_the_minority(root):
    _edit(
        root / "annotations" / "entities.json",
        lambda d: d["entities"].append(
            {"key": "acme_corp_suite", "name": "Acme Corp", "type": "PRODUCT", "aliases": [], "description": "software"}
        ),
    )
    add_article(root, "other", [("body", "Acme Corp shipped.")], [("Acme Corp", 0, "PRODUCT", "acme_corp_suite")])
    assert [(f, p, c) for f, _, p, c in found(root)] == [
        ("annotations/other.json", "/entities/0/label", "mention-label-varies")
    ]
    assert "ORG 2x, PRODUCT 1x" in lint(root).issues[0].message


def test_mention_link_varies_reports_both_sides_of_a_tie(root):
    _edit(
        root / "annotations" / "entities.json",
        lambda d: d["entities"].append(
            {"key": "reuters_agency", "name": "Reuters", "type": "ORG", "aliases": [], "description": "news agency"}
        ),
    )
    add_article(root, "other", [("body", "Reuters reported it.")], [("Reuters", 0, "ORG", "reuters_agency")])
    places = [(f, p, c) for f, _, p, c in found(root)]
    assert places == [
        ("annotations/acme-breach.json", "/entities/5/entity", "mention-link-varies"),
        ("annotations/other.json", "/entities/0/entity", "mention-link-varies"),
    ]


def test_claim_hedged_but_certain(root):
    add_article(
        root,
        "other",
        [("body", "Hackers may have stolen data. Mayhem could follow. Leaks likely grew.")],
        claims=[
            ("Hackers may have stolen data", 0, {}),
            ("Mayhem could follow", 0, {"certainty": "possible"}),  # hedged and not certain
            ("Leaks likely grew", 0, {"certainty": "probable"}),
        ],
    )
    issues = lint(root).sorted_issues()
    assert [(i.file, i.pointer, i.code) for i in issues] == [
        ("annotations/other.json", "/claims/0/certainty", "claim-hedged-but-certain")
    ]
    assert "'may'" in issues[0].message and issues[0].line is not None


def test_a_claimer_that_contradicts_the_attribution_is_validation_s_finding(root):
    """One definition of the rule: validate refuses it (attribution-contradicts-claimer), so lint refuses to run."""

    def change(d):
        d["claims"][0]["attribution"] = "asserted"  # claimer acme_corp

    _edit(root / "annotations" / "acme-breach.json", change)
    with pytest.raises(CyberClaimsError, match="do not validate"):
        lint(root)


def test_proposition_near_duplicate_at_the_threshold(root):
    _edit(
        root / "annotations" / "propositions.json",
        lambda d: d["propositions"].extend(
            [
                {
                    "key": "records_stolen_2024",
                    "statement": "Hackers stole 2 million records from Acme Corp in 2024.",
                },  # 8/10
                {"key": "records_taken", "statement": "Hackers took 2 million records from Acme Corp."},
            ]
        ),
    )  # 7/9 < 0.8
    issues = [i for i in lint(root).sorted_issues()]
    assert [(i.file, i.pointer, i.code) for i in issues] == [
        ("annotations/propositions.json", "/propositions/2/statement", "proposition-near-duplicate")
    ]
    assert "records_stolen_2024" in issues[0].message and "acme_records_stolen" in issues[0].message
    assert "0.80" in issues[0].message


def test_similar_pairs_equals_brute_force():
    rng = random.Random(7)
    words = [f"w{i}" for i in range(12)]
    sets = [set(rng.sample(words, rng.randint(0, 8))) for _ in range(120)]
    for threshold in (0.5, 0.8, 1.0):
        brute = {
            (i, j)
            for i, j in itertools.combinations(range(len(sets)), 2)
            if (len(sets[i] & sets[j]) / len(sets[i] | sets[j]) if sets[i] | sets[j] else 1.0) >= threshold
            and (sets[i] or sets[j])
        }
        assert {(i, j) for i, j, _ in similar_pairs(sets, threshold)} == brute


def test_cli_formats_and_exit_statuses(root):
    _edit(root / "annotations" / "acme-breach.json", lambda d: d["entities"].pop(1))
    run = run_cli("--root", root, "lint", cwd=root)
    assert run.returncode == 0, run.output
    assert run.stdout.startswith("annotations/acme-breach.txt:3: mention-unlabelled-elsewhere: ")
    assert run_cli("--root", root, "lint", "--strict", cwd=root).returncode == 1
    report = json.loads(run_cli("--root", root, "lint", "--format", "json", cwd=root).stdout)
    assert [i["code"] for i in report["issues"]] == ["mention-unlabelled-elsewhere"]
    github = run_cli("--root", root, "lint", "--format", "github", cwd=root).stdout
    assert "::warning file=annotations/acme-breach.txt,line=3,col=1,title=mention-unlabelled-elsewhere::" in github


def test_cli_refuses_a_corpus_that_does_not_validate(root):
    _edit(root / "annotations" / "acme-breach.json", lambda d: d["entities"][0].update(text="Acme Inc"))
    run = run_cli("--root", root, "lint", cwd=root)
    assert run.returncode == 1 and "span-text-mismatch" in run.output and "lint needs a valid corpus" in run.output
