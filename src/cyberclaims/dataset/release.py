"""A release in one tagged step: the checks, then ``dataset/`` uploaded to the Hugging Face Hub and tagged,
then every config loaded back from the Hub at that tag.

The steps, in order (:data:`STEPS`), are the same for the GitHub workflow on ``v*`` tags
(``.github/workflows/release.yml``, one job step each, through ``.ci/release``) and for ``cyberclaims
release`` on a developer's machine; ``--dry-run`` runs the checks for real and prints every file and
operation the others would send, sending nothing:

1. ``check``: the tag is ``v<version>`` of the single-source version (``cyberclaims.__version__``), with a
   ``CHANGELOG.md`` entry dated as ``CITATION.cff``; the addresses are not the placeholder; the files a release
   commits (``.zenodo.json``, the released split list ``releases/splits.json`` that ``validate`` holds every
   released article to) are what ``--prepare`` makes of the sources;
2. ``build-check``: ``cyberclaims build --check``;
3. ``validate-dataset``: ``cyberclaims validate dataset/``;
4. ``publish``: ``HfApi.upload_folder`` of ``dataset/`` (remote files it no longer holds are deleted: a stale
   shard would be read by ``load_dataset``), then ``HfApi.create_tag`` on the commit that upload made;
5. ``smoke-test``: ``load_dataset(<hub id>, <config>, split=..., revision=<tag>)`` for every config and split of
   the card, each with the number of rows the card gives.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.errors import CyberClaimsError, UsageError
from ..core.files import read_capped, write_file
from ..core.project import Addresses, addresses
from ..core.wording import count
from ..validation.released import RELEASED_SPLITS, load_released_splits
from .citation import ZENODO_FILE, read_cff, zenodo_json
from .layout import shards
from .manifest import MANIFEST, files_in, verify_manifest

STEPS = ("check", "build-check", "validate-dataset", "publish", "smoke-test")
STEP_TITLES = {
    "check": "the tag is the version, with a CHANGELOG entry; real addresses; the release files prepared",
    "build-check": "the committed dataset/ is what the sources build (build --check)",
    "validate-dataset": "every row of dataset/ validates (validate dataset/)",
    "publish": "upload dataset/ to the Hub (upload_folder), then tag the uploaded commit (create_tag)",
    "smoke-test": "load every config from the Hub at the tag (load_dataset)",
}
TAG = re.compile(r"v(\d+\.\d+\.\d+(?:[-.+][0-9A-Za-z.\-]+)?)")


class ReleaseError(CyberClaimsError):
    """A release step failed: the data or the repository is not ready (exit status 1); the message says why."""


def default_tag() -> str:
    return f"v{__version__}"


def release_problems(root: Path, tag: str) -> list[str]:
    """Why ``tag`` cannot be released from the repository at ``root`` (nothing is written); [] when it can."""
    root = Path(root)
    problems = []
    if tag != default_tag():
        problems.append(
            f"the tag {tag!r} is not the version: src/cyberclaims/__init__.py says {__version__!r}, so the "
            f"tag must be {default_tag()!r}"
        )
    dated = changelog_date(root / "CHANGELOG.md", __version__)
    cff_path = root / "CITATION.cff"
    cff = read_cff(cff_path) if cff_path.is_file() else {}
    if dated is None:
        problems.append(f"CHANGELOG.md has no entry '## [{__version__}] - YYYY-MM-DD' for this version")
    if not cff:
        problems.append("there is no CITATION.cff")
    else:
        for field, value in (("version", cff.get("version")), ("preferred-citation version", _cited(cff))):
            if str(value) != __version__:
                problems.append(f"CITATION.cff {field} is {value!r}, not {__version__!r}")
        if dated is not None and str(cff.get("date-released")) != dated:
            problems.append(
                f"CITATION.cff date-released is {cff.get('date-released')!r}, not the CHANGELOG's date {dated!r}"
            )
    where = addresses(root)
    for placeholder in where.placeholders():
        problems.append(
            f"{where.source}: [project.urls] {placeholder} is the placeholder: set the real address before a release"
        )
    for name, made in prepared_files(root).items():
        if _read(root / name) != made:
            problems.append(
                f"{name} is not what `cyberclaims release --prepare` makes of the sources: run it and commit"
            )
    return problems


def _cited(cff: dict[str, Any]) -> Any:
    cited = cff.get("preferred-citation")
    return cited.get("version") if isinstance(cited, dict) else None


def changelog_date(changelog: Path, version: str) -> str | None:
    """The date of ``version``'s entry in ``CHANGELOG.md`` (``## [version] - YYYY-MM-DD``), or None."""
    if not changelog.is_file():
        return None
    text = changelog.read_text(encoding="utf-8")
    found = re.search(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$", text, re.M)
    return found.group(1) if found else None


def _read(path: Path) -> bytes | None:
    if not path.is_file():
        return None
    data, _ = read_capped(path, str(path), 16 << 20)
    return data


def prepared_files(root: Path) -> dict[str, bytes]:
    """The files a release commits that are made from the sources, by name: ``.zenodo.json`` from CITATION.cff,
    and the released split list (``releases/splits.json``): the splits of the releases before it, never
    changed, and those of the articles ``dataset/`` adds."""
    root = Path(root)
    made = {}
    if (root / "CITATION.cff").is_file():
        made[ZENODO_FILE] = zenodo_json(root / "CITATION.cff")
    if (root / "dataset" / "data" / "documents").is_dir():
        released, _ = load_released_splits(root)
        splits = {**dataset_splits(root / "dataset"), **released}  # a released article keeps its split
        text = json.dumps({"version": __version__, "splits": dict(sorted(splits.items()))}, indent=2)
        made[RELEASED_SPLITS.as_posix()] = (text + "\n").encode("utf-8")
    return made


def dataset_splits(folder: Path) -> dict[str, str]:
    """The split of each article of a built dataset (its ``documents`` rows)."""
    import pyarrow.parquet as pq

    splits = {}
    for path in shards(folder, "documents"):
        table = pq.read_table(path, columns=["id", "metadata"])
        for article_id, metadata in zip(table.column("id").to_pylist(), table.column("metadata").to_pylist()):
            splits[article_id] = metadata["split"]
    return splits


def prepare(root: Path) -> list[str]:
    """Write the files :func:`prepared_files` makes; the names of those that changed."""
    changed = []
    for name, data in prepared_files(root).items():
        if _read(Path(root) / name) != data:
            (Path(root) / name).parent.mkdir(parents=True, exist_ok=True)
            write_file(Path(root) / name, data)
            changed.append(name)
    return changed


@dataclass
class ReleasePlan:
    """What a release of ``folder`` sends to the Hub: its files, the operations and their arguments."""

    tag: str
    where: Addresses
    folder: Path
    files: list[tuple[str, int]]  # (path in the repository, bytes), as upload_folder sends them
    splits: dict[str, dict[str, int]]  # config -> split -> rows, from the card

    @property
    def hub_id(self) -> str:
        return self.where.hub_id

    def create_repo_arguments(self) -> dict[str, Any]:
        return {"repo_id": self.hub_id, "repo_type": "dataset", "exist_ok": True}

    def upload_arguments(self) -> dict[str, Any]:
        # delete_patterns="*": a remote file this folder no longer holds (a shard renamed by a regrown corpus)
        # is deleted in the same commit; huggingface_hub never deletes .gitattributes, nor a file it uploads.
        return {
            "repo_id": self.hub_id,
            "repo_type": "dataset",
            "folder_path": str(self.folder),
            "commit_message": f"Release {self.tag}",
            "delete_patterns": "*",
        }

    def tag_arguments(self, revision: str) -> dict[str, Any]:
        return {
            "repo_id": self.hub_id,
            "repo_type": "dataset",
            "tag": self.tag,
            "tag_message": f"CyberClaims {self.tag}",
            "revision": revision,
        }

    def describe_publish(self) -> list[str]:
        size = sum(n for _, n in self.files)
        lines = [
            f"would create the dataset repository {self.hub_id} if it does not exist (HfApi.create_repo, exist_ok=True)",
            f"would upload {count(len(self.files), 'file')} ({size:,} bytes) from {self.folder} to "
            f"{self.where.dataset} in one commit 'Release {self.tag}' (HfApi.upload_folder), deleting every other "
            f"file there but .gitattributes:",
        ]
        lines += [f"  {name}  {n:,} bytes" for name, n in self.files]
        lines.append(f"would tag that commit {self.tag} (HfApi.create_tag, revision=<the uploaded commit>)")
        return lines

    def describe_smoke_test(self) -> list[str]:
        lines = [
            f"would load every config from {self.hub_id} at revision {self.tag} and compare its rows with the card:"
        ]
        for config, splits in self.splits.items():
            for split, rows in splits.items():
                lines.append(
                    f'  load_dataset("{self.hub_id}", "{config}", split="{split}", revision="{self.tag}"): '
                    f"{count(rows, 'row')}"
                )
        return lines


def plan_release(root: Path, tag: str, folder: Path | None = None) -> ReleasePlan:
    """What a release of ``folder`` (default ``root/dataset``) would send, read from the folder and the card."""
    folder = Path(folder) if folder is not None else Path(root) / "dataset"
    if not (folder / "README.md").is_file() or not (folder / MANIFEST).is_file():
        raise UsageError(f"{folder} is not a built dataset (no README.md or {MANIFEST}): run `cyberclaims build`")
    names = upload_names(folder)
    return ReleasePlan(
        tag, addresses(root), folder, [(n, (folder / n).stat().st_size) for n in names], card_splits(folder)
    )


def upload_names(folder: Path) -> list[str]:
    """The files ``upload_folder`` sends from ``folder``: all but those huggingface_hub always leaves out
    (``.git/``, its own cache), by the same filter it applies."""
    from huggingface_hub.utils import DEFAULT_IGNORE_PATTERNS, filter_repo_objects

    return sorted(filter_repo_objects(sorted(files_in(folder)), ignore_patterns=DEFAULT_IGNORE_PATTERNS))


def card_splits(folder: Path) -> dict[str, dict[str, int]]:
    """config -> split -> rows, as the card's ``dataset_info`` says (what ``load_dataset`` must return)."""
    from huggingface_hub import DatasetCard

    infos = DatasetCard.load(folder / "README.md").data.to_dict().get("dataset_info") or []
    return {
        info["config_name"]: {split["name"]: int(split["num_examples"]) for split in info.get("splits", [])}
        for info in (infos if isinstance(infos, list) else [infos])
    }


def publish(plan: ReleasePlan, api: Any = None) -> str:
    """Upload the folder and tag the commit it made; the commit's id. ``api``: an ``HfApi`` (default: one
    with the token of ``HF_TOKEN`` or ``hf auth login``)."""
    from huggingface_hub import HfApi, get_token

    if api is None:
        if get_token() is None:
            raise UsageError("no Hugging Face token: set HF_TOKEN (a write token) or run `hf auth login`")
        api = HfApi()
    api.create_repo(**plan.create_repo_arguments())
    commit = api.upload_folder(**plan.upload_arguments())
    api.create_tag(**plan.tag_arguments(commit.oid))
    return str(commit.oid)


def smoke_test(
    source: str, splits: dict[str, dict[str, int]], revision: str | None, log: Callable[[str], None] = print
) -> list[str]:
    """Load every config and split of ``source`` (a Hub id or a folder) with ``datasets.load_dataset`` at
    ``revision``, in a fresh cache; the differences from the rows ``splits`` expects ([] when none)."""
    import datasets

    problems = []
    with tempfile.TemporaryDirectory(prefix="cyberclaims-smoke-") as cache:
        for config, by_split in splits.items():
            for split, expected in by_split.items():
                loaded = datasets.load_dataset(source, config, split=split, revision=revision, cache_dir=cache)
                line = f'load_dataset("{source}", "{config}", split="{split}", revision={revision!r}): {count(loaded.num_rows, "row")}'
                log(line)
                if loaded.num_rows != expected:
                    problems.append(f"{line}, the card says {expected}")
    return problems


def run_release(
    root: Path,
    tag: str,
    *,
    steps: tuple[str, ...] = STEPS,
    dry_run: bool = False,
    log: Callable[[str], None] = print,
    jobs: int | None = None,
) -> list[str]:
    """Run ``steps`` (in :data:`STEPS` order) for ``tag``; the problems found ([] when the release is done).

    A real run stops at the first step that fails (nothing is uploaded after a failed check: the publish step
    checks again). A dry run sends nothing and goes on, so that it lists every file and operation."""
    root = Path(root)
    problems: list[str] = []
    plan = plan_release(root, tag)
    for step in [s for s in STEPS if s in steps]:
        log(f"== {step}: {STEP_TITLES[step]}")
        found = _run_step(step, root, plan, dry_run, log, jobs)
        for problem in found:
            log(f"refused: {problem}")
        problems += found
        if found and not dry_run:
            break
    return problems


def _run_step(
    step: str, root: Path, plan: ReleasePlan, dry_run: bool, log: Callable[[str], None], jobs: int | None
) -> list[str]:
    if step == "check":
        found = release_problems(root, plan.tag)
        if not found:
            log(f"{plan.tag} is version {__version__}, dated in CHANGELOG.md and CITATION.cff; {plan.where.dataset}")
        return found
    if step == "build-check":
        from .freshness import check

        result = check(root, plan.folder, jobs=jobs)
        log(f"compared {result.method}")
        return [f"stale: {difference}" for difference in result.differences]
    if step == "validate-dataset":
        from .verify import validate_dataset

        report = validate_dataset(plan.folder, root)
        for issue in report.sorted_issues():
            log(issue.to_text())
        log(report.summary())
        return [f"{plan.folder} does not validate ({report.summary()})"] if not report.ok else []
    if step == "publish":
        if dry_run:
            for line in plan.describe_publish():
                log(line)
            return []
        refused = release_problems(root, plan.tag) + verify_manifest(plan.folder)
        if refused:
            return refused
        commit = publish(plan)
        log(f"uploaded {count(len(plan.files), 'file')} to {plan.where.dataset} as commit {commit}, tagged {plan.tag}")
        return []
    if dry_run:
        for line in plan.describe_smoke_test():
            log(line)
        return []
    return smoke_test(plan.hub_id, plan.splits, plan.tag, log)
