"""``build --check``: is the committed ``dataset/`` what the sources build today?

This is THE definition of a fresh dataset (README, "Deterministic builds"), used by ``build --check`` and
by ``.ci/run`` after it rebuilds in place (``python -m cyberclaims.dataset.freshness BUILT COMMITTED``).
With the same pyarrow release the files must be byte-identical. pyarrow writes its own version into
every Parquet footer (``created_by``), and pip resolves other releases on other Pythons, so across releases
the comparison falls back to rows, schemas and metadata (and the card, which does not depend on the
writer, byte for byte), and says so.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..core.files import sha256_file
from ..core.wording import count
from .build import BuildError, build_cache, build_into
from .manifest import MANIFEST, files_in, verify_manifest


@dataclass
class CheckResult:
    method: str  # how the files were compared, in words
    differences: list[str] = field(default_factory=list)
    runs: int = 0  # runs of articles rebuilt to compare (with a cache)
    reused: int = 0  # of them, taken from the cache
    cache_note: str = ""  # why the cache was not used, when it was refused

    @property
    def stale(self) -> bool:
        return bool(self.differences)


def check(
    root: Path,
    dataset: Path | None = None,
    *,
    show_progress: bool = True,
    jobs: int | None = None,
    viewer: bool | None = None,
    cache: bool = True,
) -> CheckResult:
    """Rebuild into a temporary folder and compare with the committed dataset (``viewer`` is ignored,
    as by :func:`build`). With ``cache``, the rebuild reuses the runs the builds of that dataset
    cached (see ``cache.py``): what it writes is byte for byte what a clean build writes.

    What the check may trust of the cache: an entry of a folder only this user can write, whose key is
    made of the bytes this check read (never a status note: ``trust_notes=False``), with its header's
    checksum, blobs' sha256 and figures checked. A cache can then only make the check slower; what
    could still fool it could as well rewrite the code that checks."""
    root = Path(root)
    committed = Path(dataset) if dataset is not None else root / "dataset"
    run_cache, note = build_cache(committed, False, trust_notes=False) if cache else (None, "")
    scratch = Path(tempfile.mkdtemp(prefix="cyberclaims-check-"))
    try:
        fresh = scratch / "dataset"
        fresh.mkdir()
        configs, report = build_into(root, fresh, jobs=jobs, show_progress=show_progress, cache=run_cache)
        if configs is None:
            raise BuildError(f"validation failed with {count(len(report.errors), 'error')}", report)
        result = compare(fresh, committed)
        result.cache_note = note
        if run_cache is not None:
            result.runs, result.reused = run_cache.runs, run_cache.reused
        return result
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def compare(fresh: Path, committed: Path) -> CheckResult:
    if not committed.is_dir():
        return CheckResult("nothing to compare", [f"{committed} does not exist: run `cyberclaims build`"])
    differences: list[str] = verify_manifest(committed)
    fresh_files, committed_files = files_in(fresh), files_in(committed)
    for name in sorted(fresh_files - committed_files):
        differences.append(f"{name}: missing from the committed dataset")
    for name in sorted(committed_files - fresh_files):
        differences.append(f"{name}: in the committed dataset but no longer built")
    writers = {
        pq.ParquetFile(committed / n).metadata.created_by
        for n in committed_files & fresh_files
        if n.endswith(".parquet") and _readable(committed / n)
    }
    ours = f"parquet-cpp-arrow version {pa.__version__}"
    byte_for_byte = writers <= {ours}
    if byte_for_byte:
        method = f"byte for byte (committed files and this build both written by pyarrow {pa.__version__})"
    else:
        others = ", ".join(sorted(w.rsplit(" ", 1)[-1] for w in writers))
        method = (
            f"by rows, schemas and metadata (committed Parquet written by pyarrow {others}, this "
            f"build by {pa.__version__}: footers differ across releases, so bytes cannot be compared)"
        )
    for name in sorted(fresh_files & committed_files):
        if name == MANIFEST and not byte_for_byte:
            continue  # it lists Parquet hashes, which differ across releases; verified above instead
        if name == CROISSANT and not byte_for_byte:
            problem = _compare_croissant(fresh / name, committed)
            if problem:
                differences.append(f"{name}: {problem}")
            continue
        if byte_for_byte or not name.endswith(".parquet"):
            if (fresh / name).read_bytes() != (committed / name).read_bytes():
                differences.append(f"{name}: content differs")
        else:
            problem = _compare_parquet(fresh / name, committed / name)
            if problem:
                differences.append(f"{name}: {problem}")
    return CheckResult(method, differences)


CROISSANT = "croissant.json"


def _without_hashes(metadata: dict) -> dict:
    return {
        **metadata,
        "distribution": [{k: v for k, v in item.items() if k != "sha256"} for item in metadata.get("distribution", [])],
    }


def _compare_croissant(fresh: Path, committed_folder: Path) -> str | None:
    """Across pyarrow releases: equal but for the Parquet hashes, and those match the committed files."""
    try:
        old = json.loads((committed_folder / CROISSANT).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"cannot be read ({exc})"
    if _without_hashes(old) != _without_hashes(json.loads(fresh.read_text(encoding="utf-8"))):
        return "metadata differ"
    for item in old.get("distribution", []):
        if "sha256" in item and sha256_file(committed_folder / item["contentUrl"]) != item["sha256"]:
            return f"sha256 of {item['contentUrl']} differs from the committed file"
    return None


def _readable(path: Path) -> bool:
    try:
        pq.ParquetFile(path)
        return True
    except Exception:
        return False


def _compare_parquet(fresh: Path, committed: Path) -> str | None:
    try:
        old = pq.read_table(committed)
    except Exception as exc:
        return f"cannot be read ({exc})"
    new = pq.read_table(fresh)
    if not old.schema.equals(new.schema, check_metadata=True):
        return "schema or schema metadata differ"
    if not old.equals(new):
        return "rows differ"
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m cyberclaims.dataset.freshness BUILT COMMITTED``: compare two built folders as ``build --check``
    does (exit 1 if they differ), e.g. a rebuild in place against a copy of the committed files."""

    parser = argparse.ArgumentParser(prog="python -m cyberclaims.dataset.freshness", description=main.__doc__)
    parser.add_argument("built", type=Path)
    parser.add_argument("committed", type=Path)
    args = parser.parse_args(argv)
    result = compare(args.built, args.committed)
    print(f"compared {result.method}")
    for difference in result.differences:
        print(f"differs: {difference}")
    return 1 if result.stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
