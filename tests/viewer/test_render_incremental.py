"""A second `cyberclaims render` into the same folder writes only the pages whose inputs changed.

Every test renders a corpus (the repository's articles and the growth fixtures) with the real CLI, changes
something, renders again into the same folder, and checks two things: the folder is then byte for byte
(every file, the same set of files) what a render into an empty folder writes, and the files rewritten
(a new inode or mtime) are exactly the files whose bytes changed, so a page whose inputs did not change
was not written again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import cyberclaims
from conftest import SEED_IDS, copy_repository, growth, provenance, run_cli, run_in_process, run_process
from cyberclaims.core.schemas import schema_dir
from cyberclaims.core.vocabulary import CERTAINTIES

pytestmark = pytest.mark.corpus

STATE = ".render-state.json"
GROWTH_IDS = [a["id"] for a in growth.load_labels()["articles"]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The repository's articles and the three growth fixtures (unless the corpus has them already)."""
    repo = copy_repository(tmp_path_factory.mktemp("incremental") / "repo")
    if not all((repo / "annotations" / f"{a}.json").exists() for a in GROWTH_IDS):
        growth.add(repo, run=run_in_process)
    return repo


@pytest.fixture(scope="module")
def rendered(corpus: Path, tmp_path_factory) -> Path:
    """A first, full render of ``corpus``, made once for the module."""
    out = tmp_path_factory.mktemp("rendered") / "site"
    render(corpus, out)
    return out


@pytest.fixture
def repo(corpus: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(corpus, tmp_path / "repo"))


@pytest.fixture
def site(repo: Path, rendered: Path, tmp_path: Path) -> Path:
    """A first, full render of ``repo``: a copy of the module's (the render state names no path)."""
    return Path(shutil.copytree(rendered, tmp_path / "site"))


# ---------------------------------------------------------------------------------------------
# Helpers


def render(repo: Path, out: Path, *ids: str, env: dict | None = None):
    """``cyberclaims render``: in this process, or in a subprocess when ``env`` sets PYTHONPATH to run another
    copy of the code (this process has imported the package already)."""
    if env and "PYTHONPATH" in env:
        run = run_process("render", *ids, "--out", out, cwd=repo, env=env)
    else:
        run = run_cli("render", *ids, "--out", out, cwd=repo, env=env)
    assert run.returncode == 0, run.output
    return run


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and mtime: a file written again (through a temporary file and a rename) has new ones."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def clean_render(repo: Path, tmp_path: Path, env: dict | None = None) -> dict[str, bytes]:
    """What a render into an empty folder writes."""
    number = len(list(tmp_path.glob("clean-*")))
    out = tmp_path / f"clean-{number}"
    render(repo, out, env=env)
    return contents(out)


def rerender(repo: Path, out: Path, tmp_path: Path, env: dict | None = None) -> set[str]:
    """Render ``repo`` into ``out`` again; check that ``out`` is then what a clean render writes and that
    exactly the files whose bytes changed were written. Return the names of the files written."""
    old_stamps, old = stamps(out), contents(out)
    render(repo, out, env=env)
    new = contents(out)
    assert sorted(new) == sorted(clean := clean_render(repo, tmp_path, env))
    assert [name for name in new if new[name] != clean[name]] == []
    new_stamps = stamps(out)
    written = {name for name in new_stamps if old_stamps.get(name) != new_stamps[name]}
    changed = {name for name in new if old.get(name) != new[name]}
    assert written == changed, (sorted(written - changed), sorted(changed - written))
    return written


def annotation(repo: Path, article_id: str) -> dict:
    return json.loads((repo / "annotations" / f"{article_id}.json").read_text(encoding="utf-8"))


def save(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def article_pages(repo: Path) -> set[str]:
    return {f"{p.stem}.html" for p in (repo / "annotations").glob("*.txt")}


def uses(repo: Path, article_id: str) -> tuple[set[str], set[str]]:
    """The entity keys an article's mentions link to and the propositions its claims state."""
    data = annotation(repo, article_id)
    return {m["entity"] for m in data["entities"] if m["entity"]}, {c["proposition"] for c in data["claims"]}


def edit_certainty(repo: Path, article_id: str, claim: int = 0) -> str:
    """Give one claim another allowed certainty; return its proposition."""
    path = repo / "annotations" / f"{article_id}.json"
    data = annotation(repo, article_id)
    data["claims"][claim]["certainty"] = next(c for c in CERTAINTIES if c != data["claims"][claim]["certainty"])
    save(path, data)
    return data["claims"][claim]["proposition"]


# ---------------------------------------------------------------------------------------------
# What changed, and what is written again


def test_rendering_again_with_nothing_changed_writes_nothing(repo, site, tmp_path):
    assert rerender(repo, site, tmp_path) == set()
    run = render(repo, site)
    pages = len(contents(site)) - 1  # every file but the state
    assert f"wrote 0 pages to {site}, {pages} up to date" in run.stdout


def test_an_edited_claim_rewrites_its_article_and_its_proposition_only(repo, site, tmp_path):
    article = GROWTH_IDS[0]
    proposition = edit_certainty(repo, article)
    # The index shows the number of claims, not their certainty: it stays as it is, like every other page.
    assert rerender(repo, site, tmp_path) == {f"{article}.html", f"p/{proposition}.html", STATE}


def test_an_added_article_rewrites_its_own_page_the_lists_and_what_it_links_to(repo, site, tmp_path):
    # Made with `cyberclaims new`, then labelled as a contributor would: a mention of an entity a seed
    # article mentions, and a claim of a proposition a seed article states.
    seed = annotation(repo, SEED_IDS[0])
    mention = next(m for m in seed["entities"] if m["entity"])
    entity, proposition = mention["entity"], seed["claims"][0]["proposition"]
    first_line = f"{mention['text']} was named again on Monday in a new report on the breach."
    text = tmp_path / "new.txt"
    text.write_text(f"{first_line}\nThe report did not say who wrote it.\n", encoding="utf-8")
    new = "named-again-in-a-report-example"
    run = run_cli(
        "new",
        new,
        "--text",
        text,
        "--title",
        "Named again in a report",
        "--source-name",
        "Example",
        "--url",
        "https://example.org/named-again",
        "--published",
        "2015-01",
        "--topic",
        "named-again-2015",
        "--split",
        "train",
        cwd=repo,
    )
    assert run.returncode == 0, run.output
    data = annotation(repo, new)
    end = len(mention["text"])
    data["entities"] = [
        {"id": "m1", "start": 0, "end": end, "text": mention["text"], "label": mention["label"], "entity": entity}
    ]
    data["claims"] = [
        {
            "id": "c1",
            "start": 0,
            "end": len(first_line),
            "text": first_line,
            "claimer": "author",
            "attribution": "asserted",
            "certainty": "certain",
            "normalized": first_line,
            "about": [entity],
            "proposition": proposition,
            "event": seed["claims"][0]["event"],
        }
    ]
    data["annotators"] = ["incremental-test"]
    data["provenance"] = provenance("incremental-test")
    save(repo / "annotations" / f"{new}.json", data)
    written = rerender(repo, site, tmp_path)
    assert {f"{new}.html", "index.html", f"p/{proposition}.html", f"e/{entity}.html", STATE} <= written
    assert not written & (article_pages(repo) - {f"{new}.html"})  # no other article's page


def test_a_deleted_article_removes_its_page_and_rewrites_only_what_listed_it(repo, site, tmp_path):
    gone, kept = GROWTH_IDS[1], GROWTH_IDS[2]
    entities, propositions = uses(repo, gone)
    others = article_pages(repo) - {f"{gone}.html"}
    for suffix in (".json", ".txt"):
        (repo / "annotations" / f"{gone}{suffix}").unlink()
    written = rerender(repo, site, tmp_path)
    assert not (site / f"{gone}.html").exists()
    assert {"index.html", STATE} | {f"p/{k}.html" for k in propositions} <= written
    assert {f"e/{k}.html" for k in entities if (site / "e" / f"{k}.html").exists()} <= written
    assert not written & others and f"{kept}.html" in others


def test_a_renamed_article_moves_its_page(repo, site, tmp_path):
    old = GROWTH_IDS[0]
    new = f"{old}-renamed"
    _, propositions = uses(repo, old)
    data = annotation(repo, old)
    data["id"] = new
    save(repo / "annotations" / f"{new}.json", data)
    (repo / "annotations" / f"{old}.txt").rename(repo / "annotations" / f"{new}.txt")
    (repo / "annotations" / f"{old}.json").unlink()
    written = rerender(repo, site, tmp_path)
    assert not (site / f"{old}.html").exists() and (site / f"{new}.html").is_file()
    assert {f"{new}.html", "index.html"} | {f"p/{k}.html" for k in propositions} <= written
    assert not written & (article_pages(repo) - {f"{new}.html"})


def test_a_changed_registry_entry_rewrites_the_pages_that_show_it(repo, site, tmp_path):
    article = GROWTH_IDS[0]
    entities, propositions = uses(repo, article)
    ids = [page.removesuffix(".html") for page in sorted(article_pages(repo))]
    # An entity no article names only as a claimer (a claimer's card shows its name, not its description).
    entity = next(
        e
        for e in sorted(entities)
        if all(e in uses(repo, a)[0] for a in ids if e in {c["claimer"] for c in annotation(repo, a)["claims"]})
    )
    showing = {f"{a}.html" for a in ids if entity in uses(repo, a)[0]}
    path = repo / "annotations" / "entities.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    next(e for e in registry["entities"] if e["key"] == entity)["description"] += " (revised)"
    save(path, registry)
    written = rerender(repo, site, tmp_path)
    # The entities' list shows names and types, not descriptions: it is not written again.
    assert written == {f"e/{entity}.html", STATE} | showing and f"{article}.html" in showing

    proposition = min(propositions)
    stating = {f"{a}.html" for a in ids if proposition in uses(repo, a)[1]}
    path = repo / "annotations" / "propositions.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    next(p for p in registry["propositions"] if p["key"] == proposition)["statement"] += " (revised)"
    save(path, registry)
    written = rerender(repo, site, tmp_path)
    assert written == {f"p/{proposition}.html", "propositions_1.html", STATE} | stating


@pytest.mark.slow
def test_changed_code_renders_every_page_again(repo, site, tmp_path):
    package = tmp_path / "code" / "cyberclaims"
    shutil.copytree(Path(cyberclaims.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        schema_dir(), package / "schema", dirs_exist_ok=True
    )  # where a wheel has them (installed from one: already there)
    env = {"PYTHONPATH": str(package.parent)}
    # A change to a module that changes no byte of any page: every page is written again all the same.
    with (package / "viewer" / "site.py").open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment: the code is not the same\n")
    before_stamps, before = stamps(site), contents(site)
    render(repo, site, env=env)
    after = contents(site)
    assert after == clean_render(repo, tmp_path, env)
    assert {name for name in after if after[name] != before[name]} == {STATE}
    assert all(stamps(site)[name] != before_stamps[name] for name in after)
    # A change to the pages' CSS: every page has new bytes, as a clean render with that code has.
    with (package / "viewer" / "static" / "viewer.css").open("a", encoding="utf-8") as fh:
        fh.write("/* incremental-test */\n")
    assert rerender(repo, site, tmp_path, env) == set(contents(site))
    assert "/* incremental-test */" in (site / "index.html").read_text(encoding="utf-8")
    # A change to a template (package files, like the modules) that changes no byte of any page: every page
    # is written again all the same.
    with (package / "viewer" / "templates" / "proposition.html").open("a", encoding="utf-8") as fh:
        fh.write("{# a comment: the templates are not the same #}\n")
    before_stamps, before = stamps(site), contents(site)
    render(repo, site, env=env)
    after = contents(site)
    assert after == clean_render(repo, tmp_path, env)
    assert {name for name in after if after[name] != before[name]} == {STATE}
    assert all(stamps(site)[name] != before_stamps[name] for name in after)


# ---------------------------------------------------------------------------------------------
# The folder: pages changed by hand, the state, the user's files


def test_a_page_edited_or_deleted_by_hand_is_restored(repo, site, tmp_path):
    first, second = sorted(article_pages(repo))[:2]
    proposition = next(p.name for p in sorted((site / "p").iterdir()))
    with (site / first).open("a", encoding="utf-8") as fh:
        fh.write("<!-- edited by hand -->")
    (site / second).unlink()
    (site / "p" / proposition).unlink()
    (site / "entities_1.html").write_bytes((site / "entities_1.html").read_bytes().replace(b"<h1>", b"<h1>edited "))
    assert rerender(repo, site, tmp_path) == {first, second, f"p/{proposition}", "entities_1.html"}


@pytest.mark.parametrize(
    "damage", ["empty", "not-json", "truncated", "wrong-shape", "wrong-types", "escaping-name", "folder-name"]
)
def test_a_damaged_state_means_a_full_correct_render(repo, site, tmp_path, damage):
    state = site / STATE
    good = json.loads(state.read_bytes())
    outside = tmp_path / "outside.html"
    outside.write_text("not the viewer's", encoding="utf-8")
    if damage == "empty":
        state.write_bytes(b"")
    elif damage == "not-json":
        state.write_bytes(b"\xff\xfe{this is not json")
    elif damage == "truncated":
        state.write_bytes(state.read_bytes()[: state.stat().st_size // 2])
    elif damage == "wrong-shape":
        state.write_text(json.dumps({"format": good["format"], "code": good["code"]}), encoding="utf-8")
    elif damage == "wrong-types":
        article = min(good["articles"])
        good["articles"][article][4] = [1, 2, 3, 4, 5, 6]
        state.write_text(json.dumps(good), encoding="utf-8")
    else:  # names that are no page of the viewer: never read as the tool's, so never removed
        name = "../outside.html" if damage == "escaping-name" else "sub/page.html"
        if damage == "folder-name":
            (site / "sub").mkdir()
            (site / "sub" / "page.html").write_text("the user's", encoding="utf-8")
        good["pages"] = {name: [None, "0" * 64]}
        state.write_text(json.dumps(good), encoding="utf-8")
    before = stamps(site)
    render(repo, site)
    after = contents(site)
    assert outside.read_text(encoding="utf-8") == "not the viewer's"
    if damage == "folder-name":
        assert after.pop("sub/page.html") == b"the user's"
    assert after == clean_render(repo, tmp_path)
    # A full render: every page written again.
    assert all(stamps(site)[name] != before[name] for name in after if name != STATE)


def test_a_users_own_files_are_never_removed(repo, site, tmp_path):
    mine = {
        "notes.html": b"my notes",
        "p/notes.html": b"mine too",
        "e/notes.2.html": b"named like a continuation",
        "index_9.html": b"named like a list page",
        "drafts/a.html": b"a draft",
        "my-article-notes.html": b"x",
    }
    for name, data in mine.items():
        (site / name).parent.mkdir(exist_ok=True)
        (site / name).write_bytes(data)
    gone = GROWTH_IDS[1]
    for suffix in (".json", ".txt"):
        (repo / "annotations" / f"{gone}{suffix}").unlink()
    render(repo, site)
    assert not (site / f"{gone}.html").exists()
    assert {name: (site / name).read_bytes() for name in mine} == mine
    after = contents(site)
    for name in mine:
        del after[name]
    assert after == clean_render(repo, tmp_path)
    # Without the state (a folder rendered before there was one), the same: the user's files stay.
    (site / STATE).unlink()
    edit_certainty(repo, GROWTH_IDS[0])
    render(repo, site)
    assert {name: (site / name).read_bytes() for name in mine} == mine


def test_rendering_named_articles_then_all_stays_correct(repo, site, tmp_path):
    named, other = GROWTH_IDS[0], GROWTH_IDS[2]
    edit_certainty(repo, named)
    edit_certainty(repo, other)
    other_page = (site / f"{other}.html").read_bytes()
    clean = clean_render(repo, tmp_path)
    render(repo, site, named)
    now = contents(site)
    entities, propositions = uses(repo, named)
    made = (
        {f"{named}.html", "index.html", "propositions_1.html", "entities_1.html"}
        | {f"p/{k}.html" for k in propositions}
        | {f"e/{k}.html" for k in entities}
    )
    assert {name: now[name] for name in made} == {name: clean[name] for name in made}
    assert now[f"{other}.html"] == other_page  # not named: left as it was, and rendered by the next full render
    written = rerender(repo, site, tmp_path)
    assert f"{other}.html" in written and f"{named}.html" not in written


@pytest.mark.parametrize("kind", ["folder", "symlink"])
def test_a_state_path_that_is_not_a_file_is_refused_and_left_alone(repo, tmp_path, kind):
    out = tmp_path / "fresh-site"
    out.mkdir()
    if kind == "folder":
        (out / STATE).mkdir()
        (out / STATE / "mine.txt").write_text("the user's", encoding="utf-8")
    else:
        (tmp_path / "elsewhere.json").write_text("{}", encoding="utf-8")
        (out / STATE).symlink_to(tmp_path / "elsewhere.json")
    run = run_cli("render", "--out", out, cwd=repo)
    assert run.returncode == 2, run.output
    assert STATE in run.stderr and "internal error" not in run.output
    assert sorted(p.name for p in out.iterdir()) == [STATE]  # no page written
    if kind == "folder":
        assert (out / STATE / "mine.txt").read_text(encoding="utf-8") == "the user's"
    else:
        assert (tmp_path / "elsewhere.json").read_text(encoding="utf-8") == "{}"
