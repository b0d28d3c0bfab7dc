"""Normalization: the OCR repairs it promises, exact offsets back to the raw input, idempotence."""

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from zxextract.normalize import _DROPPED, _mapping, _table, code_points, normalize

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))


def squeeze(s: str) -> str:
    return "".join(s.split())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("大渡 口区政协", "大渡口区政协"),  # column-wrap space inside a name
        ("典 型 社 区", "典型社区"),  # spaced-out justified line
        ("储量 18 万吨", "储量18万吨"),  # digit and unit stay a pair
        ("12 月 18 日", "12月18日"),
        ("Windows 10 和 CEO 等", "Windows 10和CEO等"),  # one space only between ASCII words
        ("重慶市政協 區政協主席", "重庆市政协区政协主席"),  # traditional → simplified
        ("２０２３年１２％", "2023年12%"),  # full-width digits
        ("渝事好商量•义渡360・平台", "渝事好商量·义渡360·平台"),
        ('打造"五千行动"品牌', "打造“五千行动”品牌"),
        ("「马上就办」", "“马上就办”"),
        ("a\u200bb\x00c", "abc"),  # zero-width and control characters dropped
    ],
)
def test_character_and_space_repairs(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_line_break_inside_running_text_is_joined() -> None:
    raw = "他说，要加快推进矿山智能化建设进\n\n程等建议。\n助力锶矿开采规范有序\n大足是全国知名的锶矿之都。"
    assert normalize(raw).text == "他说，要加快推进矿山智能化建设进程等建议。\n助力锶矿开采规范有序\n大足是全国知名的锶矿之都。"


def test_name_broken_across_lines_is_joined() -> None:
    assert normalize("会上，南川区政协副主席舒\n茂全、曾葵出席。").text == "会上，南川区政协副主席舒茂全、曾葵出席。"


@pytest.mark.parametrize("opener", ["——渝北区政协开展专题协商小记", "□ 通讯员 彭勇", "本报讯 近日，梁平区政协组织"])
def test_block_openers_start_a_new_paragraph(opener: str) -> None:
    text = normalize(f"正在推进，积\n{opener}").text
    assert text.split("\n")[1] == squeeze(opener)


def test_headline_lines_stay_separate() -> None:
    raw = "永川：智“汇”新材料产业集群发展\n\n本报讯(记者 高吕艳杏)近日，永川区政协开展协商。"
    assert normalize(raw).text.split("\n")[0] == "永川：智“汇”新材料产业集群发展"


def test_straight_quotes_follow_curly_state() -> None:
    assert normalize('“一室"联系"一界”').text == "“一室”联系“一界”"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_offsets_point_into_raw_input(seed: Path) -> None:
    raw = seed.read_text(encoding="utf-8")
    norm = normalize(raw)
    assert len(norm.offsets) == len(norm.text)
    assert list(norm.offsets) == sorted(norm.offsets)
    for start in range(0, len(norm.text), 97):
        end = min(len(norm.text), start + 13)
        piece = norm.text[start:end]
        behind = norm.raw_text(start, end)
        assert len(squeeze(behind)) >= len(squeeze(piece))
    for i, ch in enumerate(norm.text):
        if ch.isdigit() or "\u4e00" <= ch <= "\u9fff":
            assert normalize(raw[norm.offsets[i]]).text in (ch, "")


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_normalization_is_idempotent(seed: Path) -> None:
    once = normalize(seed.read_text(encoding="utf-8")).text
    assert normalize(once).text == once


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="bytes"):
        normalize(b"\xe5\xa4\xa7")  # type: ignore[arg-type]


ocr_text = st.text(alphabet=st.sampled_from(list("大足区政协委员主席，。、“”\"' \n\t12万吨ab·•重慶區")), max_size=80)


@settings(max_examples=300, deadline=None)
@given(ocr_text)
def test_property_idempotent_and_maps_back(raw: str) -> None:
    norm = normalize(raw)
    assert normalize(norm.text).text == norm.text
    assert all(0 <= o < len(raw) for o in norm.offsets)
    assert list(norm.offsets) == sorted(set(norm.offsets))
    for i, ch in enumerate(norm.text):
        source = raw[norm.offsets[i]]
        assert ch == source or ch in " \n“”‘’·" or normalize(source).text == ch


@pytest.mark.parametrize(
    "raw",
    [
        "“秀山县城至峨溶公交线路全长 45 公\n\n里，通行时间约 1 小时。",  # open quotation
        "全长 45 公\n\n里，通行时间约 1 小时。",  # next line opens on a one-character clause
    ],
)
def test_break_inside_a_word_without_clause_punctuation_is_joined(raw: str) -> None:
    assert "45公里" in normalize(raw).text


def test_closing_credit_ends_a_paragraph() -> None:
    raw = "建议，要盘活资产质效。(冉洵)\n\n彭水：建言有效盘活国有资产\n\n本报讯 近日，彭水县政协组织调研。"
    assert normalize(raw).text.split("\n")[:2] == ["建议，要盘活资产质效。(冉洵)", "彭水：建言有效盘活国有资产"]


def test_column_label_after_a_truncated_line_is_not_joined() -> None:
    raw = "同时，强化跟踪问效机制，共同守护祖国的未来\n\n区县快递\n\n黔江：关注精神障碍康复融合行动"
    assert normalize(raw).text.split("\n") == ["同时，强化跟踪问效机制，共同守护祖国的未来", "区县快递", "黔江：关注精神障碍康复融合行动"]


def test_narrow_column_lines_without_punctuation_are_joined() -> None:
    raw = "11月21日，巴\n南区政协组织民革\n界别政协委员走进\n合作社。"
    assert normalize(raw).text == "11月21日，巴南区政协组织民革界别政协委员走进合作社。"


def test_ambiguous_traditional_characters_convert_only_on_traditional_pages() -> None:
    assert normalize("關於鍶礦開採的建議").text == "关于锶矿开采的建议"
    assert normalize("於先生在大足区政协工作，负责委员联络。").text.startswith("於先生")


def test_photo_credit_after_a_caption_is_not_joined() -> None:
    raw = "近日，巴南区政协组织开展消防安全教育，为孩子们送上一堂“必修课”\n旷灵芝 冯文涛 摄\n合川区政协开展专题协商"
    assert normalize(raw).text.split("\n")[1:] == ["旷灵芝冯文涛摄", "合川区政协开展专题协商"]


@pytest.mark.parametrize("traditional", [False, True])
def test_character_mapping_is_the_table_then_deletion_on_every_code_point(traditional: bool) -> None:
    # The numpy mapping must equal the rules it compiles: str.translate with the table,
    # then every control, format, surrogate, private-use or unassigned character but "\n" dropped.
    every = "".join(map(chr, range(0x110000)))
    expected = regex.sub(r"(?!\n)[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]", _DROPPED, every.translate(_table(traditional)))
    assert _mapping(traditional)[code_points(every)].tobytes().decode("utf-32-le") == expected


def test_pinyin_after_characters_is_dropped_and_offsets_stay_raw() -> None:
    """Some converted web pages print a pronunciation after characters (``區(qū)政協(xié)``)."""
    norm = normalize("區(qū)政協(xié)委員")
    assert norm.text == "区政协委员"
    assert list(norm.offsets) == [0, 5, 6, 12, 13]
    assert normalize("按照GDP(gdp)增长(a)5%").text == "按照GDP(gdp)增长(a)5%"  # no tone mark: no pinyin
