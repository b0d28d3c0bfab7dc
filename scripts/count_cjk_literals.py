"""Count the Han characters in Python string literals outside docstrings, per module (vocabulary belongs in rules/).

    python scripts/count_cjk_literals.py [--max N]      # exit 1 when the total is above N
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
# Numeral characters are the numeral grammar (零一二…万亿), code rather than vocabulary: not counted anywhere.
_CJK = regex.compile(r"(?![零〇一二两三四五六七八九十百千万亿几数])\p{Han}")
EXEMPT = {"numerals.py"}  # the numeral grammar module


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are docstrings (first statement of a module, class or function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def count(path: Path) -> int:
    """CJK characters in the string literals of one module, docstrings excluded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
    return sum(
        len(_CJK.findall(node.value))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=None, help="fail when the total is above this")
    args = parser.parse_args()
    counts = {p.relative_to(ROOT): count(p) for p in sorted((ROOT / "src" / "zxextract").glob("*.py"))}
    for path, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n:
            print(f"{n:6d}  {path}{'  (exempt: numeral grammar)' if path.name in EXEMPT else ''}")
    total = sum(n for path, n in counts.items() if path.name not in EXEMPT)
    print(f"{total:6d}  total")
    return 1 if args.max is not None and total > args.max else 0


if __name__ == "__main__":
    sys.exit(main())
