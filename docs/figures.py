"""The figures of the docs, made from the committed data: nothing in ``docs/*.md`` is typed by hand that the
data or the code decides.

Each figure stands between two markers, ``<!-- figure: NAME -->`` and ``<!-- /figure -->`` (invisible once
rendered), and :func:`compute` says what each NAME is: a constant of the code (the number of entity types,
the articles a confidence interval needs), or a score of the worked example in ``docs/benchmark.md``, which
this script runs as the doc describes it (the core baselines' predictions on the test split, turned into the
three prediction formats by ``examples/make_examples.py``, each scored by ``evaluate``).

    python docs/figures.py            # rewrite the figures of docs/*.md in place
    python docs/figures.py --check    # exit 1, naming the stale files, if any figure differs (a test runs it)

Run it after the data change, as `cyberclaims baselines` (CONTRIBUTING.md, step 7).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE = re.compile(r"(<!-- figure: ([a-z0-9-]+) -->)(.*?)(<!-- /figure -->)", re.S)


def _make_examples():
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "examples" / "make_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_examples


def compute(root: Path = ROOT, split: str = "test", keep: Path | None = None) -> dict[str, str]:
    """Every figure of the docs by name, from the repository at ``root`` (its annotations and ``dataset/``);
    ``keep``: a folder to leave the worked example's files in (``predictions/``, ``examples/``)."""
    from cyberclaims.benchmark.baselines import run_baselines
    from cyberclaims.benchmark.gold import load_gold
    from cyberclaims.benchmark.predictions import load_any
    from cyberclaims.benchmark.protocol import MIN_ARTICLES_FOR_CI, SEED
    from cyberclaims.benchmark.scoring import evaluate
    from cyberclaims.core.vocabulary import ENTITY_LABELS
    from cyberclaims.validation import validate
    from cyberclaims.viewer.site import PAGE_ROWS

    corpus, report = validate(root, show_progress=False)
    if not report.ok:
        raise SystemExit(f"the annotations under {root} do not validate: {report.summary()}")
    gold = load_gold(root / "dataset", split)
    with tempfile.TemporaryDirectory(prefix="cyberclaims-figures-") as scratch:
        predictions, examples = Path(keep or scratch) / "predictions", Path(keep or scratch) / "examples"
        examples.mkdir(parents=True)
        # the worked example's commands: `cyberclaims baselines --core --predictions DIR`, then make_examples.py
        run_baselines(corpus.gold.articles, split=split, seed=SEED, core_only=True, predictions_dir=predictions)
        _make_examples()(predictions, root / "dataset", examples)

        def score(task: str, name: str) -> dict:
            return evaluate(task, gold, load_any(examples / name, gold, task)).to_dict()

        ner = {
            name: score("ner", name)["primary"]["value"]
            for name in ("annotation.jsonl", "minimal-ner.jsonl", "iob2-ner.jsonl")
        }
        if len(set(ner.values())) != 1:  # the doc says the three formats give the same figure
            raise SystemExit(f"the three formats give different ner F1s: {ner}")
        claims = score("claims", "minimal-claims.jsonl")
        figures = {
            "ner-f1": ner["iob2-ner.jsonl"],
            "linking-f1": score("linking", "minimal-ner.jsonl")["primary"]["value"],
            "claims-f1": claims["primary"]["value"],
            "recall-ceiling": claims["metrics"]["recall_ceiling_one_claim_per_span"],
            "propositions-f1": score("propositions", "minimal-claims.jsonl")["primary"]["value"],
        }
    certainties = [claim["certainty"] for article in gold.articles for claim in article.data["claims"]]
    values = {name: f"{value:.3f}" for name, value in figures.items()}
    values["always-certain"] = f"{certainties.count('certain') / len(certainties):.3f}" if certainties else "n/a"
    values["entity-types"] = str(len(ENTITY_LABELS))
    values["ci-min-articles"] = str(MIN_ARTICLES_FOR_CI)
    values["page-rows"] = str(PAGE_ROWS)
    return values


def render(text: str, values: dict[str, str], where: str = "") -> str:
    """``text`` with every figure replaced by its value; an unknown figure name is an error."""

    def replace(match: re.Match[str]) -> str:
        if match[2] not in values:
            raise SystemExit(
                f"{where}: no figure named {match[2]!r} (docs/figures.py knows {', '.join(sorted(values))})"
            )
        return f"{match[1]}{values[match[2]]}{match[4]}"

    return FIGURE.sub(replace, text)


def stale(root: Path = ROOT, values: dict[str, str] | None = None) -> dict[Path, str]:
    """The docs whose figures differ from the data, with what they should hold."""
    values = values if values is not None else compute(root)
    found = {}
    for path in sorted((root / "docs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        made = render(text, values, str(path))
        if made != text:
            found[path] = made
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a figure of docs/*.md is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = parser.parse_args(argv)
    changed = stale(args.root)
    for path, made in changed.items():
        if args.check:
            print(f"stale figures: {path} (run `python docs/figures.py`)")
        else:
            path.write_text(made, encoding="utf-8")
            print(f"wrote {path}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
