"""Peak memory of one ``parse`` on pathological and very large pages (docs/reliability.md, "Memory").

    python benchmarks/bench_memory.py                 # every case, both segmenters
    python benchmarks/bench_memory.py --case digits-1M --segmenter pkuseg

Each case runs in a fresh process: the pipeline is loaded, then one page is
parsed; the figures are that process's peak RSS (``ru_maxrss``) after loading
and after the page. Targets: a million digits below 600 MB with pkuseg, a
10 MB page of ordinary text below 1.5 GB with either segmenter.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 2**20


def seeds_text() -> str:
    return "".join(path.read_text(encoding="utf-8") + "\n\n" for path in sorted((ROOT / "seeds").glob("*.txt")))


def page(case: str) -> str:
    """The text of one case."""
    if case == "ordinary-10MB":
        text = seeds_text()
        return text * (10 * 10**6 // len(text.encode("utf-8")) + 1)
    runs = {"digits": "1", "latin": "abcdefgh", "base64": "QUJDREVGR0g=", "fullwidth-digits": "１", "dun-comma": "、"}
    kind, _, count = case.rpartition("-")
    unit = runs[kind]
    size = int(count[:-1]) * 10**6
    return (unit * (size // len(unit) + 1))[:size]


CASES = ["digits-1M", "digits-3M", "latin-1M", "base64-1M", "fullwidth-digits-1M", "dun-comma-1M", "ordinary-10MB"]


def child(case: str, segmenter: str) -> None:
    """Run one case here and print its figures as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    import zxextract

    extractor = zxextract.load(segmenter=segmenter)
    text = page(case)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    articles = extractor.parse(text)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": case, "segmenter": segmenter, "chars": len(text), "articles": len(articles),
                      "loaded_mb": round(loaded), "peak_mb": round(peak), "seconds": round(seconds, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, action="append")
    parser.add_argument("--segmenter", choices=["pkuseg", "char"], action="append")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print("| page | segmenter | characters | peak RSS after loading (MB) | peak RSS after the page (MB) | seconds |")
    print("|---|---|---|---|---|---|")
    for case in args.case or CASES:
        for segmenter in args.segmenter or ["pkuseg", "char"]:
            output = subprocess.run([sys.executable, __file__, "--child", case, segmenter], check=True, capture_output=True, text=True).stdout
            row = json.loads(output.splitlines()[-1])
            print(f"| {case} | {segmenter} | {row['chars']:,} | {row['loaded_mb']} | {row['peak_mb']} | {row['seconds']} |", flush=True)


if __name__ == "__main__":
    main()
