"""A page as HTML: displaCy's entity view, one block per article, for people who would rather look than read."""

from __future__ import annotations

from spacy import displacy
from spacy.tokens import Doc

from .components import articles
from .records import COLORS
from .tokenizer import doc_text


def render_doc(doc: Doc) -> str:
    """A full HTML page: each article's segments with their non-overlapping entities (``doc.ents``).

    Always returns the HTML: inside Jupyter, displaCy would display it and return None.
    """
    blocks = []
    text = doc_text(doc)
    for view in articles(doc):
        info = view.info
        heading = " · ".join(
            part
            for part in (f"#{view.index} {info.get('kind', '')}", info.get("section"), info.get("title"), info.get("subtitle"))
            if part
        )
        for number, (start, end) in enumerate(view.segments):
            ents = [
                {"start": ent.start_char - start, "end": ent.end_char - start, "label": ent.label_}
                for ent in doc.ents
                if start <= ent.start_char and ent.end_char <= end
            ]
            title = heading if number == 0 else f"#{view.index} (continued)"
            blocks.append({"text": text[start:end], "ents": ents, "title": title})
    return displacy.render(blocks, style="ent", manual=True, page=True, jupyter=False, options={"colors": COLORS})
