"""The ``adjudicate`` command: two passes' disagreements, a merged draft, and ADJUDICATION.md.

Only argument parsing and printing; :mod:`cyberclaims.review.adjudication` does the work.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.wording import count
from ..review.adjudication import (
    check_draft_folder,
    find_disagreements,
    read_decisions_to_apply,
    write_draft,
    write_report,
)
from .output import EXIT_OK, EXIT_USAGE


def register(commands: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    adjudicate = commands.add_parser(
        "adjudicate",
        usage="cyberclaims adjudicate PASS_A PASS_B [--format {text,markdown,json}] [--draft DIR [--apply]]\n"
        "       cyberclaims adjudicate --report",
        help="list two passes' disagreements on every layer, write a merged draft, generate ADJUDICATION.md",
        description="GUIDELINES.md 15.6. With two passes of annotations/passes/: every disagreement, located "
        "(segments; mentions, their labels and links; entity registry names and types; claim spans and each "
        "claim field; proposition and event groupings and their statements), in text, Markdown or JSON (each "
        "JSON item's layer, where, a and b are what a decision in annotations/adjudication.json repeats). "
        "--draft DIR also writes a folder shaped like annotations/ holding what both passes agree on, "
        "the pending items listed in DIR/DRAFT.md; with --apply, the draft has every decision of "
        "annotations/adjudication.json applied (review it, then copy it into annotations/). --report generates annotations/ADJUDICATION.md from "
        "annotations/adjudication.json (validate reports it when stale). Example: cyberclaims adjudicate "
        "pass-c pass-d --format markdown --draft ../draft",
    )
    adjudicate.add_argument("passes", nargs="*", metavar="PASS", help="the two passes: A, then B")
    adjudicate.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    adjudicate.add_argument("--draft", type=Path, default=None, metavar="DIR", help="write the merged draft to DIR")
    adjudicate.add_argument(
        "--apply",
        action="store_true",
        help="with --draft: apply the decisions of annotations/adjudication.json to the draft (its passes must be "
        "PASS_A PASS_B); what no decision settles stays pending",
    )
    adjudicate.add_argument(
        "--report",
        action="store_true",
        help="generate annotations/ADJUDICATION.md from annotations/adjudication.json (no passes named)",
    )
    return {"adjudicate": _adjudicate}


def _adjudicate(args: argparse.Namespace) -> int:
    if args.report:
        if args.passes or args.draft is not None:
            print("cyberclaims: error: --report takes no passes and no --draft", file=sys.stderr)
            return EXIT_USAGE
        print(f"wrote {write_report(args.root)}")
        return EXIT_OK
    if args.apply and args.draft is None:
        print("cyberclaims: error: --apply applies the decisions to a draft: give --draft DIR", file=sys.stderr)
        return EXIT_USAGE
    if args.draft is not None:
        check_draft_folder(args.root, args.draft)  # refused before anything is compared or printed
    comparison = find_disagreements(args.root, args.passes)
    decisions = read_decisions_to_apply(args.root, comparison) if args.apply else None
    print({"json": comparison.to_json, "markdown": comparison.to_markdown, "text": comparison.to_text}[args.format]())
    if args.draft is not None:
        draft = write_draft(args.root, comparison, args.draft, decisions=decisions)
        applied = "" if decisions is None else f", {count(len(decisions['decisions']), 'decision')} applied"
        print(
            f"wrote the merged draft to {args.draft} ({count(len(comparison.articles), 'article')}{applied}, "
            f"{count(draft.pending_count, 'pending item')} listed in its DRAFT.md)",
            file=sys.stderr,
        )
    return EXIT_OK
