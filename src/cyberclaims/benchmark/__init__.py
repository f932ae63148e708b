"""The CyberClaims benchmark: score a system's predictions on four tasks, and the baselines to beat.

Tasks (:data:`TASKS`): ``ner`` (entity mentions), ``linking`` (their entity keys), ``claims`` (claim spans
and their attribution, certainty and claimer), ``propositions`` (cross-document clusters of claims).

- :mod:`.predictions`: read and validate prediction files (:func:`load_predictions`) or documents in
  memory (:func:`check_predictions`); build and write them (:func:`prediction_document`, :func:`write_jsonl`).
- :mod:`.metrics`: the measures of each task, counted per article and pooled.
- :mod:`.tasks`: what each task scores and its headline figures (:data:`TASK_SPECS`).
- :mod:`.scoring`: :func:`evaluate` one task, with bootstrap confidence intervals, into a :class:`Result`.
- :mod:`.report`: plain-text output of a result and of the baselines' results.
- :mod:`.baselines`: simple reference systems, run and scored by :func:`run_baselines`.

Layering: this package reads ``core``, ``validation`` and ``dataset`` (the dataset card's leaderboard
table, :mod:`cyberclaims.dataset.leaderboard`, is there so that the card need not import the benchmark);
only the CLI imports it.
"""

from .baselines import BASELINES, run_baselines
from .predictions import Predictions, check_predictions, load_predictions, prediction_document, write_jsonl
from .report import leaderboard_text, result_text
from .scoring import MIN_ARTICLES_FOR_CI, RESAMPLES, SEED, Result, evaluate
from .tasks import TASK_SPECS, TASKS

__all__ = [
    "BASELINES",
    "MIN_ARTICLES_FOR_CI",
    "Predictions",
    "RESAMPLES",
    "Result",
    "SEED",
    "TASKS",
    "TASK_SPECS",
    "check_predictions",
    "evaluate",
    "leaderboard_text",
    "load_predictions",
    "prediction_document",
    "result_text",
    "run_baselines",
    "write_jsonl",
]
