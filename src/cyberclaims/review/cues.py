"""The cue tables of ``annotations/GUIDELINES.md``, read as data: the one reader of lint's word lists.

The guidelines print the cues that their rules name (GUIDELINES.md 2.11): each table follows a line
``<!-- table: NAME -->`` on its own, starts with its header row, and has a column ``cues`` whose cells are
comma-separated lists of double-quoted, lower-case strings (``"believed to"`` is one cue of two words).
Cues match whole words, case-insensitively: a cue is a sequence of tokens of the project tokenizer
(``core.text``), matched against the tokens of a text, lower-cased, so "may" never matches in "Mayhem".

A table that is missing or malformed is an error located in the guidelines (``guidelines-table-missing``,
``guidelines-table-invalid``), raised as a :class:`~cyberclaims.core.errors.CyberClaimsError` carrying the
report: lint never falls back to a list of its own, so the cues it uses are always the ones people read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import CyberClaimsError
from ..core.files import MAX_ANNOTATION_BYTES, decode_text, read_capped
from ..core.issues import Issue, Report
from ..core.text import token_table

GUIDELINES = Path("annotations") / "GUIDELINES.md"
CUES_COLUMN = "cues"
_MARKER = re.compile(r"<!--\s*table:\s*(?P<name>[^\s>]+)\s*-->")
_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")
_RULE_CELL = re.compile(r":?-{3,}:?")
_CUE_LIST = re.compile(r'\s*"[^"]+"\s*(?:,\s*"[^"]+"\s*)*')
_QUOTED = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class CueRow:
    """One row of a cue table: its cells by header, its cues, and where it is in the guidelines."""

    line: int
    cells: Mapping[str, str]
    cues: tuple[str, ...]


@dataclass(frozen=True)
class CueMatch:
    """One occurrence of a cue in a text: the cue as the table writes it, its row, its code-point span."""

    cue: str
    row: CueRow = field(repr=False)
    start: int
    end: int


@dataclass(frozen=True)
class CueTable:
    """A table of cues; :meth:`find` gives their occurrences in a text, longest cue first at each word."""

    name: str
    line: int  # of its marker
    columns: tuple[str, ...]
    rows: tuple[CueRow, ...]
    # first token -> (cue tokens, cue, row), longest first: matching costs one look-up per token of the text
    _index: dict[str, list[tuple[tuple[str, ...], str, CueRow]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for row in self.rows:
            for cue in row.cues:
                words = cue_words(cue)
                self._index.setdefault(words[0], []).append((words, cue, row))
        for entries in self._index.values():
            entries.sort(key=lambda entry: -len(entry[0]))

    def cues(self) -> list[str]:
        return [cue for row in self.rows for cue in row.cues]

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[CueMatch]:
        """The cues in ``text[start:end]``, left to right, not overlapping (the longest cue wins at a word)."""
        strings, starts, ends = token_table(text, start, end)
        return self.find_in_tokens([s.lower() for s in strings], starts, ends)

    def find_in_tokens(
        self, words: list[str], starts: list[int], ends: list[int], first: int = 0, stop: int | None = None
    ) -> list[CueMatch]:
        """The cues among the tokens ``first..stop-1`` of a text already tokenized (``words`` lower-cased)."""
        stop = len(words) if stop is None else stop
        found = []
        i = first
        while i < stop:
            for cue_tokens, cue, row in self._index.get(words[i], ()):
                n = len(cue_tokens)
                if i + n <= stop and tuple(words[i : i + n]) == cue_tokens:
                    found.append(CueMatch(cue, row, starts[i], ends[i + n - 1]))
                    i += n
                    break
            else:
                i += 1
        return found


def cue_words(cue: str) -> tuple[str, ...]:
    """A cue as the token sequence it matches (lower-case)."""
    return tuple(token_table(cue.lower())[0])


def read_cue_tables(root: Path, names: Iterable[str]) -> dict[str, CueTable]:
    """The tables ``names`` of the repository's guidelines; raise with a located report if one is unusable."""
    display = GUIDELINES.as_posix()
    path = Path(root) / GUIDELINES
    names = list(names)
    if not path.exists() and not path.is_symlink():
        issue = Issue(
            display,
            None,
            "",
            "guidelines-table-missing",
            f"the file does not exist: lint reads its cue tables ({', '.join(names)}) from it (GUIDELINES.md 2.11)",
        )
        raise _unreadable([issue])
    data, issues = read_capped(path, display, MAX_ANNOTATION_BYTES)
    text, more = decode_text(data, display) if data is not None else (None, [])
    if text is None:
        raise _unreadable(issues + more)
    tables, issues = parse_cue_tables(text, display, names)
    if issues:
        raise _unreadable(issues)
    return tables


def _unreadable(issues: list[Issue]) -> CyberClaimsError:
    return CyberClaimsError(
        f"lint cannot read its cue tables from {GUIDELINES.as_posix()} (their format: GUIDELINES.md 2.11)",
        Report(issues, files_checked=1),
    )


def parse_cue_tables(markdown: str, display: str, names: Iterable[str]) -> tuple[dict[str, CueTable], list[Issue]]:
    """The tables ``names`` of a guidelines text, and the problems that make one unusable (located)."""
    wanted = set(names)
    lines = markdown.splitlines()
    tables: dict[str, CueTable] = {}
    seen: dict[str, int] = {}  # name -> line of its first marker
    issues: list[Issue] = []

    def problem(line: int | None, message: str, code: str = "guidelines-table-invalid") -> None:
        issues.append(Issue(display, line, "", code, message))

    for index, raw in enumerate(lines):
        marker = _MARKER.fullmatch(raw.strip())
        if marker is None or marker.group("name") not in wanted:
            continue
        name, number = marker.group("name"), index + 1
        if name in seen:
            problem(number, f"a second table {name!r} (the first is at line {seen[name]}): keep one")
            continue
        seen[name] = number
        table = _parse_table(name, number, lines, index + 1, problem)
        if table is not None:
            tables[name] = table
    for name in sorted(wanted - set(seen)):
        problem(
            None,
            f"no table {name!r}: lint reads its cues from the table that follows the line "
            f"'<!-- table: {name} -->' (GUIDELINES.md 2.11)",
            "guidelines-table-missing",
        )
    return tables, issues


def _cells(line: str) -> list[str] | None:
    """The cells of a Markdown table row ``| a | b |``; None when the line is not a table row."""
    stripped = line.strip()
    if not stripped.startswith("|"):
        return None
    parts = _CELL_SEPARATOR.split(stripped)
    parts = parts[1:-1] if stripped.endswith("|") and len(parts) > 1 else parts[1:]
    return [p.strip().replace("\\|", "|") for p in parts]


def _parse_table(name: str, number: int, lines: list[str], at: int, problem) -> CueTable | None:
    header = _cells(lines[at]) if at < len(lines) else None
    if header is None:
        problem(number, f"table {name!r}: the marker is not immediately followed by the table's header row")
        return None
    if CUES_COLUMN not in header:
        problem(at + 1, f"table {name!r}: the header row names no column {CUES_COLUMN!r} ({' | '.join(header)})")
        return None
    rule = _cells(lines[at + 1]) if at + 1 < len(lines) else None
    if rule is None or len(rule) != len(header) or not all(_RULE_CELL.fullmatch(c) for c in rule):
        problem(at + 2, f"table {name!r}: the header row is not followed by a rule row (|---|---|)")
        return None
    column = header.index(CUES_COLUMN)
    rows = []
    failed = False
    for index in range(at + 2, len(lines)):
        cells = _cells(lines[index])
        if cells is None:
            break
        line = index + 1
        if len(cells) != len(header):
            problem(line, f"table {name!r}: a row of {len(cells)} cells under a header of {len(header)}")
            failed = True
            continue
        cell = cells[column]
        if not _CUE_LIST.fullmatch(cell):
            problem(
                line, f"table {name!r}: the cues cell is not a comma-separated list of double-quoted strings: {cell!r}"
            )
            failed = True
            continue
        cues = tuple(c.strip() for c in _QUOTED.findall(cell))
        bad = [c for c in cues if not c or c != c.lower() or not cue_words(c)]
        if bad:
            problem(line, f"table {name!r}: cues must be lower-case words: {', '.join(map(repr, bad))}")
            failed = True
            continue
        rows.append(CueRow(line, dict(zip(header, cells)), cues))
    if not rows and not failed:
        problem(number, f"table {name!r} has no rows")
    if failed or not rows:
        return None
    return CueTable(name, number, tuple(header), tuple(rows))


def table_problem(table: CueTable, row: CueRow | None, message: str) -> CyberClaimsError:
    """A located error for a table that is well formed but unusable by its reader (a value it cannot read)."""
    line = row.line if row is not None else table.line
    return _unreadable(
        [Issue(GUIDELINES.as_posix(), line, "", "guidelines-table-invalid", f"table {table.name!r}: {message}")]
    )
