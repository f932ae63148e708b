"""``dataset/croissant.json``: Croissant 1.0 JSON-LD metadata of the built dataset.

One ``cr:FileObject`` per Parquet file (with its sha256, so a corrupted download is detected), one
``cr:FileSet`` per config gathering its shards, and one ``cr:RecordSet`` per config whose fields are
typed from the same ``datasets.Features`` the Parquet files were written with. ClassLabel columns are
stored as integers; their names are an ``sc:Enumeration`` record set the field references (a list of
class labels at the top of a record set names it in its description: mlcroissant joins a reference, and a
list is no join key), and are listed in the field description. Responsible-AI fields (``rai:``)
summarise collection, annotation, limitations, biases and personal information.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from datasets import ClassLabel, List, Value

from .. import __version__
from ..core.files import sha256_file, write_file
from ..core.model import Corpus
from ..core.project import addresses
from .citation import read_cff
from .configs import features_of
from .layout import config_pattern
from .making import annotation_rai, summarize
from .metadata import ANNOTATIONS_LICENSE, CARD_METADATA, LICENSING, TEXTS_LICENSE, bibtex, describe_fields

CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

RAI = {
    "rai:dataCollection": (
        "News articles about cyberattacks (starting with the 2014 Sony Pictures attack), saved as plain "
        "UTF-8 text exactly as published on the web, page furniture included and marked as boilerplate."
    ),
    "rai:dataCollectionType": ["Web Scraping", "Manual Human Curation"],
    "rai:dataLimitations": (
        "Very small corpus (two articles in the first release): metrics have wide confidence intervals. "
        "Publication dates were inferred from content where the page gave none. Labels record what the "
        "text says, not the truth of the claims."
    ),
    "rai:dataBiases": (
        "English-language Western web sources about a single, politically charged attack, written shortly "
        "after it; the framing of the attribution to North Korea reflects those outlets."
    ),
    "rai:personalSensitiveInformation": (
        "Names of public figures in their public roles. The articles mention leaked employee data "
        "(social security numbers, salaries); none of that data is in the texts."
    ),
    "rai:dataUseCases": [
        "Named entity recognition",
        "Entity linking",
        "Claim detection",
        "Claim attribution and certainty classification",
        "Cross-document claim alignment",
    ],
    "rai:dataSocialImpact": (
        "Meant to help track who claims what about cyberattacks and how certainly; a model trained on it "
        "learns how articles report attribution, not who attacked."
    ),
    "rai:dataReleaseMaintenancePlan": (
        "Versioned releases recorded in CHANGELOG.md; texts are removed on request of their rights holders."
    ),
}


def _data_type(feature: Any) -> tuple[str, bool, str]:
    """(Croissant data type, repeated, extra description) of a leaf feature."""
    repeated = False
    while isinstance(feature, List):
        feature, repeated = feature.feature, True
    if isinstance(feature, ClassLabel):
        return (
            "sc:Integer",
            repeated,
            " Class label index; names: " + ", ".join(f"{i}={n}" for i, n in enumerate(feature.names)) + ".",
        )
    if isinstance(feature, Value) and feature.dtype.startswith("int"):
        return "sc:Integer", repeated, ""
    return "sc:Text", repeated, ""


def _enumeration_id(feature: ClassLabel) -> str:
    return "class-" + "-".join(n.lower() for n in feature.names[:2]) + f"-{len(feature.names)}"


def enumerations(configs: list) -> list[dict[str, Any]]:
    """One ``sc:Enumeration`` record set per distinct ClassLabel (its ``index`` and ``name``), inline: class
    names machine-readable, referenced by the integer fields that store them."""
    found: dict[str, ClassLabel] = {}

    def walk(feature: Any) -> None:
        while isinstance(feature, List):
            feature = feature.feature
        if isinstance(feature, dict):
            for inner in feature.values():
                walk(inner)
        elif isinstance(feature, ClassLabel):
            found.setdefault(_enumeration_id(feature), feature)

    for config in configs:
        walk(dict(features_of(config.name)))
    return [
        {
            "@type": "cr:RecordSet",
            "@id": key,
            "name": key,
            "dataType": "sc:Enumeration",
            "description": "Class label names: " + ", ".join(f"{i}={n}" for i, n in enumerate(feature.names)) + ".",
            "key": {"@id": f"{key}/index"},
            "field": [
                {"@type": "cr:Field", "@id": f"{key}/index", "name": "index", "dataType": "sc:Integer"},
                {"@type": "cr:Field", "@id": f"{key}/name", "name": "name", "dataType": "sc:Text"},
            ],
            "data": [{f"{key}/index": i, f"{key}/name": n} for i, n in enumerate(feature.names)],
        }
        for key, feature in found.items()
    ]


def _field(
    record_set: str, name: str, feature: Any, description: str, file_set: str, column: str | None = None, path: str = ""
) -> dict[str, Any]:
    """A Croissant field for a column (or, with ``path``, a member of a struct column)."""
    column = column or name
    inner, in_list = feature, False
    while isinstance(inner, List):
        inner, in_list = inner.feature, True
    field: dict[str, Any] = {"@type": "cr:Field", "@id": f"{record_set}/{name}", "name": name}
    if description:
        field["description"] = description
    source: dict[str, Any] = {"fileSet": {"@id": file_set}, "extract": {"column": column}}
    if path:
        source["transform"] = {"jsonPath": path}
    if isinstance(inner, dict):
        # A struct, or a list of structs: one sub-field per member, read from the same column.
        prefix = f"{path}[*]." if in_list else (f"{path}." if path else "")
        prefix = "[*]." if in_list and not path else prefix
        field["subField"] = [
            _field(f"{record_set}/{name}", member, inner[member], "", file_set, column, prefix + member)
            for member in inner
        ]
    else:
        data_type, _, extra = _data_type(inner)
        field["dataType"] = data_type
        if isinstance(inner, ClassLabel) and in_list and not path:
            # A list of class labels at the top of a record set (``ner_tags``) names its enumeration instead
            # of referencing it: a reference is a join on the column (mlcroissant merges the record set with
            # the enumeration on it), and a list is no join key.
            extra += f" Names: the `{_enumeration_id(inner)}` record set."
        elif isinstance(inner, ClassLabel):
            field["references"] = {"field": {"@id": f"{_enumeration_id(inner)}/index"}}
        if extra:
            field["description"] = (description + extra).strip()
        field["source"] = source
    if in_list:
        field["repeated"] = True
    field.setdefault("source", source)
    return field


def croissant_metadata(
    folder: Path,
    configs: list,
    corpus: Corpus,
    known: Mapping[str, str] | None = None,
    gold_provenance: Counter | None = None,
) -> dict[str, Any]:
    """The Croissant JSON-LD of a built dataset folder (its Parquet files must be written already);
    ``known``: sha256 of files by name, where the caller has them (the others are hashed here)."""
    known = known or {}
    where = addresses(corpus.root)
    cff = corpus.root / "CITATION.cff"
    released = str(read_cff(cff).get("date-released", "")) if cff.exists() else ""
    distribution: list[dict[str, Any]] = []
    record_sets: list[dict[str, Any]] = []
    for config in configs:
        file_set = f"parquet-{config.name}"
        for split in config.splits:
            for name in split.files:
                distribution.append(
                    {
                        "@type": "cr:FileObject",
                        "@id": name,
                        "name": name,
                        "contentUrl": name,
                        "encodingFormat": "application/x-parquet",
                        "sha256": known.get(name) or sha256_file(folder / name),
                    }
                )
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": file_set,
                "name": file_set,
                "encodingFormat": "application/x-parquet",
                "includes": config_pattern(config.name),
            }
        )
        features = features_of(config.name)
        described = {path: text for path, _, text in describe_fields(config.name)}
        fields = [
            _field(config.name, name, feature, described.get(name, ""), file_set) for name, feature in features.items()
        ]
        record_sets.append(
            {
                "@type": "cr:RecordSet",
                "@id": config.name,
                "name": config.name,
                "description": f"The {config.name} config of CyberClaims "
                f"({', '.join(f'{s.name}: {s.num_examples} rows' for s in config.splits)}).",
                "field": fields,
            }
        )
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": "CyberClaims",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "description": (
            "News articles about cyberattacks with labelled entity mentions (18 OntoNotes 5 "
            "types, linked to canonical entities) and check-worthy claims (claimer, attribution, "
            "certainty, normalized statement, cross-document proposition)."
        ),
        "version": __version__,
        # The one address of each (core/project.py): the dataset's Hub page, and the repository it is built from
        "url": where.dataset,
        "sameAs": where.repository,
        # Per component, as in LICENSE-DATA.md: the annotations' license by its URL, the texts' as a
        # CreativeWork named by its SPDX LicenseRef (no URL: they are not licensed by the project).
        "license": [
            {
                "@type": "sc:CreativeWork",
                "name": ANNOTATIONS_LICENSE["spdx"],
                "url": ANNOTATIONS_LICENSE["url"],
                "description": f"{ANNOTATIONS_LICENSE['name']}: the annotations.",
            },
            {
                "@type": "sc:CreativeWork",
                "name": TEXTS_LICENSE["spdx"],
                "description": f"{TEXTS_LICENSE['name']}: the article texts.",
            },
        ],
        "usageInfo": LICENSING,
        "inLanguage": CARD_METADATA["language"],
        "keywords": CARD_METADATA["tags"],
        "creator": {"@type": "sc:Organization", "name": "The CyberClaims contributors"},
        "citeAs": bibtex(cff),
        **({"datePublished": released} if released else {}),
        "isLiveDataset": False,
        **RAI,
        **annotation_rai(corpus, summarize(corpus, gold_provenance)),
        "distribution": distribution,
        "recordSet": enumerations(configs) + record_sets,
    }


def write_croissant(
    folder: Path,
    configs: list,
    corpus: Corpus,
    known: Mapping[str, str] | None = None,
    gold_provenance: Counter | None = None,
) -> None:
    """``gold_provenance``: the gold's records as the build counted them (``CorpusStats.provenance``)."""
    metadata = croissant_metadata(folder, configs, corpus, known, gold_provenance)
    write_file(folder / "croissant.json", (json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
