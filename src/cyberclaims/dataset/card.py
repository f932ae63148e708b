"""The dataset card: YAML front matter generated from the written data, prose from a template.

``dataset_info`` must describe exactly the features stored in the Parquet files (a stale one silently
overrides them when ``datasets`` loads the folder), so it is produced by ``datasets``' own
serialisation from the same ``Features`` the writer used.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from datasets import ClassLabel
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCardData

from .. import __version__
from ..core.agreement import agreement
from ..core.files import write_file
from ..core.model import Corpus
from ..core.project import Addresses, addresses
from ..core.sampling import MIN_MINORITY_ITEMS
from ..core.vocabulary import ATTRIBUTIONS, CERTAINTIES, ENTITY_LABELS, SPLITS
from .citation import read_cff
from .configs import features_of
from .cti_section import cti_section
from .layout import split_pattern
from .leaderboard import leaderboard_markdown
from .making import (
    annotations_creators,
    annotators_note,
    guidelines_note,
    provenance_table,
    suggestions_section,
    summarize,
)
from .metadata import CARD_METADATA, LICENSING, bibtex, describe_fields
from .portable import portable_yaml
from .stats import SHARED_TABLE_ROWS, CorpusStats, SplitFigures
from .withhold import withhold_row


def front_matter(configs: list, creators: list[str] | None = None) -> str:
    """The card's YAML metadata; ``creators``: its ``annotations_creators``, from the files' provenance."""
    metadata = {**CARD_METADATA, **({"annotations_creators": creators} if creators else {})}
    card = DatasetCardData(**metadata, size_categories=[_size_category(configs)])
    metadata_configs = MetadataConfigs()
    infos = DatasetInfosDict()
    for config in configs:
        entry: dict[str, Any] = {
            "data_files": [{"split": s.name, "path": split_pattern(config.name, s.name)} for s in config.splits],
        }
        if config.name == "documents":
            entry["default"] = True
        metadata_configs[config.name] = entry
        splits = SplitDict()
        for s in config.splits:
            splits.add(SplitInfo(name=s.name, num_bytes=s.num_bytes, num_examples=s.num_examples))
        infos[config.name] = DatasetInfo(
            features=features_of(config.name), splits=splits, dataset_size=sum(s.num_bytes for s in config.splits)
        )
    metadata_configs.to_dataset_card_data(card)
    infos.to_dataset_card_data(card)
    for info in card["dataset_info"]:  # the form datasets 3 reads too (see portable)
        info["features"] = portable_yaml(info["features"])
    return card.to_yaml()


def _size_category(configs: list) -> str:
    documents = next(c for c in configs if c.name == "documents")
    n = sum(s.num_examples for s in documents.splits)
    return "n<1K" if n < 1000 else "1K<n<10K" if n < 10_000 else "10K<n<100K" if n < 100_000 else "100K<n<1M"


WITHHELD_NOTICE = (
    "> **This copy withholds the article texts.** Every `text` field (documents, spans, claim sentences) and "
    "the `ner` tokens are null; offsets, `text_sha256`, sources and the project's own annotations are kept, "
    "but for the runs of 100 or more characters a field copies from its article: such a field reads "
    "`[withheld verbatim runs] [...]`, its own characters and, for each run, its `[start, end]` in the text. "
    "Obtain the articles from their sources, save each as `<id>.txt`, and run "
    "`cyberclaims rehydrate <this folder> --texts <folder of .txt files>`: a text is accepted only if its "
    "sha256 equals the pinned `text_sha256`.\n\n"
)


def write_card(folder: Path, corpus: Corpus, configs: list, stats: CorpusStats, *, withheld: bool = False) -> None:
    template = resources.files("cyberclaims").joinpath("templates/dataset_card.md").read_text(encoding="utf-8")
    made = summarize(corpus, stats.provenance)  # the gold's records from the build's figures: no re-read
    values = {
        "version": __version__,
        "stats_splits": statistics_tables(stats, corpus),
        **corpus_prose(stats),
        "example_claim": _example_claim(stats, withheld),
        "fields": fields_tables(configs),
        "agreement": agreement_section(corpus),
        "passes": passes_section(corpus),
        "guidelines_note": guidelines_note(corpus.root),
        "provenance": provenance_table(made),
        "suggestions": suggestions_section(corpus),
        "annotators": annotators_note(made),
        "bibtex": bibtex(corpus.root / "CITATION.cff"),
        "doi": doi_note(corpus.root / "CITATION.cff"),
        **address_values(addresses(corpus.root)),
        "licensing": LICENSING,
        "cti": cti_section(corpus.gold.registry.entities, stats.certainty),
        "leaderboard": leaderboard(corpus.root / "benchmarks" / "baselines.json"),
    }
    body = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], template)
    if withheld:
        title, rest = body.split("\n", 1)
        body = f"{title}\n\n{WITHHELD_NOTICE}{rest.lstrip()}"
    write_file(
        folder / "README.md", f"---\n{front_matter(configs, annotations_creators(made))}\n---\n\n{body}".encode()
    )


def address_values(where: Addresses) -> dict[str, str]:
    """The card's addresses, from the one definition (``[project.urls]``, ``core/project.py``)."""
    return {
        "repository": where.repository,
        "issues": where.issues,
        "dataset_url": where.dataset,
        "hub_id": where.hub_id,
    }


def doi_note(cff: Path) -> str:
    """Where the version DOI goes: the one ``CITATION.cff`` gives, or how a release gets one."""
    doi = read_cff(cff).get("doi") if cff.is_file() else None
    if doi:
        return f"The DOI of this version is [{doi}](https://doi.org/{doi}): cite it with the version you used."
    return (
        "Each release of the repository is archived on Zenodo with its own version DOI (its metadata, "
        "`.zenodo.json`, is generated from `CITATION.cff`). Once a version has one, it is added to "
        "`CITATION.cff` (`doi`) and appears in the BibTeX above as `doi = {10.5281/zenodo.NNNNNNN}`: cite the "
        "DOI of the version you used."
    )


def corpus_prose(stats: CorpusStats) -> dict[str, str]:
    """The sentences of the card that describe the corpus, made from its figures (never typed in the template)."""
    articles = sum(f.articles for f in stats.splits.values())
    claims = sum(f.claims for f in stats.splits.values())
    topics = ", ".join(f"`{t}` ({n})" for t, n in _most_common(stats.topics))
    sources = ", ".join(f"{s} ({n})" for s, n in _most_common(stats.sources))
    top_topic, top_count = max(stats.topics.items(), key=lambda item: (item[1], item[0])) if stats.topics else ("", 0)
    split_counts = ", ".join(f"`{s}` {stats.splits[s].articles}" for s in SPLITS if s in stats.splits)
    empty = [f"`{s}`" for s in SPLITS if s not in stats.splits]
    return {
        "corpus_summary": (
            f"{_count(articles, 'article')} from {_count(len(stats.sources), 'source')} about "
            f"{_count(len(stats.topics), 'attack')} ({topics}), {_period(stats)}"
        ),
        "languages": ", ".join(f"`{code}` ({_count(n, 'article')})" for code, n in _most_common(stats.languages)),
        "period": _period(stats),
        "sources": sources,
        "splits": (
            f"Articles per split: {split_counts}"
            + (f"; {' and '.join(empty)} {'has' if len(empty) == 1 else 'have'} none yet" if empty else "")
            + "."
        ),
        "topic_share": (
            f"{_count(len(stats.topics), 'attack')}; the most frequent, `{top_topic}`, accounts for "
            f"{top_count} of the {_count(articles, 'article')}"
            if articles
            else "no attack yet"
        ),
        "size": f"{_count(articles, 'article')} and {_count(claims, 'claim')}",
    }


def _most_common(counter: Counter, shown: int = 10) -> list[tuple[str, int]]:
    """The most frequent entries, ties by name; the rest summed as "others" (a big corpus has thousands)."""
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    rest = sum(n for _, n in ranked[shown:])
    return ranked[:shown] + ([(f"{len(ranked) - shown} others", rest)] if rest else [])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _period(stats: CorpusStats) -> str:
    first, last = stats.first_published, stats.last_published
    dated = (
        "no dated article"
        if first is None
        else (f"published in {first}" if first == last else f"published from {first} to {last}")
    )
    return dated + (f" ({_count(stats.undated, 'article')} without a date)" if stats.undated else "")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def statistics_tables(stats: CorpusStats, corpus: Corpus) -> str:
    splits = [s for s in SPLITS if s in stats.splits]
    total = SplitFigures()
    rows = []
    for split in splits:
        f = stats.splits[split]
        rows.append([split, f.articles, f.characters, f.tokens, f.mentions, f.claims])
        for name in ("articles", "characters", "tokens", "mentions", "claims"):
            setattr(total, name, getattr(total, name) + getattr(f, name))
    rows.append(["total", total.articles, total.characters, total.tokens, total.mentions, total.claims])
    parts = [
        "#### Size",
        _table(["split", "articles", "characters", "tokens (outside boilerplate)", "mentions", "claims"], rows),
    ]
    parts += [
        "#### Mentions per label",
        _table(["label", "mentions"], [[label, stats.labels[label]] for label in ENTITY_LABELS]),
    ]
    parts += [
        "#### Claims per attribute value",
        _table(
            ["attribute", "value", "claims"],
            [["attribution", v, stats.attribution[v]] for v in ATTRIBUTIONS]
            + [["certainty", v, stats.certainty[v]] for v in CERTAINTIES],
        ),
    ]
    shared = stats.shared()
    statements = corpus.gold.registry.propositions
    listed = sorted(shared.items(), key=lambda kv: (-kv[1].articles, kv[0]))[:SHARED_TABLE_ROWS]
    note = f" The {SHARED_TABLE_ROWS} stated by most articles are listed." if len(shared) > len(listed) else ""
    parts += [
        f"#### Propositions shared across articles\n\n{len(shared)} of {len(stats.propositions)} "
        f"propositions are stated by more than one article.{note}",
        _table(
            ["proposition", "statement", "articles", "claims"],
            [
                [
                    key,
                    statements[key]["statement"].replace("|", "\\|"),
                    ", ".join(p.first_ids)
                    + (f" and {p.articles - len(p.first_ids)} more" if p.articles > len(p.first_ids) else ""),
                    p.claims,
                ]
                for key, p in listed
            ],
        )
        if shared
        else "",
    ]
    return "\n\n".join(p for p in parts if p)


def _example_claim(stats: CorpusStats, withheld: bool) -> str:
    """The first claim as ``load_dataset`` returns it: ClassLabel columns as their integers."""
    if stats.example_claim is None:
        return "{}"
    row = withhold_row("claims", stats.example_claim) if withheld else stats.example_claim
    features = features_of("claims")
    row = {
        name: features[name].str2int(value)
        if isinstance(features.get(name), ClassLabel) and value is not None
        else value
        for name, value in row.items()
    }
    return json.dumps(row, indent=2, ensure_ascii=False)


def passes_section(corpus: Corpus) -> str:
    """Each pass with its article count and what its files say of how it was made (their ``notes``)."""
    if not corpus.passes:
        return "There is no annotation pass in this version."
    lines = []
    for collection in corpus.passes:
        articles = list(collection.iter_articles(corpus.root))
        notes = sorted({a.data.get("notes") or "(no notes)" for a in articles})
        lines.append(f"- `{collection.name}` ({_count(len(articles), 'article')}): " + " / ".join(notes))
    return "\n".join(lines)


def agreement_section(corpus: Corpus) -> str:
    if len(corpus.passes) < 2:
        passes = f"{len(corpus.passes) or 'no'} pass{'' if len(corpus.passes) == 1 else 'es'}"
        return (
            f"Agreement figures appear here once two annotation passes are in `annotations/passes/`; this "
            f"version has {passes}, so it publishes none. Each figure will be given "
            f"with its items, a bootstrap 95% interval and its trivial baseline, and one resting on fewer than "
            f"{MIN_MINORITY_ITEMS} items of its minority class will be shown as not informative."
        )
    a, b = corpus.passes[:2]
    result = agreement(a.name, a.articles, b.name, b.articles)
    return (
        f"Inter-annotator agreement between the independent passes `{a.name}` and `{b.name}` "
        f"(before adjudication, pooled over {_count(len(result.articles), 'article')}; reproduce with "
        f"`cyberclaims agreement {a.name} {b.name}`):\n\n{result.to_markdown()}\n\n"
        f"Mentions match on exact span and label; linking compares canonical entity keys on those "
        f"mentions; claims match one-to-one when they overlap by at least half of the longer span, and "
        f"every claim layer is compared on the matched claims: Cohen's kappa for `claimer`, `attribution` "
        f"and `certainty`; for `about`, the F1 of the entity keys pooled over the claims (2 x keys in both "
        f"/ keys in either pass's sets, summed) and the mean Jaccard index; for `normalized`, the mean "
        f"token-overlap F1 of the two statements (lower-cased word tokens as bags). Propositions and events "
        f"are compared as clusterings of the matched claims across articles (each pass's own keys; only the "
        f"grouping counts): pairwise F1 over the pairs of claims sharing a key, its cross-document part, "
        f"and B-cubed F1. Beside each figure: its counts (for a clustering, the positive pairs: pairs of "
        f"claims sharing a key in either pass), a 95% percentile-bootstrap interval, and the trivial "
        f"baseline: for a kappa, always answering the majority class (kappa 0; its chance agreement and "
        f"accuracy are given); for a clustering, everyone alone (each claim its own cluster), whose B-cubed "
        f"F1 is high when most claims are alone anyway. A figure resting on fewer than {MIN_MINORITY_ITEMS} "
        f"items of its minority class (a kappa: matched claims outside the majority class in either pass; a "
        f"clustering: positive pairs; the others: their items) is shown as not informative, with its counts "
        f"only. The `passes` config holds every pass, so disagreements can be studied directly."
        + further_passes_agreement(corpus)
    )


def further_passes_agreement(corpus: Corpus) -> str:
    """Each pass beyond the first two, compared with each of them on the layers both hold (a pass may make
    some layers only: its provenance says which), so that every pass's agreement is published."""
    first = corpus.passes[:2]
    parts = []
    for extra in corpus.passes[2:]:
        for other in first:
            result = agreement(other.name, other.articles, extra.name, extra.articles)
            if not result.articles or not result.layers:
                continue
            parts.append(
                f"Pass `{extra.name}` against `{other.name}`, on the layers both hold ({', '.join(result.layers)}; "
                f"pooled over {_count(len(result.articles), 'article')}; reproduce with "
                f"`cyberclaims agreement {other.name} {extra.name}`):\n\n{result.to_markdown()}"
            )
    return "".join(f"\n\n{part}" for part in parts)


def fields_tables(configs: list) -> str:
    parts = []
    for config in configs:
        rows = [[f"`{path}`", dtype, text.replace("|", "\\|")] for path, dtype, text in describe_fields(config.name)]
        parts.append(f"#### `{config.name}`\n\n" + _table(["field", "type", "description"], rows))
    return "\n\n".join(parts)


def leaderboard(results: Path) -> str:
    """The baselines table, from the results `cyberclaims baselines --output` wrote (never typed)."""
    if not results.is_file():
        return "No baseline results yet: run `cyberclaims baselines --output benchmarks/baselines.json`."
    table = leaderboard_markdown(json.loads(results.read_text(encoding="utf-8")))
    return (
        f"{table}\n\nGenerated from `benchmarks/baselines.json`; reproduce with "
        f"`cyberclaims baselines --output benchmarks/baselines.json`."
    )
