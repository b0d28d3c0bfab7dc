"""Span anchoring: exact token spans, longest-wins entities, fields that survive token splits."""

from __future__ import annotations

import random

import spacy
from spacy.tokens import Span

from zxextract.spans import _overlapped_ents, add_entity_spans


def test_entities_merge_longest_first_and_mark_the_rest_outside() -> None:
    nlp = spacy.blank("zh")
    doc = nlp("南川区政协副主席舒茂全出席")
    doc = add_entity_spans(doc, "d", "DISTRICT", [(0, 3, {"name": "南川区"}, 0)])
    doc = add_entity_spans(doc, "o", "OFFICIAL", [(0, 11, {"name": "舒茂全"}, 0), (12, 13, {"name": "x"}, 0)])
    doc = add_entity_spans(doc, "q", "QUANTITY", [(1, 2, {"value": 1}, 0)])  # inside a longer ent: dropped
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 11, "OFFICIAL"), (12, 13, "OFFICIAL")]
    assert [t.ent_iob_ for t in doc][11] == "O"
    assert [s._.zx["name"] for s in doc.spans["d"]] == ["南川区"]  # the group keeps what doc.ents drops


def test_bindings_on_one_range_keep_their_own_fields() -> None:
    doc = spacy.blank("zh")("区委常委、常务副区长章榕")
    doc = add_entity_spans(doc, "o", "OFFICIAL", [(0, 12, {"role": "常委"}, 0), (0, 12, {"role": "常务副区长"}, 0)])
    assert [s._.zx["role"] for s in doc.spans["o"]] == ["常委", "常务副区长"]


def test_fields_survive_token_splits() -> None:
    nlp = spacy.blank("zh")
    doc = nlp("大足区政协")
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[0:5])
    doc = add_entity_spans(doc, "o", "ORG", [(0, 5, {"org": "大足区政协"}, 0)])
    doc = add_entity_spans(doc, "d", "DISTRICT", [(0, 3, {"name": "大足区"}, 0)])  # cuts the merged token
    assert [t.text for t in doc] == ["大足区", "政协"]
    assert doc.spans["o"][0]._.zx == {"org": "大足区政协"} and doc.spans["d"][0]._.zx == {"name": "大足区"}


def test_overlapped_ents_are_the_doc_ents_sharing_a_token() -> None:
    # _merge_ents reads the entities near new spans from the tokens; they must be exactly doc.ents' own.
    rng = random.Random(7)
    doc = spacy.blank("zh")("南川区政协副主席舒茂全出席会议并讲话强调要把工作做好")
    for _ in range(300):
        spans, taken = [], set()
        for _ in range(rng.randrange(6)):
            start = rng.randrange(len(doc))
            end = min(len(doc), start + rng.randrange(1, 5))
            if not taken & set(range(start, end)):
                taken |= set(range(start, end))
                spans.append(Span(doc, start, end, label=rng.choice(["A", "B"])))
        blocked = [doc[i : i + 1] for i in range(len(doc)) if i not in taken and rng.random() < 0.1]
        doc.set_ents(spans, blocked=blocked, default=rng.choice(["outside", "missing"]))
        starts = sorted(rng.sample(range(len(doc)), 3))
        new = [doc[a : min(len(doc), a + rng.randrange(0, 4))] for a in starts]  # empty ones too: they share no token
        expected = [e for e in doc.ents if any(e.start < s.end and s.start < e.end and s.start < s.end for s in new)]
        found = _overlapped_ents(doc, new)
        assert [(e.start, e.end, e.label, e.id) for e in found] == [(e.start, e.end, e.label, e.id) for e in expected]
