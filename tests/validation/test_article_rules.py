"""Each article rule on its own, called directly on a tiny in-memory article; then how check_article runs them.

Every rule has failing cases (the exact codes at the exact JSON pointers, in order) and valid cases
(nothing reported). The failing cases of a rule together report every code its ``Rule.codes`` lists,
and nothing outside it (checked at the end of the module).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from cyberclaims.core.codes import CODES
from cyberclaims.core.jsondoc import JsonDocument
from cyberclaims.core.model import Article, Registry
from cyberclaims.validation.article_rules import (
    ARTICLE_RULES,
    REGISTRY_CODES,
    ArticleFacts,
    article_is_labelled,
    attribution_fits_claimer,
    check_article,
    claims_link_registry,
    dates_exist,
    id_matches_file_name,
    local_ids_unique,
    mentions_do_not_overlap,
    mentions_fit_tokens_and_sentences,
    mentions_link_registry,
    no_labels_in_boilerplate,
    segments_cover_text,
    spans_lie_in_text,
    strings_not_blank,
    text_matches_pin,
)

# ---------------------------------------------------------------------------------------------
# Fixtures: a text and an annotation dict make an Article; a two-entity, one-proposition registry

ARTICLE_ID = "acme-breach"
DISPLAY = f"annotations/{ARTICLE_ID}.json"

# One body line (offsets: "Acme Corp" 0-9, "Monday" 18-24, "records." 44-52, "FBI" 57-60).
BODY = "Acme Corp said on Monday that hackers stole records. The FBI is investigating."
# Title, blank line, body, page furniture: three segments separated by line breaks.
PAGE = f"Acme Corp hacked\n\n{BODY}\nShare this article"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def trimmed(text: str) -> tuple[int, int]:
    return len(text) - len(text.lstrip()), len(text.rstrip())


def make_article(text: str, annotation: dict[str, Any] | None = None, *, file_id: str = ARTICLE_ID) -> Article:
    """An article as the validator holds it once parsed: ``annotation`` overrides a valid default document.

    The default pins the text's sha256 and has one body segment over the text, no mentions, no claims.
    The document keeps its JSON text, so issues carry line numbers as for a file.
    """
    start, end = trimmed(text)
    data: dict[str, Any] = {
        "id": ARTICLE_ID,
        "text_sha256": sha256(text),
        "segments": [{"start": start, "end": end, "kind": "body"}] if start < end else [],
        "entities": [],
        "claims": [],
    }
    data.update(annotation or {})
    json_text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return Article(file_id, text, text.encode("utf-8"), JsonDocument(DISPLAY, json_text, data), DISPLAY)


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mention(
    source: str,
    needle: str,
    label: str = "ORG",
    entity: str | None = None,
    id: str = "m1",
    nth: int = 0,
    **override: Any,
) -> dict[str, Any]:
    """A mention of the ``nth`` occurrence of ``needle`` in ``source``; ``override`` replaces any field."""
    start, end = find(source, needle, nth)
    return {
        "id": id,
        "start": start,
        "end": end,
        "text": source[start:end],
        "label": label,
        "entity": entity,
        **override,
    }


def claim(
    source: str,
    needle: str,
    id: str = "c1",
    claimer: str = "author",
    about: Any = None,
    proposition: str | None = "acme_records_stolen",
    event: str | None = "acme_records_stolen",
    **override: Any,
) -> dict[str, Any]:
    """A claim over the first occurrence of ``needle`` in ``source``; ``override`` replaces any field."""
    start, end = find(source, needle)
    return {
        "id": id,
        "start": start,
        "end": end,
        "text": source[start:end],
        "claimer": claimer,
        "attribution": "asserted",
        "certainty": "certain",
        "normalized": source[start:end],
        "about": ["acme_corp"] if about is None else about,
        "proposition": proposition,
        "event": event,
        **override,
    }


def segment(source: str, needle: str, kind: str = "body") -> dict[str, Any]:
    start, end = find(source, needle)
    return {"start": start, "end": end, "kind": kind}


PAGE_SEGMENTS = [
    segment(PAGE, "Acme Corp hacked", "title"),
    segment(PAGE, BODY),
    segment(PAGE, "Share this article", "boilerplate"),
]

REGISTRY = Registry(
    entities={
        "acme_corp": {
            "key": "acme_corp",
            "name": "Acme Corp",
            "type": "ORG",
            "aliases": [],
            "description": "a fictional company",
        },
        "federal_bureau_of_investigation": {
            "key": "federal_bureau_of_investigation",
            "name": "Federal Bureau of Investigation",
            "type": "ORG",
            "aliases": ["FBI"],
            "description": "US federal law enforcement",
        },
    },
    propositions={
        "acme_records_stolen": {"key": "acme_records_stolen", "statement": "Hackers stole records from Acme Corp."}
    },
    events={
        "acme_records_stolen": {"key": "acme_records_stolen", "description": "Hackers stole records from Acme Corp."}
    },
)


def found(
    rule: Callable[[ArticleFacts], list], article: Article, registry: Registry = REGISTRY
) -> list[tuple[str, str]]:
    return [(issue.code, issue.pointer) for issue in rule(ArticleFacts(article, registry.view()))]


class Case(NamedTuple):
    name: str
    build: Callable[[], Article]  # built when the test runs: a broken fixture fails one test, not collection
    expected: list[tuple[str, str]]  # (code, pointer) in the order the rule reports them
    registry: Registry = REGISTRY


# The failing cases of each rule, for the check that together they cover the rule's codes.
FAILING: dict[Callable, list[Case]] = {}
VALID: dict[Callable, list[Case]] = {}


def cases(rule: Callable, failing: list[Case], valid: list[Case]) -> tuple[list[Case], list[Case]]:
    assert all(case.expected for case in failing) and not any(case.expected for case in valid)
    FAILING[rule], VALID[rule] = failing, valid
    return failing, valid


def name(case: Case) -> str:
    return case.name


def check_case(rule: Callable, case: Case) -> None:
    article = case.build()
    assert found(rule, article, case.registry) == case.expected
    # Issues name the article's file and a line in it (the document keeps its JSON text), and say why.
    for issue in rule(ArticleFacts(article, case.registry.view())):
        assert issue.file == DISPLAY and issue.line is not None and issue.message


# ---------------------------------------------------------------------------------------------
# id_matches_file_name

ID_FAILING, ID_VALID = cases(
    id_matches_file_name,
    [
        Case("id-differs-from-file-name", lambda: make_article(BODY, {"id": "acme-leak"}), [("id-mismatch", "/id")]),
        Case("file-name-differs", lambda: make_article(BODY, file_id="acme-breach-2"), [("id-mismatch", "/id")]),
    ],
    [
        Case("same-id", lambda: make_article(BODY), []),
        # A malformed or missing id is the schema's finding, not a mismatch.
        Case("malformed-id", lambda: make_article(BODY, {"id": "Acme Breach"}), []),
        Case("id-not-a-string", lambda: make_article(BODY, {"id": 7}), []),
        Case("no-id", lambda: make_article(BODY, {"id": None}), []),
    ],
)


@pytest.mark.parametrize("case", ID_FAILING, ids=name)
def test_id_matches_file_name_reports(case):
    check_case(id_matches_file_name, case)


@pytest.mark.parametrize("case", ID_VALID, ids=name)
def test_id_matches_file_name_accepts(case):
    check_case(id_matches_file_name, case)


def test_id_mismatch_names_both_ids():
    [issue] = id_matches_file_name(ArticleFacts(make_article(BODY, {"id": "acme-leak"}), REGISTRY.view()))
    assert "'acme-leak'" in issue.message and f"'{ARTICLE_ID}'" in issue.message
    assert issue.line == 2  # "id" is the first key of the document


# ---------------------------------------------------------------------------------------------
# text_matches_pin

PIN_FAILING, PIN_VALID = cases(
    text_matches_pin,
    [
        Case(
            "text-changed",
            lambda: make_article(BODY, {"text_sha256": sha256(BODY + " More.")}),
            [("text-hash-mismatch", "/text_sha256")],
        ),
        Case(
            "crlf-added",
            lambda: make_article(BODY.replace(". ", ".\r\n"), {"text_sha256": sha256(BODY.replace(". ", ".\n"))}),
            [("text-hash-mismatch", "/text_sha256")],
        ),
    ],
    [
        Case("pin-matches", lambda: make_article(BODY), []),
        # A malformed pin is the schema's finding (schema-pattern), not a changed text.
        Case("pin-too-short", lambda: make_article(BODY, {"text_sha256": "abc123"}), []),
        Case("pin-upper-case", lambda: make_article(BODY, {"text_sha256": sha256(BODY + "x").upper()}), []),
        Case("pin-not-a-string", lambda: make_article(BODY, {"text_sha256": 12}), []),
        Case("no-pin", lambda: make_article(BODY, {"text_sha256": None}), []),
    ],
)


@pytest.mark.parametrize("case", PIN_FAILING, ids=name)
def test_text_matches_pin_reports(case):
    check_case(text_matches_pin, case)


@pytest.mark.parametrize("case", PIN_VALID, ids=name)
def test_text_matches_pin_accepts(case):
    check_case(text_matches_pin, case)


def test_text_hash_mismatch_hashes_the_bytes_and_names_crlf_endings():
    lf = "Acme Corp was hacked.\nThe FBI is investigating.\nShare this article"
    crlf = lf.replace("\n", "\r\n")
    [issue] = text_matches_pin(ArticleFacts(make_article(crlf, {"text_sha256": sha256(lf)}), REGISTRY.view()))
    assert sha256(crlf) in issue.message and sha256(lf) in issue.message
    assert "2 CRLF line endings" in issue.message
    [plain] = text_matches_pin(ArticleFacts(make_article(lf, {"text_sha256": sha256(crlf)}), REGISTRY.view()))
    assert "CRLF" not in plain.message
    # The rule hashes text_bytes, the file as read, not the decoded str.
    article = make_article(BODY)
    article.text_bytes = b"\xef\xbb\xbf" + article.text_bytes
    assert found(text_matches_pin, article) == [("text-hash-mismatch", "/text_sha256")]


# ---------------------------------------------------------------------------------------------
# spans_lie_in_text

SPAN_FAILING, SPAN_VALID = cases(
    spans_lie_in_text,
    [
        Case(
            "mention-reversed",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", start=9, end=0)]}),
            [("span-reversed", "/entities/0")],
        ),
        Case(
            "segment-empty",
            lambda: make_article(BODY, {"segments": [{"start": 5, "end": 5, "kind": "body"}]}),
            [("span-reversed", "/segments/0")],
        ),
        Case(
            "claim-past-the-end",
            lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", end=len(BODY) + 3)]}),
            [("span-out-of-range", "/claims/0")],
        ),
        Case(
            "segment-past-the-end",
            lambda: make_article(BODY, {"segments": [{"start": 0, "end": len(BODY) + 1, "kind": "body"}]}),
            [("span-out-of-range", "/segments/0")],
        ),
        Case(
            "mention-text-differs",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", text="Acme Crop")]}),
            [("span-text-mismatch", "/entities/0/text")],
        ),
        Case(
            "claim-text-differs",
            lambda: make_article(
                BODY, {"claims": [claim(BODY, "The FBI is investigating.", text="The FBI investigates.")]}
            ),
            [("span-text-mismatch", "/claims/0/text")],
        ),
        Case(
            "mention-trailing-space",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp ")]}),
            [("span-whitespace", "/entities/0")],
        ),
        Case(
            "segment-leading-space",
            lambda: make_article(" " + BODY, {"segments": [{"start": 0, "end": len(BODY) + 1, "kind": "body"}]}),
            [("span-whitespace", "/segments/0")],
        ),
        # Offsets that do not fit the stated text: only the mismatch, not also the whitespace it causes.
        Case(
            "text-differs-and-whitespace",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp ", text="Acme Corp")]}),
            [("span-text-mismatch", "/entities/0/text")],
        ),
        # Issue 15, class 9: invisible characters at an edge, an offset inside a character.
        Case(
            "mention-ends-with-zero-width-space",
            lambda: make_article(
                BODY.replace("Corp", "Corp\u200b"),
                {"entities": [mention(BODY.replace("Corp", "Corp\u200b"), "Acme Corp\u200b")]},
            ),
            [("span-invisible-edge", "/entities/0")],
        ),
        Case(
            "claim-starts-with-a-bidi-mark",
            lambda: make_article(
                BODY.replace("The", "\u200fThe"), {"claims": [claim(BODY.replace("The", "\u200fThe"), "\u200fThe FBI")]}
            ),
            [("span-invisible-edge", "/claims/0")],
        ),
        Case(
            "mention-ends-with-a-soft-hyphen-or-bom",
            lambda: make_article(
                BODY.replace("Monday", "Mon\u00adday\ufeff"),
                {
                    "entities": [
                        mention(BODY.replace("Monday", "Mon\u00adday\ufeff"), "Mon\u00adday\ufeff"),
                        mention(BODY.replace("Monday", "Mon\u00adday\ufeff"), "Mon\u00ad", id="m2"),
                    ]
                },
            ),
            [("span-invisible-edge", "/entities/0"), ("span-invisible-edge", "/entities/1")],
        ),
        Case(
            "mention-ends-before-a-combining-mark",
            lambda: make_article(
                BODY.replace("Monday", "Monday\u0301"),
                {"entities": [mention(BODY.replace("Monday", "Monday\u0301"), "Monday")]},
            ),
            [("span-splits-character", "/entities/0")],
        ),
        Case(
            "mention-ends-at-a-zero-width-joiner",
            lambda: make_article(
                BODY.replace("FBI", "FBI\u200d\U0001f46e"),
                {"entities": [mention(BODY.replace("FBI", "FBI\u200d\U0001f46e"), "FBI")]},
            ),
            [("span-splits-character", "/entities/0")],
        ),
        Case(
            "group-order",
            lambda: make_article(
                BODY,
                {
                    "claims": [claim(BODY, "The FBI", end=len(BODY) + 3)],
                    "entities": [mention(BODY, "Monday", id="m1"), mention(BODY, "FBI", id="m2", start=60, end=57)],
                    "segments": [
                        {"start": 0, "end": 9, "kind": "body"},
                        {"start": 9, "end": len(BODY), "kind": "body"},
                    ],
                },
            ),
            [("span-whitespace", "/segments/1"), ("span-reversed", "/entities/1"), ("span-out-of-range", "/claims/0")],
        ),
    ],
    [
        Case(
            "all-spans-fit",
            lambda: make_article(
                PAGE,
                {
                    "segments": PAGE_SEGMENTS,
                    "entities": [
                        mention(PAGE, "Acme Corp", nth=1),
                        mention(PAGE, "FBI", entity="federal_bureau_of_investigation", id="m2"),
                    ],
                    "claims": [claim(PAGE, "hackers stole records.")],
                },
            ),
            [],
        ),
        # Offsets of the wrong type or sign are the schema's finding (True is an int to Python, not to JSON).
        Case(
            "offsets-not-integers",
            lambda: make_article(
                BODY,
                {
                    "entities": [
                        mention(BODY, "Acme Corp", start=True, end=9),
                        mention(BODY, "Acme Corp", id="m2", start="0"),
                        mention(BODY, "Acme Corp", id="m3", start=None),
                        mention(BODY, "Acme Corp", id="m4", start=-1, end=-5),
                        mention(BODY, "Acme Corp", id="m5", end=9.0),
                    ]
                },
            ),
            [],
        ),
        # A missing text is the schema's finding; the offsets are still checked, and are fine.
        Case(
            "mention-without-text",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", text=None)]}),
            [],
        ),
    ],
)


@pytest.mark.parametrize("case", SPAN_FAILING, ids=name)
def test_spans_lie_in_text_reports(case):
    check_case(spans_lie_in_text, case)


@pytest.mark.parametrize("case", SPAN_VALID, ids=name)
def test_spans_lie_in_text_accepts(case):
    check_case(spans_lie_in_text, case)


def test_span_text_mismatch_shows_both_texts_on_the_line_of_the_text():
    article = make_article(BODY, {"entities": [mention(BODY, "Acme Corp", text="Acme Crop")]})
    [issue] = spans_lie_in_text(ArticleFacts(article, REGISTRY.view()))
    assert "'Acme Crop'" in issue.message and "'Acme Corp'" in issue.message and "[0:9]" in issue.message
    lines = article.doc.text.splitlines()
    assert lines[issue.line - 1].strip() == '"text": "Acme Crop",'


def test_a_huge_offset_is_shown_shortened_in_one_short_line():
    huge = 10**4000
    for fields, code in (({"start": huge, "end": 5}, "span-reversed"), ({"end": huge}, "span-out-of-range")):
        article = make_article(BODY, {"entities": [mention(BODY, "Acme Corp", **fields)]})
        [issue] = spans_lie_in_text(ArticleFacts(article, REGISTRY.view()))
        assert issue.code == code and len(issue.message) < 200 and "more characters" in issue.message


# ---------------------------------------------------------------------------------------------
# segments_cover_text

TITLE, BOILERPLATE = PAGE_SEGMENTS[0], PAGE_SEGMENTS[2]
BODY_SEGMENT = PAGE_SEGMENTS[1]

COVER_FAILING, COVER_VALID = cases(
    segments_cover_text,
    [
        Case(
            "overlap",
            lambda: make_article(
                PAGE,
                {
                    "segments": [
                        TITLE,
                        {"start": TITLE["end"] - 6, "end": BODY_SEGMENT["end"], "kind": "body"},
                        BOILERPLATE,
                    ]
                },
            ),
            [("segment-overlap", "/segments/1")],
        ),
        Case(
            "gap-before-a-segment",
            lambda: make_article(PAGE, {"segments": [TITLE, BOILERPLATE]}),
            [("segment-gap", "/segments/1")],
        ),
        Case(
            "gap-at-the-start",
            lambda: make_article(PAGE, {"segments": [BODY_SEGMENT, BOILERPLATE]}),
            [("segment-gap", "/segments/0")],
        ),
        Case(
            "gap-at-the-end",
            lambda: make_article(PAGE, {"segments": [TITLE, BODY_SEGMENT]}),
            [("segment-gap", "/segments")],
        ),
        Case("no-segments", lambda: make_article(PAGE, {"segments": []}), [("segment-gap", "/segments")]),
        Case(
            "overlap-then-gap",
            lambda: make_article(PAGE, {"segments": [TITLE, TITLE]}),
            [("segment-overlap", "/segments/1"), ("segment-gap", "/segments")],
        ),
    ],
    [
        Case("covered-with-blank-lines-between", lambda: make_article(PAGE, {"segments": PAGE_SEGMENTS}), []),
        Case("one-segment", lambda: make_article(BODY), []),
        Case(
            "segments-touching",
            lambda: make_article(
                "Photo:Acme Corp",
                {"segments": [{"start": 0, "end": 6, "kind": "boilerplate"}, {"start": 6, "end": 15, "kind": "body"}]},
            ),
            [],
        ),
        Case("blank-text-no-segments", lambda: make_article("  \n", {"segments": []}), []),
        # A segment with bad offsets makes coverage meaningless: the span rule reports it, this rule says nothing.
        Case(
            "broken-segment",
            lambda: make_article(
                PAGE, {"segments": [TITLE, {"start": BODY_SEGMENT["start"], "end": len(PAGE) + 10, "kind": "body"}]}
            ),
            [],
        ),
        Case(
            "reversed-segment", lambda: make_article(PAGE, {"segments": [{"start": 10, "end": 0, "kind": "title"}]}), []
        ),
    ],
)


@pytest.mark.parametrize("case", COVER_FAILING, ids=name)
def test_segments_cover_text_reports(case):
    check_case(segments_cover_text, case)


@pytest.mark.parametrize("case", COVER_VALID, ids=name)
def test_segments_cover_text_accepts(case):
    check_case(segments_cover_text, case)


def test_segment_gap_names_the_uncovered_text_trimmed():
    [issue] = segments_cover_text(ArticleFacts(make_article(PAGE, {"segments": [TITLE, BOILERPLATE]}), REGISTRY.view()))
    start, end = find(PAGE, BODY)
    assert f"text [{start}:{end}] 'Acme Corp said on" in issue.message  # the blank lines around it are not counted
    twice = make_article(PAGE, {"segments": [TITLE, TITLE, BODY_SEGMENT, BOILERPLATE]})
    [overlap] = segments_cover_text(ArticleFacts(twice, REGISTRY.view()))
    assert f"segment [0:{TITLE['end']}] overlaps or precedes segment /segments/0" in overlap.message


def test_segments_out_of_order_are_an_overlap():
    article = make_article(PAGE, {"segments": [BODY_SEGMENT, TITLE, BOILERPLATE]})
    assert ("segment-overlap", "/segments/1") in found(segments_cover_text, article)


def test_segments_out_of_order_are_not_also_a_gap():
    article = make_article(PAGE, {"segments": [BODY_SEGMENT, TITLE, BOILERPLATE]})
    assert found(segments_cover_text, article) == [("segment-overlap", "/segments/1")]


# ---------------------------------------------------------------------------------------------
# no_labels_in_boilerplate

BOILER_FAILING, BOILER_VALID = cases(
    no_labels_in_boilerplate,
    [
        Case(
            "mention-and-claim-in-boilerplate",
            lambda: make_article(
                PAGE,
                {
                    "segments": PAGE_SEGMENTS,
                    "entities": [
                        mention(PAGE, "Acme Corp", id="m1"),
                        mention(PAGE, "article", label="WORK_OF_ART", id="m2"),
                    ],
                    "claims": [claim(PAGE, "hackers stole records."), claim(PAGE, "Share this article", id="c2")],
                },
            ),
            [("label-in-boilerplate", "/entities/1"), ("label-in-boilerplate", "/claims/1")],
        ),
        Case(
            "mention-reaching-into-boilerplate",
            lambda: make_article(
                PAGE, {"segments": PAGE_SEGMENTS, "entities": [mention(PAGE, "investigating.\nShare")]}
            ),
            [("label-in-boilerplate", "/entities/0")],
        ),
    ],
    [
        Case(
            "labels-outside-boilerplate",
            lambda: make_article(
                PAGE,
                {
                    "segments": PAGE_SEGMENTS,
                    "entities": [mention(PAGE, "Acme Corp", nth=1)],
                    "claims": [claim(PAGE, "hackers stole records.")],
                },
            ),
            [],
        ),
        Case("no-boilerplate", lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp")]}), []),
        # A label that touches the boilerplate without sharing a character with it.
        Case(
            "label-ending-where-boilerplate-starts",
            lambda: make_article(
                "Acme Corp Share",
                {
                    "segments": [
                        {"start": 0, "end": 9, "kind": "body"},
                        {"start": 9, "end": 15, "kind": "boilerplate"},
                    ],
                    "entities": [mention("Acme Corp Share", "Acme Corp")],
                },
            ),
            [],
        ),
        Case(
            "label-starting-where-boilerplate-ends",
            lambda: make_article(
                "Photo:Acme Corp",
                {
                    "segments": [
                        {"start": 0, "end": 6, "kind": "boilerplate"},
                        {"start": 6, "end": 15, "kind": "body"},
                    ],
                    "entities": [mention("Photo:Acme Corp", "Acme Corp")],
                },
            ),
            [],
        ),
    ],
)


@pytest.mark.parametrize("case", BOILER_FAILING, ids=name)
def test_no_labels_in_boilerplate_reports(case):
    check_case(no_labels_in_boilerplate, case)


@pytest.mark.parametrize("case", BOILER_VALID, ids=name)
def test_no_labels_in_boilerplate_accepts(case):
    check_case(no_labels_in_boilerplate, case)


# ---------------------------------------------------------------------------------------------
# mentions_do_not_overlap

OVERLAP_FAILING, OVERLAP_VALID = cases(
    mentions_do_not_overlap,
    [
        Case(
            "overlap",
            lambda: make_article(
                BODY, {"entities": [mention(BODY, "Acme Corp", id="m1"), mention(BODY, "Corp said", id="m2")]}
            ),
            [("mention-overlap", "/entities/1")],
        ),
        # Reported at the mention that starts later, whatever the list order.
        Case(
            "overlap-listed-backwards",
            lambda: make_article(
                BODY, {"entities": [mention(BODY, "Corp said", id="m1"), mention(BODY, "Acme Corp", id="m2")]}
            ),
            [("mention-overlap", "/entities/0")],
        ),
        Case(
            "same-span-twice",
            lambda: make_article(
                BODY,
                {
                    "entities": [
                        mention(BODY, "Monday", label="DATE", id="m1"),
                        mention(BODY, "Monday", label="DATE", id="m2"),
                    ]
                },
            ),
            [("mention-overlap", "/entities/1")],
        ),
        # Same start: the longer one comes later in (start, end) order, and is reported.
        Case(
            "nested",
            lambda: make_article(
                BODY, {"entities": [mention(BODY, "Acme Corp", id="m1"), mention(BODY, "Acme", id="m2")]}
            ),
            [("mention-overlap", "/entities/0")],
        ),
    ],
    [
        Case(
            "apart",
            lambda: make_article(
                BODY, {"entities": [mention(BODY, "Acme Corp", id="m1"), mention(BODY, "FBI", id="m2")]}
            ),
            [],
        ),
        Case(
            "touching",
            lambda: make_article(
                "Sony's hackers",
                {"entities": [mention("Sony's hackers", "Sony", id="m1"), mention("Sony's hackers", "'s", id="m2")]},
            ),
            [],
        ),
        # Claims may overlap mentions and each other: only mentions are compared.
        Case(
            "claims-overlap",
            lambda: make_article(
                BODY,
                {
                    "entities": [mention(BODY, "Acme Corp")],
                    "claims": [claim(BODY, "Acme Corp said"), claim(BODY, "Acme Corp", id="c2")],
                },
            ),
            [],
        ),
    ],
)


@pytest.mark.parametrize("case", OVERLAP_FAILING, ids=name)
def test_mentions_do_not_overlap_reports(case):
    check_case(mentions_do_not_overlap, case)


@pytest.mark.parametrize("case", OVERLAP_VALID, ids=name)
def test_mentions_do_not_overlap_accepts(case):
    check_case(mentions_do_not_overlap, case)


def test_every_mention_inside_a_long_mention_is_reported():
    article = make_article(
        BODY,
        {
            "entities": [
                mention(BODY, "Acme Corp said on Monday", id="m1"),
                mention(BODY, "Corp", id="m2"),
                mention(BODY, "Monday", "DATE", id="m3"),
            ]
        },
    )
    assert found(mentions_do_not_overlap, article) == [
        ("mention-overlap", "/entities/1"),
        ("mention-overlap", "/entities/2"),
    ]


def test_mention_overlap_names_the_other_mention():
    article = make_article(
        BODY, {"entities": [mention(BODY, "Corp said", id="m1"), mention(BODY, "Acme Corp", id="m2")]}
    )
    [issue] = mentions_do_not_overlap(ArticleFacts(article, REGISTRY.view()))
    assert "[5:14]" in issue.message and "/entities/1 [0:9]" in issue.message


# ---------------------------------------------------------------------------------------------
# mentions_fit_tokens_and_sentences

MR = "Mr. Turner said on Monday that hackers stole records."
TOKENS_FAILING, TOKENS_VALID = cases(
    mentions_fit_tokens_and_sentences,
    [
        Case(
            "start-inside-a-token",
            lambda: make_article(BODY, {"entities": [mention(BODY, "cme Corp")]}),
            [("mention-cut-by-tokenizer", "/entities/0")],
        ),
        Case(
            "end-inside-a-token",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acm")]}),
            [("mention-cut-by-tokenizer", "/entities/0")],
        ),
        Case(
            "across-a-full-stop",
            lambda: make_article(
                BODY, {"entities": [mention(BODY, "Acme Corp", id="m1"), mention(BODY, "records. The FBI", id="m2")]}
            ),
            [("mention-crosses-sentence", "/entities/1")],
        ),
        Case(
            "across-a-line-break",
            lambda: make_article(PAGE, {"entities": [mention(PAGE, "hacked\n\nAcme Corp")]}),
            [("mention-crosses-sentence", "/entities/0")],
        ),
        # A cut mention is not also checked for crossing: its offsets are wrong already.
        Case(
            "cut-and-across",
            lambda: make_article(BODY, {"entities": [mention(BODY, "ecords. The FBI")]}),
            [("mention-cut-by-tokenizer", "/entities/0")],
        ),
    ],
    [
        Case(
            "whole-tokens",
            lambda: make_article(
                BODY,
                {
                    "entities": [
                        mention(BODY, "Acme Corp", id="m1"),
                        mention(BODY, "Monday", label="DATE", id="m2"),
                        mention(BODY, "FBI", id="m3"),
                    ]
                },
            ),
            [],
        ),
        # "Sony's" is two tokens, "Sony" and "'s": a mention may end at the clitic.
        Case(
            "before-a-clitic",
            lambda: make_article("Sony's hackers", {"entities": [mention("Sony's hackers", "Sony")]}),
            [],
        ),
        # A period after an abbreviation does not end a sentence.
        Case(
            "after-an-abbreviation",
            lambda: make_article(MR, {"entities": [mention(MR, "Mr. Turner", label="PERSON")]}),
            [],
        ),
    ],
)


@pytest.mark.parametrize("case", TOKENS_FAILING, ids=name)
def test_mentions_fit_tokens_and_sentences_reports(case):
    check_case(mentions_fit_tokens_and_sentences, case)


@pytest.mark.parametrize("case", TOKENS_VALID, ids=name)
def test_mentions_fit_tokens_and_sentences_accepts(case):
    check_case(mentions_fit_tokens_and_sentences, case)


def test_mention_cut_names_the_cut_ends_and_the_tokens():
    [both] = mentions_fit_tokens_and_sentences(
        ArticleFacts(make_article(BODY, {"entities": [mention(BODY, "cm")]}), REGISTRY.view())
    )
    assert both.message == "mention 'cm': start 1 and end 3 fall inside tokens ('Acme'); mentions are whole tokens"
    [one] = mentions_fit_tokens_and_sentences(
        ArticleFacts(make_article(BODY, {"entities": [mention(BODY, "cme")]}), REGISTRY.view())
    )
    assert one.message == "mention 'cme': start 1 falls inside a token ('Acme'); mentions are whole tokens"


def test_mention_on_whitespace_says_so_and_how_to_trim_it():
    """An edge on a space is not "inside a token": the message names the whitespace and the trimmed span."""
    text = "Hackers hit Norway on Monday."
    article = make_article(text, {"entities": [mention(text, " Norway", "GPE")]})
    [issue] = mentions_fit_tokens_and_sentences(ArticleFacts(article, REGISTRY.view()))
    assert issue.code == "mention-cut-by-tokenizer"
    assert issue.message == (
        "mention ' Norway': starts with whitespace (start 11): trim the span to 'Norway'; mentions are whole tokens"
    )
    both = make_article(text, {"entities": [mention(text, " Norwa", "GPE")]})
    [issue] = mentions_fit_tokens_and_sentences(ArticleFacts(both, REGISTRY.view()))
    assert issue.message == (
        "mention ' Norwa': starts with whitespace (start 11): trim the span to 'Norwa'; "
        "end 17 falls inside a token ('Norway'); mentions are whole tokens"
    )


# ---------------------------------------------------------------------------------------------
# local_ids_unique

IDS_FAILING, IDS_VALID = cases(
    local_ids_unique,
    [
        Case(
            "two-mentions",
            lambda: make_article(
                BODY, {"entities": [mention(BODY, "Acme Corp", id="m1"), mention(BODY, "FBI", id="m1")]}
            ),
            [("duplicate-id", "/entities/1/id")],
        ),
        Case(
            "mention-and-claim",
            lambda: make_article(
                BODY, {"entities": [mention(BODY, "Acme Corp", id="x1")], "claims": [claim(BODY, "The FBI", id="x1")]}
            ),
            [("duplicate-id", "/claims/0/id")],
        ),
        Case(
            "three-times",
            lambda: make_article(
                BODY,
                {
                    "entities": [mention(BODY, "Acme Corp", id="m1"), mention(BODY, "FBI", id="m1")],
                    "claims": [claim(BODY, "The FBI", id="m1")],
                },
            ),
            [("duplicate-id", "/entities/1/id"), ("duplicate-id", "/claims/0/id")],
        ),
    ],
    [
        Case(
            "distinct",
            lambda: make_article(
                BODY,
                {
                    "entities": [mention(BODY, "Acme Corp", id="m1"), mention(BODY, "FBI", id="m2")],
                    "claims": [claim(BODY, "The FBI", id="c1")],
                },
            ),
            [],
        ),
        # Ids that are not strings are the schema's finding.
        Case(
            "ids-not-strings",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", id=1), mention(BODY, "FBI", id=1)]}),
            [],
        ),
    ],
)


@pytest.mark.parametrize("case", IDS_FAILING, ids=name)
def test_local_ids_unique_reports(case):
    check_case(local_ids_unique, case)


@pytest.mark.parametrize("case", IDS_VALID, ids=name)
def test_local_ids_unique_accepts(case):
    check_case(local_ids_unique, case)


def test_duplicate_id_names_the_first_use():
    article = make_article(
        BODY, {"entities": [mention(BODY, "Acme Corp", id="x1")], "claims": [claim(BODY, "The FBI", id="x1")]}
    )
    [issue] = local_ids_unique(ArticleFacts(article, REGISTRY.view()))
    assert "'x1'" in issue.message and "/entities/0" in issue.message


# ---------------------------------------------------------------------------------------------
# mentions_link_registry

LINK_FAILING, LINK_VALID = cases(
    mentions_link_registry,
    [
        Case(
            "type-differs",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", "PERSON", "acme_corp")]}),
            [("entity-type-mismatch", "/entities/0/label")],
        ),
        Case(
            "unknown-key",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", "ORG", "acme_crop")]}),
            [("unknown-entity", "/entities/0/entity")],
        ),
        Case(
            "name-unlinked",
            lambda: make_article(BODY, {"entities": [mention(BODY, "FBI", "ORG", None)]}),
            [("mention-unlinked", "/entities/0/entity")],
        ),
        Case(
            "all-three",
            lambda: make_article(
                BODY,
                {
                    "entities": [
                        mention(BODY, "Acme Corp", "GPE", "acme_corp", id="m1"),
                        mention(BODY, "Monday", "DATE", None, id="m2"),
                        mention(BODY, "FBI", "ORG", None, id="m3"),
                        mention(BODY, "Acme Corp", "ORG", "acme", id="m4"),
                    ]
                },
            ),
            [
                ("entity-type-mismatch", "/entities/0/label"),
                ("mention-unlinked", "/entities/2/entity"),
                ("unknown-entity", "/entities/3/entity"),
            ],
        ),
    ],
    [
        Case(
            "linked",
            lambda: make_article(
                BODY,
                {
                    "entities": [
                        mention(BODY, "Acme Corp", "ORG", "acme_corp", id="m1"),
                        mention(BODY, "FBI", "ORG", "federal_bureau_of_investigation", id="m2"),
                    ]
                },
            ),
            [],
        ),
        # Values need no entity.
        Case("value-unlinked", lambda: make_article(BODY, {"entities": [mention(BODY, "Monday", "DATE", None)]}), []),
        # A malformed key or label is the schema's finding.
        Case(
            "malformed-key",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", "ORG", "Acme Corp")]}),
            [],
        ),
        Case(
            "unknown-label",
            lambda: make_article(BODY, {"entities": [mention(BODY, "Acme Corp", "COMPANY", "acme_corp")]}),
            [],
        ),
        Case("label-not-a-string", lambda: make_article(BODY, {"entities": [mention(BODY, "FBI", None, None)]}), []),
    ],
)


@pytest.mark.parametrize("case", LINK_FAILING, ids=name)
def test_mentions_link_registry_reports(case):
    check_case(mentions_link_registry, case)


@pytest.mark.parametrize("case", LINK_VALID, ids=name)
def test_mentions_link_registry_accepts(case):
    check_case(mentions_link_registry, case)


def test_mentions_link_registry_messages():
    article = make_article(
        BODY,
        {
            "entities": [
                mention(BODY, "Acme Corp", "PERSON", "acme_corp", id="m1"),
                mention(BODY, "Acme Corp", "ORG", "acme_crop", id="m2"),
            ]
        },
    )
    mismatch, unknown = mentions_link_registry(ArticleFacts(article, REGISTRY.view()))
    assert "PERSON" in mismatch.message and "ORG" in mismatch.message
    assert "did you mean 'acme_corp'" in unknown.message
    # A key the registry lists, but malformed, is neither linked nor reported here (the registry's schema check is).
    odd = Registry(entities={"Acme Corp": {"type": "ORG"}})
    listed = make_article(BODY, {"entities": [mention(BODY, "Acme Corp", "PERSON", "Acme Corp")]})
    assert found(mentions_link_registry, listed, odd) == []


# ---------------------------------------------------------------------------------------------
# claims_link_registry

CLAIM_FAILING, CLAIM_VALID = cases(
    claims_link_registry,
    [
        Case(
            "unknown-claimer",
            lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", claimer="reuters")]}),
            [("unknown-claimer", "/claims/0/claimer")],
        ),
        Case(
            "unknown-about",
            lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", about=["acme_corp", "fbi"])]}),
            [("unknown-about-entity", "/claims/0/about/1")],
        ),
        Case(
            "unknown-proposition",
            lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", proposition="fbi_probe")]}),
            [("unknown-proposition", "/claims/0/proposition")],
        ),
        Case(
            "unknown-event",
            lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", event="fbi_probe")]}),
            [("unknown-event", "/claims/0/event")],
        ),
        # A proposition key is not an entity key, nor the other way round.
        Case(
            "keys-of-the-wrong-registry",
            lambda: make_article(
                BODY,
                {
                    "claims": [
                        claim(
                            BODY,
                            "Acme Corp said",
                            claimer="acme_records_stolen",
                            about=["acme_records_stolen"],
                            proposition="acme_corp",
                        )
                    ]
                },
            ),
            [
                ("unknown-claimer", "/claims/0/claimer"),
                ("unknown-about-entity", "/claims/0/about/0"),
                ("unknown-proposition", "/claims/0/proposition"),
            ],
        ),
        Case(
            "second-claim",
            lambda: make_article(
                BODY, {"claims": [claim(BODY, "Acme Corp said"), claim(BODY, "The FBI", id="c2", about=["sony"])]}
            ),
            [("unknown-about-entity", "/claims/1/about/0")],
        ),
    ],
    [
        Case(
            "author-and-known-keys",
            lambda: make_article(
                BODY,
                {
                    "claims": [
                        claim(BODY, "hackers stole records."),
                        claim(
                            BODY,
                            "The FBI is investigating.",
                            id="c2",
                            claimer="federal_bureau_of_investigation",
                            about=["acme_corp", "federal_bureau_of_investigation"],
                        ),
                    ]
                },
            ),
            [],
        ),
        Case(
            "no-proposition-no-about",
            lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", about=[], proposition=None)]}),
            [],
        ),
        # Malformed keys and wrong types are the schema's finding.
        Case(
            "malformed-keys",
            lambda: make_article(
                BODY,
                {
                    "claims": [
                        claim(BODY, "The FBI", claimer="Reuters", about=["Sony Pictures", 3], proposition="FBI probe")
                    ]
                },
            ),
            [],
        ),
        Case("about-not-a-list", lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", about="sony")]}), []),
    ],
)


@pytest.mark.parametrize("case", CLAIM_FAILING, ids=name)
def test_claims_link_registry_reports(case):
    check_case(claims_link_registry, case)


@pytest.mark.parametrize("case", CLAIM_VALID, ids=name)
def test_claims_link_registry_accepts(case):
    check_case(claims_link_registry, case)


# ---------------------------------------------------------------------------------------------
# dates_exist, strings_not_blank, attribution_fits_claimer (issue 15, class 9)

MEANING_CASES = {
    dates_exist: cases(
        dates_exist,
        [
            Case(
                "february-31",
                lambda: make_article(BODY, {"metadata": {"published": "2014-02-31"}}),
                [("date-impossible", "/metadata/published")],
            ),
            Case(
                "not-a-leap-year",
                lambda: make_article(BODY, {"metadata": {"published": "2023-02-29"}}),
                [("date-impossible", "/metadata/published")],
            ),
        ],
        [
            Case("leap-day", lambda: make_article(BODY, {"metadata": {"published": "2024-02-29"}}), []),
            Case("year-and-month", lambda: make_article(BODY, {"metadata": {"published": "2014-02"}}), []),
            Case(
                "malformed-is-the-schemas", lambda: make_article(BODY, {"metadata": {"published": "2014-13-45x"}}), []
            ),
        ],
    ),
    strings_not_blank: cases(
        strings_not_blank,
        [
            Case(
                "blank-title-and-normalized",
                lambda: make_article(
                    BODY, {"metadata": {"title": " \t"}, "claims": [claim(BODY, "The FBI", normalized="\u3000")]}
                ),
                [("text-blank", "/claims/0/normalized"), ("text-blank", "/metadata/title")],
            ),
            Case(
                "blank-annotator",
                lambda: make_article(BODY, {"annotators": ["a", "\n"]}),
                [("text-blank", "/annotators/1")],
            ),
        ],
        [
            Case("values", lambda: make_article(BODY, {"metadata": {"title": " A title "}}), []),
            Case("empty-is-the-schemas", lambda: make_article(BODY, {"metadata": {"title": ""}}), []),
        ],
    ),
    attribution_fits_claimer: cases(
        attribution_fits_claimer,
        [
            Case(
                "author-reported",
                lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", attribution="reported")]}),
                [("attribution-contradicts-claimer", "/claims/0/attribution")],
            ),
            Case(
                "source-asserted",
                lambda: make_article(
                    BODY, {"claims": [claim(BODY, "The FBI", claimer="federal_bureau_of_investigation")]}
                ),
                [("attribution-contradicts-claimer", "/claims/0/attribution")],
            ),
        ],
        [
            Case(
                "author-asserted-source-reported",
                lambda: make_article(
                    BODY,
                    {
                        "claims": [
                            claim(BODY, "hackers stole records."),
                            claim(
                                BODY,
                                "The FBI",
                                id="c2",
                                claimer="federal_bureau_of_investigation",
                                attribution="reported",
                            ),
                        ]
                    },
                ),
                [],
            ),
            Case(
                "unknown-attribution-is-the-schemas",
                lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI", attribution="said")]}),
                [],
            ),
        ],
    ),
    # issue 19, point 7: a skeleton left as `cyberclaims new` made it validated silently
    article_is_labelled: cases(
        article_is_labelled,
        [
            Case(
                "no-mentions-no-claims",
                lambda: make_article(BODY, {"annotators": []}),
                [("article-unlabelled", "/entities")],
            ),
            Case(
                "annotated-by-someone-but-empty",
                lambda: make_article(BODY, {"annotators": ["a"]}),
                [("article-unlabelled", "/entities")],
            ),
        ],
        [
            Case("a-mention", lambda: make_article(BODY, {"entities": [mention(BODY, "FBI")]}), []),
            Case("a-claim", lambda: make_article(BODY, {"claims": [claim(BODY, "The FBI")]}), []),
            Case("missing-lists-are-the-schemas", lambda: make_article(BODY, {"entities": None, "claims": None}), []),
        ],
    ),
}


def test_article_unlabelled_message_names_what_is_missing():
    [skeleton] = article_is_labelled(ArticleFacts(make_article(BODY, {"annotators": []}), REGISTRY.view()))
    assert skeleton.severity.value == "warning"
    assert skeleton.message.startswith("the article has no mentions, no claims and no annotators: label it")
    [empty] = article_is_labelled(ArticleFacts(make_article(BODY, {"annotators": ["a"]}), REGISTRY.view()))
    assert "annotators" not in empty.message


@pytest.mark.parametrize(
    "rule,case",
    [(rule, case) for rule, (failing, valid) in MEANING_CASES.items() for case in failing + valid],
    ids=lambda v: getattr(v, "name", None) or getattr(v, "__name__", ""),
)
def test_meaning_rules(rule, case):
    check_case(rule, case)


# ---------------------------------------------------------------------------------------------
# check_article: the rules in order, stopped by the pin


def full_article(text_sha256: str | None = None, **annotation: Any) -> Article:
    """PAGE with every kind of label, valid unless ``annotation`` breaks it."""
    data: dict[str, Any] = {
        "segments": PAGE_SEGMENTS,
        "entities": [
            mention(PAGE, "Acme Corp", "ORG", "acme_corp", id="m1"),
            mention(PAGE, "Acme Corp", "ORG", "acme_corp", id="m2", nth=1),
            mention(PAGE, "Monday", "DATE", None, id="m3"),
            mention(PAGE, "FBI", "ORG", "federal_bureau_of_investigation", id="m4"),
        ],
        "claims": [
            claim(PAGE, "hackers stole records."),
            claim(
                PAGE, "The FBI is investigating.", id="c2", proposition=None, about=["federal_bureau_of_investigation"]
            ),
        ],
    }
    data.update(annotation)
    if text_sha256 is not None:
        data["text_sha256"] = text_sha256
    return make_article(PAGE, data)


def codes_and_pointers(article: Article, registry: Registry = REGISTRY) -> list[tuple[str, str]]:
    return [(issue.code, issue.pointer) for issue in check_article(article, registry.view())]


def test_check_article_accepts_a_valid_article():
    assert check_article(full_article(), REGISTRY.view()) == []


def broken_spans() -> dict[str, Any]:
    entities = full_article().data["entities"]
    return {
        "id": "acme-leak",
        "segments": PAGE_SEGMENTS[:2],  # a gap at the end
        "entities": [{**entities[0], "text": "Acme Crop"}, {**entities[1], "end": len(PAGE) + 4}, *entities[2:]],
    }


def test_check_article_stops_after_a_pin_mismatch():
    """Offsets into a text that changed mean nothing: only the rules before the pin, and the pin, report."""
    stale = full_article(sha256(PAGE + "\nMore."), **broken_spans())
    assert codes_and_pointers(stale) == [("id-mismatch", "/id"), ("text-hash-mismatch", "/text_sha256")]


def test_check_article_runs_every_rule_when_the_pin_agrees():
    """The same faults with the right pin: the span rules report (so the stop above is the pin's doing)."""
    fresh = full_article(**broken_spans())
    assert codes_and_pointers(fresh) == [
        ("id-mismatch", "/id"),
        ("span-text-mismatch", "/entities/0/text"),
        ("span-out-of-range", "/entities/1"),
        ("segment-gap", "/segments"),
    ]


def test_check_article_reports_in_rule_order():
    article = full_article(
        id="acme-leak",
        entities=[
            mention(PAGE, "Acme Corp", "ORG", "acme_corp", id="c1"),
            mention(PAGE, "Acme", "ORG", "acme_corp", id="m2"),
        ],
        claims=[claim(PAGE, "hackers stole records.", claimer="hackers"), claim(PAGE, "Share this article", id="c2")],
    )
    assert codes_and_pointers(article) == [
        ("id-mismatch", "/id"),
        ("label-in-boilerplate", "/claims/1"),
        ("mention-overlap", "/entities/0"),
        ("duplicate-id", "/claims/0/id"),
        ("unknown-claimer", "/claims/0/claimer"),
        ("attribution-contradicts-claimer", "/claims/0/attribution"),  # a source claimer, asserted
    ]


def test_check_article_registry_codes_need_the_registry():
    """With an empty registry only the registry rules' codes appear (predictions are checked so, without them)."""
    issues = check_article(full_article(), Registry().view())
    assert {issue.code for issue in issues} == {
        "unknown-entity",
        "unknown-about-entity",
        "unknown-proposition",
        "unknown-event",
    }
    assert {issue.code for issue in issues} <= REGISTRY_CODES
    assert {
        code for rule in ARTICLE_RULES if rule.name.endswith("_link_registry") for code in rule.codes
    } == REGISTRY_CODES


# ---------------------------------------------------------------------------------------------
# ARTICLE_RULES itself


def test_every_code_of_every_rule_is_a_known_code():
    unknown = [(rule.name, code) for rule in ARTICLE_RULES for code in rule.codes if code not in CODES]
    assert unknown == []


def test_each_code_belongs_to_one_rule():
    counts = Counter(code for rule in ARTICLE_RULES for code in rule.codes)
    assert [code for code, n in counts.items() if n > 1] == []
    assert all(rule.codes for rule in ARTICLE_RULES)


def test_rule_names_are_unique_and_are_the_functions():
    names = [rule.name for rule in ARTICLE_RULES]
    assert len(names) == len(set(names))
    assert names == [rule.check.__name__ for rule in ARTICLE_RULES]


def test_the_pin_is_the_only_final_rule_and_precedes_every_offset_check():
    names = [rule.name for rule in ARTICLE_RULES]
    assert [rule.name for rule in ARTICLE_RULES if rule.final] == ["text_matches_pin"]
    assert names.index("text_matches_pin") == names.index("spans_lie_in_text") - 1
    assert names[: names.index("text_matches_pin")] == ["id_matches_file_name"]


@pytest.mark.parametrize("rule", ARTICLE_RULES, ids=lambda rule: rule.name)
def test_failing_cases_report_exactly_the_codes_of_their_rule(rule):
    """Every code a rule lists is produced by one of its cases above, and no case produces another code."""
    assert rule.check in FAILING and VALID.get(rule.check), f"{rule.name} has no cases in this module"
    reported = {code for case in FAILING[rule.check] for code, _ in found(rule.check, case.build(), case.registry)}
    assert reported == set(rule.codes)
