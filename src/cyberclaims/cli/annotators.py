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

from ..core.files import write_file
from ..core.wording import count
from ..formats import brat, doccano, labelstudio, stix
from ..formats.common import ImportResult, import_drafts
from ..review.passes import record_pass
from ..validation import validate
from ..viewer import LABEL_COLORS, render_site
from .output import EXIT_DATA, EXIT_OK, EXIT_USAGE

IMPORT_FORMATS = ("labelstudio", "doccano", "brat")
EXPORT_FORMATS = ("labelstudio", "brat", "doccano", "stix")
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
    render.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")

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
    exporter.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    return {"render": _render, "import": _import, "export": _export, "passes": _passes}


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
    files = (
        {a.display for a in chosen}
        | {f"annotations/{a.id}.txt" for a in chosen}
        | {"annotations/entities.json", "annotations/propositions.json", "annotations/events.json"}
    )
    errors = [i for i in report.errors if i.file in files]
    if errors:
        for issue in errors:
            print(issue.to_text())
        print(
            f"cyberclaims: {count(len(errors), 'error')} in the articles to export; fix them first (nothing was written)",
            file=sys.stderr,
        )
        return EXIT_DATA
    args.out.mkdir(parents=True, exist_ok=True)
    if args.format == "stix":
        return _export_stix(args.out, stix.export_stix(chosen, corpus.gold.registry))
    written = []
    if args.format == "labelstudio":
        path = args.out / "labelstudio-tasks.json"
        write_file(path, labelstudio.dumps_tasks(labelstudio.to_tasks(chosen)).encode("utf-8"))
        written.append(path)
    elif args.format == "doccano":
        path = args.out / "doccano.jsonl"
        write_file(path, doccano.to_lines(chosen).encode("utf-8"))
        written.append(path)
    else:
        try:
            anns = {a.id: brat.to_ann(a, corpus.gold.registry.entities) for a in chosen}
        except brat.BratError as exc:  # say what it means here; app.main prints it and exits 1
            raise brat.BratError(f"{exc}; nothing was written") from exc
        for article in chosen:
            for path, data in (
                (args.out / f"{article.id}.txt", article.text_bytes),
                (args.out / f"{article.id}.ann", anns[article.id].encode("utf-8")),
            ):
                write_file(path, data)
                written.append(path)
        for name, text in (
            ("annotation.conf", brat.annotation_conf()),
            ("visual.conf", brat.visual_conf(LABEL_COLORS)),
        ):
            write_file(args.out / name, text.encode("utf-8"))
            written.append(args.out / name)
    for path in written:
        print(f"wrote {path}")
    if args.format == "labelstudio":
        print(
            "next: create a Label Studio project with annotations/labelstudio-config.xml as its labeling "
            "config, import the tasks, correct, then Export → JSON and `cyberclaims import labelstudio FILE`"
        )
    return EXIT_OK


def _export_stix(out: Path, export: stix.StixExport) -> int:
    written = stix.write_stix(out, export)
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
