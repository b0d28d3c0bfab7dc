"""Articles in a notebook: a one-line repr, an HTML view with the entities marked, readable JSON;
``extractor(page)`` and ``load(reference_date=)``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import zxextract
from zxextract.records import Article, Credit, Date, District, Official, Quantity


def article() -> Article:
    text = "大足区政协委员贺艳说，<b>今年</b>已达3807万吨。" + "长" * 500
    return Article(
        doc_id="p1", index=2, kind="report", section="区县速递", title="标题" * 30, text=text,
        bylines=[Credit("李明", "reporter", "记者李明")],
        districts=[District("大足区", "500111", "county", "重庆市", text="大足区")],
        officials=[Official("贺艳", "委员", "大足区政协", "大足区", "cppcc", text="大足区政协委员贺艳", rule="official:name_last")],
        quantities=[Quantity(38070000.0, unit="吨", qualifier="达", text="达3807万吨")],
    )  # fmt: skip


def test_repr_is_one_short_line_without_the_text() -> None:
    shown = repr(article())
    assert shown == (
        "Article(doc_id='p1', index=2, kind='report', title='" + "标题" * 20 + "…', "
        "districts=1, officials=1, brands=0, quantities=1, dates=0, documents=0, bylines=1)"
    )


def test_html_marks_entities_in_colour_and_escapes_the_text() -> None:
    page = article()._repr_html_()
    assert "<b>" not in page and "&lt;b&gt;今年&lt;/b&gt;" in page
    # the official's surface form is longer than the district's inside it, so it wins
    assert 'background:#feca74;padding:0 .15em;border-radius:.25em">大足区政协委员贺艳<sup' in page
    assert ">大足区<sup" not in page
    assert "达3807万吨<sup" in page
    assert "区县速递" in page and "李明 (reporter)" in page
    assert 'title="OFFICIAL: name=贺艳 role=委员 org=大足区政协 district=大足区 category=cppcc (official:name_last)"' in page


def test_html_shows_publication_when_the_article_has_it() -> None:
    record = article()
    record.published = Date(2025, 3, 27)  # type: ignore[attr-defined]
    record.source = "人民政协网"  # type: ignore[attr-defined]
    assert "published 2025-03-27 · source 人民政协网" in record._repr_html_()


def test_to_json_is_readable_utf8_and_round_trips() -> None:
    record = article()
    line = record.to_json()
    assert "大足区政协" in line and "\\u" not in line
    assert Article.from_json(line) == record
    assert record.districts[0].to_json().startswith('{"name": "大足区"')
    assert "\\u5927" in record.to_json(ensure_ascii=True)
    assert json.loads(line)["title"] == record.title


@pytest.fixture(scope="module")
def dated() -> zxextract.Extractor:
    return zxextract.load(segmenter="char", reference_date=dt.date(2024, 5, 1))


def test_call_parses_a_page_and_reference_date_resolves_relative_years(dated: zxextract.Extractor) -> None:
    (parsed,) = dated("去年6月，南川区完成3807万吨；今年3月又完成。\n", doc_id="x")
    assert parsed.doc_id == "x"
    assert [(d.year, d.month) for d in parsed.dates] == [(2023, 6), (2024, 3)]


def test_without_reference_date_relative_years_stay_null() -> None:
    (parsed,) = zxextract.load(segmenter="char")("今年3月完成。\n")
    assert [(d.year, d.month) for d in parsed.dates] == [(None, 3)]


@pytest.mark.parametrize("value", ["2024-02-30", "May 2024", 2024])
def test_bad_reference_date(value: object) -> None:
    with pytest.raises(ValueError, match="reference_date must be a date or 'YYYY-MM-DD'"):
        zxextract.load(reference_date=value)  # type: ignore[arg-type]


def test_displacy_colours_are_registered_for_our_labels() -> None:
    """``displacy.render(doc)`` picks colours up from this entry point once the package is installed."""
    import importlib
    from pathlib import Path

    import tomllib

    from zxextract.records import COLORS, LABELS

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    module, name = project["project"]["entry-points"]["spacy_displacy_colors"]["zxextract"].split(":")
    assert getattr(importlib.import_module(module), name) is COLORS
    assert set(COLORS) == set(LABELS.values())
