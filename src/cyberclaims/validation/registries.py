"""The registries: read and checked (schema, duplicate keys), and the entries no article uses."""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..core.files import MAX_REGISTRY_BYTES, read_capped
from ..core.issues import Issue, Report
from ..core.jsondoc import JsonDocument, parse_json, pointer
from ..core.model import Collection, Registry, relative
from ..core.vocabulary import is_key
from .article_rules import items
from .schema import schema_issues


def load_registry(collection: Collection, root: Path, report: Report, *, check: bool) -> Registry:
    """The registries of ``collection`` by key: strict (``check``: every problem reported to ``report``)
    or lenient (an unreadable or invalid registry is simply empty, and its keys then show up as unknown:
    for tools whose input is checked by ``validate`` elsewhere). The first entry of a repeated key wins."""
    registry = Registry()
    docs: dict[str, tuple[JsonDocument, str]] = {}
    for kind, filename, key_field in (
        ("entities", "entities.json", "entities"),
        ("propositions", "propositions.json", "propositions"),
        ("events", "events.json", "events"),
    ):
        path = collection.registry_folder / filename
        display = relative(path, root)
        if not path.exists() and not path.is_symlink():
            registry.unreadable.add(kind)
            if check:
                report.issues.append(
                    Issue(
                        display,
                        None,
                        "",
                        "missing-registry",
                        f"registry {filename} not found; create it with an empty list",
                    )
                )
            continue
        if check and collection.registry_folder == collection.folder:
            report.files_checked += 1
        data, issues = read_capped(path, display, MAX_REGISTRY_BYTES)
        doc, more = parse_json(data, display) if data is not None else (None, [])
        if check:
            report.issues.extend(issues + more)
        if doc is None:
            registry.unreadable.add(kind)
            continue
        if check:
            report.issues.extend(schema_issues(doc, kind))
            docs[kind] = (doc, display)
        items = doc.value.get(key_field) if isinstance(doc.value, dict) else None
        if not isinstance(items, list):  # the schema's finding, once; not one "unknown key" per reference
            registry.unreadable.add(kind)
        target = getattr(registry, kind)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict) or not isinstance(item.get("key"), str):
                continue
            key = item["key"]
            if key in target and check:
                report.issues.append(
                    Issue(
                        display,
                        doc.line_of((key_field, index)),
                        pointer((key_field, index)),
                        "registry-duplicate-key",
                        f"key {key!r} is listed twice; merge the two entries",
                    )
                )
            target.setdefault(key, item)
    if check:
        if "entities" in docs:
            report.issues.extend(duplicate_external_ids(*docs["entities"]))
        if "propositions" in docs and "entities" not in registry.unreadable:
            report.issues.extend(unknown_attribution_entities(*docs["propositions"], registry))
    return registry


def duplicate_external_ids(doc: JsonDocument, display: str) -> list[Issue]:
    """Every later claim of an id (db_name, db_id) that an earlier entity, or the same one, already gave."""
    issues = []
    first: dict[tuple[str, str], str] = {}
    for index, entity in items(doc.value, "entities"):
        ids = entity.get("external_ids")
        for position, external in enumerate(ids if isinstance(ids, list) else []):
            if not isinstance(external, dict):
                continue
            db_name, db_id = external.get("db_name"), external.get("db_id")
            if not isinstance(db_name, str) or not isinstance(db_id, str):
                continue
            raw_key = entity.get("key")
            key = raw_key if isinstance(raw_key, str) else f"entry {index}"
            if (db_name, db_id) in first:
                where = ("entities", index, "external_ids", position)
                issues.append(
                    Issue(
                        display,
                        doc.line_of(where),
                        pointer(where),
                        "registry-duplicate-external-id",
                        f"{db_name} id {db_id!r} of {key!r} is already the id of {first[db_name, db_id]!r}; "
                        "an id denotes one entry: keep it on the entry it denotes and say so in a note",
                    )
                )
            else:
                first[db_name, db_id] = key
    return issues


def unknown_attribution_entities(doc: JsonDocument, display: str, registry: Registry) -> list[Issue]:
    """A proposition attribution's actor or attack that is not a key of the entity registry."""
    issues = []
    for index, proposition in items(doc.value, "propositions"):
        attribution = proposition.get("attribution")
        if not isinstance(attribution, dict):
            continue
        for field in ("actor", "attack"):
            key = attribution.get(field)
            if is_key(key) and key not in registry.entities:
                where = ("propositions", index, "attribution", field)
                issues.append(
                    Issue(
                        display,
                        doc.line_of(where),
                        pointer(where),
                        "attribution-unknown-entity",
                        f"the {field} {key!r} of proposition {proposition.get('key')!r} is not in the entity registry",
                    )
                )
    return issues


def gold_registry(root: Path) -> Registry:
    """The gold registries of the repository at ``root``, read leniently (see :func:`load_registry`)."""
    annotations = Path(root) / "annotations"
    return load_registry(Collection("gold", annotations, annotations, [], []), Path(root), Report(), check=False)


def collect_usage(data: Any, entities: set[str], propositions: set[str], events: set[str]) -> None:
    """Add the entity, proposition and event keys an article names (registry entries no article uses are reported)."""
    mentions = items(data, "entities")
    try:  # the keys of every mention at once, in C (most articles: strings, and null for a date or a number)
        keys: set[Any] = set(map(dict.get, map(itemgetter(1), mentions), repeat("entity")))
        keys.discard(None)
        all_strings = set(map(type, keys)) <= {str}
    except TypeError:  # an unhashable value, which the schema reports: one mention at a time below
        all_strings = False
    if all_strings:
        entities |= keys
    else:
        for _, mention in mentions:
            key = mention.get("entity")
            if isinstance(key, str):
                entities.add(key)
    for _, claim in items(data, "claims"):
        claimer, about, proposition = claim.get("claimer"), claim.get("about"), claim.get("proposition")
        if isinstance(claimer, str):
            entities.add(claimer)
        if isinstance(about, list):
            entities.update(k for k in about if isinstance(k, str))
        if isinstance(proposition, str):
            propositions.add(proposition)
        event = claim.get("event")
        if isinstance(event, str):
            events.add(event)


def unused_registry_entries(
    collection: Collection,
    registry: Registry,
    used_entities: set[str],
    used_propositions: set[str],
    used_events: set[str],
    root: Path,
) -> list[Issue]:
    if collection.registry_folder != collection.folder:
        return []
    issues = []
    for filename, keys, used in (
        ("entities.json", registry.entities, used_entities),
        ("propositions.json", registry.propositions, used_propositions),
        ("events.json", registry.events, used_events),
    ):
        for key in sorted(set(keys) - used):
            issues.append(
                Issue(
                    relative(collection.registry_folder / filename, root),
                    None,
                    "",
                    "registry-unused-entry",
                    f"{key!r} is used by no article",
                )
            )
    return issues
