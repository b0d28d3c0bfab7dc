"""Doc → Article records: gather each article's spans, map offsets to the raw input, merge repeats.

Per SCHEMA.md: districts, officials, brands and documents are listed once
per article (a later mention of the same official becomes one of its
``mentions``; an implicit district gives way to a written one), quantities and
dates once per occurrence.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from spacy.tokens import Doc

from .components import BYLINES_KEY, articles, normalized_view
from .records import Article, Brand, Credit, Date, District, Document, Official, Quantity
from .spans import extension

# record field → (record class, identity of a repeat or None to keep every occurrence); the spans key of each
# field is the one its component was configured with and announced in ``doc._.zx_span_keys``.
_FIELDS: dict[str, tuple[type, Callable[[Any], Hashable] | None]] = {
    "districts": (District, lambda d: d.code or d.name),
    "officials": (Official, lambda o: (o.name, o.role, o.org)),
    "brands": (Brand, lambda b: b.name),
    "quantities": (Quantity, None),
    "dates": (Date, None),
    "documents": (Document, lambda d: d.title),
}


def build_articles(doc: Doc, doc_id: str) -> list[Article]:
    """The Article records of a processed Doc, in reading order."""
    norm = normalized_view(doc)
    text = norm.text
    # Each span's offsets and fields read once: a SpanGroup makes a new Span on every access.
    by_article: dict[tuple[str, int], list[tuple[int, int, dict[str, Any]]]] = {}
    keys = doc._.zx_span_keys or {}  # what each component wrote under its configured spans_key
    for key in (BYLINES_KEY, *keys.values()):
        for span in doc.spans.get(key, []):
            found = (span.start_char, span.end_char, extension(span, "zx"))
            by_article.setdefault((key, extension(span, "zx_article")), []).append(found)
    result = []
    for view in articles(doc):
        info = view.info

        def records(key: str, cls: type, index: int = view.index) -> list[Any]:
            out = []
            for start, end, fields in sorted(by_article.get((key, index), []), key=lambda hit: hit[0]):
                record = cls(**fields)
                record.text = text[start:end]
                record.span = norm.raw_span(start, end)
                if isinstance(record, Official):  # mentions are stored as page offsets
                    record.mentions = [norm.raw_span(s, e) for s, e in record.mentions]
                out.append(record)
            return out

        article = Article(
            doc_id=doc_id,
            index=view.index,
            kind=info.get("kind", "other"),
            section=info.get("section"),
            title=info.get("title"),
            subtitle=info.get("subtitle"),
            published=_published(norm, info.get("published")),
            source=info.get("source"),
            bylines=records(BYLINES_KEY, Credit),
            spans=[norm.raw_span(s, e) for s, e in view.segments],
            text="\n".join(text[s:e] for s, e in view.segments),
        )
        for field, (cls, identity) in _FIELDS.items():
            entities = records(keys[field], cls) if field in keys else []
            setattr(article, field, _merge(field, entities, identity) if identity else entities)
        result.append(article)
    return result


def _published(norm: Any, fields: dict[str, Any] | None) -> Date | None:
    """The article's publication stamp (layout info: Date fields plus normalized ``offsets``) as a Date at raw offsets."""
    if not fields:
        return None
    start, end = fields["offsets"]
    date = Date(**{k: v for k, v in fields.items() if k not in ("offsets", "text", "span")})
    date.text = norm.text[start:end]
    date.span = norm.raw_span(start, end)
    return date


def _merge(field: str, found: list[Any], identity: Callable[[Any], Hashable]) -> list[Any]:
    """One record per identity, first occurrence first; repeats become mentions or are dropped."""
    if field == "districts":  # a written name outranks an implicit one
        found = sorted(found, key=lambda d: d.implicit)
    kept: dict[Hashable, Any] = {}
    for record in found:
        key = identity(record)
        if key not in kept:
            kept[key] = record
        elif field == "officials":
            kept[key].mentions.append(record.span)
    merged = list(kept.values())
    return sorted(merged, key=lambda r: r.span[0]) if field == "districts" else merged
