"""Score predicted articles against the gold files by the schema's scoring rules (docs/evaluate.md states each one).

Per source document and per type, the keys of the prediction's articles
(their union) are compared with the keys of the gold's articles; true
positives, false positives and false negatives are summed over documents and
give micro precision, recall and F1.

Articles are compared as JSON records (``Article.to_dict()`` or a JSON Lines
line read as it is), so keys the record class may not have yet (``published``,
``source``) are scored as soon as a prediction carries them.

``TypeScore`` is the project's one P/R/F1: scripts and tests that measure a
finder build their keys with ``type_keys`` and count them with ``TypeScore.of``.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .normalize import _t2s  # the package's one t2s table (rules/t2s.tsv), read once
from .records import Article

if TYPE_CHECKING:
    from .extractor import Extractor

Key = Hashable
Record = Mapping[str, Any]  # one article as JSON: a gold article, or a predicted Article as a dict

_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans(
    {'"': "“", "'": "‘", "「": "“", "」": "”", "『": "‘", "』": "’", "・": "·", "•": "·", "‧": "·", "．": "·"}
)
_HALF_TO_FULL = {ord(c): ord(c) + 0xFEE0 for c in "!(),:;?+"}
_DASHES = "—-"
_SCORED_LEVELS = frozenset({"county", "zone"})


@lru_cache(maxsize=1)
def _simplified() -> dict[int, str]:
    """Traditional → simplified, one character to one: the whole OpenCC TSCharacters table (sure and ambiguous forms)."""
    sure, ambiguous = _t2s()
    return {ord(trad): simp for trad, simp in {**sure, **ambiguous}.items()}


def plain(text: str | None) -> str:
    """Whitespace removed and traditional characters simplified: every compared string goes through this."""
    return _WHITESPACE.sub("", text or "").translate(_simplified())


def title_key(text: str | None) -> str:
    """``plain``, then quotes, half-width punctuation (``!(),:;?+``) and middle dots unified."""
    return plain(text).translate(_QUOTES).translate(_HALF_TO_FULL).replace("”", "“").replace("’", "‘")


def brand_key(name: str | None) -> str:
    """A brand name as ``title_key``, without quotes around it."""
    return title_key(name).strip("“‘")


def _sig6(value: Any) -> float | None:
    """The value rounded to 6 significant digits; null (or not a number) stays None."""
    if value is None:
        return None
    try:
        return float(f"{float(value):.6g}")
    except (TypeError, ValueError):
        return None


def _name(item: Any, key: str) -> str | None:
    """A gold list holds bare strings where predictions hold records (brands, documents)."""
    return item if isinstance(item, str) else item.get(key)


def _districts(article: Record, gold: bool) -> Iterator[Key]:
    for d in article.get("districts") or []:
        if isinstance(d, str) or (not gold and d.get("level") not in _SCORED_LEVELS):
            continue  # gold districts carry no level: the gold lists counties and zones only
        yield d.get("code") or "zone:" + plain(d.get("name"))


def _published(article: Record, gold: bool) -> Iterator[Key]:
    date = article.get("published")
    if isinstance(date, Mapping):
        yield date.get("year"), date.get("month"), date.get("day")


def _plain_keys(field: str, *parts: str) -> Callable[[Record, bool], Iterator[Key]]:
    """Keys of a list of records: the named parts, each ``plain``."""

    def keys(article: Record, gold: bool) -> Iterator[Key]:
        for item in article.get(field) or []:
            yield tuple(plain(item.get(part)) for part in parts)

    return keys


def _quantities(article: Record, gold: bool) -> Iterator[Key]:
    for q in article.get("quantities") or []:
        yield _sig6(q.get("value")), _sig6(q.get("value_max")), plain(q.get("unit"))


def _dates(article: Record, gold: bool) -> Iterator[Key]:
    for d in article.get("dates") or []:
        yield d.get("year"), d.get("month"), d.get("day")


def _brands(article: Record, gold: bool) -> Iterator[Key]:
    for b in article.get("brands") or []:
        yield brand_key(_name(b, "name"))


def _documents(article: Record, gold: bool) -> Iterator[Key]:
    for d in article.get("documents") or []:
        yield title_key(_name(d, "title")).strip("《》")


def _bylines(article: Record, gold: bool) -> Iterator[Key]:
    for c in article.get("bylines") or []:
        yield plain(c.get("name")), c.get("role")


@dataclass(frozen=True)
class _Type:
    """How one type's keys are read from an article (gold or predicted), and whether repeats count."""

    keys: Callable[[Record, bool], Iterable[Key]]
    multiset: bool


# In the order the reference scorer prints them; articles are matched by ``_match_titles``, not by keys.
_TYPES: dict[str, _Type | None] = {
    "articles": None,
    "bylines": _Type(_bylines, multiset=False),
    "districts": _Type(_districts, multiset=False),
    "officials": _Type(_plain_keys("officials", "name", "role"), multiset=False),
    "officials_strict": _Type(_plain_keys("officials", "name", "role", "org"), multiset=False),
    "brands": _Type(_brands, multiset=False),
    "quantities": _Type(_quantities, multiset=True),
    "dates": _Type(_dates, multiset=True),
    "documents": _Type(_documents, multiset=False),
    "published": _Type(_published, multiset=False),
}

TYPES: tuple[str, ...] = tuple(_TYPES)


def type_keys(type_: str, articles: Iterable[Article | Record], *, gold: bool = False) -> Counter[Key]:
    """The union of the articles' keys of one type (not ``articles``): counted for a multiset, once each for a set."""
    spec = _TYPES.get(type_)
    if spec is None:
        raise ValueError(f"no keys for type {type_!r}; one of: {', '.join(t for t, s in _TYPES.items() if s)}")
    keys = Counter(key for article in articles for key in spec.keys(_record(article), gold))
    return keys if spec.multiset else Counter(set(keys))


@dataclass(frozen=True)
class TypeScore:
    """Summed counts of one type; the ratios follow from them (a ratio over nothing is 0.0)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @classmethod
    def of(cls, gold: Iterable[Key] | Counter[Key], predicted: Iterable[Key] | Counter[Key]) -> TypeScore:
        """The counts of two key collections or Counters (``type_keys``), repeats counted: pass sets for a set type."""
        want, got = Counter(gold), Counter(predicted)
        return cls((want & got).total(), (got - want).total(), (want - got).total())

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: TypeScore) -> TypeScore:
        return TypeScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class DocErrors:
    """Keys of one document and type that were predicted but not in gold, and in gold but not predicted."""

    false_positives: list[Key]
    false_negatives: list[Key]


@dataclass
class Scores:
    """Micro-averaged figures per type, and per type the errors of every scored document (gold order)."""

    types: dict[str, TypeScore]
    errors: dict[str, dict[str, DocErrors]]

    def __getitem__(self, type_: str) -> TypeScore:
        return self.types[type_]

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        """Plain figures for JSON: type → precision, recall, f1, tp, fp, fn."""
        return {
            name: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp, "fn": s.fn}
            for name, s in self.types.items()
        }


def _record(article: Article | Record) -> Record:
    return article if isinstance(article, Mapping) else article.to_dict()


def _match_titles(gold: Sequence[Record], predicted: Sequence[Record]) -> tuple[TypeScore, DocErrors]:
    """Each predicted title takes the first unmatched gold article it equals by title or by subtitle.

    A two-line headline may be predicted with its lines in either order; titled gold articles only.
    """
    accept = [
        {title_key(a.get(part)).strip(_DASHES) for part in ("title", "subtitle") if a.get(part)} for a in gold if a.get("title")
    ]
    used: set[int] = set()
    false_pos: list[Key] = []
    for title in (title_key(a["title"]).strip(_DASHES) for a in predicted if a.get("title")):
        hit = next((i for i, ok in enumerate(accept) if i not in used and title in ok), None)
        if hit is None:
            false_pos.append(title)
        else:
            used.add(hit)
    false_neg: list[Key] = [min(ok) for i, ok in enumerate(accept) if i not in used]
    return TypeScore(len(used), len(false_pos), len(false_neg)), DocErrors(false_pos, false_neg)


def score(gold: Mapping[str, Sequence[Record]], predicted: Mapping[str, Sequence[Article | Record]]) -> Scores:
    """Compare predicted with gold articles, document by document (documents missing from ``predicted`` predict nothing).

    ``published`` is scored only on documents where some gold article has the key.
    """
    types = {name: TypeScore() for name in TYPES}
    errors: dict[str, dict[str, DocErrors]] = {name: {} for name in TYPES}
    for doc_id, gold_articles in gold.items():
        mine = [_record(a) for a in predicted.get(doc_id, [])]
        for name, spec in _TYPES.items():
            if spec is None:
                counts, errs = _match_titles(gold_articles, mine)
            elif name == "published" and not any("published" in a for a in gold_articles):
                continue
            else:
                want, got = type_keys(name, gold_articles, gold=True), type_keys(name, mine)
                counts = TypeScore.of(want, got)
                errs = DocErrors(_sorted((got - want).elements()), _sorted((want - got).elements()))
            types[name] += counts
            errors[name][doc_id] = errs
    return Scores(types, errors)


def _sorted(keys: Iterable[Key]) -> list[Key]:
    """Keys in natural order (numbers numerically), None parts first."""

    def order(key: Key) -> tuple:
        parts = key if isinstance(key, tuple) else (key,)
        return tuple((part is not None, part if part is not None else 0) for part in parts)

    return sorted(keys, key=order)


def _read_gold(gold_dir: Path) -> dict[str, tuple[str, list[dict]]]:
    """doc_id → (page file name, gold articles as written); gold ``X.txt.json`` names page ``X.txt``."""
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no gold files (*.json) in {gold_dir}")
    gold = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        gold[data["doc_id"]] = (path.name.removesuffix(".json"), data["articles"])
    return gold


def load_gold(gold_dir: str | Path) -> dict[str, list[dict]]:
    """doc_id → gold articles (JSON as written), for every ``*.json`` in the folder, in file-name order."""
    return {doc_id: articles for doc_id, (_, articles) in _read_gold(Path(gold_dir)).items()}


def read_predictions(path: str | Path) -> Iterator[dict]:
    """Articles from a JSON Lines file as ``zxextract extract`` writes it, as JSON objects; blank lines are skipped.

    Records are kept as written, so keys the Article class does not know are still scored.
    """
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    record = json.loads(line)
                except ValueError as err:
                    raise ValueError(f"{path}:{number}: not an Article record: {err}") from err
                if not isinstance(record, dict) or "doc_id" not in record:
                    raise ValueError(f"{path}:{number}: not an Article record: no doc_id")
                yield record


def _predict(pages: dict[str, str], pages_dir: Path, extractor: Extractor | None) -> Iterator[Article]:
    """Run the extractor on every page (doc_id → page file name), after checking that all exist."""
    paths = {doc_id: pages_dir / name for doc_id, name in pages.items()}
    missing = [str(path) for path in paths.values() if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"page file(s) named by the gold not found: {', '.join(missing)}")
    if extractor is None:
        from .extractor import load  # spaCy loads only when pages are to be parsed

        extractor = load()
    texts = ((doc_id, path.read_text(encoding="utf-8")) for doc_id, path in paths.items())
    for _, articles in extractor.pipe_pages(texts):
        yield from articles


def _group(predictions: Iterable[Article | Record], gold: Mapping[str, object]) -> dict[str, list[Record]]:
    """Predicted articles per gold document, by the file name of their ``doc_id``; others dropped with a warning."""
    grouped: dict[str, list[Record]] = {doc_id: [] for doc_id in gold}
    stray: set[str] = set()
    for article in predictions:
        record = _record(article)
        doc_id = os.path.basename(str(record.get("doc_id", "")))
        if doc_id in grouped:
            grouped[doc_id].append(record)
        else:
            stray.add(doc_id)
    if stray:
        warnings.warn(f"ignored predictions for {len(stray)} document(s) without gold: {', '.join(sorted(stray))}", stacklevel=3)
    return grouped


def evaluate(
    gold_dir: str | Path,
    *,
    pages_dir: str | Path | None = None,
    predictions: str | Path | Iterable[Article | Record] | None = None,
    extractor: Extractor | None = None,
) -> Scores:
    """Score predictions (a JSONL path, Article records or their dicts) or, without them, the extractor run on the gold's pages.

    Pages are looked up in ``pages_dir``, or next to the gold files.
    """
    gold_dir = Path(gold_dir)
    if predictions is not None and extractor is not None:
        raise ValueError("pass predictions or an extractor, not both")
    gold = _read_gold(gold_dir)
    if predictions is None:
        pages = {doc_id: page for doc_id, (page, _) in gold.items()}
        predictions = _predict(pages, Path(pages_dir) if pages_dir is not None else gold_dir, extractor)
    elif isinstance(predictions, (str, Path)):
        predictions = read_predictions(predictions)
    gold_articles = {doc_id: articles for doc_id, (_, articles) in gold.items()}
    return score(gold_articles, _group(predictions, gold_articles))


def _show(key: Key) -> str:
    """A key as one readable line: tuple parts joined by ', ', None as '-', floats without a needless '.0'."""
    parts = key if isinstance(key, tuple) else (key,)
    return ", ".join("-" if p is None else format(p, ".12g") if isinstance(p, float) else str(p) for p in parts)


def format_table(scores: Scores) -> str:
    """One row per type: type, P, R, F1, tp, fp, fn, laid out as the reference scorer prints them."""
    rows = [f"{'type':18} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for name, s in scores.types.items():
        rows.append(f"{name:18} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp:5d} {s.fp:5d} {s.fn:5d}")
    return "\n".join(rows)


def format_errors(scores: Scores, type_: str) -> str:
    """Per document with errors, its false positives (``FP``) then false negatives (``FN``) of one type."""
    if type_ not in scores.errors:
        raise ValueError(f"unknown type {type_!r}; one of: {', '.join(scores.errors)}")
    blocks = []
    for doc_id, errs in scores.errors[type_].items():
        if errs.false_positives or errs.false_negatives:
            lines = [doc_id]
            lines += [f"  FP  {_show(key)}" for key in errs.false_positives]
            lines += [f"  FN  {_show(key)}" for key in errs.false_negatives]
            blocks.append("\n".join(lines))
    return "\n".join(blocks) if blocks else f"no {type_} errors"
