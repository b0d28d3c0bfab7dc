"""Rebuild the packaged pipeline ``models/zxextract_zh`` from source data, in one command.

    python scripts/build_pipeline.py            # trains the segmenter first if models/segmenter is missing

Steps: train the pkuseg segmenter (scripts/train_segmenter.py) unless a model
exists, assemble a blank Chinese pipeline with the normalizing tokenizer and
the zx_* components (their rules come from ``src/zxextract/rules``), load the
segmenter with a user dictionary of the components' names (districts,
positions, brands) so that entity names are single tokens, and save it all.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import spacy

import zxextract
from zxextract.components import PIPE_NAMES
from zxextract.extractor import PIPELINE_NAME

ROOT = Path(__file__).resolve().parent.parent


def build(segmenter_model: Path, out: Path) -> None:
    """Assemble and save the pipeline."""
    nlp = spacy.blank(
        "zh", config={"nlp": {"tokenizer": {"@tokenizers": "zxextract.Tokenizer.v1", "segmenter": "pkuseg"}}}
    )
    for name in PIPE_NAMES:
        nlp.add_pipe(name)
    user_dict = out.parent / f"{PIPELINE_NAME}.userdict.txt"
    words = sorted({w for _, pipe in nlp.pipeline for w in getattr(pipe, "words", lambda: ())() if len(w) > 1})
    user_dict.parent.mkdir(parents=True, exist_ok=True)
    user_dict.write_text("\n".join(words) + "\n", encoding="utf-8")
    nlp.tokenizer.initialize(pkuseg_model=str(segmenter_model), pkuseg_user_dict=str(user_dict))
    user_dict.unlink()
    # spaCy's initialize switches on pkuseg's bundled-dictionary post-processor, which merges
    # words the UD standard splits (-7 F1, below jieba; docs/performance.md): switch it off
    # and drop its word lists, which would otherwise be saved with the pipeline.
    postprocesser = nlp.tokenizer.inner.pkuseg_seg.postprocesser
    postprocesser.do_process = False
    postprocesser.common_words = set()
    postprocesser.other_words = set()
    nlp.meta.update(
        {
            "name": "zxextract",
            "version": zxextract.__version__,
            "description": "Normalizing pkuseg tokenizer and rule-based zx_* components for CPPCC newspaper pages",
            "license": "CC BY-SA 4.0 (segmenter model); Apache-2.0 (gazetteer data); MIT (rules)",
            "sources": [
                {"name": "UD_Chinese-GSDSimp v2.13 (dev)", "license": "CC BY-SA 4.0"},
                {"name": "UD_Chinese-HK (test)", "license": "CC BY-SA 4.0"},
            ],
        }
    )
    nlp.to_disk(out)
    print(f"{len(words)} user-dictionary words; pipeline saved to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segmenter-model", type=Path, default=ROOT / "models" / "segmenter")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / PIPELINE_NAME)
    args = parser.parse_args()
    if not (args.segmenter_model / "features.msgpack").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "train_segmenter.py"), "--out-dir", str(args.segmenter_model)], check=True)
    build(args.segmenter_model, args.out)


if __name__ == "__main__":
    main()
