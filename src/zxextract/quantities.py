"""Quantities: a numeral with a measure word or unit (``约18万吨``, ``2.5万余人``, ``-200°C至1000°C``).

One compiled regex finds ``[qualifier] number [至 number] [余|多] unit [qualifier]``;
each match is then checked against the exclusions of SCHEMA.md (years, ordinals,
the article 一, names in short quotes or 《》, idioms).  Measure words come from
``rules/units.tsv`` (see docs/quantities.md) so a spaCy component can save and
reload them as rows (``{"type": "unit", "surface": "万方"...}``) with
:meth:`QuantityFinder.to_rows` / :meth:`QuantityFinder.from_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal, cast

import regex
from pydantic import Field

from .finder import ArticleContext, RowFinder, packaged_rows
from .numerals import HEDGES, NUMBER_PATTERN, parse_number
from .records import Hit, Quantity
from .ruleset import RuleRow, alternation, packaged_table

RULE_TYPE = "unit"  # the ``type`` of rules rows this finder takes
NOT_A_UNIT = "-"
NUMERALS_ANY = "any"
NUMERALS_ARABIC = "arabic"


class UnitRow(RuleRow):
    """A measure word: its ``surface``, canonical ``unit``, and which numerals it takes (``after``)."""

    surface: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    after: Literal["any", "arabic"] = "any"


ROW_MODELS: dict[str, type[RuleRow]] = {RULE_TYPE: UnitRow}


class QuantityWordRow(RuleRow):
    """A word of ``rules/quantity_words.tsv``: its ``role`` around a number and, for qualifiers, the canonical ``value``."""

    word: str = Field(min_length=1)
    role: Literal[
        "before",
        "after",
        "clause",
        "not_clause",
        "article",
        "session",
        "session_unit",
        "holding",
        "clock",
        "clock_unit",
        "place",
        "place_counter",
        "perfective",
        "ordinal",
        "magnitude_before",
        "range",
        "scale_unit",
        "year_unit",
    ]
    value: str = ""


@lru_cache(maxsize=1)
def _words() -> dict[str, dict[str, str]]:
    """role → {word: value} from ``rules/quantity_words.tsv``."""
    table: dict[str, dict[str, str]] = {}
    for row in packaged_table("quantity_words.tsv", model=QuantityWordRow):
        table.setdefault(row["role"], {})[row["word"]] = row.get("value", "")
    return table


_WORDS = _words()
_BEFORE = _WORDS["before"]
_AFTER = tuple(_WORDS["after"])
_CLAUSE = _WORDS["clause"]
# A clause qualifier, or a word that merely holds its characters (公共, 共同): the word wins by starting first or being longer.
_CLAUSE_WORDS = regex.compile(alternation({*_CLAUSE, *_WORDS["not_clause"]}) or "(?!)")
_CLAUSE_END = regex.compile(r"[，,。；;！!？?：:\n]")
# Short quotes without sentence punctuation are names or terms (“30市州区县”, “六个新高地”).
_NAME_QUOTE = regex.compile(r"“[^“”\n，,。；;！!？?]{1,30}”|‘[^‘’\n，,。；;！!？?]{1,30}’")
_BOOK_TITLE = regex.compile(r"《[^《》\n]*》")
_YEAR = regex.compile(r"-?(?:1[89]\d\d|20\d\d|[零〇一二三四五六七八九]{4})")
_MAGNITUDES = frozenset("十百千万亿")
_IDIOM_NEXT = frozenset("百千万")
_ARTICLES = frozenset(_WORDS["article"])
_SESSION_AFTER = regex.compile(alternation(_WORDS["session"]) or "(?!)")
_HOLDING_BEFORE = regex.compile(
    rf"(?:{alternation(_WORDS['holding']) or '(?!)'})(?:{alternation(_WORDS['perfective']) or '(?!)'})?$"
)
_ORDINAL = regex.escape("".join(_WORDS["ordinal"]))
_RANGE = alternation(_WORDS["range"]) or "(?!)"
_MAGNITUDE_BEFORE = alternation(_WORDS["magnitude_before"]) or "(?!)"
_CLOCK_BEFORE = regex.compile(rf"(?:{alternation(_WORDS['clock']) or '(?!)'})$")
_PLACE_AFTER = regex.compile(alternation(_WORDS["place"]) or "(?!)")
# How far before a number a holding verb (召开了) or a clock word (下午) can start: the longest of them.
_CONTEXT = max(len(w) for w in (*_WORDS["holding"], *_WORDS["clock"], "")) + max(
    (len(w) for w in _WORDS["perfective"]), default=0
)

_NUMERAL_CHARS = "数几零〇一二两三四五六七八九十百千万亿"
# A numeral that does not continue another one (1,200 / 十九) nor follow 第 or 届 (ordinals:
# 第四季度, 十一届三次会议); Arabic ones may carry the minus of -200°C.
_NUMBER = (
    rf"(?:(?<![\dA-Za-z{_ORDINAL}]|\d[.,])(?:(?<![\dA-Za-z.])-)?(?=\d)"
    rf"|(?<![{_NUMERAL_CHARS}{_ORDINAL}])(?=[{_NUMERAL_CHARS}]))"
    rf"(?:{NUMBER_PATTERN})"
)


@lru_cache(maxsize=1)
def _default_rows() -> tuple[dict[str, str], ...]:
    """Rows of ``rules/units.tsv`` (surface, unit, after)."""
    return packaged_rows("units.tsv", RULE_TYPE)


class QuantityFinder(RowFinder):
    """Finds quantities in normalized text with a given table of measure words."""

    def __init__(self, rows: Iterable[dict[str, Any]] | None = None) -> None:
        """``rows`` as in :meth:`add`; None loads the packaged ``rules/units.tsv``."""
        self._units: dict[str, tuple[str, str]] = {}  # surface -> (unit, after)
        self.add(_default_rows() if rows is None else rows)

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override units: rows with ``surface``, ``unit`` and optional ``after`` (any | arabic).

        ``type`` is ignored (it routes rows of a rules file).  A row whose
        surface is already known replaces it.
        """
        for row in rows:
            surface, unit, after = row.get("surface"), row.get("unit"), row.get("after", NUMERALS_ANY)
            if not surface or not unit or after not in (NUMERALS_ANY, NUMERALS_ARABIC):
                raise ValueError(f"bad unit row: {row!r}")
            self._units[surface] = (unit, after)
        self._compile()

    def _compile(self) -> None:
        """One regex for the current unit table (longest surface first)."""
        units = alternation(self._units) or "(?!)"
        before = alternation(_BEFORE) or "(?!)"
        first = regex.escape("".join(sorted({word[0] for word in (*_BEFORE, *_WORDS["magnitude_before"])} | set(_NUMERAL_CHARS))))
        self._pattern = regex.compile(
            rf"(?=[{first}\d-])"  # cheap first-character test before the full pattern
            rf"(?P<before>{before}|(?:{_MAGNITUDE_BEFORE})(?=[百千万亿]))?"
            rf"(?P<n1>{_NUMBER})"
            rf"(?:(?P<u1>{units})?(?:{_RANGE})(?P<n2>{_NUMBER}))?"
            rf"(?P<hedge>[余多])?"
            rf"(?P<unit>(?(u1)(?P=u1)|(?:{units})))"  # 3个至5个 is a range, 3个至5名 two counts
            rf"(?P<after>{'|'.join(_AFTER)})?"
        )
        # ``regex`` looks group names up slowly (~0.6 µs each): find() reads the groups once, by number.
        self._index = dict(self._pattern.groupindex)
        self._names = sorted(self._index, key=self._index.__getitem__)

    def to_rows(self) -> list[dict[str, str]]:
        """The unit table as JSON-able rows; ``from_rows(to_rows())`` rebuilds an equal finder."""
        return [{"type": RULE_TYPE, "surface": s, "unit": u, "after": a} for s, (u, a) in self._units.items()]

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]:
        """Quantities in ``text``, in order, with offsets into ``text``."""
        masked = _masked(text)
        hits: list[Hit] = []
        clause_start = 0  # where the current clause (or the text after the last quantity) begins
        index = self._index
        for match in self._pattern.finditer(text):
            n1_start = match.start(index["n1"])
            if masked[n1_start]:
                continue
            groups = dict(zip(self._names, match.groups()))
            quantity = self._quantity(groups, text, n1_start, match.end(index["unit"]))
            if quantity is None:
                continue
            start = match.start(index["before"]) if groups["before"] else n1_start
            end = match.end()
            if quantity.qualifier is None:
                quantity.qualifier = _clause_qualifier(text, clause_start, start)
            quantity.text = text[start:end]
            hits.append(Hit(start, end, quantity))
            clause_start = end
        return hits

    def _quantity(self, groups: dict[str, str | None], text: str, n1_start: int, unit_end: int) -> Quantity | None:
        """The Quantity a match (its ``groups`` by name) denotes, or None when an exclusion applies."""
        n1, n2 = cast(str, groups["n1"]), groups["n2"]  # the pattern requires n1 and unit
        surface = cast(str, groups["unit"])
        unit, after = self._units[surface]
        if after == NUMERALS_ARABIC and not n2 and len(n1) > 1 and not n1[0].isdigit():
            shifted = self._units.get(n1[-1] + surface)
            if shifted and shifted[1] == NUMERALS_ANY:
                n1, (unit, after) = n1[:-1], shifted  # 五千克: 千 starts the unit, 克 alone follows only Arabic digits
        if unit == NOT_A_UNIT:
            return None
        numerals = [n for n in (n1, n2) if n]
        if after == NUMERALS_ARABIC and not all(n.lstrip("-")[0].isdigit() for n in numerals):
            return None
        if unit in _WORDS["year_unit"] and any(_YEAR.fullmatch(n) for n in numerals):
            return None  # 2023年 is a date
        if not n2 and n1 in _ARTICLES:
            return None  # 一场, 一个: an article, not a count
        if _is_set_phrase(n1, unit, text, n1_start, unit_end) or _is_name_or_ordinal(groups, text, n1_start, unit_end):
            return None
        try:
            values = [_signed_value(n) for n in numerals]
        except ValueError:
            return None  # 一一, 三四: not a numeral after all
        inner = next((ch for ch in n1 if ch in HEDGES), None)  # 400余万吨
        raw_before = groups["before"]
        before = None if raw_before is None else _BEFORE.get(raw_before, raw_before)
        qualifier = groups["hedge"] or inner or groups["after"] or before
        if n2:
            rule = "quantity:range"
        elif values[0] is None:
            rule = "quantity:vague"
        else:
            rule = "quantity:arabic" if n1.lstrip("-")[0].isdigit() else "quantity:chinese"
        return Quantity(
            value=values[0], value_max=values[1] if len(values) > 1 else None, unit=unit, qualifier=qualifier, rule=rule
        )


def _signed_value(numeral: str) -> float | None:
    """parse_number with the leading minus of ``-200°C``."""
    if numeral.startswith("-"):
        value = parse_number(numeral[1:])
        return None if value is None else -value
    return parse_number(numeral)


def _is_set_phrase(numeral: str, unit: str, text: str, start: int, unit_end: int) -> bool:
    """A bare magnitude in an idiom or a scale adjective: 千家万户, 千方百计, 千亿级 (but 千名 counts)."""
    if not set(numeral) <= _MAGNITUDES:
        return False
    paired = (unit_end < len(text) and text[unit_end] in _IDIOM_NEXT) or (start >= 2 and text[start - 2] in _IDIOM_NEXT)
    return unit in _WORDS["scale_unit"] or paired


def _is_name_or_ordinal(groups: dict[str, str | None], text: str, start: int, unit_end: int) -> bool:
    """A session number (四次会议, unless held: 召开三次会议), a clock time (下午3点, 3点30分),
    or a place name made of a numeral and a measure character (三台县, but 三个村)."""
    surface, before = groups["unit"] or "", text[max(0, start - _CONTEXT) : start]
    if surface in _WORDS["session_unit"] and _SESSION_AFTER.match(text, unit_end):
        return _HOLDING_BEFORE.search(before) is None
    if surface in _WORDS["clock_unit"]:
        return _CLOCK_BEFORE.search(before) is not None or text[unit_end : unit_end + 1].isdigit()
    chinese = not (groups["n1"] or "0").lstrip("-")[0].isdigit()
    return (
        chinese
        and len(surface) == 1
        and surface not in _WORDS["place_counter"]
        and _PLACE_AFTER.match(text, unit_end) is not None
    )


def _masked(text: str) -> bytearray:
    """1 for each character inside 《》 or a short quoted name, where numbers are not quantities."""
    masked = bytearray(len(text))
    for pattern in (_BOOK_TITLE, _NAME_QUOTE):
        for m in pattern.finditer(text):
            masked[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return masked


def _clause_qualifier(text: str, clause_start: int, number_start: int) -> str | None:
    """共/累计 earlier in the same clause and after the previous quantity."""
    window_start = clause_start
    for end in _CLAUSE_END.finditer(text, clause_start, number_start):
        window_start = end.end()
    found = None
    for m in _CLAUSE_WORDS.finditer(text, window_start, number_start):
        found = m.group()
    return _CLAUSE.get(found) if found else None
