"""Every row of every rules table occurs in the text of a seed page or of a case (tests/cases/*.jsonl).

A word no case contains can be deleted, mistyped or broken without any test noticing; so a new
row comes with a case showing what it does.  What "occurs" means depends on the row:
a word occurs as a substring, a regex matches a line, a character set has each character in some
text.  The statistical tables (gazetteer, name statistics, traditional→simplified) are data built
by scripts/build_*.py and checked by their own tests; thresholds are pinned in test_thresholds.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

from zxextract.ruleset import packaged_json, packaged_table

ROOT = Path(__file__).resolve().parent.parent
KIND_NAME = regex.compile(r"^[a-z_]+$")  # a row naming a kind (brand_words' self_naming rows), not a word


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "tests" / "cases").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


TEXTS = _texts()
ALL_TEXT = "\n".join(TEXTS)
LINES = [line.strip() for text in TEXTS for line in text.splitlines() if line.strip()]

# table -> (key column, how it occurs); `chars_kinds`: kinds whose form is a set of characters,
# `regex_kinds`: kinds whose form is a regex, `skip_kinds`: kinds checked elsewhere.
WORD, CHARS, REGEX = "word", "chars", "regex"
TABLES: dict[str, dict[str, object]] = {
    "brands.tsv": {"key": "name"},
    "brand_blockers.tsv": {"key": "blocker"},
    "brand_nouns.tsv": {"key": "noun"},
    "brand_verbs.tsv": {"key": "verb"},
    "brand_words.tsv": {"key": "word"},
    "date_words.tsv": {"key": "word"},
    "district_context.tsv": {
        "key": "form",
        "chars_kinds": {"lead", "list", "self_lead_blocked", "self_lead_unit_blocked", "self_body_blocked"},
    },
    "district_words.tsv": {"key": "form"},
    "document_kinds.tsv": {"key": "keyword"},
    "layout_lines.tsv": {"key": "pattern", "regex_kinds": {"navigation", "contents", "footer", "masthead", "meta", "links"}},
    "layout_words.tsv": {"key": "word"},
    "officials_bodies.tsv": {"key": "word"},
    "officials_context.tsv": {"key": "word", "regex_kinds": {"session_pattern", "committee_pattern"}, "skip_kinds": {"threshold"}},
    "officials_positions.tsv": {"key": "word"},
    "quantity_words.tsv": {"key": "word"},
    "units.tsv": {"key": "surface"},
}
# layout.json: dotted path -> how its strings occur (lists and dict keys are words unless named here).
LAYOUT_JSON = {
    "credit_marks": CHARS,
    "kicker_ends": CHARS,
    "kicker_bars": CHARS,
    "continued_from": REGEX,
    "continued_to": REGEX,
    "news_leads_generic": REGEX,
    "dateline": REGEX,
    "digest_leads": REGEX,
    "furniture.patterns": REGEX,
    "pinyin_annotation": REGEX,
    "title_decorations": CHARS,
}


def occurs(value: str, how: str) -> bool:
    if how == CHARS:
        return all(char in ALL_TEXT for char in value)
    if how == REGEX:
        pattern = regex.compile(value, regex.MULTILINE)
        return any(pattern.search(text) for text in TEXTS) or any(pattern.search(line) for line in LINES)
    return value in ALL_TEXT


def table_rows() -> Iterator[tuple[str, str, str]]:
    """(where, value, how) for every row of the tables above."""
    for filename, spec in TABLES.items():
        for number, row in enumerate(packaged_table(filename), start=1):
            kind = row.get("kind", "")
            value = row[str(spec["key"])]
            if kind in spec.get("skip_kinds", set()) or KIND_NAME.match(value):  # type: ignore[operator]
                continue
            how = CHARS if kind in spec.get("chars_kinds", set()) else REGEX if kind in spec.get("regex_kinds", set()) else WORD  # type: ignore[operator]
            yield f"{filename} row {number} ({kind or spec['key']})", value, how


def layout_json_values() -> Iterator[tuple[str, str, str]]:
    def walk(node: object, path: str) -> Iterator[tuple[str, str, str]]:
        how = LAYOUT_JSON.get(path, WORD)
        if isinstance(node, dict):
            for key, value in node.items():
                child = f"{path}.{key}" if path else key
                if key == "_doc":
                    continue
                if path in ("roles", "suffix_roles", "slash_roles"):
                    yield f"layout.json {child}", key, WORD
                else:
                    yield from walk(value, child)
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, str):
                    yield f"layout.json {path}", item, how
        elif isinstance(node, str):
            yield f"layout.json {path}", node, how

    yield from walk(packaged_json("layout.json"), "")


def test_every_rule_row_occurs_in_a_case() -> None:
    missing = [f"{where}: {value!r}" for where, value, how in (*table_rows(), *layout_json_values()) if not occurs(value, how)]
    assert missing == [], f"{len(missing)} rows occur in no seed and no case:\n" + "\n".join(missing)


@pytest.mark.parametrize(("value", "how", "expected"), [("政协", WORD, True), ("不在任何文本里的词语", WORD, False), ("^$x", REGEX, False)])
def test_occurs(value: str, how: str, expected: bool) -> None:
    assert occurs(value, how) is expected
