"""The result of scoring one task (:class:`Result`), and plain-text reports for the terminal: one task's scores (:func:`result_text`, for ``cyberclaims evaluate``)
and the baselines' results (:func:`leaderboard_text`, for ``cyberclaims baselines``; the dataset card's
markdown table is :func:`cyberclaims.dataset.leaderboard.leaderboard_markdown`).

Figures are formatted as in the dataset card's leaderboard (:func:`cyberclaims.dataset.leaderboard.format_figure`):
three decimals, ``n/a`` when undefined; and, as there, a figure resting on fewer items of its minority class
than :data:`~cyberclaims.core.sampling.MIN_MINORITY_ITEMS` is shown as "not informative (n=…)", with no
interval (:func:`~cyberclaims.dataset.leaderboard.minority_items` counts them; the JSON gives the numbers and
the counts, ``support``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.sampling import MIN_MINORITY_ITEMS, informative, not_informative
from ..dataset.leaderboard import format_figure, learnt_from, minority_items, row_figures, scored_on, sorted_rows
from .metrics import Metrics
from .tasks import TASK_SPECS


@dataclass
class Result:
    """The scores of one task: pooled metrics, per-article scores, confidence intervals."""

    task: str
    articles: list[str]
    metrics: Metrics
    per_article: dict[str, Metrics] | None
    confidence: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    split: str | None = None  # the split scored; None: the articles given, whatever their split
    system_errors: list[dict[str, Any]] = field(default_factory=list)  # scored as wrong, listed here
    format: str | None = None  # the prediction format read (annotation, jsonl, iob2)
    per_article_support: dict[str, dict[str, int]] | None = None  # what each article's figures rest on

    @property
    def headline(self) -> dict[str, float | None]:
        return {k: self.metrics[k] for k in TASK_SPECS[self.task].headline}

    @property
    def support(self) -> dict[str, int]:
        """What each pooled figure rests on, as the not-informative rule counts it (items of its minority
        class: :func:`~cyberclaims.dataset.leaderboard.minority_items`)."""
        return minority_items({"task": self.task, "metrics": self.metrics})

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "description": TASK_SPECS[self.task].description,
            "split": self.split,
            "article_count": len(self.articles),
            "articles": self.articles,
            "primary": {"metric": TASK_SPECS[self.task].primary, "value": self.metrics[TASK_SPECS[self.task].primary]},
            "headline": self.headline,
            "metrics": self.metrics,
            "per_article": self.per_article,
            "confidence": self.confidence,
            "support": self.support,
            "per_article_support": self.per_article_support,
            "notes": self.notes,
            "format": self.format,
            "system_errors": self.system_errors,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        return result_text(self)


_NUMBER = re.compile(r"^(-?[\d.]+|n/a|)$")
_PRF = ("precision", "recall", "f1")
_OUTCOMES = ("correct", "incorrect", "partial", "missed", "spurious")


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lines of a plain-text table: numeric columns right-aligned, text columns left-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    numeric = [all(_NUMBER.fullmatch(str(r[i]).strip()) for r in rows) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if num else str(c).ljust(w) for c, w, num in zip(cells, widths, numeric)
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *map(line, rows)]


def _figures(values: Mapping[str, Any], *keys: str, support: Mapping[str, int] | int | None = None) -> list[str]:
    """``values[key]`` of each key, formatted; "not informative (n=…)" for one resting on too few minority
    items (``support``: per key, or one count for all)."""
    return [_figure(values, k, support) for k in keys]


def _figure(values: Mapping[str, Any], key: str, support: Mapping[str, int] | int | None) -> str:
    n = support.get(key) if isinstance(support, Mapping) else support
    return format_figure(values[key]) if n is None or informative(n) else not_informative(n)


def _label_items(v: Mapping[str, Any]) -> int:
    """A label's items: its gold and predicted mentions, a correct one once (correct = recall x gold)."""
    correct = round((v.get("recall") or 0.0) * v["gold"])
    return v["gold"] + v["predicted"] - correct


def result_text(result: Result) -> str:
    """A readable report of one task for the terminal: its measures, per article, confidence intervals."""
    scored = f"{len(result.articles)} article{'s' if len(result.articles) != 1 else ''}"
    where = f"{result.split} split, {scored} scored" if result.split else f"{scored} scored"
    out = [
        f"{result.task}: {TASK_SPECS[result.task].description}",
        f"{where}; n/a = undefined (nothing to score); not informative (n=...) = a figure resting on fewer than "
        f"{MIN_MINORITY_ITEMS} items of its minority class",
        "",
    ]
    out += _MEASURES[result.task](result.metrics, result.support)
    out += _per_article_lines(result)
    for note in result.notes:
        out += ["", note]
    out.append("")
    out += _confidence_lines(result)
    if result.system_errors:
        out += ["", f"system errors (scored as wrong, not refused): {len(result.system_errors)}"]
        out += [
            f"  {e['location']}: {e['code']}: {e['message']}" + (f" at {e['pointer']}" if e["pointer"] else "")
            for e in result.system_errors
        ]
    primary = TASK_SPECS[result.task].primary
    out += ["", f"headline: {primary} = {_figure(result.metrics, primary, result.support)}"]
    return "\n".join(out)


def _ner_lines(m: Mapping[str, Any], support: Mapping[str, int]) -> list[str]:
    rows = [
        [label, *_figures(v, *_PRF, support=_label_items(v)), str(v["gold"]), str(v["predicted"])]
        for label, v in m["per_label"].items()
    ]
    rows.append(["micro", *_figures(m, *_PRF, support=support), str(m["gold"]), str(m["predicted"])])
    macro = support["macro_f1"]
    rows.append(["macro", *_figures(m, "macro_precision", "macro_recall", "macro_f1", support=macro), "", ""])
    out = text_table(["label", "precision", "recall", "f1", "gold", "predicted"], rows)
    out += ["", "views (nervaluate's rules):"]
    out += text_table(
        ["view", *_PRF, *_OUTCOMES],
        [
            [v, *_figures(x, *_PRF, support=x["possible"] + x["spurious"]), *(str(x[k]) for k in _OUTCOMES)]
            for v, x in m["views"].items()
        ],
    )
    return out


def _linking_lines(m: Mapping[str, Any], support: Mapping[str, int]) -> list[str]:
    return text_table(
        ["measure", "value", "on"],
        [
            [
                "accuracy on found mentions",
                _figure(m, "accuracy", support),
                f"{m['found']} gold linked mentions found with exact span and label, {m['correct']} with the gold key",
            ],
            [
                "end-to-end precision",
                _figure(m, "precision", support),
                f"{m['predicted_links']} predicted mentions with a key",
            ],
            ["end-to-end recall", _figure(m, "recall", support), f"{m['gold_links']} gold mentions with a key"],
            ["end-to-end f1", _figure(m, "f1", support), "span, label and key all right"],
        ],
    )


def _claims_lines(m: Mapping[str, Any], support: Mapping[str, int]) -> list[str]:
    def on_matched(attribute: str) -> str:
        return f"matched claims ({support[attribute]} outside the majority class)"

    return text_table(
        ["measure", "value", "on"],
        [
            ["span precision", _figure(m, "precision", support), f"{m['predicted']} predicted claims"],
            ["span recall", _figure(m, "recall", support), f"{m['gold']} gold claims"],
            ["span f1", _figure(m, "f1", support), f"{m['matched']} matched (overlap >= half the longer span)"],
            ["attribution accuracy", _figure(m, "attribution_accuracy", support), on_matched("attribution_accuracy")],
            ["attribution macro-f1", _figure(m, "attribution_macro_f1", support), on_matched("attribution_macro_f1")],
            ["certainty accuracy", _figure(m, "certainty_accuracy", support), on_matched("certainty_accuracy")],
            ["certainty macro-f1", _figure(m, "certainty_macro_f1", support), on_matched("certainty_macro_f1")],
            ["claimer accuracy", _figure(m, "claimer_accuracy", support), "matched claims"],
        ],
    )


def _clusters_lines(m: Mapping[str, Any], support: Mapping[str, int]) -> list[str]:
    return text_table(
        ["measure", *_PRF, "on"],
        [
            [
                "pairwise",
                *_figures(m, "pairwise_precision", "pairwise_recall", "pairwise_f1", support=support),
                f"{m['gold_pairs']} gold pairs, {m['predicted_pairs']} predicted, {m['correct_pairs']} correct",
            ],
            [
                "pairwise, cross-document",
                *_figures(
                    m,
                    "cross_document_pairwise_precision",
                    "cross_document_pairwise_recall",
                    "cross_document_pairwise_f1",
                    support=support,
                ),
                f"{m['gold_cross_document_pairs']} gold pairs, {m['predicted_cross_document_pairs']} predicted, "
                f"{m['correct_cross_document_pairs']} correct",
            ],
            [
                "B-cubed",
                *_figures(m, "bcubed_precision", "bcubed_recall", "bcubed_f1", support=support),
                f"{m['gold_claims']} gold claims in {m['gold_clusters']} clusters, {m['predicted_claims']} "
                f"predicted in {m['predicted_clusters']}, {m['matched_claims']} matched",
            ],
        ],
    )


_MEASURES = {
    "ner": _ner_lines,
    "linking": _linking_lines,
    "claims": _claims_lines,
    "propositions": _clusters_lines,
    "events": _clusters_lines,
}


def _per_article_lines(result: Result) -> list[str]:
    if not result.per_article:
        return []
    headline = TASK_SPECS[result.task].headline
    return [
        "",
        "per article:",
        *text_table(
            ["article", *headline],
            [
                [a, *_figures(v, *headline, support=(result.per_article_support or {}).get(a))]
                for a, v in result.per_article.items()
            ],
        ),
    ]


def _confidence_lines(result: Result) -> list[str]:
    intervals = result.confidence.get("intervals")
    if intervals is None:
        return [f"95% confidence intervals: not computed ({result.confidence['reason']})"]
    return [
        f"95% confidence intervals ({result.confidence['method']}, {result.confidence['resamples']} "
        f"resamples, seed {result.confidence['seed']}):",
        *text_table(
            ["measure", "value", "interval"],
            [
                [k, _figure(result.metrics, k, result.support), _interval(iv, result.support.get(k))]
                for k, iv in intervals.items()
            ],
        ),
    ]


def _interval(interval: Sequence[float] | None, support: int | None) -> str:
    if support is not None and not informative(support):
        return "not shown"  # no interval for a figure that is not shown
    return "n/a" if interval is None else f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def leaderboard_text(results: dict[str, Any]) -> str:
    """The results of :func:`cyberclaims.benchmark.baselines.run_baselines` as a plain-text table."""
    rows = []
    for row in sorted_rows(results):
        if row.get("skipped"):
            rows.append([row["task"], row["baseline"], "", "", "", f"skipped: {row['skipped']}"])
        else:
            rows.append([row["task"], row["baseline"], *row_figures(row)])
    lines = text_table(["task", "baseline", "precision", "recall", "f1", "also"], rows)
    learnt = learnt_from(results)
    return "\n".join(
        lines
        + [
            "",
            f"scored on {scored_on(results)}, seed {results['seed']}; ner: exact span "
            f"and label; linking: end-to-end; claims: spans; propositions, events: pairwise",
        ]
        + ([learnt] if learnt else [])
    )
