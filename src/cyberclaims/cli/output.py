"""What every command shares: exit statuses, and the reporters that print a validation report.

Reporters are chosen by name from :data:`REPORTERS` (``--format``), as check-jsonschema does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..core.errors import DATA_PROBLEM, USAGE_PROBLEM
from ..core.issues import Report, printable

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, DATA_PROBLEM, USAGE_PROBLEM, 3


def _text(report: Report) -> None:
    for issue in report.sorted_issues():
        print(issue.to_text())
    print(report.summary(), file=sys.stderr)


def _json(report: Report) -> None:
    print(report.to_json())


def _github(report: Report) -> None:
    """GitHub Actions workflow commands: each issue becomes an annotation on its file and line."""
    for issue in report.sorted_issues():
        level = "error" if issue.severity.value == "error" else "warning"
        properties = {"file": issue.file, "line": issue.line, "col": issue.column, "title": issue.code}
        fields = ",".join(f"{name}={escape_github_property(str(value))}" for name, value in properties.items() if value)
        message = f"{issue.code}: {issue.message}" + (f" at {issue.pointer}" if issue.pointer else "")
        print(f"::{level} {fields}::{escape_github_data(message)}")
    print(report.summary())


def escape_github_data(text: str) -> str:
    """A workflow command's message, escaped as the Actions runner unescapes it (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_github_property(text: str) -> str:
    """A workflow command's property value (file, title): as the message, and ``:`` and ``,`` too, which
    would otherwise end the value and start another property or the message."""
    return escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


REPORTERS: dict[str, Callable[[Report], None]] = {"text": _text, "json": _json, "github": _github}


def not_a_repository(root: Path) -> str | None:
    """Why ``root`` is not a repository the command can work on (no ``annotations/`` folder), or None."""
    if (root / "annotations").is_dir():
        return None
    return (
        f"{printable(str(root.resolve()))} is not a CyberClaims repository (it has no annotations/ folder): run "
        f"cyberclaims at the repository root, or pass --root <repository>"
    )


def print_report(report: Report, fmt: str = "text") -> None:
    REPORTERS[fmt](report)


def positive(value: str) -> int:
    number = int(value) if value.isdigit() else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number
