"""Figures of the corpus for the dataset card, accumulated one article at a time (flat memory)."""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.model import Article
from ..core.shapes import ANY, Count, Either, Record, shaped
from ..core.vocabulary import LAYERS
from .making import record_key

# The card lists shared propositions up to this many rows (a big corpus shares thousands).
SHARED_TABLE_ROWS = 50
IDS_SHOWN = 5


@dataclass
class SplitFigures:
    articles: int = 0
    characters: int = 0
    tokens: int = 0  # outside boilerplate: the tokens of the ner config
    mentions: int = 0
    claims: int = 0


@dataclass
class _Proposition:
    articles: int = 0
    claims: int = 0
    first_ids: list[str] = field(default_factory=list)
    last_article: int = -1


@dataclass
class CorpusStats:
    splits: dict[str, SplitFigures] = field(default_factory=dict)
    labels: Counter = field(default_factory=Counter)
    attribution: Counter = field(default_factory=Counter)
    certainty: Counter = field(default_factory=Counter)
    propositions: dict[str, _Proposition] = field(default_factory=dict)
    example_claim: dict[str, Any] | None = None
    # What the card's prose says of the corpus: attacks, outlets, languages, when the articles appeared.
    topics: Counter = field(default_factory=Counter)
    sources: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    # How each layer was made: articles per (layer, provenance record), keys by ``making.record_key``.
    provenance: Counter = field(default_factory=Counter)
    first_published: str | None = None
    last_published: str | None = None
    undated: int = 0
    _articles_seen: int = 0

    def add(self, article: Article, split: str, tokens: int) -> None:
        data = article.data
        figures = self.splits.setdefault(split, SplitFigures())
        figures.articles += 1
        figures.characters += len(article.text)
        figures.tokens += tokens
        figures.mentions += len(data["entities"])
        figures.claims += len(data["claims"])
        self.labels.update(m["label"] for m in data["entities"])
        metadata = data["metadata"]
        self.topics[metadata["topic"]] += 1
        self.sources[metadata["source"]["name"]] += 1
        self.languages[metadata["language"]] += 1
        self._add_published(metadata["published"])
        made = data.get("provenance") or {}
        self.provenance.update(record_key(layer, made.get(layer)) for layer in LAYERS)
        for claim in data["claims"]:
            self.attribution[claim["attribution"]] += 1
            self.certainty[claim["certainty"]] += 1
            entry = self.propositions.setdefault(claim["proposition"], _Proposition())
            entry.claims += 1
            if entry.last_article != self._articles_seen:
                entry.last_article = self._articles_seen
                entry.articles += 1
                if len(entry.first_ids) < IDS_SHOWN:
                    entry.first_ids.append(article.id)
        self._articles_seen += 1

    def _add_published(self, published: str | None, count: int = 1) -> None:
        if published is None:
            self.undated += count
            return
        # ISO 8601 dates of any precision sort as strings ("2014" < "2014-12" < "2014-12-02")
        if self.first_published is None or published < self.first_published:
            self.first_published = published
        if self.last_published is None or published > self.last_published:
            self.last_published = published

    def merge(self, other: CorpusStats) -> None:
        """Add the figures of the articles that follow (a later batch, in id order)."""
        for split, figures in other.splits.items():
            mine = self.splits.setdefault(split, SplitFigures())
            for name in ("articles", "characters", "tokens", "mentions", "claims"):
                setattr(mine, name, getattr(mine, name) + getattr(figures, name))
        self.labels.update(other.labels)
        self.attribution.update(other.attribution)
        self.certainty.update(other.certainty)
        self.topics.update(other.topics)
        self.sources.update(other.sources)
        self.languages.update(other.languages)
        self.provenance.update(other.provenance)
        self.undated += other.undated
        for published in (other.first_published, other.last_published):
            if published is not None:
                self._add_published(published)
        for key, theirs in other.propositions.items():
            entry = self.propositions.setdefault(key, _Proposition())
            entry.articles += theirs.articles
            entry.claims += theirs.claims
            entry.first_ids += theirs.first_ids[: IDS_SHOWN - len(entry.first_ids)]
        if self.example_claim is None:
            self.example_claim = other.example_claim
        self._articles_seen += other._articles_seen

    _COUNTERS = ("labels", "attribution", "certainty", "topics", "sources", "languages", "provenance")

    def to_json(self) -> dict[str, Any]:
        """Plain data for the build cache; key order is kept (it orders ties in the card's tables)."""
        return {
            "splits": {
                name: [f.articles, f.characters, f.tokens, f.mentions, f.claims] for name, f in self.splits.items()
            },
            **{name: list(getattr(self, name).items()) for name in self._COUNTERS},
            "propositions": [
                [key, p.articles, p.claims, p.first_ids, p.last_article] for key, p in self.propositions.items()
            ],
            "example_claim": self.example_claim,
            "first_published": self.first_published,
            "last_published": self.last_published,
            "undated": self.undated,
            "articles_seen": self._articles_seen,
        }

    # What ``to_json`` writes: ``from_json`` refuses anything else (a damaged cache entry is a miss)
    SHAPE = Record(
        {
            "splits": {str: (Count, Count, Count, Count, Count)},
            **{name: [(str, Count)] for name in _COUNTERS},
            "propositions": [(str, Count, Count, [str], int)],
            "example_claim": Either(type(None), {str: ANY}),
            "first_published": Either(str, type(None)),
            "last_published": Either(str, type(None)),
            "undated": Count,
            "articles_seen": Count,
        }
    )

    @classmethod
    def from_json(cls, data: Any) -> CorpusStats:
        """The figures ``to_json`` wrote; ValueError when ``data`` is not of that shape."""
        if not shaped(data, cls.SHAPE):
            raise ValueError("not corpus figures as to_json writes them")
        stats = cls(
            splits={name: SplitFigures(*figures) for name, figures in data["splits"].items()},
            propositions={
                key: _Proposition(articles, claims, list(ids), last)
                for key, articles, claims, ids, last in data["propositions"]
            },
            example_claim=data["example_claim"],
            first_published=data["first_published"],
            last_published=data["last_published"],
            undated=data["undated"],
        )
        for name in cls._COUNTERS:
            setattr(stats, name, Counter(dict(data[name])))
        stats._articles_seen = data["articles_seen"]
        return stats

    def shared(self) -> dict[str, _Proposition]:
        return {k: v for k, v in self.propositions.items() if v.articles > 1}


def external_ids_row(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """An entity's ``external_ids`` as its row holds them: empty when it has none, ``note`` null when absent."""
    ids = entry.get("external_ids", [])
    return [{"db_name": e["db_name"], "db_id": e["db_id"], "source": e["source"], "note": e.get("note")} for e in ids]


class EntityUsage:
    """Per split and entity: mention count and the articles (as compact indices) it occurs in."""

    assert array("I").itemsize == 4  # uint32, as numpy shifts them in ``merge``

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.mentions: dict[str, Counter] = {}
        self.articles: dict[str, dict[str, array]] = {}

    def add(self, article: Article, split: str) -> None:
        index = len(self.ids)
        self.ids.append(article.id)
        mentions = self.mentions.setdefault(split, Counter())
        articles = self.articles.setdefault(split, {})
        keys = []
        for mention in article.data["entities"]:
            if mention["entity"] is not None:
                mentions[mention["entity"]] += 1
                keys.append(mention["entity"])
        for claim in article.data["claims"]:
            keys += [k for k in [claim["claimer"], *claim["about"]] if k != "author"]
        for key in keys:
            found = articles.setdefault(key, array("I"))
            if not found or found[-1] != index:
                found.append(index)

    def merge(self, other: EntityUsage) -> None:
        """Append the usage of the articles that follow (a later batch, in id order)."""
        offset = len(self.ids)
        self.ids += other.ids
        for split, counts in other.mentions.items():
            self.mentions.setdefault(split, Counter()).update(counts)
        for split, by_key in other.articles.items():
            mine = self.articles.setdefault(split, {})
            for key, indices in by_key.items():  # shifted in one numpy operation: a big corpus has millions
                shifted = np.frombuffer(indices, dtype=np.uint32) + np.uint32(offset)
                mine.setdefault(key, array("I")).frombytes(shifted.tobytes())

    def to_json(self) -> dict[str, Any]:
        """Plain data for the build cache, in the order it was gathered."""
        return {
            "ids": self.ids,
            "mentions": {split: list(c.items()) for split, c in self.mentions.items()},
            "articles": {
                split: [[key, list(found)] for key, found in by_key.items()] for split, by_key in self.articles.items()
            },
        }

    # What ``to_json`` writes: ``from_json`` refuses anything else (a damaged cache entry is a miss)
    SHAPE = Record({"ids": [str], "mentions": {str: [(str, Count)]}, "articles": {str: [(str, [Count])]}})

    @classmethod
    def from_json(cls, data: Any) -> EntityUsage:
        """The usage ``to_json`` wrote; ValueError when ``data`` is not of that shape or an article index
        points past its ids."""
        if not shaped(data, cls.SHAPE):
            raise ValueError("not entity usage as to_json writes it")
        articles = len(data["ids"])
        if any(index >= articles for items in data["articles"].values() for _, found in items for index in found):
            raise ValueError("an entity's article index points past the ids")
        usage = cls()
        usage.ids = list(data["ids"])
        usage.mentions = {split: Counter(dict(items)) for split, items in data["mentions"].items()}
        usage.articles = {
            split: {key: array("I", found) for key, found in items} for split, items in data["articles"].items()
        }
        return usage

    def keys(self) -> list[str]:
        """Every entity key used, in any split."""
        return sorted({key for by_key in self.articles.values() for key in by_key})

    def digest(self) -> str:
        """sha256 of everything the ``entities`` rows are made of (but the registry entries)."""
        digest = hashlib.sha256("\n".join(self.ids).encode())
        for split in sorted(self.articles):
            for key in sorted(self.articles[split]):
                digest.update(f"\n{split} {key} {self.mentions[split][key]}\n".encode())
                digest.update(self.articles[split][key].tobytes())
        return digest.hexdigest()

    def rows(self, split: str, registry_entities: dict[str, dict]) -> Iterator[dict[str, Any]]:
        """One row per canonical entity used in the split, by key (made one at a time: a row lists every
        article the entity occurs in, which in a big corpus is most of them)."""
        ids = self.ids
        for key in sorted(self.articles.get(split, {})):
            entry = registry_entities[key]
            yield {
                "key": key,
                "name": entry["name"],
                "type": entry["type"],
                "aliases": entry["aliases"],
                "description": entry["description"],
                "cti_kind": entry.get("cti_kind"),
                "external_ids": external_ids_row(entry),
                "mention_count": self.mentions[split][key],
                "article_ids": sorted([ids[i] for i in self.articles[split][key]]),
            }
