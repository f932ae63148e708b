"""The build: nothing written on invalid input, deterministic bytes, --check, card vs Parquet."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from conftest import ARTICLE_IDS, ROOT, SPLIT_OF, copy_repository, run_cli, tree

pytestmark = pytest.mark.corpus


def front_matter(card: Path) -> dict:
    text = card.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_build_is_byte_for_byte_deterministic(repo: Path, tmp_path: Path):
    assert run_cli("build", "--output", tmp_path / "one", cwd=repo).returncode == 0
    assert run_cli("build", "--output", tmp_path / "two", cwd=repo).returncode == 0
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert any(name.endswith(".parquet") for name in one)
    assert one == two


def test_committed_dataset_is_up_to_date():
    run = run_cli("build", "--check")
    assert run.returncode == 0, run.output
    assert "up to date" in run.stdout and "compared" in run.stdout


def test_check_detects_a_stale_dataset(tmp_path: Path):
    repo = copy_repository(tmp_path / "repo", with_dataset=True)
    path = repo / "annotations" / f"{ARTICLE_IDS[0]}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["notes"] = "changed after the last build"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    run = run_cli("build", "--check", cwd=repo)
    assert run.returncode == 1
    assert "stale: data/documents/" in run.stdout


def test_invalid_sources_write_nothing(tmp_path: Path):
    repo = copy_repository(tmp_path / "repo", with_dataset=True)
    before = tree(repo / "dataset")
    path = repo / "annotations" / f"{ARTICLE_IDS[0]}.json"
    split = SPLIT_OF[ARTICLE_IDS[0]]
    path.write_text(
        path.read_text(encoding="utf-8").replace(f'"split": "{split}"', '"split": "no-such-split"'), encoding="utf-8"
    )
    run = run_cli("build", cwd=repo)
    assert run.returncode == 1
    assert "schema-enum" in run.stdout and "nothing was written" in run.stderr
    assert tree(repo / "dataset") == before
    assert sorted(p.name for p in repo.iterdir()) == ["CITATION.cff", "annotations", "dataset", "pyproject.toml"]


def test_build_replaces_the_previous_dataset_whole(repo: Path):
    assert run_cli("build", cwd=repo).returncode == 0
    stale = repo / "dataset" / "data" / "old_config" / "test-00000-of-00001.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"not parquet")
    assert run_cli("build", cwd=repo).returncode == 0
    assert not stale.exists()
    assert sorted(p.name for p in repo.iterdir()) == ["CITATION.cff", "annotations", "dataset", "pyproject.toml"]


def test_built_files_get_the_permissions_of_files_the_user_makes(repo: Path):
    """Published as it is (copied, uploaded, served): not private to whoever ran the build."""
    import os
    import stat

    old_mask = os.umask(0o022)
    try:
        assert run_cli("build", cwd=repo).returncode == 0
    finally:
        os.umask(old_mask)
    folder = repo / "dataset"
    modes = {
        path.relative_to(folder).as_posix(): stat.S_IMODE(path.stat().st_mode) for path in [folder, *folder.rglob("*")]
    }
    assert modes["."] == 0o755
    assert {mode for name, mode in modes.items() if (folder / name).is_dir()} == {0o755}
    assert {mode for name, mode in modes.items() if (folder / name).is_file()} == {0o644}


def test_card_dataset_info_agrees_with_the_parquet_features():
    from datasets import Features
    from datasets.info import DatasetInfo

    meta = front_matter(ROOT / "dataset" / "README.md")
    infos = {info["config_name"]: info for info in meta["dataset_info"]}
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert configs["documents"].get("default") is True
    on_disk = sorted(p.name for p in (ROOT / "dataset" / "data").iterdir())
    assert sorted(configs) == sorted(infos) == on_disk
    for name, info in infos.items():
        card_features = DatasetInfo._from_yaml_dict(info).features
        for split in info["splits"]:
            files = sorted((ROOT / "dataset" / "data" / name).glob(f"{split['name']}-*.parquet"))
            assert files, (name, split)
            rows = 0
            for file in files:
                schema = pq.read_schema(file)
                stored = Features.from_arrow_schema(schema)
                assert stored == card_features, name
                assert (
                    Features.from_dict(json.loads(schema.metadata[b"huggingface"])["info"]["features"]) == card_features
                )
                rows += pq.ParquetFile(file).metadata.num_rows
            assert rows == split["num_examples"]


def test_parquet_file_names_follow_the_hub_pattern():
    for file in (ROOT / "dataset" / "data").rglob("*.parquet"):
        split, index, _, total = file.stem.split("-")
        assert split in {"train", "validation", "test"}
        assert len(index) == len(total) == 5 and int(index) < int(total)


def test_manifest_lists_every_file():
    manifest = (ROOT / "dataset" / "SHA256SUMS").read_text().splitlines()
    listed = {line.split("  ", 1)[1] for line in manifest}
    files = {p.relative_to(ROOT / "dataset").as_posix() for p in (ROOT / "dataset").rglob("*") if p.is_file()}
    assert listed == files - {"SHA256SUMS"}


def test_freshness_across_pyarrow_releases_compares_rows(tmp_path: Path):
    """A committed dataset written by another pyarrow (another created_by in every footer, as on another
    Python) is fresh by rows; a changed row is still caught. This is what .ci/run's rebuild step runs."""
    import shutil as _shutil

    import pyarrow as pa

    from cyberclaims.core.files import sha256_file
    from cyberclaims.dataset.freshness import main
    from cyberclaims.dataset.manifest import write_manifest

    def as_if_written_by(folder: Path, version: str) -> None:
        ours = f"parquet-cpp-arrow version {pa.__version__}".encode()
        theirs = f"parquet-cpp-arrow version {version}".encode()
        assert len(ours) == len(theirs)
        for shard in (folder / "data").rglob("*.parquet"):
            data = shard.read_bytes()
            assert ours in data
            shard.write_bytes(data.replace(ours, theirs))
        croissant = json.loads((folder / "croissant.json").read_text(encoding="utf-8"))
        for item in croissant["distribution"]:
            if "sha256" in item:
                item["sha256"] = sha256_file(folder / item["contentUrl"])
        (folder / "croissant.json").write_text(
            json.dumps(croissant, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        write_manifest(folder)

    committed = tmp_path / "committed"
    _shutil.copytree(ROOT / "dataset", committed)
    other = ".".join(
        str(int(pa.__version__.split(".")[0]) - 1 if i == 0 else part)
        for i, part in enumerate(pa.__version__.split("."))
    )
    other = other.rjust(len(pa.__version__), "0") if len(other) < len(pa.__version__) else other
    as_if_written_by(committed, other)
    assert pq.ParquetFile(next((committed / "data").rglob("*.parquet"))).metadata.created_by.endswith(other)
    assert main([str(ROOT / "dataset"), str(committed)]) == 0
    claims = next((committed / "data" / "claims").glob("*.parquet"))
    table = pq.read_table(claims)
    pq.write_table(table.slice(1), claims)
    assert main([str(ROOT / "dataset"), str(committed)]) == 1
