"""The CoNLL-U reader that feeds segmenter training and evaluation.

Gold word boundaries come only from this reader, so a stray range or
empty-node line would silently double characters in training data and scores.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"

SAMPLE = """\
# sent_id = 1
# text = 我们去北京。
1-2\t我们去\t_\t_\t_\t_\t_\t_\t_\t_
1\t我们\t我们\tPRON\t_\t_\t2\tnsubj\t_\tSpaceAfter=No
2\t去\t去\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No
2.1\t要\t要\tAUX\t_\t_\t_\t_\t2:aux\tSpaceAfter=No
3\t北京\t北京\tPROPN\t_\t_\t2\tobj\t_\tSpaceAfter=No
4\t。\t。\tPUNCT\t_\t_\t2\tpunct\t_\tSpaceAfter=No

# sent_id = 2
1\t好\t好\tADJ\t_\t_\t0\troot\t_\tSpaceAfter=No
"""


def load_script(name: str) -> ModuleType:
    """Import a module from scripts/, which is not a package."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


train_segmenter = load_script("train_segmenter")


def test_reader_skips_range_and_empty_nodes() -> None:
    sentences = list(train_segmenter.read_conllu_words(SAMPLE.splitlines(keepends=True)))
    assert sentences == [["我们", "去", "北京", "。"], ["好"]]


def test_sentence_text_joins_words_without_spaces() -> None:
    assert train_segmenter.sentence_text(["我们", "去", "北京", "。"]) == "我们去北京。"


def test_pkuseg_file_is_one_sentence_a_line(tmp_path: Path) -> None:
    out = tmp_path / "train.txt"
    train_segmenter.write_pkuseg_file([["我们", "去"], ["好"]], out)
    assert out.read_text(encoding="utf-8") == "我们 去\n好\n"
