"""Progress bars (core/progress.py): on a terminal from the start of the work, never when piped or in CI."""

from __future__ import annotations

import io
import sys

import pytest

from cyberclaims.core import pool, progress


class Terminal(io.StringIO):
    """stderr as a terminal shows it (tqdm writes its frames to it)."""

    def isatty(self) -> bool:
        return True


def on_terminal(monkeypatch) -> Terminal:
    """stderr a terminal, CI unset (in the test's body: pytest puts its own stderr back after the fixtures)."""
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    monkeypatch.delenv("CI", raising=False)
    return stream


def test_a_bar_shows_at_once_on_a_terminal(monkeypatch):
    terminal = on_terminal(monkeypatch)
    with progress.Bar(10, desc="checking", unit="article", min_items=1) as bar:
        assert bar.shown
        assert "checking:" in terminal.getvalue() and "0/10" in terminal.getvalue()  # before any item is done
        bar.update(4)
        assert bar.write("a line above the bar")
    assert "a line above the bar\n" in terminal.getvalue()


@pytest.mark.parametrize("why", ["ci", "piped", "few items"])
def test_no_bar_in_ci_when_piped_or_for_a_few_items(why, monkeypatch):
    terminal = on_terminal(monkeypatch)
    if why == "ci":
        monkeypatch.setenv("CI", "true")
    elif why == "piped":
        monkeypatch.setattr(sys, "stderr", io.StringIO())
    total = 3 if why == "few items" else 1000
    assert list(progress.progress(range(total), desc="checking")) == list(range(total))
    with progress.Bar(total, desc="checking") as bar:
        assert not bar.shown and not bar.write("line")
    assert terminal.getvalue() == ""


def _seen_on_the_terminal(context: list, batch: list) -> str:
    context.append(sys.stderr.getvalue())
    return "".join(batch)


def test_work_in_batches_shows_its_bar_before_the_first_batch_is_done(monkeypatch):
    on_terminal(monkeypatch)
    monkeypatch.setattr(progress, "MIN_ITEMS", 1)
    seen: list[str] = []
    batches = [["a", "b"], ["c"]]
    assert list(pool.map_in_order(_seen_on_the_terminal, seen, batches, workers=1, desc="validate gold")) == [
        "ab",
        "c",
    ]
    assert "validate gold:" in seen[0] and "0/3" in seen[0]
