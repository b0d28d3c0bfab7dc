"""Records of every seed page: exact SCHEMA keys, exact JSON round trips, spans into the raw input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_robustness import assert_spans_valid

import zxextract
from zxextract.records import Article

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
ARTICLE_KEYS = {
    "doc_id", "index", "kind", "section", "title", "subtitle", "published", "source", "bylines", "spans", "text",
    "districts", "officials", "brands", "quantities", "dates", "documents",
}
ENTITY_KEYS = {
    "bylines": {"name", "role", "text", "span"},
    "districts": {"name", "code", "level", "province_name", "implicit", "text", "span"},
    "officials": {"name", "role", "org", "district", "category", "text", "span", "mentions"},
    "brands": {"name", "parent", "kind", "text", "span"},
    "quantities": {"value", "value_max", "unit", "qualifier", "text", "span"},
    "dates": {"year", "month", "day", "text", "span"},
    "documents": {"title", "kind", "text", "span"},
}


@pytest.fixture(scope="module")
def records() -> dict[str, tuple[str, list[Article]]]:
    extractor = zxextract.load()
    return {p.name: (raw := p.read_text(encoding="utf-8"), extractor.parse(raw, doc_id=p.name)) for p in SEEDS}


@pytest.mark.parametrize("seed", [p.name for p in SEEDS])
def test_json_round_trip_is_exact(records: dict, seed: str) -> None:
    _, articles = records[seed]
    assert articles
    for article in articles:
        line = article.to_json(ensure_ascii=False)
        assert Article.from_json(line) == article
        assert Article.from_dict(json.loads(line)) == article
        assert Article.from_dict(article.to_dict()) == article


@pytest.mark.parametrize("seed", [p.name for p in SEEDS])
def test_keys_are_exactly_the_schema(records: dict, seed: str) -> None:
    _, articles = records[seed]
    for index, article in enumerate(articles):
        data = json.loads(article.to_json())
        assert set(data) == ARTICLE_KEYS
        assert (data["doc_id"], data["index"]) == (seed, index)
        assert data["kind"] in {"report", "brief", "photo", "continuation", "other"}
        for field, keys in ENTITY_KEYS.items():
            for entity in data[field]:
                assert set(entity) == keys | {"rule"}, field


@pytest.mark.parametrize("seed", [p.name for p in SEEDS])
def test_every_span_points_into_the_raw_page(records: dict, seed: str) -> None:
    raw, articles = records[seed]
    assert_spans_valid(raw, articles)
    for article in articles:
        for official in article.officials:
            for start, end in official.mentions:
                assert "".join(raw[start:end].split()) == official.name
