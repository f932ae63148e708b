"""The docs tell the truth: every figure of ``docs/*.md`` is made from the committed data by
``docs/figures.py``, and every code block of the docs, the README and the dataset card runs, as written
but for the placeholders a reader replaces (``my-system.jsonl``, ``path/to/dataset``, an output folder)."""

from __future__ import annotations

import ast
import json
import os
import re
import runpy
import shlex
import sys
from pathlib import Path

import pytest

from conftest import ARTICLE_IDS, ROOT, _load, cli

pytestmark = pytest.mark.corpus

figures = _load("docs_figures", ROOT / "docs" / "figures.py")
DOCS = sorted((ROOT / "docs").glob("*.md"))
FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```$", re.S | re.M)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("docs")


@pytest.fixture(scope="module")
def values(made) -> dict[str, str]:
    return figures.compute(ROOT, keep=made)  # the worked example's files stay in `made` for the blocks


def test_every_figure_of_the_docs_is_the_datas(values):
    assert figures.stale(ROOT, values) == {}, "run `python docs/figures.py`"
    for path in DOCS:
        text = FENCE.sub("", figures.FIGURE.sub("", path.read_text(encoding="utf-8")))
        # a score or a ratio typed by hand (0.738, 95.1%) would go stale: each stands between figure markers
        # (a version, "STIX 2.1" or "version 3.1", is a name, not a figure)
        typed = re.findall(r"(?<![\w.])(?<!STIX )(?<!version )\d+\.\d+(?![\w.])", text)
        assert typed == [], f"{path.name}: figures outside <!-- figure: NAME --> markers: {typed}"


def test_figures_find_a_stale_value_and_an_unknown_name(values):
    text = "F1 <!-- figure: ner-f1 -->0.001<!-- /figure --> and <!-- figure: entity-types -->7<!-- /figure -->"
    made = figures.render(text, values)
    assert made == (
        f"F1 <!-- figure: ner-f1 -->{values['ner-f1']}<!-- /figure --> and "
        f"<!-- figure: entity-types -->{values['entity-types']}<!-- /figure -->"
    )
    with pytest.raises(SystemExit, match="no figure named 'typo'"):
        figures.render("<!-- figure: typo -->1<!-- /figure -->", values)


def code_blocks(path: Path) -> list[tuple[str, str]]:
    """(language, code) of each fenced block of a Markdown file, unindented."""
    blocks = []
    for indent, language, code in FENCE.findall(path.read_text(encoding="utf-8")):
        lines = [line[len(indent) :] for line in code.splitlines()]
        blocks.append((language, "\n".join(lines) + "\n"))
    return blocks


@pytest.fixture(scope="module")
def work(made, values, hf_cache) -> dict[str, Path]:
    """Where the docs' commands write (their placeholders, replaced), with the worked example's files made
    (by ``docs/figures.py``, which runs the worked example)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    import datasets

    datasets.config.HF_DATASETS_CACHE = Path(hf_cache)  # not the user's cache
    tmp = made
    return {
        # shell words
        "/tmp/bp": tmp / "predictions",
        "examples": tmp / "examples",
        "examples/iob2-ner.jsonl": tmp / "examples" / "iob2-ner.jsonl",
        "my-system.jsonl": tmp / "examples" / "minimal-ner.jsonl",
        "path/to/dataset": ROOT / "dataset",
        "dataset": ROOT / "dataset",
        "metrics.json": tmp / "metrics.json",
        "site": tmp / "site",
        "my-article-id": Path(ARTICLE_IDS[0]),
    }


def run_shell(code: str, work: dict[str, Path]) -> None:
    """Each command line of a shell block, in this process: ``cyberclaims ...`` through the CLI, ``python
    SCRIPT ...`` through runpy; each must succeed."""
    for line in code.splitlines():
        words = [str(work.get(word, word)) for word in shlex.split(line, comments=True)]
        if not words:
            continue
        if words[0] == "cyberclaims":
            run = cli(*words[1:], cwd=ROOT)
            assert run.returncode == 0, (line, run.output)
        elif words[0] == "python":
            argv = sys.argv
            sys.argv = words[1:]
            try:
                runpy.run_path(str(ROOT / words[1]), run_name="__main__")
            finally:
                sys.argv = argv
        else:
            raise AssertionError(f"a shell line the docs test cannot run: {line!r}")


def run_python(code: str, work: dict[str, Path], cwd: Path) -> object:
    """A Python block with its placeholders replaced, run in ``cwd``; the value of its last expression."""
    for placeholder in ("my-system.jsonl", "examples/iob2-ner.jsonl", "path/to/dataset"):
        code = code.replace(f'"{placeholder}"', f'"{work[placeholder]}"')
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace: dict = {}
    here = Path.cwd()
    os.chdir(cwd)
    try:
        exec(compile(tree, "<docs>", "exec"), namespace)
        return eval(compile(ast.Expression(last.value), "<docs>", "eval"), namespace) if last else None
    finally:
        os.chdir(here)


def test_every_code_block_of_the_benchmark_protocol_runs(work, values):
    from cyberclaims.core.schemas import validator

    results = []
    for language, code in code_blocks(ROOT / "docs" / "benchmark.md"):
        if language == "bash":
            run_shell(code, work)
        elif language == "jsonl":  # the minimal format, line by line, against its JSON Schema
            for line in code.splitlines():
                assert not list(validator("predictions").iter_errors(json.loads(line))), line
        else:
            assert language == "python", f"a block of an unknown language: {language!r}"
            results.append(run_python(code, work, ROOT))
    api, seqeval = results  # evaluate() in memory, seqeval on the IOB2 file: both the ner F1 the doc gives
    assert f"{api['value']:.3f}" == values["ner-f1"] and api["metric"] == "f1"
    assert f"{seqeval:.3f}" == values["ner-f1"]


def test_every_code_block_of_the_formats_page_runs(work):
    for language, code in code_blocks(ROOT / "docs" / "formats.md"):
        assert language == "bash"
        run_shell(code, work)
    assert (work["site"] / f"{ARTICLE_IDS[0]}.html").is_file()


def _runs_offline(code: str, hub_id: str) -> bool:
    """A block that loads from the Hub (the pinned release) needs the network: the release's smoke test
    runs that load; here it is only checked to be the pinned form."""
    if f'"{hub_id}"' in code:
        assert re.search(rf'load_dataset\("{re.escape(hub_id)}", "\w+", split="\w+", revision="v[\w.\-]+"\)', code)
        return False
    return True


@pytest.mark.parametrize(("document", "cwd"), [("README.md", "."), ("dataset/README.md", "dataset")])
def test_every_python_block_of_the_readme_and_the_card_runs(document, cwd, work):
    from cyberclaims.core.project import addresses

    hub_id = addresses(ROOT).hub_id
    ran = 0
    for language, code in code_blocks(ROOT / document):
        if language == "python" and _runs_offline(code, hub_id):
            run_python(code.replace('"path/to/dataset', f'"{ROOT / "dataset"}'), work, ROOT / cwd)
            ran += 1
    assert ran >= 3
