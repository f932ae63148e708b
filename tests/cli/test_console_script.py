"""The installed console script, in a subprocess where the process matters: its exit statuses as a shell sees them,
and a reader that goes away (`| head`)."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT


def test_a_reader_that_goes_away_is_not_an_internal_error(tmp_path):
    """`cyberclaims ... | head`: the pipe closes before the output is written; the command ends quietly (141)."""
    import subprocess
    import sys

    base = tmp_path / "empty"
    (base / "annotations").mkdir(parents=True)
    script = Path(sys.executable).parent / "cyberclaims"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cyberclaims.cli"]
    process = subprocess.Popen(command + ["--root", str(ROOT), "diff", str(base)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # before the command has printed anything
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 141, stderr
    assert b"internal error" not in stderr and b"Traceback" not in stderr
