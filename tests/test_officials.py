"""OfficialFinder: each binding form of SCHEMA.md, the non-bindings, rule rows, and the seed pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zxextract.finder import ArticleContext
from zxextract.normalize import normalize
from zxextract.officials import OfficialFinder
from zxextract.records import District, Hit

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).parent.parent / "seeds"

BEIBEI = District("北碚区", "500109", "county", "重庆市")
JIANGBEI = District("江北区", "500105", "county", "重庆市")
YUBEI = District("渝北区", "500112", "county", "重庆市")
JINNIU = District("金牛区", "510106", "county", "四川省")
PIXIAN = District("郫都区", "510117", "county", "四川省")


@pytest.fixture(scope="module")
def finder() -> OfficialFinder:
    return OfficialFinder.default()


def hits_for(text: str, *places: tuple[str, District]) -> list[Hit]:
    """District hits for every occurrence of each (surface, district), as a district finder would give."""
    out = []
    for surface, district in places:
        start = text.find(surface)
        while start >= 0:
            out.append(Hit(start, start + len(surface), district))
            start = text.find(surface, start + 1)
    return out


def find(finder: OfficialFinder, text: str, *places: tuple[str, District], article: District | None = None) -> list[tuple]:
    return [
        (h.entity.name, h.entity.role, h.entity.org, h.entity.district, h.entity.category)
        for h in finder.find(text, ArticleContext(districts=hits_for(text, *places), district=article))
    ]


DAZU = District("大足区", "500111", "county", "重庆市")
NANCHUAN = District("南川区", "500119", "county", "重庆市")
CHONGQING = District("重庆市", "500000", "province", "重庆市")


# ----------------------------------------------------------------- title before name


def test_title_before_name(finder: OfficialFinder) -> None:
    text = "近日，大足区政协主席王晓明率队深入矿区。"
    assert find(finder, text, ("大足区", DAZU)) == [("王晓明", "主席", "大足区政协", "大足区", "cppcc")]


def test_short_district_name_is_written_out(finder: OfficialFinder) -> None:
    assert find(finder, "会上，大足政协副主席刘海峰表示。", ("大足", DAZU)) == [
        ("刘海峰", "副主席", "大足区政协", "大足区", "cppcc")
    ]


def test_one_title_two_names(finder: OfficialFinder) -> None:
    text = "近日，南川区政协副主席陈立新、范红带领部分政协委员前往成都。"
    assert find(finder, text, ("南川区", NANCHUAN)) == [
        ("陈立新", "副主席", "南川区政协", "南川区", "cppcc"),
        ("范红", "副主席", "南川区政协", "南川区", "cppcc"),
    ]


def test_outside_chongqing_innermost_district(finder: OfficialFinder) -> None:
    text = "四川省成都市金牛区政协副主席张三表示，要加强合作。"
    places = (("四川省", District("四川省", "510000", "province", "四川省")),
              ("成都市", District("成都市", "510100", "prefecture", "四川省")), ("金牛区", JINNIU))
    assert find(finder, text, *places) == [("张三", "副主席", "金牛区政协", "金牛区", "cppcc")]


def test_chain_party_and_government(finder: OfficialFinder) -> None:
    text = "区委常委、常务副区长林志强，区委副书记、区长吴敏出席。"
    assert find(finder, text, article=BEIBEI) == [
        ("林志强", "常委", "北碚区委", "北碚区", "party"),
        ("林志强", "常务副区长", "北碚区政府", "北碚区", "government"),
        ("吴敏", "副书记", "北碚区委", "北碚区", "party"),
        ("吴敏", "区长", "北碚区政府", "北碚区", "government"),
    ]


def test_party_department_joins_the_party_body(finder: OfficialFinder) -> None:
    text = "区委常委、组织部部长赵立平出席，区人大常委会主任孙浩主持。"
    assert find(finder, text, article=BEIBEI) == [
        ("赵立平", "常委", "北碚区委", "北碚区", "party"),
        ("赵立平", "部长", "北碚区委组织部", "北碚区", "party"),
        ("孙浩", "主任", "北碚区人大常委会", "北碚区", "npc"),
    ]


def test_explicit_district_carries_along_the_chain(finder: OfficialFinder) -> None:
    text = "应邀参会的北碚区委常委、区政府常务副区长邱明表示。"
    assert find(finder, text, ("北碚区", BEIBEI), article=JIANGBEI) == [
        ("邱明", "常委", "北碚区委", "北碚区", "party"),
        ("邱明", "常务副区长", "北碚区政府", "北碚区", "government"),
    ]


def test_implicit_body_from_article(finder: OfficialFinder) -> None:
    text = "该区政协副主席黄丽参加视察。委员们详细了解情况。"
    assert find(finder, text, article=JIANGBEI) == [("黄丽", "副主席", "江北区政协", "江北区", "cppcc")]


def test_implicit_county_outside_chongqing(finder: OfficialFinder) -> None:
    text = "区委书记李强、区长王刚出席。"
    assert find(finder, text, article=PIXIAN) == [
        ("李强", "书记", "郫都区委", "郫都区", "party"),
        ("王刚", "区长", "郫都区政府", "郫都区", "government"),
    ]


def test_city_word_needs_a_municipality(finder: OfficialFinder) -> None:
    text = "市政协主席李四，省政协副主席王五表示。"
    assert find(finder, text, article=JINNIU) == [
        ("李四", "主席", "市政协", None, "cppcc"),
        ("王五", "副主席", "四川省政协", "四川省", "cppcc"),
    ]


def test_company_role(finder: OfficialFinder) -> None:
    text = "“合作是关键。”重庆长江精密制造有限公司董事长冯涛建议，搭建平台。"
    assert find(finder, text, ("重庆", CHONGQING)) == [
        ("冯涛", "董事长", "重庆长江精密制造有限公司", "重庆市", "enterprise")
    ]


def test_company_with_brackets(finder: OfficialFinder) -> None:
    text = "。”星河(重庆)科技有限公司常务副总经理何平认为。"
    assert find(finder, text) == [("何平", "常务副总经理", "星河(重庆)科技有限公司", None, "enterprise")]


def test_three_titles_with_city_and_studio(finder: OfficialFinder) -> None:
    text = "”政协委员、市图书馆馆长、“书香满城”委员工作室牵头委员周敏说。"
    assert find(finder, text, article=BEIBEI) == [
        ("周敏", "委员", "北碚区政协", "北碚区", "cppcc"),
        ("周敏", "馆长", "重庆市图书馆", "重庆市", "institution"),
        ("周敏", "牵头委员", "书香满城委员工作室", None, "other"),
    ]


def test_truncated_committee_member(finder: OfficialFinder) -> None:
    text = "”市政协委、招商银行重庆分行行长蒋磊说。"
    assert find(finder, text, article=BEIBEI) == [
        ("蒋磊", "委员", "重庆市政协", "重庆市", "cppcc"),
        ("蒋磊", "行长", "招商银行重庆分行", None, "enterprise"),
    ]


def test_descriptor_links_but_adds_nothing(finder: OfficialFinder) -> None:
    text = "会上，北碚区政协法治委员工作室牵头委员、城南法庭负责人高峰介绍情况。"
    assert find(finder, text, ("北碚区", BEIBEI)) == [
        ("高峰", "牵头委员", "北碚区政协法治委员工作室", "北碚区", "cppcc")
    ]


def test_democratic_party(finder: OfficialFinder) -> None:
    text = "。”民建北碚区委会副主委唐静说。"
    assert find(finder, text, ("北碚区", BEIBEI)) == [
        ("唐静", "副主委", "民建北碚区委会", "北碚区", "democratic_party")
    ]


def test_national_bodies(finder: OfficialFinder) -> None:
    text = "深入学习贯彻习近平总书记重要讲话精神。全国政协委员、中国科学院院士张杰表示。"
    assert find(finder, text) == [
        ("习近平", "总书记", "中共中央", None, "party"),
        ("张杰", "委员", "全国政协", None, "cppcc"),
    ]


def test_county_institution_written_out(finder: OfficialFinder) -> None:
    text = "。”该县政协常委、县交通运输委主任邓飞表示。"
    xiushan = District("秀山土家族苗族自治县", "500241", "county", "重庆市")
    assert find(finder, text, article=xiushan) == [
        ("邓飞", "常委", "秀山土家族苗族自治县政协", "秀山土家族苗族自治县", "cppcc"),
        ("邓飞", "主任", "秀山土家族苗族自治县交通运输委", "秀山土家族苗族自治县", "institution"),
    ]


# ----------------------------------------------------------------- name before title


def test_name_before_title(finder: OfficialFinder) -> None:
    text = "“值得推广！”刘建军常委感叹道。来自课题组的陈思委员建议，引导企业参与。"
    assert find(finder, text, article=YUBEI) == [
        ("刘建军", "常委", "渝北区政协", "渝北区", "cppcc"),
        ("陈思", "委员", "渝北区政协", "渝北区", "cppcc"),
    ]


def test_name_list_before_body_and_title(finder: OfficialFinder) -> None:
    text = "一直关注产业发展的周红、唐国强等大足区政协委员看到变化。对此，韩梅、周红等4名大足区政协委员提交建议。"
    assert find(finder, text, ("大足区", DAZU)) == [
        ("周红", "委员", "大足区政协", "大足区", "cppcc"),
        ("唐国强", "委员", "大足区政协", "大足区", "cppcc"),
        ("韩梅", "委员", "大足区政协", "大足区", "cppcc"),
    ]


def test_name_list_before_bare_title(finder: OfficialFinder) -> None:
    text = "为此，王红、郑和顺等委员提交提案。"
    assert find(finder, text, article=DAZU) == [
        ("王红", "委员", "大足区政协", "大足区", "cppcc"),
        ("郑和顺", "委员", "大足区政协", "大足区", "cppcc"),
    ]


def test_without_article_district_the_implied_org_is_unknown(finder: OfficialFinder) -> None:
    assert find(finder, "，孙丽委员提出建议。") == [("孙丽", "委员", None, None, "cppcc")]


# ----------------------------------------------------------------- name boundaries


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("大足区政协委员张承鑫在走访企业时说。", "张承鑫"),  # 在 ends a three-character name
        ("大足区政协委员刘广说。", "刘广"),  # 说 ends a two-character name
        ("大足区政协主席向东表示，", "向东"),
        ("大足区政协常委胡文建焦急地说。", "胡文建"),  # nothing known after: the longer name
        ("大足区政协委员欧阳明华表示，", "欧阳明华"),  # compound surname
    ],
)
def test_name_length_from_context(finder: OfficialFinder, text: str, name: str) -> None:
    assert [o[0] for o in find(finder, text, ("大足区", DAZU))] == [name]


# ----------------------------------------------------------------- non-bindings


@pytest.mark.parametrize(
    "text",
    [
        "王俊指出，要抓好落实。",  # bare mention
        "还要感谢区政协和钟委员呢！傅主席也来了。",  # surname alone
        "企业负责人、专家、村民、居民和文艺爱好者参加活动。",  # not positions
        "委员们走进委员工作室，主任委员会议随后召开。",  # ordinary words after a title
        "此次会议再次为凝聚委员智慧搭建了平台。",  # a word after 委员 is no name
    ],
)
def test_no_binding(finder: OfficialFinder, text: str) -> None:
    assert find(finder, text, article=BEIBEI) == []


def test_verb_after_name_first_title_is_not_a_name(finder: OfficialFinder) -> None:
    assert find(finder, "。”宋卫东委员呼吁，建立机制。", article=BEIBEI) == [
        ("宋卫东", "委员", "北碚区政协", "北碚区", "cppcc")
    ]


def test_one_entry_per_binding_and_offsets(finder: OfficialFinder) -> None:
    text = "区委书记王俊出席。王俊指出，要落实。区委书记王俊强调。"
    hits = finder.find(text, ArticleContext(district=BEIBEI))
    assert [(h.start, h.end, h.entity.text) for h in hits] == [(0, 6, "区委书记王俊")]
    assert hits[0].entity.mentions == []
    assert finder.link_mentions(text, hits) == {"王俊": [(9, 11)]}


# ----------------------------------------------------------------- rules


def test_rows_round_trip(finder: OfficialFinder) -> None:
    rows = finder.to_rows()
    assert {r["table"] for r in rows} == {"positions", "bodies", "surnames", "context", "names", "words"}
    assert all(r["type"] == "official" for r in rows)
    text = "区委书记李强、区长王刚出席。"
    again = OfficialFinder.from_rows(rows)
    assert again.find(text, ArticleContext(district=PIXIAN)) == finder.find(text, ArticleContext(district=PIXIAN))


def test_rows_drive_behaviour(finder: OfficialFinder) -> None:
    rows = finder.to_rows()
    text = "大足区政协馆员李强表示。"
    assert find(finder, text, ("大足区", DAZU)) == []
    rows.append({"type": "official", "table": "positions", "word": "馆员", "role": "馆员", "after_name": "0", "default_body": "", "kind": "position"})
    added = OfficialFinder.from_rows(rows)
    assert find(added, text, ("大足区", DAZU)) == [("李强", "馆员", "大足区政协", "大足区", "cppcc")]
    rows = [r for r in rows if not (r["table"] == "surnames" and r["surname"] == "李" or r["table"] == "names" and r["char"] == "李")]
    assert find(OfficialFinder.from_rows(rows), text, ("大足区", DAZU)) == []


def test_add_extends_a_loaded_finder() -> None:
    finder = OfficialFinder.default()
    text = "大足区政协馆员李强表示。"
    finder.add([{"type": "official", "table": "positions", "word": "馆员", "role": "馆员", "after_name": "0", "default_body": "", "kind": "position"}])
    assert find(finder, text, ("大足区", DAZU)) == [("李强", "馆员", "大足区政协", "大足区", "cppcc")]
    with pytest.raises(ValueError, match="table"):
        finder.add([{"type": "official", "word": "馆员"}])


def test_rule_files_hold_no_seed_names(finder: OfficialFinder) -> None:
    words = {r["word"] for r in finder.to_rows() if r["table"] in ("positions", "bodies", "context")}
    gold_names = {
        o["name"]
        for path in (DATA / "gold").glob("*.json")
        for a in json.loads(path.read_text(encoding="utf-8"))["articles"]
        for o in a["officials"]
    }
    assert not words & gold_names


# ----------------------------------------------------------------- seeds


def test_seed_pages(finder: OfficialFinder) -> None:
    """Page-level (name, role) against gold over all seeds, with no district hits and no article district."""
    tp = fp = fn = 0
    for seed in sorted(SEEDS.glob("*.txt")):
        text = normalize(seed.read_text(encoding="utf-8")).text
        gold = json.loads((DATA / "gold" / f"{seed.name}.json").read_text(encoding="utf-8"))
        expected = {(o["name"], o["role"]) for a in gold["articles"] for o in a["officials"]}
        got = {(h.entity.name, h.entity.role) for h in finder.find(text)}
        tp, fp, fn = tp + len(got & expected), fp + len(got - expected), fn + len(expected - got)
    assert tp >= 110
    assert fp == 0
    assert tp / (tp + fn) >= 0.97


# ----------------------------------------------------------------- cases file and dev2

CASES = [json.loads(line) for line in (Path(__file__).parent / "cases" / "officials.jsonl").read_text(encoding="utf-8").splitlines() if line]
DEV2 = Path(__file__).resolve().parents[1].parent / "shared" / "dev2"


def _place(fields: list[str] | None) -> District | None:
    return District(*fields) if fields else None


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_case(finder: OfficialFinder, case: dict) -> None:
    """Each sentence of tests/cases/officials.jsonl gives exactly its (name, role, org) entries, each with a rule."""
    text = case["text"]
    districts = hits_for(text, *((s, District(*fields)) for s, *fields in case["places"]))
    context = ArticleContext(
        districts=districts, district=_place(case["article"]), prefecture=_place(case["prefecture"]), province=_place(case["province"])
    )
    hits = finder.find(text, context)
    assert sorted([h.entity.name, h.entity.role, h.entity.org] for h in hits) == sorted(case["expected"])
    if "texts" in case:
        assert sorted(h.entity.text for h in hits) == sorted(case["texts"])
    for h in hits:
        assert h.entity.rule and h.entity.rule.startswith("official:")
        assert h.entity.name.replace("·", "") in "".join(text[h.start : h.end].split()).replace("·", "").replace("・", "")


def test_dev2_floors() -> None:
    """The pages from other sources: officials F1 and strict F1 floors through the whole pipeline."""
    if not (DEV2 / "gold").is_dir():
        pytest.skip("shared/dev2 is absent")
    from zxextract.evaluate import evaluate

    scores = evaluate(DEV2 / "gold", pages_dir=DEV2 / "texts")
    assert scores["officials"].f1 >= 0.95
    assert scores["officials_strict"].f1 >= 0.90
