"""District recognition: policy cases on short texts, rule rows, and page-level codes on the seeds vs gold."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from zxextract.districts import DistrictFinder, main_district
from zxextract.finder import ArticleContext
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


# -- places beyond Chongqing ------------------------------------------------------------------

CASES = [json.loads(line) for line in (ROOT / "tests" / "cases" / "districts.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.fixture(scope="module")
def extractors() -> dict[str | None, Any]:
    """Loaded pipelines by home province (None: the packaged default), loaded once each."""
    import zxextract

    loaded: dict[str | None, Any] = {}

    def get(home: str | None) -> Any:
        if home not in loaded:
            loaded[home] = zxextract.load(home=home)
        return loaded[home]

    return get  # type: ignore[return-value]


def page_districts(extractor: Any, text: str) -> list[list[str | None]]:
    return [[d.name, d.code] for a in extractor.parse(text) for d in a.districts if d.level in ("county", "zone")]


def test_the_page_prefecture_decides_a_shared_name(extractors: Any) -> None:
    parse = extractors(None).parse
    assert [d.code for d in parse("本报讯 近日,宁波市政协组织委员赴江北区视察。")[0].districts if d.level == "county"] == ["330205"]
    assert [d.code for d in parse("本报讯 近日,政协组织委员赴江北区视察。")[0].districts if d.level == "county"] == ["500105"]


def test_home_setting_decides_a_bare_name(extractors: Any) -> None:
    assert page_districts(extractors("福建省"), "鼓楼区") == [["鼓楼区", "350102"]]
    assert page_districts(extractors("福建"), "鼓楼区") == [["鼓楼区", "350102"]]  # a short name is accepted too


def test_home_must_be_a_province() -> None:
    import zxextract

    with pytest.raises(ValueError, match="home must be a province"):
        zxextract.load(home="火星")


@pytest.mark.parametrize("case", CASES, ids=[c["why"][:40] for c in CASES])
def test_page_cases(extractors: Any, case: dict[str, Any]) -> None:
    """tests/cases/districts.jsonl: short pages from several provinces, with the county-level districts they name."""
    assert page_districts(extractors(case.get("home")), case["text"]) == case["districts"]


def _articles_doc(extractor: Any, texts: list[str]) -> Any:
    """A Doc of the given articles, one segment each, run through zx_districts alone."""
    from zxextract.components import ARTICLES_KEY
    from zxextract.spans import add_entity_spans

    nlp = extractor.nlp
    text = "\n".join(texts)
    items, start = [], 0
    for index, article in enumerate(texts):
        items.append((start, start + len(article), {}, index))
        start += len(article) + 1
    doc = add_entity_spans(nlp.make_doc(text), ARTICLES_KEY, "ARTICLE", items, annotate_ents=False)
    return nlp.get_pipe("zx_districts")(doc)


def test_places_per_article_own_names_first(extractors: Any) -> None:
    doc = _articles_doc(extractors(None), ["福州市政协组织委员视察鼓楼区。", "南京市鼓楼区政协召开常委会。",
                                           "南京市政协委员视察玄武区。", "委员们视察鼓楼区。"])
    places = {i: {k: (v["name"], v["code"]) if isinstance(v, dict) else v for k, v in p.items()}
              for i, p in doc._.zx_places.items()}
    assert places[0] == {"district": ("鼓楼区", "350102"), "prefecture": ("福州市", "350100"),
                         "province": ("福建省", "350000"), "home": "重庆市"}
    assert places[1]["district"] == ("鼓楼区", "320106")
    assert places[1]["prefecture"] == ("南京市", "320100")
    # an article naming only a shared name takes the page's places (Nanjing: more firm votes than Fuzhou)
    assert places[3] == {"district": ("鼓楼区", "320106"), "prefecture": ("南京市", "320100"),
                         "province": ("江苏省", "320000"), "home": "重庆市"}


def test_places_of_a_chongqing_page(extractors: Any) -> None:
    doc = _articles_doc(extractors(None), ["北碚区政协委员赴贵州考察。", "市政协召开常委会议。"])
    assert doc._.zx_places[0]["district"]["code"] == "500109"
    assert doc._.zx_places[0]["province"]["name"] == "重庆市"  # a county outweighs a province's short name
    assert doc._.zx_places[1]["district"] is None
    assert doc._.zx_places[1]["province"]["name"] == "重庆市"  # from the page
    assert doc._.zx_places[1]["prefecture"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县委和县政协领导出席", []),  # 和 + 县政协, not 安徽 和县
        ("他曾担任县政协副主席", []),  # 任 + 县政协, not 河北 任县
        ("委员们表示要建设友好政协", []),  # an adjective, not 伊春 友好区
        ("大足区政协调研双桥经开区", ["大足区"]),  # a zone outside the closed list, not 承德 双桥区
        ("涪陵区、双桥经开区", ["涪陵区"]),  # not even when listed
    ],
)
def test_words_that_are_no_mention(finder: DistrictFinder, text: str, expected: list[str]) -> None:
    assert [name for name, _ in counties(finder, text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("马鞍山市和县政协", ("和县", "340523")),  # after its parent a glued word is the county again
        ("伊春市友好区政协", ("友好区", "230704")),
        ("金堂籍委员", ("金堂县", "510121")),  # a short name with 籍
        ("威宁人在外创业", ("威宁彝族回族苗族自治县", "520526")),  # an autonomous county's short name with 人
    ],
)
def test_short_names_with_support(finder: DistrictFinder, text: str, expected: tuple[str, str]) -> None:
    assert counties(finder, text)[-1:] == [expected]


def test_a_short_name_alone_is_no_mention(finder: DistrictFinder) -> None:
    assert counties(finder, "谱写威宁新篇章") == []
    assert counties(finder, "南岸人民广场") == []  # 人 of 人民 is no native of it


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("大足区政协", "district:full"),
        ("长寿政协", "district:short+body"),
        ("江北：视察", "district:short+lead"),
        ("涪陵区、长寿等地", "district:short+list"),
        ("宁波江北区", "district:full+parent"),
        ("两江新区", "district:zone"),
        ("宣传渝北山水", "district:short"),
    ],
)
def test_every_hit_names_its_rule(finder: DistrictFinder, text: str, rule: str) -> None:
    assert [h.entity.rule for h in finder.find(text) if h.entity.level in ("county", "zone")][-1] == rule


def test_implicit_hits_name_their_rule(finder: DistrictFinder) -> None:
    assert {h.entity.rule for h in finder.implicit("该区政协、区委", BEIBEI)} == {"district:implicit"}


def _context(**places: District) -> ArticleContext:
    return ArticleContext(**places)


def test_context_decides_shared_names_and_townships(finder: DistrictFinder) -> None:
    ningbo = District("宁波市", "330200", "prefecture", "浙江省")
    assert counties(finder, "江北区") == [("江北区", "500105")]
    assert [(h.entity.code, h.entity.rule) for h in finder.find("江北区", _context(prefecture=ningbo))] == [
        ("330205", "district:full")]
    # a short name of the page's prefecture counts on its own
    assert counties(finder, "赴海曙调研") == []
    assert [(h.entity.code, h.entity.rule) for h in finder.find("赴海曙调研", _context(prefecture=ningbo))] == [
        ("330203", "district:short+page")]
    # a township: the home province's without context, the page's county's with it
    caidian = District("蔡甸区", "420114", "county", "湖北省")
    assert [h.entity.province_name for h in finder.find("永安街道")] == ["重庆市"]
    assert [(h.entity.province_name, h.entity.rule) for h in finder.find("永安街道", _context(district=caidian))] == [
        ("湖北省", "district:full+page")]
    assert finder.find("永安街道", ArticleContext(home="浙江省")) == []  # not in the home province: needs context


def test_glued_word_rows_round_trip() -> None:
    rows = [
        {"type": "district", "name": "和县", "code": "340523", "level": "county", "province": "安徽省"},
        {"type": "district", "name": "东区", "code": "510402", "level": "county", "province": "四川省"},
        {"type": "district_word", "name": "和县"},
        {"type": "district_area", "name": "东区"},
    ]
    finder = DistrictFinder.from_rows(rows)
    assert finder.to_rows() == rows
    assert finder.find("和县政协") == []
    anhui, sichuan = ArticleContext(home="安徽省"), ArticleContext(home="四川省")
    assert finder.find("县委和县政协", anhui) == []  # a body word after a glued word is no context, even at home
    assert [h.entity.code for h in finder.find("委员到和县调研", anhui)] == ["340523"]  # a destination at home
    assert finder.find("委员到东区调研", sichuan) == []  # an area noun is no destination of its own
    dongqu = District("东区", "510402", "county", "四川省")
    assert [h.entity.code for h in finder.find("委员到东区调研", ArticleContext(district=dongqu, home="四川省"))] == ["510402"]


def test_cli_home_option(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from zxextract import cli

    page = tmp_path / "page.txt"
    page.write_text("鼓楼区政协召开常委会议，委员们围绕城市更新建言。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli.main, ["extract", str(page), "-o", str(out), "--home", "福建省"])
    assert result.exit_code == 0, result.output
    codes = [d["code"] for line in out.read_text(encoding="utf-8").splitlines() for d in json.loads(line)["districts"]
             if d["level"] == "county"]
    assert codes and set(codes) == {"350102"}


def test_a_destination_is_not_the_article_place(extractors: Any, finder: DistrictFinder) -> None:
    text = "市政协组织委员赴浙江省宁波市考察学习。"
    hits = finder.find(text)
    assert [finder.destination(text, h.start, h.entity) for h in hits] == [True, True]  # 宁波市 after its parent
    assert not finder.destination("宁波市政协", 0, finder.find("宁波市政协")[0].entity)
    doc = _articles_doc(extractors(None), ["北碚区政协召开常委会议。", text])
    assert doc._.zx_places[1]["province"]["name"] == "重庆市"  # the page's own place outweighs where it travels
    assert doc._.zx_places[1]["prefecture"] is None
    alone = _articles_doc(extractors(None), [text])
    assert alone._.zx_places[0]["province"]["name"] == "浙江省"  # with nothing else named, still the best guess
