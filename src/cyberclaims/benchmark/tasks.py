"""The five benchmark tasks: for each, what it scores, its measures and its headline figures.

The measures themselves are in :mod:`cyberclaims.benchmark.metrics`;
:func:`cyberclaims.benchmark.scoring.evaluate` runs a task on a corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core.model import Article
from ..dataset.leaderboard import TASK_ORDER
from .metrics import (
    Metrics,
    Stats,
    claims_score,
    claims_stats,
    events_score,
    events_stats,
    linking_score,
    linking_stats,
    ner_score,
    ner_stats,
    propositions_score,
    propositions_stats,
)

TASKS = TASK_ORDER  # one list: the leaderboard's order is the tasks' order


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    stats: Callable[[Article, Article], Stats]
    score: Callable[[Sequence[tuple[Stats, int]]], Metrics]
    headline: tuple[str, ...]  # the figures shown first, given per article and with a confidence interval
    per_article: bool = True
    primary: str = "f1"  # the one headline metric a paper reports (docs/benchmark.md)


# What both clustering tasks (propositions, events) report: pairwise and B-cubed, and the cross-document part.
CLUSTERING_MEASURES = (
    "pairwise_precision",
    "pairwise_recall",
    "pairwise_f1",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "cross_document_pairwise_f1",
)

TASK_SPECS: dict[str, Task] = {
    "ner": Task(
        "ner",
        "entity mentions: exact span and label (CoNLL), micro over mentions",
        ner_stats,
        ner_score,
        ("precision", "recall", "f1", "macro_f1", "partial_f1"),
        primary="f1",
    ),
    "linking": Task(
        "linking",
        "entity keys of the gold mentions found with exact span and label",
        linking_stats,
        linking_score,
        ("accuracy", "precision", "recall", "f1"),
        primary="f1",
    ),
    "claims": Task(
        "claims",
        "claim spans (overlap >= half the longer span, one-to-one), then their attributes",
        claims_stats,
        claims_score,
        (
            "precision",
            "recall",
            "f1",
            "attribution_accuracy",
            "attribution_macro_f1",
            "certainty_accuracy",
            "certainty_macro_f1",
            "claimer_accuracy",
        ),
    ),
    "propositions": Task(
        "propositions",
        "cross-document clusters of claims stating the same proposition",
        propositions_stats,
        propositions_score,
        CLUSTERING_MEASURES,
        per_article=False,
        primary="pairwise_f1",
    ),
    "events": Task(
        "events",
        "cross-document clusters of claims reporting the same real-world event (one-way entailment allowed)",
        events_stats,
        events_score,
        CLUSTERING_MEASURES,
        per_article=False,
        primary="pairwise_f1",
    ),
}
assert tuple(TASK_SPECS) == TASKS == TASK_ORDER, "the tasks, their specs and the leaderboard's order disagree"
