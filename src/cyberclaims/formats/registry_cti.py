"""Put curated CTI data into the registries: entities' ``cti_kind`` and ``external_ids``, propositions' ``attribution``.

The data is kept in a file of its own (``curation/registry-cti.json``), keyed by registry key, so that it can be
applied again to registries that were rewritten (a new adjudicated gold keeps most keys):
``python curation/apply_registry_cti.py`` runs :func:`apply_to_repository`. Applying is idempotent: the
fields named in the data are set to the data's values, every other field and entry is left as it is, and a key
of the data missing from a registry is an error that writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import CyberClaimsError
from ..core.files import write_file

ENTITY_FIELDS = ("cti_kind", "external_ids")  # set on an entity, after its other fields, in this order
PROPOSITION_FIELDS = ("attribution",)


class RegistryCtiError(CyberClaimsError):
    """The curated data names keys the registries lack, or is not the expected shape; nothing was written."""


@dataclass
class Applied:
    """The registries' new texts, and what changed (``key: field`` items)."""

    entities: str
    events: str
    changed: list[str] = field(default_factory=list)


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"  # the registries' own layout


def _set(entry: dict[str, Any], values: dict[str, Any], fields: tuple[str, ...]) -> list[str]:
    """Set ``fields`` of ``values`` on ``entry`` (others kept in place, ours after them); the fields that changed."""
    changed = [name for name in fields if name in values and entry.get(name) != values[name]]
    ours = [name for name in fields if name in values]
    for name in ours:
        entry.pop(name, None)
    for name in ours:
        entry[name] = values[name]
    return changed


def apply(entities_text: str, events_text: str, data: dict[str, Any]) -> Applied:
    """The registries' texts with ``data`` applied (``{"entities": {key: {cti_kind, external_ids}}, "propositions":
    {key: {attribution}}}``); raises :class:`RegistryCtiError` naming every missing key."""
    entities, events = json.loads(entities_text), json.loads(events_text)
    by_key = {
        "entities": {e["key"]: e for e in entities["entities"]},
        "propositions": {e["key"]: e for e in events["propositions"]},
    }
    missing = [
        f"{table} {key!r}"
        for table in ("entities", "propositions")
        for key in data.get(table, {})
        if key not in by_key[table]
    ]
    if missing:
        raise RegistryCtiError(
            f"the curated data names keys the registries lack: {', '.join(missing)}; "
            "rename them in the data to the registries' keys (or drop them), then apply again (nothing was written)"
        )
    changed = []
    for table, fields in (("entities", ENTITY_FIELDS), ("propositions", PROPOSITION_FIELDS)):
        for key, values in sorted(data.get(table, {}).items()):
            unknown = set(values) - set(fields)
            if unknown:
                raise RegistryCtiError(
                    f"{table} {key!r}: fields {sorted(unknown)} are not curated here (nothing was written)"
                )
            changed += [f"{key}: {name}" for name in _set(by_key[table][key], values, fields)]
    return Applied(_dumps(entities), _dumps(events), changed)


def apply_to_repository(root: Path, data_path: Path) -> list[str]:
    """Apply the curated file ``data_path`` to ``root/annotations/entities.json`` and ``propositions.json`` (each
    rewritten whole, only when it changes); what changed."""
    annotations = Path(root) / "annotations"
    data = json.loads(Path(data_path).read_text(encoding="utf-8"))
    entities_path, events_path = annotations / "entities.json", annotations / "propositions.json"
    before = (entities_path.read_text(encoding="utf-8"), events_path.read_text(encoding="utf-8"))
    applied = apply(*before, data)
    for path, old, new in ((entities_path, before[0], applied.entities), (events_path, before[1], applied.events)):
        if new != old:
            write_file(path, new.encode("utf-8"))
    return applied.changed
