"""The user-facing entry points: load the packaged spaCy pipeline once, parse pages into Article records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.language import Language

from . import components  # noqa: F401  (registers the zx_* factories)
from . import tokenizer  # noqa: F401  (registers zxextract.Tokenizer.v1)
from .assemble import build_articles
from .components import RuleComponent
from .records import Article
from .tokenizer import doc_text

PIPELINE_NAME = "zxextract_zh"
DEFAULT_DOC_ID = "<string>"
MAX_LENGTH = 200_000_000  # characters; spaCy's default (1,000,000) would reject a large scanned archive page


def pipeline_path() -> Path:
    """The packaged pipeline: inside the installed wheel, or ``models/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "models" / PIPELINE_NAME, here.parent.parent / "models" / PIPELINE_NAME):
        if (candidate / "config.cfg").exists():
            return candidate
    raise FileNotFoundError(f"the {PIPELINE_NAME} pipeline is missing; rebuild it with scripts/build_pipeline.py")


def read_rules(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a JSONL rules file; each row names its ``type`` (district, brand, official, unit, …)."""
    rows = []
    for number, row in enumerate(srsly.read_jsonl(Path(path)), start=1):
        if not isinstance(row, dict) or "type" not in row:
            raise ValueError(f"{path}:{number}: a rule is a JSON object with a 'type' key")
        rows.append(row)
    return rows


class Extractor:
    """A loaded pipeline; reuse it for many pages."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def add_rules(self, rows: Iterable[dict[str, Any]]) -> None:
        """Give each component the rows of its ``type`` (see docs/extending.md)."""
        by_type: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_type.setdefault(row["type"], []).append(row)
        owners = {t: pipe for _, pipe in self.nlp.pipeline if isinstance(pipe, RuleComponent) for t in pipe.rule_types}
        unknown = sorted(set(by_type) - set(owners))
        if unknown:
            raise ValueError(f"unknown rule types {unknown}; known: {sorted(owners)}")
        for rule_type, group in by_type.items():
            owners[rule_type].add(group)

    def add_districts(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override district names (a new district, a renamed county)."""
        self.add_rules({**row, "type": "district"} for row in rows)

    def add_brands(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add known brands."""
        self.add_rules({**row, "type": "brand"} for row in rows)

    def parse(self, text: str | bytes, doc_id: str | None = None, encoding: str | None = None) -> list[Article]:
        """Articles of one page, in reading order; bytes need ``encoding=``."""
        page = _as_text(text, encoding)
        if not page.strip():
            return []
        return build_articles(self.nlp(page), doc_id if doc_id is not None else DEFAULT_DOC_ID)

    def pipe(
        self, items: Iterable[tuple[str, str]], n_process: int = 1, batch_size: int = 8
    ) -> Iterator[tuple[str, list[Article]]]:
        """(doc_id, articles) for each (doc_id, text), in input order; ``n_process`` > 1 uses worker processes."""
        checked = ((_as_text(text, None), doc_id) for doc_id, text in items)
        for doc, doc_id in self.nlp.pipe(checked, as_tuples=True, n_process=n_process, batch_size=batch_size):
            yield doc_id, (build_articles(doc, doc_id) if doc_text(doc).strip() else [])


def _as_text(text: Any, encoding: str | None) -> str:
    """Reject what is not text with a clear error before it reaches the pipeline."""
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        if encoding is None:
            raise TypeError("parse() takes str; decode the bytes first or pass encoding= (e.g. 'utf-8', 'gb18030')")
        return bytes(text).decode(encoding)
    raise TypeError(f"parse() takes str, not {type(text).__name__}")


def load(
    rules: Iterable[str | Path] | None = None, segmenter: str = "pkuseg", path: str | Path | None = None
) -> Extractor:
    """Load the packaged pipeline (no network); ``rules`` are JSONL rules files, ``segmenter`` "pkuseg" or "char"."""
    if segmenter not in ("pkuseg", "char"):
        raise ValueError(f"segmenter must be 'pkuseg' or 'char', not {segmenter!r}")
    nlp = spacy.load(path or pipeline_path(), config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    nlp.max_length = MAX_LENGTH
    extractor = Extractor(nlp)
    for rules_file in rules or ():
        extractor.add_rules(read_rules(rules_file))
    return extractor
