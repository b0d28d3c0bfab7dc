"""Train the pkuseg word-segmentation model that the pipeline's tokenizer loads.

No pretrained pkuseg model can be downloaded at build time, so we train one
with ``spacy_pkuseg.train`` on Universal Dependencies gold segmentation
(CC BY-SA 4.0, see ``models/README.md``):

* UD_Chinese-GSDSimp dev (simplified, Wikipedia), twice by default, to
  weight the written genre that is closer to newspapers than HK's speech;
* UD_Chinese-HK test, converted traditional -> simplified with OpenCC
  (``opencc-python-reimplemented``, build time only).

UD_Chinese-GSDSimp test is never read here: ``scripts/eval_segmenter.py``
scores on it.

    python scripts/train_segmenter.py [--data-dir ../shared/data/ud_zh] [--out-dir build/segmenter]
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy_pkuseg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT.parent / "shared" / "data" / "ud_zh"
DEFAULT_OUT_DIR = ROOT / "build" / "segmenter"
GSD_DEV = "zh_gsdsimp-ud-dev.conllu"
HK_TEST = "zh_hk-ud-test.conllu"
# The files pkuseg writes that the tokenizer needs at run time.
MODEL_FILES = ("features.msgpack", "weights.npz")


def read_conllu_words(lines: Iterable[str]) -> Iterator[list[str]]:
    """Yield each sentence's gold words (column 2 of CoNLL-U token lines).

    Multiword range lines (``1-2``) and empty nodes (``1.1``) are skipped so
    every character of the sentence is covered exactly once.
    """
    words: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if not line:
            if words:
                yield words
            words = []
            continue
        if line.startswith("#"):
            continue
        token_id, form = line.split("\t")[:2]
        if "-" in token_id or "." in token_id:
            continue
        words.append(form)
    if words:
        yield words


def read_conllu_file(path: Path) -> list[list[str]]:
    """Read one CoNLL-U file into lists of words."""
    with path.open(encoding="utf-8") as handle:
        return list(read_conllu_words(handle))


def sentence_text(words: list[str]) -> str:
    """The raw sentence: UD Chinese has no spaces between words, so join them."""
    return "".join(words)


def to_simplified(sentences: list[list[str]]) -> list[list[str]]:
    """Convert traditional-script words to simplified, word by word so the gold boundaries survive."""
    from opencc import OpenCC  # build-time only dependency

    converter = OpenCC("t2s")
    return [[converter.convert(word) for word in words] for words in sentences]


def write_pkuseg_file(sentences: Iterable[list[str]], path: Path) -> None:
    """Write pkuseg's training format: one sentence a line, words separated by a space."""
    with path.open("w", encoding="utf-8") as handle:
        for words in sentences:
            handle.write(" ".join(words) + "\n")


def training_sentences(data_dir: Path, gsd_copies: int, holdout: int) -> tuple[list[list[str]], list[list[str]]]:
    """Return (training, held-out) sentences.

    Training is GSDSimp dev ``gsd_copies`` times plus HK test in simplified
    script; the last ``holdout`` GSDSimp-dev sentences are held out instead.
    """
    gsd = read_conllu_file(data_dir / GSD_DEV)
    kept, held_out = gsd[: len(gsd) - holdout], gsd[len(gsd) - holdout :]
    hk = to_simplified(read_conllu_file(data_dir / HK_TEST))
    return kept * gsd_copies + hk, held_out


def train(data_dir: Path, out_dir: Path, iterations: int, gsd_copies: int, holdout: int, seed: int) -> None:
    """Train into ``out_dir`` and print the wall-clock training time.

    pkuseg insists on a test file that it scores after every iteration (the
    saved model is always the last one, so the file never selects a model).
    With ``holdout`` > 0 the last ``holdout`` GSDSimp-dev sentences are kept
    out of training and used as that file, which is how ``--iterations`` and
    ``--gsd-copies`` were tuned; with 0 the training file itself is used and
    the log shows fit only. pkuseg shuffles with the global ``random`` module, so seeding it makes a
    rebuild reproduce the shipped model.
    """
    random.seed(seed)
    sentences, held_out = training_sentences(data_dir, gsd_copies, holdout)
    with tempfile.TemporaryDirectory() as tmp:
        train_file = Path(tmp) / "train.txt"
        test_file = Path(tmp) / "heldout.txt" if holdout else train_file
        write_pkuseg_file(sentences, train_file)
        if holdout:
            write_pkuseg_file(held_out, test_file)
        scratch = Path(tmp) / "model"
        start = time.perf_counter()
        spacy_pkuseg.train(str(train_file), str(test_file), str(scratch), train_iter=iterations)
        seconds = time.perf_counter() - start
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in MODEL_FILES:
            shutil.copy2(scratch / name, out_dir / name)
    print(f"{len(sentences)} training sentences, {iterations} iterations, {seconds:.0f} s -> {out_dir}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="directory with the UD .conllu files")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="where features.msgpack and weights.npz go")
    parser.add_argument("--iterations", type=int, default=20, help="pkuseg training iterations")
    parser.add_argument("--gsd-copies", type=int, default=2, help="how many times GSDSimp dev enters the training set")
    parser.add_argument("--holdout", type=int, default=0, help="GSDSimp-dev sentences kept out for tuning (0 for the shipped model)")
    parser.add_argument("--seed", type=int, default=0, help="seed for pkuseg's shuffling")
    args = parser.parse_args()
    train(args.data_dir, args.out_dir, args.iterations, args.gsd_copies, args.holdout, args.seed)


if __name__ == "__main__":
    main()
