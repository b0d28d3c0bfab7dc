"""District recognition: a gazetteer of China's divisions matched longest-first over the text.

Policy (see docs/gazetteer.md, "How a name is read"):

* Every full name, short name and alias of every unit is looked up through a
  hashed trie (a set of all prefixes), so a scan is linear in the text
  length; only positions whose first two characters open some form are
  walked, and the longest form wins.  A longer place name therefore hides
  the district inside it (``长寿湖镇`` is a township, not 长寿区), and
  ``stop`` forms from ``rules/district_words.tsv`` hide the rest (``江北嘴``).
* A form is *strong* when it belongs to the home province (Chongqing by
  default; ``home``), names a province, is a full name of three or more
  characters elsewhere, or belongs to the article's own prefecture or county
  (``ArticleContext``); it counts on its own.  Everything else is *weak*: a
  short name elsewhere (``金牛``, ``东方``, ``中山`` are also words or given
  names), a two-character full name (``兴县`` in ``振兴县域``), a township, and
  the listed ``weak`` words (``长寿``, ``老城区``).  A weak form counts only
  with context: its parent right before it (``成都金牛``), a ``X：`` lead
  opening a paragraph, a body word right after it (``长寿政协``, ``金堂籍``;
  behind a session number: ``政协房县第十届委员会``), or
  a county listed right before it (``涪陵、长寿``); the words of that context
  are in ``rules/district_context.tsv``.  A weak form before a zone word names
  a zone outside the closed list (``双桥经开区``).  A listed ``word`` (``和县``
  in ``县委和县政协``, ``友好`` in ``友好政协``, ``安居``) or ``area`` noun
  (``城区``, ``东区``, ``南部`` in ``西南部``) needs strong evidence: its parent
  right before it, a sibling listed right before it, or a page about the unit
  itself; a ``word`` also counts after a verb of travel on a page naming its
  province (``赴安居调研``).  A rejected form of three or more
  characters still hides what is inside it, because those characters are a
  place name.
* A name shared by several units resolves to the one whose parent is written
  right before it (``浙江省宁波市江北区``), else to the one inside the
  article's county, prefecture or province, else to the home-province unit,
  else to the first.  ``DistrictComponent`` decides the article's places from
  what the page names and reads the article again with them.
* Every hit names its rule: ``district:{full|short|zone}{support}``, support
  being empty (strong), ``+parent``, ``+page``, ``+body``, ``+lead`` or
  ``+list``; ``district:implicit`` and ``district:short+own`` (an article's own
  county named only by its short name) come from the component.
"""

from __future__ import annotations

import gzip
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, cast

import numpy as np
import regex
from pydantic import Field

from zxextract.finder import ArticleContext
from zxextract.normalize import code_points
from zxextract.records import District, Hit, Level
from zxextract.ruleset import RuleRow, alternation, limits, packaged_bytes, packaged_table


class DistrictRow(RuleRow):
    """A unit of the gazetteer (docs/extending.md, "Districts")."""

    name: str = Field(min_length=1)
    level: Level
    province: str = Field(min_length=1)
    code: str | None = Field(default=None, pattern=r"^\d{6}$")
    parent: str | None = None
    short: list[str] | str = Field(default_factory=list)
    alias: list[str] | str = Field(default_factory=list)


class FormRow(RuleRow):
    """A ``district_stop``, ``district_weak``, ``district_word`` or ``district_area`` form."""

    name: str = Field(min_length=1)


ROW_MODELS: dict[str, type[RuleRow]] = {
    "district": DistrictRow,
    "district_stop": FormRow,
    "district_weak": FormRow,
    "district_word": FormRow,
    "district_area": FormRow,
}
FormKind = Literal["stop", "weak", "word", "area"]
# rules/district_words.tsv's ``kind``, as ``district_<kind>`` rows
FORM_KINDS: tuple[FormKind, ...] = ("stop", "weak", "word", "area")


class WordTableRow(RuleRow):
    """A row of ``rules/district_words.tsv``: a surface ``form`` and how it is read."""

    form: str = Field(min_length=1)
    kind: FormKind


class ContextRow(RuleRow):
    """A row of ``rules/district_context.tsv``: a word (or, for some kinds, a set of characters) around a name."""

    kind: Literal[
        "lead",
        "list",
        "body",
        "zone_body",
        "unit",
        "self_lead",
        "self_lead_blocked",
        "self_lead_unit_blocked",
        "self_body",
        "self_body_blocked",
        "destination",
    ]
    form: str = Field(min_length=1)
    unless: str = ""


HOME = "重庆市"
# A session number between a name and its body (政协房县第十届委员会, 房县十八届人民代表大会): numeral grammar.
_SESSION = r"(?:第?[〇零一二三四五六七八九十百\d]+届)"
_FULL_MIN = limits("districts")["full_min"]  # rules/limits.tsv
SCORED_LEVELS = frozenset({"county", "zone"})
# How a unit relates to the article's places, best first (see ``DistrictFinder._rank``).
AFTER_PARENT, IN_DISTRICT, IN_PREFECTURE, IN_PROVINCE, AT_HOME, ELSEWHERE = range(6)


@dataclass(frozen=True)
class _Vocabulary:
    """The words around a name that decide whether it is one (``rules/district_context.tsv``)."""

    lead: frozenset[str]
    listing: frozenset[str]
    body: regex.Pattern
    zone_body: regex.Pattern
    units: tuple[str, ...]
    implicit: str  # a pattern with ``{u}`` for the article district's unit word
    destination: regex.Pattern  # a verb of travel ending where it is searched
    destination_width: int  # its longest form


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    rows: dict[str, list[dict[str, str]]] = {}
    for row in packaged_table("district_context.tsv", ContextRow):
        rows.setdefault(row["kind"], []).append(row)

    def chars(kind: str) -> str:
        return "".join(row["form"] for row in rows.get(kind, ()))

    def words(kind: str) -> str:
        """An alternation of the kind's forms, longest first, each followed by none of its ``unless`` characters."""
        forms = rows.get(kind, [])
        unless = {row["form"]: f"(?![{regex.escape(row['unless'])}])" for row in forms if row["unless"]}
        return alternation((row["form"] for row in forms), after=unless)

    implicit = (
        rf"(?<![{regex.escape(chars('self_lead_blocked'))}])(?:{words('self_lead')}){{u}}(?![{regex.escape(chars('self_lead_unit_blocked'))}])"
        rf"|(?<![{regex.escape(chars('self_body_blocked'))}]){{u}}(?:{words('self_body')})"
    )
    return _Vocabulary(
        lead=frozenset(chars("lead")),
        listing=frozenset(chars("list")),
        body=regex.compile(f"{_SESSION}?(?:{words('body')})"),
        zone_body=regex.compile(f"(?:{words('zone_body')})"),
        units=tuple(row["form"] for row in rows.get("unit", ())),
        implicit=implicit,
        destination=regex.compile(f"(?:{words('destination')})$"),
        destination_width=max((len(row["form"]) for row in rows.get("destination", ())), default=0),
    )


@dataclass(frozen=True)
class Unit:
    """One administrative unit or zone of the gazetteer."""

    name: str
    code: str | None
    level: str
    province: str
    parent: str | None = None
    short: tuple[str, ...] = ()
    alias: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        """Identity for overrides: the code at its level, else the name under its parent."""
        if self.code:
            return (self.code, self.level)
        return (self.name, self.level, self.parent or self.province)

    def to_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "type": "district",
            "name": self.name,
            "code": self.code,
            "level": self.level,
            "province": self.province,
        }
        if self.parent:
            row["parent"] = self.parent
        if self.short:
            row["short"] = list(self.short)
        if self.alias:
            row["alias"] = list(self.alias)
        return row


def _split(value: Any) -> tuple[str, ...]:
    """A list or comma-separated string of forms, empty ones dropped."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(item.strip() for item in items if item and item.strip())


def _unit(row: dict[str, Any]) -> Unit:
    for field in ("name", "level", "province"):
        if not row.get(field):
            raise ValueError(f"district row needs {field!r}: {row}")
    return Unit(
        name=row["name"],
        code=row.get("code") or None,
        level=row["level"],
        province=row["province"],
        parent=row.get("parent") or None,
        short=_split(row.get("short")),
        alias=_split(row.get("alias")),
    )


@dataclass(frozen=True)
class _Form:
    """A surface form of a unit: ``full`` (name or alias) or ``short``."""

    unit: Unit
    short: bool


def main_district(hits: Iterable[Hit], title_end: int) -> District | None:
    """An article's own district: the first written county or zone in the title, else the most frequent one.

    ``hits`` are :meth:`DistrictFinder.find` results on text whose first
    ``title_end`` characters are the title; ties go to the earliest.
    """
    scored = [h for h in hits if isinstance(h.entity, District) and h.entity.level in SCORED_LEVELS and not h.entity.implicit]
    if not scored:
        return None
    in_title = [h for h in scored if h.start < title_end]
    if in_title:
        return min(in_title, key=lambda h: h.start).entity
    counts = Counter((h.entity.code, h.entity.name) for h in scored)
    best = max(scored, key=lambda h: (counts[(h.entity.code, h.entity.name)], -h.start))
    return best.entity


class _Openings:
    """A set of strings of one length (at most 3), found at every position of a text at once.

    Each window of the text becomes one integer (its code points in base
    0x110000); a hashed bitmap rules out almost every window in one numpy
    gather, and the few left are checked exactly against the sorted keys.
    A set look-up per position costs a Python step per character instead.
    """

    _BASE = np.uint64(0x110000)
    _HASH_BITS = 20  # a 1 MB bitmap: a few percent of windows pass it by collision
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, strings: Iterable[str], width: int) -> None:
        if not 1 <= width <= 3:
            raise ValueError(f"windows of {width} characters do not fit 64 bits")
        self.width = width
        # every string's own window: each width-th window of the strings laid end to end
        self.keys = np.unique(self._windows("".join(s for s in strings if len(s) == width))[::width])
        self.bitmap = np.zeros(1 << self._HASH_BITS, dtype=bool)
        self.bitmap[self._hash(self.keys)] = True

    def _windows(self, text: str) -> np.ndarray:
        """The integer of each ``width``-character window of ``text``, by start position."""
        codes = code_points(text).astype(np.uint64)
        count = max(len(codes) - self.width + 1, 0)
        windows = codes[:count]
        for offset in range(1, self.width):
            windows = windows * self._BASE + codes[offset : offset + count]
        return windows

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        return (keys * self._MULTIPLIER) >> np.uint64(64 - self._HASH_BITS)

    def positions(self, text: str) -> list[int]:
        """Start positions of the windows of ``text`` that are in the set, in order."""
        windows = self._windows(text)
        if not len(self.keys):
            return []
        candidates = np.flatnonzero(self.bitmap[self._hash(windows)])
        found = windows[candidates]
        at = np.minimum(np.searchsorted(self.keys, found), len(self.keys) - 1)
        return candidates[self.keys[at] == found].tolist()


class _Index:
    """Forms by surface string, the set of all their prefixes (a hashed trie), and ancestor names.

    ``opening`` is how many leading characters every form has (2, or 1 if a
    one-character form exists); positions whose opening is not a prefix start
    no form and are skipped without a walk.
    """

    def __init__(self, units: dict[tuple[str, ...], Unit], stop: Iterable[str]) -> None:
        self.units = units
        self.forms: dict[str, list[_Form]] = {}
        for unit in units.values():
            for surface in (unit.name, *unit.alias):
                self.forms.setdefault(surface, []).append(_Form(unit, short=False))
            for surface in unit.short:
                if len(surface) >= 2 and surface != unit.name:  # one-character abbreviations never count
                    self.forms.setdefault(surface, []).append(_Form(unit, short=True))
        for surface in stop:
            self.forms.setdefault(surface, [])
        self.prefixes = frozenset({s[:i] for s in self.forms for i in range(1, len(s) + 1)})
        self.opening = min([2, *(len(s) for s in self.forms if s)])
        self.openings = _Openings({s[: self.opening] for s in self.forms}, self.opening)
        self.provinces = {u.name: u for u in units.values() if u.level == "province"}
        self._ancestor_names: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._chains: dict[tuple[str, ...], tuple[Unit, ...]] = {}

    def starts(self, text: str) -> list[int]:
        """Positions where a form may start, so that only these are walked (about 1 in 13 on the seeds)."""
        return self.openings.positions(text)

    def surfaces_at(self, text: str, start: int) -> list[str]:
        """Every known form starting at ``start``, longest first: a walk down the prefix set.

        No form is shorter than ``opening``, so the walk starts there.
        """
        surfaces = []
        for end in range(start + self.opening, len(text) + 1):
            piece = text[start:end]
            if piece not in self.prefixes:
                break
            if piece in self.forms:
                surfaces.append(piece)
        return surfaces[::-1]

    def chain(self, unit: Unit) -> tuple[Unit, ...]:
        """The units above ``unit``, nearest first, up to its province."""
        chain = self._chains.get(unit.key)
        if chain is None:
            found: list[Unit] = []
            code = unit.parent
            while code:
                parent = next(
                    (self.units[(code, level)] for level in ("county", "prefecture", "province") if (code, level) in self.units),
                    None,
                )
                if parent is None or parent in found or parent == unit:
                    break
                found.append(parent)
                code = parent.parent
            province = self.provinces.get(unit.province)
            if province is not None and province not in found and province != unit:
                found.append(province)
            chain = self._chains[unit.key] = tuple(found)
        return chain

    def ancestor_names(self, unit: Unit) -> tuple[str, ...]:
        """Full, alias and short names of the units above ``unit``, up to its province."""
        names = self._ancestor_names.get(unit.key)
        if names is None:
            names = tuple(name for u in self.chain(unit) for name in (u.name, *u.alias, *u.short))
            self._ancestor_names[unit.key] = names
        return names

    def codes(self, unit: Unit) -> frozenset[str]:
        """The codes of ``unit`` and of every unit above it."""
        return frozenset(u.code for u in (unit, *self.chain(unit)) if u.code)


@dataclass(frozen=True)
class _Place:
    """The article's places as codes and names, for ranking readings (from an :class:`ArticleContext`)."""

    home: str
    district: str | None = None  # code of the article's county or zone
    prefecture: str | None = None  # code
    province: str | None = None  # name

    @classmethod
    def of(cls, context: ArticleContext | None, home: str) -> _Place:
        if context is None:
            return cls(home)
        district = context.district
        return cls(
            home=context.home or home,
            district=district.code if district is not None and district.level in SCORED_LEVELS else None,
            prefecture=context.prefecture.code if context.prefecture is not None else None,
            province=context.province.name if context.province is not None else None,
        )


class DistrictFinder:
    """Finds districts in normalized text; see the module docstring for the policy."""

    main_district = staticmethod(main_district)  # so a pipeline holding only the finder can call it

    def __init__(
        self,
        units: Iterable[Unit] = (),
        stop: Iterable[str] = (),
        weak: Iterable[str] = (),
        home: str = HOME,
        word: Iterable[str] = (),
        area: Iterable[str] = (),
    ) -> None:
        self.home = home
        self._units: dict[tuple[str, ...], Unit] = {}
        self._forms: dict[str, set[str]] = {kind: set() for kind in FORM_KINDS}
        self._index: _Index | None = None
        self._add_units(units)
        self._forms["stop"].update(stop)
        self._forms["weak"].update(weak)
        self._forms["word"].update(word)
        self._forms["area"].update(area)

    # -- construction -------------------------------------------------------

    @classmethod
    def default(cls, home: str = HOME) -> DistrictFinder:
        """The packaged gazetteer and word list."""
        units, forms = _packaged()
        return cls(units, forms["stop"], forms["weak"], home=home, word=forms["word"], area=forms["area"])

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]], home: str = HOME) -> DistrictFinder:
        """A finder made only of rules rows (as written by :meth:`to_rows`)."""
        finder = cls(home=home)
        finder.add(rows)
        return finder

    def to_rows(self) -> list[dict[str, Any]]:
        """Every rule as a JSON-able row: districts, then ``district_stop``, ``district_weak``, ``district_word``, ``district_area`` forms."""
        rows = [unit.to_row() for unit in self._units.values()]
        for kind in FORM_KINDS:
            rows += [{"type": f"district_{kind}", "name": form} for form in sorted(self._forms[kind])]
        return rows

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override rules; a district row with a known code (or name under the same parent) replaces it."""
        units = []
        for row in rows:
            kind = row.get("type", "district")
            if kind == "district":
                units.append(_unit(row))
            elif kind.removeprefix("district_") in FORM_KINDS:
                self._forms[kind.removeprefix("district_")].add(row["name"])
            else:
                raise ValueError(f"unknown rule type {kind!r}")
        self._add_units(units)
        self._index = None

    def _add_units(self, units: Iterable[Unit]) -> None:
        for unit in units:
            self._units[unit.key] = unit

    def _compiled(self) -> _Index:
        """The lookup structures, built once per rule set."""
        if self._index is None:
            self._index = _Index(self._units, self._forms["stop"])
        return self._index

    def words(self) -> Iterator[str]:
        """Names a word segmenter should keep whole: every form of every unit above township level."""
        for unit in self._units.values():
            if unit.level != "township":
                yield from (unit.name, *unit.alias, *(s for s in unit.short if len(s) >= 2))

    # -- places ---------------------------------------------------------------

    def ambiguous(self, surface: str, townships: bool = False) -> bool:
        """Whether ``surface`` names more than one unit above township level (``江北区``, ``鼓楼``),
        or with ``townships`` more than one township (``永安街道``)."""
        units = {f.unit.key for f in self._compiled().forms.get(surface, ()) if (f.unit.level == "township") == townships}
        return len(units) > 1

    def unit_of(self, district: District) -> Unit | None:
        """The gazetteer unit a coded district entity stands for."""
        return self._units.get((district.code, district.level)) if district.code else None

    def prefecture_of(self, district: District) -> District | None:
        """The prefecture-level unit above a county (None for a municipality's districts, zones, provinces)."""
        unit = self.unit_of(district)
        parent = next((u for u in self._compiled().chain(unit) if u.level == "prefecture"), None) if unit else None
        return _district(parent, parent.name, "district:parent") if parent is not None else None

    def province_called(self, name: str) -> str:
        """The full name of the province called ``name`` (full or short: ``浙江`` → ``浙江省``)."""
        provinces = self._compiled().provinces
        found = next((u.name for u in provinces.values() if name in (u.name, *u.short, *u.alias)), None)
        if found is None:
            raise ValueError(f"home must be a province of the gazetteer (重庆市, 浙江省 ...), not {name!r}")
        return found

    def province_named(self, name: str) -> District | None:
        """The province called ``name`` (``浙江省``), as a district entity."""
        unit = self._compiled().provinces.get(name)
        return _district(unit, unit.name, "district:parent") if unit is not None else None

    # -- recognition ----------------------------------------------------------

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]:
        """Districts written in ``text``, left to right, longest form first, at every level.

        ``context`` (the article's district, prefecture and province, and the
        home province) decides between units that share a name, and makes the
        names of the article's own prefecture and county count on their own.
        """
        return self._scan(text, _Place.of(context, self.home))[0]

    def own_candidates(self, text: str, context: ArticleContext) -> list[Hit]:
        """Short names of counties inside the article's province that lacked context to count (``威宁``).

        An article that names no county but speaks of its own (``县政协``,
        ``全县``) is about the one county of its province it names by a short
        name; the caller decides that (see ``DistrictComponent``).
        """
        return self._scan(text, _Place.of(context, self.home))[1]

    def _scan(self, text: str, place: _Place) -> tuple[list[Hit], list[Hit]]:
        """Accepted hits, and short county names of the article's province rejected for want of context."""
        index = self._compiled()
        forms = index.forms
        listing = _vocabulary().listing
        hits: list[Hit] = []
        rejected: list[Hit] = []
        listed_end = -1  # end of the last county or zone hit, for list context
        listed: Unit | None = None  # that county or zone
        free = 0  # positions before this belong to a form already read
        for i in index.starts(text):
            if i < free:
                continue
            for surface in index.surfaces_at(text, i):
                if surface in self._forms["stop"]:
                    free = i + len(surface)
                    break
                after = listed if i - 1 == listed_end and text[i - 1] in listing else None
                reading = self._resolve(text, i, surface, forms[surface], after, place)
                if reading is not None:
                    unit, rule = reading
                    if unit.level in SCORED_LEVELS:
                        listed_end, listed = i + len(surface), unit
                    hits.append(Hit(i, i + len(surface), _district(unit, surface, rule)))
                    free = i + len(surface)
                    break
                if len(surface) >= _FULL_MIN and any(not f.short for f in forms[surface]):
                    free = i + len(surface)  # a place name we do not report still owns its characters
                    break
                own = [
                    f.unit
                    for f in forms[surface]
                    if f.short
                    and f.unit.level == "county"
                    and surface not in self._forms["word"]
                    and surface not in self._forms["area"]  # 南部 in 西南部 is no county
                    and self._rank(f.unit, place) <= IN_PROVINCE
                ]
                if own:
                    rejected.append(Hit(i, i + len(surface), _district(own[0], surface, "district:short+own")))
        return hits, rejected

    def _resolve(
        self, text: str, start: int, surface: str, forms: list[_Form], listed: Unit | None, place: _Place
    ) -> tuple[Unit, str] | None:
        """The unit ``surface`` at ``start`` denotes and the rule that reads it, or None when no reading is acceptable.

        ``listed`` is the county or zone listed right before it (``涪陵、长寿``), if any.
        Readings rank by :meth:`_rank`; the first of the best rank wins.
        """
        end = start + len(surface)
        best: tuple[int, Unit, str] | None = None
        support: str | None
        for form in forms:
            if self._after_ancestor(text, start, form.unit):
                rank, support = AFTER_PARENT, "+parent"
            else:
                rank = self._rank(form.unit, place)
                support = self._support(text, start, end, surface, form, rank, place, listed)
                if support is None:
                    continue
            if best is None or rank < best[0]:
                kind = "zone" if form.unit.level == "zone" else "short" if form.short else "full"
                best = (rank, form.unit, f"district:{kind}{support}")
        return (best[1], best[2]) if best is not None else None

    def _rank(self, unit: Unit, place: _Place) -> int:
        """How close ``unit`` is to the article: in its county, its prefecture, its province, the home province."""
        codes = self._compiled().codes(unit) if place.district or place.prefecture else frozenset()
        if place.district in codes:
            return IN_DISTRICT
        if place.prefecture in codes:
            return IN_PREFECTURE
        if unit.province == place.province:
            return IN_PROVINCE
        return AT_HOME if unit.province == place.home else ELSEWHERE

    def _support(
        self, text: str, start: int, end: int, surface: str, form: _Form, rank: int, place: _Place, listed: Unit | None
    ) -> str | None:
        """Why the form counts here: "" on its own, "+page" by the article's places, "+body", "+lead" or
        "+list" by its context; None when it does not.

        A glued word or a common noun (``district_word``: ``和县``, ``安居``; ``district_area``:
        ``城区``, ``东区``, ``南部``) needs strong evidence: its parent (read by the caller), a sibling
        listed right before it (``攀枝花市东区、西区``), or a page about the unit itself (the
        article's own county or prefecture); a body word after it (``主城区政府``, ``和县政协``) is
        none.  A ``word`` also counts as a destination (``赴安居调研``) in its page's province or the
        home province; an ``area`` noun names a part of whatever place is talked about
        (``产业园东区``, ``赴城区``, ``西南部``), so its province or prefecture named on the page is
        not enough.  A full name shorter than ``full_min`` (``滑县``) counts after a verb of travel.
        A weak form followed by a zone word names a zone outside the closed list.
        """
        if surface in self._forms["word"] or surface in self._forms["area"]:
            unit = form.unit
            if unit.code is not None and unit.code in (place.district, place.prefecture):
                return "+page"
            if listed is not None and unit.parent is not None and listed.parent == unit.parent:
                return "+list"
            if surface in self._forms["word"] and rank <= AT_HOME and self._after_travel(text, start):
                return "+page"
            return None
        if surface not in self._forms["weak"]:
            if form.unit.province == place.home or form.unit.level == "province":
                return ""
            if not form.short and len(surface) >= _FULL_MIN and form.unit.level != "township":
                return ""
            if not form.short and form.unit.level != "township" and self._after_travel(text, start):
                return "+travel"  # a short full name where someone goes: 赴滑县学习考察
            if rank <= IN_PREFECTURE:
                return "+page"
        vocabulary = _vocabulary()
        if vocabulary.zone_body.match(text, end):
            return None
        if listed is not None:
            return "+list"
        if (start == 0 or text[start - 1] == "\n") and text[end : end + 1] in vocabulary.lead:
            return "+lead"
        return "+body" if vocabulary.body.match(text, end) else None

    def destination(self, text: str, start: int, district: District) -> bool:
        """Whether the name at ``start`` is where someone goes (``赴浙江省``, ``考察济南槐荫区``): a verb of
        travel right before it or before the parents written before it.  A destination is not the article's
        own place, so it does not vote firmly for it (``DistrictComponent``)."""
        unit = self.unit_of(district)
        names = self._compiled().ancestor_names(unit) if unit is not None else ()
        at = start
        while (name := next((n for n in names if text.endswith(n, 0, at)), None)) is not None:
            at -= len(name)
        return self._after_travel(text, at)

    @staticmethod
    def _after_travel(text: str, start: int) -> bool:
        """Whether a verb of travel (``赴``, ``到``: ``destination`` rows) is written right before ``start``."""
        vocabulary = _vocabulary()
        return vocabulary.destination.search(text, max(0, start - vocabulary.destination_width), start) is not None

    def _after_ancestor(self, text: str, start: int, unit: Unit) -> bool:
        """Whether a parent, grandparent ... of ``unit`` (full or short name) is written right before ``start``."""
        return text.endswith(self._compiled().ancestor_names(unit), 0, start)

    def implicit(self, text: str, article_district: District, written: list[Hit] | None = None) -> list[Hit]:
        """Mentions without a written name (``该区``, ``全县``, ``区委书记``) → copies of the article district.

        Only the unit word of the article district counts (``该县`` in an article
        about a 区 says nothing), and spans already covered by a written
        district (``北碚区委``) are left to :meth:`find`; ``written`` is
        ``find(text)`` when the caller has it already.
        """
        unit_word = article_district.name[-1:] if article_district.name else ""
        if article_district.level not in SCORED_LEVELS or unit_word not in _vocabulary().units:
            return []
        if written is None:
            written = self.find(text)  # disjoint and in order, so their ends are sorted too
        ends = [h.end for h in written]
        hits = []
        for match in _implicit_pattern(unit_word).finditer(text):
            after = bisect_right(ends, match.start())  # the first written span ending after the match starts
            if after < len(written) and written[after].start < match.end():
                continue
            entity = replace(article_district, implicit=True, text=match.group(), span=[0, 0], rule="district:implicit")
            hits.append(Hit(match.start(), match.end(), entity))
        return hits


def _district(unit: Unit, surface: str, rule: str) -> District:
    return District(
        name=unit.name,
        code=unit.code,
        level=cast(Level, unit.level),
        province_name=unit.province,
        implicit=False,
        text=surface,
        rule=rule,
    )


@lru_cache(maxsize=8)
def _implicit_pattern(unit_word: str) -> regex.Pattern:
    return regex.compile(_vocabulary().implicit.format(u=regex.escape(unit_word)))


@lru_cache(maxsize=1)
def _packaged() -> tuple[tuple[Unit, ...], dict[str, tuple[str, ...]]]:
    """The gazetteer (``rules/gazetteer.tsv.gz``) and word list (``rules/district_words.tsv``), read once."""
    lines = gzip.decompress(packaged_bytes("gazetteer.tsv.gz")).decode("utf-8").splitlines()
    header = lines[0].split("\t")
    units = tuple(_unit(dict(zip(header, line.split("\t")))) for line in lines[1:] if line)
    forms: dict[str, list[str]] = {kind: [] for kind in FORM_KINDS}
    for row in packaged_table("district_words.tsv", WordTableRow):
        forms[row["kind"]].append(row["form"])
    return units, {kind: tuple(found) for kind, found in forms.items()}
