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

import json
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import regex

from .normalize import Normalized
from .records import Credit, Hit

__all__ = ["ArticleLayout", "split_page"]


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


def _alternation(words: list[str]) -> str:
    """Longest first, so ``本报记者`` wins over ``记者``."""
    return "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = json.loads(resources.files("zxextract").joinpath("rules/layout.json").read_text(encoding="utf-8"))
    sections, furniture = data["sections"], data["furniture"]
    return _Rules(
        brief_columns=frozenset(sections["brief_columns"]),
        photo_columns=frozenset(sections["photo_columns"]),
        labels=frozenset(sections["labels"]),
        prefixes=tuple(sorted(sections["prefixes"], key=len, reverse=True)),
        roles=data["roles"],
        suffix_roles=data["suffix_roles"],
        text_and_photo=frozenset(data["text_and_photo"]),
        role_re=regex.compile(_alternation(list(data["roles"]))),
        credit_marks=data["credit_marks"],
        news_re=regex.compile(r"\s*(?:" + _alternation(data["news_leads"]) + r")"),
        continued_from=regex.compile(data["continued_from"]),
        continued_to=regex.compile(data["continued_to"]),
        furniture=regex.compile("|".join(f"(?:{p})" for p in furniture["patterns"])),
        slogans=frozenset(s.replace(" ", "") for s in furniture["slogans"]),
        masthead_max=furniture["masthead_max_chars"],
    )


# --------------------------------------------------------------------------- lines

_CLAUSE = regex.compile(r"[，,。；;、]")
_SENTENCE_END = frozenset("。！？!?；;…")
_CLOSERS = frozenset("”’)）」』》")
_HAN = regex.compile(r"\p{Han}")
_NAME = regex.compile(r"[\p{Han}][\p{Han}·]{1,5}")
_TOKEN = regex.compile(r"[^\s()（）\[\]【】、，,：:；;□■◇◆○●☆★]+")
_DECK = regex.compile(r"^(?:——|—|--|-|－|―)+(?=\S)")
_PAREN_TAIL = regex.compile(r"[(（]([^()（）]{2,60})[)）]\s*$")
_NEWS_PAREN = regex.compile(r"\s*[(（]([^()（）]{1,60})[)）]")
_WORD_REST = regex.compile(r"(\S+)\s+(\S.*\S)", regex.DOTALL)
_MAX_HEAD = 80


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
    label: str | None = None  # column label text
    photo_credit: bool = False
    lead_credit: bool = False  # a 本报讯 line with the credit in parentheses


def _raw_lines(norm: Normalized) -> list[_Line]:
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
    for piece in norm.raw.split("\n"):
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
            spans.append((start, end, gap, [piece.strip()]))
            gap = 0
    return [_Line(i, s, e, g, text[s:e], "\n".join(p)) for i, (s, e, g, p) in enumerate(spans)]


def _ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence (``。`` or ``。”``): such a line is not a headline."""
    if not text:
        return False
    return text[-1] in _SENTENCE_END or (len(text) > 1 and text[-1] in _CLOSERS and text[-2] in _SENTENCE_END)


def _parse_credits(raw: str, lo: int, hi: int, default: str) -> tuple[list[tuple[str, str, int, int]], bool] | None:
    """``raw[lo:hi]`` read as role words and names; None when a token is neither.

    Role words before names (``通讯员 陈童``) set the role of the names that
    follow; ``摄``/``供图`` after names make them photographers; ``文/图`` adds
    photographer to the names before it.  Names without a role get ``default``.
    Also returns whether any role word was seen (a bare name list is a credit
    only inside closing parentheses).
    """
    rules = _rules()
    found: list[list] = []  # [name, role or None, raw start, raw end]
    group: list[int] = []  # names since the last role word
    role: str | None = None
    saw_role = False
    for match in _TOKEN.finditer(raw, lo, hi):
        token, start = match.group(), match.start()
        if token in rules.text_and_photo or (token in rules.suffix_roles and group):
            extra = rules.suffix_roles.get(token, "photographer")
            for i in group:
                if found[i][1] is None:
                    found[i][1] = extra
                else:
                    found.append([found[i][0], extra, found[i][2], found[i][3]])
            saw_role, group = True, []
            continue
        role_match = rules.role_re.match(token)
        if role_match:
            role, saw_role, group = rules.roles[role_match.group()], True, []
            token, start = token[role_match.end():], start + role_match.end()
            if not token:
                continue
        if not _NAME.fullmatch(token):
            return None
        group.append(len(found))
        found.append([token, role, start, start + len(token)])
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
    if len(text) > 24 or _CLAUSE.search(text) or _ends_sentence(text):
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


def _classify(norm: Normalized, lines: list[_Line]) -> None:
    """Give every line its kind (furniture, section, cont, jump, credit, news, closing, deck, head, body)."""
    rules = _rules()
    raw, offsets = norm.raw, norm.offsets
    i = 0
    while i < len(lines):
        line = lines[i]
        text, lo, hi = line.text, offsets[line.start], offsets[line.end - 1] + 1
        i += 1
        if (
            rules.furniture.fullmatch(line.raw)
            or text.replace(" ", "") in rules.slogans
            or _masthead(norm, lines, line)
        ):
            line.kind = "furniture"
        elif rules.continued_from.match(text):
            line.kind = "cont"
        elif rules.continued_to.match(text):
            line.kind = "jump"
        elif (label := _section_label(line)) is not None:
            line.kind, line.label = "section", label
        elif text[0] in rules.credit_marks and (parsed := _parse_credits(raw, lo + 1, hi, "author")) and parsed[1]:
            line.kind, line.credits = "credit", parsed[0]
            line.photo_credit = all(r == "photographer" for _, r, _, _ in parsed[0])
        elif rules.news_re.match(text):
            line.kind = "news"
            lead = rules.news_re.match(raw, lo, hi)
            paren = _NEWS_PAREN.match(raw, lead.end(), hi) if lead else None
            if paren:
                parsed = _parse_credits(raw, paren.start(1), paren.end(1), "author")
                line.credits = parsed[0] if parsed else []
                line.lead_credit = bool(parsed)
            _mark_tail(norm, line, lo, hi)
        elif text[0] in "(（" and text[-1] in ")）" and _mark_closing(line, raw, lo + 1, hi - 1):
            line.kind = "closing"
        elif text[0] in "(（" and not any(c in text for c in ")）"):
            i = _multiline_closing(norm, lines, line, i)
        elif len(text) <= 40 and (parsed := _parse_credits(raw, lo, hi, "author")) and parsed[1]:
            line.kind, line.credits = "credit", parsed[0]
            line.photo_credit = all(r == "photographer" for _, r, _, _ in parsed[0])
        elif _DECK.match(text) and not _CLAUSE.search(text) and not _ends_sentence(text):
            line.kind = "deck"
        elif len(text) <= _MAX_HEAD and not _CLAUSE.search(text) and not _ends_sentence(text) and len(_HAN.findall(text)) >= 2:
            line.kind = "head"
        else:
            _mark_tail(norm, line, lo, hi)


def _mark_tail(norm: Normalized, line: _Line, lo: int, hi: int) -> None:
    """A closing credit at the end of a text line (``…盘活质效。 （冉洵）``): credits, and where the text stops."""
    match = _PAREN_TAIL.search(norm.raw, lo, hi)
    if not match or not _ends_sentence(norm.raw[lo : match.start()].rstrip()):
        return
    if _mark_closing(line, norm.raw, match.start(1), match.end(1)):
        line.cut = bisect_left(norm.offsets, match.start())


def _multiline_closing(norm: Normalized, lines: list[_Line], first: _Line, nxt: int) -> int:
    """A closing name list wrapped over up to three lines: ``（秦工高 … 殷艳妮`` / ``程卓 … 马腾）``."""
    raw, offsets = norm.raw, norm.offsets
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

_MAX_CAPTION_LINES = 40
_TEXT_KINDS = frozenset({"body", "head", "deck", "news"})


@dataclass
class _Unit:
    """A headline block, a body block, a photo caption or a column label."""

    kind: str  # head | body | photo | section
    lines: list[_Line]
    start: str = "plain"  # body: plain | news | credit | cont
    closed: bool = False
    label: str | None = None
    title: _Line | None = None
    subtitle: list[_Line] = field(default_factory=list)
    shown: list[_Line] = field(default_factory=list)  # head: lines that belong to the article text
    label_line: _Line | None = None  # head: a column label printed inside the block
    gap_after: int = 1
    text_lines: int = 0  # body: lines of text so far (credits and markers excluded)


def _next_text(lines: list[_Line], j: int) -> int | None:
    """Index of the first line at or after ``j`` that is not furniture."""
    while j < len(lines) and lines[j].kind == "furniture":
        j += 1
    return j if j < len(lines) else None


def _is_headline(lines: list[_Line], run: list[_Line], j: int) -> bool:
    """Whether a run of headline-shaped lines is a headline rather than subheads or wrapped body lines.

    A headline comes with a deck, or is followed by what opens or closes an
    article (a credit, ``本报讯``, a column label, a continuation marker, the
    page end), possibly after one caption sentence.
    """
    if any(line.kind == "deck" for line in run):
        return True
    nxt = _next_text(lines, j)
    if nxt is None or lines[nxt].kind in ("credit", "news", "section", "cont"):
        return True
    if lines[nxt].kind == "body" and _ends_sentence(lines[nxt].text):
        after = _next_text(lines, nxt + 1)
        return after is not None and lines[after].kind in ("news", "credit")
    return False


def _photo(lines: list[_Line], i: int) -> tuple[_Unit, int]:
    """A photo column: the label, its caption and the ``… 摄`` credit that ends it."""
    j = i + 1
    end: int | None = None
    while j < min(len(lines), i + 1 + _MAX_CAPTION_LINES):
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

    def add_body(line: _Line, start: str = "plain") -> _Unit:
        nonlocal body
        wrapped = line.kind == "closing" and body is not None and body.lines[-1].kind == "closing"
        if not wrapped and (body is None or body.closed or (start != "plain" and body.text_lines)):
            body = _Unit("body", [], start=start)
            units.append(body)
        body.lines.append(line)
        body.text_lines += line.kind in _TEXT_KINDS
        return body

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
            while j < len(lines) and lines[j].kind in ("head", "deck", "furniture"):
                j += 1
            run = [x for x in lines[i:j] if x.kind != "furniture"]
            if _is_headline(lines, run, j):
                units.append(_Unit("head", run, gap_after=lines[j].gap if j < len(lines) else 1))
                body = None
            else:
                for x in run:
                    add_body(x)
            i = j
        elif kind in ("news", "credit", "cont") and not (kind == "credit" and line.photo_credit and body and body.text_lines):
            add_body(line, kind)
            i += 1
        else:
            unit = add_body(line)
            if kind in ("closing", "jump", "credit") or line.cut is not None:
                unit.closed = True
            i += 1
    return units


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
        if mixed and line.gap > 0 and groups[-1][-1].text[-1] not in ":：":
            groups.append([line])
        else:
            groups[-1].append(line)
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
    elif len(lines) > 1 and lines[0].text[-1] in ":：":
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
        closing = any(line.kind == "closing" or line.cut is not None for body in self.bodies for line in body.lines)
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
        elif waiting is not None and unit.start != "cont":
            waiting.bodies.append(unit)
            if unit.start == "plain":
                uncredited.append(waiting)
            owner, waiting = waiting, None
        elif unit.start in ("credit", "news") and uncredited:
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
            if unit.start != "cont":
                untitled.append(articles[-1])
        else:
            opens_next = nxt is not None and nxt.kind == "body" and nxt.start in ("news", "credit")
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
                    forward = articles[-1] if nxt is not None and nxt.kind == "body" and nxt.start != "cont" else None
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
        if (
            i > start
            and text[i] != " "
            and out[-1] != " "
            and any(c.isspace() for c in raw[offsets[i - 1] + 1 : offsets[i]])
        ):
            out.append(" ")
        out.append(text[i])
    return "".join(out)


def _segments(lines: list[_Line]) -> list[tuple[int, int]]:
    """Normalized ranges of the text lines, merging lines printed next to each other."""
    segments: list[tuple[int, int]] = []
    previous = -2
    for line in lines:
        end = line.cut if line.cut is not None else line.end
        if line.kind not in _TEXT_KINDS or end <= line.start:
            continue
        if segments and line.index == previous + 1:
            segments[-1] = (segments[-1][0], end)
        else:
            segments.append((line.start, end))
        previous = line.index
    return segments


def _bylines(norm: Normalized, lines: list[_Line]) -> list[Hit]:
    """Credits as hits at the names' normalized offsets."""
    hits: list[Hit] = []
    for line in lines:
        for name, role, lo, hi in line.credits:
            start, end = bisect_left(norm.offsets, lo), bisect_left(norm.offsets, hi)
            hits.append(Hit(start, end, Credit(name, role, text=norm.text[start:end])))
    return hits


def _layout(norm: Normalized, article: _Article) -> ArticleLayout:
    head, photo = article.head, article.photo
    lines: list[_Line] = []
    title = subtitle = None
    title_span = None
    section = article.section
    if head is not None:
        lines.extend(head.shown)
        if head.title is not None:
            title = _spaced(norm, head.title.start, head.title.end)
            title_span = (head.title.start, head.title.end)
        parts = [_spaced(norm, x.start, x.end) for x in head.subtitle]
        parts = [_DECK.sub("", p).rstrip(":：").strip() for p in parts]
        subtitle = " ".join(p for p in parts if p) or None
        if head.label_line is not None and section is None:
            section = _spaced(norm, head.label_line.start, head.label_line.end)
    if photo is not None:
        lines.extend(photo.lines[1:])
        section = section or photo.label
        kind = "photo"
    elif article.bodies and article.bodies[0].start == "cont" and head is None:
        kind = "continuation"
    elif article.is_brief() or (article.section in _rules().brief_columns and article.bare_news()):
        kind = "brief"
    else:
        kind = "report" if title is not None else "other"
    for body in article.bodies:
        lines.extend(body.lines)
    credited = sorted((x for x in lines if x.credits), key=lambda x: x.index)
    return ArticleLayout(kind, section, title, subtitle, _bylines(norm, credited), _segments(lines), title_span)


def split_page(norm: Normalized) -> list[ArticleLayout]:
    """Split a normalized page into articles, in reading order (by where each starts on the page)."""
    lines = _raw_lines(norm)
    if not lines:
        return []
    _classify(norm, lines)
    units = _units(lines)
    first = next((u for u in units if u.kind == "head" or (u.kind == "body" and u.start != "cont")), None)
    post = first is not None and first.kind == "body"
    articles = _match_post(units) if post else _match_pre(units)
    articles = [a for a in articles if a.lines()]
    articles.sort(key=_Article.position)
    _assign_sections(articles, [u for u in units if u.kind == "section"])
    return [_layout(norm, a) for a in articles]
