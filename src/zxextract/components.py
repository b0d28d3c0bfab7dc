"""spaCy components: each extractor as a small factory, its rules as data saved with the pipeline.

Modelled on spaCy's ``SpanRuler``: a component holds a rule-based finder,
writes its results to ``doc.spans[spans_key]`` (all hits, overlaps allowed)
and, when ``annotate_ents`` is on, to ``doc.ents`` (longest hits win), with
``Span._.zx`` carrying the entity's normalized fields and ``Span._.zx_article``
the index of its article.  ``to_disk``/``from_disk`` store the rules as JSONL,
so a saved pipeline carries the exact rules it ran with.

``zx_layout`` splits the page into articles (``doc.spans["zx_articles"]``, one
span per segment); the entity components then run article by article, so that
later components can use what earlier ones found in the same article (officials
read the article's district).  Without ``zx_layout`` the whole Doc is one article,
so any component also works alone in any Chinese pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

from .brands import BrandFinder
from .dates import DateFinder
from .districts import DistrictFinder
from .documents import DocumentFinder
from .layout import page_layout
from .normalize import Normalized
from .officials import OfficialFinder
from .quantities import QuantityFinder
from .records import District, Hit
from .spans import add_entity_spans, extension
from .tokenizer import RAW_KEY, doc_text, raw_offsets

ARTICLES_KEY = "zx_articles"
BYLINES_KEY = "zx_bylines"
FURNITURE_KEY = "zx_furniture"
RULES_FILE = "rules.jsonl"


@dataclass
class ArticleView:
    """An article as the entity components see it: its segments and layout fields."""

    index: int
    segments: list[tuple[int, int]]
    info: dict[str, Any]


def articles(doc: Doc) -> list[ArticleView]:
    """The articles ``zx_layout`` found, or the whole Doc as one article."""
    group = doc.spans.get(ARTICLES_KEY)
    if group is None:
        return [ArticleView(0, [(0, len(doc_text(doc)))], {})]
    views: dict[int, ArticleView] = {}
    for span in group:
        index = extension(span, "zx_article")
        if index not in views:
            views[index] = ArticleView(index, [], extension(span, "zx"))
        views[index].segments.append((span.start_char, span.end_char))
    return [views[i] for i in sorted(views)]


def normalized_view(doc: Doc) -> Normalized:
    """The Doc's text with its raw input and offset map (identity when the Doc was not normalized here)."""
    offsets = raw_offsets(doc)
    text = doc_text(doc)
    if offsets is None:
        return Normalized(raw=text, text=text, offsets=array("q", range(len(text))))
    return Normalized(raw=doc.user_data[RAW_KEY], text=text, offsets=offsets)


class RuleComponent:
    """A finder run over every article segment; subclasses say what the finder needs."""

    label: ClassVar[str]
    finder_class: ClassVar[type]
    rule_types: ClassVar[tuple[str, ...]]  # the ``type`` values of rules-file rows this component takes

    def __init__(self, nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> None:
        self.name = name
        self.spans_key = spans_key
        self.annotate_ents = annotate_ents
        self._finder: Any = None

    @property
    def finder(self) -> Any:
        """The rules: loaded by ``from_disk``, else the packaged defaults (built on first use, not twice)."""
        if self._finder is None:
            self._finder = self.finder_class.default()
        return self._finder

    def find(self, doc: Doc, text: str, start: int, end: int, article: ArticleView) -> list[Hit]:
        """Hits in ``text[start:end]`` (``text`` is the Doc's text), offsets relative to ``start``."""
        return self.finder.find(text[start:end])

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        items = []
        for article in articles(doc):
            for start, end in article.segments:
                for hit in self.find(doc, text, start, end, article):
                    items.append((start + hit.start, start + hit.end, _fields(hit.entity), article.index))
        return add_entity_spans(doc, self.spans_key, self.label, items, self.annotate_ents)

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override rules (rows of a rules file, or built in code)."""
        self.finder.add(list(rows))

    def words(self) -> Iterator[str]:
        """Names the segmenter should keep whole (its user dictionary)."""
        yield from getattr(self.finder, "words", lambda: ())()

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / RULES_FILE, self.finder.to_rows())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RuleComponent":
        self._finder = self.finder_class.from_rows(list(srsly.read_jsonl(ensure_path(path) / RULES_FILE)))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self.finder.to_rows())

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "RuleComponent":
        self._finder = self.finder_class.from_rows(srsly.msgpack_loads(data))
        return self


class DistrictComponent(RuleComponent):
    """Districts; also decides each article's main district, which later components read."""

    label = "DISTRICT"
    finder_class = DistrictFinder
    rule_types = ("district", "district_stop", "district_weak")

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found = []
        for article in articles(doc):
            per_segment = [(start, self.finder.find(text[start:end])) for start, end in article.segments]
            hits = [_shift(start, hit) for start, segment_hits in per_segment for hit in segment_hits]
            title_end = (article.info.get("title_span") or (0, 0))[1]
            found.append((article, per_segment, hits, self.finder.main_district(hits, title_end)))
        page_province = self._page_province([hit for _, _, hits, _ in found for hit in hits])
        items = []
        for article, per_segment, hits, main in found:
            if main is not None:
                article.info["district"] = _fields(main)
                for (start, end), (_, written) in zip(article.segments, per_segment):
                    hits += [_shift(start, h) for h in self.finder.implicit(text[start:end], main, written)]
            elif page_province is not None:  # 市政协 in a citywide article of a Chongqing paper
                article.info["district"] = _fields(page_province)
            items.extend((h.start, h.end, _fields(h.entity), article.index) for h in hits)
        return add_entity_spans(doc, self.spans_key, self.label, items, self.annotate_ents)

    def _page_province(self, hits: list[Hit]) -> District | None:
        """The province of the page's county-level districts, for articles that name none."""
        counts = Counter(h.entity.province_name for h in hits if h.entity.level in ("county", "zone") and h.entity.province_name)
        if not counts:
            return None
        name = counts.most_common(1)[0][0]
        return next((h.entity for h in self.finder.find(name) if h.entity.level == "province"), None)


class OfficialComponent(RuleComponent):
    """Officials, bound to bodies whose district comes from the text or the article."""

    label = "OFFICIAL"
    finder_class = OfficialFinder
    rule_types = ("official",)

    def __init__(self, nlp: Language, name: str, spans_key: str, annotate_ents: bool, districts_key: str) -> None:
        super().__init__(nlp, name, spans_key, annotate_ents)
        self.districts_key = districts_key

    def __call__(self, doc: Doc) -> Doc:
        # The written districts of each article, gathered once per page (not once per segment).
        self._districts: dict[int, list[tuple[int, int, dict]]] = {}
        for span in doc.spans.get(self.districts_key, []):
            fields = extension(span, "zx")
            if not fields.get("implicit"):
                self._districts.setdefault(extension(span, "zx_article"), []).append((span.start_char, span.end_char, fields))
        return super().__call__(doc)

    def find(self, doc: Doc, text: str, start: int, end: int, article: ArticleView) -> list[Hit]:
        districts = [
            Hit(s - start, e - start, District(**fields))
            for s, e, fields in self._districts.get(article.index, ())
            if start <= s and e <= end
        ]
        main = article.info.get("district")
        segment = text[start:end]
        hits = self.finder.find(segment, districts, District(**main) if main else None)
        # Later bare mentions (王俊指出) go to the person's first binding, as page offsets.
        mentions = self.finder.link_mentions(segment, hits)
        for hit in hits:
            found = mentions.pop(hit.entity.name, ())
            hit.entity.mentions = [[start + s, start + e] for s, e in found]
        return hits


class DateComponent(RuleComponent):
    """Dates; ``reference_date`` (ISO, optional) resolves 今年/去年 to a year."""

    label = "DATE"
    finder_class = DateFinder
    rule_types = ("date",)

    def __init__(self, nlp: Language, name: str, spans_key: str, annotate_ents: bool, reference_date: str | None) -> None:
        super().__init__(nlp, name, spans_key, annotate_ents)
        self.reference_date = dt.date.fromisoformat(reference_date) if reference_date else None

    def find(self, doc: Doc, text: str, start: int, end: int, article: ArticleView) -> list[Hit]:
        return self.finder.find(text[start:end], reference_date=self.reference_date)


class BrandComponent(RuleComponent):
    label = "BRAND"
    finder_class = BrandFinder
    rule_types = ("brand",)


class QuantityComponent(RuleComponent):
    label = "QUANTITY"
    finder_class = QuantityFinder
    rule_types = ("unit",)


class DocumentComponent(RuleComponent):
    label = "DOCUMENT"
    finder_class = DocumentFinder
    rule_types = ("document",)


class LayoutComponent:
    """Splits the page into articles: ``doc.spans["zx_articles"]`` (one span per segment), bylines, and
    ``doc.spans["zx_furniture"]``: what was left out of every article (navigation, tables of contents,
    footers, meta lines, mastheads), ``Span._.zx`` = ``{"kind": ...}``.  Entity components read only
    article segments, so nothing is extracted from furniture."""

    def __init__(self, nlp: Language, name: str, annotate_ents: bool) -> None:
        self.name = name
        self.annotate_ents = annotate_ents

    def __call__(self, doc: Doc) -> Doc:
        segments, bylines = [], []
        page = page_layout(normalized_view(doc))
        for index, layout in enumerate(page.articles):
            published = None
            if layout.published is not None and layout.published_span is not None:
                published = {**_fields(layout.published), "offsets": list(layout.published_span)}
            info = {
                "kind": layout.kind,
                "section": layout.section,
                "title": layout.title,
                "subtitle": layout.subtitle,
                "title_span": list(layout.title_span) if layout.title_span else None,
                "published": published,
                "source": layout.source,
            }
            segments.extend((start, end, info, index) for start, end in layout.segments)
            bylines.extend((h.start, h.end, _fields(h.entity), index) for h in layout.bylines)
        furniture = [(start, end, {"kind": kind}, -1) for start, end, kind in page.furniture]
        doc = add_entity_spans(doc, ARTICLES_KEY, "ARTICLE", segments, annotate_ents=False)
        doc = add_entity_spans(doc, FURNITURE_KEY, "FURNITURE", furniture, annotate_ents=False)
        return add_entity_spans(doc, BYLINES_KEY, "CREDIT", bylines, annotate_ents=self.annotate_ents)


def _fields(entity: Any) -> dict[str, Any]:
    """An entity's fields for ``Span._.zx``: a shallow copy (``dataclasses.asdict`` deep-copies, slowly)."""
    return dict(vars(entity))


def _shift(start: int, hit: Hit) -> Hit:
    return Hit(start + hit.start, start + hit.end, hit.entity)


ENTITY_COMPONENTS: dict[str, type[RuleComponent]] = {
    "zx_districts": DistrictComponent,
    "zx_officials": OfficialComponent,
    "zx_brands": BrandComponent,
    "zx_quantities": QuantityComponent,
    "zx_dates": DateComponent,
    "zx_documents": DocumentComponent,
}
PIPE_NAMES = ["zx_layout", *ENTITY_COMPONENTS]


@Language.factory("zx_layout", default_config={"annotate_ents": True})
def make_layout(nlp: Language, name: str, annotate_ents: bool) -> LayoutComponent:
    return LayoutComponent(nlp, name, annotate_ents)


@Language.factory("zx_districts", default_config={"spans_key": "zx_districts", "annotate_ents": True})
def make_districts(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> DistrictComponent:
    return DistrictComponent(nlp, name, spans_key, annotate_ents)


@Language.factory(
    "zx_officials",
    default_config={"spans_key": "zx_officials", "annotate_ents": True, "districts_key": "zx_districts"},
)
def make_officials(nlp: Language, name: str, spans_key: str, annotate_ents: bool, districts_key: str) -> OfficialComponent:
    return OfficialComponent(nlp, name, spans_key, annotate_ents, districts_key)


@Language.factory("zx_brands", default_config={"spans_key": "zx_brands", "annotate_ents": True})
def make_brands(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> BrandComponent:
    return BrandComponent(nlp, name, spans_key, annotate_ents)


@Language.factory("zx_quantities", default_config={"spans_key": "zx_quantities", "annotate_ents": True})
def make_quantities(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> QuantityComponent:
    return QuantityComponent(nlp, name, spans_key, annotate_ents)


@Language.factory(
    "zx_dates", default_config={"spans_key": "zx_dates", "annotate_ents": True, "reference_date": None}
)
def make_dates(nlp: Language, name: str, spans_key: str, annotate_ents: bool, reference_date: str | None) -> DateComponent:
    return DateComponent(nlp, name, spans_key, annotate_ents, reference_date)


@Language.factory("zx_documents", default_config={"spans_key": "zx_documents", "annotate_ents": True})
def make_documents(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> DocumentComponent:
    return DocumentComponent(nlp, name, spans_key, annotate_ents)

