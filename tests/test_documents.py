"""DocumentFinder: 《》 titles and their kinds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zxextract.documents import DocumentFinder
from zxextract.normalize import normalize

ROOT = Path(__file__).parent.parent
FINDER = DocumentFinder()


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("关于解决矿山生态环境保护问题的建议", "proposal"),
        ("关于加快开通秀山至峨溶公交车线路的提案", "proposal"),
        ("大足区推进锶产业链优化提升工作方案", "plan"),
        ("锶盐产业高质量发展五年行动计划", "plan"),
        ("重庆市国土空间总体规划", "plan"),
        ("农村留守儿童教育现状调研报告", "report"),
        ("关于制定十五五规划的建议", "proposal"),  # the last keyword decides
        ("关于落实调研报告的工作方案", "plan"),
        ("锶潮涌动中国锶产业的科学与技术", "other"),
    ],
)
def test_kinds(title: str, kind: str) -> None:
    (hit,) = FINDER.find(f"提交了《{title}》。")
    assert (hit.entity.title, hit.entity.kind) == (title, kind)


def test_whitespace_removed_and_offsets() -> None:
    text = "形成《农村留 守儿童\u3000教育现状调研报告》等3份"
    (hit,) = FINDER.find(text)
    assert hit.entity.title == "农村留守儿童教育现状调研报告"
    assert (hit.start, hit.end) == (2, 20)
    assert hit.entity.text == text[hit.start : hit.end]


def test_repeats_and_order() -> None:
    text = "《甲方案》和《乙报告》，再提《甲方案》"
    assert [h.entity.title for h in FINDER.find(text)] == ["甲方案", "乙报告", "甲方案"]


def test_nested_angle_brackets_stay_in_the_title() -> None:
    (hit,) = FINDER.find("《关于修改〈重庆市物业管理条例〉的建议》")
    assert hit.entity.title == "关于修改〈重庆市物业管理条例〉的建议"
    assert hit.entity.kind == "proposal"


@pytest.mark.parametrize("text", ["《关于加快开通秀\n山至峨溶》", "《》", "《未闭合的标题", "书名号》在前《"])
def test_not_documents(text: str) -> None:
    assert FINDER.find(text) == []


def test_kind_rows() -> None:
    finder = DocumentFinder.from_rows([{"type": "document", "keyword": "条例", "kind": "regulation"}])
    assert [h.entity.kind for h in finder.find("《物业管理条例》《工作方案》")] == ["regulation", "other"]
    assert finder.to_rows() == [{"type": "document", "keyword": "条例", "kind": "regulation"}]
    assert DocumentFinder.from_rows(FINDER.to_rows()).to_rows() == FINDER.to_rows()


def test_add_overrides_a_kind() -> None:
    finder = DocumentFinder.default()
    finder.add([{"keyword": "建议", "kind": "advice"}])
    assert finder.kind("关于加快发展的建议") == "advice"
    assert FINDER.kind("关于加快发展的建议") == "proposal"


@pytest.mark.parametrize("row", [{"keyword": "", "kind": "plan"}, {"keyword": "纲要"}])
def test_bad_rows_are_rejected(row: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        DocumentFinder.from_rows([row])


def test_seed_pages_against_gold() -> None:
    """Every gold title is found and nothing else, page by page."""
    for gold_file in sorted((ROOT / "tests" / "data" / "gold").glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        text = normalize((ROOT / "seeds" / gold["doc_id"]).read_text(encoding="utf-8")).text
        expected = {"".join(t.split()) for a in gold["articles"] for t in a["documents"]}
        assert {h.entity.title for h in FINDER.find(text)} == expected, gold["doc_id"]


def test_rule_name() -> None:
    (hit,) = DocumentFinder.default().find("审议通过《关于加强基层协商的实施方案》")
    assert (hit.entity.title, hit.entity.kind, hit.entity.rule) == ("关于加强基层协商的实施方案", "plan", "document:title")
