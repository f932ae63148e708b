"""``SHA256SUMS``: the manifest of a built dataset, in ``sha256sum``'s format, written and verified."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ..core.files import MAX_REGISTRY_BYTES, read_capped, sha256_file, write_file
from ..core.jsondoc import shorten
from .layout import data_folder

MANIFEST = "SHA256SUMS"


def files_in(folder: Path) -> set[str]:
    """Every file under ``folder``, as a relative POSIX path."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def is_built_dataset(path: Path) -> bool:
    """A folder with Parquet shards under ``data/<config>/``, as a build writes them (or a download of one)."""
    data = data_folder(path)
    return data.is_dir() and any(data.glob("*/*.parquet"))


def write_manifest(folder: Path, known: Mapping[str, str] | None = None) -> None:
    """``SHA256SUMS`` in the format of ``sha256sum``, so ``sha256sum -c SHA256SUMS`` checks a copy.

    ``known`` gives the sha256 of files (by name in the folder) that the caller wrote from bytes whose
    hash it had checked; every other file is hashed here.
    """
    known = known or {}
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        name = path.relative_to(folder).as_posix()
        lines.append(f"{known.get(name) or sha256_file(path)}  {name}\n")
    write_file(folder / MANIFEST, "".join(lines).encode("utf-8"))


def verify_manifest(folder: Path) -> list[str]:
    """Check every line of ``SHA256SUMS`` against the files, and that it lists every file.

    The names come from the data: each must be a relative path inside ``folder`` (no ``..``, no absolute
    path, no symbolic link leading out), or it is a problem and nothing outside the folder is read.
    """
    manifest = folder / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return [f"{MANIFEST}: missing"]
    data, issues = read_capped(manifest, MANIFEST, MAX_REGISTRY_BYTES)
    if data is None:
        return [f"{MANIFEST}: {issues[0].message}"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"{MANIFEST}: is not valid UTF-8 at byte offset {exc.start}"]
    problems, listed = [], set()
    inside = folder.resolve()
    for number, line in enumerate(text.splitlines(), 1):
        digest, _, name = line.partition("  ")
        if not _DIGEST.fullmatch(digest) or not name:
            problems.append(f"{MANIFEST}:{number}: is not '<sha256>  <file>'")
            continue
        why = unsafe_name(name)
        if not why:
            resolved = (folder / name).resolve()
            if resolved != inside and not resolved.is_relative_to(inside):
                why = "leads out of the dataset folder"
        if why:
            problems.append(f"{MANIFEST}:{number}: names {shorten(repr(name))}, which {why}")
            continue
        listed.add(name)
        path = folder / name
        if not path.is_file():
            problems.append(f"{MANIFEST}:{number}: lists {name}, which does not exist")
        elif sha256_file(path) != digest:
            problems.append(f"{MANIFEST}:{number}: sha256 of {name} differs from the manifest")
    for name in sorted(files_in(folder) - listed - {MANIFEST}):
        problems.append(f"{MANIFEST}: does not list {name}")
    return problems


_DIGEST = re.compile(r"[0-9a-f]{64}")


def unsafe_name(name: str) -> str:
    """Why a relative file name taken from data may not be used under a folder ("" when it may)."""
    if "\\" in name or "\0" in name or any(ord(c) < 32 for c in name):
        return "holds a backslash or a control character"
    path = PurePosixPath(name)
    if path.is_absolute():
        return "is an absolute path"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return "has an empty, '.' or '..' part"
    return ""
