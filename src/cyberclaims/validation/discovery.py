"""Discovery: the collections on disk (the gold ``annotations/`` and each pass), and what does not belong.

Only names are listed here; files are read by the runner. An entry that is neither an article file, a
registry nor documentation is an issue, so a misnamed file is never silently skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.adjudication import DECISIONS_FILE
from ..core.issues import Issue, has_control_character, printable
from ..core.model import ArticleFiles, Collection, relative
from ..core.vocabulary import ARTICLE_ID, PASS_NAME, PASS_NAME_MAX_LENGTH, REGISTRY_FILES, is_pass_name
from .pass_register import REGISTER, SUGGESTIONS

DOC_SUFFIXES = (".md", ".xml", ".cff")


_FOLDERS: dict[Path, Path] = {}


def _shared(folder: Path) -> Path:
    return _FOLDERS.setdefault(folder, folder)


def discover(root: Path) -> list[Collection]:
    """The gold collection (``annotations/``) and every pass (``annotations/passes/<name>/``)."""
    annotations = root / "annotations"
    gold = _collection("gold", annotations, annotations, root, texts_from=annotations, pairs=True)
    collections = [gold]
    passes = annotations / "passes"
    if passes.is_dir() and not passes.is_symlink():
        with os.scandir(passes) as scan:
            entries = sorted((e.name, e.is_symlink(), e.is_dir(follow_symlinks=False)) for e in scan)
        for name, is_symlink, is_dir in entries:
            folder = passes / name
            if has_control_character(name):
                gold.issues.append(_control_character_issue(folder, root))
            elif is_symlink and name == REGISTER:
                continue  # the register's own check says what it is (pass_register.register_issues)
            elif is_symlink:
                gold.issues.append(
                    Issue(
                        relative(folder, root),
                        None,
                        "",
                        "file-is-symlink",
                        f"is a symbolic link to {printable(os.readlink(folder))!r}; a pass must "
                        f"be a real folder of annotations/passes/, or it is not checked",
                    )
                )
            elif is_dir and not is_pass_name(name):
                gold.issues.append(
                    Issue(
                        relative(folder, root),
                        None,
                        "",
                        "invalid-file-name",
                        f"{printable(name)!r} is not a pass name ({PASS_NAME.pattern}, at most {PASS_NAME_MAX_LENGTH} "
                        f"characters): the register, provenance and decisions could not name it; rename the folder "
                        f"(it is not checked as a pass until then)",
                    )
                )
            elif not is_dir:
                if not name.endswith(DOC_SUFFIXES) and name != REGISTER:
                    gold.issues.append(
                        Issue(
                            relative(folder, root),
                            None,
                            "",
                            "unexpected-file",
                            "annotations/passes/ holds one folder per pass; move or remove it",
                        )
                    )
            else:
                has_registry = any((folder / n).exists() for n in REGISTRY_FILES)
                collections.append(
                    _collection(
                        name, folder, folder if has_registry else annotations, root, texts_from=annotations, pairs=False
                    )
                )
    return collections


def _control_character_issue(path: Path, root: Path) -> Issue:
    """A name with a control character (a newline, an escape) would forge lines of any report: refused."""
    return Issue(
        printable(relative(path, root)),
        None,
        "",
        "file-name-control-character",
        "has a control character in its name (shown escaped); rename it",
    )


def _collection(
    name: str, folder: Path, registry_folder: Path, root: Path, *, texts_from: Path, pairs: bool
) -> Collection:
    issues: list[Issue] = []
    # Names, not Path objects: a folder of 200k files would otherwise cost ~100 MB at once.
    jsons: set[str] = set()
    texts: set[str] = set()
    if not folder.is_dir():
        where = "exists" if folder.exists() else "found"
        hint = (
            f"no annotations/ folder {where} in {printable(str(root.resolve()))}: run cyberclaims at the "
            f"repository root, or pass --root <repository>"
            if name == "gold"
            else "folder not found"
        )
        return Collection(
            name, folder, registry_folder, [], [Issue(relative(folder, root), None, "", "file-unreadable", hint)]
        )
    with os.scandir(folder) as scan:
        entries = sorted((e.name, e.is_symlink(), e.is_dir(follow_symlinks=False)) for e in scan)
    for file_name, is_symlink, is_dir in entries:
        if has_control_character(file_name):
            issues.append(_control_character_issue(folder / file_name, root))
            continue
        stem, dot, suffix = file_name.rpartition(".")
        suffix = dot + suffix if dot else ""
        stem = stem if dot else file_name
        if (
            is_symlink
            or is_dir
            or suffix not in (".json", ".txt")
            or (file_name in REGISTRY_FILES and registry_folder == folder)
            or (file_name == DECISIONS_FILE and pairs)
            or not ARTICLE_ID.fullmatch(stem)
            or (not pairs and suffix == ".txt")
        ):
            issue = _entry_issue(folder / file_name, root, name, registry_folder == folder, pairs)
            if issue is not None:
                issues.append(issue)
            continue
        (jsons if suffix == ".json" else texts).add(stem)
    if not pairs:
        # A pass holds only labels; its texts are the gold texts.
        found = {
            stem for stem in jsons if (texts_from / f"{stem}.txt").exists() or (texts_from / f"{stem}.txt").is_symlink()
        }
    ids = sorted(jsons | texts) if pairs else sorted(jsons)
    text_dir = _shared(folder) if pairs else _shared(texts_from)
    json_dir = _shared(folder)
    articles = [
        ArticleFiles(i, json_dir if i in jsons else None, text_dir if (i in texts if pairs else i in found) else None)
        for i in ids
    ]
    return Collection(name, folder, registry_folder, articles, issues)


def _entry_issue(path: Path, root: Path, collection: str, owns_registries: bool, pairs: bool = True) -> Issue | None:
    """What is wrong with a folder entry that is not an article file (None: it belongs there)."""
    display = relative(path, root)
    if path.is_symlink():
        return Issue(
            display,
            None,
            "",
            "file-is-symlink",
            f"is a symbolic link to {printable(os.readlink(path))!r}; put the real file here",
        )
    if path.is_dir():
        if collection == "gold" and path.name == "passes":
            return None
        return Issue(display, None, "", "unexpected-file", "unexpected folder")
    if path.name in REGISTRY_FILES and owns_registries:
        return None
    if path.name == DECISIONS_FILE and collection == "gold":  # the adjudication's record, checked on its own
        return None
    if path.suffix in DOC_SUFFIXES:
        return None
    if not pairs and path.name == SUGGESTIONS:  # the suggestions a pass started from, as delivered
        return None
    if not pairs and path.suffix == ".txt":
        return Issue(
            display,
            None,
            "",
            "unexpected-file",
            "a pass holds only labels (<id>.json); its texts are the gold texts in annotations/: remove it",
        )
    if path.suffix not in (".json", ".txt"):
        return Issue(
            display,
            None,
            "",
            "unexpected-file",
            "is neither <id>.txt, <id>.json, a registry nor documentation; remove it",
        )
    return Issue(
        display,
        None,
        "",
        "invalid-file-name",
        f"{path.name!r} is not <id>{path.suffix} with an id matching {ARTICLE_ID.pattern}; rename it",
    )
