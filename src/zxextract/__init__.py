"""zxextract: typed records from OCR pages of Chinese CPPCC (政协) newspapers."""

from .extractor import Extractor, load
from .records import Article, Brand, Credit, Date, District, Document, Official, Quantity

__all__ = ["Article", "Brand", "Credit", "Date", "District", "Document", "Extractor", "Official", "Quantity", "load", "parse"]


def parse(text: str, doc_id: str | None = None) -> list[Article]:
    """Articles of one page (loads the default pipeline once, then reuses it)."""
    global _default
    try:
        extractor = _default
    except NameError:
        extractor = _default = load()
    return extractor.parse(text, doc_id=doc_id)
