"""render: the page split shown in page order, furniture greyed, entities coloured, every piece of page text escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from zxextract.components import ARTICLES_KEY, BYLINES_KEY
from zxextract.render import COLORS, FURNITURE_KEY, color, render_doc, render_page
from zxextract.spans import add_entity_spans

ATTACK = "<img src=x onerror=alert(1)>"
SCRIPT_LINE = "大足区政协召开<script>alert(2)</script>专题协商会"
TAGS = {"html", "head", "meta", "title", "body", "style", "div", "article", "header", "section", "mark", "span"}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the whole page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, css: str | None = None) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag and (css is None or css in (attrs.get("class") or "").split())]


def char_doc(text: str) -> Doc:
    """A Doc of one token per character, as the "char" segmenter makes it."""
    return Doc(Vocab(), words=list(text), spaces=[False] * len(text))


def find(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


PAGE = "\n".join(
    [
        "本版目录 上一篇 下一篇",
        "区县速递",
        ATTACK,
        SCRIPT_LINE + "。记者张三",
        "分享到微信",
        "第二篇标题",
        "全市新增岗位3000个。",
    ]
)


def split_doc(furniture: bool = True) -> Doc:
    """Two articles around a furniture line, with entities, a byline and a published date, all by hand."""
    doc = char_doc(PAGE)
    first = {"kind": "brief", "section": ATTACK, "title": ATTACK, "subtitle": f'"{ATTACK}', "published": {"year": 2025, "month": 3, "day": 27}}
    second = {"kind": "report", "section": None, "title": "第二篇标题", "subtitle": None, "published": None, "source": "人民政协网"}
    articles = [(*find(PAGE, ATTACK), first, 0), (find(PAGE, SCRIPT_LINE)[0], find(PAGE, "张三")[1], first, 0)]
    articles.append((find(PAGE, "第二篇标题")[0], len(PAGE), second, 1))
    doc = add_entity_spans(doc, ARTICLES_KEY, "ARTICLE", articles, annotate_ents=False)
    if furniture:
        doc = add_entity_spans(
            doc, FURNITURE_KEY, "FURNITURE", [(*find(PAGE, "本版目录 上一篇 下一篇"), {"kind": "nav"}, None), (*find(PAGE, "分享到微信"), {"kind": "share"}, None)], False
        )
    doc = add_entity_spans(doc, BYLINES_KEY, "CREDIT", [(*find(PAGE, "张三"), {"name": "张三", "role": "reporter"}, 0)])
    district = {"name": "大足区", "code": "500111", "level": "county", "rule": "district:short+body"}
    doc = add_entity_spans(doc, "zx_districts", "DISTRICT", [(*find(PAGE, "大足区"), district, 0)])
    quantity = {"value": 3000.0, "unit": "个", "note": 'a"b\' onmouseover="alert(3)'}
    return add_entity_spans(doc, "zx_quantities", "QUANTITY", [(*find(PAGE, "3000个"), quantity, 1)])


def test_page_text_is_escaped_everywhere() -> None:
    html = render_doc(split_doc())
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    page = Elements(html)
    assert {tag for tag, _ in page.tags} <= TAGS
    assert not [attrs for _, attrs in page.tags if any(name.startswith("on") for name in attrs)]
    # The heading shows the markup as text: section, title and subtitle (with its quote) round-trip.
    text = "".join(page.text)
    assert f"#0 brief · {ATTACK}" in text
    assert f'"{ATTACK}' in text
    assert SCRIPT_LINE.removeprefix("大足区") in text  # 大足区 is marked as an entity
    (quantity,) = [attrs for attrs in page.all("mark") if attrs["data-label"] == "QUANTITY"]
    assert "note: a\"b' onmouseover=\"alert(3)" in quantity["title"]


def test_articles_are_blocks_with_their_heading_in_page_order() -> None:
    html = render_doc(split_doc())
    page = Elements(html)
    assert [a["data-index"] for a in page.all("article")] == ["0", "0", "1"]  # the first article has two segments
    text = "".join(page.text)
    assert "bylines: 张三 (reporter) · published: 2025-03-27" in text
    assert "#0 (continued)" in text
    assert "#1 report" in text and "第二篇标题" in text and "source: 人民政协网" in text
    # Page order: furniture, the column label outside any article, article 0, furniture, article 1.
    order = [html.index(part) for part in ("本版目录", "区县速递", "<article", "分享到微信", 'data-index="1"')]
    assert order == sorted(order)


def test_furniture_and_text_outside_articles_are_greyed() -> None:
    page = Elements(render_doc(split_doc()))
    dropped = [attrs["title"] for attrs in page.all("section", "zx-dropped")]
    assert dropped == ["furniture: nav", "outside any article", "furniture: share"]
    # Without the layout's furniture spans, the same lines show as outside any article.
    html = render_doc(split_doc(furniture=False))
    assert [attrs["title"] for attrs in Elements(html).all("section", "zx-dropped")] == ["outside any article"] * 2
    assert 'title="outside any article"><div class="zx-dropped-label">outside any article</div><div class="zx-text">本版目录' in html


def test_entities_have_their_label_colour_a_legend_and_a_hover_with_fields_and_rule() -> None:
    doc = split_doc()
    doc = add_entity_spans(doc, "custom", "PROGRAMME", [(*find(PAGE, "岗位"), {"name": "岗位"}, 1)])
    page = Elements(render_doc(doc))
    legend = {attrs["data-label"]: attrs["style"] for attrs in page.all("span", "zx-ent")}
    assert list(legend) == [*COLORS, "PROGRAMME"]
    assert len(set(legend.values())) == len(legend)  # every label its own colour, none the displaCy grey
    assert legend["PROGRAMME"] == f"background: {color('PROGRAMME')}"
    marks = {attrs["data-label"]: attrs for attrs in page.all("mark")}
    assert marks["DISTRICT"]["style"] == f"background: {COLORS['DISTRICT']}"
    assert marks["DISTRICT"]["title"] == "DISTRICT\nname: 大足区\ncode: 500111\nlevel: county\nrule: district:short+body"
    assert "rule" not in marks["CREDIT"]["title"]  # shown only when present
    assert set(marks) == {"DISTRICT", "CREDIT", "QUANTITY", "PROGRAMME"}


def test_fragment_for_notebooks() -> None:
    fragment = render_doc(split_doc(), page=False)
    assert fragment.startswith("<style>") and "<html" not in fragment


@pytest.fixture(scope="module")
def extractor():
    import zxextract

    return zxextract.load()


def test_render_page_through_the_pipeline_escapes_the_page(extractor) -> None:
    text = f"{ATTACK}\n{SCRIPT_LINE}，区政协主席李四出席。\n（王五）"
    html = render_page(text, extractor)
    assert "<script>" not in html and "<img" not in html
    page = Elements(html)
    assert {tag for tag, _ in page.tags} <= TAGS
    assert page.all("article")
    assert "大足区" in {m["title"].split("\n")[1].removeprefix("name: ") for m in page.all("mark") if m["data-label"] == "DISTRICT"}
