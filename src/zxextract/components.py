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

from .brands import ROW_MODELS as BRAND_ROWS
from .brands import BrandFinder
from .dates import ROW_MODELS as DATE_ROWS
from .dates import DateFinder
from .districts import ROW_MODELS as DISTRICT_ROWS
from .districts import DistrictFinder
from .documents import ROW_MODELS as DOCUMENT_ROWS
from .documents import DocumentFinder
from .finder import ArticleContext
from .layout import page_layout
from .normalize import Normalized
from .officials import ROW_MODELS as OFFICIAL_ROWS
from .officials import OfficialFinder
from .quantities import ROW_MODELS as UNIT_ROWS
from .quantities import QuantityFinder
from .records import Date, District, Hit
from .ruleset import RuleRow, validate_rows
from .spans import add_entity_spans, extension
from .tokenizer import RAW_KEY, doc_text, raw_offsets

if not Doc.has_extension("zx_places"):  # article index → {"district", "prefecture", "province"} fields or None
    Doc.set_extension("zx_places", default=None)

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
    """A finder run over every article segment, with an :class:`ArticleContext` built from declared inputs.

    Rules: the packaged tables (``rules/``) plus the rows added to this
    component; ``to_disk`` saves only the added rows, so a saved pipeline picks
    up the package's current rules at load and carries what a user added.
    """

    label: ClassVar[str]
    finder_class: ClassVar[Any]
    row_models: ClassVar[dict[str, type[RuleRow]]]  # the ``type`` values of rules rows this component takes

    def __init__(self, nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> None:
        self.name = name
        self.spans_key = spans_key
        self.annotate_ents = annotate_ents
        self._added: list[dict[str, Any]] = []
        self._finder: Any = None

    @property
    def rule_types(self) -> tuple[str, ...]:
        return tuple(self.row_models)

    @property
    def finder(self) -> Any:
        """The packaged rules plus the added rows, built on first use (not twice)."""
        if self._finder is None:
            finder = self.finder_class.default()
            if self._added:
                finder.add(self._added)
            self._finder = finder
        return self._finder

    def context(self, doc: Doc, article: ArticleView, start: int, end: int) -> ArticleContext:
        """What the finder may know about the article besides the text of ``[start, end)``."""
        places = doc._.zx_places.get(article.index, {}) if Doc.has_extension("zx_places") and doc._.zx_places else {}
        published = article.info.get("published")
        return ArticleContext(
            district=_district(places.get("district")),
            prefecture=_district(places.get("prefecture")),
            province=_district(places.get("province")),
            published=Date(**{k: v for k, v in published.items() if k != "offsets"}) if published else None,
        )

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        items = []
        for article in articles(doc):
            for start, end in article.segments:
                for hit in self.finder.find(text[start:end], self.context(doc, article, start, end)):
                    items.append((start + hit.start, start + hit.end, _fields(hit.entity), article.index))
        return add_entity_spans(doc, self.spans_key, self.label, items, self.annotate_ents)

    def add(self, rows: Iterable[dict[str, Any]], source: str = "<rules>") -> None:
        """Add or override rules (rows of a rules file, or built in code), validated first."""
        checked = validate_rows(rows, self.row_models, source)
        self.finder.add(checked)
        self._added.extend(checked)

    def words(self) -> Iterator[str]:
        """Names the segmenter should keep whole (its user dictionary)."""
        yield from getattr(self.finder, "words", lambda: ())()

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / RULES_FILE, self._added)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RuleComponent":
        rules_file = ensure_path(path) / RULES_FILE
        self._load_added(list(srsly.read_jsonl(rules_file)) if rules_file.exists() else [], str(rules_file))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self._added)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "RuleComponent":
        self._load_added(srsly.msgpack_loads(data), "<bytes>")
        return self

    def _load_added(self, rows: list[dict[str, Any]], source: str) -> None:
        self._added = validate_rows(rows, self.row_models, source)
        self._finder = None


class DistrictComponent(RuleComponent):
    """Districts; also decides each article's places (``doc._.zx_places``), which later components read."""

    label = "DISTRICT"
    finder_class = DistrictFinder
    row_models = DISTRICT_ROWS

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
        places: dict[int, dict[str, Any]] = {}
        for article, per_segment, hits, main in found:
            places[article.index] = {
                "district": _fields(main) if main is not None else None,
                "province": _fields(page_province) if page_province is not None else None,
            }
            if main is not None:
                for (start, end), (_, written) in zip(article.segments, per_segment):
                    hits += [_shift(start, h) for h in self.finder.implicit(text[start:end], main, written)]
            items.extend((h.start, h.end, _fields(h.entity), article.index) for h in hits)
        doc._.zx_places = places
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
    row_models = OFFICIAL_ROWS

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
        text = doc_text(doc)
        items = []
        for article in articles(doc):
            for start, end in article.segments:
                segment = text[start:end]
                hits = self.finder.find(segment, self.context(doc, article, start, end))
                # Later bare mentions (王俊指出) go to the person's first binding, as page offsets.
                mentions = self.finder.link_mentions(segment, hits)
                for hit in hits:
                    hit.entity.mentions = [[start + s, start + e] for s, e in mentions.pop(hit.entity.name, ())]
                    items.append((start + hit.start, start + hit.end, _fields(hit.entity), article.index))
        return add_entity_spans(doc, self.spans_key, self.label, items, self.annotate_ents)

    def context(self, doc: Doc, article: ArticleView, start: int, end: int) -> ArticleContext:
        """The article's places, its written districts in ``[start, end)``, and the province as the
        district of an article that names none (``市政协`` in a citywide article of a Chongqing paper)."""
        context = super().context(doc, article, start, end)
        context.districts = [
            Hit(s - start, e - start, District(**fields))
            for s, e, fields in self._districts.get(article.index, ())
            if start <= s and e <= end
        ]
        if context.district is None:
            context.district = context.province
        return context


class DateComponent(RuleComponent):
    """Dates; ``reference_date`` (ISO, optional) resolves 今年/去年 to a year."""

    label = "DATE"
    finder_class = DateFinder
    row_models = DATE_ROWS

    def __init__(self, nlp: Language, name: str, spans_key: str, annotate_ents: bool, reference_date: str | None) -> None:
        super().__init__(nlp, name, spans_key, annotate_ents)
        self.reference_date = dt.date.fromisoformat(reference_date) if reference_date else None

    def context(self, doc: Doc, article: ArticleView, start: int, end: int) -> ArticleContext:
        context = super().context(doc, article, start, end)
        context.reference_date = self.reference_date
        return context


class BrandComponent(RuleComponent):
    label = "BRAND"
    finder_class = BrandFinder
    row_models = BRAND_ROWS


class QuantityComponent(RuleComponent):
    label = "QUANTITY"
    finder_class = QuantityFinder
    row_models = UNIT_ROWS


class DocumentComponent(RuleComponent):
    label = "DOCUMENT"
    finder_class = DocumentFinder
    row_models = DOCUMENT_ROWS


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


def _district(fields: dict[str, Any] | None) -> District | None:
    return District(**fields) if fields else None


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


@Language.factory("zx_layout", default_config={"annotate_ents": True}, assigns=["doc.spans", "doc.ents"])
def make_layout(nlp: Language, name: str, annotate_ents: bool) -> LayoutComponent:
    return LayoutComponent(nlp, name, annotate_ents)


@Language.factory(
    "zx_districts",
    default_config={"spans_key": "zx_districts", "annotate_ents": True},
    assigns=["doc.spans", "doc.ents", "doc._.zx_places"],
)
def make_districts(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> DistrictComponent:
    return DistrictComponent(nlp, name, spans_key, annotate_ents)


@Language.factory(
    "zx_officials",
    default_config={"spans_key": "zx_officials", "annotate_ents": True, "districts_key": "zx_districts"},
    assigns=["doc.spans", "doc.ents"],
    requires=["doc.spans", "doc._.zx_places"],
)
def make_officials(nlp: Language, name: str, spans_key: str, annotate_ents: bool, districts_key: str) -> OfficialComponent:
    return OfficialComponent(nlp, name, spans_key, annotate_ents, districts_key)


@Language.factory("zx_brands", default_config={"spans_key": "zx_brands", "annotate_ents": True}, assigns=["doc.spans", "doc.ents"])
def make_brands(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> BrandComponent:
    return BrandComponent(nlp, name, spans_key, annotate_ents)


@Language.factory(
    "zx_quantities", default_config={"spans_key": "zx_quantities", "annotate_ents": True}, assigns=["doc.spans", "doc.ents"]
)
def make_quantities(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> QuantityComponent:
    return QuantityComponent(nlp, name, spans_key, annotate_ents)


@Language.factory(
    "zx_dates",
    default_config={"spans_key": "zx_dates", "annotate_ents": True, "reference_date": None},
    assigns=["doc.spans", "doc.ents"],
)
def make_dates(nlp: Language, name: str, spans_key: str, annotate_ents: bool, reference_date: str | None) -> DateComponent:
    return DateComponent(nlp, name, spans_key, annotate_ents, reference_date)


@Language.factory(
    "zx_documents", default_config={"spans_key": "zx_documents", "annotate_ents": True}, assigns=["doc.spans", "doc.ents"]
)
def make_documents(nlp: Language, name: str, spans_key: str, annotate_ents: bool) -> DocumentComponent:
    return DocumentComponent(nlp, name, spans_key, annotate_ents)

