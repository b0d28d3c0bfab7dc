"""The user-facing entry points: load the packaged spaCy pipeline once, parse pages into Article records."""

from __future__ import annotations

import datetime as dt
import gc
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language

from . import (
    components,  # noqa: F401  (registers the zx_* factories)
    tokenizer,  # noqa: F401  (registers zxextract.Tokenizer.v1)
)
from .assemble import build_articles
from .components import RuleComponent
from .records import Article
from .ruleset import RuleRow, read_rules_file, validate_rows
from .tokenizer import doc_text
from .workers import Budget, Lost, parallel_map

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

    def __init__(self, nlp: Language, freeze_gc: bool = False) -> None:
        self.nlp = nlp
        self.freeze_gc = freeze_gc
        self._settled = False

    def _settle(self) -> None:
        """Once the first page has built the lazy lookup tables, ``gc.freeze()`` what is alive.

        The pipeline holds some 200,000 long-lived objects (gazetteer forms,
        rule tables); left in the collector's oldest generation, every full
        collection rescans them, about a tenth of the time of a run. Frozen,
        they are skipped, and forked workers keep sharing their memory pages.
        Objects frozen this way are never collected as cyclic garbage, so it
        is opt-in (``load(freeze_gc=True)``): the CLI and the batch engines,
        which own their processes, turn it on; a library caller's process is
        left alone by default.
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

    def __call__(self, text: str | bytes, doc_id: str | None = None, encoding: str | None = None) -> list[Article]:
        """``extractor(page)``: the same as :meth:`parse`, as spaCy's ``nlp(text)`` reads."""
        return self.parse(text, doc_id=doc_id, encoding=encoding)

    def parse(self, text: str | bytes, doc_id: str | None = None, encoding: str | None = None) -> list[Article]:
        """Articles of one page, in reading order; bytes need ``encoding=``."""
        page = _as_text(text, encoding)
        if not page.strip():
            return []
        articles = build_articles(self.nlp(page), doc_id if doc_id is not None else DEFAULT_DOC_ID)
        self._settle()
        return articles

    def pipe(self, texts: Iterable[Any], as_tuples: bool = False, n_process: int = 1, batch_size: int = 8) -> Iterator[Any]:
        """The articles of each text, in input order, streaming; as spaCy's ``Language.pipe``.

        ``texts`` are strings, yielding a list of Articles each (doc_id
        ``"<string>"``); with ``as_tuples=True`` they are ``(text, context)``
        pairs yielding ``(articles, context)``, a ``str`` context being the
        articles' doc_id. Anything else is a TypeError. With ``n_process`` > 1
        the pages are parsed by :mod:`zxextract.workers` (forked, they inherit
        this extractor and its added rules), at most ``n_process * batch_size``
        in flight; an error raised by a page is raised here at its place, and
        a page whose worker died twice raises :class:`WorkerLost`.
        """
        pairs = (_pipe_item(item, as_tuples) for item in texts)
        if n_process <= 1:
            for doc, (doc_id, context) in self.nlp.pipe(
                ((text, (doc_id, context)) for text, doc_id, context in pairs), as_tuples=True, batch_size=batch_size
            ):
                articles = build_articles(doc, doc_id) if doc_text(doc).strip() else []
                self._settle()
                yield (articles, context) if as_tuples else articles
            return
        self.warm()  # before forking, so the workers share the pipeline's pages
        queue: deque[tuple[str, Any]] = deque()

        def tasks() -> Iterator[tuple[str, str]]:
            for text, doc_id, context in pairs:
                queue.append((doc_id, context))
                yield text, doc_id

        for result in parallel_map(self._parse_pair, tasks(), n_process, Budget(None, None), batch_size):
            doc_id, context = queue.popleft()
            if isinstance(result, Lost):
                raise WorkerLost(f"page {doc_id!r}: {result.reason}")
            yield (result, context) if as_tuples else result

    def pipe_pages(
        self, pages: Iterable[tuple[str, str]], n_process: int = 1, batch_size: int = 8
    ) -> Iterator[tuple[str, list[Article]]]:
        """``(doc_id, articles)`` for each ``(doc_id, text)``: :meth:`pipe` in the shape the batch and evaluation code use."""

        def checked() -> Iterator[tuple[str, str]]:
            for item in pages:
                if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
                    raise TypeError(f"pipe_pages() takes (doc_id, text) pairs, not {_shape(item)}")
                yield item[1], item[0]

        for articles, doc_id in self.pipe(checked(), as_tuples=True, n_process=n_process, batch_size=batch_size):
            yield doc_id, articles

    def _parse_pair(self, pair: tuple[str, str]) -> list[Article]:
        text, doc_id = pair
        return self.parse(text, doc_id=doc_id)

    def warm(self) -> None:
        """Build the lazy tables now (one tiny page) and freeze what is alive (:meth:`_settle`).

        Called before worker processes are forked, so that they inherit the
        tables instead of each building its own copy.
        """
        if not self._settled:
            self.parse("政协", doc_id=DEFAULT_DOC_ID)


class WorkerLost(RuntimeError):
    """A page of :meth:`Extractor.pipe` whose worker process died, and died again on the retry."""


def _pipe_item(item: Any, as_tuples: bool) -> tuple[str, str, Any]:
    """(text, doc_id, context) of one item of :meth:`Extractor.pipe`; TypeError for the wrong shape."""
    if not as_tuples:
        if isinstance(item, (tuple, list)):
            raise TypeError(
                f"pipe() takes texts, not {_shape(item)}: pass (text, context) pairs with as_tuples=True, "
                "or (doc_id, text) pairs to pipe_pages()"
            )
        return _as_text(item, None), DEFAULT_DOC_ID, None
    if not (isinstance(item, (tuple, list)) and len(item) == 2):
        raise TypeError(f"pipe(as_tuples=True) takes (text, context) pairs, not {_shape(item)}")
    text, context = item
    return _as_text(text, None), context if isinstance(context, str) else DEFAULT_DOC_ID, context


def _shape(item: Any) -> str:
    if isinstance(item, (tuple, list)):
        return f"a {type(item).__name__} of {len(item)}"
    return type(item).__name__


def _as_text(text: Any, encoding: str | None) -> str:
    """Reject what is not text with a clear error before it reaches the pipeline."""
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray)):
        if encoding is None:
            raise TypeError("parse() takes str; decode the bytes first or pass encoding= (e.g. 'utf-8', 'gb18030')")
        return bytes(text).decode(encoding)
    raise TypeError(f"parse() takes str, not {type(text).__name__}")


def _iso_date(value: str | dt.date) -> str:
    """``value`` as ISO text, checked here so that a bad date fails before the pipeline loads."""
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValueError(f"reference_date must be a date or 'YYYY-MM-DD', not {value!r}") from None


def load(
    rules: str | Path | Iterable[str | Path] | None = None,
    segmenter: str = "pkuseg",
    path: str | Path | None = None,
    freeze_gc: bool = False,
    reference_date: str | dt.date | None = None,
    home: str | None = None,
) -> Extractor:
    """Load the packaged pipeline (no network); ``rules``: one JSONL rules file or several; ``segmenter`` "pkuseg" or "char".

    ``reference_date`` (a date or ISO ``YYYY-MM-DD``): the day the pages were
    written, which resolves 今年, 去年, 前年 to a year; without it those dates
    have year null. ``home``: the province (``"浙江省"``) whose units ambiguous
    district names denote when a page names no place of its own; default the
    pipeline's (重庆市). ``freeze_gc``: after the first page, freeze the objects
    then alive out of the garbage collector's reach (:meth:`Extractor._settle`);
    off by default, as it affects the whole process: the CLI and batch engines turn it on.
    """
    if segmenter not in ("pkuseg", "char"):
        raise ValueError(f"segmenter must be 'pkuseg' or 'char', not {segmenter!r}")
    config: dict[str, Any] = {"nlp": {"tokenizer": {"segmenter": segmenter}}}
    overrides: dict[str, dict[str, Any]] = {}
    if home is not None:
        overrides["zx_districts"] = {"home": home}
    if reference_date is not None:
        overrides["zx_dates"] = {"reference_date": _iso_date(reference_date)}
    if overrides:
        config["components"] = overrides
    nlp = spacy.load(path or pipeline_path(), config=config)
    nlp.max_length = MAX_LENGTH
    if home is not None and "zx_districts" in nlp.pipe_names:
        cast(
            components.DistrictComponent, nlp.get_pipe("zx_districts")
        ).check_home()  # a home that is no province fails here, not on the first page
    extractor = Extractor(nlp, freeze_gc)
    for rules_file in [rules] if isinstance(rules, (str, Path)) else rules or ():
        extractor.add_rules_file(rules_file)
    return extractor
