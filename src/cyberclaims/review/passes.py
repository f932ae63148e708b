"""Recording a finished pass in the append-only register ``annotations/passes/SHA256SUMS``.

Only lines are added: a file already recorded is compared, never re-recorded, so a pass edited after it was
recorded stays an error (``pass-file-changed``) until it is restored; a corrected pass gets a new name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import CyberClaimsError, UsageError
from ..core.files import MAX_REGISTRY_BYTES, read_capped, sha256_file, write_file
from ..core.issues import Issue, Report, printable
from ..core.vocabulary import PASS_NAME, is_pass_name
from ..validation import validate
from ..validation.discovery import discover
from ..validation.pass_register import (
    REGISTER,
    odd_entries,
    pass_files,
    register_issues,
    register_line,
    register_lines,
)


@dataclass
class Recorded:
    name: str
    added: list[str] = field(default_factory=list)  # files recorded now
    already: list[str] = field(default_factory=list)  # files recorded before, unchanged


def record_pass(root: Path, name: str) -> Recorded:
    """Add every unrecorded file of pass ``name`` to the register (sorted lines, the old ones untouched).

    Refused (nothing written) when the pass does not exist, a recorded file changed or is gone, or the
    register cannot be read: recording must never hide an edit. Refused too when the pass holds what is not a
    regular file, or its own files do not validate: what is recorded stays as it is.
    """
    root = Path(root)
    if not is_pass_name(name):  # its lines would be ones the register's own check rejects
        raise UsageError(
            f"{printable(name)!r} is not a pass name ({PASS_NAME.pattern}): rename the folder of annotations/passes/"
        )
    passes = [c.name for c in discover(root)[1:] if c.folder.is_dir()]
    if name not in passes:
        raise UsageError(f"no pass {name!r} in annotations/passes/ (found: {', '.join(passes) or 'none'})")
    problems = [
        i
        for i in register_issues(root, passes)
        if i.code in ("pass-file-changed", "pass-file-missing", "pass-register-invalid")
        or (i.code == "pass-instructions-missing" and i.file == f"annotations/passes/{name}")
    ]
    if problems:
        raise CyberClaimsError(
            "the register or a recorded pass file is not as recorded (or the pass has no INSTRUCTIONS.md); "
            "nothing was written",
            Report(problems),
        )
    folder = root / "annotations" / "passes" / name
    odd = odd_entries(folder)
    if odd:  # a FIFO or a link in a finished pass would be left out of the register without a word
        raise CyberClaimsError(
            f"pass {name} holds what is not a regular file, so it cannot be recorded; nothing was written",
            Report(
                [
                    Issue(
                        f"annotations/passes/{name}/{printable(file)}",
                        None,
                        "",
                        "file-unreadable",
                        f"is {kind}, not a regular file: a pass file is a regular file; replace it with the file, "
                        f"or remove it",
                    )
                    for file, kind in sorted(odd.items())
                ]
            ),
        )
    # A recorded pass is never edited again: one whose own files do not validate (not JSON, out of the schema,
    # offsets past the text) would be recorded broken for good. The rest of the corpus may be in flux.
    _, report = validate(root, show_progress=False)
    invalid = [
        i
        for i in report.errors
        if i.file.startswith(f"annotations/passes/{name}/") and i.code != "pass-file-unrecorded"
    ]
    if invalid:
        raise CyberClaimsError(
            f"pass {name} does not validate, and a recorded pass can never be corrected (only made again under a "
            f"new name): fix it first; nothing was written",
            Report(invalid, report.files_checked),
        )
    register = root / "annotations" / "passes" / REGISTER
    text = ""
    if register.exists():
        data, _ = read_capped(register, str(register), MAX_REGISTRY_BYTES)
        text = (data or b"").decode("utf-8")
    entries, _ = register_lines(text.encode("utf-8"), str(register))
    result = Recorded(name)
    new_lines = []
    for file in pass_files(folder):
        key = f"{name}/{file}"
        if key in entries:
            result.already.append(file)
        else:
            new_lines.append(register_line(name, file, sha256_file(folder / file)))
            result.added.append(file)
    if new_lines:
        kept = [line + "\n" for line in text.splitlines() if line]
        lines = sorted(kept + new_lines, key=lambda line: line.split("  ", 1)[-1])
        write_file(register, "".join(lines).encode("utf-8"))
    return result
