"""QuantityFinder: units, qualifiers, ranges, exclusions, the unit table, and the seed pages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from zxextract.evaluate import TypeScore
from zxextract.normalize import normalize
from zxextract.quantities import QuantityFinder

ROOT = Path(__file__).parent.parent
FINDER = QuantityFinder.default()

Key = tuple[float | None, float | None, str]


def found(text: str) -> list[Key]:
    return [(h.entity.value, h.entity.value_max, h.entity.unit) for h in FINDER.find(text)]


def qualifiers(text: str) -> list[str | None]:
    return [h.entity.qualifier for h in FINDER.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4名大足区政协委员", [(4.0, None, "名")]),
        ("规划3平方公里的园区", [(3.0, None, "平方公里")]),
        ("锶矿探获储量达3807万吨", [(38070000.0, None, "吨")]),
        ("年产值约209.7亿元", [(20970000000.0, None, "元")]),
        ("捐助5.58万元", [(55800.0, None, "元")]),
        ("10万元人民币", [(100000.0, None, "元")]),
        ("新建完工5万方产业楼宇", [(50000.0, None, "方")]),
        ("年产精品骨料400余万吨", [(4000000.0, None, "吨")]),
        ("常住人口2.5万余人", [(25000.0, None, "人")]),
        ("惠及群众万余人", [(10000.0, None, "人")]),
        ("发起千名农村职业经理人培训", [(1000.0, None, "名")]),
        ("投入上千万元", [(10000000.0, None, "元")]),
        ("目前99%的产品", [(99.0, None, "%")]),
        ("增长1.5个百分点", [(1.5, None, "个百分点")]),
        ("三条生产线", [(3.0, None, "条")]),
        ("两千三百名志愿者", [(2300.0, None, "名")]),
        ("数十位政协委员", [(None, None, "位")]),
        ("经过几个月努力", [(None, None, "个月")]),
        ("每两个月听取一次", [(2.0, None, "个月")]),
        ("短短90天", [(90.0, None, "天")]),
        ("通行时间在2小时左右", [(2.0, None, "小时")]),
        ("两个小时", [(2.0, None, "小时")]),
        ("连续3年的持续助力", [(3.0, None, "年")]),
        ("“北漂”20年的他", [(20.0, None, "年")]),
        ("成立75周年大会", [(75.0, None, "周年")]),
        ("市区两级、三级网络", [(2.0, None, "级"), (3.0, None, "级")]),
        ("1,200份礼物", [(1200.0, None, "份")]),
        ("引进美国红枫305株、麦冬约5000平方米", [(305.0, None, "株"), (5000.0, None, "平方米")]),
    ],
)
def test_counts(text: str, expected: list[Key]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("约18万吨", "约"),
        ("大约18万吨", "约"),
        ("近20家", "近"),
        ("超10万人", "超"),
        ("超过10万人", "超"),
        ("70余位", "余"),
        ("10多条", "多"),
        ("180亿元以上", "以上"),
        ("2小时左右", "左右"),
        ("累计32个", "累计"),
        ("共6个", "共"),
        ("达3807万吨", "达"),
        ("上千万元", "上"),
        ("186名", None),
        # the hedge printed with the number wins over words around it
        ("共计220余万元", "余"),
        ("参与人数达到3700余人次", "余"),
        ("400余万吨", "余"),
        # 共/累计 earlier in the same clause
        ("全区共安排重大项目198项", "共"),
        ("累计集中签约‘满天星’项目32个", "累计"),
        ("加强公共服务3个", None),
        ("共同推进，建成3个", None),
    ],
)
def test_qualifiers(text: str, qualifier: str | None) -> None:
    assert qualifiers(text) == [qualifier]


def test_clause_qualifier_goes_to_the_first_quantity_only() -> None:
    assert qualifiers("共开展活动123场次、参与3700人次") == ["共", None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("增设1至2个卸货点", [(1.0, 2.0, "个")]),
        ("3-5个", [(3.0, 5.0, "个")]),
        ("三至五个", [(3.0, 5.0, "个")]),
        ("适用于-200°C至1000°C范围", [(-200.0, 1000.0, "℃")]),
        ("5%-10%", [(5.0, 10.0, "%")]),
        ("10℃到20℃", [(10.0, 20.0, "℃")]),
    ],
)
def test_ranges(text: str, expected: list[Key]) -> None:
    assert found(text) == expected


def test_a_range_needs_one_unit() -> None:
    assert found("3个至5名") == [(3.0, None, "个"), (5.0, None, "名")]


def test_span_and_text_cover_qualifiers() -> None:
    text = "面积约5000平方米左右。"
    (hit,) = FINDER.find(text)
    assert (hit.start, hit.end) == (2, 12)
    assert hit.entity.text == text[hit.start : hit.end] == "约5000平方米左右"


@pytest.mark.parametrize(
    "text",
    [
        "2023年",  # a year
        "2022年以来",
        "二〇二三年",
        "(2024-2027年)",
        "8月24日",  # a date
        "第四季度",  # ordinals
        "第二届",
        "第3次",
        "区十九届人大",
        "十一届三次会议",
        "2023年第二次调研",
        "“30市州区县”",  # numbers inside a quoted name or 《》
        "“六个新高地”",
        "“百名委员助千企、引千商、促千项、联千户、献千策”",
        "《锶盐产业高质量发展五年行动计划》",
        "义渡360",  # part of a name
        "360西部总部",
        "B区",
        "5G基站",
        "一场“江韵文风”",  # the article 一
        "一个",
        "一年多",
        "二次开发",
        "四大定位",  # X大
        "两大优势",
        "两地",  # nouns that are not measure words
        "两区",
        "三部门联合",
        "千家万户",  # idioms
        "千方百计",
        "千亿级产业集群",
        "前几天的协商",  # deictic 几
        "这几年",
        "三方协商",  # 方 counts only after Arabic digits
    ],
)
def test_exclusions(text: str) -> None:
    assert found(text) == []


def test_quoted_speech_counts() -> None:
    assert found("“目前99%的产品都依赖外国进口，使用成本较高。”") == [(99.0, None, "%")]


def test_numbers_next_to_a_quoted_name_count() -> None:
    assert found("“渝医智付”4个“一件事”应用") == [(4.0, None, "个")]


def test_spaced_ocr_digits_after_normalization() -> None:
    assert found(normalize("储量达 3807 万吨，常住人口 2.5 万余人").text) == [(38070000.0, None, "吨"), (25000.0, None, "人")]


def test_rows_round_trip() -> None:
    rows = FINDER.to_rows()
    assert {"type": "unit", "surface": "°C", "unit": "℃", "after": "arabic"} in rows
    rebuilt = QuantityFinder.from_rows(json.loads(json.dumps(rows)))
    assert rebuilt.to_rows() == rows
    text = "约-200°C至1000°C，共6个，三方"
    assert [h.entity for h in rebuilt.find(text)] == [h.entity for h in FINDER.find(text)]


def test_rows_define_the_units() -> None:
    finder = QuantityFinder.from_rows([{"surface": "头", "unit": "头"}, {"surface": "头盔", "unit": "-"}])
    assert [(h.entity.value, h.entity.unit) for h in finder.find("养牛三头，发放5头盔，4个")] == [(3.0, "头")]


def test_add_overrides_a_unit() -> None:
    finder = QuantityFinder.default()
    finder.add([{"type": "unit", "surface": "方", "unit": "方", "after": "any"}, {"type": "unit", "surface": "架", "unit": "架"}])
    assert found("三方协商") == []  # the shared default finder is untouched
    assert [(h.entity.value, h.entity.unit) for h in finder.find("三方协商，两架飞机")] == [(3.0, "方"), (2.0, "架")]


@pytest.mark.parametrize(
    "row",
    [{"surface": "", "unit": "个"}, {"surface": "个", "unit": ""}, {"surface": "个", "unit": "个", "after": "chinese"}, {"unit": "个"}],
)
def test_bad_rows_are_rejected(row: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        QuantityFinder.from_rows([row])


def _value(v: float | None) -> str | None:
    return None if v is None else f"{v:.6g}"


def _page_counts() -> TypeScore:
    """The counts over the seed pages, comparing page-level multisets as the scorer does."""
    score = TypeScore()
    for gold_file in sorted((ROOT / "tests" / "data" / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = normalize((ROOT / "seeds" / gold["doc_id"]).read_text(encoding="utf-8")).text
        predicted = Counter((_value(h.entity.value), _value(h.entity.value_max), h.entity.unit) for h in FINDER.find(text))
        expected = Counter((_value(q["value"]), _value(q["value_max"]), q["unit"]) for a in gold["articles"] for q in a["quantities"])
        score += TypeScore.of(expected, predicted)
    return score


def test_seed_pages_against_gold() -> None:
    """Page-level F1 floor; the one miss is 45公⏎里, split by a paragraph break the normalizer keeps."""
    score = _page_counts()
    assert score.f1 >= 0.99, score


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # session numbers are ordinals, in simplified and traditional print (normalize maps 會議 → 会议)
        ("区政协九届四次会议开幕", []),
        ("向大會報告四次會議以來提案工作情況", []),
        ("县政协三次会议第二次全体会议上", []),
        ("市政协十三届三次会议期间", []),
        ("先后召开三次会议研究部署", [(3.0, None, "次")]),  # held meetings are counted
        # clock times are not counted; 点 after a count word is
        ("下午3点开始座谈", []),
        ("会议于9点30分开始", []),
        ("提出三点建议", [(3.0, None, "点")]),
        # numeral + measure character + place suffix is a name (Sichuan 三台县, a 五家村)
        ("三台县政协委员走访五家村", []),
        ("三合镇五星村的村民", []),
        ("在十字路口和五一路设点", []),
        ("覆盖两个村、三所乡镇卫生院", [(2.0, None, "个"), (3.0, None, "所")]),
        # 上万/上千
        ("上万字的报告", [(10000.0, None, "字")]),
        ("吸引上千人参与", [(1000.0, None, "人")]),
        ("坚持十六字方针", []),
        ("区红十字会捐赠物资", []),
        # 期 counts after Arabic digits, also right after a title (issues published); an ordinal needs 第
        ("开展专题培训37期", [(37.0, None, "期")]),
        ("编发《湘潭社情民意》12期", [(12.0, None, "期")]),
        ("刊登于《湘潭政协》第12期", []),
        # 几-forms
        ("近几年来", [(None, None, "年")]),
        ("这几年", []),
        # places and aspects are not measure words
        ("两地政协、三地联动、三方面成效、3方面", []),
        ("4把椅子", [(4.0, None, "把")]),
    ],
)
def test_pages_from_other_sources(text: str, expected: list[Key]) -> None:
    assert found(normalize(text).text) == expected


def test_qualifier_上_and_近() -> None:
    assert qualifiers("上万字") == ["上"]
    assert qualifiers("近几年") == ["近"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [("186名", "quantity:arabic"), ("三条", "quantity:chinese"), ("1至2个", "quantity:range"), ("数十位", "quantity:vague")],
)
def test_rule_names(text: str, rule: str) -> None:
    assert [h.entity.rule for h in FINDER.find(text)] == [rule]
