"""`render --out DIR` writes only into its own folder and replaces only what a render made: it refuses the
repository's own folders, never writes or removes through a link (``DIR``, ``DIR/p`` or ``DIR/e``), and refuses,
before a page is written, to replace a file it did not make (a user's own ``index.html`` or page).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import cli, run_process, tree

ARTICLE = "acme-breach"


def render(root: Path, out: Path | str):
    return cli("render", "--out", out, cwd=root)


def test_p_or_e_as_a_link_out_of_the_folder_is_refused_and_nothing_is_written_or_removed(mini: Path, tmp_path: Path):
    site = tmp_path / "site"
    assert render(mini, site).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in sorted(os.listdir(site / "p")):  # files a forged or stale state would name for removal
        (elsewhere / name).write_text("the user's, elsewhere", encoding="utf-8")
    (elsewhere / "mine.txt").write_text("mine", encoding="utf-8")
    before = tree(elsewhere)
    for folder in ("p", "e"):
        real = site / f"{folder}-real"
        (site / folder).rename(real)
        (site / folder).symlink_to(elsewhere)
        state = site / ".render-state.json"
        document = json.loads(state.read_text(encoding="utf-8"))
        document["pages"].update({f"{folder}/{name}": [None, "0" * 64] for name in before})  # "ours", says it
        state.write_text(json.dumps(document), encoding="utf-8")
        pages_before = tree(site)
        run = render(mini, site)
        assert run.returncode == 2, run.output
        assert f"{folder}" in run.stderr and "symbolic link" in run.stderr, run.stderr
        assert tree(elsewhere) == before  # nothing written there, nothing removed
        assert tree(site) == pages_before  # and nothing written here: refused before a page is written
        (site / folder).unlink()
        real.rename(site / folder)


def test_an_output_that_is_a_link_or_a_file_is_refused(mini: Path, tmp_path: Path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    run = render(mini, tmp_path / "link")
    assert run.returncode == 2 and "symbolic link" in run.stderr, run.output
    assert list(real.iterdir()) == []
    (tmp_path / "file").write_text("a file", encoding="utf-8")
    run = render(mini, tmp_path / "file")
    assert run.returncode == 2 and "not a folder" in run.stderr, run.output
    assert (tmp_path / "file").read_text(encoding="utf-8") == "a file"


@pytest.mark.parametrize("mine", ["index.html", f"{ARTICLE}.html", "p/acme_records_stolen.html", "entities_1.html"])
def test_a_file_in_a_folder_the_render_did_not_make_is_never_replaced(mini: Path, tmp_path: Path, mine: str):
    site = tmp_path / "site"
    (site / mine).parent.mkdir(parents=True)
    (site / mine).write_text("<p>the user's own page</p>", encoding="utf-8")
    before = tree(site)
    run = render(mini, site)
    assert run.returncode == 2 and mine in run.stderr and "did not make" in run.stderr, run.output
    assert tree(site) == before  # nothing written


def test_a_file_a_render_would_write_for_the_first_time_is_never_replaced(mini: Path, tmp_path: Path):
    """In a folder a render made: the user's page at the name of a proposition added since."""
    site = tmp_path / "site"
    assert render(mini, site).returncode == 0
    (site / "p" / "zz_added_since.html").write_text("<p>the user's own page</p>", encoding="utf-8")
    registry = mini / "annotations" / "propositions.json"
    document = json.loads(registry.read_text(encoding="utf-8"))
    document["propositions"].append({"key": "zz_added_since", "statement": "Added since the last render."})
    registry.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    before = tree(site)
    run = render(mini, site)
    assert run.returncode == 2 and "p/zz_added_since.html" in run.stderr, run.output
    assert tree(site) == before
    (site / "p" / "zz_added_since.html").unlink()
    assert render(mini, site).returncode == 0


def test_a_folder_with_the_users_other_files_is_rendered_beside_them(mini: Path, tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    assert render(mini, site).returncode == 0
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine" and (site / "index.html").exists()


@pytest.mark.parametrize("out", [".", "..", "annotations", "dataset", "annotations/site", "schema", ".git"])
def test_the_repositorys_own_folders_are_refused(mini: Path, out: str):
    (mini / "schema").mkdir(exist_ok=True)
    before = tree(mini.parent)
    run = render(mini, out)
    assert run.returncode == 2 and "internal error" not in run.stderr, run.output
    assert "name a" in run.stderr, run.stderr
    assert tree(mini.parent) == before


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_and_links_named_like_pages_never_block_a_render(mini: Path, tmp_path: Path):
    """A process, with a timeout: a list page that is a FIFO would block the read that finds what a render made."""
    site = tmp_path / "site"
    assert render(mini, site).returncode == 0
    (site / "index.html").unlink()
    os.mkfifo(site / "index.html")
    (site / "entities_1.html").unlink()
    (site / "entities_1.html").symlink_to("/dev/zero")
    run = run_process("render", "--out", site, cwd=mini, timeout=120)
    assert run.returncode in (0, 2) and "internal error" not in run.stderr, run.output
    assert os.path.islink(site / "entities_1.html") or (site / "entities_1.html").is_file()
