"""The annotators' commands: ``render`` (the HTML viewer), ``import`` and ``export`` (annotation tools).

Only argument parsing and printing live here; ``render`` and ``formats`` do the work. Exit status as
for every command: 0 done, 1 the data has problems, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from ..core.wording import count
from ..formats import brat, doccano, labelstudio
from ..formats.common import ImportResult, import_drafts
from ..formats.export import EXPORT_FORMATS, export_files, write_export
from ..validation import validate
from ..viewer import LABEL_COLORS, render_site
from .output import EXIT_DATA, EXIT_OK, EXIT_USAGE

IMPORT_FORMATS = ("labelstudio", "doccano", "brat")


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

    exporter = commands.add_parser(
        "export",
        usage="cyberclaims export {labelstudio,brat,doccano} [ID ...] --out DIR",
        help="write Label Studio tasks, brat standoff or doccano JSONL from the annotations",
        description="Example: cyberclaims export labelstudio sony-pictures-hack-guardians-of-peace --out to-correct/",
    )
    exporter.add_argument("format", choices=EXPORT_FORMATS)
    exporter.add_argument("ids", nargs="*", metavar="ID", help="articles to export (default: all)")
    exporter.add_argument(
        "--out",
        type=Path,
        required=True,
        help="output folder (created if missing); only files an export wrote, unchanged since, are replaced there",
    )
    return {"render": _render, "import": _import, "export": _export}


def _render(args: argparse.Namespace) -> int:
    # The articles are read again one at a time as their pages are written: memory does not grow with
    # the corpus (the pages are the same bytes either way).
    corpus, report = validate(args.root, show_progress=False, keep_articles=False)
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
    result = import_drafts(args.root, drafts, problems, force=args.force, dry_run=args.dry_run)
    for problem in result.problems:
        print(problem.to_text())
    for issue in sorted(result.issues, key=lambda i: i.sort_key()):
        print(issue.to_text())
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
        | {"annotations/entities.json", "annotations/propositions.json"}
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
