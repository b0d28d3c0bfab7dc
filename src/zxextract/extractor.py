"""The user-facing entry points: load the pipeline once, parse pages into Article records.

(Stub: the spaCy pipeline is being wired in; the signatures below are the contract.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from .records import Article


class Extractor:
    """A loaded pipeline; reuse it for many pages."""

    def __init__(self, rules: list[str | Path] | None = None, segmenter: str = "pkuseg") -> None:
        self.rules = list(rules or [])
        self.segmenter = segmenter

    def parse(self, text: str, doc_id: str | None = None) -> list[Article]:
        """Articles of one page, in reading order."""
        if not isinstance(text, str):
            raise TypeError(f"parse() takes str, not {type(text).__name__}")
        return []

    def pipe(self, items: Iterable[tuple[str, str]], n_process: int = 1, batch_size: int = 8) -> Iterator[tuple[str, list[Article]]]:
        """(doc_id, articles) for each (doc_id, text), in input order."""
        for doc_id, text in items:
            yield doc_id, self.parse(text, doc_id=doc_id)


def load(rules: list[str | Path] | None = None, segmenter: str = "pkuseg") -> Extractor:
    """Load the packaged pipeline (no network)."""
    return Extractor(rules=rules, segmenter=segmenter)
