"""Citable and publishable: one version everywhere, CITATION.cff, Croissant, the card's figures."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib.metadata import version as installed_version
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from conftest import ROOT, run_cli
from cyberclaims import __version__

pytestmark = pytest.mark.corpus

DATASET = ROOT / "dataset"


def test_one_version_everywhere():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == __version__
    assert str(cff["preferred-citation"]["version"]) == __version__
    assert installed_version("cyberclaims") == __version__  # pyproject takes it from the package
    assert run_cli("--version").stdout.strip() == f"cyberclaims {__version__}"
    assert f"**Version {__version__}.**" in (DATASET / "README.md").read_text(encoding="utf-8")
    assert json.loads((DATASET / "croissant.json").read_text())["version"] == __version__
    for shard in (DATASET / "data").rglob("*.parquet"):
        meta = json.loads(pq.read_schema(shard).metadata[b"cyberclaims"])
        assert meta["version"] == __version__ and meta["config"] == shard.parent.name
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(__version__)}\] - {cff['date-released']}$", changelog, re.M)


def test_cff_is_a_dataset_with_a_data_citation():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["preferred-citation"]["type"] == "data"
    assert cff["authors"] == [{"name": "The CyberClaims contributors"}]
    for key in ("title", "date-released", "abstract", "keywords"):
        assert cff[key]
    assert (DATASET / "CITATION.cff").read_bytes() == (ROOT / "CITATION.cff").read_bytes()


def _words(text: str) -> str:
    return " ".join(text.replace("**", "").split())


def test_license_metadata_is_true_and_the_same_everywhere():
    """Annotations CC BY 4.0, texts third-party copyright: the card's YAML (the Hub's fields for an unlisted
    license), its prose, Croissant and the CFF all say it, in the words of LICENSE-DATA.md."""
    from huggingface_hub import DatasetCard

    from cyberclaims.dataset.metadata import LICENSING

    licence_text = _words((ROOT / "LICENSE-DATA.md").read_text(encoding="utf-8"))
    for phrase in (
        "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "the copyright of their authors and publishers",
        "They are not licensed by this project",
        "included unchanged so that the annotations can be used for research",
    ):
        assert phrase in licence_text
    assert "non-commercial" not in licence_text
    card = DatasetCard.load(DATASET / "README.md")
    assert (card.data.license, card.data.license_link) == ("other", "LICENSE-DATA.md")
    assert card.data.license_name and re.fullmatch(r"[a-z0-9.\-]+", card.data.license_name)
    assert (DATASET / "LICENSE-DATA.md").read_bytes() == (ROOT / "LICENSE-DATA.md").read_bytes()
    assert LICENSING in _words(card.text) and "non-commercial" not in card.text
    croissant = json.loads((DATASET / "croissant.json").read_text(encoding="utf-8"))
    names = {item["name"]: item for item in croissant["license"]}
    assert names["CC-BY-4.0"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "url" not in names["LicenseRef-third-party-copyright"]
    assert croissant["usageInfo"] == LICENSING
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert "license" not in cff  # CFF 1.2.0 takes listed SPDX ids only; CC-BY-4.0 alone would be false
    assert LICENSING in _words(cff["abstract"])
    # the texts really are third-party: every article says so (or names its own license)
    for article in (ROOT / "annotations").glob("*.json"):
        data = json.loads(article.read_text(encoding="utf-8"))
        if "metadata" in data:
            assert data["metadata"]["license"]


CFFCONVERT = os.environ.get("CFFCONVERT") or shutil.which("cffconvert")


@pytest.mark.skipif(
    not CFFCONVERT, reason="cffconvert lives in its own venv (it pins jsonschema<4); .ci/run sets CFFCONVERT to it"
)
def test_cffconvert_validates_ours_and_rejects_a_broken_copy(tmp_path: Path):
    ok = subprocess.run([CFFCONVERT, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "CITATION.cff"
    broken.write_text((ROOT / "CITATION.cff").read_text().replace("  type: data\n", "  type: dataset\n"))
    bad = subprocess.run([CFFCONVERT, "--validate", "-i", str(broken)], capture_output=True, text=True)
    assert bad.returncode == 1


def test_card_bibtex_comes_from_the_preferred_citation():
    card = (DATASET / "README.md").read_text(encoding="utf-8")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    bibtex = re.search(r"```bibtex\n(.*?)\n```", card, re.S).group(1)
    assert bibtex.startswith("@misc{")
    assert "{" + cff["preferred-citation"]["title"] + "}" in bibtex
    assert f"year = {{{cff['preferred-citation']['year']}}}" in bibtex


def test_card_has_no_placeholder_and_every_section():
    card = (DATASET / "README.md").read_text(encoding="utf-8")
    assert not re.search(r"\{\{\w+\}\}", card)  # every template placeholder filled
    assert "[More Information Needed]" not in card and "TODO" not in card
    for section in (
        "Dataset Summary",
        "Supported Tasks and Leaderboards",
        "Languages",
        "Data Instances",
        "Data Fields",
        "Data Splits",
        "Curation Rationale",
        "Source Data",
        "Annotation process",
        "Who are the annotators?",
        "Personal and Sensitive Information",
        "Social Impact of Dataset",
        "Discussion of Biases",
        "Other Known Limitations",
        "Dataset Curators",
        "Licensing Information",
        "Citation Information",
        # the Hub's current dataset card template (huggingface_hub's datasetcard_template.md)
        "Dataset Sources",
        "Versions",
        "Uses",
        "Direct Use",
        "Out-of-Scope Use",
        "Dataset Card Contact",
    ):
        assert re.search(rf"^#+ {re.escape(section)}$", card, re.M), section


def test_card_statistics_match_the_parquet():
    card = (DATASET / "README.md").read_text(encoding="utf-8")
    documents = pq.read_table(DATASET / "data" / "documents").to_pylist()
    mentions = sum(len(d["entities"]) for d in documents)
    claims = sum(len(d["claims"]) for d in documents)
    assert re.search(rf"^\| total \| {len(documents)} \| \d+ \| \d+ \| {mentions} \| {claims} \|$", card, re.M)
    names = json.loads(
        pq.read_schema(next((DATASET / "data" / "documents").glob("*.parquet"))).metadata[b"huggingface"]
    )["info"]["features"]["entities"][0]["label"]["names"]
    for index, label in enumerate(names):
        count = sum(1 for d in documents for m in d["entities"] if m["label"] == index)
        assert f"| {label} | {count} |" in card


def test_croissant_validates_and_loads_like_the_parquet():
    mlc = pytest.importorskip("mlcroissant")
    metadata = json.loads((DATASET / "croissant.json").read_text())
    assert metadata["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    for key in (
        "rai:dataCollection",
        "rai:dataAnnotationProtocol",
        "rai:dataLimitations",
        "rai:dataBiases",
        "rai:personalSensitiveInformation",
    ):
        assert metadata[key]
    objects = {d["contentUrl"]: d for d in metadata["distribution"] if d["@type"] == "cr:FileObject"}
    assert set(objects) == {p.relative_to(DATASET).as_posix() for p in (DATASET / "data").rglob("*.parquet")}
    from cyberclaims.core.files import sha256_file

    for url, item in objects.items():
        assert item["sha256"] == sha256_file(DATASET / url)

    dataset = mlc.Dataset(jsonld=DATASET / "croissant.json")
    assert not dataset.metadata.ctx.issues.errors and not dataset.metadata.ctx.issues.warnings
    # Every record set loads, record for record what the Parquet holds (nested columns included).
    record_sets = [r["@id"] for r in metadata["recordSet"] if r.get("dataType") != "sc:Enumeration"]
    assert set(record_sets) == {p.name for p in (DATASET / "data").iterdir()}
    for config in record_sets:
        parquet = pq.read_table(DATASET / "data" / config).to_pylist()
        loaded = [_nested(record) for record in dataset.records(record_set=config)]
        assert _sorted(loaded) == _sorted(parquet), config


def _nested(record: dict) -> dict:
    """An mlcroissant record (``config/field/sub`` keys, bytes for text; a struct inside a struct is also
    given at the top) as the nested row ``pyarrow`` reads."""
    row: dict = {}
    for name, value in record.items():
        *parents, leaf = name.split("/")[1:]
        node = row
        for parent in parents:
            node = node.setdefault(parent, {})
            if node is None:
                break  # a field of a struct that is null (a layer a pass did not make): null with it
        if node is None:
            continue
        plain = _plain(value)
        if isinstance(node, list) and isinstance(plain, dict):
            # a struct inside a list of structs (a span's origin) comes column-wise: one list per field; a
            # struct that is null in Parquet comes as fields that are all null
            for i, element in enumerate(node):
                fields = {f: (values[i] if isinstance(values, list) else values) for f, values in plain.items()}
                element[leaf] = None if all(v is None for v in fields.values()) else fields
            continue
        if isinstance(plain, dict) and plain and all(v is None for v in plain.values()):
            node[leaf] = None  # a null struct (no suggestions) comes as fields that are all null
            continue
        if isinstance(plain, dict) and isinstance(node.get(leaf), dict):
            node[leaf].update(plain)
        else:
            node[leaf] = plain
    return row


def _sorted(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def _plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):  # a struct in a list: mlcroissant names its fields by their full path
        return {name.rsplit("/", 1)[-1]: _plain(v) for name, v in value.items()}
    return value


def test_a_tampered_shard_is_detected(tmp_path: Path):
    copy = tmp_path / "dataset"
    shutil.copytree(DATASET, copy)
    shard = next((copy / "data" / "claims").glob("*.parquet"))
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    run = run_cli("validate", copy)
    assert run.returncode == 1
    assert "SHA256SUMS" in run.stdout and "dataset-unreadable" in run.stdout


def test_croissant_class_names_are_enumerations_the_fields_reference():
    """Class names machine-readable (issue 19, item 5): an sc:Enumeration record set per ClassLabel, loaded
    by mlcroissant, referenced by every integer field that stores one."""
    mlc = pytest.importorskip("mlcroissant")
    from datasets import ClassLabel

    from cyberclaims.dataset.configs import features_of

    metadata = json.loads((DATASET / "croissant.json").read_text())
    enums = {r["@id"]: r for r in metadata["recordSet"] if r.get("dataType") == "sc:Enumeration"}
    dataset = mlc.Dataset(jsonld=DATASET / "croissant.json")
    loaded = {
        key: [(r[f"{key}/index"], _plain(r[f"{key}/name"])) for r in dataset.records(record_set=key)] for key in enums
    }
    claims = next(r for r in metadata["recordSet"] if r["@id"] == "claims")
    for name in ("attribution", "certainty"):
        field = next(f for f in claims["field"] if f["name"] == name)
        key = field["references"]["field"]["@id"].split("/")[0]
        assert [n for _, n in sorted(loaded[key])] == features_of("claims")[name].names

    def fields(node):
        for field in node.get("field", []) + node.get("subField", []):
            yield field
            yield from fields(field)

    referenced = {
        f["references"]["field"]["@id"].split("/")[0]
        for r in metadata["recordSet"]
        for f in fields(r)
        if "references" in f
    }
    # A list of class labels at the top of a record set (ner_tags) names its enumeration: a reference is a
    # join in mlcroissant, and a list is no join key (the ner record set would not load).
    top_lists = [
        f for r in metadata["recordSet"] for f in r.get("field", []) if f.get("repeated") and "subField" not in f
    ]
    named = {key for f in top_lists for key in enums if f"`{key}` record set" in f.get("description", "")}
    assert not any("references" in f for f in top_lists)
    assert referenced | named == set(enums) and named
    ner_tags = next(
        f for r in metadata["recordSet"] if r["@id"] == "ner" for f in r["field"] if f["name"] == "ner_tags"
    )
    [key] = [key for key in named if f"`{key}`" in ner_tags["description"]]
    assert [n for _, n in sorted(loaded[key])] == features_of("ner")["ner_tags"].feature.names
    assert isinstance(features_of("claims")["attribution"], ClassLabel)


def test_one_address_everywhere():
    """The repository URL and the Hub dataset, defined once in pyproject.toml [project.urls], are what the
    card, Croissant, the BibTeX, CITATION.cff, .zenodo.json and the README say."""
    from huggingface_hub import DatasetCard

    from cyberclaims.core.project import addresses
    from cyberclaims.dataset.citation import zenodo_json

    where = addresses(ROOT)
    assert where.source.endswith("pyproject.toml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert (cff["repository-code"], cff["url"]) == (where.repository, where.dataset)
    assert (ROOT / ".zenodo.json").read_bytes() == zenodo_json(ROOT / "CITATION.cff")
    croissant = json.loads((DATASET / "croissant.json").read_text(encoding="utf-8"))
    assert (croissant["url"], croissant["sameAs"]) == (where.dataset, where.repository)
    assert f"url = {{{where.dataset}}}" in croissant["citeAs"]
    card = DatasetCard.load(DATASET / "README.md").text
    assert f"url = {{{where.dataset}}}" in re.search(r"```bibtex\n(.*?)\n```", card, re.S).group(1)
    sources = card[card.index("### Dataset Sources") :]
    assert f"- **Repository:** <{where.repository}>" in sources
    assert f"- **Hugging Face Hub:** <{where.dataset}> (`{where.hub_id}`)" in sources
    pinned = f'load_dataset("{where.hub_id}", "documents", split="test", revision="v{__version__}")'
    assert pinned in card
    contact = card[card.index("## Dataset Card Contact") :]
    assert f"<{where.issues}>" in contact
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"<{where.repository}>" in readme and f"<{where.dataset}>" in readme and pinned in readme
    # no other address of either kind anywhere a user reads them
    for text in (card, readme, json.dumps(croissant), (ROOT / "CITATION.cff").read_text(encoding="utf-8")):
        assert set(re.findall(r"https://huggingface\.co/datasets/[\w.\-]+/[\w.\-]+", text)) <= {where.dataset}
        assert set(re.findall(r"https://github\.com/[\w.\-]+/[\w.\-]+", text)) <= {where.repository}
