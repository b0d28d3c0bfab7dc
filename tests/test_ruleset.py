"""Rules files and rows: validated at load, errors that say file:line: key: reason."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import regex

import zxextract
from zxextract.ruleset import RulesError, alternation, packaged_table


@pytest.fixture(scope="module")
def extractor() -> zxextract.Extractor:
    return zxextract.load(segmenter="char")


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_rules_file_with_comments_loads_from_one_path(tmp_path: Path) -> None:
    rules = write(
        tmp_path / "my.jsonl",
        "# brands our team tracks",
        json.dumps({"type": "brand", "name": "云端议事厅", "kind": "platform"}, ensure_ascii=False),
        "",
        "  # indented comment",
    )
    for given in (rules, str(rules), [rules]):
        extractor = zxextract.load(rules=given, segmenter="char")
        (article,) = extractor.parse("本报讯 大足区政协用好云端议事厅平台。")
        assert [b.name for b in article.brands] == ["云端议事厅"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"type": "district", "name": 123, "level": "county", "province": "重庆市"}, ":2: name: Input should be a valid string"),
        ({"type": "district", "name": "云湖区", "level": "city", "province": "重庆市"}, ":2: level: Input should be"),
        ({"type": "district", "name": "云湖区", "level": "county"}, ":2: province: Field required"),
        ({"type": "district", "name": "云湖区", "level": "county", "province": "重庆市", "code": "5099"}, ":2: code: String should match"),
        ({"type": "brand", "name": "x", "kind": "party"}, ":2: kind: Input should be"),
        ({"type": "brand", "kind": "platform"}, "exactly one of name, noun, verb, blocker"),
        ({"type": "unit", "surface": "头"}, ":2: unit: Field required"),
        ({"type": "date", "word": "大前年", "years": "-3"}, ":2: years: Input should be a valid integer"),
        ({"type": "document", "keyword": "条例", "kind": "regulation"}, ":2: kind: Input should be"),
        ({"type": "official", "table": "titles", "word": "x"}, ":2: table: Input should be"),
        ({"type": "official", "table": "positions", "word": 1}, "word must be a string"),
        ({"type": "brnad", "name": "x"}, ":2: type: unknown rule type 'brnad'"),
        ({"name": "x"}, ":2: type: required"),
        ({"type": "unit", "surface": "头", "unit": "头", "colour": "red"}, ":2: colour: Extra inputs are not permitted"),
    ],
)
def test_a_bad_row_is_refused_with_file_line_key_and_reason(tmp_path: Path, row: dict, message: str, extractor: zxextract.Extractor) -> None:
    rules = write(tmp_path / "bad.jsonl", "# one bad row", json.dumps(row, ensure_ascii=False))
    with pytest.raises(RulesError) as error:
        zxextract.load(rules=rules, segmenter="char")
    assert str(error.value).startswith(f"{rules}:2: ") and message in str(error.value)
    with pytest.raises(RulesError):  # the same check for rows added in code
        extractor.add_rules([row])


def test_not_json_and_not_an_object_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match=r"bad.jsonl:1: row: not JSON"):
        zxextract.load(rules=write(tmp_path / "bad.jsonl", "{type: brand}"), segmenter="char")
    with pytest.raises(RulesError, match=r"list.jsonl:1: a rule is a JSON object"):
        zxextract.load(rules=write(tmp_path / "list.jsonl", "[1, 2]"), segmenter="char")
    with pytest.raises(RulesError, match="cannot read rules"):
        zxextract.load(rules=tmp_path / "missing.jsonl", segmenter="char")


def test_a_refused_row_changes_nothing(extractor: zxextract.Extractor) -> None:
    good = {"type": "brand", "name": "云端议事厅二号", "kind": "platform"}
    with pytest.raises(RulesError):
        extractor.add_rules([good, {"type": "brand", "name": "x", "kind": "party"}])
    (article,) = extractor.parse("本报讯 大足区政协用好云端议事厅二号平台。")
    assert "云端议事厅二号" not in [b.name for b in article.brands]


def test_packaged_tables_validate_and_name_their_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = packaged_table("document_kinds.tsv")
    assert {"keyword": "提案", "kind": "proposal"} in rows
    from zxextract import ruleset

    monkeypatch.setattr(ruleset, "_packaged_lines", lambda name: ((1, "word\tkind\twhy"), (3, "a\tb\tc\td")))
    with pytest.raises(RulesError, match=r"rules/x.tsv:3: row: 4 cells for 3 columns"):
        packaged_table("x.tsv")
    monkeypatch.setattr(ruleset, "_packaged_lines", lambda name: ((1, "word\tkind\twhy"), (2, "a\tb\tbecause")))
    assert packaged_table("x.tsv") == ({"word": "a", "kind": "b"},)  # why is documentation


def test_alternation_tries_the_longest_word_first_ties_in_a_stable_order_each_word_once() -> None:
    assert alternation(["工作室", "委员工作室", "平台", "工作室", "之家"]) == "委员工作室|工作室|之家|平台"
    assert alternation([]) == ""


def test_alternation_escapes_literals_the_same_way_for_re_and_regex() -> None:
    words = ["a+b", "(注)", "1.5", "委员会"]
    text = "a+b 与 (注) 和 1x5、1.5 及委员会"
    expected = ["a+b", "(注)", "1.5", "委员会"]
    assert re.findall(alternation(words), text) == expected
    assert regex.findall(alternation(words), text) == expected
    assert alternation([r"\d+", "年"], escape=False) == r"\d+|年"


def test_a_short_row_reads_as_empty_cells_and_a_model_names_the_bad_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    from zxextract import ruleset

    monkeypatch.setattr(ruleset, "_packaged_lines", lambda name: ((1, "component\tname\tvalue\tmoves\twhy"), (4, "layout\tx")))
    assert packaged_table("x.tsv") == ({"component": "layout", "name": "x", "value": "", "moves": ""},)
    with pytest.raises(RulesError, match=r"rules/x.tsv:4: value: String should match pattern"):
        packaged_table("x.tsv", ruleset.LimitRow)


def test_the_rules_folder_can_be_a_changed_copy(tmp_path: Path) -> None:
    """$ZXEXTRACT_RULES_DIR: a fresh process reads the copy (the threshold test relies on it)."""
    import shutil
    import subprocess
    import sys

    from zxextract import ruleset

    copy = tmp_path / "rules"
    shutil.copytree(Path(ruleset.__file__).parent / "rules", copy)
    limits = (copy / "limits.tsv").read_text(encoding="utf-8").replace("brands\tmax_name\t25\t", "brands\tmax_name\t7\t")
    (copy / "limits.tsv").write_text(limits, encoding="utf-8")
    code = "from zxextract.ruleset import limits; print(limits('brands')['max_name'])"
    env = {**os.environ, "ZXEXTRACT_RULES_DIR": str(copy)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "7"
    assert ruleset.limits("brands")["max_name"] == 25  # this process reads the package's own
