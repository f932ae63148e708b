"""Passes are append-only: ``annotations/passes/SHA256SUMS`` records each pass file when it is first made.

The register has the ``sha256sum`` layout (``<hex>  <pass>/<file>``, one line a file, sorted), so that
``sha256sum -c`` can check it too. Validation compares every file of every pass folder with it: a file
that changed, one that is not recorded, one recorded but gone. Recording is
:func:`cyberclaims.review.passes.record_pass`; it only ever adds lines, and CI checks that a pull request
changes no line that its base already had (:func:`register_lines`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..core.files import MAX_REGISTRY_BYTES, entry_kinds, read_capped, sha256_file
from ..core.issues import Issue, printable
from ..core.vocabulary import PASS_NAME

REGISTER = "SHA256SUMS"
INSTRUCTIONS = "INSTRUCTIONS.md"
SUGGESTIONS = "SUGGESTIONS.json"
# A pass name is the schema's (core.vocabulary.PASS_NAME), without its anchors
_LINE = re.compile(
    rf"^(?P<digest>[0-9a-f]{{64}})  (?P<name>{PASS_NAME.pattern.strip('^$')})/(?P<file>[^/\x00-\x1f\x7f]+)$"
)


def register_line(name: str, file: str, digest: str) -> str:
    """One line of the register, as ``sha256sum`` writes it."""
    return f"{digest}  {name}/{file}\n"


def register_path(root: Path) -> Path:
    return Path(root) / "annotations" / "passes" / REGISTER


def file_sha256(path: Path) -> str | None:
    """The file's sha256 as ``cyberclaims passes record`` wrote it (``core.files.sha256_file``: read in blocks, so
    a file of any size is compared, not only one under a cap); None when it cannot be read."""
    try:
        return sha256_file(path)
    except OSError:
        return None


def register_lines(data: bytes, display: str) -> tuple[dict[str, tuple[str, int]], list[Issue]]:
    """The register's entries, ``"<pass>/<file>" -> (sha256, line)``, and what is malformed in it."""
    entries: dict[str, tuple[str, int]] = {}
    issues = []
    # Line by line: a line that is not UTF-8 is reported where it is, and the other lines still count (one bad
    # byte made every recorded file "unrecorded" before).
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            issues.append(
                Issue(display, number, "", "pass-register-invalid", f"is not UTF-8 text (byte {exc.start} of the line)")
            )
            continue
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            issues.append(
                Issue(
                    display,
                    number,
                    "",
                    "pass-register-invalid",
                    f"line {printable(line[:80])!r} is not '<sha256>  <pass>/<file>' (what `cyberclaims passes "
                    f"record` writes)",
                )
            )
            continue
        digest, name, file = match.group("digest", "name", "file")
        key = f"{name}/{file}"
        if key in entries:
            issues.append(
                Issue(
                    display,
                    number,
                    "",
                    "pass-register-invalid",
                    f"{key} is recorded twice (first on line {entries[key][1]}); a file is recorded once",
                )
            )
            continue
        entries[key] = (digest, number)
    return entries, issues


def pass_files(folder: Path) -> list[str]:
    """The names of the regular files of one pass folder, sorted (folders and links are discovery's finding)."""
    with os.scandir(folder) as scan:
        return sorted(e.name for e in scan if e.is_file(follow_symlinks=False))


def odd_entries(folder: Path) -> dict[str, str]:
    """The entries of one pass folder that are neither a regular file nor a folder (a FIFO, a device, a link),
    by name, with what each is: a pass file is a regular file, so recording or checking one never reads them."""
    return {name: kind for name, kind in entry_kinds(folder).items() if kind not in ("", "a folder")}


def register_issues(root: Path, pass_names: list[str]) -> list[Issue]:
    """Every file of every pass compared with the register, and each pass's instructions looked for."""
    passes = Path(root) / "annotations" / "passes"
    display = f"annotations/passes/{REGISTER}"
    path = passes / REGISTER
    entries: dict[str, tuple[str, int]] = {}
    issues: list[Issue] = []
    if path.is_symlink():
        return [
            Issue(
                display,
                None,
                "",
                "pass-register-invalid",
                f"is a symbolic link to {printable(os.readlink(path))!r}; the register must be a regular file",
            )
        ]
    if path.exists() and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file (a FIFO, a device or a socket)"
        return [Issue(display, None, "", "pass-register-invalid", f"is {kind}; the register must be a regular file")]
    if path.exists() and path.stat().st_size == 0:
        pass  # an empty register: nothing recorded yet
    elif path.exists():
        data, read_issues = read_capped(path, display, MAX_REGISTRY_BYTES)
        issues += read_issues
        if data is not None:
            entries, found = register_lines(data, display)
            issues += found
    elif not pass_names:
        return []
    seen: set[str] = set()
    for name in pass_names:
        folder = passes / name
        files = pass_files(folder)
        odd = odd_entries(folder)
        if INSTRUCTIONS in odd:
            issues.append(
                Issue(
                    f"annotations/passes/{name}/{INSTRUCTIONS}",
                    None,
                    "",
                    "pass-instructions-missing",
                    f"is {odd[INSTRUCTIONS]}, not a regular file: commit the exact instructions its annotator "
                    f"received beside the pass, as a file",
                )
            )
        elif INSTRUCTIONS not in files:
            issues.append(
                Issue(
                    f"annotations/passes/{name}",
                    None,
                    "",
                    "pass-instructions-missing",
                    f"has no {INSTRUCTIONS}: commit the exact instructions its annotator received beside the pass",
                )
            )
        for file, kind in sorted(odd.items()):
            key = f"{name}/{file}"
            if key in entries:  # a recorded file replaced by something else: changed, not gone
                seen.add(key)
                issues.append(
                    Issue(
                        f"annotations/passes/{key}",
                        None,
                        "",
                        "pass-file-changed",
                        f"is {kind}, not the regular file {display} recorded (line {entries[key][1]}): a pass is "
                        f"never edited; restore it (git checkout)",
                    )
                )
        for file in files:
            key = f"{name}/{file}"
            seen.add(key)
            where = f"annotations/passes/{key}"
            if key not in entries:
                issues.append(
                    Issue(
                        where,
                        None,
                        "",
                        "pass-file-unrecorded",
                        f"is not recorded in {display}; once the pass is finished, run `cyberclaims passes "
                        f"record {name}` and commit the register with it",
                    )
                )
            elif file_sha256(folder / file) != entries[key][0]:
                issues.append(
                    Issue(
                        where,
                        None,
                        "",
                        "pass-file-changed",
                        f"differs from what {display} recorded (line {entries[key][1]}): a pass is never edited; "
                        f"restore it (git checkout) and make a corrected pass under a new name",
                    )
                )
    for key, (_, line) in sorted(entries.items(), key=lambda kv: kv[1][1]):
        if key not in seen:
            issues.append(
                Issue(
                    display,
                    line,
                    "",
                    "pass-file-missing",
                    f"records annotations/passes/{key}, which is gone: a recorded pass file is never deleted",
                )
            )
    return issues
