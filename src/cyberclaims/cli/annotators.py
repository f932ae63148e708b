"""The annotators' commands: ``render`` (the HTML viewer), ``import`` and ``export`` (annotation tools),
``suggest`` (pre-annotation, and what became of it).

Only argument parsing and printing live here; ``render`` and ``formats`` do the work. Exit status as
for every command: 0 done, 1 the data has problems, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from ..benchmark.suggest import SYSTEMS, suggest_for
from ..core.issues import printable
from ..core.wording import count
from ..formats import brat, doccano, labelstudio, stix
from ..formats.common import ImportResult, MadeBy, import_drafts, made_by_problems
from ..formats.export import EXPORT_FORMATS, SUGGESTIONS_FORMAT, export_files, write_export
from ..review.passes import record_pass
from ..validation import validate
from ..validation.pass_register import SUGGESTIONS
from ..validation.suggestions import folder_outcome
from ..viewer import LABEL_COLORS, render_site
from .output import EXIT_DATA, EXIT_OK, EXIT_USAGE

IMPORT_FORMATS = ("labelstudio", "doccano", "brat")
SHOWN = 20  # lines of what STIX could not say, printed after an export


def register(commands) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add the ``render``, ``import`` and ``export`` subcommands to ``commands`` (an argparse
    subparsers object); return their handlers by name."""
    # IDs go before --out: argparse cannot take positionals after an option of a subcommand.
    render = commands.add_parser(
        "render",
        usage="cyberclaims render [ID ...] --out DIR",
        help="write the HTML viewer: one page per article and an index",
        description="Static pages, no network needed: mentions in label colours, claims underlined, "
        "attributes on hover and click, validation errors shown where they are. "
        "Rendering again into the same folder writes only the pages whose inputs changed "
        "(delete DIR/.render-state.json to render everything). "
        "Example: cyberclaims render --out site, then open site/index.html in a browser",
    )
    render.add_argument("ids", nargs="*", metavar="ID", help="articles to render (default: all)")
    render.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder (created if missing); only pages a render made are replaced or removed there",
    )

    passes = commands.add_parser(
        "passes",
        help="record a finished annotation pass in the append-only register",
        description="A pass (annotations/passes/NAME/) is recorded once, when it is finished: its files' "
        "sha256 are added to annotations/passes/SHA256SUMS, and `validate` fails from then on if one changes. "
        "A corrected pass is a new pass with a new name. Example: cyberclaims passes record pass-e",
    )
    passes.add_argument("action", choices=("record",))
    passes.add_argument("name", help="the pass folder's name")

    importer = commands.add_parser(
        "import",
        help="turn a Label Studio, doccano or brat export into annotation files",
        description="Every file is validated before anything is written; nothing is written if one is "
        "invalid, and an existing annotation file is only replaced with --force. "
        "Example: cyberclaims import labelstudio project-1-at-2024-05-01.json",
    )
    importer.add_argument("format", choices=IMPORT_FORMATS)
    importer.add_argument(
        "file", type=Path, help="the export: Label Studio JSON, doccano JSONL, or brat .ann (its .txt beside it)"
    )
    importer.add_argument("--force", action="store_true", help="replace existing annotation files")
    importer.add_argument("--dry-run", action="store_true", help="convert and validate, write nothing")
    importer.add_argument(
        "--offsets",
        choices=("utf16", "codepoints"),
        default="utf16",
        help="doccano only: what its offsets count (default utf16, as doccano's annotator)",
    )
    made = importer.add_argument_group(
        "who made the labels (each imported layer's provenance; needed for tasks made by `cyberclaims suggest`)"
    )
    made.add_argument(
        "--annotator", metavar="ID", help='a stable annotator id ("ann-03"); the same id, the same annotator'
    )
    made.add_argument("--annotator-type", choices=("person", "model"), help="a person, or a model (a program)")
    made.add_argument("--model", metavar="NAME", help="for a model: its name as its maker gives it")
    made.add_argument("--model-version", metavar="V", help="for a model: its version (omit it if it was not exposed)")
    made.add_argument(
        "--guidelines", metavar="VERSION", help='the version of annotations/GUIDELINES.md followed ("3.0")'
    )
    made.add_argument("--date", metavar="YYYY-MM-DD", help="when the labels were finished (default: the export's date)")

    suggester = commands.add_parser(
        "suggest",
        usage="cyberclaims suggest [ID ...] (--system {gazetteer,rules,spacy} | --from FILE --system-name NAME "
        "--system-version V) --out DIR\n       cyberclaims suggest --report EXPORT|PASS_FOLDER [--format FORMAT]",
        help="pre-annotate: a system's suggestions as Label Studio tasks; --report: what became of them",
        description="Runs a system over the articles that have no labels yet (or the articles named; their "
        "labels are never shown to it) and writes DIR/labelstudio-tasks.json (tasks whose predictions carry "
        "the system's version and a score per region) and DIR/SUGGESTIONS.json (the suggestions, to keep "
        "in a pass folder). Systems learn from the train split, never from an article they suggest for. "
        "--report reads a Label Studio export of those tasks (or a pass folder with SUGGESTIONS.json) and "
        "counts, per layer, the suggestions kept, edited and deleted and the spans added by hand. "
        "Example: cyberclaims suggest --system rules --out to-label/",
    )
    suggester.add_argument(
        "ids", nargs="*", metavar="ID", help="articles to suggest for (default: those with no labels)"
    )
    source = suggester.add_mutually_exclusive_group(required=True)
    source.add_argument("--system", choices=SYSTEMS, help="a baseline: gazetteer (entities), rules (claims), spacy")
    source.add_argument(
        "--from",
        dest="from_file",
        type=Path,
        metavar="FILE",
        help="a system's output, minimal prediction format (JSONL)",
    )
    source.add_argument(
        "--report",
        type=Path,
        metavar="EXPORT|FOLDER",
        help="what became of the suggestions: a Label Studio export or a pass folder",
    )
    suggester.add_argument("--system-name", metavar="NAME", help="with --from: the system's name")
    suggester.add_argument("--system-version", metavar="V", help="with --from: the system's version")
    suggester.add_argument("--out", type=Path, help="output folder (created if missing)")
    suggester.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="--report's format")

    exporter = commands.add_parser(
        "export",
        usage="cyberclaims export {labelstudio,brat,doccano,stix} [ID ...] --out DIR",
        help="write Label Studio tasks, brat standoff or doccano JSONL from the annotations",
        description="Example: cyberclaims export labelstudio sony-pictures-hack-guardians-of-peace --out to-correct/. "
        "`export stix --out DIR` writes STIX 2.1 bundles for threat-intelligence tools: DIR/bundle.json (the "
        "corpus) and DIR/articles/<id>.json (docs/stix.md).",
    )
    exporter.add_argument("format", choices=EXPORT_FORMATS)
    exporter.add_argument("ids", nargs="*", metavar="ID", help="articles to export (default: all)")
    exporter.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder (created if missing); only files an export wrote, unchanged since, are replaced there",
    )
    return {"render": _render, "import": _import, "export": _export, "passes": _passes, "suggest": _suggest}


def _passes(args: argparse.Namespace) -> int:
    result = record_pass(args.root, args.name)
    for file in result.added:
        print(f"recorded annotations/passes/{args.name}/{file}")
    print(
        f"{count(len(result.added), 'file')} recorded, {count(len(result.already), 'file')} already recorded "
        f"and unchanged; commit annotations/passes/SHA256SUMS with the pass",
        file=sys.stderr,
    )
    return EXIT_OK


def _render(args: argparse.Namespace) -> int:
    # The articles are read again one at a time as their pages are written: memory does not grow with
    # the corpus (the pages are the same bytes either way).
    corpus, report = validate(args.root, keep_articles=False)  # a bar on a terminal, as the render's
    result = render_site(corpus, report, args.out, args.ids or None)  # an unknown id: a UsageError, exit 2
    # A second render into the same folder writes only the pages whose inputs changed (the others are
    # "up to date"); deleting DIR/.render-state.json forces a full render.
    unchanged = f", {len(result.unchanged)} up to date" if result.unchanged else ""
    print(
        f"wrote {count(len(result.pages), 'page')} to {result.out_dir}{unchanged} "
        f"(open {result.out_dir / 'index.html'} in a browser)"
    )
    if result.articles_with_errors:
        n = len(result.articles_with_errors)
        print(
            f"cyberclaims: {count(n, 'article')} {'has' if n == 1 else 'have'} validation errors, shown on "
            f"{'its page' if n == 1 else 'their pages'}: "
            f"{', '.join(result.articles_with_errors)}",
            file=sys.stderr,
        )
        return EXIT_DATA
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        what = "not a regular file" if args.file.exists() else "no such file"
        print(f"cyberclaims: error: {what}: {args.file}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "labelstudio":
        drafts, problems = labelstudio.read_export(args.file)
    elif args.format == "doccano":
        drafts, problems = doccano.read_export(args.file, offsets=args.offsets)
    else:
        drafts, problems = brat.read_ann(args.file)
    made_by, wrong = _made_by(args)
    if wrong:
        print(f"cyberclaims: error: {wrong}", file=sys.stderr)
        return EXIT_USAGE
    result = import_drafts(args.root, drafts, problems, force=args.force, dry_run=args.dry_run, made_by=made_by)
    for problem in result.problems:
        print(problem.to_text())
    for issue in sorted(result.issues, key=lambda i: i.sort_key()):
        print(issue.to_text())
    if result.unrecorded:
        print(
            f"cyberclaims: {count(len(result.unrecorded), 'file')} "
            f"{'records' if len(result.unrecorded) == 1 else 'record'} no provenance for the labels "
            f"(`cyberclaims validate` asks for it): record who made the labels with --annotator ID "
            f"--annotator-type person|model (--model NAME --model-version V for a model) --guidelines VERSION",
            file=sys.stderr,
        )
    if not result.ok:
        print(
            f"cyberclaims: {count(len(result.problems) + len(result.errors), 'problem')}; nothing was written",
            file=sys.stderr,
        )
        return EXIT_DATA
    if not result.planned:
        print("cyberclaims: the file holds no article; nothing was written", file=sys.stderr)
        return EXIT_DATA
    if args.dry_run:
        return _report_dry_run(result)
    for path in result.written:
        print(f"wrote {path}")
    return EXIT_OK


def _made_by(args: argparse.Namespace) -> tuple[MadeBy | None, str | None]:
    """Who made the imported labels, from the options; or what is missing or contradictory."""
    given = [args.annotator, args.annotator_type, args.model, args.model_version, args.guidelines, args.date]
    if all(v is None for v in given):
        return None, None
    missing = [
        option
        for option, value in (
            ("--annotator", args.annotator),
            ("--annotator-type", args.annotator_type),
            ("--guidelines", args.guidelines),
        )
        if value is None
    ]
    if missing:
        return None, f"recording who made the labels needs {', '.join(missing)}"
    if args.annotator_type == "model" and args.model is None:
        return None, "a model is recorded with its name: --model NAME (and --model-version V when it is known)"
    if args.annotator_type == "person" and (args.model or args.model_version):
        return None, "--model and --model-version describe a model; a person has neither"
    made_by = MadeBy(args.annotator, args.annotator_type, args.guidelines, args.model, args.model_version, args.date)
    wrong = made_by_problems(made_by)
    return (None, "; ".join(wrong)) if wrong else (made_by, None)


def _report_dry_run(result: ImportResult) -> int:
    """What the import would write, file by file; a file that exists is named with the --force it needs."""
    for planned in result.planned:
        if planned.text_bytes is not None:
            print(f"would write {planned.text_path} (the article's text, new)")
        document = json.loads(planned.json_bytes)
        labels = (
            f"{count(len(document.get('entities') or []), 'mention')}, "
            f"{count(len(document.get('claims') or []), 'claim')}"
        )
        if planned.json_path in result.needs_force:
            print(f"would replace {planned.json_path} ({labels}): it exists, so the import needs --force")
        elif planned.replaces:
            print(f"would replace {planned.json_path} ({labels})")
        else:
            print(f"would write {planned.json_path} ({labels})")
    print(f"dry run: nothing was written; {count(len(result.planned), 'annotation file')} to write")
    if result.needs_force:
        print(
            f"cyberclaims: {count(len(result.needs_force), 'annotation file')} already "
            f"{'exists' if len(result.needs_force) == 1 else 'exist'}: rerun with --force to replace "
            f"{'it' if len(result.needs_force) == 1 else 'them'}",
            file=sys.stderr,
        )
        return EXIT_DATA
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    corpus, report = validate(args.root, show_progress=False)
    articles = {a.id: a for a in corpus.gold.articles}
    unknown = [i for i in args.ids if i not in articles]
    if unknown:
        print(f"cyberclaims: error: no readable article {', '.join(unknown)}", file=sys.stderr)
        return EXIT_USAGE
    chosen = [articles[i] for i in sorted(set(args.ids) or articles)]
    # Only valid labels can be converted; problems elsewhere in the corpus do not block an export.
    sources = (
        {a.display for a in chosen}
        | {f"annotations/{a.id}.txt" for a in chosen}
        | {"annotations/entities.json", "annotations/propositions.json", "annotations/events.json"}
    )
    errors = [i for i in report.errors if i.file in sources]
    if errors:
        for issue in errors:
            print(issue.to_text())
        print(
            f"cyberclaims: {count(len(errors), 'error')} in the articles to export; fix them first (nothing was written)",
            file=sys.stderr,
        )
        return EXIT_DATA
    if args.format == "stix":  # written as every export is (formats/export.py), then what STIX could not say
        export = stix.export_stix(chosen, corpus.gold.registry)
        written = write_export(args.root, args.out, stix.stix_files(export), "stix")
        return _report_stix(args.out, export, written)
    # The export's files, then the folder: only files an export wrote are replaced (formats/export.py).
    files = export_files(chosen, args.format, corpus.gold.registry.entities, LABEL_COLORS)
    written = write_export(args.root, args.out, files, args.format)
    for path in written:
        print(f"wrote {path}")
    if args.format == "labelstudio":
        print(
            "next: create a Label Studio project with annotations/labelstudio-config.xml as its labeling "
            "config, import the tasks, correct, then Export → JSON and `cyberclaims import labelstudio FILE`"
        )
    return EXIT_OK


def _suggest(args: argparse.Namespace) -> int:
    if args.report is not None:
        return _suggestion_report(args)
    if args.out is None:
        print("cyberclaims: error: suggest needs --out DIR (where the tasks are written)", file=sys.stderr)
        return EXIT_USAGE
    if args.from_file is None and (args.system_name or args.system_version):
        print("cyberclaims: error: --system-name and --system-version name the system of --from FILE", file=sys.stderr)
        return EXIT_USAGE
    if args.from_file is not None and not args.from_file.is_file():
        what = "not a regular file" if args.from_file.exists() else "no such file"
        print(f"cyberclaims: error: {what}: {printable(str(args.from_file))}", file=sys.stderr)
        return EXIT_USAGE
    run = suggest_for(
        args.root,
        args.ids,
        system=args.system,
        file=args.from_file,
        name=args.system_name,
        version=args.system_version,
    )
    for issue in run.flagged:
        print(issue.to_text())
    tasks = labelstudio.suggestion_tasks(run.articles, run.suggestions)
    # Written as an export is (formats/export.py): never into the repository's folders or through a link, and
    # only files an earlier `suggest` wrote, unchanged since, are replaced.
    files = {
        "labelstudio-tasks.json": labelstudio.dumps_tasks(tasks).encode("utf-8"),
        SUGGESTIONS: run.suggestions.dumps().encode("utf-8"),
    }
    written = write_export(args.root, args.out, files, SUGGESTIONS_FORMAT, command="suggest")
    for article_id in sorted(run.suggestions.articles):
        entry = run.suggestions.articles[article_id]
        found = ", ".join(count(len(entry[layer]), "suggested " + LAYER_NOUNS[layer]) for layer in entry)
        print(f"{article_id}: {found}")
    for path in written:
        print(f"wrote {path}")
    print(
        f"next: import {written[0].name} into a Label Studio project whose labeling config is "
        f"annotations/labelstudio-config.xml ({run.suggestions.model_version}), correct every task, Export → JSON, "
        f"then `cyberclaims import labelstudio FILE --force --annotator ID --annotator-type person|model "
        f"--guidelines VERSION`; `cyberclaims suggest --report FILE` counts what became of the suggestions"
    )
    return EXIT_OK


LAYER_NOUNS = {"entities": "mention", "claims": "claim"}


def _suggestion_report(args: argparse.Namespace) -> int:
    if args.ids or args.out is not None:
        print(
            "cyberclaims: error: --report reads an export or a pass folder; it takes no ID and no --out",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not args.report.exists():
        print(f"cyberclaims: error: no such file or folder: {args.report}", file=sys.stderr)
        return EXIT_USAGE
    if args.report.is_dir():
        found, issues = folder_outcome(args.report)
        outcomes = [found] if found is not None else []
        problems = [issue.to_text() for issue in issues]
    else:
        outcomes, found_problems = labelstudio.export_outcomes(args.report)
        problems = [problem.to_text() for problem in found_problems]
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.format == "json":
        print(json.dumps([o.to_dict() for o in outcomes], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(o.to_markdown() if args.format == "markdown" else o.to_text() for o in outcomes))
    if not outcomes and not problems:
        print(f"cyberclaims: {args.report} holds no task made by `cyberclaims suggest`", file=sys.stderr)
        return EXIT_DATA
    return EXIT_DATA if problems else EXIT_OK


def _report_stix(out: Path, export: stix.StixExport, written: list[Path]) -> int:
    objects = ", ".join(f"{n} {t}" for t, n in sorted(export.counts().items()))
    print(f"wrote {out / 'bundle.json'} (the corpus: {objects})")
    print(f"wrote {count(len(written) - 1, 'article bundle')} under {out / 'articles'}")
    if export.unexpressed:
        print(f"not expressed in STIX ({len(export.unexpressed)}; docs/stix.md says why):")
        for line in export.unexpressed[:SHOWN]:
            print(f"  {line}")
        if len(export.unexpressed) > SHOWN:
            print(f"  ... and {len(export.unexpressed) - SHOWN} more")
    return EXIT_OK
