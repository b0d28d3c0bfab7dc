"""Documents: titles in 《》 (proposals, plans, reports), with a kind from ``rules/document_kinds.tsv``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

import regex
from pydantic import Field

from .finder import ArticleContext, RowFinder, packaged_rows
from .records import Document, DocumentKind, Hit
from .ruleset import RuleRow, alternation

RULE_TYPE = "document"  # the ``type`` of rules rows this finder takes


class DocumentRow(RuleRow):
    """A kind keyword: a title ending near it is of that kind."""

    keyword: str = Field(min_length=1)
    kind: DocumentKind


ROW_MODELS: dict[str, type[RuleRow]] = {RULE_TYPE: DocumentRow}
# Nested titles use 〈〉 (《关于〈…〉的建议》); a title never spans a paragraph.
_TITLE = regex.compile(r"《(?P<title>[^《》\n]+)》")
_SPACE = regex.compile(r"\s+")


@lru_cache(maxsize=1)
def _default_rows() -> tuple[dict[str, str], ...]:
    """Rows of ``rules/document_kinds.tsv`` (keyword, kind)."""
    return packaged_rows("document_kinds.tsv", RULE_TYPE)


class DocumentFinder(RowFinder):
    """Finds 《》 titles and classifies them by the kind keyword nearest the end of the title."""

    def __init__(self, rows: Iterable[dict[str, Any]] | None = None) -> None:
        """``rows`` as in :meth:`add`; None loads the packaged keywords."""
        self._kinds: dict[str, str] = {}
        self.add(_default_rows() if rows is None else rows)

    def to_rows(self) -> list[dict[str, str]]:
        """The keyword table as JSON-able rows."""
        return [{"type": RULE_TYPE, "keyword": k, "kind": v} for k, v in self._kinds.items()]

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override kind keywords: rows with ``keyword`` and ``kind`` (``type`` is ignored)."""
        for row in rows:
            keyword, kind = row.get("keyword"), row.get("kind")
            if not keyword or not kind:
                raise ValueError(f"bad document row: {row!r}")
            self._kinds[keyword] = kind
        keywords = alternation(self._kinds)
        # Searched backwards: the last keyword wins (《关于制定…规划的建议》 is a proposal, not a plan).
        self._keyword = regex.compile(rf"(?r)(?:{keywords})") if keywords else None

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]:
        """Every 《》 title in ``text``, in order (repeats included)."""
        hits: list[Hit] = []
        for match in _TITLE.finditer(text):
            title = _SPACE.sub("", match["title"])
            if title:
                hits.append(
                    Hit(
                        match.start(),
                        match.end(),
                        Document(
                            title=title, kind=cast(DocumentKind, self.kind(title)), text=match.group(), rule="document:title"
                        ),
                    )
                )
        return hits

    def kind(self, title: str) -> str:
        """proposal, plan, report or other, by the last kind keyword in the title."""
        found = self._keyword.search(title) if self._keyword else None
        return self._kinds[found.group()] if found else "other"
