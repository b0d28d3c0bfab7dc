"""Build ``rules/t2s.tsv``: a one-to-one traditional → simplified character table.

Source: OpenCC's ``TSCharacters.txt`` (Apache-2.0), read from the
``opencc-python-reimplemented`` package at build time only.  One character
maps to one character, so offsets survive.  A character that is never itself
a simplified form is ``sure``: converting it cannot damage simplified text.
One that is also a simplified form (``於 → 于``, ``乾 → 干``) is ``ambiguous``:
the normalizer converts it only on pages that are evidently traditional.

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
        if len(trad) != 1 or not candidates or len(candidates[0]) != 1 or candidates[0] == trad:
            continue
        rows.append(f"{trad}\t{candidates[0]}\t{'ambiguous' if trad in candidates else 'sure'}")
    header = (
        "# One traditional character to one simplified (from OpenCC TSCharacters.txt, Apache-2.0); kind: sure | ambiguous"
        " (the traditional character is also a simplified one)\ntraditional\tsimplified\tkind\n"
    )
    OUT.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} characters -> {OUT}")


if __name__ == "__main__":
    main()
