"""zxextract: typed records from OCR pages of Chinese CPPCC (政协) newspapers.

>>> import zxextract
>>> articles = zxextract.parse(page_text)          # list[Article]
>>> extractor = zxextract.load(segmenter="char")    # load once, parse many
>>> zxextract.to_frame(articles, "officials")       # a pandas DataFrame (the pandas extra)
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .frames import to_frame
from .records import Article, Brand, Credit, Date, District, Document, Official, Quantity

if TYPE_CHECKING:
    from .extractor import Extractor

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Brand",
    "Credit",
    "Date",
    "District",
    "Document",
    "Extractor",
    "Official",
    "Quantity",
    "__version__",
    "load",
    "parse",
    "to_frame",
]


def __getattr__(name: str) -> Any:
    # spaCy and the pipeline load on first use, so `import zxextract` stays cheap.
    if name in ("Extractor", "load"):
        from . import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module 'zxextract' has no attribute {name!r}")


@lru_cache(maxsize=1)
def _default_extractor() -> Extractor:
    from .extractor import load

    return load()


def parse(text: str | bytes, doc_id: str | None = None, encoding: str | None = None) -> list[Article]:
    """Articles of one page with the default pipeline (loaded on first use, then reused)."""
    return _default_extractor().parse(text, doc_id=doc_id, encoding=encoding)
