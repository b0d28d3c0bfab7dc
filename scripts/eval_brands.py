"""Page-level brand P/R/F1 of BrandFinder on the seeds against the dev gold (a development aid).

Keys and counting are zxextract.evaluate's (brands: a set of canonical names per page).

Usage: .venv/bin/python scripts/eval_brands.py [-v]   (-v lists false positives and misses)
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from zxextract.brands import BrandFinder
from zxextract.evaluate import TypeScore, type_keys
from zxextract.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent


def main(verbose: bool) -> None:
    finder = BrandFinder.default()
    total = TypeScore()
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        gold_doc = json.loads((ROOT / "tests/data/gold" / f"{seed.name}.json").read_text(encoding="utf-8"))
        gold = type_keys("brands", gold_doc["articles"], gold=True)
        hits = finder.find(normalize(seed.read_text(encoding="utf-8")).text)
        found = type_keys("brands", [{"brands": [asdict(h.entity) for h in hits]}])
        page = TypeScore.of(gold, found)
        total += page
        print(f"{seed.name}: tp={page.tp} fp={page.fp} fn={page.fn}")
        if verbose:
            print("  FP:", sorted(found - gold))
            print("  FN:", sorted(gold - found))
    print(f"brands page-level: P={total.precision:.3f} R={total.recall:.3f} F1={total.f1:.3f} (tp={total.tp} fp={total.fp} fn={total.fn})")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
