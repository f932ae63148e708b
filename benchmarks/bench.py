"""Benchmark `cyberclaims validate` and `cyberclaims build` on synthetic corpora against a floor.

    python benchmarks/bench.py                       # N = 1k, 10k, 100k; writes benchmarks/results.md
    python benchmarks/bench.py --sizes 10000         # 10k only (100k takes several minutes a command)
    python benchmarks/bench.py --sizes 1000 --output /tmp/results.md   # the CI smoke test
    python benchmarks/bench.py --sizes 10000 --render   # also `cyberclaims render --out site` and its size

Each command runs as its own process, with the sources in the page cache (every file is read just
before); wall time, CPU time (user + system, the process and the workers it waited for) and peak RSS
come from wait4, per process.

`build` runs as the README runs it: `cyberclaims build`, default options (one worker per core; the
HTML viewer is not part of the build since it moved out of dataset/). The size of the dataset/ it
wrote is reported beside the size of its Parquet files.

The floor, measured in the same run, is what any build must do at least: start Python, read every
file, json.loads every annotation, and pq.write_table the same rows with the same writer options:
the documents rows made from the parsed files (label names encoded, pa.Table.from_pylist), and the
claims, entities and ner rows the build wrote, loaded from its Parquet files before the clock runs
for them (so the floor pays for writing them, not for computing or loading them). It uses as many
worker processes as the build (one per core, ``--jobs``): each worker loads its share of the built
files, all wait at a barrier, and the time until then is not counted; then each writes its share (runs
of 1,000 articles, as the build's workers) of the documents rows and of the built files. The one-process
floor of earlier versions is still reported ("1-process floor"), as is the first version's floor, which
wrote the documents rows only ("documents-only floor", one process).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def run(command: list[str], env: dict | None = None) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MiB, standard output, CPU seconds) of one process and the workers it
    waited for (peak RSS: the largest of them; CPU: user + system of all of them)."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr,
                                   env={**os.environ, **(env or {})})
        stdout = process.stdout.read().decode() if process.stdout else ""
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            stderr.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024, stdout, usage.ru_utime + usage.ru_stime


def make_encoder(features):
    """A fast replacement for ``Features.encode_example`` on our own rows (plain Python values).

    ``encode_example`` re-inspects every value's type; this walks a plan made once from the features
    and only maps class-label names to their integers, which is all our rows need.
    """
    from typing import Any, Callable

    from datasets import ClassLabel, List

    def plan(feature: Any) -> Callable[[Any], Any] | None:
        if isinstance(feature, ClassLabel):
            index = {name: i for i, name in enumerate(feature.names)}
            return lambda value: None if value is None else index[value]
        if isinstance(feature, List):
            inner = plan(feature.feature)
            if inner is None:
                return None
            return lambda value: None if value is None else [inner(v) for v in value]
        if isinstance(feature, dict):
            members = [(name, plan(sub)) for name, sub in feature.items()]
            if all(step is None for _, step in members):
                return None
            return lambda value: None if value is None else {
                name: (step(value.get(name)) if step else value.get(name)) for name, step in members}
        return None

    steps = [(name, plan(feature)) for name, feature in features.items()]

    def encode(row: dict) -> dict:
        return {name: (step(row.get(name)) if step else row.get(name)) for name, step in steps}

    return encode


def _documents(paths: list[Path], out: Path) -> None:
    """Read, json.loads and write the documents rows of ``paths`` (annotation files) to ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cyberclaims.dataset.configs import CONFIGS, features_of
    from cyberclaims.dataset.parquet import PARQUET_OPTIONS, parquet_schema

    schema = parquet_schema("documents")
    encode = make_encoder(features_of("documents"))
    writer = pq.ParquetWriter(out, schema, **PARQUET_OPTIONS)
    batch = []
    for path in paths:
        data = json.loads(path.read_bytes())
        text = path.with_suffix(".txt").read_bytes().decode("utf-8")
        batch.append(encode({**{k: data[k] for k in ("id", "text_sha256", "metadata", "segments", "entities",
                                                       "claims", "annotators", "notes")}, "text": text}))
        if len(batch) >= CONFIGS["documents"].row_group_rows:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            batch.clear()
    if batch:
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    writer.close()


def _load_built(paths: list[Path]) -> list[tuple[str, list]]:
    """The row groups of built Parquet files, in memory: (config, tables) per file."""
    import pyarrow.parquet as pq

    loaded = []
    for path in paths:
        source = pq.ParquetFile(path)
        loaded.append((path.parent.name, [source.read_row_group(g).combine_chunks()
                                          for g in range(source.num_row_groups)]))
    return loaded


def _write_built(loaded: list[tuple[str, list]], out: Path, tag: str) -> None:
    import pyarrow.parquet as pq

    from cyberclaims.dataset.parquet import PARQUET_OPTIONS, parquet_schema

    for index, (config, tables) in enumerate(loaded):
        with pq.ParquetWriter(out.with_name(f"floor-{tag}-{config}-{index}.parquet"), parquet_schema(config),
                              **PARQUET_OPTIONS) as writer:
            for table in tables:
                writer.write_table(table, row_group_size=table.num_rows)


def _annotation_files(root: Path) -> list[Path]:
    return [p for p in sorted((root / "annotations").glob("*.json"))
            if p.name not in ("entities.json", "propositions.json")]


def _built_files(built: Path | None) -> list[Path]:
    if built is None:
        return []
    return [p for config in ("claims", "entities", "ner") for p in sorted((built / "data" / config).glob("*.parquet"))]


def floor(root: Path, out: Path, built: Path | None) -> tuple[float, float]:
    """Write what the build writes, with no checks and no row logic, in this one process; returns the
    seconds not to count, wall and CPU (loading the built files).

    ``built`` is the dataset the build just wrote: its claims, entities and ner row groups are read
    before timing resumes. Without it only the documents rows are written (the first version's floor).
    """
    _documents(_annotation_files(root), out)
    started, cpu = time.perf_counter(), time.process_time()
    loaded = _load_built(_built_files(built))
    untimed = (time.perf_counter() - started, time.process_time() - cpu)
    _write_built(loaded, out, "0")
    return untimed


def _floor_worker(number: int, runs: list[list[Path]], built: list[Path], out: Path, barrier, load_cpu) -> None:
    cpu = time.process_time()
    loaded = _load_built(built)  # off the clock: the parent counts from the barrier on
    load_cpu[number] = time.process_time() - cpu
    barrier.wait()
    for index, paths in enumerate(runs):
        _documents(paths, out.with_name(f"floor-documents-{number}-{index}.parquet"))
    _write_built(loaded, out, str(number))


def parallel_floor(root: Path, out: Path, built: Path | None, jobs: int) -> tuple[float, float]:
    """The floor with ``jobs`` worker processes, as the build; returns the seconds not to count: wall from
    the start of the workers until all of them have loaded their share of the built files, and the CPU
    the workers spent loading them."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    files = _annotation_files(root)
    runs = [files[i:i + 1000] for i in range(0, len(files), 1000)]
    built_files = sorted(_built_files(built), key=lambda p: -p.stat().st_size)  # largest first, dealt in turn
    barrier, load_cpu = context.Barrier(jobs + 1), context.Array("d", jobs)
    started = time.perf_counter()
    workers = [context.Process(target=_floor_worker, args=(n, runs[n::jobs], built_files[n::jobs], out, barrier,
                                                           load_cpu)) for n in range(jobs)]
    for worker in workers:
        worker.start()
    barrier.wait()
    untimed = time.perf_counter() - started
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise SystemExit(f"floor worker failed with {worker.exitcode}")
    return untimed, sum(load_cpu)


def warm(root: Path) -> None:
    """Read every source file once, so that each measured process finds them in the page cache.

    Without this the first process pays for the disk and the others do not (and this machine's memory
    manager evicts files it thinks are cold), which swamps the differences being measured.
    """
    for path in (root / "annotations").iterdir():
        if path.is_file():
            path.read_bytes()


def cli() -> list[str]:
    script = Path(sys.executable).parent / "cyberclaims"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cyberclaims.cli"]


def size_of(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file())


def measure(sizes: list[int], workdir: Path, jobs: int, render: bool) -> list[dict]:
    sys.path.insert(0, str(HERE))
    from synth import write_corpus

    results = []
    env = {"CI": "1"}  # no progress bars in the measurements

    def floor_run(root: Path, *extra: str) -> tuple[float, float]:
        warm(root)
        wall, _, out, cpu = run([sys.executable, __file__, "--floor", str(root), *extra], env)
        untimed_wall, untimed_cpu = map(float, out.split()) if out.strip() else (0.0, 0.0)
        return wall - untimed_wall, cpu - untimed_cpu

    for n in sizes:
        root = workdir / f"corpus-{n}"
        if not (root / "annotations" / "propositions.json").exists():
            shutil.rmtree(root, ignore_errors=True)
            write_corpus(root, n, seed=0)
        shutil.rmtree(root / "dataset", ignore_errors=True)
        warm(root)
        validate_wall, validate_rss, _, validate_cpu = run([*cli(), "--root", str(root), "validate"], env)
        warm(root)
        build_wall, build_rss, _, build_cpu = run([*cli(), "--root", str(root), "build"], env)  # as the README
        dataset = root / "dataset"
        dataset_bytes, parquet_bytes = size_of(dataset), size_of(dataset / "data", "*.parquet")
        built = ("--built", str(dataset))
        floor_wall, floor_cpu = floor_run(root, *built, "--floor-jobs", str(jobs))
        floor1_wall, floor1_cpu = floor_run(root, *built)
        documents_wall, _ = floor_run(root)
        result = {"articles": n, "jobs": jobs, "floor_s": floor_wall, "floor_cpu_s": floor_cpu,
                  "floor1_s": floor1_wall, "floor1_cpu_s": floor1_cpu, "documents_floor_s": documents_wall,
                  "validate_s": validate_wall, "validate_cpu_s": validate_cpu, "validate_rss_mib": validate_rss,
                  "build_s": build_wall, "build_cpu_s": build_cpu, "build_rss_mib": build_rss,
                  "dataset_bytes": dataset_bytes, "parquet_bytes": parquet_bytes,
                  "ratio": (validate_wall + build_wall) / floor_wall}
        if render:
            site = workdir / f"site-{n}"
            shutil.rmtree(site, ignore_errors=True)
            warm(root)
            render_wall, render_rss, _, render_cpu = run([*cli(), "--root", str(root), "render", "--out", str(site)],
                                                         env)
            pages = [p.stat().st_size for p in site.rglob("*.html")]
            result.update(render_s=render_wall, render_cpu_s=render_cpu, render_rss_mib=render_rss,
                          site_bytes=sum(pages), site_pages=len(pages), site_largest_page=max(pages))
        results.append(result)
        print(f"{n:>7} articles: floor ({jobs} processes) {floor_wall:.1f} s wall {floor_cpu:.1f} s CPU, 1 process "
              f"{floor1_wall:.1f} s (documents only {documents_wall:.1f} s) | validate {validate_wall:.1f} s "
              f"{validate_cpu:.1f} s CPU {validate_rss:.0f} MiB | build {build_wall:.1f} s {build_cpu:.1f} s CPU "
              f"{build_rss:.0f} MiB | (validate+build)/floor {result['ratio']:.2f} | dataset/ "
              f"{dataset_bytes / 1e6:.1f} MB, its Parquet {parquet_bytes / 1e6:.1f} MB"
              + (f" | render {result['render_s']:.1f} s, site {result['site_bytes'] / 1e6:.0f} MB in "
                 f"{result['site_pages']} pages, largest {result['site_largest_page'] / 1e3:.0f} KB" if render else ""),
              flush=True)
    return results


def real_repo_validate() -> float:
    best = min(run([*cli(), "--root", str(REPO), "validate"], {"CI": "1"})[0] for _ in range(3))
    return best


def report(results: list[dict], startup: float) -> str:
    jobs = results[0]["jobs"] if results else os.cpu_count()
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"synthetic articles of about 2,800 characters, 61 mentions and 15 claims "
        f"(`benchmarks/synth.py`, seed 0). Generated by `python benchmarks/bench.py "
        f"--sizes {' '.join(str(r['articles']) for r in results)}{' --render' if any('render_s' in r for r in results) else ''}`.",
        "",
        f"Wall time and CPU time (user + system of the process and its workers), in seconds. `build` is "
        f"`cyberclaims build` with its default options, as the README runs it ({jobs} workers here); the floor "
        f"uses the same number of worker processes ({jobs}).",
        "",
        "| articles | floor wall | floor CPU | validate wall | validate CPU | build wall | build CPU | "
        "build / floor (wall) | build / floor (CPU) | (validate + build) / floor (wall) | "
        "(validate + build) / floor (CPU) | 1-process floor wall | documents-only floor wall |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['articles']:,} | {r['floor_s']:.1f} | {r['floor_cpu_s']:.1f} | {r['validate_s']:.1f} | "
                     f"{r['validate_cpu_s']:.1f} | {r['build_s']:.1f} | {r['build_cpu_s']:.1f} | "
                     f"{r['build_s'] / r['floor_s']:.2f} | {r['build_cpu_s'] / r['floor_cpu_s']:.2f} | "
                     f"{r['ratio']:.2f} | {(r['validate_cpu_s'] + r['build_cpu_s']) / r['floor_cpu_s']:.2f} | "
                     f"{r['floor1_s']:.1f} | {r['documents_floor_s']:.1f} |")
    lines += ["", "| articles | dataset/ (MB) | its Parquet (MB) | dataset/ / Parquet | validate peak RSS (MiB) | "
                  "build peak RSS (MiB) |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['articles']:,} | {r['dataset_bytes'] / 1e6:.1f} | {r['parquet_bytes'] / 1e6:.1f} | "
                     f"{r['dataset_bytes'] / r['parquet_bytes']:.2f} | {r['validate_rss_mib']:.0f} | "
                     f"{r['build_rss_mib']:.0f} |")
    if any("render_s" in r for r in results):
        lines += ["", "The HTML viewer, `cyberclaims render --out site` (not part of `dataset/`):", "",
                  "| articles | render wall (s) | render CPU (s) | site/ (MB) | site/ / Parquet | pages | "
                  "largest page (KB) | peak RSS (MiB) |", "|---|---|---|---|---|---|---|---|"]
        for r in results:
            if "render_s" in r:
                lines.append(f"| {r['articles']:,} | {r['render_s']:.1f} | {r['render_cpu_s']:.1f} | "
                             f"{r['site_bytes'] / 1e6:.0f} | {r['site_bytes'] / r['parquet_bytes']:.1f} | "
                             f"{r['site_pages']:,} | {r['site_largest_page'] / 1e3:.0f} | {r['render_rss_mib']:.0f} |")
    by_n = {r["articles"]: r for r in results}
    if 10_000 in by_n and 100_000 in by_n:
        growth = by_n[100_000]["build_rss_mib"] / by_n[10_000]["build_rss_mib"]
        lines += ["", f"Build peak RSS at 100k / at 10k: {growth:.2f} (target at most 1.5)."]
    lines += ["", f"`cyberclaims validate` on the real repository (two articles), start-up included: "
                  f"{startup:.2f} s wall (best of 3; target under 1 s).",
              "", "`build` validates too (one pass), so `build / floor` is the cost of a full build; "
                  "`(validate + build) / floor` adds a separate `validate` run as CI does.",
              "", "The floor starts Python, reads every file, json.loads every annotation and writes with "
                  "pq.write_table the rows the build writes, with the same writer options: the documents rows "
                  "from the parsed files, and the claims, entities and ner rows of the build, loaded from its "
                  "Parquet files off the clock (wall until every worker has loaded its share, and the CPU of "
                  "loading, are subtracted). It runs as many worker processes as the build, each writing runs "
                  "of 1,000 articles. The 1-process floor is the same work in one process (the floor of the "
                  "previous version of this benchmark, which the build's two workers could beat on wall time); "
                  "the documents-only floor writes the documents rows alone, in one process (the first "
                  "version's floor).",
              "", "Timings on this machine (a shared virtual machine) vary by 10 to 20% from run to run, for "
                  "the floor as for the commands; a ratio close to a target can land on either side of it in "
                  "another run."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes of the floor (default: one per core, as the build)")
    parser.add_argument("--render", action="store_true",
                        help="also time `cyberclaims render --out site` and report the size of the viewer")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/cyberclaims-bench"))
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--built", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor-jobs", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        with tempfile.TemporaryDirectory(prefix=".floor-", dir=args.floor) as scratch:
            out = Path(scratch) / "floor.parquet"
            if args.floor_jobs:
                untimed = parallel_floor(args.floor, out, args.built, args.floor_jobs)
            else:
                untimed = floor(args.floor, out, args.built)
            print(*untimed)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = measure(args.sizes, args.workdir, args.jobs, args.render)
    startup = real_repo_validate()
    print(f"validate on the real repository: {startup:.2f} s")
    text = report(results, startup)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
