"""Score a system's predictions against the gold annotations on one benchmark task (``cyberclaims evaluate``).

:func:`evaluate` scores validated predictions (:mod:`cyberclaims.benchmark.predictions` reads and checks
them) on one task of :data:`cyberclaims.benchmark.tasks.TASK_SPECS`, whose measures are defined in
:mod:`cyberclaims.benchmark.metrics`; the :class:`Result` renders itself as JSON or as text.

**Conventions.** A ratio whose denominator is 0 is 0.0 (as in seqeval and scikit-learn), except when
there is nothing on either side: then it is ``None`` (undefined) and shown as such. Figures are pooled
over articles (micro). Each article is also scored alone (except for ``propositions``, a cross-document
task). A 95% confidence interval of the headline figures comes from a seeded percentile bootstrap over
articles (articles drawn with replacement; an article drawn twice counts twice, and the pairs between
its two copies are not counted), only when there are at least :data:`MIN_ARTICLES_FOR_CI` articles:
with fewer, the spread of a handful of articles says little about the next ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeGuard

from ..core.issues import Issue, Report
from ..core.model import Article, in_split
from ..core.sampling import bootstrap
from ..dataset.leaderboard import minority_items
from .gold import Gold, load_gold
from .predictions import Predictions, check_any
from .protocol import MIN_ARTICLES_FOR_CI, RESAMPLES, SEED
from .report import Result
from .tasks import TASK_SPECS

__all__ = ["MIN_ARTICLES_FOR_CI", "RESAMPLES", "SEED", "PredictionError", "Result", "bootstrap", "evaluate"]


class PredictionError(ValueError):
    """Predictions that cannot be scored (malformed, or missing an article); ``report`` says where."""

    def __init__(self, report: Report) -> None:
        self.report = report
        lines = [i.to_text() for i in report.sorted_issues()]
        super().__init__(f"the predictions do not validate ({report.summary()}):\n" + "\n".join(lines[:20]))


def _validated(predictions: Mapping[str, Article | Mapping[str, Any]]) -> TypeGuard[Mapping[str, Article]]:
    """Whether every prediction is an :class:`Article` (validated already: nothing to check)."""
    return all(isinstance(v, Article) for v in predictions.values())


def evaluate(
    task: str,
    gold: Sequence[Article] | Gold | str | Path,
    predictions: Mapping[str, Article | Mapping[str, Any]] | Predictions,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    min_articles: int = MIN_ARTICLES_FOR_CI,
    split: str | None = None,
) -> Result:
    """Score a system's predictions on one task, in memory: the same :class:`Result` as ``cyberclaims evaluate``.

    ``gold``: gold articles, or a built dataset folder (``dataset/`` or a downloaded copy; its ``split``,
    ``test`` by default), or a :class:`~cyberclaims.benchmark.gold.Gold`. ``predictions``, by article id:
    annotation documents or minimal ones (``{"entities": [{"start", "end", "label"}], "claims": [...]}``,
    the JSONL format's lines; ``id`` may be left out) as plain dicts, which are checked first
    (:class:`PredictionError` when malformed or when an article has none), or already validated
    :class:`~cyberclaims.core.model.Article` objects, or loaded :class:`Predictions`. What a system got wrong
    (a label in boilerplate, a cut token, overlapping mentions) is scored and listed in ``system_errors``.

    With ``split``, only the gold articles of that split are scored (predictions of others are unused).
    Example::

        from cyberclaims.benchmark import evaluate
        result = evaluate("ner", "dataset", {"some-article": {"entities": [{"start": 0, "end": 11, "label": "GPE"}]}})
        result.primary, result.to_dict()["metrics"]["f1"]
    """
    spec = TASK_SPECS[task]
    flagged: list = []
    format = None
    if isinstance(gold, (str, Path)):
        gold = load_gold(Path(gold), split or "test")
    others: list[str] = []
    if isinstance(gold, Gold):
        split, others, gold = gold.split, gold.other_ids, gold.articles
    if isinstance(predictions, Predictions):
        if not predictions.ok:
            raise PredictionError(predictions.report)
        flagged, format, predictions = predictions.flagged, predictions.format, predictions.articles
    elif _validated(predictions):
        pass  # Article objects, already validated: scored as they are
    else:
        scored = in_split(gold, split) if split is not None else list(gold)
        ignore = others + [a.id for a in gold if a not in scored]
        checked = check_any(predictions, scored, task, ignore=ignore)
        if not checked.ok:
            raise PredictionError(checked.report)
        flagged, format, predictions = checked.flagged, checked.format, checked.articles
    if split is not None:
        gold = in_split(gold, split)
        if not gold:
            raise ValueError(f"no gold article is in the {split} split")
    ordered = sorted(gold, key=lambda a: a.id)
    missing = [a.id for a in ordered if a.id not in predictions]
    if missing:
        raise ValueError(f"no prediction for {', '.join(missing)}: validate the predictions first")
    stats = [spec.stats(a, predictions[a.id]) for a in ordered]
    metrics = spec.score([(s, 1) for s in stats])
    per_article = None
    notes = []
    per_article_support = None
    if spec.per_article:
        whole = {a.id: spec.score([(s, 1)]) for a, s in zip(ordered, stats)}
        per_article = {a: {k: v for k, v in m.items() if k in spec.headline} for a, m in whole.items()}
        per_article_support = {
            a: {k: n for k, n in minority_items({"task": task, "metrics": m}).items() if k in spec.headline}
            for a, m in whole.items()
        }
    else:
        notes.append("no per-article scores: the task pairs claims across articles")
    confidence: dict[str, Any] = {
        "method": "percentile bootstrap over articles",
        "level": 0.95,
        "resamples": resamples,
        "seed": seed,
        "min_articles": min_articles,
    }
    if len(ordered) >= min_articles:
        confidence["intervals"] = bootstrap(stats, spec.score, spec.headline, resamples=resamples, seed=seed)
    else:
        confidence["intervals"] = None
        confidence["reason"] = (
            f"{len(ordered)} article{'s' if len(ordered) != 1 else ''}: a confidence "
            f"interval needs at least {min_articles}"
        )
    return Result(
        task,
        [a.id for a in ordered],
        metrics,
        per_article,
        confidence,
        notes,
        split,
        [issue_dict(i) for i in flagged],
        format,
        per_article_support,
    )


def issue_dict(issue: Issue) -> dict[str, Any]:
    """A listed system error as JSON (no severity: it is not an error of the file)."""
    return {
        "location": issue.location(),
        "file": issue.file,
        "line": issue.line,
        "pointer": issue.pointer,
        "code": issue.code,
        "message": issue.message,
    }
