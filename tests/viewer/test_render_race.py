"""The incremental render cannot keep an edit that was undone: a page and an article's record are made of the
very bytes their recorded digest stands for, even when the file is saved again while the render runs (an
editor's save, a `git stash pop`). After the edit is undone, the next render leaves the folder byte for byte
as a render into an empty folder does.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli, tree

ARTICLE = "acme-breach"


def render(root: Path, out: Path) -> None:
    run = cli("render", "--out", out, cwd=root)
    assert run.returncode == 0, run.output


def retitled(path: Path, title: str) -> bytes:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["metadata"]["title"] = title
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()


def assert_as_clean_render(root: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    render(root, clean)
    assert tree(out) == tree(clean)


def test_a_page_made_while_its_file_is_saved_again_keeps_no_undone_edit(mini: Path, tmp_path: Path, monkeypatch):
    import cyberclaims.viewer.pages as pages

    out = tmp_path / "site"
    render(mini, out)
    path = mini / "annotations" / f"{ARTICLE}.json"
    edit = retitled(path, "Edited once")
    path.write_bytes(edit)
    article_page = pages.article_page

    def save_meanwhile(*args, **kwargs):
        path.write_bytes(retitled(path, "Saved again while the page was made"))
        return article_page(*args, **kwargs)

    monkeypatch.setattr(pages, "article_page", save_meanwhile)
    render(mini, out)
    monkeypatch.setattr(pages, "article_page", article_page)
    path.write_bytes(edit)  # the second save undone
    render(mini, out)
    assert_as_clean_render(mini, out, tmp_path)
    assert b"Saved again" not in b"".join(tree(out).values())


def test_a_record_made_while_its_file_is_saved_again_keeps_no_undone_edit(mini: Path, tmp_path: Path, monkeypatch):
    """The index's row and the other pages' rows of an article come from its record (kept in the state)."""
    from cyberclaims.viewer.site_data import Site

    out = tmp_path / "site"
    render(mini, out)
    path = mini / "annotations" / f"{ARTICLE}.json"
    edit = retitled(path, "Edited once")
    path.write_bytes(edit)
    make_record = Site._record

    def save_meanwhile(self, *args, **kwargs):
        path.write_bytes(retitled(path, "Saved again while the record was made"))
        return make_record(self, *args, **kwargs)

    monkeypatch.setattr(Site, "_record", save_meanwhile)
    render(mini, out)
    monkeypatch.setattr(Site, "_record", make_record)
    path.write_bytes(edit)
    render(mini, out)
    assert_as_clean_render(mini, out, tmp_path)
    assert b"Saved again" not in b"".join(tree(out).values())
