"""Refactors keep the records: the seeds' and dev2's records equal the snapshot in tests/snapshots/.

A change meant to alter records is recorded with ``python scripts/snapshot_records.py --write``
(see its docstring); this test then holds the new records until the next deliberate change.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import zxextract

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "snapshot_records.py"
_spec = importlib.util.spec_from_file_location("snapshot_records", SCRIPT)
assert _spec is not None and _spec.loader is not None
snapshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(snapshot)


def test_records_equal_the_snapshot() -> None:
    if not snapshot.DEV2.is_dir():
        pytest.skip("../shared/dev2 is absent: the seeds are checked alone")  # pragma: no cover
    assert list(snapshot.changes(zxextract.load())) == []


def test_seed_records_equal_the_snapshot() -> None:
    seeds, _ = snapshot.stored()
    current = [line for path in sorted(snapshot.SEEDS.glob("*.txt")) for line in snapshot.page_lines(zxextract.load(), path)]
    assert current == seeds


def test_a_changed_record_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    seeds, dev2 = snapshot.stored()
    changed = [seeds[0].replace('"index": 0', '"index": 0, "x": 1', 1)] + seeds[1:]
    monkeypatch.setattr(snapshot, "current", lambda extractor: (changed, {**dev2, "new.txt": "0"}))
    found = list(snapshot.changes(None))
    assert found[0].startswith("seeds ") and found[0].endswith("#0: the record changed")
    assert found[-1] == "dev2 new.txt: a page the snapshot lacks"
