"""Raw OCR page → normalized text, with a map from every normalized character back to the raw input.

Normalization never inserts characters: each normalized character is a raw
character, possibly replaced one-for-one (full-width → ASCII, traditional →
simplified, straight → curly quotes).  So ``offsets[i]`` is the raw index of
normalized character ``i`` and any normalized span maps back exactly.

What it does, in order:

1. Per character: drop control and zero-width characters, unify spaces,
   full-width digits and letters to ASCII, ``•・‧∙`` to ``·``, 「」/『』 to
   curly quotes, traditional to simplified (``rules/t2s.tsv``; characters that
   are also simplified forms, ``於``, only on a page written in traditional).
2. Per line: lines become paragraphs joined by a single ``\\n``; a line break
   inside running text (the paragraph so far has clause punctuation or an open
   quotation and does not end a sentence or closing credit, and the next line
   is not a column label such as ``图片新闻`` or a photo credit ``陈淋 摄`` — or the next line opens
   on a one- or two-character clause) is an OCR column break and is removed.
3. Inside a paragraph: whitespace is removed (``大渡 口区``, ``典 型 社 区``,
   ``18 万吨``) except one space between two ASCII words.
4. Straight quotes become curly, opening or closing by the last quote seen.

The paragraph pass is repeated until it changes nothing, so the result is
idempotent: ``normalize(normalize(x).text).text == normalize(x).text``.
"""

from __future__ import annotations

import json
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

_CLAUSE = regex.compile(r"[，,。；;、]")
_PHOTO_CREDIT = regex.compile(r"[\p{Han}·]{2,16}(?:摄影?|供图)")
# A paragraph is over after a sentence end, a closing quote or bracket right after one,
# or a closing credit after one (``…盘活质效。(冉洵)``).
_ENDED = regex.compile(r"(?:[。！？!?…；;][”’)）】」』》]?|[。！？!?…][”’]?[(（][^()（）]{1,20}[)）])$")
# A line starting like this opens a new block even after running text.
_BLOCK_START = regex.compile(r"^(——|--|□|■|◆|●|▲|本报讯|[(（](上接|下转|接上|转下))")
_DOTS = {"•": "·", "・": "·", "‧": "·", "∙": "·", "･": "·"}
_BRACKET_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’", "＂": '"', "＇": "'"}
_DROP_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


@lru_cache(maxsize=1)
def _t2s() -> tuple[dict[str, str], dict[str, str]]:
    """Traditional → simplified, one character to one (scripts/build_t2s.py): the sure and the ambiguous table."""
    sure: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    text = resources.files("zxextract").joinpath("rules/t2s.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            trad, simp, kind = line.split("\t")
            (ambiguous if kind == "ambiguous" else sure)[trad] = simp
    return sure, ambiguous


@lru_cache(maxsize=1)
def _column_labels() -> frozenset[str]:
    """Column labels (``rules/layout.json``): a line that is one never continues the text before it."""
    data = json.loads(resources.files("zxextract").joinpath("rules/layout.json").read_text(encoding="utf-8"))
    return frozenset(label for key in ("brief_columns", "photo_columns", "labels") for label in data["sections"][key])


def _is_traditional(raw: str) -> bool:
    """Whether a page is written in traditional characters (then ``於`` is 于, not the surname)."""
    sure = _t2s()[0]
    count = sum(1 for ch in raw if ch in sure)
    return count >= 3 and count * 50 >= len(raw)


@lru_cache(maxsize=4096)
def _map_char(ch: str) -> str | None:
    """The normalized form of one raw character; None drops it, ' ' is whitespace, '\\n' a line end."""
    if ch == "\n":
        return "\n"
    if ch in "\t\r\v\f\u3000\u00a0" or (ch.isspace() and ch != "\n"):
        return " "
    if unicodedata.category(ch) in _DROP_CATEGORIES:
        return None
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if ch == "％":
        return "%"
    if ch in _DOTS:
        return _DOTS[ch]
    if ch in _BRACKET_QUOTES:
        return _BRACKET_QUOTES[ch]
    return _t2s()[0].get(ch, ch)


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _keeps_space(left: str, right: str) -> bool:
    """One space survives only between ASCII words (``CEO 等`` loses it, ``Windows 10`` keeps it)."""
    return _is_word(left) and _is_word(right) and not (left.isdigit() and right.isdigit())


def _continues(paragraph: list[str], line: list[str]) -> bool:
    """Whether a line break is an OCR column break inside running text."""
    if not paragraph or not line:
        return False
    if _ENDED.search("".join(paragraph[-24:])):
        return False
    head = "".join(line[:6])
    if _BLOCK_START.match(head):
        return False
    if _CLAUSE.match(head, 1, 3):  # ``里，通行时间…``: a line does not open on a one- or two-character clause
        return True
    joined = "".join(line)
    if joined in _column_labels() or _PHOTO_CREDIT.fullmatch(joined):
        return False  # ``图片新闻``, ``区县快递``, ``旷灵芝冯文涛摄`` after a caption or truncated line
    text = "".join(paragraph)
    # Running text: clause punctuation so far, or a quotation still open (``“…全长45公``).
    return _CLAUSE.search(text) is not None or text.count("“") > text.count("”")


@dataclass(frozen=True)
class Normalized:
    """Normalized text plus the raw index of each of its characters."""

    raw: str
    text: str
    offsets: array  # array('q'): raw index of each normalized character

    def raw_span(self, start: int, end: int) -> list[int]:
        """[start, end] in the raw input covering normalized ``text[start:end]``."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.raw)
            return [pos, pos]
        return [self.offsets[start], self.offsets[end - 1] + 1]

    def raw_text(self, start: int, end: int) -> str:
        """The raw characters behind normalized ``text[start:end]`` (line breaks and spaces included)."""
        s, e = self.raw_span(start, end)
        return self.raw[s:e]


def normalize(raw: str) -> Normalized:
    """Normalize a raw page; see the module docstring for the rules."""
    if not isinstance(raw, str):
        raise TypeError(f"normalize() takes str, not {type(raw).__name__}")
    text, offsets = _normalize_once(raw)
    # A join can make a paragraph that a second pass would join again; repeating the
    # pass until nothing changes makes normalization idempotent by construction.
    while True:
        again, inner = _normalize_once(text)
        if again == text:
            return Normalized(raw=raw, text=text, offsets=offsets)
        text, offsets = again, array("q", (offsets[i] for i in inner))


def _normalize_once(raw: str) -> tuple[str, array]:
    """One pass of the rules: normalized text and the index in ``raw`` of each of its characters."""
    # 1. characters, grouped into lines of (char, raw index)
    ambiguous = _t2s()[1] if _is_traditional(raw) else {}
    lines: list[list[tuple[str, int]]] = [[]]
    for i, ch in enumerate(raw):
        mapped = _map_char(ch)
        if mapped is None:
            continue
        mapped = ambiguous.get(mapped, mapped)
        if mapped == "\n":
            lines.append([])
        else:
            lines[-1].append((mapped, i))
    out_chars: list[str] = []
    out_offsets = array("q")
    paragraph: list[str] = []  # characters of the paragraph being built (for the join decision)
    pending_break: int | None = None  # raw index of the newline before the current line
    quote_open = {'"': False, "'": False}
    for line_no, line in enumerate(lines):
        # 3. whitespace inside the line: keep one space between ASCII words only
        chars: list[tuple[str, int]] = []
        gap: int | None = None
        for ch, idx in line:
            if ch == " ":
                if gap is None:
                    gap = idx
                continue
            if gap is not None and chars and _keeps_space(chars[-1][0], ch):
                chars.append((" ", gap))
            gap = None
            chars.append((ch, idx))
        if not chars:
            continue
        letters = [c for c, _ in chars]
        # 2. paragraph joins
        if out_chars:
            if _continues(paragraph, letters):
                if _keeps_space(paragraph[-1], letters[0]):
                    out_chars.append(" ")
                    out_offsets.append(pending_break if pending_break is not None else chars[0][1] - 1)
            else:
                out_chars.append("\n")
                out_offsets.append(pending_break if pending_break is not None else chars[0][1] - 1)
                paragraph = []
                quote_open = {'"': False, "'": False}
        pending_break = None
        # 4. quotes
        for ch, idx in chars:
            if ch in quote_open:
                ch = _curly(ch, quote_open)
            elif ch in "“”‘’":
                quote_open['"' if ch in "“”" else "'"] = ch in "“‘"
            out_chars.append(ch)
            out_offsets.append(idx)
            paragraph.append(ch)
        if line_no < len(lines) - 1:
            nl = raw.find("\n", line[-1][1] + 1)
            pending_break = nl if nl >= 0 else len(raw) - 1
    return "".join(out_chars), out_offsets


def _curly(straight: str, state: dict[str, bool]) -> str:
    """Straight quote → curly: closing when its kind is open, else opening."""
    opened = state[straight]
    state[straight] = not opened
    if straight == '"':
        return "”" if opened else "“"
    return "’" if opened else "‘"

