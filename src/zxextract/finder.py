"""What every extractor shares: rules held as JSON-able rows, so a spaCy component can save and load them."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from typing import Any, TypeVar

F = TypeVar("F", bound="RowFinder")


class RowFinder:
    """A finder built from rule rows; ``cls()`` holds the packaged rules.

    Subclasses take ``rows`` (None for the packaged ones) in ``__init__`` and
    implement ``add(rows)`` and ``to_rows()``; ``from_rows(to_rows())``
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


def packaged_rows(filename: str, rule_type: str, columns: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    """Rows of a tab-separated file in ``rules/`` (``#`` lines are comments), as rules rows of ``rule_type``."""
    text = resources.files("zxextract").joinpath("rules", filename).read_text(encoding="utf-8")
    return tuple(
        {"type": rule_type, **dict(zip(columns, line.split("\t")))}
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )
