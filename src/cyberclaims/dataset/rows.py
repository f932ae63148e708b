"""The rows of each config for one article (plain Python dicts, labels as strings).

Every generator yields rows in a fixed order (articles by id, spans by offset as in the source), so
the same sources always give the same rows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

from ..core.model import Article, RegistryView
from ..core.text import tokenize


def split_of(article: Article) -> str:
    return article.data["metadata"]["split"]


def document_row(article: Article) -> dict[str, Any]:
    data = article.data
    return {
        "id": data["id"],
        "text_sha256": data["text_sha256"],
        "metadata": data["metadata"],
        "text": article.text,
        "segments": data["segments"],
        "entities": data["entities"],
        "claims": data["claims"],
        "annotators": data["annotators"],
        "notes": data["notes"],
        "provenance": data.get("provenance"),
    }


def without_absent_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A documents row's annotation fields as the JSON Schema writes them: a column is typed for every row,
    so an optional field a file does not have (a span's ``origin``, a person's model, a layer's ``passes``,
    the ``provenance`` of a file without one) reads back as null, which the schema does not allow."""
    doc = dict(row)
    for name in ("entities", "claims"):
        doc[name] = [
            {k: v for k, v in span.items() if not (k == "origin" and v is None)} for span in doc.get(name) or []
        ]
    record = doc.get("provenance")
    if record is None:
        doc.pop("provenance", None)
        return doc
    layers = {}
    for layer, made in record.items():
        if made is not None:
            made = {k: v for k, v in made.items() if not (k == "passes" and v is None)}
            annotator = dict(made["annotator"])
            if annotator.get("type") == "person":
                annotator.pop("model", None)
                annotator.pop("model_version", None)
            made["annotator"] = annotator
        layers[layer] = made
    doc["provenance"] = layers
    return doc


def claim_rows(article: Article, registry: RegistryView) -> Iterator[dict[str, Any]]:
    """One row per claim of the article, with the sentence(s) around it."""
    sentences = article.sentences()  # in order and disjoint: the ones a claim touches are found by bisection
    sentence_ends = [e for _, e in sentences]
    for claim in article.data["claims"]:
        first = bisect_right(sentence_ends, claim["start"])  # the first sentence ending after the claim starts
        last = bisect_left(sentences, (claim["end"],)) - 1  # the last sentence starting before the claim ends
        start, end = (sentences[first][0], sentences[last][1]) if first <= last else (claim["start"], claim["end"])
        proposition = registry.proposition(claim["proposition"]) or {}
        event = registry.event(claim["event"]) or {}
        yield {
            "id": f"{article.id}:{claim['id']}",
            "article_id": article.id,
            "claim_id": claim["id"],
            "start": claim["start"],
            "end": claim["end"],
            "text": claim["text"],
            "sentence": article.text[start:end],
            "sentence_start": start,
            "sentence_end": end,
            "claimer": claim["claimer"],
            "attribution": claim["attribution"],
            "certainty": claim["certainty"],
            "normalized": claim["normalized"],
            "about": claim["about"],
            "proposition": claim["proposition"],
            "proposition_statement": proposition.get("statement"),
            "event": claim["event"],
            "event_description": event.get("description"),
        }


def ner_row_id(article: Article, number: int) -> str:
    return f"{article.id}:{number:04d}"


def ner_sentences(article: Article) -> Iterator[tuple[list[str], list[int], list[int], list[str]]]:
    """Per sentence outside boilerplate: its tokens' strings, starts, ends and IOB2 tags.

    The whole text is tokenized and tagged once; a sentence is a slice of that, except in the rare
    case where its range tokenizes differently (a segment cut where no whitespace follows).
    """
    text = article.text
    words, starts, ends = article.token_table()
    tags = ["O"] * len(starts)
    for mention in article.data["entities"]:  # validated: whole tokens, no overlaps
        first, stop = bisect_left(starts, mention["start"]), bisect_left(starts, mention["end"])
        if first < stop:
            tags[first] = "B-" + mention["label"]
            tags[first + 1 : stop] = ["I-" + mention["label"]] * (stop - first - 1)
    for segment in article.data["segments"]:
        if segment["kind"] == "boilerplate":
            continue
        for start, end in article.sentences(segment["start"], segment["end"]):
            found = article.token_range(start, end)
            if found is not None:
                i, j = found
                yield words[i:j], starts[i:j], ends[i:j], tags[i:j]
                continue
            spans = tokenize(text, start, end)
            tag_at = dict(zip(starts, tags))
            yield (
                [text[s:e] for s, e in spans],
                [s for s, _ in spans],
                [e for _, e in spans],
                [tag_at.get(s, "O") for s, _ in spans],
            )
