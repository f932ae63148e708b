"""What is generated from CITATION.cff: the card's BibTeX (cffconvert's BibTeX ignores ``preferred-citation``,
which is what a researcher should cite) and ``.zenodo.json``, the metadata of each release's Zenodo DOI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any


def read_cff(path: Path) -> dict[str, Any]:
    import yaml  # deferred: only the card and Croissant read the CFF

    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def bibtex_from_cff(path: Path) -> str:
    cff = read_cff(path)
    cited = cff.get("preferred-citation") or cff
    authors = " and ".join(
        "{" + a["name"] + "}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
        for a in cited.get("authors", [])
    )
    year = cited.get("year") or str(cff.get("date-released", ""))[:4]
    key = "cyberclaims" + str(year)
    fields = {
        "title": "{" + cited["title"] + "}",
        "author": authors,
        "year": str(year),
        "version": str(cited.get("version", cff.get("version", ""))),
    }
    url = cited.get("url") or cff.get("url") or cff.get("repository-code")
    if url:
        fields["url"] = url
    if cited.get("doi") or cff.get("doi"):
        fields["doi"] = cited.get("doi") or cff.get("doi")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@misc{{{re.sub(r'[^A-Za-z0-9]', '', key)},\n{body}\n}}"


# Zenodo archives each GitHub release and gives it a version DOI; it reads ``.zenodo.json`` (and then ignores
# CITATION.cff), so that file is generated from the CFF (``cyberclaims release --prepare``) and checked.
ZENODO_FILE = ".zenodo.json"
# Zenodo's id for terms that require attribution but are no single listed license: the annotations are
# CC BY 4.0, the code MIT, the article texts third-party copyright (the notes and LICENSE-DATA.md say so).
ZENODO_LICENSE = "other-at"


def zenodo_metadata(cff_path: Path) -> dict[str, Any]:
    """``.zenodo.json`` (Zenodo's deposit metadata) made from ``CITATION.cff``: title, creators, abstract,
    version, date, keywords, and the repository and Hub dataset as related identifiers."""
    cff = read_cff(cff_path)
    creators = [
        {"name": a["name"]} if "name" in a else {"name": f"{a['family-names']}, {a['given-names']}"}
        for a in cff.get("authors", [])
    ]
    paragraphs = [p.strip() for p in str(cff.get("abstract", "")).split("\n\n") if p.strip()]
    related = [
        {"identifier": cff[key], "relation": relation, "resource_type": kind, "scheme": "url"}
        for key, relation, kind in (("repository-code", "isSupplementTo", "software"), ("url", "isSourceOf", "dataset"))
        if cff.get(key)
    ]
    return {
        "upload_type": "dataset",
        "title": cff["title"],
        "creators": creators,
        "description": "".join(f"<p>{' '.join(p.split())}</p>" for p in paragraphs),
        "version": str(cff.get("version", "")),
        "publication_date": str(cff.get("date-released", "")),
        "keywords": list(cff.get("keywords", [])),
        "access_right": "open",
        "license": ZENODO_LICENSE,
        "notes": "Code: MIT. Annotations: CC BY 4.0. Article texts: third-party copyright, not licensed by the "
        "project (LicenseRef-third-party-copyright); see LICENSE-DATA.md.",
        "related_identifiers": related,
    }


def zenodo_json(cff_path: Path) -> bytes:
    return (json.dumps(zenodo_metadata(cff_path), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
