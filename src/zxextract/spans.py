"""Putting character-offset hits onto a Doc as exact token spans.

Rule-based extractors work on characters, the segmenter on words: when a
segmenter boundary cuts through an entity (pkuseg may glue ``区政协主席`` or
split ``舒茂全`` oddly), the tokens are split so that every entity is an exact
token span, in "pkuseg" and "char" mode alike.  Splitting tokens invalidates
the token indices of spans already stored, so every span group and the
entities are re-anchored by their character offsets afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from spacy.attrs import IDX, LENGTH, SPACY
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .tokenizer import doc_text


def _slot(span: Span, name: str) -> tuple:
    # spaCy keys plain Span._ values by character range alone; two bindings on one range
    # (``区委常委、常务副区长章榕``) need the label and span id in the key as well.
    return ("zx", name, span.start_char, span.end_char, span.label, span.id)


def extension(span: Span, name: str) -> Any:
    """``span._.<name>`` read straight from the Doc: the ``Span._`` proxy costs more than the look-up itself."""
    return span.doc.user_data.get(_slot(span, name))  # type: ignore[call-overload]  # spaCy types user_data as dict[str, Any]; any hashable key works


def _store(span: Span, name: str, value: Any) -> None:
    """``span._.<name> = value`` without the ``Span._`` proxy."""
    span.doc.user_data[_slot(span, name)] = value  # type: ignore[index]  # as above: spaCy types the keys too narrowly


def _getter(name: str):
    return lambda span: extension(span, name)


def _setter(name: str):
    return lambda span, value: _store(span, name, value)


for _name in ("zx", "zx_article"):  # the entity's fields (a record's to_dict()); its article index
    if not Span.has_extension(_name):
        Span.set_extension(_name, getter=_getter(_name), setter=_setter(_name))

_Anchor = tuple[int, int, str, Any, Any]  # start_char, end_char, label, kb_id, span_id


def _anchor(span: Span) -> _Anchor:
    return (span.start_char, span.end_char, span.label_, span.kb_id_, span.id_)


def _restore(doc: Doc, anchor: _Anchor) -> Span:
    start, end, label, kb_id, span_id = anchor
    span = doc.char_span(start, end, label=label, kb_id=kb_id, span_id=span_id, alignment_mode="strict")
    if span is None:  # cannot happen after splitting only; fail loudly rather than drop
        raise RuntimeError(f"span {start}:{end} lost its token boundaries")
    return span


def _split(doc: Doc, inner: dict[int, list[int]]) -> Doc:
    """Split the tokens in ``inner`` at its offsets; span groups and entities are re-anchored.

    Returns the Doc to go on with: ``doc`` itself, or, when many tokens need
    splitting, a rebuilt one (spaCy applies splits one at a time, each
    shifting every later token: quadratic on a large page).
    """
    groups = {key: [_anchor(s) for s in group] for key, group in doc.spans.items()}
    ents = [_anchor(s) for s in doc.ents]
    if len(inner) > _REBUILD_ABOVE:
        doc = _rebuilt(doc, inner)
    else:
        with doc.retokenize() as retokenizer:
            for index, positions in inner.items():
                token = doc[index]
                pieces = _pieces(token.text, token.idx, positions)
                retokenizer.split(token, pieces, heads=[(token, 0)] * len(pieces))
    for key, anchors in groups.items():
        doc.spans[key] = [_restore(doc, a) for a in anchors]
    doc.ents = [_restore(doc, a) for a in ents]
    return doc


# Splits past which one rebuild beats splitting in place: a rebuild costs about 1 µs a token, each split
# about 0.1 µs a token (it shifts every later token), whatever the page size.
_REBUILD_ABOVE = 16


def _inner_cuts(doc: Doc, cuts: Iterable[int]) -> dict[int, list[int]]:
    """Token index → the offsets in ``cuts`` that lie strictly inside that token."""
    size = len(doc_text(doc))
    inner: dict[int, list[int]] = {}
    for cut in sorted(set(cuts)):
        if 0 < cut < size:
            holder = doc.char_span(cut, cut + 1, alignment_mode="expand")
            if holder is not None and holder.start_char < cut:
                inner.setdefault(holder.start, []).append(cut)
    return inner


def _pieces(text: str, start: int, cuts: list[int]) -> list[str]:
    edges = [start, *cuts, start + len(text)]
    return [text[a - start : b - start] for a, b in zip(edges, edges[1:])]


def _rebuilt(doc: Doc, inner: dict[int, list[int]]) -> Doc:
    """The same text and user data with the tokens in ``inner`` split (span groups are re-anchored by the caller).

    Token offsets come from ``to_array``: creating a Token object per token costs more than the rest.
    """
    starts, lengths, spaced = doc.to_array([IDX, LENGTH, SPACY]).astype(np.int64).T
    cuts = np.array([cut for positions in inner.values() for cut in positions], dtype=starts.dtype)
    piece_starts = np.sort(np.concatenate([starts, cuts]))
    owner = np.searchsorted(starts, piece_starts, side="right") - 1  # the token each piece comes from
    last = np.append(owner[1:] != owner[:-1], True)  # the token's last piece ends where the token ends
    piece_ends = np.where(last, (starts + lengths)[owner], np.append(piece_starts[1:], 0))
    text = doc_text(doc)
    words = [text[a:b] for a, b in zip(piece_starts.tolist(), piece_ends.tolist())]
    rebuilt = Doc(doc.vocab, words=words, spaces=(last & (spaced[owner] == 1)).tolist(), user_data=doc.user_data)
    rebuilt._context = doc._context  # what Language.pipe(as_tuples=True) gives back with the Doc
    return rebuilt


def add_entity_spans(
    doc: Doc,
    key: str,
    label: str,
    items: Sequence[tuple[int, int, dict, int | None]],
    annotate_ents: bool = True,
) -> Doc:
    """Store (start, end, fields, article index) items as ``doc.spans[key]`` and, without overlaps, ``doc.ents``;
    returns the Doc to go on with (see :func:`_split`)."""
    spans = _token_spans(doc, label, items)
    # Only a hit that missed a token boundary can cut a token (an empty or whitespace-edged one cuts none).
    missed = (edge for (start, end, _, _), span in zip(items, spans) if span is None for edge in (start, end))
    inner = _inner_cuts(doc, missed)
    if inner:
        doc = _split(doc, inner)
        spans = _token_spans(doc, label, items)
    anchored = []
    for span, (_, _, fields, article) in zip(spans, items):
        if span is not None:  # empty or whitespace-edged hit: nothing to anchor
            _store(span, "zx", fields)
            _store(span, "zx_article", article)
            anchored.append(span)
    doc.spans[key] = anchored
    if annotate_ents:
        _merge_ents(doc, anchored)
    return doc


def _token_spans(doc: Doc, label: str, items: Sequence[tuple[int, int, Any, Any]]) -> list[Span | None]:
    """Each item as an exact token span, or None where its edges are not token boundaries."""
    # A string id: spaCy reads an int as a string-store hash (small ones are its symbols).
    return [
        doc.char_span(start, end, label=label, span_id=str(number), alignment_mode="strict")
        for number, (start, end, _, _) in enumerate(items)
    ]


def _merge_ents(doc: Doc, spans: list[Span]) -> None:
    """``doc.ents = filter_spans(doc.ents + spans)`` (longest wins), touching only the tokens that change.

    Entities never overlap each other, so only those that overlap a new span
    can lose to one: ``filter_spans`` runs on these and the new spans alone.
    The first set marks every other token outside ("O") through ``outside``
    spans, which costs far less than the ``doc.ents`` setter's per-token default.
    """
    if not doc.has_annotation("ENT_IOB"):
        merged = filter_spans(spans)
        labelled = [s for s in merged if s.label]  # set_ents skips unlabelled spans: their tokens are outside too
        doc.set_ents(merged, outside=_between(doc, labelled), default="unmodified")
        return
    touched = _overlapped_ents(doc, spans)
    merged = filter_spans([*touched, *spans])
    key = lambda span: (span.start, span.end, span.label)  # noqa: E731
    kept = {key(s) for s in merged}
    before = {key(s) for s in touched}
    removed = [s for s in touched if key(s) not in kept]
    if removed:
        doc.set_ents([], outside=removed, default="unmodified")
    doc.set_ents([s for s in merged if key(s) not in before], default="unmodified")


_INSIDE, _BEGIN = 1, 3  # Token.ent_iob codes (0: no tag, 2: outside)


def _overlapped_ents(doc: Doc, spans: Iterable[Span]) -> list[Span]:
    """The entities that share a token with any of ``spans``, in order, as ``doc.ents`` has them.

    Read from the IOB codes of the spans' tokens (and back to the start of an
    entity a span begins inside): ``doc.ents`` builds a Span for every entity
    of the page.  An empty span shares no token.
    """
    begins: set[int] = set()
    for span in spans:
        if span.start == span.end:
            continue
        first = span.start
        while first > 0 and doc[first].ent_iob == _INSIDE:  # begins inside an entity: back to where it begins
            first -= 1
        begins.update(i for i in range(first, span.end) if doc[i].ent_iob == _BEGIN)
    ents = []
    for start in sorted(begins):
        token = doc[start]
        if not token.ent_type:  # a blocked token, not an entity
            continue
        end = start + 1
        while end < len(doc) and doc[end].ent_iob == _INSIDE:
            end += 1
        ents.append(Span(doc, start, end, label=token.ent_type, kb_id=token.ent_kb_id, span_id=token.ent_id))
    return ents


def _between(doc: Doc, ents: list[Span]) -> list[Span]:
    """The token ranges around ``ents`` (disjoint, in order) as spans."""
    gaps = []
    position = 0
    for ent in ents:
        if ent.start > position:
            gaps.append(doc[position : ent.start])
        position = ent.end
    if position < len(doc):
        gaps.append(doc[position:])
    return gaps
