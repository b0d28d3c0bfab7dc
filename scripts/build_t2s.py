"""Build ``rules/t2s.tsv``: a one-to-one traditional → simplified character table.

Source: OpenCC's ``TSCharacters.txt`` (Apache-2.0), read from the
``opencc-python-reimplemented`` package at build time only.  A character is
kept only when it is never itself a simplified form (``乾 → 干 乾`` and
``於 → 于 於`` are left alone), so converting can never damage simplified
text, and one character maps to one character so offsets survive.

    python scripts/build_t2s.py
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "zxextract" / "rules" / "t2s.tsv"


def main() -> None:
    spec = importlib.util.find_spec("opencc")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install opencc-python-reimplemented (build-time only)")
    source = Path(spec.origin).parent / "dictionary" / "TSCharacters.txt"
    rows = []
    for line in source.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        candidates = simp.split()
        if len(trad) == 1 and candidates and trad not in candidates and len(candidates[0]) == 1:
            rows.append(f"{trad}\t{candidates[0]}")
    OUT.write_text("# traditional\tsimplified (from OpenCC TSCharacters.txt, Apache-2.0)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} characters -> {OUT}")


if __name__ == "__main__":
    main()
