"""Page-level P/R/F1 of the quantity, date and document finders against dev gold.

Runs each finder on the whole normalized page (no article split), so page
furniture and bylines can add a few false positives the article-level
pipeline would not.  Keys follow SCHEMA.md's scoring: quantities and dates
as multisets, documents as a set.

    .venv/bin/python scripts/dev_entities.py [--seeds seeds] [--gold tests/data/gold] [-v]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from zxextract.dates import DateFinder
from zxextract.documents import DocumentFinder
from zxextract.normalize import normalize
from zxextract.quantities import QuantityFinder


def _value(v: float | None) -> str | None:
    return None if v is None else f"{v:.6g}"


def _predicted(text: str) -> dict[str, Counter]:
    quantities = Counter((_value(h.entity.value), _value(h.entity.value_max), h.entity.unit) for h in QuantityFinder.default().find(text))
    dates = Counter((h.entity.year, h.entity.month, h.entity.day) for h in DateFinder().find(text))
    documents = Counter({h.entity.title: 1 for h in DocumentFinder().find(text)})
    return {"quantities": quantities, "dates": dates, "documents": documents}


def _gold(articles: list[dict]) -> dict[str, Counter]:
    quantities: Counter = Counter()
    dates: Counter = Counter()
    documents: set[str] = set()
    for a in articles:
        quantities.update((_value(q["value"]), _value(q["value_max"]), q["unit"]) for q in a["quantities"])
        dates.update((d["year"], d["month"], d["day"]) for d in a["dates"])
        documents.update("".join(t.split()) for t in a["documents"])
    return {"quantities": quantities, "dates": dates, "documents": Counter({t: 1 for t in documents})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--gold", type=Path, default=Path("tests/data/gold"))
    parser.add_argument("-v", "--verbose", action="store_true", help="print false positives and negatives")
    args = parser.parse_args()
    totals = {kind: Counter() for kind in ("quantities", "dates", "documents")}
    for gold_file in sorted(args.gold.glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = normalize((args.seeds / gold["doc_id"]).read_text(encoding="utf-8")).text
        predicted, expected = _predicted(text), _gold(gold["articles"])
        for kind, total in totals.items():
            tp = predicted[kind] & expected[kind]
            fp, fn = predicted[kind] - tp, expected[kind] - tp
            total.update(tp=sum(tp.values()), fp=sum(fp.values()), fn=sum(fn.values()))
            if args.verbose and (fp or fn):
                print(f"{gold['doc_id']} {kind}\n  FP {sorted(fp.elements(), key=str)}\n  FN {sorted(fn.elements(), key=str)}")
    for kind, t in totals.items():
        p = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0
        r = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{kind:<10} P={p:.3f} R={r:.3f} F1={f:.3f}  (tp={t['tp']} fp={t['fp']} fn={t['fn']})")


if __name__ == "__main__":
    main()
