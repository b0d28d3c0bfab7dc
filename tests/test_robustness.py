"""Bad input gets a clear error or a correct result; noise does not change what is extracted."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zxextract
from zxextract.normalize import _t2s, normalize

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
QUOTES = str.maketrans({c: '"' for c in "“”‘’'"})


@pytest.fixture(scope="module")
def extractor() -> zxextract.Extractor:
    return zxextract.load(segmenter="char")  # same records as pkuseg (test_pipeline), faster


def comparable(s: str) -> str:
    """A surface form up to what normalization changes: characters mapped, quotes unified, whitespace gone."""
    ambiguous = _t2s()[1]  # a short fragment alone does not look traditional to the normalizer
    return "".join(ambiguous.get(c, c) for c in normalize(s).text if not c.isspace()).translate(QUOTES)


def entities(article: zxextract.Article) -> list:
    return [*article.bylines, *article.districts, *article.officials, *article.brands, *article.quantities, *article.dates, *article.documents]


def assert_spans_valid(raw: str, articles: list[zxextract.Article]) -> None:
    for article in articles:
        for start, end in article.spans:
            assert 0 <= start <= end <= len(raw)
        for entity in entities(article):
            start, end = entity.span
            assert 0 <= start < end <= len(raw)
            assert comparable(raw[start:end]) == comparable(entity.text), (entity, raw[start:end])


@pytest.mark.parametrize(("value", "kind"), [(None, "NoneType"), (42, "int"), (["大足区"], "list")])
def test_non_text_is_a_type_error_naming_the_type(extractor: zxextract.Extractor, value: object, kind: str) -> None:
    with pytest.raises(TypeError, match=kind):
        extractor.parse(value)  # type: ignore[arg-type]


def test_bytes_need_an_encoding(extractor: zxextract.Extractor) -> None:
    data = "大足区政协主席廖文丽率队调研。".encode("gb18030")
    with pytest.raises(TypeError, match="encoding="):
        extractor.parse(data)
    articles = extractor.parse(data, encoding="gb18030")
    assert [o.name for a in articles for o in a.officials] == ["廖文丽"]
    with pytest.raises(UnicodeDecodeError):
        extractor.parse(data, encoding="utf-8")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \u3000\n"])
def test_empty_pages_have_no_articles(extractor: zxextract.Extractor, text: str) -> None:
    assert extractor.parse(text) == []


def test_module_level_parse_checks_input_too() -> None:
    with pytest.raises(TypeError, match="NoneType"):
        zxextract.parse(None)  # type: ignore[arg-type]
    assert zxextract.parse("") == []


def test_control_characters_surrogates_and_emoji(extractor: zxextract.Extractor) -> None:
    raw = "本报讯\x00 近日，大足区\ud800政协主席廖文丽😀率队\x07调研，探获储量达3807万吨。"
    articles = extractor.parse(raw)
    assert_spans_valid(raw, articles)
    assert [d.code for d in articles[0].districts] == ["500111"]
    assert [(o.name, o.role) for o in articles[0].officials] == [("廖文丽", "主席")]
    assert [q.value for q in articles[0].quantities] == [38070000]
    articles[0].to_json()  # no lone surrogate reaches the records


def test_traditional_page_gives_simplified_records(extractor: zxextract.Extractor) -> None:
    raw = "本報訊 近日，重慶市大足區政協主席廖文麗率隊調研，提交《關於鍶礦開採的建議》。"
    articles = extractor.parse(raw)
    assert_spans_valid(raw, articles)
    assert [(d.name, d.level) for d in articles[0].districts] == [("重庆市", "province"), ("大足区", "county")]
    assert [(o.name, o.org) for o in articles[0].officials] == [("廖文丽", "大足区政协")]
    assert [d.title for d in articles[0].documents] == ["关于锶矿开采的建议"]


def test_full_width_and_half_width_mixed(extractor: zxextract.Extractor) -> None:
    raw = "本报讯 近日,永川区政协组织１２名委员调研，建议投入２.５亿元，占比９９％。"
    quantities = [(q.value, q.unit) for a in extractor.parse(raw) for q in a.quantities]
    assert quantities == [(12, "名"), (250000000, "元"), (99, "%")]


def test_very_long_line_and_large_page(extractor: zxextract.Extractor) -> None:
    page = SEEDS[0].read_text(encoding="utf-8")
    one_line = page.replace("\n", "")  # no line breaks at all
    huge = page * 25  # about 500 KB on one page
    for raw in (one_line, huge):
        articles = extractor.parse(raw)
        assert articles and sum(len(a.districts) for a in articles) > 0
        assert_spans_valid(raw, articles)


def test_results_are_deterministic(extractor: zxextract.Extractor) -> None:
    page = SEEDS[1].read_text(encoding="utf-8")
    assert extractor.parse(page, doc_id="x") == extractor.parse(page, doc_id="x")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_property_arbitrary_text_never_raises(extractor: zxextract.Extractor, raw: str) -> None:
    assert_spans_valid(raw, extractor.parse(raw))


ocr_text = st.lists(
    st.sampled_from(["大足区", "政协", "副主席", "舒茂全", "、", "曾葵", "委员", "3807", "万吨", "“", "”", '"', "，", "。",
                     "\n", " ", "(", ")", "《", "》", "建议", "本报讯", "12月", "19日", "——", "□", "通讯员", "江北", "渝事好商量"]),
    max_size=60,
).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ocr_text)
def test_property_ocr_like_text_spans_match(extractor: zxextract.Extractor, raw: str) -> None:
    articles = extractor.parse(raw)
    assert_spans_valid(raw, articles)
    assert extractor.parse(raw) == articles


CJK_PAIR = regex.compile(r"(?<=[\p{Han}])(?=[\p{Han}])")


def with_noise(page: str, seed: int, spaces: bool) -> str:
    """OCR-style noise: column wraps inside running text (after a line's first clause mark), and
    with ``spaces`` also spaces between CJK characters anywhere and straight quotes."""
    rng = random.Random(seed)
    lines = []
    for line in page.split("\n"):
        first_clause = regex.search(r"[，,、；;]", line)
        cuts = [m.start() for m in CJK_PAIR.finditer(line)]
        out, last = [], 0
        for cut in sorted(rng.sample(cuts, min(len(cuts), 6))):
            wrap = first_clause is not None and cut > first_clause.end() + 1 and rng.random() < 0.5
            if wrap or spaces:
                out.append(line[last:cut])
                out.append("\n" if wrap else " ")
                last = cut
        out.append(line[last:])
        lines.append("".join(out))
    noisy = "\n".join(lines)
    return noisy.replace("“", '"').replace("”", '"') if spaces else noisy


def essence(articles: list[zxextract.Article]) -> dict[str, list]:
    return {
        "districts": sorted(d.code or d.name for a in articles for d in a.districts),
        "officials": sorted((o.name, o.role, o.org or "") for a in articles for o in a.officials),
        "quantities": sorted((q.value or 0, q.unit) for a in articles for q in a.quantities),
    }


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_heavy_noise_never_breaks_spans(extractor: zxextract.Extractor, seed: Path) -> None:
    page = seed.read_text(encoding="utf-8")
    for noise_seed in range(2):
        noisy = with_noise(page, noise_seed, spaces=True)
        articles = extractor.parse(noisy)
        assert articles
        assert_spans_valid(noisy, articles)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_column_wraps_leave_districts_officials_quantities_unchanged(extractor: zxextract.Extractor, seed: Path) -> None:
    page = seed.read_text(encoding="utf-8")
    clean = essence(extractor.parse(page))
    for noise_seed in range(3):
        noisy = with_noise(page, noise_seed, spaces=False)
        articles = extractor.parse(noisy)
        assert_spans_valid(noisy, articles)
        assert essence(articles) == clean


# --- Extractor.pipe: spaCy's shapes, and a clear TypeError for any other --------------------------


PIPE_PAGES = ["本报讯 大足区政协委员杨雨调研。", "本报讯 梁平区政协召开会议。"]


def test_pipe_takes_texts_and_yields_their_articles_in_order(extractor: zxextract.Extractor) -> None:
    expected = [extractor.parse(text) for text in PIPE_PAGES]
    assert list(extractor.pipe(PIPE_PAGES)) == expected
    assert list(extractor.pipe(iter(PIPE_PAGES), n_process=2, batch_size=1)) == expected


def test_pipe_as_tuples_passes_the_context_back_and_a_str_context_is_the_doc_id(extractor: zxextract.Extractor) -> None:
    pairs = [(PIPE_PAGES[0], "one.txt"), (PIPE_PAGES[1], {"row": 7})]
    (first, one), (second, row) = extractor.pipe(pairs, as_tuples=True)
    assert (one, row) == ("one.txt", {"row": 7})
    assert first == extractor.parse(PIPE_PAGES[0], doc_id="one.txt") and {a.doc_id for a in second} == {"<string>"}
    assert list(extractor.pipe_pages([("one.txt", PIPE_PAGES[0])])) == [("one.txt", first)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: e.pipe([("a.txt", "本报讯")]), r"pipe\(\) takes texts, not a tuple of 2"),
        (lambda e: e.pipe(["本报讯"], as_tuples=True), r"pipe\(as_tuples=True\) takes \(text, context\) pairs, not str"),
        (lambda e: e.pipe([("本报讯", "a", "b")], as_tuples=True), "not a tuple of 3"),
        (lambda e: e.pipe([42]), "takes str, not int"),
        (lambda e: e.pipe_pages(["ab"]), r"pipe_pages\(\) takes \(doc_id, text\) pairs, not str"),
    ],
    ids=["pair-without-as_tuples", "text-with-as_tuples", "triple", "int", "two-character-string"],
)
def test_pipe_refuses_the_wrong_shape(extractor: zxextract.Extractor, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=message):
        list(call(extractor))
