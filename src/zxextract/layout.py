"""Page layout: split a normalized page into articles in reading order.

The normalizer joins OCR lines into paragraphs, and it sometimes glues a
headline to the paragraph before it (a brief that ends with ``(万虹佑)`` is
followed by ``开州：助力乡村振兴``).  Layout therefore works on the *raw*
lines, mapped into normalized offsets: every line is classified by its shape
(furniture, column label, headline-shaped, deck, credit, ``本报讯``,
continuation marker, body), lines are grouped into units (headline blocks,
body blocks, photo captions, column labels) and headline blocks are matched
to body blocks.

Pages print headlines before their body (*pre* order) or after it (*post*
order, common in OCR of multi-column pages); the order of the first unit
decides.  In post order a headline takes the nearest earlier body that has
no headline yet, so a headline printed after several briefs still finds its
report.  In pre order a credit-led body without headline is the start of the
nearest earlier article whose body had no credit (its head and deck were
printed elsewhere on the page).

Vocabulary (column labels, role words, furniture) is data in
``rules/layout.json``; this module holds only structure.  Everything is
linear in the page size except ``bisect`` look-ups.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, cast

import regex
from pydantic import Field, field_validator

from .normalize import Normalized, characters
from .officials import OfficialFinder
from .records import Credit, CreditRole, Date, Hit
from .ruleset import RuleRow, alternation, limits, packaged_json, packaged_table


class LineRow(RuleRow):
    """A furniture line of ``rules/layout_lines.tsv``: its ``kind`` and a regex ``pattern`` (checked at load)."""

    kind: Literal["navigation", "contents", "footer", "masthead", "meta", "links"]
    pattern: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            regex.compile(pattern)
        except regex.error as error:
            raise ValueError(f"not a regex: {error}") from None
        return pattern


class WordRow(RuleRow):
    """A word of ``rules/layout_words.tsv`` and what it marks on web and e-paper pages."""

    kind: Literal["crumb", "outlet", "position", "meta:author", "meta:editor", "meta:other", "meta:published", "meta:source"]
    word: str = Field(min_length=1)


__all__ = ["ArticleLayout", "PageLayout", "page_layout", "split_page"]


@dataclass
class ArticleLayout:
    """One article of a page: layout fields plus where its text is."""

    kind: str  # report | brief | photo | continuation | other
    section: str | None
    title: str | None
    subtitle: str | None
    bylines: list[Hit]
    segments: list[tuple[int, int]]
    title_span: tuple[int, int] | None
    published: Date | None = None  # the publication date the page prints for it (not one of its dates)
    published_span: tuple[int, int] | None = None  # where, in normalized offsets
    source: str | None = None  # the ``来源:`` outlet as printed


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Rules:
    brief_columns: frozenset[str]
    photo_columns: frozenset[str]
    labels: frozenset[str]
    prefixes: tuple[str, ...]
    roles: dict[str, str]
    suffix_roles: dict[str, str]
    text_and_photo: frozenset[str]
    role_re: regex.Pattern[str]
    credit_marks: str
    news_re: regex.Pattern[str]
    continued_from: regex.Pattern[str]
    continued_to: regex.Pattern[str]
    furniture: regex.Pattern[str]  # any of the patterns, as one alternation: one call per line
    slogans: frozenset[str]
    masthead_max: int
    slash_roles: dict[str, list[str]]
    news_generic: regex.Pattern[str]
    dateline: regex.Pattern[str]
    digest_leads: regex.Pattern[str]
    kicker_ends: str
    kicker_bars: str
    lines: dict[str, regex.Pattern[str]]  # furniture kind -> any of its patterns (rules/layout_lines.tsv)
    meta_re: regex.Pattern[str]  # a ``key:`` of a meta line
    meta_fields: dict[str, str]  # key -> published | source | editor | author | other
    position_re: regex.Pattern[str]  # a breadcrumb's opening word
    crumbs: frozenset[str]  # breadcrumb steps that are no column
    outlet_re: regex.Pattern[str]  # the end of an outlet's name
    photo_words: tuple[str, ...]  # credit words a name may be printed glued to (赵明远摄, 张三供稿), longest first
    photo_tail: regex.Pattern[str]  # a photo credit after the last sentence end of a line (……。 记者 张三 摄)
    notes: frozenset[str]  # labels of an editor's note: inside an article (under its headline) they are its text
    title_decorations: str  # marks printed around a headline (· 标题, 标题******): not part of the title


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = packaged_json("layout.json")
    sections, furniture = data["sections"], data["furniture"]
    line_patterns, words, meta = _line_rules()
    return _Rules(
        brief_columns=frozenset(sections["brief_columns"]),
        photo_columns=frozenset(sections["photo_columns"]),
        labels=frozenset(sections["labels"]),
        prefixes=tuple(sorted(sections["prefixes"], key=len, reverse=True)),
        roles=data["roles"],
        suffix_roles=data["suffix_roles"],
        text_and_photo=frozenset(data["text_and_photo"]),
        role_re=regex.compile(alternation(list(data["roles"]))),
        credit_marks=data["credit_marks"],
        news_re=regex.compile(r"\s*(?:" + alternation(data["news_leads"]) + r")"),
        continued_from=regex.compile(data["continued_from"]),
        continued_to=regex.compile(data["continued_to"]),
        furniture=regex.compile("|".join(f"(?:{p})" for p in furniture["patterns"])),
        slogans=frozenset(s.replace(" ", "") for s in furniture["slogans"]),
        masthead_max=_LIMITS["masthead_max_chars"],
        slash_roles=data["slash_roles"],
        news_generic=regex.compile(data["news_leads_generic"]),
        dateline=regex.compile(data["dateline"]),
        digest_leads=regex.compile(data["digest_leads"]),
        kicker_ends=data["kicker_ends"],
        kicker_bars=data["kicker_bars"],
        lines={kind: regex.compile("|".join(f"(?:{p})" for p in patterns)) for kind, patterns in line_patterns.items()},
        # ``文字/剪辑:X``: keys joined by a slash share the value; the first one says what it is
        meta_re=regex.compile(r"((?:" + alternation(list(meta)) + r")(?:/(?:" + alternation(list(meta)) + r"))*)\s*[:：]"),
        meta_fields=meta,
        position_re=regex.compile(r"(?:" + alternation(words["position"]) + r")\s*[:：]?"),
        crumbs=frozenset(words["crumb"]),
        outlet_re=regex.compile(r"(?:" + alternation(words["outlet"]) + r")$"),
        # the photo credit words and the suffix words of two or more characters (``王宏图`` keeps its 图)
        photo_words=tuple(
            sorted({*data["photo_credit_words"], *(w for w in data["suffix_roles"] if len(w) > 1)}, key=len, reverse=True)
        ),
        photo_tail=regex.compile(
            r"[。！？!?][”’]?(?P<tail>[^。！？!?，,；;“”]{2,24}?(?:" + alternation(data["photo_credit_words"]) + r"))\s*$"
        ),
        notes=frozenset(sections["notes"]),
        title_decorations=data["title_decorations"],
    )


@lru_cache(maxsize=1)
def _names() -> OfficialFinder:
    """The officials finder, for its name model: whether a credit glued to its role word is a name."""
    return OfficialFinder.default()


def _role_in(token: str) -> regex.Match[str] | None:
    """The role word a credit token opens with, also after a short qualifier or an outlet
    (``全媒体记者``, ``福州日报记者``, ``新华社记者``)."""
    rules = _rules()
    role = rules.role_re.match(token)
    if role is None and (inner := rules.role_re.search(token)) and _HAN.match(token):
        if inner.start() <= _ROLE_QUALIFIER or rules.outlet_re.search(token, 0, inner.start()):
            return inner
    return role


def _unglue(raw: str, tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Split a credit word off a name printed without a space (``赵明远摄``, ``记者张三摄影``, ``张三供稿``) when
    what stands before it, after a role word, reads as a person's name; ``拍摄``, ``航拍摄`` stay whole.
    Two names of two characters printed without a space (``吕巍刘聪``) are split when the whole is no
    name and each half is one (``欧阳明月`` stays whole)."""
    rules = _rules()
    out: list[tuple[str, int, int]] = []
    names = _names()
    for token, start, stop in tokens:
        word = next((w for w in rules.photo_words if token.endswith(w) and len(token) > len(w)), None)
        if (
            word is None
            and len(token) == 4
            and all(_HAN.match(c) for c in token)
            and not names.plausible_name(token)
            and names.plausible_name(token[:2])
            and names.plausible_name(token[2:])
        ):
            out += [(token[:2], start, start + 2), (token[2:], start + 2, stop)]
            continue
        if word is not None and _HAN.match(token):
            stem = token[: -len(word)]
            role = _role_in(stem)
            name = stem[role.end() :] if role else stem
            if _names().plausible_name(name):
                out += [(stem, start, stop - len(word)), (word, stop - len(word), stop)]
                continue
        out.append((token, start, stop))
    return out


def _line_rules() -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, str]]:
    """Furniture patterns by kind, word lists by kind and meta keys by field, from the TSV files."""
    patterns: dict[str, list[str]] = {}
    for row in packaged_table("layout_lines.tsv", LineRow):
        patterns.setdefault(row["kind"], []).append(row["pattern"])
    words: dict[str, list[str]] = {}
    meta: dict[str, str] = {}
    for row in packaged_table("layout_words.tsv", WordRow):
        kind, word = row["kind"], row["word"]
        if kind.startswith("meta:"):
            meta[word] = kind.removeprefix("meta:")
        else:
            words.setdefault(kind, []).append(word)
    return patterns, words, meta


# --------------------------------------------------------------------------- lines

_CLAUSE = regex.compile(r"[，,。；;、]")
# A two-part headline (凝心聚力谋发展，履职尽责促振兴): two runs of Han parted by one comma, between blank lines.
_PAIRED_HEAD = regex.compile(r"\p{Han}{4,15}[\uff0c,]\p{Han}{4,15}")
_SENTENCE_END = frozenset("。！？!?；;…")
_CLOSERS = frozenset("”’)）」』》")
_HAN = regex.compile(r"\p{Han}")
_NAME = regex.compile(r"[\p{Han}][\p{Han}·]{1,5}")
_TOKEN = regex.compile(r"[^\s()（）\[\]【】、，,：:；;□■◇◆○●☆★]+")
_DECK = regex.compile(r"^(?:——|—|--|-|－|―)+(?=\S)")
_PAREN_TAIL = regex.compile(r"[(（]([^()（）]{2,60})[)）]\s*$")
_NEWS_PAREN = regex.compile(r"\s*[(（]([^()（）]{1,60})[)）]")
_WORD_REST = regex.compile(r"(\S+)\s+(\S.*\S)", regex.DOTALL)
_LIMITS = limits("layout")  # rules/limits.tsv says what each is
_MAX_HEAD = _LIMITS["max_head"]
_ROLE_QUALIFIER = _LIMITS["role_qualifier"]
_INDENT = regex.compile(r"[ \t\u3000\u00a0]{2}")
# Anti-copy noise of forum reposts (``* r4 L9 O: p8 Y``): four or more short ASCII tokens, one with punctuation.
_NOISE = regex.compile(r"(?<![!-~])[!-~]{1,3}(?:[ \t]+[!-~]{1,3}){3,}(?![!-~])")
_NOISE_MARK = regex.compile(r"[!-/:-@\[-`{-~]")
# A publication stamp: a date with its year or its clock time (``2023-12-18``, ``07-20 20:15``, ``2023年09月06日 09:47``).
# A notice's signature: the issuing body's name and the full date it was signed (年月日, no clock time).
_SIGN_DATE = regex.compile(
    r"(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}\s*年\s*[一二三四五六七八九十]{1,2}\s*月\s*[一二三四五六七八九十]{1,3}\s*日)"
)
_SIGNER = regex.compile(r"\p{Han}[\p{Han}·()（）\s]{1," + str(_MAX_HEAD) + "}")
_SIGNED = regex.compile(_SIGNER.pattern + r"\s*" + _SIGN_DATE.pattern)
_STAMP = regex.compile(
    r"(?P<date>(?:(?P<y>(?:19|20)\d{2})(?:\s*[-./年]\s*|\s+(?=\d{1,2}\s*[-./]\s*\d)))?(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})(?:\s*日)?)"
    r"(?:\s*(?P<t>\d{1,2}:\d{2}(?::\d{2})?))?"
)
_WEEKDAY = regex.compile(r"\s*(?:星期|周)[一二三四五六日天]\s*")
_CRUMB_SEP = regex.compile(r"\s*(?:>|>|»|›|→|/)\s*")
_LINK_MAX = _LIMITS["link_max"]
_SENTENCE_MARK = regex.compile(r"[。，,；;！？]")  # a line with these is text, not a meta line or a table of contents
_META_MAX = _LIMITS["meta_max"]
_META_FRAME = " \t[]【】|｜()（）"  # brackets and bars that frame or part a meta line's fields: [ 作者: | 发布时间:… ], (来源:X)
_MASTHEAD_WORDS = _LIMITS["masthead_words"]
_WEB_FURNITURE = frozenset({"navigation", "masthead", "contents"})  # what a web headline follows
_LABEL_MAX = _LIMITS["label_max"]
_CONTENTS_MIN = _LIMITS["contents_min"]
_META_VALUE_MAX = _LIMITS["meta_value_max"]
_STAMP_OUTLET_MAX = _LIMITS["stamp_outlet_max"]
_PADDED_NAME_MAX = _LIMITS["padded_name_max"]
_PREFIX_LABEL_MAX = _LIMITS["prefix_label_max"]
_CREDIT_MAX = _LIMITS["credit_max"]


@dataclass
class _Line:
    """One raw line, as a range of normalized characters."""

    index: int
    start: int
    end: int
    gap: int  # blank raw lines before it
    text: str
    raw: str
    kind: str = "body"
    credits: list[tuple[str, str, int, int]] = field(default_factory=list)  # name, role, raw start, raw end
    cut: int | None = None  # normalized offset where a closing credit at the line's end begins
    photo_tail: bool = False  # the cut is a photo credit (……。 记者 张三 摄): it does not close the article
    label: str | None = None  # column label text
    photo_credit: bool = False
    lead_credit: bool = False  # a 本报讯 line with the credit in parentheses
    indent: bool = False  # the raw line opens with two or more spaces (a web paragraph)
    furniture: str | None = None  # furniture kind: page (OCR) | navigation | contents | footer | masthead | meta | noise
    stamp: Hit | None = None  # the publication date a meta or edition-date line prints
    source: str | None = None  # the outlet a ``来源:`` line prints
    crumb: str | None = None  # the column a breadcrumb names
    digest: bool = False  # a headline over one dateline paragraph (an item of a digest)
    holes: list[tuple[int, int]] = field(default_factory=list)  # noise cut out of the line's middle
    trimmed: bool = False  # noise was cut off an end: the line is not printed next to its neighbours
    signature: bool = False  # the issuing body and date closing a notice (落款): article text, no footer or stamp


def _raw_lines(norm: Normalized, sraw: str) -> list[_Line]:
    """Raw lines that keep at least one normalized character, with the blank lines before each.

    A line the normalizer joined to the one before (an OCR column wrap: no ``\\n``
    between them in the normalized text) is part of that line, so a wrapped
    fragment (``华村党``) is never taken for a headline.
    """
    text, offsets = norm.text, norm.offsets
    spans: list[tuple[int, int, int, list[str]]] = []  # start, end, gap, raw pieces (joined once, at the end)
    gap = 0
    pos = 0
    # Offsets strictly increase, so k raw characters hold at most k normalized ones: narrow bisect ranges.
    after = 0  # first normalized index at or after the previous line's end in the raw input
    for piece in sraw.split("\n"):  # the raw lines in simplified script: a line's ``raw`` reads as its ``text``
        stop = pos + len(piece)
        start = bisect_left(offsets, pos, after, min(len(offsets), after + 1))  # past at most the "\n"
        end = after = bisect_left(offsets, stop, start, min(len(offsets), start + len(piece)))
        pos = stop + 1
        while end > start and text[end - 1] == " ":
            end -= 1
        while start < end and text[start] == " ":
            start += 1
        if start >= end:
            gap += 1
        elif spans and "\n" not in text[spans[-1][1] : start]:
            first, _, before, pieces = spans[-1]
            spans[-1] = (first, end, before, pieces)
            pieces.append(piece.strip())
            gap = 0
        else:
            spans.append((start, end, gap, [piece]))  # the first piece unstripped: its indent is read
            gap = 0
    return [
        _Line(i, s, e, g, text[s:e], "\n".join(x.strip() for x in p), indent=_INDENT.match(p[0]) is not None)
        for i, (s, e, g, p) in enumerate(spans)
    ]


# --------------------------------------------------------------------------- web and e-paper furniture


def _raw_range(norm: Normalized, line: _Line) -> tuple[int, int]:
    """The raw characters of a line."""
    return norm.offsets[line.start], norm.offsets[line.end - 1] + 1


def _trim_noise(norm: Normalized, sraw: str, line: _Line) -> list[tuple[int, int]]:
    """Cut anti-copy noise out of a line: off its ends, or as holes inside (where the normalizer
    joined raw lines); the normalized ranges cut (the whole line when it is all noise)."""
    lo, hi = _raw_range(norm, line)
    cut: list[tuple[int, int]] = []
    text = norm.text
    for match in _NOISE.finditer(sraw, lo, hi):
        if not _NOISE_MARK.search(match.group()):
            continue
        start, end = bisect_left(norm.offsets, match.start()), bisect_left(norm.offsets, match.end())
        cut.append((start, end))
        if start <= line.start:
            line.start, line.trimmed = end, True
        elif end >= line.end:
            line.end, line.trimmed = start, True
        else:
            line.holes.append((start, end))
        while line.end > line.start and text[line.end - 1] == " ":
            line.end -= 1
        while line.start < line.end and text[line.start] == " ":
            line.start += 1
    if cut:
        line.text = text[line.start : line.end]
    return cut


def _date_hit(norm: Normalized, match: regex.Match[str], rule: str) -> Hit:
    """A stamp as a Date hit at normalized offsets (the date, without its clock time)."""
    start, end = bisect_left(norm.offsets, match.start("date")), bisect_left(norm.offsets, match.end("date"))
    year = int(match.group("y")) if match.group("y") else None
    date = Date(year, int(match.group("m")), int(match.group("d")), text=norm.text[start:end], rule=rule)
    return Hit(start, end, date)


def _meta_pairs(norm: Normalized, sraw: str, line: _Line, pos: int, hi: int) -> bool:
    """``key:value`` pairs from ``pos`` on (stamp, source, editor and author credits); False when the rest is not such pairs."""
    rules = _rules()
    keys = list(rules.meta_re.finditer(sraw, pos, hi))
    if not keys or sraw[pos : keys[0].start()].strip(_META_FRAME):
        return False
    for key, nxt in zip(keys, [*keys[1:], None]):
        field_name = rules.meta_fields[key.group(1).split("/")[0]]
        vlo, vhi = key.end(), nxt.start() if nxt is not None else hi
        value = sraw[vlo:vhi].strip(_META_FRAME)
        if len(value) > _META_VALUE_MAX:
            return False
        if field_name == "published":
            stamp = _STAMP.search(sraw, vlo, vhi)
            if stamp and line.stamp is None:
                line.stamp = _date_hit(norm, stamp, "published:meta")
        elif field_name == "source" and value and line.source is None:
            line.source = value.split()[0]
        elif field_name in ("editor", "author") and value:
            parsed = _parse_credits(sraw, vlo, vhi, field_name)
            if parsed is not None:
                line.credits.extend(parsed[0])
    return True


def _meta(norm: Normalized, sraw: str, line: _Line) -> str | None:
    """``meta`` for a line of ``key:value`` pairs or a publication stamp (``铜梁网 07-20 20:15``),
    ``masthead`` for an edition date alone; fills the line's stamp, source and credits."""
    lo, hi = _raw_range(norm, line)
    if hi - lo > _META_MAX or "\n" in sraw[lo:hi] or _SENTENCE_MARK.search(sraw, lo, hi):
        return None
    pos = lo + len(sraw[lo:hi]) - len(sraw[lo:hi].lstrip())
    if _meta_pairs(norm, sraw, line, pos, hi):
        return "meta"
    stamp = _STAMP.search(sraw, pos, hi)
    if stamp is None or not (stamp.group("y") or stamp.group("t")):
        return None
    before, after = sraw[pos : stamp.start()].strip(), _WEEKDAY.sub("", sraw[stamp.end() : hi]).strip()
    if before and not (len(before) <= _STAMP_OUTLET_MAX and _rules().outlet_re.search(before) and _HAN.match(before)):
        return None
    if after and not _meta_pairs(norm, sraw, line, hi - len(sraw[stamp.end() : hi].lstrip()), hi):
        return None
    kind = "masthead" if not before and not after and not stamp.group("t") else "meta"
    line.stamp = _date_hit(norm, stamp, "published:edition" if kind == "masthead" else "published:meta")
    return kind


def _breadcrumb(line: _Line) -> bool:
    """``您的位置: 首页 > 政协工作 > 各区政协``: navigation; the last step that is a column is the line's crumb
    (not the site or home page at the first step, not the page itself: ``正文``, ``新闻详情``)."""
    rules = _rules()
    text = line.text
    opening = rules.position_re.match(text)
    if opening is None or _CLAUSE.search(text) or not _CRUMB_SEP.search(text, opening.end()):
        return False
    word = opening.group().rstrip(":： ")
    parts = ([word] if word in rules.crumbs else []) + [p for p in _CRUMB_SEP.split(text[opening.end() :]) if p]
    if len(parts) < 2 or any(len(p) > 20 for p in parts):
        return False
    k = len(parts) - 1
    while k > 0 and parts[k] in rules.crumbs:
        k -= 1
    line.crumb = parts[k] if k > 0 else None
    return True


def _contents(norm: Normalized, sraw: str, line: _Line) -> bool:
    """An e-paper's table of contents: six or more headlines on one line, apart by spaces, no sentence
    (a headline of four parts apart by spaces is printed too)."""
    lo, hi = _raw_range(norm, line)
    chunks = sraw[lo:hi].split()
    if len(chunks) < _CONTENTS_MIN or _SENTENCE_MARK.search(sraw, lo, hi):
        return False
    return sum(1 for c in chunks if len(_HAN.findall(c)) >= 4) >= _CONTENTS_MIN


def _short(line: _Line) -> bool:
    return len(line.text) <= _LINK_MAX and not _ends_sentence(line.text)


def _link_list(lines: list[_Line], k: int) -> bool:
    """Whether the header at ``lines[k]`` (``相关新闻``, ``推荐阅读``) opens a link list: short lines
    up to the page end or the footer.  Over a paragraph it is a column label (a related article)."""
    rules = _rules()
    for line in lines[k + 1 :]:
        if line.text and not _short(line):
            return False
        if rules.lines["footer"].match(line.text) or rules.lines["navigation"].match(line.text):
            return True
    return True


def _page_furniture(norm: Normalized, sraw: str, lines: list[_Line]) -> tuple[bool, list[tuple[int, int, str]]]:
    """Mark web and e-paper furniture; whether the page is a web or e-paper page by its furniture other
    than meta lines (a meta line may turn out to be body text: ``_body_meta``), and the noise cut off lines."""
    rules = _rules()
    cuts: list[tuple[int, int, str]] = []
    web = False
    shaped = False  # web furniture other than meta lines
    footer = False
    links = False
    for k, line in enumerate(lines):
        cuts.extend((s, e, "noise") for s, e in _trim_noise(norm, sraw, line))
        if line.start >= line.end:
            line.start = line.end = min(line.start, line.end)
            line.kind, line.furniture = "furniture", "noise"
            continue
        text = line.text
        kind: str | None = None
        if footer or rules.lines["footer"].match(text):
            kind = "footer"
            footer = footer or web
        elif links and _short(line):
            kind = "navigation"
        elif rules.lines["navigation"].match(text) or _breadcrumb(line):
            kind, web, shaped = "navigation", True, True
        elif rules.lines["links"].match(text) and _link_list(lines, k):
            kind, web, shaped, links = "navigation", True, True, True
        elif rules.lines["masthead"].match(text):
            kind = "masthead"
            if len(_HAN.findall(text)) >= _MASTHEAD_WORDS:  # not a bare page number or date
                web = shaped = True
        elif _contents(norm, sraw, line):
            kind, web, shaped = "contents", True, True
        elif (meta := _meta(norm, sraw, line)) is not None:
            kind = meta
            web = web or meta == "meta"
        if kind is None:
            links = False
        else:
            line.kind, line.furniture = "furniture", kind
    return shaped, cuts


def _ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence (``。`` or ``。”``): such a line is not a headline."""
    if not text:
        return False
    return text[-1] in _SENTENCE_END or (len(text) > 1 and text[-1] in _CLOSERS and text[-2] in _SENTENCE_END)


def _tokens(raw: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Credit tokens of ``raw[lo:hi]`` with their raw start and end; single characters apart by
    spaces are names printed with padding (``邓 蕾`` → ``邓蕾``): a run of them is one name of at most
    ``padded_name_max``, or split into names by the name model (``邓 蕾 王 琳`` → ``邓蕾``, ``王琳``)."""
    rules = _rules()
    out: list[tuple[str, int, int]] = []
    run: list[tuple[str, int, int]] = []  # padded single characters since the last other token

    def flush() -> None:
        out.extend(_padded_names(run))
        run.clear()

    for match in _TOKEN.finditer(raw, lo, hi):
        token, start, end = match.group(), match.start(), match.end()
        single = len(token) == 1 and _HAN.match(token) is not None
        if single and token not in rules.suffix_roles and token not in rules.roles:
            if run and raw[run[-1][2] : start].strip():
                flush()
            run.append((token, start, end))
            continue
        flush()
        out.append((token, start, end))
    flush()
    return out


def _padded_names(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Single characters printed apart by spaces as names: all of them as one when they are at most
    ``padded_name_max``, else the split into parts of at most that many whose parts most often read as
    names (``OfficialFinder.plausible_name``), the longer first part on a tie (``张 晓 明 邓 蕾``)."""
    n = len(chars)
    if n <= _PADDED_NAME_MAX:
        return [("".join(c for c, _, _ in chars), chars[0][1], chars[-1][2])] if chars else []
    text = "".join(c for c, _, _ in chars)
    # best[i]: (parts that are no name, parts) of the best split of text[i:], and its first part's length
    best: list[tuple[tuple[int, int], int]] = [((0, 0), 0)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for size in range(min(_PADDED_NAME_MAX, n - i), 0, -1):
            (bad, parts), _ = best[i + size]
            name = size > 1 and _names().plausible_name(text[i : i + size])
            options.append(((bad + (not name), parts + 1), size))
        best[i] = min(options, key=lambda o: o[0])  # min keeps the first, longest part on a tie
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < n:
        size = best[i][1]
        out.append((text[i : i + size], chars[i][1], chars[i + size - 1][2]))
        i += size
    return out


def _parse_credits(raw: str, lo: int, hi: int, default: str) -> tuple[list[tuple[str, str, int, int]], bool] | None:
    """``raw[lo:hi]`` read as role words and names; None when a token is neither.

    ``raw`` is the page in simplified script at raw offsets (``characters``).
    Role words before names (``通讯员 陈童``, ``福州日报记者 钱嘉宜``) set the
    role of the names that follow; ``摄``/``供图``/``摄影报道`` after names make
    them photographers; ``文/图`` adds photographer to the names before it, or
    gives the names after it both roles; ``文/X``, ``图/X``, ``文图/X`` give X
    the roles of the slash word.  Names without a role get ``default``.  Also
    returns whether any role word was seen (a bare name list is a credit only
    inside closing parentheses).
    """
    rules = _rules()
    found: list[list] = []  # [name, role or None, raw start, raw end]
    group: list[int] = []  # names since the last role word
    role: str | None = None
    extra: list[str] = []  # further roles of the names after a prefix ``文/图``
    saw_role = False
    tokens = _unglue(raw, _tokens(raw, lo, hi))
    for k, (token, start, stop) in enumerate(tokens):
        # On a line of role-name pairs (``撰稿 罗小梅 摄影 陈伟``) a role word between two names is the next one's.
        paired = token in rules.roles and role is not None and k + 1 < len(tokens) and _NAME.fullmatch(tokens[k + 1][0])
        if token in rules.text_and_photo or (token in rules.suffix_roles and group and not paired):
            if not group and token in rules.text_and_photo:
                role, extra, saw_role = "author", ["photographer"], True
                continue
            suffix = rules.suffix_roles.get(token, "photographer")
            for i in group:
                if found[i][1] is None or found[i][1] == suffix:
                    found[i][1] = suffix
                else:
                    found.append([found[i][0], suffix, found[i][2], found[i][3]])
            saw_role, group = True, []
            continue
        slash = token.split("/", 1)
        if len(slash) == 2 and slash[0] in rules.slash_roles and _NAME.fullmatch(slash[1]):
            saw_role, group = True, []
            for r in rules.slash_roles[slash[0]]:
                found.append([slash[1], r, start + len(slash[0]) + 1, stop])
            continue
        role_match = _role_in(token)
        if role_match:
            role, extra, saw_role, group = rules.roles[role_match.group()], [], True, []
            token, start = token[role_match.end() :], start + role_match.end()
            if not token:
                continue
        if role is None and not found and _names().names_body(token):
            continue  # the organisation a credit names before its writers: (咸宁市政协 朱必平 供稿)
        if not _NAME.fullmatch(token) or token in rules.suffix_roles:  # 供稿 after no name credits nobody
            return None
        group.append(len(found))
        found.append([token, role, start, stop])
        found.extend([token, r, start, stop] for r in extra)
    if not found:
        return None
    return [(name, r or default, s, e) for name, r, s, e in found], saw_role


def _mark_closing(line: _Line, raw: str, lo: int, hi: int) -> bool:
    """Credits in closing parentheses (``(万虹佑)``, ``(记者 陈元洪 秦杰)``) onto ``line``."""
    parsed = _parse_credits(raw, lo, hi, "author")
    if parsed is None:
        return False
    line.credits.extend(parsed[0])
    return True


def _body_credit(text: str) -> bool:
    """``(市政协提案委员会办公室供稿)``: an office, no person, closing the article with a credit word."""
    inner = text[1:-1].strip()
    word = next((w for w in _rules().suffix_roles if inner.endswith(w) and len(inner) > len(w)), None)
    return word is not None and not _CLAUSE.search(inner) and _names().names_body(inner[: -len(word)].strip())


def _t2s_changed(norm: Normalized, start: int, end: int) -> int:
    """How many Han characters in ``text[start:end]`` the normalizer turned from traditional to simplified."""
    text, raw, offsets = norm.text, norm.raw, norm.offsets
    return sum(1 for i in range(start, end) if text[i] != raw[offsets[i]] and _HAN.match(text[i]))


def _masthead(norm: Normalized, lines: list[_Line], line: _Line) -> bool:
    """A calligraphic masthead OCR'd as a short run of traditional characters on a simplified page
    (``重度政協系``): the lines around it carry no traditional character."""
    if len(line.text) > _rules().masthead_max or not _t2s_changed(norm, line.start, line.end):
        return False
    around = lines[max(line.index - 2, 0) : line.index] + lines[line.index + 1 : line.index + 3]
    return not any(_t2s_changed(norm, x.start, x.end) for x in around)


def _section_label(line: _Line) -> str | None:
    """The column label a line prints, if it is one.

    ``关注 X`` style labels are a prefix word, whitespace and a topic; OCR
    sometimes loses the prefix's first characters (``注 成渝…``), which is
    repaired from the vocabulary.
    """
    rules = _rules()
    text = line.text
    if text in rules.brief_columns or text in rules.photo_columns or text in rules.labels:
        return text
    if len(text) > _PREFIX_LABEL_MAX or _CLAUSE.search(text) or _ends_sentence(text):
        return None
    split = _WORD_REST.fullmatch(line.raw)
    if split is None:
        return None
    head, rest = split.group(1), "".join(split.group(2).split())
    if head in rules.prefixes:
        return f"{head} {rest}"
    # the shortest prefix that the OCR'd word ends: the smallest repair
    repaired = [p for p in rules.prefixes if p.endswith(head)]
    return f"{min(repaired, key=len)} {rest}" if repaired else None


def _classify(norm: Normalized, sraw: str, lines: list[_Line]) -> None:
    """Give every line its kind (furniture, section, cont, jump, credit, news, closing, deck, head, body).

    Lines ``_page_furniture`` marked keep their kind.  A headline-shaped line
    that repeats an earlier one is body (a headline printed several times is
    one article; its copies are counted like any text); on a page whose
    paragraphs are indented, an indented line is a paragraph, not a headline.
    """
    rules = _rules()
    offsets = norm.offsets
    raw = sraw
    heads: set[str] = set()
    indented = sum(line.indent for line in lines) >= 2
    leads = {line.index for line in lines if line.kind != "furniture" and rules.digest_leads.match(line.text)}
    last: _Line | None = None  # the last line that is no furniture
    note = False  # inside an editor's note under a headline: up to its first sentence end, no line is a headline
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.kind == "furniture":
            continue
        note = note and last is not None and (last.kind == "note" or (last.kind == "body" and not _ends_sentence(last.text)))
        text, lo, hi = line.text, offsets[line.start], offsets[line.end - 1] + 1
        if rules.furniture.fullmatch(line.raw) or text.replace(" ", "") in rules.slogans or _masthead(norm, lines, line):
            line.kind, line.furniture = "furniture", "page"
        elif rules.continued_from.match(text):
            line.kind = "continued_from"
        elif rules.continued_to.match(text):
            line.kind = "continued_to"
        elif (
            (label := _section_label(line)) is not None
            and label in rules.notes
            and last is not None
            and last.kind in ("head", "deck")
        ):
            line.kind, note = "note", True  # ``编者按`` under a headline opens a note of that article: its text, no column
        elif label is not None:
            line.kind, line.label = "section", label
        elif text[0] in rules.credit_marks and (parsed := _parse_credits(raw, lo + 1, hi, "author")) and parsed[1]:
            line.kind, line.credits = "credit", parsed[0]
            line.photo_credit = all(r == "photographer" for _, r, _, _ in parsed[0])
        elif (lead := rules.news_re.match(raw, lo, hi) or rules.news_generic.match(raw, lo, hi)) is not None:
            line.kind = "news"
            paren = _NEWS_PAREN.match(raw, lead.end(), hi)
            if paren:
                parsed = _parse_credits(raw, paren.start(1), paren.end(1), "author")
                line.credits = parsed[0] if parsed else []
                line.lead_credit = bool(parsed)
            _mark_tail(norm, sraw, line, lo, hi)
        elif len(leads) >= 2 and line.index in leads and not (_short(line) and _HAN.match(text)):
            # a digest item led by its place: a ``● 万州区 ●`` line, or a paragraph opening ``万州：``
            # (a short ``开州：助力乡村振兴`` is a headline)
            line.kind = "news"
            _mark_tail(norm, sraw, line, lo, hi)
        elif text[0] in "(（" and text[-1] in ")）" and (_mark_closing(line, raw, lo + 1, hi - 1) or _body_credit(text)):
            line.kind = "closing"
        elif text[0] in "(（" and not any(c in text for c in ")）"):
            i = _multiline_closing(norm, sraw, lines, line, i)
        elif len(text) <= _CREDIT_MAX and (parsed := _parse_credits(raw, lo, hi, "author")) and parsed[1]:
            line.kind, line.credits = "credit", parsed[0]
            line.photo_credit = all(r == "photographer" for _, r, _, _ in parsed[0])
        elif _DECK.match(text) and not _CLAUSE.search(text) and not _ends_sentence(text):
            line.kind = "deck"
        elif (
            len(text) <= _MAX_HEAD
            and (not _CLAUSE.search(text) or _paired_head(lines, i - 1, last is None))
            and not _ends_sentence(text)
            and len(_HAN.findall(text)) >= 2
            and not (indented and line.indent)
        ):
            key = "".join(text.split())
            line.kind = "body" if key in heads or note else "head"  # a repeated headline is text of its article
            heads.add(key)
        else:
            _mark_tail(norm, sraw, line, lo, hi)
        last = line


def _paired_head(lines: list[_Line], i: int, first: bool) -> bool:
    """A two-part headline standing alone: blank lines (or the page's start) before it and a blank line after."""
    line = lines[i]
    alone = (line.gap > 0 or first) and i + 1 < len(lines) and lines[i + 1].gap > 0
    return alone and _PAIRED_HEAD.fullmatch(line.text) is not None


def _mark_tail(norm: Normalized, sraw: str, line: _Line, lo: int, hi: int) -> None:
    """A closing credit at the end of a text line (``…盘活质效。 （冉洵）``, ``…开幕。 记者 张三 摄``): credits,
    and where the text stops.  A photo credit's names must read as person names (not ``航拍摄``)."""
    match = _PAREN_TAIL.search(sraw, lo, hi)
    if match and _ends_sentence(sraw[lo : match.start()].rstrip()):
        if _mark_closing(line, sraw, match.start(1), match.end(1)) or _body_credit(f"({match.group(1)})"):
            line.cut = bisect_left(norm.offsets, match.start())
        return
    photo = _rules().photo_tail.search(sraw, lo, hi)
    if photo is None:
        return
    parsed = _parse_credits(sraw, photo.start("tail"), photo.end("tail"), "author")
    if parsed is None:
        return
    if any(r == "photographer" for _, r, _, _ in parsed[0]) and all(_names().plausible_name(n) for n, _, _, _ in parsed[0]):
        line.credits.extend(parsed[0])
        line.cut, line.photo_tail = bisect_left(norm.offsets, photo.start("tail")), True


def _text_line(line: _Line) -> bool:
    """A line of article text that shows the body has started: a paragraph (with sentence punctuation)
    not closed by a credit at its end."""
    return line.kind in ("body", "news", "note") and _SENTENCE_MARK.search(line.text) is not None and line.cut is None


def _demote(line: _Line, signature: bool = False) -> None:
    """A line taken for furniture (a meta line, a stamp, an edition date) that is article text."""
    line.kind, line.furniture, line.signature = "body", None, signature
    line.stamp, line.source, line.credits = None, None, []


def _body_meta(lines: list[_Line]) -> None:
    """Meta lines inside an article's body are its text (a notice's ``时间:``, ``地点:`` lines).

    A meta line is furniture right under a web headline or among the page's furniture; a run of meta
    lines after body text has started (a paragraph above it, maybe under subheads, no credit, furniture
    or headline block between) and followed by more text of that body (a paragraph or a headline-shaped
    line that is no headline over its own credit or ``本报讯``) is a schedule of the body.
    """
    started = False  # body text has started above and nothing closed it
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.furniture == "meta":
            j = k
            while j < len(lines) and lines[j].furniture == "meta":
                j += 1
            if started and k and lines[k - 1].kind in ("body", "news", "note") and _continues_body(lines, j):
                for x in lines[k:j]:
                    _demote(x)
            k = j
            continue
        if _text_line(line):
            started = True
        elif line.kind in ("head", "deck") or (line.kind == "body" and line.cut is None):
            pass  # subheads and lines without punctuation keep the state
        elif line.furniture not in ("page", "noise"):
            started = False  # a credit, a closed paragraph, a column label, web furniture
        k += 1


def _continues_body(lines: list[_Line], j: int) -> bool:
    """Whether ``lines[j]`` goes on with the body text above it: a paragraph, or headline-shaped lines
    over a paragraph (not over a credit, ``本报讯`` or a meta line: those open an article)."""
    while j < len(lines) and lines[j].kind in ("head", "deck"):
        j += 1
    return j < len(lines) and lines[j].kind in ("body", "note")


def _signatures(lines: list[_Line]) -> None:
    """A notice's signature (落款) after its last paragraph is article text: the issuing body and the date on
    one line (``…委员工作站 2023年12月18日``), or the body's name over a line of the date alone, with no
    text after it.  Neither a headline, a stamp, an edition date nor footer."""
    for k, line in enumerate(lines[1:], 1):
        if lines[k - 1].kind not in ("body", "news") or not _started_before(lines, k):
            continue
        after = lines[k + 1] if k + 1 < len(lines) else None
        if (line.kind in ("head", "body") or line.furniture == "meta") and _SIGNED.fullmatch(line.text):
            _demote(line, signature=True)
        elif (
            line.kind in ("head", "body")
            and _SIGNER.fullmatch(line.text)
            and after is not None
            and _SIGN_DATE.fullmatch(after.text)
            and (k + 2 >= len(lines) or lines[k + 2].kind not in ("body", "news"))
        ):
            _demote(line, signature=True)
            _demote(after, signature=True)


def _started_before(lines: list[_Line], k: int) -> bool:
    """Whether article text has started above ``lines[k]``: a paragraph, with only unpunctuated body lines
    (a schedule's ``地点:`` lines) between."""
    for line in reversed(lines[:k]):
        if _text_line(line):
            return True
        if line.kind != "body" or line.cut is not None:
            return False
    return False


def _multiline_closing(norm: Normalized, sraw: str, lines: list[_Line], first: _Line, nxt: int) -> int:
    """A closing name list wrapped over up to three lines: ``（秦工高 … 殷艳妮`` / ``程卓 … 马腾）``."""
    raw, offsets = sraw, norm.offsets
    for j in range(nxt, min(nxt + 2, len(lines))):
        text = lines[j].text
        if any(c in text for c in "(（"):
            break
        if text[-1] in ")）":
            lo, hi = offsets[first.start] + 1, offsets[lines[j].end - 1]
            if _mark_closing(first, raw, lo, hi):
                for line in lines[first.index : j + 1]:
                    line.kind = "closing"
                return j + 1
            break
    return nxt


# --------------------------------------------------------------------------- units

_TEXT_KINDS = frozenset({"body", "head", "deck", "news", "note"})


@dataclass
class _Unit:
    """A headline block, a body block, a photo caption or a column label."""

    kind: str  # head | body | photo | section
    lines: list[_Line]
    opening: str = "plain"  # how a body opens: plain | news (本报讯) | credit | continued_from ((上接1版))
    closed: bool = False
    label: str | None = None
    title: _Line | None = None
    subtitle: list[_Line] = field(default_factory=list)
    shown: list[_Line] = field(default_factory=list)  # head: lines that belong to the article text
    label_line: _Line | None = None  # head: a column label printed inside the block
    gap_after: int = 1
    text_lines: int = 0  # body: lines of text so far (credits and markers excluded)
    over_meta: bool = False  # head: a web page's ``来源:``/``发布时间:`` line follows it


def _next_text(lines: list[_Line], j: int) -> int | None:
    """Index of the first line at or after ``j`` that is not furniture."""
    while j < len(lines) and lines[j].kind == "furniture":
        j += 1
    return j if j < len(lines) else None


def _is_headline(lines: list[_Line], run: list[_Line], j: int, first_text: int) -> bool:
    """Whether a run of headline-shaped lines is a headline rather than subheads or wrapped body lines.

    A headline comes with a deck, or is followed by what opens or closes an
    article (a credit, ``本报讯``, a column label, a continuation marker, a
    web page's ``来源:`` line, the page end), possibly after one caption
    sentence.  A headline-shaped line that opens the page (or follows a web
    page's breadcrumb, menu or masthead) over a paragraph is its headline; one over a single paragraph that opens on a date
    (``11月21日，…``) and is followed by another headline is an item of a digest.
    """
    if any(line.kind == "deck" for line in run):
        return True
    if j < len(lines) and lines[j].furniture == "meta":
        return True
    nxt = _next_text(lines, j)
    if nxt is None or lines[nxt].kind in ("credit", "news", "section", "continued_from", "note"):
        return True
    if lines[nxt].kind != "body":
        return False
    after = _next_text(lines, nxt + 1)
    if _rules().dateline.match(lines[nxt].text) and (after is None or lines[after].kind in ("head", "deck", "section")):
        run[-1].digest = True
        return True
    if run[0].index == first_text:
        return True  # the page's first text
    if run[0].index and lines[run[0].index - 1].furniture in _WEB_FURNITURE:
        return True  # the first text under a web page's breadcrumb, menu or masthead
    if _ends_sentence(lines[nxt].text):
        return after is not None and lines[after].kind in ("news", "credit")
    return False


def _photo(lines: list[_Line], i: int) -> tuple[_Unit, int]:
    """A photo column: the label, its caption and the ``… 摄`` credit that ends it."""
    j = i + 1
    end: int | None = None
    while j < len(lines):  # over the caption run: it ends at the first line that is no caption text
        line = lines[j]
        if line.kind == "credit" and line.photo_credit:
            end = j + 1
            break
        if line.kind not in ("body", "head", "furniture"):
            break
        j += 1
    if end is None:  # no credit: the caption is the first sentence
        end = i + 1
        while end < len(lines) and lines[end].kind in ("body", "head", "furniture"):
            end += 1
            if _ends_sentence(lines[end - 1].text):
                break
    caption = [line for line in lines[i + 1 : end] if line.kind != "furniture"]
    return _Unit("photo", [lines[i], *caption], label=lines[i].label), end


def _units(lines: list[_Line]) -> list[_Unit]:
    """Group classified lines into units, in page order."""
    rules = _rules()
    units: list[_Unit] = []
    body: _Unit | None = None
    first_text = next((x.index for x in lines if x.kind not in ("furniture", "section")), -1)
    # On a page without any headline (a run of photo captions) a caption's ``…。 记者 X 摄`` closes it;
    # under a headline it is a photo inside the article, which goes on.
    captions = not any(x.kind in ("head", "deck", "section") for x in lines)

    def add_body(line: _Line, opening: str = "plain") -> _Unit:
        nonlocal body
        current = body
        wrapped = current is not None and (
            (line.kind == "closing" and current.lines[-1].kind == "closing")
            or (line.kind == "credit" and _editors(line) and current.lines[-1].kind == "credit")
            # an editor line after a closing credit (``…隐患。（刘思远 供稿）`` / ``责任编辑 赵丽``)
            or (
                line.kind == "credit"
                and _editors(line)
                and (current.lines[-1].kind == "closing" or _closing_tail(current.lines[-1]))
            )
        )
        if current is None or (not wrapped and (current.closed or (opening != "plain" and current.text_lines))):
            current = body = _Unit("body", [], opening=opening)
            units.append(current)
        current.lines.append(line)
        current.text_lines += line.kind in _TEXT_KINDS
        return current

    i = 0
    while i < len(lines):
        line = lines[i]
        kind = line.kind
        if kind == "furniture":
            i += 1
        elif kind == "section":
            body = None
            if line.label in rules.photo_columns:
                unit, i = _photo(lines, i)
                units.append(unit)
            else:
                units.append(_Unit("section", [line], label=line.label))
                i += 1
        elif kind in ("head", "deck"):
            j = i
            while j < len(lines) and (lines[j].kind in ("head", "deck") or lines[j].furniture == "page"):
                j += 1
            run = [x for x in lines[i:j] if x.kind != "furniture"]
            if _is_headline(lines, run, j, first_text):
                over_meta = j < len(lines) and lines[j].furniture == "meta"
                units.append(_Unit("head", run, gap_after=lines[j].gap if j < len(lines) else 1, over_meta=over_meta))
                body = None
            else:
                for x in run:
                    add_body(x)
            i = j
        elif kind in ("news", "credit", "continued_from") and not (
            kind == "credit" and (line.photo_credit or _editors(line) or _closes(lines, i)) and body and body.text_lines
        ):
            add_body(line, kind)
            i += 1
        else:
            unit = add_body(line)
            if kind in ("closing", "continued_to", "credit") or (line.cut is not None and (captions or not line.photo_tail)):
                unit.closed = True
            i += 1
    return units


def _closing_tail(line: _Line) -> bool:
    """Whether a text line ends with a closing credit in parentheses (not a photo credit)."""
    return line.cut is not None and not line.photo_tail


def _closes(lines: list[_Line], i: int) -> bool:
    """Whether the credit line ``lines[i]`` closes the text before it: no text follows it before
    the page end or the next headline (``记者 X`` / ``编辑:Y`` under a web article)."""
    for line in lines[i + 1 :]:
        if line.kind in ("head", "deck", "section"):
            return True
        if line.kind not in ("furniture", "credit", "closing"):
            return False
    return True


def _editors(line: _Line) -> bool:
    """A credit line of editors only (``编辑 X``, ``审校 Y``): it closes the article before it."""
    return bool(line.credits) and all(role == "editor" for _, role, _, _ in line.credits)


def _finish_head(unit: _Unit, post: bool) -> None:
    """Title, subtitle and section of a headline block.

    OCR sometimes packs a caption into the block; when the block mixes tight
    (no blank line) and loose joins, the tight group holding the deck (else
    the one next to the body) is the headline and the rest is caption text.
    A line ending in a colon is a kicker over the title; lines above a title
    that has a ``——`` deck are a column label and kickers.
    """
    run = unit.lines
    groups: list[list[_Line]] = [[run[0]]]
    mixed = len(run) > 1 and min(x.gap for x in run[1:]) == 0 < max(x.gap for x in run[1:])
    for line in run[1:]:
        if mixed and line.gap > 0 and groups[-1][-1].text[-1] not in _rules().kicker_ends:
            groups.append([line])
        else:
            groups[-1].append(line)
    if unit.over_meta and len(run) > 1 and not any(x.kind == "deck" for x in run):
        # a web headline is the line over its meta line: a short line above is the column, others kickers
        above = run[:-1]
        if len(above[0].text) <= _LABEL_MAX:
            unit.label_line, above = above[0], above[1:]
        unit.title, unit.subtitle = run[-1], above
        unit.shown = [x for x in run if x is not unit.label_line]
        return
    decked = [g for g in groups if any(x.kind == "deck" for x in g)]
    lines = decked[0] if decked else groups[0] if post else groups[-1]
    deck_at = next((k for k, x in enumerate(lines) if x.kind == "deck"), None)
    if deck_at is not None and deck_at > 0:
        before = lines[:deck_at]
        if len(before) > 1:
            unit.label_line, before = before[0], before[1:]
        unit.title, unit.subtitle = before[-1], before[:-1] + lines[deck_at:]
    elif deck_at is not None:
        unit.subtitle = lines
    elif len(lines) > 1 and lines[0].text[-1] in _rules().kicker_ends:
        unit.title, unit.subtitle = lines[1], [lines[0], *lines[2:]]
    else:
        unit.title, unit.subtitle = lines[0], lines[1:]
    unit.shown = [x for x in run if x is not unit.label_line]


# --------------------------------------------------------------------------- articles


@dataclass
class _Article:
    head: _Unit | None = None
    bodies: list[_Unit] = field(default_factory=list)
    photo: _Unit | None = None
    section: str | None = None

    def lines(self) -> list[_Line]:
        units = [u for u in (self.head, self.photo) if u is not None] + self.bodies
        return [line for unit in units for line in unit.lines]

    def position(self) -> int:
        return min(line.index for line in self.lines())

    def bare_news(self) -> bool:
        """The body opens with ``本报讯`` without a credit in parentheses: the shape of a brief."""
        lines = (line for body in self.bodies for line in body.lines if line.kind in _TEXT_KINDS)
        first = next(lines, None)
        return first is not None and first.kind == "news" and not first.lead_credit

    def is_brief(self) -> bool:
        """A bare ``本报讯`` body closed by the author in parentheses."""
        closing = any(line.kind == "closing" or _closing_tail(line) for body in self.bodies for line in body.lines)
        return self.bare_news() and closing


def _match_pre(units: list[_Unit]) -> list[_Article]:
    """Headlines before their body.  A credit- or 本报讯-led body without headline opens the
    nearest earlier article whose own body started without one (its head was printed apart)."""
    articles: list[_Article] = []
    waiting: _Article | None = None  # a headline that has not got its body yet
    uncredited: list[_Article] = []  # articles whose body opened without credit or 本报讯
    owner: _Article | None = None  # article of the previous body unit
    for k, unit in enumerate(units):
        if unit.kind == "section":
            continue
        if unit.kind == "photo":
            articles.append(_Article(photo=unit))
            waiting = owner = None
        elif unit.kind == "head":
            _finish_head(unit, post=False)
            waiting = _Article(head=unit)
            articles.append(waiting)
            owner = None
        elif waiting is not None and unit.opening != "continued_from":
            waiting.bodies.append(unit)
            if unit.opening == "plain":
                uncredited.append(waiting)
            owner, waiting = waiting, None
        elif unit.opening in ("credit", "news") and uncredited:
            owner = uncredited.pop()
            if owner.bodies and k and owner.bodies[-1] is units[k - 1]:
                owner.bodies.append(unit)
            else:
                owner.bodies.insert(0, unit)
        else:
            owner = _Article(bodies=[unit])
            articles.append(owner)
    return articles


def _match_post(units: list[_Unit]) -> list[_Article]:
    """Headlines after their body: each takes the nearest earlier body still without one,
    unless it sits tight (no blank line) on the body that follows it.  A brief's
    title is one line, so a block that lands on a brief gives it its first line
    and the rest looks for the next body."""
    articles: list[_Article] = []
    untitled: list[_Article] = []
    forward: _Article | None = None
    for k, unit in enumerate(units):
        nxt = units[k + 1] if k + 1 < len(units) else None
        if unit.kind == "section":
            continue
        if unit.kind == "photo":
            articles.append(_Article(photo=unit))
        elif unit.kind == "body":
            if forward is not None:
                forward.bodies.append(unit)
                forward = None
                continue
            articles.append(_Article(bodies=[unit]))
            if unit.opening != "continued_from":
                untitled.append(articles[-1])
        else:
            opens_next = nxt is not None and nxt.kind == "body" and nxt.opening in ("news", "credit")
            head: _Unit | None = unit
            while head is not None:
                rest = None
                tight = head.gap_after == 0 and head.lines[0].gap > 0 and opens_next
                if untitled and not tight:
                    target = untitled.pop()
                    if target.is_brief():
                        head, rest = _brief_title(head)
                    target.head = head
                else:
                    articles.append(_Article(head=head))
                    forward = articles[-1] if nxt is not None and nxt.kind == "body" and nxt.opening != "continued_from" else None
                _finish_head(head, post=True)
                head = rest
    return articles


def _brief_title(unit: _Unit) -> tuple[_Unit, _Unit | None]:
    """Split a block of headlines into a brief's one-line title and the rest."""
    lines = unit.lines
    if len(lines) < 2 or lines[1].kind == "deck":
        return unit, None
    return _Unit("head", lines[:1], gap_after=lines[1].gap), _Unit("head", lines[1:], gap_after=unit.gap_after)


def _assign_sections(articles: list[_Article], sections: list[_Unit]) -> None:
    """Column labels: a brief column covers the run of briefs around its label
    (OCR may put the label after the first brief); other labels the next article."""
    brief_columns = _rules().brief_columns
    positions = [a.position() for a in articles]
    for unit in sections:
        at = bisect_left(positions, unit.lines[0].index)
        if unit.label not in brief_columns:
            if at < len(articles) and articles[at].section is None:
                articles[at].section = unit.label
            continue
        k = at
        while k < len(articles) and articles[k].section is None and articles[k].bare_news():
            articles[k].section = unit.label
            k += 1
        k = at - 1
        while k >= 0 and articles[k].section is None and articles[k].is_brief():
            articles[k].section = unit.label
            k -= 1


def _spaced(norm: Normalized, start: int, end: int) -> str:
    """Normalized ``text[start:end]`` with one space wherever the raw input had whitespace."""
    text, raw, offsets = norm.text, norm.raw, norm.offsets
    out: list[str] = []
    for i in range(start, end):
        if i > start and text[i] != " " and out[-1] != " " and any(c.isspace() for c in raw[offsets[i - 1] + 1 : offsets[i]]):
            out.append(" ")
        out.append(text[i])
    return "".join(out)


def _segments(lines: list[_Line]) -> list[tuple[int, int]]:
    """Normalized ranges of the text lines, merging lines printed next to each other, around noise cut out of them."""
    segments: list[tuple[int, int]] = []
    previous: _Line | None = None
    for line in lines:
        end = line.cut if line.cut is not None else line.end
        if line.kind not in _TEXT_KINDS or end <= line.start:
            continue
        pieces, at = [], line.start
        for hole_start, hole_end in line.holes:
            if at < hole_start < end:
                pieces.append((at, hole_start))
            at = max(at, hole_end)
        if at < end:
            pieces.append((at, end))
        adjacent = (
            previous is not None
            and line.index == previous.index + 1
            and not (line.trimmed or previous.trimmed)
            and previous.cut is None  # a credit cut off its end lies between them
        )
        for k, (start, stop) in enumerate(pieces):
            if segments and k == 0 and adjacent:
                segments[-1] = (segments[-1][0], stop)
            else:
                segments.append((start, stop))
        previous = line
    return segments


def _bylines(norm: Normalized, lines: list[_Line]) -> list[Hit]:
    """Credits as hits at the names' normalized offsets."""
    hits: list[Hit] = []
    for line in lines:
        rule = _CREDIT_RULES.get("meta" if line.furniture == "meta" else line.kind, "credit:inline")
        for name, role, lo, hi in line.credits:
            start, end = bisect_left(norm.offsets, lo), bisect_left(norm.offsets, hi)
            hits.append(Hit(start, end, Credit(name, cast(CreditRole, role), text=norm.text[start:end], rule=rule)))
    return hits


# A credit's rule names the kind of line it was read from.
_CREDIT_RULES = {
    "meta": "credit:meta",  # a web page's 作者:/编辑:/审核: line
    "credit": "credit:line",  # a line of its own: □ 通讯员 彭勇
    "closing": "credit:closing",  # names in parentheses or X 摄 closing the text
    "news": "credit:lead",  # 本报讯(记者 X), X网10月27日讯(…)
}


def _web_zones(units: list[_Unit]) -> list[_Unit]:
    """A web or e-paper page: short lines before the first headline are masthead and menus, headlines
    and short lines after the last paragraph or credit are footer (link lists, slogans, channel names)."""
    first = next((k for k, u in enumerate(units) if u.kind == "head"), len(units))
    last = max(
        (
            k
            for k, u in enumerate(units)
            if u.kind != "section"
            and any(x.credits or (x.kind in _TEXT_KINDS and (x.signature or not _short(x))) for x in u.lines)
        ),
        default=-1,
    )
    kept: list[_Unit] = []
    for k, unit in enumerate(units):
        short = all(_short(x) and not x.credits and not x.signature for x in unit.lines)
        if (k < first and unit.kind == "body" and short) or (k > last and unit.kind in ("head", "body") and short):
            for x in unit.lines:
                x.kind, x.furniture = "furniture", "masthead" if k < first else "footer"
        else:
            kept.append(unit)
    return kept


def _spread_meta(articles: list[_Article], lines: list[_Line]) -> dict[int, dict]:
    """Publication stamps, sources, meta credits and breadcrumb columns per article (by ``id``).

    A meta line belongs to the nearest article that starts before it (the page's
    first article when none does); an article without a stamp of its own takes
    the page's edition date, and the column of the last breadcrumb before it.
    """
    found: dict[int, dict] = {id(a): {"stamp": None, "source": None, "credits": [], "crumb": None} for a in articles}
    if not articles:
        return found
    starts = [a.position() for a in articles]
    edition: Hit | None = None
    crumbs: list[tuple[int, str]] = []  # (line index, column) of each breadcrumb
    for line in lines:
        if line.furniture not in ("meta", "masthead", "navigation"):
            continue
        if line.furniture == "masthead" and line.stamp is not None and edition is None:
            edition = line.stamp
        k = max(bisect_left(starts, line.index + 1) - 1, 0)
        if line.crumb is not None:
            crumbs.append((line.index, line.crumb))
        info = found[id(articles[k])]
        if line.furniture == "meta":
            info["stamp"] = info["stamp"] or line.stamp
            info["source"] = info["source"] or line.source
            info["credits"].append(line)
    at = [index for index, _ in crumbs]
    for article, start in zip(articles, starts):
        info = found[id(article)]
        info["stamp"] = info["stamp"] or edition
        k = bisect_left(at, start) - 1  # the last breadcrumb before the article, else one inside the first
        if k >= 0 or (crumbs and article is articles[0]):
            info["crumb"] = crumbs[max(k, 0)][1]
    return found


def _digest(articles: list[_Article]) -> tuple[list[_Article], list[_Line]]:
    """Items of a digest (headlines over one dateline paragraph, when the page has two or more), and
    the column label printed over the first: the lines of its headline block above its title."""
    heads = [(a, a.head) for a in articles if a.head is not None and a.head.lines[-1].digest]
    items = [a for a, _ in heads]
    if len(items) < 2:
        return [], []
    label = heads[0][1].lines[:-1]
    for _, head in heads:  # an item's title is its last headline line, the one over the paragraph
        head.title, head.subtitle = head.lines[-1], []
        head.shown = [x for x in head.shown if x not in label]
    return items, label


def _undecorated(norm: Normalized, start: int, end: int) -> tuple[int, int]:
    """A headline without the decorations printed around it (``· 标题``, ``标题******``, ``★标题★``)."""
    marks = _rules().title_decorations
    text = norm.text
    lo, hi = start, end
    while lo < hi and (text[lo] in marks or text[lo].isspace()):
        lo += 1
    while hi > lo and (text[hi - 1] in marks or text[hi - 1].isspace()):
        hi -= 1
    return (lo, hi) if len(_HAN.findall(text, lo, hi)) >= 2 else (start, end)


def _split_kicker(norm: Normalized, title: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """``各区之声|光明区政协…``: the words before a bar are a kicker (the subtitle), the rest is the title.

    A bar that ends the line only closes a web page's title cell (``标题 |``) and is dropped.
    """
    text = norm.text[title[0] : title[1]]
    trimmed = text.rstrip(_rules().kicker_bars + " \t")
    if trimmed and len(trimmed) < len(text):
        title, text = (title[0], title[0] + len(trimmed)), trimmed
    bars = [k for k, c in enumerate(text) if c in _rules().kicker_bars]
    if len(bars) != 1 or not 2 <= bars[0] <= 10 or len(_HAN.findall(text[bars[0] + 1 :])) < 4:
        return title, None
    at = title[0] + bars[0]
    return (at + 1, title[1]), (title[0], at)


def _layout(norm: Normalized, article: _Article, meta: dict, digest: list[_Line] | None) -> ArticleLayout:
    """The record fields of an article; ``digest`` is the column label of its digest (None: not a digest item)."""
    head, photo = article.head, article.photo
    lines: list[_Line] = []
    title = subtitle = None
    title_span = None
    section = article.section
    if head is not None:
        lines.extend(head.shown)
        kicker = None
        if head.title is not None:
            title_span, kicker = _split_kicker(norm, _undecorated(norm, head.title.start, head.title.end))
            title = _spaced(norm, *title_span)
        parts = [_spaced(norm, *kicker)] if kicker else []
        parts += [_spaced(norm, x.start, x.end) for x in head.subtitle]
        parts = [_DECK.sub("", p).rstrip(_rules().kicker_ends).strip() for p in parts]
        subtitle = " ".join(p for p in parts if p) or None
        if head.label_line is not None and section is None:
            section = _spaced(norm, head.label_line.start, head.label_line.end)
    if digest is not None and section is None:
        section = " ".join(_spaced(norm, x.start, x.end) for x in digest) or None
    section = section or meta["crumb"]
    for body in article.bodies:
        lines.extend(body.lines)
    if photo is not None:
        lines.extend(photo.lines[1:])
        section = section or photo.label
        kind = "photo"
    elif article.bodies and article.bodies[0].opening == "continued_from" and head is None:
        kind = "continuation"
    elif digest is not None or article.is_brief() or (article.section in _rules().brief_columns and article.bare_news()):
        kind = "brief"
    elif head is None and _photo_credited(lines):
        kind = "photo"
    else:
        kind = "report"
    credited = sorted((x for x in [*lines, *meta["credits"]] if x.credits), key=lambda x: x.index)
    stamp = meta["stamp"]
    return ArticleLayout(
        kind,
        section,
        title,
        subtitle,
        _bylines(norm, credited),
        _segments(lines),
        title_span,
        published=stamp.entity if stamp else None,
        published_span=(stamp.start, stamp.end) if stamp else None,
        source=meta["source"],
    )


def _photo_credited(lines: list[_Line]) -> bool:
    """A caption without headline closed by ``… 摄`` / ``… 摄影报道``: a photo."""
    return any(x.kind == "credit" and x.photo_credit for x in lines) or (
        bool(lines) and lines[-1].photo_tail  # ``…接受采访。新华社记者 X 摄`` closing the caption
    )


@dataclass
class PageLayout:
    """A page's articles, and the furniture left out of them: (start, end, kind) in normalized offsets."""

    articles: list[ArticleLayout]
    furniture: list[tuple[int, int, str]]


def page_layout(norm: Normalized) -> PageLayout:
    """Split a normalized page into articles, in reading order (by where each starts on the page), and its furniture."""
    sraw = characters(norm.raw)
    lines = _raw_lines(norm, sraw)
    if not lines:
        return PageLayout([], [])
    web, cuts = _page_furniture(norm, sraw, lines)
    _classify(norm, sraw, lines)
    _body_meta(lines)
    _signatures(lines)
    web = web or any(x.furniture == "meta" for x in lines)
    units = _units(lines)
    if web:
        units = _web_zones(units)
    first = next((u for u in units if u.kind == "head" or (u.kind == "body" and u.opening != "continued_from")), None)
    post = first is not None and first.kind == "body"
    articles = _match_post(units) if post else _match_pre(units)
    articles = [a for a in articles if a.lines()]
    articles.sort(key=_Article.position)
    _assign_sections(articles, [u for u in units if u.kind == "section"])
    meta = _spread_meta(articles, lines)
    items, label = _digest(articles)
    digest = {id(a) for a in items}
    layouts = [_layout(norm, a, meta[id(a)], label if id(a) in digest else None) for a in articles]
    furniture = cuts + [(x.start, x.end, x.furniture or "page") for x in lines if x.kind == "furniture" and x.end > x.start]
    return PageLayout(layouts, sorted(furniture))


def split_page(norm: Normalized) -> list[ArticleLayout]:
    """The articles of a normalized page, in reading order (``page_layout`` without the furniture)."""
    return page_layout(norm).articles
