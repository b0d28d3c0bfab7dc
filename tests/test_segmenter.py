"""The numpy pkuseg segmenter gives spacy-pkuseg's words exactly, and the char tokens spaCy's."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zxextract
from zxextract.normalize import normalize
from zxextract.segmenter import BLOCK, MAX_PIECE, FastPkuseg, bounded_pieces
from zxextract.tokenizer import align, char_tokens

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
SEED_TEXT = "".join(path.read_text(encoding="utf-8") for path in SEEDS)
# Seed characters plus what pkuseg treats specially: digits and letters (folded into classes),
# its keyword characters (renamed), whitespace of several kinds, a lone surrogate, the last plane's first code point.
ALPHABET = sorted(
    set(SEED_TEXT) | set("0123456789.二十百万ＡａZz-._,|/*:") | {" ", "\n", "\u3000", "\t", "\ud800", "\U00100000"}
)


@pytest.fixture(scope="module")
def pkuseg_model():
    """The packaged pipeline's spacy_pkuseg instance and our segmenter over it."""
    seg = zxextract.load().nlp.tokenizer.inner.pkuseg_seg
    return seg, FastPkuseg(seg)


def test_seed_pages_cut_as_spacy_pkuseg_cuts_them(pkuseg_model) -> None:
    seg, fast = pkuseg_model
    for path in SEEDS:
        raw = path.read_text(encoding="utf-8")
        for text in (raw, normalize(raw).text):
            assert fast.cut(text) == seg.cut(text), path.name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=120))
def test_any_text_cuts_as_spacy_pkuseg_cuts_it(pkuseg_model, text: str) -> None:
    seg, fast = pkuseg_model
    assert fast.cut(text) == seg.cut(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(SEED_TEXT)), st.integers(1, 400))
def test_seed_excerpts_cut_as_spacy_pkuseg_cuts_them(pkuseg_model, start: int, length: int) -> None:
    seg, fast = pkuseg_model
    text = SEED_TEXT[start : start + length]
    assert fast.cut(text) == seg.cut(text)


def test_user_dictionary_words_stay_whole(pkuseg_model) -> None:
    seg, fast = pkuseg_model
    text = "他在梁平区金带街道调研"
    words = fast.cut(text)
    assert words == seg.cut(text) and "梁平区" in words


def test_empty_and_whitespace_only_text_has_no_words(pkuseg_model) -> None:
    _, fast = pkuseg_model
    assert fast.cut("") == fast.cut(" \n\u3000") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="大足区 \n\t\u3000\u00a0aZ1", max_size=60))
def test_char_tokens_are_the_alignment_of_every_character(text: str) -> None:
    assert char_tokens(text) == align(text, text)


def test_characters_past_the_bmp_keep_their_own_features(pkuseg_model) -> None:
    """Class nodes ("**Num") get codes past Unicode, so no real character shares their features."""
    seg, fast = pkuseg_model
    text = "增长\U00100000个百分点，达到\U00100000\U00100000万吨，同比增长12%"
    assert fast.cut(text) == seg.cut(text)


DEV2 = Path(__file__).resolve().parents[1].parent / "shared" / "dev2" / "texts"


def test_a_long_paragraph_without_whitespace_cuts_as_spacy_pkuseg_cuts_it(pkuseg_model) -> None:
    """Pieces past MAX_PIECE are cut after punctuation: on real text the words stay those of the whole piece."""
    seg, fast = pkuseg_model
    paragraph = "".join(normalize(SEED_TEXT).text.split())
    assert len(paragraph) > 10 * MAX_PIECE
    assert fast.cut(paragraph) == seg.cut(paragraph)


def test_dev2_pages_cut_as_spacy_pkuseg_cuts_them(pkuseg_model) -> None:
    if not DEV2.is_dir():
        pytest.skip("no dev2 pages beside the repository")
    seg, fast = pkuseg_model
    for path in sorted(DEV2.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        assert fast.cut(text) == seg.cut(text), path.name
        joined = "".join(text.split())
        assert fast.cut(joined) == seg.cut(joined), path.name


def test_a_long_run_is_scored_in_bounded_blocks(pkuseg_model, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wall of digits or base64 is one piece for pkuseg; scoring it whole took ~2 KB per character."""
    _, fast = pkuseg_model
    sizes: list[int] = []
    scored = FastPkuseg._segment_block

    def recording(self: FastPkuseg, pieces: list[str]):  # type: ignore[no-untyped-def]
        sizes.append(sum(map(len, pieces)))
        return scored(self, pieces)

    monkeypatch.setattr(FastPkuseg, "_segment_block", recording)
    for run in ("1" * 20_000, "QUJD" * 5_000, "１" * 20_000, "、" * 20_000):
        words = fast.cut(run)
        assert "".join(words) == run
        assert max(map(len, words)) <= MAX_PIECE
    assert max(sizes) <= BLOCK + MAX_PIECE


def test_bounded_pieces_cut_after_punctuation_within_the_limit() -> None:
    text = "一二三四五，六七八九十。" * 3 + "甲" * 25
    parts = bounded_pieces(text, limit=10)
    assert "".join(parts) == text
    assert all(len(part) <= 10 for part in parts)
    assert parts[:3] == ["一二三四五，", "六七八九十。", "一二三四五，"]
    assert bounded_pieces("短", limit=10) == ["短"]


def test_the_pkuseg_adapter_reads_a_loaded_model_and_names_a_layout_it_cannot_read(pkuseg_model) -> None:
    from types import SimpleNamespace

    from zxextract.segmenter import PkusegModel

    seg, _ = pkuseg_model
    model = PkusegModel.read(seg)
    assert model.weights.shape == (model.n_feature * model.n_tag + model.n_tag**2,)
    assert len(model.tags) == model.n_tag and any("B" in tag for tag in model.tags)
    assert model.postprocess(["大足", "区"]) == seg.postprocesser(["大足", "区"])
    with pytest.raises(RuntimeError, match="spacy-pkuseg 1.0.x"):
        PkusegModel.read(SimpleNamespace(model=SimpleNamespace(n_tag=4)))
