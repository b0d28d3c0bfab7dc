"""A stand-in pipeline for the batch tests: deterministic articles from any text, importable by worker processes.

Each paragraph (text between blank lines) becomes an article titled by its
first line, so record counts and contents depend on the input; a page
containing ``BOOM`` makes ``parse`` raise, as a pipeline bug would, and one
containing ``CTRL-C`` raises KeyboardInterrupt, as if the user pressed it.
Faults for tests/test_faults.py (run only in worker processes): ``KILL-9``
kills the process as the OOM killer would; ``KILL-FIRST PATH`` does so only
while PATH does not exist yet (creating it), so a retry succeeds; ``HOG``
holds 400 MB for two seconds; ``SLEEP`` sleeps a minute.
"""

from __future__ import annotations

import os
import re
import signal
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
        self._faults(text)
        blocks = [m for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)]
        return [
            Article(doc_id=doc_id or "<string>", index=i, kind="other", title=m.group().splitlines()[0].strip(), spans=[[m.start(), m.end()]], text=m.group())
            for i, m in enumerate(blocks)
        ]


    @staticmethod
    def _faults(text: str) -> None:
        """The worker faults of the module docstring."""
        if "KILL-9" in text:
            os.kill(os.getpid(), signal.SIGKILL)
        first = re.search(r"KILL-FIRST (\S+)", text)
        if first and not Path(first.group(1)).exists():
            Path(first.group(1)).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        if "HOG" in text:
            hog = bytearray(400 * 2**20)
            hog[:: 4096] = b"x" * len(hog[:: 4096])  # touch every page: resident, not just reserved
            time.sleep(2)
        if "SLEEP" in text:
            time.sleep(60)


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
