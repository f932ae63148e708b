"""``cyberclaims export``: the annotations in an annotation tool's format, written into an output folder.
(``cyberclaims suggest --out`` writes its tasks the same way, recorded as the format ``suggestions``.)

The folder is written as every output folder is (``core.files.OutputFolder``): never one of the repository's
own folders, never through a link, and only files this tool made are replaced. What an export wrote is
recorded in the folder (``EXPORTED``: each file's format and sha256); a file is replaced only when that record
says an export wrote it and it still holds those bytes. Any other file in the way (yours, or one you edited
since, such as a brat ``.ann`` corrected in brat) makes the export refuse, naming it, before anything is
written. A file an earlier export of the same format wrote, unchanged since and not part of this export (an
article no longer exported), is removed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..core.errors import UsageError
from ..core.files import OutputFolder, refuse_repository_folder
from ..core.issues import printable
from ..core.model import Article
from . import brat, doccano, labelstudio

EXPORT_FORMATS = ("labelstudio", "brat", "doccano", "stix")
SUGGESTIONS_FORMAT = "suggestions"  # what ``cyberclaims suggest --out`` writes (its tasks and SUGGESTIONS.json)
RECORDED_FORMATS = (*EXPORT_FORMATS, SUGGESTIONS_FORMAT)
EXPORTED = ".cyberclaims-export.json"  # the record of what exports wrote into the folder
_RECORD_BYTES = 64 * 1024 * 1024


class ExportRefused(UsageError):
    """The export would replace a file it did not make (the message names it); nothing was written."""


def export_files(articles: list[Article], fmt: str, entities: dict, label_colors: dict[str, str]) -> dict[str, bytes]:
    """The files of an export of ``articles`` in ``fmt``, by name (``brat.BratError`` when brat cannot carry
    one). ``entities``: the entity registry; ``label_colors``: brat's colours (the viewer's)."""
    if fmt == "labelstudio":
        return {"labelstudio-tasks.json": labelstudio.dumps_tasks(labelstudio.to_tasks(articles)).encode("utf-8")}
    if fmt == "doccano":
        return {"doccano.jsonl": doccano.to_lines(articles).encode("utf-8")}
    try:
        anns = {a.id: brat.to_ann(a, entities) for a in articles}
    except brat.BratError as exc:
        raise brat.BratError(f"{exc}; nothing was written") from exc
    files: dict[str, bytes] = {}
    for article in articles:
        files[f"{article.id}.txt"] = article.text_bytes
        files[f"{article.id}.ann"] = anns[article.id].encode("utf-8")
    files["annotation.conf"] = brat.annotation_conf().encode("utf-8")
    files["visual.conf"] = brat.visual_conf(label_colors).encode("utf-8")
    return files


def write_export(root: Path, out: Path, files: dict[str, bytes], fmt: str, command: str = "export") -> list[Path]:
    """Write ``files`` (an export in ``fmt``) into the folder ``out``; the paths written. ``ExportRefused`` (or
    ``OutputFolderRefused``), before anything is written, when a file in the way is not one an export made.
    ``command`` names the command in messages (``export``, ``suggest``)."""
    refuse_repository_folder(root, out, command)
    with OutputFolder(out, command) as target:
        record = _read_record(target)
        foreign = [name for name in files if target.kind(name) is not None and not _unchanged(target, record, name)]
        if target.kind(EXPORTED) not in (None, ""):
            foreign.append(EXPORTED)
        if foreign:
            shown = ", ".join(printable(name) for name in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise ExportRefused(
                f"{printable(str(out))} holds {len(foreign)} file(s) that `cyberclaims {command}` did not write, or "
                f"that changed since ({shown}); nothing was written: move them away, or give a new folder"
            )
        stale = [
            name
            for name, (kind, _) in record.items()
            if kind == fmt and name not in files and _unchanged(target, record, name)
        ]
        for name, data in files.items():
            target.write(name, data)
        for name in stale:
            target.remove(name)
        record = {name: entry for name, entry in record.items() if name not in stale and target.kind(name) == ""}
        record.update({name: (fmt, hashlib.sha256(data).hexdigest()) for name, data in files.items()})
        document = {"files": {name: {"format": kind, "sha256": sha} for name, (kind, sha) in sorted(record.items())}}
        target.write(EXPORTED, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return [Path(out) / name for name in files]


def _read_record(target: OutputFolder) -> dict[str, tuple[str, str]]:
    """What earlier exports wrote into the folder (name: (format, sha256)); empty when there is no record or it
    is not one an export wrote (then no file counts as the tool's)."""
    data = target.read(EXPORTED, _RECORD_BYTES)
    try:
        files = json.loads(data)["files"] if data is not None else {}
        return {
            name: (entry["format"], entry["sha256"])
            for name, entry in files.items()
            if isinstance(name, str)
            and all(part not in ("", ".", "..") for part in name.split("/"))  # inside the folder (STIX: articles/)
            and entry["format"] in RECORDED_FORMATS
            and isinstance(entry["sha256"], str)
        }
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return {}


def _unchanged(target: OutputFolder, record: dict[str, tuple[str, str]], name: str) -> bool:
    """Whether ``name`` is a file an export wrote and that still holds the bytes it wrote."""
    if name not in record:
        return False
    data = target.read(name, 1 << 34)
    return data is not None and hashlib.sha256(data).hexdigest() == record[name][1]
