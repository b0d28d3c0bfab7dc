"""Brands: named programmes, platforms, campaigns, mechanisms, studios and product brands.

A brand is rarely marked as such; a newspaper quotes it and lets the context
say what it is.  So a quoted phrase counts only with evidence (SCHEMA.md):

* a type noun after it, possibly behind a short modifier
  (``“智汇聚力”委员工作室``, ``“33618”现代制造业集群体系``, ``“12415”的产业体系``);
  a run of quotes (``“A”“B”等精准普法活动``) shares that noun;
* a verb of building or using before it (``打造“乡村直播间”``), unless a
  catch-phrase head follows (``打造“六个新高地”目标``);
* a name that itself ends with a type noun (``“邵家坝小院”``, ``“六大攻坚行动”``);
* the ``A·B`` naming pattern of brand families (``“界别·心力汇”``);
* a brand noun right before it (``公用品牌“巴味渝珍”``);
* a known brand (``rules/brands.tsv``), whose ``name·X`` forms are its sub-brands.

Quoted speech (sentence punctuation), emphasis quotes (no such context),
enumerations compressed into one quote (``“…”五大行动``) and category labels
after a list (``等“金招牌”``) are not brands.  Unquoted studio names are taken
from ``X委员工作室`` when X is not generic (``文艺界别``, ``法院``).

All vocabularies are rows (``to_rows``/``from_rows``/``add``) so a rules file
or a saved spaCy pipeline can carry them.
"""

from __future__ import annotations

import re as stdre
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal, cast, get_args

import regex
from pydantic import model_validator

from .finder import ArticleContext, packaged_rows
from .records import Brand, BrandKind, Hit
from .ruleset import RuleRow, alternation, limits, packaged_table

KINDS = frozenset(get_args(BrandKind))
SCOPES = frozenset({"generic", "head", "boundary", "phrase"})


class BrandRow(RuleRow):
    """One of: a known brand (``name``, ``kind``, ``parent``), a type ``noun`` (with ``kind``), a ``verb``, a ``blocker``."""

    name: str | None = None
    noun: str | None = None
    verb: str | None = None
    blocker: str | None = None
    kind: BrandKind = "other"
    parent: str | None = None
    scope: Literal["generic", "head", "boundary", "phrase"] = "generic"

    @model_validator(mode="after")
    def _one_rule(self) -> BrandRow:
        given = [k for k in ("name", "noun", "verb", "blocker") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(f"a brand row has exactly one of name, noun, verb, blocker (got {given or 'none'})")
        return self


ROW_MODELS: dict[str, type[RuleRow]] = {"brand": BrandRow}


class BrandWordRow(RuleRow):
    """A word of ``rules/brand_words.tsv`` and its role around quotes."""

    word: str
    role: Literal[
        "joiner", "count", "category", "modifier_stop", "de", "perfective", "self_naming", "family", "recurring", "holding"
    ]


def _word_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for row in packaged_table("brand_words.tsv", model=BrandWordRow):
        table.setdefault(row["role"], []).append(row["word"])
    return table


_WORDS = _word_table()
_LIMITS = limits("brands")  # rules/limits.tsv
_SELF_NAMING = frozenset(_WORDS["self_naming"])
_FAMILY_NOUNS = frozenset(_WORDS["family"])
_MAX_NAME = _LIMITS["max_name"]
_MAX_STUDIO_RUN = _LIMITS["max_studio_name"] + 1  # an unquoted run read one past the longest name, to tell a description
_NUMERALS = "一二两三四五六七八九十百千万"  # numeral grammar: counts and enumerations


_SPEECH = regex.compile(r"[，,。；;：:！!？?…]")
_DOTS = regex.compile(r"\s*[·•・‧∙･]\s*")
_SPACE = regex.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
_JOINER = regex.compile(rf"(?:{alternation(_WORDS['joiner'])})?")
_COUNT_CHARS = regex.escape("".join(_WORDS["count"]))
_CATEGORY = alternation(_WORDS["category"])
_COUNT = regex.compile(rf"(?:\d+|[{_NUMERALS}]+)[{_COUNT_CHARS}]")
_CATEGORY_BEFORE = regex.compile(rf"”(?:{_CATEGORY}|(?:\d+|[{_NUMERALS}]+)[{_COUNT_CHARS}])$")
_ALONE_COUNT = regex.compile(rf"[{_NUMERALS}]+[{_COUNT_CHARS}]?")  # “十大”, “四大”
_NUMERAL_START = regex.compile(rf"[{_NUMERALS}]")
_MODIFIER_CHAR = rf"(?:(?![{regex.escape(''.join(_WORDS['modifier_stop']))}])[\p{{Han}}A-Za-z0-9+])"
_DE = alternation(_WORDS["de"])
_PERFECTIVE = alternation(_WORDS["perfective"])
_RECURRING = regex.compile(
    rf"(?:{alternation(_WORDS['recurring'])})[^，,。；;：:！!？?\n“”]*?(?:{alternation(_WORDS['holding'])})(?:{_PERFECTIVE})?$"
)
_CATEGORY_AFTER = regex.compile(_CATEGORY)
_LAST_CLAUSE_MARK = regex.compile(r"(?r)[，,。；;：:！!？?\n]")  # searched backwards from a quote
_DE_AFTER = regex.compile(_DE)
_CLOSING_QUOTES = frozenset("”’」』\"'")
_SINGLE_PAIR = regex.compile(r"‘([^‘’“”\n]{1,20})’")
_DOUBLE_MARK = stdre.compile("[“”]")
_HAN_TAIL = regex.compile(r"\p{Han}+\Z")  # the Han run ending at a search's endpos


def canonical(name: str) -> str:
    """The SCHEMA name: no surrounding quotes or spaces, inner quotes as ‘’, middle dot as ``·``."""
    name = name.strip().strip("“”\"‘’'「」『』").strip()
    name = name.replace("“", "‘").replace("”", "’").replace("「", "‘").replace("」", "’")
    name = _DOTS.sub("·", name)
    return _SPACE.sub("", name)


@dataclass
class _Quote:
    """A quoted stretch, quote marks included."""

    start: int
    end: int


@dataclass
class _Compiled:
    """Regexes built from the vocabularies, rebuilt after every ``add``."""

    known: regex.Pattern
    head: regex.Pattern
    verb_before: regex.Pattern
    brand_before: regex.Pattern
    noun: regex.Pattern
    self_naming: regex.Pattern
    catch_head: regex.Pattern
    studio: regex.Pattern
    studio_noun: stdre.Pattern  # every position a studio noun starts at, overlapping; stdlib re is faster on literals
    boundary: regex.Pattern
    verb_start: regex.Pattern
    generic: regex.Pattern


@dataclass
class BrandFinder:
    """Finds brands in normalized text; vocabularies are plain data, extendable by rows."""

    known: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # name → (kind, parent)
    nouns: dict[str, str] = field(default_factory=dict)  # type noun → kind
    verbs: set[str] = field(default_factory=set)
    blockers: dict[str, set[str]] = field(default_factory=lambda: {s: set() for s in SCOPES})
    _compiled: _Compiled | None = field(default=None, repr=False, compare=False)

    # ----------------------------------------------------------------- rows

    @classmethod
    def default(cls) -> BrandFinder:
        """The packaged vocabularies (``rules/brands.tsv``, ``brand_nouns.tsv``, ``brand_verbs.tsv``, ``brand_blockers.tsv``)."""
        return cls.from_rows(default_rows())

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> BrandFinder:
        finder = cls()
        finder.add(rows)
        return finder

    def to_rows(self) -> list[dict[str, Any]]:
        """Every rule as a row; ``from_rows(to_rows())`` rebuilds an equal finder."""
        rows: list[dict[str, Any]] = []
        rows += [{"type": "brand", "name": n, "kind": k, "parent": p} for n, (k, p) in sorted(self.known.items())]
        rows += [{"type": "brand", "noun": n, "kind": k} for n, k in sorted(self.nouns.items())]
        rows += [{"type": "brand", "verb": v} for v in sorted(self.verbs)]
        rows += [{"type": "brand", "blocker": w, "scope": s} for s in sorted(self.blockers) for w in sorted(self.blockers[s])]
        return rows

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override rules.  A row has one of ``name`` (a known brand, with ``kind``
        and optional ``parent``), ``noun`` (with ``kind``), ``verb``, or ``blocker`` (with
        ``scope``: generic, head, boundary or phrase).  ``type`` is ignored (the rules-file router)."""
        for row in rows:
            kind = row.get("kind", "other")
            if ("name" in row or "noun" in row) and kind not in KINDS:
                raise ValueError(f"brand rule {row}: kind must be one of {sorted(KINDS)}")
            if "name" in row:
                self.known[canonical(row["name"])] = (kind, row.get("parent"))
            elif "noun" in row:
                self.nouns[row["noun"]] = kind
            elif "verb" in row:
                self.verbs.add(row["verb"])
            elif "blocker" in row:
                scope = row.get("scope", "generic")
                if scope not in SCOPES:
                    raise ValueError(f"brand rule {row}: scope must be one of {sorted(SCOPES)}")
                self.blockers[scope].add(row["blocker"])
            elif "#" not in row:
                raise ValueError(f"brand rule {row}: needs one of name, noun, verb, blocker")
        self._compiled = None

    def words(self) -> Iterator[str]:
        """Known names, for a segmenter's user dictionary."""
        yield from self.known

    # ---------------------------------------------------------------- regexes

    @property
    def _re(self) -> _Compiled:
        if self._compiled is None:
            nouns = alternation(self.nouns) or r"(?!)"
            self_naming = alternation(n for n, k in self.nouns.items() if k in _SELF_NAMING) or r"(?!)"
            studios = alternation(n for n, k in self.nouns.items() if k == "studio") or r"(?!)"
            brand_nouns = alternation(n for n, k in self.nouns.items() if k == "brand") or r"(?!)"
            name_char = r"[\p{Han}A-Za-z0-9‘’+]"
            self._compiled = _Compiled(
                known=regex.compile(
                    rf"(?P<base>{alternation(self.known) or '(?!)'})"
                    rf"(?:·(?P<sub>{name_char}{{1,16}}))?"
                ),
                head=regex.compile(rf"(?P<de>{_DE})?(?P<mod>{_MODIFIER_CHAR}{{0,{_LIMITS['max_modifier']}}}?)(?P<noun>{nouns})"),
                verb_before=regex.compile(rf"(?:{alternation(self.verbs) or '(?!)'})(?:{_PERFECTIVE})?$"),
                brand_before=regex.compile(rf"(?:{brand_nouns})$"),
                noun=regex.compile(nouns),
                self_naming=regex.compile(rf"(?P<noun>{self_naming})$"),
                catch_head=regex.compile(rf"(?:{_DE})?(?:{alternation(self.blockers['head']) or '(?!)'})"),
                studio=regex.compile(rf"(?P<run>\p{{Han}}+?)(?P<noun>{studios})"),  # a quoted studio's name and its noun
                studio_noun=stdre.compile(rf"(?=({studios}))"),
                boundary=regex.compile(alternation(self.blockers["boundary"] | self.verbs) or r"(?!)"),
                verb_start=regex.compile(
                    alternation(self.verbs | {w for w in self.blockers["boundary"] if len(w) > 1}) or r"(?!)"
                ),
                generic=regex.compile(alternation(self.blockers["generic"]) or r"(?!)"),
            )
        return self._compiled

    # ----------------------------------------------------------------- finding

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]:
        """Brand hits in normalized text, in text order; offsets into ``text``."""
        quoted = bytearray(len(text))  # inside any quote: unquoted rules stay out
        accepted = bytearray(len(text))  # inside a quoted brand: known names there are part of it
        hits: list[Hit] = []
        pos = 0
        for para in text.split("\n"):
            hits += self._quoted_hits(text, _double_quotes(text, pos, pos + len(para)), quoted, accepted)
            pos += len(para) + 1
        singles = [_Quote(m.start(), m.end()) for m in _SINGLE_PAIR.finditer(text) if not all(accepted[m.start() : m.end()])]
        hits += self._quoted_hits(text, singles, quoted, accepted)
        hits += [h for h in self._known_hits(text) if not any(accepted[h.start : h.end])]
        hits += [h for h in self._studio_hits(text) if not any(quoted[h.start : h.end])]
        unique = {(h.start, h.end, h.entity.name): h for h in hits}
        return _with_umbrellas(sorted(unique.values(), key=lambda h: (h.start, h.end)))

    def _quoted_hits(self, text: str, quotes: list[_Quote], quoted: bytearray, accepted: bytearray) -> list[Hit]:
        """Brands among quotes, marking what the quotes and the brands cover."""
        hits: list[Hit] = []
        for q in quotes:
            quoted[q.start : q.end] = b"\x01" * (q.end - q.start)
        for run in _runs(text, quotes):
            hits += self._judge_run(text, run)
        for h in hits:
            accepted[h.start : h.end] = b"\x01" * (h.end - h.start)
        return hits

    def _judge_run(self, text: str, run: list[_Quote]) -> list[Hit]:
        """Decide a run of adjacent quotes together: they share the context before and after."""
        re = self._re
        mark = _LAST_CLAUSE_MARK.search(text, 0, run[0].start)
        clause_start = mark.end() if mark else 0  # the patterns below cross no clause mark
        start = run[0].start  # the patterns below end where the run starts ($ at endpos), within its line
        category = _CATEGORY_BEFORE.search(text, clause_start, start) is not None  # “A”“B”等“金招牌”, “A”…4个“一件事”
        after = run[-1].end
        head_at = after + (m.end() - m.start() if (m := _CATEGORY_AFTER.match(text, after)) else 0)
        tail = _COUNT.match(text, head_at)
        head_at = tail.end() if tail else head_at
        family_name = None
        if (label_end := _quote_end(text, head_at)) is not None:  # 等“渝事好商量”子品牌
            family_name, head_at = canonical(text[head_at:label_end]), label_end
        head = re.head.match(text, head_at)
        if head and not self._heads(text, head):
            head = None
        noun_kind = self.nouns[head["noun"]] if head else None
        parent_from_family = family_name if head and head["noun"] in _FAMILY_NOUNS and family_name else None
        verb = re.verb_before.search(text, clause_start, start) is not None
        recurring = _RECURRING.search(text, clause_start, start) is not None
        appositive = re.brand_before.search(text, clause_start, start) is not None
        catch = re.catch_head.match(text, after) is not None or _DE_AFTER.match(text, after) is not None
        hits = []
        for q in run:
            name = canonical(text[q.start + 1 : q.end - 1])
            known = self._known_of(name)
            self_named = None if self._phrase_like(name) else re.self_naming.search(name)
            if known is not None:
                kind, parent = known
                rule = "brand:known" if parent is None else "brand:sub_brand"
            elif category or not self._name_shaped(name) or tail is not None and len(run) == 1:
                continue
            elif self_named and self.nouns[self_named["noun"]] == "studio" and name not in self.nouns:
                kind, parent, rule = "studio", None, "brand:self_named"  # “特色委员工作室”等平台: its own noun decides
            elif head is not None or appositive:
                kind, parent = noun_kind or "brand", parent_from_family
                rule = "brand:type_noun" if head is not None else "brand:brand_noun"
            elif "·" in name.strip("·"):
                kind, parent, rule = "other", None, "brand:dotted"
            elif self_named and len(name) - len(self_named["noun"]) >= _LIMITS["min_self_named_stem"]:
                kind, parent, rule = self.nouns[self_named["noun"]], None, "brand:self_named"
            elif (
                (verb or recurring)
                and not catch
                and len(name) >= _LIMITS["min_verb_name"]
                and not _NUMERAL_START.match(name)
                and name not in self.nouns
                and not self._phrase_like(name)
            ):
                kind, parent, rule = ("other", None, "brand:verb") if verb else ("campaign", None, "brand:recurring")
            else:
                continue
            if kind == "studio":
                name = self._studio_name(name)
                if not name:
                    continue
            hits.append(
                Hit(
                    q.start,
                    q.end,
                    Brand(name=name, parent=parent, kind=cast(BrandKind, kind), text=text[q.start : q.end], rule=rule),
                )
            )
        return hits

    def _known_of(self, name: str) -> tuple[str, str | None] | None:
        """(kind, parent) of a known brand or of a sub-brand ``known·X``."""
        if name in self.known:
            return self.known[name]
        base, dot, sub = name.partition("·")
        if dot and sub and base in self.known:
            return self.known[base][0], base
        return None

    def _name_shaped(self, name: str) -> bool:
        """Not a sentence, not empty, not a bare count (“十大”), not a policy catch-phrase (“乡村振兴”)."""
        return (
            0 < len(name) <= _MAX_NAME
            and not _SPEECH.search(name)
            and not _ALONE_COUNT.fullmatch(name)
            and name not in self.blockers["phrase"]
        )

    def _phrase_like(self, name: str) -> bool:
        """An enumeration (``宜居、宜业``) or a verb phrase (``搭建协商平台``): weak context is not enough."""
        return "、" in name or self._re.verb_start.match(name) is not None

    def _heads(self, text: str, head: regex.Match) -> bool:
        """Whether a type noun found after a quote is its head: a short modifier between them,
        no catch-phrase head inside it (“大综合一体化”城市综合治理体制机制), and the noun not
        the appositive of a next quote (“土特产”贴上市级公用品牌“巴味渝珍”)."""
        mod = head["mod"]
        if len(mod) > _LIMITS["max_modifier_de" if head["de"] else "max_modifier"] or self._re.catch_head.search(mod):
            return False
        return not (mod and text.startswith("“", head.end()))

    def _studio_name(self, name: str) -> str:
        """``艺渡阳光委员工作室`` → ``艺渡阳光``; a generic description (``文艺界别``) → ''."""
        m = self._re.studio.fullmatch(name)
        if m is None:
            return name
        base = m["run"]
        return "" if self._re.generic.search(base) else base

    def _known_hits(self, text: str) -> Iterator[Hit]:
        """Known brands and their ``name·X`` sub-brands, wherever no quoted brand covers them."""
        for m in self._re.known.finditer(text):
            base, end = m["base"], m.end("base")
            kind, parent = self.known[base]
            name, rule = base, "brand:known"
            if m["sub"]:  # 渝事好商量·委员进小院协商平台: the sub-name ends where its type noun starts
                nouns = list(self._re.noun.finditer(m["sub"], overlapped=True))
                cut = min((n.start() for n in nouns if n.end() == max(x.end() for x in nouns)), default=len(m["sub"]))
                if cut:
                    name, parent, end, rule = f"{base}·{m['sub'][:cut]}", base, m.start("sub") + cut, "brand:sub_brand"
            yield Hit(
                m.start(), end, Brand(name=name, parent=parent, kind=cast(BrandKind, kind), text=text[m.start() : end], rule=rule)
            )

    def _studio_hits(self, text: str) -> Iterator[Hit]:
        """Unquoted ``X委员工作室``: X from the last boundary word on, if proper (not generic).

        A run right after a closing quote describes the quoted name (“小院茶馆”商量工作室: the name is 小院茶馆).
        """
        re = self._re
        for run_start, noun_start, end in _studio_matches(text, re.studio_noun):
            run = text[run_start:noun_start]
            cut = max((b.end() for b in re.boundary.finditer(run)), default=0)
            name, start = run[cut:], run_start + cut
            if (
                _LIMITS["min_studio_name"] <= len(name) <= _LIMITS["max_studio_name"]
                and not re.generic.search(name)
                and not _NUMERAL_START.match(name)
                and text[start - 1 : start] not in _CLOSING_QUOTES
            ):
                yield Hit(start, end, Brand(name=name, kind="studio", text=text[start:end], rule="brand:unquoted_studio"))


def default_rows() -> list[dict[str, Any]]:
    """Rows of the packaged rules files."""
    known = [{k: v for k, v in row.items() if v} for row in packaged_rows("brands.tsv", "brand")]  # no parent: ""
    return known + [
        row for name in ("brand_nouns.tsv", "brand_verbs.tsv", "brand_blockers.tsv") for row in packaged_rows(name, "brand")
    ]


def _with_umbrellas(hits: list[Hit]) -> list[Hit]:
    """``X·Y`` whose X is a brand of the same text gets parent X (and X's kind), whatever the umbrella."""
    umbrellas = {h.entity.name: h.entity.kind for h in hits if "·" not in h.entity.name}
    for h in hits:
        base, dot, sub = h.entity.name.partition("·")
        if dot and sub and h.entity.parent is None and base in umbrellas:
            h.entity.parent, h.entity.kind, h.entity.rule = base, umbrellas[base], "brand:sub_brand"
    return hits


def _studio_matches(text: str, nouns: stdre.Pattern) -> Iterator[tuple[int, int, int]]:
    """(run start, noun start, end) of what ``studio.finditer`` matches, found from the nouns:
    the lazy run backtracks at every Han position, a noun search does not.

    A run starting at ``s`` ends at the first noun after ``s`` (the lazy run stops there),
    so it is that noun's or none; the leftmost ``s`` for a noun is the furthest back that
    stays after the previous match, after the previous noun, within the run limit and in Han.
    """
    end = prev_noun = 0
    for m in nouns.finditer(text):
        noun_start = m.start()
        lo = max(end, prev_noun, noun_start - _MAX_STUDIO_RUN)
        prev_noun = noun_start
        run = _HAN_TAIL.search(text, lo, noun_start) if lo < noun_start else None
        if run is not None:
            end = m.end(1)
            yield run.start(), noun_start, end


def _double_quotes(text: str, start: int, end: int) -> list[_Quote]:
    """Double-quote pairs of one paragraph.

    Neighbouring marks “…” pair first.  Marks OCR left with the wrong
    orientation (“X“, ”X”) pair next, when what lies between them could be
    a name (no sentence punctuation); a closing and an opening mark (”…“)
    never pair: between them is running text.
    """
    marks = [m.start() for m in _DOUBLE_MARK.finditer(text, start, end)]
    used: set[int] = set()
    quotes: list[_Quote] = []
    for proper in (True, False):
        for a, b in pairwise(marks):
            if a in used or b in used:
                continue
            if proper:
                pairs = text[a] == "“" and text[b] == "”"
            else:
                inner = text[a + 1 : b]
                pairs = text[a] == text[b] and 0 < len(inner) <= _MAX_NAME and not _SPEECH.search(inner)
            if pairs:
                used |= {a, b}
                quotes.append(_Quote(a, b + 1))
    return sorted(quotes, key=lambda q: q.start)


def _quote_end(text: str, pos: int) -> int | None:
    """End of a short quote opening at ``pos`` on the same line, if one does."""
    if not text.startswith("“", pos):
        return None
    close = text.find("”", pos + 1, pos + 2 + _MAX_NAME)
    return close + 1 if close > 0 and "\n" not in text[pos:close] else None


def _runs(text: str, quotes: list[_Quote]) -> Iterator[list[_Quote]]:
    """Quotes side by side (``“A”“B”``, ``“A”、“B”``) form one run."""
    run: list[_Quote] = []
    for q in quotes:
        if run and _JOINER.fullmatch(text, run[-1].end, q.start):
            run.append(q)
            continue
        if run:
            yield run
        run = [q]
    if run:
        yield run
