"""Property tests (Hypothesis): random valid articles round-trip through validate -> build ->
load_dataset field for field; random mutations of valid files give located issues, never an exception."""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberclaims.core.codes import CODES
from cyberclaims.core.text import split_sentences, tokenize
from cyberclaims.core.vocabulary import ENTITY_LABELS, NAMED_LABELS
from cyberclaims.dataset.build import build
from cyberclaims.dataset.rows import without_absent_fields
from cyberclaims.validation import validate

pytestmark = pytest.mark.corpus

CASES = Path(__file__).parents[1] / "cases"
BASE = CASES / "valid" / "minimal"
# A fixed budget, derandomized in CI so a run there is reproducible.
BUDGET = dict(
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

WORD = st.one_of(
    st.sampled_from(
        [
            "Sony",
            "Pictures’",
            "“Peace”",
            "NK's",
            "1.2",
            "million",
            "Kim",
            "café",
            "😀",
            "#1",
            "e-mail",
            "U.S.",
            "Mr.",
            "(FBI)",
            "don’t",
            "x",
        ]
    ),
    st.text(alphabet=st.characters(categories=["L", "N", "P", "S"], exclude_characters="\x85"), min_size=1, max_size=8),
)
LINE = st.lists(WORD, min_size=1, max_size=12).map(" ".join)


def _value(**size):
    """A string value: text, never only whitespace (that is the text-blank finding, not a valid value)."""
    return st.text(**size).filter(lambda s: not s.isspace())


@st.composite
def articles(draw):
    lines = draw(st.lists(LINE, min_size=1, max_size=5))
    text = "\n".join(lines)
    segments, pos = [], 0
    for line in lines:
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            segments.append(
                {
                    "start": start,
                    "end": start + len(stripped),
                    "kind": draw(st.sampled_from(["title", "body", "caption", "byline"])),
                }
            )
        pos += len(line) + 1
    words = [(s, e) for s, e in tokenize(text) if text[s:e][0].isalnum()]
    chosen = sorted(draw(st.sets(st.sampled_from(words), max_size=8)) if words else [])
    entities = []
    for number, (start, end) in enumerate(chosen, 1):
        label = draw(st.sampled_from(ENTITY_LABELS))
        entities.append(
            {
                "id": f"m{number}",
                "start": start,
                "end": end,
                "text": text[start:end],
                "label": label,
                "entity": f"e_{label.lower()}" if label in NAMED_LABELS else None,
            }
        )
    sentences = split_sentences(text)
    claims = []
    for number, (start, end) in enumerate(draw(st.lists(st.sampled_from(sentences), max_size=3)), 1):
        claimer = draw(st.sampled_from(["author", "e_org"]))
        claims.append(
            {
                "id": f"c{number}",
                "start": start,
                "end": end,
                "text": text[start:end],
                "claimer": claimer,
                "attribution": "asserted" if claimer == "author" else "reported",
                "certainty": draw(st.sampled_from(["certain", "probable", "possible"])),
                "normalized": draw(_value(min_size=1, max_size=30)),
                "about": draw(st.lists(st.sampled_from(["e_org", "e_person", "e_gpe"]), unique=True)),
                "proposition": draw(st.sampled_from(["p_one", "p_two"])),
                "event": draw(st.sampled_from(["e_one", "e_two"])),
            }
        )
    metadata = {
        "title": draw(st.one_of(st.none(), _value(min_size=1, max_size=20))),
        "source": {
            "name": draw(_value(min_size=1, max_size=20)),
            "url": draw(st.sampled_from([None, "https://example.org/a?b=c"])),
            "origin": "random.txt",
        },
        "published": draw(st.sampled_from([None, "2014", "2014-12", "2014-12-01"])),
        "language": "en",
        "license": "CC0-1.0",
        "topic": "random-topic",
        "split": draw(st.sampled_from(["train", "validation", "test"])),
    }
    notes = draw(st.one_of(st.none(), _value(max_size=40)))
    return text, {
        "id": "random-article",
        "text_sha256": None,
        "metadata": metadata,
        "segments": segments,
        "entities": entities,
        "claims": claims,
        "annotators": draw(st.lists(_value(min_size=1, max_size=5))),
        "notes": notes,
        "provenance": {
            layer: {
                "method": "annotated",
                "annotator": draw(
                    st.sampled_from(
                        [
                            {"id": "a-person", "type": "person"},
                            {"id": "a-model", "type": "model", "model": "Some Model", "model_version": None},
                        ]
                    )
                ),
                "suggestions": None,
                "guidelines": "3.0",
                "date": "2026-12-01",
            }
            for layer in ("entities", "links", "claims", "alignment")
        },
    }


def write_root(root: Path, text: str, doc: dict) -> None:
    import hashlib

    annotations = root / "annotations"
    annotations.mkdir(parents=True)
    raw = text.encode("utf-8")
    doc = {**doc, "text_sha256": hashlib.sha256(raw).hexdigest()}
    (annotations / "random-article.txt").write_bytes(raw)
    (annotations / "random-article.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    keys = {m["entity"]: m["label"] for m in doc["entities"] if m["entity"]}
    for claim in doc["claims"]:
        for key in [claim["claimer"], *claim["about"]]:
            if key != "author":
                keys.setdefault(key, key[2:].upper())
    (annotations / "entities.json").write_text(
        json.dumps(
            {
                "entities": [
                    {"key": k, "name": k, "type": t, "aliases": [], "description": "random"}
                    for k, t in sorted(keys.items())
                ]
            }
        ),
        encoding="utf-8",
    )
    used = sorted({c["proposition"] for c in doc["claims"]})
    (annotations / "propositions.json").write_text(
        json.dumps({"propositions": [{"key": k, "statement": f"statement {k}"} for k in used]}), encoding="utf-8"
    )
    events = sorted({c["event"] for c in doc["claims"]})
    (annotations / "events.json").write_text(
        json.dumps({"events": [{"key": k, "description": f"event {k}"} for k in events]}), encoding="utf-8"
    )


def _decode(features, value):
    from datasets import ClassLabel, List

    if value is None:
        return None
    if isinstance(features, ClassLabel):
        return features.int2str(value)
    if isinstance(features, List):
        return [_decode(features.feature, v) for v in value]
    if isinstance(features, dict):
        return {k: _decode(features[k], value[k]) for k in features}
    return value


@settings(max_examples=8, **BUDGET)
@given(articles())
def test_random_valid_articles_round_trip(hf_cache, article):
    import datasets

    text, doc = article
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_root(root, text, doc)
        corpus, report = validate(root, show_progress=False)
        assert report.errors == [], [i.to_text() for i in report.errors]
        build(root, show_progress=False)
        loaded = datasets.load_dataset(str(root / "dataset"), "documents", cache_dir=str(Path(tmp) / "cache"))
        (split,) = loaded.values()
        row = _decode(split.features, split[0])
        source = json.loads((root / "annotations" / "random-article.json").read_text(encoding="utf-8"))
        assert row.pop("text") == text
        assert without_absent_fields(row) == source
        shutil.rmtree(root / "dataset")


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=False), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, prefix + (i,))


@st.composite
def mutated_files(draw):
    doc = json.loads((BASE / "annotations" / "acme-breach.json").read_text(encoding="utf-8"))
    text = (BASE / "annotations" / "acme-breach.txt").read_bytes()
    kind = draw(st.sampled_from(["replace", "delete", "insert", "json-bytes", "text-bytes"]))
    raw_json = None
    if kind in ("replace", "delete", "insert"):
        doc = copy.deepcopy(doc)
        path = draw(st.sampled_from(list(paths(doc))[1:]))
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        if kind == "replace":
            parent[path[-1]] = draw(JSON)
        elif kind == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(JSON)
        else:
            parent.insert(path[-1], draw(JSON))
    else:
        data = bytearray(json.dumps(doc, indent=2, ensure_ascii=False).encode() if kind == "json-bytes" else text)
        for _ in range(draw(st.integers(1, 4))):
            position = draw(st.integers(0, len(data) - 1))
            action = draw(st.sampled_from(["flip", "insert", "delete"]))
            byte = draw(st.integers(0, 255))
            if action == "flip":
                data[position] = byte
            elif action == "insert":
                data.insert(position, byte)
            else:
                del data[position]
        if kind == "json-bytes":
            raw_json = bytes(data)
        else:
            text = bytes(data)
    return (raw_json if raw_json is not None else json.dumps(doc, indent=2, ensure_ascii=False).encode()), text


FILE_LEVEL = {
    "file-empty",
    "file-too-large",
    "file-is-symlink",
    "file-unreadable",
    "invalid-file-name",
    "missing-text",
    "missing-annotation",
    "missing-registry",
    "unexpected-file",
    "json-too-deep",
    "text-bom",
    "json-bom",
    "duplicate-text",
    "registry-unused-entry",
}


@pytest.mark.slow
@settings(max_examples=300, **BUDGET)
@given(mutated_files())
def test_mutations_give_located_issues_never_exceptions(files):
    raw_json, raw_text = files
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(BASE / "annotations", root / "annotations")
        (root / "annotations" / "acme-breach.json").write_bytes(raw_json)
        (root / "annotations" / "acme-breach.txt").write_bytes(raw_text)
        _, report = validate(root, show_progress=False)
        for issue in report.sorted_issues():
            assert issue.code in CODES
            assert issue.file.startswith("annotations/")
            assert issue.line is not None or issue.pointer or issue.code in FILE_LEVEL, issue
            assert issue.message


# Strings made mostly of whitespace, escapes and quotes: where a search of the JSON text could go wrong.
TRICKY = st.text(alphabet=st.sampled_from(list(' \t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000\u200b"\\/:,x{}[]')), max_size=6)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.integers(), TRICKY),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TRICKY, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=500, **BUDGET)
@given(JSON_VALUES, st.booleans(), st.sampled_from([None, 2]), st.sampled_from([None, (",", ":"), (" , ", " : ")]))
def test_blank_string_search_of_the_text_misses_no_blank_string(value, ascii_only, indent, separators):
    """A parsed document finds a blank string from its text (issue 15's text-blank rule); never a miss."""
    from cyberclaims.core.jsondoc import parse_json, scalars

    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent, separators=separators)
    doc, _ = parse_json(text.encode(), "x.json")
    if any(isinstance(v, str) and v.isspace() for v in scalars(value)):
        assert doc.may_hold_blank_string()
