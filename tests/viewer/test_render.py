"""The viewer, tested in a real browser: Debian's Chromium, headless, driven over the DevTools protocol.

The pages are opened as a reader would open them (file://, scripts running); the DOM is read back with
JavaScript and compared with the annotation files, and a screenshot's pixels are compared with the
label colours at the places the browser says the mentions are.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import math
import os
import re
import select
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import pytest

from conftest import ARTICLE_IDS, CHROMIUM, copy_repository, run_cli
from cyberclaims.core.vocabulary import ENTITY_LABELS
from cyberclaims.validation import validate
from cyberclaims.viewer import LABEL_COLORS, ArticleView, render_site, templating
from cyberclaims.viewer import pages as viewer_pages
from cyberclaims.viewer import site as viewer_site
from cyberclaims.viewer.spans import UNKNOWN_LABEL_COLOR

_chromium_present = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run installs it)",
)


def needs_chromium(test):
    """A browser test: marked ``browser``, and skipped, saying why, when Chromium is missing."""
    return pytest.mark.browser(_chromium_present(test))


FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--remote-debugging-pipe",
]
WIDTH, HEIGHT = 1400, 1000

HOSTILE_TEXT = (
    "Hackers “GOP” wrote <script>window.__pwned = 1</script> and </div><b>bold</b> on Sony’s site 😀 & fled.\n"
)
HOSTILE_TITLE = "</title><script>window.__pwned = 2</script>"


# ---------------------------------------------------------------------------------------------
# A headless Chromium over --remote-debugging-pipe (fd 3: commands in, fd 4: replies out, NUL-separated)


class Chromium:
    def __init__(self) -> None:
        self.profile = tempfile.mkdtemp(prefix="cyberclaims-chromium-")
        to_chrome, self._out = os.pipe()
        self._in, from_chrome = os.pipe()
        # Move the ends the browser gets above 9, so that putting them at 3 and 4 cannot clobber one.
        to_chrome, from_chrome = (_high_fd(to_chrome), _high_fd(from_chrome))
        command = " ".join([str(CHROMIUM), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"])
        # bash puts the two pipe ends at fds 3 and 4, where Chromium expects them (dash refuses fds > 9).
        self.process = subprocess.Popen(
            ["bash", "-c", f"exec {command} 3<&{to_chrome} 4>&{from_chrome}"],
            pass_fds=(to_chrome, from_chrome),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer, self._id = b"", 0
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)

    def call(self, method: str, params: dict | None = None, *, session: bool = False, timeout: float = 30):
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._id, timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def _wait(self, wanted, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
            ready, _, _ = select.select([self._in], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self._buffer += chunk

    def open(self, path: Path, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=True,
        )
        self.call("Page.navigate", {"url": path.resolve().as_uri()}, session=True)
        self._wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == self.session, 30)

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self) -> bytes:
        # optimizeForSpeed: Chromium then filters every PNG row with "Up", which decodes quickly here.
        data = self.call("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True}, session=True)["data"]
        return base64.b64decode(data)

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
            self.process.wait(10)
        except Exception:
            self.process.kill()
            self.process.wait()
        os.close(self._out)
        os.close(self._in)
        shutil.rmtree(self.profile, ignore_errors=True)


def _high_fd(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, rows) of an 8-bit RGB/RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color_type in (2, 6) and interlace == 0
        elif kind == b"IDAT":
            idat += body
    bpp = 3 if color_type == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(idat)
    rows, previous = [], bytes(stride)
    high = int.from_bytes(b"\x80" * stride, "big")
    for y in range(height):
        kind, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]
        if kind == 0:
            row = line
        elif kind == 2:  # Up: bytewise (line + previous) mod 256, all bytes at once without carries
            a, b = int.from_bytes(line, "big"), int.from_bytes(previous, "big")
            row = ((((a & ~high) + (b & ~high)) ^ ((a ^ b) & high)) & ((1 << (8 * stride)) - 1)).to_bytes(stride, "big")
        else:
            out = bytearray(stride)
            for i in range(stride):
                left = out[i - bpp] if i >= bpp else 0
                up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
                if kind == 1:
                    predicted = left
                elif kind == 3:
                    predicted = (left + up) // 2
                else:
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    predicted = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                out[i] = (line[i] + predicted) & 0xFF
            row = bytes(out)
        rows.append(row)
        previous = row
    return width, height, bpp, rows


def rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


# ---------------------------------------------------------------------------------------------
# Fixtures: the real articles plus two made-up ones, rendered once


def _made_up_articles(repo: Path) -> None:
    """A hostile article (HTML in its text and title) and a broken one (bad spans, wrong JSON).

    They link to registry entries of their own, added to the copy's registries (markup in them too).
    """
    annotations = repo / "annotations"
    for name, entry in (
        (
            "entities",
            {
                "key": "made_up_studio",
                "name": "Made-up <b>Studio</b>",
                "type": "ORG",
                "aliases": [],
                "description": "A studio invented for the viewer's tests.",
            },
        ),
        (
            "entities",
            {
                "key": "made_up_group",
                "name": "Made-up Group",
                "type": "ORG",
                "aliases": [],
                "description": "A group invented for the viewer's tests.",
            },
        ),
        (
            "propositions",
            {"key": "made_up_group_claimed_the_attack", "statement": "The <i>made-up</i> group claimed the attack."},
        ),
    ):
        path = annotations / f"{name}.json"
        registry = json.loads(path.read_text(encoding="utf-8"))
        registry[name].append(entry)
        path.write_text(json.dumps(registry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    text = HOSTILE_TEXT
    (annotations / "hostile-markup-example.txt").write_text(text, encoding="utf-8", newline="")
    start = text.index("Sony")
    script = text.index("<script>")
    document = {
        "id": "hostile-markup-example",
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "metadata": {
            "title": HOSTILE_TITLE,
            "source": {"name": "<i>Example</i>", "url": None, "origin": "x.txt"},
            "published": None,
            "language": "en",
            "license": "CC0-1.0",
            "topic": "sony-pictures-hack-2014",
            "split": "train",
        },
        "segments": [{"start": 0, "end": len(text.rstrip("\n")), "kind": "body"}],
        "entities": [
            {"id": "m1", "start": start, "end": start + 4, "text": "Sony", "label": "ORG", "entity": "made_up_studio"}
        ],
        "claims": [
            {
                "id": "c1",
                "start": 0,
                "end": text.index(" and"),
                "text": text[: text.index(" and")],
                "claimer": "author",
                "attribution": "asserted",
                "certainty": "certain",
                "normalized": "Hackers wrote </div><script>window.__pwned = 3</script>.",
                "about": [],
                "proposition": "made_up_group_claimed_the_attack",
            },
            {
                "id": "c2",
                "start": script,
                "end": text.index("site") + 4,
                "text": text[script : text.index("site") + 4],
                "claimer": "author",
                "attribution": "asserted",
                "certainty": "possible",
                "normalized": "x.",
                "about": [],
                "proposition": "made_up_group_claimed_the_attack",
            },
        ],
        "annotators": [],
        "notes": None,
    }
    (annotations / "hostile-markup-example.json").write_text(
        json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    broken = "Sony Pictures was hacked in 2014 by GOP.\n"
    (annotations / "broken-spans-example.txt").write_text(broken, encoding="utf-8")
    document = {
        **document,
        "id": "broken-spans-example",
        "text_sha256": hashlib.sha256(broken.encode()).hexdigest(),
        "metadata": {**document["metadata"], "title": "Broken spans"},
        "segments": [{"start": 0, "end": len(broken) - 1, "kind": "body"}],
        "entities": [
            {"id": "m1", "start": 0, "end": 13, "text": "Sony Pictures", "label": "ORG", "entity": "made_up_studio"},
            {"id": "m2", "start": 28, "end": 32, "text": "2015", "label": "DATE", "entity": None},
            {"id": "m3", "start": 36, "end": 99, "text": "GOP", "label": "ORG", "entity": "made_up_group"},
        ],
        "claims": [{**document["claims"][0], "start": 20, "end": 10, "text": "reversed"}],
    }
    (annotations / "broken-spans-example.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    (annotations / "unreadable-json-example.txt").write_text("Some text about <b>Sony</b>.\n", encoding="utf-8")
    (annotations / "unreadable-json-example.json").write_text('{"id": "unreadable-json-example", ', encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    repo = copy_repository(tmp_path_factory.mktemp("render") / "repo")
    _made_up_articles(repo)
    out = repo.parent / "viewer"
    result = run_cli("render", "--out", out, cwd=repo)
    assert result.returncode == 1, result.output  # the made-up articles have errors: pages, but exit 1
    assert "broken-spans-example" in result.stderr
    return repo, out


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    chromium = Chromium()
    yield chromium
    chromium.close()


def _annotation(repo: Path, article_id: str) -> dict:
    return json.loads((repo / "annotations" / f"{article_id}.json").read_text(encoding="utf-8"))


def _registry_keys(repo: Path, name: str) -> list[str]:
    return sorted(e["key"] for e in json.loads((repo / "annotations" / f"{name}.json").read_text())[name])


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------
# Without a browser: files, determinism, nesting


@pytest.mark.corpus
def test_render_writes_a_page_per_article_and_an_index_deterministically(tmp_path):
    repo = copy_repository(tmp_path / "repo")
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_cli("render", "--out", first, cwd=repo).returncode == 0
    # As a build calls it: validated without keeping the articles, which are then read one at a time.
    corpus, report = validate(repo, show_progress=False, keep_articles=False)
    assert corpus.gold.articles == []
    result = render_site(corpus, report, second)
    expected = sorted(
        [f"{i}.html" for i in ARTICLE_IDS]
        + ["index.html", "propositions_1.html", "entities_1.html"]
        + [f"p/{k}.html" for k in _registry_keys(repo, "propositions")]
        + [f"e/{k}.html" for k in _registry_keys(repo, "entities")]
    )
    assert sorted(p.relative_to(second).as_posix() for p in result.pages) == expected
    # No temporary file left behind either; the render state (what each page was made from) is one file.
    assert _files(first) == _files(second) == sorted(expected + [".render-state.json"])
    assert (first / ".render-state.json").read_bytes() == (second / ".render-state.json").read_bytes()
    for name in expected:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    for name in expected:
        html = (first / name).read_text(encoding="utf-8")
        # Self-contained: nothing is loaded from anywhere (links to the source article are not loads).
        assert not re.search(r"<(link|img|iframe)\b|\ssrc=|@import|url\(", html), name
        assert "Content-Security-Policy" in html


@pytest.mark.corpus
def test_render_only_the_named_articles(tmp_path):
    repo = copy_repository(tmp_path / "repo")
    out = tmp_path / "out"
    assert run_cli("render", ARTICLE_IDS[0], "--out", out, cwd=repo).returncode == 0
    data = _annotation(repo, ARTICLE_IDS[0])
    # The article's page, the lists, and the proposition and entity pages it links to: no other article.
    assert _files(out) == sorted(
        [f"{ARTICLE_IDS[0]}.html", "index.html", "propositions_1.html", "entities_1.html", ".render-state.json"]
        + [f"p/{k}.html" for k in {c["proposition"] for c in data["claims"]}]
        + [f"e/{k}.html" for k in {m["entity"] for m in data["entities"] if m["entity"]}]
    )
    unknown = run_cli("render", "no-such-article", "--out", out, cwd=repo)
    assert unknown.returncode == 2 and "no-such-article" in unknown.stderr


@pytest.mark.corpus
def test_rendering_again_removes_the_page_of_a_removed_article_and_nothing_else(tmp_path):
    repo = copy_repository(tmp_path / "repo")
    out = tmp_path / "out"
    assert run_cli("render", "--out", out, cwd=repo).returncode == 0
    (out / "notes.html").write_text("the user's own page", encoding="utf-8")
    (out / "p" / "notes.html").write_text("the user's too", encoding="utf-8")
    removed, kept = ARTICLE_IDS[0], ARTICLE_IDS[1]
    kept_page = (out / f"{kept}.html").read_bytes()
    for suffix in (".json", ".txt"):
        (repo / "annotations" / f"{removed}{suffix}").unlink()
    # A registry entry removed too: its page goes. (Still valid: no remaining article uses it.)
    propositions = json.loads((repo / "annotations" / "propositions.json").read_text())
    remaining = [a for a in ARTICLE_IDS if a != removed]
    used = {c["proposition"] for a in remaining for c in _annotation(repo, a)["claims"]}
    gone = next(p["key"] for p in propositions["propositions"] if p["key"] not in used)
    propositions["propositions"] = [p for p in propositions["propositions"] if p["key"] != gone]
    (repo / "annotations" / "propositions.json").write_text(json.dumps(propositions, indent=2) + "\n")
    assert run_cli("render", "--out", out, cwd=repo).returncode == 0
    top = sorted(p.name for p in out.iterdir() if p.is_file())
    assert top == sorted(
        [f"{a}.html" for a in ARTICLE_IDS if a != removed]
        + ["index.html", "propositions_1.html", "entities_1.html", "notes.html", ".render-state.json"]
    )
    assert not (out / "p" / f"{gone}.html").exists() and (out / "p" / "notes.html").exists()
    assert f'data-article="{removed}"' not in (out / "index.html").read_text(encoding="utf-8")
    # A page holds its own article only: removing another article leaves it byte for byte as it was.
    assert (out / f"{kept}.html").read_bytes() == kept_page


@pytest.mark.corpus
def test_lists_are_cut_into_pages_and_extra_pages_go_when_the_list_shrinks(tmp_path, monkeypatch):
    repo = copy_repository(tmp_path / "repo")
    out = tmp_path / "out"
    corpus, report = validate(repo, show_progress=False)
    monkeypatch.setattr(viewer_site, "PAGE_ROWS", 1)
    render_site(corpus, report, out)
    entities = _registry_keys(repo, "entities")
    names = {p.name for p in out.iterdir() if p.is_file()}
    articles = len(corpus.gold.files)  # one row a page: a page per article
    assert {"index.html"} | {f"index_{n}.html" for n in range(2, articles + 1)} <= names
    assert f"index_{articles + 1}.html" not in names
    assert {f"entities_{n}.html" for n in range(1, len(entities) + 1)} <= names
    assert f"entities_{len(entities) + 1}.html" not in names
    rows = [
        re.findall(r'<tr data-entity="([^"]*)">', (out / f"entities_{n}.html").read_text())
        for n in range(1, len(entities) + 1)
    ]
    assert rows == [[key] for key in entities]
    # A proposition's or entity's own page is cut the same way: <key>.html, <key>.2.html, ...
    claims = [c["proposition"] for a in ARTICLE_IDS for c in _annotation(repo, a)["claims"]]
    shared = max(set(claims), key=claims.count)
    continued = sorted(
        p.name for p in (out / "p").iterdir() if p.name.startswith(f"{shared}.") and p.name.count(".") > 1
    )
    assert continued == [f"{shared}.{n}.html" for n in range(2, claims.count(shared) + 1)]
    assert (
        claims.count(shared) >= 2 and 'href="' + f"{shared}.2.html" + '"' in (out / "p" / f"{shared}.html").read_text()
    )
    stray = f"index_{articles + 1}.html"  # a page name past the last page: a file the render did not write
    (out / stray).write_text("not ours: no generator line", encoding="utf-8")
    monkeypatch.setattr(viewer_site, "PAGE_ROWS", 500)
    render_site(corpus, report, out)
    names = {p.name for p in out.iterdir() if p.is_file()}
    assert names == {f"{i}.html" for i in ARTICLE_IDS} | {
        "index.html",
        "propositions_1.html",
        "entities_1.html",
        stray,
        ".render-state.json",
    }
    assert not [p for p in (out / "p").iterdir() if p.name.count(".") > 1]
    assert not [p for p in (out / "e").iterdir() if p.name.count(".") > 1]


HOSTILE = "<script>alert(1)</script>\"onload=alert(2) x='"


def _hostile_site(tmp_path: Path, monkeypatch) -> tuple[Path, dict[str, Path]]:
    """The made-up articles with ``HOSTILE`` in a title, a source name, an entity's name and description, a
    proposition's statement and two article texts (one whose annotation file cannot be read), rendered a
    row a page (so that continuation pages are made too); the page of each kind that shows it, by kind."""
    repo = copy_repository(tmp_path / "repo")
    _made_up_articles(repo)
    annotations = repo / "annotations"
    for name, key, fields in (
        ("entities", "made_up_studio", ("name", "description")),
        ("propositions", "made_up_group_claimed_the_attack", ("statement",)),
    ):
        path = annotations / f"{name}.json"
        registry = json.loads(path.read_text(encoding="utf-8"))
        entry = next(e for e in registry[name] if e["key"] == key)
        entry.update({field: f"{entry[field]} {HOSTILE}" for field in fields})
        path.write_text(json.dumps(registry, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    text = HOSTILE_TEXT.replace("& fled.", f"& fled {HOSTILE}.")  # the offsets of the labels stay right
    (annotations / "hostile-markup-example.txt").write_text(text, encoding="utf-8", newline="")
    data = _annotation(repo, "hostile-markup-example")
    data["text_sha256"] = hashlib.sha256(text.encode()).hexdigest()
    data["metadata"]["title"] = f"{HOSTILE_TITLE} {HOSTILE}"
    data["metadata"]["source"]["name"] = HOSTILE
    (annotations / "hostile-markup-example.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (annotations / "unreadable-json-example.txt").write_text(f"Text about {HOSTILE}.\n", encoding="utf-8")
    corpus, report = validate(repo, show_progress=False)
    monkeypatch.setattr(viewer_site, "PAGE_ROWS", 1)
    out = tmp_path / "site"
    render_site(corpus, report, out)

    def listing(stem: str, row: str) -> Path:
        return next(p for p in sorted(out.glob(f"{stem}*.html")) if row in p.read_text(encoding="utf-8"))

    proposition, entity = "made_up_group_claimed_the_attack", "made_up_studio"
    kinds = {
        "article": out / "hostile-markup-example.html",
        "unparsed article": out / "unreadable-json-example.html",
        "proposition": out / "p" / f"{proposition}.html",
        "proposition, continued": out / "p" / f"{proposition}.2.html",
        "entity": out / "e" / f"{entity}.html",
        "entity, continued": out / "e" / f"{entity}.2.html",
        "article list": listing("index", 'data-article="hostile-markup-example"'),
        "proposition list": listing("propositions_", f'data-proposition="{proposition}"'),
        "entity list": listing("entities_", f'data-entity="{entity}"'),
    }
    return out, kinds


def test_hostile_strings_are_escaped_on_every_kind_of_page(tmp_path, monkeypatch):
    out, kinds = _hostile_site(tmp_path, monkeypatch)
    escaped = html_escape(HOSTILE, quote=True)
    for kind, path in kinds.items():
        page = path.read_text(encoding="utf-8")
        assert escaped in page, kind  # shown, as text
    for path in out.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        assert "<script>alert" not in page and '"onload=' not in page and "<script>window" not in page, path
        assert page.count("<script>") <= 1, path  # the viewer's own, on an article's page


def test_every_template_is_used_and_every_name_it_uses_is_defined(tmp_path, monkeypatch):
    env = templating.environment()
    assert env.undefined is jinja2.StrictUndefined and env.autoescape is True
    with pytest.raises(jinja2.UndefinedError):  # a name a page does not pass is an error, never ""
        templating.render("page.html", title="t", script=False)
    rendered: dict[str, set[str]] = {}  # the names each page template was given
    original = viewer_pages.render

    def recording(template: str, **context):
        rendered.setdefault(template, set()).update(context)
        return original(template, **context)

    monkeypatch.setattr(viewer_pages, "render", recording)
    _hostile_site(tmp_path, monkeypatch)  # every kind of page, findings and unplaced spans, page numbers
    assert set(rendered) == {"article.html", "unparsed.html", "proposition.html", "entity.html", "list.html"}
    known = set(env.globals) | {"css", "js"}  # given to every template by templating.render

    def names(template: str) -> set[str]:
        source = env.loader.get_source(env, template)[0]
        parsed = env.parse(source)
        # Less the templates it imports: a child's top-level imports are seen in its blocks too.
        used = jinja2.meta.find_undeclared_variables(parsed) - {i.target for i in parsed.find_all(jinja2.nodes.Import)}
        for parent in jinja2.meta.find_referenced_templates(parsed):
            used |= names(parent) if parent in ("page.html", "paged.html") else set()
        return used

    for template, given in rendered.items():
        assert names(template) <= given | known, (template, names(template) - given - known)
    for template in ("macros.html", "article_parts.html"):  # imported without the page's names: arguments only
        assert names(template) <= known, template
    reachable = set(rendered) | {"page.html", "paged.html", "macros.html", "article_parts.html"}
    assert set(env.list_templates()) == reachable  # no template is left unused (and so unchecked)


@pytest.mark.corpus
def test_the_build_writes_no_viewer_into_dataset(tmp_path):
    # The pages are many times the size of the Parquet files: the viewer lives outside the Hub folder
    # (`cyberclaims render --out site`). (The hidden --no-viewer flag of earlier versions is gone.)
    repo = copy_repository(tmp_path / "repo")
    shutil.rmtree(repo / "dataset", ignore_errors=True)
    result = run_cli("build", cwd=repo)
    assert result.returncode == 0, result.output
    assert (repo / "dataset" / "README.md").is_file() and not (repo / "dataset" / "viewer").exists()
    assert not list((repo / "dataset").rglob("*.html"))


class _Nesting(HTMLParser):
    """Checks that every end tag closes the innermost open element, and collects each span's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.texts: dict[tuple[str, str], str] = {}

    def handle_starttag(self, tag, attrs):
        self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        for _, attrs in self.stack:
            for kind in ("data-mention", "data-claim"):
                if kind in attrs:
                    key = (kind, attrs[kind])
                    self.texts[key] = self.texts.get(key, "") + data


def test_overlapping_claims_and_mentions_nest_correctly():
    text = "Alpha Beta Gamma Delta Epsilon"
    data = {
        "segments": [{"start": 0, "end": 30, "kind": "body"}],
        "entities": [
            {"id": "m1", "start": 6, "end": 16, "label": "ORG"},
            {"id": "m2", "start": 17, "end": 22, "label": "DATE"},
        ],
        "claims": [
            {"id": "c1", "start": 0, "end": 10},
            {"id": "c2", "start": 6, "end": 30},
            {"id": "c3", "start": 12, "end": 19},
            {"id": "c4", "start": 12, "end": 19},
        ],
    }
    parser = _Nesting()
    parser.feed(ArticleView.build(data, text).html({}))
    parser.close()
    assert not parser.stack
    for group, kind in (("entities", "data-mention"), ("claims", "data-claim")):
        for item in data[group]:
            assert parser.texts[(kind, item["id"])] == text[item["start"] : item["end"]], item


def test_every_label_of_the_vocabulary_has_its_own_colour_and_no_other_label_has_one():
    # In the vocabulary's order, which is the legend's; a label without a colour would be shown grey.
    assert list(LABEL_COLORS) == list(ENTITY_LABELS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", colour) for colour in LABEL_COLORS.values())
    assert len(set(LABEL_COLORS.values())) == len(LABEL_COLORS)  # two labels never look alike


# Colour differences: sRGB (D65) to CIE Lab, CIEDE2000 and WCAG's contrast ratio, in plain Python.


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: tuple[int, int, int]) -> float:
    r, g, b = map(_linear, colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def lab(colour: tuple[int, int, int]) -> tuple[float, float, float]:
    r, g, b = map(_linear, colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def delta_e(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """CIEDE2000 between two sRGB colours."""
    return delta_e_lab(lab(one), lab(other))


def delta_e_lab(one: tuple[float, float, float], other: tuple[float, float, float]) -> float:
    """CIEDE2000 between two Lab colours (Sharma, Wu and Dalal's formulation)."""
    (l1, a1, b1), (l2, a2, b2) = one, other
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    d_big_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = (
        -math.sin(math.radians(60 * math.exp(-(((h_mean - 275) / 25) ** 2))))
        * 2
        * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    )
    dl, dc, dh_ = (l2 - l1) / s_l, (c2 - c1) / s_c, d_big_h / s_h
    return math.sqrt(dl**2 + dc**2 + dh_**2 + r_t * dc * dh_)


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


MIN_DELTA_E = 10  # CIEDE2000: a difference seen at a glance, not only side by side


def test_delta_e_matches_sharmas_reference_pairs():
    # Pairs 1, 7 and 17 of Sharma, Wu and Dalal's CIEDE2000 test data.
    for one, other, want in (
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, 0, 0), (50, -1, 2), 2.3669),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
    ):
        assert abs(delta_e_lab(one, other) - want) < 1e-4, (one, other)
    assert delta_e((10, 20, 30), (10, 20, 30)) == 0
    assert 99 < delta_e((0, 0, 0), (255, 255, 255)) < 101
    assert abs(contrast((0, 0, 0), (255, 255, 255)) - 21) < 1e-9


def test_label_colours_are_far_apart_and_black_text_is_legible_on_each():
    colours = {label: rgb(c) for label, c in LABEL_COLORS.items()}
    closest = min(
        (delta_e(colours[a], colours[b]), a, b) for i, a in enumerate(colours) for b in list(colours)[i + 1 :]
    )
    assert closest[0] >= MIN_DELTA_E, closest
    for label, colour in colours.items():
        assert contrast(colour, (0, 0, 0)) >= 4.5, label  # WCAG AA for the article's black text
        # A mention stands out from unmarked text and from a label the vocabulary does not have.
        assert delta_e(colour, (255, 255, 255)) >= MIN_DELTA_E, label
        assert delta_e(colour, rgb(UNKNOWN_LABEL_COLOR)) >= MIN_DELTA_E, label


# ---------------------------------------------------------------------------------------------
# In the browser

_SPANS_JS = """(() => {
  const collect = (attr) => { const out = {};
    for (const el of document.querySelectorAll('#text [' + attr + ']')) {
      const key = el.getAttribute(attr);
      out[key] = out[key] || {text: '', parts: 0, label: el.getAttribute('data-label'),
                              entity: el.getAttribute('data-entity'), bad: false};
      out[key].text += el.textContent; out[key].parts += 1; out[key].bad ||= el.classList.contains('bad');
    }
    return out; };
  return {mentions: collect('data-mention'), claims: collect('data-claim'),
          text: document.getElementById('text').textContent,
          boilerplate: [...document.querySelectorAll('#text .seg-boilerplate')].map(e => e.textContent),
          scripts: document.scripts.length, pwned: window.__pwned === undefined ? null : window.__pwned,
          bold: document.querySelectorAll('#text b, header b, #cards script').length,
          title: document.title,
          errors: [...document.querySelectorAll('#errors .issues li')].map(li => li.dataset.code),
          unplaced: [...document.querySelectorAll('#errors .unplaced li')].map(li => li.dataset.pointer),
          legend: [...document.querySelectorAll('header .legend li[data-label]')].map(li => li.dataset.label)};
})()"""


@pytest.mark.corpus
@needs_chromium
@pytest.mark.parametrize("article_id", ARTICLE_IDS)
def test_article_page_in_chromium_shows_every_label_in_place(site, browser, article_id):
    repo, out = site
    data = _annotation(repo, article_id)
    text = (repo / "annotations" / f"{article_id}.txt").read_text(encoding="utf-8")
    browser.open(out / f"{article_id}.html")
    page = browser.evaluate(_SPANS_JS)
    assert page["text"] == text  # the whole article, nothing added or lost
    assert set(page["mentions"]) == {m["id"] for m in data["entities"]}
    for mention in data["entities"]:
        shown = page["mentions"][mention["id"]]
        assert (shown["text"], shown["label"], shown["entity"] or None) == (
            mention["text"],
            mention["label"],
            mention["entity"],
        ), mention
    assert set(page["claims"]) == {c["id"] for c in data["claims"]}
    for claim in data["claims"]:
        assert page["claims"][claim["id"]]["text"] == claim["text"], claim
    boilerplate = [text[s["start"] : s["end"]] for s in data["segments"] if s["kind"] == "boilerplate"]
    assert page["boilerplate"] == boilerplate
    assert page["errors"] == [] and page["unplaced"] == []
    assert page["legend"] == [label for label in LABEL_COLORS if label in {m["label"] for m in data["entities"]}]

    # Hovering a mention shows its canonical entity; hovering inside a claim shows the claim's attributes.
    linked = next(m for m in data["entities"] if m["entity"])
    registry = {e["key"]: e for e in json.loads((repo / "annotations/entities.json").read_text())["entities"]}
    tip = browser.evaluate(f"""(() => {{ const el = document.querySelector('[data-mention="{linked["id"]}"]');
        el.dispatchEvent(new MouseEvent('mouseover', {{bubbles: true, clientX: 10, clientY: 10}}));
        const tip = document.getElementById('tip'); return [tip.hidden, tip.textContent]; }})()""")
    assert tip[0] is False
    entry = registry[linked["entity"]]
    assert linked["entity"] in tip[1] and entry["name"] in tip[1] and entry["description"] in tip[1]
    claim = data["claims"][0]
    clicked = browser.evaluate(f"""(() => {{ const el = document.querySelector('[data-claim="{claim["id"]}"]');
        el.dispatchEvent(new MouseEvent('mouseover', {{bubbles: true}}));
        const tip = document.getElementById('tip').textContent;
        el.dispatchEvent(new MouseEvent('click', {{bubbles: true}}));
        const item = document.getElementById('item-claim-{claim["id"]}');
        return [tip, item.querySelector('details').open, item.textContent]; }})()""")
    for value in (
        claim["claimer"],
        claim["attribution"],
        claim["certainty"],
        claim["normalized"],
        claim["proposition"],
    ):
        assert value in clicked[0] and value in clicked[2]
    assert clicked[1] is True


@pytest.mark.corpus
@needs_chromium
@pytest.mark.parametrize("article_id", ARTICLE_IDS)
def test_screenshot_shows_each_mention_in_its_label_colour(site, browser, article_id):
    repo, out = site
    browser.open(out / f"{article_id}.html")
    # Where the browser put the first box of every mention that is on screen.
    boxes = browser.evaluate(f"""[...document.querySelectorAll('#text [data-mention]')].map(el => {{
        const r = el.getClientRects()[0]; return [el.dataset.mention, el.dataset.label, r.left, r.top, r.right, r.bottom];
    }}).filter(b => b[3] < {HEIGHT} && b[2] >= 0 && b[4] <= {WIDTH})""")
    mentions = json.loads((repo / "annotations" / f"{article_id}.json").read_text(encoding="utf-8"))["entities"]
    assert len(boxes) >= min(10, len(mentions))  # a short article may have fewer: all of them then
    width, height, bpp, rows = decode_png(browser.screenshot())
    assert (width, height) == (WIDTH, HEIGHT)
    seen_labels = set()
    for mention_id, label, left, top, right, bottom in boxes:
        want = rgb(LABEL_COLORS[label])
        pixels = [
            tuple(rows[y][x * bpp : x * bpp + 3])
            for y in range(int(top) + 1, int(bottom) - 1)
            for x in range(int(left) + 1, int(right) - 1)
        ]
        share = sum(1 for p in pixels if p == want) / max(1, len(pixels))
        # The label colour fills the box behind the glyphs; the glyphs take the rest.
        assert share > 0.4, (mention_id, label, share)
        seen_labels.add(label)
    assert len(seen_labels) >= min(4, len({m["label"] for m in mentions}))  # a short article may have fewer labels


@pytest.mark.corpus
@needs_chromium
def test_markup_in_an_article_is_shown_as_text_never_run(site, browser):
    repo, out = site
    text = (repo / "annotations" / "hostile-markup-example.txt").read_text(encoding="utf-8")
    browser.open(out / "hostile-markup-example.html")
    page = browser.evaluate(_SPANS_JS)
    assert page["pwned"] is None  # none of the three <script>s in the data ran
    assert page["bold"] == 0 and page["scripts"] == 1  # only the viewer's own script element exists
    assert page["text"] == text
    assert page["title"].startswith(HOSTILE_TITLE)
    assert page["mentions"]["m1"]["text"] == "Sony"
    assert page["claims"]["c2"]["text"].startswith("<script>window.__pwned = 1</script> and </div><b>bold</b>")
    header = browser.evaluate("document.querySelector('header').textContent")
    assert HOSTILE_TITLE in header and "<i>Example</i>" in header


@pytest.mark.corpus
@needs_chromium
def test_validation_errors_are_shown_where_they_are(site, browser):
    repo, out = site
    browser.open(out / "broken-spans-example.html")
    page = browser.evaluate(_SPANS_JS)
    assert "span-text-mismatch" in page["errors"] and "span-out-of-range" in page["errors"]
    assert "span-reversed" in page["errors"]
    # The span whose text does not match is drawn where its offsets put it, outlined; the spans whose
    # offsets cannot be placed are listed in the error box.
    assert page["mentions"]["m2"] == {**page["mentions"]["m2"], "text": "2014", "bad": True}
    assert page["mentions"]["m1"]["bad"] is False
    assert sorted(page["unplaced"]) == ["/claims/0", "/entities/2"]
    link = browser.evaluate(
        "document.querySelector('#errors li[data-code=\"span-text-mismatch\"] a').getAttribute('href')"
    )
    assert link == "#mention-m2"

    browser.open(out / "unreadable-json-example.html")
    page = browser.evaluate(
        "[document.getElementById('text').textContent, "
        "[...document.querySelectorAll('#errors li')].map(li => li.dataset.code)]"
    )
    assert page == ["Some text about <b>Sony</b>.\n", ["json-syntax"]]


@pytest.mark.corpus
@needs_chromium
def test_index_and_cross_article_links_lead_to_existing_claims(site, browser):
    repo, out = site
    browser.open(out / "index.html")
    rows = browser.evaluate("[...document.querySelectorAll('tr[data-article]')].map(r => r.dataset.article)")
    assert rows == sorted(ARTICLE_IDS + ["broken-spans-example", "hostile-markup-example", "unreadable-json-example"])
    # An article's page links to the pages of its propositions and entities, which exist.
    linked: set[str] = set()
    for article_id in ARTICLE_IDS:
        browser.open(out / f"{article_id}.html")
        hrefs = browser.evaluate("[...document.querySelectorAll('a.xref')].map(a => a.getAttribute('href'))")
        data = _annotation(repo, article_id)
        assert {f"p/{c['proposition']}.html" for c in data["claims"]} <= set(hrefs)
        assert {f"e/{m['entity']}.html" for m in data["entities"] if m["entity"]} <= set(hrefs)
        assert all(re.fullmatch(r"[pe]/[a-z0-9_]+\.html", h) for h in hrefs), hrefs
        linked |= set(hrefs)
    # Those pages list every claim (or every article's first mention) and lead to an element there.
    targets: dict[str, set[str]] = {}
    for page in sorted(linked):
        assert (out / page).is_file(), page
        browser.open(out / page)
        for href in browser.evaluate("[...document.querySelectorAll('table a')].map(a => a.getAttribute('href'))"):
            assert href.startswith("../")
            name, _, anchor = href[3:].partition("#")
            targets.setdefault(name, set()).add(anchor)
    claims = sum(len(_annotation(repo, a)["claims"]) for a in ARTICLE_IDS)
    assert sum(len(a) for name, a in targets.items() if name in {f"{i}.html" for i in ARTICLE_IDS}) >= claims
    for page, anchors in targets.items():
        browser.open(out / page)
        found = browser.evaluate(
            f"{json.dumps(sorted(anchors))}.filter(a => document.getElementById(a) && "
            f"(document.getElementById(a).dataset.claim || document.getElementById(a).dataset.mention))"
        )
        assert found == sorted(anchors), page
    # The proposition lists link to every proposition page.
    browser.open(out / "propositions_1.html")
    keys = browser.evaluate("[...document.querySelectorAll('tr[data-proposition]')].map(r => r.dataset.proposition)")
    assert keys == _registry_keys(repo, "propositions")


@pytest.mark.corpus
@needs_chromium
def test_proposition_and_entity_pages_escape_and_run_no_script(site, browser):
    repo, out = site
    browser.open(out / "p" / "made_up_group_claimed_the_attack.html")
    page = browser.evaluate(
        "[window.__pwned === undefined, document.scripts.length, document.querySelector('table').textContent]"
    )
    assert page[0] is True and page[1] == 0
    assert "<script>window.__pwned = 1</script>" in page[2]  # the hostile claim's text, shown as text
    assert "hostile-markup-example" in page[2]
    browser.open(out / "e" / "made_up_studio.html")
    rows = browser.evaluate("[...document.querySelectorAll('table a')].map(a => a.textContent)")
    assert "hostile-markup-example" in rows and "broken-spans-example" in rows


CLAIM_TEXT = "Korean hackers struck in December 2014. The Sony hack cost $15 million.\n"


@needs_chromium
def test_screenshot_shows_look_alike_labels_apart_and_two_adjacent_claims_as_two(tmp_path, browser):
    # NORP and DATE, EVENT and MONEY used to look alike; two claims touch (the first ends where the second starts).
    text = CLAIM_TEXT
    second = text.index("The Sony")

    def at(word: str, label: str, n: int) -> dict:
        return {"id": f"m{n}", "start": text.index(word), "end": text.index(word) + len(word), "label": label}

    data = {
        "segments": [{"start": 0, "end": len(text) - 1, "kind": "body"}],
        "entities": [
            at("Korean", "NORP", 1),
            at("December 2014", "DATE", 2),
            at("The Sony hack", "EVENT", 3),
            at("$15 million", "MONEY", 4),
        ],
        "claims": [{"id": "c1", "start": 0, "end": second}, {"id": "c2", "start": second, "end": len(text) - 1}],
    }
    css = (Path(viewer_site.__file__).parent / "static" / "viewer.css").read_text(encoding="utf-8")
    page = tmp_path / "claims.html"
    page.write_text(
        f'<!doctype html><meta charset="utf-8"><style>{css}</style>'
        f'<div class="text" id="text">{ArticleView.build(data, text).html({})}</div>',
        encoding="utf-8",
    )
    browser.open(page)
    boxes = browser.evaluate("""Object.fromEntries([...document.querySelectorAll('[data-mention], [data-claim]')]
        .map(el => { const r = el.getClientRects(); const a = r[0], b = r[r.length - 1];
                     return [el.dataset.mention || el.dataset.claim, [a.left, a.top, b.right, b.bottom, r.length]]; }))""")
    assert boxes["c1"][4] == boxes["c2"][4] == 1 and boxes["c1"][1] == boxes["c2"][1]  # one line each, side by side
    width, height, bpp, rows = decode_png(browser.screenshot())

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        return tuple(rows[y][x * bpp : x * bpp + 3])

    def fill(mention: str) -> tuple[int, int, int]:  # the commonest colour inside the box: its background
        left, top, right, bottom, _ = boxes[mention]
        pixels = [
            pixel(x, y) for y in range(int(top) + 1, int(bottom) - 1) for x in range(int(left) + 1, int(right) - 1)
        ]
        return max(set(pixels), key=pixels.count)

    # (a) The labels that used to look alike are shown in their colours, far apart.
    shown = {m["label"]: fill(m["id"]) for m in data["entities"]}
    assert shown == {label: rgb(LABEL_COLORS[label]) for label in shown}
    for one, other in (("NORP", "DATE"), ("EVENT", "MONEY")):
        assert delta_e(shown[one], shown[other]) >= MIN_DELTA_E, (one, other)

    # (b) The claim's mark: the darkest pixels of the first claim's bottom edge; not a red.
    left, top, right, bottom, _ = boxes["c1"]
    edge = [pixel(x, y) for y in range(int(bottom) - 3, int(bottom) + 1) for x in range(int(left), int(right))]
    mark = min(edge, key=luminance)
    assert luminance(mark) < 0.2, mark  # a line is drawn under the claim
    r, g, b = (c / 255 for c in mark)
    hue = math.degrees(math.atan2(math.sqrt(3) * (g - b), 2 * r - g - b)) % 360
    assert 40 < hue < 320 and max(r, g, b) != r, (mark, hue)  # red's hues are 320-40 degrees

    # (c) Where the claims meet, two bars of the mark's colour (one claim's end, the next one's start)
    # with a gap between: columns near the boundary drawn in the mark's colour top to bottom of the line.
    line_top, line_bottom = int(max(boxes["c1"][1], boxes["c2"][1])) + 2, int(min(boxes["c1"][3], boxes["c2"][3])) - 3
    meet = boxes["c2"][0]

    def bar(x: int) -> bool:
        return all(delta_e(pixel(x, y), mark) < MIN_DELTA_E for y in range(line_top, line_bottom))

    columns = [bar(x) for x in range(int(boxes["c1"][2]) - 6, int(meet) + 6)]
    runs = sum(1 for i, on in enumerate(columns) if on and (i == 0 or not columns[i - 1]))
    assert runs == 2, columns
    assert any(bar(x) for x in range(int(left) - 1, int(left) + 4))  # and the first claim's start is marked


@pytest.mark.corpus
def test_an_article_without_a_headline_has_its_opening_words_in_the_index(tmp_path):
    repo = copy_repository(tmp_path / "repo")
    untitled = [a for a in ARTICLE_IDS if _annotation(repo, a)["metadata"]["title"] is None]
    path = repo / "annotations" / f"{ARTICLE_IDS[0]}.json"
    if not untitled:  # make one: the rule is about any article without a headline
        data = _annotation(repo, ARTICLE_IDS[0])
        data["metadata"]["title"] = None
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        untitled = [ARTICLE_IDS[0]]
    out = tmp_path / "site"
    assert run_cli("render", "--out", out, cwd=repo).returncode in (0, 1)
    index = (out / "index.html").read_text(encoding="utf-8")
    for article_id in untitled:
        row = index[index.index(f'<tr data-article="{article_id}">') :]
        title_cell = row.split("<td>")[2].split("</td>")[0]
        opening = (repo / "annotations" / f"{article_id}.txt").read_text(encoding="utf-8").split()[0]
        assert title_cell.startswith("(no headline) ") and opening in title_cell, title_cell
