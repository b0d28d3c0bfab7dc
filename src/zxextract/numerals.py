"""Numerals as newspapers print them: Arabic, Chinese and mixed (``3807万``, ``两千三百``, ``数十``).

Pure functions over normalized text (digits already ASCII, spaces removed).
Values are computed with :class:`decimal.Decimal` so that ``1782.05亿``
folds to exactly 178205000000 before becoming a float.  A vague numeral
(``数十``, ``几``, ``十几``) has no value: the parsers return None for it.
The hedges ``余``/``多`` inside a numeral (``400余万``, ``十余``) are ignored
here; callers report them as qualifiers.
"""

from __future__ import annotations

from decimal import Decimal

import regex

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG_UNITS = {"万": 10**4, "亿": 10**8}
VAGUE = frozenset("数几")
HEDGES = frozenset("余多")
_DROP_HEDGES = str.maketrans("", "", "".join(HEDGES))

# Building blocks for callers that look for numerals in running text.
ARABIC_PATTERN = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE_PATTERN = r"[零〇一二两三四五六七八九十百千万亿]+"
# 几 after 前/这/那/后/哪 is deictic (前几天, 这几年), not a count; 近几年 is a vague count (SCHEMA).
VAGUE_PATTERN = r"[数几][十百千万]+|[十百千万]+几|(?<![前这那后哪])几"
# A numeral: Arabic with optional hedge and multipliers, tried last (``200千克`` keeps 千克 as the unit,
# ``3807万吨`` takes 万 because 万吨 is no unit),
# Chinese (optionally ``十余万``), or vague.
NUMBER_PATTERN = (
    rf"(?:{ARABIC_PATTERN})(?:[余多]?[百千万亿]+?)??"
    rf"|(?:{VAGUE_PATTERN})"
    rf"|{CHINESE_PATTERN}(?:[余多][万亿]+)?"
)

_ARABIC = regex.compile(rf"(?:{ARABIC_PATTERN})")
_VAGUE = regex.compile(VAGUE_PATTERN)
_CHINESE = regex.compile(CHINESE_PATTERN)
_MIXED = regex.compile(rf"(?P<num>{ARABIC_PATTERN}|{CHINESE_PATTERN})(?P<mult>[十百千万亿]*)")


def parse_arabic(text: str) -> float:
    """``"1,200"`` → 1200.0, ``"2.5"`` → 2.5; ValueError for anything else."""
    return float(_arabic_decimal(text))


def _arabic_decimal(text: str) -> Decimal:
    if not _ARABIC.fullmatch(text):
        raise ValueError(f"not an Arabic numeral: {text!r}")
    return Decimal(text.replace(",", ""))


def parse_chinese(text: str) -> float | None:
    """``"两千三百"`` → 2300.0, ``"一万二千"`` → 12000.0, ``"十九"`` → 19.0, ``"千"`` → 1000.0; vague (``数十``) → None.

    Four bare digits (``"二〇二三"``) are read positionally, as years are written.
    """
    value = _chinese_decimal(text)
    return None if value is None else float(value)


def _chinese_decimal(text: str) -> Decimal | None:
    text = text.translate(_DROP_HEDGES)
    if not text:
        raise ValueError("empty numeral")
    if any(ch in VAGUE for ch in text):
        if _VAGUE.fullmatch(text):
            return None
        raise ValueError(f"not a numeral: {text!r}")
    if not _CHINESE.fullmatch(text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(text) > 1 and all(ch in CN_DIGITS for ch in text):
        if len(text) != 4:  # only years are written digit by digit; 一一, 三四 are not numbers
            raise ValueError(f"ambiguous digit run: {text!r}")
        return Decimal("".join(str(CN_DIGITS[ch]) for ch in text))
    total = under_yi = section = Decimal(0)
    digit: int | None = None
    for ch in text:
        if ch in CN_DIGITS:
            if digit not in (None, 0) and CN_DIGITS[ch] != 0:
                raise ValueError(f"two digits in a row: {text!r}")
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        else:  # 万 / 亿: everything so far (or 1 when bare) times the unit
            group = under_yi + section + (digit or 0) if ch == "亿" else section + (digit or 0)
            group = group or Decimal(1)
            if ch == "亿":
                total = (total + group) * CN_BIG_UNITS[ch]
                under_yi = Decimal(0)
            else:
                under_yi = (under_yi + group) * CN_BIG_UNITS[ch]
            section = Decimal(0)
            digit = None
    return total + under_yi + section + (digit or 0)


def parse_number(text: str) -> float | None:
    """Any numeral: ``"3807万"`` → 38070000.0, ``"1.2万亿"`` → 1.2e12, ``"400余万"`` → 4000000.0, ``"数十"`` → None.

    Raises ValueError when ``text`` is not a numeral.
    """
    cleaned = text.translate(_DROP_HEDGES)
    match = _MIXED.fullmatch(cleaned)
    if match is None or not match["num"][0].isdigit():
        value = _chinese_decimal(text)
        return None if value is None else float(value)
    value = _arabic_decimal(match["num"])
    if match["mult"]:
        factor = _chinese_decimal(match["mult"])
        assert factor is not None  # multipliers are never vague
        value *= factor
    return float(value)
