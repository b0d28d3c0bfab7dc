"""The packaged spaCy pipeline: same records however it is loaded, saved or segmented."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import zxextract
from zxextract.assemble import build_articles
from zxextract.components import ARTICLES_KEY, PIPE_NAMES
from zxextract.extractor import pipeline_path
from zxextract.render import render_doc

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
ENTITY_KEYS = ("zx_districts", "zx_officials", "zx_brands", "zx_quantities", "zx_dates", "zx_documents")


@pytest.fixture(scope="module")
def pkuseg() -> zxextract.Extractor:
    return zxextract.load()


@pytest.fixture(scope="module")
def char() -> zxextract.Extractor:
    return zxextract.load(segmenter="char")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEEDS}


def test_packaged_pipeline_has_every_component_and_the_pkuseg_model() -> None:
    path = pipeline_path()
    nlp = spacy.load(path)
    assert nlp.pipe_names == PIPE_NAMES
    assert nlp.tokenizer.segmenter == "pkuseg"
    assert (path / "tokenizer" / "pkuseg_model").is_dir()
    assert nlp.meta["version"] == zxextract.__version__


def test_spacy_load_gives_the_records_of_parse(pages: dict[str, str]) -> None:
    nlp = spacy.load(pipeline_path())
    for name, text in pages.items():
        assert build_articles(nlp(text), name) == zxextract.parse(text, doc_id=name)


def test_to_disk_round_trip_preserves_records(tmp_path: Path, pkuseg: zxextract.Extractor, pages: dict[str, str]) -> None:
    pkuseg.nlp.to_disk(tmp_path / "copy")
    again = zxextract.load(path=tmp_path / "copy")
    for name, text in pages.items():
        assert again.parse(text, doc_id=name) == pkuseg.parse(text, doc_id=name)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_char_segmenter_gives_identical_records(seed: Path, pkuseg: zxextract.Extractor, char: zxextract.Extractor) -> None:
    text = seed.read_text(encoding="utf-8")
    assert char.parse(text, doc_id=seed.name) == pkuseg.parse(text, doc_id=seed.name)


def test_pkuseg_segments_words_not_characters(pkuseg: zxextract.Extractor) -> None:
    doc = pkuseg.nlp("大足区政协组织委员开展专题协商调研。")
    assert len(doc) < len(doc.text) * 0.7
    assert "大足区" in [t.text for t in doc]  # gazetteer names are in the user dictionary


@pytest.mark.parametrize("mode", ["pkuseg", "char"])
def test_entities_are_exact_token_spans(mode: str, pkuseg: zxextract.Extractor, char: zxextract.Extractor, pages: dict[str, str]) -> None:
    nlp = (pkuseg if mode == "pkuseg" else char).nlp
    doc = nlp(pages[SEEDS[0].name])
    spans = [s for key in ENTITY_KEYS for s in doc.spans[key]]
    assert len(spans) > 50
    for span in spans:
        aligned = doc.char_span(span.start_char, span.end_char, alignment_mode="strict")
        assert aligned is not None and (aligned.start, aligned.end) == (span.start, span.end)
        assert span._.zx is not None and span._.zx_article is not None
    assert {e.label_ for e in doc.ents} >= {"DISTRICT", "OFFICIAL", "QUANTITY", "DATE", "DOCUMENT", "BRAND", "CREDIT"}


def test_overlapping_bindings_keep_their_own_fields(pkuseg: zxextract.Extractor) -> None:
    doc = pkuseg.nlp("本报讯 区委常委、常务副区长章榕出席会议，北碚区政协主席董伦讲话。")
    roles = sorted((s._.zx["name"], s._.zx["role"]) for s in doc.spans["zx_officials"])
    assert ("章榕", "常务副区长") in roles and ("章榕", "常委") in roles


def test_components_work_in_a_blank_chinese_pipeline() -> None:
    nlp = spacy.blank("zh")
    nlp.add_pipe("zx_districts")
    nlp.add_pipe("zx_quantities")
    doc = nlp("大足区锶矿探获储量达3807万吨。")
    assert [(s.text, s._.zx["code"]) for s in doc.spans["zx_districts"]] == [("大足区", "500111")]
    assert [(s.text, s._.zx["value"], s._.zx["unit"]) for s in doc.spans["zx_quantities"]] == [("达3807万吨", 38070000, "吨")]
    assert ARTICLES_KEY not in doc.spans


def test_rules_added_to_a_component_survive_to_disk(tmp_path: Path) -> None:
    nlp = spacy.blank("zh")
    districts = nlp.add_pipe("zx_districts")
    districts.add([{"type": "district", "name": "云湖区", "code": "509901", "level": "county", "province": "重庆市", "short": ["云湖"]}])
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    doc = loaded("云湖区政协召开会议。")
    assert [s._.zx["code"] for s in doc.spans["zx_districts"]] == ["509901"]


def test_render_shows_articles_and_entities(pkuseg: zxextract.Extractor, pages: dict[str, str]) -> None:
    html = render_doc(pkuseg.nlp(pages[SEEDS[0].name]))
    assert html.startswith("<!DOCTYPE html>")
    assert "“工业味精”为经济发展“提味增鲜”" in html
    assert html.count("DISTRICT") >= 10 and "OFFICIAL" in html and "#8 continuation" in html


def test_render_command_writes_an_html_page(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from zxextract.cli import main

    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["render", str(SEEDS[4]), "-o", str(out), "--segmenter", "char"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "用脚步丈量民情 用实干诠释担当" in html and "DISTRICT" in html and "OFFICIAL" in html
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\x00\x01\x02")
    result = CliRunner().invoke(main, ["render", str(bad), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "binary" in result.output and not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("name", [n for n in PIPE_NAMES if n != "zx_layout"])
def test_packaged_pipeline_reads_the_rule_files_at_load(name: str) -> None:
    """models/ stores only rows added on top of src/zxextract/rules (none), so an edited rules file needs no rebuild."""
    assert (pipeline_path() / name / "rules.jsonl").read_text(encoding="utf-8") == ""
    packaged = spacy.load(pipeline_path()).get_pipe(name)
    assert packaged.finder.to_rows() == packaged.finder_class.default().to_rows()


def test_article_without_a_district_takes_the_page_province(char: zxextract.Extractor) -> None:
    page = (
        "大足：视察锶盐产业园\n\n本报讯 近日，大足区政协组织委员视察锶盐产业园。(彭勇)\n\n"
        "(上接1版)\n\n“信心更足了。”市政协委员、华夏银行重庆分行行长朱永利说。\n"
    )
    articles = char.parse(page)
    assert [(o.name, o.role, o.org) for o in articles[-1].officials][:1] == [("朱永利", "委员", "重庆市政协")]
    assert [d for d in articles[-1].districts if d.level in ("county", "zone")] == []  # context, not a mention


def test_alignment_matches_spacys_and_the_char_segmenter(pages: dict[str, str], pkuseg: zxextract.Extractor) -> None:
    from spacy.lang.zh import ChineseTokenizer, Segmenter
    from spacy.util import get_words_and_spaces

    from zxextract.normalize import normalize
    from zxextract.tokenizer import NormalizingTokenizer, align

    vocab = spacy.blank("zh").vocab
    ours, reference = NormalizingTokenizer(vocab, "char"), ChineseTokenizer(vocab, Segmenter.char)
    texts = [normalize(t).text for t in pages.values()] + [normalize("CEO 等 Windows 10\n大足 区 a b").text]
    for text in texts:
        assert [(t.text, t.whitespace_) for t in ours(text)] == [(t.text, t.whitespace_) for t in reference(text)]
        words = pkuseg.nlp.tokenizer.inner.pkuseg_seg.cut(text)
        assert align(words, text) == get_words_and_spaces(words, text)


def test_many_entity_spans_on_one_page(pkuseg: zxextract.Extractor) -> None:
    """Hundreds of spans in one group, with token splits: ids stay unique and anchors survive."""
    names = [s + a + b for s in "王李张刘陈杨赵黄周吴" for a in "明华国强文平军建" for b in "明华国强文平军建"][:600]
    page = "。".join(f"大足区政协副主席{name}出席，储量达{i}万吨" for i, name in enumerate(names)) + "。"
    articles = pkuseg.parse(page)
    assert sum(len(a.quantities) for a in articles) == 600
    assert sum(len(a.officials) for a in articles) == 600


def test_rebuilding_the_doc_gives_the_records_of_splitting_in_place(
    monkeypatch: pytest.MonkeyPatch, pkuseg: zxextract.Extractor, pages: dict[str, str]
) -> None:
    expected = {name: pkuseg.parse(text, doc_id=name) for name, text in pages.items()}
    monkeypatch.setattr("zxextract.spans._REBUILD_ABOVE", 0)  # always rebuild
    assert {name: pkuseg.parse(text, doc_id=name) for name, text in pages.items()} == expected
    assert dict(pkuseg.pipe_pages(pages.items())) == expected  # a rebuilt Doc keeps pipe's context: the doc_id


def test_pipe_with_two_processes_gives_the_records_of_one(pages: dict[str, str]) -> None:
    char = zxextract.load(segmenter="char")
    char.add_brands([{"name": "云端议事厅", "kind": "platform"}])  # added rules must reach the workers
    items = [*pages.items(), ("extra", "本报讯 大足区政协用好云端议事厅平台。")]
    one = list(char.pipe_pages(items, n_process=1))
    two = list(char.pipe_pages(iter(items), n_process=2, batch_size=1))
    assert two == one
    assert [b.name for b in one[-1][1][0].brands] == ["云端议事厅"]


def test_rules_survive_to_bytes_and_pickling() -> None:
    import pickle

    nlp = spacy.blank("zh")
    nlp.add_pipe("zx_brands").add([{"type": "brand", "name": "云端议事厅", "kind": "platform"}])
    again = spacy.blank("zh")
    again.add_pipe("zx_brands")
    again.from_bytes(nlp.to_bytes())
    for copy in (again, pickle.loads(pickle.dumps(nlp))):
        doc = copy("大足区政协用好云端议事厅平台。")
        assert [s._.zx["name"] for s in doc.spans["zx_brands"]] == ["云端议事厅"]


def test_the_first_page_freezes_the_pipeline_out_of_the_collectors_reach_only_when_asked() -> None:
    import gc

    page = "本报讯 大足区政协召开会议。"
    gc.unfreeze()
    try:
        zxextract.load(segmenter="char").parse(page)  # a library caller's process is left alone by default
        assert gc.get_freeze_count() == 0
        frozen = zxextract.load(segmenter="char", freeze_gc=True)
        assert gc.get_freeze_count() == 0  # not at load: the first page builds lazy tables that belong frozen too
        frozen.parse(page)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_assembly_reads_the_spans_keys_the_components_were_configured_with() -> None:
    from zxextract.assemble import build_articles

    nlp = spacy.load(pipeline_path(), config={"components": {"zx_brands": {"spans_key": "my_brands"}}})
    doc = nlp("本报讯 大足区政协用好“渝事好商量”协商平台。")
    assert "my_brands" in doc.spans and "zx_brands" not in doc.spans
    assert [b.name for a in build_articles(doc, "x") for b in a.brands] == ["渝事好商量"]


def test_the_packaged_pipeline_is_built_from_the_current_rules(tmp_path: Path) -> None:
    """models/zxextract_zh holds a user dictionary made from the rules: rebuild it after changing them
    (python scripts/build_pipeline.py), or entity names stop being single tokens."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "zxextract_zh"
    subprocess.run([sys.executable, str(root / "scripts" / "build_pipeline.py"), "--out", str(out)], check=True, capture_output=True)
    packaged = root / "models" / "zxextract_zh"
    for name in ("config.cfg", "tokenizer/pkuseg_processors"):
        assert (out / name).read_bytes() == (packaged / name).read_bytes(), f"{name}: run python scripts/build_pipeline.py"
