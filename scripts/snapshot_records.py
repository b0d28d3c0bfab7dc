"""Write or check the records snapshot that guards refactors: the seeds' records in full, the dev2 pages' as digests.

A refactor must not change what the pipeline extracts.  ``tests/test_snapshot.py``
compares the records of every seed page (``seeds/``) and every page of
``../shared/dev2/texts`` with ``tests/snapshots/``; a change that is meant
(a better rule) is recorded by running this script with ``--write`` and
reviewing the diff of ``tests/snapshots/seeds.jsonl`` (``git diff``) and the
scores (``zxextract evaluate``) before committing.

dev2's pages may not be copied into the repository, so only a SHA-256 of each
page's records is kept for them; read what changed on one with
``zxextract evaluate ../shared/dev2/gold --pages ../shared/dev2/texts --errors``.

    python scripts/snapshot_records.py            # check; exit 1 with the pages that changed
    python scripts/snapshot_records.py --write    # record the current records
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "snapshots"
SEEDS = ROOT / "seeds"
DEV2 = Path(os.environ.get("ZXEXTRACT_DEV2") or ROOT.parent / "shared" / "dev2") / "texts"


def page_lines(extractor: object, path: Path) -> list[str]:
    """The JSON Lines export of one page (what ``zxextract extract`` writes), doc_id the file's stem."""
    from zxextract.batch import article_json
    from zxextract.io import decode

    return [article_json(article) for article in extractor.parse(decode(path.read_bytes(), str(path)), doc_id=path.stem)]  # type: ignore[attr-defined]


def digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def current(extractor: object) -> tuple[list[str], dict[str, str]]:
    """The seeds' lines and dev2's digests (empty when ../shared/dev2 is absent)."""
    seeds = [line for path in sorted(SEEDS.glob("*.txt")) for line in page_lines(extractor, path)]
    dev2 = {path.name: digest(page_lines(extractor, path)) for path in sorted(DEV2.glob("*.txt"))} if DEV2.is_dir() else {}
    return seeds, dev2


def stored() -> tuple[list[str], dict[str, str]]:
    seeds = (SNAPSHOTS / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    rows = (SNAPSHOTS / "dev2.tsv").read_text(encoding="utf-8").splitlines()
    return seeds, dict(row.split("\t") for row in rows[1:])


def _by_article(lines: list[str]) -> dict[str, str]:
    keyed = {}
    for line in lines:
        record = json.loads(line)
        keyed[f"{record['doc_id']}#{record['index']}"] = line
    return keyed


def changes(extractor: object) -> Iterator[str]:
    """What differs from the snapshot, one line each (nothing when the records are the same)."""
    seeds, dev2 = current(extractor)
    old_seeds, old_dev2 = stored()
    old_by_id, new_by_id = _by_article(old_seeds), _by_article(seeds)
    for key in sorted(old_by_id.keys() | new_by_id.keys()):
        if old_by_id.get(key) != new_by_id.get(key):
            yield f"seeds {key}: the record changed"
    for name in sorted(dev2):
        if old_dev2.get(name) != dev2[name]:
            yield f"dev2 {name}: the records changed" if name in old_dev2 else f"dev2 {name}: a page the snapshot lacks"


def write(extractor: object) -> None:
    seeds, dev2 = current(extractor)
    if not dev2:
        sys.exit("../shared/dev2/texts is absent: the snapshot needs both the seeds and dev2")
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    (SNAPSHOTS / "seeds.jsonl").write_text("".join(line + "\n" for line in seeds), encoding="utf-8")
    (SNAPSHOTS / "dev2.tsv").write_text("page\tsha256\n" + "".join(f"{k}\t{v}\n" for k, v in dev2.items()), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="record the current records as the snapshot")
    args = parser.parse_args()
    import zxextract

    extractor = zxextract.load()
    if args.write:
        write(extractor)
        return
    found = list(changes(extractor))
    print("\n".join(found) or "records unchanged")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
