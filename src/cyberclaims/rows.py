"""The rows of each config for one article (plain Python dicts, labels as strings).

Every generator yields rows in a fixed order (articles by id, spans by offset as in the source), so
the same sources always give the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .sources import Article
from .text import tokenize
from .validate import Registry


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
    }








def claim_rows(article: Article, registry: Registry) -> Iterator[dict[str, Any]]:
    """One row per claim of the article, with the sentence(s) around it."""
    sentences = article.sentences()
    for claim in article.data["claims"]:
        around = [(s, e) for s, e in sentences if s < claim["end"] and claim["start"] < e]
        start, end = (around[0][0], around[-1][1]) if around else (claim["start"], claim["end"])
        proposition = registry.propositions.get(claim["proposition"], {})
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
        }


def ner(articles: list[Article]) -> Iterator[dict[str, Any]]:
    """One row per sentence outside boilerplate: tokens, their offsets and IOB2 tags."""
    for article in articles:
        yield from ner_rows(article)


def ner_rows(article: Article) -> Iterator[dict[str, Any]]:
    """The ner rows of one article."""
    text = article.text
    tag_at: dict[int, str] = {}
    for mention in article.data["entities"]:
        for number, (start, _) in enumerate(tokenize(text, mention["start"], mention["end"])):
            tag_at[start] = ("B-" if number == 0 else "I-") + mention["label"]
    sentence_number = 0
    for segment in article.data["segments"]:
        if segment["kind"] == "boilerplate":
            continue
        for start, end in article.sentences(segment["start"], segment["end"]):
            spans = article.tokens(start, end)
            yield {
                "id": f"{article.id}:{sentence_number:04d}",
                "article_id": article.id,
                "tokens": [text[s:e] for s, e in spans],
                "spans": [{"start": s, "end": e} for s, e in spans],
                "ner_tags": [tag_at.get(s, "O") for s, _ in spans],
            }
            sentence_number += 1
