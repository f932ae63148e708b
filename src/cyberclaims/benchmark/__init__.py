"""The CyberClaims benchmark: score a system's predictions on five tasks, and the baselines to beat.

Tasks (:data:`TASKS`): ``ner`` (entity mentions), ``linking`` (their entity keys), ``claims`` (claim spans
and their attribution, certainty and claimer), ``propositions`` and ``events`` (cross-document clusters of
claims: the same proposition; the same real-world event).

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

from importlib import import_module
from typing import Any

# Where each public name lives. They are imported when first used (PEP 562): importing one submodule,
# as the CLI does, then does not import pyarrow and ``datasets`` through the others.
_PUBLIC = {
    "BASELINES": "baselines",
    "run_baselines": "baselines",
    "Predictions": "predictions",
    "check_predictions": "predictions",
    "load_predictions": "predictions",
    "prediction_document": "predictions",
    "write_jsonl": "predictions",
    "leaderboard_text": "report",
    "result_text": "report",
    "MIN_ARTICLES_FOR_CI": "protocol",
    "RESAMPLES": "protocol",
    "SEED": "protocol",
    "Result": "scoring",
    "evaluate": "scoring",
    "TASK_SPECS": "tasks",
    "TASKS": "tasks",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
