"""Officials: one (person, position) binding per person and title, from normalized text.

Two surface forms carry a binding in news prose:

* title before name: ``南川区政协副主席舒茂全、曾葵``, chains of titles joined by
  ``、`` or ``——`` (``区委常委、常务副区长章榕``), each title being an optional body
  and a position;
* name before title: ``贺艳委员``, ``杨雨、夏培杰等大足区政协委员``, ``习近平总书记``.

Names have no fixed length, so a name is a known surname plus one or two given
characters, and the length is chosen by what stands next to it (a following
``表示``/``说``/punctuation, a preceding ``的``/punctuation).  Bodies are written
out with their district: a district hit right before the body, an implicit
place word (``区委``, ``该县政协``, ``市歌剧院``) resolved from the title chain or
the article's district.  All vocabulary lives in ``rules/officials_*.tsv``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal, cast

import regex
from pydantic import ConfigDict, model_validator

from .finder import ArticleContext
from .records import Category, District, Hit, Official
from .ruleset import RuleRow, alternation, limits, packaged_table

Rows = dict[str, list[dict[str, str]]]

_TABLES = (
    "positions",
    "bodies",
    "surnames",
    "context",
    "names",
    "words",
)  # rules/officials_<table>.tsv; columns in docs/officials.md


class OfficialRow(RuleRow):
    """A row of one of the officials tables; its other keys are that table's columns, as strings."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    table: Literal["positions", "bodies", "surnames", "context", "names", "words"]

    @model_validator(mode="after")
    def _columns_are_strings(self) -> OfficialRow:
        for key, value in (self.model_extra or {}).items():
            if not isinstance(value, str):
                raise ValueError(f"{key} must be a string")  # noqa: TRY004 (pydantic reports only ValueError)
        return self


ROW_MODELS: dict[str, type[RuleRow]] = {"official": OfficialRow}
_TITLE_KINDS = ("position", "descriptor", "truncated")
# Characters that end a title segment when scanning back from a position.
_SEG_STOP = frozenset("，,。；;：:！!？?“”‘’\"'《》【】[]…\n 、—的(（)）")
# Punctuation that may follow or precede a name.
_PUNCT = frozenset("，,。；;：:！!？?“”‘’\"'《》【】[]…\n 、—()（）·")
_HAN_ONLY = regex.compile(r"\p{Han}*")  # fullmatch: every character Han
_DOTTED_NAME = regex.compile(r"\p{Han}{1,4}[·・•‧]\p{Han}{1,6}")  # a transliterated name: given·family
_DOTS = re.compile("[·・•‧]")
_APPOINT_COUNT = regex.compile(r"(?:等)?(?:\d+|[一二两三四五六七八九十]+)名(?:同志)?")  # 增补甲、乙2名同志为
_QUOTE_MARKS = re.compile(r"[“”‘’\"']")
_COUNT = regex.compile(r"等(?:\d+|[一二两三四五六七八九十百几多余]+)?[名位个]?$")
_MAX_SEGMENT = limits("officials")["max_segment"]  # rules/limits.tsv
_CLAUSE_STOP = "，,。；;：:！!？?\n"
_QUOTED_MAX = limits("officials")["quoted_max"]
_PUNCT_TIER, _WORD_TIER = 3, 2  # how strongly what follows a candidate ends a name (see _follows)
_INNER_SPACE = frozenset(" \n")  # one of these may stand inside a printed name
_LEVEL_COUNTY = frozenset({"county", "zone"})
_CITY_LEVELS = frozenset({"province", "prefecture", "county"})  # a 市 that 市政协 may mean: municipality, city, county-level city
_MUNICIPALITY_SUFFIX = "市"
_PROVINCE_SUFFIXES = ("省", "自治区")


@dataclass(frozen=True)
class _NameModel:
    """Per-character name statistics (``officials_names.tsv``) as log-odds, and the thresholds that use them.

    ``third(a, b)`` scores reading ``surname + a + b`` rather than ``surname + a`` followed by a word
    that ``b`` opens: how often ``b`` ends a given name against how often it opens a word (``到``
    -1.7, ``一`` -2.5, ``明`` 1.7), plus how often ``a`` is the first of two given characters rather
    than the only or last one (``响`` -1.7, ``国`` 1.0).  Unknown characters count 0.
    """

    lasts: dict[str, float]
    firsts: dict[str, float]
    tie: float  # a third character is kept when nothing after either length tells, above this
    punct_over_word: float  # ... when punctuation follows three characters and a word follows two
    veto: float  # ... when only the three-character reading is followed by an end marker
    unbounded: float  # a three-character name before a marker with no boundary before it needs this score

    @classmethod
    def build(cls, rows: list[dict[str, str]], thresholds: dict[str, float]) -> _NameModel:
        counts = [
            (r["char"], int(r["given_first"]), int(r["given_last"]) + int(r["given_solo"]), int(r["word_start"])) for r in rows
        ]
        firsts_n = sum(f for _, f, _, _ in counts) or 1
        ends = sum(n for _, _, n, _ in counts) or 1
        starts = sum(w for _, _, _, w in counts) or 1
        lasts = {c: math.log((n + 1) / ends) - math.log((w + 1) / starts) for c, _, n, w in counts}
        firsts = {c: math.log((f + 1) / firsts_n) - math.log((n + 1) / ends) for c, f, n, _ in counts}
        return cls(
            lasts,
            firsts,
            thresholds["tie"],
            thresholds["punct_over_word"],
            thresholds["veto"],
            thresholds["unbounded"],
        )

    def third(self, first: str, last: str) -> float:
        return self.lasts.get(last, 0.0) + self.firsts.get(first, 0.0)


@dataclass(frozen=True)
class _Position:
    word: str
    role: str
    after_name: bool
    default_body: str  # "" | body word resolved like a bare body | "=Org" for a fixed org
    kind: str  # position | descriptor | truncated | blocker


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    rule: _Position


@dataclass(frozen=True)
class _Org:
    name: str | None
    district: str | None
    category: str
    place: District | None  # the place this title resolved to, inherited by later titles of the chain
    position: str = ""  # the position word this org was resolved for (a later bare deputy of it shares the org)


def _read_table(name: str) -> list[dict[str, str]]:
    """Rows of a packaged TSV (header line, tab-separated)."""
    return [dict(row) for row in packaged_table(f"officials_{name}.tsv")]


def _group(rows: Iterable[dict[str, str]]) -> Rows:
    """Flat rule rows → rows per table; a row without a known ``table`` is an error, not silently dropped."""
    grouped: Rows = {name: [] for name in _TABLES}
    for row in rows:
        table = row.get("table")
        if table not in grouped:
            raise ValueError(f"an officials rule needs 'table' in {list(_TABLES)}: {row!r}")
        grouped[table].append({k: v for k, v in row.items() if k not in ("type", "table")})
    return grouped


class OfficialFinder:
    """Finds officials in one article's normalized text; build once, reuse."""

    def __init__(self, rows: Rows) -> None:
        self._rows = {name: [dict(r) for r in rows.get(name, [])] for name in _TABLES}
        self._positions = {
            r["word"]: _Position(r["word"], r["role"], r["after_name"] == "1", r["default_body"], r["kind"])
            for r in self._rows["positions"]
        }
        bodies = self._rows["bodies"]
        self._anchored = {r["word"]: r for r in bodies if r["kind"] == "anchored"}
        self._anchored_longest = sorted(self._anchored.items(), key=lambda kv: -len(kv[0]))
        self._anchored_sizes = sorted({len(w) for w in self._anchored}, reverse=True)
        self._subs = {r["word"]: r for r in bodies if r["kind"] == "sub"}
        self._body_words = (*self._anchored, *self._subs)  # a printed org ends with one (names_body)
        self._places = sorted(((r["word"], r["level"]) for r in bodies if r["kind"] == "place"), key=lambda kv: -len(kv[0]))
        self._place_blocks = tuple(r["word"] for r in bodies if r["kind"] == "place_block")
        prefixes = [(r["word"], r["category"]) for r in bodies if r["kind"] == "prefix"]
        self._prefixes = sorted(prefixes, key=lambda kv: -len(kv[0]))
        self._suffixes = sorted(((r["word"], r["category"]) for r in bodies if r["kind"] == "suffix"), key=lambda kv: -len(kv[0]))
        self._party_prefix_re = re.compile(alternation(w for w, c in prefixes if c == "democratic_party") or r"(?!)")
        context: dict[str, set[str]] = {}
        thresholds: dict[str, float] = {}
        for r in self._rows["context"]:
            if r["kind"] == "threshold":
                thresholds[r["word"]] = float(r["value"])
            else:
                context.setdefault(r["kind"], set()).add(r["word"])
        # Surnames: the hand-kept table (compound ones, ranks) and every character that opens enough names.
        ranked = {r["surname"]: int(r["rank"]) for r in self._rows["surnames"]}
        opened = {r["char"]: int(r["surname"]) for r in self._rows["names"]}
        common_rank = int(thresholds["common_rank"])
        min_count = int(thresholds["surname_count"])
        self._surnames = set(ranked) | {c for c, n in opened.items() if n >= min_count}
        self._top = {s for s, r in ranked.items() if r <= common_rank}
        self._names = _NameModel.build(self._rows["names"], thresholds)
        # Characters that open more names than words: a word after them is a given name (尚祖国), not a phrase (有项目).
        self._name_openers = frozenset(r["char"] for r in self._rows["names"] if int(r["surname"]) >= int(r["word_start"]))
        self._words = frozenset(r["word"] for r in self._rows["words"])
        self._follow = tuple(sorted(context.get("follow", ()), key=len, reverse=True))
        self._verbs = tuple(w for w in self._follow if len(w) > 1)  # a name never starts with ``呼吁``, ``表示``
        self._follow_long = self._verbs
        self._follow_weak = tuple(sorted(context.get("follow_weak", ()), key=len, reverse=True))
        self._precede = tuple(context.get("precede", ()))
        self._joints = tuple(sorted((*self._follow, *self._follow_weak), key=len, reverse=True))  # 甲和|乙
        self._not_name = tuple(context.get("not_name", ()))
        self._not_name_chars = frozenset(context.get("not_name_char", ()))
        self._list_open = tuple(sorted(context.get("list_open", ()), key=len, reverse=True))
        self._title_stop_re = re.compile(alternation(context["title_stop"])) if context.get("title_stop") else None
        self._former_re = re.compile(alternation(context["former"])) if context.get("former") else None
        self._place_words = frozenset([""] + [w for w, _ in self._places])
        self._former_adjacent = tuple(context.get("former_adjacent", ()))
        self._elect_re = re.compile(alternation(context["elect"])) if context.get("elect") else None
        self._appoint_re = re.compile(alternation(context["appoint"])) if context.get("appoint") else None
        self._appoint_to = tuple(sorted(context.get("appoint_to", ()), key=len, reverse=True))
        deputies = set(context.get("deputy", ())) | {w for w, p in self._positions.items() if p.kind == "qualifier"}
        self._deputy = tuple(sorted(deputies, key=len, reverse=True))
        self._elect_before = tuple(sorted(context.get("elect_before", ()), key=len, reverse=True))
        self._elect_skip = tuple(sorted(context.get("elect_skip", ()), key=len, reverse=True))
        sessions = sorted(context.get("session_pattern", ()))
        self._session_re = regex.compile("|".join(sessions)) if sessions else None
        committees = sorted(context.get("committee_pattern", ()))
        self._committee_re = regex.compile("|".join(committees)) if committees else None
        self._anaphors = tuple(sorted(context.get("anaphor", ()), key=len, reverse=True))
        self._session_words = frozenset(context.get("session_word", ()))
        self._session_qualifiers = tuple(
            w for w, p in self._positions.items() if p.kind == "qualifier" and p.default_body == "@session"
        )
        # ``re`` looks behind at fixed widths only: one lookbehind per CPPCC body.
        cppcc = "|".join(f"(?<={re.escape(w)})" for w, r in sorted(self._anchored.items()) if r["category"] == "cppcc")
        plain = alternation(w for w, p in self._positions.items() if p.kind not in ("truncated", "qualifier"))
        truncated = alternation(w for w, p in self._positions.items() if p.kind == "truncated")
        # A truncated position (``市政协委、``) only counts right after a CPPCC body and before a separator.
        # The lookahead on first characters gives back the literal-prefix scan a lookbehind branch costs ``re``.
        firsts = "".join(sorted({re.escape(w[0]) for w in self._positions}))
        pattern = f"(?P<pos>{plain})|(?:{cppcc})(?P<cut>{truncated})(?=、|——)" if truncated and cppcc else f"(?P<pos>{plain})"
        # Printed qualifiers (``代理``, ``专职``, ``常务``) stay in front of the position they qualify.
        qualifiers = alternation(w for w, p in self._positions.items() if p.kind == "qualifier")
        if qualifiers:
            pattern = f"(?:{qualifiers})*?(?:{pattern})"  # lazy: a listed position (常务委员 → 常委) wins
        self._position_re = re.compile(f"(?=[{firsts}]){pattern}")
        self._title_end_re = re.compile(f"(?:{plain})$")
        self._max_title = max((len(w) for w in self._positions), default=0)

    @classmethod
    def default(cls) -> OfficialFinder:
        """The finder built from the packaged rule files."""
        return cls({name: _read_table(name) for name in _TABLES})

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, str]]) -> OfficialFinder:
        """Rebuild from :meth:`to_rows` output (how a spaCy component restores its rules)."""
        return cls(_group(rows))

    def to_rows(self) -> list[dict[str, str]]:
        """All rule tables as flat rows, each naming its ``table`` (positions, bodies, surnames, context)."""
        return [{"type": "official", "table": name, **r} for name, rows in self._rows.items() for r in rows]

    def add(self, rows: Iterable[dict[str, str]]) -> None:
        """Add rule rows (from a rules file: ``{"type": "official", "table": "positions", ...}``) and rebuild."""
        extra = _group(rows)
        self.__init__({name: self._rows[name] + extra.get(name, []) for name in _TABLES})  # type: ignore[misc]

    # ------------------------------------------------------------------ finding

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]:
        """One Hit per distinct (name, role, org) binding, in text order; ``mentions`` left empty.

        ``context.districts`` are the written districts in ``text``; ``context.district`` the article's own.
        """
        context = context or ArticleContext()
        districts, article_district = context.districts, context.district
        hit_ends: dict[int, Hit] = {}
        hit_starts: dict[int, Hit] = {}
        covered: set[int] = set()
        for h in districts:
            if h.end not in hit_ends or h.end - h.start > hit_ends[h.end].end - hit_ends[h.end].start:
                hit_ends[h.end] = h
            if h.start not in hit_starts or h.end - h.start > hit_starts[h.start].end - hit_starts[h.start].start:
                hit_starts[h.start] = h
            covered.update(range(h.start, h.end))
        tokens = [
            _Token(m.start(), m.end(), self._positions[m.group("pos") or m.group("cut")])
            for m in self._position_re.finditer(text)
        ]
        by_end = {t.end: t for t in tokens if t.rule.kind in _TITLE_KINDS}
        ctx = _Context(text, hit_ends, hit_starts, covered, article_district, context.prefecture, context.province)
        ctx.written = sorted(districts, key=lambda h: (h.start, -h.end))
        ctx.dotted = _DOTS.search(text) is not None
        found: list[Hit] = []
        later: set[int] = set()  # name-first hits whose body is implicit: a repeat of an earlier binding adds none
        elect = any(r is not None and r.search(text) is not None for r in (self._elect_re, self._appoint_re))
        for tok in tokens:
            if tok.rule.kind not in _TITLE_KINDS:
                continue
            after = self._title_first(ctx, tok, by_end)
            found.extend(after or (self._elected(ctx, tok) if elect else ()))
            if tok.rule.after_name:
                hits, implicit = self._name_first(ctx, tok)
                found.extend(hits)
                if implicit:
                    later.update(id(h) for h in hits)
        seen: set[tuple[str, str, str | None]] = set()
        roles: set[tuple[str, str]] = set()
        out: list[Hit] = []
        for h in sorted(found, key=lambda h: (h.start, h.end)):
            o = h.entity
            key = (o.name, o.role, o.org)
            # ``全国政协委员甲……甲委员表示``: a name-first title with no body written is the binding the text gave
            if key not in seen and not (id(h) in later and (o.name, o.role) in roles):
                seen.add(key)
                roles.add((o.name, o.role))
                out.append(h)
        return out

    def link_mentions(self, text: str, officials: list[Hit]) -> dict[str, list[tuple[int, int]]]:
        """Later bare mentions (``王俊指出``) of each found name: after its first binding, with no title next to it."""
        first: dict[str, int] = {}
        for h in officials:
            first[h.entity.name] = min(first.get(h.entity.name, h.end), h.end)
        if not first:
            return {}
        out: dict[str, list[tuple[int, int]]] = {}
        for m in re.finditer(alternation(first), text):
            name = m.group()
            titled = self._title_end_re.search(text, max(0, m.start() - self._max_title), m.start()) or self._position_re.match(
                text, m.end()
            )
            if m.start() >= first[name] and not titled:
                out.setdefault(name, []).append((m.start(), m.end()))
        return out

    # ------------------------------------------------------------- title first

    def _title_first(self, ctx: _Context, tok: _Token, by_end: dict[int, _Token]) -> list[Hit]:
        """Bindings for ``[org]position[、[org]position]* [是：]name[、name]*`` ending in ``tok``."""
        text = ctx.text
        at = tok.end
        if text.startswith(self._list_open, at):
            at += len(next(w for w in self._list_open if text.startswith(w, at)))
        if text[at : at + 1] in _INNER_SPACE:
            at += 1
        first = self._name_after(ctx, at, fallback=True)
        if first is None:
            return []
        names = [first]
        while text.startswith("、", names[-1][1]):
            nxt = self._name_after(ctx, names[-1][1] + 1, fallback=False) or self._list_item(ctx, names[-1][1] + 1)
            if nxt is None:
                break
            names.append(nxt)
        chain: list[tuple[int, _Token]] = []
        cur: _Token | None = tok
        while cur is not None:
            start = self._segment_start(text, cur.start)
            sep = start - 1 if text[start - 1 : start] == "、" else start - 2 if text[start - 2 : start] == "——" else -1
            # ``常委、主任甲和某区政协主席乙``: a title inside the segment has its own name; the chain ends there
            # and the body starts after that name and its joining word (not ``委员工作室牵头委员``: no name there)
            for e in range(cur.start - 1, start, -1):
                inner = self._name_after(ctx, e, fallback=False) if e in by_end else None
                if inner is not None:
                    start, sep = inner[1], -1
                    joint = next((w for w in self._joints if text.startswith(w, start)), "")
                    start += len(joint)
                    break
            chain.append((start, cur))
            cur = by_end.get(sep) if sep >= 0 else None
        chain.reverse()
        bindings: list[tuple[str, _Org]] = []
        # In an attendance list (``县政协主席甲，副主席乙、丙，秘书长丁出席``) a bare title takes the body of the
        # title group before the comma.
        prev: _Org | None = ctx.group_orgs.get(chain[0][0] - 1)
        for start, t in chain:
            org = self._resolve(ctx, start, t, prev)
            if t.rule.kind != "descriptor" and not self._former(ctx, start, t):
                bindings.append((self._role(text, t), org))
            prev = replace(org, position=t.rule.word)
        if prev is not None:
            ctx.group_orgs[names[-1][1]] = prev
        form = "list" if len(names) > 1 else "title_before_name"
        hits = []
        for _, ne, name in names:
            for role, org in bindings:
                hits.append(Hit(chain[0][0], ne, self._official(ctx, name, role, org, chain[0][0], ne, form)))
        return hits

    def _elected(self, ctx: _Context, tok: _Token) -> list[Hit]:
        """``name当选为[新一届]org position``: the elected post (``甲当选为新一届某县政协主席``)."""
        text = ctx.text
        seg = self._segment_start(text, tok.start)
        if tok.rule.kind == "descriptor":
            return []
        m = self._elect_re.search(text, seg, tok.start) if self._elect_re is not None else None
        if m is None:
            return self._appointed(ctx, tok, seg)
        name_end = m.start()
        while marker := next((w for w in self._elect_before if text.endswith(w, seg, name_end)), ""):
            name_end -= len(marker)  # ``甲被增选为``, ``甲曾全票当选为``: the name ends before the markers
        start = self._name_before(ctx, name_end, marked=True)
        if start is None:
            return []
        body = m.end()
        skip = next((w for w in self._elect_skip if text.startswith(w, body)), "")
        org = self._resolve(ctx, body + len(skip), tok, None)
        name = _squeeze(text[start:name_end])
        return [Hit(start, tok.end, self._official(ctx, name, self._role(text, tok), org, start, tok.end, "elected"))]

    def _appointed(self, ctx: _Context, tok: _Token, seg: int) -> list[Hit]:
        """``选举甲[、乙][2名同志]为 org position`` (``增补甲、乙为政协常委``): every named person gets the post."""
        text = ctx.text
        # The names form a 、 list, so the clause (not the title segment) holds the appoint word.
        clause = max(max(text.rfind(c, max(0, seg - _MAX_SEGMENT), seg) for c in _CLAUSE_STOP) + 1, seg - _MAX_SEGMENT, 0)
        m = self._appoint_re.search(text, clause, tok.start) if self._appoint_re is not None else None
        if m is None:
            return []
        names = []
        at = m.end()
        while (name := self._name_after(ctx, at, fallback=True)) is not None:
            names.append(name)
            if not text.startswith("、", name[1]):
                break
            at = name[1] + 1
        if not names:
            return []
        count = _APPOINT_COUNT.match(text, names[-1][1])
        body = count.end() if count else names[-1][1]
        if not text.startswith(self._appoint_to, body):
            return []
        body += len(next(w for w in self._appoint_to if text.startswith(w, body)))
        org = self._resolve(ctx, body, tok, None)
        role = self._role(text, tok)
        return [Hit(s, tok.end, self._official(ctx, n, role, org, s, tok.end, "elected")) for s, _, n in names]

    def _role(self, text: str, tok: _Token) -> str:
        """The role as printed: the position's role with the qualifiers printed before it (``代理区长``)."""
        return text[tok.start : tok.end - len(tok.rule.word)] + tok.rule.role

    def _former(self, ctx: _Context, start: int, tok: _Token) -> bool:
        """Whether the title is a former post: a marker (``原``, ``往届``, ``老``) at the segment's start,
        right after a written place, or right before the position (``梁平区原政协委员``, ``原园长``)."""
        text = ctx.text
        for m in self._former_re.finditer(text, start, tok.start) if self._former_re else ():
            # ``区原政协委员``: after an implicit place word at the start too
            if m.end() == tok.start or m.start() in ctx.hit_ends or text[start : m.start()] in self._place_words:
                return True
        return text.endswith(self._former_adjacent, start, tok.start)

    def _segment_start(self, text: str, end: int) -> int:
        """Where the body text before a position begins: after punctuation, ``、``, ``的``, a ``title_stop`` verb
        (``看望了``); over short quotes and brackets."""
        i = end
        limit = max(0, end - _MAX_SEGMENT)
        while i > limit:
            ch = text[i - 1]
            if ch in "”)）":
                opener = {"”": "“", ")": "(", "）": "（"}[ch]
                j = text.rfind(opener, limit, i - 1)
                inner = text[j + 1 : i - 1] if j >= 0 else ""
                if j >= 0 and 0 < len(inner) <= _QUOTED_MAX and not any(c in _SEG_STOP for c in inner):
                    i = j
                    continue
                break
            if ch in _SEG_STOP:
                break
            i -= 1
        if self._title_stop_re is not None and i < end:  # ``调研组走访看望了|市政协委员``: the title starts after the verb
            stops = list(self._title_stop_re.finditer(text, i, end))
            if stops:
                i = stops[-1].end()
        return i

    # -------------------------------------------------------------- name first

    def _name_first(self, ctx: _Context, tok: _Token) -> tuple[list[Hit], bool]:
        """Bindings for ``name[、name]*[等N名][place body]position`` (``贺艳委员``, ``杨雨、夏培杰等大足区政协委员``),
        and whether no body is written (the org is implicit)."""
        text = ctx.text
        end = ctx.at = tok.start
        org: _Org | None = None
        anchored = self._anchored_before(ctx, 0, end, place_start=None)
        if anchored is not None:
            org_start, org = anchored
            count = _COUNT.search(text, max(0, org_start - 8), org_start)
            if count is None:
                return [], False
            end = count.start()
        else:
            count = _COUNT.search(text, max(0, end - 8), end)
            if count is not None:
                end = count.start()
        names: list[tuple[int, int]] = []
        # A title of one fixed body (``总书记`` → 中共中央) is not a word's tail: its name needs no boundary before.
        start = self._name_before(ctx, end, marked=tok.rule.default_body.startswith("="))
        while start is not None:
            names.append((start, end))
            if not text.startswith("、", start - 1):
                break
            end = start - 1
            start = self._name_before(ctx, end)
        if not names:
            return [], False
        implicit = org is None
        if org is None:
            org = self._resolve(ctx, tok.start, tok, None)
        form = "name_first_list" if len(names) > 1 else "name_first"
        hits = [
            Hit(s, tok.end, self._official(ctx, _squeeze(text[s:e]), self._role(text, tok), org, s, tok.end, form))
            for s, e in reversed(names)
        ]
        return hits, implicit

    # ------------------------------------------------------------------- names

    def _given_ok(self, ctx: _Context, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` can be given-name characters: Han, not function words, not inside a place name."""
        chunk = ctx.text[start:end]
        return (
            len(chunk) == end - start
            and _HAN_ONLY.fullmatch(chunk) is not None
            and self._not_name_chars.isdisjoint(chunk)
            and not any(i in ctx.covered for i in range(start, end))
        )

    def _surname_at(self, text: str, i: int) -> str | None:
        """The surname starting at ``i`` (compound first), if any."""
        if text[i : i + 2] in self._surnames:
            return text[i : i + 2]
        if text[i : i + 1] in self._surnames:
            return text[i]
        return None

    def _given_candidates(self, ctx: _Context, given: int) -> list[tuple[int, str]]:
        """(end, given characters) for one and two given characters from ``given``.

        One space or line break may stand before a given character (``邓 蕾``, a padded or wrapped name):
        it is skipped in the name and covered by its span.
        """
        text = ctx.text
        out: list[tuple[int, str]] = []
        chars = ""
        pos, skipped = given, False
        while len(chars) < 2:
            if not skipped and text[pos : pos + 1] in _INNER_SPACE and self._given_ok(ctx, pos + 1, pos + 2):
                skipped, pos = True, pos + 1
            if not self._given_ok(ctx, pos, pos + 1):
                break
            chars += text[pos]
            pos += 1
            out.append((pos, chars))
        return out

    def _name_after(self, ctx: _Context, i: int, fallback: bool) -> tuple[int, int, str] | None:
        """A name starting at ``i``: (start, end, name without spaces).

        Its length is chosen by what follows each candidate end (punctuation, a word that follows names)
        and, when that does not tell, by how often the third character ends a name rather than opens a
        word (``刘伟到``, ``侯燕一边`` → two characters).  ``fallback`` accepts a name that nothing after
        it marks, when its surname is common.
        """
        text = ctx.text
        dotted = _DOTTED_NAME.match(text, i) if ctx.dotted else None
        if dotted is not None and i not in ctx.covered:  # 买买提·艾力, 阿依古丽・吐尔逊: the shortest reading that ends
            dot = _DOTS.search(text, i, dotted.end())
            assert dot is not None  # the pattern has one
            end = next((e for e in range(dot.end() + 1, dotted.end() + 1) if self._follows(text, e) >= _WORD_TIER), None)
            parts_ok = end is not None and self._given_ok(ctx, i, dot.start()) and self._given_ok(ctx, dot.end(), end)
            if end is not None and parts_ok:
                return (i, end, _DOTS.sub("·", text[i:end]))
        surname = self._surname_at(text, i)
        if surname is None or i in ctx.covered or text.startswith(self._not_name, i) or text.startswith(self._verbs, i):
            return None
        cands = self._given_candidates(ctx, i + len(surname))
        if not cands:
            return None
        tiers = [self._follows(text, e) for e, _ in cands]
        pick = 0
        if len(cands) == 2:
            last = self._names.third(*cands[1][1])
            t2, t3 = tiers
            if t3 == _PUNCT_TIER and _WORD_TIER <= t2 < _PUNCT_TIER:
                pick = 1 if last > self._names.punct_over_word else 0
            elif t2 == t3:
                pick = 1 if last > self._names.tie else 0
            elif t3 > t2:
                pick = 1 if last > self._names.veto else 0
        end, given = cands[pick]
        if tiers[pick] == 0 and not (fallback and surname in self._top):
            return None
        name = surname + given
        if self._is_word(name, strict=tiers[pick] == 0):
            return None
        return (i, end, name)

    def _list_item(self, ctx: _Context, i: int) -> tuple[int, int, str] | None:
        """A later name of a list whose surname the table lacks (``副主席甲、拜玉凤、德哇仓、乙``): two or three
        given-name characters after ``、``, ended by punctuation or a following word at one length only, no common
        word and no title inside."""
        text = ctx.text
        ended = [e for e in (i + 2, i + 3) if self._given_ok(ctx, i, e) and self._follows(text, e) >= _WORD_TIER]
        if len(ended) != 1:
            return None
        item = text[i : ended[0]]
        if item in self._words or item[:2] in self._words or self._position_re.search(item) is not None:
            return None
        return (i, ended[0], item)

    def plausible_name(self, name: str) -> bool:
        """Whether ``name`` alone reads as a person's name: a surname and one or two given-name characters,
        no common word (``赵明远`` yes; ``航拍``, ``拍摄`` no).  Layout asks it of a credit glued to its role word."""
        surname = self._surname_at(name, 0)
        if surname is None or name.startswith(self._not_name):
            return False
        given = name[len(surname) :]
        return (
            len(given) in (1, 2)
            and _HAN_ONLY.fullmatch(given) is not None
            and self._not_name_chars.isdisjoint(given)
            and not self._is_word(name, strict=True)
        )

    def names_body(self, text: str) -> bool:
        """Whether ``text`` reads as an organisation (``咸宁市政协``, ``区委宣传部``), not a person; layout asks it
        of a credit's first words (``(咸宁市政协 朱必平 供稿)``: the source, then its writer)."""
        return (self._category(text) is not None or text.endswith(self._body_words)) and not self.plausible_name(text)

    def _is_word(self, name: str, strict: bool = False) -> bool:
        """Whether a candidate name is a common word (``通过``), or, after a surname outside the most common
        ones or with nothing after it that ends it (``strict``), opens with one (``满意度``) or has one as its given
        name (``有项目``, but not after a character that opens more names than words: ``尚祖国``);
        ``郑和顺等`` stays a name."""
        if name in self._words:
            return True
        # ``strict`` (nothing after the name ends it: ``万家灯火``, ``安全生产``): even after a common surname.
        if len(name) != 3 or not (strict or name[0] not in self._top):
            return False
        return name[:2] in self._words or (name[1:] in self._words and (strict or name[0] not in self._name_openers))

    def _follows(self, text: str, e: int) -> float:
        """How well the text at ``e`` marks the end of a name: punctuation 3, a following word 2 (2.5 when it
        has two characters or more: ``随即`` outweighs ``即``), a weak one 1, else 0."""
        if e >= len(text) or text[e] in _PUNCT:
            return _PUNCT_TIER
        if text.startswith(self._follow, e):
            return _WORD_TIER + 0.5 * text.startswith(self._follow_long, e)
        if text.startswith(self._follow_weak, e):
            return 1
        return 0

    def _name_before(self, ctx: _Context, end: int, marked: bool = False) -> int | None:
        """Start of a name ending at ``end``: it must follow punctuation or a word that precedes names (``的``, ``和``).

        Without that the characters before a title are more often a word than a name (``感谢钟委员``).
        Before an explicit marker (``marked``: ``当选为``, ``总书记``) a three-character name needs no boundary
        when the name model reads it well (``unbounded`` threshold).
        """
        text = ctx.text
        candidates: list[tuple[bool, int]] = []  # (boundary before, start)
        for size in (2, 3, 4):
            s = end - size
            if s < 0:
                break
            surname = self._surname_at(text, s)
            if surname is None or size - len(surname) not in (1, 2) or s in ctx.covered:
                continue
            if text.startswith(self._not_name, s) or not self._given_ok(ctx, s + len(surname), end) or self._is_word(text[s:end]):
                continue
            boundary = s == 0 or text[s - 1] in _PUNCT or text.endswith(self._precede, 0, s)
            candidates.append((boundary, s))
        bounded = [s for boundary, s in candidates if boundary]
        if bounded:
            return min(bounded)
        if marked:  # three characters that read well as a name (``把握好习近平``: 习近平, not 好习近)
            s = end - 3
            if (False, s) in candidates and self._names.third(text[s + 1], text[s + 2]) > self._names.unbounded:
                return s
        return None

    # ------------------------------------------------------------------ bodies

    def _anchored_before(
        self, ctx: _Context, lo: int, end: int, place_start: int | None, prev: _Org | None = None
    ) -> tuple[int, _Org] | None:
        """A place + governing body ending at ``end`` (``大足区政协``, ``该县政协``, ``政协``), not before ``lo``.

        A district hit may stand anywhere after ``lo`` (what precedes it is noise); an implicit place word only
        at ``place_start`` when given (a segment's start), so ``社区党委`` is not read as ``区`` + ``党委``.
        """
        text = ctx.text
        for size in self._anchored_sizes:  # longest first; one word per size can end at ``end``
            b = end - size
            row = self._anchored.get(text[b:end]) if b >= lo else None
            if row is None:
                continue
            word = text[b:end]
            hit = ctx.hit_ends.get(b)
            if hit is not None and hit.start >= lo:
                place = hit.entity
                return hit.start, _Org(place.name + word, place.name, row["category"], place)
            for pword, level in self._places:
                ps = b - len(pword)
                if ps >= lo and text[ps:b] == pword and place_start in (None, ps):
                    return ps, self._placed(ctx, pword, level, word, row["category"], prev)
            if row["level"] != "place":
                return b, self._placed(ctx, "", "county", word, row["category"], prev)
        return None

    def _placed(self, ctx: _Context, written: str, level: str, rest: str, category: str, prev: _Org | None) -> _Org:
        """An org whose place is implicit (``区`` + ``委``, ``市`` + ``政协``): written out from the page."""
        if level == "literal":
            return _Org(written + rest, None, category, None)
        place = self._implicit_place(ctx, level, written[-1:], prev)
        if place is None:
            return _Org(written + rest if written else None, None, category, None)
        return _Org(place.name + rest, place.name, category, place)

    def _implicit_place(self, ctx: _Context, level: str, suffix: str, prev: _Org | None) -> District | None:
        """The unit an implicit place word means, in the order the page tells it.

        ``county`` (``区``, ``县``, ``该区``): the chain's last place, the article's district, else the nearest
        written county-level name before it ending in the same character.  ``city`` (``市``): the chain's,
        the nearest written city before it (``福州市政协…市政协``), the article's district when it is a city
        (``都江堰市``), the article's prefecture, a municipality province (``重庆市``).  ``province`` (``省``):
        the chain's, the nearest written province, the article's province.
        """
        chain = prev.place if prev else None
        if level == "county":
            for place in (chain, ctx.article):
                if place is not None and place.level in _LEVEL_COUNTY:
                    return place
            return self._written_before(ctx, lambda h: h.entity.level in _LEVEL_COUNTY and h.entity.name.endswith(suffix))
        if level == "city":  # ``市``, ``州`` (自治州), ``盟``: a unit whose name ends the same way
            suffix = suffix or _MUNICIPALITY_SUFFIX
            if chain is not None and chain.name.endswith(suffix) and chain.level != "county":
                return chain
            written = self._written_before(ctx, lambda h: h.entity.name.endswith(suffix) and h.entity.level in _CITY_LEVELS)
            if written is not None:
                return written
            article = ctx.article
            if article is not None and article.level in _LEVEL_COUNTY and article.name.endswith(suffix):
                return article
            if ctx.prefecture is not None and ctx.prefecture.name.endswith(suffix):
                return ctx.prefecture
            return self._province(ctx, chain, suffix)
        if level == "province":
            if chain is not None and chain.level == "province" and chain.name.endswith(_PROVINCE_SUFFIXES):
                return chain
            written = self._written_before(
                ctx, lambda h: h.entity.level == "province" and h.entity.name.endswith(_PROVINCE_SUFFIXES)
            )
            return written or self._province(ctx, chain, _PROVINCE_SUFFIXES)
        return None

    def _province(self, ctx: _Context, chain: District | None, suffixes: str | tuple[str, ...]) -> District | None:
        """The province of the chain, the page or the article, when its name ends in ``suffixes``."""
        for place in (chain, ctx.province, ctx.article):
            if place is None:
                continue
            province = place.name if place.level == "province" else place.province_name
            if province and province.endswith(suffixes):
                return District(province, None, "province", province_name=province)
        return None

    def _written_before(self, ctx: _Context, wanted: Callable[[Hit], bool], after: bool = True) -> District | None:
        """The nearest written place before the title being resolved that ``wanted`` accepts, else (``after``)
        the first one after it."""
        best: Hit | None = None
        for hit in ctx.written:
            if not wanted(hit):
                continue
            if hit.end <= ctx.at:
                best = hit
            elif best is None and after:
                return hit.entity
            else:
                break
        return best.entity if best else None

    def _resolve(self, ctx: _Context, start: int, tok: _Token, prev: _Org | None) -> _Org:
        """The org of one title segment ``text[start:tok.start]`` + position."""
        ctx.at = start
        written = _QUOTE_MARKS.sub("", ctx.text[start : tok.start])
        qualifiers = ctx.text[tok.start : tok.end - len(tok.rule.word)]
        if written in self._session_words and any(q in qualifiers for q in self._session_qualifiers):
            session = self._session(ctx)  # ``大会执行主席`` with no session named: the position's body (the CPPCC)
            return session if session is not None else self._default_org(ctx, tok.rule, prev)
        if not written:
            if any(q in qualifiers for q in self._session_qualifiers):
                session = self._session(ctx)
                if session is not None:
                    return session
            return self._default_org(ctx, tok.rule, prev)
        committee = self._committee_re.fullmatch(written) if self._committee_re is not None else None
        if committee is not None:  # ``政协某市某区第九届委员会`` → ``某区政协``: the innermost written place
            places = [h for h in ctx.written if start <= h.start and h.end <= tok.start]
            if places:
                place = places[-1].entity
                return _Org(place.name + committee.group("body"), place.name, "cppcc", place)
        party = self._party_prefix_re.search(written)
        if party is not None:
            hit = next((ctx.hit_starts[i] for i in range(start, tok.start) if i in ctx.hit_starts), None)
            place = hit.entity if hit else None
            return _Org(written[party.start() :], place.name if place else None, "democratic_party", place)
        for sub, row in self._subs.items():
            if written.endswith(sub):
                parent_end = tok.start - len(sub)
                parent = self._anchored_before(ctx, start, parent_end, start, prev) if parent_end > start else None
                if parent is not None:
                    base = parent[1]
                elif prev is not None and row["category"] in ("", prev.category):
                    base = prev  # ``省政协副秘书长、办公厅主任``: the office of the chain's body
                elif not row["level"]:
                    return _Org(written, None, row["category"] or "other", None)
                else:
                    base = self._placed(ctx, "", "county", row["level"], row["category"], prev)
                return _Org((base.name or "") + sub, base.district, row["category"] or base.category, base.place)
        anchored = self._anchored_before(ctx, start, tok.start, start, prev)
        if anchored is not None:
            return anchored[1]
        return self._free_org(ctx, start, tok.rule, written, prev)

    def _session(self, ctx: _Context) -> _Org | None:
        """The CPPCC session the text names (``政协某市某区第九届委员会第四次会议`` → ``某区政协九届四次会议``),
        the body of its ``执行主席``: its innermost written place, term and sitting."""
        if self._session_re is None:
            return None
        for m in self._session_re.finditer(ctx.text):
            places = [h for h in ctx.written if m.start() <= h.start and h.end <= m.start("term")]
            if places:
                place = places[-1].entity
                name = f"{place.name}政协{m.group('term')}届{m.group('sitting')}次会议"
                return _Org(name, place.name, "cppcc", place)
        return None

    def _named_before(self, ctx: _Context, before: int, rest: str) -> str | None:
        """The full name, printed before ``before``, of an org ending in ``rest``: the nearest occurrence with a
        name in front of it (the title-segment text before it)."""
        text = ctx.text
        at = text.rfind(rest, 0, before)
        while at > 0:
            head = self._segment_start(text, at)
            if head < at and _HAN_ONLY.fullmatch(text, head, at) is not None:
                return text[head:at] + rest
            at = text.rfind(rest, 0, at)
        return None

    def _free_org(self, ctx: _Context, start: int, rule: _Position, written: str, prev: _Org | None) -> _Org:
        """A company or institution as printed; a leading implicit place word is written out.

        Text with neither a place nor a known org ending (``再次为凝聚委员``) is no org: the position's default applies.
        A body right after the place decides the category (``区政协党组`` is CPPCC).
        """
        hit = ctx.hit_starts.get(start)
        if hit is not None:
            category = self._category(written, hit.end - hit.start)
            return _Org(written, hit.entity.name, category or "other", hit.entity)
        category = self._category(written)
        if category is None:
            return self._default_org(ctx, rule, prev)
        anaphor = next((w for w in self._anaphors if written.startswith(w) and len(written) > len(w)), None)
        if anaphor is not None:  # ``该委员工作室`` → the one the text named before (``苗乡九黎书院委员工作室``)
            named = self._named_before(ctx, start, written[len(anaphor) :])
            if named is not None:
                return _Org(named, None, category, None)
        for pword, level in self._places:
            rest = written[len(pword) :]
            if written.startswith(pword) and rest and not written.startswith(self._place_blocks) and level != "literal":
                category = self._category(written, len(pword)) or category  # ``区政协党组`` is CPPCC
                org = self._placed(ctx, pword, level, rest, category, prev)
                if org.place is not None:
                    return org
                break
        return _Org(written, None, category, None)

    def _default_org(self, ctx: _Context, rule: _Position, prev: _Org | None) -> _Org:
        """The body a bare position implies (``区长`` → the district's 政府, ``总书记`` → 中共中央)."""
        body = rule.default_body
        if body.startswith("="):
            return _Org(body[1:], None, self._category(body[1:]) or "other", None)
        for pword, level in self._places:  # ``市政府``: a city office is never the district's
            if body.startswith(pword) and body[len(pword) :] in self._anchored:
                return self._placed(ctx, pword, level, body[len(pword) :], self._anchored[body[len(pword) :]]["category"], prev)
        # ``静观镇镇长甲，副镇长乙``, ``区政协副主席甲，二级调研员乙``: the chain's or group's body, for the same post
        # (a deputy of it) or a rank held in any body (``^``); ``区委书记甲，镇长乙`` leaves 镇长 without one.
        if (
            prev is not None
            and prev.name is not None
            and (body == "^" or (not body and self._same_post(rule.word, prev.position)))
        ):
            return prev
        row = self._anchored.get(body)
        if row is None:
            return _Org(None, None, "other", None)
        if prev is not None and prev.place is not None:  # ``郴州市政协党组副书记、副主席``: the chain's place
            return _Org(prev.place.name + body, prev.place.name, row["category"], prev.place)
        org = self._placed(ctx, "", "county", body, row["category"], prev)
        if org.name is None:  # ``北京市政协学习委组织…委员``, ``区政协主席甲。副主席乙``: the body the text last wrote out
            return self._last_written(ctx, body, row["category"]) or org
        return org

    def _last_written(self, ctx: _Context, body: str, category: str) -> _Org | None:
        """The nearest ``body`` printed before the title being resolved with its place: a written place right
        before it (``北京市政协``), or an implicit place word at a title's start, written out or kept as printed
        (``区政协`` when the page names no district).  ``全国政协`` is no such place."""
        text = ctx.text
        at = text.rfind(body, 0, ctx.at)
        while at >= 0:
            hit = ctx.hit_ends.get(at)
            if hit is not None:
                return _Org(hit.entity.name + body, hit.entity.name, category, hit.entity)
            for pword, level in self._places:
                ps = at - len(pword)
                if level != "literal" and text.startswith(pword, ps) and ps >= 0 and self._segment_start(text, ps) == ps:
                    return self._placed(ctx, pword, level, body, category, None)
            at = text.rfind(body, 0, at)
        return None

    def _same_post(self, word: str, other: str) -> bool:
        """Whether two positions are one post but for deputy and qualifier words (``副镇长``, ``镇长``)."""
        heads = []
        for w in (word, other):
            while (lead := next((d for d in self._deputy if w.startswith(d) and len(w) > len(d)), None)) is not None:
                w = w[len(lead) :]
            heads.append(w)
        return bool(other) and heads[0] == heads[1]

    def _category(self, org: str, place_len: int = 0) -> str | None:
        """Category of a printed org: a body right after its place, a known prefix, else the longest known suffix."""
        if place_len:
            for word, row in self._anchored_longest:
                if org.startswith(word, place_len):
                    return row["category"]
        for word, category in self._prefixes:
            if org.startswith(word):
                return category
        for word, category in self._suffixes:
            if org.endswith(word):
                return category
        return None

    def _official(self, ctx: _Context, name: str, role: str, org: _Org, start: int, end: int, form: str) -> Official:
        return Official(
            name=name,
            role=role,
            org=org.name,
            district=org.district,
            category=cast(Category, org.category),
            text=ctx.text[start:end],
            rule=f"official:{form}",
        )


def _squeeze(name: str) -> str:
    """A printed name without the spaces and line breaks OCR left inside it."""
    return "".join(name.split())


@dataclass
class _Context:
    """Per-call lookups shared by the helpers; ``at`` is where the title being resolved starts."""

    text: str
    hit_ends: dict[int, Hit]
    hit_starts: dict[int, Hit]
    covered: set[int]
    article: District | None
    prefecture: District | None = None
    province: District | None = None
    group_orgs: dict[int, _Org] = field(default_factory=dict)  # end of a title group's last name → its last org
    written: list[Hit] = field(default_factory=list)  # the written places, in text order
    dotted: bool = False  # whether the text has a middle dot (a transliterated name may stand in it)
    at: int = 0
