"""Layout: seeds against the hand-made gold, and small synthetic pages for each rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zxextract.evaluate import TypeScore
from zxextract.layout import ArticleLayout, split_page
from zxextract.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "gold"

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})

# Where layout knowingly differs from gold: (seed, article index, field) -> what layout gives.
# Each is checked both ways: test_seed_articles pins the current value,
# test_known_gaps (strict xfail) fails loudly once a fix reaches the gold value.
KNOWN_GAPS: dict[tuple[str, int, str], object] = {
    # two loose headline lines in post order: nothing in the text says the second is the title
    ("001_b43fb8328e655451.txt", 4, "title"): "荣昌区委高度重视政协工作",
    # a `关注 …` label printed once over two articles; layout gives it to the first only
    ("001_b43fb8328e655451.txt", 1, "section"): None,
    # `通讯员 万虹佑 文/图`: gold omits the photographer that `文/图` implies (002 keeps it for 秦廷富)
    ("001_b43fb8328e655451.txt", 2, "bylines"): [("万虹佑", "correspondent"), ("万虹佑", "photographer")],
}


def _key(text: str | None) -> str | None:
    """Titles as scored: whitespace removed, quotes normalized."""
    return None if text is None else "".join(text.split()).translate(_QUOTES)


def _gold(seed: Path) -> list[dict]:
    return json.loads((GOLD / f"{seed.name}.json").read_text(encoding="utf-8"))["articles"]


def _fields(article: ArticleLayout) -> dict[str, object]:
    return {
        "title": _key(article.title),
        "kind": article.kind,
        "section": article.section,
        "bylines": [(h.entity.name, h.entity.role) for h in article.bylines],
    }


def _gold_fields(article: dict) -> dict[str, object]:
    return {
        "title": _key(article["title"]),
        "kind": article["kind"],
        "section": article["section"],
        "bylines": [(b["name"], b["role"]) for b in article["bylines"]],
    }


def _split(raw: str) -> tuple[str, list[ArticleLayout]]:
    norm = normalize(raw)
    return norm.text, split_page(norm)


def _segment_text(text: str, article: ArticleLayout) -> str:
    return "\n".join(text[s:e] for s, e in article.segments)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_articles(seed: Path) -> None:
    _, articles = _split(seed.read_text(encoding="utf-8"))
    gold = _gold(seed)
    assert len(articles) == len(gold)
    for index, (got, want) in enumerate(zip(articles, gold)):
        expected = _gold_fields(want)
        for field_name in expected:
            expected[field_name] = KNOWN_GAPS.get((seed.name, index, field_name), expected[field_name])
        assert _fields(got) == expected, f"article {index}"


@pytest.mark.xfail(strict=True, reason="known layout gaps, see KNOWN_GAPS")
@pytest.mark.parametrize("gap", sorted(KNOWN_GAPS), ids=lambda g: f"{g[0][:3]}-{g[1]}-{g[2]}")
def test_known_gaps(gap: tuple[str, int, str]) -> None:
    seed_name, index, field_name = gap
    _, articles = _split((ROOT / "seeds" / seed_name).read_text(encoding="utf-8"))
    want = _gold_fields(_gold(ROOT / "seeds" / seed_name)[index])[field_name]
    assert _fields(articles[index])[field_name] == want


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_seed_bodies_and_segments(seed: Path) -> None:
    """Each body starts inside its article's segments; credits and labels stay out of them."""
    text, articles = _split(seed.read_text(encoding="utf-8"))
    for index, (got, want) in enumerate(zip(articles, _gold(seed))):
        segment_text = _key(_segment_text(text, got))
        assert _key(want["body_start"]) in segment_text, f"article {index}"
        assert "□" not in segment_text
        if got.section:
            assert not segment_text.startswith(_key(got.section))
        if got.title_span:
            assert any(s <= got.title_span[0] < got.title_span[1] <= e for s, e in got.segments)
            assert _key(text[slice(*got.title_span)]) == _key(got.title)
        for hit in got.bylines:
            assert text[hit.start : hit.end] == hit.entity.name == hit.entity.text


def test_seed_scores_meet_acceptance() -> None:
    """Title F1 >= 0.90 and byline F1 >= 0.95 over the seeds, scored as SCHEMA.md does."""
    counts = {"title": TypeScore(), "byline": TypeScore()}
    for seed in SEEDS:
        _, articles = _split(seed.read_text(encoding="utf-8"))
        gold = _gold(seed)
        pairs = {
            "title": ({_key(a.title) for a in articles if a.title}, {_key(a["title"]) for a in gold if a["title"]}),
            "byline": (
                {(h.entity.name, h.entity.role) for a in articles for h in a.bylines},
                {(b["name"], b["role"]) for a in gold for b in a["bylines"]},
            ),
        }
        for name, (pred, want) in pairs.items():
            counts[name] += TypeScore.of(want, pred)
    assert counts["title"].f1 >= 0.96
    assert counts["byline"].f1 >= 0.99


def test_headline_after_body() -> None:
    raw = (
        "□ 通讯员 张三\n\n正文第一段，讲了一件事。\n\n第二段继续讲。\n\n"
        "标题在正文之后\n\n——某区政协履职小记\n\n"
        "本报讯（记者 李四）另一篇文章开始了，\n\n讲了另一件事。\n\n第二篇的标题\n"
    )
    text, articles = _split(raw)
    assert [(a.title, a.subtitle, a.kind) for a in articles] == [
        ("标题在正文之后", "某区政协履职小记", "report"),
        ("第二篇的标题", None, "report"),
    ]
    assert [[(h.entity.name, h.entity.role) for h in a.bylines] for a in articles] == [
        [("张三", "correspondent")],
        [("李四", "reporter")],
    ]
    # reading order inside the article: headline and deck first, then the body
    assert _segment_text(text, articles[0]) == "标题在正文之后\n——某区政协履职小记\n正文第一段，讲了一件事。\n第二段继续讲。"


def test_headline_before_body_with_subheads_and_kicker() -> None:
    raw = (
        "区 县\n\n区委召开专题会议 部署重点工作\n\n王某讲话 李某出席\n\n"
        "本报讯(记者 赵一 钱二)8月1日，会议召开。\n\n小标题不是新文章\n\n会议指出，要抓好落实。\n"
    )
    text, articles = _split(raw)
    assert len(articles) == 1
    article = articles[0]
    assert (article.title, article.subtitle) == ("区委召开专题会议 部署重点工作", "王某讲话 李某出席")
    assert [(h.entity.name, h.entity.role) for h in article.bylines] == [("赵一", "reporter"), ("钱二", "reporter")]
    assert "区县" not in _segment_text(text, article)
    assert "小标题不是新文章" in _segment_text(text, article)


def test_brief_column() -> None:
    raw = (
        "区县速递\n\n甲县：开展视察活动\n\n本报讯 近日，甲县政协组织委员视察。\n\n委员们建议加强管理。(王五)\n"
        "乙区：调研产业发展\n\n本报讯 近日，乙区政协开展调研。 （赵六 钱七）\n"
    )
    text, articles = _split(raw)
    assert [(a.kind, a.section, a.title) for a in articles] == [
        ("brief", "区县速递", "甲县：开展视察活动"),
        ("brief", "区县速递", "乙区：调研产业发展"),
    ]
    assert [[(h.entity.name, h.entity.role) for h in a.bylines] for a in articles] == [
        [("王五", "author")],
        [("赵六", "author"), ("钱七", "author")],
    ]
    # the closing credit is cut off the body text
    assert _segment_text(text, articles[0]).endswith("加强管理。")


def test_brief_titles_after_their_bodies_and_a_late_headline() -> None:
    """Post order: a brief's one-line title, then the headline of an earlier report."""
    raw = (
        "□ 通讯员 张三\n\n报道正文，很长的一段话。\n\n本报讯 近日，甲县政协开展调研，\n\n提出建议。\n\n（王五）\n\n"
        "甲县：开展调研\n\n报道的标题\n\n报道的副题\n"
    )
    _, articles = _split(raw)
    assert [(a.title, a.subtitle, a.kind) for a in articles] == [
        ("报道的标题", "报道的副题", "report"),
        ("甲县：开展调研", None, "brief"),
    ]


def test_photo_caption() -> None:
    raw = "图片新闻\n\n8月1日，某县政协组织委员视察，\n\n了解项目进展。\n\n孙八 李九 摄\n"
    text, articles = _split(raw)
    assert len(articles) == 1
    photo = articles[0]
    assert (photo.kind, photo.section, photo.title) == ("photo", "图片新闻", None)
    assert [(h.entity.name, h.entity.role) for h in photo.bylines] == [("孙八", "photographer"), ("李九", "photographer")]
    assert _segment_text(text, photo) == "8月1日，某县政协组织委员视察，了解项目进展。"


def test_continuation() -> None:
    _, articles = _split("(上接1版)\n\n正文继续讲完。\n\n(记者 周九 吴十)\n")
    assert [(a.kind, a.title) for a in articles] == [("continuation", None)]
    assert [(h.entity.name, h.entity.role) for h in articles[0].bylines] == [("周九", "reporter"), ("吴十", "reporter")]


def test_credit_led_body_joins_its_distant_headline() -> None:
    """Pre order: a headline whose body printed first lacks a credit; the credit-led start comes later."""
    raw = (
        "主标题在此\n\n——副题小记\n\n文章的后半部分，接着说。\n\n"
        "另一篇标题\n\n本报讯(记者 甲乙)另一篇正文。\n\n"
        "□ 本报记者 丙丁\n\n文章的开头部分。\n"
    )
    text, articles = _split(raw)
    assert [a.title for a in articles] == ["主标题在此", "另一篇标题"]
    assert [(h.entity.name, h.entity.role) for h in articles[0].bylines] == [("丙丁", "reporter")]
    assert _segment_text(text, articles[0]) == "主标题在此\n——副题小记\n文章的开头部分。\n文章的后半部分，接着说。"


def test_no_headline_is_one_untitled_article() -> None:
    _, articles = _split("这是一段正文，没有标题。\n\n又一段正文，也没有。\n")
    # an untitled body is a report (SCHEMA: dev2 gold gives untitled pages kind report)
    assert [(a.kind, a.title, a.section, a.subtitle, a.title_span) for a in articles] == [("report", None, None, None, None)]


@pytest.mark.parametrize("raw", ["", "\n\n \n", "\u3000\n"])
def test_empty_page(raw: str) -> None:
    assert split_page(normalize(raw)) == []


def test_title_keeps_one_space_where_raw_had_whitespace() -> None:
    text, articles = _split('建在群众身边  走进百姓"心坎"\n——某区政协小记\n□ 通讯员 甲乙\n正文。\n')
    assert articles[0].title == "建在群众身边 走进百姓“心坎”"
    assert text[slice(*articles[0].title_span)] == "建在群众身边走进百姓“心坎”"


def test_names_are_split_on_raw_spaces() -> None:
    text, articles = _split("标题\n\n□ 本报记者 陈元洪 通讯员 张涵策 卫小梅\n\n正文。\n")
    hits = articles[0].bylines
    assert [(h.entity.name, h.entity.role) for h in hits] == [
        ("陈元洪", "reporter"),
        ("张涵策", "correspondent"),
        ("卫小梅", "correspondent"),
    ]
    assert [text[h.start : h.end] for h in hits] == ["陈元洪", "张涵策", "卫小梅"]


def test_furniture_lines_are_dropped() -> None:
    text, articles = _split("具 X\n\n大标题在这里\n\n重度政協系\n\n——副题小记\n\n□ 通讯员 甲乙\n\n正文。\n")
    assert (articles[0].title, articles[0].subtitle) == ("大标题在这里", "副题小记")
    segment_text = _segment_text(text, articles[0])
    assert "具" not in segment_text and "政协系" not in segment_text


def test_bullet_lines_are_body_not_credits() -> None:
    text, articles = _split("标题\n\n□ 通讯员 甲乙\n\n正文开头。\n\n● 要点一，加强管理。\n\n● 要点二\n\n结尾。\n")
    assert len(articles) == 1
    assert [(h.entity.name, h.entity.role) for h in articles[0].bylines] == [("甲乙", "correspondent")]
    assert "要点一" in _segment_text(text, articles[0]) and "要点二" in _segment_text(text, articles[0])


@pytest.mark.parametrize(
    ("line", "credits"),
    [
        ("赵明远摄", [("赵明远", "photographer")]),
        ("记者张三摄影", [("张三", "reporter"), ("张三", "photographer")]),
        ("欧阳明供图", [("欧阳明", "photographer")]),
        ("航拍摄", []),
        ("拍摄", []),
    ],
)
def test_glued_photo_credit_needs_a_name(line: str, credits: list[tuple[str, str]]) -> None:
    """A photo credit word glued to a name is split off only when the rest reads as a person's name."""
    page = f"区政协开展视察活动\n本报讯 5月9日，区政协组织委员视察城市建设。\n\n图为委员在施工现场察看。\n{line}"
    got = [(h.entity.name, h.entity.role) for a in split_page(normalize(page)) for h in a.bylines]
    assert got == credits
