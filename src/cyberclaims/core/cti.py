"""The cyber-threat-intelligence side of the registry, defined once: what each CTI kind becomes in STIX 2.1,
how a claim's certainty becomes a STIX confidence, and the crosswalk to the CyNER, APTNER and DNRTI labels.

The STIX export (``formats/stix.py``), the card (``dataset/card.py``) and the docs read these tables; the kinds
themselves are the entity schema's enum (``vocabulary.CTI_KINDS``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .vocabulary import CERTAINTIES, CTI_KINDS, ENTITY_LABELS


@dataclass(frozen=True)
class StixForm:
    """The STIX 2.1 object an entity of one CTI kind becomes."""

    type: str  # the SDO type
    identity_class: str | None = None  # for an identity
    threat_actor_types: tuple[str, ...] = ()  # for a threat-actor
    sectors: tuple[str, ...] = ()  # for an identity (industry-sector-ov)


STIX_FORMS: dict[str, StixForm] = {
    "threat_actor": StixForm("threat-actor"),
    "nation_state": StixForm("threat-actor", threat_actor_types=("nation-state",)),
    "intrusion_set": StixForm("intrusion-set"),
    "campaign": StixForm("campaign"),
    "malware": StixForm("malware"),
    "tool": StixForm("tool"),
    "vulnerability": StixForm("vulnerability"),
    "victim_organization": StixForm("identity", identity_class="organization"),
    "security_vendor": StixForm("identity", identity_class="organization"),
    "government_body": StixForm("identity", identity_class="organization", sectors=("government",)),
    "media_organization": StixForm("identity", identity_class="organization"),
    "organization": StixForm("identity", identity_class="organization"),
    "person": StixForm("identity", identity_class="individual"),
    "population": StixForm("identity", identity_class="class"),
    "country": StixForm("location"),
}
assert tuple(STIX_FORMS) == CTI_KINDS, "every CTI kind of the entity schema needs its STIX form, in the schema's order"

# An entity without a CTI kind still becomes an identity when its OntoNotes type says what it is: every
# organisation and every person the claims name is an identity in STIX, whatever its role.
TYPE_FORMS: dict[str, StixForm] = {
    "ORG": StixForm("identity", identity_class="organization"),
    "PERSON": StixForm("identity", identity_class="individual"),
}

# The STIX types an attributed-to relationship may point at from a campaign (STIX 2.1, 4.3.1).
ACTOR_TYPES = frozenset({"threat-actor", "intrusion-set"})


@dataclass(frozen=True)
class Confidence:
    """How one certainty value is said in the intelligence community's estimative language."""

    dni_term: str  # the term of the DNI (ICD 203) scale, as ``stix2.confidence.scales.dni_to_value`` spells it
    stix: int  # the STIX ``confidence`` (0-100) that scale gives the term
    misp: str  # the MISP taxonomy value ``estimative-language:likelihood-probability``


# certainty -> confidence: the one mapping of the export, through the DNI scale of STIX 2.1 Appendix B
# (``stix2.confidence.scales``; tests/formats/test_stix.py checks the numbers against it).
CONFIDENCE: dict[str, Confidence] = {
    "certain": Confidence("Almost Certain / Nearly Certain", 95, "almost-certain"),
    "probable": Confidence("Likely / Probable", 70, "likely"),
    "possible": Confidence("Roughly Even Chance / Roughly Even Odds", 50, "roughly-even-chance"),
}
assert tuple(CONFIDENCE) == CERTAINTIES, "every certainty of the annotation schema needs its confidence"

NER_DATASETS = ("CyNER", "APTNER", "DNRTI")
MATCHES = ("exact", "broader", "narrower", "split", "related", "none")


@cache
def crosswalk() -> dict[str, Any]:
    """The crosswalk (``core/cti_crosswalk.json``): the datasets' label sets and one row per CTI kind and
    OntoNotes label, each giving per dataset the ``labels`` and the ``match``."""
    text = resources.files("cyberclaims").joinpath("core/cti_crosswalk.json").read_text(encoding="utf-8")
    return json.loads(text)


def crosswalk_rows(vocabulary: str) -> list[dict[str, Any]]:
    """The rows of one source vocabulary: "cti_kind" or "ontonotes", in the file's order."""
    return [row for row in crosswalk()["rows"] if row["vocabulary"] == vocabulary]


def one_to_one(dataset: str, vocabulary: str) -> list[tuple[str, str]]:
    """(value, label) pairs where the dataset's label is the exact match of one value of the vocabulary and of
    no other value."""
    users: dict[str, list[tuple[str, str]]] = {}
    for row in crosswalk_rows(vocabulary):
        for label in row[dataset]["labels"]:
            users.setdefault(label, []).append((row["value"], row[dataset]["match"]))
    return [(uses[0][0], label) for label, uses in users.items() if len(uses) == 1 and uses[0][1] == "exact"]


def unmapped_labels(dataset: str) -> list[str]:
    """The dataset's labels that no CTI kind and no OntoNotes label maps to, in the dataset's order."""
    used = {label for row in crosswalk()["rows"] for label in row[dataset]["labels"]}
    return [label for label in crosswalk()["datasets"][dataset]["labels"] if label not in used]


def source_values(vocabulary: str) -> tuple[str, ...]:
    """What the crosswalk must cover for a vocabulary: every CTI kind, or every OntoNotes label."""
    return CTI_KINDS if vocabulary == "cti_kind" else ENTITY_LABELS
