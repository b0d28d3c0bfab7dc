"""Every threshold is pinned: moving it either way changes what some seed page or case gives.

The thresholds are the rows of ``rules/limits.tsv`` and the ``threshold`` rows of
``rules/officials_context.tsv``.  Each is moved up and down (``moves`` in limits.tsv says when only one
way can be noticed: ``down`` for a cap on a look-back, ``up`` for a floor) by a step (one for a length or
count, a step the name model's scores tell apart for the officials' statistics), in a copy of the
rules folder that a fresh process reads (``ZXEXTRACT_RULES_DIR``: modules read their tables when
imported), and the records of every seed page and every case text are compared with the
unchanged ones.  A threshold that no text notices is untested: add a case at its boundary.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "src" / "zxextract" / "rules"
# officials_context thresholds: the step by which each is moved (name-model log-odds, ranks, counts)
OFFICIAL_STEPS = {"tie": 0.5, "punct_over_word": 0.5, "veto": 1.0, "unbounded": 0.5, "common_rank": 40, "surname_count": 4}


def texts() -> list[str]:
    found = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "tests" / "cases").glob("*.jsonl")):
        found += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return found


def digests() -> list[str]:
    """A digest of each text's records (run in the process that reads the changed rules)."""
    import zxextract

    extractor = zxextract.load(segmenter="char")
    return [hashlib.sha256(json.dumps([a.to_dict() for a in extractor.parse(t)]).encode()).hexdigest() for t in texts()]


def run(rules_dir: Path | None) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    if rules_dir is not None:
        env["ZXEXTRACT_RULES_DIR"] = str(rules_dir)
    done = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def moves() -> Iterator[tuple[str, str, int, str]]:
    """(label, file, line index, changed line) for each threshold moved up and down."""
    for filename in ("limits.tsv", "officials_context.tsv"):
        lines = (RULES / filename).read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            cells = line.split("\t")
            if filename == "limits.tsv" and len(cells) >= 4 and cells[2].isdigit():
                name, value, step, at = f"{cells[0]}.{cells[1]}", float(cells[2]), 1.0, 2
                signs = {"both": (1, -1), "down": (-1,), "up": (1,)}[cells[3]]
            elif filename == "officials_context.tsv" and len(cells) >= 3 and cells[1] == "threshold":
                name, value, step, at = f"officials.{cells[0]}", float(cells[2]), OFFICIAL_STEPS[cells[0]], 2
                signs = (1, -1)
            else:
                continue
            for sign in signs:
                moved = value + sign * step
                text = str(int(moved)) if moved.is_integer() and "." not in cells[at] else str(moved)
                yield f"{name} {'+' if sign > 0 else '-'}{step:g}", filename, i, "\t".join([*cells[:at], text, *cells[at + 1 :]])


def unpinned(selected: list[tuple[str, str, int, str]], work: Path) -> list[str]:
    """The moves after which every text gives the records it gave before."""
    baseline = run(None)

    def unchanged(move: tuple[str, str, int, str]) -> bool:
        label, filename, index, line = move
        copy = work / label.replace(" ", "_")
        shutil.copytree(RULES, copy)
        lines = (copy / filename).read_text(encoding="utf-8").splitlines()
        lines[index] = line
        (copy / filename).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return run(copy) == baseline

    with ThreadPoolExecutor(max_workers=2) as pool:
        return [move[0] for move, same in zip(selected, pool.map(unchanged, selected)) if same]


def test_every_threshold_is_pinned(tmp_path: Path) -> None:
    assert run(RULES) == run(None)  # the override itself changes nothing
    missed = unpinned(list(moves()), tmp_path)
    assert missed == [], "thresholds no seed and no case notices:\n" + "\n".join(missed)


def test_moves_cover_every_threshold() -> None:
    labels = [label for label, *_ in moves()]
    assert "brands.max_name +1" in labels and "officials.tie -0.5" in labels
    assert "officials.quoted_max -1" in labels and "officials.quoted_max +1" not in labels  # moves: down


if __name__ == "__main__":
    # no arguments: print the digests (the subprocess of run()); NAME ...: say which moves of those thresholds are unpinned
    if len(sys.argv) > 1:
        import tempfile

        with tempfile.TemporaryDirectory() as work:
            chosen = [m for m in moves() if m[0].split()[0] in sys.argv[1:]]
            missed = unpinned(chosen, Path(work))
            print("\n".join(f"{m[0]}: {'unpinned' if m[0] in missed else 'pinned'}" for m in chosen) or "no such threshold")
    else:
        print(json.dumps(digests()))
