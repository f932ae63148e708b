"""The dataset card: YAML front matter generated from the written data, prose from a template.

``dataset_info`` must describe exactly the features stored in the Parquet files (a stale one silently
overrides them when ``datasets`` loads the folder), so it is produced by ``datasets``' own
serialisation from the same ``Features`` the writer used.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.vocabulary import ATTRIBUTIONS, CERTAINTIES, ENTITY_LABELS
from ..dataset.features import features_of
from ..core.schemas import load_schema
from ..dataset.stats import SHARED_TABLE_ROWS, CorpusStats, SplitFigures
from .leaderboard import leaderboard_markdown
from ..core.model import Corpus

CARD_METADATA: dict[str, Any] = {
    "pretty_name": "CyberClaims",
    "language": ["en"],
    "license": "cc-by-4.0",
    "annotations_creators": ["expert-generated"],
    "language_creators": ["found"],
    "multilinguality": ["monolingual"],
    "source_datasets": ["original"],
    "task_categories": ["token-classification", "text-classification"],
    "task_ids": ["named-entity-recognition", "fact-checking"],
    "tags": ["cybersecurity", "claims", "attribution", "hedging", "cross-document", "news"],
}


def front_matter(configs: list) -> str:
    from datasets.info import DatasetInfo, DatasetInfosDict
    from datasets.splits import SplitDict, SplitInfo
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCardData

    card = DatasetCardData(**CARD_METADATA, size_categories=[_size_category(configs)])
    metadata_configs = MetadataConfigs()
    infos = DatasetInfosDict()
    for config in configs:
        entry: dict[str, Any] = {
            "data_files": [{"split": s.name, "path": f"data/{config.name}/{s.name}-*.parquet"}
                           for s in config.splits],
        }
        if config.name == "documents":
            entry["default"] = True
        metadata_configs[config.name] = entry
        splits = SplitDict()
        for s in config.splits:
            splits.add(SplitInfo(name=s.name, num_bytes=s.num_bytes, num_examples=s.num_examples))
        infos[config.name] = DatasetInfo(features=features_of(config.name), splits=splits,
                                         dataset_size=sum(s.num_bytes for s in config.splits))
    metadata_configs.to_dataset_card_data(card)
    infos.to_dataset_card_data(card)
    return card.to_yaml()


def _size_category(configs: list) -> str:
    documents = next(c for c in configs if c.name == "documents")
    n = sum(s.num_examples for s in documents.splits)
    return "n<1K" if n < 1000 else "1K<n<10K" if n < 10_000 else "10K<n<100K" if n < 100_000 else "100K<n<1M"


WITHHELD_NOTICE = (
    "> **This copy withholds the article texts.** Every `text` field (documents, spans, claim sentences) and "
    "the `ner` tokens are null; offsets, `text_sha256`, sources and the project's own annotations are kept. "
    "Obtain the articles from their sources, save each as `<id>.txt`, and run "
    "`cyberclaims rehydrate <this folder> --texts <folder of .txt files>`: a text is accepted only if its "
    "sha256 equals the pinned `text_sha256`.\n\n")


def write_card(folder: Path, corpus: Corpus, configs: list, stats: CorpusStats, *, withheld: bool = False
               ) -> None:
    from ..core.files import write_file

    template = resources.files("cyberclaims").joinpath("templates/dataset_card.md").read_text(encoding="utf-8")
    values = {
        "version": __version__,
        "stats_splits": statistics_tables(stats, corpus),
        "example_claim": _example_claim(stats, withheld),
        "fields": fields_tables(configs),
        "agreement": agreement_section(corpus),
        "bibtex": bibtex(corpus.root / "CITATION.cff"),
        "leaderboard": leaderboard(corpus.root / "benchmarks" / "baselines.json"),
    }
    body = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
    if withheld:
        title, rest = body.split("\n", 1)
        body = f"{title}\n\n{WITHHELD_NOTICE}{rest.lstrip()}"
    write_file(folder / "README.md", f"---\n{front_matter(configs)}\n---\n\n{body}".encode("utf-8"))


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def statistics_tables(stats: CorpusStats, corpus: Corpus) -> str:
    splits = [s for s in ("train", "validation", "test") if s in stats.splits]
    total = SplitFigures()
    rows = []
    for split in splits:
        f = stats.splits[split]
        rows.append([split, f.articles, f.characters, f.tokens, f.mentions, f.claims])
        for name in ("articles", "characters", "tokens", "mentions", "claims"):
            setattr(total, name, getattr(total, name) + getattr(f, name))
    rows.append(["total", total.articles, total.characters, total.tokens, total.mentions, total.claims])
    parts = ["#### Size", _table(["split", "articles", "characters", "tokens (outside boilerplate)", "mentions",
                                  "claims"], rows)]
    parts += ["#### Mentions per label",
              _table(["label", "mentions"], [[label, stats.labels[label]] for label in ENTITY_LABELS])]
    parts += ["#### Claims per attribute value",
              _table(["attribute", "value", "claims"],
                     [["attribution", v, stats.attribution[v]] for v in ATTRIBUTIONS]
                     + [["certainty", v, stats.certainty[v]] for v in CERTAINTIES])]
    shared = stats.shared()
    statements = corpus.gold.registry.propositions
    listed = sorted(shared.items(), key=lambda kv: (-kv[1].articles, kv[0]))[:SHARED_TABLE_ROWS]
    note = (f" The {SHARED_TABLE_ROWS} stated by most articles are listed." if len(shared) > len(listed) else "")
    parts += [f"#### Propositions shared across articles\n\n{len(shared)} of {len(stats.propositions)} "
              f"propositions are stated by more than one article.{note}",
              _table(["proposition", "statement", "articles", "claims"],
                     [[key, statements[key]["statement"].replace("|", "\\|"),
                       ", ".join(p.first_ids) + (f" and {p.articles - len(p.first_ids)} more"
                                                 if p.articles > len(p.first_ids) else ""), p.claims]
                      for key, p in listed]) if shared else ""]
    return "\n\n".join(p for p in parts if p)


def _example_claim(stats: CorpusStats, withheld: bool) -> str:
    from ..dataset.withhold import withhold_row

    if stats.example_claim is None:
        return "{}"
    row = withhold_row("claims", stats.example_claim) if withheld else stats.example_claim
    return json.dumps(row, indent=2, ensure_ascii=False)


def agreement_section(corpus: Corpus) -> str:
    from ..dataset.agreement import agreement

    if len(corpus.passes) < 2:
        return "Agreement figures appear here once two annotation passes are in `annotations/passes/`."
    a, b = corpus.passes[:2]
    result = agreement(a.name, a.articles, b.name, b.articles)
    return (f"Inter-annotator agreement between the independent passes `{a.name}` and `{b.name}` "
            f"(before adjudication, pooled over {len(result.articles)} articles; reproduce with "
            f"`cyberclaims agreement {a.name} {b.name}`):\n\n{result.to_markdown()}\n\n"
            f"Mentions match on exact span and label; linking compares canonical entity keys on those "
            f"mentions; claims match one-to-one when they overlap by at least half of the longer span, and "
            f"kappa is computed on the matched claims. The `passes` config holds both passes, so "
            f"disagreements can be studied directly.")


# ---------------------------------------------------------------------------------------------
# Field documentation, generated from the JSON Schema's descriptions so it never drifts


_EXTRA_DESCRIPTIONS = {
    "text": "The article text, exactly as published (the bytes of `annotations/<id>.txt`).",
    "pass_name": "Name of the independent annotation pass the row comes from.",
    "article_id": "Id of the article the row comes from.",
    "claim_id": "Id of the claim inside its article.",
    "sentence": "The sentence or sentences of the article that contain the claim.",
    "sentence_start": "Offset of the first code point of `sentence` in the article.",
    "sentence_end": "Offset just past the last code point of `sentence`.",
    "proposition_statement": "The canonical statement of the proposition (from `propositions.json`).",
    "mention_count": "Number of mentions linked to the entity in the split.",
    "article_ids": "Articles of the split that mention the entity or cite it as claimer or subject.",
    "tokens": "The tokens of the sentence (project tokenizer, `cyberclaims.core.text.tokenize`).",
    "spans": "Code-point `start`/`end` of each token in the article text.",
    "ner_tags": "IOB2 tag of each token over the 18 OntoNotes 5 types.",
}


def _schema_descriptions() -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for name, prop in node.get("properties", {}).items():
                path = f"{prefix}{name}"
                if "description" in prop:
                    found.setdefault(path, prop["description"])
                walk(prop, path + ".")
                walk(prop.get("items", {}), path + ".")

    walk(load_schema("annotation"), "")
    for name, prop in load_schema("entities")["properties"]["entities"]["items"]["properties"].items():
        found.setdefault(f"entity.{name}", prop["description"])
    return found


def describe_fields(config: str) -> list[tuple[str, str, str]]:
    """(dotted path, type, description) of every field of a config, from the schema's descriptions."""
    descriptions = _schema_descriptions()
    claim_attribute = {k.split(".", 1)[1]: v for k, v in descriptions.items() if k.startswith("claims.")}
    entity_field = {k.split(".", 1)[1]: v for k, v in descriptions.items() if k.startswith("entity.")}
    rows = []
    for path, dtype in _flatten(features_of(config)):
        leaf = path.split(".")[-1]
        if config == "claims":
            text = claim_attribute.get(leaf) if leaf not in ("id", "start", "end", "text") else None
            text = text or {"id": "Corpus-wide claim id: `<article_id>:<claim_id>`.",
                            "start": descriptions["claims.start"], "end": descriptions["claims.end"],
                            "text": descriptions["claims.text"]}.get(leaf)
        elif config == "entities":
            text = entity_field.get(leaf)
        elif config == "ner" and leaf == "id":
            text = "Sentence id: `<article_id>:<sentence number>`."
        else:
            text = descriptions.get(path)
        rows.append((path, dtype, text or _EXTRA_DESCRIPTIONS.get(leaf) or _EXTRA_DESCRIPTIONS.get(path, "")))
    return rows


def fields_tables(configs: list) -> str:
    parts = []
    for config in configs:
        rows = [[f"`{path}`", dtype, text.replace("|", "\\|")] for path, dtype, text in describe_fields(config.name)]
        parts.append(f"#### `{config.name}`\n\n" + _table(["field", "type", "description"], rows))
    return "\n\n".join(parts)


def _flatten(features: Any, prefix: str = "") -> list[tuple[str, str]]:
    from datasets import ClassLabel, List, Value

    out = []
    for name, feature in features.items():
        path = f"{prefix}{name}"
        inner, wrap = feature, ""
        while isinstance(inner, List):
            inner, wrap = inner.feature, wrap + "list of "
        if isinstance(inner, dict):
            out.append((path, wrap + "struct"))
            out += _flatten(inner, path + ".")
        elif isinstance(inner, ClassLabel):
            out.append((path, wrap + "class label: " + ", ".join(inner.names)))
        elif isinstance(inner, Value):
            out.append((path, wrap + inner.dtype))
    return out


def leaderboard(results: Path) -> str:
    """The baselines table, from the results `cyberclaims baselines --output` wrote (never typed)."""
    if not results.is_file():
        return "No baseline results yet: run `cyberclaims baselines --output benchmarks/baselines.json`."
    table = leaderboard_markdown(json.loads(results.read_text(encoding="utf-8")))
    return (f"{table}\n\nGenerated from `benchmarks/baselines.json`; reproduce with "
            f"`cyberclaims baselines --output benchmarks/baselines.json`.")


def bibtex(cff: Path) -> str:
    from ..dataset.citation import bibtex_from_cff

    if not cff.exists():
        return "% no CITATION.cff in the repository that was built"
    return bibtex_from_cff(cff)
