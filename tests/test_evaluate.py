"""Scoring semantics of zxextract.evaluate on small hand-made gold/prediction pairs, and agreement with the reference scorer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from zxextract.evaluate import (
    TYPES,
    Scores,
    TypeScore,
    _simplified,
    evaluate,
    format_errors,
    format_table,
    load_gold,
    plain,
    read_predictions,
    type_keys,
)
from zxextract.records import (
    Article,
    Brand,
    Credit,
    Date,
    District,
    Document,
    Official,
    Quantity,
)

ROOT = Path(__file__).parents[1]
GOLD_DIR = ROOT / "tests" / "data" / "gold"
SHARED = ROOT.parent / "shared"
DOC = "p.txt"


def gold_article(**fields) -> dict:
    """A gold article dict with every list key present, empty unless given."""
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
    predicted = article(quantities=[Quantity(45, unit="公里")] * 3, dates=[Date(2023)])
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
            Quantity(-200, 1000, "°C"),  # units are not canonicalized by scoring
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
            District("两江 新区", None, "zone"),  # the zone key is the name without whitespace
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


def test_brands_drop_surrounding_quotes_and_unify_inner_ones(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(brands=["渝事好商量·‘涪’务面对面", "智汇聚力", "义渡360"]))
    predicted = article(brands=[Brand("渝事好商量・'涪'务 面对面"), Brand("「智汇聚力」"), Brand("义渡")])
    scores = evaluate(gold, predictions=[predicted])
    assert counts(scores, "brands") == (2, 1, 1)
    assert scores.errors["brands"][DOC].false_negatives == ["义渡360"]


def test_titles_normalize_quotes_punctuation_and_whitespace(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(title="以“智”聚力助推城市治理", documents=["关于 某事的建议"]),
        gold_article(title="问政于民:共商共建(上)"),
    )
    predicted = [
        article(0, title='以"智"聚力 助推城市治理', documents=[Document("《关于某事的建议》")]),
        article(1, title="问政于民：共商共建（上）"),
    ]
    scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "articles") == (2, 0, 0)
    assert counts(scores, "documents") == (1, 0, 0)


def test_traditional_and_simplified_compare_equal(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(
            title="区政协召开专题协商会",
            officials=[{"name": "刘国华", "role": "副主席", "org": "福州市政协"}],
            bylines=[{"name": "陈丽", "role": "reporter"}],
            quantities=[quantity(3, "条")],
        ),
    )
    predicted = article(
        title="區政協召開專題協商會",
        officials=[Official("劉國華", "副主席", "福州市政協")],
        bylines=[Credit("陳麗", "reporter")],
        quantities=[Quantity(3, unit="條")],
    )
    scores = evaluate(gold, predictions=[predicted])
    for type_ in ("articles", "officials", "officials_strict", "bylines", "quantities"):
        assert counts(scores, type_) == (1, 0, 0), type_
    # Characters that are simplified forms as well (於/于) are mapped too, as the reference scorer maps them.
    assert plain("關於 提案") == "关于提案"


def test_leading_and_trailing_dashes_are_stripped_from_titles(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(title="——记区政协委员张三"), gold_article(title="新春走基层-"))
    predicted = [article(0, title="记区政协委员张三"), article(1, title="—新春—走基层")]
    scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "articles") == (1, 1, 1)  # inner dashes stay
    assert scores.errors["articles"][DOC].false_negatives == ["新春走基层"]


def test_a_title_matches_a_gold_article_by_its_subtitle_once(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold",
        gold_article(title="让群众办事更方便", subtitle="——区政协开展专项民主监督"),
        gold_article(title="公交开到家门口"),
    )
    # The headline's two lines predicted in the other order; the same gold article cannot be matched twice.
    predicted = [article(0, title="区政协开展专项民主监督"), article(1, title="让群众办事更方便"), article(2, title="公交开到家门口")]
    scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "articles") == (2, 1, 0)
    assert scores.errors["articles"][DOC].false_positives == ["让群众办事更方便"]


def test_untitled_gold_is_not_scored_but_every_predicted_title_is(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(title=None), gold_article(title="公交开到家门口"), gold_article(title=""))
    predicted = [
        article(0, title=None),
        article(1, title="公交开到家门口"),
        article(2, title="公交开到 家门口"),  # the gold article is matched once only
        article(3, title=" \n"),  # a title that is only whitespace is still a (wrong) title
    ]
    scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "articles") == (1, 2, 0)


def test_published_is_scored_where_the_gold_has_the_key(tmp_path: Path) -> None:
    march = {"year": 2025, "month": 3, "day": 27}
    gold = write_gold(tmp_path / "gold", gold_article(published=march), gold_article(published=None), doc_id="a.txt")
    write_gold(tmp_path / "gold", gold_article(published=march), doc_id="b.txt")
    write_gold(tmp_path / "gold", gold_article(), doc_id="c.txt")  # no key: this page is not scored
    # JSON records carry the key whether or not the Article class has the field yet; a set per page.
    predicted = [
        article(0, doc_id="a.txt").to_dict() | {"published": {**march, "text": "2025-03-27"}},
        article(1, doc_id="a.txt").to_dict() | {"published": march},
        article(0, doc_id="b.txt").to_dict() | {"published": {"year": 2025, "month": 3, "day": 28}},
        article(0, doc_id="c.txt").to_dict() | {"published": march},
    ]
    scores = evaluate(gold, predictions=predicted)
    assert counts(scores, "published") == (1, 1, 1)
    assert list(scores.errors["published"]) == ["a.txt", "b.txt"]
    assert scores.errors["published"]["b.txt"].false_negatives == [(2025, 3, 27)]


def test_published_of_jsonl_records_is_read_as_written(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(published={"year": 2023, "month": 9, "day": 6}))
    path = tmp_path / "out.jsonl"
    record = article().to_dict() | {"published": {"year": 2023, "month": 9, "day": 6}, "source": "人民政协网"}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert counts(evaluate(gold, predictions=path), "published") == (1, 0, 0)


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


def test_predictions_are_grouped_by_the_file_name_of_their_doc_id(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "gold", gold_article(title="公交开到家门口"))
    assert counts(evaluate(gold, predictions=[article(doc_id=f"pages/{DOC}", title="公交开到家门口")]), "articles") == (1, 0, 0)


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "expected"),
    [
        (0, 0, 0, (0.0, 0.0, 0.0)),  # a ratio over nothing is 0.0, as the reference scorer has it
        (0, 0, 2, (0.0, 0.0, 0.0)),
        (0, 3, 0, (0.0, 0.0, 0.0)),
        (2, 0, 0, (1.0, 1.0, 1.0)),
        (1, 1, 2, (0.5, 1 / 3, 0.4)),
    ],
)
def test_zero_denominators(tp: int, fp: int, fn: int, expected: tuple[float, float, float]) -> None:
    s = TypeScore(tp, fp, fn)
    assert (s.precision, s.recall, s.f1) == pytest.approx(expected)


def test_type_score_of_counts_repeats_and_type_keys_normalizes() -> None:
    assert TypeScore.of(["a", "a", "b"], ["a", "c"]) == TypeScore(1, 1, 2)
    assert TypeScore.of({"a", "b"}, set()) == TypeScore(0, 0, 2)
    assert TypeScore.of(Counter(a=2, b=1), Counter(a=1, c=3)) == TypeScore(1, 3, 2)
    records = [{"officials": [{"name": "劉 國華", "role": "主席"}, {"name": "刘国华", "role": "主席"}]}]
    assert type_keys("officials", records) == {("刘国华", "主席"): 1}
    assert type_keys("dates", [article(dates=[Date(2023)] * 2)]) == {(2023, None, None): 2}
    with pytest.raises(ValueError, match="no keys for type 'articles'"):
        type_keys("articles", records)


def as_prediction(doc_id: str, gold: dict) -> dict:
    """A gold article as a predicted record: districts get the level the gold implies."""
    districts = [d | {"level": "county" if d["code"] else "zone"} for d in gold["districts"]]
    return gold | {"doc_id": doc_id, "districts": districts}


def test_perfect_score_when_predictions_are_the_gold() -> None:
    gold = load_gold(GOLD_DIR)
    scores = evaluate(GOLD_DIR, predictions=[as_prediction(doc_id, a) for doc_id, articles in gold.items() for a in articles])
    scored = [name for name in TYPES if name != "published"]  # the seed gold has no publication dates
    assert {name: scores[name].f1 for name in scored} == dict.fromkeys(scored, 1.0)
    assert all(s.fp == s.fn == 0 for s in scores.types.values())
    assert scores["published"] == TypeScore() and scores.errors["published"] == {}
    assert scores["articles"].tp == sum(1 for articles in gold.values() for a in articles if a["title"])
    assert scores["quantities"].tp == sum(len(a["quantities"]) for articles in gold.values() for a in articles)


def test_jsonl_round_trip(tmp_path: Path) -> None:
    gold = load_gold(GOLD_DIR)
    predicted = [as_prediction(doc_id, a) for doc_id, articles in gold.items() for a in articles[1:]]  # every first article missed
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n\n" for a in predicted), encoding="utf-8")
    assert list(read_predictions(path)) == predicted
    from_file, in_memory = evaluate(GOLD_DIR, predictions=path), evaluate(GOLD_DIR, predictions=predicted)
    assert from_file.as_dict() == in_memory.as_dict()
    assert from_file.errors == in_memory.errors
    assert 0 < from_file["articles"].recall < 1
    assert evaluate(GOLD_DIR, predictions=str(path)).as_dict() == in_memory.as_dict()


@pytest.mark.parametrize("bad", ['{"title": "no doc_id"}', "[1, 2]", "{not json"])
def test_jsonl_tolerates_extra_keys_and_reports_bad_lines(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "out.jsonl"
    record = article(title="公交开到家门口").to_dict() | {"confidence": 0.9}
    path.write_text(json.dumps(record) + "\n" + bad + "\n", encoding="utf-8")
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
        "type                    P      R     F1    tp    fp    fn",
        "articles            0.000  0.000  0.000     0     0     0",
        "bylines             0.000  0.000  0.000     0     0     0",
        "districts           0.000  0.000  0.000     0     0     0",
        "officials           0.000  0.000  0.000     0     1     1",
        "officials_strict    0.000  0.000  0.000     0     1     1",
        "brands              0.000  0.000  0.000     0     0     0",
        "quantities          0.500  1.000  0.667     1     1     0",
        "dates               0.000  0.000  0.000     0     0     0",
        "documents           0.000  0.000  0.000     0     0     0",
        "published           0.000  0.000  0.000     0     0     0",
    ]
    assert format_errors(scores, "officials") == "a.txt\n  FP  廖文丽, 副主席\n  FN  廖文丽, 主席"
    assert format_errors(scores, "quantities") == "b.txt\n  FP  2.5, -, 万人"
    assert format_errors(scores, "dates") == "no dates errors"
    with pytest.raises(ValueError, match="unknown type 'people'"):
        format_errors(scores, "people")
    assert scores.as_dict()["quantities"] == {"precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "tp": 1, "fp": 1, "fn": 0}


# --- agreement with the reference scorer (../shared/tools, when present) ----------------------------


def reference(name: str) -> Path:
    path = SHARED / "tools" / name
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return path


def test_t2s_table_maps_as_the_reference_scorer_does() -> None:
    table = {}
    for line in reference("t2s.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t")
            table[trad] = simp
    assert plain("".join(table)) == "".join(table.values())
    assert set(_simplified()) == {ord(trad) for trad in table}  # and nothing else


def score_py(gold: Path, pred: Path) -> list[str]:
    """The reference scorer's printed table, line by line."""
    out = subprocess.run([sys.executable, str(reference("score.py")), str(gold), str(pred)], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


@pytest.fixture(scope="module")
def extractor():
    import zxextract

    return zxextract.load()


@pytest.mark.parametrize(
    ("gold", "pages"), [(GOLD_DIR, ROOT / "seeds"), (SHARED / "dev2" / "gold", SHARED / "dev2" / "texts")], ids=["seeds", "dev2"]
)
def test_figures_equal_the_reference_scorer(tmp_path: Path, extractor, gold: Path, pages: Path) -> None:
    """The pipeline's output scored by evaluate and by score.py: every row, name, order and figure the same."""
    if not gold.is_dir() or not pages.is_dir():
        pytest.skip(f"{gold} not present")
    names = {json.loads(path.read_text(encoding="utf-8"))["doc_id"]: path.name.removesuffix(".json") for path in sorted(gold.glob("*.json"))}
    items = ((doc_id, (pages / name).read_text(encoding="utf-8")) for doc_id, name in names.items())
    predicted = [a for _, articles in extractor.pipe_pages(items) for a in articles]
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in predicted), encoding="utf-8")
    expected = [line.split() for line in score_py(gold, path)]
    assert [row[0] for row in expected[1:]] == list(TYPES)
    for scores in (evaluate(gold, predictions=path), evaluate(gold, predictions=predicted)):
        ours = [["type", "P", "R", "F1", "tp", "fp", "fn"]] + [
            [name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.tp), str(s.fp), str(s.fn)] for name, s in scores.types.items()
        ]
        assert ours == expected
        assert format_table(scores).splitlines() == score_py(gold, path)
