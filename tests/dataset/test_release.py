"""A release (cyberclaims.dataset.release): what is refused before anything is sent, what would be sent, and
the smoke test's loading, on made-up repositories. The network calls themselves (upload_folder, create_tag,
load_dataset from the Hub) run only in the release workflow; here their arguments are bound to the installed
huggingface_hub's own signatures and the file list is made by its own filter."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, cli, tree
from cyberclaims import __version__
from cyberclaims.core.errors import UsageError
from cyberclaims.core.project import addresses, parse_addresses
from cyberclaims.dataset.citation import ZENODO_FILE, zenodo_json
from cyberclaims.dataset.manifest import MANIFEST
from cyberclaims.dataset.release import (
    STEPS,
    card_splits,
    plan_release,
    prepare,
    release_problems,
    run_release,
    smoke_test,
)

REAL = ("https://github.com/acme-research/cyberclaims", "https://huggingface.co/datasets/acme-research/cyberclaims")
PLACEHOLDER = ("https://github.com/PLACEHOLDER/cyberclaims", "https://huggingface.co/datasets/PLACEHOLDER/cyberclaims")
TAG = f"v{__version__}"


def release_files(root: Path, urls: tuple[str, str] = REAL, date: str = "2031-02-03") -> Path:
    """The files a release reads beside the data: a pyproject.toml with ``urls``, a CHANGELOG entry and a
    CITATION.cff of this version dated ``date``, and the prepared .zenodo.json."""
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "cyberclaims"\n\n[project.urls]\nRepository = "{urls[0]}"\nDataset = "{urls[1]}"\n',
        encoding="utf-8",
    )
    (root / "CHANGELOG.md").write_text(
        f"# Changelog\n\n## [Unreleased]\n\n## [{__version__}] - {date}\n\nFirst.\n", encoding="utf-8"
    )
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    cff.update({"version": __version__, "date-released": date, "repository-code": urls[0], "url": urls[1]})
    cff["preferred-citation"]["version"] = __version__
    (root / "CITATION.cff").write_text(yaml.safe_dump(cff, sort_keys=False), encoding="utf-8")
    prepare(root)
    return root


def test_a_ready_repository_has_no_problem(tmp_path):
    assert release_problems(release_files(tmp_path), TAG) == []


def test_the_placeholder_address_is_refused_at_release_time(tmp_path):
    problems = release_problems(release_files(tmp_path, PLACEHOLDER), TAG)
    assert len(problems) == 2 and all("is the placeholder" in p for p in problems), problems
    assert "Repository = 'https://github.com/PLACEHOLDER/cyberclaims'" in problems[0]
    assert addresses(tmp_path).hub_id == "PLACEHOLDER/cyberclaims"


def test_the_tag_must_be_the_version_with_a_changelog_entry(tmp_path):
    root = release_files(tmp_path)
    [problem] = release_problems(root, "v99.0.0")
    assert f"the tag must be {TAG!r}" in problem
    changelog = root / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(f"## [{__version__}]", "## [0.0.9]"), encoding="utf-8")
    assert release_problems(root, TAG) == [
        f"CHANGELOG.md has no entry '## [{__version__}] - YYYY-MM-DD' for this version"
    ]


def test_the_citation_must_be_this_version_of_the_changelogs_date(tmp_path):
    root = release_files(tmp_path)
    (root / "CHANGELOG.md").write_text(f"## [{__version__}] - 2031-02-04\n", encoding="utf-8")
    [problem] = release_problems(root, TAG)
    assert problem == "CITATION.cff date-released is '2031-02-03', not the CHANGELOG's date '2031-02-04'"


def test_zenodo_metadata_is_made_from_the_citation_and_checked(tmp_path):
    root = release_files(tmp_path)
    zenodo = yaml.safe_load((root / ZENODO_FILE).read_text(encoding="utf-8"))  # JSON is YAML
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert zenodo["title"] == cff["title"] and zenodo["version"] == __version__
    assert zenodo["publication_date"] == "2031-02-03" and zenodo["upload_type"] == "dataset"
    assert zenodo["creators"] == [{"name": a["name"]} for a in cff["authors"]]
    assert {r["identifier"] for r in zenodo["related_identifiers"]} == set(REAL)
    cff_text = (root / "CITATION.cff").read_text(encoding="utf-8")
    (root / "CITATION.cff").write_text(cff_text.replace("keywords:", "keywords:\n- disinformation"))
    [problem] = release_problems(root, TAG)
    assert problem.startswith(f"{ZENODO_FILE} is not what `cyberclaims release --prepare` makes")
    assert prepare(root) == [ZENODO_FILE] and prepare(root) == []
    assert (root / ZENODO_FILE).read_bytes() == zenodo_json(root / "CITATION.cff")


@pytest.mark.parametrize(
    ("urls", "message"),
    [
        ({"Repository": REAL[0]}, "has no Dataset address"),
        ({"Repository": "github.com/acme/cyberclaims", "Dataset": REAL[1]}, "is not https://HOST/OWNER/NAME"),
        ({"Repository": REAL[0], "Dataset": "https://huggingface.co/acme/cyberclaims"}, "datasets/OWNER/NAME"),
    ],
)
def test_an_address_that_is_not_one_is_a_usage_error(urls, message):
    with pytest.raises(UsageError, match=message):
        parse_addresses(urls, "pyproject.toml")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A made-up repository ready for a release: the minimal corpus, built, with real-looking addresses."""
    root = tmp_path_factory.mktemp("release") / "repo"
    shutil.copytree(ROOT / "tests" / "cases" / "valid" / "minimal", root)
    release_files(root)
    assert cli("build", cwd=root).returncode == 0
    assert prepare(root) == ["releases/splits.json"]  # the split list this release publishes
    return root


def test_the_plan_sends_the_built_folder_as_huggingface_hub_would(built):
    from huggingface_hub import HfApi

    plan = plan_release(built, TAG)
    listed = (built / "dataset" / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert [name for name, _ in plan.files] == sorted([line.split("  ", 1)[1] for line in listed] + [MANIFEST])
    assert all(size == (built / "dataset" / name).stat().st_size for name, size in plan.files)
    upload = plan.upload_arguments()
    assert upload["repo_id"] == "acme-research/cyberclaims" and upload["repo_type"] == "dataset"
    assert upload["delete_patterns"] == "*"  # a shard the folder no longer holds is deleted in the same commit
    # the installed huggingface_hub takes these arguments as they are
    inspect.signature(HfApi.create_repo).bind(None, **plan.create_repo_arguments())
    inspect.signature(HfApi.upload_folder).bind(None, **upload)
    tag = plan.tag_arguments("0" * 40)
    inspect.signature(HfApi.create_tag).bind(None, **tag)
    assert (tag["tag"], tag["revision"]) == (TAG, "0" * 40)


def test_the_smoke_test_loads_every_config_and_compares_with_the_card(built, hf_cache):
    folder = built / "dataset"
    splits = card_splits(folder)
    assert set(splits) == {p.name for p in (folder / "data").iterdir()}
    lines: list[str] = []
    assert smoke_test(str(folder), splits, None, lines.append) == []
    assert len(lines) == sum(len(s) for s in splits.values())
    documents = next(iter(splits["documents"]))
    splits["documents"][documents] += 1
    [problem] = smoke_test(str(folder), {"documents": splits["documents"]}, None, lambda line: None)
    assert problem.endswith(f"the card says {splits['documents'][documents]}")


def test_a_dry_run_checks_lists_everything_and_sends_nothing(built):
    before = tree(built)
    lines: list[str] = []
    assert run_release(built, TAG, dry_run=True, log=lines.append) == []
    assert tree(built) == before
    text = "\n".join(lines)
    assert [line.split(":")[0][3:] for line in lines if line.startswith("== ")] == list(STEPS)
    for name, size in plan_release(built, TAG).files:
        assert f"  {name}  {size:,} bytes" in lines
    assert text.index("HfApi.upload_folder") < text.index(f"would tag that commit {TAG} (HfApi.create_tag")
    split = next(iter(card_splits(built / "dataset")["documents"]))
    assert f'load_dataset("acme-research/cyberclaims", "documents", split="{split}", revision="{TAG}")' in text


def test_a_release_stops_at_the_first_failed_step(built, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    release_files(root, PLACEHOLDER)
    lines: list[str] = []
    problems = run_release(root, TAG, log=lines.append)  # not a dry run: it would publish
    assert len(problems) == 2 and [line for line in lines if line.startswith("== ")] == [lines[0]]
    assert lines[0].startswith("== check:")


def test_a_released_article_keeps_its_split(built, tmp_path):
    """Stable splits: --prepare records each released article's split and never changes it; validate and build
    then refuse an article moved to another split (split-changed, at its metadata.split)."""
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    released = json.loads((root / "releases" / "splits.json").read_text(encoding="utf-8"))
    assert released == {"version": __version__, "splits": {"acme-breach": "train"}}
    document = root / "annotations" / "acme-breach.json"
    document.write_text(document.read_text(encoding="utf-8").replace('"split": "train"', '"split": "test"'))
    assert prepare(root) == []  # the released split stays: the move is not recorded
    for command in (["validate"], ["build"], ["build", "--check"]):
        run = cli(*command, cwd=root)
        assert run.returncode == 1, run.output
        line = next(n for n, text in enumerate(document.read_text().splitlines(), 1) if '"split"' in text)
        assert (
            f"annotations/acme-breach.json:{line}: split-changed: moves the article from 'train', its split in a "
            f"published release (releases/splits.json), to 'test'"
        ) in run.stdout
    assert release_problems(root, TAG) == []  # the release files are prepared; validate is what refuses
