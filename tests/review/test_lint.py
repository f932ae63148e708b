"""`cyberclaims lint`: each code on a small repository built here, against hand-placed faults; the CLI."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

from conftest import MINIMAL, provenance, run_cli
from cyberclaims.core.codes import CODES, LINT_CODES, Severity
from cyberclaims.core.errors import CyberClaimsError
from cyberclaims.review.lint import lint, similar_pairs

# Made-up guidelines with the four tables lint reads (GUIDELINES.md 2.11): the tests depend on these cues, not
# on the repository's guidelines, whose tables may grow.
GUIDELINES = """# Guidelines (made up for the lint tests)

<!-- table: certainty-cues -->
| level | cues | made-up example |
|---|---|---|
| certain | "confirmed", "said" | "It confirmed the outage." |
| probable | "likely", "believed to", "believed", "reportedly", "traced", "traced to", "points to" | "Leaks likely grew." |
| possible | "may", "may have", "could", "possibly", "potential" | "It may have leaked." |

<!-- table: evaluative-cues -->
| group | cues | made-up example |
|---|---|---|
| judgements | "shameful", "odd", "terrible" | "It was odd." |
| phrases | "what a", "worthy of" | "What a day." |
| intensifiers | "very", "deeply", "massive" | "A massive flood." |

<!-- table: evidence-cues -->
| group | cues | made-up example |
|---|---|---|
| indication | "points to", "suggest", "indicated" | "The logs indicated so." |
| tracing | "traced", "traced to" | "It was traced to Valdora." |
| nouns | "hallmarks" | "The hallmarks of a crew." |

<!-- table: context-words -->
| group | cues | made-up example |
|---|---|---|
| additive | "also", "other", "as well", "still" | "It also leaked." |
| comparison | "the same", "such", "the former" | "The same wiper." |
| demonstratives | "this", "that", "these" | "These files." |
| time | "then", "earlier", "later" | "Then it leaked." |
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the valid minimal repository (one article, no lint finding), with made-up guidelines."""
    shutil.copytree(MINIMAL, tmp_path / "repo")
    (tmp_path / "repo" / "annotations" / "GUIDELINES.md").write_text(GUIDELINES, encoding="utf-8")
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
        "provenance": provenance(),
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


def claim_findings(root: Path) -> list[tuple[str, str]]:
    """(pointer, code) of the findings in the article ``other``."""
    return [(i.pointer, i.code) for i in lint(root).sorted_issues() if i.file == "annotations/other.json"]


def test_claim_hedged_but_certain_reads_the_certainty_table(root):
    add_article(
        root,
        "other",
        [("body", "Hackers may have stolen data. Mayhem could follow. Leaks likely grew. It possibly likely ended.")],
        claims=[
            ("Hackers may have stolen data", 0, {}),  # a possible cue, certain: flagged
            ("Mayhem could follow", 0, {"certainty": "possible"}),  # hedged and not certain ("Mayhem" is no "may")
            ("Leaks likely grew", 0, {"certainty": "probable"}),
            ("It possibly likely ended", 0, {"certainty": "probable"}),  # a possible cue, probable: flagged
        ],
    )
    issues = [i for i in lint(root).sorted_issues() if i.file == "annotations/other.json"]
    assert [(i.pointer, i.code) for i in issues] == [
        ("/claims/0/certainty", "claim-hedged-but-certain"),
        ("/claims/3/certainty", "claim-hedged-but-certain"),
    ]
    assert "'may have' (possible)" in issues[0].message and issues[0].line is not None
    assert "'possibly' (possible)" in issues[1].message and "'likely'" not in issues[1].message

    # the cues are the table's: a cue taken out of it no longer counts, a cue put in does
    guidelines = root / "annotations" / "GUIDELINES.md"
    guidelines.write_text(GUIDELINES.replace('"may", "may have", ', '"follow", '), encoding="utf-8")
    assert claim_findings(root) == [("/claims/3/certainty", "claim-hedged-but-certain")]


def test_an_evidence_cue_makes_a_conclusion_probable(root):
    add_article(
        root,
        "other",
        [("body", "The loader bears the hallmarks of a Quillworm build.")],
        claims=[
            (
                "The loader bears the hallmarks of a Quillworm build",
                0,
                {"normalized": "The loader is a Quillworm build."},  # the conclusion, stated certain
            )
        ],
    )
    assert claim_findings(root) == [("/claims/0/certainty", "claim-hedged-but-certain")]


def test_claim_contains_claim_a_coordinated_neighbour_swallowed(root):
    sentence = "Ashen Tide encrypted the depot servers and emailed a ransom note, wiped the backups."
    add_article(
        root,
        "other",
        [("body", sentence)],
        claims=[
            ("Ashen Tide encrypted the depot servers and emailed a ransom note, wiped the backups", 0, {}),
            ("Ashen Tide encrypted the depot servers", 0, {}),  # joined by "and" to the next conjunct
            ("wiped the backups", 0, {}),  # joined by a comma to the conjunct before it
        ],
    )
    issues = [i for i in lint(root).sorted_issues() if i.file == "annotations/other.json"]
    assert [(i.pointer, i.code) for i in issues] == [("/claims/0", "claim-contains-claim")] * 2
    assert {"contains claim c2" in i.message and "'and'" in i.message for i in issues} == {True, False}
    assert any("contains claim c3" in i.message and "joined by ','" in i.message for i in issues)


@pytest.mark.parametrize(
    "sentence, claims",
    [
        # a noun-phrase claim inside its clause: the comma closes the appositive (8.5.4, containment allowed)
        ("Harlow Mutual, Kestrel's insurer, paid the ransom.", ["Harlow Mutual, Kestrel's insurer"]),
        ("Harlow Mutual, Kestrel's insurer, paid the ransom.", ["Kestrel's insurer"]),  # ", B,"
        # coordinated subjects of one predicate, each a claim: the outer claim states what neither does
        ("The stolen keys and the leaked manual explain the outage.", ["The stolen keys", "the leaked manual"]),
        # a relation between two claims, with no coordinator
        (
            "Ashen Tide posted the payroll files because Kestrel refused to pay.",
            ["Ashen Tide posted the payroll files", "Kestrel refused to pay"],
        ),
        # two claims sharing one span
        ("The wallet was emptied.", ["The wallet was emptied"]),
    ],
)
def test_claim_contains_claim_allows_what_8_5_4_allows(root, sentence, claims):
    outer = sentence.rstrip(".")
    add_article(root, "other", [("body", sentence)], claims=[(outer, 0, {})] + [(c, 0, {}) for c in claims])
    assert claim_findings(root) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Kestrel's handling of the outage was shameful.",
        "The whole episode was deeply odd.",
        "Ransomware crews are a terrible bunch.",
        "What a week it has been for Kestrel's engineers.",
        "Kestrel's recovery plan is worthy of praise.",
    ],
)
def test_claim_not_checkable_an_evaluation_and_nothing_left(root, sentence):
    add_article(root, "other", [("body", sentence)], claims=[(sentence.rstrip("."), 0, {})])
    issues = [i for i in lint(root).sorted_issues() if i.file == "annotations/other.json"]
    assert [(i.pointer, i.code) for i in issues] == [("/claims/0", "claim-not-checkable")]
    assert "8.2.1" in issues[0].message


@pytest.mark.parametrize(
    "sentence, mentions",
    [
        ("A massive flood of traffic knocked the Ledger's site offline.", []),  # the cue is no predicate
        ("Lindqvist was furious about the leak.", []),  # a participant's feeling: no cue
        ("The outage on Monday was shameful.", [("Monday", 0, "DATE", None)]),  # a date is left
        ("The outage was very long: 9 days.", []),  # a figure is left
        (
            "Acme Corp's handling of the FBI inquiry was shameful.",  # a relation between two entities is left
            [("Acme Corp", 0, "ORG", "acme_corp"), ("FBI", 0, "ORG", "federal_bureau_of_investigation")],
        ),
    ],
)
def test_claim_not_checkable_something_checkable_is_left(root, sentence, mentions):
    add_article(root, "other", [("body", sentence)], mentions, claims=[(sentence.rstrip("."), 0, {})])
    assert claim_findings(root) == []


def test_evidence_conclusion_missing(root):
    add_article(
        root,
        "other",
        [("body", "The ransom wallet was traced to an exchange in Valdora. The files point to Valdora.")],
        claims=[
            (
                "The ransom wallet was traced to an exchange in Valdora",
                0,
                {"normalized": "The ransom wallet was traced to an exchange in Valdora."},
            ),
            (
                "The ransom wallet was traced to an exchange in Valdora",
                0,  # the conclusion, but of another claimer: it does not count
                {
                    "normalized": "The ransom wallet probably belongs to an exchange in Valdora.",
                    "certainty": "probable",
                    "claimer": "acme_corp",
                    "attribution": "reported",
                },
            ),
        ],
    )
    issues = [i for i in lint(root).sorted_issues() if i.file == "annotations/other.json"]
    # one finding per fault: the evidence claim is rightly certain, so the hedge check is silent on it
    assert [(i.pointer, i.code) for i in issues] == [("/claims/0", "evidence-conclusion-missing")]
    assert "'traced to'" in issues[0].message and "10.2.5" in issues[0].message


def test_evidence_with_its_conclusion_as_10_2_5_allows(root):
    add_article(
        root,
        "other",
        [
            ("body", "The ransom wallet was traced to an exchange in Valdora."),
            ("body", "The crew works from Valdora, as build paths in its loader suggest."),
            ("body", "The compile times match office hours in Valdora, which points to a Valdoran crew."),
        ],
        claims=[
            # a trace: the evidence (certain) and its conclusion (probable) share the span
            (
                "The ransom wallet was traced to an exchange in Valdora",
                0,
                {"normalized": "The ransom wallet was traced to an exchange in Valdora."},
            ),
            (
                "The ransom wallet was traced to an exchange in Valdora",
                0,
                {
                    "normalized": "The ransom wallet probably belongs to an exchange in Valdora.",
                    "certainty": "probable",
                },
            ),
            # a flat statement in the sentence serves as the conclusion of a cue that ends its span
            ("The crew works from Valdora", 0, {"normalized": "The crew works from Valdora."}),
            (
                "as build paths in its loader suggest",
                0,
                {"normalized": "Build paths in the crew's loader suggest that the crew works from Valdora."},
            ),
            # the claim with the cue is the conclusion itself
            ("The compile times match office hours in Valdora", 0, {}),
            (
                "which points to a Valdoran crew",
                0,
                {"normalized": "A Valdoran crew probably built the loader.", "certainty": "probable"},
            ),
        ],
    )
    assert claim_findings(root) == []


@pytest.mark.parametrize(
    "normalized, flagged",
    [
        ("Ashen Tide also stole the board minutes.", ["also"]),
        ("These files went online on Sunday.", ["these"]),
        ("The depots reopened after that week.", ["that"]),  # a demonstrative after a preposition
        ("The gang then used the same wiper again.", ["then", "the same"]),
        ("Files still went online, as well.", ["still", "as well"]),
        ("Kestrel said that the loader that encrypted the servers was NightLatch.", []),  # conjunction, relative
        ("Tools such as NightLatch and files other than the payroll were found.", []),
        ("Ashen Tide used the same wiper as in the Kestrel attack.", []),
        ("Kestrel was breached earlier this month and this year.", []),  # relative to the publication date
        ("The former chief executive left; the film Still Harbour leaked as well as the payroll.", []),
    ],
)
def test_normalized_context_word(root, normalized, flagged):
    add_article(
        root, "other", [("body", "The gang did it.")], claims=[("The gang did it", 0, {"normalized": normalized})]
    )
    issues = [i for i in lint(root).sorted_issues() if i.file == "annotations/other.json"]
    assert [(i.pointer, i.code) for i in issues] == [("/claims/0/normalized", "normalized-context-word")] * bool(
        flagged
    )
    if flagged:
        assert f"holds {', '.join(map(repr, flagged))}," in issues[0].message


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


@pytest.mark.parametrize(
    "sentence, fields, removed, code",
    [
        ("The whole episode was odd.", {}, '"odd", ', "claim-not-checkable"),
        (
            "The ransom wallet was traced to an exchange in Valdora.",
            {"normalized": "The ransom wallet was traced to an exchange in Valdora.", "certainty": "probable"},
            '"traced", "traced to"',  # from both tables that list them (the row keeps a made-up cue)
            "evidence-conclusion-missing",
        ),
        (
            "The gang posted the files.",
            {"normalized": "Ashen Tide also posted the files."},
            '"also", ',
            "normalized-context-word",
        ),
    ],
)
def test_each_claim_check_reads_its_cues_from_the_guidelines(root, sentence, fields, removed, code):
    add_article(root, "other", [("body", sentence)], claims=[(sentence.rstrip("."), 0, fields)])
    assert [c for _, c in claim_findings(root)] == [code]
    kept = '"unused cue"' if not removed.endswith(", ") else ""
    (root / "annotations" / "GUIDELINES.md").write_text(GUIDELINES.replace(removed, kept), encoding="utf-8")
    assert claim_findings(root) == []
