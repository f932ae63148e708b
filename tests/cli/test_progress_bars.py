"""Long commands show a progress bar on a terminal and nothing when piped or with CI set (README, Commands)."""

from __future__ import annotations

import io
import sys

import pytest

from conftest import cli
from cyberclaims.cli.app import main
from cyberclaims.core import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_a_terminal(monkeypatch, cwd, *args: str, ci: bool = False) -> tuple[int, str]:
    """``cyberclaims ARGS`` in this process with stderr a terminal; its status and what the terminal shows."""
    stderr = Terminal()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(progress, "MIN_ITEMS", 1)  # the minimal corpus is one article
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    if ci:
        monkeypatch.setenv("CI", "true")
    else:
        monkeypatch.delenv("CI", raising=False)
    status = main(list(args))
    monkeypatch.undo()
    return status, stderr.getvalue()


@pytest.mark.parametrize(
    ("command", "bars"),
    [
        (["validate"], ["validate gold:"]),
        (["build"], ["validate gold:"]),
        (["render", "--out", "site"], ["validate gold:", "render articles:", "render entities:"]),
        (["baselines", "--core", "--split", "train"], ["validate gold:", "baselines:"]),
    ],
)
def test_a_long_command_shows_its_bars_on_a_terminal_and_none_in_ci(command, bars, mini, monkeypatch):
    status, shown = on_a_terminal(monkeypatch, mini, *command)
    assert status == 0, shown
    for bar in bars:
        assert bar in shown, (bar, shown)
    status, shown = on_a_terminal(monkeypatch, mini, *command, ci=True)
    assert status == 0 and "%|" not in shown, shown
    # piped (the tests' usual streams): no bar either
    run = cli(*command, cwd=mini)
    assert run.returncode == 0 and "%|" not in run.stderr, run.stderr
