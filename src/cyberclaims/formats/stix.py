"""STIX 2.1 out: one bundle per article and one for the corpus, for cyber-threat-intelligence tools.

What an article becomes (docs/stix.md has the whole mapping and what it loses):

- a ``report`` (its title, publication date and source) whose ``object_refs`` name everything below, created
  by an ``identity`` for the article's author;
- each claim, a ``note``: ``content`` is the normalized statement, ``created_by_ref`` the claimer's identity,
  ``confidence`` the certainty through ``core.cti.CONFIDENCE``, ``object_refs`` what it is about, and its
  first external reference ``cyberclaims`` / ``<article_id>:<claim_id>`` (the claims config's id) with the
  span as description; the proposition and the event follow as ``cyberclaims-proposition`` and
  ``cyberclaims-event`` references;
- each claim of a proposition with an ``attribution``, also an ``attributed-to`` relationship from the attack (a
  ``campaign``) to the actor, with the claim's claimer and confidence;
- each registry entity the article names, the object of its CTI kind (``core.cti.STIX_FORMS``) with its
  external ids as ``external_references``; a claimer, an ``identity`` too.

Ids are UUIDv5 of CyberClaims keys in one namespace (``stix_id``), and objects are written in id order, so
two exports of the same data are byte-identical. Timestamps come from the data: a claim's objects carry its
article's ``claims`` layer date, the report the latest layer date, and what the registry alone makes (an
entity's object, a topic's campaign) carries ``UNKNOWN_TIME``, the registry having no dates.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core.cti import ACTOR_TYPES, CONFIDENCE, STIX_FORMS, TYPE_FORMS
from ..core.model import Article, Registry

# The namespace of every id: uuid5(NAMESPACE_URL, "https://cyberclaims.github.io/stix").
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cyberclaims.github.io/stix")
SPEC_VERSION = "2.1"
# The time of what has none in the data (the registry; an article without a publication date).
UNKNOWN_TIME = "1970-01-01T00:00:00.000Z"
CLAIM_SOURCE = "cyberclaims"  # the external reference naming a claim (and a report's article)
# How each knowledge base of ``external_ids`` is named in STIX and where an id's page is.
KNOWLEDGE_BASES: dict[str, tuple[str, str]] = {
    "wikidata": ("wikidata", "https://www.wikidata.org/wiki/{id}"),
    "mitre-attack": ("mitre-attack", "https://attack.mitre.org/{path}/{id}"),
    "cve": ("cve", "https://www.cve.org/CVERecord?id={id}"),
    "iso-3166-1": ("iso-3166-1", "https://www.iso.org/obp/ui/#iso:code:3166:{id}"),
}
_ATTACK_PATHS = {"G": "groups", "S": "software", "C": "campaigns"}


def stix_id(stix_type: str, *parts: str) -> str:
    """``<type>--<uuid5>`` of ``"<type>/<part>/<part>..."``: the same keys give the same id in every export."""
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, '/'.join((stix_type, *parts)))}"


def claim_ref(article_id: str, claim_id: str) -> str:
    """A claim's corpus-wide id, as in the claims config and the note's first external reference."""
    return f"{article_id}:{claim_id}"


@dataclass
class StixExport:
    """The bundles, and what the data holds that they could not say (one line each, for the user)."""

    articles: dict[str, dict[str, Any]]  # article id -> its bundle
    corpus: dict[str, Any]  # every object of every article's bundle
    unexpressed: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        """Objects of the corpus bundle by STIX type."""
        return Counter(o["type"] for o in self.corpus["objects"])


def export_stix(articles: Iterable[Article], registry: Registry) -> StixExport:
    """The bundles of validated ``articles`` (their labels and the registry entries they name are valid)."""
    maker = _Maker(registry)
    bundles = {a.id: maker.article_bundle(a) for a in sorted(articles, key=lambda a: a.id)}
    corpus = _bundle(stix_id("bundle", "corpus"), maker.all_objects)
    return StixExport(bundles, corpus, sorted(set(maker.unexpressed)))


def dumps_bundle(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


def stix_files(export: StixExport) -> dict[str, bytes]:
    """The files of a STIX export by name: ``bundle.json`` (the corpus) and ``articles/<id>.json``."""
    files = {"bundle.json": dumps_bundle(export.corpus).encode("utf-8")}
    for article_id, bundle in export.articles.items():
        files[f"articles/{article_id}.json"] = dumps_bundle(bundle).encode("utf-8")
    return files


def _bundle(bundle_id: str, objects: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {"type": "bundle", "id": bundle_id, "objects": [objects[i] for i in sorted(objects)]}


def _timestamp(date: str | None) -> str:
    """A STIX timestamp for an ISO date as precise as known (YYYY, YYYY-MM or YYYY-MM-DD): its first instant."""
    if not date:
        return UNKNOWN_TIME
    year, month, day = (date.split("-") + ["01", "01"])[:3]
    return f"{year}-{month}-{day}T00:00:00.000Z"


def _layer_dates(article: Article) -> dict[str, str]:
    provenance = article.data.get("provenance") or {}
    return {layer: made["date"] for layer, made in provenance.items() if isinstance(made, dict) and made.get("date")}


def _labels(claim: dict[str, Any]) -> list[str]:
    """MISP machine tags: the certainty in estimative language, and whether the author asserts or reports it."""
    return [
        f'estimative-language:likelihood-probability="{CONFIDENCE[claim["certainty"]].misp}"',
        f'cyberclaims:attribution="{claim["attribution"]}"',
    ]


class _Maker:
    """Makes each object once; ``all_objects`` ends up holding the corpus bundle's objects."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.all_objects: dict[str, dict[str, Any]] = {}
        self.unexpressed: list[str] = []

    def _keep(self, objects: dict[str, dict[str, Any]], obj: dict[str, Any]) -> str:
        objects[obj["id"]] = obj
        self.all_objects[obj["id"]] = obj
        return obj["id"]

    def _common(self, stix_type: str, object_id: str, time: str) -> dict[str, Any]:
        return {"type": stix_type, "spec_version": SPEC_VERSION, "id": object_id, "created": time, "modified": time}

    # --- registry entities ------------------------------------------------------------------------------

    def _external_references(self, entity: dict[str, Any]) -> list[dict[str, Any]]:
        references = []
        for external in entity.get("external_ids", []):
            name, page = KNOWLEDGE_BASES[external["db_name"]]
            db_id = external["db_id"]
            url = page.format(id=db_id, path=_ATTACK_PATHS.get(db_id[:1], ""))
            description = f"found at {external['source']}"
            if external.get("note"):
                description = f"{external['note']} ({description})"
            references.append({"source_name": name, "external_id": db_id, "url": url, "description": description})
        return references

    def _country_code(self, entity: dict[str, Any]) -> str | None:
        codes = [e["db_id"] for e in entity.get("external_ids", []) if e["db_name"] == "iso-3166-1"]
        return codes[0] if codes else None

    def entity_object(self, objects: dict[str, dict[str, Any]], key: str) -> str | None:
        """The id of the STIX object of entity ``key`` (made and kept in ``objects``), or None when its kind has none."""
        entity = self.registry.entities[key]
        kind = entity.get("cti_kind")
        form = STIX_FORMS[kind] if kind is not None else TYPE_FORMS.get(entity["type"])
        if form is None:
            self.unexpressed.append(
                f"entity {key!r} ({entity['type']}) has no cti_kind: no STIX object (claims keep it in their text)"
            )
            return None
        obj = self._common(form.type, stix_id(form.type, key), UNKNOWN_TIME)
        if form.type == "location":
            code = self._country_code(entity)
            if code is None:
                self.unexpressed.append(f"country {key!r} has no iso-3166-1 id: STIX needs one for a location")
                return None
            obj.update(name=entity["name"], description=entity["description"], country=code)
        else:
            obj.update(name=entity["name"], description=entity["description"])
            if form.type == "identity":
                obj["identity_class"] = form.identity_class
                if form.sectors:
                    obj["sectors"] = list(form.sectors)
            if form.threat_actor_types:
                obj["threat_actor_types"] = list(form.threat_actor_types)
            if form.type == "malware":
                obj["is_family"] = True
            if entity["aliases"] and form.type in {"threat-actor", "intrusion-set", "campaign", "malware", "tool"}:
                obj["aliases"] = list(entity["aliases"])
        references = self._external_references(entity)
        if references:
            obj["external_references"] = references
        object_id = self._keep(objects, obj)
        if kind == "nation_state" and self._country_code(entity) is not None:
            # the state's territory, which a nation-state threat actor is located at
            place = self._common("location", stix_id("location", key), UNKNOWN_TIME)
            place.update(name=entity["name"], country=self._country_code(entity))
            self._keep(objects, place)
            link = self._common("relationship", stix_id("relationship", "located-at", key), UNKNOWN_TIME)
            link.update(relationship_type="located-at", source_ref=object_id, target_ref=place["id"])
            self._keep(objects, link)
        return object_id

    def claimer_identity(self, objects: dict[str, dict[str, Any]], key: str) -> str:
        """The identity a claimer entity's notes are created by: its own object when its kind is an identity."""
        entity = self.registry.entities[key]
        kind = entity.get("cti_kind")
        form = STIX_FORMS[kind] if kind is not None else TYPE_FORMS.get(entity["type"])
        if form is not None and form.type == "identity":
            made = self.entity_object(objects, key)
            assert made is not None
            return made
        obj = self._common("identity", stix_id("identity", key), UNKNOWN_TIME)
        obj.update(name=entity["name"], description=entity["description"], identity_class="unknown")
        references = self._external_references(entity)
        if references:
            obj["external_references"] = references
        return self._keep(objects, obj)

    def topic_campaign(self, objects: dict[str, dict[str, Any]], topic: str) -> str:
        obj = self._common("campaign", stix_id("campaign", "topic", topic), UNKNOWN_TIME)
        obj.update(
            name=topic,
            description=f"The cyberattack that the CyberClaims articles of topic {topic!r} are about.",
            external_references=[{"source_name": "cyberclaims-topic", "external_id": topic}],
        )
        return self._keep(objects, obj)

    # --- articles ---------------------------------------------------------------------------------------

    def article_bundle(self, article: Article) -> dict[str, Any]:
        data = article.data
        metadata = data["metadata"]
        dates = _layer_dates(article)
        report_time = _timestamp(max(dates.values())) if dates else UNKNOWN_TIME
        claims_time = _timestamp(dates.get("claims"))
        objects: dict[str, dict[str, Any]] = {}
        source = metadata["source"]
        author = self._common("identity", stix_id("identity", "author", article.id), report_time)
        author.update(
            name=f"{source['name']} (author of {article.id})",
            description=f"Whoever wrote the article {article.id!r} published by {source['name']}; the claimer "
            "'author' of its claims.",
            identity_class="unknown",
        )
        author_id = self._keep(objects, author)
        report_id = stix_id("report", article.id)
        article_reference: dict[str, Any] = {"source_name": CLAIM_SOURCE, "external_id": article.id}
        if source["url"]:
            article_reference["url"] = source["url"]
        for claim in data["claims"]:
            self._claim(objects, article, claim, claims_time, author_id, report_id, dict(article_reference))
        report = self._common("report", report_id, report_time)
        report.update(
            created_by_ref=author_id,
            name=metadata["title"] or article.id,
            description=f"Article {article.id!r} of the CyberClaims corpus, published by {source['name']}, "
            f"about {metadata['topic']!r}.",
            published=_timestamp(metadata["published"]),
            object_refs=sorted(objects),
            external_references=[article_reference],
        )
        self._keep(objects, report)
        return _bundle(stix_id("bundle", "article", article.id), objects)

    def _claim(
        self,
        objects: dict[str, dict[str, Any]],
        article: Article,
        claim: dict[str, Any],
        time: str,
        author_id: str,
        report_id: str,
        article_reference: dict[str, Any],
    ) -> None:
        claimer = claim["claimer"]
        creator = author_id if claimer == "author" else self.claimer_identity(objects, claimer)
        about = sorted({made for key in claim["about"] if (made := self.entity_object(objects, key)) is not None})
        claim_reference = {
            "source_name": CLAIM_SOURCE,
            "external_id": claim_ref(article.id, claim["id"]),
            "description": claim["text"],
        }
        if "url" in article_reference:
            claim_reference["url"] = article_reference["url"]
        proposition = self.registry.propositions[claim["proposition"]]
        event = self.registry.events[claim["event"]]
        references = [
            claim_reference,
            {
                "source_name": "cyberclaims-proposition",
                "external_id": claim["proposition"],
                "description": proposition["statement"],
            },
            {"source_name": "cyberclaims-event", "external_id": claim["event"], "description": event["description"]},
        ]
        confidence = CONFIDENCE[claim["certainty"]].stix
        note = self._common("note", stix_id("note", article.id, claim["id"]), time)
        authors = [self.all_objects[creator]["name"]]
        note.update(
            created_by_ref=creator,
            content=claim["normalized"],
            authors=authors,
            object_refs=about or [report_id],
            confidence=confidence,
            labels=_labels(claim),
            external_references=references,
        )
        self._keep(objects, note)
        attribution = proposition.get("attribution")
        if attribution is None:
            return
        where = claim_ref(article.id, claim["id"])
        actor = self.entity_object(objects, attribution["actor"])
        if actor is None or objects[actor]["type"] not in ACTOR_TYPES:
            self.unexpressed.append(
                f"claim {where}: the actor {attribution['actor']!r} is not a threat actor, nation state or "
                "intrusion set: no attributed-to relationship (the note remains)"
            )
            return
        if "topic" in attribution:
            attack = self.topic_campaign(objects, attribution["topic"])
        else:
            made = self.entity_object(objects, attribution["attack"])
            if made is None or objects[made]["type"] != "campaign":
                self.unexpressed.append(
                    f"claim {where}: the attack {attribution['attack']!r} is not a campaign: "
                    "no attributed-to relationship (the note remains)"
                )
                return
            attack = made
        relationship = self._common(
            "relationship", stix_id("relationship", "attributed-to", article.id, claim["id"]), time
        )
        relationship.update(
            created_by_ref=creator,
            relationship_type="attributed-to",
            source_ref=attack,
            target_ref=actor,
            description=claim["normalized"],
            confidence=confidence,
            labels=_labels(claim),
            external_references=[claim_reference],
        )
        self._keep(objects, relationship)
