"""Dev measurement of OfficialFinder on the seed pages: page-level (name, role) and strict (+ org) P/R/F1.

Article layout is not used; the article district is approximated either per
page (``--mode page``: the most frequent county-level district of the page) or
per paragraph (``--mode local``, default: the paragraph's most frequent
county-level district, carried over to following paragraphs that name none).

    .venv/bin/python scripts/dev_officials.py [--mode local|page] [-v]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from zxextract.districts import DistrictFinder
from zxextract.evaluate import TypeScore, type_keys
from zxextract.finder import ArticleContext
from zxextract.normalize import normalize
from zxextract.officials import OfficialFinder
from zxextract.records import District, Hit

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("county", "zone")
TYPES = ("officials", "officials_strict")  # (name, role), and with the org


def _dominant(hits: list[Hit]) -> District | None:
    """The most frequent county-level district among hits (earliest on ties)."""
    counts = Counter(h.entity.name for h in hits if h.entity.level in LEVELS)
    if not counts:
        return None
    best = max(counts.values())
    return next(h.entity for h in hits if h.entity.level in LEVELS and counts[h.entity.name] == best)


def predict(text: str, finder: OfficialFinder, districts: DistrictFinder, mode: str) -> list[Hit]:
    """Officials of a whole page under the chosen article-district approximation."""
    hits = districts.find(text)
    if mode == "page":
        return finder.find(text, ArticleContext(districts=hits, district=_dominant(hits)))
    out: list[Hit] = []
    carried: District | None = None
    start = 0
    for para in text.split("\n"):
        end = start + len(para)
        local = [Hit(h.start - start, h.end - start, h.entity) for h in hits if start <= h.start and h.end <= end]
        carried = _dominant(local) or carried
        out.extend(Hit(h.start + start, h.end + start, h.entity) for h in finder.find(para, ArticleContext(districts=local, district=carried)))
        start = end + 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("local", "page"), default="local")
    ap.add_argument("-v", action="store_true", help="print false positives and negatives")
    args = ap.parse_args()
    finder, districts = OfficialFinder.default(), DistrictFinder.default()
    totals = dict.fromkeys(TYPES, TypeScore())
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        text = normalize(seed.read_text(encoding="utf-8")).text
        gold = json.loads((ROOT / "tests/data/gold" / f"{seed.name}.json").read_text(encoding="utf-8"))["articles"]
        page = [{"officials": [asdict(h.entity) for h in predict(text, finder, districts, args.mode)]}]
        for type_ in TYPES:
            want, got = type_keys(type_, gold, gold=True), type_keys(type_, page)
            totals[type_] += TypeScore.of(want, got)
            if args.v and type_ == "officials_strict":
                for k in sorted(got - want):
                    print(f"{seed.name} FP {k}")
                for k in sorted(want - got):
                    print(f"{seed.name} FN {k}")
    for type_, s in totals.items():
        print(f"{type_:16s} tp={s.tp} fp={s.fp} fn={s.fn} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}")


if __name__ == "__main__":
    main()
