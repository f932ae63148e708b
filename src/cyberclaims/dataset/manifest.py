"""``SHA256SUMS``: the manifest of a built dataset, in ``sha256sum``'s format, written and verified."""

from __future__ import annotations

from pathlib import Path

from ..core.files import sha256_file, write_file

MANIFEST = "SHA256SUMS"


def files_in(folder: Path) -> set[str]:
    """Every file under ``folder``, as a relative POSIX path."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def write_manifest(folder: Path) -> None:
    """``SHA256SUMS`` in the format of ``sha256sum``, so ``sha256sum -c SHA256SUMS`` checks a copy."""
    lines = [f"{sha256_file(path)}  {path.relative_to(folder).as_posix()}\n"
             for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)]
    write_file(folder / MANIFEST, "".join(lines).encode("utf-8"))


def verify_manifest(folder: Path) -> list[str]:
    """Check every line of ``SHA256SUMS`` against the files, and that it lists every file."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return [f"{MANIFEST}: missing"]
    problems, listed = [], set()
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        listed.add(name)
        path = folder / name
        if not path.is_file():
            problems.append(f"{MANIFEST}:{number}: lists {name}, which does not exist")
        elif sha256_file(path) != digest:
            problems.append(f"{MANIFEST}:{number}: sha256 of {name} differs from the manifest")
    for name in sorted(files_in(folder) - listed - {MANIFEST}):
        problems.append(f"{MANIFEST}: does not list {name}")
    return problems
