"""Write the validator's test corpus: one valid mini-repository, and one broken copy per fault.

    python tests/cases/generate.py

Each case under ``invalid/<code>/<fault>/`` is a repository root (``annotations/`` ...) with exactly one
fault, and a ``case.json`` saying which code it must give, in which file, and where (line or JSON
pointer). The expected place is computed here from the mutation itself, not from the validator.
The files are committed, so a reviewer can open any case; rerun this script after changing it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ID = "acme-breach"
TEXT = ("Acme Corp’s “Breach”\n\n"
        "Acme Corp said on Monday that hackers stole 2 million records. The FBI is investigating, "
        "according to Reuters.\n"
        "Share this article 👍")


def span(needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


def mention(i: int, needle: str, label: str, entity: str | None, nth: int = 0) -> dict:
    start, end = span(needle, nth)
    return {"id": f"m{i}", "start": start, "end": end, "text": needle, "label": label, "entity": entity}


def base_document() -> dict:
    title, body, furniture = span("Acme Corp’s “Breach”"), span("Acme Corp said"), span("Share this article 👍")
    body = (body[0], span("according to Reuters.")[1])
    claims = [
        ("hackers stole 2 million records", "acme_corp", ["acme_corp"], "acme_records_stolen",
         "Hackers stole 2 million records from Acme Corp."),
        ("The FBI is investigating", "reuters", ["federal_bureau_of_investigation", "acme_corp"],
         "fbi_investigates_acme_breach", "The FBI is investigating the breach at Acme Corp."),
    ]
    return {
        "id": ID,
        "text_sha256": hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
        "metadata": {
            "title": "Acme Corp’s “Breach”",
            "source": {"name": "Example News", "url": "https://example.org/acme", "origin": "acme.txt"},
            "published": "2024-03",
            "language": "en",
            "license": "LicenseRef-third-party-copyright",
            "topic": "acme-breach-2024",
            "split": "train",
        },
        "segments": [
            {"start": title[0], "end": title[1], "kind": "title"},
            {"start": body[0], "end": body[1], "kind": "body"},
            {"start": furniture[0], "end": furniture[1], "kind": "boilerplate"},
        ],
        "entities": [
            mention(1, "Acme Corp", "ORG", "acme_corp"),
            mention(2, "Acme Corp", "ORG", "acme_corp", 1),
            mention(3, "Monday", "DATE", None),
            mention(4, "2 million", "CARDINAL", None),
            mention(5, "FBI", "ORG", "federal_bureau_of_investigation"),
            mention(6, "Reuters", "ORG", "reuters"),
        ],
        "claims": [
            {"id": f"c{i}", "start": span(t)[0], "end": span(t)[1], "text": t, "claimer": who,
             "attribution": "reported", "certainty": "certain", "normalized": normalized, "about": about,
             "proposition": proposition, "event": proposition}
            for i, (t, who, about, proposition, normalized) in enumerate(claims, 1)
        ],
        "annotators": ["case-generator"],
        "notes": None,
        "provenance": {layer: made_by("case-generator") for layer in ("entities", "links", "claims", "alignment")},
    }


def made_by(annotator: str = "tester", **extra) -> dict:
    """A provenance record of one layer made by a person, from empty layers."""
    return {"method": "annotated", "annotator": {"id": annotator, "type": "person"}, "suggestions": None,
            "guidelines": "3.0", "date": "2026-12-01", **extra}


ENTITIES = {"entities": [
    {"key": "acme_corp", "name": "Acme Corp", "type": "ORG", "aliases": [], "description": "a fictional company"},
    {"key": "federal_bureau_of_investigation", "name": "Federal Bureau of Investigation", "type": "ORG",
     "aliases": ["FBI"], "description": "US federal law enforcement agency"},
    {"key": "reuters", "name": "Reuters", "type": "ORG", "aliases": [], "description": "news agency"},
]}
PROPOSITIONS = {"propositions": [
    {"key": "acme_records_stolen", "statement": "Hackers stole 2 million records from Acme Corp."},
    {"key": "fbi_investigates_acme_breach", "statement": "The FBI investigates the breach at Acme Corp."},
]}
EVENTS = {"events": [
    {"key": "acme_records_stolen", "description": "Hackers stole 2 million records from Acme Corp."},
    {"key": "fbi_investigates_acme_breach", "description": "The FBI investigates the breach at Acme Corp."},
]}


def dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_base(root: Path) -> None:
    annotations = root / "annotations"
    annotations.mkdir(parents=True)
    (annotations / f"{ID}.txt").write_bytes(TEXT.encode("utf-8"))
    (annotations / f"{ID}.json").write_text(dumps(base_document()), encoding="utf-8")
    (annotations / "entities.json").write_text(dumps(ENTITIES), encoding="utf-8")
    (annotations / "propositions.json").write_text(dumps(PROPOSITIONS), encoding="utf-8")
    (annotations / "events.json").write_text(dumps(EVENTS), encoding="utf-8")


def make_pass(root: Path, name: str = "pass-a", record: bool = True) -> Path:
    """A pass of the base article as a pass must be: every layer recorded, its instructions beside it,
    its files in the register (``record``)."""
    folder = root / "annotations" / "passes" / name
    folder.mkdir(parents=True)
    document = base_document()
    document["provenance"] = {layer: made_by(f"{name}-annotator") for layer in document["provenance"]}
    (folder / f"{ID}.json").write_text(dumps(document), encoding="utf-8")
    (folder / "INSTRUCTIONS.md").write_text("Label the article by annotations/GUIDELINES.md 3.0.\n", encoding="utf-8")
    if record:
        register = root / "annotations" / "passes" / "SHA256SUMS"
        lines = register.read_text(encoding="utf-8") if register.exists() else ""
        for file in sorted(p.name for p in folder.iterdir()):
            digest = hashlib.sha256((folder / file).read_bytes()).hexdigest()
            lines += f"{digest}  {name}/{file}\n"
        register.write_text(lines, encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# Faults: each edits a fresh copy of the base and returns where the error must be reported:
# (file relative to the root, a unique string on the expected line | None, JSON pointer | None)

Fault = Callable[[Path], tuple[str, str | None, str | None]]
DOC = f"annotations/{ID}.json"
TXT = f"annotations/{ID}.txt"
FAULTS: dict[str, dict[str, Fault]] = {}


def fault(code: str, name: str):
    def register(fn: Fault) -> Fault:
        FAULTS.setdefault(code, {})[name] = fn
        return fn
    return register


def edit_doc(root: Path, change: Callable[[dict], None]) -> None:
    path = root / DOC
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(dumps(data), encoding="utf-8")


def edit_raw(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@fault("file-empty", "empty-annotation")
def _(root):
    (root / DOC).write_bytes(b"")
    return DOC, None, None


@fault("file-too-large", "text-over-1-mib")
def _(root):
    (root / TXT).write_bytes(b"a" * (1024 * 1024 + 1))
    return TXT, None, None


@fault("file-is-symlink", "symlinked-text")
def _(root):
    os.symlink("/etc/hostname", root / "annotations" / "linked.txt")
    return "annotations/linked.txt", None, None


@fault("file-unreadable", "no-annotations-folder")
def _(root):
    shutil.rmtree(root / "annotations")
    return "annotations", None, None


@fault("split-changed", "released-in-test-now-in-train")
def _(root):
    # the split list of the releases so far (cyberclaims release --prepare writes it): the article was in test
    (root / "releases").mkdir()
    released = {"version": "0.0.1", "splits": {ID: "test"}}
    (root / "releases" / "splits.json").write_text(dumps(released), encoding="utf-8")
    return DOC, '"split": "train"', "/metadata/split"


@fault("invalid-file-name", "upper-case-and-underscore")
def _(root):
    (root / "annotations" / "Bad_Name.txt").write_text("Some other text.", encoding="utf-8")
    return "annotations/Bad_Name.txt", None, None


@fault("file-name-control-character", "newline-in-file-name")
def _(root):
    # the name would print its own `::error` line under --format github; reported with the newline escaped
    (root / "annotations" / "x\n::error file=ok.json::forged.txt").write_text("Some other text.", encoding="utf-8")
    return "annotations/x\\n::error file=ok.json::forged.txt", None, None


@fault("file-is-symlink", "symlinked-pass-folder")
def _(root):
    (root / "annotations" / "passes").mkdir()
    (root / "pass-elsewhere").mkdir()
    shutil.copy(root / DOC, root / "pass-elsewhere" / f"{ID}.json")
    (root / "annotations" / "passes" / "SHA256SUMS").write_text("", encoding="utf-8")
    os.symlink("../../pass-elsewhere", root / "annotations" / "passes" / "pass-a")
    return "annotations/passes/pass-a", None, None


@fault("unexpected-file", "text-in-a-pass")
def _(root):
    folder = make_pass(root)
    shutil.copy(root / TXT, folder / f"{ID}.txt")
    edit_raw(root, "annotations/passes/SHA256SUMS", "\n", f"\n{hashlib.sha256((folder / f'{ID}.txt').read_bytes()).hexdigest()}  pass-a/{ID}.txt\n")
    return f"annotations/passes/pass-a/{ID}.txt", None, None


@fault("unexpected-file", "file-beside-the-passes")
def _(root):
    (root / "annotations" / "passes").mkdir()
    (root / "annotations" / "passes" / f"{ID}.json").write_text("{}", encoding="utf-8")
    return f"annotations/passes/{ID}.json", None, None


@fault("missing-text", "json-without-txt")
def _(root):
    shutil.copy(root / DOC, root / "annotations" / "orphan.json")
    edit_raw(root, "annotations/orphan.json", f'"id": "{ID}"', '"id": "orphan"')
    return "annotations/orphan.json", None, None


@fault("missing-annotation", "txt-without-json")
def _(root):
    (root / "annotations" / "lonely.txt").write_text("A text nobody labelled.", encoding="utf-8")
    return "annotations/lonely.txt", None, None


@fault("missing-registry", "no-propositions-json")
def _(root):
    (root / "annotations" / "propositions.json").unlink()
    (root / "annotations" / "events.json").write_text(dumps({"events": []}), encoding="utf-8")
    edit_doc(root, lambda d: d.update(claims=[]))
    return "annotations/propositions.json", None, None


@fault("unexpected-file", "stray-csv")
def _(root):
    (root / "annotations" / "labels.csv").write_text("a,b\n", encoding="utf-8")
    return "annotations/labels.csv", None, None


@fault("json-syntax", "trailing-comma")
def _(root):
    edit_raw(root, DOC, '"date": "2026-12-01"\n    }\n  }\n}', '"date": "2026-12-01"\n    }\n  },\n}')
    return DOC, "}", None  # the parser fails at the closing brace after the comma


@fault("json-syntax", "unclosed-string")
def _(root):
    edit_raw(root, DOC, '"language": "en"', '"language": "en')
    return DOC, '"language": "en', None


@fault("json-not-utf8", "latin-1-byte")
def _(root):
    path = root / DOC
    path.write_bytes(path.read_bytes().replace(b'"Example News"', b'"Exampl\xe9 News"'))
    return DOC, "Exampl", None


@fault("json-bom", "byte-order-mark")
def _(root):
    path = root / DOC
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return DOC, '{', None


@fault("json-duplicate-key", "label-twice")
def _(root):
    edit_raw(root, DOC, '"label": "DATE",', '"label": "DATE",\n      "label": "TIME",')
    return DOC, '"label": "TIME"', "/entities/2/label"


@fault("json-invalid-constant", "nan-offset")
def _(root):
    edit_raw(root, DOC, '"notes": null', '"notes": NaN')
    return DOC, '"notes": NaN', None


@fault("json-invalid-constant", "infinity")
def _(root):
    edit_raw(root, DOC, '"notes": null', '"notes": -Infinity')
    return DOC, '"notes": -Infinity', None


@fault("json-too-deep", "nested-notes")
def _(root):
    edit_raw(root, DOC, '"notes": null', '"notes": ' + "[" * 40 + "]" * 40)
    return DOC, None, None


@fault("text-not-utf8", "latin-1-text")
def _(root):
    path = root / TXT
    path.write_bytes(path.read_bytes().replace("’".encode(), b"\x92"))
    return TXT, "Acme", None


@fault("text-bom", "byte-order-mark")
def _(root):
    path = root / TXT
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return TXT, None, None


@fault("text-hash-mismatch", "crlf-line-endings")
def _(root):
    path = root / TXT
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    return DOC, '"text_sha256"', "/text_sha256"


@fault("text-hash-mismatch", "edited-text")
def _(root):
    path = root / TXT
    path.write_bytes(path.read_bytes().replace(b"records", b"recants"))
    return DOC, '"text_sha256"', "/text_sha256"


@fault("duplicate-text", "same-text-twice")
def _(root):
    shutil.copy(root / TXT, root / "annotations" / "acme-copy.txt")
    shutil.copy(root / DOC, root / "annotations" / "acme-copy.json")
    edit_raw(root, "annotations/acme-copy.json", f'"id": "{ID}"', '"id": "acme-copy"')
    return "annotations/acme-copy.txt", None, None


@fault("schema-required", "missing-label")
def _(root):
    edit_doc(root, lambda d: d["entities"][3].pop("label"))
    return DOC, '^"text": "2 million"', "/entities/3"


@fault("schema-required", "missing-metadata-split")
def _(root):
    edit_doc(root, lambda d: d["metadata"].pop("split"))
    return DOC, '"metadata"', "/metadata"


@fault("schema-additional-properties", "typo-in-field-name")
def _(root):
    edit_raw(root, DOC, '"certainty": "certain",', '"certainty": "certain",\n      "certainity": "certain",')
    return DOC, '^"text": "hackers stole 2 million records"', "/claims/0"


@fault("schema-type", "offset-as-string")
def _(root):
    edit_doc(root, lambda d: d["entities"][4].update(start=str(d["entities"][4]["start"])))
    return DOC, '"start": "', "/entities/4/start"


@fault("schema-type", "about-not-a-list")
def _(root):
    edit_doc(root, lambda d: d["claims"][1].update(about="acme_corp"))
    return DOC, '"about": "acme_corp"', "/claims/1/about"


@fault("schema-type", "offset-with-fraction")
def _(root):  # 9.0 is an integer to JSON Schema; an offset must be one as written
    start = base_document()["entities"][4]["start"]
    edit_raw(root, DOC, f'"start": {start},', f'"start": {start}.0,')
    return DOC, f'"start": {start}.0', "/entities/4/start"


@fault("schema-type", "offset-with-exponent")
def _(root):
    edit_raw(root, DOC, '"end": 20,', '"end": 1e30,')
    return DOC, '"end": 1e30', "/segments/0/end"


@fault("json-lone-surrogate", "unpaired-escape-in-source-name")
def _(root):
    edit_raw(root, DOC, '"name": "Example News"', '"name": "Example \\ud800News"')
    return DOC, '"name": "Example', "/metadata/source/name"


@fault("json-lone-surrogate", "unpaired-low-escape-in-key")
def _(root):
    edit_raw(root, DOC, '"split": "train"', '"split": "train",\n    "\\udc80": 1')
    return DOC, '"metadata"', "/metadata"


@fault("schema-enum", "unknown-label")
def _(root):
    edit_doc(root, lambda d: d["entities"][5].update(label="COMPANY"))
    return DOC, '"label": "COMPANY"', "/entities/5/label"


@fault("schema-enum", "unknown-certainty")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(certainty="sure"))
    return DOC, '"certainty": "sure"', "/claims/0/certainty"


@fault("schema-pattern", "path-traversal-id")
def _(root):
    edit_doc(root, lambda d: d.update(id="../x"))
    return DOC, '"id": "../x"', "/id"


@fault("schema-pattern", "upper-case-hash")
def _(root):
    edit_doc(root, lambda d: d.update(text_sha256=d["text_sha256"].upper()))
    return DOC, '"text_sha256"', "/text_sha256"


@fault("schema-pattern", "bad-date")
def _(root):
    edit_doc(root, lambda d: d["metadata"].update(published="March 2024"))
    return DOC, '"published": "March 2024"', "/metadata/published"


@fault("schema-minimum", "negative-offset")
def _(root):
    edit_doc(root, lambda d: d["entities"][2].update(start=-1))
    return DOC, '"start": -1', "/entities/2/start"


@fault("schema-min-length", "empty-normalized")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(normalized=""))
    return DOC, '"normalized": ""', "/claims/0/normalized"


@fault("schema-max-length", "very-long-mention-id")
def _(root):
    edit_doc(root, lambda d: d["entities"][0].update(id="m" * 65))
    return DOC, '"id": "mmmm', "/entities/0/id"


@fault("schema-unique-items", "about-repeats-a-key")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(about=["acme_corp", "acme_corp"]))
    return DOC, '"about"', "/claims/0/about"


@fault("schema-any-of", "claimer-capitalised")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(claimer="Author"))
    return DOC, '"claimer": "Author"', "/claims/0/claimer"


@fault("schema-not", "registry-key-author")
def _(root):
    edit_raw(root, "annotations/entities.json", '"key": "reuters"', '"key": "author"')
    edit_doc(root, lambda d: (d["entities"].pop(5), d["claims"][1].update(claimer="author", attribution="asserted")))
    return "annotations/entities.json", '"key": "author"', "/entities/2/key"


@fault("id-mismatch", "id-differs-from-file-name")
def _(root):
    edit_doc(root, lambda d: d.update(id="acme-hack"))
    return DOC, '"id": "acme-hack"', "/id"


@fault("span-out-of-range", "end-past-text")
def _(root):
    edit_doc(root, lambda d: d["segments"][2].update(end=len(TEXT) + 3))
    return DOC, None, "/segments/2"


@fault("span-reversed", "start-after-end")
def _(root):
    edit_doc(root, lambda d: d["claims"][1].update(start=d["claims"][1]["end"] + 2))
    return DOC, '^"text": "The FBI is investigating"', "/claims/1"


@fault("span-reversed", "empty-span")
def _(root):
    edit_doc(root, lambda d: d["entities"][2].update(end=d["entities"][2]["start"]))
    return DOC, '^"text": "Monday"', "/entities/2"


@fault("span-text-mismatch", "text-differs")
def _(root):
    edit_doc(root, lambda d: d["entities"][5].update(text="Reuter"))
    return DOC, '"text": "Reuter"', "/entities/5/text"


@fault("span-text-mismatch", "offsets-in-bytes-not-code-points")
def _(root):
    def shift(d):
        m = d["entities"][1]  # after the curly quotes: byte offsets are 8 larger
        m["start"] += 8
        m["end"] += 8
    edit_doc(root, shift)
    return DOC, None, "/entities/1/text"


@fault("span-whitespace", "trailing-space")
def _(root):
    def widen(d):
        d["claims"][0]["start"] -= 1
        d["claims"][0]["text"] = " " + d["claims"][0]["text"]
    edit_doc(root, widen)
    return DOC, '^"text": " hackers stole 2 million records"', "/claims/0"


def insert_in_text(root: Path, position: int, inserted: str, *, widen: bool) -> None:
    """Insert characters into the raw text at ``position``, moving every offset after it (and the ends
    at it when ``widen``), and re-pin the text: the only fault is then the inserted characters."""
    text = TEXT[:position] + inserted + TEXT[position:]
    (root / TXT).write_bytes(text.encode("utf-8"))

    def shift(d):
        d["text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        for group in ("segments", "entities", "claims"):
            for item in d[group]:
                if item["start"] > position:
                    item["start"] += len(inserted)
                if item["end"] > position or (widen and item["end"] == position):
                    item["end"] += len(inserted)
                if "text" in item:
                    item["text"] = text[item["start"]:item["end"]]
    edit_doc(root, shift)


@fault("span-invisible-edge", "zero-width-space-after-a-mention")
def _(root):
    insert_in_text(root, span("Reuters")[1], "\u200b", widen=True)
    return DOC, '^"text": "Reuters', "/entities/5"


@fault("span-invisible-edge", "bidi-mark-before-a-claim")
def _(root):
    insert_in_text(root, span("The FBI")[0], "\u200f", widen=False)  # the claim now starts with the mark
    return DOC, '^"claimer": "reuters"', "/claims/1"


@fault("span-splits-character", "mention-before-a-combining-accent")
def _(root):
    insert_in_text(root, span("Monday")[1], "\u0301", widen=False)
    return DOC, '^"text": "Monday"', "/entities/2"


@fault("date-impossible", "february-31")
def _(root):
    edit_doc(root, lambda d: d["metadata"].update(published="2024-02-31"))
    return DOC, '"published": "2024-02-31"', "/metadata/published"


@fault("text-blank", "title-of-spaces")
def _(root):
    edit_doc(root, lambda d: d["metadata"].update(title="   "))
    return DOC, '"title": "   "', "/metadata/title"


@fault("text-blank", "normalized-of-a-newline")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(normalized="\n"))
    return DOC, '"normalized": "\\n"', "/claims/0/normalized"


@fault("attribution-contradicts-claimer", "source-asserted")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(attribution="asserted"))
    return DOC, '"attribution": "asserted"', "/claims/0/attribution"


@fault("attribution-contradicts-claimer", "author-reported")
def _(root):
    edit_doc(root, lambda d: d["claims"][1].update(claimer="author"))
    return DOC, None, "/claims/1/attribution"


@fault("segment-overlap", "segments-overlap")
def _(root):
    edit_doc(root, lambda d: d["segments"][1].update(start=d["segments"][0]["end"] - 3))
    return DOC, None, "/segments/1"


@fault("segment-gap", "text-outside-segments")
def _(root):
    edit_doc(root, lambda d: d["segments"].pop(0))
    return DOC, None, "/segments/0"


@fault("label-in-boilerplate", "mention-in-furniture")
def _(root):
    def add(d):
        start, end = span("Share")
        d["entities"].append({"id": "m7", "start": start, "end": end, "text": "Share", "label": "CARDINAL",
                              "entity": None})
    edit_doc(root, add)
    return DOC, '^"text": "Share"', "/entities/6"


@fault("mention-overlap", "nested-mentions")
def _(root):
    def add(d):
        start, end = span("Corp", 1)
        d["entities"].insert(2, {"id": "m9", "start": start, "end": end, "text": "Corp", "label": "ORG",
                                 "entity": "acme_corp"})
    edit_doc(root, add)
    return DOC, '^"text": "Corp"', "/entities/2"


@fault("mention-cut-by-tokenizer", "mention-inside-a-word")
def _(root):
    def add(d):
        start, _ = span("hackers")
        d["entities"].append({"id": "m7", "start": start, "end": start + 4, "text": "hack", "label": "CARDINAL",
                              "entity": None})
    edit_doc(root, add)
    return DOC, '^"text": "hack"', "/entities/6"


@fault("mention-crosses-sentence", "mention-across-a-full-stop")
def _(root):
    def add(d):
        start, end = span("records. The")
        d["entities"].append({"id": "m7", "start": start, "end": end, "text": "records. The",
                              "label": "CARDINAL", "entity": None})
    edit_doc(root, add)
    return DOC, '^"text": "records. The"', "/entities/6"


@fault("duplicate-id", "two-claims-c1")
def _(root):
    edit_doc(root, lambda d: d["claims"][1].update(id="c1"))
    return DOC, None, "/claims/1/id"


@fault("duplicate-id", "mention-and-claim-share-an-id")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(id="m1"))
    return DOC, None, "/claims/0/id"


@fault("unknown-entity", "dangling-entity-key")
def _(root):
    edit_doc(root, lambda d: d["entities"][5].update(entity="reuter"))
    return DOC, '"entity": "reuter"', "/entities/5/entity"


@fault("unknown-claimer", "dangling-claimer")
def _(root):
    edit_doc(root, lambda d: d["claims"][0].update(claimer="acme_spokesperson"))
    return DOC, '"claimer": "acme_spokesperson"', "/claims/0/claimer"


@fault("unknown-about-entity", "about-names-a-missing-key")
def _(root):
    edit_doc(root, lambda d: d["claims"][0]["about"].append("hackers"))
    return DOC, '"hackers"', "/claims/0/about/1"


@fault("unknown-proposition", "dangling-proposition")
def _(root):
    edit_doc(root, lambda d: d["claims"].append({**d["claims"][1], "id": "c3", "proposition": "fbi_investigating"}))
    return DOC, '"proposition": "fbi_investigating"', "/claims/2/proposition"


@fault("entity-type-mismatch", "label-contradicts-registry")
def _(root):
    edit_doc(root, lambda d: d["entities"][5].update(label="PERSON"))
    return DOC, '"label": "PERSON"', "/entities/5/label"


@fault("mention-unlinked", "named-mention-without-entity")
def _(root):
    def add(d):
        start, end = span("hackers")
        d["entities"].insert(4, {"id": "m7", "start": start, "end": end, "text": "hackers", "label": "NORP",
                                 "entity": None})
    edit_doc(root, add)
    return DOC, None, "/entities/4/entity"


@fault("article-unlabelled", "skeleton-left-as-made")
def _(root):
    # a second article as `cyberclaims new` makes it: metadata and segments, no labels, no annotators
    text = "Another article, not labelled yet."
    annotations = root / "annotations"
    (annotations / "acme-skeleton.txt").write_bytes(text.encode("utf-8"))
    doc = base_document()
    doc.update(id="acme-skeleton", text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
               segments=[{"start": 0, "end": len(text), "kind": "body"}], entities=[], claims=[], annotators=[])
    doc["metadata"] = {**doc["metadata"], "title": None, "source": {**doc["metadata"]["source"], "url": None,
                                                                    "origin": "acme-skeleton.txt"}}
    (annotations / "acme-skeleton.json").write_text(dumps(doc), encoding="utf-8")
    return "annotations/acme-skeleton.json", '"entities": []', "/entities"


@fault("registry-duplicate-key", "entity-listed-twice")
def _(root):
    edit_raw(root, "annotations/entities.json", '  ]\n}', '    ,{"key": "reuters", "name": "Reuters", "type": "ORG", '
             '"aliases": [], "description": "again"}\n  ]\n}')
    return "annotations/entities.json", '"description": "again"', "/entities/3"


def edit_registry(root: Path, name: str, change: Callable[[dict], None]) -> None:
    path = root / "annotations" / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(dumps(data), encoding="utf-8")


@fault("registry-duplicate-external-id", "one-wikidata-id-on-two-entities")
def _(root):
    def ids(d):
        source = "https://example.org/where-it-was-found"
        d["entities"][1]["external_ids"] = [{"db_name": "wikidata", "db_id": "Q8333", "source": source}]
        d["entities"][2]["external_ids"] = [{"db_name": "wikidata", "db_id": "Q8333", "source": source}]
    edit_registry(root, "entities.json", ids)
    return "annotations/entities.json", None, "/entities/2/external_ids/0"


@fault("schema-pattern", "wikidata-id-without-q")
def _(root):
    def ids(d):
        d["entities"][1]["external_ids"] = [
            {"db_name": "wikidata", "db_id": "8333", "source": "https://example.org/where-it-was-found"}
        ]
    edit_registry(root, "entities.json", ids)
    return "annotations/entities.json", None, "/entities/1/external_ids/0/db_id"


@fault("attribution-unknown-entity", "attribution-actor-not-in-registry")
def _(root):
    def attribution(d):
        d["propositions"][0]["attribution"] = {"actor": "guardians_of_acme", "topic": "acme-breach-2024"}
    edit_registry(root, "propositions.json", attribution)
    return "annotations/propositions.json", None, "/propositions/0/attribution/actor"


@fault("unknown-event", "event-not-in-registry")
def _(root):
    edit_raw(root, DOC, '"event": "acme_records_stolen"', '"event": "acme_records_stolen_twice"')
    (root / "annotations" / "events.json").write_text(dumps({"events": EVENTS["events"][1:]}), encoding="utf-8")
    return DOC, '"event": "acme_records_stolen_twice"', "/claims/0/event"


@fault("missing-registry", "no-events-json")
def _(root):
    (root / "annotations" / "events.json").unlink()
    (root / "annotations" / "propositions.json").write_text(dumps({"propositions": []}), encoding="utf-8")
    edit_doc(root, lambda d: d.update(claims=[]))
    return "annotations/events.json", None, None


@fault("provenance-missing", "gold-without-provenance")
def _(root):
    edit_doc(root, lambda d: d.pop("provenance"))
    return DOC, None, ""


@fault("provenance-missing", "labelled-layer-recorded-null")
def _(root):
    edit_doc(root, lambda d: d["provenance"].update(claims=None))
    return DOC, '"claims": null', "/provenance/claims"


@fault("provenance-missing", "pass-layer-null-though-labelled")
def _(root):
    folder = make_pass(root, record=False)
    document = json.loads((folder / f"{ID}.json").read_text(encoding="utf-8"))
    document["provenance"]["alignment"] = None  # its claims carry proposition and event keys
    (folder / f"{ID}.json").write_text(dumps(document), encoding="utf-8")
    make_register(root)
    return f"annotations/passes/pass-a/{ID}.json", '"alignment": null', "/provenance/alignment"


@fault("provenance-missing", "pass-of-no-layer")
def _(root):
    folder = make_pass(root, record=False)
    document = json.loads((folder / f"{ID}.json").read_text(encoding="utf-8"))
    document["provenance"] = dict.fromkeys(document["provenance"])  # each labelled layer says so too
    (folder / f"{ID}.json").write_text(dumps(document), encoding="utf-8")
    make_register(root)
    return f"annotations/passes/pass-a/{ID}.json", '"provenance": {', "/provenance"


@fault("provenance-invalid", "pass-layer-adjudicated")
def _(root):
    folder = make_pass(root, record=False)
    document = json.loads((folder / f"{ID}.json").read_text(encoding="utf-8"))
    document["provenance"]["claims"] = made_by("pass-a-annotator", method="adjudicated", passes=["pass-b"])
    (folder / f"{ID}.json").write_text(dumps(document), encoding="utf-8")
    make_register(root)
    return f"annotations/passes/pass-a/{ID}.json", '"method": "adjudicated"', "/provenance/claims/method"


@fault("provenance-unknown-pass", "adjudicated-from-a-missing-pass")
def _(root):
    make_pass(root)
    edit_doc(root, lambda d: d["provenance"].update(
        claims=made_by("adjudicator", method="adjudicated", passes=["pass-a", "pass-z"])))
    return DOC, '"pass-z"', "/provenance/claims/passes/1"


@fault("span-origin-missing", "suggested-layer-span-without-origin")
def _(root):
    def change(d):
        d["provenance"]["entities"]["suggestions"] = {"system": "baseline:gazetteer", "version": "1", "file": None}
        for i, m in enumerate(d["entities"]):
            if i:
                m["origin"] = {"kind": "manual", "suggestion": None}
    edit_doc(root, change)
    return DOC, '^"id": "m1"', "/entities/0"


@fault("span-origin-unexpected", "origin-without-suggestions")
def _(root):
    edit_doc(root, lambda d: d["claims"][1].update(origin={"kind": "manual", "suggestion": None}))
    return DOC, None, "/claims/1/origin"


@fault("span-origin-unexpected", "kept-suggestion-names-none")
def _(root):
    def change(d):
        d["provenance"]["claims"]["suggestions"] = {"system": "baseline:rules", "version": "1", "file": None}
        for c in d["claims"]:
            c["origin"] = {"kind": "manual", "suggestion": None}
        d["claims"][0]["origin"] = {"kind": "suggested", "suggestion": None}
    edit_doc(root, change)
    return DOC, None, "/claims/0/origin/suggestion"


@fault("span-origin-dangling", "origin-names-a-suggestion-not-delivered")
def _(root):
    folder = make_pass(root, record=False)
    path = folder / f"{ID}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["provenance"]["claims"]["suggestions"] = {"system": "baseline:rules", "version": "1",
                                                       "file": "SUGGESTIONS.json"}
    document["claims"][0]["origin"] = {"kind": "suggested", "suggestion": "s1"}
    document["claims"][1]["origin"] = {"kind": "edited", "suggestion": "s9"}
    path.write_text(dumps(document), encoding="utf-8")
    start, end = span("hackers stole 2 million records")
    suggestions = {"system": "baseline:rules", "model_version": "1", "articles": [
        {"id": ID, "claims": [{"id": "s1", "start": start, "end": end, "text": TEXT[start:end],
                               "claimer": "acme_corp", "attribution": "reported", "certainty": "certain"}]}]}
    (folder / "SUGGESTIONS.json").write_text(dumps(suggestions), encoding="utf-8")
    make_register(root)
    return f"annotations/passes/pass-a/{ID}.json", None, None


@fault("pass-file-unrecorded", "pass-never-recorded")
def _(root):
    make_pass(root, record=False)
    (root / "annotations" / "passes" / "SHA256SUMS").write_text("", encoding="utf-8")
    return f"annotations/passes/pass-a/{ID}.json", None, None


@fault("pass-file-changed", "pass-edited-after-recording")
def _(root):
    folder = make_pass(root)
    edit_raw(root, f"annotations/passes/pass-a/{ID}.json", '"certainty": "certain"', '"certainty": "probable"')
    return f"annotations/passes/pass-a/{ID}.json", None, None


@fault("pass-file-missing", "recorded-pass-file-deleted")
def _(root):
    folder = make_pass(root)
    (folder / "INSTRUCTIONS.md").write_text("Other instructions.\n", encoding="utf-8")
    make_register(root)
    (folder / "notes.md").write_text("Notes.\n", encoding="utf-8")
    make_register(root)
    (folder / "notes.md").unlink()
    return "annotations/passes/SHA256SUMS", None, None


@fault("pass-instructions-missing", "pass-without-instructions")
def _(root):
    folder = make_pass(root, record=False)
    (folder / "INSTRUCTIONS.md").unlink()
    make_register(root)
    return "annotations/passes/pass-a", None, None


@fault("pass-register-invalid", "register-line-without-two-spaces")
def _(root):
    make_pass(root)
    register = root / "annotations" / "passes" / "SHA256SUMS"
    digest = hashlib.sha256((root / "annotations" / "passes" / "pass-a" / "INSTRUCTIONS.md").read_bytes()).hexdigest()
    # a hand-edited line the register cannot read, before a well-formed one for the same file
    register.write_text(f"{digest} pass-a/INSTRUCTIONS.md\n" + register.read_text(encoding="utf-8"), encoding="utf-8")
    return "annotations/passes/SHA256SUMS", f"{digest} pass-a", None


def make_register(root: Path) -> None:
    """The register of every pass file as it is now (what `cyberclaims passes record` writes for new files)."""
    passes = root / "annotations" / "passes"
    lines = ""
    for folder in sorted(p for p in passes.iterdir() if p.is_dir()):
        for file in sorted(p.name for p in folder.iterdir()):
            lines += f"{hashlib.sha256((folder / file).read_bytes()).hexdigest()}  {folder.name}/{file}\n"
    (passes / "SHA256SUMS").write_text(lines, encoding="utf-8")


@fault("registry-unused-entry", "proposition-nobody-states")
def _(root):
    edit_raw(root, "annotations/propositions.json", '  ]\n}',
             '    ,{"key": "acme_pays_ransom", "statement": "Acme Corp paid a ransom."}\n  ]\n}')
    return "annotations/propositions.json", None, None


# ---------------------------------------------------------------------------------------------
# Adjudication: passes pass-a and pass-b disagree on one claim's certainty; the decisions file decides it.

ADJUDICATION_GUIDELINES = """# Guidelines

## 10. Certainty

### 10.2 Rules

1. A cue counts only when it scopes over the proposition.
"""


def adjudication_decision(**change) -> dict:
    start, end = span("hackers stole 2 million records")
    return {"layer": "certainty",
            "where": {"article": ID, "start": start, "end": end, "text": "hackers stole 2 million records",
                      "claim_a": "c1", "claim_b": "c1"},
            "a": "certain", "b": "probable", "choice": "a", "value": "certain", "section": "10.2.1",
            "why": "no cue scopes over the theft", **change}


def make_adjudicated(root: Path, decisions: list[dict] | None = None, passes: list[str] | None = None) -> None:
    """Two recorded passes that disagree on the certainty of claim c1, the guidelines, a decisions file
    (by default: the one decision, pass A chosen) and the ADJUDICATION.md it generates."""
    from cyberclaims.core.adjudication import render_report

    make_pass(root, "pass-a", record=False)
    folder = make_pass(root, "pass-b", record=False)
    edit_raw(root, f"annotations/passes/pass-b/{ID}.json", '"certainty": "certain"', '"certainty": "probable"')
    make_register(root)
    annotations = root / "annotations"
    (annotations / "GUIDELINES.md").write_text(ADJUDICATION_GUIDELINES, encoding="utf-8")
    record = {"passes": passes or ["pass-a", "pass-b"], "adjudicator": {"id": "adjudicator-1", "type": "person"},
              "guidelines": "3.0", "date": "2026-12-05",
              "decisions": [adjudication_decision()] if decisions is None else decisions}
    (annotations / "adjudication.json").write_text(dumps(record), encoding="utf-8")
    (annotations / "ADJUDICATION.md").write_text(render_report(record), encoding="utf-8")


DECISIONS = "annotations/adjudication.json"


@fault("adjudication-undecided", "disagreement-without-decision")
def _(root):
    make_adjudicated(root, decisions=[])
    return DECISIONS, '"decisions": []', "/decisions"


@fault("adjudication-unknown-pass", "decisions-name-a-missing-pass")
def _(root):
    make_adjudicated(root, passes=["pass-a", "pass-z"])
    return DECISIONS, '"pass-z"', "/passes/1"


@fault("adjudication-unknown-article", "decision-on-an-article-not-in-the-passes")
def _(root):
    decision = adjudication_decision()
    decision["where"]["article"] = "acme-other"
    make_adjudicated(root, decisions=[decision])
    return DECISIONS, None, "/decisions/0/where"


@fault("adjudication-unknown-section", "section-not-in-the-guidelines")
def _(root):
    make_adjudicated(root, decisions=[adjudication_decision(section="10.3")])
    return DECISIONS, '"section": "10.3"', "/decisions/0/section"


@fault("adjudication-unknown-item", "claim-id-in-no-pass")
def _(root):
    wrong = adjudication_decision()
    wrong["where"]["claim_b"] = "c9"
    make_adjudicated(root, decisions=[adjudication_decision(), wrong])
    return DECISIONS, None, "/decisions/1/where"


@fault("adjudication-pass-mismatch", "pass-b-misquoted")
def _(root):
    make_adjudicated(root, decisions=[adjudication_decision(b="possible")])
    return DECISIONS, '"b": "possible"', "/decisions/0/b"


@fault("adjudication-choice-inconsistent", "pass-b-chosen-with-pass-a-value")
def _(root):
    make_adjudicated(root, decisions=[adjudication_decision(choice="b")])
    return DECISIONS, '"choice": "b"', "/decisions/0/choice"


@fault("adjudication-duplicate-decision", "one-item-decided-twice")
def _(root):
    make_adjudicated(root, decisions=[adjudication_decision(), adjudication_decision(why="again")])
    return DECISIONS, None, "/decisions/1"


@fault("adjudication-gold-differs", "gold-holds-another-certainty")
def _(root):
    make_adjudicated(root)
    edit_doc(root, lambda d: d["claims"][0].update(certainty="possible"))
    return DECISIONS, '"value": "certain"', "/decisions/0/value"


@fault("adjudication-added-claim-text", "added-claim-statement-of-a-pass-key")
def _(root):
    start, end = span("hackers stole 2 million records")
    added = {"layer": "claim",
             "where": {"article": ID, "start": start, "end": end, "text": "hackers stole 2 million records",
                       "claim_a": None, "claim_b": None, "claim_gold": "c1"},
             "a": None, "b": None, "choice": "neither",
             "value": {"start": start, "end": end, "text": "hackers stole 2 million records",
                       "proposition": "acme_records_stolen",
                       "statement": "Hackers stole 2 million records from Acme Corp."},
             "section": "10.2.1", "why": "missed by both"}
    make_adjudicated(root, decisions=[adjudication_decision(), added])
    return DECISIONS, '"statement": "Hackers stole 2 million records from Acme Corp."', "/decisions/1/value/statement"


@fault("adjudication-report-stale", "report-edited-by-hand")
def _(root):
    make_adjudicated(root)
    edit_raw(root, "annotations/ADJUDICATION.md", "no cue scopes over the theft", "pass A looked right")
    return "annotations/ADJUDICATION.md", "pass A looked right", None


def _expected_line(path: Path, marker: str) -> int:
    """The line holding ``marker``; with a leading ``^``, the opening brace of the object around it
    (a missing or unknown field is reported where its object starts)."""
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    opening = marker.startswith("^")
    marker = marker.lstrip("^")
    hits = [n for n, text in enumerate(lines, 1) if marker in text]
    line = hits[-1] if marker == "}" else hits[0]
    if opening:
        while lines[line - 1].strip() not in ("{", ",{") and not lines[line - 1].strip().startswith("{"):
            line -= 1
    return line


def _built_dataset_faults(invalid: Path) -> int:
    """Faults of a built dataset folder, checked with `cyberclaims validate dataset`. Each edit is re-signed
    in SHA256SUMS (as a hostile or careless editor would): the check must not rest on the manifest."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cyberclaims.dataset.build import build, write_manifest

    def shard(root: Path, config: str) -> Path:
        return root / "dataset" / "data" / config / "train-00000-of-00001.parquet"

    def set_column(path: Path, name: str, change) -> None:
        table = pq.read_table(path)
        field = table.schema.field(name)
        values = [change(v) for v in table.column(name).to_pylist()]
        pq.write_table(table.set_column(table.schema.get_field_index(name), field, pa.array(values, field.type)), path)

    def truncated(root):
        shard(root, "documents").write_bytes(shard(root, "documents").read_bytes()[:200])
        return "dataset/data/documents/train-00000-of-00001.parquet"

    def extra_column(root):
        table = pq.read_table(shard(root, "documents"))
        pq.write_table(table.append_column("extra", pa.array(["x"] * table.num_rows)), shard(root, "documents"))
        return "dataset/data/documents/train-00000-of-00001.parquet"

    def claim_edited(root):
        set_column(shard(root, "claims"), "certainty", lambda v: 1)  # certain -> probable
        return "dataset/data/claims/train-00000-of-00001.parquet"

    def ner_tokens_edited(root):
        set_column(shard(root, "ner"), "tokens", lambda words: [w.upper() for w in words])
        return "dataset/data/ner/train-00000-of-00001.parquet"

    def entity_count_edited(root):
        set_column(shard(root, "entities"), "mention_count", lambda n: n + 1)
        return "dataset/data/entities/train-00000-of-00001.parquet"

    def config_deleted(root):
        shutil.rmtree(root / "dataset" / "data" / "ner")
        return "dataset/data/ner"

    def shard_copied(root):
        shutil.copy(shard(root, "ner"), shard(root, "ner").with_name("train-00000-of-00001 (copy).parquet"))
        return "dataset/data/ner/train-00000-of-00001 (copy).parquet"

    def tag_minus_one(root):
        set_column(shard(root, "ner"), "ner_tags", lambda tags: [-1] * len(tags))
        return "dataset/data/ner/train-00000-of-00001.parquet"

    def text_null(root):
        set_column(shard(root, "documents"), "text", lambda text: None)
        return "dataset/data/documents/train-00000-of-00001.parquet"

    def card_size_edited(root):  # the card says one example more than the rows: load_dataset refuses it
        card = root / "dataset" / "README.md"
        text = card.read_text(encoding="utf-8")
        marker = text.index("- config_name: documents\n", text.index("dataset_info:"))
        start = text.index("num_examples: ", marker) + len("num_examples: ")
        end = text.index("\n", start)
        card.write_text(text[:start] + str(int(text[start:end]) + 1) + text[end:], encoding="utf-8")
        return "dataset/README.md"

    faults = [("dataset-unreadable", "truncated-shard", truncated),
              ("dataset-schema-mismatch", "extra-column", extra_column),
              ("dataset-derived-mismatch", "claim-row-edited", claim_edited),
              ("dataset-derived-mismatch", "ner-tokens-edited", ner_tokens_edited),
              ("dataset-derived-mismatch", "entity-mention-count-edited", entity_count_edited),
              ("dataset-derived-mismatch", "ner-config-deleted", config_deleted),
              ("dataset-shard-layout", "shard-present-twice", shard_copied),
              ("dataset-label-out-of-range", "ner-tag-minus-one", tag_minus_one),
              ("dataset-text-missing", "text-null-in-a-full-dataset", text_null),
              ("dataset-card-mismatch", "split-size-edited", card_size_edited)]
    for code, name, make in faults:
        root = invalid / code / name
        write_base(root)
        build(root, show_progress=False)
        file = make(root)
        write_manifest(root / "dataset")
        case = {"code": code, "file": file, "line": None, "pointer": None, "args": ["validate", "dataset"],
                "description": name.replace("-", " ")}
        (root / "case.json").write_text(dumps(case), encoding="utf-8")
    return len(faults)


def generate() -> int:
    valid = HERE / "valid" / "minimal"
    shutil.rmtree(valid, ignore_errors=True)
    write_base(valid)
    adjudicated = HERE / "valid" / "adjudicated"
    shutil.rmtree(adjudicated, ignore_errors=True)
    write_base(adjudicated)
    make_adjudicated(adjudicated)
    invalid = HERE / "invalid"
    shutil.rmtree(invalid, ignore_errors=True)
    count = 0
    for code, faults in sorted(FAULTS.items()):
        for name, make in faults.items():
            root = invalid / code / name
            write_base(root)
            file, marker, pointer = make(root)
            line = None
            if marker is not None:
                line = _expected_line(root / file, marker)
            case = {"code": code, "file": file, "line": line, "pointer": pointer,
                    "description": name.replace("-", " ")}
            if code == "file-unreadable" and name == "no-annotations-folder":
                case["status"] = 2  # not a repository: a usage error, whatever the command (README, Commands)
            (root / "case.json").write_text(dumps(case), encoding="utf-8")
            count += 1
    return count + _built_dataset_faults(invalid)


if __name__ == "__main__":
    print(f"wrote {generate()} invalid cases and 2 valid cases under {HERE}")
