"""A page as HTML, so a person sees at a glance how it was split and what was found.

Everything of the page is shown in page order: each article as a framed
block under a heading (index, kind, section, title, subtitle, bylines,
publication date and source), dropped page furniture (``doc.spans["zx_furniture"]``)
and any other text outside the articles greyed out, and entities coloured by
label with a legend; hovering an entity shows its normalized fields and the
rule that found it.

A small renderer of its own rather than displaCy's: every piece of page text,
in the body and in every attribute, goes through ``html.escape``, and each
label gets its own colour.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from spacy.tokens import Doc, Span

from .components import BYLINES_KEY, FURNITURE_KEY, ArticleView, articles
from .records import COLORS
from .spans import extension
from .tokenizer import doc_text

if TYPE_CHECKING:
    from .extractor import Extractor

# Labels added by users' own components take one of these, by a stable hash of the label.
_SPARE_COLORS = ("#9cc9cc", "#ffeb80", "#ff8197", "#f0d0ff", "#c7f2a4", "#ddd6a4", "#a6e22d", "#e9967a")

_CSS = """
.zx-page { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; line-height: 1.9; max-width: 60em; }
.zx-legend { margin: 0 0 1em; font-size: 0.9em; }
.zx-legend span { margin-right: 0.6em; }
.zx-text { white-space: pre-wrap; }
.zx-article { border: 2px solid #3b5b92; border-radius: 4px; margin: 0.8em 0; padding: 0.4em 0.8em; }
.zx-article > header { border-bottom: 1px solid #3b5b92; margin-bottom: 0.4em; }
.zx-heading { font-size: 0.85em; color: #3b5b92; font-weight: bold; }
.zx-title { font-size: 1.25em; font-weight: bold; }
.zx-subtitle { font-size: 1.05em; }
.zx-meta { font-size: 0.85em; color: #444; }
.zx-dropped { color: #9a9a9a; background: #f3f3f3; border-left: 4px dashed #c8c8c8; margin: 0.4em 0; padding: 0.2em 0.8em; }
.zx-dropped-label { font-size: 0.8em; font-style: italic; }
.zx-ent { padding: 0.1em 0.3em; border-radius: 0.3em; }
.zx-ent-label { font-size: 0.65em; font-weight: bold; margin-left: 0.3em; vertical-align: middle; }
"""


def color(label: str) -> str:
    """The label's colour: its own for the pipeline's labels, a stable spare one for any other."""
    return COLORS.get(label) or _SPARE_COLORS[zlib.crc32(label.encode("utf-8")) % len(_SPARE_COLORS)]


@dataclass(frozen=True)
class _Piece:
    """A stretch of the page: an article segment (``article`` set), furniture (``furniture`` set) or other dropped text."""

    start: int
    end: int
    article: ArticleView | None = None
    segment: int = 0
    furniture: str | None = None


def _pieces(doc: Doc, text: str) -> Iterator[_Piece]:
    """The page in order, each character once: article segments, furniture, and the rest between them."""
    marked = [
        _Piece(start, end, article=view, segment=n) for view in articles(doc) for n, (start, end) in enumerate(view.segments)
    ]
    for span in doc.spans.get(FURNITURE_KEY, []):
        kind = (extension(span, "zx") or {}).get("kind") or "furniture"
        marked.append(_Piece(span.start_char, span.end_char, furniture=str(kind)))
    position = 0
    for piece in sorted(marked, key=lambda p: (p.start, p.end)):
        if piece.start > position:
            yield _Piece(position, piece.start)
        start = max(piece.start, position)  # an overlap is shown once, in the piece that reaches it first
        if piece.end > start:
            yield _Piece(start, piece.end, piece.article, piece.segment, piece.furniture)
            position = piece.end
    if position < len(text):
        yield _Piece(position, len(text))


def _date(value: Any) -> str | None:
    """A Date record or dict as ``2025-03-27`` (missing parts left out), or None."""
    if value is None:
        return None
    fields = value if isinstance(value, Mapping) else vars(value)
    parts = [str(fields[k]).zfill(2 if k != "year" else 0) for k in ("year", "month", "day") if fields.get(k) is not None]
    return "-".join(parts) or None


def _bylines(doc: Doc) -> dict[int, list[str]]:
    """Per article index, its credits as ``name (role)``."""
    credits: dict[int, list[str]] = {}
    for span in doc.spans.get(BYLINES_KEY, []):
        fields = extension(span, "zx") or {}
        credits.setdefault(extension(span, "zx_article"), []).append(
            f"{fields.get('name', span.text)} ({fields.get('role', '?')})"
        )
    return credits


def _hover(label: str, fields: Mapping[str, Any]) -> str:
    """An entity's normalized fields, one per line, its rule last."""
    lines = [label]
    lines += [f"{key}: {value}" for key, value in fields.items() if key not in ("text", "span", "rule", "mentions")]
    if fields.get("rule"):
        lines.append(f"rule: {fields['rule']}")
    return "\n".join(lines)


def _marked(text: str, start: int, end: int, ents: Iterable[Span]) -> str:
    """``text[start:end]`` escaped, with the entities that lie wholly inside it marked."""
    out, position = [], start
    for ent in ents:
        if ent.start_char < position or ent.end_char > end or ent.start_char < start:
            continue
        label = ent.label_
        out.append(escape(text[position : ent.start_char]))
        out.append(
            f'<mark class="zx-ent" style="background: {color(label)}" data-label="{escape(label)}"'
            f' title="{escape(_hover(label, extension(ent, "zx") or {}))}">'
            f'{escape(text[ent.start_char : ent.end_char])}<span class="zx-ent-label">{escape(label)}</span></mark>'
        )
        position = ent.end_char
    out.append(escape(text[position:end]))
    return "".join(out)


def _header(view: ArticleView, segment: int, credits: list[str]) -> str:
    """An article's heading: ``#index kind · section``, then title, subtitle and meta lines; later segments say continued."""
    info = view.info or {}
    if segment:
        return f'<header><div class="zx-heading">#{view.index} (continued)</div></header>'
    heading = " · ".join(str(p) for p in (f"#{view.index} {info.get('kind') or ''}".strip(), info.get("section")) if p)
    lines = [f'<div class="zx-heading">{escape(heading)}</div>']
    for css, key in (("zx-title", "title"), ("zx-subtitle", "subtitle")):
        if info.get(key):
            lines.append(f'<div class="{css}">{escape(str(info[key]))}</div>')
    meta = []
    if credits:
        meta.append("bylines: " + "、".join(credits))
    if published := _date(info.get("published")):
        meta.append(f"published: {published}")
    if info.get("source"):
        meta.append(f"source: {info['source']}")
    if meta:
        lines.append(f'<div class="zx-meta">{escape(" · ".join(meta))}</div>')
    return "<header>" + "".join(lines) + "</header>"


def _legend(labels: Iterable[str]) -> str:
    swatches = "".join(
        f'<span class="zx-ent" style="background: {color(label)}" data-label="{escape(label)}">{escape(label)}</span>'
        for label in labels
    )
    return f'<div class="zx-legend">{swatches}<span class="zx-dropped">dropped (furniture, outside any article)</span></div>'


def render_doc(doc: Doc, page: bool = True) -> str:
    """The Doc as HTML: a whole page, or with ``page=False`` a fragment (for a notebook's ``_repr_html_``)."""
    text = doc_text(doc)
    ents = sorted(doc.ents, key=lambda e: e.start_char)
    credits = _bylines(doc)
    labels = list(COLORS) + sorted({e.label_ for e in ents} - set(COLORS))
    blocks = [_legend(labels)]
    for piece in _pieces(doc, text):
        body = _marked(text, piece.start, piece.end, ents)
        if piece.article is not None:
            view = piece.article
            blocks.append(
                f'<article class="zx-article" data-index="{view.index}">{_header(view, piece.segment, credits.get(view.index, []))}'
                f'<div class="zx-text">{body}</div></article>'
            )
        elif text[piece.start : piece.end].strip():
            what = f"furniture: {piece.furniture}" if piece.furniture else "outside any article"
            blocks.append(
                f'<section class="zx-dropped" title="{escape(what)}"><div class="zx-dropped-label">{escape(what)}</div>'
                f'<div class="zx-text">{body}</div></section>'
            )
    fragment = f'<style>{_CSS}</style><div class="zx-page">{"".join(blocks)}</div>'
    if not page:
        return fragment
    return f'<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8"><title>zxextract</title></head><body>{fragment}</body></html>\n'


def render_page(text: str, extractor: Extractor | None = None, page: bool = True) -> str:
    """Parse a page of text (with ``extractor``, default ``zxextract.load()``) and render it."""
    if extractor is None:
        from .extractor import load

        extractor = load()
    return render_doc(extractor.nlp(text), page=page)
