"""``cyberclaims release`` and the release workflow on ``v*`` tags: the same steps, in the same order."""

from __future__ import annotations

import shlex
import subprocess

import pytest
import yaml

from conftest import ROOT, cli, copy_repository, tree
from cyberclaims import __version__
from cyberclaims.core.project import addresses
from cyberclaims.dataset.release import STEPS, plan_release

WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def test_the_workflow_runs_the_release_steps_in_order_on_version_tags():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as True
    [job] = workflow["jobs"].values()
    steps = job["steps"]
    assert [s.get("uses", "").split("@")[0] for s in steps[:2]] == ["actions/checkout", "actions/setup-python"]
    runs = [shlex.split(s["run"]) for s in steps[2:]]
    assert all(words[0] == ".ci/release" and words[2:] == ["$GITHUB_REF_NAME"] for words in runs), runs
    # every step of `cyberclaims release` in its order (checks, then upload and tag, then the smoke test),
    # then the GitHub release that Zenodo archives
    assert [words[1] for words in runs] == [*STEPS, "github-release"]
    assert [s["name"] for s in steps[2:]] == [words[1] for words in runs]
    assert STEPS.index("publish") > max(STEPS.index(s) for s in ("check", "build-check", "validate-dataset"))
    assert STEPS.index("smoke-test") > STEPS.index("publish")
    # the Hub token reaches the publish step only
    tokens = [s["name"] for s in steps if "HF_TOKEN" in s.get("env", {})]
    publish = next(s for s in steps if s.get("name") == "publish")
    assert tokens == ["publish"] and publish["env"]["HF_TOKEN"] == "${{ secrets.HF_TOKEN }}"


def test_the_workflows_script_passes_each_step_to_cyberclaims_release():
    script = (ROOT / ".ci" / "release").read_text(encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "release")]).returncode == 0
    assert '*) exec .venv/bin/cyberclaims "${args[@]}" --step "$step" ;;' in script
    assert 'dry-run) exec .venv/bin/cyberclaims "${args[@]}" --dry-run ;;' in script


@pytest.mark.corpus
def test_a_dry_run_of_this_repository_lists_the_upload_and_the_tag_and_changes_nothing():
    before = tree(ROOT / "dataset")
    run = cli("release", "--dry-run", cwd=ROOT)
    assert tree(ROOT / "dataset") == before
    tag = f"v{__version__}"
    for name, size in plan_release(ROOT, tag).files:
        assert f"  {name}  {size:,} bytes" in run.stdout.splitlines()
    where = addresses(ROOT)
    assert f"to {where.dataset} in one commit 'Release {tag}' (HfApi.upload_folder)" in run.stdout
    assert f"would tag that commit {tag} (HfApi.create_tag" in run.stdout
    assert f'load_dataset("{where.hub_id}", "documents", split=' in run.stdout
    # refused while the addresses are the placeholder; otherwise ready (the other checks pass on main)
    placeholders = where.placeholders()
    assert run.returncode == (1 if placeholders else 0), run.output
    for placeholder in placeholders:
        assert f"refused: pyproject.toml: [project.urls] {placeholder} is the placeholder" in run.stdout


def test_prepare_writes_the_zenodo_metadata_once(tmp_path):
    root = copy_repository(tmp_path / "repo")
    run = cli("release", "--prepare", cwd=root)
    assert run.returncode == 0 and run.stdout.strip() == "wrote .zenodo.json"
    assert (root / ".zenodo.json").read_bytes() == (ROOT / ".zenodo.json").read_bytes()
    assert cli("release", "--prepare", cwd=root).stdout.strip() == "the release files are up to date"


def test_a_step_alone_runs_alone():
    run = cli("release", "--step", "check", "--tag", "v0.0.0-not-this", cwd=ROOT)
    assert run.returncode == 1
    assert [line for line in run.stdout.splitlines() if line.startswith("== ")] == [
        "== check: the tag is the version, with a CHANGELOG entry; real addresses; the release files prepared"
    ]
    assert (
        f"the tag 'v0.0.0-not-this' is not the version: src/cyberclaims/__init__.py says {__version__!r}" in run.stdout
    )
