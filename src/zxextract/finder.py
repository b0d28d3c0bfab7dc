"""The contract every extractor keeps: rules as rows, ``find(text, context)``, hits that name their rule.

A finder is built from rule rows (``default()`` holds the packaged ones,
``from_rows`` rebuilds it from ``to_rows()``), learns more with ``add`` and
finds entities with ``find(text, context)``.  Everything a finder may know
beyond its text comes in an :class:`ArticleContext` that the component builds
explicitly; no finder reads another component's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from .records import Date, District, Hit
from .ruleset import packaged_table

F = TypeVar("F", bound="RowFinder")


@dataclass
class ArticleContext:
    """What a finder may know beyond its text: the article's places and dates, declared in one place.

    ``districts`` are the written district hits inside the text being searched
    (offsets relative to it); ``district`` is the article's main district,
    ``prefecture`` and ``province`` the units the page and article name
    (``None`` when they name none); ``home`` is the province that decides
    ambiguous names when the page names nothing.
    """

    districts: list[Hit] = field(default_factory=list)
    district: District | None = None
    prefecture: District | None = None
    province: District | None = None
    home: str = "重庆市"
    reference_date: dt.date | None = None
    published: Date | None = None


@runtime_checkable
class Finder(Protocol):
    """What a component needs of a finder (see :class:`RowFinder` for the row plumbing)."""

    def to_rows(self) -> list[dict[str, Any]]: ...

    def add(self, rows: Iterable[dict[str, Any]]) -> None: ...

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]: ...

    def words(self) -> Iterator[str]: ...


class RowFinder:
    """A finder built from rule rows; ``cls()`` holds the packaged rules.

    Subclasses take ``rows`` (None for the packaged ones) in ``__init__`` and
    implement ``add(rows)``, ``to_rows()`` and ``find``; ``from_rows(to_rows())``
    rebuilds an equal finder.
    """

    def __init__(self, rows: Iterable[dict[str, Any]] | None = None) -> None:
        raise NotImplementedError

    @classmethod
    def default(cls: type[F]) -> F:
        """The finder with the packaged rules."""
        return cls()

    @classmethod
    def from_rows(cls: type[F], rows: Iterable[dict[str, Any]]) -> F:
        """A finder made only of rules rows (as written by :meth:`to_rows`)."""
        return cls(rows)

    def words(self) -> Iterator[str]:
        """Names the segmenter should keep whole; none by default."""
        return iter(())


def packaged_rows(filename: str, rule_type: str) -> tuple[dict[str, str], ...]:
    """Rows of a packaged table in ``rules/``, as rules rows of ``rule_type`` (validated when the finder adds them)."""
    return tuple({"type": rule_type, **row} for row in packaged_table(filename))
