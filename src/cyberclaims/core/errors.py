"""One base class for the errors the library raises on purpose, so callers (the CLI, a notebook) catch one type.

An error says what went wrong in words, carries the :class:`~cyberclaims.core.issues.Report` when the data
is at fault, and says which kind of failure it is: the data has problems (exit status 1) or the request
cannot be carried out as asked (2, a usage error).
"""

from __future__ import annotations

import errno as errno_module
import os

from .issues import Report, printable

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


class EnvironmentFailure(CyberClaimsError):
    """The user's environment refused an operation (permission denied, disk full, read-only file system):
    not a bug, and not bad data. The message says what failed and where."""

    kind = DATA_PROBLEM

    def __init__(self, message: str, path: str | None = None, errno: int | None = None) -> None:
        super().__init__(message)
        self.path, self.errno = path, errno


_HINTS = {
    errno_module.ENOSPC: "the disk is full: free some space and run it again",
    errno_module.EDQUOT: "the disk quota is exceeded: free some space and run it again",
    errno_module.EACCES: "check the permissions of that path",
    errno_module.EPERM: "check the permissions of that path",
    errno_module.EROFS: "the file system is read-only: choose another place",
}

# The errors that are the environment's answer, whatever command meets them.
ENVIRONMENT_ERRNOS = frozenset(_HINTS) | {
    errno_module.EIO,
    errno_module.EMFILE,
    errno_module.ENFILE,
    errno_module.ENAMETOOLONG,
}


def environment_failure(exc: OSError, action: str, where: object = None) -> EnvironmentFailure:
    """An :class:`OSError` as a located :class:`EnvironmentFailure`: ``cannot <action>: <path>: <reason>``.

    The path is the one the system names, else ``where`` (a disk-full error from a writer names none).
    """
    path = exc.filename if exc.filename is not None else where
    shown = printable(os.fsdecode(path)) if isinstance(path, (str, bytes, os.PathLike)) else None
    reason = exc.strerror or type(exc).__name__
    hint = _HINTS.get(exc.errno or 0)
    message = f"cannot {action}" + (f": {shown}" if shown else "") + f": {reason}" + (f" ({hint})" if hint else "")
    return EnvironmentFailure(message, shown, exc.errno)
