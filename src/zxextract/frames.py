"""Articles as pandas DataFrames: one row per article, or one row per entity of a type.

pandas is an optional extra (``pip install 'zxextract[pandas]'``); it is
imported only when a frame is built. Every row carries ``doc_id``,
``article`` (the article's index on its page) and ``title``, so that a table
of officials or quantities can be grouped or joined back to its articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .records import (
    ENTITY_TYPES,
    Article,
    Brand,
    Credit,
    Date,
    District,
    Document,
    Entity,
    Official,
    Quantity,
    date_text,
)

if TYPE_CHECKING:
    import pandas

Records = str | Path | Iterable[Article] | Iterable[tuple[str, list[Article]]]

KINDS = ("articles", *ENTITY_TYPES, "entities")
KEYS = ["doc_id", "article", "title"]
ENTITY_CLASSES: dict[str, type] = {
    "districts": District,
    "officials": Official,
    "brands": Brand,
    "quantities": Quantity,
    "dates": Date,
    "documents": Document,
    "bylines": Credit,
}
# Columns whose missing values are None: pandas' nullable integer keeps 2023 an int instead of 2023.0.
INTEGERS = {"start", "end", "year", "month", "day", "published_year", "published_month", "published_day"}


def to_frame(records: Records, kind: str = "articles") -> pandas.DataFrame:
    """A DataFrame of ``records``: a list of Articles, ``(doc_id, articles)`` pairs from
    :meth:`Extractor.pipe`, or the path of a JSONL export.

    ``kind``: ``"articles"`` (one row per article: its fields and how many
    entities of each type it has), one entity type (``"districts"``,
    ``"officials"``, ``"brands"``, ``"quantities"``, ``"dates"``,
    ``"documents"``, ``"bylines"``: one row per entity, its fields as columns,
    ``span`` as ``start`` and ``end``), or ``"entities"`` (every type in long
    form: ``type``, ``name``, ``text``, ``start``, ``end``, ``rule``).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; not {kind!r}")
    try:
        import pandas
    except ImportError:
        raise ImportError("to_frame needs pandas: pip install 'zxextract[pandas]'") from None
    articles = list(_articles(records))
    if kind == "articles":
        rows = [_article_row(article) for article in articles]
        columns = None
    elif kind == "entities":
        rows = [
            {**_keys(article), "type": name, **_long_row(entity)}
            for article in articles
            for name in ENTITY_TYPES
            for entity in getattr(article, name)
        ]
        columns = [*KEYS, "type", "name", "text", "start", "end", "rule"]
    else:
        rows = [{**_keys(article), **_entity_row(entity)} for article in articles for entity in getattr(article, kind)]
        columns = [*KEYS, *_entity_columns(kind)]
    frame = pandas.DataFrame(rows, columns=columns)
    for column in INTEGERS.intersection(frame.columns):
        frame[column] = frame[column].astype("Int64")
    return frame


def _articles(records: Records) -> Iterator[Article]:
    """Articles from any of the shapes :func:`to_frame` takes."""
    if isinstance(records, (str, Path)):
        from .evaluate import read_predictions

        yield from (Article.from_dict(record) for record in read_predictions(records))
        return
    for item in records:
        if isinstance(item, Article):
            yield item
        elif isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], list):
            yield from item[1]
        else:
            raise TypeError(f"to_frame takes Articles, (doc_id, articles) pairs or a JSONL path; got {type(item).__name__}")


def _keys(article: Article) -> dict[str, Any]:
    return {"doc_id": article.doc_id, "article": article.index, "title": article.title}


def _article_row(article: Article) -> dict[str, Any]:
    """The article's own fields; entity lists become counts, spans the first start and last end."""
    row = _keys(article)
    row.update(kind=article.kind, section=article.section, subtitle=article.subtitle)
    published = getattr(article, "published", None)
    row["published"] = date_text(published) if published is not None else None
    row["source"] = getattr(article, "source", None)
    row["start"] = article.spans[0][0] if article.spans else None
    row["end"] = article.spans[-1][1] if article.spans else None
    row["text"] = article.text
    row.update({name: len(getattr(article, name)) for name in ENTITY_TYPES})
    return row


def _entity_row(entity: Entity) -> dict[str, Any]:
    """The entity's fields, ``span`` split into ``start`` and ``end``, a field named like a key column renamed."""
    row = {_column(type(entity), key): value for key, value in entity.to_dict().items()}
    row["start"], row["end"] = cast(list[int], row.pop("span"))
    return row


def _entity_columns(kind: str) -> list[str]:
    """The columns of an entity table in field order, also when it has no row."""
    entity_class = ENTITY_CLASSES[kind]
    names = [_column(entity_class, f.name) for f in fields(entity_class)]
    at = names.index("span")
    return [*names[:at], "start", "end", *names[at + 1 :]]


def _column(entity_class: type, name: str) -> str:
    """``Document.title`` is ``document_title``: ``title`` is the article's."""
    return f"{entity_class.__name__.lower()}_{name}" if name in KEYS else name


def _long_row(entity: Entity) -> dict[str, Any]:
    """One entity in the long table: its canonical form as ``name``."""
    start, end = entity.span
    return {"name": _name(entity), "text": entity.text, "start": start, "end": end, "rule": entity.rule}


def _name(entity: Entity) -> str:
    """What the entity stands for, as text: a name, a document title, a value with its unit, a date."""
    if isinstance(entity, Quantity):
        value = "?" if entity.value is None else format(entity.value, ".12g")
        upper = "" if entity.value_max is None else "-" + format(entity.value_max, ".12g")
        return f"{value}{upper} {entity.unit}".strip()
    if isinstance(entity, Date):
        return date_text(entity)
    if isinstance(entity, Document):
        return entity.title
    return entity.name
