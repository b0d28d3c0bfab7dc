"""A stand-in pipeline for the batch tests: deterministic articles from any text, importable by worker processes.

Each paragraph (text between blank lines) becomes an article titled by its
first line, so record counts and contents depend on the input; a page
containing ``BOOM`` makes ``parse`` raise, as a pipeline bug would, and one
containing ``CTRL-C`` raises KeyboardInterrupt, as if the user pressed it.
"""

from __future__ import annotations

import re
from pathlib import Path

from zxextract.batch import Settings
from zxextract.records import Article


class FakeExtractor:
    """Splits pages into paragraph articles."""

    def __init__(self, rules: list[str], segmenter: str) -> None:
        self.rules = rules
        self.segmenter = segmenter

    def parse(self, text: str, doc_id: str | None = None) -> list[Article]:
        """One article per paragraph; raises on ``BOOM`` and ``CTRL-C``."""
        if "BOOM" in text:
            raise RuntimeError("boom")
        if "CTRL-C" in text:
            raise KeyboardInterrupt
        blocks = [m for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)]
        return [
            Article(doc_id=doc_id or "<string>", index=i, kind="other", title=m.group().splitlines()[0].strip(), spans=[[m.start(), m.end()]], text=m.group())
            for i, m in enumerate(blocks)
        ]


def load_fake(rules: list[str] | None = None, segmenter: str = "pkuseg") -> FakeExtractor:
    """Same signature as zxextract.load."""
    return FakeExtractor(list(rules or []), segmenter)


FAKE = Settings(loader=load_fake)


def expected_lines(pages: dict[str, str]) -> int:
    """How many records the fake makes of these pages (doc_id → text)."""
    return sum(len(FakeExtractor([], "char").parse(text, doc_id)) for doc_id, text in pages.items())


def read_jsonl(path: Path) -> list[str]:
    """Lines of a JSONL file."""
    return path.read_text(encoding="utf-8").splitlines()
