"""How the annotations were made, for the card: generated from each file's ``provenance`` and span ``origin``.

Nothing here is typed in: the layers, who made them (a person or a model, which), from which suggestions,
under which guidelines version, are read from the gold and the passes; the share of the gold that began
as a system's suggestion is counted from the passes' span origins; the guidelines' version and their
statement about the test articles are quoted from ``annotations/GUIDELINES.md``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..core.files import MAX_REGISTRY_BYTES, read_capped
from ..core.model import Corpus, LoadedCollection
from ..core.vocabulary import LAYERS

GUIDELINES_FILE = "GUIDELINES.md"  # in annotations/, and copied into the built dataset
SPAN_GROUPS = {"entities": "entities", "claims": "claims"}  # the layers whose spans can come from suggestions
_SPAN_NAMES = {"entities": ("entity mention", "entity mentions"), "claims": ("claim", "claims")}
_VERSION = re.compile(r"^Version ([0-9]+\.[0-9]+)\b[^.\n]*", re.M)
_TEST_ARTICLES = re.compile(r"These guidelines were written with [^.]*?in view[^.]*\.")


def _agent(agent: dict[str, Any]) -> str:
    if agent.get("type") == "model":
        version = agent.get("model_version") or "version not recorded"
        return f"`{agent.get('id')}`, a model ({agent.get('model')}, {version})"
    return f"`{agent.get('id')}`, a person"


def describe_layer(record: dict[str, Any] | None) -> str:
    """One layer's provenance record in words."""
    if record is None:
        return "not recorded (the layer holds no labels)"
    suggestions = record.get("suggestions")
    start = (
        f"starting from the suggestions of `{suggestions['system']}` ({suggestions['version']})"
        if isinstance(suggestions, dict)
        else "from empty layers"
    )
    when = f"guidelines {record.get('guidelines')}, {record.get('date')}"
    if record.get("method") == "adjudicated":
        passes = ", ".join(f"`{p}`" for p in record.get("passes") or [])
        return f"adjudicated by {_agent(record.get('annotator') or {})}, from the passes {passes}; {when}"
    return f"annotated by {_agent(record.get('annotator') or {})}, {start}; {when}"


def _records(collection: LoadedCollection, root: Path) -> dict[str, Counter]:
    """Per layer: how many articles of the collection have each provenance record (as sorted JSON)."""
    found: dict[str, Counter] = {layer: Counter() for layer in LAYERS}
    for article in collection.iter_articles(root):
        record = article.data.get("provenance") or {}
        for layer in LAYERS:
            found[layer][json.dumps(record.get(layer), sort_keys=True)] += 1
    return found


def provenance_table(corpus: Corpus) -> str:
    """One row per layer and way of making it, for the gold and each pass, with the number of articles."""
    rows = ["| labels | layer | how it was made | articles |", "|---|---|---|---|"]
    for name, collection in [("gold", corpus.gold), *((f"pass `{p.name}`", p) for p in corpus.passes)]:
        for layer, records in _records(collection, corpus.root).items():
            for record, articles in sorted(records.items()):
                rows.append(f"| {name} | `{layer}` | {describe_layer(json.loads(record))} | {articles} |")
    return "\n".join(rows)


def _suggested_spans(collection: LoadedCollection, root: Path) -> dict[str, dict[str, set[tuple[int, int]]]]:
    """Per span group, per article: the spans of a pass that began as a suggestion (kept or edited)."""
    spans: dict[str, dict[str, set[tuple[int, int]]]] = {group: {} for group in SPAN_GROUPS.values()}
    for article in collection.iter_articles(root):
        for group in SPAN_GROUPS.values():
            for span in article.data.get(group) or []:
                origin = span.get("origin")
                if isinstance(origin, dict) and origin.get("kind") in ("suggested", "edited"):
                    spans[group].setdefault(article.id, set()).add((span["start"], span["end"]))
    return spans


def suggestion_counts(collection: LoadedCollection, root: Path, *, with_deleted: bool = True) -> dict[str, Counter]:
    """Per span group of a pass: its spans by origin kind, and ``deleted``: suggestions no span came from."""
    counts: dict[str, Counter] = {group: Counter() for group in SPAN_GROUPS.values()}
    used: dict[str, set[tuple[Any, Any]]] = {group: set() for group in SPAN_GROUPS.values()}
    for article in collection.iter_articles(root):
        for group in SPAN_GROUPS.values():
            for span in article.data.get(group) or []:
                origin = span.get("origin")
                if isinstance(origin, dict):
                    counts[group][origin.get("kind")] += 1
                    if origin.get("suggestion") is not None:
                        used[group].add((article.id, origin["suggestion"]))
    if not with_deleted:
        return counts
    offered = _offered(root / "annotations" / "passes" / collection.name / "SUGGESTIONS.json")
    for group in counts:
        if offered.get(group):
            counts[group]["deleted"] = len(offered[group] - used[group])
    return counts


def _offered(path: Path) -> dict[str, set[tuple[Any, Any]]]:
    """(article, suggestion id) of every suggestion a pass started from, per span group: the suggestions as
    delivered, either ``{"articles": [{"id", "entities": [...], "claims": [...]}]}`` or Label Studio tasks
    whose ``predictions`` hold the regions (``from_name`` ``claim`` for claims, ``label`` for mentions)."""
    offered: dict[str, set[tuple[Any, Any]]] = {group: set() for group in SPAN_GROUPS.values()}
    if not path.is_file():
        return offered
    data, _ = read_capped(path, str(path), MAX_REGISTRY_BYTES)
    try:
        value = json.loads(data or b"null")
    except ValueError:
        return offered
    if isinstance(value, dict):
        for article in value.get("articles") or []:
            for group in offered:
                for item in article.get(group) or []:
                    offered[group].add((article.get("id"), item.get("id")))
    elif isinstance(value, list):
        for task in value:
            article_id = (task.get("data") or {}).get("article_id")
            for prediction in task.get("predictions") or []:
                for region in prediction.get("result") or []:
                    kind = {"claim": "claims", "label": "entities"}.get(region.get("from_name"))
                    if kind:
                        offered[kind].add((article_id, region.get("id")))
    return offered


def suggestions_section(corpus: Corpus) -> str:
    """What the suggestions became in each pass that started from them, and the share of the gold they began."""
    lines = []
    began: dict[str, dict[str, set[tuple[int, int]]]] = {group: {} for group in SPAN_GROUPS.values()}
    for collection in corpus.passes:
        # from the spans' origins only: the card must be the same when rebuilt from the published rows
        counts = suggestion_counts(collection, corpus.root, with_deleted=False)
        for group, found in _suggested_spans(collection, corpus.root).items():
            for article_id, spans in found.items():
                began[group].setdefault(article_id, set()).update(spans)
        for group, count in counts.items():
            if sum(count.values()):
                lines.append(
                    f"- Pass `{collection.name}`, {_SPAN_NAMES[group][1]}: {count['suggested']} kept as suggested, "
                    f"{count['edited']} edited, {count['manual']} added by hand (the suggestions it deleted are "
                    f"counted from its SUGGESTIONS.json, which stays in the repository)."
                )
    if not lines:
        return "No pass started from a system's suggestions: every span was placed by its annotator."
    for group in SPAN_GROUPS.values():
        total = share = 0
        for article in corpus.gold.iter_articles(corpus.root):
            spans = {(s["start"], s["end"]) for s in article.data.get(group) or []}
            total += len(spans)
            share += len(spans & began[group].get(article.id, set()))
        if total:
            lines.append(
                f"- Of the gold's {total} {_SPAN_NAMES[group][1]}, {share} ({share / total:.0%}) have the span of "
                f"a pass's {_SPAN_NAMES[group][0]} that began as a suggestion (kept or edited)."
            )
    return "\n".join(lines)


def guidelines_version(root: Path) -> str | None:
    """The version ``annotations/GUIDELINES.md`` states (None: it states none, or there is no file)."""
    path = Path(root) / "annotations" / GUIDELINES_FILE
    found = _VERSION.search(path.read_text(encoding="utf-8")) if path.is_file() else None
    return found.group(1) if found else None


def guidelines_note(root: Path) -> str:
    """The guidelines' version and what they say about the test articles, quoted from the file itself."""
    path = Path(root) / "annotations" / GUIDELINES_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    version = _VERSION.search(text)
    view = _TEST_ARTICLES.search(text)
    parts = [
        f"The annotation guidelines are at version {version.group(1)} (`annotations/GUIDELINES.md`, with a changelog)."
        if version
        else "The annotation guidelines (`annotations/GUIDELINES.md`) state no version."
    ]
    if view:
        parts.append(f"In their own words: “{' '.join(view.group(0).split())}”")
    return " ".join(parts)


def annotators_note(corpus: Corpus) -> str:
    """Who made the labels of this version, by kind, from the provenance records of the gold and the passes."""
    people: set[str] = set()
    models: dict[str, str] = {}
    for collection in [corpus.gold, *corpus.passes]:
        for article in collection.iter_articles(corpus.root):
            for record in (article.data.get("provenance") or {}).values():
                agent = (record or {}).get("annotator") or {}
                if agent.get("type") == "person":
                    people.add(agent["id"])
                elif agent.get("type") == "model":
                    models[agent["id"]] = (
                        f"{agent.get('model')}, {agent.get('model_version') or 'version not recorded'}"
                    )
    persons = ", ".join(f"`{p}`" for p in sorted(people)) or "none"
    machines = "; ".join(f"`{i}` ({m})" for i, m in sorted(models.items())) or "none"
    return (
        f"Read from the `provenance` of every file: people: {persons}. Models: {machines}. "
        f"A model is recorded as a model; no layer of this version is described as made by a person unless "
        f"a person made it."
    )


def annotation_rai(corpus: Corpus) -> dict[str, Any]:
    """Croissant's RAI fields on annotation, from the same records as the card (never typed in)."""
    gold_methods = {
        json.loads(record)["method"]
        for records in _records(corpus.gold, corpus.root).values()
        for record in records
        if record != "null"
    }
    how = (
        f"the gold is adjudicated from {len(corpus.passes)} independent pass"
        f"{'es' if len(corpus.passes) != 1 else ''} ({', '.join(p.name for p in corpus.passes)})"
        if gold_methods == {"adjudicated"}
        else "the gold is annotated directly" + (" or adjudicated from passes" if "adjudicated" in gold_methods else "")
    )
    return {
        "rai:dataAnnotationProtocol": (
            f"Labels follow annotations/GUIDELINES.md (version {guidelines_version(corpus.root) or 'not stated'}); "
            f"{how}; every span is "
            f"validated against its offsets, and each file records per layer who made it (a person or a model), "
            f"from which suggestions, under which guidelines version (provenance)."
        ),
        "rai:dataAnnotationPlatform": [
            "Text editor or Label Studio (cyberclaims import) with the project's validator (cyberclaims validate)"
        ],
        "rai:annotatorDemographics": [annotators_note(corpus)],
    }
