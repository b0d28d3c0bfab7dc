"""pkuseg word segmentation, the same words as ``spacy_pkuseg.pkuseg.cut``, with the features computed in numpy.

spacy-pkuseg builds the CRF features of every character one at a time: some
130 feature strings concatenated and looked up in a dict per character, which
costs more than all of zxextract's extraction together. Here the same model
(its feature table, word list and weights, loaded by spacy-pkuseg) scores a
whole page at once: characters, character pairs and dictionary words become
integer keys looked up in sorted arrays, the node scores are summed feature by
feature in pkuseg's order (so they are bit-identical), and pkuseg's own Viterbi
decodes each piece. The user dictionary (pkuseg's ``Preprocesser``) and
post-processor are pkuseg's own objects, applied as ``cut`` applies them.
``tests/test_segmenter.py`` checks the output word for word against
``spacy_pkuseg`` on the seeds and on held-out treebank text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy_pkuseg import inference
from spacy_pkuseg.config import config as pkuseg_config
from spacy_pkuseg.feature_extractor import FeatureExtractor

ABSENT = -1  # a feature the model does not have
NONE = -1  # the key of a feature slot that is empty here (no character two to the left, no word ending here)
NO_WORD = "**noWord"  # pkuseg's filler for "no dictionary word here" in word-pair features
CODE_BITS = 21  # Unicode code points fit in 21 bits
CLASS_NODES = 0x110000  # codes of pkuseg's class nodes ("**Num", "**Letter") count up from past Unicode
HASH_BASE = 0x9E3779B97F4A7C15  # odd 64-bit multiplier of the window hash
HASH_MASK = (1 << 64) - 1
BLOCK = 4096  # characters scored in one pass: enough to amortize numpy's per-call cost, few enough to stay in cache
# The longest piece the CRF decodes whole: a longer run without whitespace (a wall of digits, base64, a paragraph
# with no line break) is cut, after a punctuation mark in its last half where there is one, so memory stays
# proportional to the text (scoring costs ~2 KB per character of a block). Page lines are far shorter.
MAX_PIECE = 1024
FAMILY_SHIFT = 56  # feature keys carry their family in the bits above the key proper
# pkuseg's feature families, in the order it lists a character's features ("ww.l" and "ww.r" pair words).
FAMILIES = ("$$", "c", "c-1", "c-1c", "c1", "cc1", "c-2", "c-2c-1", "c2", "w-1", "w1", "ww.l", "ww.r")


class Table:
    """A frozen int64 → int64 map: vectorized lookups by binary search."""

    def __init__(self, pairs: dict[int, int]) -> None:
        keys = np.fromiter(pairs.keys(), dtype=np.int64, count=len(pairs))
        order = np.argsort(keys)
        self.keys = keys[order]
        self.values = np.fromiter(pairs.values(), dtype=np.int64, count=len(pairs))[order]

    def lookup(self, query: np.ndarray) -> np.ndarray:
        """The value of each key in ``query``, ABSENT where the table has none."""
        if not len(self.keys):
            return np.full(len(query), ABSENT, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.keys, query), len(self.keys) - 1)
        return np.where(self.keys[at] == query, self.values[at], ABSENT)


@dataclass(frozen=True)
class PkusegModel:
    """Everything of spacy-pkuseg that the fast segmenter reads, in one place.

    spacy-pkuseg has no public API for its model; these are its internals as of
    1.0.x. :meth:`read` is the only code that touches them, and it fails with a
    clear message (not an AttributeError deep inside segmentation) when a
    version lays them out differently.
    """

    n_tag: int
    n_feature: int
    weights: np.ndarray  # n_feature * n_tag node weights, then n_tag² edge weights
    tags: list[str]  # tag index → tag name (``B``, ``I`` …)
    unigram: frozenset[str]  # the model's dictionary words
    feature_to_idx: dict[str, int]
    preprocess: Callable[[str], tuple[list[str], list[bool], Any]]  # the user dictionary: (parts, is_word, _)
    postprocess: Callable[[list[str]], list[str]]
    word_min: int
    word_max: int
    word_features: bool

    @classmethod
    def read(cls, seg: Any) -> PkusegModel:
        """The parts of a loaded ``spacy_pkuseg.pkuseg`` instance."""
        try:
            model, features = seg.model, seg.feature_extractor
            return cls(
                n_tag=model.n_tag,
                n_feature=model.n_feature,
                weights=model.w,
                tags=[seg.idx_to_tag[tag] for tag in range(model.n_tag)],
                unigram=frozenset(features.unigram),
                feature_to_idx=features.feature_to_idx,
                preprocess=seg.preprocesser.solve,
                postprocess=seg.postprocesser,
                word_min=pkuseg_config.wordMin,
                word_max=pkuseg_config.wordMax,
                word_features=bool(pkuseg_config.wordFeature),
            )
        except (AttributeError, KeyError, TypeError) as error:
            raise RuntimeError(
                f"this spacy-pkuseg lays out its model differently ({error}); zxextract's segmenter reads spacy-pkuseg 1.0.x"
            ) from None

    @staticmethod
    def edges(weights: np.ndarray, n_tag: int, n_feature: int) -> np.ndarray:
        """The tag-pair scores of the CRF, as pkuseg computes them."""
        return inference.getLogYY([], n_tag, n_feature * n_tag, weights, 1.0)[1]

    @staticmethod
    def viterbi(scores: np.ndarray, edges: np.ndarray) -> np.ndarray:
        """pkuseg's own Viterbi: the best tag of each character."""
        return inference.run_viterbi(scores, edges)[1]

    @staticmethod
    def node(char: str) -> str:
        """pkuseg's node for a character (keyword characters renamed, digits and letters folded into classes)."""
        (node,) = FeatureExtractor.normalize_text(char)
        return node


class FastPkuseg:
    """``cut(text)`` equal to ``seg.cut(text)`` for a loaded ``spacy_pkuseg.pkuseg`` instance ``seg``."""

    def __init__(self, seg: Any) -> None:
        self.seg = seg  # the instance it reads: the tokenizer rebuilds this when pkuseg is reloaded
        self.model = model = PkusegModel.read(seg)
        self.word_min, self.word_max = model.word_min, model.word_max
        self.word_features = model.word_features
        n_tag, n_feature, weights = model.n_tag, model.n_feature, model.weights
        # One row of tag scores per feature; the last n_tag² weights score tag pairs.
        self.weights = weights[: n_feature * n_tag].reshape(n_feature, n_tag)
        self.edges = PkusegModel.edges(weights, n_tag, n_feature)
        self.begins = np.array(["B" in tag for tag in model.tags])
        self.node_codes: dict[str, int] = {}
        self.char_nodes: dict[int, int] = {}  # code point → code of its node, filled as characters are met
        words = sorted(w for w in model.unigram if self.word_min <= len(w) <= self.word_max)
        self.word_ids = {word: index for index, word in enumerate(words)}
        self.no_word = len(words)
        keys: dict[int, int] = {}  # tagged feature key → feature index
        for feature, index in model.feature_to_idx.items():
            family, _, rest = feature.partition(".")
            if family == "ww":
                side, _, rest = rest.partition(".")
                family = f"ww.{side}"
            key = self._feature_key(family, rest)
            if key is not None:
                keys[_tagged(family, key)] = index
        self.table = Table(keys)
        self.word_hashes = [
            Table({_hash_word(w): self.word_ids[w] for w in words if len(w) == n}) for n in range(self.word_max + 1)
        ]
        # Pairs with no word on either side are looked up only if the model has that feature.
        no_pair = self._pair_key(self.no_word, self.no_word)
        self.no_pair_features = {side: _tagged(side, no_pair) in keys for side in ("ww.l", "ww.r")}

    def _node_code(self, node: str) -> int:
        """A character node's code point, or a code above Unicode for a class node such as "**Num"."""
        if len(node) == 1:
            return ord(node)
        return self.node_codes.setdefault(node, CLASS_NODES + len(self.node_codes))

    def _feature_key(self, family: str, rest: str) -> int | None:
        """The integer key of one feature string of ``family``; None for one this class never looks up."""
        if family == "$$":
            return 0
        if family in ("c", "c-1", "c1", "c-2", "c2"):
            return self._node_code(rest)
        if family in ("cc1", "c-1c", "c-2c-1"):
            first, _, second = rest.partition(".")
            return (self._node_code(first) << CODE_BITS) | self._node_code(second)
        if family in ("w-1", "w1"):
            return self.word_ids.get(rest)
        if family in ("ww.l", "ww.r"):
            if rest.startswith(NO_WORD + "*"):
                before, after = NO_WORD, rest[len(NO_WORD) + 1 :]
            else:
                before, _, after = rest.partition("*")
            ids = [self.no_word if word == NO_WORD else self.word_ids.get(word) for word in (before, after)]
            if None in ids:
                return None  # a word outside the dictionary's lengths never fills a slot
            return self._pair_key(*ids)
        return None

    def _pair_key(self, firsts: Any, seconds: Any) -> Any:
        """The key of (first word, second word) ids: ints, or arrays of them."""
        return firsts * (self.no_word + 1) + seconds

    def cut(self, text: str) -> list[str]:
        """The words of ``text``, as ``spacy_pkuseg.pkuseg.cut`` gives them."""
        text = text.strip()
        pieces: list[tuple[str, bool]] = []
        for chunk in text.split():
            parts, words_flags, _ = self.model.preprocess(chunk)
            pieces.extend(zip(parts, words_flags))
        bounded = [bounded_pieces(piece) for piece, is_word in pieces if not is_word]
        segmented = self._segment([part for parts in bounded for part in parts])
        words: list[str] = []
        parts_of = iter(bounded)
        for piece, is_word in pieces:
            if is_word:
                words.append(piece)
                continue
            piece_words = [word for _ in next(parts_of) for word in next(segmented)]
            words.extend(self.model.postprocess(piece_words))
        return words

    def _segment(self, pieces: list[str]) -> Iterator[list[str]]:
        """The CRF's words of each piece, pieces scored together in blocks of about BLOCK characters."""
        block: list[str] = []
        size = 0
        for piece in pieces:
            block.append(piece)
            size += len(piece)
            if size >= BLOCK:
                yield from self._segment_block(block)
                block, size = [], 0
        if block:
            yield from self._segment_block(block)

    def _segment_block(self, pieces: list[str]) -> Iterator[list[str]]:
        """The CRF's words of each piece, all pieces scored in one pass."""
        joined = "".join(pieces)
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        ends = np.cumsum(lengths)
        starts = ends - lengths
        position = np.arange(len(joined))
        before = position - np.repeat(starts, lengths)  # characters of the piece before this one
        after = np.repeat(ends, lengths) - position - 1  # characters of the piece after this one
        scores = self._scores(self._codes(joined), before, after)
        begins = np.empty(len(joined), dtype=bool)
        for start, end in zip(starts.tolist(), ends.tolist()):
            tags = PkusegModel.viterbi(scores[start:end], self.edges)
            begins[start:end] = self.begins[tags]
        begins[starts] = True
        cuts = np.flatnonzero(begins).tolist() + [len(joined)]
        words = [joined[a:b] for a, b in zip(cuts, cuts[1:])]
        first_word = np.searchsorted(cuts, starts).tolist() + [len(words)]
        for a, b in zip(first_word, first_word[1:]):
            yield words[a:b]

    def _codes(self, text: str) -> np.ndarray:
        """The node code of each character: pkuseg renames keyword characters and folds digits and letters into classes."""
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        unique, inverse = np.unique(points, return_inverse=True)
        for point in unique.tolist():
            if point not in self.char_nodes:
                self.char_nodes[point] = self._node_code(PkusegModel.node(chr(point)))
        return np.array([self.char_nodes[point] for point in unique.tolist()], dtype=np.int64)[inverse.reshape(-1)]

    def _scores(self, codes: np.ndarray, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """Node scores: every feature slot looked up at once, added in pkuseg's order so the sums are the same floats."""
        shifted = {offset: _shift(codes, offset) for offset in (-2, -1, 1, 2)}
        rows = [
            _tagged("$$", np.zeros_like(codes)),
            _tagged("c", codes),
            _tagged("c-1", np.where(before > 0, shifted[-1], NONE)),
            _tagged("c-1c", np.where(before > 0, (shifted[-1] << CODE_BITS) | codes, NONE)),
            _tagged("c1", np.where(after > 0, shifted[1], NONE)),
            _tagged("cc1", np.where(after > 0, (codes << CODE_BITS) | shifted[1], NONE)),
            _tagged("c-2", np.where(before > 1, shifted[-2], NONE)),
            _tagged("c-2c-1", np.where(before > 1, (shifted[-2] << CODE_BITS) | shifted[-1], NONE)),
            _tagged("c2", np.where(after > 1, shifted[2], NONE)),
        ]
        if self.word_features:
            rows.extend(self._word_rows(codes, before, after))
        keys = np.concatenate(rows)  # slot by slot, each slot a row over all positions
        features = np.full(len(keys), ABSENT, dtype=np.int64)
        wanted = keys != NONE
        features[wanted] = self.table.lookup(keys[wanted])
        present = np.flatnonzero(features != ABSENT)
        scores = np.zeros((len(codes), self.weights.shape[1]))
        np.add.at(scores, present % len(codes), self.weights[features[present]])  # in index order: slot by slot
        return scores

    def _word_rows(self, codes: np.ndarray, before: np.ndarray, after: np.ndarray) -> list[np.ndarray]:
        """Keys of the dictionary-word slots: words ending or starting here, and pairs of words meeting here."""
        lengths = range(self.word_max, self.word_min - 1, -1)
        no_word = self.no_word
        starting = {n: self._words_at(codes, n) for n in lengths}  # word id of the n characters from each position
        ends_here = np.stack([np.where(before >= n - 1, _shift(starting[n], 1 - n, no_word), no_word) for n in lengths])
        starts_here = np.stack([np.where(after >= n - 1, starting[n], no_word) for n in lengths])
        ends_before = np.stack([np.where(before >= n, _shift(starting[n], -n, no_word), no_word) for n in lengths])
        starts_after = np.stack([np.where(after >= n, _shift(starting[n], 1, no_word), no_word) for n in lengths])
        rows = [_tagged("w-1", np.where(ends_here == no_word, NONE, ends_here)).ravel()]
        rows.append(_tagged("w1", np.where(starts_here == no_word, NONE, starts_here)).ravel())
        for side, firsts, seconds in (("ww.l", ends_before, starts_here), ("ww.r", ends_here, starts_after)):
            pairs = self._pair_key(firsts[:, None, :], seconds[None, :, :])  # every first length with every second
            if not self.no_pair_features[side]:
                pairs = np.where((firsts[:, None, :] == no_word) & (seconds[None, :, :] == no_word), NONE, pairs)
            rows.append(_tagged(side, pairs).ravel())
        return rows

    def _words_at(self, codes: np.ndarray, length: int) -> np.ndarray:
        """The dictionary word of ``length`` characters starting at each position, or ``no_word``."""
        found = np.full(len(codes), self.no_word, dtype=np.int64)
        if len(codes) < length:
            return found
        window = np.zeros(len(codes) - length + 1, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(length):
                window = window * np.uint64(HASH_BASE) + codes[k : len(codes) - length + 1 + k].astype(np.uint64)
        ids = self.word_hashes[length].lookup(window.view(np.int64))
        found[: len(window)] = np.where(ids == ABSENT, self.no_word, ids)
        return found


def bounded_pieces(piece: str, limit: int | None = None) -> list[str]:
    """``piece`` in consecutive parts of at most ``limit`` (MAX_PIECE) characters, each cut after punctuation if it can."""
    limit = limit or MAX_PIECE
    parts = []
    start = 0
    while len(piece) - start > limit:
        end = start + limit
        cut = next(
            (i + 1 for i in range(end - 1, start + limit // 2 - 1, -1) if unicodedata.category(piece[i]).startswith("P")), end
        )
        parts.append(piece[start:cut])
        start = cut
    parts.append(piece[start:])
    return parts


def _tagged(family: str, keys: Any) -> Any:
    """Keys of one feature family, made unique across families; NONE stays NONE."""
    tag = FAMILIES.index(family) << FAMILY_SHIFT
    if isinstance(keys, int):
        return tag | keys
    return np.where(keys == NONE, NONE, keys | tag)


def _hash_word(word: str) -> int:
    """The window hash of a dictionary word (its characters are their own nodes), as an int64 key."""
    value = 0
    for char in word:
        value = (value * HASH_BASE + ord(char)) & HASH_MASK
    return value - (1 << 64) if value >= 1 << 63 else value


def _shift(values: np.ndarray, offset: int, fill: int = 0) -> np.ndarray:
    """``values[i + offset]`` at each i, ``fill`` past either end."""
    out = np.full(len(values), fill, dtype=values.dtype)
    if offset >= 0:
        out[: max(len(values) - offset, 0)] = values[offset:]
    else:
        out[-offset:] = values[: max(len(values) + offset, 0)]
    return out
