"""The user-facing entry points: load the packaged spaCy pipeline once, parse pages into Article records."""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from . import components  # noqa: F401  (registers the zx_* factories)
from . import tokenizer  # noqa: F401  (registers zxextract.Tokenizer.v1)
from .assemble import build_articles
from .components import RuleComponent
from .records import Article
from .ruleset import RuleRow, read_rules_file, validate_rows
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


class Extractor:
    """A loaded pipeline; reuse it for many pages."""

    def __init__(self, nlp: Language, freeze_gc: bool = True) -> None:
        self.nlp = nlp
        self.freeze_gc = freeze_gc
        self._settled = False

    def _settle(self) -> None:
        """Once the first page has built the lazy lookup tables, ``gc.freeze()`` what is alive.

        The pipeline holds some 200,000 long-lived objects (gazetteer forms,
        rule tables); left in the collector's oldest generation, every full
        collection rescans them, about a tenth of the time of a run. Frozen,
        they are skipped, and forked workers keep sharing their memory pages.
        Objects frozen this way are never collected as cyclic garbage; pass
        ``freeze_gc=False`` to :func:`load` to leave the collector alone.
        """
        if self.freeze_gc and not self._settled:
            self._settled = True
            gc.freeze()

    def _rule_components(self) -> dict[str, RuleComponent]:
        """The component that owns each rule ``type``."""
        return {t: pipe for _, pipe in self.nlp.pipeline if isinstance(pipe, RuleComponent) for t in pipe.rule_types}

    def rule_models(self) -> dict[str, type[RuleRow]]:
        """The row model of every rule ``type`` this pipeline takes (how rows are validated)."""
        return {t: pipe.row_models[t] for t, pipe in self._rule_components().items()}

    def add_rules(self, rows: Iterable[dict[str, Any]], source: str = "<rules>") -> None:
        """Give each component the rows of its ``type`` (see docs/extending.md); every row is validated first."""
        checked = validate_rows(rows, self.rule_models(), source)
        owners = self._rule_components()
        by_type: dict[str, list[dict[str, Any]]] = {}
        for row in checked:
            by_type.setdefault(row["type"], []).append(row)
        for rule_type, group in by_type.items():
            owners[rule_type].add(group, source)

    def add_rules_file(self, path: str | Path) -> None:
        """Add the rows of a JSON Lines rules file (``#`` lines are comments); errors say ``file:line: key: reason``."""
        self.add_rules(read_rules_file(path, self.rule_models()), str(path))

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
        articles = build_articles(self.nlp(page), doc_id if doc_id is not None else DEFAULT_DOC_ID)
        self._settle()
        return articles

    def pipe(
        self, items: Iterable[tuple[str, str]], n_process: int = 1, batch_size: int = 8
    ) -> Iterator[tuple[str, list[Article]]]:
        """(doc_id, articles) for each (doc_id, text), in input order, streaming.

        With ``n_process`` > 1, forked worker processes (each with this
        extractor, added rules included) parse the pages and send back only the
        records, at most ``n_process * batch_size`` pages in flight; spaCy's own
        ``n_process`` would ship every Doc back to be assembled here, which
        leaves the second process idle.
        """
        checked = ((doc_id, _as_text(text, None)) for doc_id, text in items)
        if n_process <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            texts = ((text, doc_id) for doc_id, text in checked)
            for doc, doc_id in self.nlp.pipe(texts, as_tuples=True, n_process=n_process, batch_size=batch_size):
                yield doc_id, (build_articles(doc, doc_id) if doc_text(doc).strip() else [])
                self._settle()
            return
        global _WORKER_EXTRACTOR
        _WORKER_EXTRACTOR = self  # inherited by the forked workers
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=n_process, mp_context=context) as pool:
            window: deque[Future] = deque()
            for doc_id, text in checked:
                window.append(pool.submit(_parse_in_worker, doc_id, text))
                if len(window) >= n_process * batch_size:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()


_WORKER_EXTRACTOR: Extractor | None = None


def _parse_in_worker(doc_id: str, text: str) -> tuple[str, list[Article]]:
    assert _WORKER_EXTRACTOR is not None
    return doc_id, _WORKER_EXTRACTOR.parse(text, doc_id=doc_id)


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
    rules: str | Path | Iterable[str | Path] | None = None,
    segmenter: str = "pkuseg",
    path: str | Path | None = None,
    freeze_gc: bool = True,
    home: str | None = None,
) -> Extractor:
    """Load the packaged pipeline (no network); ``rules``: one JSONL rules file or several; ``segmenter`` "pkuseg" or "char".

    ``freeze_gc``: after the first page, freeze the objects then alive out of
    the garbage collector's reach (:meth:`Extractor._settle`).
    ``home``: the province (``"浙江省"``) whose units ambiguous district names
    denote when a page names no place of its own; default the pipeline's (重庆市).
    """
    if segmenter not in ("pkuseg", "char"):
        raise ValueError(f"segmenter must be 'pkuseg' or 'char', not {segmenter!r}")
    config: dict[str, Any] = {"nlp": {"tokenizer": {"segmenter": segmenter}}}
    if home is not None:
        config["components"] = {"zx_districts": {"home": home}}
    nlp = spacy.load(path or pipeline_path(), config=config)
    nlp.max_length = MAX_LENGTH
    if home is not None and "zx_districts" in nlp.pipe_names:
        nlp.get_pipe("zx_districts").check_home()  # a home that is no province fails here, not on the first page
    extractor = Extractor(nlp, freeze_gc)
    for rules_file in [rules] if isinstance(rules, (str, Path)) else rules or ():
        extractor.add_rules_file(rules_file)
    return extractor
