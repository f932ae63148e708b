"""The installed console script, in a subprocess where the process matters: its exit statuses as a shell sees them,
and a reader that goes away (`| head`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, cli_command, run_process

CASES = Path(__file__).parents[1] / "cases"


@pytest.mark.slow
def test_the_console_script_exits_with_the_status_the_readme_documents():
    """The entry point installed by pip (`cyberclaims`, not ``main`` called in process): 0 success, 1 the data
    has problems, 2 usage error, as a shell sees them."""
    version = run_process("--version")
    assert version.returncode == 0 and version.stdout.startswith("cyberclaims "), version.output
    assert run_process("validate", cwd=CASES / "valid" / "minimal").returncode == 0
    invalid = run_process("validate", cwd=CASES / "invalid" / "span-text-mismatch" / "text-differs")
    assert invalid.returncode == 1 and "span-text-mismatch" in invalid.stdout, invalid.output
    usage = run_process("validate", "--format", "nope", cwd=CASES / "valid" / "minimal")
    assert usage.returncode == 2 and "usage:" in usage.stderr, usage.output


def test_a_reader_that_goes_away_is_not_an_internal_error(tmp_path):
    """`cyberclaims ... | head`: the pipe closes before the output is written; the command ends quietly (141)."""
    import subprocess

    base = tmp_path / "empty"
    (base / "annotations").mkdir(parents=True)
    process = subprocess.Popen(
        cli_command() + ["--root", str(ROOT), "diff", str(base)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    process.stdout.close()  # before the command has printed anything
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 141, stderr
    assert b"internal error" not in stderr and b"Traceback" not in stderr


# A process whose teardown aborts in native code, as Arrow's thread pools sometimes do at exit (apache/arrow#34314):
# the object's finalizer runs only if the interpreter tears itself down after the command.
_TEARDOWN_ABORTS = """
import atexit, os, sys
class NativeTeardown:
    def __del__(self, abort=os.abort):
        abort()
keep = NativeTeardown()
atexit.register(print, "exit handlers ran")
sys.argv = ["cyberclaims", *sys.argv[1:]]
from cyberclaims.cli import run
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "args", "status"),
    [
        ("valid/minimal", ["validate"], 0),
        ("invalid/span-text-mismatch/text-differs", ["validate"], 1),
        ("valid/minimal", ["validate", "--format", "nope"], 2),
        ("valid/minimal", ["--version"], 0),
    ],
)
def test_the_status_main_chose_survives_a_teardown_that_aborts(case, args, status):
    """The console script leaves once ``main`` has returned: its output flushed, the exit handlers run, and the
    status it chose, not the SIGABRT of a native library torn down after it."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _TEARDOWN_ABORTS, *args], cwd=CASES / case, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == status, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("exit handlers ran"), done.stdout
    assert "Traceback" not in done.stderr
    if status == 1:
        assert "span-text-mismatch" in done.stdout
