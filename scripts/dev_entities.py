"""Page-level P/R/F1 of the quantity, date and document finders against dev gold.

Runs each finder on the whole normalized page (no article split), so page
furniture and bylines can add a few false positives the article-level
pipeline would not.  Keys and counting are zxextract.evaluate's: quantities
and dates as multisets, documents as a set.

    .venv/bin/python scripts/dev_entities.py [--seeds seeds] [--gold tests/data/gold] [-v]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

from zxextract.dates import DateFinder
from zxextract.documents import DocumentFinder
from zxextract.evaluate import TypeScore, type_keys
from zxextract.normalize import normalize
from zxextract.quantities import QuantityFinder

TYPES = ("quantities", "dates", "documents")


def _predicted(text: str) -> dict[str, list[dict]]:
    """The page's finds as one article record, as evaluate reads predictions."""
    finders = {"quantities": QuantityFinder.default(), "dates": DateFinder(), "documents": DocumentFinder()}
    return {type_: [asdict(h.entity) for h in finder.find(text)] for type_, finder in finders.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--gold", type=Path, default=Path("tests/data/gold"))
    parser.add_argument("-v", "--verbose", action="store_true", help="print false positives and negatives")
    args = parser.parse_args()
    totals = dict.fromkeys(TYPES, TypeScore())
    for gold_file in sorted(args.gold.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        page = [_predicted(normalize((args.seeds / gold["doc_id"]).read_text(encoding="utf-8")).text)]
        for type_ in TYPES:
            want, got = type_keys(type_, gold["articles"], gold=True), type_keys(type_, page)
            totals[type_] += TypeScore.of(want, got)
            fp, fn = got - want, want - got
            if args.verbose and (fp or fn):
                print(f"{gold['doc_id']} {type_}\n  FP {sorted(fp.elements(), key=str)}\n  FN {sorted(fn.elements(), key=str)}")
    for type_, s in totals.items():
        print(f"{type_:<10} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}  (tp={s.tp} fp={s.fp} fn={s.fn})")


if __name__ == "__main__":
    main()
