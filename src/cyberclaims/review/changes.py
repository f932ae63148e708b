"""What a change does to the data: the gold annotation sources of two versions, compared label by label.

``cyberclaims diff BASE`` compares the ``annotations/`` of BASE (a git revision, read with ``git ls-tree``
and ``git cat-file`` without touching the work tree, or a folder holding ``annotations/``) with the
repository at ``--root``: articles added and removed; per article the metadata fields, mentions and claims
added, removed and changed (matched by local id, else by offsets); registry entries added, removed and
changed. Annotation passes (``annotations/passes/``) are not compared: the gold data is what is published.

Time and memory are linear in the size of the two versions: every match is a dictionary look-up. Each file
is read as ``validate`` reads it (capped by kind, never through a link, never from a FIFO), from a folder or
from git (whose object sizes are asked before a byte is read).

The data may be hostile: every value is printed escaped for its format (JSON in JSON output; in the text
and Markdown reports, JSON strings inside Markdown code spans, control characters and lone surrogates shown
as escapes), so a title or a statement that passes ``validate`` cannot add a heading to a pull request's job
summary, hide the rest of it, or send a command to a terminal.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.adjudication import DECISIONS_FILE
from ..core.errors import CyberClaimsError, UsageError
from ..core.files import MAX_ANNOTATION_BYTES, MAX_REGISTRY_BYTES, human_size, read_capped
from ..core.issues import json_text, printable
from ..core.jsondoc import MAX_JSON_DEPTH, too_deep
from ..core.vocabulary import REGISTRY_FILES

ANNOTATIONS = "annotations"
# The list of each registry file, and the field naming each of its entries.
REGISTRY_LISTS = {"entities.json": "entities", "propositions.json": "propositions"}
# The labelled lists of an article, with the name of one item in messages.
LABEL_LISTS = {"entities": "mention", "claims": "claim"}


class BadBaseError(UsageError):
    """BASE is neither a git revision of the repository nor a folder holding ``annotations/``."""


class ChangesError(CyberClaimsError):
    """A source file of either version cannot be read as JSON: the data is at fault (exit status 1)."""

    prefix = "error: "


# --- reading the two versions -------------------------------------------------------------------------------


def _limit(name: str) -> int:
    """The size limit of an annotation file as ``validate`` applies it (a registry's is larger)."""
    return MAX_REGISTRY_BYTES if name in REGISTRY_FILES else MAX_ANNOTATION_BYTES


def read_folder(root: Path) -> dict[str, bytes]:
    """The top-level ``annotations/*.json`` files of a checkout, by file name, read as ``validate`` reads
    them; ``ChangesError`` for one that cannot be (too large, a link, a FIFO, empty)."""
    folder = Path(root) / ANNOTATIONS
    if not folder.is_dir():
        raise BadBaseError(
            f"{printable(str(root))} holds no {ANNOTATIONS}/ folder: give a git revision or the root of another checkout"
        )
    files = {}
    for path in sorted(folder.glob("*.json")):
        if path.is_dir() and not path.is_symlink():
            continue
        data, issues = read_capped(path, printable(str(path)), _limit(path.name))
        if data is None:
            raise ChangesError(f"{issues[0].location()} {issues[0].message}; run `cyberclaims validate`")
        files[path.name] = data
    return files


def read_revision(root: Path, revision: str) -> dict[str, bytes]:
    """The top-level ``annotations/*.json`` files at a git revision: one ``ls-tree``, one ``cat-file
    --batch-check`` (sizes, checked against the limits before anything is read) and one ``cat-file --batch``."""
    if revision.startswith("-"):
        raise BadBaseError(f"BASE {printable(revision)!r} is not a git revision or a folder")
    resolved = _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if resolved is None or not resolved.strip():
        raise BadBaseError(
            f"BASE {printable(revision)!r} is neither a folder nor a git revision of the repository at "
            f"{printable(str(root))} (for a pull request, fetch the base branch first: git fetch origin main)"
        )
    commit = resolved.decode().strip()
    listing = _git(root, "ls-tree", "-z", commit, "--", f"{ANNOTATIONS}/")
    if listing is None:
        raise BadBaseError(f"cannot list {ANNOTATIONS}/ at {printable(revision)}")
    blobs: list[tuple[str, str]] = []
    for entry in listing.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        _, kind, sha = meta.split()
        name = path.rsplit("/", 1)[-1]
        if kind == "blob" and name.endswith(".json"):
            blobs.append((name, sha))
    if not blobs:
        return {}
    where = f"at {printable(revision)}"
    sizes = _cat_file(root, "--batch-check", blobs, where)
    for (name, _), header in zip(blobs, sizes):
        if int(header[2]) > _limit(name):
            raise ChangesError(
                f"{ANNOTATIONS}/{printable(name)} {where} is larger than the limit of {human_size(_limit(name))} "
                f"for this kind of file; run `cyberclaims validate`"
            )
    out = _cat_file_output(root, "--batch", blobs, where)
    pos, files = 0, {}
    for name, _ in blobs:  # "<sha> blob <size>\n<content>\n" per object, in the order asked
        header_end = out.index(b"\n", pos)
        header = _object_header(out[pos:header_end], name, where)
        size = int(header[2])
        files[name] = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return files


def _cat_file_output(root: Path, mode: str, blobs: list[tuple[str, str]], where: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "cat-file", mode],
            cwd=root,
            input="".join(f"{sha}\n" for _, sha in blobs).encode(),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        raise BadBaseError("git is not installed: give BASE as a folder holding annotations/") from None
    if done.returncode != 0:
        raise BadBaseError(
            f"cannot read {ANNOTATIONS}/ {where}: {printable(done.stderr.decode(errors='replace').strip())}"
        )
    return done.stdout


def _cat_file(root: Path, mode: str, blobs: list[tuple[str, str]], where: str) -> list[list[str]]:
    """The header line of each object (``<sha> blob <size>``), checked."""
    lines = _cat_file_output(root, mode, blobs, where).split(b"\n")
    return [_object_header(line, name, where) for (name, _), line in zip(blobs, lines + [b""] * len(blobs))]


def _object_header(line: bytes, name: str, where: str) -> list[str]:
    """``<sha> blob <size>`` split; ChangesError for an object git does not have (``<sha> missing``: a
    shallow or partial clone) or any other answer."""
    fields = line.decode("ascii", "replace").split()
    if len(fields) != 3 or fields[1] != "blob" or not fields[2].isdigit():
        raise ChangesError(
            f"{ANNOTATIONS}/{printable(name)} {where} cannot be read from git "
            f"({printable(' '.join(fields[1:]) or 'no answer')}): the object is not in this clone; "
            f"fetch it (git fetch --unshallow, or without a --filter), or give BASE as a folder"
        )
    return fields


def read_base(root: Path, base: str) -> dict[str, bytes]:
    """BASE as a folder when one exists by that name, else as a git revision of the repository at ``root``."""
    if Path(base).is_dir():
        return read_folder(Path(base))
    return read_revision(Path(root), base)


def _git(root: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise BadBaseError("git is not installed: give BASE as a folder holding annotations/") from None
    return done.stdout if done.returncode == 0 else None


# --- the comparison -----------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass
class ItemChange:
    """One mention, claim or registry entry present in both versions with different values."""

    id: str
    fields: list[FieldChange]
    new_id: str | None = None  # when matched by offsets under another id

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.new_id is not None:
            out["new_id"] = self.new_id
        out["fields"] = [f.to_dict() for f in self.fields]
        return out


@dataclass
class ListChanges:
    """The items of one list (mentions, claims, a registry) added, removed and changed."""

    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_dict(self, key: str) -> dict[str, Any]:
        return {
            "added": [item.get(key) for item in self.added],
            "removed": [item.get(key) for item in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }


@dataclass
class ArticleChanges:
    id: str
    fields: list[FieldChange]  # metadata and other top-level fields (text_sha256, segments, annotators, notes)
    mentions: ListChanges
    claims: ListChanges

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fields": [f.to_dict() for f in self.fields],
            "mentions": self.mentions.to_dict("id"),
            "claims": self.claims.to_dict("id"),
        }


@dataclass
class Changes:
    base: str
    added: list[str]
    removed: list[str]
    changed: list[ArticleChanges]
    registries: dict[str, ListChanges]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or any(self.registries.values()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "articles": {"added": self.added, "removed": self.removed, "changed": [a.to_dict() for a in self.changed]},
            "registries": {name: lists.to_dict("key") for name, lists in self.registries.items()},
        }

    def to_json(self) -> str:
        return json_text(self.to_dict(), indent=2)

    def to_text(self) -> str:
        return "\n".join(map(printable, _lines(self, markdown=False)))

    def to_markdown(self) -> str:
        return "\n".join(map(printable, _lines(self, markdown=True)))


def compare_files(old: dict[str, bytes], new: dict[str, bytes], base: str = "BASE") -> Changes:
    """Compare two versions given as ``{file name: bytes}`` of their ``annotations/*.json``."""
    old_articles, old_registries = _split(old, base)
    new_articles, new_registries = _split(new, "the work tree")
    changed = []
    for article_id in sorted(old_articles.keys() & new_articles.keys()):
        found = compare_articles(article_id, old_articles[article_id], new_articles[article_id])
        if found is not None:
            changed.append(found)
    registries = {}
    for name, list_name in REGISTRY_LISTS.items():
        registries[name] = compare_lists(
            old_registries.get(name, {}).get(list_name) or [],
            new_registries.get(name, {}).get(list_name) or [],
            key="key",
        )
    return Changes(
        base,
        sorted(new_articles.keys() - old_articles.keys()),
        sorted(old_articles.keys() - new_articles.keys()),
        changed,
        registries,
    )


def compare(root: Path, base: str) -> Changes:
    """What the annotations at ``root`` change relative to BASE (a git revision or a folder)."""
    return compare_files(read_base(root, base), read_folder(root), base)


def compare_articles(article_id: str, old: dict, new: dict) -> ArticleChanges | None:
    fields = []
    for key in sorted(old.keys() | new.keys(), key=_field_order):
        if key in LABEL_LISTS or key == "id":
            continue
        if key == "metadata" and isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            fields += _field_changes(old[key], new[key], prefix="metadata.")
        elif old.get(key) != new.get(key):
            fields.append(FieldChange(key, _brief(old.get(key)), _brief(new.get(key))))
    mentions = compare_lists(_items(old, "entities"), _items(new, "entities"), key="id", by_offsets=True)
    claims = compare_lists(_items(old, "claims"), _items(new, "claims"), key="id", by_offsets=True)
    if not (fields or mentions or claims):
        return None
    return ArticleChanges(article_id, fields, mentions, claims)


def compare_lists(old: list, new: list, *, key: str, by_offsets: bool = False) -> ListChanges:
    """Items matched by ``key``; with ``by_offsets``, the unmatched ones then by (start, end)."""
    old = [item for item in old if isinstance(item, dict)]
    new = [item for item in new if isinstance(item, dict)]
    old_by_key = {_hashable(item.get(key)): item for item in old}
    new_by_key = {_hashable(item.get(key)): item for item in new}
    result = ListChanges()
    unmatched_old = [item for item in old if _hashable(item.get(key)) not in new_by_key]
    unmatched_new = [item for item in new if _hashable(item.get(key)) not in old_by_key]
    for item in new:
        before = old_by_key.get(_hashable(item.get(key)))
        if before is not None and before != item:
            result.changed.append(ItemChange(str(item.get(key)), _field_changes(before, item, skip=(key,))))
    if by_offsets:
        spans: dict[tuple, list[dict]] = {}
        for item in unmatched_new:
            spans.setdefault((_hashable(item.get("start")), _hashable(item.get("end"))), []).append(item)
        still_old, matched = [], set()
        for item in unmatched_old:
            candidates = spans.get((_hashable(item.get("start")), _hashable(item.get("end"))))
            if candidates:
                after = candidates.pop(0)
                matched.add(id(after))
                result.changed.append(
                    ItemChange(str(item.get(key)), _field_changes(item, after, skip=(key,)), new_id=str(after.get(key)))
                )
            else:
                still_old.append(item)
        unmatched_old = still_old
        unmatched_new = [item for item in unmatched_new if id(item) not in matched]
    result.added, result.removed = unmatched_new, unmatched_old
    return result


def _hashable(value: Any) -> Any:
    """A value as a dictionary key: itself, or its JSON text for a list or an object (invalid data, compared all
    the same)."""
    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value


def _split(files: dict[str, bytes], where: str) -> tuple[dict[str, dict], dict[str, dict]]:
    articles, registries = {}, {}
    for name, data in files.items():
        if name == DECISIONS_FILE:
            continue  # the adjudication's record, not an article (ADJUDICATION.md shows its changes)
        shown = f"{ANNOTATIONS}/{printable(name)} in {printable(where)}"
        try:
            value = json.loads(data)
        except RecursionError:
            value = None
        except ValueError as exc:
            raise ChangesError(
                f"{shown} is not valid JSON ({printable(str(exc))}); run `cyberclaims validate`"
            ) from None
        if value is None or too_deep(value):
            raise ChangesError(
                f"{shown} is nested deeper than the limit of {MAX_JSON_DEPTH} levels; run `cyberclaims validate`"
            )
        if not isinstance(value, dict):
            raise ChangesError(f"{shown} is not a JSON object; run `cyberclaims validate`")
        if name in REGISTRY_FILES:
            registries[name] = value
        else:
            articles[name[: -len(".json")]] = value
    return articles, registries


def _items(document: dict, name: str) -> list:
    value = document.get(name)
    return value if isinstance(value, list) else []


def _field_changes(old: dict, new: dict, *, prefix: str = "", skip: tuple = ()) -> list[FieldChange]:
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        if key in skip or old.get(key) == new.get(key):
            continue
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            changes += _field_changes(old[key], new[key], prefix=f"{prefix}{key}.")
        else:
            changes.append(FieldChange(prefix + key, _brief(old.get(key)), _brief(new.get(key))))
    return changes


def _field_order(key: str) -> tuple[int, str]:
    order = ("text_sha256", "metadata", "segments", "annotators", "notes")
    return (order.index(key), key) if key in order else (len(order), key)


class Summary(str):
    """A value the report summarises (``<12 items>``): shown as it is, where every value of the data is
    shown as JSON (a string of the data that looks like a summary is still shown quoted)."""


def _brief(value: Any) -> Any:
    """Long lists (segments) are summarised by their length in the report."""
    if isinstance(value, list) and len(value) > 5 and any(isinstance(v, dict) for v in value):
        return Summary(f"<{len(value)} items>")
    return value


# --- printing -----------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    """A value as the reports show it: JSON (a string quoted and escaped), or a summary as it is."""
    return str(value) if type(value) is Summary else json_text(value)


def _name(value: Any) -> str:
    """An id, a key, a label or a field name inside a line: as it is when it is one plain word (as every
    valid one is), else as JSON, so that it cannot pass for more of the line than it is."""
    return value if isinstance(value, str) and _PLAIN.fullmatch(value) else json_text(value)


_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
# A git revision or folder shown as it is in a Markdown heading (else in a code span)
_PLAIN_BASE = re.compile(r"[A-Za-z0-9][A-Za-z0-9./~^@{}-]*")


def _describe(item: dict, what: str) -> str:
    if what == "mention":
        return (
            f"{_name(item.get('id'))} {_name(item.get('label'))} {_show(item.get('text'))} "
            f"[{_show(item.get('start'))}:{_show(item.get('end'))}]"
        )
    if what == "claim":
        return (
            f"{_name(item.get('id'))} {_show(item.get('text'))} [{_show(item.get('start'))}:{_show(item.get('end'))}] "
            f"({_name(item.get('claimer'))}, {_name(item.get('attribution'))}, {_name(item.get('certainty'))})"
        )
    label = item.get("name") or item.get("statement") or ""
    return f"{_name(item.get('key'))}" + (f" ({_show(label)})" if label else "")


def _change(change: ItemChange) -> str:
    name = _name(change.id) if change.new_id is None else f"{_name(change.id)} → {_name(change.new_id)}"
    return f"{name}: " + "; ".join(f"{_name(f.field)} {_show(f.old)} → {_show(f.new)}" for f in change.fields)


_WORDS = {"+": "added", "-": "removed", "~": "changed"}


def _list_lines(lists: ListChanges, what: str, indent: str, bullet: str, code: Any) -> list[str]:
    mark = (lambda sign: _WORDS[sign]) if bullet else (lambda sign: sign)
    lines = []
    for sign, items in (("+", lists.added), ("-", lists.removed)):
        lines += [f"{indent}{bullet}{mark(sign)} {what} {code(_describe(item, what))}" for item in items]
    lines += [f"{indent}{bullet}{mark('~')} {what} {code(_change(change))}" for change in lists.changed]
    return lines


def _code(text: str) -> str:
    """A Markdown code span: whatever it holds is shown as text, never read as Markdown or HTML. A backtick
    (which would close it) is shown as ‘; a line break cannot occur (every line is made ``printable``)."""
    return f"`{text.replace('`', chr(8216))}`"


def _lines(changes: Changes, *, markdown: bool) -> list[str]:
    code = _code if markdown else (lambda s: s)
    bullet, indent = ("- ", "  ") if markdown else ("", "  ")
    added, removed = len(changes.added), len(changes.removed)
    counts = {name: (len(c.added), len(c.removed), len(c.changed)) for name, c in changes.registries.items()}
    base = changes.base if not markdown or _PLAIN_BASE.fullmatch(changes.base) else code(changes.base)
    lines = [f"## Data changes against {base}" if markdown else f"Data changes against {base}", ""]
    if changes.empty:
        return lines + ["No change to the annotations."]
    summary = f"Articles: {added} added, {removed} removed, {len(changes.changed)} changed. " + " ".join(
        f"{name}: {a} added, {r} removed, {c} changed." for name, (a, r, c) in counts.items()
    )
    lines += [summary, ""]
    if changes.added or changes.removed:
        lines.append("### Articles" if markdown else "Articles")
        lines += [f"{bullet}added {code(_name(a))}" if markdown else f"{indent}+ {_name(a)}" for a in changes.added]
        lines += [f"{bullet}removed {code(_name(r))}" if markdown else f"{indent}- {_name(r)}" for r in changes.removed]
        lines.append("")
    for article in changes.changed:
        lines.append(f"### {code(_name(article.id))}" if markdown else f"Article {_name(article.id)}")
        lines += [
            f"{'' if markdown else indent}{bullet}{'changed' if markdown else '~'} field "
            f"{code(f'{_name(f.field)} {_show(f.old)} → {_show(f.new)}')}"
            for f in article.fields
        ]
        lines += _list_lines(article.mentions, "mention", "" if markdown else indent, bullet, code)
        lines += _list_lines(article.claims, "claim", "" if markdown else indent, bullet, code)
        lines.append("")
    for name, lists in changes.registries.items():
        if lists:
            lines.append(f"### {code(name)}" if markdown else f"Registry {name}")
            lines += _list_lines(lists, "entry", "" if markdown else indent, bullet, code)
            lines.append("")
    return lines[:-1] if lines[-1] == "" else lines
