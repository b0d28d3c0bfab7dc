"""Documents: titles in 《》 (proposals, plans, reports), with a kind from ``rules/document_kinds.tsv``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import regex

from .records import Document, Hit

KindRow = tuple[str, str]  # (keyword, kind)
# Nested titles use 〈〉 (《关于〈…〉的建议》); a title never spans a paragraph.
_TITLE = regex.compile(r"《(?P<title>[^《》\n]+)》")
_SPACE = regex.compile(r"\s+")


@lru_cache(maxsize=1)
def _default_rows() -> tuple[KindRow, ...]:
    text = resources.files("zxextract").joinpath("rules/document_kinds.tsv").read_text(encoding="utf-8")
    rows: list[KindRow] = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            keyword, kind = line.split("\t")
            rows.append((keyword, kind))
    return tuple(rows)


class DocumentFinder:
    """Finds 《》 titles and classifies them by the kind keyword nearest the end of the title."""

    def __init__(self, rows: Iterable[KindRow] | None = None) -> None:
        self._rows = list(_default_rows() if rows is None else rows)
        self._kinds = dict(self._rows)
        keywords = "|".join(regex.escape(k) for k in sorted(self._kinds, key=len, reverse=True))
        # The last keyword wins: 《关于制定…规划的建议》 is a proposal, not a plan.
        self._keyword = regex.compile(rf"(?r)(?:{keywords})") if keywords else None

    def to_rows(self) -> list[KindRow]:
        """The keyword table, for serialization."""
        return list(self._rows)

    def find(self, text: str) -> list[Hit]:
        """Every 《》 title in ``text``, in order (repeats included)."""
        hits: list[Hit] = []
        for match in _TITLE.finditer(text):
            title = _SPACE.sub("", match["title"])
            if title:
                hits.append(Hit(match.start(), match.end(), Document(title=title, kind=self.kind(title), text=match.group())))
        return hits

    def kind(self, title: str) -> str:
        """proposal, plan, report or other, by the last kind keyword in the title."""
        found = self._keyword.search(title) if self._keyword else None
        return self._kinds[found.group()] if found else "other"
