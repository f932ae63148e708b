"""Write a synthetic CyberClaims repository root with N valid articles, for benchmarks and tests.

    python benchmarks/synth.py --articles 1000 --out /tmp/synth-1k
    cyberclaims --root /tmp/synth-1k validate

Each article has about 2,800 characters of text, 61 mentions and 15 claims (the sizes the scale
targets were set for); its annotation file, indented like the real ones, is about 18 KB. Everything
comes from a seed: the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
from pathlib import Path

FIRST = ["Alex", "Maria", "Chen", "Priya", "Tom", "Ana", "Kenji", "Lena", "Omar", "Sofia"]
LAST = ["Novak", "Garcia", "Li", "Sharma", "Berg", "Costa", "Sato", "Weber", "Haddad", "Rossi"]
ORGS = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Group",
    "Stark Labs",
    "Wayne Systems",
    "Hooli",
    "Vandelay Industries",
    "Cyberdyne",
    "Soylent Networks",
]
GPES = ["Freedonia", "Sylvania", "Latveria", "Genovia", "Wakanda", "Zubrowka", "Elbonia", "Qumar"]
NORPS = ["Freedonian", "Sylvanian", "Latverian", "Genovian"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
FILLER = [
    "reportedly",
    "according to internal documents",
    "in a statement released late on",
    "after weeks of speculation",
    "in what analysts described as a serious incident",
]


def _key(name: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


class _Writer:
    """Accumulates text and mentions so offsets are computed, never guessed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.mentions: list[dict] = []

    def add(self, text: str, label: str | None = None, entity: str | None = None) -> None:
        if label is not None:
            self.mentions.append(
                {
                    "id": f"m{len(self.mentions) + 1}",
                    "start": self.length,
                    "end": self.length + len(text),
                    "text": text,
                    "label": label,
                    "entity": entity,
                }
            )
        self.parts.append(text)
        self.length += len(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def make_article(number: int, rng: random.Random) -> tuple[str, str, dict, dict, dict]:
    """(id, text, annotation, entities used, propositions used) of one article."""
    article_id = f"synthetic-{number:06d}"
    w = _Writer()
    entities: dict[str, dict] = {}
    propositions: dict[str, dict] = {}

    def entity(name: str, label: str) -> str:
        key = _key(name)
        entities[key] = {"key": key, "name": name, "type": label, "aliases": [], "description": f"synthetic {label}"}
        return key

    org = rng.choice(ORGS)
    w.add(org, "ORG", entity(org, "ORG"))
    w.add(f" Breach Report {number}\n\n")
    segments = [{"start": 0, "end": w.length - 2, "kind": "title"}]
    claims = []
    body_start = w.length
    for sentence in range(15):
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        org, gpe, norp = rng.choice(ORGS), rng.choice(GPES), rng.choice(NORPS)
        start = w.length
        w.add(org, "ORG", entity(org, "ORG"))
        w.add(f" {rng.choice(FILLER)} said on ")
        w.add(f"{rng.randint(1, 28)} {rng.choice(MONTHS)}", "DATE")
        w.add(" that ")
        w.add(person, "PERSON", entity(person, "PERSON"))
        w.add(" and ")
        w.add(str(rng.randint(2, 9000)))  # unlabelled, as the NORP below: 4 mentions a sentence, 60 in all
        w.add(" " + rng.choice(["", "unnamed ", "senior "]) + "officials from ")
        w.add(gpe, "GPE", entity(gpe, "GPE"))
        w.add(" had investigated the ")
        w.add(norp)
        w.add(f" intrusion number {number * 100 + sentence} for several weeks")
        end = w.length
        w.add(".")
        proposition = f"claim_{rng.randint(0, 999):03d}"
        propositions[proposition] = {"key": proposition, "statement": f"Synthetic proposition {proposition}."}
        attribution = rng.choice(["asserted", "reported"])  # the author asserts; a source is reported
        claims.append(
            {
                "id": f"c{sentence + 1}",
                "start": start,
                "end": end,
                "text": w.text[start:end],
                "claimer": _key(org) if attribution == "reported" else "author",
                "attribution": attribution,
                "certainty": rng.choice(["certain", "probable", "possible"]),
                "normalized": f"{org} said that {person} investigated intrusion {number * 100 + sentence}.",
                "about": [_key(org), _key(person)],
                "proposition": proposition,
                "event": proposition,
            }
        )
        w.add("\n" if sentence % 5 == 4 else " ")
    text = w.text.rstrip("\n ")
    for line_start, line in _lines(text, body_start):
        segments.append({"start": line_start, "end": line_start + len(line), "kind": "body"})
    document = {
        "id": article_id,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "metadata": {
            "title": text[segments[0]["start"] : segments[0]["end"]],
            "source": {"name": "Synthetic News", "url": None, "origin": f"{article_id}.txt"},
            "published": f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}",
            "language": "en",
            "license": "CC0-1.0",
            "topic": "synthetic",
            "split": rng.choice(["train"] * 8 + ["validation", "test"]),
        },
        "segments": segments,
        "entities": w.mentions,
        "claims": claims,
        "annotators": ["synth"],
        "notes": None,
        "provenance": {layer: dict(PROVENANCE) for layer in ("entities", "links", "claims", "alignment")},
    }
    return article_id, text, document, entities, propositions


PROVENANCE = {
    "method": "annotated",
    "annotator": {"id": "synth", "type": "model", "model": "benchmarks/synth.py", "model_version": None},
    "suggestions": None,
    "guidelines": "3.0",
    "date": "2026-12-01",
}


def _lines(text: str, start: int):
    position = start
    for line in text[start:].split("\n"):
        if line.strip():
            yield position, line
        position += len(line) + 1


def write_corpus(out: Path, articles: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    annotations = Path(out) / "annotations"
    annotations.mkdir(parents=True, exist_ok=True)
    entities: dict[str, dict] = {}
    propositions: dict[str, dict] = {}
    for number in range(articles):
        article_id, text, document, used_entities, used_propositions = make_article(number, rng)
        (annotations / f"{article_id}.txt").write_bytes(text.encode("utf-8"))
        (annotations / f"{article_id}.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        entities.update(used_entities)
        propositions.update(used_propositions)
    (annotations / "entities.json").write_text(
        json.dumps({"entities": [entities[k] for k in sorted(entities)]}, indent=2) + "\n", encoding="utf-8"
    )
    (annotations / "propositions.json").write_text(
        json.dumps({"propositions": [propositions[k] for k in sorted(propositions)]}, indent=2) + "\n", encoding="utf-8"
    )
    guidelines = Path(__file__).resolve().parents[1] / "annotations" / "GUIDELINES.md"
    if guidelines.is_file():  # lint reads its cue tables from the guidelines
        shutil.copyfile(guidelines, annotations / "GUIDELINES.md")
    events = [{"key": k, "description": propositions[k]["statement"]} for k in sorted(propositions)]
    (annotations / "events.json").write_text(json.dumps({"events": events}, indent=2) + "\n", encoding="utf-8")
    return Path(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_corpus(args.out, args.articles, args.seed)
    print(f"wrote {args.articles} articles to {args.out}")


if __name__ == "__main__":
    main()
