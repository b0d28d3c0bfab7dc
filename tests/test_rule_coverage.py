"""Every hit names its rule, every rule name is listed, and every listed rule is exercised by a case."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import zxextract
from zxextract.ruleset import packaged_table

ROOT = Path(__file__).resolve().parent.parent
LISTED = {row["rule"] for row in packaged_table("rule_names.tsv")}
ENTITY_KEYS = ("zx_bylines", "zx_districts", "zx_officials", "zx_brands", "zx_quantities", "zx_dates", "zx_documents")


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "tests" / "cases").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


@pytest.fixture(scope="module")
def produced() -> Counter:
    """How often each rule value is written, over the seeds and every case text (spans, implicit hits included,
    and the articles' publication dates)."""
    extractor = zxextract.load(segmenter="char")
    counts: Counter = Counter()
    for text in _texts():
        doc = extractor.nlp(text)
        for key in ENTITY_KEYS:
            counts.update(span._.zx.get("rule") for span in doc.spans.get(key, []))
        counts.update(article.published.rule for article in extractor.parse(text) if article.published)
    return counts


def test_every_hit_names_a_listed_rule(produced: Counter) -> None:
    assert None not in produced, "an entity without a rule"
    assert set(produced) - LISTED == set(), "rule names missing from rules/rule_names.tsv"


def test_every_listed_rule_is_exercised(produced: Counter) -> None:
    assert LISTED - set(produced) == set(), "listed rules that no seed and no case in tests/cases exercises"
