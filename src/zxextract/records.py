"""Typed records: the JSON Lines contract of SCHEMA.md as plain dataclasses.

Every entity carries ``text`` (its surface form in normalized text),
``span`` ([start, end] into the *raw* input) and ``rule`` (the rule that
found it, e.g. ``official:name_first``).  Extractors build these objects
with a placeholder span; the pipeline maps spans to raw offsets when it
assembles an :class:`Article`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from dataclasses_json import dataclass_json

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


@dataclass_json
@dataclass
class Credit:
    """Who wrote or photographed an article."""

    name: str
    role: CreditRole
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: Optional[str] = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass_json
@dataclass
class District:
    """An administrative unit or zone named (or implied) by the text."""

    name: str
    code: Optional[str]
    level: Level
    province_name: Optional[str] = None
    implicit: bool = False
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: Optional[str] = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass_json
@dataclass
class Official:
    """One (person, position) binding; ``mentions`` holds later bare mentions."""

    name: str
    role: str
    org: Optional[str]
    district: Optional[str] = None
    category: Category = "other"
    text: str = ""
    span: Span = field(default_factory=_no_span)
    mentions: list[Span] = field(default_factory=list)
    rule: Optional[str] = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass_json
@dataclass
class Brand:
    """A named programme, platform, campaign, mechanism, studio or brand."""

    name: str
    parent: Optional[str] = None
    kind: BrandKind = "other"
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: Optional[str] = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass_json
@dataclass
class Quantity:
    """A number with a measure word or unit, multipliers folded into ``value``."""

    value: Optional[float]
    value_max: Optional[float] = None
    unit: str = ""
    qualifier: Optional[str] = None
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: Optional[str] = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass_json
@dataclass
class Date:
    """A calendar date written with numbers; missing parts are None."""

    year: Optional[int] = None
    month: Optional[int] = None
    day: Optional[int] = None
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: Optional[str] = None  # which rule found it (``family:rule``), for whoever tunes the rules


@dataclass_json
@dataclass
class Document:
    """A title in 《》."""

    title: str
    kind: DocumentKind = "other"
    text: str = ""
    span: Span = field(default_factory=_no_span)
    rule: Optional[str] = None  # which rule found it (``family:rule``), for whoever tunes the rules


Entity = Credit | District | Official | Brand | Quantity | Date | Document


@dataclass_json
@dataclass
class Article:
    """One article of a page, with everything extracted from it."""

    doc_id: str
    index: int
    kind: ArticleKind
    section: Optional[str] = None
    title: Optional[str] = None
    subtitle: Optional[str] = None
    published: Optional[Date] = None  # the publication date the page prints for it (发布时间, edition date): not one of ``dates``
    source: Optional[str] = None  # the outlet a ``来源:`` line names, as printed
    bylines: list[Credit] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    text: str = ""
    districts: list[District] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    brands: list[Brand] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[Date] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)


@dataclass(frozen=True)
class Hit:
    """What an extractor finds: offsets into the text it was given, and the entity.

    Offsets are relative to the normalized string passed to the extractor;
    the pipeline shifts them to the page and maps them to the raw input.
    """

    start: int
    end: int
    entity: Entity
