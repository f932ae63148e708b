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

from ..core.model import Corpus, LoadedCollection
from ..core.suggestions import gold_origins
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


def origin_counts(collection: LoadedCollection, root: Path) -> dict[str, Counter]:
    """Per span group of a pass: its spans by the kind of their ``origin`` (spans without one are not counted).
    What the suggestions the annotator deleted were is ``cyberclaims suggest --report`` (it reads the
    pass's SUGGESTIONS.json, which the published rows do not carry)."""
    counts: dict[str, Counter] = {group: Counter() for group in SPAN_GROUPS.values()}
    for article in collection.iter_articles(root):
        for group in SPAN_GROUPS.values():
            for span in article.data.get(group) or []:
                origin = span.get("origin")
                if isinstance(origin, dict):
                    counts[group][origin.get("kind")] += 1
    return counts


def suggestions_section(corpus: Corpus) -> str:
    """What became of the suggestions in each pass that started from them, and the share of the gold they began
    (``core.suggestions.gold_origins``: the gold's spans traced to the pass's span at the same offsets)."""
    lines = []
    gold = {a.id: a.data for a in corpus.gold.iter_articles(corpus.root)}
    for collection in corpus.passes:
        counts = origin_counts(collection, corpus.root)
        groups = [group for group, count in counts.items() if sum(count.values())]
        if not groups:
            continue
        for group in groups:
            count = counts[group]
            lines.append(
                f"- Pass `{collection.name}`, {_SPAN_NAMES[group][1]}: {count['suggested']} kept as suggested, "
                f"{count['edited']} edited, {count['manual']} added by hand (`cyberclaims suggest --report "
                f"annotations/passes/{collection.name}` also counts the suggestions deleted)."
            )
        passed = {a.id: a.data for a in collection.iter_articles(corpus.root)}
        traced = gold_origins(collection.name, gold, passed, groups)
        for group in groups:
            began, total = traced.share(group)
            if total:
                lines.append(
                    f"- Of the gold's {total} {_SPAN_NAMES[group][1]} (articles of `{collection.name}`), {began} "
                    f"({began / total:.0%}) began as a suggestion: the pass's span at the same place was kept or "
                    f"edited from one."
                )
    if not lines:
        return "No pass started from a system's suggestions: every span was placed by its annotator."
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
    pass_models: set[str] = set()
    for collection in corpus.passes:
        for article in collection.iter_articles(corpus.root):
            for record in (article.data.get("provenance") or {}).values():
                agent = (record or {}).get("annotator") or {}
                pass_models.add(
                    str(agent.get("model")) if agent.get("type") == "model" else f"person {agent.get('id')}"
                )
    same_model = ""
    if len(corpus.passes) >= 2 and len(pass_models) == 1 and not next(iter(pass_models)).startswith("person "):
        same_model = (
            f" Every pass was made by a session of the same model ({next(iter(pass_models))}): agreement between "
            f"the passes measures how consistently one model applies the guidelines, and overstates what two "
            f"people would reach."
        )
    persons = ", ".join(f"`{p}`" for p in sorted(people)) or "none"
    machines = "; ".join(f"`{i}` ({m})" for i, m in sorted(models.items())) or "none"
    return (
        f"Read from the `provenance` of every file: people: {persons}. Models: {machines}. "
        f"A model is recorded as a model; no layer of this version is described as made by a person unless "
        f"a person made it.{same_model}"
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


def annotations_creators(corpus: Corpus) -> list[str]:
    """The Hub card's ``annotations_creators`` of the gold, from who made (or adjudicated) its layers and their
    passes: ``machine-generated`` for a model, ``expert-generated`` for a person (both when both took part)."""
    kinds: set[str] = set()
    for collection in [corpus.gold, *corpus.passes]:
        for article in collection.iter_articles(corpus.root):
            for record in (article.data.get("provenance") or {}).values():
                agent = (record or {}).get("annotator") or {}
                if agent.get("type") in ("model", "person"):
                    kinds.add("machine-generated" if agent["type"] == "model" else "expert-generated")
    return sorted(kinds) or ["expert-generated"]
