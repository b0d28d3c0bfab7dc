"""District recognition: policy cases on short texts, rule rows, and page-level codes on the seeds vs gold."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from zxextract.districts import DistrictFinder, main_district
from zxextract.normalize import normalize
from zxextract.records import District

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "data" / "gold").glob("*.json"))
BEIBEI = District("北碚区", "500109", "county", "重庆市")


@pytest.fixture(scope="module")
def finder() -> DistrictFinder:
    return DistrictFinder.default()


def counties(finder: DistrictFinder, text: str) -> list[tuple[str, str | None]]:
    return [(h.entity.name, h.entity.code) for h in finder.find(text) if h.entity.level in ("county", "zone")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("大足区政协", [("大足区", "500111")]),
        ("秀山土家族苗族自治县政协", [("秀山土家族苗族自治县", "500241")]),
        ("秀山县城至峨溶", [("秀山土家族苗族自治县", "500241")]),  # short + 县 for an autonomous county
        ("大足经济发展", [("大足区", "500111")]),
        ("永川：智汇新材料", [("永川区", "500118")]),
        ("宣传渝北山水", [("渝北区", "500112")]),
        ("提升开州城市", [("开州区", "500154")]),
        ("南川区政协", [("南川区", "500119")]),
        ("民建巴南区委会", [("巴南区", "500113")]),
        ("农工党铜梁区工委", [("铜梁区", "500151")]),
        ("中南高科·北碚科技智慧港", [("北碚区", "500109")]),
        ("两江新区、重庆高新区、万盛经开区", [("两江新区", None), ("重庆高新区", None), ("万盛经开区", None)]),
        ("重庆市南岸区重庆经开区", [("南岸区", "500108"), ("重庆经开区", None)]),
        ("忠县政协", [("忠县", "500233")]),
        ("永川高新区管委会", [("永川区", "500118")]),  # the district, not 重庆高新区
        ("市民到成都金堂旅游", [("金堂县", "510121")]),
    ],
)
def test_written_names(finder: DistrictFinder, text: str, expected: list[tuple[str, str | None]]) -> None:
    assert counties(finder, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "长寿湖镇",  # a township, not 长寿区
        "江北嘴金融中心",  # not 江北区
        "碚城的渝事好商量",  # one-character abbreviations never count
        "开通县城公交",  # no 通县 inside words
        "推动振兴县域经济",  # 兴县 (Shanxi) only after its prefecture
        "老城区改造",  # a listed common word
        "祝老人健康长寿",  # a weak Chongqing short name without context
        "市民到金堂旅游",  # other provinces' short names need their parent (成都金堂 counts)
    ],
)
def test_not_districts(finder: DistrictFinder, text: str) -> None:
    assert counties(finder, text) == []


def test_township_is_reported_with_its_province(finder: DistrictFinder) -> None:
    hits = finder.find("长寿湖镇")
    assert [(h.entity.name, h.entity.level, h.entity.province_name) for h in hits] == [("长寿湖镇", "township", "重庆市")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("四川省成都市金牛区政协", ("金牛区", "510106", "四川省")),
        ("济南市天桥区", ("天桥区", "370105", "山东省")),
        ("浙江省宁波市江北区", ("江北区", "330205", "浙江省")),
        ("宁波江北区", ("江北区", "330205", "浙江省")),
        ("江北区政协", ("江北区", "500105", "重庆市")),  # shared name: Chongqing first
        ("成都金牛", ("金牛区", "510106", "四川省")),  # a short name right after its prefecture
        ("洛阳市老城区", ("老城区", "410302", "河南省")),  # a weak word with its prefecture
        ("长寿政协", ("长寿区", "500115", "重庆市")),  # a weak word with a body word after it
        ("江北：视察", ("江北区", "500105", "重庆市")),  # a weak word as a lead
        ("涪陵区、长寿等地", ("长寿区", "500115", "重庆市")),  # a weak word listed after a district
    ],
)
def test_context_resolution(finder: DistrictFinder, text: str, expected: tuple[str, str, str]) -> None:
    hits = [h for h in finder.find(text) if h.entity.level == "county"]
    assert [(h.entity.name, h.entity.code, h.entity.province_name) for h in hits][-1:] == [expected]


def test_hits_carry_offsets_and_surface(finder: DistrictFinder) -> None:
    text = "近日，大足区政协与永川区委"
    hits = finder.find(text)
    assert [(h.start, h.end, h.entity.text, h.entity.implicit) for h in hits] == [
        (3, 6, "大足区", False),
        (9, 12, "永川区", False),
    ]


def test_implicit_mentions(finder: DistrictFinder) -> None:
    text = "区委书记王俊出席。该区政协副主席、全区上下、区政府、社区委员会、北碚区委、该县、各区县政协"
    hits = finder.implicit(text, BEIBEI)
    assert [(text[h.start:h.end], h.entity.text) for h in hits] == [
        ("区委", "区委"), ("该区", "该区"), ("全区", "全区"), ("区政府", "区政府"),
    ]
    assert all(h.entity.implicit and h.entity.code == "500109" and h.entity.name == "北碚区" for h in hits)


def test_implicit_follows_the_unit_word(finder: DistrictFinder) -> None:
    pengshui = District("彭水苗族土家族自治县", "500243", "county", "重庆市")
    assert [h.entity.text for h in finder.implicit("该县政协常委，区委", pengshui)] == ["该县"]
    assert finder.implicit("全区", District("重庆市", "500000", "province", "重庆市")) == []


def test_main_district_prefers_the_title(finder: DistrictFinder) -> None:
    title = "大足区政协助力锶盐产业"
    text = title + "\n永川区、永川区、永川区委员"
    hits = finder.find(text)
    assert main_district(hits, len(title)).name == "大足区"
    assert main_district(hits, 0).name == "永川区"
    assert main_district([], 0) is None


def test_main_district_skips_other_levels(finder: DistrictFinder) -> None:
    hits = finder.find("重庆市长寿湖镇，涪陵区")
    assert main_district(hits, 4).code == "500102"


def test_rows_round_trip() -> None:
    rows = [
        {"type": "district", "name": "重庆市", "code": "500000", "level": "province", "province": "重庆市", "short": ["重庆"]},
        {"type": "district", "name": "大足区", "code": "500111", "level": "county", "province": "重庆市",
         "parent": "500000", "short": ["大足"]},
        {"type": "district_stop", "name": "大足球"},
        {"type": "district_weak", "name": "大足"},
    ]
    finder = DistrictFinder.from_rows(rows)
    assert finder.to_rows() == rows
    again = DistrictFinder.from_rows(finder.to_rows())
    assert [h.entity.code for h in again.find("大足区与大足球场")] == ["500111"]
    assert again.find("大足经济") == []  # weak now
    assert [h.entity.code for h in again.find("重庆大足")] == ["500000", "500111"]  # weak, after its province


def test_add_new_district_and_renamed_county(finder: DistrictFinder) -> None:
    custom = DistrictFinder.from_rows(finder.to_rows())
    custom.add([
        # a new district
        {"type": "district", "name": "明月新区", "code": None, "level": "zone", "province": "重庆市",
         "short": ["明月"]},
        # a renamed county: the new name replaces the unit with that code, the old name stays an alias
        {"type": "district", "name": "开州区", "code": "500154", "level": "county", "province": "重庆市",
         "parent": "500000", "short": ["开州"], "alias": ["开县"]},
    ])
    assert counties(custom, "明月新区") == [("明月新区", None)]
    assert counties(custom, "开县政协") == [("开州区", "500154")]
    assert counties(finder, "明月新区") == []  # the packaged finder is untouched


def test_add_rejects_unknown_rule_type() -> None:
    with pytest.raises(ValueError):
        DistrictFinder().add([{"type": "brand", "name": "x"}])


def test_scan_is_fast(finder: DistrictFinder) -> None:
    text = "近日，大足区政协组织委员赴长寿湖镇、江北嘴调研，推动振兴县域经济。" * 5000
    start = time.perf_counter()
    hits = finder.find(text)
    assert time.perf_counter() - start < 5.0
    assert len(hits) == 10000  # 大足区 and 长寿湖镇 per sentence


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.name for p in GOLD])
def test_seed_page_codes_match_gold(finder: DistrictFinder, gold_path: Path) -> None:
    """The scorer compares the union over a page's articles, so the page-level set is what counts."""
    raw = (ROOT / "seeds" / gold_path.name.removesuffix(".json")).read_text(encoding="utf-8")
    gold = {d["code"] or "zone:" + d["name"] for a in json.loads(gold_path.read_text(encoding="utf-8"))["articles"]
            for d in a["districts"]}
    hits = finder.find(normalize(raw).text)
    predicted = {h.entity.code or "zone:" + h.entity.name for h in hits if h.entity.level in ("county", "zone")}
    assert predicted == gold


def test_words_for_the_segmenter(finder: DistrictFinder) -> None:
    words = set(finder.words())
    assert {"大足区", "大足", "秀山县", "两江新区"} <= words
    assert "长寿湖镇" not in words  # townships are not offered
