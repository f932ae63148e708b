"""The card's agreement section, built from a made-up repository: no figure resting on fewer than 10
minority items is printed as a number (a kappa of 1.000 on 4 non-"certain" claims is "not informative"),
and every figure it prints is the one `cyberclaims agreement` computes."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from conftest import ROOT, made_by, run_cli

ARTICLE = "acme-files"
LINES = 30  # claims; the first 4 "probable" in both passes, the others "certain"
HEDGED = 4


def _document(provenance_of: str) -> dict:
    text = "".join(f"Acme lost {n + 1} files.\n" for n in range(LINES))
    segments, claims, start = [], [], 0
    for n, line in enumerate(text.splitlines(keepends=True)):
        end = start + len(line) - 1  # the line without its newline
        segments.append({"start": start, "end": end, "kind": "body"})
        claims.append(
            {
                "id": f"c{n + 1}",
                "start": start,
                "end": end - 1,  # without the full stop
                "text": line[: len(line) - 2],
                "claimer": "author",
                "attribution": "asserted",
                "certainty": "probable" if n < HEDGED else "certain",
                "normalized": "Acme lost files.",
                "about": [],
                "proposition": "acme_lost_files",
                "event": "acme_breach",
            }
        )
        start += len(line)
    return {
        "id": ARTICLE,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "metadata": {
            "title": None,
            "source": {"name": "Example News", "url": None, "origin": "made up"},
            "published": "2024",
            "language": "en",
            "license": "CC0-1.0",
            "topic": "acme-breach",
            "split": "test",
        },
        "segments": segments,
        "entities": [],
        "claims": claims,
        "annotators": [provenance_of],
        "notes": None,
        "provenance": {layer: made_by(provenance_of) for layer in ("entities", "links", "claims", "alignment")},
    }, text


def _write(folder: Path, document: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ARTICLE}.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    registries = {
        "entities.json": {"entities": []},
        "propositions.json": {"propositions": [{"key": "acme_lost_files", "statement": "Acme lost files."}]},
        "events.json": {"events": [{"key": "acme_breach", "description": "The breach at Acme."}]},
    }
    for name, value in registries.items():
        (folder / name).write_text(json.dumps(value), encoding="utf-8")


def made_up_repository(root: Path) -> Path:
    """A gold article and two passes that agree on everything: every kappa would print 1.000."""
    document, text = _document("gold-annotator")
    _write(root / "annotations", document)
    (root / "annotations" / f"{ARTICLE}.txt").write_text(text, encoding="utf-8")
    (root / "CITATION.cff").write_bytes((ROOT / "CITATION.cff").read_bytes())
    passes = root / "annotations" / "passes"
    register = []
    for name in ("pass-x", "pass-y"):
        _write(passes / name, _document(f"{name}-annotator")[0])
        (passes / name / "INSTRUCTIONS.md").write_text("Label by annotations/GUIDELINES.md.\n", encoding="utf-8")
        for file in sorted(p for p in (passes / name).iterdir()):
            register.append(f"{hashlib.sha256(file.read_bytes()).hexdigest()}  {name}/{file.name}\n")
    (passes / "SHA256SUMS").write_text("".join(register), encoding="utf-8")
    return root


def _rows(section: str) -> dict[str, list[str]]:
    """The agreement table's rows by measure: [value, interval, baseline, on]."""
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 5 and cells[0] != "measure":
            rows[cells[0]] = cells[1:]
    return rows


def test_the_card_prints_no_number_on_too_few_minority_items(tmp_path: Path):
    root = made_up_repository(tmp_path / "repo")
    assert run_cli("validate", cwd=root).returncode == 0, run_cli("validate", cwd=root).output
    assert run_cli("build", cwd=root).returncode == 0
    card = (root / "dataset" / "README.md").read_text(encoding="utf-8")
    section = card[card.index("Inter-annotator agreement between") :]
    section = section[: section.index("\n####")]
    rows = _rows(section)
    certainty = rows["Cohen's kappa, certainty"]
    assert certainty[0] == f"not informative (n={HEDGED})"
    assert not any(re.search(r"\d\.\d", cell) for cell in certainty), certainty  # no kappa, interval, baseline
    # a kappa with no minority item at all, and a clustering with no pair, are not informative either
    assert rows["Cohen's kappa, attribution"][0] == "not informative (n=0)"
    # what rests on enough items is printed: 30 claims, 435 same-key pairs
    assert rows["claim span F1 (overlap >= half the longer span)"][0] == "1.000"
    assert rows["event pairwise F1"][0] == "1.000" and rows["event pairwise F1"][2] == "everyone alone: 0.000"
    # every row as `cyberclaims agreement` computes it; no 1.000 on fewer than 10 minority items anywhere
    run = run_cli("agreement", "pass-x", "pass-y", "--format", "json", cwd=root)
    assert run.returncode == 0, run.output
    statistics = {s["measure"]: s for s in json.loads(run.stdout)["statistics"].values()}
    assert set(rows) == set(statistics)
    for measure, cells in rows.items():
        statistic = statistics[measure]
        assert cells[0] == statistic["shown"], measure
        if statistic["minority_items"] < 10:
            assert not any(re.search(r"\d\.\d", cell) for cell in cells), (measure, cells)
    for line in card.splitlines():
        if "1.000" in line and line.startswith("| "):
            measure = line.strip("| ").split(" | ")[0]
            assert measure not in statistics or statistics[measure]["minority_items"] >= 10, line


def test_a_pass_of_the_entity_layers_only_is_compared_on_them(tmp_path: Path):
    """A third pass that made the entity layers only (its claims and alignment records null): the card
    compares it with each of the first two on those layers, as `cyberclaims agreement` does, and prints no
    claim figure that would set the first passes' claims against nothing."""
    root = made_up_repository(tmp_path / "repo")
    document, text = _document("pass-z-annotator")
    starts = [m.start() for m in re.finditer("Acme", text)]
    document["entities"] = [
        {"id": f"m{n + 1}", "start": s, "end": s + 4, "text": "Acme", "label": "ORG", "entity": "acme"}
        for n, s in enumerate(starts)
    ]
    document["claims"] = []
    document["provenance"]["claims"] = document["provenance"]["alignment"] = None
    folder = root / "annotations" / "passes" / "pass-z"
    _write(folder, document)
    (folder / "entities.json").write_text(
        json.dumps({"entities": [{"key": "acme", "name": "Acme", "type": "ORG", "aliases": [], "description": "x"}]}),
        encoding="utf-8",
    )
    (folder / "INSTRUCTIONS.md").write_text("Label the entities by annotations/GUIDELINES.md.\n", encoding="utf-8")
    assert run_cli("passes", "record", "pass-z", cwd=root).returncode == 0
    assert run_cli("validate", cwd=root).returncode == 0, run_cli("validate", cwd=root).output
    assert run_cli("build", cwd=root).returncode == 0
    card = (root / "dataset" / "README.md").read_text(encoding="utf-8")
    for other in ("pass-x", "pass-y"):
        head = f"Pass `pass-z` against `{other}`, on the layers both hold (entities, links;"
        section = card[card.index(head) :]
        section = section[: section.index("\n####")].split("\n\nPass `", 1)[0]
        assert "Compared on the layers both passes hold (entities, links); claims, alignment" in section
        rows = _rows(section)
        run = run_cli("agreement", other, "pass-z", "--format", "json", cwd=root)
        statistics = {s["measure"]: s for s in json.loads(run.stdout)["statistics"].values()}
        assert set(rows) == set(statistics) == {"entity mention F1 (exact span and label)", "entity linking agreement"}
        assert rows["entity mention F1 (exact span and label)"][0] == "0.000"  # 30 mentions against none
        assert all(cells[0] == statistics[measure]["shown"] for measure, cells in rows.items())
