"""Print what the pipeline gives for texts, as ``expected`` of the common case format (tests/cases/README.md).

Reads JSON Lines with a ``text`` (and ``why``) per line, or plain text lines with ``--plain``, and
prints each as a case line whose ``expected`` is the current output on the keys that matter.
Review every line before adding it to tests/cases/: a case states what is right, not what the
pipeline happens to give.

    python scripts/show_case.py new_cases.jsonl --types brands,quantities
    echo '区政协打造“板凳议事厅”。' | python scripts/show_case.py - --plain --types brands
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import zxextract

ENTITY_TYPES = ("bylines", "districts", "officials", "brands", "quantities", "dates", "documents")
KEYS = {
    "articles": ("title", "subtitle", "section", "kind", "published", "source"),
    "bylines": ("name", "role"),
    "districts": ("name", "code", "implicit"),
    "officials": ("name", "role", "org"),
    "brands": ("name", "kind", "parent"),
    "quantities": ("value", "value_max", "unit", "qualifier"),
    "dates": ("year", "month", "day"),
    "documents": ("title", "kind"),
}


def expected(articles: list[zxextract.Article], types: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for type_ in types:
        if type_ == "articles":
            items = [a.to_dict() for a in articles]
        else:
            items = [e.to_dict() for a in articles for e in getattr(a, type_)]
        out[type_] = [{k: item[k] for k in KEYS[type_]} for item in items]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a JSON Lines file of cases, or - for standard input")
    parser.add_argument("--plain", action="store_true", help="each input line is a text, not a JSON object")
    parser.add_argument("--types", default=",".join(KEYS), help=f"comma-separated, from {','.join(KEYS)}")
    args = parser.parse_args()
    types = [t for t in args.types.split(",") if t]
    if unknown := set(types) - set(KEYS):
        parser.error(f"unknown types {sorted(unknown)}")
    stream = sys.stdin if args.path == "-" else open(args.path, encoding="utf-8")
    extractor = zxextract.load()
    for line in stream:
        if not line.strip():
            continue
        case = {"why": "", "text": line.rstrip("\n")} if args.plain else json.loads(line)
        case["expected"] = expected(extractor.parse(case["text"]), types)
        print(json.dumps({k: case[k] for k in ("why", "text", "expected")}, ensure_ascii=False))


if __name__ == "__main__":
    main()
