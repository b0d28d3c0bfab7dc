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
from .districts import HOME, DistrictFinder
from .districts import ROW_MODELS as DISTRICT_ROWS
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

if not Doc.has_extension("zx_span_keys"):  # Article field → the spans key its component wrote (config: spans_key)
    Doc.set_extension("zx_span_keys", default=None)
if not Doc.has_extension("zx_places"):  # article index → {"district", "prefecture", "province": fields or None, "home": name}
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
    field: ClassVar[str]  # the Article field its hits fill (``districts``, ``officials`` …)
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
            home=places.get("home") or HOME,
            published=Date(**{k: v for k, v in published.items() if k != "offsets"}) if published else None,
        )

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        items = []
        for article in articles(doc):
            for start, end in article.segments:
                for hit in self.finder.find(text[start:end], self.context(doc, article, start, end)):
                    items.append((start + hit.start, start + hit.end, _fields(hit.entity), article.index))
        return self._write(doc, items)

    def _write(self, doc: Doc, items: list[tuple[int, int, dict[str, Any], int]]) -> Doc:
        """Put the hits on ``doc.spans[spans_key]`` and say under which key (``doc._.zx_span_keys``), for assembly."""
        doc = add_entity_spans(doc, self.spans_key, self.label, items, self.annotate_ents)
        doc._.zx_span_keys = {**(doc._.zx_span_keys or {}), self.field: self.spans_key}
        return doc

    def add(self, rows: Iterable[dict[str, Any]], source: str = "<rules>") -> None:
        """Add or override rules (rows of a rules file, or built in code), validated first."""
        checked = validate_rows(rows, self.row_models, source)
        self.finder.add(checked)
        self._added.extend(checked)

    def words(self) -> Iterator[str]:
        """Names the segmenter should keep whole (its user dictionary)."""
        yield from getattr(self.finder, "words", lambda: ())()

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / RULES_FILE, self._added)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RuleComponent:
        rules_file = ensure_path(path) / RULES_FILE
        self._load_added(list(srsly.read_jsonl(rules_file)) if rules_file.exists() else [], str(rules_file))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self._added)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RuleComponent:
        self._load_added(srsly.msgpack_loads(data), "<bytes>")
        return self

    def _load_added(self, rows: list[dict[str, Any]], source: str) -> None:
        self._added = validate_rows(rows, self.row_models, source)
        self._finder = None


class DistrictComponent(RuleComponent):
    """Districts; also decides each article's places (``doc._.zx_places``), which later components read.

    Places come from what the page names: written provinces and prefectures
    (``浙江省``, ``宁波市政协``) and the parents of the counties it names, the
    article's own names winning over the rest of the page's.  A first pass
    reads the names with only the home province; when the places it finds are
    elsewhere, the article is read again with them, so that ambiguous names
    (``江北区`` on a Ningbo page) resolve to the page's own units.
    """

    label = "DISTRICT"
    field = "districts"
    finder_class = DistrictFinder
    row_models = DISTRICT_ROWS

    def __init__(self, nlp: Language, name: str, spans_key: str, annotate_ents: bool, home: str = HOME) -> None:
        super().__init__(nlp, name, spans_key, annotate_ents)
        self.home = home

    @property
    def finder(self) -> Any:
        """The finder, its home checked against the gazetteer on first use (:meth:`check_home`)."""
        finder = super().finder
        if finder.home != self.home:
            finder.home = self.home = finder.province_called(self.home)
        return finder

    def check_home(self) -> str:
        """The home province's full name (``浙江`` → ``浙江省``); a ValueError when it is no province."""
        return self.finder.home

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        home = ArticleContext(home=self.home)
        views = articles(doc)
        first = [self._read(text, article, home) for article in views]
        page_votes = _Votes(self.finder, text, [hit for _, hits in first for hit in hits])
        items: list[Any] = []
        places: dict[int, dict[str, Any]] = {}
        for article, (per_segment, hits) in zip(views, first):
            title_end = (article.info.get("title_span") or (0, 0))[1]
            province, prefecture = _places(self.finder, _Votes(self.finder, text, hits), page_votes)
            main = self.finder.main_district(hits, title_end)
            if (
                (province is not None and province.name != self.home)
                or prefecture is not None
                or (main is not None and self._shared_townships(hits))
            ):
                inside = main is not None and (province is None or main.province_name == province.name)
                context = ArticleContext(
                    district=main if inside else None, prefecture=prefecture, province=province, home=self.home
                )
                per_segment, hits = self._read(text, article, context)
                main = self.finder.main_district(hits, title_end)
                if main is None:
                    main = self._own_district(text, article, context, per_segment, hits)
            places[article.index] = {
                "district": _fields(main) if main is not None else None,
                "prefecture": _fields(prefecture) if prefecture is not None else None,
                "province": _fields(province) if province is not None else None,
                "home": self.home,
            }
            if main is not None:
                for (start, end), (_, written) in zip(article.segments, per_segment):
                    hits += [_shift(start, h) for h in self.finder.implicit(text[start:end], main, written)]
            items.extend((h.start, h.end, _fields(h.entity), article.index) for h in hits)
        doc._.zx_places = places
        return self._write(doc, items)

    def _read(self, text: str, article: ArticleView, context: ArticleContext) -> tuple[list[tuple[int, list[Hit]]], list[Hit]]:
        """The article's hits per segment (segment offsets) and all of them (page offsets)."""
        per_segment = [(start, self.finder.find(text[start:end], context)) for start, end in article.segments]
        return per_segment, [_shift(start, hit) for start, segment_hits in per_segment for hit in segment_hits]

    def _shared_townships(self, hits: list[Hit]) -> bool:
        """Whether a township name read in the home province is shared by several townships."""
        return any(h.entity.level == "township" and self.finder.ambiguous(h.entity.text, townships=True) for h in hits)

    def _own_district(
        self, text: str, article: ArticleView, context: ArticleContext, per_segment: list[tuple[int, list[Hit]]], hits: list[Hit]
    ) -> District | None:
        """An article naming no county that speaks of its own (``县政协``) is about the one county of its
        province it names by a short name (``威宁``); those names become hits (``district:short+own``)."""
        found = [(start, self.finder.own_candidates(text[start:end], context)) for start, end in article.segments]
        units = {(h.entity.code, h.entity.name) for _, candidates in found for h in candidates}
        if len(units) != 1:
            return None
        own = next(h.entity for _, candidates in found for h in candidates)
        speaks_of_itself = any(
            self.finder.implicit(text[start:end], own, written)
            for (start, end), (_, written) in zip(article.segments, per_segment)
        )
        if not speaks_of_itself:
            return None
        for (start, candidates), (_, written) in zip(found, per_segment):
            written.extend(candidates)
            written.sort(key=lambda h: h.start)
            hits.extend(_shift(start, h) for h in candidates)
        hits.sort(key=lambda h: h.start)
        return own


class _Votes:
    """Which provinces and prefectures a set of hits names: each written name votes for its units.

    A province or prefecture votes for itself; a county or zone votes for its
    province and prefecture.  A vote is firm when its name is unambiguous (or
    was read after its parent), is not a province's short name (``贵州`` in a
    slogan) and is no destination (``赴浙江省考察``: where the article's people
    go, not where they are); other votes only break ties.
    """

    def __init__(self, finder: DistrictFinder, text: str, hits: list[Hit]) -> None:
        self.provinces: dict[str, tuple[str, list[int]]] = {}  # name → (name, [firm votes, all votes, -first position])
        self.prefectures: dict[str, tuple[District, list[int]]] = {}  # code → (unit, votes)
        for hit in hits:
            entity = hit.entity
            if entity.implicit or entity.level == "township" or not entity.province_name:
                continue
            rule = entity.rule or ""
            firm = (
                (not finder.ambiguous(entity.text) or rule.endswith("+parent"))
                and not (entity.level == "province" and rule.startswith("district:short"))
                and not finder.destination(text, hit.start, entity)
            )
            _vote(self.provinces.setdefault(entity.province_name, (entity.province_name, [0, 0, -hit.start]))[1], firm)
            prefecture = entity if entity.level == "prefecture" else finder.prefecture_of(entity)
            if prefecture is not None and prefecture.code:
                _vote(self.prefectures.setdefault(prefecture.code, (prefecture, [0, 0, -hit.start]))[1], firm)


def _vote(votes: list[int], firm: bool) -> None:
    votes[0] += firm
    votes[1] += 1


def _best(article: dict[str, tuple[Any, list[int]]], page: dict[str, tuple[Any, list[int]]]) -> Any:
    """The candidate with the most firm votes in the article, then in the page, then with the most votes
    (article, page), then the earliest; None when there is none."""
    none = (None, [0, 0, 0])

    def key(k: str) -> tuple[int, ...]:
        (a_firm, a_all, a_first), (p_firm, p_all, p_first) = article.get(k, none)[1], page.get(k, none)[1]
        return (a_firm, p_firm, a_all, p_all, a_first if a_all else p_first)

    keys = set(article) | set(page)
    if not keys:
        return None
    best = max(sorted(keys), key=key)
    return (article.get(best) or page[best])[0]


def _places(finder: DistrictFinder, article: _Votes, page: _Votes) -> tuple[District | None, District | None]:
    """The article's province and its prefecture inside that province, from the article's and the page's votes."""
    name = _best(article.provinces, page.provinces)
    province = finder.province_named(name) if name is not None else None
    if province is None:
        return None, None

    def inside(votes: dict[str, tuple[District, list[int]]]) -> dict[str, tuple[District, list[int]]]:
        return {code: item for code, item in votes.items() if item[0].province_name == province.name}

    return province, _best(inside(article.prefectures), inside(page.prefectures))


class OfficialComponent(RuleComponent):
    """Officials, bound to bodies whose district comes from the text or the article."""

    label = "OFFICIAL"
    field = "officials"
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
        return self._write(doc, items)

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
    field = "dates"
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
    field = "brands"
    finder_class = BrandFinder
    row_models = BRAND_ROWS


class QuantityComponent(RuleComponent):
    label = "QUANTITY"
    field = "quantities"
    finder_class = QuantityFinder
    row_models = UNIT_ROWS


class DocumentComponent(RuleComponent):
    label = "DOCUMENT"
    field = "documents"
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
        segments: list[tuple[int, int, dict[str, Any], int]] = []
        bylines: list[tuple[int, int, dict[str, Any], int]] = []
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
    default_config={"spans_key": "zx_districts", "annotate_ents": True, "home": HOME},
    assigns=["doc.spans", "doc.ents", "doc._.zx_places"],
)
def make_districts(nlp: Language, name: str, spans_key: str, annotate_ents: bool, home: str) -> DistrictComponent:
    """``home``: the province that decides ambiguous names when the page names none (default 重庆市)."""
    return DistrictComponent(nlp, name, spans_key, annotate_ents, home)


@Language.factory(
    "zx_officials",
    default_config={"spans_key": "zx_officials", "annotate_ents": True, "districts_key": "zx_districts"},
    assigns=["doc.spans", "doc.ents"],
    requires=["doc.spans", "doc._.zx_places"],
)
def make_officials(nlp: Language, name: str, spans_key: str, annotate_ents: bool, districts_key: str) -> OfficialComponent:
    return OfficialComponent(nlp, name, spans_key, annotate_ents, districts_key)


@Language.factory(
    "zx_brands", default_config={"spans_key": "zx_brands", "annotate_ents": True}, assigns=["doc.spans", "doc.ents"]
)
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
