"""Load the built dataset the way users do (``datasets.load_dataset``) and summarise it."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..core.vocabulary import SPLITS
from ..core.wording import count
from .layout import configs_in


@dataclass
class DatasetSummary:
    articles: dict[str, int] = field(default_factory=dict)  # split -> articles
    mentions: Counter[str] = field(default_factory=Counter)  # label -> mentions
    claims: int = 0
    attribution: Counter[str] = field(default_factory=Counter)
    certainty: Counter[str] = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)  # config -> rows over all splits
    split_mentions: dict[str, int] = field(default_factory=dict)  # split -> mentions
    split_claims: dict[str, int] = field(default_factory=dict)  # split -> claims

    def to_text(self) -> str:
        lines = [
            f"articles: {sum(self.articles.values())} "
            f"({', '.join(f'{s} {n}' for s, n in sorted(self.articles.items()))})"
        ]
        lines.append(f"mentions: {sum(self.mentions.values())}")
        lines += [f"  {label:<12} {n}" for label, n in self.mentions.most_common()]
        lines.append(f"claims: {self.claims}")
        lines.append("  attribution: " + ", ".join(f"{k} {v}" for k, v in sorted(self.attribution.items())))
        lines.append("  certainty: " + ", ".join(f"{k} {v}" for k, v in sorted(self.certainty.items())))
        lines.append("per split:")
        lines += [
            f"  {split:<12} {count(n, 'article')}, {count(self.split_mentions.get(split, 0), 'mention')}, "
            f"{count(self.split_claims.get(split, 0), 'claim')}"
            for split, n in self._splits_in_order()
        ]
        lines.append("rows per config: " + ", ".join(f"{c} {n}" for c, n in self.rows.items()))
        return "\n".join(lines)

    def _splits_in_order(self) -> list[tuple[str, int]]:
        known = [s for s in SPLITS if s in self.articles]
        return [(s, self.articles[s]) for s in known + sorted(set(self.articles) - set(known))]


def summarize(dataset: Path) -> DatasetSummary:
    """Load every config of the built folder offline and count what users will get."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import datasets  # after HF_HUB_OFFLINE is set: datasets reads it when imported

    datasets.logging.set_verbosity_error()
    datasets.disable_progress_bars()
    summary = DatasetSummary()
    for config in configs_in(dataset):
        loaded = datasets.load_dataset(str(dataset), config)
        summary.rows[config] = sum(len(split) for split in loaded.values())
        if config != "documents":
            continue
        for split_name, split in loaded.items():
            summary.articles[split_name] = len(split)
            summary.split_mentions[split_name] = sum(len(row["entities"]) for row in split)
            summary.split_claims[split_name] = sum(len(row["claims"]) for row in split)
            labels = split.features["entities"].feature["label"]
            attribution = split.features["claims"].feature["attribution"]
            certainty = split.features["claims"].feature["certainty"]
            for row in split:
                summary.mentions.update(labels.int2str(m["label"]) for m in row["entities"])
                summary.claims += len(row["claims"])
                summary.attribution.update(attribution.int2str(c["attribution"]) for c in row["claims"])
                summary.certainty.update(certainty.int2str(c["certainty"]) for c in row["claims"])
    return summary
