"""District recognition: a gazetteer of China's divisions matched longest-first over the text.

Policy (see docs/extending.md, "Districts"):

* Every full name, short name and alias of every unit is looked up through a
  hashed trie (a set of all prefixes), so a scan is linear in the text
  length; only positions whose first two characters open some form are
  walked, and the longest form wins.  A longer place name therefore hides
  the district inside it (``长寿湖镇`` is a township, not 长寿区), and
  ``stop`` forms from ``rules/district_words.tsv`` hide the rest (``江北嘴``).
* A form is *strong* when it belongs to the home province (Chongqing by
  default) or is a full name of three or more characters elsewhere; it counts
  on its own.  Everything else is *weak*: a short name outside the home
  province (``金牛``, ``东方``, ``中山`` are also words or given names), a
  two-character full name outside it (``兴县`` in ``振兴县域``), a township
  outside it, and the listed ``weak`` words (``长寿``, ``老城区``).  A weak form
  counts only with context: its prefecture or province right before it
  (``成都金牛``), a ``X：`` lead opening a paragraph, a body word right after
  it (``长寿政协``), or a county listed right before it (``涪陵、长寿``).  A rejected form of three or more characters still hides
  what is inside it, because those characters are a place name.
* A name shared by several units resolves to the one whose prefecture or
  province is written right before it (``四川省成都市金牛区``,
  ``浙江省宁波市江北区``), else to the home-province unit, else to the first.
"""

from __future__ import annotations

import gzip
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Iterator, Optional

import numpy as np
import regex
from pydantic import Field

from zxextract.normalize import code_points
from zxextract.finder import ArticleContext
from zxextract.records import District, Hit, Level
from zxextract.ruleset import RuleRow


class DistrictRow(RuleRow):
    """A unit of the gazetteer (docs/extending.md, "Districts")."""

    name: str = Field(min_length=1)
    level: Level
    province: str = Field(min_length=1)
    code: Optional[str] = Field(default=None, pattern=r"^\d{6}$")
    parent: Optional[str] = None
    short: list[str] | str = []
    alias: list[str] | str = []


class FormRow(RuleRow):
    """A ``district_stop`` or ``district_weak`` form."""

    name: str = Field(min_length=1)


ROW_MODELS: dict[str, type[RuleRow]] = {"district": DistrictRow, "district_stop": FormRow, "district_weak": FormRow}

HOME = "重庆市"
SCORED_LEVELS = frozenset({"county", "zone"})
_LEAD_MARK = frozenset("：:")
_LIST_SEP = frozenset("、和与及")
# A weak form followed by one of these names a body of that place (``长寿政协``, ``南岸区委``).
_BODY_AFTER = regex.compile(r"(?:政协|人大|区委|县委|党委|政府|区政|县政|纪委|城区|县城|辖区|高新区|经开区)")
# Implicit mentions: ``该区``, ``全县``, ``区委``, ``县政协`` ... ; {u} is the article district's unit word.
_IMPLICIT = (
    r"(?<![安完健齐周])(?:该|本|我|全){u}(?![县域别])"
    r"|(?<![社园城小景片新辖山库矿街校厂市地郊老特灾发范护能验贸港湾岸坝区州郡省乡镇街]){u}"
    r"(?:委|人民政府|政府|政协|人大|纪委|监委|法院|检察院)"
)
_UNIT_WORDS = ("区", "县", "旗")


@dataclass(frozen=True)
class Unit:
    """One administrative unit or zone of the gazetteer."""

    name: str
    code: Optional[str]
    level: str
    province: str
    parent: Optional[str] = None
    short: tuple[str, ...] = ()
    alias: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, ...]:
        """Identity for overrides: the code at its level, else the name under its parent."""
        if self.code:
            return (self.code, self.level)
        return (self.name, self.level, self.parent or self.province)

    def to_row(self) -> dict[str, Any]:
        row: dict[str, Any] = {"type": "district", "name": self.name, "code": self.code,
                               "level": self.level, "province": self.province}
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
    return Unit(name=row["name"], code=row.get("code") or None, level=row["level"],
                province=row["province"], parent=row.get("parent") or None,
                short=_split(row.get("short")), alias=_split(row.get("alias")))


@dataclass(frozen=True)
class _Form:
    """A surface form of a unit: ``full`` (name or alias) or ``short``."""

    unit: Unit
    short: bool


def main_district(hits: Iterable[Hit], title_end: int) -> Optional[District]:
    """An article's own district: the first written county or zone in the title, else the most frequent one.

    ``hits`` are :meth:`DistrictFinder.find` results on text whose first
    ``title_end`` characters are the title; ties go to the earliest.
    """
    scored = [h for h in hits if isinstance(h.entity, District) and h.entity.level in SCORED_LEVELS
              and not h.entity.implicit]
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

    def ancestor_names(self, unit: Unit) -> tuple[str, ...]:
        """Full, alias and short names of the units above ``unit``, up to its province."""
        names = self._ancestor_names.get(unit.key)
        if names is None:
            chain: list[Unit] = []
            code = unit.parent
            while code:
                parent = next((self.units[(code, level)] for level in ("county", "prefecture", "province")
                               if (code, level) in self.units), None)
                if parent is None or parent in chain or parent == unit:
                    break
                chain.append(parent)
                code = parent.parent
            province = self.provinces.get(unit.province)
            if province is not None and province not in chain and province != unit:
                chain.append(province)
            names = tuple(name for u in chain for name in (u.name, *u.alias, *u.short))
            self._ancestor_names[unit.key] = names
        return names


class DistrictFinder:
    """Finds districts in normalized text; see the module docstring for the policy."""

    main_district = staticmethod(main_district)  # so a pipeline holding only the finder can call it

    def __init__(self, units: Iterable[Unit] = (), stop: Iterable[str] = (), weak: Iterable[str] = (),
                 home: str = HOME) -> None:
        self.home = home
        self._units: dict[tuple[str, ...], Unit] = {}
        self._stop: set[str] = set()
        self._weak: set[str] = set()
        self._index: Optional[_Index] = None
        self._add_units(units)
        self._stop.update(stop)
        self._weak.update(weak)

    # -- construction -------------------------------------------------------

    @classmethod
    def default(cls, home: str = HOME) -> "DistrictFinder":
        """The packaged gazetteer and word list."""
        units, stop, weak = _packaged()
        return cls(units, stop, weak, home=home)

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]], home: str = HOME) -> "DistrictFinder":
        """A finder made only of rules rows (as written by :meth:`to_rows`)."""
        finder = cls(home=home)
        finder.add(rows)
        return finder

    def to_rows(self) -> list[dict[str, Any]]:
        """Every rule as a JSON-able row: districts, then ``district_stop`` and ``district_weak`` forms."""
        rows = [unit.to_row() for unit in self._units.values()]
        rows += [{"type": "district_stop", "name": form} for form in sorted(self._stop)]
        rows += [{"type": "district_weak", "name": form} for form in sorted(self._weak)]
        return rows

    def add(self, rows: Iterable[dict[str, Any]]) -> None:
        """Add or override rules; a district row with a known code (or name under the same parent) replaces it."""
        units = []
        for row in rows:
            kind = row.get("type", "district")
            if kind == "district":
                units.append(_unit(row))
            elif kind == "district_stop":
                self._stop.add(row["name"])
            elif kind == "district_weak":
                self._weak.add(row["name"])
            else:
                raise ValueError(f"unknown rule type {kind!r}")
        self._add_units(units)
        self._index = None

    def _add_units(self, units: Iterable[Unit]) -> None:
        for unit in units:
            self._units[unit.key] = unit

    def _compiled(self) -> "_Index":
        """The lookup structures, built once per rule set."""
        if self._index is None:
            self._index = _Index(self._units, self._stop)
        return self._index

    def words(self) -> Iterator[str]:
        """Names a word segmenter should keep whole: every form of every unit above township level."""
        for unit in self._units.values():
            if unit.level != "township":
                yield from (unit.name, *unit.alias, *(s for s in unit.short if len(s) >= 2))

    # -- recognition ----------------------------------------------------------

    def find(self, text: str, context: ArticleContext | None = None) -> list[Hit]:
        """Districts written in ``text``, left to right, longest form first, at every level."""
        index = self._compiled()
        forms = index.forms
        hits: list[Hit] = []
        listed_end = -1  # end of the last county or zone hit, for list context
        free = 0  # positions before this belong to a form already read
        for i in index.starts(text):
            if i < free:
                continue
            for surface in index.surfaces_at(text, i):
                if surface in self._stop:
                    free = i + len(surface)
                    break
                in_list = i - 1 == listed_end and text[i - 1] in _LIST_SEP
                unit = self._resolve(text, i, surface, forms[surface], in_list)
                if unit is not None:
                    if unit.level in SCORED_LEVELS:
                        listed_end = i + len(surface)
                    hits.append(Hit(i, i + len(surface), _district(unit, surface)))
                    free = i + len(surface)
                    break
                if len(surface) >= 3 and any(not f.short for f in forms[surface]):
                    free = i + len(surface)  # a place name we do not report still owns its characters
                    break
        return hits

    def _resolve(self, text: str, start: int, surface: str, forms: list[_Form], in_list: bool) -> Optional[Unit]:
        """The unit ``surface`` at ``start`` denotes, or None when no reading is acceptable.

        ``in_list`` says a county or zone was just listed before it (``涪陵、长寿``),
        which is context enough for a weak form.
        """
        end = start + len(surface)
        with_context: list[Unit] = []
        accepted: list[Unit] = []
        for form in forms:
            if self._after_ancestor(text, start, form.unit):
                with_context.append(form.unit)
            elif not self._is_weak(surface, form) or in_list or _has_context(text, start, end):
                accepted.append(form.unit)
        if with_context:
            return with_context[0]
        home = [unit for unit in accepted if unit.province == self.home]
        return (home or accepted or [None])[0]

    def _is_weak(self, surface: str, form: _Form) -> bool:
        if surface in self._weak:
            return True
        if form.unit.province == self.home:
            return False
        return form.short or len(surface) <= 2 or form.unit.level == "township"

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
        if article_district.level not in SCORED_LEVELS or unit_word not in _UNIT_WORDS:
            return []
        if written is None:
            written = self.find(text)  # disjoint and in order, so their ends are sorted too
        ends = [h.end for h in written]
        hits = []
        for match in _implicit_pattern(unit_word).finditer(text):
            after = bisect_right(ends, match.start())  # the first written span ending after the match starts
            if after < len(written) and written[after].start < match.end():
                continue
            entity = replace(article_district, implicit=True, text=match.group(), span=[0, 0])
            hits.append(Hit(match.start(), match.end(), entity))
        return hits


def _has_context(text: str, start: int, end: int) -> bool:
    """A ``X：`` lead opening a paragraph, or a body word right after the form."""
    at_paragraph_start = start == 0 or text[start - 1] == "\n"
    if at_paragraph_start and text[end:end + 1] in _LEAD_MARK:
        return True
    return _BODY_AFTER.match(text, end) is not None


def _district(unit: Unit, surface: str) -> District:
    return District(name=unit.name, code=unit.code, level=unit.level, province_name=unit.province,
                    implicit=False, text=surface)


@lru_cache(maxsize=len(_UNIT_WORDS))
def _implicit_pattern(unit_word: str) -> regex.Pattern:
    return regex.compile(_IMPLICIT.format(u=unit_word))


@lru_cache(maxsize=1)
def _packaged() -> tuple[tuple[Unit, ...], tuple[str, ...], tuple[str, ...]]:
    """The gazetteer (``rules/gazetteer.tsv.gz``) and word list (``rules/district_words.tsv``), read once."""
    rules = resources.files("zxextract").joinpath("rules")
    with rules.joinpath("gazetteer.tsv.gz").open("rb") as fh:
        lines = gzip.decompress(fh.read()).decode("utf-8").splitlines()
    header = lines[0].split("\t")
    units = tuple(_unit(dict(zip(header, line.split("\t")))) for line in lines[1:] if line)
    stop, weak = [], []
    for line in rules.joinpath("district_words.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            form, kind = line.split("\t")[:2]
            (stop if kind == "stop" else weak).append(form)
    return units, tuple(stop), tuple(weak)
