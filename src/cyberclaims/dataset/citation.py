"""BibTeX for the dataset card, generated from CITATION.cff (cffconvert's BibTeX ignores
``preferred-citation``, which is what a researcher should cite)."""

from __future__ import annotations

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
    if cited.get("url") or cff.get("repository-code"):
        fields["url"] = cited.get("url") or cff.get("repository-code")
    if cited.get("doi") or cff.get("doi"):
        fields["doi"] = cited.get("doi") or cff.get("doi")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@misc{{{re.sub(r'[^A-Za-z0-9]', '', key)},\n{body}\n}}"
