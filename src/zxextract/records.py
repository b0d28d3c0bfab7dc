"""Typed records: the JSON Lines contract of docs/records.md as plain dataclasses.

Every entity carries ``text`` (its surface form in normalized text),
``span`` ([start, end] into the *raw* input) and ``rule`` (the rule that
found it, e.g. ``official:name_first``).  Extractors build these objects
with a placeholder span; the pipeline maps spans to raw offsets when it
assembles an :class:`Article`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from dataclasses_json import DataClassJsonMixin

Span = list[int]  # [start, end] into the raw input

# The enumerated fields of SCHEMA.md (checked by type checkers; JSON carries the plain strings).
ArticleKind = Literal["report", "brief", "photo", "continuation", "other"]
CreditRole = Literal["reporter", "correspondent", "photographer", "editor", "author"]
Level = Literal["province", "prefecture", "county", "zone", "township", "village"]
Category = Literal["cppcc", "party", "government", "npc", "democratic_party", "enterprise", "institution", "other"]
BrandKind = Literal["platform", "studio", "campaign", "mechanism", "brand", "other"]
DocumentKind = Literal["proposal", "plan", "report", "other"]


def _no_span() -> Span:
    return [0, 0]


class Record(DataClassJsonMixin):
    """Base of every record: dataclasses-json's ``to_dict``/``from_dict``/``from_json``, and ``to_json`` in readable UTF-8."""

    def to_json(self, *, ensure_ascii: bool = False, **kwargs: Any) -> str:
        """JSON with the Chinese characters as written (dataclasses-json would escape every one by default)."""
        return super().to_json(ensure_ascii=ensure_ascii, **kwargs)


@dataclass
class Credit(Record):
    """Who wrote or photographed an article."""

    name: str
    role: CreditRole
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: str | None = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass
class District(Record):
    """An administrative unit or zone named (or implied) by the text."""

    name: str
    code: str | None
    level: Level
    province_name: str | None = None
    implicit: bool = False
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: str | None = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass
class Official(Record):
    """One (person, position) binding; ``mentions`` holds later bare mentions."""

    name: str
    role: str
    org: str | None
    district: str | None = None
    category: Category = "other"
    text: str = ""
    span: Span = field(default_factory=_no_span)
    mentions: list[Span] = field(default_factory=list)
    rule: str | None = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass
class Brand(Record):
    """A named programme, platform, campaign, mechanism, studio or brand."""

    name: str
    parent: str | None = None
    kind: BrandKind = "other"
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: str | None = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass
class Quantity(Record):
    """A number with a measure word or unit, multipliers folded into ``value``."""

    value: float | None
    value_max: float | None = None
    unit: str = ""
    qualifier: str | None = None
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: str | None = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass
class Date(Record):
    """A calendar date written with numbers; missing parts are None."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: str | None = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass
class Document(Record):
    """A title in 《》."""

    title: str
    kind: DocumentKind = "other"
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: str | None = None  # which rule found it (``family:rule``), for whoever tunes the rules


Entity = Credit | District | Official | Brand | Quantity | Date | Document


@dataclass(repr=False)
class Article(Record):
    """One article of a page, with everything extracted from it."""

    doc_id: str
    index: int
    kind: ArticleKind
    section: str | None = None
    title: str | None = None
    subtitle: str | None = None
    published: Date | None = None  # the publication date the page prints for it (发布时间, edition date): not one of ``dates``
    source: str | None = None  # the outlet a ``来源:`` line names, as printed
    bylines: list[Credit] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    text: str = ""
    districts: list[District] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    brands: list[Brand] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[Date] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def __repr__(self) -> str:
        return _article_repr(self)

    def _repr_html_(self) -> str:
        """The notebook view: the article with its entities highlighted."""
        return _article_html(self)


# --- display: readable JSON, a short repr, an HTML view for notebooks ------------------------------------------

ENTITY_TYPES = ("districts", "officials", "brands", "quantities", "dates", "documents", "bylines")
LABELS = {
    "districts": "DISTRICT",
    "officials": "OFFICIAL",
    "brands": "BRAND",
    "quantities": "QUANTITY",
    "dates": "DATE",
    "documents": "DOCUMENT",
    "bylines": "CREDIT",
}
COLORS = {  # one colour per entity label, shared by the notebook view and displaCy (render.py)
    "DISTRICT": "#7aecec",
    "OFFICIAL": "#feca74",
    "BRAND": "#aa9cfc",
    "QUANTITY": "#e4e7d2",
    "DATE": "#bfe1d9",
    "DOCUMENT": "#ff9561",
    "CREDIT": "#c887fb",
}
_TITLE_SHOWN = 40  # characters of the title in repr()


def date_text(date: Date) -> str:
    """``2025-03-27``, ``2023-04``, ``?-08-24``: the parts a Date has, ISO-like."""
    parts = [str(date.year) if date.year is not None else "?"]
    parts += [f"{part:02d}" for part in (date.month, date.day) if part is not None]
    return "-".join(parts)


def _article_repr(self: Article) -> str:
    """One line: where it is, its kind and title, how many entities of each type (the text stays out)."""
    title = self.title if self.title is None or len(self.title) <= _TITLE_SHOWN else self.title[:_TITLE_SHOWN] + "…"
    counts = ", ".join(f"{name}={len(getattr(self, name))}" for name in ENTITY_TYPES)
    return f"Article(doc_id={self.doc_id!r}, index={self.index}, kind={self.kind!r}, title={title!r}, {counts})"


def _describe(entity: Entity) -> str:
    """The tooltip of a highlighted entity: its fields besides text and spans."""
    skip = {"text", "span", "mentions", "rule"}
    fields = (f"{key}={value}" for key, value in entity.to_dict().items() if key not in skip and value not in (None, False))
    return " ".join(fields) + (f" ({entity.rule})" if entity.rule else "")


def _marks(article: Article) -> list[tuple[int, int, str, str]]:
    """(start, end, label, tooltip) in ``article.text``: every occurrence of each entity's surface form.

    Entity spans point into the raw page, which an Article does not hold, so
    the view finds the normalized surface forms in the normalized text; longer
    forms win where two overlap.
    """
    forms: dict[str, tuple[str, str]] = {}
    for name in ENTITY_TYPES:
        for entity in getattr(article, name):
            if entity.text.strip():
                forms.setdefault(entity.text, (LABELS[name], _describe(entity)))
    taken = [False] * len(article.text)
    marks = []
    for form in sorted(forms, key=len, reverse=True):
        start = article.text.find(form)
        while start >= 0:
            end = start + len(form)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(form)
                marks.append((start, end, *forms[form]))
            start = article.text.find(form, end)
    return sorted(marks)


def _highlighted(article: Article) -> str:
    """The article's text as escaped HTML with its entities marked in their colours."""
    out, at = [], 0
    for start, end, label, tooltip in _marks(article):
        out.append(html.escape(article.text[at:start]))
        out.append(
            f'<mark title="{html.escape(label + ": " + tooltip)}" style="background:{COLORS[label]};'
            f'padding:0 .15em;border-radius:.25em">{html.escape(article.text[start:end])}'
            f'<sup style="font-size:.6em;opacity:.7">{label}</sup></mark>'
        )
        at = end
    out.append(html.escape(article.text[at:]))
    return "".join(out)


def _article_html(self: Article) -> str:
    """Jupyter's view of an Article: heading, credits, publication, then the text with entities in colour."""
    where = " · ".join(part for part in (f"{self.doc_id} #{self.index}", self.kind, self.section) if part)
    lines = [f'<div style="font-size:.85em;color:#666">{html.escape(where)}</div>']
    if self.title:
        lines.append(f'<div style="font-size:1.2em;font-weight:bold">{html.escape(self.title)}</div>')
    if self.subtitle:
        lines.append(f"<div>{html.escape(self.subtitle)}</div>")
    about = [", ".join(f"{credit.name} ({credit.role})" for credit in self.bylines)]
    published = getattr(self, "published", None)
    if published is not None:
        about.append(f"published {date_text(published)}")
    source = getattr(self, "source", None)
    if source:
        about.append(f"source {source}")
    if any(about):
        lines.append(f'<div style="font-size:.85em">{html.escape(" · ".join(part for part in about if part))}</div>')
    lines.append(f'<div style="white-space:pre-wrap;line-height:1.9;margin-top:.4em">{_highlighted(self)}</div>')
    return '<div class="zx-article">' + "".join(lines) + "</div>"


E = TypeVar("E", Credit, District, Official, Brand, Quantity, Date, Document)


@dataclass(frozen=True)
class Hit(Generic[E]):
    """What an extractor finds: offsets into the text it was given, and the entity.

    Offsets are relative to the normalized string passed to the extractor;
    the pipeline shifts them to the page and maps them to the raw input.
    """

    start: int
    end: int
    entity: E
