"""The numeral parser: Arabic, Chinese, mixed, vague, and numerals after OCR normalization."""

from __future__ import annotations

import pytest

from zxextract.normalize import normalize
from zxextract.numerals import parse_arabic, parse_chinese, parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0.0),
        ("7", 7.0),
        ("186", 186.0),
        ("2.5", 2.5),
        ("1782.05", 1782.05),
        ("1,200", 1200.0),
        ("12,345,678", 12345678.0),
        ("1,200.5", 1200.5),
    ],
)
def test_arabic(text: str, value: float) -> None:
    assert parse_arabic(text) == value


@pytest.mark.parametrize("text", ["", "1,20", "12,3456", "1.", ".5", "一", "3万"])
def test_arabic_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_arabic(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1.0),
        ("两", 2.0),
        ("三", 3.0),
        ("十", 10.0),
        ("十九", 19.0),
        ("二十", 20.0),
        ("二十一", 21.0),
        ("一百零五", 105.0),
        ("两千三百", 2300.0),
        ("一万二千", 12000.0),
        ("十万", 100000.0),
        ("五十万", 500000.0),
        ("二十一万五千", 215000.0),
        ("千", 1000.0),
        ("万", 10000.0),
        ("千万", 10000000.0),
        ("一亿二千万", 120000000.0),
        ("一万亿", 1e12),
        ("十余", 10.0),
        ("二〇二三", 2023.0),
        ("一九九八", 1998.0),
    ],
)
def test_chinese(text: str, value: float) -> None:
    assert parse_chinese(text) == value


@pytest.mark.parametrize("text", ["数十", "数百", "几", "几十", "十几", "数千"])
def test_vague_numerals_have_no_value(text: str) -> None:
    assert parse_chinese(text) is None
    assert parse_number(text) is None


@pytest.mark.parametrize("text", ["一一", "三四", "二〇二", "数据", "几乎", "abc", ""])
def test_chinese_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3807万", 38070000.0),
        ("2.5万", 25000.0),
        ("5亿", 500000000.0),
        ("1.2万亿", 1.2e12),
        ("209.7亿", 20970000000.0),
        ("1782.05亿", 178205000000.0),
        ("3千万", 30000000.0),
        ("400余万", 4000000.0),
        ("10多万", 100000.0),
        ("十余万", 100000.0),
        ("5.58万", 55800.0),
        ("三", 3.0),
        ("186", 186.0),
    ],
)
def test_mixed(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(("text", "value"), [("2.3亿", 230000000.0), ("1.13万", 11300.0), ("0.07万", 700.0)])
def test_decimal_folding_is_exact(text: str, value: float) -> None:
    """2.3 × 1e8 in floats is 229999999.99999997; folding in Decimal keeps the printed value."""
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["万吨", "3.5.2万", "三万5", "-3"])
def test_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3807 万", 38070000.0),
        ("400 余万", 4000000.0),
        ("2.5 万", 25000.0),
        ("１２００", 1200.0),
        ("１，２００", None),  # a full-width comma stays a Chinese comma: not a separator
        ("十 九", 19.0),
        ("两 千 三 百", 2300.0),
    ],
)
def test_after_ocr_normalization(raw: str, value: float | None) -> None:
    text = normalize(raw).text
    if value is None:
        with pytest.raises(ValueError):
            parse_number(text)
    else:
        assert parse_number(text) == value
