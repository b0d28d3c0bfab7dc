"""Throughput of the Dask engine on a LocalCluster with 1, 2, ... worker processes (the "Measured" table of docs/scale.md).

    python benchmarks/bench_dask.py                         # the packaged pipeline, 100 pages
    python benchmarks/bench_dask.py --pages 40 --loader fakepipeline:load_busy --path tests

Pages are the seeds copied round-robin under new names.  Each cluster loads
the pipeline on every worker before the clock starts (that cost is printed
separately: it is paid once per worker, not per page), then the run is timed
end to end as ``zxextract extract --engine dask`` does it: partitions
computed, part files written by the client.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

from zxextract.batch import Settings, extractor_for
from zxextract.distributed import extract_to_dir
from zxextract.io import discover

ROOT = Path(__file__).resolve().parent.parent


def make_pages(folder: Path, count: int) -> None:
    """``count`` pages cycling through the seeds."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for number in range(count):
        shutil.copyfile(seeds[number % len(seeds)], folder / f"page{number:05d}.txt")


def measure(folder: Path, outdir: Path, settings: Settings, workers: int) -> tuple[float, float, int]:
    """(seconds to load the pipeline on the workers, seconds to extract, articles) on a fresh cluster."""
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, Client(cluster) as client:
        start = time.perf_counter()
        client.run(extractor_for, settings)
        loaded = time.perf_counter()
        summary = extract_to_dir(discover([str(folder)]), outdir, settings, client)
        done = time.perf_counter()
    if summary.errors:
        raise SystemExit(f"{summary.errors} pages failed: see {outdir / 'errors.jsonl'}")
    return loaded - start, done - loaded, summary.articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--segmenter", choices=["pkuseg", "char"], default="pkuseg")
    parser.add_argument("--loader", help="module:function building the extractor (default: zxextract.load)")
    parser.add_argument("--path", action="append", default=[], help="prepend to sys.path (workers inherit it)")
    args = parser.parse_args()
    sys.path[:0] = [str(Path(p).resolve()) for p in args.path]
    loader = None
    if args.loader:
        module, _, function = args.loader.partition(":")
        loader = getattr(importlib.import_module(module), function)
    settings = Settings(segmenter=args.segmenter, loader=loader)
    print(f"pipeline: {args.loader or 'zxextract.load'} ({args.segmenter}); {args.pages} pages\n")
    print("| workers | pipeline load (s) | extract (s) | pages/s | articles/s |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "pages"
        folder.mkdir()
        make_pages(folder, args.pages)
        for workers in args.workers:
            load, seconds, articles = measure(folder, Path(scratch) / f"out{workers}", settings, workers)
            print(f"| {workers} | {load:.1f} | {seconds:.1f} | {args.pages / seconds:.2f} | {articles / seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
