"""The card's threat-intelligence section, made from the registry and ``core.cti``: external ids and CTI kinds
with their counts, the certainty -> STIX confidence mapping, and the crosswalk to CyNER, APTNER and DNRTI."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..core.cti import CONFIDENCE, NER_DATASETS, STIX_FORMS, crosswalk, crosswalk_rows, one_to_one, unmapped_labels
from ..core.vocabulary import CTI_KINDS, EXTERNAL_DBS


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(mapping: dict[str, Any]) -> str:
    if not mapping["labels"]:
        return "— (O)"
    return f"{' / '.join(mapping['labels'])} ({mapping['match']})"


def _stix_form(kind: str) -> str:
    form = STIX_FORMS[kind]
    detail = form.identity_class or ", ".join(form.threat_actor_types)
    return f"`{form.type}`" + (f" ({detail})" if detail else "")


def cti_section(entities: dict[str, dict[str, Any]], certainties: Counter[str]) -> str:
    """The section's text for the registry ``entities`` and the claims' ``certainties``."""
    with_ids = [e for e in entities.values() if e.get("external_ids")]
    by_db = Counter(external["db_name"] for e in with_ids for external in e["external_ids"])
    entities_by_db = Counter(db for e in with_ids for db in {x["db_name"] for x in e["external_ids"]})
    kinds = Counter(e["cti_kind"] for e in entities.values() if e.get("cti_kind"))
    noted = sorted(
        (e["key"], x["db_name"], x["db_id"], x["note"]) for e in with_ids for x in e["external_ids"] if x.get("note")
    )
    parts = [
        f"{len(with_ids)} of the {len(entities)} registry entities carry ids in other knowledge bases "
        "(`entities` config, `external_ids`: `db_name`, `db_id`, the public `source` where the id was found, "
        "and a `note` when the knowledge base does not match the entry one to one); ids are recorded only when "
        "found in a public source, never guessed, and `cyberclaims validate` refuses two entries with one id.",
        _table(
            ["knowledge base", "entities", "ids"],
            [[f"`{db}`", entities_by_db[db], by_db[db]] for db in EXTERNAL_DBS],
        ),
    ]
    if noted:
        parts.append(
            "Ids that do not match their entry one to one:\n\n"
            + "\n".join(f"- `{key}` → {db} `{db_id}`: {note}" for key, db, db_id, note in noted)
        )
    parts.append(
        f"{sum(kinds.values())} entities have a CTI kind (`cti_kind`), which decides their STIX object and their "
        "row in the crosswalk below; the others play no CTI role (a film, a war) and have none."
    )
    parts.append(
        _table(["CTI kind", "entities", "STIX 2.1 object"], [[f"`{k}`", kinds[k], _stix_form(k)] for k in CTI_KINDS])
    )
    parts.append(
        "**Certainty → STIX `confidence`.** `cyberclaims export stix` writes each claim as a STIX `note` (and a "
        "claim of an attributed attack also as an `attributed-to` relationship) created by its claimer, with "
        "this confidence: the certainty's term on the DNI (ICD 203) scale of STIX 2.1 Appendix B, the value "
        "`stix2.confidence.scales.dni_to_value` gives it, and the MISP tag written in `labels`."
    )
    parts.append(
        _table(
            ["certainty", "claims", "DNI scale", "confidence", "MISP `estimative-language:likelihood-probability`"],
            [[f"`{c}`", certainties[c], m.dni_term, m.stix, f"`{m.misp}`"] for c, m in CONFIDENCE.items()],
        )
    )
    datasets = crosswalk()["datasets"]
    parts.append(
        "**Crosswalk to CTI NER label sets** (shipped as `cyberclaims/core/cti_crosswalk.json`): the labels a "
        "mention of each CTI kind or OntoNotes type would carry in "
        + ", ".join(f"{name} ({len(datasets[name]['labels'])} labels)" for name in NER_DATASETS)
        + ", and how they match: exact, broader (the dataset's label covers more), narrower, split (several "
        "labels), related (another aspect of the same mentions), or none (left unlabelled)."
    )
    for vocabulary, title in (("cti_kind", "CTI kind"), ("ontonotes", "OntoNotes")):
        rows = [[f"`{r['value']}`", *(_cell(r[d]) for d in NER_DATASETS)] for r in crosswalk_rows(vocabulary)]
        parts.append(_table([title, *NER_DATASETS], rows))
    summary = []
    for name in NER_DATASETS:
        kinds_1to1 = ", ".join(f"`{v}` = {label}" for v, label in one_to_one(name, "cti_kind")) or "none"
        onto_1to1 = ", ".join(f"`{v}` = {label}" for v, label in one_to_one(name, "ontonotes")) or "none"
        unmapped = ", ".join(unmapped_labels(name)) or "none"
        summary.append(
            f"- **{name}**: one to one with a CTI kind: {kinds_1to1}; with an OntoNotes type: {onto_1to1}; "
            f"labels nothing maps to: {unmapped}."
        )
    parts.append("\n".join(summary))
    return "\n\n".join(parts)
