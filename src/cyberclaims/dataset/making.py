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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.model import Article, Corpus, LoadedCollection, load_valid_article
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
        return "not made: null, and the layer holds no labels"
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


def record_key(layer: str, record: Any) -> str:
    """How one layer's record is counted: the layer and the record as sorted JSON (``CorpusStats.provenance``)."""
    return f"{layer}\t{json.dumps(record, sort_keys=True)}"


@dataclass
class MadeSummary:
    """How many articles of the gold and of each pass have each provenance record, per layer: read once per
    build (the gold's from the build's cached figures, the passes' from their files), for the card and Croissant."""

    collections: dict[str, dict[str, Counter]]  # "gold" or a pass name -> layer -> record (sorted JSON) -> articles
    passes: list[str]

    def records(self, name: str) -> dict[str, Counter]:
        return self.collections.get(name, {layer: Counter() for layer in LAYERS})

    def agents(self, names: list[str] | None = None) -> list[dict[str, Any]]:
        """The annotators of the records of ``names`` (every collection by default)."""
        found = []
        for name in names if names is not None else list(self.collections):
            for records in self.records(name).values():
                for record in records:
                    made = json.loads(record)
                    if isinstance(made, dict) and isinstance(made.get("annotator"), dict):
                        found.append(made["annotator"])
        return found


def summarize(corpus: Corpus, gold: Counter | None = None) -> MadeSummary:
    """The summary of ``corpus``; ``gold``: the gold's records as ``CorpusStats.provenance`` counts them (read
    from the files when not given)."""
    collections: dict[str, dict[str, Counter]] = {}
    for name, collection in [("gold", corpus.gold), *((p.name, p) for p in corpus.passes)]:
        found: dict[str, Counter] = {layer: Counter() for layer in LAYERS}
        if name == "gold" and gold is not None:
            for key, articles in gold.items():
                layer, record = key.split("\t", 1)
                found[layer][record] += articles
        else:
            for article in collection.iter_articles(corpus.root):
                made = article.data.get("provenance") or {}
                for layer in LAYERS:
                    found[layer][json.dumps(made.get(layer), sort_keys=True)] += 1
        collections[name] = found
    return MadeSummary(collections, [p.name for p in corpus.passes])


def provenance_table(made: MadeSummary) -> str:
    """One row per layer and way of making it, for the gold and each pass, with the number of articles."""
    rows = ["| labels | layer | how it was made | articles |", "|---|---|---|---|"]
    for collection in ["gold", *made.passes]:
        name = "gold" if collection == "gold" else f"pass `{collection}`"
        for layer, records in made.records(collection).items():
            for record, articles in sorted(records.items()):
                rows.append(f"| {name} | `{layer}` | {describe_layer(json.loads(record))} | {articles} |")
    return "\n".join(rows)


def origin_counts(passed: dict[str, dict[str, Any]]) -> dict[str, Counter]:
    """Per span group of a pass (article id -> its data): its spans by the kind of their ``origin`` (spans without
    one are not counted). What the suggestions the annotator deleted were is ``cyberclaims suggest --report`` (it
    reads the pass's SUGGESTIONS.json, which the published rows do not carry)."""
    counts: dict[str, Counter] = {group: Counter() for group in SPAN_GROUPS.values()}
    for data in passed.values():
        for group in SPAN_GROUPS.values():
            for span in data.get(group) or []:
                origin = span.get("origin")
                if isinstance(origin, dict):
                    counts[group][origin.get("kind")] += 1
    return counts


def suggestions_section(corpus: Corpus) -> str:
    """What became of the suggestions in each pass that started from them, and the share of the gold they began
    (``core.suggestions.gold_origins``: the gold's spans traced to the pass's span at the same offsets)."""
    lines = []
    for collection in corpus.passes:
        passed = {a.id: a.data for a in collection.iter_articles(corpus.root)}  # read once, for both figures
        counts = origin_counts(passed)
        groups = [group for group, count in counts.items() if sum(count.values())]
        if not groups:
            continue
        wanted = {f.id for f in collection.files}  # the gold of the pass's articles only: a pass is small
        gold = {a.id: a.data for a in _articles(corpus.gold, corpus.root, wanted)}
        for group in groups:
            count = counts[group]
            lines.append(
                f"- Pass `{collection.name}`, {_SPAN_NAMES[group][1]}: {count['suggested']} kept as suggested, "
                f"{count['edited']} edited, {count['manual']} added by hand (`cyberclaims suggest --report "
                f"annotations/passes/{collection.name}` also counts the suggestions deleted)."
            )
        for group in groups:
            # Only a gold layer adjudicated from this pass can have begun as its suggestions: a pass made
            # after the gold (to measure agreement, say) shares spans with it without having given them.
            source = {i: d for i, d in gold.items() if _adjudicated_from(d, group, collection.name)}
            began, total = gold_origins(collection.name, source, passed, [group]).share(group)
            if total:
                lines.append(
                    f"- Of the gold's {total} {_SPAN_NAMES[group][1]} (articles of `{collection.name}`), {began} "
                    f"({began / total:.0%}) began as a suggestion: the pass's span at the same place was kept or "
                    f"edited from one."
                )
            elif gold:
                lines.append(
                    f"- The gold's {_SPAN_NAMES[group][1]} were not adjudicated from `{collection.name}` (their "
                    f"provenance names other passes): none of them began as its suggestions."
                )
    if not lines:
        return "No pass started from a system's suggestions: every span was placed by its annotator."
    return "\n".join(lines)


def _adjudicated_from(data: dict, layer: str, pass_name: str) -> bool:
    """Whether the gold's ``layer`` of one article names ``pass_name`` among the passes it was adjudicated from."""
    provenance = data.get("provenance")
    record = provenance.get(layer) if isinstance(provenance, dict) else None
    passes = record.get("passes") if isinstance(record, dict) else None
    return isinstance(passes, list) and pass_name in passes


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


def annotators_note(made: MadeSummary) -> str:
    """Who made the labels of this version, by kind, from the provenance records of the gold and the passes."""
    people: set[str] = set()
    models: dict[str, str] = {}
    for agent in made.agents():
        if agent.get("type") == "person":
            people.add(agent["id"])
        elif agent.get("type") == "model":
            models[agent["id"]] = f"{agent.get('model')}, {agent.get('model_version') or 'version not recorded'}"
    pass_models = {
        str(agent.get("model")) if agent.get("type") == "model" else f"person {agent.get('id')}"
        for agent in made.agents(made.passes)
    }
    same_model = ""
    if len(made.passes) >= 2 and len(pass_models) == 1 and not next(iter(pass_models)).startswith("person "):
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


def annotation_rai(corpus: Corpus, made: MadeSummary) -> dict[str, Any]:
    """Croissant's RAI fields on annotation, from the same records as the card (never typed in)."""
    gold_methods = {
        json.loads(record)["method"]
        for records in made.records("gold").values()
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
        "rai:annotatorDemographics": [annotators_note(made)],
    }


def annotations_creators(made: MadeSummary) -> list[str]:
    """The Hub card's ``annotations_creators`` of the gold, from who made (or adjudicated) its layers and their
    passes: ``machine-generated`` for a model, ``expert-generated`` for a person (both when both took part)."""
    kinds = {
        "machine-generated" if agent["type"] == "model" else "expert-generated"
        for agent in made.agents()
        if agent.get("type") in ("model", "person")
    }
    return sorted(kinds) or ["expert-generated"]


def _articles(collection: LoadedCollection, root: Path, ids: set[str]) -> list[Article]:
    """The articles of ``collection`` whose ids are in ``ids`` (read again when the collection keeps none)."""
    if collection.kept:
        return [a for a in collection.articles if a.id in ids]
    return [a for f in collection.files if f.id in ids and (a := load_valid_article(f, root)) is not None]
