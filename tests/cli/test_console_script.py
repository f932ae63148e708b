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
