"""Problems found in the data, as data: a code, a place and a message. Text is made only to print."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from .codes import CODES, Severity


MAX_MESSAGE = 1000
MAX_POINTER = 300


@dataclass(frozen=True, order=True)
class Issue:
    """One problem at one place. ``line`` is 1-based when known; ``pointer`` is a JSON pointer."""

    file: str
    line: int | None
    pointer: str
    code: str
    message: str
    column: int | None = None

    def __post_init__(self) -> None:
        # One problem is one short line, whatever the input: a megabyte key or a list of 100,000 unknown
        # fields is cut here, so no check (present or future) can print a megabyte error line.
        for name, limit in (("message", MAX_MESSAGE), ("pointer", MAX_POINTER), ("file", MAX_POINTER)):
            value = getattr(self, name)
            if len(value) > limit:
                object.__setattr__(self, name, value[:limit] + f"… ({len(value) - limit} more characters)")

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.pointer, self.code, self.message)

    def location(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:#{self.pointer}" if self.pointer else self.file

    def to_text(self) -> str:
        where = f" at {self.pointer}" if self.pointer and self.line is not None else ""
        return f"{self.location()}: {self.code}: {self.message}{where}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


@dataclass
class Report:
    """The result of a validation run: every issue, and how many files were looked at."""

    issues: list[Issue] = field(default_factory=list)
    files_checked: int = 0

    def sorted_issues(self) -> list[Issue]:
        return sorted(set(self.issues), key=Issue.sort_key)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.sorted_issues() if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.sorted_issues() if i.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        def by_code(items: list[Issue]) -> str:
            counts = Counter(i.code for i in items)
            return ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))

        errors, warnings = self.errors, self.warnings
        text = f"{self.files_checked} files checked, {len(errors)} errors, {len(warnings)} warnings"
        details = [part for part in (by_code(errors), by_code(warnings)) if part]
        return text + (f" ({'; '.join(details)})" if details else "")

    def to_json(self) -> str:
        return json.dumps(
            {
                "files_checked": self.files_checked,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "issues": [i.to_dict() for i in self.sorted_issues()],
            },
            indent=2,
            ensure_ascii=False,
        )
