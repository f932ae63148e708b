"""What the dataset says about itself, shared by the card and Croissant: the Hub's metadata, a description
of every field (generated from the JSON Schema's descriptions so it never drifts), and how to cite it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasets import ClassLabel, List, Value

from ..core.schemas import load_schema
from .citation import bibtex_from_cff
from .configs import CONFIGS, features_of

CARD_METADATA: dict[str, Any] = {
    "pretty_name": "CyberClaims",
    "language": ["en"],
    # The Hub's documented fields for a license it does not list: the annotations are CC BY 4.0, the
    # article texts third-party copyright (LicenseRef-third-party-copyright), so the whole is "other".
    "license": "other",
    "license_name": "cc-by-4.0-annotations-and-third-party-texts",
    "license_link": "LICENSE-DATA.md",
    "annotations_creators": ["expert-generated"],
    "language_creators": ["found"],
    "multilinguality": ["monolingual"],
    "source_datasets": ["original"],
    "task_categories": ["token-classification", "text-classification"],
    "task_ids": ["named-entity-recognition", "fact-checking"],
    "tags": ["cybersecurity", "claims", "attribution", "hedging", "cross-document", "news"],
}


# The licensing of the data, in the words of LICENSE-DATA.md (copied into the built dataset), for the card,
# Croissant and the CFF: tests check that each says the same.
LICENSE_FILE = "LICENSE-DATA.md"
ANNOTATIONS_LICENSE = {
    "spdx": "CC-BY-4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
}
TEXTS_LICENSE = {
    "spdx": "LicenseRef-third-party-copyright",
    "name": "Third-party copyright (not licensed by the project)",
}
LICENSING = (
    "The annotations (labels, registries, normalized statements, guidelines) are released under CC BY 4.0. "
    "The article texts remain the copyright of their authors and publishers (LicenseRef-third-party-copyright): "
    "they are not licensed by this project; they are included unchanged so that the annotations can be used "
    "for research. See LICENSE-DATA.md."
)


def _schema_descriptions() -> dict[str, str]:
    found: dict[str, str] = {}
    annotation = load_schema("annotation")

    def resolved(node: Any) -> Any:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/$defs/"):
            node = annotation["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(node: Any, prefix: str, depth: int = 0) -> None:
        node = resolved(node)
        if not isinstance(node, dict) or depth > 8:
            return
        for option in node.get("anyOf", []):
            walk(option, prefix, depth + 1)
        for name, prop in node.get("properties", {}).items():
            path = f"{prefix}{name}"
            if "description" in prop:
                found.setdefault(path, prop["description"])
            walk(prop, path + ".", depth + 1)
            walk(prop.get("items", {}), path + ".", depth + 1)

    walk(annotation, "")
    entities = load_schema("entities")
    for name, prop in entities["properties"]["entities"]["items"]["properties"].items():
        found.setdefault(f"entity.{name}", prop["description"])
    for name, prop in entities["$defs"]["external_id"]["properties"].items():  # the fields of each external id
        found.setdefault(f"entity.{name}", prop["description"])
    return found


def describe_fields(config: str) -> list[tuple[str, str, str]]:
    """(dotted path, type, description) of every field of a config.

    A field the config describes itself comes first; then the JSON Schema's description of the field
    (by path for article fields, by name for a claim's or an entity's).
    """
    spec = CONFIGS[config]
    descriptions = _schema_descriptions()
    by_name = {k.split(".", 1)[1]: v for k, v in descriptions.items() if k.startswith(f"{spec.described_by}s.")}
    if spec.described_by == "entity":
        by_name = {k.split(".", 1)[1]: v for k, v in descriptions.items() if k.startswith("entity.")}
    rows = []
    for path, dtype in _flatten(features_of(config)):
        leaf = path.split(".")[-1]
        own = spec.field_descriptions.get(path) if path == leaf else None
        if spec.described_by == "annotation":
            text = own or descriptions.get(path)
        else:
            text = own or by_name.get(leaf)
        rows.append((path, dtype, text or ""))
    return rows


def _flatten(features: Any, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for name, feature in features.items():
        path = f"{prefix}{name}"
        inner, wrap = feature, ""
        while isinstance(inner, List):
            inner, wrap = inner.feature, wrap + "list of "
        if isinstance(inner, dict):
            out.append((path, wrap + "struct"))
            out += _flatten(inner, path + ".")
        elif isinstance(inner, ClassLabel):
            out.append((path, wrap + "class label: " + ", ".join(inner.names)))
        elif isinstance(inner, Value):
            out.append((path, wrap + inner.dtype))
    return out


def bibtex(cff: Path) -> str:
    if not cff.exists():
        return "% no CITATION.cff in the repository that was built"
    return bibtex_from_cff(cff)
