"""Problems found in the data, as data: a code, a place and a message. Text is made only to print."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from .codes import CODES, Severity
from .wording import count

# Characters that end or rewrite a line on a terminal or in a CI log: C0/C1 controls, DEL, and the
# Unicode line and paragraph separators. Names and messages are printed with them escaped.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_character(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


# What is never printed as it is: the control characters, and lone surrogates (from a JSON escape such as
# "\\ud800" in the data), which a UTF-8 stream cannot encode.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# The same in JSON text, where JSON's own escapes already cover C0 controls.
_JSON_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every control character (and lone surrogate) written as an escape (``\\n``, ``\\x1b``,
    ``\\ud800``): one line, no commands, and always encodable."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def json_text(value: object, **options: object) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)`` with every character a terminal or a log could take
    as a command (DEL, C1 controls, line and paragraph separators) and every lone surrogate written as a JSON
    escape: the same JSON, readable, safe to print and always encodable."""
    text = json.dumps(value, ensure_ascii=False, **options)  # type: ignore[arg-type]
    return _JSON_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


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
        file = printable(self.file)
        if self.line is not None:
            return f"{file}:{self.line}"
        return f"{file}:#{printable(self.pointer)}" if self.pointer else file

    def to_text(self) -> str:
        """One line, whatever the file name or message holds (control characters are escaped)."""
        where = f" at {self.pointer}" if self.pointer and self.line is not None else ""
        return printable(f"{self.location()}: {self.code}: {self.message}{where}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d


@dataclass
class Report:
    """The result of a validation run: every issue, and how many files were looked at."""

    issues: list[Issue] = field(default_factory=list)
    files_checked: int = 0
    accepted: int = 0  # lint findings a reviewer accepted (annotations/LINT-ACCEPTED.md): counted, not shown

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
        text = (
            f"{count(self.files_checked, 'file')} checked, {count(len(errors), 'error')}, "
            f"{count(len(warnings), 'warning')}"
        )
        details = [part for part in (by_code(errors), by_code(warnings)) if part]
        accepted = f", {self.accepted} accepted (annotations/LINT-ACCEPTED.md)" if self.accepted else ""
        return text + (f" ({'; '.join(details)})" if details else "") + accepted

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
