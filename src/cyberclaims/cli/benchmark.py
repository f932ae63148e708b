"""The benchmark commands, ``evaluate`` and ``baselines``: parse, call the library, print.

``register(commands)`` adds them to the ``cyberclaims`` subparsers and returns their handlers; each
handler returns the exit status (0 ok, 1 the gold or the predictions have problems, 2 usage error).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..benchmark.protocol import FORMATS, MIN_ARTICLES_FOR_CI, RESAMPLES, SEED
from ..benchmark.tasks import TASKS
from ..core.model import in_split, split_of
from ..core.vocabulary import SPLITS
from ..dataset.leaderboard import leaderboard_markdown
from ..validation import validate
from .output import EXIT_DATA, EXIT_OK, EXIT_USAGE


def register(commands: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``evaluate`` and ``baselines`` to an argparse subparsers object; return their handlers."""
    evaluate = commands.add_parser(
        "evaluate",
        help="score a system's predictions on one benchmark task",
        description="Scores predictions against the gold of a built dataset folder (the repository's dataset/ by "
        "default, or a downloaded copy with --gold DIR): no repository checkout is needed. Three "
        "prediction formats (detected, or --format): annotation files (a folder of <id>.json, or one "
        'JSONL file of them); a minimal JSONL, one line per article {"id", "entities": [{"start", '
        '"end", "label"}], "claims": [...]}; and, for ner, IOB2 tags per row of the ner config '
        '{"id": "<article_id>:<nnnn>", "ner_tags": [...]}. Malformed files are refused with located '
        "errors; what a system got wrong (a label in boilerplate, a cut token, overlapping mentions) is "
        "scored and listed. The protocol: docs/benchmark.md. Example: cyberclaims evaluate --task ner "
        "--predictions my-system.jsonl --gold dataset --output metrics.json",
    )
    evaluate.add_argument("--task", required=True, choices=TASKS, help="the task to score")
    evaluate.add_argument(
        "--predictions",
        required=True,
        type=Path,
        metavar="FILE",
        help="JSONL file (any format) or folder of <id>.json (annotation format)",
    )
    evaluate.add_argument(
        "--format", choices=FORMATS, default=None, help="the predictions' format (default: detected from the file)"
    )
    evaluate.add_argument(
        "--gold",
        type=Path,
        default=None,
        metavar="DIR",
        help="built dataset folder holding data/<config>/*.parquet (default: dataset/ under --root)",
    )
    evaluate.add_argument(
        "--split",
        choices=SPLITS,
        default="test",
        help="score the gold articles of this split only; predictions of other articles are ignored (default test)",
    )
    evaluate.add_argument("--output", type=Path, default=None, metavar="JSON", help="also write the metrics as JSON")
    evaluate.add_argument("--seed", type=int, default=SEED, help=f"bootstrap seed (default {SEED})")
    evaluate.add_argument(
        "--resamples",
        type=int,
        default=RESAMPLES,
        help=f"bootstrap resamples (default {RESAMPLES}; intervals need at least {MIN_ARTICLES_FOR_CI} articles)",
    )

    baselines = commands.add_parser(
        "baselines",
        help="run and score the baselines of every task",
        description="Runs the gazetteer, rule-based and clustering baselines (and spaCy and MiniLM ones when "
        "their extras are installed) and scores them like any system. Example: cyberclaims "
        "baselines --output benchmarks/baselines.json",
    )
    baselines.add_argument(
        "--split",
        choices=SPLITS,
        default="test",
        help="score the articles of this split (default test); the gazetteer learns from the "
        "train split, or leave-one-article-out when it has no article",
    )
    baselines.add_argument("--output", type=Path, default=None, metavar="JSON", help="also write the results as JSON")
    baselines.add_argument("--markdown", action="store_true", help="print the leaderboard as a markdown table")
    baselines.add_argument(
        "--core", action="store_true", help="run only the core baselines (none that needs an optional extra)"
    )
    baselines.add_argument(
        "--predictions",
        type=Path,
        default=None,
        metavar="DIR",
        help="also write each baseline's predictions to DIR/<baseline>.jsonl",
    )
    baselines.add_argument(
        "--seed", type=int, default=SEED, help=f"seed recorded and used by the bootstrap (default {SEED})"
    )
    return {"evaluate": _evaluate, "baselines": _baselines}


def _gold(root: Path):
    """The validated gold articles, or None after printing why they cannot be used."""
    corpus, report = validate(root)  # a bar on a terminal: at scale, reading the corpus takes a while
    if not report.ok:
        for issue in report.errors:
            print(issue.to_text())
        print(
            f"cyberclaims: the gold annotations do not validate ({report.summary()}); fix them first", file=sys.stderr
        )
        return None
    if not corpus.gold.articles:
        print(f"cyberclaims: no gold articles under {root / 'annotations'}", file=sys.stderr)
        return None
    return corpus.gold.articles


def _split(gold, split: str):
    """The gold articles of ``split``, or None after printing that it has none."""
    chosen = in_split(gold, split)
    if not chosen:
        counts = ", ".join(f"{s} {n}" for s, n in sorted(Counter(str(split_of(a)) for a in gold).items()))
        print(
            f"cyberclaims: error: no gold article is in the {split} split (articles per split: {counts}); "
            f"choose another with --split",
            file=sys.stderr,
        )
        return None
    return chosen


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)  # never a half-written results file


def _evaluate(args: argparse.Namespace) -> int:
    # deferred: scoring reads Parquet (pyarrow, datasets: a second to import); `validate` must start fast
    from ..benchmark.gold import GoldError, NotABuiltDataset, load_gold
    from ..benchmark.predictions import load_any
    from ..benchmark.scoring import evaluate

    if not args.predictions.exists():
        print(f"cyberclaims: error: --predictions {args.predictions} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if args.resamples < 1:
        print("cyberclaims: error: --resamples must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    folder = args.gold if args.gold is not None else args.root / "dataset"
    try:
        gold = load_gold(folder, args.split)
    except GoldError as exc:
        if exc.report is not None:
            for issue in exc.report.sorted_issues():
                print(issue.to_text())
        print(f"cyberclaims: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, NotABuiltDataset) else EXIT_DATA
    try:
        predictions = load_any(args.predictions, gold, args.task, args.format)
    except ValueError as exc:
        print(f"cyberclaims: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for issue in predictions.report.sorted_issues():
        print(issue.to_text())
    if not predictions.ok:
        print(
            f"cyberclaims: the predictions ({predictions.format} format) do not validate "
            f"({predictions.report.summary()}); nothing was scored",
            file=sys.stderr,
        )
        return EXIT_DATA
    result = evaluate(args.task, gold, predictions, seed=args.seed, resamples=args.resamples)
    print(result.to_text())
    if args.output is not None:
        _write_json(args.output, result.to_dict())
        print(f"wrote {args.output}")
    return EXIT_OK


def _baselines(args: argparse.Namespace) -> int:
    # deferred: baselines import numpy and the optional spaCy/embeddings probes (0.2 s), evaluate does not need them
    from ..benchmark.baselines import run_baselines
    from ..benchmark.report import leaderboard_text

    gold = _gold(args.root)
    if gold is None or _split(gold, args.split) is None:
        return EXIT_DATA
    results = run_baselines(
        gold,
        split=args.split,
        seed=args.seed,
        core_only=args.core,
        predictions_dir=args.predictions,
        log=lambda line: print(line, file=sys.stderr),
    )
    print(leaderboard_markdown(results) if args.markdown else leaderboard_text(results))
    if args.output is not None:
        _write_json(args.output, results)
        print(f"wrote {args.output}")
    return EXIT_OK
