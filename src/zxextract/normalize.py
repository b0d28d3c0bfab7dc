"""Raw OCR page → normalized text, with a map from every normalized character back to the raw input.

Normalization never inserts characters: each normalized character is a raw
character, possibly replaced one-for-one (full-width → ASCII, traditional →
simplified, straight → curly quotes).  So ``offsets[i]`` is the raw index of
normalized character ``i`` and any normalized span maps back exactly.

What it does, in order:

1. Per character: drop control and zero-width characters, unify spaces,
   full-width digits and letters to ASCII, ``•・‧∙`` to ``·``, 「」/『』 to
   curly quotes, traditional to simplified (``rules/t2s.tsv``; characters that
   are also simplified forms, ``於``, only on a page written in traditional);
   pinyin printed in parentheses after a character (``政協(xié)``) is dropped.
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

from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import regex
from pydantic import Field

from .ruleset import RuleRow, alternation, packaged_json, packaged_table


class T2sRow(RuleRow):
    """A row of ``rules/t2s.tsv``: one traditional character, its simplified one, and whether that is sure."""

    traditional: str = Field(min_length=1, max_length=1)
    simplified: str = Field(min_length=1, max_length=1)
    kind: Literal["sure", "ambiguous"]


_CLAUSE = regex.compile(r"[，,。；;、]")
# A paragraph is over after a sentence end, a closing quote or bracket right after one,
# or a closing credit after one (``…盘活质效。(冉洵)``).
_ENDED = regex.compile(r"(?:[。！？!?…；;][”’)）】」』》]?|[。！？!?…][”’]?[(（][^()（）]{1,20}[)）])$")
_DOTS = {"•": "·", "・": "·", "‧": "·", "∙": "·", "･": "·"}
_BRACKET_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’", "＂": '"', "＇": "'"}
# Dropped: control, format (zero-width), surrogate, private-use and unassigned characters, except "\n" (``_deletable``).
_DELETABLE = regex.compile(r"[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]+")
_DROPPED = "\x00"  # what a dropped character becomes before the line scan skips it
_CODE_POINTS = 0x110000
_UTF32 = "utf-32-le"
_CHUNK = regex.compile(r"[^ \x00]+")
_QUOTE_MARK = regex.compile(r"[\"'“”‘’]")


@lru_cache(maxsize=1)
def _t2s() -> tuple[dict[str, str], dict[str, str]]:
    """Traditional → simplified, one character to one (scripts/build_t2s.py): the sure and the ambiguous table."""
    sure: dict[str, str] = {}
    ambiguous: dict[str, str] = {}
    for row in packaged_table("t2s.tsv", T2sRow):
        (ambiguous if row["kind"] == "ambiguous" else sure)[row["traditional"]] = row["simplified"]
    return sure, ambiguous


@dataclass(frozen=True)
class _LineRules:
    """What normalization shares with layout (``rules/layout.json``): lines that never continue the text before them."""

    column_labels: frozenset[str]  # a line that is a column label
    block_start: regex.Pattern[str]  # a line opening with a deck dash, a credit mark, a news lead or (上接…)
    photo_credit: regex.Pattern[str]  # a line that is a name and a photo credit (罗德明 摄影)
    photo_tail: regex.Pattern[str]
    pinyin: regex.Pattern[
        str
    ]  # a pronunciation in parentheses after a character (政協(xié)), dropped  # a paragraph ending in a sentence and a photo credit (……开幕。记者张三摄)


@lru_cache(maxsize=1)
def _line_rules() -> _LineRules:
    data = packaged_json("layout.json")
    labels = frozenset(label for key in ("brief_columns", "photo_columns", "labels") for label in data["sections"][key])
    starts = alternation([*data["block_marks"], *data["news_leads"]])
    return _LineRules(
        column_labels=labels,
        block_start=regex.compile(rf"^(?:{starts}|[(（](?:{alternation(data['continuation_words'])}))"),
        photo_credit=regex.compile(rf"[\p{{Han}}·]{{2,16}}(?:{alternation(data['photo_credit_words'])})"),
        photo_tail=regex.compile(rf"[。！？!?][”’]?[\p{{Han}}·]{{2,12}}(?:{alternation(data['photo_credit_words'])})$"),
        pinyin=regex.compile(data["pinyin_annotation"]),
    )


def _drop_annotations(mapped: str) -> str:
    """Pinyin printed after characters (``政協(xié)委員``) dropped character for character, so offsets stay raw."""
    return _line_rules().pinyin.sub(lambda m: _DROPPED * len(m.group()), mapped)


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` (lone surrogates too), so that per-character tables apply in one C-level gather."""
    return np.frombuffer(text.encode(_UTF32, "surrogatepass"), dtype=np.uint32)


@lru_cache(maxsize=1)
def _sure_traditional() -> np.ndarray:
    """Per code point: whether it is a sure traditional form."""
    mask = np.zeros(_CODE_POINTS, dtype=bool)
    mask[[ord(ch) for ch in _t2s()[0]]] = True
    return mask


def _is_traditional(codes: np.ndarray) -> bool:
    """Whether a page (its code points) is written in traditional characters (then ``於`` is 于, not the surname)."""
    count = int(np.count_nonzero(_sure_traditional()[codes]))
    return count >= 3 and count * 50 >= len(codes)


def _table(traditional: bool) -> dict[int, str]:
    """The one-for-one character mapping of step 1 (ambiguous traditional forms only on traditional pages)."""
    table = {c: " " for c in range(0x3001) if chr(c).isspace() and c != 0x0A}  # no whitespace lies above U+3000
    table.update({c: chr(c - 0xFEE0) for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for c in range(*r)})
    table[ord("％")] = "%"
    for source in (_DOTS, _BRACKET_QUOTES, *_t2s()[: 2 if traditional else 1]):
        table.update({ord(k): v for k, v in source.items()})
    return table


@lru_cache(maxsize=1)
def _deletable() -> np.ndarray:
    """Per code point: whether step 1 drops it (``_DELETABLE``, evaluated once over every code point)."""
    every = np.arange(_CODE_POINTS, dtype=np.uint32).tobytes().decode(_UTF32, "surrogatepass")
    mask = np.zeros(_CODE_POINTS, dtype=bool)
    for run in _DELETABLE.finditer(every):
        mask[run.start() : run.end()] = True
    mask[ord("\n")] = False
    return mask


@lru_cache(maxsize=2)
def _mapping(traditional: bool) -> np.ndarray:
    """Step 1 as a code point → code point array: ``_table``, then what is deletable to ``_DROPPED``.

    One numpy gather per page instead of ``str.translate`` (a dict look-up per
    character) and a regex scan for deletable characters.
    """
    mapping = np.arange(_CODE_POINTS, dtype=np.uint32)
    table = _table(traditional)
    mapping[list(table)] = [ord(ch) for ch in table.values()]
    mapping[_deletable()[mapping]] = ord(_DROPPED)
    return mapping


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _keeps_space(left: str, right: str) -> bool:
    """One space survives only between ASCII words (``CEO 等`` loses it, ``Windows 10`` keeps it)."""
    return _is_word(left) and _is_word(right) and not (left.isdigit() and right.isdigit())


@dataclass
class _Paragraph:
    """What the join decision needs of the paragraph so far, kept up to date line by line."""

    tail: str = ""  # its last characters
    clause: bool = False  # it has clause punctuation
    open_quotes: int = 0  # “ minus ”

    def extend(self, text: str) -> None:
        self.tail = (self.tail + text)[-24:]
        self.clause = self.clause or _CLAUSE.search(text) is not None
        self.open_quotes += text.count("“") - text.count("”")


def _continues(paragraph: _Paragraph, line: str) -> bool:
    """Whether a line break is an OCR column break inside running text."""
    if not paragraph.tail or _ENDED.search(paragraph.tail) or _line_rules().photo_tail.search(paragraph.tail):
        return False  # a sentence end, or a photo credit after one: layout reads the credit off the line's end
    head = line[:6]
    if _line_rules().block_start.match(head):
        return False
    if _CLAUSE.match(head, 1, 3):  # ``里，通行时间…``: a line does not open on a one- or two-character clause
        return True
    rules = _line_rules()
    if line in rules.column_labels or rules.photo_credit.fullmatch(line):
        return False  # ``图片新闻``, ``区县快递``, ``旷灵芝冯文涛摄`` after a caption or truncated line
    # Running text: clause punctuation so far, or a quotation still open (``“…全长45公``).
    return paragraph.clause or paragraph.open_quotes > 0


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


def characters(raw: str) -> str:
    """Step 1 alone, one character for one (a dropped character becomes a space): ``raw`` in
    simplified script with ASCII digits and letters, at the raw offsets.  Layout reads credits
    and meta lines here, so that names come out simplified while their offsets stay raw."""
    codes = code_points(raw)
    return _drop_annotations(_mapping(_is_traditional(codes))[codes].tobytes().decode(_UTF32)).replace(_DROPPED, " ")


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
    codes = code_points(raw)
    mapped = _drop_annotations(_mapping(_is_traditional(codes))[codes].tobytes().decode(_UTF32))  # 1. characters, one for one
    out: list[str] = []
    runs: list[tuple[int, int]] = []  # (raw start, length) of each piece of ``out``
    paragraph = _Paragraph()
    quote_open = {'"': False, "'": False}
    line_end = -1  # raw index of the newline after the last non-blank line
    base = 0
    for segment in mapped.split("\n"):
        # 3. whitespace inside the line: one space survives between ASCII words only
        pieces: list[tuple[str, int]] = []  # (text, raw start)
        previous_end = 0
        for chunk in _CHUNK.finditer(segment):
            start = chunk.start()
            if pieces and " " in segment[previous_end:start] and _keeps_space(pieces[-1][0][-1], chunk.group()[0]):
                pieces.append((" ", base + segment.index(" ", previous_end)))
            pieces.append((chunk.group(), base + start))
            previous_end = chunk.end()
        if pieces:
            line = "".join(text for text, _ in pieces)
            # 2. paragraph joins: an OCR wrap vanishes, any other line break becomes one \n
            if out:
                if not _continues(paragraph, line):
                    out.append("\n")
                    runs.append((line_end, 1))
                    paragraph = _Paragraph()
                    quote_open = {'"': False, "'": False}
                elif _keeps_space(out[-1][-1], line[0]):
                    out.append(" ")
                    runs.append((line_end, 1))
            # 4. quotes
            line = _quotes(line, quote_open)
            out.append(line)
            paragraph.extend(line)
            runs.extend((start, len(text)) for text, start in pieces)
            line_end = base + len(segment)
        base += len(segment) + 1
    return "".join(out), _expand(runs)


def _expand(runs: list[tuple[int, int]]) -> array:
    """The raw index of every character of (raw start, length) runs, in one numpy pass, not a Python step per character."""
    if not runs:
        return array("q")
    starts, lengths = np.array(runs, dtype=np.int64).T
    firsts = np.cumsum(lengths) - lengths  # where each run starts in the output
    return array("q", (np.repeat(starts - firsts, lengths) + np.arange(firsts[-1] + lengths[-1])).tobytes())


def _quotes(line: str, state: dict[str, bool]) -> str:
    """Straight quotes → curly, by the quote state carried through the paragraph (updated in place)."""
    if '"' in line or "'" in line:
        out: list[str] = []
        done = 0  # the line up to here is in ``out``
        for mark in _QUOTE_MARK.finditer(line):  # only the quote marks, not every character
            ch = mark.group()
            if ch in state:
                out += (line[done : mark.start()], _curly(ch, state))
                done = mark.end()
            else:
                state['"' if ch in "“”" else "'"] = ch in "“‘"
        out.append(line[done:])
        return "".join(out)
    for kind, opener, closer in (('"', "“", "”"), ("'", "‘", "’")):
        last = max(line.rfind(opener), line.rfind(closer))
        if last >= 0:
            state[kind] = line[last] == opener
    return line


def _curly(straight: str, state: dict[str, bool]) -> str:
    """Straight quote → curly: closing when its kind is open, else opening."""
    opened = state[straight]
    state[straight] = not opened
    if straight == '"':
        return "”" if opened else "“"
    return "’" if opened else "‘"
