"""Brand recognition: each rule on short texts, canonical names, rule rows, and the seed pages vs gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zxextract.brands import BrandFinder, canonical, default_rows
from zxextract.evaluate import TypeScore
from zxextract.normalize import normalize
from zxextract.records import Brand, Hit

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "data" / "gold").glob("*.json"))


@pytest.fixture(scope="module")
def finder() -> BrandFinder:
    return BrandFinder.default()


def names(finder: BrandFinder, text: str) -> list[str]:
    return [h.entity.name for h in finder.find(text)]


def brands(finder: BrandFinder, text: str) -> list[tuple[str, str | None, str]]:
    return [(h.entity.name, h.entity.parent, h.entity.kind) for h in finder.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a type noun after the quote, possibly behind a short modifier
        ("依托“石榴籽”委员工作室开展调研。", [("石榴籽", None, "studio")]),
        ("建立“双月协商”工作机制。", [("双月协商", None, "mechanism")]),
        ("构建“2468”现代产业集群体系。", [("2468", None, "mechanism")]),
        ("围绕全区“567”的产业体系，", [("567", None, "mechanism")]),
        ("开展“送法下乡”系列活动。", [("送法下乡", None, "campaign")]),
        ("建设“花椒之乡”品牌。", [("花椒之乡", None, "brand")]),
        # a run of quotes shares the noun; a category label after 等/a count does not count
        ("开展“法律进工地”“法律进乡村”等普法活动。",
         [("法律进工地", None, "campaign"), ("法律进乡村", None, "campaign")]),
        ("开发“掌上办”“指尖查”2个“一网通”应用平台。",
         [("掌上办", None, "platform"), ("指尖查", None, "platform")]),
        ("迭代升级“院坝好商量”等“渝事好商量”子品牌。",
         [("院坝好商量", "渝事好商量", "brand"), ("渝事好商量", None, "platform")]),
        # a brand noun before the quote
        ("贴上区域公用品牌“武陵山珍”等“金招牌”。", [("武陵山珍", None, "brand")]),
        # a verb of building or using
        ("打造“金沙研学基地”，吸引游客。", [("金沙研学基地", None, "other")]),
        ("依托“乡情驿家”建成12个服务点。", [("乡情驿家", None, "other")]),
        # a name ending with its type noun
        ("委员们在“黄桷坪小院”协商。", [("黄桷坪小院", None, "platform")]),
        ("谋划实施“三大攻坚行动”，", [("三大攻坚行动", None, "campaign")]),
        # the A·B pattern of brand families
        ("深化“界别·同心圆”建设。", [("界别·同心圆", None, "other")]),
        # single quotes inside speech
        ("他说：“今年签约‘繁星’项目20个。”", [("繁星", None, "campaign")]),
    ],
)
def test_quoted_name_in_context(finder: BrandFinder, text: str, expected: list) -> None:
    assert brands(finder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("用好“渝事好商量·‘綦’乐融融”协商平台。", [("渝事好商量·‘綦’乐融融", "渝事好商量", "platform")]),
        ("通过渝事好商量·院坝协商平台建设，", [("渝事好商量·院坝", "渝事好商量", "platform")]),
        ("参加渝事好商量协商活动。", [("渝事好商量", None, "platform")]),
        ("加快“数字政协·智慧履职”建设。", [("数字政协·智慧履职", "数字政协", "platform")]),
    ],
)
def test_known_brands_and_sub_brands(finder: BrandFinder, text: str, expected: list) -> None:
    assert brands(finder, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这多亏了金竹园委员工作室。", ["金竹园"]),
        ("刘广介绍，金竹园委员工作室将持续发挥作用。", ["金竹园"]),
        ("“金竹园委员工作室”正式挂牌。", ["金竹园"]),  # quoted: the studio noun is stripped too
        # generic descriptions and verbs before the noun are not names
        ("建立文艺界别委员工作室。", []),
        ("近日，区政协法院委员工作室联合公安局。", []),
        ("持续建设委员工作室，注重委员工作室作用发挥，不断增加委员工作室的温度。", []),
        ("全区建成52个委员工作室，民建委员工作室也在其中。", []),
        ("在一次工作室例会上，", []),
        ("学校成立了名师工作室和劳模创新工作室。", []),
        ("成立了石竹工作室。", ["石竹"]),
    ],
)
def test_unquoted_and_generic_studios(finder: BrandFinder, text: str, expected: list[str]) -> None:
    assert names(finder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "“我们要继续扎实推动锶盐产业做大做优做强。”廖文丽希望",  # quoted speech
        "他表示：“搭建协商平台很有意义。”",  # speech that mentions a type noun
        "坚决做到“两个维护”，为经济发展“提味增鲜”，达到“双赢”。",  # catch-phrases without context
        "为社区治理插上数字“翅膀”，走进百姓“心坎”。",  # emphasis quotes
        "打造“六个新高地”目标任务，打造“一室”、联系“一界”。",  # verb, but catch-phrase head or counted
        "打造“宜居、宜业、宜游”。打造“宜居宜业”的城市。",  # verb, but an enumeration / modifier
        "创新推出“助千企、引千商、促千项”三大行动，",  # one quote compressing a counted enumeration
        "当前“大综合一体化”城市综合治理体制机制，",  # a catch-phrase head inside the modifier
        "让更多“土特产”贴上市级公用品牌“巴山果”，",  # the noun belongs to the next quote
        "是重大战略的“十大”行动之一。荣昌：“小院”托起新希望",  # bare count, bare type noun
        "以“理论+实践”的沉浸式体验模式开展活动。",  # 的 + long modifier: a description
        "健全“乡村振兴”工作机制。",  # a policy catch-phrase (blocker scope phrase)
        "汶上县开展送法下乡活动，启动乡村振兴行动。",  # unquoted names count only for studios and platforms
    ],
)
def test_not_brands(finder: BrandFinder, text: str) -> None:
    assert [n for n in names(finder, text) if n != "巴山果"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("在”智汇聚力”委员工作室例会上。", ["智汇聚力"]),  # both marks closing
        ("打造“乡村直播间“，紧跟市场。", ["乡村直播间"]),  # both marks opening
        ("他说：“很好。”随后参加“智汇聚力“委员工作室活动。", ["智汇聚力"]),  # a broken pair after speech
        ("用好“渝事好商量”“院坝会“等平台。", ["渝事好商量", "院坝会"]),
    ],
)
def test_ocr_broken_quotes(finder: BrandFinder, text: str, expected: list[str]) -> None:
    assert names(finder, text) == expected


def test_hit_offsets_and_surface_text(finder: BrandFinder) -> None:
    text = "建立“双月协商”工作机制。"
    (hit,) = finder.find(text)
    assert hit == Hit(2, 8, Brand(name="双月协商", parent=None, kind="mechanism", text="“双月协商”", rule="brand:type_noun"))
    assert text[hit.start:hit.end] == hit.entity.text


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("“渝事好商量·“涪”务面对面”", "渝事好商量·‘涪’务面对面"),
        ("渝事好商量 • 南岸实践", "渝事好商量·南岸实践"),
        (" “义渡360” ", "义渡360"),
        ("「书香政协・碚加同心」", "书香政协·碚加同心"),
        ("Smart City 工作室", "Smart City工作室"),
    ],
)
def test_canonical(surface: str, name: str) -> None:
    assert canonical(surface) == name


def test_rows_round_trip() -> None:
    finder = BrandFinder.default()
    rows = finder.to_rows()
    assert rows == BrandFinder.from_rows(rows).to_rows()
    assert all(row["type"] == "brand" for row in rows)
    assert {"type": "brand", "name": "渝事好商量", "kind": "platform", "parent": None} in rows
    assert {"type": "brand", "noun": "委员工作室", "kind": "studio"} in rows
    assert len(rows) == len({json.dumps(r, sort_keys=True, ensure_ascii=False) for r in default_rows()})


def test_extension_by_rows() -> None:
    finder = BrandFinder.default()
    text = "区政协用好“有事多商量”，组建“青年说”宣讲团，参加有事多商量·街巷议事。"
    assert names(finder, text) == ["有事多商量"]  # verb context only
    finder.add([
        {"type": "brand", "name": "有事多商量", "kind": "platform"},
        {"type": "brand", "noun": "宣讲团", "kind": "campaign"},
    ])
    assert brands(finder, text) == [
        ("有事多商量", None, "platform"),
        ("青年说", None, "campaign"),
        ("有事多商量·街巷议事", "有事多商量", "platform"),
    ]
    finder.add([{"type": "brand", "blocker": "金竹", "scope": "generic"}])
    assert names(finder, "金竹园委员工作室") == []


@pytest.mark.parametrize(
    "row",
    [{"type": "brand", "name": "X", "kind": "thing"}, {"type": "brand", "blocker": "X", "scope": "odd"}, {"type": "brand"}],
)
def test_bad_rows_are_rejected(row: dict) -> None:
    with pytest.raises(ValueError):
        BrandFinder.from_rows([row])


def _gold_and_found(finder: BrandFinder, gold_path: Path) -> tuple[set[str], set[str]]:
    raw = (ROOT / "seeds" / gold_path.name.removesuffix(".json")).read_text(encoding="utf-8")
    gold = {canonical(b) for a in json.loads(gold_path.read_text(encoding="utf-8"))["articles"] for b in a["brands"]}
    return gold, {canonical(h.entity.name) for h in finder.find(normalize(raw).text)}


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.name for p in GOLD])
def test_seed_page_brands_close_to_gold(finder: BrandFinder, gold_path: Path) -> None:
    gold, found = _gold_and_found(finder, gold_path)
    assert TypeScore.of(gold, found).f1 >= 0.9, (sorted(found - gold), sorted(gold - found))


def test_seed_pages_micro_f1(finder: BrandFinder) -> None:
    total = TypeScore()
    for gold_path in GOLD:
        total += TypeScore.of(*_gold_and_found(finder, gold_path))
    assert total.f1 >= 0.97


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Shandong: a quote's own studio noun decides; a generic description is no name, whatever noun follows
        ("济南市槐荫区展示“青石茶社”议事工作室、“特色委员工作室”等平台。", [("青石茶社", None, "studio")]),
        # Chongqing: generic adjectives before 委员工作室 are descriptions
        ("走访巫山县综合委员工作室和示范委员工作室。", []),
        # Shandong: the words between a quote and 工作室 describe the quoted name, they are not a second name
        ("参观“邻里茶馆”商量工作室。", [("邻里茶馆", None, "studio")]),
        # Hubei: a model named after its place is a mechanism
        ("钟祥市委员带领村民创造的“石桥模式”得到推广。", [("石桥模式", None, "mechanism")]),
        # Henan: a recurring format is a brand, a one-off meeting is not
        ("西平县各村每月定期召开“板凳会”听民意。", [("板凳会", None, "campaign")]),
        ("西平县当天召开“板凳会”听民意。", []),
        # Guangdong: a proposal that opens with a verb is no name
        ("委员们提出“完善社区养老体系”“加强河道管护体系”……", []),
    ],
)
def test_pages_from_other_sources(finder: BrandFinder, text: str, expected: list) -> None:
    assert brands(finder, text) == expected


def test_sub_brands_of_any_umbrella(finder: BrandFinder) -> None:
    # Fujian: a known umbrella, printed with the dot
    assert brands(finder, "福州市鼓楼区用好“有事好商量·街巷议事”平台。") == [("有事好商量·街巷议事", "有事好商量", "platform")]
    # Guangdong: an umbrella the text itself names as a brand
    text = "光明区打造“光明议事”协商平台，“光明议事·社区篇”随后开讲。"
    assert brands(finder, text) == [("光明议事", None, "platform"), ("光明议事·社区篇", "光明议事", "platform")]
    # Sichuan: a family label after 等 and a family noun
    assert brands(finder, "都江堰市推出“院坝说事”“茶馆议事”等“有事好商量”分品牌。")[:2] == [
        ("院坝说事", "有事好商量", "brand"), ("茶馆议事", "有事好商量", "brand")]


def test_traditional_page_is_read_simplified(finder: BrandFinder) -> None:
    assert names(finder, normalize("盤錦市雙臺子區政協打造“書香政協”閱讀平台").text) == ["书香政协"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("建立“双月协商”工作机制。", "brand:type_noun"),
        ("打造“乡村直播间”，", "brand:verb"),
        ("参加渝事好商量协商活动。", "brand:known"),
        ("通过渝事好商量·院坝协商平台建设，", "brand:sub_brand"),
        ("这多亏了金竹园委员工作室。", "brand:unquoted_studio"),
        ("委员们在“黄桷坪小院”协商。", "brand:self_named"),
        ("贴上区域公用品牌“武陵山珍”。", "brand:brand_noun"),
        ("深化“界别·同心圆”建设。", "brand:dotted"),
    ],
)
def test_rule_names(finder: BrandFinder, text: str, rule: str) -> None:
    assert [h.entity.rule for h in finder.find(text)] == [rule]
