"""Calendar dates written with numbers: ``8月24日``, ``2023年4月``, ``2022年以来``, ``今年6月底``.

A year needs four digits (``2023年``, ``二〇二三年``; after a Chinese year the
month and day may be Chinese too: ``二〇二三年五月十日``) so durations (``20年``,
``连续3年``) are not dates; a month needs 1–12 right before 月 (``两个月`` is a
duration).  Plan names (``十五五``) have no 年/月/日 and never match; anything
inside 《》 is skipped.  ``今年``/``去年``/``明年`` before a month resolve the year
only when a reference date is given: the page alone does not say which year.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, Literal

import regex
from pydantic import Field

from .finder import ArticleContext, RowFinder
from .numerals import parse_chinese
from .records import Date, Hit
from .ruleset import RuleRow, alternation, packaged_table

RULE_TYPE = "date"  # the ``type`` of rules rows this finder takes


class DateRow(RuleRow):
    """A relative year word and its offset from the reference year (``去年`` → -1)."""

    word: str = Field(min_length=1)
    years: int


ROW_MODELS: dict[str, type[RuleRow]] = {RULE_TYPE: DateRow}


class DateWordRow(RuleRow):
    """A word of ``rules/date_words.tsv``: its ``role`` and, for relative years, the offset ``years``."""

    word: str = Field(min_length=1)
    role: Literal["relative", "suffix", "range", "duration", "not_before_day", "not_before_month"]
    years: str = ""


def _words(role: str) -> list[dict[str, str]]:
    return [row for row in packaged_table("date_words.tsv", model=DateWordRow) if row["role"] == role]


_DEFAULT_ROWS = tuple({"type": RULE_TYPE, "word": r["word"], "years": int(r["years"])} for r in _words("relative"))
_RANGE = alternation(r["word"] for r in _words("range")) or "(?!)"
_DAY = r"3[01]|[12]\d|0?[1-9]"
# A day takes 日/号, or none when a range's second day follows (7月13至15日).
_MONTH_DAY = rf"(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>{_DAY})(?:[日号]|(?=(?:{_RANGE})(?:{_DAY})[日号])))?"
_CN_MONTH_DAY = (
    r"(?P<cnmonth>十[一二]?|[一二三四五六七八九])月"
    r"(?:(?P<cnday>三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])日)?"
)
_TITLE = r"(?P<title>《[^《》\n]*》)"  # consumed and skipped: dates in titles do not count
_YEAR = (
    r"(?:(?<![\d.])(?P<year>1[89]\d\d|20\d\d)|(?<![零〇一二三四五六七八九])(?P<cnyear>[零〇一二三四五六七八九]{4}))年"
    rf"(?:{_MONTH_DAY}|{_CN_MONTH_DAY})?"
)
# A day on its own (20日): not after a digit, a month or a decimal point, not a span (5日内).
_NOT_BEFORE_DAY = regex.escape("".join(r["word"] for r in _words("not_before_day")))
_NOT_BEFORE_MONTH = regex.escape("".join(r["word"] for r in _words("not_before_month")))
_BARE_DAY = (
    rf"(?<![\d.月{_NOT_BEFORE_DAY}])(?P<bareday>{_DAY})日(?!{alternation(r['word'] for r in _words('duration')) or '(?!)'})"
)
# The second day of a range (8月22日至24日), which takes its year and month from the first.
_DAY_RANGE = regex.compile(rf"(?:{_RANGE})(?P<day>{_DAY})[日号]")
_SUFFIX = regex.compile(alternation(r["word"] for r in _words("suffix")) or "(?!)")


class DateFinder(RowFinder):
    """Finds dates in normalized text; its rules are the relative year words (今年, 去年 ...)."""

    def __init__(self, rows: Iterable[dict[str, Any]] | None = None) -> None:
        """``rows`` as in :meth:`add`; None gives 前年, 去年, 今年, 明年."""
        self._relative: dict[str, int] = {}
        self.add(_DEFAULT_ROWS if rows is None else rows)

    def to_rows(self) -> list[dict[str, Any]]:
        """The relative year words as JSON-able rows."""
        return [{"type": RULE_TYPE, "word": w, "years": y} for w, y in self._relative.items()]

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override relative year words: rows with ``word`` and ``years`` (offset; ``type`` is ignored)."""
        for row in rows:
            word, years = row.get("word"), row.get("years")
            if not word or not isinstance(years, int):
                raise ValueError(f"bad date row: {row!r}")
            self._relative[word] = years
        words = alternation(self._relative) or "(?!)"
        first = regex.escape("".join(sorted({w[0] for w in self._relative})))
        self._pattern = regex.compile(
            rf"(?=[《\d零〇一二三四五六七八九{first}])"  # cheap first-character test: 10x faster scanning
            rf"(?:{_TITLE}|{_YEAR}|(?P<rel>{words})?(?<![\d.{_NOT_BEFORE_MONTH}]){_MONTH_DAY}|{_BARE_DAY})"
        )

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]:
        """Dates in ``text``, in order; a day range ``8月22日至24日`` gives two dates.

        ``context.reference_date`` resolves 今年/去年 to a year.
        """
        reference_date = context.reference_date if context else None
        hits: list[Hit] = []
        taken = 0  # end of a range's second day, which the scan must not read again as a bare day
        for match in self._pattern.finditer(text):
            if match["title"] or match.start() < taken:
                continue
            year = self._year(match, reference_date)
            month, day = _int(match["month"] or match["cnmonth"]), _int(match["day"] or match["cnday"] or match["bareday"])
            end = match.end()
            suffix = _SUFFIX.match(text, end)
            if suffix and month is not None and day is None:
                end = suffix.end()
            hits.append(Hit(match.start(), end, Date(year, month, day, text=text[match.start() : end], rule=_rule(match))))
            second = _DAY_RANGE.match(text, end) if day is not None else None
            if second:
                start = second.start("day")
                second_day = Date(year, month, int(second["day"]), text=text[start : second.end()], rule="date:range")
                hits.append(Hit(start, second.end(), second_day))
                taken = second.end()
        return hits

    def _year(self, match: regex.Match[str], reference_date: datetime.date | None) -> int | None:
        """The written year, or a relative one resolved against ``reference_date``."""
        if match["year"]:
            return int(match["year"])
        if match["cnyear"]:
            return _int(match["cnyear"])
        if match["rel"] and reference_date is not None:
            return reference_date.year + self._relative[match["rel"]]
        return None


def _rule(match: regex.Match[str]) -> str:
    """``date:ymd`` with a written year, ``date:relative`` after 今年/去年, ``date:md``, or ``date:day`` (20日)."""
    if match["year"] or match["cnyear"]:
        return "date:ymd"
    if match["rel"]:
        return "date:relative"
    return "date:day" if match["bareday"] else "date:md"


def _int(numeral: str | None) -> int | None:
    """An Arabic or Chinese year, month or day number."""
    if numeral is None:
        return None
    if numeral.isdigit():
        return int(numeral)
    value = parse_chinese(numeral)
    assert value is not None  # the pattern admits no vague numerals
    return int(value)
