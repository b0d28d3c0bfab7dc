"""Pages from other sources: the dev2 pages (skipped when ../shared/dev2 is absent) and short synthetic
pages of each kind (web page, e-paper, digest, photo page, kicker, repeated headline, no headline)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import zxextract
from zxextract.components import ARTICLES_KEY, FURNITURE_KEY
from zxextract.layout import page_layout, split_page
from zxextract.normalize import normalize
from zxextract.records import Article
from zxextract.spans import extension

# ../shared/dev2 next to the repository; ZXEXTRACT_DEV2 points elsewhere (a worktree one level deeper).
DEV2 = Path(os.environ.get("ZXEXTRACT_DEV2") or Path(__file__).parents[1].parent / "shared" / "dev2")
PAGES = sorted((DEV2 / "texts").glob("*.txt")) if DEV2.is_dir() else []
ENTITY_KEYS = ("zx_districts", "zx_officials", "zx_brands", "zx_documents", "zx_quantities", "zx_dates")


def _t2s(text: str) -> str:
    return normalize(text).text


def _squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def extractor() -> zxextract.Extractor:
    return zxextract.load()


@pytest.fixture(scope="module")
def char_extractor() -> zxextract.Extractor:
    return zxextract.load(segmenter="char")


def _need_dev2() -> None:
    if not PAGES:
        pytest.skip("../shared/dev2 is absent")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_nothing_extracted_from_furniture(extractor: zxextract.Extractor, page: Path) -> None:
    _need_dev2()
    doc = extractor.nlp(page.read_text(encoding="utf-8"))
    segments = [(s.start_char, s.end_char) for s in doc.spans[ARTICLES_KEY]]
    furniture = [(s.start_char, s.end_char) for s in doc.spans[FURNITURE_KEY]]
    assert all(extension(s, "zx")["kind"] for s in doc.spans[FURNITURE_KEY])
    for fs, fe in furniture:
        assert not any(s < fe and fs < e for s, e in segments), (fs, fe)
    for key in ENTITY_KEYS:
        for span in doc.spans.get(key, []):
            assert any(s <= span.start_char and span.end_char <= e for s, e in segments), (key, span.text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_published_is_the_printed_date(extractor: zxextract.Extractor, page: Path) -> None:
    _need_dev2()
    gold = json.loads((DEV2 / "gold" / f"{page.name}.json").read_text(encoding="utf-8"))["articles"]
    wanted = {(p["year"], p["month"], p["day"]) for a in gold if (p := a.get("published"))}
    if not any("published" in a for a in gold):
        pytest.skip("gold does not annotate publication dates on this page")
    got = {(p.year, p.month, p.day) for a in extractor.parse(page.read_text(encoding="utf-8")) if (p := a.published)}
    assert got == wanted


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_records_round_trip_and_point_into_the_raw_page(extractor, char_extractor, page: Path) -> None:
    _need_dev2()
    raw = page.read_text(encoding="utf-8")
    articles = extractor.parse(raw, doc_id=page.name)
    for article in articles:
        assert Article.from_json(article.to_json()) == article
        for field_name in ("bylines", "districts", "officials", "brands", "quantities", "dates", "documents"):
            for record in getattr(article, field_name):
                start, end = record.span
                assert _t2s(_squeeze(raw[start:end])) == _t2s(_squeeze(record.text)), (field_name, record)
        if article.published is not None:
            start, end = article.published.span
            assert _squeeze(raw[start:end]) == _squeeze(article.published.text)
    assert char_extractor.parse(raw, doc_id=page.name) == articles


# --------------------------------------------------------------------------- synthetic pages

WEB = """网站首页 新闻中心 政协工作 联系我们
当前位置：首页 > 新闻中心 > 委员风采 > 正文
青山县政协开展民生实事协商活动
发布时间：2024-05-06 10:20  来源：青山日报  浏览次数：120
5月5日，青山县政协组织委员围绕老旧小区改造开展协商，县政协主席王建国出席。
委员们提出建议12条，涉及加装电梯、停车管理等方面。
作者：李明  责任编辑：赵红
上一篇：白水县政协召开常委会议
下一篇：红河县政协调研乡村振兴
相关文章
绿江县政协举办读书活动
版权所有：青山县政协办公室 备案号：X-123
"""


def test_web_page_keeps_furniture_out() -> None:
    norm = normalize(WEB)
    page = page_layout(norm)
    [article] = page.articles
    assert (article.title, article.section, article.source) == ("青山县政协开展民生实事协商活动", "委员风采", "青山日报")
    assert (article.published.year, article.published.month, article.published.day) == (2024, 5, 6)
    assert [(h.entity.name, h.entity.role) for h in article.bylines] == [("李明", "author"), ("赵红", "editor")]
    body = "\n".join(norm.text[s:e] for s, e in article.segments)
    assert body.startswith("青山县政协开展民生实事协商活动\n5月5日") and body.endswith("停车管理等方面。")
    kinds = {norm.text[s:e][:4]: kind for s, e, kind in page.furniture}
    assert kinds["当前位置"] == kinds["上一篇："] == kinds["相关文章"] == kinds["绿江县政"] == "navigation"
    assert kinds["发布时间"] == kinds["作者：李"] == "meta" and kinds["版权所有"] == "footer"
    assert kinds["网站首页"] == "masthead"  # the menu over the headline
    for s, e, _ in page.furniture:  # no segment overlaps furniture
        assert not any(a < e and s < b for a, b in article.segments)


def test_web_page_stamp_and_meta_stay_out_of_dates(extractor: zxextract.Extractor) -> None:
    [article] = extractor.parse(WEB)
    assert [(d.month, d.day) for d in article.dates] == [(5, 5)]
    assert article.published.text == "2024-05-06" and WEB[slice(*article.published.span)] == "2024-05-06"
    assert not {d.name for d in article.districts} & {"白水县", "红河县"}  # named only in 上一篇/下一篇


EPAPER = """青山日报数字报
国内统一刊号：CN00-0000
2024年05月06日
青山日报 青山县政协开展民生实事协商 绿江县政协举办读书活动 红河县委员调研乡村振兴 白水县政协召开常委会议 委员工作室集中授牌 春耕时节忙
版面翻页
第02版：要闻

委员工作室集中授牌

□ 本报记者 张 强

5月5日，青山县政协为8个委员工作室授牌，县政协副主席刘芳出席。
"""


def test_epaper_page_takes_the_edition_date() -> None:
    norm = normalize(EPAPER)
    page = page_layout(norm)
    [article] = page.articles
    assert (article.title, article.kind) == ("委员工作室集中授牌", "report")
    assert [(h.entity.name, h.entity.role) for h in article.bylines] == [("张强", "reporter")]
    assert (article.published.year, article.published.month, article.published.day) == (2024, 5, 6)
    kinds = {kind for _, _, kind in page.furniture}
    assert {"masthead", "contents"} <= kinds
    assert "绿江县" not in "".join(norm.text[s:e] for s, e in article.segments)


DIGEST = """今日政协
青山县政协召开主席会议
5月6日，青山县政协召开主席会议，研究近期工作。（李明）
绿江县政协调研春耕生产
5月5日，绿江县政协组织委员调研春耕生产。
白水县政协开展读书活动
近日，白水县政协开展读书活动。（王芳 赵强）
"""


def test_digest_items_are_briefs_under_the_label() -> None:
    articles = split_page(normalize(DIGEST))
    assert [(a.kind, a.section, a.title) for a in articles] == [
        ("brief", "今日政协", "青山县政协召开主席会议"),
        ("brief", "今日政协", "绿江县政协调研春耕生产"),
        ("brief", "今日政协", "白水县政协开展读书活动"),
    ]
    assert [[(h.entity.name, h.entity.role) for h in a.bylines] for a in articles] == [
        [("李明", "author")],
        [],
        [("王芳", "author"), ("赵强", "author")],
    ]


LEADS = """● 青山县 ●
青山县政协组织委员视察河道治理工作，提出建议5条。
● 绿江县 ●
绿江县政协召开专题协商会，围绕养老服务建言献策。
"""

COLON_LEADS = """青山县：青山县政协组织委员视察河道治理工作，提出建议5条。
绿江县：绿江县政协召开专题协商会，围绕养老服务建言献策。
"""


@pytest.mark.parametrize("page", [LEADS, COLON_LEADS], ids=["marks", "colon"])
def test_digest_items_led_by_their_place(page: str) -> None:
    norm = normalize(page)
    articles = split_page(norm)
    texts = ["".join(norm.text[s:e] for s, e in a.segments) for a in articles]
    assert len(articles) == 2 and "青山县政协" in texts[0] and "绿江县政协" in texts[1]
    assert all(a.title is None for a in articles)


PHOTO = """近日，青山县政协组织委员视察河道治理，图为委员们在河边察看水质。
李明 摄影报道
5月5日，绿江县政协委员走进社区，了解养老服务情况。
（文/图 王芳）
"""


def test_photo_page_captions_closed_by_their_credit() -> None:
    articles = split_page(normalize(PHOTO))
    assert [(a.kind, a.title) for a in articles] == [("photo", None), ("report", None)]
    assert [(h.entity.name, h.entity.role) for h in articles[0].bylines] == [("李明", "photographer")]
    assert [(h.entity.name, h.entity.role) for h in articles[1].bylines] == [("王芳", "author"), ("王芳", "photographer")]


@pytest.mark.parametrize(
    ("page", "title", "subtitle"),
    [
        ("委员之声|青山县政协委员建言河道治理\n来源：青山日报\n5月5日，委员们提出建议5条。\n", "青山县政协委员建言河道治理", "委员之声"),
        ("“老委员”建言——\n河道治理见成效\n本报讯(通讯员 李明)近日，青山县老委员视察河道。\n", "河道治理见成效", "“老委员”建言"),
    ],
    ids=["bar", "dash"],
)
def test_kicker_is_the_subtitle(page: str, title: str, subtitle: str) -> None:
    [article] = split_page(normalize(page))
    assert (article.title, article.subtitle) == (title, subtitle)


def test_repeated_headline_is_one_article() -> None:
    page = "青山县政协提案工作报告\n\n青山县政协提案工作报告\n一年来共收到提案120件，立案110件。\n青山县政协提案工作报告\n提案办复率达100%。\n"
    norm = normalize(page)
    [article] = split_page(norm)
    assert article.title == "青山县政协提案工作报告"
    assert "提案办复率达100%" in "".join(norm.text[s:e] for s, e in article.segments)


def test_no_headline_and_forum_noise() -> None:
    page = "青山县政协召开全会* r4 L9 O: p8 Y\n( _+ w* j' z( e: |) M\" H\n5月5日，会议历时2天，圆满完成各项议程。\n"
    norm = normalize(page)
    page_ = page_layout(norm)
    [article] = page_.articles
    assert article.title == "青山县政协召开全会"
    assert {kind for _, _, kind in page_.furniture} == {"noise"}
    untitled = split_page(normalize("县政协主席李明，副主席王芳出席。\n会议听取了委员发言。\n"))
    assert [(a.kind, a.title) for a in untitled] == [("report", None)]


def test_traditional_page_credits_in_simplified_script() -> None:
    page = "關注 鄉村振興\n青山縣政協召開全體會議\n本報訊(記者 陳 曉 通訊員 張偉)5月5日，會議在縣會議中心舉行。\n"
    norm = normalize(page)
    [article] = split_page(norm)
    assert (article.section, article.title) == ("关注 乡村振兴", "青山县政协召开全体会议")
    assert [(h.entity.name, h.entity.role) for h in article.bylines] == [("陈晓", "reporter"), ("张伟", "correspondent")]
    start, end = norm.raw_span(article.bylines[0].start, article.bylines[0].end)
    assert page[start:end] == "陳 曉"


def test_outlet_credit_inside_the_lead() -> None:
    page = "青山县政协调研春耕\n青山新闻网5月6日讯(青山日报记者 李明)5月5日，县政协调研春耕生产。\n"
    [article] = split_page(normalize(page))
    assert [(h.entity.name, h.entity.role) for h in article.bylines] == [("李明", "reporter")]


def test_web_column_label_over_the_headline_and_closing_credits() -> None:
    page = (
        "政协要闻\n青山县政协召开常委会议\n日期：2024-05-06\nA- A+\n"
        "5月5日，青山县政协召开常委会议，审议有关事项。\n全媒体记者：李明 王芳\n编辑：赵红\n"
    )
    norm = normalize(page)
    [article] = split_page(norm)
    assert (article.section, article.title, article.subtitle) == ("政协要闻", "青山县政协召开常委会议", None)
    assert [(h.entity.name, h.entity.role) for h in article.bylines] == [
        ("李明", "reporter"),
        ("王芳", "reporter"),
        ("赵红", "editor"),
    ]
    assert "A-" not in "".join(norm.text[s:e] for s, e in article.segments)


def test_contents_needs_six_headlines_on_a_line() -> None:
    """A headline of four parts apart by spaces is a headline, not a table of contents."""
    page = "青山县政协召开会议 凝聚共识力量 推动高质量发展 建设美丽青山\n本报讯(记者 李明)5月5日，会议召开。\n"
    [article] = split_page(normalize(page))
    assert article.title == "青山县政协召开会议 凝聚共识力量 推动高质量发展 建设美丽青山"


@pytest.mark.parametrize(
    ("credit_line", "credits"),
    [
        ("（李明 供稿）", [("李明", "author")]),
        ("文图/王芳", [("王芳", "author"), ("王芳", "photographer")]),
        ("记者 李 明 实习生 王芳", [("李明", "reporter"), ("王芳", "reporter")]),
        ("审核：赵红", [("赵红", "editor")]),
        ("李明 摄影报道", [("李明", "photographer")]),
    ],
)
def test_closing_credits(credit_line: str, credits: list[tuple[str, str]]) -> None:
    page = f"青山县政协调研春耕生产\n本报讯 5月5日，县政协组织委员调研春耕生产。\n{credit_line}\n"
    [article] = split_page(normalize(page))
    assert [(h.entity.name, h.entity.role) for h in article.bylines] == credits


@pytest.mark.parametrize(
    ("stamp_line", "date", "source"),
    [
        ("2023年09月06日 09:47 来源：青山日报", (2023, 9, 6), "青山日报"),
        ("青山区融媒体中心 07-20 20:15", (None, 7, 20), None),
        ("信息来源：农业和农村工作处 发布日期：2024.03.05", (2024, 3, 5), "农业和农村工作处"),
    ],
)
def test_stamp_lines(stamp_line: str, date: tuple, source: str | None) -> None:
    norm = normalize(f"青山县政协调研春耕生产\n{stamp_line}\n5月5日，县政协组织委员调研春耕生产。\n")
    [article] = split_page(norm)
    published = article.published
    assert ((published.year, published.month, published.day), article.source) == (date, source)
    assert article.title == "青山县政协调研春耕生产"
    assert [norm.text[s:e] for s, e in article.segments] == ["青山县政协调研春耕生产", "5月5日，县政协组织委员调研春耕生产。"]


def test_menu_and_button_rows_are_navigation() -> None:
    page = (
        "首页 | 新闻 | 政务 | 专题\n青山县政协召开常委会议\n2024年05月06日 09:47 来源：青山日报\n"
        "【字体：大 中 小】 【打印】 【关闭】\n本报讯 5月5日，青山县政协召开常委会议。\n"
    )
    norm = normalize(page)
    layout = page_layout(norm)
    [article] = layout.articles
    assert article.title == "青山县政协召开常委会议" and article.source == "青山日报"
    assert [kind for _, _, kind in layout.furniture] == ["navigation", "meta", "navigation"]


def test_web_headline_under_the_breadcrumb_without_meta_line() -> None:
    page = (
        "网站首页 新闻中心 政协工作 联系我们\n当前位置：首页 > 新闻中心 > 正文\n青山县政协开展民生实事协商活动\n"
        "5月5日，青山县政协组织委员围绕老旧小区改造开展协商。\n委员们提出建议12条。\n"
    )
    norm = normalize(page)
    [article] = split_page(norm)
    assert (article.section, article.title) == ("新闻中心", "青山县政协开展民生实事协商活动")
    assert "网站首页" not in "".join(norm.text[s:e] for s, e in article.segments)


def test_meta_line_framed_by_brackets_and_bars() -> None:
    page = (
        "您的位置：\n首页 >> 工作动态 >> 政协动态\n青山县政协调研河道治理 |\n"
        "[ 作者: | 发布时间:2024-05-06 | 浏览:1234次 ] |\n5月5日，青山县政协组织委员调研河道治理工作。\n|\n"
    )
    norm = normalize(page)
    [article] = split_page(norm)
    assert (article.section, article.title) == ("政协动态", "青山县政协调研河道治理")
    published = article.published
    assert published is not None and (published.year, published.month, published.day) == (2024, 5, 6)
    assert article.bylines == []
