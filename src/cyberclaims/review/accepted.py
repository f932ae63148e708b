"""Lint findings a reviewer has read and accepted, each with the rule that allows it.

A lint warning is a prompt to read a rule, and the rule decides (GUIDELINES.md 2.11): a finding the rule
allows stays in the data. ``annotations/LINT-ACCEPTED.md`` records each such decision in a table, so that the
next run reports it as accepted rather than again, and a reader sees why:

    | code | file | pointer | why |
    |---|---|---|---|
    | proposition-near-duplicate | annotations/propositions.json | /propositions/55/statement | 14.1: ... |

An entry matches a finding by code, file and JSON pointer. An entry that matches no finding (the data moved
on) is itself reported (``lint-accepted-unused``), so an acceptance never outlives what it accepted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..core.files import MAX_ANNOTATION_BYTES, decode_text, read_capped
from ..core.issues import Issue
from .cues import _cells

ACCEPTED_FILE = "LINT-ACCEPTED.md"
_HEADER = ["code", "file", "pointer", "why"]


@dataclass(frozen=True)
class Accepted:
    code: str
    file: str
    pointer: str
    why: str
    line: int


def read_accepted(root: Path) -> tuple[list[Accepted], list[Issue]]:
    """The entries of ``annotations/LINT-ACCEPTED.md`` (none without the file), and its malformed rows."""
    path = Path(root) / "annotations" / ACCEPTED_FILE
    display = f"annotations/{ACCEPTED_FILE}"
    if not os.path.lexists(path):
        return [], []
    # Read as every input is (capped, no link, no FIFO, strict UTF-8): a file that cannot be read is an error,
    # never taken for "nothing accepted" (which would report every accepted finding again) nor an internal error.
    data, problems = read_capped(path, display, MAX_ANNOTATION_BYTES)
    if data is None:
        if all(p.code == "file-empty" for p in problems):
            return [], []
        return [], [Issue(display, None, "", "lint-accepted-invalid", p.message) for p in problems]
    text, problems = decode_text(data, display)
    if text is None:
        return [], [Issue(display, p.line, "", "lint-accepted-invalid", p.message) for p in problems]
    entries, issues = [], []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        cells = _cells(line)
        if cells is None or all(set(c) <= set("-: ") for c in cells):
            continue
        if not header_seen:
            header_seen = True
            if [c.lower() for c in cells] != _HEADER:
                issues.append(
                    Issue(
                        display,
                        number,
                        "",
                        "lint-accepted-invalid",
                        f"the table's header is not | {' | '.join(_HEADER)} |",
                    )
                )
                return [], issues
            continue
        if len(cells) != len(_HEADER) or not all(cells[:2]) or not cells[3]:
            issues.append(
                Issue(
                    display,
                    number,
                    "",
                    "lint-accepted-invalid",
                    "a row needs a code, a file, a pointer (may be empty) and why the finding stays",
                )
            )
            continue
        code, file, pointer, why = (c.strip("`") if i < 3 else c for i, c in enumerate(cells))
        entries.append(Accepted(code, file, pointer, why, number))
    return entries, issues


def apply_accepted(issues: list[Issue], root: Path) -> tuple[list[Issue], list[tuple[Issue, Accepted]]]:
    """``issues`` without the accepted ones (plus what is wrong with the acceptances), and the accepted ones."""
    entries, problems = read_accepted(root)
    by_place = {(e.code, e.file, e.pointer): e for e in entries}
    kept, accepted, used = [], [], set()
    for issue in issues:
        entry = by_place.get((issue.code, issue.file, issue.pointer))
        if entry is None:
            kept.append(issue)
        else:
            accepted.append((issue, entry))
            used.add((entry.code, entry.file, entry.pointer))
    for entry in entries:
        if (entry.code, entry.file, entry.pointer) not in used:
            problems.append(
                Issue(
                    f"annotations/{ACCEPTED_FILE}",
                    entry.line,
                    "",
                    "lint-accepted-unused",
                    f"accepts a {entry.code} finding at {entry.file} {entry.pointer or '(no pointer)'} that lint no "
                    f"longer reports: remove the row",
                )
            )
    return kept + problems, accepted
