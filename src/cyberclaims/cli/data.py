"""The commands over the sources and the built dataset: ``validate``, ``lint``, ``build``, ``rehydrate``,
``summary``, ``new`` and ``agreement``. Each parses, calls one library function, and prints; errors the library
raises on purpose reach ``app.main``, which maps them to exit statuses in one place.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.issues import Report, printable
from ..core.sampling import MIN_ARTICLES, MIN_MINORITY_ITEMS, RESAMPLES, SEED
from ..core.vocabulary import SPLITS
from ..core.wording import count
from ..dataset.manifest import is_built_dataset
from ..formats.new_article import DEFAULT_LICENSE, new_article
from ..review.agreement import pass_agreement
from ..review.changes import compare
from ..review.lint import lint
from ..validation import validate
from .output import EXIT_DATA, EXIT_OK, EXIT_USAGE, not_a_repository, positive, print_report


def register(commands: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add this group's subcommands to an argparse subparsers object; return their handlers by name."""
    validate = commands.add_parser(
        "validate",
        help="validate the annotations (schema and semantic checks)",
        description="Validate annotation files and registries. Example: cyberclaims validate "
        "annotations/my-article.json",
    )
    validate.add_argument("paths", nargs="*", type=Path, help="files to check (default: everything under annotations/)")
    validate.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output format: text lines, JSON, or GitHub Actions annotations",
    )
    validate.add_argument(
        "--jobs", type=positive, default=None, help="worker processes for large corpora (default: one per core)"
    )

    build = commands.add_parser(
        "build",
        help="validate, then write dataset/ (Parquet + card) atomically",
        description="Build the Hugging Face dataset folder. Example: cyberclaims build --check",
    )
    build.add_argument(
        "--check",
        action="store_true",
        help="rebuild in a temporary folder and exit 1 if the committed dataset/ is stale",
    )
    build.add_argument("--output", type=Path, default=None, help="output folder (default: <root>/dataset)")
    build.add_argument(
        "--jobs",
        type=positive,
        default=None,
        help="worker processes that validate and write runs of about 1,000 articles (default: "
        "one per core; the output is the same for any number)",
    )
    build.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="check and write every run of articles again instead of reusing the unchanged ones "
        "from the cache (the output is the same; the cache is in $CYBERCLAIMS_CACHE_DIR, "
        "else ~/.cache/cyberclaims, and can be deleted at any time)",
    )
    build.add_argument(
        "--withhold-text",
        type=Path,
        default=None,
        metavar="OUT",
        help="write a copy without any article text to OUT (see `rehydrate`)",
    )

    rehydrate = commands.add_parser(
        "rehydrate",
        help="put article texts back into a text-withheld copy of the dataset",
        description="Each <id>.txt of --texts is accepted only if its sha256 equals the pinned text_sha256; "
        "nothing is written unless every text is found and matches. Example: cyberclaims "
        "rehydrate cyberclaims-withheld --texts my-downloads/",
    )
    rehydrate.add_argument("dataset", type=Path, help="the text-withheld dataset folder (rewritten in place)")
    rehydrate.add_argument("--texts", type=Path, required=True, help="folder of <id>.txt article texts")

    lint = commands.add_parser(
        "lint",
        help="find likely annotation errors across the gold corpus (warnings, file:line: code)",
        description="After validating, report inconsistencies for a person to check: a string labelled as a "
        "mention in one place and not in another (variation n-grams), one string with different "
        "labels or links, near-duplicate proposition statements, and the claim checks the guidelines "
        "state (a cue weaker than the certainty, a span swallowing a neighbouring claim, nothing "
        "checkable, evidence without its conclusion, a context word in normalized), with the cues of "
        "the tables of annotations/GUIDELINES.md. Codes: see core/codes.py (LINT_CODES). Exit status 0 "
        "unless --strict and something is found, or the corpus does not validate or the guidelines' "
        "tables cannot be read (1). Example: cyberclaims lint",
    )
    lint.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output format: text lines, JSON, or GitHub Actions annotations",
    )
    lint.add_argument("--strict", action="store_true", help="exit 1 when there is any finding")

    handlers = {"validate": _validate, "build": _build, "rehydrate": _rehydrate, "lint": _lint}
    return {**handlers, **_register_annotation_commands(commands)}


def _register_annotation_commands(commands: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """``new``, ``agreement`` and ``summary``: starting an article, comparing passes, looking at the build."""
    new = commands.add_parser(
        "new",
        help="add a new article: copy its text and write a skeleton annotation file",
        description="Every argument is checked against the JSON Schema before anything is written; on any "
        "error nothing is left on disk (exit status 2 for a bad argument, 1 for a bad text). "
        "Example: cyberclaims new sony-hack-bbc-2014-12-02 --text article.txt "
        "--source-name BBC --url https://www.bbc.co.uk/news/... --published 2014-12-02",
    )
    new.add_argument("id", metavar="ID", help="article id: lower-case letters and digits in words joined by hyphens")
    new.add_argument(
        "--text",
        type=Path,
        required=True,
        help="the raw article text (UTF-8 without a byte-order mark, not empty), copied byte for byte",
    )
    new.add_argument("--title", default=None, help="the headline, if the page has one")
    new.add_argument("--source-name", default=None, help="publication or site name (default: unknown)")
    new.add_argument("--url", default=None, help="URL of the original page: http:// or https://, no spaces")
    new.add_argument("--published", default=None, help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    new.add_argument(
        "--split",
        default="train",
        metavar="SPLIT",
        help=f"the dataset split the article belongs to: {', '.join(SPLITS)} (default: train)",
    )
    new.add_argument(
        "--license",
        default=DEFAULT_LICENSE,
        help="license of the article text: an SPDX identifier (CC-BY-4.0, CC0-1.0) or "
        f"LicenseRef-<name> (default: {DEFAULT_LICENSE}, i.e. third-party copyright)",
    )
    new.add_argument(
        "--topic",
        default="uncategorized",
        help="kebab-case key of the attack, e.g. sony-pictures-hack-2014 (default: uncategorized)",
    )

    agreement = commands.add_parser(
        "agreement",
        help="inter-annotator agreement between two annotation passes",
        description="Compare two passes of annotations/passes/ (or 'gold'): mentions, links, claim spans, "
        "kappa of claimer, attribution and certainty, about, normalized, proposition and event clusterings. "
        "Each figure comes with its items, a seeded bootstrap 95% interval (over the articles, or over the "
        f"figure's items when there are fewer than {MIN_ARTICLES} articles) and its trivial baseline; one "
        f"resting on fewer than {MIN_MINORITY_ITEMS} items of its minority class is shown as "
        "'not informative (n=...)'. Example: cyberclaims agreement pass-a pass-b",
    )
    agreement.add_argument(
        "passes", nargs="*", metavar="PASS", help="two pass names (default: the two passes in annotations/passes/)"
    )
    agreement.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    agreement.add_argument(
        "--resamples", type=positive, default=RESAMPLES, help=f"bootstrap resamples (default {RESAMPLES})"
    )
    agreement.add_argument("--seed", type=int, default=SEED, help=f"bootstrap seed (default {SEED})")

    diff = commands.add_parser(
        "diff",
        help="what a change does to the data: articles, mentions, claims and registry entries",
        description="Compare the annotations at --root with those of BASE: a git revision (read with git, the "
        "work tree is not touched) or a folder holding annotations/ (another checkout). Lists "
        "articles added and removed; per article the metadata, mentions and claims added, removed "
        "and changed (matched by id, else by offsets); registry entries added, removed and changed. "
        "Example: cyberclaims diff origin/main --format markdown",
    )
    diff.add_argument("base", metavar="BASE", help="a git revision (origin/main, HEAD~1) or a folder")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text")

    summary = commands.add_parser(
        "summary",
        help="load the built dataset with datasets.load_dataset and print what it holds",
        description="Example: cyberclaims summary",
    )
    summary.add_argument("--dataset", type=Path, default=None, help="built folder (default: <root>/dataset)")
    return {"new": _new, "agreement": _agreement, "summary": _summary, "diff": _diff}


def _validate(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"cyberclaims: error: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    built = [p for p in args.paths if p.is_dir() and is_built_dataset(p)]
    sources = [p for p in args.paths if p not in built]
    if built:
        from ..dataset.verify import validate_dataset  # deferred: pyarrow, only for a built dataset

        report = Report()
        for folder in built:
            found = validate_dataset(folder)
            report.issues += found.issues
            report.files_checked += found.files_checked
        if sources:
            _, more = validate(args.root, sources, keep_articles=False, jobs=args.jobs)
            report.issues += more.issues
            report.files_checked += more.files_checked
    else:
        _, report = validate(args.root, args.paths or None, keep_articles=False, jobs=args.jobs)
    print_report(report, args.format)
    if (sources or not built) and not_a_repository(args.root):
        return EXIT_USAGE  # the report says where it looked and to pass --root; the status is every command's
    return EXIT_OK if report.ok else EXIT_DATA


def _build(args: argparse.Namespace) -> int:
    from ..dataset.build import build  # deferred: datasets and pyarrow take a second to import
    from ..dataset.freshness import check

    if args.check:
        result = check(args.root, args.output, jobs=args.jobs, cache=args.cache)
        _print_cache_note(result.cache_note)
        _print_reuse(result.runs, result.reused)
        print(f"compared {result.method}")
        for difference in result.differences:
            print(f"stale: {difference}")
        if result.stale:
            print("dataset/ is stale: run `cyberclaims build` and commit the result", file=sys.stderr)
            return EXIT_DATA
        print("dataset/ is up to date")
        return EXIT_OK
    if args.withhold_text is not None:
        if args.output is not None:
            print("cyberclaims: error: use --output or --withhold-text, not both", file=sys.stderr)
            return EXIT_USAGE
        built = build(args.root, args.withhold_text, withhold_text=True, jobs=args.jobs, cache=args.cache)
    else:
        built = build(args.root, args.output, jobs=args.jobs, cache=args.cache)
    for config in built.configs:
        splits = ", ".join(f"{s.name} {s.num_examples}" for s in config.splits)
        print(f"{config.name}: {splits}")
    _print_cache_note(built.cache_note)
    _print_reuse(built.runs, built.reused)
    print(f"wrote {built.output}")
    return EXIT_OK


def _print_cache_note(note: str) -> None:
    """Why the build's cache was not used (a folder others can write), once per command."""
    if note:
        print(f"cyberclaims: note: {printable(note)}", file=sys.stderr)


def _print_reuse(runs: int, reused: int) -> None:
    """What the build's cache saved (nothing is printed without a cache: no runs were counted)."""
    if runs:
        print(f"reused {reused} of {count(runs, 'run')} of articles from the cache")


def _rehydrate(args: argparse.Namespace) -> int:
    from ..dataset.rehydrate import rehydrate  # deferred: datasets and pyarrow

    for folder, what in ((args.dataset, "dataset"), (args.texts, "--texts")):
        if not folder.is_dir():
            print(f"cyberclaims: error: {what} {folder} is not a folder", file=sys.stderr)
            return EXIT_USAGE
    report = rehydrate(args.dataset, args.texts)
    for article_id in report.missing:
        print(f"missing: {args.texts / (article_id + '.txt')}")
    for article_id, expected, found in report.differing:
        print(f"differs: {args.texts / (article_id + '.txt')}: sha256 {found}, expected {expected}")
    if not report.ok:
        print(
            f"cyberclaims: {count(len(report.missing), 'text')} missing, {len(report.differing)} differing; "
            f"nothing was written",
            file=sys.stderr,
        )
        return EXIT_DATA
    print(f"rehydrated {count(len(report.accepted), 'article')} in {args.dataset}")
    return EXIT_OK


def _summary(args: argparse.Namespace) -> int:
    from ..dataset.summary import summarize  # deferred: datasets

    dataset = args.dataset or args.root / "dataset"
    if not (dataset / "README.md").is_file():
        print(f"cyberclaims: error: {dataset} is not a built dataset (run `cyberclaims build`)", file=sys.stderr)
        return EXIT_USAGE
    print(summarize(dataset).to_text())
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    created = new_article(
        args.root,
        args.id,
        args.text,
        title=args.title,
        source_name=args.source_name,
        url=args.url,
        published=args.published,
        split=args.split,
        topic=args.topic,
        license=args.license,
    )
    print(f"created {created.text_path} and {created.json_path}")
    _, report = validate(args.root, [created.json_path])
    for issue in report.sorted_issues():
        print(issue.to_text())
    print(
        "next: label entities and claims in the .json (see annotations/GUIDELINES.md), then run `cyberclaims validate`"
    )
    return EXIT_OK if report.ok else EXIT_DATA


def _lint(args: argparse.Namespace) -> int:

    report = lint(args.root)  # a corpus that does not validate raises: app.main prints its report, exit 1
    print_report(report, args.format)
    # an error (a malformed annotations/LINT-ACCEPTED.md) fails; warnings fail only with --strict
    return EXIT_DATA if not report.ok or (args.strict and report.issues) else EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    changes = compare(args.root, args.base)
    print({"json": changes.to_json, "markdown": changes.to_markdown, "text": changes.to_text}[args.format]())
    return EXIT_OK


def _agreement(args: argparse.Namespace) -> int:
    result = pass_agreement(args.root, args.passes, resamples=args.resamples, seed=args.seed)
    print({"json": result.to_json, "markdown": result.to_markdown, "text": result.to_text}[args.format]())
    return EXIT_OK
