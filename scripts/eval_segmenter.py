"""Score word segmentation on UD_Chinese-GSDSimp test, ours next to jieba, in one run.

Rows: the trained pkuseg model called directly and through spaCy's Chinese
tokenizer (which is how the pipeline uses it), jieba (``jieba.lcut``, HMM on;
benchmark-only, ``pip install "jieba>=0.42,<0.43"``) and spaCy's ``char``
segmenter as a floor.  Scores are word-level precision/recall/F1 over
character spans; throughput is characters per second on the same text
(single process, informal).

    python scripts/eval_segmenter.py [--data-dir ../shared/data/ud_zh] [--model-dir build/segmenter]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_segmenter import DEFAULT_DATA_DIR, DEFAULT_OUT_DIR, read_conllu_file, sentence_text  # noqa: E402

from zxextract.evaluate import TypeScore  # noqa: E402

GSD_TEST = "zh_gsdsimp-ud-test.conllu"

Segmenter = Callable[[str], list[str]]


@dataclass(frozen=True)
class Score:
    """One segmenter's result on the test file."""

    name: str
    precision: float
    recall: float
    f1: float
    chars_per_second: float


def spans(words: Iterable[str]) -> set[tuple[int, int]]:
    """Character (start, end) spans of consecutive words; whitespace-only words are dropped."""
    result: set[tuple[int, int]] = set()
    start = 0
    for word in words:
        end = start + len(word)
        if word.strip():
            result.add((start, end))
        start = end
    return result


def score(name: str, segment: Segmenter, gold: list[list[str]]) -> Score:
    """Segment every gold sentence's text and compare span sets (standard word P/R/F1)."""
    texts = [sentence_text(words) for words in gold]
    started = time.perf_counter()
    predicted = [segment(text) for text in texts]
    seconds = time.perf_counter() - started
    total = TypeScore()
    for text, words, guess in zip(texts, gold, predicted):
        if "".join(guess) != text:
            raise ValueError(f"{name} changed the text: {text!r} -> {guess!r}")
        total += TypeScore.of(spans(words), spans(guess))  # word spans are sets: one word, one place
    chars = sum(map(len, texts))
    return Score(name, total.precision, total.recall, total.f1, chars / seconds)


def spacy_tokenizer(model_dir: Path, postprocess: bool) -> Segmenter:
    """spaCy's Chinese tokenizer on our model, reloaded from bytes as a saved pipeline would be.

    ``initialize`` always attaches pkuseg's bundled dictionary post-processor
    (it merges words the UD standard splits); ``postprocess=False`` switches it
    off, a setting that ``to_bytes``/``to_disk`` keep.
    """
    import spacy

    config = {"nlp": {"tokenizer": {"segmenter": "pkuseg"}}}
    nlp = spacy.blank("zh", config=config)
    nlp.tokenizer.initialize(pkuseg_model=str(model_dir))
    nlp.tokenizer.pkuseg_seg.postprocesser.do_process = postprocess
    saved = spacy.blank("zh", config=config)
    saved.tokenizer.from_bytes(nlp.tokenizer.to_bytes())
    return lambda text: [token.text_with_ws for token in saved.tokenizer(text)]


def segmenters(model_dir: Path) -> dict[str, Segmenter]:
    """Build every segmenter up front so loading time is not counted as throughput."""
    import jieba
    import spacy
    import spacy_pkuseg

    from zxextract.segmenter import FastPkuseg

    jieba.initialize()
    char_nlp = spacy.blank("zh")
    plain = spacy_pkuseg.pkuseg(str(model_dir), user_dict=None)
    return {
        "ours: spacy_pkuseg.pkuseg, user_dict=None": plain.cut,
        "ours: zxextract.segmenter.FastPkuseg (the pipeline's), user_dict=None": FastPkuseg(plain).cut,
        "ours: spacy_pkuseg.pkuseg, default dict post-processing": spacy_pkuseg.pkuseg(str(model_dir)).cut,
        "ours: spaCy zh tokenizer (pkuseg), post-processing off": spacy_tokenizer(model_dir, postprocess=False),
        "ours: spaCy zh tokenizer (pkuseg), as initialized": spacy_tokenizer(model_dir, postprocess=True),
        "jieba 0.42.1 lcut (HMM on)": jieba.lcut,
        "spaCy zh tokenizer (char)": lambda text: [token.text_with_ws for token in char_nlp.tokenizer(text)],
    }


def markdown(scores: list[Score], n_sentences: int, n_words: int) -> str:
    """Render the table that goes into docs/performance.md."""
    lines = [
        f"zh_gsdsimp-ud-test: {n_sentences} sentences, {n_words} gold words.",
        "",
        "| segmenter | P | R | F1 | chars/s |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(f"| {s.name} | {s.precision:.2%} | {s.recall:.2%} | **{s.f1:.2%}** | {s.chars_per_second:,.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="directory with the UD .conllu files")
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_OUT_DIR, help="trained pkuseg model directory")
    args = parser.parse_args()
    gold = read_conllu_file(args.data_dir / GSD_TEST)
    scores = [score(name, segment, gold) for name, segment in segmenters(args.model_dir).items()]
    print(markdown(scores, len(gold), sum(map(len, gold))))


if __name__ == "__main__":
    main()
