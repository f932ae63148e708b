"""The ``cyberclaims`` command: parse arguments, call the library, print. Nothing else lives here.

Exit status: 0 success, 1 the data has problems (invalid, stale), 2 usage error, 3 internal error.
No traceback reaches the user unless CYBERCLAIMS_DEBUG is set.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import __version__

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors: keep that, no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cyberclaims", description="Validate, build, evaluate and browse CyberClaims, a dataset "
                     "of news articles about cyberattacks with labelled entities and claims.",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="repository root holding annotations/ and dataset/ (default: the current folder)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser(
        "validate", help="validate the annotations (schema and semantic checks)",
        description="Validate annotation files and registries. Example: cyberclaims validate "
                    "annotations/my-article.json")
    validate.add_argument("paths", nargs="*", type=Path,
                          help="files to check (default: everything under annotations/)")
    validate.add_argument("--format", choices=("text", "json", "github"), default="text",
                          help="output format: text lines, JSON, or GitHub Actions annotations")
    validate.add_argument("--jobs", type=_positive, default=None,
                          help="worker processes for large corpora (default: one per core)")

    build = commands.add_parser(
        "build", help="validate, then write dataset/ (Parquet + card) atomically",
        description="Build the Hugging Face dataset folder. Example: cyberclaims build --check")
    build.add_argument("--check", action="store_true",
                       help="rebuild in a temporary folder and exit 1 if the committed dataset/ is stale")
    build.add_argument("--output", type=Path, default=None, help="output folder (default: <root>/dataset)")
    build.add_argument("--jobs", type=_positive, default=None,
                       help="worker processes that validate and write runs of 1,000 articles (default: one "
                            "per core; the output is the same for any number)")
    build.add_argument("--no-viewer", dest="viewer", action="store_false",
                       help="leave out the HTML pages of dataset/viewer/ (about 75 KB per article: for large "
                            "corpora)")
    build.add_argument("--withhold-text", type=Path, default=None, metavar="OUT",
                       help="write a copy without any article text to OUT (see `rehydrate`)")

    rehydrate = commands.add_parser(
        "rehydrate", help="put article texts back into a text-withheld copy of the dataset",
        description="Each <id>.txt of --texts is accepted only if its sha256 equals the pinned text_sha256; "
                    "nothing is written unless every text is found and matches. Example: cyberclaims "
                    "rehydrate cyberclaims-withheld --texts my-downloads/")
    rehydrate.add_argument("dataset", type=Path, help="the text-withheld dataset folder (rewritten in place)")
    rehydrate.add_argument("--texts", type=Path, required=True, help="folder of <id>.txt article texts")

    new = commands.add_parser(
        "new", help="add a new article: copy its text and write a skeleton annotation file",
        description="Example: cyberclaims new sony-hack-bbc-2014-12-02 --text article.txt "
                    "--source-name BBC --url https://www.bbc.co.uk/news/... --published 2014-12-02")
    new.add_argument("id", help="article id: lower-case words joined by hyphens")
    new.add_argument("--text", type=Path, required=True, help="the raw article text (UTF-8), copied byte for byte")
    new.add_argument("--title", default=None, help="the headline, if the page has one")
    new.add_argument("--source-name", default=None, help="publication or site name")
    new.add_argument("--url", default=None, help="URL of the original page")
    new.add_argument("--published", default=None, help="publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    new.add_argument("--split", choices=("train", "validation", "test"), default="train")
    new.add_argument("--topic", default="uncategorized", help="kebab-case key of the attack")

    agreement = commands.add_parser(
        "agreement", help="inter-annotator agreement between two annotation passes",
        description="Compare two passes of annotations/passes/ (or 'gold'). Example: "
                    "cyberclaims agreement pass-a pass-b")
    agreement.add_argument("passes", nargs="*", metavar="PASS",
                           help="two pass names (default: the two passes in annotations/passes/)")
    agreement.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    summary = commands.add_parser(
        "summary", help="load the built dataset with datasets.load_dataset and print what it holds",
        description="Example: cyberclaims summary")
    summary.add_argument("--dataset", type=Path, default=None, help="built folder (default: <root>/dataset)")
    # Commands of the annotators' tools and of the benchmark live in their own modules.
    from ..cli.annotators import register as register_annotator_commands
    from ..cli.benchmark import register as register_benchmark_commands

    _COMMANDS.update(register_annotator_commands(commands))
    _COMMANDS.update(register_benchmark_commands(commands))
    return parser


def _positive(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.root.is_dir():
        print(f"cyberclaims: error: --root {args.root} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("cyberclaims: interrupted; nothing was half-written", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("CYBERCLAIMS_DEBUG"):
            raise
        print(f"cyberclaims: internal error: {type(exc).__name__}: {exc}\n"
              f"(this is a bug: please report it; set CYBERCLAIMS_DEBUG=1 to see the traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL


def _print_report(report, fmt: str) -> None:
    if fmt == "json":
        print(report.to_json())
        return
    for issue in report.sorted_issues():
        if fmt == "github":
            level = "error" if issue.severity.value == "error" else "warning"
            line = f",line={issue.line}" if issue.line else ""
            col = f",col={issue.column}" if issue.column else ""
            message = (f"{issue.code}: {issue.message}" + (f" at {issue.pointer}" if issue.pointer else ""))
            print(f"::{level} file={issue.file}{line}{col},title={issue.code}::{_escape_github(message)}")
        else:
            print(issue.to_text())
    print(report.summary(), file=sys.stdout if fmt == "github" else sys.stderr)


def _escape_github(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _validate(args) -> int:
    from ..validation.runner import validate

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"cyberclaims: error: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    from ..dataset.verify import is_built_dataset, validate_dataset

    built = [p for p in args.paths if p.is_dir() and is_built_dataset(p)]
    sources = [p for p in args.paths if p not in built]
    if built:
        from ..core.issues import Report

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
    _print_report(report, args.format)
    return EXIT_OK if report.ok else EXIT_DATA


def _build(args) -> int:
    from ..dataset.build import BuildError, build
    from ..dataset.freshness import check

    try:
        if args.check:
            result = check(args.root, args.output, jobs=args.jobs, viewer=args.viewer)
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
            result = build(args.root, args.withhold_text, withhold_text=True, jobs=args.jobs)
        else:
            result = build(args.root, args.output, jobs=args.jobs, viewer=args.viewer)
    except BuildError as exc:
        if exc.report is not None:
            _print_report(exc.report, "text")
        print(f"cyberclaims: {exc}", file=sys.stderr)
        return EXIT_DATA
    for config in result.configs:
        splits = ", ".join(f"{s.name} {s.num_examples}" for s in config.splits)
        print(f"{config.name}: {splits}")
    print(f"wrote {result.output}")
    return EXIT_OK


def _rehydrate(args) -> int:
    from ..dataset.build import BuildError
    from ..dataset.withhold import RehydrationError, rehydrate

    for folder, what in ((args.dataset, "dataset"), (args.texts, "--texts")):
        if not folder.is_dir():
            print(f"cyberclaims: error: {what} {folder} is not a folder", file=sys.stderr)
            return EXIT_USAGE
    try:
        report = rehydrate(args.dataset, args.texts)
    except (RehydrationError, BuildError) as exc:
        if getattr(exc, "report", None) is not None and hasattr(exc.report, "sorted_issues"):
            _print_report(exc.report, "text")
        print(f"cyberclaims: {exc}", file=sys.stderr)
        return EXIT_DATA
    for article_id in report.missing:
        print(f"missing: {args.texts / (article_id + '.txt')}")
    for article_id, expected, found in report.differing:
        print(f"differs: {args.texts / (article_id + '.txt')}: sha256 {found}, expected {expected}")
    if not report.ok:
        print(f"cyberclaims: {len(report.missing)} texts missing, {len(report.differing)} differ; "
              f"nothing was written", file=sys.stderr)
        return EXIT_DATA
    print(f"rehydrated {len(report.accepted)} articles in {args.dataset}")
    return EXIT_OK


def _summary(args) -> int:
    from ..dataset.summary import summarize

    dataset = args.dataset or args.root / "dataset"
    if not (dataset / "README.md").is_file():
        print(f"cyberclaims: error: {dataset} is not a built dataset (run `cyberclaims build`)", file=sys.stderr)
        return EXIT_USAGE
    print(summarize(dataset).to_text())
    return EXIT_OK


def _new(args) -> int:
    from ..formats.new_article import ScaffoldError, new_article
    from ..validation.runner import validate

    try:
        created = new_article(args.root, args.id, args.text, title=args.title, source_name=args.source_name,
                              url=args.url, published=args.published, split=args.split, topic=args.topic)
    except ScaffoldError as exc:
        print(f"cyberclaims: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    print(f"created {created.text_path} and {created.json_path}")
    _, report = validate(args.root, [created.json_path])
    for issue in report.sorted_issues():
        print(issue.to_text())
    print("next: label entities and claims in the .json (see annotations/GUIDELINES.md), then run "
          "`cyberclaims validate`")
    return EXIT_OK if report.ok else EXIT_DATA


def _agreement(args) -> int:
    from ..dataset.agreement import agreement
    from ..validation.runner import validate

    corpus, report = validate(args.root)
    collections = {c.name: c for c in [corpus.gold, *corpus.passes]}
    names = args.passes or [c.name for c in corpus.passes]
    if len(names) != 2:
        known = ", ".join(c.name for c in corpus.passes) or "none"
        print(f"cyberclaims: error: name exactly two passes (found in annotations/passes/: {known})",
              file=sys.stderr)
        return EXIT_USAGE
    unknown = [n for n in names if n not in collections]
    if unknown:
        print(f"cyberclaims: error: unknown pass {', '.join(unknown)}; known: {', '.join(collections)}",
              file=sys.stderr)
        return EXIT_USAGE
    if not report.ok:
        _print_report(report, "text")
        print("cyberclaims: the annotations do not validate; agreement needs valid passes", file=sys.stderr)
        return EXIT_DATA
    a, b = (collections[n] for n in names)
    result = agreement(a.name, a.articles, b.name, b.articles)
    print({"json": result.to_json, "markdown": result.to_markdown, "text": result.to_text}[args.format]())
    return EXIT_OK


_COMMANDS = {"validate": _validate, "build": _build, "rehydrate": _rehydrate, "new": _new, "agreement": _agreement, "summary": _summary}

