"""Scoring semantics of zxextract.evaluate on small hand-made gold/prediction pairs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from zxextract.evaluate import (
    TYPES,
    Scores,
    TypeScore,
    evaluate,
    format_errors,
    format_table,
    load_gold,
    read_predictions,
)
from zxextract.records import Article, Brand, Credit, Date, District, Document, Official, Quantity

GOLD_DIR = Path(__file__).parent / "data" / "gold"
DOC = "p.txt"


def gold_article(**fields) -> dict:
    """A gold article dict with every key present, empty unless given."""
    article = {"title": None, "subtitle": None, "section": None, "kind": "report", "body_start": ""}
    article.update({key: [] for key in ("bylines", "districts", "officials", "brands", "quantities", "dates", "documents")})
    article.update(fields)
    return article


def write_gold(folder: Path, *articles: dict, doc_id: str = DOC) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{doc_id}.json").write_text(json.dumps({"doc_id": doc_id, "articles": list(articles)}), encoding="utf-8")
    return folder


def article(index: int = 0, doc_id: str = DOC, **fields) -> Article:
    return Article(doc_id=doc_id, index=index, kind="report", **fields)


def quantity(value: float | None, unit: str, value_max: float | None = None) -> dict:
    return {"value": value, "value_max": value_max, "unit": unit, "qualifier": None, "text": ""}


def counts(scores: Scores, type_: str) -> tuple[int, int, int]:
    s = scores[type_]
    return s.tp, s.fp, s.fn


def test_sets_count_a_key_once_per_document(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(officials=[{"name": "舒茂全", "role": "副主席", "org": "南川区政协"}], documents=["甲方案"], brands=["智汇聚力"]),
        gold_article(officials=[{"name": "舒茂全", "role": "副主席", "org": "南川区政协"}]),
    )
    repeated = {
        "officials": [Official("舒茂全", "副主席", "南川区政协"), Official("舒茂全", "副主席", "南川区政协")],
        "documents": [Document("甲方案"), Document("甲 方案")],
        "brands": [Brand("智汇聚力"), Brand("智汇聚力")],
        "bylines": [Credit("彭勇", "correspondent"), Credit("彭勇", "correspondent")],
        "districts": [District("大足区", "500111", "county"), District("大足区", "500111", "county")],
    }
    scores = evaluate(gold, predictions=[article(0, **repeated), article(1, **repeated)])
    assert counts(scores, "officials") == (1, 0, 0)
    assert counts(scores, "documents") == (1, 0, 0)
    assert counts(scores, "brands") == (1, 0, 0)
    assert counts(scores, "bylines") == (0, 1, 0)
    assert counts(scores, "districts") == (0, 1, 0)


def test_quantities_and_dates_are_multisets(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(quantities=[quantity(45, "公里")], dates=[{"year": 2023, "month": None, "day": None, "text": "2023年"}] * 2),
        gold_article(quantities=[quantity(45, "公里")]),
    )
    predicted = article(
        quantities=[Quantity(45, unit="公里")] * 3,
        dates=[Date(2023)],
    )
    scores = evaluate(gold, predictions=[predicted])
    assert counts(scores, "quantities") == (2, 1, 0)
    assert counts(scores, "dates") == (1, 0, 1)


def test_quantity_values_equal_to_six_significant_digits(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(
            quantities=[quantity(20970000000, "元"), quantity(1234567, "吨"), quantity(1, "个", 2), quantity(None, "位"), quantity(-200, "℃", 1000)]
        ),
    )
    predicted = article(
        quantities=[
            Quantity(20970000000.4, unit="元"),  # same to 6 digits
            Quantity(1234500, unit="吨"),  # differs in the 5th digit
            Quantity(1.0, 2.0000001, "个"),
            Quantity(None, unit="位"),
            Quantity(-200, 1000, "°C"),  # unit compared as written
        ]
    )
    scores = evaluate(gold, predictions=[predicted])
    assert counts(scores, "quantities") == (3, 2, 2)
    errors = scores.errors["quantities"][DOC]
    assert errors.false_positives == [(-200.0, 1000.0, "°C"), (1234500.0, None, "吨")]
    assert errors.false_negatives == [(-200.0, 1000.0, "℃"), (1234570.0, None, "吨")]


def test_zone_keys_and_level_filtering(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(districts=[{"name": "两江新区", "code": None}, {"name": "北碚区", "code": "500109"}, {"name": "江北区", "code": "500105"}]),
    )
    predicted = article(
        districts=[
            District("两江新区", None, "zone"),
            District("重庆高新区", None, "zone"),
            District("北碚", "500109", "county", implicit=True),  # keyed by code, name irrelevant
            District("重庆市", "500000", "province"),  # not scored
            District("静观镇", "500109100", "township"),  # not scored
        ]
    )
    scores = evaluate(gold, predictions=[predicted])
    assert counts(scores, "districts") == (2, 1, 1)
    assert scores.errors["districts"][DOC].false_positives == ["zone:重庆高新区"]
    assert scores.errors["districts"][DOC].false_negatives == ["500105"]


def test_brands_and_titles_normalize_quotes_dots_and_whitespace(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(title="以“智”聚力助推城市治理", brands=["渝事好商量·‘涪’务面对面", "智汇聚力"], documents=["关于 某事的建议"]),
        gold_article(title="美化城市空间 打造山城花境"),
    )
    predicted = [
        article(0, title='以"智"聚力 助推城市治理', brands=[Brand("渝事好商量・'涪'务 面对面"), Brand("「智汇聚力」")], documents=[Document("关于某事的建议")]),
        article(1, title="美化城市空间打造山城花境"),
    ]
    scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "articles") == (2, 0, 0)
    assert counts(scores, "documents") == (1, 0, 0)
    # Quotes are normalized, not stripped: a quoted name is not the canonical one.
    assert counts(scores, "brands") == (1, 1, 1)
    assert scores.errors["brands"][DOC].false_positives == ['"智汇聚力"']


def test_untitled_articles_are_not_scored_and_titles_are_a_multiset(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(title=None), gold_article(title="公交开到家门口"), gold_article(title=""))
    predicted = [article(0, title=None), article(1, title=" \n"), article(2, title="公交开到家门口"), article(3, title="公交开到 家门口")]
    scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "articles") == (1, 1, 0)


def test_strict_officials_add_the_org(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(officials=[{"name": "章榕", "role": "常委", "org": "北碚区委"}, {"name": "王俊", "role": "书记", "org": "北碚区委"}]),
    )
    predicted = article(officials=[Official("章榕", "常委", "北碚区政府"), Official("王俊", "书记", "北碚区委"), Official("王俊", "区长", "北碚区政府")])
    scores = evaluate(gold, predictions=[predicted])
    assert counts(scores, "officials") == (2, 1, 0)
    assert counts(scores, "officials_strict") == (1, 2, 1)
    assert scores.errors["officials_strict"][DOC].false_negatives == [("章榕", "常委", "北碚区委")]


def test_documents_are_scored_separately_and_summed(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(bylines=[{"name": "彭勇", "role": "correspondent"}]), doc_id="a.txt")
    write_gold(tmp_path / "gold", gold_article(bylines=[{"name": "彭勇", "role": "correspondent"}]), doc_id="b.txt")
    # The byline predicted for a.txt does not count for b.txt; b.txt has no prediction at all.
    scores = evaluate(gold, predictions=[article(doc_id="a.txt", bylines=[Credit("彭勇", "correspondent")])])
    assert counts(scores, "bylines") == (1, 0, 1)
    assert scores["bylines"].precision == 1.0
    assert scores["bylines"].recall == 0.5
    assert scores["bylines"].f1 == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "expected"),
    [
        (0, 0, 0, (1.0, 1.0, 1.0)),  # nothing to find, nothing wrongly found
        (0, 0, 2, (0.0, 0.0, 0.0)),  # nothing predicted
        (0, 3, 0, (0.0, 0.0, 0.0)),  # nothing to find, yet predictions
        (1, 1, 2, (0.5, 1 / 3, 0.4)),
    ],
)
def test_zero_denominators(tp: int, fp: int, fn: int, expected: tuple[float, float, float]) -> None:
    s = TypeScore(tp, fp, fn)
    assert (s.precision, s.recall, s.f1) == pytest.approx(expected)


def test_perfect_score_when_predictions_are_the_gold() -> None:
    gold = load_gold(GOLD_DIR)
    scores = evaluate(GOLD_DIR, predictions=[a for articles in gold.values() for a in articles])
    assert {name: s.f1 for name, s in scores.types.items()} == dict.fromkeys(TYPES, 1.0)
    assert all(s.fp == s.fn == 0 for s in scores.types.values())
    assert scores["articles"].tp == sum(1 for articles in gold.values() for a in articles if a.title)
    assert scores["quantities"].tp == sum(len(a.quantities) for articles in gold.values() for a in articles)


def test_jsonl_round_trip(tmp_path: Path) -> None:
    gold = load_gold(GOLD_DIR)
    predicted = [a for articles in gold.values() for a in articles[1:]]  # every first article missed
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n\n" for a in predicted), encoding="utf-8")
    assert list(read_predictions(path)) == predicted
    from_file, in_memory = evaluate(GOLD_DIR, predictions=path), evaluate(GOLD_DIR, predictions=predicted)
    assert from_file.as_dict() == in_memory.as_dict()
    assert from_file.errors == in_memory.errors
    assert 0 < from_file["articles"].recall < 1
    assert evaluate(GOLD_DIR, predictions=str(path)).as_dict() == in_memory.as_dict()


def test_jsonl_tolerates_extra_keys_and_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    record = article(title="公交开到家门口").to_dict() | {"confidence": 0.9}
    path.write_text(json.dumps(record) + "\n" + '{"title": "no doc_id"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"out\.jsonl:2: not an Article record"):
        list(read_predictions(path))


def test_predictions_for_documents_without_gold_are_ignored_with_a_warning(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(title="公交开到家门口"))
    predicted = [article(title="公交开到家门口"), article(doc_id="other.txt", title="别的")]
    with pytest.warns(UserWarning, match="ignored predictions for 1 document\\(s\\) without gold: other.txt"):
        scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "articles") == (1, 0, 0)
    assert list(scores.errors["articles"]) == [DOC]


class TitleExtractor:
    """Stands in for an Extractor: one article per page, titled with the page's first line."""

    def pipe_pages(self, items: Iterable[tuple[str, str]]) -> Iterator[tuple[str, list[Article]]]:
        for doc_id, text in items:
            yield doc_id, [Article(doc_id=doc_id, index=0, kind="report", title=text.splitlines()[0])]


def test_extractor_runs_on_pages_next_to_the_gold_or_in_pages_dir(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(title="公交开到家门口"))
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / DOC).write_text("公交开到家门口\n正文", encoding="utf-8")
    assert counts(evaluate(gold, pages_dir=pages, extractor=TitleExtractor()), "articles") == (1, 0, 0)
    shutil.copy(pages / DOC, gold / DOC)
    (pages / DOC).write_text("别的标题\n正文", encoding="utf-8")
    assert counts(evaluate(gold, extractor=TitleExtractor()), "articles") == (1, 0, 0)
    assert counts(evaluate(gold, pages_dir=pages, extractor=TitleExtractor()), "articles") == (0, 1, 1)


def test_missing_page_is_named(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article())
    with pytest.raises(FileNotFoundError, match=r"pages[/\\]p\.txt"):
        evaluate(gold, pages_dir=tmp_path / "pages", extractor=TitleExtractor())


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no gold files"):
        evaluate(tmp_path, predictions=[])
    with pytest.raises(ValueError, match="not both"):
        evaluate(GOLD_DIR, predictions=[], extractor=TitleExtractor())


def test_format_table_and_errors(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(officials=[{"name": "廖文丽", "role": "主席", "org": "大足区政协"}]), doc_id="a.txt")
    write_gold(tmp_path / "gold", gold_article(quantities=[quantity(3807e4, "吨")]), doc_id="b.txt")
    predicted = [
        article(doc_id="a.txt", officials=[Official("廖文丽", "副主席", "大足区政协")]),
        article(doc_id="b.txt", quantities=[Quantity(3807e4, unit="吨"), Quantity(2.5, None, "万人")]),
    ]
    scores = evaluate(gold, predictions=predicted)
    assert format_table(scores).splitlines() == [
        "type                    P      R     F1     tp     fp     fn",
        "districts           1.000  1.000  1.000      0      0      0",
        "officials           0.000  0.000  0.000      0      1      1",
        "officials_strict    0.000  0.000  0.000      0      1      1",
        "brands              1.000  1.000  1.000      0      0      0",
        "quantities          0.500  1.000  0.667      1      1      0",
        "dates               1.000  1.000  1.000      0      0      0",
        "documents           1.000  1.000  1.000      0      0      0",
        "bylines             1.000  1.000  1.000      0      0      0",
        "articles            1.000  1.000  1.000      0      0      0",
    ]
    assert format_errors(scores, "officials") == "a.txt\n  FP  廖文丽, 副主席\n  FN  廖文丽, 主席"
    assert format_errors(scores, "quantities") == "b.txt\n  FP  2.5, -, 万人"
    assert format_errors(scores, "dates") == "no dates errors"
    with pytest.raises(ValueError, match="unknown type 'people'"):
        format_errors(scores, "people")
    assert scores.as_dict()["quantities"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "tp": 1, "fp": 1, "fn": 0}
