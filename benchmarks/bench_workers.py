"""Speed-up of the local engine's worker processes (``zxextract extract --workers N``): docs/performance.md, "Workers".

    python benchmarks/bench_workers.py                  # 200 seed pages, 1 and 2 workers, pkuseg
    python benchmarks/bench_workers.py --pages 400 --workers 1 2 --segmenter char

Pages are the seeds copied round-robin under new names. Each row runs the
command itself (``python -m zxextract extract``) in a fresh process, end to
end: loading the pipeline, forking the workers, writing the JSONL file. The
fastest of ``--repeat`` runs counts (other jobs on a shared machine only ever
add time), the worker counts taking turns so that a busy spell hits them alike. The outputs of every row must be byte-identical. "fixed" is the
same command on one page (start-up, loading, forking); the last column is the
speed-up of the rest, the part that workers share.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_pages(folder: Path, count: int) -> int:
    """``count`` pages cycling through the seeds; their total size in characters."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    chars = 0
    for number in range(count):
        seed = seeds[number % len(seeds)]
        shutil.copyfile(seed, folder / f"page{number:05d}.txt")
        chars += len(seed.read_text(encoding="utf-8"))
    return chars


def run(folder: Path, out: Path, workers: int, segmenter: str) -> float:
    """Seconds of one ``zxextract extract`` of ``folder``."""
    command = [sys.executable, "-m", "zxextract", "extract", str(folder), "-o", str(out), "--workers", str(workers), "--segmenter", segmenter]
    start = time.perf_counter()
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--segmenter", choices=["pkuseg", "char"], default="pkuseg")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zx-workers-") as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        chars = make_pages(folder, args.pages)
        print(f"{args.pages} pages, {chars:,} characters, --segmenter {args.segmenter}, fastest of {args.repeat}")
        one = Path(tmp) / "one"
        one.mkdir()
        shutil.copyfile(folder / "page00000.txt", one / "page00000.txt")
        print("| workers | seconds | pages/s | speed-up | fixed (s) | speed-up past the fixed cost |")
        print("|---|---|---|---|---|---|")
        totals: dict[int, list[float]] = {workers: [] for workers in args.workers}
        fixeds: dict[int, list[float]] = {workers: [] for workers in args.workers}
        for _ in range(args.repeat):
            for workers in args.workers:
                totals[workers].append(run(folder, Path(tmp) / f"out{workers}.jsonl", workers, args.segmenter))
                fixeds[workers].append(run(one, Path(tmp) / "one.jsonl", workers, args.segmenter))
        base = base_work = None
        digests = set()
        for workers in args.workers:
            seconds, fixed = min(totals[workers]), min(fixeds[workers])
            digests.add(hashlib.sha256((Path(tmp) / f"out{workers}.jsonl").read_bytes()).hexdigest())
            base, base_work = base or seconds, base_work or seconds - fixed
            print(f"| {workers} | {seconds:.1f} | {args.pages / seconds:.1f} | {base / seconds:.2f}× | {fixed:.1f} "
                  f"| {base_work / (seconds - fixed):.2f}× |")
        if len(digests) != 1:
            raise SystemExit("the outputs differ between worker counts")


if __name__ == "__main__":
    main()
