"""The ``cyberclaims`` command: the parser, and the one place where errors become exit statuses.

Exit status, one per cause whatever the command (the table is in the README, "Commands"): 0 success; 1 the
data has problems (invalid, stale) or the system refused an operation; 2 the request cannot be carried out as
asked (a bad option, a path that does not exist, a folder that is not a repository or not a built dataset);
3 internal error; 130 interrupted; 141 the reader of the output went away. No traceback reaches the user
unless CYBERCLAIMS_DEBUG is set. The commands live in one module per group (``data``, ``annotators``,
``benchmark``, ``release``), each a thin layer over the library.
"""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from .. import __version__
from ..core.errors import ENVIRONMENT_ERRNOS, CyberClaimsError, environment_failure
from ..core.issues import Report
from . import adjudication, annotators, benchmark, data, release
from .output import EXIT_DATA, EXIT_INTERNAL, EXIT_USAGE, not_a_repository, print_report

Handler = Callable[[argparse.Namespace], int]
ROOT_HELP = "repository root holding annotations/ and dataset/ (default: the current folder)"
# The commands that work on a repository's annotations/ (validate too, unless given built datasets only: it
# checks for itself); the others read a built dataset (summary, evaluate) or nothing of the repository.
NEEDS_REPOSITORY = frozenset(
    {
        "build",
        "lint",
        "new",
        "agreement",
        "diff",
        "render",
        "import",
        "export",
        "baselines",
        "release",
        "adjudicate",
        "suggest",
        "passes",
    }
)
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a process a pipe killed


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 on usage errors: keep that, no traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The argument parser, and the handler of each subcommand by name."""
    top = _Parser(
        prog="cyberclaims",
        description="Validate, build, evaluate and browse CyberClaims, a dataset "
        "of news articles about cyberattacks with labelled entities and claims.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--root", type=Path, default=Path("."), help=ROOT_HELP)
    commands = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    handlers: dict[str, Handler] = {}
    for group in (data, annotators, benchmark, adjudication, release):
        handlers.update(group.register(commands))
    for name, command in commands.choices.items():
        # `--root` after the subcommand too (cyberclaims build --root X); absent there, the one before it holds
        command.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=ROOT_HELP)
        command.set_defaults(needs_repository=name in NEEDS_REPOSITORY)
    return top, handlers


def main(argv: list[str] | None = None) -> int:
    top, handlers = parser()
    args = top.parse_args(argv)
    if not args.root.is_dir():
        print(f"cyberclaims: error: --root {args.root} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    if args.needs_repository and (problem := not_a_repository(args.root)):
        print(f"cyberclaims: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return handlers[args.command](args)
    except CyberClaimsError as exc:  # a failure the user can act on: its report, its message, its status
        if isinstance(exc.report, Report):
            print_report(exc.report, "text")
        print(f"cyberclaims: {exc.prefix}{exc}", file=sys.stderr)
        return exc.kind
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours, and nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush cannot fail again
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.errno not in ENVIRONMENT_ERRNOS:
            return _internal_error(exc)
        # the environment's refusal (permission denied, disk full), not a bug: say what failed and where
        print(f"cyberclaims: {environment_failure(exc, args.command)}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        print("cyberclaims: interrupted; nothing was half-written", file=sys.stderr)
        return 130
    except Exception as exc:
        return _internal_error(exc)


def run() -> NoReturn:
    """The console script: ``main``, then an exit that skips native teardown.

    Arrow's C++ thread pools can abort the process while the interpreter tears itself down ("terminate called
    without an active exception", SIGABRT; apache/arrow#34314), turning a finished command's status into -6 at
    random. So once ``main`` has returned, the streams are flushed and the exit handlers run as at a normal exit,
    and the process leaves with ``os._exit``: the status is the one ``main`` chose, always. ``main(argv)`` is
    what to call from Python; only this entry point ends the process.
    """
    try:
        status = main()
    except SystemExit as exit_:  # --help, --version, a usage error: argparse's status, left the same way
        if exit_.code is not None and not isinstance(exit_.code, int):
            print(exit_.code, file=sys.stderr)  # as the interpreter does with sys.exit("message")
        status = exit_.code if isinstance(exit_.code, int) else 1 if exit_.code is not None else 0
    _leave(status)


def _leave(status: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader went away before the last line: as main says for the same case
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
            status = status or EXIT_BROKEN_PIPE
        except (OSError, ValueError):  # a closed or failing stream: nothing more can be said on it
            pass
    atexit._run_exitfuncs()  # the handlers a normal exit would run (temporary folders, worker processes)
    os._exit(status)


def _internal_error(exc: Exception) -> int:
    if os.environ.get("CYBERCLAIMS_DEBUG"):
        raise exc
    print(
        f"cyberclaims: internal error: {type(exc).__name__}: {exc}\n"
        f"(this is a bug: please report it; set CYBERCLAIMS_DEBUG=1 to see the traceback)",
        file=sys.stderr,
    )
    return EXIT_INTERNAL
