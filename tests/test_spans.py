"""Span anchoring: exact token spans, longest-wins entities, fields that survive token splits."""

from __future__ import annotations

import spacy

from zxextract.spans import add_entity_spans


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
