"""A stand-in pipeline for the batch tests: deterministic articles from any text, importable by worker processes.

Each paragraph (text between blank lines) becomes an article titled by its
first line, so record counts and contents depend on the input; a page
containing ``BOOM`` makes ``parse`` raise, as a pipeline bug would, and one
containing ``CTRL-C`` raises KeyboardInterrupt, as if the user pressed it.
"""

from __future__ import annotations

import re
import time
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


def read_jsonl(path: Path) -> list[str]:
    """Lines of a JSONL file."""
    return path.read_text(encoding="utf-8").splitlines()


class BusyExtractor(FakeExtractor):
    """The fake with a CPU cost per character, to measure engine scaling before the real pipeline is built."""

    SECONDS_PER_CHAR = 20e-6  # a 20,000-character page costs 0.4 s

    def parse(self, text: str, doc_id: str | None = None) -> list[Article]:
        """Burn CPU in proportion to the page, then split it like the fake."""
        deadline = time.process_time() + len(text) * self.SECONDS_PER_CHAR
        while time.process_time() < deadline:
            pass
        return super().parse(text, doc_id)


def load_busy(rules: list[str] | None = None, segmenter: str = "pkuseg") -> BusyExtractor:
    """Same signature as zxextract.load."""
    return BusyExtractor(list(rules or []), segmenter)
