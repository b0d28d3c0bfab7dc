"""DateFinder: the date forms of SCHEMA.md, relative years, and what is not a date."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest

from zxextract.dates import DateFinder
from zxextract.finder import ArticleContext
from zxextract.normalize import normalize

ROOT = Path(__file__).parent.parent
FINDER = DateFinder()

Key = tuple[int | None, int | None, int | None]


def found(text: str, reference_date: datetime.date | None = None) -> list[Key]:
    return [(h.entity.year, h.entity.month, h.entity.day) for h in FINDER.find(text, ArticleContext(reference_date=reference_date))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8月24日,北碚区委召开", [(None, 8, 24)]),
        ("2023年4月建立", [(2023, 4, None)]),
        ("2023年8月24日", [(2023, 8, 24)]),
        ("2022年以来", [(2022, None, None)]),
        ("区委2023年第二次调研协商座谈会", [(2023, None, None)]),
        ("今年6月底", [(None, 6, None)]),
        ("6月以来", [(None, 6, None)]),
        ("今年3月签约,6月就已投产", [(None, 3, None), (None, 6, None)]),
        ("12月", [(None, 12, None)]),
        ("5月4日", [(None, 5, 4)]),
        ("09月01日", [(None, 9, 1)]),
        ("10月底", [(None, 10, None)]),
        ("6月份", [(None, 6, None)]),
        ("二〇二三年五月十日", [(2023, 5, 10)]),
        ("二〇二三年十二月", [(2023, 12, None)]),
        ("8月22日至24日", [(None, 8, 22), (None, 8, 24)]),
        ("1998年", [(1998, None, None)]),
    ],
)
def test_dates(text: str, expected: list[Key]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "“十五五”规划",  # plan names
        "十四五时期",
        "去年底",  # relative words without numbers
        "今年以来",
        "两个月",  # durations
        "3个月",
        "20年",
        "连续3年",
        "13月",
        "《2024-2027年行动方案》",  # inside 《》
        "《关于2023年8月24日会议的报告》",
        "1.5月",
    ],
)
def test_not_dates(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年6月底", [(2024, 6, None)]),
        ("去年12月", [(2023, 12, None)]),
        ("明年3月1日", [(2025, 3, 1)]),
        ("前年5月", [(2022, 5, None)]),
        ("2021年6月", [(2021, 6, None)]),
        ("6月", [(None, 6, None)]),
    ],
)
def test_relative_years_resolve_with_a_reference_date(text: str, expected: list[Key]) -> None:
    assert found(text, datetime.date(2024, 8, 1)) == expected


def test_relative_year_rows() -> None:
    rows = FINDER.to_rows()
    assert {"type": "date", "word": "去年", "years": -1} in rows
    finder = DateFinder.from_rows([*rows, {"type": "date", "word": "大前年", "years": -3}])
    assert [(h.entity.year, h.entity.text) for h in finder.find("大前年5月", ArticleContext(reference_date=datetime.date(2024, 1, 1)))] == [(2021, "大前年5月")]
    assert DateFinder.from_rows([]).find("今年6月", ArticleContext(reference_date=datetime.date(2024, 1, 1)))[0].entity.year is None


@pytest.mark.parametrize("row", [{"word": "今年"}, {"word": "", "years": 0}, {"word": "今年", "years": "0"}])
def test_bad_rows_are_rejected(row: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DateFinder.from_rows([row])


def test_text_and_offsets() -> None:
    text = "本报讯今年6月底，中南高科项目奠基。"
    (hit,) = FINDER.find(text)
    assert (hit.start, hit.end) == (3, 8)
    assert hit.entity.text == "今年6月底"


def test_seed_pages_against_gold() -> None:
    """Page-level multisets of (year, month, day) on the seed pages."""
    tp = fp = fn = 0
    for gold_file in sorted((ROOT / "tests" / "data" / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = normalize((ROOT / "seeds" / gold["doc_id"]).read_text(encoding="utf-8")).text
        predicted = Counter(found(text))
        expected = Counter((d["year"], d["month"], d["day"]) for a in gold["articles"] for d in a["dates"])
        both = predicted & expected
        tp += sum(both.values())
        fp += sum((predicted - both).values())
        fn += sum((expected - both).values())
    assert 2 * tp / (2 * tp + fp + fn) >= 0.99, (tp, fp, fn)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a range gives two dates; the second inherits the first's year and month
        ("7月13日至15日在福州召开", [(None, 7, 13), (None, 7, 15)]),
        ("2023年9月5日至7日,济南市政协", [(2023, 9, 5), (2023, 9, 7)]),
        ("11月3至5日,考察组赴广州", [(None, 11, 3), (None, 11, 5)]),
        # a bare day
        ("20日上午,驻马店市政协召开", [(None, None, 20)]),
        ("13日至15日,成都", [(None, None, 13), (None, None, 15)]),
        # spans and ordinals of days are not dates
        ("须在5日内办结", []),
        ("第20日", []),
    ],
)
def test_ranges_and_bare_days(text: str, expected: list[Key]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("2023年8月24日至26日", ["date:ymd", "date:range"]),
        ("今年6月", ["date:relative"]),
        ("8月24日", ["date:md"]),
        ("24日", ["date:day"]),
    ],
)
def test_rule_names(text: str, rules: list[str]) -> None:
    assert [h.entity.rule for h in FINDER.find(text)] == rules
