"""to_frame: Articles as pandas tables, one row per article or per entity, from every shape of input."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pandas = pytest.importorskip("pandas")

from zxextract import to_frame
from zxextract.batch import article_json
from zxextract.records import (
    Article,
    Credit,
    Date,
    District,
    Document,
    Official,
    Quantity,
)


def articles() -> list[Article]:
    """Two articles of one page, written by hand so that every expected cell is known."""
    first = Article(
        doc_id="p1", index=0, kind="report", title="标题甲", spans=[[0, 10], [20, 30]], text="正文",
        bylines=[Credit("李明", "reporter", "记者李明", [2, 6], "credit:reporter")],
        districts=[District("大足区", "500111", "county", "重庆市", False, "大足", [8, 10], "district:short")],
        officials=[Official("贺艳", "委员", "大足区政协", "大足区", "cppcc", "贺艳委员", [11, 15], [[40, 42]], "official:name_first")],
        quantities=[Quantity(38070000.0, None, "吨", "达", "达3807万吨", [16, 23], "quantity:arabic"),
                    Quantity(1.0, 2.0, "个", None, "1至2个", [24, 28])],
        dates=[Date(None, 8, 24, "8月24日", [30, 35], "date:month_day")],
    )  # fmt: skip
    second = Article(
        doc_id="p1", index=1, kind="brief", title=None, text="短讯",
        documents=[Document("关于某事的建议", "proposal", "《关于某事的建议》", [50, 59], "document:brackets")],
    )  # fmt: skip
    return [first, second]


def test_articles_table_one_row_per_article_with_counts() -> None:
    frame = to_frame(articles())
    assert list(frame[["doc_id", "article", "kind"]].itertuples(index=False, name=None)) == [
        ("p1", 0, "report"),
        ("p1", 1, "brief"),
    ]
    assert frame.loc[0, "title"] == "标题甲" and pandas.isna(frame.loc[1, "title"])
    assert (frame.loc[0, "start"], frame.loc[0, "end"]) == (0, 30)
    assert pandas.isna(frame.loc[1, "start"])
    assert frame.loc[0, ["districts", "officials", "quantities", "dates", "documents", "bylines"]].tolist() == [1, 1, 2, 1, 0, 1]
    assert frame.loc[1, "documents"] == 1


def test_entity_table_has_the_article_keys_and_split_spans() -> None:
    officials = to_frame(articles(), "officials")
    assert officials.columns.tolist() == [
        "doc_id", "article", "title", "name", "role", "org", "district", "category", "text", "start", "end", "mentions", "rule",
    ]  # fmt: skip
    row = officials.iloc[0]
    assert (row["doc_id"], row["article"], row["title"], row["name"], row["role"], row["org"]) == ("p1", 0, "标题甲", "贺艳", "委员", "大足区政协")
    assert (row["start"], row["end"], row["mentions"], row["rule"]) == (11, 15, [[40, 42]], "official:name_first")


def test_dates_keep_integer_columns_with_missing_parts() -> None:
    dates = to_frame(articles(), "dates")
    assert str(dates["year"].dtype) == "Int64" and pandas.isna(dates.loc[0, "year"])
    assert (dates.loc[0, "month"], dates.loc[0, "day"]) == (8, 24)


def test_document_title_does_not_hide_the_article_title() -> None:
    documents = to_frame(articles(), "documents")
    assert documents.loc[0, "document_title"] == "关于某事的建议"
    assert pandas.isna(documents.loc[0, "title"])  # the brief has no title


def test_empty_entity_table_still_has_its_columns() -> None:
    brands = to_frame(articles(), "brands")
    assert brands.empty
    assert brands.columns.tolist() == ["doc_id", "article", "title", "name", "parent", "kind", "text", "start", "end", "rule"]


def test_long_table_of_all_entities() -> None:
    long = to_frame(articles(), "entities")
    assert long[["type", "name", "start"]].values.tolist() == [
        ["districts", "大足区", 8],
        ["officials", "贺艳", 11],
        ["quantities", "38070000 吨", 16],
        ["quantities", "1-2 个", 24],
        ["dates", "?-08-24", 30],
        ["bylines", "李明", 2],
        ["documents", "关于某事的建议", 50],
    ]
    assert set(long["article"]) == {0, 1}


def test_pipe_pairs_and_jsonl_path_give_the_same_table(tmp_path: Path) -> None:
    records = articles()
    path = tmp_path / "out.jsonl"
    path.write_text("".join(article_json(a) + "\n" for a in records), encoding="utf-8")
    expected = to_frame(records, "quantities")
    pandas.testing.assert_frame_equal(to_frame([("p1", records), ("p2", [])], "quantities"), expected)
    pandas.testing.assert_frame_equal(to_frame(path, "quantities"), expected)
    pandas.testing.assert_frame_equal(to_frame(str(path), "quantities"), expected)


def test_bad_kind_and_bad_records() -> None:
    with pytest.raises(ValueError, match="kind must be one of articles, districts"):
        to_frame(articles(), "people")
    with pytest.raises(TypeError, match="got str"):
        to_frame(["not an article"])


def test_without_pandas_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'zxextract\[pandas\]'"):
        to_frame(articles())
