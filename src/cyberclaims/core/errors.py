"""One base class for the errors the library raises on purpose, so callers (the CLI, a notebook) catch one type.

An error says what went wrong in words, carries the :class:`~cyberclaims.core.issues.Report` when the data
is at fault, and says which kind of failure it is: the data has problems (exit status 1) or the request
cannot be carried out as asked (2, a usage error).
"""

from __future__ import annotations

from .issues import Report

DATA_PROBLEM, USAGE_PROBLEM = 1, 2


class CyberClaimsError(Exception):
    """A failure the user can act on; never a bug (those are any other exception)."""

    kind: int = DATA_PROBLEM
    prefix: str = ""  # how the message is introduced ("error: " for a bad request, as argparse does)

    def __init__(self, message: str, report: Report | None = None) -> None:
        super().__init__(message)
        self.report = report


class UsageError(CyberClaimsError):
    """The request cannot be carried out as asked (a missing folder, conflicting options)."""

    kind = USAGE_PROBLEM
    prefix = "error: "
