"""The pipeline's tokenizer: normalize the OCR page, then segment it with spaCy's Chinese tokenizer.

Normalizing inside the tokenizer means ``spacy.load(models_path)(raw)`` gives
the same Doc as :func:`zxextract.parse`: the Doc's text is the normalized
page, and ``doc.user_data`` keeps the raw input and the offset map so every
span can be mapped back to the raw input (:func:`raw_offsets`).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import DummyTokenizer, registry
from spacy.vocab import Vocab

from .normalize import normalize
from .segmenter import FastPkuseg

RAW_KEY = "zx_raw"
OFFSETS_KEY = "zx_offsets"
TEXT_KEY = "zx_text"
RUNS = re.compile(r"\s+|\S+")


@registry.tokenizers("zxextract.Tokenizer.v1")
def create_tokenizer(segmenter: str = "pkuseg"):
    """Config entry point: ``[nlp.tokenizer] @tokenizers = "zxextract.Tokenizer.v1"``."""

    def make(nlp: Any) -> NormalizingTokenizer:
        return NormalizingTokenizer(nlp.vocab, segmenter=segmenter)

    return make


class NormalizingTokenizer(DummyTokenizer):
    """spaCy's ChineseTokenizer over normalized text; ``segmenter`` is "pkuseg" or "char"."""

    def __init__(self, vocab: Vocab, segmenter: str = "pkuseg") -> None:
        if segmenter not in (Segmenter.pkuseg.value, Segmenter.char.value):
            raise ValueError(f"segmenter must be 'pkuseg' or 'char', not {segmenter!r}")
        self.vocab = vocab
        self.segmenter = segmenter
        self.inner = ChineseTokenizer(vocab, segmenter=Segmenter(segmenter))
        self._fast: FastPkuseg | None = None

    def __call__(self, text: str) -> Doc:
        if not isinstance(text, str):
            raise TypeError(f"the tokenizer takes str, not {type(text).__name__}")
        norm = normalize(text)
        if self.segmenter == Segmenter.char.value:
            doc = Doc(self.vocab, *char_tokens(norm.text))
        else:
            doc = Doc(self.vocab, *align(self.pkuseg().cut(norm.text), norm.text))
        doc.user_data[RAW_KEY] = text
        doc.user_data[TEXT_KEY] = norm.text
        doc.user_data[OFFSETS_KEY] = norm.offsets.tobytes()
        return doc

    def pkuseg(self) -> FastPkuseg:
        """The pkuseg segmenter over the loaded model, rebuilt when a new model is loaded."""
        if self.inner.pkuseg_seg is None:
            raise ValueError("the pkuseg segmenter has no model: load a pipeline or call initialize(pkuseg_model=...)")
        if self._fast is None or self._fast.seg is not self.inner.pkuseg_seg:
            self._fast = FastPkuseg(self.inner.pkuseg_seg)
        return self._fast

    def initialize(
        self, get_examples=None, *, nlp=None, pkuseg_model: str | None = None, pkuseg_user_dict: str | None = "default"
    ) -> None:
        """Load a pkuseg model directory (and a user dictionary file) into the segmenter."""
        self.inner.initialize(get_examples, nlp=nlp, pkuseg_model=pkuseg_model, pkuseg_user_dict=pkuseg_user_dict)
        self._load_tables()

    def _load_tables(self) -> None:
        """Build the segmenter's lookup tables now, so loading (not the first page) pays for them."""
        if self.segmenter == Segmenter.pkuseg.value and self.inner.pkuseg_seg is not None:
            self.pkuseg()

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        self.inner.to_disk(path, **kwargs)

    def from_disk(self, path: str | Path, **kwargs: Any) -> NormalizingTokenizer:
        # The saved cfg names the segmenter it was built with; the configured one wins,
        # and "char" skips loading the pkuseg model altogether.
        if self.segmenter == Segmenter.pkuseg.value:
            self.inner.from_disk(path, **kwargs)
            self.inner.segmenter = self.segmenter
            self._load_tables()
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return self.inner.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs: Any) -> NormalizingTokenizer:
        if self.segmenter == Segmenter.pkuseg.value:
            self.inner.from_bytes(data, **kwargs)
            self.inner.segmenter = self.segmenter
            self._load_tables()
        return self


def align(words: Iterable[str], text: str) -> tuple[list[str], list[bool]]:
    """Tokens and trailing-space flags of ``words`` laid over ``text``.

    The result of spaCy's ``util.get_words_and_spaces`` (whitespace between
    words becomes a token unless it is one space after a word), but linear:
    spaCy's copies the rest of the text for every word, quadratic on a large page.
    """
    tokens: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for word in words:
        if word.isspace():
            continue
        start = text.index(word, pos)
        if start > pos:
            tokens.append(text[pos:start])
            spaces.append(False)
        tokens.append(word)
        spaces.append(False)
        pos = start + len(word)
        if pos < len(text) and text[pos] == " ":
            spaces[-1] = True
            pos += 1
    if pos < len(text):
        tokens.append(text[pos:])
        spaces.append(False)
    return tokens, spaces


def char_tokens(text: str) -> tuple[list[str], list[bool]]:
    """``align(text, text)``: every character a token, built a run of (non-)whitespace at a time."""
    tokens: list[str] = []
    spaces: list[bool] = []
    for run in RUNS.findall(text):
        if not run.isspace():
            tokens.extend(run)
            spaces.extend([False] * len(run))
            continue
        if tokens and run[0] == " ":  # one space after a character is that token's trailing space
            spaces[-1] = True
            run = run[1:]
        if run:
            tokens.append(run)
            spaces.append(False)
    return tokens, spaces


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from every token on each access."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def raw_offsets(doc: Doc) -> array | None:
    """The raw index of each character of ``doc.text``, or None when the Doc was not normalized here."""
    data = doc.user_data.get(OFFSETS_KEY)
    if data is None:
        return None
    offsets = array("q")
    offsets.frombytes(data)
    return offsets
