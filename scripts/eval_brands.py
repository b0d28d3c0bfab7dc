"""Page-level brand P/R/F1 of BrandFinder on the seeds against the dev gold (a development aid).

Usage: .venv/bin/python scripts/eval_brands.py [-v]   (-v lists false positives and misses)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from zxextract.brands import BrandFinder, canonical
from zxextract.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent


def main(verbose: bool) -> None:
    finder = BrandFinder.default()
    tp = fp = fn = 0
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        gold_doc = json.loads((ROOT / "tests/data/gold" / f"{seed.name}.json").read_text(encoding="utf-8"))
        gold = {canonical(b) for a in gold_doc["articles"] for b in a["brands"]}
        found = {canonical(h.entity.name) for h in finder.find(normalize(seed.read_text(encoding="utf-8")).text)}
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
        print(f"{seed.name}: tp={len(found & gold)} fp={len(found - gold)} fn={len(gold - found)}")
        if verbose:
            print("  FP:", sorted(found - gold))
            print("  FN:", sorted(gold - found))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"brands page-level: P={p:.3f} R={r:.3f} F1={f:.3f} (tp={tp} fp={fp} fn={fn})")


if __name__ == "__main__":
    main("-v" in sys.argv[1:])
