"""The component cases in tests/cases/*.jsonl that use the common format: text in, expected records out.

One case a line: ``{"why": ..., "text": ..., "expected": {TYPE: [ENTITY, ...], ...}}`` where
TYPE is ``articles`` or an entity list of the record (``bylines``, ``districts``, ``officials``,
``brands``, ``quantities``, ``dates``, ``documents``), and each ENTITY gives the keys it checks
(``{"name": "渝事好商量", "kind": "platform"}``; a nested dict checks its own keys).  The page's entities of that type, in order over
its articles, must be exactly these: as many, and equal on the keys given.  ``articles`` compares
the article's own keys (``title``, ``kind``, ``source``, ...).  See tests/cases/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import zxextract
from zxextract.records import Article

CASES = Path(__file__).resolve().parent / "cases"
COMMON = (
    "brands.jsonl",
    "dates.jsonl",
    "documents.jsonl",
    "layout.jsonl",
    "limits.jsonl",
    "officials_limits.jsonl",
    "officials_pages.jsonl",
    "quantities.jsonl",
    "rules.jsonl",
)
ENTITY_TYPES = ("bylines", "districts", "officials", "brands", "quantities", "dates", "documents")
MISSING = "<no such key>"


def load_cases(name: str) -> list[tuple[str, dict[str, Any]]]:
    path = CASES / name
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(f"{name}:{n}", json.loads(line)) for n, line in enumerate(lines, start=1) if line.strip()]


ALL = [case for name in COMMON for case in load_cases(name)]


def found(articles: list[Article], type_: str) -> list[dict[str, Any]]:
    """What the page gives for ``type_``: article dicts without their entity lists, or the entities in order."""
    if type_ == "articles":
        return [{k: v for k, v in a.to_dict().items() if k not in ENTITY_TYPES} for a in articles]
    return [entity.to_dict() for article in articles for entity in getattr(article, type_)]


def project(got: Any, want: Any) -> Any:
    """``got`` cut to the keys ``want`` gives, nested dicts included (``published: {"year": 2024}``)."""
    if isinstance(want, dict) and isinstance(got, dict):
        return {k: project(got.get(k, MISSING), v) for k, v in want.items()}
    return got


@pytest.fixture(scope="module")
def extractor() -> Any:
    return zxextract.load()


def test_cases_are_well_formed() -> None:
    assert ALL, "no cases found"
    for where, case in ALL:
        assert set(case) == {"why", "text", "expected"}, where
        assert case["why"] and case["text"], where
        assert case["expected"] and set(case["expected"]) <= {"articles", *ENTITY_TYPES}, where


@pytest.mark.parametrize(("where", "case"), ALL, ids=[where for where, _ in ALL])
def test_case(extractor: Any, where: str, case: dict[str, Any]) -> None:
    articles = extractor.parse(case["text"])
    for type_, expected in case["expected"].items():
        entities = found(articles, type_)
        got = [project(entity, want) for entity, want in zip(entities, expected)] + entities[len(expected) :]
        assert got == expected, f"{where} ({case['why']}): {type_}"
